"""Hand-solved optimization cases: the model must find exactly the optimum computed by hand.

All cases use wacc = 0, so a capital cost C [USD] with lifetime L [yr] costs C / L per year,
and a 24-hour horizon whose steps each stand for 8760 / 24 = 365 hours of the year.
"""

import numpy as np
import pytest
from helpers import (
    BatteryTech,
    PVTech,
    Reliability,
    capacities,
    gas_tech,
    lossless_battery,
    site_inputs,
)

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


def _big_and_small_units():
    """A 40 MW unit "gt" (800 USD/kW, 8 MMBtu/MWh) and a 10 MW unit "eng" (1000 USD/kW, 10).

    wacc 0, 20-yr lives: a gt costs 40 x 800,000 / 20 = 1,600,000 USD/yr, an eng 10 x
    1,000,000 / 20 = 500,000. Gas 3 USD/MMBtu; flat 30 MW all year (8760 h): fuel
    30 x 8760 x 8 x 3 = 6,307,200 USD/yr on the gt, 30 x 8760 x 10 x 3 = 7,884,000 on engs.
    Hourly N-1 off; no outage windows.
    """
    techs = {
        "gt": gas_tech(unit_mw=40.0, capex_usd_per_kw=800.0, heat_rate_full_load_mmbtu_per_mwh=8.0),
        "eng": gas_tech(unit_mw=10.0),
    }
    return techs, Reliability(redundancy_k=2, hourly_n_minus_1=False)


def test_n_plus_2_removes_the_two_largest_units_not_two_of_the_largest_type():
    """N+2 with one 40 MW and four 10 MW units removes 40 + 10 = 50 MW, not 2 x 40 = 80 MW.

    Fleets (gt, eng) meeting N+2 against a 30 MW peak (the two largest units out):
    (0, 5): 50 - 20 = 30 -> 2,500,000 + 7,884,000 = 10,384,000 USD/yr;
    (1, 4): 80 - 50 = 30 -> 1,600,000 + 2,000,000 + 6,307,200 = 9,907,200 (gt runs the load);
    (2, 3): 110 - 80 = 30 -> 3,200,000 + 1,500,000 + 6,307,200 = 11,007,200;
    (3, 0): 120 - 80 = 40 -> 4,800,000 + 6,307,200 = 11,107,200.
    (Fewer engs with one gt: 40 + 30 - 50 = 20 < 30.) So one 40 MW + four 10 MW units at
    9,907,200 USD/yr. The former rule (2 x the largest built type out) would need (1, 7)
    at 11,407,200 and pick (0, 5).
    Boundary, with those units fixed (a fixed-capacity dispatch reports what falls short):
    firm after N+2 is 80 - 50 = 30 MW, so a 30 MW design peak holds and a 30.1 MW peak falls
    0.10 MW short (under the former rule 80 - 80 = 0 MW would be firm).
    """
    techs, rel = _big_and_small_units()
    run = optimize_site(site_inputs([30.0] * 24, techs, reliability=rel), EXACT)
    assert run.outcome.status == "optimal"
    assert (units(run, "gt"), units(run, "eng")) == (1, 4)
    assert total_cost(run) == pytest.approx(9_907_200.0, rel=1e-9)
    np.testing.assert_allclose(run.solution.dispatch["gas_mw_gt"], 30.0)
    fleet = {"gt.units_built": 1.0, "eng.units_built": 4.0}
    at_30 = optimize_site(site_inputs([30.0] * 24, techs, reliability=rel), EXACT, fleet)
    assert at_30.shortfalls == {}
    assert total_cost(at_30) == pytest.approx(9_907_200.0, rel=1e-9)
    over = site_inputs([30.0] * 24, techs, reliability=rel, design_load_mw=30.1)
    short = optimize_site(over, EXACT, fleet).shortfalls  # a fixed fleet reports, not raises
    assert set(short) == {"N+k redundancy"} and "0.10 MW short" in short["N+k redundancy"]


