"""Input YAML read defensively: duplicate keys and alias bombs are refused in one line, and only
regular UTF-8 files of sensible size are read (issue "Nothing lost, nothing exposed", a first
step)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import yaml

from dcpower.errors import ScenarioError
from dcpower.safe_yaml import MAX_EXPANDED_NODES, load_yaml, read_text
from dcpower.scenario import load_scenario

pytestmark = pytest.mark.unit

SCENARIO = """name: twice
sites:
  s:
    climate: baku
    data_center:
      it_capacity_mw: 40
      it_capacity_mw: 400
    technologies: [recip_engine]
technologies:
  recip_engine: {}
"""

#: Nine levels of ten aliases each: 10**9 values once expanded, in a dozen lines.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_a_key_given_twice_is_refused_with_both_lines():
    with pytest.raises(yaml.YAMLError) as err:
        load_yaml(SCENARIO)
    assert "duplicate key 'it_capacity_mw' (first at line 6)" in str(err.value)
    assert err.value.problem_mark.line + 1 == 7


def test_a_scenario_with_a_key_twice_fails_in_one_line(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message == (
        f"{path}: not valid YAML at line 7, column 7: duplicate key 'it_capacity_mw' "
        "(first at line 6)"
    )


def test_an_alias_bomb_is_refused_quickly_without_its_text():
    started = time.perf_counter()
    with pytest.raises(yaml.YAMLError) as err:
        load_yaml(BOMB)
    assert time.perf_counter() - started < 5.0
    assert f"more than {MAX_EXPANDED_NODES:,} values" in str(err.value)
    assert len(str(err.value)) < 500


def test_shared_aliases_of_sensible_size_still_load():
    text = "base: &b {capex: 1.0, life: 20}\nx: *b\ny: *b\n"
    assert load_yaml(text) == {
        "base": {"capex": 1.0, "life": 20},
        "x": {"capex": 1.0, "life": 20},
        "y": {"capex": 1.0, "life": 20},
    }


def test_only_regular_utf8_files_of_sensible_size_are_read(tmp_path):
    with pytest.raises(ValueError, match="not a regular file"):
        read_text(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"name: x\n\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match=r"not UTF-8 text \(byte 8\)") as err:
        read_text(binary)
    assert "garbage" not in str(err.value)
    big = tmp_path / "big.yaml"
    big.write_text("x" * 2_000, encoding="utf-8")
    with pytest.raises(ValueError, match="2,000 bytes, more than the 1,000 read"):
        read_text(big, max_bytes=1_000)
    with pytest.raises(FileNotFoundError):
        read_text(tmp_path / "missing.yaml")


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/zero is a Linux device")
def test_validate_on_a_device_or_folder_is_one_line_exit_2(tmp_path):
    for target in ("/dev/zero", str(tmp_path)):
        done = subprocess.run(
            [sys.executable, "-m", "dcpower.cli", "validate", target],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("capex_usd_per_kw", ".inf"),
        ("unit_mw", ".nan"),
        ("heat_rate_full_load_mmbtu_per_mwh", "-.inf"),
    ],
)
def test_infinite_and_nan_figures_are_bad_input_in_one_line(tmp_path, field, text):
    """An infinite capex would otherwise reach the solver and end as "no plan"."""
    path = tmp_path / "inf.yaml"
    path.write_text(
        "name: inf\nsites:\n  s:\n    climate: baku\n    data_center: {it_capacity_mw: 10}\n"
        f"    technologies: [recip_engine]\ntechnologies:\n  recip_engine: {{{field}: {text}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert f"technologies.recip_engine.{field}" in message
    assert "finite number" in message and "\n" not in message
