"""Sizing on several weather years at once: shared capacities, each year served in full."""

import copy

import pytest
from conftest import SMALL_SCENARIO

import dcpower
import dcpower.pipeline as pipeline
from dcpower.errors import ScenarioError
from dcpower.pipeline.sizing import year_statistics
from dcpower.report.html import weather_years_section
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
    costs = sorted(y["cost_usd_per_yr"] for y in years["years"])
    # Three years: P50 the middle one, P90 at 0.9 x 2 = 1.8 between the 2nd and 3rd.
    assert years["statistics"]["cost_usd_per_yr"] == pytest.approx(
        {"p50": costs[1], "p90": costs[1] + 0.8 * (costs[2] - costs[1]), "worst": costs[2]}
    )
    html = weather_years_section(summary)
    assert "baku" in html.lower() and "3 weather years" in html
    p90_cost = f"{years['statistics']['cost_usd_per_yr']['p90'] / 1e6:,.2f}"
    assert f"<b>P90</b></td><td>{p90_cost}</td>" in html.replace("\n", "")
    # The reported hourly year is the first: the same as the seed-0 year's dispatch cost.
    assert summary["totals"]["cost_usd_per_yr"] == pytest.approx(
        years["years"][0]["cost_usd_per_yr"], rel=1e-9
    )


@pytest.mark.unit
def test_year_statistics_by_hand():
    """Five years 10, 40, 20, 30, 50: sorted 10..50, P50 the middle = 30; P90 sits at
    0.9 x (5 - 1) = 3.6 between the 4th (40) and 5th (50) = 46; worst 50."""
    assert year_statistics([10.0, 40.0, 20.0, 30.0, 50.0]) == {
        "p50": 30.0,
        "p90": 46.0,
        "worst": 50.0,
    }


def test_tied_sites_need_the_same_number_of_weather_years():
    raw = copy.deepcopy(SMALL_SCENARIO)
    raw["sites"]["baku"]["weather_years"] = [0, 1]
    raw["workload"] = {"flexible_share": 0.2}
    with pytest.raises(ScenarioError, match=r"need the same number of weather years; got aktau 1"):
        scenario_from_dict(raw)
    raw["sites"]["aktau"]["weather_years"] = [0, 1]
    assert scenario_from_dict(raw).sites["aktau"].weather_years == [0, 1]


def test_sites_sharing_work_over_two_weather_years_serve_every_hour_of_both(tmp_path):
    """Aktau and Baku, 30 % flexible work, weather years [0, 1] each (48-h window).

    Each year is one clock and one calendar for both sites; both years are served in full,
    the reported (first) year verifies, work moves in it, and each site names its worst year.
    """
    raw = copy.deepcopy(SMALL_SCENARIO)
    raw["workload"] = {"flexible_share": 0.3}
    raw["reliability"]["monte_carlo_years"] = 0
    for site in raw["sites"].values():
        site["weather_years"] = [0, 1]
    result = dcpower.run(
        scenario_from_dict(raw), out=tmp_path / "run", parallel=False, reports=False
    )
    summary = result.summary()
    assert result.verification["passed"]
    for site in summary["sites"].values():
        years = site["weather_years"]
        assert [y["weather"] for y in years["years"]] == ["seed 0", "seed 1"]
        assert all(y["unserved_mwh_per_yr"] == 0 for y in years["years"])
        assert years["worst_year"] in ("seed 0", "seed 1")
    assert summary["workload_shifting"]["moved_mwh_it_per_yr"] > 0


