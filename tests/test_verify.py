"""dcpower.verify: an independent, file-only re-check of a run folder, hour by hour.

One small run folder (two sites, 48 h summer window, integer commitment) is solved once per
module: Aktau with gas and PV only, Baku with expensive gas and a cheap battery, so the
state-of-charge and battery-reserve checks see a battery that is used. Each failure test
copies the folder, breaks one hour of ``dispatch.csv`` by hand, and expects exactly that
hour to be named.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dcpower.units import MMBTU_PER_MWH
from dcpower.verify import VERIFICATION_FILE, first_failure, verify_run, write_verification

SCENARIO: dict = {
    "name": "verify-test",
    "sites": {
        "aktau": {
            "climate": "aktau",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": ["pv_single_axis", "recip_engine", "aero_gt"],
        },
        "baku": {
            "climate": "baku",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": ["pv_single_axis", "battery_li_ion", "recip_engine", "aero_gt"],
            "gas_price_usd_per_mmbtu": 30.0,
        },
    },
    "technologies": {
        "pv_single_axis": {},
        "battery_li_ion": {"capex_energy_usd_per_kwh": 50.0, "capex_power_usd_per_kw": 50.0},
        "recip_engine": {},
        "aero_gt": {},
    },
    "economics": {},
    "reliability": {"redundancy_k": 1, "hourly_n_minus_1": True, "ride_through_min": 15},
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 48},
    "solver": {"time_limit_s": 60, "mip_gap": 0.01, "threads": 1, "commitment": "integer"},
}
#: The state of charge of the one battery, and the total (the same column, summed).
SOC_COLUMNS = ["battery_soc_mwh_battery_li_ion", "battery_soc_mwh"]
BALANCE = "battery battery_li_ion state-of-charge balance (cyclic)"
N1 = "hourly N-1"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    import dcpower
    from dcpower.scenario import scenario_from_dict

    out = tmp_path_factory.mktemp("verify") / "run"
    dcpower.run(scenario_from_dict(SCENARIO), out=out, parallel=False)
    return out


@pytest.fixture
def copy_of(run_folder: Path, tmp_path: Path) -> Path:
    """A private copy of the module's run folder, free to break."""
    return Path(shutil.copytree(run_folder, tmp_path / "run"))


def read_dispatch(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "dispatch.csv")


def write_dispatch(folder: Path, table: pd.DataFrame) -> None:
    table.to_csv(folder / "dispatch.csv", index=False, float_format="%.9g")


def site_rows(table: pd.DataFrame, site: str) -> np.ndarray:
    return np.flatnonzero((table["site"] == site).to_numpy())


def failing(report: dict) -> dict[tuple[str, str], dict]:
    return {(c["site"], c["check"]): c for c in report["checks"] if not c["passed"]}


@pytest.mark.unit
def test_verify_module_imports_without_pyomo() -> None:
    """dcpower.verify and what it imports (dcpower.scenario) never load pyomo.

    The package ``__init__`` is bypassed by registering a bare ``dcpower`` package, so this
    checks the verifier's own import chain.
    """
    package = Path(__file__).resolve().parents[1] / "dcpower"
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('dcpower'); pkg.__path__ = [{str(package)!r}]\n"
        "sys.modules['dcpower'] = pkg\n"
        "import dcpower.verify\n"
        "print('pyomo' in sys.modules, any(m.startswith(('dcpower.optimization', "
        "'dcpower.techs.base')) for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.unit
def test_import_dcpower_verify_does_not_load_pyomo() -> None:
    code = "import sys, dcpower.verify; print('pyomo' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.unit
