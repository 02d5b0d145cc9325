"""One point of a sweep: its run (in a dask worker) and its flat table row.

A point's row holds its id, status, varied paths and input values, then per site and in
total the outputs of :data:`METRICS` and the gas units built, read from the run's
``summary.json`` (:func:`row_from_summary`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from dcpower import techs
from dcpower.errors import DcpowerError, InfeasibleError
from dcpower.run_folder import SiteSummary, Summary, read_summary
from dcpower.scenario import scenario_from_dict

#: Written into a point's run folder once its run has finished (its id, overrides, seconds).
POINT_JSON = "sweep_point.json"

#: Statuses of a point whose run folder was written.
SOLVED = ("optimal", "time_limit", "shortfall")
#: Statuses of a point whose run raised; "infeasible" is final (a rerun skips it), "error" is
#: tried again by a rerun.
FAILED = ("infeasible", "error")

#: Capacity metrics: gas capacity, and each registered technology's summary.json capacity
#: keys (pv_mw, battery_mwh, ...).
_CAPACITY_METRICS: dict[str, tuple[str, str, float]] = {
    "gas_mw": ("gas capacity", "MW", 1.0),
    **{
        key: (f"{tech.display.name} capacity", unit, 1.0)
        for tech in techs.technologies()
        for key, unit in tech.own_capacity().items()
    },
}

#: Output metrics per site and in total: column suffix -> (label, unit, scale for charts).
METRICS: dict[str, tuple[str, str, float]] = {
    "cost_usd_per_yr": ("annual cost", "M USD/yr", 1e-6),
    "lcoe_usd_per_mwh": ("LCOE", "USD/MWh", 1.0),
    "capex_usd": ("overnight capex", "M USD", 1e-6),
    "co2_t_per_yr": ("CO2", "kt/yr", 1e-3),
    "unserved_mwh_per_yr": ("unserved energy", "MWh/yr", 1.0),
    "renewable_share": ("renewable share", "%", 100.0),
    "required_tariff_usd_per_mwh": ("required tariff", "USD/MWh", 1.0),
    **_CAPACITY_METRICS,
    "availability_pct": ("availability (Monte Carlo mean)", "%", 1.0),
    "lole_h_per_yr": ("loss-of-load expectation", "h/yr", 1.0),
}


_SIZES = tuple(_CAPACITY_METRICS)


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def row_from_summary(lead: dict, summary: Summary | dict, seconds: float) -> dict:
    """Return the flat table row of a point from its run's summary (``summary.json``)."""
    if isinstance(summary, dict):
        summary = Summary.from_dict(summary)
    row = dict(lead)
    row.update(
        status=summary.status,
        reason=None,
        objective_usd_per_yr=_num(summary.objective_usd_per_yr),
        mip_gap=_num(summary.mip_gap),
        seconds=float(seconds),
    )
    availability = (summary.reliability.availability or {}).get("sites") or {}
    finance = summary.finance or {}
    total = dict.fromkeys(_SIZES, 0.0)
    total_units: dict[str, int] = {}
    renewable = 0.0
    for site_id, site in summary.sites.items():
        _add_site_sizes(row, site_id, site.capacity, total, total_units)
        _add_site_figures(row, site_id, site, availability.get(site_id) or {})
        money = (finance.get("sites") or {}).get(site_id) or {}
        row[f"{site_id}.required_tariff_usd_per_mwh"] = _num(money.get("price_usd_per_mwh"))
        renewable += _num(site.renewable_share) * _num(site.load_mwh_per_yr)
    _add_totals(row, summary, total, total_units, renewable)
    row["total.required_tariff_usd_per_mwh"] = _num(
        (finance.get("totals") or {}).get("price_usd_per_mwh")
    )
    return row


def _add_site_sizes(
    row: dict, site_id: str, cap: dict, total: dict[str, float], total_units: dict[str, int]
) -> None:
    """Add a site's gas units per type and sizes to the row, and to the running totals."""
    gas_mw = 0.0
    for gas_type, built in cap["gas"].items():
        row[f"{site_id}.gas_units.{gas_type}"] = int(built["units"])
        total_units[gas_type] = total_units.get(gas_type, 0) + int(built["units"])
        gas_mw += built["units"] * built["unit_mw"]
    sizes = {key: cap.get(key, 0.0) for key in _SIZES}
    sizes["gas_mw"] = gas_mw
    for key, value in sizes.items():
        row[f"{site_id}.{key}"] = float(value)
        total[key] += float(value)


