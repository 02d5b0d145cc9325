"""Backup liquid fuel for dual-fuel gas units in gas-supply outages: hand-solved cases.

All cases: wacc = 0, a 24-hour horizon (1 January) whose steps each stand for 365 hours of
the year, flat 10 MW load on 5 MW units at 10 MMBtu/MWh (no no-load fuel), gas at
3 USD/MMBtu, k = 0 and N-1 off, so 2 units: capex 10 MW x 1000 USD/kW / 20 yr = 500,000
and gas 10 MW x 8760 h x 30 USD/MWh = 2,628,000 USD/yr. A 2-h gas outage from step 0 (one
window). Backup fuel: tank 10 USD/MMBtu with 5 %/yr O&M and a 1-yr life (10.5 USD/MMBtu
per year), liquid fuel 20 USD/MMBtu, no carbon price.
"""

import pytest
from helpers import Reliability, gas_tech, lossless_battery, site_inputs

from dcpower.errors import ScenarioError
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import BackupFuel, Solver, scenario_from_dict

pytestmark = pytest.mark.component
EXACT = Solver(mip_gap=1e-9, time_limit_s=60)
FUEL = BackupFuel(
    tank_capex_usd_per_mmbtu=10.0,
    tank_fom_fraction_per_yr=0.05,
    tank_lifetime_yr=1.0,
    fuel_price_usd_per_mmbtu=20.0,
    co2_kg_per_mmbtu=75.35,
)
BASE_USD_PER_YR = 500_000.0 + 2_628_000.0
#: A lossless battery: 1 USD/kWh and 5 USD/kW, one-year life.
LOSSLESS_BATTERY = lossless_battery()


def _run(reliability: Reliability, **gas_over):
    techs = {"eng": gas_tech(dual_fuel=True, **gas_over), "bat": LOSSLESS_BATTERY}
    inp = site_inputs([10.0] * 24, techs, reliability=reliability, backup_fuel=FUEL)
    return optimize_site(inp, EXACT)


def _costs(run) -> dict:
    return run.solution.costs.groupby(["technology", "component"])["usd_per_yr"].sum().to_dict()


def _caps(run):
    return run.solution.capacities.set_index(["technology", "unit"])["capacity"]


def test_model_sizes_the_tank_for_the_outage():
    """The 2 units burn 10 MW x 2 h x 10 MMBtu/MWh = 200 MMBtu of liquid fuel in the window.

    Tank 200 MMBtu: 200 x 10.5 = 2,100 USD/yr; fuel of one event a year 200 x 20 = 4,000.
    A battery instead would cost 10 MW x 5,000 + 20 MWh x 1,000 = 70,000, so none is built.
    Total 3,128,000 + 2,100 + 4,000 = 3,134,100 USD/yr.
    """
    run = _run(Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2))
    caps = _caps(run)
    assert caps["eng_backup_tank", "MMBtu"] == pytest.approx(200.0)
    assert caps["bat", "MWh"] == pytest.approx(0.0, abs=1e-9)
    costs = _costs(run)
    assert costs["eng_backup_tank", "capex"] == pytest.approx(2_000.0)
    assert costs["eng_backup_tank", "fixed_om"] == pytest.approx(100.0)
    assert costs["eng", "backup_fuel"] == pytest.approx(4_000.0)
    assert sum(costs.values()) == pytest.approx(BASE_USD_PER_YR + 6_100.0, rel=1e-9)
    windows = run.solution.outage_dispatch
    assert windows["gas_mw"].tolist() == pytest.approx([10.0, 10.0])
    assert windows["backup_fuel_mmbtu_per_h_eng"].tolist() == pytest.approx([100.0, 100.0])


