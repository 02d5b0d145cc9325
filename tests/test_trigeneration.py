"""Trigeneration: gas units' recovered heat drives an absorption chiller that relieves the
electric chillers. Hand-solved cases of when it pays, what limits it (the mechanical-cooling
load, the heat recovered) and what hourly N-1 asks when a tripped unit takes its heat."""

import numpy as np
import pytest
from helpers import gas_tech, site_inputs

from dcpower.availability import lost_relief_mw
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import Reliability, Solver
from dcpower.techs.absorption_chiller import AbsorptionChillerTech
from dcpower.units import MMBTU_PER_MWH

pytestmark = pytest.mark.component

EXACT = Solver(mip_gap=1e-9, time_limit_s=60)

#: Heat one 5 MW engine's fuel gives per MW of output: 0.5 x 10 MMBtu/MWh / 3.412142
#: MMBtu/MWh = 1.465355 MW_th per MW.
HEAT_PER_MW = 0.5 * 10.0 / MMBTU_PER_MWH


def _chiller(**over) -> AbsorptionChillerTech:
    """COP 0.5, 50 USD/kW_th over one year (wacc 0: 50,000 USD per MW_th and year)."""
    base = dict(cop=0.5, capex_usd_per_kw=50.0, fom_usd_per_kw_yr=0.0, lifetime_yr=1.0)
    return AbsorptionChillerTech(**{**base, **over})


def _solve(
    gas_price, cooling_mw, chiller=None, load_mw=10.0, chiller_cop=4.0, max_units=10, **inputs
):
    """A 24-step site: constant load, 5 MW engines recovering half their fuel as heat."""
    technologies = {"eng": gas_tech(heat_recovery_fraction=0.5, max_units=max_units)}
    if chiller is not None:
        technologies["abs"] = chiller
    inp = site_inputs(
        np.full(24, load_mw),
        technologies,
        gas_price=gas_price,
        cooling_electric=cooling_mw,
        data_center={"it_capacity_mw": 10.0, "pue": {"chiller_cop": chiller_cop}},
        reliability=inputs.pop("reliability", Reliability(redundancy_k=0, hourly_n_minus_1=False)),
        **inputs,
    )
    return optimize_site(inp, EXACT)


def _capacity(run, tech_id, unit):
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    return float(caps.get((tech_id, unit), 0.0))


def test_an_absorption_chiller_pays_above_its_break_even_gas_price():
    """10 MW flat load, 1 MW of it compressor load (mechanical cooling); chillers of COP 4.

    Each MW of electric load relieved needs 4 MW_th of absorption cooling (1 / COP 4, no
    parasitics): 4 x 50,000 = 200,000 USD/yr. It saves 8760 h x 10 MMBtu/MWh x p of fuel:
    87,600 p USD/yr. Break-even p = 200,000 / 87,600 = 2.283 USD/MMBtu.

    At 3 USD/MMBtu the chiller takes over the whole 1 MW of compressor load (its heat, 1 / (0.25
    x 0.5) = 8 MW_th per MW relieved, is within the 1.465 x 9 = 13.2 MW_th recovered): 4
    MW_th built. Two engines either way (9 or 10 MW) at 5,000 kW x 1,000 USD / 20 yr each:
    500,000 USD/yr. Cost 500,000 + 9 x 87,600 x 3 + 200,000 = 3,065,200 against 500,000 +
    10 x 87,600 x 3 = 3,128,000 USD/yr without it: 62,800 USD/yr saved (87,600 x 3 -
    200,000), 8,760 MWh/yr of gas output and 87,600 MMBtu/yr of fuel less.
    At 2 USD/MMBtu it does not pay: nothing is built, cost 500,000 + 10 x 87,600 x 2.
    """
    with_chiller = _solve(3.0, 1.0, _chiller())
    without = _solve(3.0, 1.0)
    assert _capacity(with_chiller, "abs", "MW_th") == pytest.approx(4.0, rel=1e-6)
    assert with_chiller.objective_usd_per_yr == pytest.approx(3_065_200.0, rel=1e-6)
    assert without.objective_usd_per_yr == pytest.approx(3_128_000.0, rel=1e-6)
    relief = with_chiller.solution.dispatch["chiller_relief_mw"]
    assert relief.to_numpy() == pytest.approx(np.ones(24), rel=1e-6)
    assert with_chiller.solution.dispatch["gas_mw"].to_numpy() == pytest.approx(np.full(24, 9.0))
    assert with_chiller.solution.dispatch["absorption_cooling_mw"].to_numpy() == pytest.approx(
        np.full(24, 4.0)
    )
    heat = with_chiller.solution.dispatch["heat_used_mw"].to_numpy()
    assert heat == pytest.approx(np.full(24, 8.0))

    cheap_gas = _solve(2.0, 1.0, _chiller())
    assert _capacity(cheap_gas, "abs", "MW_th") == pytest.approx(0.0, abs=1e-6)
    assert cheap_gas.objective_usd_per_yr == pytest.approx(500_000.0 + 10 * 87_600 * 2.0, rel=1e-6)


