"""The ``dcpower`` command line: exit codes, one-line messages, no tracebacks, no stray folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dcpower.cli import EXIT_BAD_INPUT, EXIT_INFEASIBLE, app

runner = CliRunner()


def edit(raw: dict, dotted: str, value) -> dict:
    """Set ``raw[a][b][c] = value`` for ``dotted = "a.b.c"``."""
    *parents, last = dotted.split(".")
    node = raw
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return raw


# (case id, field to set, value, words the one-line message must hold)
BAD_FIELDS = [
    (
        "unknown-field",
        "reliability.redundancy_kk",
        1,
        ["reliability.redundancy_kk", "unknown field", "allowed", "redundancy_k,"],
    ),
    (
        "negative-cost",
        "technologies.recip_engine.capex_usd_per_kw",
        -5,
        ["technologies.recip_engine.capex_usd_per_kw", "-5", "greater than or equal to 0"],
    ),
    (
        "unknown-climate",
        "sites.aktau.climate",
        "atlantis",
        ["sites.aktau.climate", "atlantis", "allowed: aktau, baku"],
    ),
    (
        "unknown-technology",
        "sites.baku.technologies",
        ["pv_fixed", "fusion"],
        ["sites.baku.technologies", "fusion", "allowed:", "recip_engine"],
    ),
    ("mip-gap-zero", "solver.mip_gap", 0, ["solver.mip_gap", "= 0", "greater than 0"]),
    ("mip-gap-above-one", "solver.mip_gap", 1.5, ["solver.mip_gap", "1.5", "less than 1"]),
    (
        "missing-weather-file",
        "sites.baku.weather_file",
        "nope.epw",
        ["sites.baku.weather_file", "nope.epw", "file not found"],
    ),
    (
        "section-not-a-mapping",
        "technologies",
        ["pv_fixed"],
        ["technologies", "pv_fixed", "expected a mapping"],
    ),
]


def bad_scenario_file(case: str, tmp_path: Path, write_scenario, small_scenario_dict):
    """Return (path, words the message must hold) of one bad input."""
    if case == "malformed-yaml":
        malformed = tmp_path / "malformed.yaml"
        malformed.write_text("name: broken\nsites: [aktau, baku\n")
        return malformed, ["malformed.yaml", "not valid YAML", "line 3"]
    if case == "no-such-file":
        return tmp_path / "absent.yaml", ["absent.yaml", "no such file", "caspian-hub"]
    _, dotted, value, words = next(c for c in BAD_FIELDS if c[0] == case)
    return write_scenario(edit(small_scenario_dict, dotted, value), name=f"{case}.yaml"), words


def assert_one_line_error(result, words: list[str]) -> str:
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert isinstance(result.exception, SystemExit)  # no other exception escaped
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: ")
    for word in words:
        assert word in line, (word, line)
    return line


@pytest.mark.unit
@pytest.mark.parametrize("case", [c[0] for c in BAD_FIELDS] + ["malformed-yaml", "no-such-file"])
def test_bad_input_is_one_line_exit_2_and_no_folder(
    case, tmp_path: Path, write_scenario, small_scenario_dict
):
    path, words = bad_scenario_file(case, tmp_path, write_scenario, small_scenario_dict)
    runs = tmp_path / "runs"
    runs.mkdir()
    out = runs / "out"
    ran = runner.invoke(app, ["run", str(path), "--out", str(out)])
    line = assert_one_line_error(ran, words)
    assert not out.exists()
    assert list(runs.iterdir()) == []  # no hidden .tmp folder either

    checked = runner.invoke(app, ["validate", str(path)])
    assert assert_one_line_error(checked, words) == line


@pytest.mark.unit
def test_validate_good_scenario(small_scenario: Path):
    result = runner.invoke(app, ["validate", str(small_scenario)])
    assert result.exit_code == 0, result.output
    assert "small-hub: valid" in result.stdout
    assert "aktau" in result.stdout and "baku" in result.stdout
    assert result.stderr == ""


@pytest.mark.unit
def test_validate_checks_each_phase_of_a_phased_campus(tmp_path: Path):
    """The shipped phased hub validates, its IT shown by phase; each phase's cooling water
    is checked against the site's limit: 200,000 m3/yr is more than the first 20 MW of
    evaporative cooling use, less than the campus complete's, which is named."""
    import re

    import yaml

    ran = runner.invoke(app, ["validate", "caspian-hub-phased"], terminal_width=250)
    assert ran.exit_code == 0, ran.output
    assert "20 (2028), 40 (2030)" in ran.stdout
    from dcpower.paths import models_dir

    raw = yaml.safe_load((models_dir() / "caspian-hub-phased.yaml").read_text())
    raw["sites"]["aktau"]["data_center"]["pue"] = {"temperature": "wet_bulb"}
    raw["sites"]["aktau"]["water_limit_m3_per_yr"] = 200_000.0
    path = tmp_path / "wet.yaml"
    path.write_text(yaml.safe_dump(raw))
    ran = runner.invoke(app, ["validate", str(path)])
    assert ran.exit_code == EXIT_INFEASIBLE and "Traceback" not in ran.output
    line = ran.stderr.strip()
    assert "sites.aktau.water_limit_m3_per_yr = 200,000" in line and "\n" not in line
    used = float(re.search(r"cooling uses ([\d,]+) m3/yr", line).group(1).replace(",", ""))
    assert 200_000 < used < 2 * 200_000