def test_tank_fixed_in_hours_of_full_load_and_two_events_a_year():
    """Tank fixed at 3 h of full load: 3 h x 10 MMBtu/MWh x 5 MW x 2 units = 300 MMBtu,
    300 x 10.5 = 3,150 USD/yr; two events a year burn 2 x 200 x 20 = 8,000 USD/yr.
    Total 3,128,000 + 3,150 + 8,000 = 3,139,150 USD/yr.
    """
    rel = Reliability(
        redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2, gas_outage_events_per_yr=2
    )
    run = _run(rel, backup_fuel_hours=3.0)
    assert _caps(run)["eng_backup_tank", "MMBtu"] == pytest.approx(300.0)
    costs = _costs(run)
    assert costs["eng", "backup_fuel"] == pytest.approx(8_000.0)
    assert sum(costs.values()) == pytest.approx(BASE_USD_PER_YR + 11_150.0, rel=1e-9)


def test_a_tank_too_small_leaves_the_battery_the_rest():
    """Tank fixed at 1 h of full load (100 MMBtu = 10 MWh of output): the battery carries
    the other 10 MWh, spread as 5 MW in each of the 2 hours next to 5 MW of gas (the
    cheapest power): 5 MW x 5,000 + 10 MWh x 1,000 = 35,000. Tank 100 x 10.5 = 1,050,
    fuel 100 x 20 = 2,000. Total 3,128,000 + 38,050 = 3,166,050 USD/yr.
    """
    run = _run(
        Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2),
        backup_fuel_hours=1.0,
    )
    caps = _caps(run)
    assert caps["eng_backup_tank", "MMBtu"] == pytest.approx(100.0)
    assert caps["bat", "MWh"] == pytest.approx(10.0)
    assert caps["bat", "MW"] == pytest.approx(5.0)
    assert sum(_costs(run).values()) == pytest.approx(BASE_USD_PER_YR + 38_050.0, rel=1e-9)


@pytest.mark.integration
def test_run_folder_backup_fuel_is_verified(tmp_path) -> None:
    """Baku, 48-h summer window, dual-fuel engines and a 24-h gas outage: the tank is sized
    to the window's fuel, verified; more fuel written into the last hour than the tank holds
    is caught in that window and hour."""
    import pandas as pd

    import dcpower
    from dcpower.results import OUTAGE_DISPATCH_FILE
    from dcpower.scenario import scenario_from_dict
    from dcpower.verify import verify_run

    scenario = scenario_from_dict(
        {
            "name": "dual-fuel-test",
            "sites": {
                "baku": {
                    "climate": "baku",
                    "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
                    "technologies": ["battery_li_ion", "recip_engine_df"],
                }
            },
            "technologies": {"battery_li_ion": {}, "recip_engine_df": {}},
            "reliability": {"gas_outage_hours": 24, "monte_carlo_years": 0},
            "time": {"kind": "window", "start_hour": 4800, "n_hours": 48},
            "solver": {"mip_gap": 0.01, "commitment": "integer"},
        }
    )
    out = tmp_path / "run"
    result = dcpower.run(scenario, out=out, parallel=False, reports=False)
    assert result.verification["passed"]
    windows = pd.read_csv(out / OUTAGE_DISPATCH_FILE)
    burnt = windows["backup_fuel_mmbtu_per_h_recip_engine_df"].sum()
    summary = result.summary()["sites"]["baku"]
    assert summary["capacity"]["backup_fuel_tank_mmbtu"] == pytest.approx(burnt, rel=1e-6)
    assert summary["gas_outage"]["insurance_cost_usd_per_yr"] > 0

    last = windows.index[-1]
    windows.loc[last, "backup_fuel_mmbtu_per_h_recip_engine_df"] += 10.0
    windows.to_csv(out / OUTAGE_DISPATCH_FILE, index=False, float_format="%.9g")
    report = verify_run(out)
    found = next(
        c
        for c in report["checks"]
        if c["check"] == "outage windows: recip_engine_df backup fuel within the tank"
    )
    assert (found["passed"], found["worst_time"]) == (False, windows.loc[last, "time"])
    assert found["margin"] == pytest.approx(-10.0, rel=1e-3)
    assert found["detail"].startswith("1 of 24 hours violate; window 0 (gas outage) hour 23")