@pytest.mark.component
def test_a_cap_over_two_sites_holds_in_each_weather_year_by_hand():
    """Sites a and b, flat 10 MW, 5 MW gas units, PV (1,000,000 USD/yr per MW) sunny 06-18 h.

    In year 1 site a runs at 12 MW. A 95,000 t cap over both sites holds each year: year 0
    emits 2 x 46,480.56 = 92,961.12 t (met without PV), year 1 55,776.67 + 46,480.56 =
    102,257.24 t, so PV must cut 7,257.24 t = 13,677.4 MWh a year: 3.12269 MW at either
    site (capacity is shared by the years; it runs in both). Units: 3 at a (12 MW in year
    1), 2 at b. Mean annual cost: 5 x 250,000 + PV + fuel (mean of 175,200 and 192,720 MWh
    of load, less the PV energy) x 30 USD/MWh. A cap over the two years' sum would differ.
    """
    from dataclasses import replace

    import numpy as np
    from helpers import PVTech, Reliability, gas_tech, site_inputs

    from dcpower.optimization.optimize import optimize_sites
    from dcpower.optimization.siting import Coupling
    from dcpower.scenario import Solver

    daylight = np.array([0.0] * 6 + [1.0] * 12 + [0.0] * 6)
    pv = PVTech(capex_usd_per_kw_ac=1000.0, fom_usd_per_kw_yr=0.0, lifetime_yr=1.0)
    rules = Reliability(redundancy_k=0, hourly_n_minus_1=False)

    def block(site_id: str, load_mw: float, year: int):
        inp = site_inputs(
            [load_mw] * 24,
            {"pv": pv, "eng": gas_tech()},
            cf=daylight,
            reliability=rules,
            site_id=site_id,
        )
        return replace(inp, stage=year, n_stages=2)

    inputs = [block("a", 10.0, 0), block("a", 12.0, 1), block("b", 10.0, 0), block("b", 10.0, 1)]
    exact = Solver(mip_gap=1e-9, time_limit_s=60)
    runs = optimize_sites(inputs, exact, coupling=Coupling(co2_cap_t_per_yr=95_000.0))
    t_per_mwh = 10 * 0.05306
    pv_mwh = (22 * 8760 * t_per_mwh - 95_000.0) / t_per_mwh  # year 1: 22 MW at both sites
    pv_mw = pv_mwh / 4380
    expected = 5 * 250_000 + pv_mw * 1_000_000 + ((175_200 + 192_720) / 2 - pv_mwh) * 30
    assert runs["a@0"].outcome.objective == pytest.approx(expected, rel=1e-7)
    built = {
        name: runs[name].solution.capacities.set_index("technology").loc["pv", "capacity"]
        for name in ("a@0", "b@0")
    }
    assert sum(built.values()) == pytest.approx(pv_mw, rel=1e-7)
    assert runs["a@0"].solution.gas_units["eng"]["units"] == 3
    for year in (0, 1):
        co2 = sum(
            (r.solution.dispatch["fuel_mmbtu_per_h"] * r.solution.dispatch["weight_h"]).sum()
            * 0.05306
            for name, r in runs.items()
            if name.endswith(f"@{year}")
        )
        assert co2 <= 95_000.0 * (1 + 1e-7)


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
    years = [replace(cool, stage=0, n_stages=2), replace(hot, stage=1, n_stages=2)]
    runs = optimize_sites(years, exact)
    assert set(runs) == {"test@0", "test@1"}
    assert runs["test@0"].solution.gas_units["eng"]["units"] == 3
    assert runs["test@1"].solution.gas_units["eng"]["units"] == 3
    assert runs["test@0"].outcome.objective == pytest.approx(3_115_200.0, rel=1e-9)
    np.testing.assert_allclose(runs["test@1"].solution.dispatch["gas_mw"], 9.0)


