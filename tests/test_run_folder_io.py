"""dcpower.run_folder on its own: write a result, read it back, refuse, name what is missing.

One small solve (the 48-hour two-site scenario) is shared by the module; everything else is
reading and writing folders.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import dcpower
from dcpower import finance
from dcpower import run_folder as rf
from dcpower.availability import merge_availability, simulate_availability
from dcpower.cli import app
from dcpower.errors import DcpowerError
from dcpower.pipeline.targets import group_availability
from dcpower.run_summary import save, summarize

TABLES = ("capacities", "costs", "dispatch", "profiles")


@pytest.fixture(scope="module")
def result(small_scenario_module: Path):
    return dcpower.run(small_scenario_module, parallel=False, reports=False)


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory) -> Path:
    return save(result, tmp_path_factory.mktemp("saved") / "run")


@pytest.fixture
def copy_of(saved: Path, tmp_path: Path):
    def copy() -> Path:
        target = tmp_path / "copy"
        shutil.copytree(saved, target)
        return target

    return copy


def test_round_trip_gives_back_the_tables_and_the_summary(result, saved: Path):
    """Written, then read: the same scenario, tables (to the 9 digits written) and summary."""
    folder = rf.read_run_folder(saved)
    memory = rf.RunFolder.from_result(result)
    assert folder.path == saved and memory.path is None
    assert folder.scenario == result.scenario
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(folder, name), getattr(memory, name), check_dtype=False, rtol=1e-8
        )
    assert folder.outage_dispatch is None and memory.outage_dispatch is None
    assert folder.summary == summarize(result)
    assert folder.summary.to_dict() == result.summary()
    assert json.loads((saved / rf.SUMMARY_FILE).read_text()) == result.summary()
    # Nothing but the table files, and no temporary sibling left behind.
    assert sorted(p.name for p in saved.iterdir()) == sorted([*rf.TABLE_FILES, rf.MANIFEST_FILE])
    assert [p.name for p in saved.parent.iterdir()] == ["run"]


def test_typed_summary_has_attributes_and_sites_as_records(result, saved: Path):
    summary = rf.read_summary(saved)
    assert summary.scenario == "small-hub" and summary.status == "optimal"
    assert summary.horizon.kind == "window" and summary.horizon.hours_verified == 48
    for site_id, site in summary.sites.items():
        assert site is summary.site(site_id)
        assert site.load_mwh_per_yr > 0
        assert site.gas_units == result.sites[site_id].gas_units
        assert set(rf.plant_capacity_keys()) <= set(site.capacity)
    assert summary.totals.cost_usd_per_yr == pytest.approx(
        sum(s.cost_usd_per_yr for s in summary.sites.values())
    )
    assert summary.site("nowhere").capacity == {}


def test_summary_keeps_keys_it_does_not_know_and_adds_none():
    """An older or newer summary.json reads and writes back exactly as it was."""
    raw = {"status": "optimal", "future_key": [1, 2], "sites": {"a": {"capex_usd": 5}}}
    summary = rf.Summary.from_dict(raw)
    assert summary.site("a").capex_usd == 5.0 and summary.horizon.kind is None
    assert summary.to_dict() == raw
    # A part filled in later is written; parts still at their default are not.
    summary.reliability.availability = {"years": 10}
    summary.sites["b"] = rf.SiteSummary(status="optimal")
    assert summary.to_dict() == raw | {
        "reliability": {"availability": {"years": 10}},
        "sites": {"a": {"capex_usd": 5}, "b": {"status": "optimal"}},
    }


def test_site_rows_align_profiles_on_the_dispatch_hours(saved: Path):
    folder = rf.read_run_folder(saved)
    site = folder.site("baku")
    assert site is folder.site("baku")  # cut once
    assert (site.dispatch["site"] == "baku").all() and len(site.dispatch) == 48
    assert list(site.hourly["time"]) == list(site.dispatch["time"]) == list(site.times)
    assert (site.costs["site"] == "baku").all() and len(site.windows) == 0
    rows = site.rows
    assert rows.column("load_mw") == pytest.approx(rows.profile("load_mw"))
    capacities = folder.capacities[folder.capacities["site"] == "baku"]
    for r in capacities.itertuples():
        assert rows.capacity(r.technology, r.unit) == r.capacity


def test_write_refuses_a_folder_that_is_not_a_run_folder(result, tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    folder = rf.RunFolder.from_result(result, summarize(result))
    with pytest.raises(rf.RunFolderError, match="not a run folder"):
        rf.write_run_folder(folder, precious)
    with pytest.raises(DcpowerError, match="not a run folder"):
        save(result, precious)
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(rf.RunFolderError, match="not a folder"):
        rf.write_run_folder(folder, a_file)


def test_write_replaces_an_earlier_run_folder_and_a_failed_write_leaves_it(
    result, copy_of, monkeypatch
):
    earlier = copy_of()
    (earlier / "stale.txt").write_text("from an earlier run")
    folder = rf.RunFolder.from_result(result, summarize(result))
    rf.write_run_folder(folder, earlier)
    assert not (earlier / "stale.txt").exists() and rf.is_run_folder(earlier)
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}

    def broken(scenario):
        raise OSError("disk full")

    monkeypatch.setattr(rf, "scenario_to_yaml", broken)
    with pytest.raises(OSError, match="disk full"):
        rf.write_run_folder(folder, earlier)
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before
    assert [p.name for p in earlier.parent.iterdir()] == ["copy"]


def test_reader_names_the_missing_file(copy_of):
    folder = copy_of()
    (folder / rf.DISPATCH_FILE).unlink()
    (folder / rf.COSTS_FILE).unlink()
    with pytest.raises(rf.MissingRunFileError) as err:
        rf.read_run_folder(folder)
    assert str(err.value) == f"run folder '{folder}': missing costs.csv, dispatch.csv"
    assert isinstance(err.value, FileNotFoundError)
    with pytest.raises(rf.MissingRunFileError, match=r"'nowhere': no such folder"):
        rf.read_run_folder("nowhere")


def test_finance_reads_a_folder_without_summary(copy_of):
    folder = copy_of()
    (folder / rf.SUMMARY_FILE).unlink()
    with pytest.raises(rf.MissingRunFileError, match=r"missing summary\.json$"):
        rf.read_run_folder(folder)
    tables = finance.read_run(folder)
    assert tables.summary is None and set(finance.finance_summary(tables)["sites"]) == {
        "aktau",
        "baku",
    }


def test_verify_command_names_a_missing_table_in_one_line(copy_of):
    folder = copy_of()
    (folder / rf.DISPATCH_FILE).unlink()
    out = CliRunner().invoke(app, ["verify", str(folder)])
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output
    assert "missing dispatch.csv" in out.output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (rf.SUMMARY_FILE, "{secret-text", "summary.json is not valid JSON (line 1, column 2)"),
        (rf.SUMMARY_FILE, '["secret-text"]', "summary.json is not a JSON object"),
        (rf.SUMMARY_FILE, '{"sites": {"a": "secret-text"}}', "summary.json: 'sites.a'"),
        (rf.SCENARIO_FILE, "name: [secret-text\n", "scenario.yaml is not valid YAML (line 2)"),
        (rf.DISPATCH_FILE, "", "dispatch.csv is empty"),
        (rf.DISPATCH_FILE, "secret_text,b\n1,2\n", "dispatch.csv has no column 'site', 'time'"),
        (rf.CAPACITIES_FILE, b"\xff\xfesecret-text", "capacities.csv is not UTF-8 text"),
    ],
)
def test_an_unreadable_file_is_named_and_nothing_of_it_echoed(copy_of, name, content, expected):
    folder = copy_of()
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(rf.RunFolderError) as err:
        rf.read_run_folder(folder)
    message = str(err.value)
    assert expected in message and "secret" not in message and "\n" not in message


def test_availability_runs_from_memory_with_the_numbers_of_the_folder(result, saved, monkeypatch):
    """The tables in memory give the Monte Carlo of the written folder, with no file written."""
    from_disk = simulate_availability(saved, years=200, seed=4)

    def no_disk(*args, **kwargs):
        raise AssertionError("the Monte Carlo of a result must not write to disk")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_disk)
    monkeypatch.setattr(tempfile, "mkdtemp", no_disk)
    monkeypatch.setattr(Path, "mkdir", no_disk)
    monkeypatch.setattr(rf, "write_run_folder", no_disk)
    from_memory = simulate_availability(rf.RunFolder.from_result(result), years=200, seed=4)
    for site_id, figures in from_disk["sites"].items():
        again = from_memory["sites"][site_id]
        assert again["lole_h_per_yr"] == figures["lole_h_per_yr"]
        assert again["eue_mwh_per_yr"]["mean"] == pytest.approx(
            figures["eue_mwh_per_yr"]["mean"], rel=1e-6, abs=1e-9
        )
        assert again["gas_units"] == figures["gas_units"]
    assert from_memory["horizon"] == from_disk["horizon"]
    # The availability targets' steps measure their sites the same way, from memory.
    by_site = group_availability(result.scenario, result.sites)["sites"]
    assert set(by_site) == set(result.sites)


@pytest.mark.unit
def test_sites_simulated_group_by_group_give_the_run_folders_monte_carlo(result, saved):
    """Each site draws from its own stream: the Monte Carlo of each site alone (a reliability
    criterion's check, one group at a time), merged, is the folder's Monte Carlo of both
    sites to the last digit, so the run need not simulate its plans twice. Before, the
    sites shared one stream and Baku alone drew other years than Baku after Aktau."""
    scenario = result.scenario.model_copy(
        update={
            "reliability": result.scenario.reliability.model_copy(
                update={"monte_carlo_years": 150, "monte_carlo_seed": 9}
            )
        }
    )
    whole = simulate_availability(saved, years=150, seed=9)
    parts = [group_availability(scenario, {k: site}) for k, site in result.sites.items()]
    assert [list(part["sites"]) for part in parts] == [["aktau"], ["baku"]]
    merged = merge_availability(parts)
    assert len(whole["sites"]) == 2
    for site_id, figures in whole["sites"].items():
        assert merged["sites"][site_id] == figures
    assert merged["outage_params"] == whole["outage_params"]
    assert merged["horizon"] == whole["horizon"]
    with pytest.raises(ValueError, match="different years or seeds"):
        merge_availability([parts[0], {**parts[1], "seed": 10}])


def test_a_folder_that_merely_holds_a_summary_is_not_replaced(tmp_path):
    """An analyst's folder with a summary.json of its own (not written by dcpower) is refused,
    and every file in it survives byte for byte (issue #18, data loss)."""
    own = tmp_path / "analysis"
    (own / "notes").mkdir(parents=True)
    files = {
        "summary.json": b'{"status": "mine"}',
        "thesis.tex": b"years of work",
        "notes/a.txt": b"\x00\x01binary",
    }
    for name, data in files.items():
        (own / name).write_bytes(data)
    with pytest.raises(DcpowerError, match="not a run folder dcpower wrote"):
        rf.check_run_folder(own)
    assert {name: (own / name).read_bytes() for name in files} == files


@pytest.mark.unit
def test_the_marker_lists_every_file_with_its_checksum(copy_of):
    import hashlib
    import json

    folder = copy_of()
    manifest = json.loads((folder / rf.MANIFEST_FILE).read_text())
    assert manifest["written_by"] == "dcpower" and rf.written_by_dcpower(folder)
    for name in (rf.SUMMARY_FILE, rf.DISPATCH_FILE, rf.SCENARIO_FILE):
        assert manifest["files"][name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    assert manifest["scenario_sha256"] == manifest["files"][rf.SCENARIO_FILE]


def test_an_interrupted_run_leaves_the_earlier_folder_whole_and_no_partial_one(
    result, copy_of, monkeypatch
):
    """Ctrl-C while the reports are written (after verification and the Monte Carlo): the
    run was built in a hidden staging folder, which goes; the earlier run folder stays
    byte for byte, and nothing else is left beside it."""
    import importlib

    pipeline_run = importlib.import_module("dcpower.pipeline.run")

    earlier = copy_of()
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}

    def interrupted(out, folder_name=None, pool=None, charts=None, workbook=None):
        assert Path(out).name.startswith(".copy.tmp-")  # built where no reader looks
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline_run, "write_reports", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline_run._write_run_folder(result, earlier, reports=True)
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before
    assert [p.name for p in earlier.parent.iterdir()] == ["copy"]
    monkeypatch.undo()
    pipeline_run._write_run_folder(result, earlier, reports=False)
    report = json.loads((earlier / "verification.json").read_text())
    assert report["passed"] and report["run_dir"] == str(earlier.absolute())
    assert [p.name for p in earlier.parent.iterdir()] == ["copy"]


@pytest.mark.integration
def test_two_runs_into_the_same_folder_leave_one_complete_verified_folder(
    small_scenario_module: Path, tmp_path: Path
):
    """Two `dcpower run` processes with the same --out at once: each builds in its own
    staging folder and moves it into place whole, so exactly one complete run folder is
    left (the later one), its manifest matches every file, verify passes, and no staging
    or old folder is left beside it."""
    import subprocess
    import sys

    out = tmp_path / "runs" / "same"
    command = [
        sys.executable, "-m", "dcpower.cli", "run", str(small_scenario_module),
        "--out", str(out),
    ]  # fmt: skip
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(2)]  # fmt: skip
    codes = [p.wait(timeout=600) for p in runs]
    assert 0 in codes
    assert [p.name for p in out.parent.iterdir()] == ["same"]
    assert rf.is_run_folder(out)
    manifest = json.loads((out / rf.MANIFEST_FILE).read_text())
    listed = set(manifest["files"]) | {rf.MANIFEST_FILE}
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == listed
    result = CliRunner().invoke(app, ["verify", str(out)])
    assert result.exit_code == 0, result.output


@pytest.mark.integration
def test_sigterm_while_the_folder_is_built_leaves_nothing(
    small_scenario_module: Path, tmp_path: Path
):
    """SIGTERM once the run folder is being built: one line, exit 130, no folder, no
    staging folder left."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "runs" / "stopped"
    command = [sys.executable, "-m", "dcpower.cli", "run", str(small_scenario_module),
               "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not list(out.parent.glob(".stopped.tmp-*")) and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before its folder was built"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130
    lines = err.decode().strip().splitlines()
    assert lines == ["interrupted: stopped by the user"]
    assert not out.exists() and list(out.parent.iterdir()) == []


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), or an empty set once it is gone."""
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _slow_run(tmp_path: Path, sites: list[str]):
    """Start ``dcpower run`` on the small scenario's ``sites`` made slow: integer commitment
    over 1,000 h to a gap of 1e-9, so that each solve runs to its 60 s limit.

    Returns the process (stderr piped) and its --out folder.
    """
    import subprocess

    import yaml
    from conftest import SMALL_SCENARIO

    slow = {
        **SMALL_SCENARIO,
        "sites": {site: SMALL_SCENARIO["sites"][site] for site in sites},
        "time": {"kind": "window", "start_hour": 4000, "n_hours": 1000},
        "solver": {**SMALL_SCENARIO["solver"], "commitment": "integer", "mip_gap": 1e-9},
    }
    scenario = tmp_path / "slow.yaml"
    scenario.write_text(yaml.safe_dump(slow, sort_keys=False))
    out = tmp_path / "runs" / "stopped"
    command = [sys.executable, "-m", "dcpower.cli", "run", str(scenario), "--out", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), out


def _stop_within_seconds(process) -> None:
    """Send SIGTERM; the run ends within 10 s, exit 130, with one line."""
    import signal
    import time

    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert time.monotonic() - sent < 10.0
    assert process.returncode == 130
    assert err.decode().strip().splitlines() == ["interrupted: stopped by the user"]


@pytest.mark.integration
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux only)")
def test_sigterm_while_the_sites_solve_stops_every_worker_at_once(tmp_path: Path):
    """SIGTERM while the sites solve in worker processes: exit 130 within seconds, and no
    worker left solving. The solves here would run to their 60 s limit; before, the run
    waited for them (55 s for the default hub) and a worker could outlive it."""
    import time

    process, out = _slow_run(tmp_path, ["aktau", "baku"])
    deadline = time.monotonic() + 120
    while len(_descendants(process.pid)) < 2 and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before its sites were solved in workers"
        time.sleep(0.05)
    time.sleep(3.0)  # the workers are solving
    workers = _descendants(process.pid)
    assert len(workers) >= 2
    _stop_within_seconds(process)
    time.sleep(1.0)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []
    assert not out.exists()