@pytest.mark.unit
def test_run_refuses_to_replace_a_folder_that_is_not_a_run(small_scenario: Path, tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["run", str(small_scenario), "--out", str(precious)])
    assert_one_line_error(result, ["precious", "not a run folder"])
    assert (precious / "notes.txt").read_text() == "keep me"


@pytest.mark.component
def test_infeasible_scenario_exits_3_naming_requirement_and_amount(
    tmp_path: Path, write_scenario, small_scenario_dict
):
    raw = small_scenario_dict
    raw["sites"] = {"baku": raw["sites"]["baku"] | {"technologies": ["pv_fixed"]}}
    raw["reliability"]["redundancy_k"] = 0  # no gas units allowed: only the energy balance binds
    path = write_scenario(raw, name="pv-only.yaml")
    out = tmp_path / "runs" / "pv-only"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == EXIT_INFEASIBLE, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("infeasible: site 'baku'")
    assert "energy balance" in lines[0]
    # two summer nights of 37-42 MW with no storage: well over 100,000 MWh/yr unserved
    amount = float(lines[0].split(" MWh/yr")[0].split(": ")[-1].replace(",", ""))
    assert 100_000 < amount < 0.5 * 42 * 8760
    assert not out.exists()
    assert not (tmp_path / "runs").exists() or list((tmp_path / "runs").iterdir()) == []


@pytest.mark.unit
def test_profiles_prints_annual_ghi_and_writes_8760_hours(tmp_path: Path):
    out = tmp_path / "profiles"
    result = runner.invoke(app, ["profiles", "baku", "--out", str(out)])
    assert result.exit_code == 0, result.output
    year = next(line for line in result.stdout.splitlines() if "year" in line)
    ghi = float(year.split("│")[2].strip().replace(",", ""))
    assert ghi == pytest.approx(1577, abs=5)
    table = pd.read_csv(out / "profiles-baku.csv")
    assert len(table) == 8760
    assert table["ghi"].sum() / 1000 == pytest.approx(ghi, abs=0.1)
    assert table["time"].str.endswith("+04:00").all()
    assert table["load_mw"].min() > 0


@pytest.mark.unit
def test_profiles_unknown_site_is_one_line(tmp_path: Path):
    result = runner.invoke(app, ["profiles", "atlantis", "--out", str(tmp_path / "p")])
    assert_one_line_error(result, ["atlantis", "aktau, baku"])
    assert not (tmp_path / "p").exists()


