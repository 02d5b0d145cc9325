"""Studies around the sizing: the cooling, candidate siting, what shifting and heat save.

``choose_cooling`` picks each site's cooling (dry or evaporative) and ``choose_sites``
places the scenario's IT demand over its candidate sites, before the run sizes them;
``workload_summary`` reports what moved between sites and what it saved;
``without_heat_recovery`` and ``heat_recovery_summary`` what heat-driven cooling
(trigeneration) saves against the same sites without it.
"""

from __future__ import annotations

import logging

from dcpower import techs
from dcpower.errors import InfeasibleError
from dcpower.optimization.optimize import SiteRun, optimize_sites
from dcpower.pipeline.inputs import (
    hourly_profiles,
    model_inputs,
    model_steps,
    on_model_clock,
    scenario_coupling,
    site_groups,
)
from dcpower.profiles import water_used_m3_per_yr
from dcpower.results import SiteResult
from dcpower.scenario import DataCenter, Scenario, Site

log = logging.getLogger(__name__)


def choose_cooling(scenario: Scenario) -> tuple[Scenario, dict | None]:
    """Choose the cooling of each site that asks (``data_center.choose_cooling``).

    Each cooling (``DataCenter.cooling_options``: dry, evaporative) is sized on the site's
    own model, on the scenario's time steps and its first weather year, and the one of
    least annual cost (water included) is kept; a tie keeps dry. Evaporative cooling whose
    water exceeds ``water_limit_m3_per_yr`` is left out without a solve, as is a cooling
    with no plan that meets every requirement. The run then sizes the site as if its
    cooling had been given (the run folder's scenario says which).

    Returns
    -------
    Scenario
        The scenario with each choosing site's chosen cooling (unchanged if none chooses).
    dict or None
        The decisions, for ``summary.json`` ``cooling``: per site the cooling chosen and,
        per option, the temperature its PUE follows, its water [m3/yr], its annual cost in
        the choice's model [USD/yr] (None if left out) and why it was left out (None if
        not); the time steps compared on.

    Raises
    ------
    InfeasibleError
        If no cooling of a site has a plan (the message gives each one's reason).
    """
    choosing = [k for k, site in scenario.sites.items() if site.data_center.choose_cooling]
    if not choosing:
        return scenario, None
    sites, decisions = dict(scenario.sites), {}
    for site_id in choosing:
        coolings = scenario.sites[site_id].data_center.cooling_options()
        options = {
            name: _cooling_option(scenario, site_id, data_center)
            for name, data_center in coolings.items()
        }
        costed = {k: v for k, v in options.items() if v["cost_usd_per_yr"] is not None}
        if not costed:
            reasons = "; ".join(f"{k}: {v['left_out']}" for k, v in options.items())
            raise InfeasibleError(f"sites.{site_id}: no cooling has a plan ({reasons})")
        chosen = min(costed, key=lambda k: costed[k]["cost_usd_per_yr"])
        data_center = coolings[chosen].model_copy(update={"choose_cooling": False})
        sites[site_id] = sites[site_id].model_copy(update={"data_center": data_center})
        decisions[site_id] = {
            "chosen": chosen,
            "options": options,
            "water_limit_m3_per_yr": scenario.sites[site_id].water_limit_m3_per_yr,
            "horizon": scenario.time.kind,
        }
        log.info("cooling of %s: %s", site_id, chosen)
    return scenario.model_copy(update={"sites": sites}), decisions