def test_n_plus_1_with_two_unit_types_removes_the_largest_built_unit():
    """k = 1, same two types and 30 MW: with the largest built unit out (as before).

    (0, 4): 40 - 10 = 30 -> 2,000,000 + 7,884,000 = 9,884,000 USD/yr;
    (1, 3): 70 - 40 = 30 -> 1,600,000 + 1,500,000 + 6,307,200 = 9,407,200;
    (2, 0): 80 - 40 = 40 -> 3,200,000 + 6,307,200 = 9,507,200.
    So one 40 MW + three 10 MW units at 9,407,200 USD/yr; a 30.1 MW peak on that fleet
    falls 0.10 MW short.
    """
    techs, _ = _big_and_small_units()
    rel = Reliability(redundancy_k=1, hourly_n_minus_1=False)
    run = optimize_site(site_inputs([30.0] * 24, techs, reliability=rel), EXACT)
    assert (units(run, "gt"), units(run, "eng")) == (1, 3)
    assert total_cost(run) == pytest.approx(9_407_200.0, rel=1e-9)
    fleet = {"gt.units_built": 1.0, "eng.units_built": 3.0}
    over = site_inputs([30.0] * 24, techs, reliability=rel, design_load_mw=30.1)
    short = optimize_site(over, EXACT, fleet).shortfalls
    assert set(short) == {"N+k redundancy"} and "0.10 MW short" in short["N+k redundancy"]


@pytest.mark.unit
def test_removal_patterns_are_every_way_to_take_k_units():
    """k = 1: one unit of each type, in order (the former rows); k = 2 over two types: 3
    patterns; a type with at most one unit cannot give two."""
    from dcpower.optimization.reliability import removal_patterns

    assert removal_patterns([10, 10, 10], 1) == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert removal_patterns([10, 10], 2) == [(2, 0), (1, 1), (0, 2)]
    assert removal_patterns([1, 10], 2) == [(1, 0), (1, 1), (0, 2)]
    assert len(removal_patterns([10, 10, 10], 4)) == 15


def _step_case(load_step_fraction: float):
    """Four 10 MW units (N+1 on a 28 MW design load: 3 carry it, plus one; at most 4),
    hourly N-1 on, flat 28 MW, a cheap battery.

    Battery 1 USD/kWh + 5 USD/kW, 1-yr life, lossless; ride-through 15 min.
    """
    eng = gas_tech(unit_mw=10.0, max_units=4, load_step_fraction=load_step_fraction)
    rel = Reliability(redundancy_k=1, hourly_n_minus_1=True, ride_through_min=15.0)
    techs = {"eng": eng, "bat": lossless_battery()}
    run = optimize_site(site_inputs([28.0] * 4, techs, reliability=rel), EXACT)
    return run, capacities(run)


def test_c_a_load_step_above_the_survivors_acceptance_needs_battery_power():
    """(c) Four 10 MW units share 28 MW: 7 MW each. One trips and drops 7 MW.

    Headroom: the other three have 3 x 3 = 9 MW >= 7 MW (hourly N-1 as energy holds:
    4 x 10 - 28 = 12 >= 10). Without a step limit no battery is needed.
    With a load step of 20 % of rating, each survivor takes at most 2 MW at once:
    3 x 2 = 6 MW < 7 MW, so 1 MW must come from battery power that lasts the 15-min
    ride-through: at least 1 MW and 0.25 MWh (the least-cost battery, 5,000 + 250 USD/yr).
    """
    free, caps_free = _step_case(1.0)
    assert units(free, "eng") == 4
    assert caps_free.get(("bat", "MW"), 0.0) == pytest.approx(0.0, abs=1e-6)
    stepped, caps = _step_case(0.2)
    assert units(stepped, "eng") == 4
    assert caps["bat", "MW"] == pytest.approx(1.0, abs=1e-6)
    assert caps["bat", "MWh"] == pytest.approx(0.25, abs=1e-6)


def test_load_step_figures_of_the_independent_check():
    """The check's side of (c): 4 units of 10 MW online at 28 MW, load step 20 %.

    A trip drops 28 / 4 = 7 MW; each unit takes min(0.2 x 10, 10 - 7) = 2 MW at once, so
    all four 8 MW and the three survivors 6 MW: 1 MW short without storage.
    """
    from types import SimpleNamespace

    from dcpower.techs.gas import checks

    columns = {"gas_units_online_eng": np.array([4.0]), "gas_mw_eng": np.array([28.0])}
    c = SimpleNamespace(
        n=1,
        d=lambda column: columns[column],
        p=lambda column: np.array([1.0]),
        cap=lambda tech_id, unit: 4.0,
    )
    part = checks.contingency("eng", gas_tech(unit_mw=10.0, load_step_fraction=0.2), c, True)
    assert part.drop_mw == pytest.approx([7.0])
    assert part.step_mw == pytest.approx([8.0])
    assert part.survivors_step_mw == pytest.approx([6.0])
    assert part.step_limited