def test_design_ambient_from_the_weather_years_50_year_return_value(tmp_path):
    """Baku on seeds 0, 1, 2 with design_temp_statistic return_50.

    ASHRAE: T50 = M + s F(50), M and s the mean and sample SD of the three years' highest
    hours, F(50) = -(sqrt 6 / pi)(0.5772 + ln ln(50/49)) = 2.592. Three values lie at most
    (n - 1) / sqrt(n) = 1.155 SD above their mean, so T50 is above every year's hottest
    hour and is the design ambient of every year. The run folder carries it as
    design_temp_air_c (verification recomputes the design point from it and passes).
    """
    import numpy as np

    from dcpower.weather import load_site, typical_year

    highest = [typical_year(load_site("baku"), seed=s)[0]["temp_air"].max() for s in (0, 1, 2)]
    t50 = np.mean(highest) + np.std(highest, ddof=1) * 2.592
    raw = _baku(weather_years=[0, 1, 2], design_temp_statistic="return_50")
    result = dcpower.run(scenario_from_dict(raw), out=tmp_path / "run")
    design = result.summary()["sites"]["baku"]["design_point"]
    assert design["temp_air_c"] == pytest.approx(t50, abs=0.006)
    assert "50-year return value" in design["temp_source"]
    assert "synthetic years are NOT records" in design["temp_source"]
    assert all(check["passed"] for check in result.verification["checks"])
    # The workbook lists the years (seeds), the report has their section.
    import pandas as pd

    assumptions = pd.read_excel(tmp_path / "run" / "results.xlsx", sheet_name="Assumptions")
    row = assumptions[assumptions.eq("weather_years").any(axis=1)]
    assert len(row) == 1 and row.astype(str).apply(lambda c: c.str.contains("0, 1, 2")).any(
        axis=None
    )
    assert "Weather years" in (tmp_path / "run" / "report.html").read_text(encoding="utf-8")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("site_over", "message"),
    [
        ({"design_temp_statistic": "annual_0.4"}, "needs two or more weather_years"),
        (
            {"design_temp_statistic": "annual_1", "weather_years": [0, 1], "design_temp_air_c": 38},
            "both set; give one",
        ),
        ({"design_temp_statistic": "p99", "weather_years": [0, 1]}, "design_temp_statistic"),
    ],
)
def test_design_statistic_needs_years_and_no_design_temperature(site_over, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(_baku(**site_over))


def _two_spiky_years(monkeypatch, **site_over):
    """Site "s" on weather years [0, 1]: flat 10 MW; year 1 peaks at 20 MW in hour 4000.

    5 MW engines at 250,000 USD/yr each, fuel 30 USD/MWh (``one_engine_scenario``); one
    typical day, no extreme days, up to three refinements.
    """
    import numpy as np
    from helpers import one_engine_scenario

    import dcpower.pipeline.inputs as inputs

    time = {"kind": "typical_periods", "n_periods": 1, "extreme_periods": False}
    scenario = one_engine_scenario(monkeypatch, np.full(8760, 10.0), time)
    flat = inputs.hourly_profiles(scenario, "s")
    spiky = flat.copy()
    spiky.iloc[4000, spiky.columns.get_indexer(["it_load_mw", "load_mw"])] = 20.0
    monkeypatch.setattr(
        inputs, "hourly_profiles", lambda scenario, site_id, year=None: [flat, spiky][year or 0]
    )
    site = scenario.sites["s"].model_copy(update={"weather_years": [0, 1], **site_over})
    return scenario.model_copy(update={"sites": {"s": site}})


@pytest.mark.component
def test_weather_years_are_clustered_together_and_a_short_day_of_one_year_refines_them(
    monkeypatch,
):
    """Two years' 730 days are clustered into one typical day (a flat 10 MW medoid).

    Pass 1 sizes 2 units: 2 x 250,000 + 10 MW x 8760 h x 30 USD = 3,128,000 USD/yr; year 1
    falls 10 MW short in hour 4000 (10 MWh). Its day, calendar period 365 + 166 = 531 of
    the two years, becomes a typical day of its own, weighing 1 day in 730 = 12 h a year
    per hour: 4 units, and the sizing's estimate is the mean year exactly, 4 x 250,000 +
    (729 x 240 + 23 x 10 + 20) MWh / 2 x 30 = 1,000,000 + 2,628,150 = 3,628,150 USD/yr;
    the years cost 3,628,000 and 3,628,300. One block of 2 typical days (48 h) stands for
    both years; with a year per block, year 0's would have kept its one day (24 h).
    """
    site = pipeline.solve_site(_two_spiky_years(monkeypatch), "s")
    first, second = site.sizing_passes
    assert (first["typical_periods"], second["typical_periods"]) == (1, 2)
    assert first["sizing_cost_usd_per_yr"] == pytest.approx(3_128_000, rel=1e-9)
    assert first["unserved_mwh_per_yr"] == pytest.approx(10.0)
    assert second["added_periods"] == ["2023-06-16T00:00:00+04:00"]
    assert second["sizing_cost_usd_per_yr"] == pytest.approx(3_628_150, rel=1e-9)
    assert second["unserved_mwh_per_yr"] == 0.0
    assert second["cost_drift"] == pytest.approx(0.0, abs=1e-9)
    assert site.gas_units["eng"]["units"] == 4
    assert site.hours_modelled == 48
    years = site.weather_years["years"]
    assert [y["cost_usd_per_yr"] for y in years] == pytest.approx([3_628_000, 3_628_300])


@pytest.mark.component
def test_under_an_emission_limit_each_weather_year_is_a_block_of_its_own(monkeypatch):
    """The same two years with a CO2 cap that does not bind (10^9 t/yr): a cap must hold in
    each year, so each year is clustered alone. The spike day refines year 1's block only;
    year 0's keeps its one typical day (24 h). Same plan: 4 units, 3,628,150 USD/yr."""
    scenario = _two_spiky_years(monkeypatch, co2_cap_t_per_yr=1e9)
    site = pipeline.solve_site(scenario, "s")
    first, second = site.sizing_passes
    assert (first["typical_periods"], second["typical_periods"]) == (1, 1)
    assert second["sizing_cost_usd_per_yr"] == pytest.approx(3_628_150, rel=1e-9)
    assert site.gas_units["eng"]["units"] == 4
    assert site.hours_modelled == 24
