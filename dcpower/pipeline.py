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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower import techs as registered
from dcpower.aggregate import Steps, reduce_time, reduce_time_jointly
from dcpower.availability import simulate_availability
from dcpower.clock import rows_on_one_clock
from dcpower.errors import ScenarioError
from dcpower.optimization.build import Hosting, SiteInputs
from dcpower.optimization.optimize import SiteRun, optimize_sites
from dcpower.optimization.outage import OutageWindow, outage_windows
from dcpower.optimization.siting import Coupling
from dcpower.profiles import design_point, profile_fields, site_profiles
from dcpower.report import write_reports
from dcpower.results import STATUS_ORDER, Result, SiteResult
from dcpower.scenario import UPTIME_TIERS_PCT, Scenario, TimeHorizon, load_scenario
from dcpower.techs import gas
from dcpower.techs.base import capital_recovery_factor
from dcpower.verify import write_verification
from dcpower.weather import load_site, load_weather

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]

#: Reduced-time horizons: their sizing is followed by a full-year dispatch.
REDUCED_KINDS = ("blocks", "typical_periods")
#: Calendar periods that become typical periods of their own per refinement, worst first.
PERIODS_ADDED_PER_REFINEMENT = 3
#: Highest N+k an availability target may raise a site to (the cost curve stops there).
MAX_REDUNDANCY_K = 4


def hourly_profiles(scenario: Scenario, site_id: str, year: int = 0) -> pd.DataFrame:
    """Full-year hourly profiles of one site of a scenario (weather, resource, load).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    site_id : str
        One of ``scenario.sites``.
    year : int
        Which of the site's ``weather_years`` (0 = the first, or the only year).

    Returns
    -------
    pd.DataFrame
        See :func:`dcpower.profiles.site_profiles`.
    """
    site = scenario.sites[site_id]
    climate = load_site(site.climate)
    weather_file, seed = site.weather_file, site.weather_seed
    if site.weather_years:
        entry = site.weather_years[year]
        weather_file, seed = (entry, 0) if isinstance(entry, Path) else (None, entry)
    weather, metadata = load_weather(climate, weather_file, seed=seed)
    return site_profiles(site, scenario.technologies, weather, metadata)


def weather_year_count(scenario: Scenario, site_id: str) -> int:
    """Return the number of weather years a site is sized on."""
    return len(scenario.sites[site_id].weather_years or [None])


def site_inputs(
    scenario: Scenario,
    site_id: str,
    steps: Steps,
    hourly: pd.DataFrame,
    integer_commitment: bool | None = None,
    absent: frozenset = frozenset(),
    year: int = 0,
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
        profiles={
            tech_id: profile_fields(registered.of(spec), tech_id, prof)
            for tech_id, spec in techs.items()
        },
        design_factor=design.gas_available_factor,
        economics=scenario.economics,
        reliability=scenario.site_reliability(site_id),
        integer_commitment=(
            scenario.solver.commitment == "integer"
            if integer_commitment is None
            else integer_commitment
        ),
        absent=absent,
        it_load_mw=prof["it_load_mw"].to_numpy(),
        pue=prof["pue"].to_numpy(),
        year=year,
        n_years=weather_year_count(scenario, site_id),
        hosting=(
            None
            if scenario.siting.it_demand_mw is None
            else Hosting(site.data_center.min_it_capacity_mw, site.data_center.it_capacity_mw)
        ),
        development_capex_usd=site.development_capex_usd,
        development_usd_per_yr=site.development_capex_usd
        * capital_recovery_factor(scenario.economics.wacc, scenario.finance.project_life_yr),
        grid_price_usd_per_mwh=(
            prof["grid_price_usd_per_mwh"].to_numpy() if site.grid is not None else None
        ),
        backup_fuel=scenario.backup_fuel,
        periods=steps.periods,
        outage_windows=outage_calendar_windows(scenario, site_id, hourly)
        if steps.periods
        else None,
    )


