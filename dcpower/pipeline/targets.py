"""Reliability criteria: raise N+k until each site's Monte Carlo LOLE meets the criterion.

Also the solve of one group of sites of a run (``solve_group``), with the figures that cost a
solve of their own: the cost-of-reliability curve, outage insurance, shifting's saving.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from dcpower.availability import simulate_availability, verdict
from dcpower.pipeline.sizing import solve_sites
from dcpower.pipeline.studies import workload_summary
from dcpower.results import Result, SiteResult
from dcpower.run_folder import RunFolder
from dcpower.scenario import Scenario

log = logging.getLogger(__name__)

#: Highest N+k a reliability criterion may raise a site to (the cost curve stops there).
MAX_REDUNDANCY_K = 4


def with_site_redundancy(scenario: Scenario, site_id: str, k: int) -> Scenario:
    """Return a copy of the scenario whose site ``site_id`` has N+k with this k."""
    sites = dict(scenario.sites)
    sites[site_id] = sites[site_id].model_copy(update={"redundancy_k": k})
    return scenario.model_copy(update={"sites": sites})


def group_availability(scenario: Scenario, sites: dict[str, SiteResult]) -> dict:
    """Monte Carlo availability of solved sites, from their tables in memory.

    Sites that share flexible work are simulated together (work moves away from a site
    short of supply); others one by one. Nothing is written to disk. At least 100 years
    are simulated; with ``reliability.monte_carlo_years`` (100 or more) and its seed, each
    site's figures are those of the run folder (:func:`dcpower.availability.site_rng`).

    Returns
    -------
    dict
        :func:`dcpower.availability.simulate_availability` of these sites.
    """
    rules = scenario.reliability
    own = scenario.model_copy(update={"sites": {k: scenario.sites[k] for k in sites}})
    folder = RunFolder.from_result(Result(scenario=own, sites=sites))
    return simulate_availability(
        folder, years=max(rules.monte_carlo_years, 100), seed=rules.monte_carlo_seed
    )


def solve_to_target(
    scenario: Scenario,
    site_ids: list[str],
    start_sizing: dict[str, dict] | None = None,
    first_step: dict[str, SiteResult] | None = None,
) -> tuple[dict[str, SiteResult], dict[str, list[dict]], dict]:
    """Raise N+k site by site until each site's Monte Carlo LOLE meets the criterion.

    The criterion is ``reliability.criterion_lole_h_per_yr`` on ``lole_statistic`` of the
    simulated annual LOLE (not on a confidence bound, which narrows as more years are
    simulated). Starting from each site's k, every step adds one redundant unit (k + 1) at
    each site that does not meet it yet, re-sizes the sites (together, if they are coupled)
    and measures them again, up to the first step at which all meet it. ``first_step``: the
    sites already solved at their starting k (not solved again).

    Returns
    -------
    dict
        :class:`SiteResult` by site id: the first step at which every site meets the
        criterion (the last step tried if none does).
    dict
        The cost-of-reliability curve by site id: per step, the site's k, annual cost,
        extra cost over the first step, the criterion's verdict (statistic, value, its
        sampling interval, met, within sampling error) and whether it is the step chosen.
    dict
        The Monte Carlo of the step returned (:func:`group_availability`).
    """
    rules = scenario.reliability
    bound, statistic = rules.criterion_lole_h_per_yr, rules.lole_statistic
    ks = {site_id: scenario.site_reliability(site_id).redundancy_k for site_id in site_ids}
    curves: dict[str, list[dict]] = {site_id: [] for site_id in site_ids}
    chosen: dict[str, SiteResult] | None = None
    while True:
        trial = _with_redundancies(scenario, ks)
        sites = first_step or solve_sites(trial, site_ids, start_sizing)
        first_step = None
        simulated = group_availability(trial, sites)
        figures = simulated["sites"]
        verdicts = {s: verdict(figures[s], bound, statistic) for s in site_ids}
        all_meet = all(v["meets"] for v in verdicts.values())
        for site_id, site in sites.items():
            step = _curve_step(site, ks[site_id], verdicts[site_id], curves[site_id])
            curves[site_id].append(step | {"chosen": all_meet})
        if all_meet:
            chosen = sites
            break
        raise_k = [s for s in site_ids if not verdicts[s]["meets"] and ks[s] < MAX_REDUNDANCY_K]
        if not raise_k:
            break
        for site_id in raise_k:
            ks[site_id] += 1
        start_sizing = None  # the plan of the step before lacks the units now required
    if chosen is None:
        log.warning(
            "%s: reliability criterion (%s LOLE <= %.3g h/yr) not met even with k = %s",
            site_ids,
            statistic,
            bound,
            ks,
        )
        chosen = sites
        for curve in curves.values():
            curve[-1]["chosen"] = True
    return chosen, curves, simulated


def _with_redundancies(scenario: Scenario, ks: dict[str, int]) -> Scenario:
    """Return a copy of the scenario whose sites have N+k with these k, by site id."""
    for site_id, k in ks.items():
        scenario = with_site_redundancy(scenario, site_id, k)
    return scenario


def _curve_step(site: SiteResult, k: int, verdict_: dict, curve: list[dict]) -> dict:
    """Describe one step of a site's cost-of-reliability curve, but whether it is chosen.

    Parameters
    ----------
    site : SiteResult
        The site solved at this step.
    k : int
        Its N+k at this step.
    verdict_ : dict
        Its Monte Carlo verdict on the criterion (:func:`dcpower.availability.verdict`).
    curve : list of dict
        The site's steps before this one (the first is the reference for extra cost).

    Returns
    -------
    dict
        The step's row of ``reliability_curves`` (without ``chosen``).
    """
    cost = float(site.costs["usd_per_yr"].sum())
    first = curve[0]["cost_usd_per_yr"] if curve else cost
    return {
        "redundancy_k": k,
        "gas_units": {g: v["units"] for g, v in site.gas_units.items() if v["units"]},
        "cost_usd_per_yr": cost,
        "extra_cost_usd_per_yr": cost - first,
        "lole_statistic": verdict_["statistic"],
        "lole_h_per_yr": verdict_["lole_h_per_yr"],
        "lole_ci95_h_per_yr": verdict_["ci95"],
        "meets_criterion": verdict_["meets"],
        "within_sampling_error": verdict_["within_sampling_error"],
    }


@dataclass
class GroupSolution:
    """The solved sites of one model group, with what the run reports about the group.

    Attributes
    ----------
    sites : dict
        :class:`SiteResult` by site id.
    curves : dict
        Cost-of-reliability curve by site id (with a reliability criterion).
    workload : dict or None
        With workload shifting: what moved and what it saved (see :func:`workload_summary`).
    availability : dict or None
        With a reliability criterion: the Monte Carlo of the sites returned
        (:func:`group_availability`), which the run folder reports when it simulated
        ``reliability.monte_carlo_years`` (rather than simulating them again).
    """

    sites: dict[str, SiteResult]
    curves: dict[str, list[dict]] = field(default_factory=dict)
    workload: dict | None = None
    availability: dict | None = None


def solve_group(
    scenario: Scenario, site_ids: list[str], start_sizing: dict[str, dict] | None = None
) -> GroupSolution:
    """Solve one group of sites of a run (one site, or all sites if they are coupled).

    The group is raised to the reliability criterion if there is one. Each extra figure
    the run reports costs one more solve of the group: the cost of each outage insurance
    (gas-supply or grid outage windows: without them), and the saving of workload shifting
    (without it). ``start_sizing`` (investment decisions by site id) starts a coupled
    model; with shifting, the sites sized apart are the start.
    """
    shifts = len(site_ids) > 1 and scenario.workload.flexible_share > 0
    unshifted: dict[str, SiteResult] = {}
    if shifts:
        unshifted, start_sizing = _without_shifting(scenario, site_ids)
    group = GroupSolution(sites={})
    if scenario.reliability.criterion_lole_h_per_yr is not None:
        group.sites, group.curves, group.availability = solve_to_target(
            scenario, site_ids, start_sizing
        )
    else:
        group.sites = solve_sites(scenario, site_ids, start_sizing)
    _add_outage_insurance(scenario, site_ids, group.sites)
    if shifts:
        group.workload = workload_summary(scenario, group.sites, unshifted)
    return group


def _without_shifting(
    scenario: Scenario, site_ids: list[str]
) -> tuple[dict[str, SiteResult], dict[str, dict]]:
    """Solve the sites with no work moved: the reference for shifting's saving, and a start.

    Their plan (no work moved) is a feasible start for the coupled model, and the saving
    is measured against them, raised to the same reliability criterion if there is one.

    Returns
    -------
    dict
        :class:`SiteResult` by site id, without shifting (at the criterion, if any).
    dict
        Investment decisions by site id of the first sizing, to start the coupled model.
    """
    still = scenario.workload.model_copy(update={"flexible_share": 0.0})
    alone = scenario.model_copy(update={"workload": still})
    unshifted = solve_sites(alone, site_ids)
    start_sizing = {site_id: site.sizing for site_id, site in unshifted.items()}
    if scenario.reliability.criterion_lole_h_per_yr is not None:
        unshifted = solve_to_target(alone, site_ids, first_step=unshifted)[0]
    return unshifted, start_sizing


def _add_outage_insurance(
    scenario: Scenario, site_ids: list[str], sites: dict[str, SiteResult]
) -> None:
    """Add to each site the cost of each outage requirement: solved again without it."""
    rules = scenario.reliability
    connected = any(scenario.sites[site_id].grid is not None for site_id in site_ids)
    for kind, hours in rules.outage_hours(connected).items():
        without_rules = rules.model_copy(update={f"{kind}_outage_hours": 0})
        without = solve_sites(scenario.model_copy(update={"reliability": without_rules}), site_ids)
        for site_id, site in sites.items():
            cost = float(site.costs["usd_per_yr"].sum())
            base = float(without[site_id].costs["usd_per_yr"].sum())
            site.outage_insurance[kind] = {
                "hours": hours,
                "windows": "one per month, from its peak-load hour",
                "cost_usd_per_yr": cost,
                "cost_without_usd_per_yr": base,
                "insurance_cost_usd_per_yr": cost - base,
            }