def test_first_failure_formats_the_first_failed_check() -> None:
    report = {
        "passed": False,
        "checks": [
            {
                "site": "aktau",
                "check": "energy balance",
                "passed": True,
                "worst_time": "t0",
                "margin": 0.0,
                "unit": "MW",
                "detail": "",
            },
            {
                "site": "baku",
                "check": N1,
                "passed": False,
                "worst_time": "2023-07-12T15:00:00+04:00",
                "margin": -3.2,
                "unit": "MW",
                "detail": "",
            },
            {
                "site": "baku",
                "check": "energy balance",
                "passed": False,
                "worst_time": "t2",
                "margin": -1.0,
                "unit": "MW",
                "detail": "",
            },
        ],
    }
    assert first_failure(report) == "baku: hourly N-1 fails at 2023-07-12T15:00:00+04:00 by 3.20 MW"
    assert first_failure({"passed": True, "checks": report["checks"][:1]}) is None


@pytest.mark.component
def test_clean_run_passes_every_check(run_folder: Path) -> None:
    report = verify_run(run_folder)
    assert report["passed"], first_failure(report)
    assert first_failure(report) is None
    checks = {(c["site"], c["check"]) for c in report["checks"]}
    for site in ("aktau", "baku"):
        for name in ("energy balance", "zero unserved energy", N1, "N+k at design point"):
            assert (site, name) in checks
    assert ("baku", BALANCE) in checks
    assert ("aktau", "gas recip_engine integer commitment") in checks
    # worst hours are dispatched hours, or (N+k) the design-peak hour of the full year
    times = set(read_dispatch(run_folder)["time"]) | set(
        pd.read_csv(run_folder / "profiles.csv")["time"]
    )
    for check in report["checks"]:
        assert set(check) == {"site", "check", "passed", "worst_time", "margin", "unit", "detail"}
        assert check["worst_time"] is None or check["worst_time"] in times
        assert check["margin"] is None or math.isfinite(check["margin"])


@pytest.mark.component
def test_the_battery_is_used_so_soc_checks_bite(run_folder: Path) -> None:
    caps = pd.read_csv(run_folder / "capacities.csv")
    energy = caps.query("site == 'baku' and kind == 'battery' and unit == 'MWh'")["capacity"]
    assert float(energy.sum()) > 10.0
    baku = read_dispatch(run_folder).query("site == 'baku'")
    assert baku["battery_discharge_mw"].max() > 1.0


@pytest.mark.component
def test_broken_balance_names_the_hour(copy_of: Path) -> None:
    table = read_dispatch(copy_of)
    row = site_rows(table, "aktau")[17]
    hour = table.loc[row, "time"]
    table.loc[row, "load_mw"] += 1.0
    write_dispatch(copy_of, table)

    report = verify_run(copy_of)
    bad = failing(report)
    assert set(bad) == {("aktau", "energy balance"), ("aktau", "load matches profiles")}
    balance = bad[("aktau", "energy balance")]
    assert balance["worst_time"] == hour
    assert balance["margin"] == pytest.approx(-1.0, abs=1e-6)
    assert balance["detail"].startswith("1 of 48 hours violate")
    assert first_failure(report) == f"aktau: energy balance fails at {hour} by 1.00 MW"