def test_fixed_capacity_dispatch_sizes_the_tank_again():
    """A re-dispatch with the capacities fixed keeps units and battery, but sizes the tank on
    its own windows (a reduced-time sizing underestimates part-load fuel): a tank of
    50 MMBtu handed over comes back as the 200 MMBtu the window burns, at no shortfall."""
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2)
    techs = {"eng": gas_tech(dual_fuel=True), "bat": LOSSLESS_BATTERY}
    inp = site_inputs([10.0] * 24, techs, reliability=rel, backup_fuel=FUEL)
    fixed = {
        "eng.units_built": 2.0,
        "eng.tank_mmbtu": 50.0,
        "bat.energy_mwh": 0.0,
        "bat.power_mw": 0.0,
    }
    run = optimize_site(inp, EXACT, fixed_sizing=fixed)
    assert not run.shortfalls
    assert run.sizing["eng.tank_mmbtu"] == pytest.approx(200.0)
    assert run.sizing["eng.units_built"] == 2.0
    assert sum(_costs(run).values()) == pytest.approx(BASE_USD_PER_YR + 6_100.0, rel=1e-9)


def _baku_with_engine(engine: dict, **sections) -> dict:
    """A one-site Baku scenario (40 MW IT) with the catalogue engine ``recip_engine``."""
    return {
        "name": "engine",
        "sites": {
            "baku": {
                "climate": "baku",
                "data_center": {"it_capacity_mw": 40},
                "technologies": ["recip_engine"],
            }
        },
        "technologies": {"recip_engine": engine},
        **sections,
    }


def test_the_gas_only_engine_cannot_be_made_dual_fuel_by_a_flag():
    """The catalogue's recip engine is spark-ignited, gas only: liquid-fuel capability is
    another engine (recip_engine_df: 16.5 MW in gas mode, 3.5 % dearer), not a free flag."""
    raw = _baku_with_engine({"dual_fuel": True})
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(raw)
    assert str(err.value) == (
        "scenario: technologies.recip_engine.dual_fuel = True: catalogue type recip_engine "
        "fixes it to False; use catalogue_id: recip_engine_df"
    )
    raw["technologies"] = {"recip_engine": {"catalogue_id": "recip_engine_df"}}
    engine = scenario_from_dict(raw).technologies["recip_engine"]
    # 1035 USD/kW of 2018 (Denton x 1.035) in USD of 2024: x CPI-U 313.689 / 251.107.
    assert (engine.dual_fuel, engine.unit_mw) == (True, 16.5)
    assert engine.capex_usd_per_kw == pytest.approx(1035 * 313.689 / 251.107)


def test_on_site_fuel_holds_hours_of_the_design_load_on_dual_fuel_units():
    """Flat 10 MW, 5 MW units, 12 h of on-site fuel, no outage window, N+k and N-1 off.

    Tank >= 12 h x 10 MW (design load) x 10 MMBtu/MWh = 1,200 MMBtu: 1,200 x (10 x 1 +
    10 x 0.05) = 12,600 USD/yr; no fuel is burnt (no window). Dual-fuel units carry the
    design load: 2 units. Total 3,128,000 + 12,600 = 3,140,600 USD/yr. A gas-only type
    alone cannot hold the fuel: the scenario is refused.
    """
    rules = Reliability(redundancy_k=0, hourly_n_minus_1=False, on_site_fuel_h=12)
    run = _run(rules)
    caps = _caps(run)
    assert caps["eng", "units"] == 2
    assert caps["eng_backup_tank", "MMBtu"] == pytest.approx(1200.0)
    assert sum(_costs(run).values()) == pytest.approx(BASE_USD_PER_YR + 12_600.0, rel=1e-9)
    raw = _baku_with_engine({}, reliability={"on_site_fuel_h": 12})
    with pytest.raises(ScenarioError, match="site baku has no dual-fuel unit type"):
        scenario_from_dict(raw)
