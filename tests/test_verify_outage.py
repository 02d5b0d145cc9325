"""Outage windows in the run folder (``outage_dispatch.csv``), re-checked by dcpower.verify.

One small run folder is solved once per module: Baku on a 48-h summer window with a 20 MW
grid connection at the Azerbaijani data-center tariff, PV, a (cheap) battery and gas
engines, with a 4-h gas outage and a 3-h grid outage to ride through (one window each, both
from the window's peak-load hour, 2023-07-20 13:00). Each failure test breaks one hour of
one window by hand and expects exactly that window and hour to be named. A second folder
(PV and engines only, no windows) is for the hourly N-1 check of a grid trip.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dcpower.results import OUTAGE_DISPATCH_FILE
from dcpower.units import MMBTU_PER_MWH
from dcpower.verify import first_failure, verify_run

pytestmark = pytest.mark.integration

SCENARIO: dict = {
    "name": "outage-verify-test",
    "sites": {
        "baku": {
            "climate": "baku",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": ["pv_single_axis", "battery_li_ion", "recip_engine"],
            "grid": {"import_max_mw": 20, "tariff": "az_data_center"},
        }
    },
    "technologies": {
        "pv_single_axis": {},
        # Cheap storage, so the battery is built (as reserve against a grid or engine trip).
        "battery_li_ion": {"capex_energy_usd_per_kwh": 50.0, "capex_power_usd_per_kw": 50.0},
        "recip_engine": {},
    },
    "economics": {},
    "reliability": {"gas_outage_hours": 4, "grid_outage_hours": 3, "monte_carlo_years": 0},
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 48},
    "solver": {"time_limit_s": 60, "mip_gap": 0.01, "threads": 1, "commitment": "integer"},
}
# The month's peak-load hour (the PUE rises with the dry bulb, uncapped: the hottest hour).
START = "2023-07-21T15:00:00+04:00"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    import dcpower
    from dcpower.scenario import scenario_from_dict

    out = tmp_path_factory.mktemp("outage") / "run"
    dcpower.run(scenario_from_dict(SCENARIO), out=out, parallel=False, reports=False)
    return out


@pytest.fixture
def copy_of(run_folder: Path, tmp_path: Path) -> Path:
    """A private copy of the module's run folder, free to break."""
    return Path(shutil.copytree(run_folder, tmp_path / "run"))


def windows(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / OUTAGE_DISPATCH_FILE)


def edit(folder: Path, kind: str, step: int, **changes: float) -> str:
    """Add to columns of one window hour; return that hour's time."""
    table = windows(folder)
    row = table.index[(table["kind"] == kind) & (table["step"] == step)][0]
    for column, delta in changes.items():
        table.loc[row, column] += delta
    table.to_csv(folder / OUTAGE_DISPATCH_FILE, index=False, float_format="%.9g")
    return str(table.loc[row, "time"])


def check(report: dict, name: str) -> dict:
    return next(c for c in report["checks"] if c["check"] == f"outage windows: {name}")


def test_windows_are_written_and_pass(run_folder: Path) -> None:
    """A 4-h gas and a 3-h grid window from the peak-load hour; no gas (grid) inside."""
    table = windows(run_folder)
    assert table.groupby("kind").size().to_dict() == {"gas": 4, "grid": 3}
    assert set(table.loc[table["step"] == 0, "time"]) == {START}
    assert (table.loc[table["kind"] == "gas", "gas_mw"] == 0).all()
    assert (table.loc[table["kind"] == "grid", "grid_mw"] == 0).all()
    report = verify_run(run_folder)
    assert report["passed"], first_failure(report)
    outage_checks = [c for c in report["checks"] if c["check"].startswith("outage windows")]
    assert len(outage_checks) == 9


def test_gas_inside_a_gas_outage_is_caught(copy_of: Path) -> None:
    """5 MW of gas written into hour 2 of the gas window."""
    time = edit(copy_of, "gas", 2, gas_mw=5.0, gas_mw_recip_engine=5.0)
    found = check(verify_run(copy_of), "nothing from the unavailable supply")
    assert not found["passed"]
    assert found["worst_time"] == time
    assert found["margin"] == pytest.approx(-5.0)
    assert found["detail"].startswith("1 of 7 hours violate; window 0 (gas outage) hour 2")


def test_broken_window_balance_is_caught(copy_of: Path) -> None:
    """Grid import cut by 3 MW in hour 1 of the gas window: 3 MW short."""
    time = edit(copy_of, "gas", 1, grid_mw=-3.0)
    report = verify_run(copy_of)
    found = check(report, "balance")
    assert (found["passed"], found["worst_time"]) == (False, time)
    assert found["margin"] == pytest.approx(-3.0)
    assert "window 0 (gas outage) hour 1" in found["detail"]
    assert first_failure(report).startswith(
        f"baku: outage windows: balance fails at {time} by 3.00 MW"
    )