def outage_calendar_windows(
    scenario: Scenario, site_id: str, hourly: pd.DataFrame
) -> list[OutageWindow]:
    """Return a site's outage windows (gas, grid) in calendar hours, one a month from its peak.

    Empty without an outage requirement. A typical-periods sizing makes the calendar
    periods these windows touch typical periods of their own, so the windows see the
    year's own load and renewables and the battery enters them with its own state of charge.
    """
    rules = scenario.site_reliability(site_id)
    connected = scenario.sites[site_id].grid is not None
    hourly_steps, load = np.ones(len(hourly)), hourly["load_mw"].to_numpy()
    return [
        window
        for kind, hours in rules.outage_hours(connected).items()
        for window in outage_windows(hourly.index, hourly_steps, load, hours, kind)
    ]


def sized_to_zero(sizing: dict[str, float]) -> frozenset:
    """Technology ids whose every investment decision (``<tech>.<variable>``) is zero."""
    built: dict[str, bool] = {}
    for name, value in sizing.items():
        tech_id = name.rsplit(".", 1)[0]
        built[tech_id] = built.get(tech_id, False) or value > 0
    return frozenset(tech_id for tech_id, is_built in built.items() if not is_built)


def scenario_coupling(scenario: Scenario) -> Coupling:
    """Return what ties the scenario's sites together (workload moved, shared limits)."""
    return Coupling(
        flexible_share=scenario.workload.flexible_share,
        link_capacity_mw_it=scenario.workload.link_capacity_mw_it,
        co2_cap_t_per_yr=scenario.emissions.co2_cap_t_per_yr,
        min_renewable_share=scenario.emissions.min_renewable_share,
        it_demand_mw=scenario.siting.it_demand_mw,
    )


def site_groups(scenario: Scenario) -> list[list[str]]:
    """Sites that must be solved in one model: all of them if coupled, else one by one."""
    site_ids = list(scenario.sites)
    if len(site_ids) > 1 and scenario_coupling(scenario).active:
        return [site_ids]
    return [[site_id] for site_id in site_ids]


