"""Read a solved site model back into tidy tables: capacities, dispatch per step, annual costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower import techs
from dcpower.optimization.build import SiteInputs
from dcpower.techs import grid
from dcpower.techs.base import ZERO_TOLERANCE, values, window_values
from dcpower.techs.contract import Readback


@dataclass
class SiteSolution:
    """A solved site.

    Attributes
    ----------
    capacities : pd.DataFrame
        Columns ``technology, kind, capacity, unit`` (one row per sized quantity).
    gas_units : dict
        ``{unit type: {"units": n, "unit_mw": rating}}``.
    dispatch : pd.DataFrame
        One row per model step (index: step start time), power in MW, energy in MWh.
    costs : pd.DataFrame
        Columns ``technology, component, usd_per_yr``.
    capex_usd : dict
        Overnight capital cost by technology id. [USD]
    hosted_it_mw : float or None
        At a candidate site: the IT capacity it hosts (0 = not developed). [MW]
    water_m3_per_yr : float
        Water of the data center's cooling (for the IT hosted) and of the generating
        units, over the year the steps stand for. [m3/yr]
    outage_dispatch : pd.DataFrame or None
        Operation in each outage-window step (see :func:`read_outage_dispatch`); None
        without windows.
    """

    capacities: pd.DataFrame
    gas_units: dict
    dispatch: pd.DataFrame
    costs: pd.DataFrame
    capex_usd: dict
    hosted_it_mw: float | None = None
    water_m3_per_yr: float = 0.0
    outage_dispatch: pd.DataFrame | None = None


def read_site_solution(m: pyo.Block, inp: SiteInputs) -> SiteSolution:
    """Collect a solved site's results, one technology module at a time.

    Parameters
    ----------
    m : pyo.Block
        Solved site block (variable values loaded).
    inp : SiteInputs
        The inputs it was built from.
    """
    index = inp.index
    out = pd.DataFrame(index=index)
    # The load served: the profile (scaled to the IT hosted at a candidate site), plus IT
    # load moved in (+) or out (-) over the fiber.
    out["load_mw"] = values(m.demand_mw)
    if hasattr(m, "it_shift_mw"):
        out["it_shift_mw"] = values(m.it_shift_mw)
    by_tech = {
        tech_id: techs.of(spec).read(m.component(tech_id), tech_id, spec, index)
        for tech_id, spec in inp.technologies.items()
    }
    gas_units = {t: read.unit_group for t, read in by_tech.items() if read.unit_group is not None}
    reads = [*by_tech.values(), grid.read(m.component(grid.BLOCK_NAME), index)]
    rows = [row for read in reads for row in read.capacities]
    _add_columns(out, reads, techs.dispatch_totals())
    out["unserved_mw"] = values(m.unserved_mw)
    costs = pd.DataFrame(
        [
            (tech, component, _clean(pyo.value(expr)))
            for (tech, component), expr in m.registry.cost_usd_per_yr.items()
        ],
        columns=["technology", "component", "usd_per_yr"],
    )
    capacities = pd.DataFrame(rows, columns=["technology", "kind", "capacity", "unit"])
    capex = {tech: _clean(pyo.value(expr)) for tech, expr in m.registry.capex_usd.items()}
    out["weight_h"] = inp.weight_h
    hosted = _clean(pyo.value(m.hosted_it_mw)) if hasattr(m, "hosted_it_mw") else None
    return SiteSolution(
        capacities=capacities,
        gas_units=gas_units,
        dispatch=out,
        costs=costs,
        capex_usd=capex,
        hosted_it_mw=hosted,
        water_m3_per_yr=_clean(pyo.value(m.water_m3_per_yr)),
        outage_dispatch=(
            # Reported only on chronological steps (typical-period windows are read back
            # through the full-year dispatch that always follows).
            read_outage_dispatch(m, inp) if hasattr(m, "OW") and m.periods is None else None
        ),
    )


def read_outage_dispatch(m: pyo.ConcreteModel, inp: SiteInputs) -> pd.DataFrame:
    """Operation in every outage-window step of a solved model, one technology at a time.

    Returns
    -------
    pd.DataFrame
        One row per window step: ``window`` (number), ``kind`` (what is unavailable: gas,
        grid), ``hours`` (outage length) [h], ``step`` (0 = first hour of the window),
        ``time`` (ISO 8601 start of the step), ``entry_time`` (the step whose state of
        charge the window inherits), ``load_mw``, the summed columns (``dispatch_totals``)
        [MW, MWh], ``unserved_mw``, and each technology's own columns
        (``Technology.read_outage``: e.g. ``pv_mw_<id>``, ``gas_mw_<type>``,
        ``backup_fuel_mmbtu_per_h_<type>`` [MMBtu/h HHV], ``battery_soc_mwh_<id>``).
    """
    pairs = list(m.OW)
    index = inp.index
    windows = m.outage_windows
    steps = [m.outage_step[p] for p in pairs]
    out = pd.DataFrame(
        {
            "window": [w for w, _ in pairs],
            "kind": [windows[w].kind for w, _ in pairs],
            "hours": [windows[w].hours for w, _ in pairs],
            "step": [k for _, k in pairs],
            "time": [index[t].isoformat() for t in steps],
            "entry_time": [index[m.outage_entry[w]].isoformat() for w, _ in pairs],
            "load_mw": inp.load_mw[steps],
        }
    )
    reads = [
        techs.of(spec).read_outage(m.component(tech_id), tech_id, spec, pairs)
        for tech_id, spec in inp.technologies.items()
    ]
    reads.append(grid.read_outage(m.component(grid.BLOCK_NAME), pairs))
    _add_columns(out, reads, techs.dispatch_totals(outage=True))
    out["unserved_mw"] = window_values(m.outage_unserved_mw, pairs)
    return out


def _add_columns(out: pd.DataFrame, reads: list[Readback], totals: tuple[str, ...]) -> None:
    """Add each technology's own columns, then the summed columns (zeros where none adds)."""
    n = len(out)
    sums = {column: np.zeros(n) for column in totals}
    for read in reads:
        for column, series in read.columns.items():
            out[column] = series
        for column, series in read.totals.items():
            sums[column] += series
    for column, series in sums.items():
        out[column] = series


def _clean(value: float) -> float:
    """Return a solved scalar, with round-off below the zero tolerance as zero."""
    return 0.0 if abs(value) < ZERO_TOLERANCE else float(value)