def test_soc_that_does_not_continue_from_the_entry_hour_is_caught(copy_of: Path) -> None:
    """The gas window's state of charge lowered by 0.1 MWh in every hour: consistent inside
    the window, but it no longer continues from the entry hour's, so hour 0 alone breaks."""
    soc = {"battery_soc_mwh": -0.1, "battery_soc_mwh_battery_li_ion": -0.1}
    times = [edit(copy_of, "gas", step, **soc) for step in range(4)]
    found = check(
        verify_run(copy_of),
        "battery battery_li_ion state of charge continues from the normal dispatch",
    )
    assert (found["passed"], found["worst_time"]) == (False, times[0])
    assert found["margin"] == pytest.approx(-0.1)
    assert found["detail"].startswith("1 of 7 hours violate; window 0 (gas outage) hour 0")


def test_a_missing_window_is_caught(copy_of: Path) -> None:
    table = windows(copy_of)
    table[table["kind"] != "grid"].to_csv(copy_of / OUTAGE_DISPATCH_FILE, index=False)
    found = check(verify_run(copy_of), "one per month from its peak-load hour")
    assert not found["passed"]
    assert (
        found["detail"] == f"1 windows missing or misplaced; first: grid outage of 3 h from {START}"
    )


@pytest.fixture(scope="module")
def engines_run(tmp_path_factory) -> Path:
    """The same site with PV and engines only (no battery, no outage windows).

    Engines without a load-step limit: the grid-trip test below is about headroom.
    """
    import dcpower
    from dcpower.scenario import scenario_from_dict

    scenario = copy.deepcopy(SCENARIO)
    scenario["sites"]["baku"]["technologies"] = ["pv_single_axis", "recip_engine"]
    del scenario["technologies"]["battery_li_ion"]
    scenario["technologies"]["recip_engine"] = {"load_step_fraction": 1.0}
    scenario["reliability"] = {"monte_carlo_years": 0}
    out = tmp_path_factory.mktemp("engines") / "run"
    dcpower.run(scenario_from_dict(scenario), out=out, parallel=False, reports=False)
    return out


def test_import_above_the_headroom_is_caught_as_a_grid_trip(
    engines_run: Path, tmp_path: Path
) -> None:
    """More import, less gas, one engine fewer online in one hour, the balance kept.

    Hour of the evening shoulder with 3 engines online and some import: the import is raised
    to the 20 MW cap and the gas output cut by as much (fuel rewritten for the new output and
    commitment). With ``a`` the available output per engine, 2 engines at gas output ``p``
    leave ``2a - p`` of headroom, less than the 20 MW import (the grid trip, larger than one
    engine's ``a``): the margin is ``2a - p - 20`` (no storage).
    """
    copy_of = Path(shutil.copytree(engines_run, tmp_path / "run"))
    scenario = yaml.safe_load((copy_of / "scenario.yaml").read_text())
    tech = scenario["technologies"]["recip_engine"]
    table = pd.read_csv(copy_of / "dispatch.csv")
    profiles = pd.read_csv(copy_of / "profiles.csv").set_index("time")
    grid = table["grid_mw"].to_numpy()
    online = table["gas_units_online_recip_engine"].to_numpy()
    # An hour whose gas output, cut by the extra import, stays above two units' minimum load
    # (so only the N-1 check can fail).
    cut = table["gas_mw_recip_engine"].to_numpy() - (20.0 - grid)
    floor = 2 * tech["min_load_fraction"] * tech["unit_mw"] + 0.5
    row = int(np.flatnonzero((grid > 1.0) & (grid < 19.0) & (online == 3) & (cut > floor))[0])
    hour = str(table.loc[row, "time"])
    avail = tech["unit_mw"] * profiles.loc[hour, "gas_cf_recip_engine"]
    moved = 20.0 - grid[row]
    power = table.loc[row, "gas_mw_recip_engine"] - moved
    assert power <= 2 * avail
    rate = (
        profiles.loc[hour, "heat_rate_factor_recip_engine"]
        * tech["heat_rate_full_load_mmbtu_per_mwh"]
    )
    no_load = tech["no_load_fuel_fraction"]
    fuel = -rate * (no_load * tech["unit_mw"] + (1 - no_load) * moved)
    heat = tech["heat_recovery_fraction"] * fuel / MMBTU_PER_MWH  # heat follows the fuel
    for column, delta in {
        "grid_mw": moved,
        "gas_mw": -moved,
        "gas_mw_recip_engine": -moved,
        "gas_units_online": -1.0,
        "gas_units_online_recip_engine": -1.0,
        "fuel_mmbtu_per_h": fuel,
        "heat_recovered_mw": heat,
        "heat_recovered_mw_recip_engine": heat,
    }.items():
        table.loc[row, column] += delta
    following = (row + 1) % len(table)
    table.loc[following, "gas_startups_recip_engine"] = max(
        table.loc[following, "gas_startups_recip_engine"],
        table.loc[following, "gas_units_online_recip_engine"] - 2,
    )
    table.to_csv(copy_of / "dispatch.csv", index=False, float_format="%.9g")

    report = verify_run(copy_of)
    assert {c["check"] for c in report["checks"] if not c["passed"]} == {"hourly N-1"}
    found = next(c for c in report["checks"] if c["check"] == "hourly N-1")
    assert (found["passed"], found["worst_time"]) == (False, hour)
    assert found["margin"] == pytest.approx(2 * avail - power - 20.0, abs=1e-5)
    assert "grid trip, import (20 MW)" in found["detail"]
    assert first_failure(report).startswith(f"baku: hourly N-1 fails at {hour}")