def _add_site_figures(row: dict, site_id: str, site: SiteSummary, figures: dict) -> None:
    """Add a site's costs, emissions, unserved energy and Monte Carlo availability to the row."""
    for key in (
        "capex_usd",
        "cost_usd_per_yr",
        "lcoe_usd_per_mwh",
        "co2_t_per_yr",
        "unserved_mwh_per_yr",
        "renewable_share",
    ):
        row[f"{site_id}.{key}"] = _num(getattr(site, key))
    row[f"{site_id}.availability_pct"] = _num(
        (figures.get("availability_time_pct") or {}).get("mean")
    )
    row[f"{site_id}.lole_h_per_yr"] = _num((figures.get("lole_h_per_yr") or {}).get("mean"))


def _add_totals(
    row: dict,
    summary: Summary,
    total: dict[str, float],
    total_units: dict[str, int],
    renewable: float,
) -> None:
    """Add the ``total.`` columns: sums over the sites, the run's totals, the worst site."""
    totals = summary.totals
    for gas_type, units in total_units.items():
        row[f"total.gas_units.{gas_type}"] = units
    for key, value in total.items():
        row[f"total.{key}"] = value
    for key in ("capex_usd", "cost_usd_per_yr", "lcoe_usd_per_mwh", "co2_t_per_yr"):
        row[f"total.{key}"] = _num(getattr(totals, key))
    row["total.unserved_mwh_per_yr"] = _num(totals.unserved_mwh_per_yr)
    load = _num(totals.load_mwh_per_yr)
    row["total.renewable_share"] = renewable / load if load else float("nan")
    sites = list(summary.sites)
    avail = [row[f"{s}.availability_pct"] for s in sites]
    lole = [row[f"{s}.lole_h_per_yr"] for s in sites]
    # The hub is as available as its worst site.
    row["total.availability_pct"] = min(avail) if avail else float("nan")
    row["total.lole_h_per_yr"] = max(lole) if lole else float("nan")


def _failed_row(lead: dict, status: str, reason: str, seconds: float) -> dict:
    return {**lead, "status": status, "reason": reason, "seconds": float(seconds)}


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or "(no message)"
    return text if isinstance(err, DcpowerError) else f"{type(err).__name__}: {text}"


def solve_point(pid: str, scenario: dict, run_dir: str, lead: dict) -> dict:
    """Run one point (in a dask worker) and return its table row; never raises.

    Parameters
    ----------
    pid : str
        The point id.
    scenario : dict
        The point's validated scenario, as a raw dict.
    run_dir : str
        Its run folder (``<out_dir>/runs/<id>``).
    lead : dict
        The row's id, varied paths and input values.
    """
    started = time.perf_counter()
    # A dask worker is a daemon process and may not start a pool of its own: the point's
    # dispatch windows are solved in the worker (the points are what runs in parallel).
    solver = scenario.get("solver") or {}
    scenario = {**scenario, "solver": {**solver, "dispatch_workers": 1}}
    try:
        from dcpower.pipeline import run

        run(
            scenario_from_dict(scenario, origin=f"sweep point {pid}"),
            out=run_dir,
            parallel=False,
            reports=False,  # each point's folder is complete; `dcpower report` can add them
        )
        seconds = time.perf_counter() - started
        folder = Path(run_dir)
        summary = read_summary(folder)
        marker = {"point_id": pid, "seconds": seconds, **lead}
        (folder / POINT_JSON).write_text(json.dumps(marker, indent=2, default=str))
        return row_from_summary(lead, summary, seconds)
    except InfeasibleError as err:
        return _failed_row(lead, "infeasible", _one_line(err), time.perf_counter() - started)
    except Exception as err:  # a point never stops the sweep
        return _failed_row(lead, "error", _one_line(err), time.perf_counter() - started)