def align_clocks(hourly: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Reorder each site's year so that row t is the same instant at every site.

    Work moved between sites moves at one instant, so a coupled model needs one clock
    (:func:`dcpower.clock.rows_on_one_clock`). Each row keeps its local time stamp, so
    sorting by time restores local order.

    Parameters
    ----------
    hourly : dict
        Full-year hourly profiles by site id, each with a time-zone-aware index.

    Returns
    -------
    dict
        The same frames, rows reordered.
    """
    lengths = sorted({len(frame) for frame in hourly.values()})
    if len(lengths) != 1:
        raise ScenarioError(
            f"coupled sites need weather years of equal length, got {lengths} hours"
        )
    try:
        rows = rows_on_one_clock(
            {site_id: frame.index[0] for site_id, frame in hourly.items()}, lengths[0]
        )
    except ValueError as err:
        raise ScenarioError(str(err)) from None
    return {site_id: frame.iloc[rows[site_id]] for site_id, frame in hourly.items()}


def _redispatch_full_year(
    scenario: Scenario,
    hourly: dict[tuple[str, int], pd.DataFrame],
    sizing: dict[str, dict[str, float]],
    coupling: Coupling | None,
) -> dict[str, SiteRun]:
    """Dispatch all 8760 hours of every site and year with the sized capacities fixed."""
    full = TimeHorizon(kind="full_year")
    inputs = [
        site_inputs(
            scenario,
            site_id,
            reduce_time(frame, full),
            frame,
            integer_commitment=scenario.dispatch_commitment == "integer",
            absent=sized_to_zero(sizing[site_id]),
            year=year,
        )
        for (site_id, year), frame in hourly.items()
    ]
    return optimize_sites(inputs, scenario.solver, fixed_sizing=sizing, coupling=coupling)


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


def cost_drift(sized: dict[str, SiteRun], final: dict[str, SiteRun]) -> float:
    """Return the full-year dispatch's annual cost over the sizing's estimate, minus one [-].

    Over all blocks of one model (sites tied together share one estimate).
    """
    estimate = sum(run.objective_usd_per_yr for run in sized.values())
    return sum(_cost(run) for run in final.values()) / estimate - 1


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
        "sizing_cost_usd_per_yr": float(sized.objective_usd_per_yr),
        "sizing_seconds": sizing_s,
        "dispatch_seconds": 0.0
        if final is sized
        else final.build_seconds + final.outcome.solve_seconds,
    }


def solve_site(scenario: Scenario, site_id: str) -> SiteResult:
    """Profiles, sizing and (after a reduced-time sizing) the full-year dispatch of one site.

    See :func:`solve_sites`; the site is solved on its own, whatever ties it to others.
    """
    return solve_sites(scenario, [site_id])[site_id]


def solve_sites(
    scenario: Scenario, site_ids: list[str], start_sizing: dict[str, dict] | None = None
) -> dict[str, SiteResult]:
    """Profiles, sizing and (after a reduced-time sizing) the full-year dispatch of sites.

    Several sites are one model, tied by the scenario's coupling (workload shifting, limits
    over all sites), on one clock (:func:`align_clocks`), and on chronological blocks when
    the scenario asks for typical periods (each site's typical days are its own, but work
    moves between sites at the same instant).

    If the plant sized on typical periods cannot serve every hour of the full-year
    dispatch, the calendar periods that fell short most become typical periods of their own
    and it is sized again (at most ``time.max_refinements`` times). If its annual cost
    differs from the sizing's estimate by more than ``time.cost_tolerance``, the year is
    clustered into twice as many typical periods and sized again (within the same limit;
    a drift left then is reported). If a plant
    sized on blocks, or on typical periods after the last refinement, still falls short, it
    is sized again on the full year. Every pass is recorded (``SiteResult.sizing_passes``).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    site_ids : list of str
        Sites of ``scenario.sites`` to solve together.
    start_sizing : dict, optional
        Investment decisions by site id (``SiteResult.sizing``) to start the sizing from.

    Returns
    -------
    dict
        :class:`SiteResult` by site id.
    """
    if len(site_ids) > 1 and not scenario_coupling(scenario).active:
        return {site_id: solve_site(scenario, site_id) for site_id in site_ids}
    years = {site_id: weather_year_count(scenario, site_id) for site_id in site_ids}
    hourly = {
        (site_id, year): hourly_profiles(scenario, site_id, year)
        for site_id in site_ids
        for year in range(years[site_id])
    }
    coupling = scenario_coupling(scenario) if len(site_ids) > 1 else None
    modelled = hourly
    horizon = scenario.time
    one_calendar = coupling is not None and coupling.shifts
    n_years = max(years.values())
    if one_calendar:
        # Work moves at one instant: one clock, and the same steps at every site.
        modelled = {}
        for year in range(n_years):
            aligned = align_clocks({site_id: hourly[site_id, year] for site_id in site_ids})
            modelled.update({(site_id, year): frame for site_id, frame in aligned.items()})
    passes: dict[str, list[dict]] = {site_id: [] for site_id in site_ids}
    seconds = dict.fromkeys(site_ids, 0.0), dict.fromkeys(site_ids, 0.0)
    # A typical-periods sizing models the calendar periods of outage windows as they are.
    in_windows = {
        key: sorted(
            {
                h // horizon.period_hours
                for w in outage_calendar_windows(scenario, key[0], frame)
                for h in w.steps
            }
        )
        if horizon.kind == "typical_periods"
        else []
        for key, frame in modelled.items()
    }
    added: dict[tuple[str, int], list[int]] = {key: [] for key in modelled}
    while True:
        if one_calendar:  # each weather year on its own calendar, the same at every site
            steps = {}
            for year in range(n_years):
                keys = [(site_id, year) for site_id in site_ids]
                extra = sorted({p for key in keys for p in in_windows[key] + added[key]})
                steps.update(
                    reduce_time_jointly({key: modelled[key] for key in keys}, horizon, extra)
                )
        else:
            steps = {
                key: reduce_time(frame, horizon, extra_periods=in_windows[key] + added[key])
                for key, frame in modelled.items()
            }
        inputs = [
            site_inputs(scenario, site_id, steps[site_id, year], frame, year=year)
            for (site_id, year), frame in modelled.items()
        ]
        names = {(inp.site_id, inp.year): inp.block_name for inp in inputs}
        sized = optimize_sites(
            inputs, scenario.solver, coupling=coupling, start_sizing=start_sizing
        )
        final = sized
        kind = steps[site_ids[0], 0].kind
        # The reported dispatch is full-year with the dispatch's commitment: after a reduced
        # sizing, and after a full-year fallback whose commitment was relaxed.
        if kind in REDUCED_KINDS or (
            kind == "full_year" and scenario.dispatch_commitment != scenario.solver.commitment
        ):
            sizing = {site_id: sized[names[site_id, 0]].sizing for site_id in site_ids}
            final = _redispatch_full_year(scenario, modelled, sizing, coupling)
        drift = cost_drift(sized, final)
        for site_id in site_ids:
            own = [names[site_id, year] for year in range(years[site_id])]
            runs = {id(r): r for name in own for r in (sized[name], final[name])}.values()
            seconds[0][site_id] += sum(r.build_seconds for r in runs)
            seconds[1][site_id] += sum(r.outcome.solve_seconds for r in runs)
            frame = modelled[site_id, 0]
            added_at = [
                frame.index[h * horizon.period_hours].isoformat() for h in added[site_id, 0]
            ]
            record = _pass_record(
                steps[site_id, 0], horizon, added_at, sized[own[0]], final[own[0]]
            )
            record["unserved_mwh_per_yr"] = max(_unserved_mwh(final[name]) for name in own)
            record["cost_usd_per_yr"] = float(np.mean([_cost(final[name]) for name in own]))
            record["cost_drift"] = drift
            passes[site_id].append(record)
        falls_short = any(run.shortfalls for run in final.values()) and kind in REDUCED_KINDS
        drifts = kind == "typical_periods" and abs(drift) > horizon.cost_tolerance
        if not (falls_short or drifts):
            break
        refine = kind == "typical_periods" and len(passes[site_ids[0]]) <= horizon.max_refinements
        if drifts and not falls_short:
            # Typical periods that misstate the year's cost: cluster the year more finely.
            n_calendar = len(next(iter(modelled.values()))) // horizon.period_hours
            if refine and horizon.n_periods < n_calendar:
                n_periods = min(2 * horizon.n_periods, n_calendar)
                log.warning(
                    "%s: typical-period sizing drifted %+.2f%% in cost; %d typical periods",
                    site_ids,
                    100 * drift,
                    n_periods,
                )
                horizon = horizon.model_copy(update={"n_periods": n_periods})
                continue
            break  # the drift left after the last refinement is reported; the plan stands
        short = {
            key: worst_periods(
                final[names[key]].shortfall_mw,
                horizon.period_hours,
                in_windows[key] + added[key],
                PERIODS_ADDED_PER_REFINEMENT,
            )
            if refine
            else []
            for key in modelled
        }
        if any(short.values()):
            # The periods that fell short become typical periods of their own.
            log.warning("%s: typical-period sizing fell short; adding calendar periods", site_ids)
            added = {key: added[key] + short[key] for key in modelled}
            continue
        # The plant sized on reduced time falls short in some hour: size it on every hour.
        log.warning("%s: %s sizing fell short; sizing again on the full year", site_ids, kind)
        horizon = TimeHorizon(kind="full_year")
    results = {}
    for site_id in site_ids:
        own = [names[site_id, year] for year in range(years[site_id])]
        first, last = sized[own[0]], final[own[0]]
        capacities, capex = _plan(first, last)
        statuses = [r.outcome.status for name in own for r in (sized[name], final[name])]
        # A site is as good as the worse of its sizing and its full-year dispatches.
        worst = max(statuses, key=STATUS_ORDER.index)
        shortfalls = {
            (f"{name}: {key}" if len(own) > 1 else key): text
            for name in own
            for key, text in final[name].shortfalls.items()
        }
        results[site_id] = SiteResult(
            site_id=site_id,
            status="shortfall" if shortfalls else worst,
            mip_gap=max(r.outcome.mip_gap for name in own for r in (sized[name], final[name])),
            objective_usd_per_yr=float(np.mean([sized[name].objective_usd_per_yr for name in own])),
            build_seconds=seconds[0][site_id],
            solve_seconds=seconds[1][site_id],
            sizing_passes=passes[site_id],
            design=asdict(
                design_point(scenario.sites[site_id], scenario.technologies, hourly[site_id, 0])
            ),
            horizon_kind=kind,
            hours_modelled=int(np.sum(steps[site_id, 0].duration_h)),
            capacities=capacities,
            gas_units=first.solution.gas_units,
            capex_usd=capex,
            costs=last.solution.costs,
            dispatch=last.solution.dispatch.sort_index(),
            outage_dispatch=last.solution.outage_dispatch,
            profiles=hourly[site_id, 0],
            it_capacity_mw=scenario.sites[site_id].data_center.it_capacity_mw,
            shortfalls=shortfalls,
            sizing=first.sizing,
            weather_years=(
                weather_years_summary(scenario, site_id, [final[name] for name in own])
                if len(own) > 1
                else None
            ),
        )
    return results


def _unserved_mwh(run: SiteRun) -> float:
    dispatch = run.solution.dispatch
    return float((dispatch["unserved_mw"] * dispatch["weight_h"]).sum())


def _cost(run: SiteRun) -> float:
    return float(run.solution.costs["usd_per_yr"].sum())


def weather_years_summary(scenario: Scenario, site_id: str, runs: list[SiteRun]) -> dict:
    """Per weather year of a site: its cost, unserved energy and emissions; the worst year.

    Returns
    -------
    dict
        ``years``: per year ``weather`` (seed or file), ``cost_usd_per_yr``,
        ``unserved_mwh_per_yr``, ``gas_mwh_per_yr``, ``co2_t_per_yr``, ``peak_load_mw``;
        ``mean_cost_usd_per_yr`` (the objective) and ``worst_year`` (the costliest, or the
        one with most unserved energy if any falls short; the reported hourly year is the
        first).
    """
    co2_t_per_mmbtu = scenario.economics.co2_kg_per_mmbtu / 1000
    years = []
    for entry, run in zip(scenario.sites[site_id].weather_years, runs, strict=True):
        d = run.solution.dispatch
        years.append(
            {
                "weather": entry.name if isinstance(entry, Path) else f"seed {entry}",
                "cost_usd_per_yr": _cost(run),
                "unserved_mwh_per_yr": _unserved_mwh(run),
                "gas_mwh_per_yr": float((d["gas_mw"] * d["weight_h"]).sum()),
                "co2_t_per_yr": float((d["fuel_mmbtu_per_h"] * d["weight_h"]).sum())
                * co2_t_per_mmbtu,
                "peak_load_mw": float(d["load_mw"].max()),
            }
        )
    worst = max(years, key=lambda y: (y["unserved_mwh_per_yr"], y["cost_usd_per_yr"]))
    return {
        "years": years,
        "mean_cost_usd_per_yr": float(np.mean([y["cost_usd_per_yr"] for y in years])),
        "worst_year": worst["weather"],
    }


def choose_sites(scenario: Scenario) -> tuple[Scenario, dict | None]:
    """Place the scenario's IT demand over its candidate sites (``siting.it_demand_mw``).

    One model of all candidates, on the scenario's reduced time, decides which sites to
    develop and how much IT capacity each hosts, at least total annual cost (development
    cost included). The run then sizes the chosen sites as an ordinary scenario: each
    hosts its share as its IT capacity (the load scales with it), which reproduces the
    same plan, is dispatched over the full year and verified.

    Returns
    -------
    Scenario
        The scenario of the chosen sites (unchanged without an IT demand to place).
    dict or None
        The decision, for ``summary.json`` ``siting``: per candidate whether it is
        developed, the IT capacity hosted and its bounds, its development capex and its
        annual cost in the siting model; the total annual cost of the siting model.
    """
    demand = scenario.siting.it_demand_mw
    if demand is None:
        return scenario, None
    coupling = scenario_coupling(scenario)
    hourly = {site_id: hourly_profiles(scenario, site_id) for site_id in scenario.sites}
    if coupling.shifts:
        hourly = align_clocks(hourly)
        steps = reduce_time_jointly(hourly, scenario.time)
    else:
        steps = {site_id: reduce_time(frame, scenario.time) for site_id, frame in hourly.items()}
    inputs = [
        site_inputs(scenario, site_id, steps[site_id], frame) for site_id, frame in hourly.items()
    ]
    runs = optimize_sites(inputs, scenario.solver, coupling=coupling)
    candidates = {}
    sites = {}
    for site_id, site in scenario.sites.items():
        hosted = runs[site_id].solution.hosted_it_mw
        candidates[site_id] = {
            "developed": hosted > 1e-6,
            "it_capacity_mw": hosted,
            "it_capacity_bounds_mw": [
                site.data_center.min_it_capacity_mw,
                site.data_center.it_capacity_mw,
            ],
            "development_capex_usd": site.development_capex_usd,
            "cost_usd_per_yr": runs[site_id].objective_usd_per_yr,
        }
        if hosted > 1e-6:
            chosen = site.data_center.model_copy(
                update={"it_capacity_mw": hosted, "min_it_capacity_mw": 0.0}
            )
            sites[site_id] = site.model_copy(update={"data_center": chosen})
    outcome = next(iter(runs.values())).outcome
    decision = {
        "it_demand_mw": demand,
        "candidates": candidates,
        "status": outcome.status,
        "mip_gap": outcome.mip_gap,
        "cost_usd_per_yr": sum(c["cost_usd_per_yr"] for c in candidates.values()),
        "horizon": scenario.time.kind,
    }
    log.info("siting: %s", {k: round(v["it_capacity_mw"], 3) for k, v in candidates.items()})
    placed = scenario.siting.model_copy(update={"it_demand_mw": None})
    return scenario.model_copy(update={"sites": sites, "siting": placed}), decision


def _plan(sized: SiteRun, final: SiteRun) -> tuple[pd.DataFrame, dict]:
    """Return the capacities and overnight capex of the plan.

    Those of the sizing, except the backup fuel tanks, which the full-year dispatch sized
    again on its hourly outage windows.
    """
    caps = sized.solution.capacities
    final_caps = final.solution.capacities
    capacities = pd.concat(
        [caps[caps["kind"] != gas.TANK_KIND], final_caps[final_caps["kind"] == gas.TANK_KIND]],
        ignore_index=True,
    )
    tanks = {gas.backup_tank_id(g) for g in sized.solution.gas_units}
    capex = {k: v for k, v in sized.solution.capex_usd.items() if k not in tanks}
    capex.update({k: v for k, v in final.solution.capex_usd.items() if k in tanks})
    return capacities, capex


def with_site_redundancy(scenario: Scenario, site_id: str, k: int) -> Scenario:
    """Return a copy of the scenario whose site ``site_id`` has N+k with this k."""
    sites = dict(scenario.sites)
    sites[site_id] = sites[site_id].model_copy(update={"redundancy_k": k})
    return scenario.model_copy(update={"sites": sites})


def group_availability(scenario: Scenario, sites: dict[str, SiteResult]) -> dict:
    """Monte Carlo availability of solved sites (written to a scratch run folder), by site.

    Sites that share flexible work are simulated together (work moves away from a site
    short of supply); others one by one.
    """
    rules = scenario.reliability
    with tempfile.TemporaryDirectory(prefix="dcpower-availability-") as scratch:
        folder = Result(scenario=scenario, sites=sites).save(Path(scratch) / "run")
        simulated = simulate_availability(
            folder, years=max(rules.monte_carlo_years, 100), seed=rules.monte_carlo_seed
        )
    return simulated["sites"]


def solve_to_target(
    scenario: Scenario,
    site_ids: list[str],
    start_sizing: dict[str, dict] | None = None,
    first_step: dict[str, SiteResult] | None = None,
    whole_curve: bool = True,
) -> tuple[dict[str, SiteResult], dict[str, list[dict]]]:
    """Raise N+k site by site until each site's Monte Carlo availability meets the target.

    Starting from each site's k, every step adds one redundant unit (k + 1) at each site
    whose 95 % lower bound is still below the target, re-sizes the sites (together, if
    they are coupled) and measures their availability. Once all meet it, the steps go on
    for the sites below Tier IV (up to k = 4), so the cost of every Tier is on the table.
    ``first_step``: the sites already solved at their starting k (not solved again);
    ``whole_curve=False`` stops at the chosen step (when only the plan is wanted).

    Returns
    -------
    dict
        :class:`SiteResult` by site id: the first step at which every site meets the
        target (the last step tried if none does).
    dict
        The cost-of-reliability curve by site id: per step, the site's k, annual cost,
        extra cost over the first step, LOLE, availability (mean and 95 % lower bound), the
        Tier reached, whether it meets the target and whether the step is the one chosen.
    """
    target = scenario.reliability.availability_target_pct
    ks = {site_id: scenario.site_reliability(site_id).redundancy_k for site_id in site_ids}
    curves: dict[str, list[dict]] = {site_id: [] for site_id in site_ids}
    chosen: dict[str, SiteResult] | None = None
    while True:
        trial = scenario
        for site_id, k in ks.items():
            trial = with_site_redundancy(trial, site_id, k)
        sites = first_step or solve_sites(trial, site_ids, start_sizing)
        first_step = None
        figures = group_availability(trial, sites)
        lower = {s: figures[s]["availability_time_pct"]["ci95"][0] for s in site_ids}
        all_meet = all(lower[s] >= target for s in site_ids)
        for site_id, site in sites.items():
            cost = float(site.costs["usd_per_yr"].sum())
            first = curves[site_id][0]["cost_usd_per_yr"] if curves[site_id] else cost
            curves[site_id].append(
                {
                    "redundancy_k": ks[site_id],
                    "gas_units": {g: v["units"] for g, v in site.gas_units.items() if v["units"]},
                    "cost_usd_per_yr": cost,
                    "extra_cost_usd_per_yr": cost - first,
                    "lole_h_per_yr": figures[site_id]["lole_h_per_yr"]["mean"],
                    "availability_pct": figures[site_id]["availability_time_pct"]["mean"],
                    "availability_pct_ci95_low": lower[site_id],
                    "tier_met": figures[site_id]["tier_met_at_ci_lower_bound"],
                    "meets_target": lower[site_id] >= target,
                    "chosen": all_meet and chosen is None,
                }
            )
        if all_meet and chosen is None:
            chosen = sites
            if not whole_curve:
                break
        bar = UPTIME_TIERS_PCT["Tier IV"] if chosen is not None else target
        raise_k = [s for s in site_ids if lower[s] < bar and ks[s] < MAX_REDUNDANCY_K]
        if not raise_k:
            break
        for site_id in raise_k:
            ks[site_id] += 1
        start_sizing = None  # the plan of the step before lacks the units now required
    if chosen is None:
        log.warning(
            "%s: availability target %.3f %% not met even with k = %s", site_ids, target, ks
        )
        chosen = sites
        for curve in curves.values():
            curve[-1]["chosen"] = True
    return chosen, curves


@dataclass
class GroupSolution:
    """The solved sites of one model group, with what the run reports about the group.

    Attributes
    ----------
    sites : dict
        :class:`SiteResult` by site id.
    curves : dict
        Cost-of-reliability curve by site id (with an availability target).
    workload : dict or None
        With workload shifting: what moved and what it saved (see :func:`workload_summary`).
    """

    sites: dict[str, SiteResult]
    curves: dict[str, list[dict]] = field(default_factory=dict)
    workload: dict | None = None


def _solve(
    scenario: Scenario, site_ids: list[str], start_sizing: dict[str, dict] | None = None
) -> GroupSolution:
    """Solve one group of sites of a run (one site, or all sites if they are coupled).

    A single site is raised to the availability target if there is one. Each extra figure
    the run reports costs one more solve of the group: the cost of each outage insurance
    (gas-supply or grid outage windows: without them), and the saving of workload shifting
    (without it). ``start_sizing`` (investment decisions by site id) starts a coupled
    model; with shifting, the sites sized apart are the start.
    """
    target = scenario.reliability.availability_target
    group = GroupSolution(sites={})
    shifts = len(site_ids) > 1 and scenario.workload.flexible_share > 0
    if shifts:
        # The sites without shifting first: their plan (no work moved) is a feasible start
        # for the coupled model, and the saving is measured against them (raised to the
        # same availability target, if there is one).
        still = scenario.workload.model_copy(update={"flexible_share": 0.0})
        alone = scenario.model_copy(update={"workload": still})
        unshifted = solve_sites(alone, site_ids)
        start_sizing = {site_id: site.sizing for site_id, site in unshifted.items()}
        if target is not None:
            unshifted = solve_to_target(alone, site_ids, first_step=unshifted, whole_curve=False)[0]
    if target is not None:
        group.sites, group.curves = solve_to_target(scenario, site_ids, start_sizing)
    else:
        group.sites = solve_sites(scenario, site_ids, start_sizing)
    rules = scenario.reliability
    connected = any(scenario.sites[site_id].grid is not None for site_id in site_ids)
    for kind, hours in rules.outage_hours(connected).items():
        without_rules = rules.model_copy(update={f"{kind}_outage_hours": 0})
        without = solve_sites(scenario.model_copy(update={"reliability": without_rules}), site_ids)
        for site_id, site in group.sites.items():
            cost = float(site.costs["usd_per_yr"].sum())
            base = float(without[site_id].costs["usd_per_yr"].sum())
            site.outage_insurance[kind] = {
                "hours": hours,
                "windows": "one per month, from its peak-load hour",
                "cost_usd_per_yr": cost,
                "cost_without_usd_per_yr": base,
                "insurance_cost_usd_per_yr": cost - base,
            }
    if shifts:
        group.workload = workload_summary(scenario, group.sites, unshifted)
    return group


def workload_summary(
    scenario: Scenario, shifted: dict[str, SiteResult], unshifted: dict[str, SiteResult]
) -> dict:
    """Summarize what moved between sites and what it saved against no shifting.

    Returns
    -------
    dict
        ``flexible_share``, ``link_capacity_mw_it``; ``moved_mwh_it_per_yr`` (IT energy that
        ran away from its home site), per site ``in``/``out`` [MWh_IT/yr] and the hours with
        any move; ``moved_mwh_it_by_month``; annual cost with and without shifting and the
        saving [USD/yr]; ``saving_within_mip_gap``: whether the saving is smaller than what
        the solver's MIP gap leaves open (then it is not a finding: tighten
        ``solver.mip_gap``).
    """
    by_site, monthly = {}, None
    for site_id, site in shifted.items():
        d = site.dispatch
        moved = d["it_shift_mw"] * d["weight_h"]
        by_site[site_id] = {
            "in_mwh_it_per_yr": float(moved.clip(lower=0).sum()),
            "out_mwh_it_per_yr": float(-moved.clip(upper=0).sum()),
            "hours_with_moves": int((d["it_shift_mw"].abs() > 1e-6).sum()),
        }
        into = moved.clip(lower=0).groupby(d.index.month).sum()
        monthly = into if monthly is None else monthly.add(into, fill_value=0.0)
    cost = sum(float(s.costs["usd_per_yr"].sum()) for s in shifted.values())
    base = sum(float(s.costs["usd_per_yr"].sum()) for s in unshifted.values())
    return {
        "flexible_share": scenario.workload.flexible_share,
        "link_capacity_mw_it": scenario.workload.link_capacity_mw_it,
        "moved_mwh_it_per_yr": sum(v["in_mwh_it_per_yr"] for v in by_site.values()),
        "by_site": by_site,
        "moved_mwh_it_by_month": {int(k): float(v) for k, v in monthly.items()},
        "cost_usd_per_yr": cost,
        "cost_without_shifting_usd_per_yr": base,
        "saving_usd_per_yr": base - cost,
        "saving_within_mip_gap": abs(base - cost) < scenario.solver.mip_gap * base,
    }


def run(
    scenario: Scenario | str | Path | None = None,
    *,
    out: str | Path | None = None,
    progress: Progress | None = None,
    parallel: bool = True,
    reports: bool = True,
    start_sizing: dict[str, dict] | None = None,
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
    start_sizing : dict, optional
        Investment decisions by site id (``SiteResult.sizing``) that a model of coupled
        sites starts from (a feasible plan it can only improve on).

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
    if scenario.siting.it_demand_mw is not None:
        notify("siting", "placing the IT demand over")
        scenario, siting = choose_sites(scenario)
        notify("siting", "done")
    else:
        siting = None
    groups = {"+".join(ids): ids for ids in site_groups(scenario)}
    workers = min(len(groups), os.cpu_count() or 1)
    solved: dict[str, GroupSolution] = {}
    if parallel and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {}
            for name, ids in groups.items():
                notify(name, "solving")
                futures[name] = pool.submit(_solve, scenario, ids, start_sizing)
            for name, future in futures.items():
                solved[name] = future.result()
                notify(name, "done")
    else:
        for name, ids in groups.items():
            notify(name, "solving")
            solved[name] = _solve(scenario, ids, start_sizing)
            notify(name, "done")
    curves = {k: v for group in solved.values() for k, v in group.curves.items()}
    for site_id, curve in curves.items():
        chosen_k = next(row["redundancy_k"] for row in curve if row["chosen"])
        scenario = with_site_redundancy(scenario, site_id, chosen_k)
    results = {k: v for group in solved.values() for k, v in group.sites.items()}
    workload = next((g.workload for g in solved.values() if g.workload is not None), None)
    result = Result(
        scenario=scenario,
        sites=results,
        reliability_curves=curves or None,
        workload=workload,
        siting=siting,
    )
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
