"""Hand-solved optimization cases: the model must find exactly the optimum computed by hand.

All cases use wacc = 0, so a capital cost C [USD] with lifetime L [yr] costs C / L per year,
and a 24-hour horizon whose steps each stand for 8760 / 24 = 365 hours of the year.
"""

import numpy as np
import pytest
from helpers import BatteryTech, PVTech, Reliability, gas_tech, site_inputs

from dcpower.errors import InfeasibleError
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import Solver
from dcpower.techs.base import capital_recovery_factor

pytestmark = pytest.mark.component
EXACT = Solver(mip_gap=1e-9, time_limit_s=60)
DAYLIGHT = np.array([0.0] * 6 + [1.0] * 12 + [0.0] * 6)


def units(run, tech_id):
    return run.solution.gas_units[tech_id]["units"]


def total_cost(run):
    return run.solution.costs["usd_per_yr"].sum()


@pytest.mark.unit
def test_capital_recovery_factor_by_hand():
    """CRF(8 %, 20 yr) = 0.08 * 1.08**20 / (1.08**20 - 1) = 0.08 * 4.660957 / 3.660957."""
    assert capital_recovery_factor(0.08, 20) == pytest.approx(0.1018522, rel=1e-6)
    assert capital_recovery_factor(0.0, 25) == pytest.approx(0.04)


def test_flat_load_gas_only_n_plus_1_builds_three_units():
    """Flat 10 MW, 5 MW units, N+1 at the design point and hourly N-1.

    N+1: (N - 1) * 5 >= 10 -> N = 3. Hourly N-1: online units must leave 5 MW headroom,
    5u - 10 >= 5 -> u = 3 in every hour.
    Cost: capex 15 MW * 1000 USD/kW / 20 yr = 750,000 USD/yr;
    fuel 10 MW * 8760 h * 10 MMBtu/MWh * 3 USD/MMBtu = 2,628,000 USD/yr; total 3,378,000.
    """
    run = optimize_site(site_inputs([10.0] * 24, {"eng": gas_tech()}), EXACT)
    assert run.outcome.status == "optimal"
    assert units(run, "eng") == 3
    np.testing.assert_allclose(run.solution.dispatch["gas_units_online"], 3.0)
    assert total_cost(run) == pytest.approx(3_378_000.0, rel=1e-9)
    assert run.outcome.objective == pytest.approx(3_378_000.0, rel=1e-9)


def _pv_battery_gas():
    pv = PVTech(capex_usd_per_kw_ac=100.0, fom_usd_per_kw_yr=0.0, lifetime_yr=1.0)
    bat = BatteryTech(
        capex_energy_usd_per_kwh=10.0,
        capex_power_usd_per_kw=50.0,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )
    return {"pv": pv, "bat": bat, "eng": gas_tech()}


def test_pv_and_battery_beat_gas_at_high_fuel_price():
    """Flat 10 MW; PV available 06-18 h only; gas at 10 USD/MMBtu (100 USD/MWh of fuel).

    Per MW of night load for a year: battery path = 12 MWh * 10,000 + 1 MW * 50,000 + 1 MW PV
    * 100,000 = 270,000 USD; gas path = 4380 MWh * 100 + 50,000 = 488,000 USD. By day PV costs
    100,000 USD/MW against 438,000 of fuel. So all PV + battery: PV 20 MW (10 to serve, 10 to
    charge), battery 10 MW / 120 MWh, no gas (no redundancy asked: k = 0, N-1 off; the battery
    power is firm for 15 min). Cost 2,000,000 + 1,200,000 + 500,000 = 3,700,000 USD/yr.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    run = optimize_site(
        site_inputs([10.0] * 24, _pv_battery_gas(), gas_price=10.0, cf=DAYLIGHT, reliability=rel),
        EXACT,
    )
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["pv", "MW"] == pytest.approx(20.0)
    assert caps["bat", "MW"] == pytest.approx(10.0)
    assert caps["bat", "MWh"] == pytest.approx(120.0)
    assert units(run, "eng") == 0
    assert total_cost(run) == pytest.approx(3_700_000.0, rel=1e-9)


def test_gas_serves_the_night_at_low_fuel_price():
    """Same case at 3 USD/MMBtu: per MW of night load gas costs 4380 * 30 + 50,000 = 181,400
    against 270,000 for PV + battery; by day PV (100,000/MW) beats gas fuel (131,400/MW).
    So PV 10 MW + 2 gas units: 1,000,000 + 500,000 + 10 * 4380 * 30 = 2,814,000 USD/yr.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    run = optimize_site(
        site_inputs([10.0] * 24, _pv_battery_gas(), gas_price=3.0, cf=DAYLIGHT, reliability=rel),
        EXACT,
    )
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["pv", "MW"] == pytest.approx(10.0)
    assert caps["bat", "MWh"] == pytest.approx(0.0, abs=1e-9)
    assert units(run, "eng") == 2
    assert total_cost(run) == pytest.approx(2_814_000.0, rel=1e-9)