def _cooling_option(scenario: Scenario, site_id: str, data_center: DataCenter) -> dict:
    """Size one site with one cooling on its own model; describe the option (``choose_cooling``).

    The site is solved alone, with its full IT capacity (a campus built in phases as
    complete), without the scenario's coupling or siting (the cooling is a site's decision).
    """
    given = scenario.sites[site_id]
    first_year = given.weather_years[:1] if given.weather_years else None
    complete = data_center.model_copy(update={"phases": None, "phases_source": None})
    site = given.model_copy(update={"data_center": complete, "weather_years": first_year})
    alone = scenario.model_copy(
        update={
            "sites": {site_id: site},
            "siting": scenario.siting.model_copy(update={"it_demand_mw": None}),
        }
    )
    hourly = hourly_profiles(alone, site_id)
    water = water_used_m3_per_yr(hourly)
    option = {
        "pue_follows": data_center.pue.temperature,
        "water_m3_per_yr": water,
        "cost_usd_per_yr": None,
        "left_out": None,
    }
    limit = site.water_limit_m3_per_yr
    if limit is not None and water > limit:
        option["left_out"] = (
            f"its water, {water:,.0f} m3/yr, exceeds water_limit_m3_per_yr = {limit:,.0f}"
        )
        return option
    modelled = {(site_id, 0): hourly}
    steps = model_steps(modelled, alone.time, False)
    try:
        runs = optimize_sites(model_inputs(alone, steps, modelled), alone.solver)
    except InfeasibleError as error:
        option["left_out"] = f"no plan meets every requirement ({error})"
        return option
    option["cost_usd_per_yr"] = next(iter(runs.values())).objective_usd_per_yr
    return option


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
    runs = _siting_runs(scenario)
    candidates = {
        site_id: _candidate(site, runs[site_id]) for site_id, site in scenario.sites.items()
    }
    sites = {
        site_id: _hosting(site, candidates[site_id]["it_capacity_mw"])
        for site_id, site in scenario.sites.items()
        if candidates[site_id]["developed"]
    }
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


def _siting_runs(scenario: Scenario) -> dict[str, SiteRun]:
    """Solve one model of all candidate sites on the scenario's reduced time (first year)."""
    coupling = scenario_coupling(scenario)
    hourly = {(site_id, 0): hourly_profiles(scenario, site_id) for site_id in scenario.sites}
    modelled = on_model_clock(hourly, coupling.shifts)
    steps = model_steps(modelled, scenario.time, coupling.shifts)
    return optimize_sites(
        model_inputs(scenario, steps, modelled), scenario.solver, coupling=coupling
    )


def _candidate(site: Site, run: SiteRun) -> dict:
    """Describe the siting model's decision on one candidate site (``summary.json``)."""
    hosted = run.solution.hosted_it_mw
    return {
        "developed": hosted > 1e-6,
        "it_capacity_mw": hosted,
        "it_capacity_bounds_mw": [
            site.data_center.min_it_capacity_mw,
            site.data_center.it_capacity_mw,
        ],
        "development_capex_usd": site.development_capex_usd,
        "cost_usd_per_yr": run.objective_usd_per_yr,
        # The water of the plan (cooling for the IT hosted, and generation), and what it
        # costs: part of the cost the sites are chosen on.
        "water_m3_per_yr": run.solution.water_m3_per_yr,
        "water_usd_per_yr": float(
            run.solution.costs.loc[run.solution.costs["component"] == "water", "usd_per_yr"].sum()
        ),
    }


def _hosting(site: Site, hosted_mw: float) -> Site:
    """Return a chosen site with the IT it hosts (``hosted_mw``, MW_IT) as its IT capacity."""
    chosen = site.data_center.model_copy(
        update={"it_capacity_mw": hosted_mw, "min_it_capacity_mw": 0.0}
    )
    return site.model_copy(update={"data_center": chosen})


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


def heat_driven(scenario: Scenario) -> set[str]:
    """Return the catalogue's heat-driven technologies (``resource == "heat"``), by id."""
    return {
        tech_id
        for tech_id, spec in scenario.technologies.items()
        if techs.of(spec).resource == "heat"
    }


