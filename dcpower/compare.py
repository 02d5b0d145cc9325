"""Where should the next MW go? The same IT load served in different site layouts.

For a scenario with two or more sites, the whole IT capacity is placed at each site alone,
then at all sites as given without workload shifting, and (with a flexible share) with
shifting; each layout is a full dcpower run (sized, dispatched over the full year,
verified, availability by Monte Carlo), so the table compares like with like.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from dcpower.errors import ScenarioError
from dcpower.pipeline import run
from dcpower.run_folder import plant_capacity_keys
from dcpower.run_summary import summarize
from dcpower.scenario import Scenario

#: File name of ``dcpower compare --out DIR``.
COMPARE_TABLE = "compare.csv"


def layouts(scenario: Scenario, flexible_share: float | None) -> dict[str, Scenario]:
    """Scenario variants that serve the same total IT capacity in different layouts.

    Parameters
    ----------
    scenario : Scenario
        A scenario with at least two sites (as given: the "all sites" layout).
    flexible_share : float or None
        Share of IT load that may move between sites in the shifting layout; none = the
        scenario's own ``workload.flexible_share`` (no shifting layout if that is 0). [-]

    Returns
    -------
    dict
        Layout name -> scenario: ``<site> only`` per site (its data center sized to the
        total IT capacity), ``all sites, no shifting`` and, with a flexible share,
        ``all sites, shifting <share>``.
    """
    if len(scenario.sites) < 2:
        raise ScenarioError(
            f"scenario '{scenario.name}' has {len(scenario.sites)} site; comparing layouts "
            "needs at least two"
        )
    total_it = sum(site.data_center.it_capacity_mw for site in scenario.sites.values())
    share = scenario.workload.flexible_share if flexible_share is None else flexible_share
    still = scenario.workload.model_copy(update={"flexible_share": 0.0})
    out = {}
    for site_id, site in scenario.sites.items():
        whole = site.data_center.model_copy(update={"it_capacity_mw": total_it})
        out[f"{site_id} only"] = scenario.model_copy(
            update={
                "sites": {site_id: site.model_copy(update={"data_center": whole})},
                "workload": still,
            }
        )
    out["all sites, no shifting"] = scenario.model_copy(update={"workload": still})
    if share > 0:
        moving = scenario.workload.model_copy(update={"flexible_share": share})
        out[f"all sites, shifting {share:.0%}"] = scenario.model_copy(update={"workload": moving})
    return out


def compare_layouts(
    scenario: Scenario,
    flexible_share: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run every layout of :func:`layouts` and tabulate cost, CO2 and availability.

    Returns
    -------
    pd.DataFrame
        One row per layout: ``layout, sites, it_capacity_mw`` (per site, as text),
        the plant built over all sites (``gas_mw`` and each registered technology's capacity
        keys: ``pv_mw``, ``battery_mwh``, ...; ``run_folder.plant_capacity_keys``),
        ``capex_usd, cost_usd_per_yr,
        lcoe_usd_per_mwh, co2_t_per_yr, worst_availability_pct, worst_lole_h_per_yr``
        (the least available site), ``verified``, ``status``; with shifting also
        ``moved_mwh_it_per_yr``.
    """
    notify = progress or (lambda name: None)
    rows = []
    for name, variant in layouts(scenario, flexible_share).items():
        notify(name)
        with tempfile.TemporaryDirectory(prefix="dcpower-compare-") as scratch:
            result = run(variant, out=Path(scratch) / "run", reports=False)
        rows.append(_row(name, result))
    return pd.DataFrame(rows)


def _row(name: str, result) -> dict:
    summary = summarize(result)
    sites, totals = summary.sites, summary.totals
    available = (result.availability or {}).get("sites", {})
    worst = min(
        available.values(),
        key=lambda a: a["availability_time_pct"]["mean"],
        default=None,
    )
    moved = summary.workload_shifting
    return {
        "layout": name,
        "sites": ", ".join(sites),
        "it_capacity_mw": ", ".join(f"{k} {v.it_capacity_mw:g}" for k, v in sites.items()),
        **{key: sum(s.capacity[key] for s in sites.values()) for key in plant_capacity_keys()},
        "capex_usd": totals.capex_usd,
        "cost_usd_per_yr": totals.cost_usd_per_yr,
        "lcoe_usd_per_mwh": totals.lcoe_usd_per_mwh,
        "co2_t_per_yr": totals.co2_t_per_yr,
        "worst_availability_pct": None if worst is None else worst["availability_time_pct"]["mean"],
        "worst_lole_h_per_yr": None if worst is None else worst["lole_h_per_yr"]["mean"],
        "moved_mwh_it_per_yr": None if moved is None else moved["moved_mwh_it_per_yr"],
        "verified": bool(result.verification and result.verification["passed"]),
        "status": summary.status,
    }