@pytest.mark.unit
def test_sites_lists_embedded_sites():
    result = runner.invoke(app, ["sites"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    ids = [row.split("│")[1].strip() for row in rows]
    assert ids == ["aktau", "baku", "fort-shevchenko", "khizi"]
    assert "Asia/Baku" in result.stdout and "Asia/Aqtau" in result.stdout


@pytest.mark.unit
def test_console_script_bad_input_prints_no_traceback(
    tmp_path: Path, write_scenario, small_scenario_dict
):
    raw = edit(small_scenario_dict, "sites.aktau.climate", "atlantis")
    path = write_scenario(raw, name="bad.yaml")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "dcpower.cli", "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "40", "PATH": ""},
    )
    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    # one line even on a narrow terminal
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "sites.aktau.climate = 'atlantis'" in done.stderr
    assert not out.exists()


@pytest.mark.component
def test_time_limit_without_a_plan_says_so_and_exits_3(tmp_path: Path):
    """A full-year Baku sizing cannot finish its first LP in 0.3 s of HiGHS: one line saying
    no plan was found and what to raise, exit 3, no run folder."""
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "baku", "--time-limit", "0.3", "--out", str(out)])
    assert result.exit_code == EXIT_INFEASIBLE
    assert result.stderr.startswith("no plan: site 'baku'")
    assert "raise solver.time_limit_s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_pareto_prints_the_frontier_and_writes_table_and_chart(
    small_scenario_dict: dict, write_scenario, tmp_path: Path
):
    small_scenario_dict["reliability"]["monte_carlo_years"] = 0
    path = write_scenario(small_scenario_dict)
    out = tmp_path / "front"
    result = runner.invoke(
        app, ["pareto", str(path), "--points", "2", "--max-reduction", "0.2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "cost against CO2" in result.output
    assert "monotone within the MIP gap (1.00%): yes" in result.output
    table = pd.read_csv(out / "pareto.csv")
    assert len(table) == 2
    assert table.loc[1, "co2_t_per_yr"] <= 0.8 * table.loc[0, "co2_t_per_yr"] * (1 + 1e-6)
    assert (out / "pareto.png").is_file()


def test_compare_runs_each_layout_and_tabulates_them(
    small_scenario_dict: dict, write_scenario, tmp_path: Path
):
    """Aktau alone, Baku alone (each with both halls: 80 MW IT), both, both with shifting."""
    small_scenario_dict["reliability"]["monte_carlo_years"] = 100
    path = write_scenario(small_scenario_dict)
    out = tmp_path / "cmp"
    result = runner.invoke(
        app, ["compare", str(path), "--flexible-share", "0.2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "compare.csv")
    assert list(table["layout"]) == [
        "aktau only",
        "baku only",
        "all sites, no shifting",
        "all sites, shifting 20%",
    ]
    assert list(table["it_capacity_mw"][:3]) == ["aktau 80", "baku 80", "aktau 40, baku 40"]
    assert table["verified"].all()
    # Shifting can only do as well as or better than the same sites without it.
    both, shifted = table["cost_usd_per_yr"][2], table["cost_usd_per_yr"][3]
    assert shifted <= both * (1 + 0.01)
    assert table["worst_availability_pct"].between(90, 100).all()
    assert "where should the next MW go?" in result.output


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("caspian-hub", "caspian-hub"),
        ("../../etc/evil", "etc-evil"),
        ("/abs/path", "abs-path"),
        ("..", "run"),
        ("a b:c", "a-b-c"),
    ],
)
def test_a_scenario_name_never_leaves_runs(name: str, folder: str):
    """The default run folder is runs/<name> with the name made a plain folder name."""
    from dcpower.cli import run_name

    assert run_name(name) == folder
    assert (Path("runs") / run_name(name)).resolve().parent == Path("runs").resolve()


@pytest.mark.unit
def test_markup_and_emoji_codes_in_a_value_are_shown_as_typed(tmp_path: Path):
    """A bad value with rich markup and an emoji code comes back verbatim in the one line."""
    path = tmp_path / "odd.yaml"
    path.write_text("name: x\nsites: '[bold]:x:'\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "[bold]:x:" in result.stderr
    assert "❌" not in result.stderr


@pytest.mark.unit
def test_an_output_path_under_a_file_fails_before_any_solve(small_scenario: Path, tmp_path: Path):
    """One line, exit 2, found before solving (the run would take seconds to minutes)."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    result = runner.invoke(app, ["run", str(small_scenario), "--out", str(a_file / "run")])
    assert_one_line_error(result, ["notes.txt", "is a file, not a folder"])
    result = runner.invoke(app, ["profiles", "baku", "--out", str(a_file)])
    assert_one_line_error(result, ["notes.txt", "is a file, not a folder"])
    assert result.stdout == ""  # refused before the profiles were computed and printed
    assert a_file.read_text() == "keep me"


@pytest.mark.unit
def test_an_output_path_in_a_read_only_folder_fails_before_any_solve(
    small_scenario: Path, tmp_path: Path, monkeypatch
):
    """The permission is asked of the OS (os.access); here it says no for that folder, as it
    would for a user other than root on a folder of mode 0500."""
    import dcpower.run_folder as rf

    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(
        rf.os, "access", lambda path, mode: False if Path(path) == locked else real(path, mode)
    )
    result = runner.invoke(app, ["run", str(small_scenario), "--out", str(locked / "run")])
    assert_one_line_error(result, ["locked", "no permission"])
    assert not (locked / "run").exists()


@pytest.mark.unit
def test_validate_reads_the_weather_a_run_would_and_shows_nothing_of_a_bad_file(tmp_path: Path):
    """A weather file of garbage: validate fails as run would, in one line, exit 2, and the
    file's content is not echoed (it may be any file of the machine)."""
    garbage = tmp_path / "garbage.csv"
    garbage.write_text("secret-token-123 not weather\n1,2,3\n", encoding="utf-8")
    scenario = tmp_path / "gw.yaml"
    scenario.write_text(
        "name: gw\nsites:\n  s:\n    climate: baku\n"
        f"    weather_file: {garbage}\n"
        "    data_center: {it_capacity_mw: 10}\n    technologies: [recip_engine]\n"
        "technologies:\n  recip_engine: {}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(scenario)])
    assert_one_line_error(result, ["garbage.csv", "unknown format"])
    assert "secret-token" not in result.stderr


_SIGNAL_WHILE_IMPORTING = """
import os, signal, sys, threading
sys.argv = ["dcpower", "--help"]
threading.Timer(0.05, os.kill, (os.getpid(), signal.{name})).start()
from dcpower.entry import main
main()
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_while_the_command_line_is_imported_gives_one_line_and_130(name):
    """The entry point is imported in milliseconds and catches the signal sent 50 ms in,
    while typer, pandas and the rest are still being imported (about 2 s): one line,
    exit 130, no traceback."""
    done = subprocess.run(
        [sys.executable, "-c", _SIGNAL_WHILE_IMPORTING.format(name=name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "interrupted: stopped by the user (nothing written)\n"
    assert done.stdout == ""
