"""The pipeline behind ``dcpower.run()``: scenario -> profiles -> model -> solve -> Result.

Sites share nothing in this model (no workload shifting, no shared caps), so each is an
independent model and they solve in parallel processes. A reduced-time sizing (blocks or
typical periods) is always followed by a full-year dispatch with the sized capacities fixed,
so every hour of the year is checked and any shortfall is reported, never hidden.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower.aggregate import Steps, reduce_time
from dcpower.availability import simulate_availability
from dcpower.optimization.build import SiteInputs
from dcpower.optimization.optimize import SiteRun, optimize_site
from dcpower.optimization.outage import outage_windows
from dcpower.profiles import design_point, site_profiles
from dcpower.report import write_reports
from dcpower.results import STATUS_ORDER, Result, SiteResult
from dcpower.scenario import (
    UPTIME_TIERS_PCT,
    GasTech,
    PVTech,
    Scenario,
    TimeHorizon,
    WindTech,
    load_scenario,
)
from dcpower.verify import write_verification
from dcpower.weather import load_site, load_weather

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]

#: Reduced-time horizons: their sizing is followed by a full-year dispatch.
REDUCED_KINDS = ("blocks", "typical_periods")
#: Calendar periods that become typical periods of their own per refinement, worst first.
PERIODS_ADDED_PER_REFINEMENT = 3


def hourly_profiles(scenario: Scenario, site_id: str) -> pd.DataFrame:
    """Full-year hourly profiles of one site of a scenario (weather, resource, load).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    site_id : str
        One of ``scenario.sites``.

    Returns
    -------
    pd.DataFrame
        See :func:`dcpower.profiles.site_profiles`.
    """
    site = scenario.sites[site_id]
    climate = load_site(site.climate)
    weather, metadata = load_weather(climate, site.weather_file, seed=site.weather_seed)
    return site_profiles(site, scenario.technologies, weather, metadata)


def site_inputs(
    scenario: Scenario,
    site_id: str,
    steps: Steps,
    hourly: pd.DataFrame,
    integer_commitment: bool | None = None,
    absent: frozenset = frozenset(),
) -> SiteInputs:
    """Put a site's profiles and settings into the optimization's input record.

    The design point for N+k (peak load, hottest-hour derating) is taken from the full
    hourly year, whatever the modelled steps. ``integer_commitment`` defaults to the
    scenario's sizing setting (``solver.commitment``); ``absent`` names technologies sized
    to zero, left out of a dispatch-only model.
    """
    site = scenario.sites[site_id]
    techs = {tech_id: scenario.technologies[tech_id] for tech_id in site.technologies}
    prof = steps.profiles
    renewable = {
        tech_id: prof[f"{'pv' if isinstance(t, PVTech) else 'wind'}_cf_{tech_id}"].to_numpy()
        for tech_id, t in techs.items()
        if isinstance(t, PVTech | WindTech)
    }
    gas_ids = [tech_id for tech_id, t in techs.items() if isinstance(t, GasTech)]
    design = design_point(site, scenario.technologies, hourly)
    return SiteInputs(
        site_id=site_id,
        index=prof.index,
        duration_h=steps.duration_h,
        weight_h=steps.weight_h,
        load_mw=prof["load_mw"].to_numpy(),
        peak_load_mw=design.peak_load_mw,
        site=site,
        technologies=techs,
        renewable_cf=renewable,
        gas_available_factor={g: prof[f"gas_cf_{g}"].to_numpy() for g in gas_ids},
        gas_heat_rate_factor={g: prof[f"heat_rate_factor_{g}"].to_numpy() for g in gas_ids},
        gas_design_factor=design.gas_available_factor,
        economics=scenario.economics,
        reliability=scenario.site_reliability(site_id),
        integer_commitment=(
            scenario.solver.commitment == "integer"
            if integer_commitment is None
            else integer_commitment
        ),
        absent=absent,
        periods=steps.periods,
        outage_windows=outage_calendar_windows(scenario, site_id, hourly)
        if steps.periods
        else None,
    )


def outage_calendar_windows(
    scenario: Scenario, site_id: str, hourly: pd.DataFrame
) -> list[list[int]]:
    """Calendar hours of a site's gas-outage windows, one per month from its peak-load hour.

    Empty without a gas-outage requirement. A typical-periods sizing makes the calendar
    periods these windows touch typical periods of their own, so the windows see the
    year's own load and renewables and the battery enters them with its own state of charge.
    """
    hours = scenario.site_reliability(site_id).gas_outage_hours
    if hours == 0:
        return []
    return outage_windows(hourly.index, np.ones(len(hourly)), hourly["load_mw"].to_numpy(), hours)


def sized_to_zero(sizing: dict[str, float]) -> frozenset:
    """Technology ids whose every investment decision (``<tech>.<variable>``) is zero."""
    built: dict[str, bool] = {}
    for name, value in sizing.items():
        tech_id = name.rsplit(".", 1)[0]
        built[tech_id] = built.get(tech_id, False) or value > 0
    return frozenset(tech_id for tech_id, is_built in built.items() if not is_built)


def _redispatch_full_year(
    scenario: Scenario, site_id: str, hourly: pd.DataFrame, sizing: dict[str, float]
) -> SiteRun:
    """Dispatch all 8760 hours with the sized capacities fixed (the dispatch's commitment)."""
    full = reduce_time(hourly, TimeHorizon(kind="full_year"))
    inputs = site_inputs(
        scenario,
        site_id,
        full,
        hourly,
        integer_commitment=scenario.dispatch_commitment == "integer",
        absent=sized_to_zero(sizing),
    )
    return optimize_site(inputs, scenario.solver, fixed_sizing=sizing)


def worst_periods(
    shortfall_mw: np.ndarray | None, period_hours: int, exclude: list[int], count: int
) -> list[int]:
    """Calendar periods of a full-year dispatch that fell short most, worst first.

    Parameters
    ----------
    shortfall_mw : np.ndarray or None
        Per hour of the year, unserved load plus uncovered unit-trip power. [MW]
    period_hours : int
        Length of a calendar period. [h]
    exclude : list of int
        Periods not to return (already typical periods of their own).
    count : int
        At most this many periods.

    Returns
    -------
    list of int
        Calendar periods (0 = the first ``period_hours`` of the year) with a shortfall.
    """
    if shortfall_mw is None:
        return []
    per_period = np.asarray(shortfall_mw).reshape(-1, period_hours).sum(axis=1)
    ranked = np.argsort(-per_period, kind="stable")
    short = [int(p) for p in ranked if per_period[p] > 1e-6 and int(p) not in exclude]
    return short[:count]


def _pass_record(
    steps: Steps, horizon: TimeHorizon, added_at: list[str], sized: SiteRun, final: SiteRun
) -> dict:
    """Describe one sizing pass and the full-year dispatch that follows it (summary.json)."""
    dispatch = final.solution.dispatch
    sizing_s = sized.build_seconds + sized.outcome.solve_seconds
    return {
        "horizon": steps.kind,
        "block_hours": horizon.block_hours if steps.kind == "blocks" else None,
        "typical_periods": steps.periods.n_typical if steps.periods else None,
        "added_periods": added_at if steps.periods else None,
        "unserved_mwh_per_yr": float((dispatch["unserved_mw"] * dispatch["weight_h"]).sum()),
        "cost_usd_per_yr": float(final.solution.costs["usd_per_yr"].sum()),
        "sizing_cost_usd_per_yr": float(sized.outcome.objective),
        "sizing_seconds": sizing_s,
        "dispatch_seconds": 0.0
        if final is sized
        else final.build_seconds + final.outcome.solve_seconds,
    }


def solve_site(scenario: Scenario, site_id: str) -> SiteResult:
    """Profiles, sizing and (after a reduced-time sizing) the full-year dispatch of one site.

    If the plant sized on typical periods cannot serve every hour of the full-year
    dispatch, the calendar periods that fell short most become typical periods of their own
    and the site is sized again (at most ``time.max_refinements`` times). If a plant sized
    on blocks, or on typical periods after the last refinement, still falls short, it is
    sized again on the full year. Every pass is recorded (``SiteResult.sizing_passes``).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    site_id : str
        One of ``scenario.sites``.

    Returns
    -------
    SiteResult
    """
    hourly = hourly_profiles(scenario, site_id)
    horizon = scenario.time
    passes: list[dict] = []
    added: list[int] = []
    # A typical-periods sizing models the calendar periods of gas-outage windows as they are.
    windows = outage_calendar_windows(scenario, site_id, hourly)
    in_windows = (
        sorted({h // horizon.period_hours for w in windows for h in w})
        if horizon.kind == "typical_periods"
        else []
    )
    build_s = solve_s = 0.0
    while True:
        steps = reduce_time(hourly, horizon, extra_periods=in_windows + added)
        sized = optimize_site(site_inputs(scenario, site_id, steps, hourly), scenario.solver)
        final = sized
        # The reported dispatch is full-year with the dispatch's commitment: after a reduced
        # sizing, and after a full-year fallback whose commitment was relaxed.
        if steps.kind in REDUCED_KINDS or (
            steps.kind == "full_year" and scenario.dispatch_commitment != scenario.solver.commitment
        ):
            final = _redispatch_full_year(scenario, site_id, hourly, sized.sizing)
        runs = {id(sized): sized, id(final): final}.values()
        build_s += sum(r.build_seconds for r in runs)
        solve_s += sum(r.outcome.solve_seconds for r in runs)
        added_at = [hourly.index[p * horizon.period_hours].isoformat() for p in added]
        passes.append(_pass_record(steps, horizon, added_at, sized, final))
        if not (final.shortfalls and steps.kind in REDUCED_KINDS):
            break
        short_periods = []
        if steps.kind == "typical_periods" and len(passes) <= horizon.max_refinements:
            short_periods = worst_periods(
                final.shortfall_mw,
                horizon.period_hours,
                in_windows + added,
                PERIODS_ADDED_PER_REFINEMENT,
            )
        if short_periods:
            # The periods that fell short become typical periods of their own.
            log.warning(
                "%s: typical-period sizing fell short; adding %d calendar periods",
                site_id,
                len(short_periods),
            )
            added = added + short_periods
            continue
        # The plant sized on reduced time falls short in some hour: size it on every hour.
        log.warning("%s: %s sizing fell short; sizing again on the full year", site_id, steps.kind)
        horizon = TimeHorizon(kind="full_year")
    # A site is as good as the worse of its sizing and its full-year dispatch.
    worst = max(sized.outcome.status, final.outcome.status, key=STATUS_ORDER.index)
    status = "shortfall" if final.shortfalls else worst
    return SiteResult(
        site_id=site_id,
        status=status,
        mip_gap=max(sized.outcome.mip_gap, final.outcome.mip_gap),
        objective_usd_per_yr=sized.outcome.objective,
        build_seconds=build_s,
        solve_seconds=solve_s,
        sizing_passes=passes,
        design=asdict(design_point(scenario.sites[site_id], scenario.technologies, hourly)),
        horizon_kind=steps.kind,
        hours_modelled=int(np.sum(steps.duration_h)),
        capacities=sized.solution.capacities,
        gas_units=sized.solution.gas_units,
        capex_usd=sized.solution.capex_usd,
        costs=final.solution.costs,
        dispatch=final.solution.dispatch,
        profiles=hourly,
        it_capacity_mw=scenario.sites[site_id].data_center.it_capacity_mw,
        shortfalls=final.shortfalls,
    )


def with_site_redundancy(scenario: Scenario, site_id: str, k: int) -> Scenario:
    """Return a copy of the scenario whose site ``site_id`` has N+k with this k."""
    sites = dict(scenario.sites)
    sites[site_id] = sites[site_id].model_copy(update={"redundancy_k": k})
    return scenario.model_copy(update={"sites": sites})


def site_availability(scenario: Scenario, site: SiteResult) -> dict:
    """Monte Carlo availability of one solved site (written to a scratch run folder)."""
    rules = scenario.reliability
    with tempfile.TemporaryDirectory(prefix="dcpower-availability-") as scratch:
        folder = Result(scenario=scenario, sites={site.site_id: site}).save(Path(scratch) / "run")
        simulated = simulate_availability(
            folder, years=max(rules.monte_carlo_years, 100), seed=rules.monte_carlo_seed
        )
    return simulated["sites"][site.site_id]


def solve_site_to_target(scenario: Scenario, site_id: str) -> tuple[SiteResult, list[dict]]:
    """Raise a site's N+k until its Monte Carlo availability meets the scenario's target.

    Starting from the site's k, each step adds one redundant unit (k + 1), re-sizes the site
    and measures its availability, until the lower end of the 95 % interval reaches the
    target; it goes on to Tier IV (or k = 4) so the cost of every Tier is on the table.

    Returns
    -------
    SiteResult
        The cheapest plan that meets the target (the last one tried if none does).
    list of dict
        The cost-of-reliability curve: per k, annual cost, extra cost over the first step,
        LOLE, availability (mean and 95 % lower bound) and the Tier reached.
    """
    target = scenario.reliability.availability_target_pct
    first_k = scenario.site_reliability(site_id).redundancy_k
    curve: list[dict] = []
    chosen: SiteResult | None = None
    for k in range(first_k, 5):
        trial = with_site_redundancy(scenario, site_id, k)
        site = solve_site(trial, site_id)
        figures = site_availability(trial, site)
        cost = float(site.costs["usd_per_yr"].sum())
        lower = figures["availability_time_pct"]["ci95"][0]
        meets = lower >= target
        curve.append(
            {
                "redundancy_k": k,
                "gas_units": {g: v["units"] for g, v in site.gas_units.items() if v["units"]},
                "cost_usd_per_yr": cost,
                "extra_cost_usd_per_yr": cost - curve[0]["cost_usd_per_yr"] if curve else 0.0,
                "lole_h_per_yr": figures["lole_h_per_yr"]["mean"],
                "availability_pct": figures["availability_time_pct"]["mean"],
                "availability_pct_ci95_low": lower,
                "tier_met": figures["tier_met_at_ci_lower_bound"],
                "meets_target": meets,
            }
        )
        if meets and chosen is None:
            chosen = site
        if lower >= UPTIME_TIERS_PCT["Tier IV"]:
            break
    if chosen is None:
        log.warning(
            "%s: availability target %.3f %% not met even with k = %d",
            site_id,
            target,
            curve[-1]["redundancy_k"],
        )
        chosen = site
    return chosen, curve


def _solve(scenario: Scenario, site_id: str) -> tuple[SiteResult, list[dict] | None]:
    """Solve one site of a run.

    To the availability target if there is one; with the cost of gas-outage insurance (a
    second solve without the ride-through) if one is required.
    """
    if scenario.reliability.availability_target is None:
        site, curve = solve_site(scenario, site_id), None
    else:
        site, curve = solve_site_to_target(scenario, site_id)
    hours = scenario.reliability.gas_outage_hours
    if hours > 0:
        rules = scenario.reliability.model_copy(update={"gas_outage_hours": 0})
        without = solve_site(scenario.model_copy(update={"reliability": rules}), site_id)
        cost = float(site.costs["usd_per_yr"].sum())
        base = float(without.costs["usd_per_yr"].sum())
        site.gas_outage = {
            "hours": hours,
            "windows": "one per month, from its peak-load hour",
            "cost_usd_per_yr": cost,
            "cost_without_usd_per_yr": base,
            "insurance_cost_usd_per_yr": cost - base,
        }
    return site, curve


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    out: str | Path | None = None,
    progress: Progress | None = None,
    parallel: bool = True,
    reports: bool = True,
) -> Result:
    """Size the power supply of every site of a scenario at least cost.

    Parameters
    ----------
    scenario : Scenario, str, Path or None
        A scenario object, a YAML path, or a shipped model name; None runs ``caspian-hub``.
    out : str or Path, optional
        If given, the run folder is written there (atomically), verified independently
        (``verification.json``, also in ``Result.verification``), and its availability
        measured by Monte Carlo (``summary.json`` "reliability", ``Result.availability``);
        then ``results.xlsx``, ``report.html`` and ``figures/`` are written from the folder.
    progress : callable, optional
        Called as ``progress(site_id, stage)`` when a site starts and finishes.
    parallel : bool
        Solve sites in separate processes (they are independent models).
    reports : bool
        Write the workbook, HTML report and figures into ``out`` (sweeps skip them).

    Returns
    -------
    Result

    Raises
    ------
    ScenarioError
        Invalid scenario or input file.
    InfeasibleError
        A site has no plan that meets every requirement (the message says which and by how much).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    notify = progress or (lambda site_id, stage: None)
    site_ids = list(scenario.sites)
    workers = min(len(site_ids), os.cpu_count() or 1)
    solved: dict[str, tuple[SiteResult, list[dict] | None]] = {}
    if parallel and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {}
            for site_id in site_ids:
                notify(site_id, "solving")
                futures[site_id] = pool.submit(_solve, scenario, site_id)
            for site_id, future in futures.items():
                solved[site_id] = future.result()
                notify(site_id, "done")
    else:
        for site_id in site_ids:
            notify(site_id, "solving")
            solved[site_id] = _solve(scenario, site_id)
            notify(site_id, "done")
    curves = {site_id: curve for site_id, (_, curve) in solved.items() if curve is not None}
    for site_id, curve in curves.items():
        chosen_k = next((row["redundancy_k"] for row in curve if row["meets_target"]), None)
        scenario = with_site_redundancy(
            scenario, site_id, chosen_k if chosen_k is not None else curve[-1]["redundancy_k"]
        )
    results = {site_id: site for site_id, (site, _) in solved.items()}
    result = Result(scenario=scenario, sites=results, reliability_curves=curves or None)
    if out is not None:
        result.save(out)
        # The saved folder is re-checked hour by hour, independently of the model, and its
        # availability is measured by Monte Carlo over unit failures and repairs.
        result.verification = write_verification(out)
        rules = scenario.reliability
        if rules.monte_carlo_years > 0:
            result.availability = simulate_availability(
                out, years=rules.monte_carlo_years, seed=rules.monte_carlo_seed
            )
            result.rewrite_summary(out)
        if reports:
            write_reports(out)
    return result