def test_the_heat_recovered_limits_the_cooling_it_drives():
    """As above at 3 USD/MMBtu, with 2 MW of compressor load: heat now binds, not the load.

    Relief R needs 8 R MW_th of heat; the engines give 1.465355 x (10 - R). So 8 R =
    14.65355 - 1.465355 R: R = 14.65355 / 9.465355 = 1.548125 MW (below 2 MW), with
    4 R = 6.1925 MW_th of cooling built; every MW_th of heat recovered is used.
    """
    run = _solve(3.0, 2.0, _chiller())
    expected = 10 * HEAT_PER_MW / (8 + HEAT_PER_MW)
    assert expected == pytest.approx(1.548125, abs=1e-6)
    d = run.solution.dispatch
    assert d["chiller_relief_mw"].to_numpy() == pytest.approx(np.full(24, expected), rel=1e-6)
    assert _capacity(run, "abs", "MW_th") == pytest.approx(4 * expected, rel=1e-6)
    assert d["heat_used_mw"].to_numpy() == pytest.approx(d["heat_recovered_mw"].to_numpy())


def test_hourly_n_minus_1_serves_the_relief_a_tripped_unit_takes_with_its_heat():
    """12 MW flat; three 5 MW engines at most, all online (integer commitment); hourly N-1,
    no storage. An absorption chiller of COP 1 against chillers of COP 1 relieves 1 MW per
    MW_th of heat, at 1 USD/kW_th: as much relief as the rules allow is worth having.

    Without relief, headroom 15 - 12 = 3 MW < one 5 MW unit: N-1 fails. Relief R gives
    headroom 3 + R, so R >= 2. The engines give H = 1.465355 x (12 - R) MW_th; a tripped
    engine takes at most e = 1.465355 x 5 = 7.32677 MW_th, so R - (H - e) of the relief is
    lost with it and must be served again: 3 + R >= 5 + R - 17.58426 + 1.465355 R + 7.32677,
    i.e. 1.465355 R <= 8.257486: R <= 7 - 2 / 1.465355 = 5.635143 MW. The heat balance
    alone would allow R <= 17.58426 / 2.465355 = 7.1325 MW, and the plain N-1 row any
    R >= 2.
    """
    run = _solve(
        3.0,
        12.0,
        _chiller(cop=1.0, capex_usd_per_kw=1.0),
        load_mw=12.0,
        chiller_cop=1.0,
        max_units=3,
        reliability=Reliability(redundancy_k=0, hourly_n_minus_1=True),
    )
    bound = (12 * HEAT_PER_MW - 5 * HEAT_PER_MW - 2.0) / HEAT_PER_MW
    assert bound == pytest.approx(5.635143, abs=1e-6)
    relief = run.solution.dispatch["chiller_relief_mw"].to_numpy()
    assert relief == pytest.approx(np.full(24, bound), rel=1e-6)
    assert run.solution.gas_units["eng"]["units"] == 3
    assert run.solution.dispatch["gas_units_online"].to_numpy() == pytest.approx(np.full(24, 3.0))


def test_the_monte_carlo_takes_relief_back_in_proportion_to_the_gas_lost():
    """2 MW of relief on 10 MW of dispatched gas: with 10, 5 and 0 MW of gas up, the units
    give all, half and none of the heat, so 0, 1 and 2 MW of relief are lost."""
    lost = lost_relief_mw(np.full(3, 2.0), np.array([[10.0, 5.0, 0.0]]), np.full(3, 10.0))
    assert lost == pytest.approx(np.array([[0.0, 1.0, 2.0]]))


def _pays_scenario(monkeypatch):
    """The first case as a run: 10 MW flat all year, 1 MW of it compressor load, 3 USD/MMBtu."""
    from helpers import one_engine_scenario

    return one_engine_scenario(
        monkeypatch,
        np.full(8760, 10.0),
        {"kind": "blocks", "block_hours": 24},
        engine=gas_tech(heat_recovery_fraction=0.5),
        cooling_electric_mw=1.0,
        data_center={"pue": {"chiller_cop": 4.0}},
        abs=_chiller(),
    )