@pytest.mark.component
def test_broken_n_minus_1_names_the_hour(copy_of: Path) -> None:
    """Fewer units online in one hour, every other column kept consistent: only N-1 fails.

    With ``u`` recip engines online at output ``p`` and available output ``a`` per unit,
    ``u' = ceil(p / a)`` units still carry ``p`` (and its minimum load) but leave less than
    one unit's output ``a`` of headroom, so the trip of one unit is not covered. The load
    step fails in the same hour: a trip drops ``p / u'``, and the ``u' - 1`` survivors can
    at most take their headroom ``(u' - 1) (a - p / u')``, which is less.
    """
    scenario = yaml.safe_load((copy_of / "scenario.yaml").read_text())
    tech = scenario["technologies"]["recip_engine"]
    profiles = pd.read_csv(copy_of / "profiles.csv")
    table = read_dispatch(copy_of)
    rows = site_rows(table, "aktau")
    online = table.loc[rows, "gas_units_online_recip_engine"].to_numpy()
    i = int(np.argmax(online))  # the hour with most units online
    row, next_row = rows[i], rows[(i + 1) % len(rows)]
    hour = table.loc[row, "time"]
    prof = profiles[(profiles["site"] == "aktau") & (profiles["time"] == hour)].iloc[0]
    avail = tech["unit_mw"] * prof["gas_cf_recip_engine"]
    power = table.loc[row, "gas_mw_recip_engine"]
    old = table.loc[row, "gas_units_online_recip_engine"]
    new = float(math.ceil(power / avail - 1e-9))
    assert 1 <= new < old
    delta = new - old
    table.loc[row, "gas_units_online_recip_engine"] = new
    table.loc[row, "gas_units_online"] += delta
    fuel = (
        prof["heat_rate_factor_recip_engine"]
        * tech["no_load_fuel_fraction"]
        * tech["heat_rate_full_load_mmbtu_per_mwh"]
        * tech["unit_mw"]
        * delta
    )
    table.loc[row, "fuel_mmbtu_per_h"] += fuel
    heat = tech["heat_recovery_fraction"] * fuel / MMBTU_PER_MWH  # heat follows the fuel
    table.loc[row, ["heat_recovered_mw_recip_engine", "heat_recovered_mw"]] += heat
    next_online = table.loc[next_row, "gas_units_online_recip_engine"]
    table.loc[next_row, "gas_startups_recip_engine"] = max(
        table.loc[next_row, "gas_startups_recip_engine"], next_online - new
    )
    write_dispatch(copy_of, table)

    report = verify_run(copy_of)
    bad = failing(report)
    assert set(bad) == {("aktau", N1), ("aktau", "load step at unit trip")}
    assert bad[("aktau", "load step at unit trip")]["worst_time"] == hour
    n1 = bad[("aktau", N1)]
    assert n1["worst_time"] == hour
    headroom = new * avail - power  # no battery at Aktau
    assert n1["margin"] == pytest.approx(headroom - avail, abs=1e-5)
    assert (
        first_failure(report) == f"aktau: hourly N-1 fails at {hour} by {avail - headroom:.2f} MW"
    )


@pytest.mark.component
def test_broken_soc_row_is_caught(copy_of: Path) -> None:
    """5 MWh added to one hour's end-of-hour SOC breaks the balance into and out of it."""
    table = read_dispatch(copy_of)
    rows = site_rows(table, "baku")
    soc = table.loc[rows, SOC_COLUMNS[0]].to_numpy()
    i = int(np.argmin(soc))  # room above: the bounds still hold
    row, next_row = rows[i], rows[(i + 1) % len(rows)]
    table.loc[row, SOC_COLUMNS] += 5.0
    write_dispatch(copy_of, table)

    report = verify_run(copy_of)
    bad = failing(report)
    assert set(bad) == {("baku", BALANCE)}
    check = bad[("baku", BALANCE)]
    assert check["worst_time"] in {table.loc[row, "time"], table.loc[next_row, "time"]}
    assert check["margin"] == pytest.approx(-5.0, abs=1e-5)
    assert check["detail"].startswith("2 of 48 hours violate")
    assert first_failure(report).startswith(f"baku: {BALANCE} fails")


@pytest.mark.component
def test_write_verification_writes_the_report_as_json(copy_of: Path) -> None:
    report = write_verification(copy_of)
    written = json.loads((copy_of / VERIFICATION_FILE).read_text())
    assert written == json.loads(json.dumps(report))
    assert written["passed"] is True
    assert not [p for p in copy_of.iterdir() if p.name.startswith(".")]
    # Rewritten in place after a break, the file says so.
    table = read_dispatch(copy_of)
    table.loc[site_rows(table, "baku")[3], "unserved_mw"] += 2.0
    write_dispatch(copy_of, table)
    assert write_verification(copy_of)["passed"] is False
    assert json.loads((copy_of / VERIFICATION_FILE).read_text())["passed"] is False


