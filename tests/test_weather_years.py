"""Sizing on several weather years at once: shared capacities, each year served in full."""

import copy

import pytest
from conftest import SMALL_SCENARIO

import dcpower
from dcpower.errors import ScenarioError
from dcpower.scenario import scenario_from_dict

pytestmark = pytest.mark.integration


def _baku(**site_over) -> dict:
    """Baku alone, the small scenario's 48-hour summer window, solved to 1e-6."""
    raw = copy.deepcopy(SMALL_SCENARIO)
    raw["sites"] = {"baku": {**raw["sites"]["baku"], **site_over}}
    raw["solver"]["mip_gap"] = 1e-6
    raw["reliability"]["monte_carlo_years"] = 0
    return raw


def _gas_mw(summary: dict) -> float:
    gas = summary["sites"]["baku"]["capacity"]["gas"]
    return sum(v["units"] * v["unit_mw"] for v in gas.values())


def test_three_weather_years_size_at_least_the_firm_capacity_of_each_and_serve_all():
    """Three synthetic years (seeds 0, 1, 2), sized together and one by one.

    The joint plan is feasible for each year alone, so each single-year optimum costs no
    more than the joint plan in that year, and the joint objective (mean over the years) is
    at least the mean of the single-year optima. It carries every year's N+k design point,
    so it has at least the gas capacity of any single-year plan; no year has unserved energy.
    """
    joint = dcpower.run(scenario_from_dict(_baku(weather_years=[0, 1, 2])), reports=False)
    summary = joint.summary()
    years = summary["sites"]["baku"]["weather_years"]
    singles = [
        dcpower.run(scenario_from_dict(_baku(weather_seed=seed)), reports=False).summary()
        for seed in (0, 1, 2)
    ]
    assert [y["weather"] for y in years["years"]] == ["seed 0", "seed 1", "seed 2"]
    assert all(y["unserved_mwh_per_yr"] == 0 for y in years["years"])
    assert _gas_mw(summary) >= max(_gas_mw(s) for s in singles)
    for year, single in zip(years["years"], singles, strict=True):
        assert year["cost_usd_per_yr"] >= single["totals"]["cost_usd_per_yr"] * (1 - 1e-6)
    mean_single = sum(s["objective_usd_per_yr"] for s in singles) / 3
    assert summary["objective_usd_per_yr"] >= mean_single * (1 - 1e-6)
    assert years["mean_cost_usd_per_yr"] == pytest.approx(
        summary["sites"]["baku"]["sizing_cost_usd_per_yr"], rel=1e-6
    )
    costliest = max(years["years"], key=lambda y: y["cost_usd_per_yr"])
    assert years["worst_year"] == costliest["weather"]
    # The reported hourly year is the first: the same as the seed-0 year's dispatch cost.
    assert summary["totals"]["cost_usd_per_yr"] == pytest.approx(
        years["years"][0]["cost_usd_per_yr"], rel=1e-9
    )


def test_weather_years_with_coupled_sites_is_refused():
    raw = copy.deepcopy(SMALL_SCENARIO)
    raw["sites"]["baku"]["weather_years"] = [0, 1]
    raw["workload"] = {"flexible_share": 0.2}
    with pytest.raises(ScenarioError, match=r"sites.baku.weather_years: several weather years"):
        scenario_from_dict(raw)


@pytest.mark.component
def test_years_share_capacity_sized_for_the_harder_year_by_hand():
    """Flat 9 MW. Year 0: units give 5 MW -> 2 units; year 1 (hot): 4 MW each -> 3 units.

    Sized together they share 3 units (250,000 USD/yr each); fuel is 9 MW x 8760 h x 30 USD
    = 2,365,200 USD/yr in either year, so the mean annual cost is 750,000 + 2,365,200.
    """
    from dataclasses import replace

    import numpy as np
    from helpers import Reliability, gas_tech, site_inputs

    from dcpower.optimization.optimize import optimize_site, optimize_sites
    from dcpower.scenario import Solver

    exact = Solver(mip_gap=1e-9, time_limit_s=60)
    rules = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    cool = site_inputs([9.0] * 24, {"eng": gas_tech()}, reliability=rules)
    hot = site_inputs([9.0] * 24, {"eng": gas_tech()}, reliability=rules, available=[0.8] * 24)
    assert optimize_site(cool, exact).solution.gas_units["eng"]["units"] == 2
    years = [replace(cool, year=0, n_years=2), replace(hot, year=1, n_years=2)]
    runs = optimize_sites(years, exact)
    assert set(runs) == {"test@0", "test@1"}
    assert runs["test@0"].solution.gas_units["eng"]["units"] == 3
    assert runs["test@1"].solution.gas_units["eng"]["units"] == 3
    assert runs["test@0"].outcome.objective == pytest.approx(3_115_200.0, rel=1e-9)
    np.testing.assert_allclose(runs["test@1"].solution.dispatch["gas_mw"], 9.0)