def test_the_run_reports_what_heat_recovery_saves_against_the_site_without_it(monkeypatch):
    """The run sizes the site again without the chiller and keeps the cheaper plan.

    As the first case (every hour the same): 62,800 USD/yr saved over the full year and on
    the sizing's day-long blocks alike, 8,760 MWh/yr x 10 MMBtu/MWh = 87,600 MMBtu/yr of fuel
    and its CO2 saved; the plan with the chiller is kept.
    """
    import dcpower

    scenario = _pays_scenario(monkeypatch)
    result = dcpower.run(scenario, parallel=False)
    heat = result.heat_recovery["s"]
    assert heat["kept"] == "with"
    assert heat["saved"]["cost_usd_per_yr"] == pytest.approx(62_800.0, rel=1e-6)
    assert heat["saved"]["sizing_cost_usd_per_yr"] == pytest.approx(62_800.0, rel=1e-6)
    assert not heat["saving_within_accuracy"]
    assert heat["saved"]["fuel_mmbtu_per_yr"] == pytest.approx(87_600.0, rel=1e-6)
    co2 = 87_600.0 * scenario.economics.co2_kg_per_mmbtu / 1000
    assert heat["saved"]["co2_t_per_yr"] == pytest.approx(co2, rel=1e-6)
    assert heat["with"]["relief_mwh_per_yr"] == pytest.approx(8_760.0, rel=1e-6)
    assert "abs" in result.scenario.sites["s"].technologies


def test_a_plan_with_heat_recovery_that_costs_more_over_the_year_is_left_out(monkeypatch):
    """Were the plan without the chiller cheaper over the full year, the run keeps it: the
    site's list drops the chiller, and the result is the plan without it (3,128,000 USD/yr).
    The saving is made negative here to take that path."""
    import importlib

    import dcpower

    run_module = importlib.import_module("dcpower.pipeline.run")
    real = run_module.heat_recovery_summary

    def costs_more(*args):
        summary = real(*args)
        summary["s"]["saved"]["cost_usd_per_yr"] = -1.0
        return summary

    monkeypatch.setattr(run_module, "heat_recovery_summary", costs_more)
    result = dcpower.run(_pays_scenario(monkeypatch), parallel=False)
    assert result.heat_recovery["s"]["kept"] == "without"
    assert "abs" not in result.scenario.sites["s"].technologies
    site = result.sites["s"]
    assert "abs" not in set(site.capacities["technology"])
    assert float(site.costs["usd_per_yr"].sum()) == pytest.approx(3_128_000.0, rel=1e-6)


def test_the_cooling_towers_water_can_make_the_chiller_not_pay():
    """The first case at 3 USD/MMBtu, with the absorption chiller's tower consuming 4 m3 per
    MWh of cooling at 0.25 USD/m3. Each MW relieved needs 4 MW of cooling: 4 x 8760 x 4 x
    0.25 = 35,040 USD/yr of water, which cuts the 62,800 USD/yr saving to 27,760 USD/yr
    (3,100,240 USD/yr). At 0.5 USD/m3 the water (70,080) outweighs the 62,800 saved: no
    chiller, 3,128,000 USD/yr.
    """
    chiller = _chiller(water_m3_per_mwh_cooling=4.0)
    cheap_water = _solve(3.0, 1.0, chiller, water_price_usd_per_m3=0.25)
    assert cheap_water.objective_usd_per_yr == pytest.approx(3_100_240.0, rel=1e-6)
    costs = cheap_water.solution.costs.set_index(["technology", "component"])["usd_per_yr"]
    assert costs["abs", "water"] == pytest.approx(35_040.0, rel=1e-6)
    dear_water = _solve(3.0, 1.0, chiller, water_price_usd_per_m3=0.5)
    assert _capacity(dear_water, "abs", "MW_th") == pytest.approx(0.0, abs=1e-6)
    assert dear_water.objective_usd_per_yr == pytest.approx(3_128_000.0, rel=1e-6)


def test_a_plan_that_builds_no_chiller_is_not_solved_again(monkeypatch):
    """At 2 USD/MMBtu (below the 2.283 break-even) the plan builds no chiller: it is the
    plan without one, so the run solves the site once and reports no comparison."""
    import importlib

    import dcpower

    run_module = importlib.import_module("dcpower.pipeline.run")
    calls = []
    real = run_module._solve_groups

    def counted(scenario, *args):
        calls.append(list(scenario.sites))
        return real(scenario, *args)

    monkeypatch.setattr(run_module, "_solve_groups", counted)
    scenario = _pays_scenario(monkeypatch)
    site = scenario.sites["s"].model_copy(update={"gas_price_usd_per_mmbtu": 2.0})
    result = dcpower.run(scenario.model_copy(update={"sites": {"s": site}}), parallel=False)
    assert calls == [["s"]]
    heat = result.heat_recovery["s"]
    assert (heat["kept"], heat["without"], heat["saved"]) == ("with", None, None)
    assert heat["with"]["relief_mwh_per_yr"] == 0.0
    assert float(result.sites["s"].costs["usd_per_yr"].sum()) == pytest.approx(
        500_000.0 + 10 * 87_600 * 2.0, rel=1e-6
    )