def _spare_case(start_time_min: float):
    """Three 5 MW units at most, flat 8 MW, no N+k, hourly N-1 on, a cheap battery.

    No-load fuel half the full-load fuel: each unit online burns 0.5 x 10 x 5 = 25 MMBtu/h
    (75 USD/h, 657,000 USD/yr) whatever it gives. Battery 100 USD/kWh + 5 USD/kW, 1-yr life
    (dear energy: shifting 3 MWh to switch a unit off for an hour does not pay).
    """
    eng = gas_tech(max_units=3, no_load_fuel_fraction=0.5, start_time_min=start_time_min)
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=True, ride_through_min=15.0)
    techs = {"eng": eng, "bat": lossless_battery(energy_usd_per_kwh=100.0)}
    run = optimize_site(site_inputs([8.0] * 4, techs, reliability=rel), EXACT)
    return run, capacities(run)


def test_storage_bridges_a_trip_only_while_a_spare_unit_can_start():
    """8 MW on 5 MW units: two online leave 2 x 5 - 8 = 2 MW of headroom, 3 MW short of a
    trip (5 MW). A battery of 3 MW (0.75 MWh for 15 min: 90,000 USD/yr) bridges it, but
    only until a unit starts: a third unit is built either way and stays off, saving its
    657,000 USD/yr of no-load fuel, when it starts within the 15-min ride-through (5 min).
    If it takes 20 min, the battery cannot count: all three run and no battery is built.
    """
    fast, caps = _spare_case(5.0)
    assert units(fast, "eng") == 3
    np.testing.assert_allclose(fast.solution.dispatch["gas_units_online"], 2.0)
    assert caps["bat", "MW"] == pytest.approx(3.0, abs=1e-6)
    assert caps["bat", "MWh"] == pytest.approx(0.75, abs=1e-6)
    slow, caps = _spare_case(20.0)
    assert units(slow, "eng") == 3
    np.testing.assert_allclose(slow.solution.dispatch["gas_units_online"], 3.0)
    assert caps.get(("bat", "MW"), 0.0) == pytest.approx(0.0, abs=1e-6)


def test_a_unit_in_maintenance_cannot_run_and_the_load_is_still_served():
    """Three 5 MW units built; load 9, 9, 12, 12 MW; one unit in maintenance in steps 0-1.

    Steps 0-1 (the low-load ones) need two units (10 >= 9 MW), all the maintenance leaves;
    steps 2-3 need all three (15 >= 12 MW). The load is served in full.
    """
    from dataclasses import replace

    eng = gas_tech(no_load_fuel_fraction=0.5, max_units=3)
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    inp = replace(
        site_inputs([9.0, 9.0, 12.0, 12.0], {"eng": eng}, reliability=rel),
        maintenance_units={"eng": np.array([1.0, 1.0, 0.0, 0.0])},
    )
    run = optimize_site(inp, EXACT, fixed_sizing={"eng.units_built": 3.0})
    d = run.solution.dispatch
    np.testing.assert_allclose(d["gas_units_maintenance_eng"], [1, 1, 0, 0])
    np.testing.assert_allclose(d["gas_units_online_eng"], [2, 2, 3, 3])
    np.testing.assert_allclose(d["gas_mw"], [9.0, 9.0, 12.0, 12.0])


def test_the_dispatch_searches_to_its_own_gap(monkeypatch):
    """``solver.dispatch_mip_gap`` is the gap of a run with capacities fixed, not of a sizing."""
    import dcpower.optimization.optimize as optimize

    asked = []
    solve = optimize.solve
    monkeypatch.setattr(
        optimize,
        "solve",
        lambda m, **options: asked.append(options["mip_gap"]) or solve(m, **options),
    )
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    inp = site_inputs([10.0] * 24, {"eng": gas_tech()}, reliability=rel)
    solver = EXACT.model_copy(update={"mip_gap": 0.05, "dispatch_mip_gap": 0.002})
    sized = optimize_site(inp, solver)
    optimize_site(inp, solver, fixed_sizing=sized.sizing)
    assert asked == [0.05, 0.002]