@pytest.mark.component
def test_missing_column_fails_instead_of_passing(copy_of: Path) -> None:
    table = read_dispatch(copy_of).drop(columns=["gas_startups_aero_gt"])
    write_dispatch(copy_of, table)
    report = verify_run(copy_of)
    assert not report["passed"]
    names = {check for _, check in failing(report)}
    assert "required columns present" in names
    assert "gas aero_gt start-ups >= units brought online" in names


@pytest.mark.component
def test_a_unit_removed_from_capacities_fails_n_plus_k_by_its_output(
    run_folder: Path, copy_of: Path
) -> None:
    """One unit fewer in capacities.csv: installed N+k loses that unit's design output.

    Aktau is built of one gas type with more than one unit (N+1, k = 1). The clean run's
    margin m0 is below one unit's design output D (least cost leaves less than a unit
    spare), so with a unit removed the check fails by exactly m0 - D, and its detail names
    the unit taken out: one of the remaining units of that type.
    """
    before = {(c["site"], c["check"]): c for c in verify_run(run_folder)["checks"]}
    clean = before[("aktau", "N+k at design point")]
    caps = pd.read_csv(copy_of / "capacities.csv")
    built = caps.query("site == 'aktau' and unit == 'units' and capacity > 0")
    assert len(built) == 1, "the test expects one gas type built at aktau"
    row = built.index[0]
    tech, n = caps.loc[row, "technology"], int(caps.loc[row, "capacity"])
    assert n >= 2
    design_mw = float(clean["detail"].split(f"1 x {tech} at ")[1].split(" MW")[0])
    assert 0 <= clean["margin"] < design_mw
    caps.loc[row, "capacity"] = n - 1
    caps.to_csv(copy_of / "capacities.csv", index=False)

    bad = failing(verify_run(copy_of))
    check = bad[("aktau", "N+k at design point")]
    assert check["margin"] == pytest.approx(clean["margin"] - design_mw, abs=1e-3)
    assert f"{n - 1} x {tech} at" in check["detail"]
    assert f"the 1 largest unit out (1 x {tech} at {design_mw:.4g} MW" in check["detail"]


@pytest.mark.component
def test_an_edited_design_basis_in_the_summary_is_caught(run_folder: Path, copy_of: Path) -> None:
    """summary.json states a margin 5 MW larger than the files give: caught by 5 MW.

    The clean run states the margin the check recomputes (firm capacity with the k largest
    units out - design load); the check's margin is then -(5 - tolerance).
    """
    clean = {(c["site"], c["check"]): c for c in verify_run(run_folder)["checks"]}
    assert clean[("aktau", "design basis matches summary")]["passed"]
    summary = json.loads((copy_of / "summary.json").read_text())
    point = summary["sites"]["aktau"]["design_point"]
    assert point["margin_mw"] == pytest.approx(
        point["firm_capacity_mw"] - point["load_mw"], abs=1e-9
    )
    point["margin_mw"] += 5.0
    (copy_of / "summary.json").write_text(json.dumps(summary))
    check = failing(verify_run(copy_of))[("aktau", "design basis matches summary")]
    assert check["margin"] == pytest.approx(-5.0, abs=1e-3)
    assert "design_point.margin_mw" in check["detail"]


@pytest.mark.unit
def test_n_plus_k_check_takes_the_k_largest_units_of_all_types() -> None:
    """One 40 MW and four 10 MW units, k = 2: out go the 40 and one 10 MW unit (50 MW)."""
    from dcpower.techs.contract import Firm
    from dcpower.verify.reliability import _largest_units, _named

    firms = [
        ("eng", Firm(firm_mw=40.0, units_mw=(10.0,) * 4)),
        ("bat", Firm(firm_mw=5.0)),
        ("gt", Firm(firm_mw=40.0, units_mw=(40.0,))),
    ]
    out = _largest_units(firms, 2)
    assert out == [(40.0, "gt"), (10.0, "eng")]
    assert _named(out) == "1 x gt at 40 MW + 1 x eng at 10 MW"
    assert sum(mw for mw, _ in _largest_units(firms, 3)) == 60.0
    assert _largest_units(firms[1:2], 2) == [] and _named([]) == "no units"
