"""Typical periods (tsam) with storage linked across the year, and their refinement."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from helpers import (
    BatteryTech,
    PVTech,
    Reliability,
    gas_tech,
    one_engine_scenario,
    site_inputs,
)

import dcpower.pipeline as pipeline
from dcpower.aggregate import reduce_time, reduce_time_jointly, typical_period_steps
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import Solver, TimeHorizon, scenario_from_dict

EXACT = Solver(mip_gap=1e-6, time_limit_s=60)
HOURS = 8760


def synthetic_year(seed: int = 0) -> pd.DataFrame:
    """A year of hourly profiles: daily and seasonal load, PV by day, random wind, a hot spell."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2023-01-01", periods=HOURS, freq="h", tz="Asia/Baku")
    hour = np.arange(HOURS) % 24
    day = np.arange(HOURS) // 24
    season = np.cos(2 * np.pi * (day - 200) / 365)
    load = 40 + 3 * np.sin(2 * np.pi * hour / 24) + 2 * season + rng.normal(0, 0.5, HOURS)
    load[4000] = 55.0  # the peak hour, on day 166
    pv = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None) * (0.8 + 0.2 * season)
    gas_cf = np.ones(HOURS)
    gas_cf[200 * 24 : 203 * 24] = 0.85  # a hot spell, days 200-202
    gas_cf[201 * 24 + 15] = 0.80  # its hottest hour
    return pd.DataFrame(
        {
            "load_mw": load,
            "pv_cf_pv": pv,
            "wind_cf_wind": rng.uniform(0, 1, HOURS),
            "gas_cf_eng": gas_cf,
            "heat_rate_factor_eng": 1.0,
        },
        index=index,
    )


