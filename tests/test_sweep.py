"""Parameter sweeps (``dcpower.sweep``): paths, point ids, validation, and a resumable sweep.

The component test runs 8 one-at-a-time points of Baku on a 48-hour summer window on a
LocalCluster of 2 worker processes, one of them deliberately infeasible (a site with PV
alone cannot meet N+1 nor serve the night), then reruns it (nothing is solved), then
deletes one point's run folder and row as an interrupted sweep would leave it and reruns
(only that point is solved).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dcpower.errors import ScenarioError
from dcpower.sweep import (
    RESULTS_CSV,
    RESULTS_PARQUET,
    get_path,
    load_sweep,
    parse_assignment,
    point_id,
    points,
    read_table,
    run_sweep,
    set_path,
    solve_point,
    split_path,
    sweep_from_dict,
    validate_sweep,
    write_table,
)

WINDOW = {"kind": "window", "start_hour": 4800, "n_hours": 48}
GAS = "sites.baku.gas_price_usd_per_mmbtu"
WACC = "economics.wacc"
IT = "sites.baku.data_center.it_capacity_mw"
TECHS = "sites.baku.technologies"


def spec_dict(**changes) -> dict:
    raw = {
        "name": "test-sweep",
        "base": "baku",
        "fixed": {"time": dict(WINDOW)},
        "grid": {GAS: [2, 6], WACC: [0.05, 0.11], IT: [30, 50], TECHS: [["pv_fixed"]]},
        "one_at_a_time": True,
        "output": "total.cost_usd_per_yr",
    }
    raw.update(changes)
    return raw


# --------------------------------------------------------------------------- paths


@pytest.mark.unit
def test_split_get_set_path():
    raw = {"sites": {"baku": {"technologies": ["pv_fixed", "recip_engine"], "gas": 3.0}}}
    assert split_path("sites.baku.gas") == ["sites", "baku", "gas"]
    assert get_path(raw, "sites.baku.gas") == 3.0
    assert get_path(raw, "sites.baku.technologies.1") == "recip_engine"
    set_path(raw, "sites.baku.gas", 5)
    set_path(raw, "sites.baku.technologies.0", "pv_single_axis")
    assert raw["sites"]["baku"] == {"technologies": ["pv_single_axis", "recip_engine"], "gas": 5}
    value = ["a"]
    set_path(raw, "sites.baku.technologies", value)
    value.append("b")  # the dict holds a copy
    assert raw["sites"]["baku"]["technologies"] == ["a"]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("sites.aktau.gas", ["'sites.aktau.gas'", "sites has no 'aktau'", "allowed: baku"]),
        ("sites.baku.gass", ["sites.baku.gass", "has no 'gass'", "allowed: technologies, gas"]),
        ("sites.baku.gas.x", ["sites.baku.gas.x", "is a value", "not a section"]),
        ("sites.baku.technologies.7", ["list of 2", "'7' is not an index"]),
        ("sites..gas", ["empty part"]),
        ("", ["expected a dotted path"]),
    ],
)
def test_unknown_path_is_named(path, words):
    raw = {"sites": {"baku": {"technologies": ["pv_fixed", "recip_engine"], "gas": 3.0}}}
    with pytest.raises(ScenarioError) as err:
        get_path(raw, path)
    for word in words:
        assert word in str(err.value)


@pytest.mark.unit
def test_parse_assignment():
    assert parse_assignment(f"{GAS}=2,4,6,8") == (GAS, [2, 4, 6, 8])
    assert parse_assignment("economics.wacc = 0.05, 0.1") == (WACC, [0.05, 0.1])
    assert parse_assignment(f"{TECHS}=[pv_fixed],[pv_fixed, recip_engine]") == (
        TECHS,
        [["pv_fixed"], ["pv_fixed", "recip_engine"]],
    )
    assert parse_assignment("reliability.availability_target='Tier III',null") == (
        "reliability.availability_target",
        ["Tier III", None],
    )
    assert parse_assignment("time={kind: window, n_hours: 48}", many=False) == (
        "time",
        {"kind": "window", "n_hours": 48},
    )
    for bad in ("economics.wacc", "=1,2", "economics.wacc=", "economics.wacc=1,,2"):
        with pytest.raises(ScenarioError):
            parse_assignment(bad)


# --------------------------------------------------------------------------- points


@pytest.mark.unit
def test_point_ids_are_stable_hashes_of_the_overrides():
    # Pinned: a rerun by another version or process must find the same run folders.
    assert point_id({}) == "p44136fa355"
    assert point_id({WACC: 0.05}) == "pc24a226bec"
    assert point_id({"a": 1, "b": 2}) == point_id({"b": 2, "a": 1})
    assert point_id({WACC: 0.05}) != point_id({WACC: 0.06})
    assert point_id({TECHS: ["pv_fixed"]}) != point_id({TECHS: ["recip_engine"]})


@pytest.mark.unit
def test_points_grid_one_at_a_time_and_samples():
    grid = {GAS: [2, 4, 6], WACC: [0.05, 0.1]}
    product = points(sweep_from_dict({"base": "baku", "grid": grid}))
    assert len(product) == 6
    assert {GAS: 4, WACC: 0.1} in [p["overrides"] for p in product]
    oat = points(sweep_from_dict({"base": "baku", "grid": grid, "one_at_a_time": True}))
    assert [p["overrides"] for p in oat] == [
        {},
        {GAS: 2},
        {GAS: 4},
        {GAS: 6},
        {WACC: 0.05},
        {WACC: 0.1},
    ]
    assert [p["id"] for p in oat] == [point_id(p["overrides"]) for p in oat]

    dists = {
        WACC: {"dist": "uniform", "low": 0.04, "high": 0.12},
        GAS: {"dist": "triangular", "low": 2, "mode": 3, "high": 8},
    }
    sampled = points(sweep_from_dict({"base": "baku", "sample": 20, "distributions": dists}))
    assert len(sampled) == 20
    assert all(0.04 <= p["overrides"][WACC] <= 0.12 for p in sampled)
    again = points(sweep_from_dict({"base": "baku", "sample": 20, "distributions": dists}))
    assert again == sampled  # seeded: a rerun finds the same points
    # Each path draws from its own stream: dropping one leaves the other's draws.
    alone = {WACC: dists[WACC]}
    wacc_only = points(sweep_from_dict({"base": "baku", "sample": 20, "distributions": alone}))
    assert [p["overrides"][WACC] for p in wacc_only] == [p["overrides"][WACC] for p in sampled]
    other = points(
        sweep_from_dict({"base": "baku", "sample": 20, "distributions": dists, "seed": 1})
    )
    assert other != sampled
    normal = {IT: {"dist": "normal", "mean": 40, "std": 30, "low": 10, "high": 70}}
    clipped = points(sweep_from_dict({"base": "baku", "sample": 50, "distributions": normal}))
    assert all(10 <= p["overrides"][IT] <= 70 for p in clipped)
    choice = {TECHS: {"dist": "choice", "values": [["recip_engine"], ["aero_gt"]]}}
    picked = points(sweep_from_dict({"base": "baku", "sample": 30, "distributions": choice}))
    assert len(picked) == 2  # repeated draws are one point


@pytest.mark.unit
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"grids": {}}, ["unknown field 'grids'", "allowed:"]),
        ({"sample": 5}, ["sample and distributions go together"]),
        ({"one_at_a_time": True, "grid": {}}, ["one_at_a_time needs a grid"]),
        ({"fixed": {GAS: 3}}, [GAS, "both in fixed and in grid"]),
        (
            {"sample": 3, "distributions": {WACC: {"dist": "uniform", "low": 1, "high": 0}}},
            ["distributions", "low = 1.0 must be below high = 0.0"],
        ),
        (
            {"sample": 3, "distributions": {WACC: {"dist": "lognormal"}}},
            ["distributions.economics.wacc", "lognormal"],
        ),
    ],
)
def test_bad_sweep_spec(changes, words):
    raw = spec_dict(**changes)
    if "one_at_a_time" not in changes and "sample" in changes:
        raw["one_at_a_time"] = False
    with pytest.raises(ScenarioError) as err:
        sweep_from_dict(raw)
    for word in words:
        assert word in str(err.value)


@pytest.mark.unit
def test_sweep_file_base_is_relative_to_it(tmp_path):
    scenario = yaml.safe_load(Path("models/baku.yaml").read_text())
    (tmp_path / "mine.yaml").write_text(yaml.safe_dump(scenario))
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({"base": "mine.yaml", "grid": {WACC: [0.05]}}))
    spec = load_sweep(path)
    assert Path(spec.base) == (tmp_path / "mine.yaml").resolve()
    assert len(validate_sweep(spec)) == 1


# --------------------------------------------------------------------------- validation


@pytest.mark.unit
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"grid": {"sites.baku.gas_pric": [2, 3]}}, ["sites.baku.gas_pric", "has no 'gas_pric'"]),
        ({"grid": {"sites.aktau.gas_price_usd_per_mmbtu": [2]}}, ["no 'aktau'", "allowed: baku"]),
        ({"grid": {GAS: [2, -1]}}, [GAS, "-1", "greater than or equal to 0"]),
        ({"grid": {TECHS: [["fusion"]]}}, [TECHS, "fusion", "unknown technology"]),
        ({"grid": {WACC: [0.05]}, "output": "total.happiness"}, ["output", "total.happiness"]),
        ({"fixed": {"time.kind": "hourly"}}, ["fixed time.kind = 'hourly'"]),
        (
            {
                "grid": {},
                "one_at_a_time": False,
                "sample": 40,
                "distributions": {WACC: {"dist": "normal", "mean": 0.08, "std": 0.2}},
            },
            [WACC, "greater than or equal to 0"],
        ),
    ],
)
def test_bad_point_is_a_scenario_error_before_any_solve(tmp_path, changes, words):
    spec = sweep_from_dict(spec_dict(**changes))
    with pytest.raises(ScenarioError) as err:
        run_sweep(spec, tmp_path / "sweep", workers=1)
    for word in words:
        assert word in str(err.value)
    assert not (tmp_path / "sweep").exists()  # nothing written, no cluster started


@pytest.mark.unit
def test_sweep_caps_the_monte_carlo_unless_it_varies_it():
    from dcpower.sweep import _Plan

    plan = _Plan(sweep_from_dict(spec_dict()))
    assert all(s["reliability"]["monte_carlo_years"] == 100 for s in plan.scenarios.values())
    varied = _Plan(sweep_from_dict(spec_dict(grid={"reliability.monte_carlo_years": [500]})))
    assert {s["reliability"]["monte_carlo_years"] for s in varied.scenarios.values()} == {
        500,
        1000,  # the base point keeps the scenario's own figure
    }


@pytest.mark.unit
def test_failed_point_is_a_row_not_an_exception(tmp_path):
    lead = {"point_id": "pbad", "varied": WACC, WACC: 0.05}
    row = solve_point("pbad", {"name": "broken"}, str(tmp_path / "run"), lead)
    assert row["status"] == "error"
    assert row["reason"].startswith("sweep point pbad: sites")
    assert row[WACC] == 0.05 and row["seconds"] >= 0


@pytest.mark.unit
def test_a_point_solves_its_dispatch_windows_in_its_own_worker(tmp_path, monkeypatch):
    """A dask worker is a daemon process, which may not start a process pool: a point's
    full-year dispatch windows are solved in the worker (found: every typical-periods
    point failed with 'daemonic processes are not allowed to have children')."""
    import dcpower.pipeline
    from dcpower.scenario import load_scenario

    seen = {}

    def fake_run(scenario, **kwargs):
        seen["workers"] = scenario.solver.dispatch_workers
        raise RuntimeError("stop here")

    monkeypatch.setattr(dcpower.pipeline, "run", fake_run)
    base = load_scenario("baku").model_dump(mode="json")
    row = solve_point("p1", base, str(tmp_path / "run"), {"point_id": "p1", "varied": ""})
    assert seen["workers"] == 1 and row["status"] == "error"


@pytest.mark.unit
def test_table_round_trip_with_mixed_inputs(tmp_path):
    rows = [
        {"point_id": "a", "status": "optimal", "x": 1.5, "t": "Tier III", "baku.gas_units.g": 3},
        {"point_id": "b", "status": "error", "reason": "boom", "x": None, "t": 99.99},
    ]
    written = write_table(tmp_path, rows)
    back = read_table(tmp_path)
    assert list(back["point_id"]) == ["a", "b"]
    assert list(back["t"]) == ["Tier III", "99.99"]
    assert str(written["baku.gas_units.g"].dtype) == "Int64"
    assert (tmp_path / RESULTS_CSV).is_file()


# --------------------------------------------------------------------------- a real sweep


def _mtimes(runs: Path) -> dict[str, float]:
    return {p.parent.name: p.stat().st_mtime_ns for p in runs.glob("*/summary.json")}


@pytest.mark.component
def test_sweep_runs_resumes_and_reports(tmp_path):
    spec = sweep_from_dict(spec_dict())
    out = tmp_path / "sweep"
    ids = [p["id"] for p in points(spec)]
    assert len(ids) == 8

    seen = []

    def progress(row, done, total):
        # The table on disk already holds every finished point.
        seen.append((row["point_id"], done, total, len(read_table(out))))

    table = run_sweep(spec, out, workers=2, progress=progress)
    assert list(table["point_id"]) == ids
    assert table.attrs["solved"] == ids
    assert [s[1:3] for s in seen] == [(i, 8) for i in range(1, 9)]
    assert all(rows == done for _, done, _, rows in seen)

    by_id = table.set_index("point_id")
    infeasible = point_id({TECHS: ["pv_fixed"]})
    assert by_id.loc[infeasible, "status"] == "infeasible"
    assert "no feasible plan" in by_id.loc[infeasible, "reason"]
    assert not (out / "runs" / infeasible).exists()
    solved = by_id.drop(index=infeasible)
    assert set(solved["status"]) == {"optimal"}
    assert solved["reason"].isna().all()
    for column in (
        "objective_usd_per_yr",
        "mip_gap",
        "seconds",
        "baku.gas_units.recip_engine",
        "baku.pv_mw",
        "baku.battery_mwh",
        "baku.cost_usd_per_yr",
        "baku.lcoe_usd_per_mwh",
        "baku.co2_t_per_yr",
        "baku.unserved_mwh_per_yr",
        "baku.availability_pct",
        "total.cost_usd_per_yr",
        "total.lcoe_usd_per_mwh",
    ):
        assert solved[column].notna().all(), column
    # Every row shows every varied input, at its base value where it is not varied.
    base = by_id.loc[point_id({})]
    assert base["varied"] in ("", None) or pd.isna(base["varied"])
    assert by_id.loc[point_id({GAS: 6}), GAS] == 6
    assert by_id.loc[point_id({GAS: 6}), WACC] == base[WACC]
    # Costs move the right way: dearer gas and capital cost more, a bigger load too.
    cost = "total.cost_usd_per_yr"
    assert by_id.loc[point_id({GAS: 2}), cost] < base[cost] < by_id.loc[point_id({GAS: 6}), cost]
    assert by_id.loc[point_id({WACC: 0.05}), cost] < by_id.loc[point_id({WACC: 0.11}), cost]
    assert by_id.loc[point_id({IT: 30}), cost] < by_id.loc[point_id({IT: 50}), cost]
    # Each point's run folder is a complete run with the cheap Monte Carlo.
    folder = out / "runs" / point_id({GAS: 6})
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["reliability"]["availability"]["years"] == 100
    assert summary["totals"]["cost_usd_per_yr"] == pytest.approx(
        by_id.loc[point_id({GAS: 6}), cost]
    )
    assert (
        yaml.safe_load((folder / "scenario.yaml").read_text())["sites"]["baku"][
            "gas_price_usd_per_mmbtu"
        ]
        == 6
    )
    assert len(pd.read_csv(out / RESULTS_CSV)) == 8
    page = (out / "sweep.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "<script" not in page
    assert (out / "figures" / "tornado.png").stat().st_size > 10_000
    assert (out / "figures" / "spider.png").stat().st_size > 10_000

    # Rerun: everything is done, nothing is solved, no cluster is started.
    before = _mtimes(out / "runs")
    started = time.perf_counter()
    again = run_sweep(spec, out, workers=2, progress=lambda *a: pytest.fail("solved a point"))
    assert time.perf_counter() - started < 5
    assert again.attrs["solved"] == [] and again.attrs["skipped"] == ids
    assert _mtimes(out / "runs") == before
    pd.testing.assert_frame_equal(
        again.drop(columns="varied").reset_index(drop=True),
        table.drop(columns="varied").reset_index(drop=True),
        check_dtype=False,
    )

    # An interrupted sweep: one point's run folder and row are gone; only it is solved.
    lost = point_id({WACC: 0.11})
    import shutil

    shutil.rmtree(out / "runs" / lost)
    kept = read_table(out)
    kept = kept[kept["point_id"] != lost]
    kept.to_parquet(out / RESULTS_PARQUET, index=False)
    kept.to_csv(out / RESULTS_CSV, index=False)
    resumed = run_sweep(spec, out, workers=2)
    assert resumed.attrs["solved"] == [lost]
    after = _mtimes(out / "runs")
    assert set(after) == set(before)
    assert {k: v for k, v in after.items() if k != lost} == {
        k: v for k, v in before.items() if k != lost
    }
    assert list(resumed["point_id"]) == ids
    assert resumed.set_index("point_id").loc[lost, cost] == pytest.approx(by_id.loc[lost, cost])


@pytest.mark.unit
def test_folder_of_another_base_is_refused(tmp_path):
    from dcpower.errors import DcpowerError

    out = tmp_path / "sweep"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    spec = sweep_from_dict(spec_dict())
    with pytest.raises(DcpowerError, match="not a sweep folder"):
        run_sweep(spec, out)
    (out / "notes.txt").unlink()
    (out / "sweep.json").write_text(json.dumps({"base_fingerprint": "something else"}))
    with pytest.raises(DcpowerError, match="different base scenario"):
        run_sweep(spec, out)