def test_hourly_n_minus_1_needs_a_second_committed_unit():
    """Flat 4 MW on 5 MW units, k = 0. One unit carries the load, but a trip must be covered:
    headroom 5u - 4 >= 5 -> u = 2 every hour, so 2 units. Without N-1 one unit suffices.
    Cost with N-1: 10 MW * 50,000 + 4 * 8760 * 30 = 500,000 + 1,051,200 = 1,551,200 USD/yr.
    """
    with_n1 = optimize_site(
        site_inputs([4.0] * 24, {"eng": gas_tech()}, reliability=Reliability(redundancy_k=0)), EXACT
    )
    assert units(with_n1, "eng") == 2
    np.testing.assert_allclose(with_n1.solution.dispatch["gas_units_online"], 2.0)
    assert total_cost(with_n1) == pytest.approx(1_551_200.0, rel=1e-9)
    without = optimize_site(
        site_inputs(
            [4.0] * 24,
            {"eng": gas_tech()},
            reliability=Reliability(redundancy_k=0, hourly_n_minus_1=False),
        ),
        EXACT,
    )
    assert units(without, "eng") == 1


def test_temperature_derating_forces_an_extra_unit_on_the_hot_hour():
    """Flat 9 MW on 5 MW units, k = 0, N-1 off. Two units (10 MW) suffice at ISO, but at
    hour 12 the units are derated to 80 %: 2 * 4 = 8 < 9, so 3 units, all 3 online then.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    cool = optimize_site(site_inputs([9.0] * 24, {"eng": gas_tech()}, reliability=rel), EXACT)
    assert units(cool, "eng") == 2
    available = np.ones(24)
    available[12] = 0.8
    hot = optimize_site(
        site_inputs([9.0] * 24, {"eng": gas_tech()}, reliability=rel, available=available), EXACT
    )
    assert units(hot, "eng") == 3
    assert hot.solution.dispatch["gas_units_online"].iloc[12] == pytest.approx(3.0)
    assert hot.solution.dispatch["gas_mw"].iloc[12] == pytest.approx(9.0)


def test_impossible_requirement_says_which_and_by_how_much():
    """PV only, no storage, 10 MW load all day: the 12 dark hours cannot be served.

    Unserved = 10 MW * 12 h * 365 = 43,800 MWh/yr; nothing firm against a 10 MW peak.
    """
    pv = PVTech(capex_usd_per_kw_ac=100.0, fom_usd_per_kw_yr=0.0, lifetime_yr=1.0)
    with pytest.raises(InfeasibleError) as err:
        optimize_site(site_inputs([10.0] * 24, {"pv": pv}, cf=DAYLIGHT), EXACT)
    message = str(err.value)
    assert "energy balance" in message
    assert "43,800.0 MWh/yr unserved" in message
    assert "N+k redundancy" in message and "10.00 MW short" in message


def test_storage_counts_toward_n_plus_1_only_when_asked():
    """Flat 10 MW, 5 MW units, N+1, with a cheap battery (1 USD/kWh, 5 USD/kW, 1 yr life).

    With n_plus_k_storage_hours = 4 the battery may stand in for the redundant unit at the
    power it holds for 4 h: 5 MW x 4 h = 20 MWh costs 20,000 + 25,000 = 45,000 USD/yr
    against 250,000 for a third unit. So 2 units + 5 MW / 20 MWh; hourly N-1 holds with
    the battery's 15-min reserve (5 MW x 0.25 h = 1.25 MWh <= 20 MWh).
    Cost: 500,000 + 2,628,000 fuel + 45,000 = 3,173,000 USD/yr. With the default (storage
    does not count toward N+k) it is 3 units, as in the gas-only case.
    """
    bat = BatteryTech(
        capex_energy_usd_per_kwh=1.0,
        capex_power_usd_per_kw=5.0,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )
    techs = {"eng": gas_tech(), "bat": bat}
    counted = optimize_site(
        site_inputs([10.0] * 24, techs, reliability=Reliability(n_plus_k_storage_hours=4)), EXACT
    )
    caps = counted.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert units(counted, "eng") == 2
    assert caps["bat", "MW"] == pytest.approx(5.0)
    assert caps["bat", "MWh"] == pytest.approx(20.0)
    assert total_cost(counted) == pytest.approx(3_173_000.0, rel=1e-9)
    default = optimize_site(site_inputs([10.0] * 24, techs), EXACT)
    assert units(default, "eng") == 3


def test_fixed_sizing_is_kept_in_a_redispatch():
    """Dispatch-only run with capacities given: PV 25 MW, battery 10 MW / 120 MWh, no gas.

    Nothing may be resized: cost = 25 * 100,000 + 120 * 10,000 + 10 * 50,000 = 4,200,000
    USD/yr (wacc 0, 1-yr lives); overnight capex PV 2.5 M, battery 1.7 M USD.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    inp = site_inputs([10.0] * 24, _pv_battery_gas(), gas_price=10.0, cf=DAYLIGHT, reliability=rel)
    fixed = {
        "pv.capacity_mw": 25.0,
        "bat.energy_mwh": 120.0,
        "bat.power_mw": 10.0,
        "eng.units_built": 0.0,
    }
    run = optimize_site(inp, EXACT, fixed_sizing=fixed)
    assert run.sizing == fixed
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["pv", "MW"] == pytest.approx(25.0)
    assert caps["bat", "MWh"] == pytest.approx(120.0)
    assert total_cost(run) == pytest.approx(4_200_000.0, rel=1e-9)
    assert run.solution.capex_usd == pytest.approx({"pv": 2.5e6, "bat": 1.7e6, "eng": 0.0})


