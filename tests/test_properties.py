"""Property-based tests (hypothesis) of hostile input and damaged run folders (#18).

- A scenario mutated anywhere (a value replaced by another type, a number, NaN or
  infinity, markup, a key removed or added) or saved in another encoding never gives a
  traceback: ``dcpower validate`` exits 0 or 2, and on error prints exactly one line;
  ``dcpower run`` refuses (exit 2) exactly what ``validate`` refuses, and otherwise ends
  in a plan (0) or an infeasible requirement (3).
- A run folder damaged the ways files get damaged (a file cut short, a dispatch value
  lost, a file deleted) never passes ``dcpower verify``: it exits 2 (unreadable or
  incomplete) or 4 (a check fails), with one line on error and no traceback.

The validate and verify properties run in a few seconds each (bounded examples, no solve
inside the loop); the run property takes a few examples (each valid one solves)."""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_SCENARIO
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import dcpower
from dcpower import run_folder as rf
from dcpower.cli import app
from dcpower.run_summary import save

#: Values a field may be replaced with: other types, edge numbers, markup, paths.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", ":x:", "[bold red]boom[/]", "../../etc/passwd", "/dev/zero", "1e400"]),
    st.text(max_size=20),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1251"])
FAST = settings(
    max_examples=int(os.environ.get("DCPOWER_PROPERTY_EXAMPLES", "40")),
    derandomize="DCPOWER_PROPERTY_EXAMPLES" not in os.environ,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _paths(node, prefix=()):
    """Every path to a value inside nested dicts and lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


PATHS = list(_paths(SMALL_SCENARIO))


@st.composite
def mutated_scenarios(draw) -> tuple[dict, str]:
    """The small scenario with one or two mutations, and the encoding to save it in."""
    raw = copy.deepcopy(SMALL_SCENARIO)
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        path = draw(st.sampled_from(PATHS))
        parent = raw
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(VALUES)
            elif action == "delete" and isinstance(parent, dict):
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced the path
    return raw, draw(ENCODINGS)


def _one_line_or_none(out) -> None:
    """The command ended without a traceback, and said at most one line if it failed."""
    assert out.exception is None or isinstance(out.exception, SystemExit), out.output
    assert "Traceback" not in out.output
    if out.exit_code != 0:
        assert len(out.output.strip().splitlines()) == 1, out.output


def _saved(case: tuple[dict, str], folder: Path) -> Path | None:
    """The scenario of a case saved in its encoding (None if it cannot be written in it)."""
    raw, encoding = case
    path = folder / "scenario.yaml"
    try:
        path.write_bytes(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True).encode(encoding))
    except (UnicodeEncodeError, yaml.YAMLError):
        return None
    return path


#: Found at random: a key with a Unicode line break (NEL) split the message in two lines.
LINE_BREAK_KEY = {**copy.deepcopy(SMALL_SCENARIO), " \x85": 1}
#: Found at random: a list as a site's climate crashed the catalogue lookup (a traceback).
LIST_CLIMATE = copy.deepcopy(SMALL_SCENARIO)
LIST_CLIMATE["sites"]["baku"]["climate"] = []


@FAST
@given(mutated_scenarios())
@example((LINE_BREAK_KEY, "utf-8"))
@example((LIST_CLIMATE, "utf-8"))
def test_a_mutated_scenario_is_valid_or_refused_in_one_line(tmp_path: Path, case):
    path = _saved(case, tmp_path)
    if path is None:
        return  # not representable in that encoding: nothing to read
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code in (0, 2), out.output
    _one_line_or_none(out)


#: Each example that passes validation solves (the 48 h small scenario, reports written).
RUNS = settings(FAST, max_examples=int(os.environ.get("DCPOWER_PROPERTY_RUNS", "6")))


@RUNS
@given(mutated_scenarios())
@example((copy.deepcopy(SMALL_SCENARIO), "utf-8"))  # valid: a plan, exit 0
@example(({**copy.deepcopy(SMALL_SCENARIO), "solver": {"mip_gap": 2}}, "utf-8"))  # refused
def test_run_agrees_with_validate_on_a_mutated_scenario(tmp_path: Path, case):
    """``dcpower run`` refuses (exit 2, one line, nothing written) exactly the scenarios
    ``dcpower validate`` refuses; the others end in a plan (0) or an infeasible
    requirement (3, one line). Never a traceback."""
    path = _saved(case, tmp_path)
    if path is None:
        return  # not representable in that encoding: nothing to read
    validated = CliRunner().invoke(app, ["validate", str(path)])
    out_dir = tmp_path / "runs" / uuid.uuid4().hex  # tmp_path is shared by the examples
    ran = CliRunner().invoke(app, ["run", str(path), "--out", str(out_dir)])
    _one_line_or_none(ran)
    assert ran.exit_code in (0, 2, 3), ran.output
    assert (ran.exit_code == 2) == (validated.exit_code == 2), (validated.output, ran.output)
    if ran.exit_code != 0:
        assert not out_dir.exists()


@pytest.fixture(scope="module")
def verified_folder(small_scenario_module: Path, tmp_path_factory) -> Path:
    """A saved and verified run of the small scenario (no reports)."""
    result = dcpower.run(small_scenario_module, parallel=False, reports=False)
    folder = save(result, tmp_path_factory.mktemp("run") / "run")
    assert CliRunner().invoke(app, ["verify", str(folder)]).exit_code == 0
    return folder


DAMAGEABLE = [rf.DISPATCH_FILE, rf.PROFILES_FILE, rf.SUMMARY_FILE, rf.COSTS_FILE]
DAMAGE = st.one_of(
    st.tuples(st.just("cut"), st.sampled_from(DAMAGEABLE), st.floats(0.0, 0.999)),
    st.tuples(st.just("lose"), st.integers(0, 95), st.sampled_from(["", "nan", "x"])),
    st.tuples(st.just("delete"), st.sampled_from([*rf.TABLE_FILES, rf.SUMMARY_FILE])),
)


@FAST
@given(DAMAGE)
def test_a_damaged_run_folder_never_passes_verify(verified_folder: Path, tmp_path: Path, damage):
    folder = tmp_path / "damaged"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(verified_folder, folder)
    kind, *detail = damage
    if kind == "cut":
        name, share = detail
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: int(share * len(data))])
    elif kind == "lose":
        row, value = detail
        lines = (folder / rf.DISPATCH_FILE).read_text().splitlines(keepends=True)
        cells = lines[row + 1].rstrip("\n").split(",")
        cells[2 + row % (len(cells) - 2)] = value  # a value column (site and time first)
        lines[row + 1] = ",".join(cells) + "\n"
        (folder / rf.DISPATCH_FILE).write_text("".join(lines))
    else:
        (folder / detail[0]).unlink()
    out = CliRunner().invoke(app, ["verify", str(folder)])
    assert out.exit_code in (2, 4), out.output
    assert out.exception is None or isinstance(out.exception, SystemExit), out.output
    assert "Traceback" not in out.output
    if out.exit_code == 2:
        assert len(out.output.strip().splitlines()) == 1, out.output