@pytest.mark.unit
def test_typical_days_map_back_to_the_calendar():
    """12 typical days + extremes: weights sum to 8760, every hour maps to a step of its day.

    With the mean representation each step is the mean of the calendar hours it stands for,
    so the year's load and PV energy are kept exactly; gas availability is the lowest of
    those hours (never more than any hour it stands for); the peak-load, lowest-wind and
    hottest days are typical days of their own, so the 55 MW peak and the 0.80 derating are
    modelled as they are.
    """
    hourly = synthetic_year()
    horizon = TimeHorizon(kind="typical_periods", n_periods=12, representation="mean")
    steps = reduce_time(hourly, horizon)
    periods = steps.periods
    assert steps.kind == "typical_periods"
    assert steps.weight_h.sum() == pytest.approx(HOURS)
    assert len(steps.duration_h) == periods.n_typical * 24
    assert 13 <= periods.n_typical <= 16  # 12 + peak load, lowest PV, lowest wind, hottest
    assert len(periods.order) == 365
    # every hour maps to the same hour of the day in the typical day of its calendar day
    step = steps.step_of_hour
    assert np.array_equal(step % 24, np.arange(HOURS) % 24)
    assert np.array_equal(step // 24, np.repeat(periods.order, 24))
    # a step stands for as many hours of the year as map onto it
    assert np.array_equal(np.bincount(step) * 1.0, steps.weight_h)
    prof = steps.profiles
    for column in ("load_mw", "pv_cf_pv", "wind_cf_wind"):
        assert (prof[column] * steps.weight_h).sum() == pytest.approx(hourly[column].sum())
    assert np.all(prof["gas_cf_eng"].to_numpy()[step] <= hourly["gas_cf_eng"].to_numpy())
    assert prof["load_mw"].max() == pytest.approx(55.0)
    assert prof["gas_cf_eng"].min() == pytest.approx(0.80)
    # a step is labelled with an hour it stands for
    labelled = hourly.index.get_indexer(prof.index)
    assert np.array_equal(step[labelled], np.arange(len(prof)))


@pytest.mark.unit
def test_medoid_typical_days_are_real_days_of_their_cluster():
    """Medoid (the default): each typical day is one of the days it stands for, hour by hour.

    Its label is that day; gas availability is still the lowest of its days hour by hour.
    """
    hourly = synthetic_year()
    steps = reduce_time(hourly, TimeHorizon(kind="typical_periods", n_periods=12))
    order = steps.periods.order
    labels = hourly.index.get_indexer(steps.profiles.index[::24]) // 24
    assert np.array_equal(order[labels], np.arange(steps.periods.n_typical))
    days = hourly.to_numpy().reshape(365, 24, -1)
    typical = steps.profiles.to_numpy().reshape(-1, 24, hourly.shape[1])
    columns = list(hourly.columns)
    not_gas = [columns.index(c) for c in ("load_mw", "pv_cf_pv", "wind_cf_wind")]
    gas = columns.index("gas_cf_eng")
    assert np.array_equal(typical[:, :, not_gas], days[labels][:, :, not_gas])
    for k in range(steps.periods.n_typical):
        assert np.array_equal(typical[k, :, gas], days[order == k][:, :, gas].min(axis=0))


@pytest.mark.unit
def test_sites_reduced_jointly_share_their_typical_days():
    """Two sites that exchange work: one clustering, so typical day k is the same calendar
    day at both (its medoid), and an hour maps to the same step at both; each site keeps its
    own values and time stamps, its gas availability the lowest of its own member days, and
    its extra (refinement) day. Blocks of several sites are each site's own blocks.
    """
    a = synthetic_year(0)
    b = synthetic_year(1)
    b.index = b.index.tz_localize(None).tz_localize("Asia/Aqtau")  # its own local year
    b["gas_cf_eng"] = 1.0
    b.iloc[300 * 24 + 14, b.columns.get_loc("gas_cf_eng")] = 0.7  # b's own hottest hour
    horizon = TimeHorizon(kind="typical_periods", n_periods=6)
    steps = reduce_time_jointly({"a": a, "b": b}, horizon, extra_periods=[40])
    sa, sb = steps["a"], steps["b"]
    assert np.array_equal(sa.periods.order, sb.periods.order)
    assert np.array_equal(sa.step_of_hour, sb.step_of_hour)
    assert sa.weight_h.sum() == pytest.approx(8760.0)
    order = sa.periods.order
    assert np.sum(order == order[40]) == 1  # the extra day stands for itself
    labels = a.index.get_indexer(sa.profiles.index[::24]) // 24
    assert np.array_equal(b.index.get_indexer(sb.profiles.index[::24]) // 24, labels)
    for site, frame in (("a", a), ("b", b)):
        days = frame.to_numpy().reshape(365, 24, -1)
        typical = steps[site].profiles.to_numpy().reshape(-1, 24, frame.shape[1])
        assert list(steps[site].profiles.columns) == list(frame.columns)
        np.testing.assert_array_equal(typical[:, :, 0], days[labels][:, :, 0])  # load
        gas = frame.columns.get_loc("gas_cf_eng")
        lowest = [days[order == k][:, :, gas].min(axis=0) for k in range(len(labels))]
        np.testing.assert_array_equal(typical[:, :, gas], np.stack(lowest))
    assert sb.profiles["gas_cf_eng"].min() == 0.7  # b's hottest day, whatever a's is
    blocks = reduce_time_jointly({"a": a, "b": b}, TimeHorizon(kind="blocks", block_hours=3))
    for site, frame in (("a", a), ("b", b)):
        own = reduce_time(frame, TimeHorizon(kind="blocks", block_hours=3))
        pd.testing.assert_frame_equal(blocks[site].profiles, own.profiles)


@pytest.mark.unit
def test_added_calendar_period_is_a_typical_period_of_its_own():
    """A refinement's extra day (day 100) is modelled exactly, with the weight of one day."""
    hourly = synthetic_year()
    horizon = TimeHorizon(kind="typical_periods", n_periods=4, extreme_periods=False)
    base = reduce_time(hourly, horizon)
    refined = reduce_time(hourly, horizon, extra_periods=[100])
    assert refined.periods.n_typical == base.periods.n_typical + 1
    k = refined.periods.order[100]
    assert np.count_nonzero(refined.periods.order == k) == 1
    rows = slice(k * 24, (k + 1) * 24)
    assert np.array_equal(refined.weight_h[rows], np.ones(24))
    day = hourly.iloc[100 * 24 : 101 * 24]
    assert np.allclose(refined.profiles.iloc[rows].to_numpy(), day.to_numpy())


def on_steps(full, steps, **fields):
    """The inputs ``full`` moved onto reduced ``steps``: their time stamps, durations,
    weights, load and period structure, plus the per-step ``fields`` given."""
    return dataclasses.replace(
        full,
        index=steps.profiles.index,
        duration_h=steps.duration_h,
        weight_h=steps.weight_h,
        load_mw=steps.profiles["load_mw"].to_numpy(),
        periods=steps.periods,
        **fields,
    )


def _windy_then_calm():
    """PV 2 days on, 2 days off (2-h days), 1 MW flat load; full-year and typical-day inputs."""
    pv = PVTech(capex_usd_per_kw_ac=100.0, fom_usd_per_kw_yr=0.0, lifetime_yr=1.0)
    bat = BatteryTech(
        capex_energy_usd_per_kwh=10.0,
        capex_power_usd_per_kw=50.0,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )
    cf = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]  # days W W C C
    rules = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    full = site_inputs([1.0] * 8, {"pv": pv, "bat": bat}, cf=cf, reliability=rules)
    hourly = pd.DataFrame({"load_mw": 1.0, "pv_cf_pv": cf}, index=full.index)
    steps = typical_period_steps(hourly, period_hours=2, order=np.array([0, 0, 1, 1]))
    typical = on_steps(
        full,
        steps,
        profiles={"pv": {"cf": steps.profiles["pv_cf_pv"].to_numpy()}},
    )
    return full, typical


def _sizes(run):
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    return caps["pv", "MW"], caps["bat", "MWh"], caps["bat", "MW"]


@pytest.mark.component
def test_inter_period_linking_carries_energy_from_sunny_days_into_calm_days():
    """A year of 4 two-hour days: sunny, sunny, calm, calm; 1 MW flat load; no gas.

    Typical days: W (stands for days 1-2) and C (days 3-4). Costs per year (1-yr life,
    WACC 0): PV 100 000 USD/MW, battery 10 000 USD/MWh and 50 000 USD/MW.

    Full year by hand: the 8 MWh of load must come from PV in the 4 sunny hours, so PV is
    2 MW; the two calm days draw 4 MWh, all stored by the end of day 2, so the battery holds
    4 MWh, at 1 MW. Cost (all of it capacity) 2 x 100 000 + 4 x 10 000 + 1 x 50 000 =
    290 000 USD/yr.

    Typical days linked across the calendar (inter-period state of charge 0, 2, 4, 2 MWh at
    the start of days 1-4) give the same plan. The same two typical days chained as one
    cyclic sequence (W then C, no calendar) see only one calm day: 2 MWh of battery,
    270 000 USD/yr; dispatched over the real year that plant leaves 2 MWh per 8 h unserved
    (each hour stands for 8760 / 8 = 1095 h: 2 x 1095 = 2190 MWh/yr).
    """
    full, typical = _windy_then_calm()
    exact = optimize_site(full, EXACT)
    linked = optimize_site(typical, EXACT)
    assert _sizes(exact) == pytest.approx((2.0, 4.0, 1.0))
    assert _sizes(linked) == pytest.approx((2.0, 4.0, 1.0))
    assert exact.outcome.objective == pytest.approx(290_000, rel=1e-6)
    assert linked.outcome.objective == pytest.approx(exact.outcome.objective, rel=1e-6)
    assert linked.solution.dispatch["unserved_mw"].max() == 0.0

    chained = optimize_site(dataclasses.replace(typical, periods=None), EXACT)
    assert _sizes(chained) == pytest.approx((2.0, 2.0, 1.0))
    assert chained.outcome.objective == pytest.approx(270_000, rel=1e-6)
    short = optimize_site(full, EXACT, fixed_sizing=chained.sizing)
    dispatch = short.solution.dispatch
    assert (dispatch["unserved_mw"] * dispatch["weight_h"]).sum() == pytest.approx(2190.0)
    redispatch = optimize_site(full, EXACT, fixed_sizing=linked.sizing)
    assert redispatch.solution.dispatch["unserved_mw"].max() == 0.0


@pytest.mark.component
def test_ride_through_reserve_on_typical_days_keeps_the_charge_it_needs():
    """4 MW flat load; 5 MW engines at 3 USD/MMBtu; hourly N-1 with 15 min ride-through.

    Engines burn half their full-load fuel at no load (25 MMBtu/h online, 5 MMBtu/MWh on
    top). A battery bridges the trip of the one running engine (5 MW available, 1 MW
    headroom) only while a spare engine can start, so two are built (2 x 5 MW x 1000
    USD/kW / 20 yr = 500 000 USD/yr). Running both costs 25 x 3 x 8760 = 657 000 USD/yr of
    no-load fuel; a battery giving 4 MW for 15 min costs 4 MW x 50 000 + 1 MWh x 100 000 =
    300 000 USD/yr, which wins (energy is dear enough that shifting 4 MWh to switch the
    engine off for an hour does not pay). Fuel of one engine at 4 MW: (25 + 5 x 4) x 3 x
    8760 = 1 182 600 USD/yr; total 500 000 + 300 000 + 1 182 600 = 1 982 600.

    On typical days (the 4 two-hour days as 2 typical days) the reserve rows may count
    only on the lowest start-of-day charge of the calendar days a typical day stands for,
    plus its intra-day charge: the battery must keep 1 MWh in every calendar day, and the
    plan is the same.
    """
    bat = BatteryTech(
        capex_energy_usd_per_kwh=100.0,
        capex_power_usd_per_kw=50.0,
        lifetime_yr=1.0,
        eta_charge=1.0,
        eta_discharge=1.0,
    )
    rules = Reliability(redundancy_k=0, hourly_n_minus_1=True, ride_through_min=15)
    eng = gas_tech(no_load_fuel_fraction=0.5)
    full = site_inputs([4.0] * 8, {"eng": eng, "bat": bat}, reliability=rules)
    hourly = pd.DataFrame({"load_mw": 4.0, "gas_cf_eng": 1.0}, index=full.index)
    steps = typical_period_steps(hourly, period_hours=2, order=np.array([0, 0, 1, 1]))
    typical = on_steps(
        full,
        steps,
        profiles={
            "eng": {
                "available_factor": steps.profiles["gas_cf_eng"].to_numpy(),
                "heat_rate_factor": np.ones(4),
            }
        },
    )
    for inputs in (full, typical):
        run = optimize_site(inputs, EXACT)
        assert run.sizing == pytest.approx(
            {"eng.units_built": 2.0, "bat.energy_mwh": 1.0, "bat.power_mw": 4.0}
        )
        assert run.outcome.objective == pytest.approx(1_982_600, rel=1e-6)


def _spike_scenario(
    monkeypatch,
    max_refinements: int,
    flat: bool = False,
    quiet_day: int | None = None,
    cost_tolerance: float = 0.05,
):
    """Flat 10 MW with one 20 MW hour (hour 4000, day 166; none if ``flat``); 5 MW engines.

    k = 0, N-1 off; one typical day, no extreme days. A ``quiet_day`` runs at 5 MW.
    """
    load = np.full(HOURS, 10.0)
    if not flat:
        load[4000] = 20.0
    if quiet_day is not None:
        load[quiet_day * 24 : (quiet_day + 1) * 24] = 5.0
    time = {
        "kind": "typical_periods",
        "n_periods": 1,
        "extreme_periods": False,
        "max_refinements": max_refinements,
        "cost_tolerance": cost_tolerance,
    }
    return one_engine_scenario(monkeypatch, load, time)


@pytest.mark.component
def test_a_short_day_becomes_a_typical_day_and_the_site_is_sized_again(monkeypatch):
    """One typical day (no extremes), a flat 10 MW day (the medoid), sizes 2 units.

    The full-year dispatch falls 10 MW short in the spike hour (10 MWh/yr); the refinement
    adds its day (2023-06-16) as a typical day of its own, which needs 4 units; nothing
    is unserved after it, so no full-year sizing follows.
    """
    site = pipeline.solve_site(_spike_scenario(monkeypatch, max_refinements=3), "s")
    first, second = site.sizing_passes
    assert first["horizon"] == second["horizon"] == "typical_periods"
    assert (first["typical_periods"], second["typical_periods"]) == (1, 2)
    assert first["unserved_mwh_per_yr"] == pytest.approx(10.0)
    assert second["added_periods"] == ["2023-06-16T00:00:00+04:00"]
    assert second["unserved_mwh_per_yr"] == 0.0
    assert site.gas_units["eng"]["units"] == 4
    assert site.status == "optimal"
    assert site.hours_modelled == 48


@pytest.mark.component
def test_a_cost_drift_clusters_the_year_into_more_typical_days(monkeypatch):
    """Flat 10 MW but a quiet 5 MW day (day 300); one typical day, a 10 MW one.

    The sizing estimates 2 units (500,000 USD/yr) + 10 MW x 8760 h x 30 USD/MWh =
    3,128,000 USD/yr; the full year burns 5 MW x 24 h less: 3,124,400 (drift -0.115 %).
    Within the default 5 % tolerance that stands; at 0.05 % the year is clustered again into
    two typical days, so the quiet day stands for itself and the estimate is then exact.
    """
    loose = pipeline.solve_site(_spike_scenario(monkeypatch, 3, flat=True, quiet_day=300), "s")
    (only,) = loose.sizing_passes
    assert only["sizing_cost_usd_per_yr"] == pytest.approx(3_128_000, rel=1e-9)
    assert only["cost_usd_per_yr"] == pytest.approx(3_124_400, rel=1e-9)
    assert only["cost_drift"] == pytest.approx(3_124_400 / 3_128_000 - 1, rel=1e-6)
    tight = _spike_scenario(monkeypatch, 3, flat=True, quiet_day=300, cost_tolerance=0.0005)
    first, second = pipeline.solve_site(tight, "s").sizing_passes
    assert first["cost_drift"] == pytest.approx(only["cost_drift"], rel=1e-6)
    assert (first["typical_periods"], second["typical_periods"]) == (1, 2)
    assert second["added_periods"] == []
    assert second["sizing_cost_usd_per_yr"] == pytest.approx(3_124_400, rel=1e-9)
    assert second["cost_drift"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.component
def test_without_refinements_a_short_typical_sizing_falls_back_to_the_full_year(monkeypatch):
    """max_refinements 0: the 2-unit plan's 10 MWh/yr shortfall leads to a full-year pass."""
    site = pipeline.solve_site(_spike_scenario(monkeypatch, max_refinements=0), "s")
    first, second = site.sizing_passes
    assert first["horizon"] == "typical_periods" and first["unserved_mwh_per_yr"] == 10.0
    assert second["horizon"] == "full_year" and second["unserved_mwh_per_yr"] == 0.0
    assert site.gas_units["eng"]["units"] == 4


@pytest.mark.component
def test_gas_outage_windows_on_typical_days_see_their_own_calendar_days(monkeypatch):
    """Flat 10 MW, 5 MW engines (k = 0, N-1 off), a 2-h gas interruption, lossless battery.

    The load is flat, so each month's window starts at its first hour; its day (1 Jan,
    1 Feb, ...) becomes a typical day of its own (12) next to the one typical day of the
    rest of the year: 13 typical days. The battery enters each window with its state of
    charge at the calendar hour before (inter- plus intra-day), and must hold 10 MW for
    2 h: 10 MW x 5 000 + 20 MWh x 1 000 = 70 000 USD/yr on top of 2 engines
    (2 x 5 MW x 1000 USD/kW / 20 yr = 500 000) and fuel (10 MW x 8760 h x 10 MMBtu/MWh x
    3 USD = 2 628 000): 3 198 000 USD/yr, as on the full year (see the hand-solved
    chronological case in test_model_hand_solved.py).
    """
    scenario = _spike_scenario(monkeypatch, max_refinements=0, flat=True)
    raw = scenario.model_dump(mode="json")
    raw["technologies"]["bat"] = {
        "kind": "battery",
        "capex_energy_usd_per_kwh": 1.0,
        "capex_power_usd_per_kw": 5.0,
        "lifetime_yr": 1.0,
        "eta_charge": 1.0,
        "eta_discharge": 1.0,
    }
    raw["sites"]["s"]["technologies"] = ["eng", "bat"]
    raw["reliability"]["gas_outage_hours"] = 2
    site = pipeline.solve_site(scenario_from_dict(raw), "s")
    (only,) = site.sizing_passes
    assert only["typical_periods"] == 13
    assert only["unserved_mwh_per_yr"] == 0.0
    caps = site.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["eng", "units"] == 2
    assert (caps["bat", "MW"], caps["bat", "MWh"]) == pytest.approx((10.0, 20.0))
    assert only["sizing_cost_usd_per_yr"] == pytest.approx(3_198_000, rel=1e-6)
    assert only["cost_usd_per_yr"] == pytest.approx(3_198_000, rel=1e-6)


@pytest.mark.unit
def test_period_hours_must_divide_the_year():
    with pytest.raises(ValueError, match="period_hours 168 does not divide the 8760 hours"):
        TimeHorizon(kind="typical_periods", period_hours=168)


@pytest.mark.unit
def test_worst_periods_rank_calendar_days_by_shortfall():
    """Day 3 lacks 5 + 5 MWh, day 1 lacks 4 MWh, day 0 lacks 1 MWh (already its own day)."""
    short = np.zeros(5 * 24)
    short[3 * 24 + 2] = short[3 * 24 + 7] = 5.0
    short[1 * 24] = 4.0
    short[5] = 1.0
    assert pipeline.worst_periods(short, 24, exclude=[0], count=3) == [3, 1]
    assert pipeline.worst_periods(short, 24, exclude=[], count=2) == [3, 1]
    assert pipeline.worst_periods(None, 24, exclude=[], count=2) == []


@pytest.mark.component
def test_start_ups_are_cyclic_within_a_typical_day():
    """Days A (10 MW, then 0) twice, then B (0, then 10 MW) twice, 2 h each; 5 MW engines.

    No-load fuel 10 % of full load: 0.1 x 10 MMBtu/MWh x 5 MW x 3 USD = 15 USD per unit-hour
    idle, more than a start at 1 USD/MW (5 USD), so both units stop whenever the load is 0.
    Each hour of this 8-h year stands for 1095 h.

    Full year (cyclic: the hour before the first is the last, 10 MW): starts of 2 units in
    hours 2, 5 and 7: 6 x 5 USD x 1095 = 32 850 USD/yr.

    Typical days A and B, each standing for 2 days: commitment is cyclic within each, so
    A starts 2 units in its first hour (its last hour is off) and B in its second: 2 starts
    per day, 4 days: 8 x 5 USD x 1095 = 43 800 USD/yr (chaining the steps of A and B as one
    horizon instead would give B's 2 starts only, 21 900).
    """
    engine = gas_tech(no_load_fuel_fraction=0.1, startup_cost_usd_per_mw=1.0)
    rules = Reliability(redundancy_k=0, hourly_n_minus_1=False)
    load = [10.0, 0.0, 10.0, 0.0, 0.0, 10.0, 0.0, 10.0]
    full = site_inputs(load, {"eng": engine}, reliability=rules)
    hourly = pd.DataFrame({"load_mw": load, "gas_cf_eng": 1.0}, index=full.index)
    steps = typical_period_steps(hourly, period_hours=2, order=np.array([0, 0, 1, 1]))
    typical = on_steps(
        full,
        steps,
        profiles={"eng": {"available_factor": np.ones(4), "heat_rate_factor": np.ones(4)}},
    )
    for inputs, startup_usd in ((full, 32_850), (typical, 43_800)):
        run = optimize_site(inputs, EXACT)
        costs = run.solution.costs.set_index(["technology", "component"])["usd_per_yr"]
        assert costs["eng", "startup"] == pytest.approx(startup_usd, rel=1e-6)