def test_gas_outage_is_ridden_through_by_a_battery():
    """Flat 10 MW on 5 MW units (k = 0, N-1 off); a 2-h gas interruption must be survived.

    One month in the horizon -> one window, from the peak-load step (flat: step 0), entered
    with the state of charge at step 23. The battery (1 USD/kWh, 5 USD/kW, 1-yr life,
    lossless) must hold 10 MW for 2 h: 10 MW / 20 MWh = 50,000 + 20,000 = 70,000 USD/yr of
    insurance on top of 2 units + fuel = 500,000 + 2,628,000: 3,198,000 USD/yr.
    """
    bat = BatteryTech(
        capex_energy_usd_per_kwh=1.0,
        capex_power_usd_per_kw=5.0,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2)
    run = optimize_site(
        site_inputs([10.0] * 24, {"eng": gas_tech(), "bat": bat}, reliability=rel), EXACT
    )
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert units(run, "eng") == 2
    assert caps["bat", "MW"] == pytest.approx(10.0)
    assert caps["bat", "MWh"] == pytest.approx(20.0)
    assert total_cost(run) == pytest.approx(3_198_000.0, rel=1e-9)
    assert run.solution.dispatch["battery_soc_mwh"].iloc[23] == pytest.approx(20.0)


def test_gas_outage_without_storage_says_how_much_is_short():
    """Gas only: the 2-h window lacks 10 MW x 2 h = 20 MWh."""
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2)
    with pytest.raises(InfeasibleError) as err:
        optimize_site(site_inputs([10.0] * 24, {"eng": gas_tech()}, reliability=rel), EXACT)
    message = str(err.value)
    assert "gas outage ride-through" in message
    assert "without gas for 2 h" in message
    assert "worst 20.0 MWh in the window from 2023-01-01T00:00:00+04:00" in message
