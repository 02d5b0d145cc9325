"""The cost-versus-CO2 frontier of a scenario, by the epsilon-constraint method.

The scenario is first solved as it stands (its least-cost plan, the frontier's end point);
then again with a cap on the CO2 of all sites together, tightened in equal steps down to
``(1 - max_reduction)`` of the least-cost plan's emissions. Every point is a full dcpower
plan: sized, then dispatched over the whole year with the cap in force.

A cap over all sites couples them into one model, which HiGHS finds hard to start. So each
point is first solved with the cap split over the sites in proportion to their least-cost
emissions (separate models, fast, and feasible for the shared cap); the coupled model then
starts from that plan and can only move abatement to where it is cheaper. If the coupled
solve finds nothing better in its time limit, the split plan is the point (status says so).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower.errors import DcpowerError, ScenarioError
from dcpower.pipeline import run
from dcpower.run_folder import plant_capacity_keys
from dcpower.run_summary import summarize
from dcpower.scenario import Scenario

log = logging.getLogger(__name__)

#: File names of ``dcpower pareto --out DIR``.
PARETO_TABLE, PARETO_FIGURE = "pareto.csv", "pareto.png"


def pareto_front(
    scenario: Scenario,
    points: int = 5,
    max_reduction: float = 0.5,
    progress: Callable[[int, float | None], None] | None = None,
) -> pd.DataFrame:
    """Trace the least cost of the scenario's plan at falling CO2 caps over all sites.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario; its own emission cap over all sites, if any, is the start.
    points : int
        Points on the frontier, the least-cost plan included (at least 2).
    max_reduction : float
        Cut of the last point against the least-cost plan's emissions, in (0, 1). [-]
    progress : callable, optional
        Called as ``progress(point, cap_t_per_yr)`` before each solve (cap None first).

    Returns
    -------
    pd.DataFrame
        One row per point, least-cost plan first: ``point, co2_cap_t_per_yr, status,
        co2_t_per_yr, cost_usd_per_yr, extra_cost_usd_per_yr, abatement_usd_per_t`` (average
        cost per tonne avoided against the first point), ``renewable_share``,
        ``unserved_mwh_per_yr`` and per site its gas units [MW], PV, wind and battery
        capacities. Points whose cap cannot be met have status ``infeasible`` and reason.
    """
    if points < 2:
        raise ScenarioError(f"points = {points}: a frontier needs at least 2 points")
    if not 0 < max_reduction < 1:
        raise ScenarioError(f"max_reduction = {max_reduction:g}: allowed: between 0 and 1")
    notify = progress or (lambda point, cap: None)
    plain = scenario.reliability.model_copy(update={"monte_carlo_years": 0})
    base = scenario.model_copy(update={"reliability": plain})
    notify(0, base.emissions.co2_cap_t_per_yr)
    least_cost = run(base, reports=False)
    rows = [_point(0, base.emissions.co2_cap_t_per_yr, least_cost)]
    start = rows[0]["co2_t_per_yr"]
    by_site = {k: v.co2_t_per_yr for k, v in summarize(least_cost).sites.items()}
    for point, share in enumerate(np.linspace(1, 1 - max_reduction, points)[1:], start=1):
        cap = float(start * share)
        notify(point, cap)
        rows.append(_capped_point(base, point, cap, share, by_site))
    table = pd.DataFrame(rows)
    first = table.iloc[0]
    table["extra_cost_usd_per_yr"] = table["cost_usd_per_yr"] - first["cost_usd_per_yr"]
    avoided = first["co2_t_per_yr"] - table["co2_t_per_yr"]
    table["abatement_usd_per_t"] = np.where(
        avoided > 1e-6, table["extra_cost_usd_per_yr"] / avoided.where(avoided > 1e-6), np.nan
    )
    return table


def _capped_point(
    base: Scenario, point: int, cap: float, share: float, by_site: dict[str, float]
) -> dict:
    """Solve one point: the cap split over the sites, then shared (started from the split)."""
    sites = {
        site_id: site.model_copy(update={"co2_cap_t_per_yr": by_site[site_id] * share})
        for site_id, site in base.sites.items()
    }
    try:
        split = run(base.model_copy(update={"sites": sites}), reports=False)
    except DcpowerError as err:
        log.warning("point %d (cap %.0f t/yr): %s", point, cap, err)
        return {"point": point, "co2_cap_t_per_yr": cap, "status": "infeasible", "reason": str(err)}
    if len(base.sites) == 1:
        return _point(point, cap, split)
    capped = base.model_copy(
        update={"emissions": base.emissions.model_copy(update={"co2_cap_t_per_yr": cap})}
    )
    start = {site_id: site.sizing for site_id, site in split.sites.items()}
    try:
        shared = run(capped, reports=False, start_sizing=start)
    except DcpowerError as err:
        log.warning("point %d: shared cap not solved (%s); the split plan stands", point, err)
        shared = None
    if shared is None or shared.costs["usd_per_yr"].sum() > split.costs["usd_per_yr"].sum():
        row = _point(point, cap, split)
        row["status"] = f"{row['status']} (cap split by site)"
        return row
    return _point(point, cap, shared)


def _point(point: int, cap: float | None, result) -> dict:
    """One frontier point from a solved result."""
    summary = summarize(result)
    totals = summary.totals
    row = {
        "point": point,
        "co2_cap_t_per_yr": cap,
        "status": summary.status,
        "reason": "",
        "co2_t_per_yr": totals.co2_t_per_yr,
        "cost_usd_per_yr": totals.cost_usd_per_yr,
        "renewable_share": summary.emissions.renewable_share,
        "unserved_mwh_per_yr": totals.unserved_mwh_per_yr,
    }
    for site_id, site in summary.sites.items():
        for key in plant_capacity_keys():
            row[f"{site_id}.{key}"] = site.capacity[key]
    return row


def is_monotone(table: pd.DataFrame, rel_tol: float = 0.0) -> bool:
    """Tell whether cost never falls as CO2 falls along the solved points of a frontier.

    Parameters
    ----------
    table : pd.DataFrame
        A frontier from :func:`pareto_front`.
    rel_tol : float
        Cost drop allowed between neighbours, relative (e.g. the solver's MIP gap). [-]
    """
    solved = table[table["status"] != "infeasible"].sort_values("co2_t_per_yr", ascending=False)
    cost = solved["cost_usd_per_yr"].to_numpy()
    return bool(np.all(np.diff(cost) >= -rel_tol * np.abs(cost[:-1])))


def write_pareto(table: pd.DataFrame, out: str | Path, title: str) -> dict[str, Path]:
    """Write the frontier table and its chart (cost against CO2) into a folder.

    Returns
    -------
    dict
        ``{"table": path, "figure": path}``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"table": out / PARETO_TABLE, "figure": out / PARETO_FIGURE}
    table.to_csv(paths["table"], index=False, float_format="%.9g")
    solved = table[table["status"] != "infeasible"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(solved["co2_t_per_yr"] / 1e3, solved["cost_usd_per_yr"] / 1e6, "o-", color="#1f4e79")
    first = solved.iloc[0]
    ax.annotate(
        "least cost",
        (first["co2_t_per_yr"] / 1e3, first["cost_usd_per_yr"] / 1e6),
        textcoords="offset points",
        xytext=(-10, 10),
        ha="right",
    )
    ax.set_xlabel("CO2, all sites [kt/yr]")
    ax.set_ylabel("total annual cost [M USD/yr]")
    ax.set_title(f"{title}: cost against CO2 (epsilon-constraint)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(paths["figure"], dpi=150)
    plt.close(fig)
    return paths
