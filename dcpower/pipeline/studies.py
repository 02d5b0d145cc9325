"""Studies around the sizing: candidate siting, workload shifting's saving.

``choose_sites`` places the scenario's IT demand over its candidate sites before the run
sizes them; ``workload_summary`` reports what moved between sites and what it saved.
"""

from __future__ import annotations

import logging

from dcpower.aggregate import reduce_time, reduce_time_jointly
from dcpower.optimization.optimize import optimize_sites
from dcpower.pipeline.inputs import align_clocks, hourly_profiles, scenario_coupling, site_inputs
from dcpower.results import SiteResult
from dcpower.scenario import Scenario

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