@pytest.mark.integration
def test_sigterm_while_a_one_site_run_solves_in_its_own_process(tmp_path: Path):
    """SIGTERM while a one-site run solves in its main process (no workers): exit 130
    within seconds. The sizing solve here would run to its 60 s limit; before, HiGHS held
    the main thread and the signal waited for it (56 s measured)."""
    import time

    process, out = _slow_run(tmp_path, ["baku"])
    time.sleep(12.0)  # imports, profiles and the build take about 5 s; then it solves
    assert process.poll() is None, "the run ended before it was stopped"
    _stop_within_seconds(process)
    assert not out.exists()


def _cut_rows(text: str) -> str:
    """The file cut after its 20th data row, at a line end (baku's rows are gone)."""
    return "".join(text.splitlines(keepends=True)[:21])


def _cut_line(text: str) -> str:
    """The file cut inside its 21st data row."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:21]) + lines[21][:12]


def _missing_value(text: str) -> str:
    """Row 5 of the dispatch with an empty load."""
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[5].rstrip("\n").split(",")
    cells[header.index("load_mw")] = ""
    lines[5] = ",".join(cells) + "\n"
    return "".join(lines)


def _text_value(text: str) -> str:
    """Row 5 of the dispatch with a word for its load."""
    return _missing_value(text).replace(",,", ",secret-text,", 1)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_cut_rows, "dispatch.csv: 20 rows for site 'aktau', but summary.json says 48 hours"),
        (_cut_line, "dispatch.csv is cut short (its last line is incomplete)"),
        (_missing_value, "dispatch.csv: column 'load_mw' has no finite number on line 6"),
        (_text_value, "dispatch.csv: column 'load_mw' has no finite number on line 6"),
    ],
    ids=["cut-at-a-row", "cut-inside-a-row", "missing-value", "text-value"],
)
@pytest.mark.parametrize("command", ["verify", "report"])
def test_a_damaged_dispatch_is_bad_input_for_verify_and_report(copy_of, damage, expected, command):
    """A truncated or edited dispatch is an incomplete folder (exit 2, one line naming the
    file), never a result to check or plot, and nothing of its content is shown."""
    folder = copy_of()
    path = folder / rf.DISPATCH_FILE
    path.write_text(damage(path.read_text()))
    out = CliRunner().invoke(app, [command, str(folder)])
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output and "secret-text" not in out.output
    assert expected in " ".join(out.output.split())
    assert not (folder / "report.html").exists() and not (folder / "results.xlsx").exists()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: "".join(text.splitlines(True)[:15000]), "the rows of site 'baku' run from"),
        (lambda text: text[:-30], "profiles.csv is cut short (its last line is incomplete)"),
    ],
    ids=["cut-before-the-year-ends", "cut-inside-the-last-row"],
)
def test_a_profiles_table_cut_short_is_an_incomplete_folder(copy_of, damage, expected):
    """profiles.csv holds each site's calendar year; a file cut before its end is refused
    (exit 2, one line) even where the dispatched hours still have their rows."""
    folder = copy_of()
    path = folder / rf.PROFILES_FILE
    path.write_text(damage(path.read_text()))
    out = CliRunner().invoke(app, ["verify", str(folder)])
    assert out.exit_code == 2, out.output
    assert expected in " ".join(out.output.split())
    assert len(out.output.strip().splitlines()) == 1


def test_verify_names_the_tables_changed_since_dcpower_wrote_them(copy_of):
    """A capacities.csv that lost its zero rows still verifies (nothing built is missing),
    but verify says it is not the table dcpower wrote: the manifest's checksum differs."""
    folder = copy_of()
    assert rf.changed_since_written(folder) == []
    table = pd.read_csv(folder / rf.CAPACITIES_FILE)
    assert (table["capacity"] == 0).any()
    table[table["capacity"] != 0].to_csv(folder / rf.CAPACITIES_FILE, index=False)
    assert rf.changed_since_written(folder) == [rf.CAPACITIES_FILE]
    out = CliRunner().invoke(app, ["verify", str(folder)])
    assert "capacities.csv differ from what dcpower wrote" in out.output
    report = json.loads((folder / rf.VERIFICATION_FILE).read_text())
    assert report["changed_since_written"] == [rf.CAPACITIES_FILE]
    (folder / rf.MANIFEST_FILE).unlink()
    assert rf.changed_since_written(folder) is None
