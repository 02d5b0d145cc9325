"""Studies around the sizing: candidate siting, workload shifting's saving.

``choose_sites`` places the scenario's IT demand over its candidate sites before the run
sizes them; ``workload_summary`` reports what moved between sites and what it saved.
"""

from __future__ import annotations

import logging

from dcpower.optimization.optimize import SiteRun, optimize_sites
from dcpower.pipeline.inputs import (
    hourly_profiles,
    model_inputs,
    model_steps,
    on_model_clock,
    scenario_coupling,
)
from dcpower.results import SiteResult
from dcpower.scenario import Scenario, Site

log = logging.getLogger(__name__)


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