def without_heat_recovery(scenario: Scenario, plans: dict[str, SiteResult]) -> Scenario | None:
    """Return the scenario's sites whose plan uses recovered heat, each without what uses it.

    The heat-driven technologies are taken off the list of each site whose plan (``plans``,
    by site id) built one; the sites solved with it in one model (coupled) come along. A
    plan that built none is what the site would have without them: it needs no second
    solve. None if no plan built one.
    """
    heat = heat_driven(scenario)

    def built(site_id: str) -> bool:
        caps = plans[site_id].capacities
        return bool((caps["technology"].isin(heat) & (caps["capacity"] > 0)).any())

    groups = [ids for ids in site_groups(scenario) if any(built(k) for k in ids)]
    if not groups:
        return None
    sites = {
        site_id: scenario.sites[site_id].model_copy(
            update={
                "technologies": [t for t in scenario.sites[site_id].technologies if t not in heat]
            }
        )
        for ids in groups
        for site_id in ids
    }
    return scenario.model_copy(update={"sites": sites})


def heat_recovery_summary(
    scenario: Scenario, with_heat: dict[str, SiteResult], without: dict[str, SiteResult]
) -> dict | None:
    """Compare each site's plan with heat-driven cooling against one without it.

    Both plans are sized and dispatched over the full year by the same pipeline; the one
    without takes the heat-driven technologies off the site (:func:`without_heat_recovery`).

    Each plan is sized on the scenario's steps and then dispatched over the full year; its
    full-year cost differs from the sizing's by its cost drift (typical days, relaxed
    commitment). Where the saving the sizing saw and the one the full year shows differ by
    at least the full year's saving, the sizing cannot tell the two plans apart: the
    saving is not a finding (``saving_within_accuracy``).

    Returns
    -------
    dict
        Per site: ``with`` and ``without``, each with its full-year annual cost [USD/yr],
        fuel [MMBtu/yr, HHV], CO2 [t/yr], electric load relieved [MWh/yr], the sizing
        model's annual cost [USD/yr] and the cost drift (full year / sizing - 1) [-];
        ``saved``: without minus with, per figure (``sizing_cost_usd_per_yr``: the saving
        on the sizing's steps); ``saving_within_accuracy``. The run adds ``kept``: the plan
        it keeps, ``with`` or ``without`` (the one of least full-year cost). A site that may
        use heat but whose plan built nothing to use it is not solved again: ``without``,
        ``saved`` and ``saving_within_accuracy`` are None, ``kept`` is ``with``. None if no
        site may use heat.
    """
    co2_t_per_mmbtu = scenario.economics.co2_kg_per_mmbtu / 1000

    def figures(site: SiteResult) -> dict:
        fuel = site.annual_mwh("fuel_mmbtu_per_h")
        last = site.sizing_passes[-1] if site.sizing_passes else {}
        return {
            "cost_usd_per_yr": float(site.costs["usd_per_yr"].sum()),
            "fuel_mmbtu_per_yr": fuel,
            "co2_t_per_yr": fuel * co2_t_per_mmbtu,
            "relief_mwh_per_yr": site.annual_mwh(techs.LOAD_RELIEF.column),
            "sizing_cost_usd_per_yr": last.get("sizing_cost_usd_per_yr"),
            "cost_drift": last.get("cost_drift"),
        }

    heat = heat_driven(scenario)
    out = {}
    for site_id, site in with_heat.items():
        if not heat & set(scenario.sites[site_id].technologies):
            continue
        if site_id not in without:  # nothing built to use heat: the plan is its own
            out[site_id] = {
                "with": figures(site),
                "without": None,
                "saved": None,
                "saving_within_accuracy": None,
                "kept": "with",
            }
            continue
        have, lack = figures(site), figures(without[site_id])
        saved = {
            key: lack[key] - have[key]
            for key in ("cost_usd_per_yr", "fuel_mmbtu_per_yr", "co2_t_per_yr")
        }
        sizing_saved = (lack["sizing_cost_usd_per_yr"] or 0.0) - (
            have["sizing_cost_usd_per_yr"] or 0.0
        )
        saved["sizing_cost_usd_per_yr"] = sizing_saved
        out[site_id] = {
            "with": have,
            "without": lack,
            "saved": saved,
            "saving_within_accuracy": abs(saved["cost_usd_per_yr"] - sizing_saved)
            >= abs(saved["cost_usd_per_yr"]),
        }
    return out or None
