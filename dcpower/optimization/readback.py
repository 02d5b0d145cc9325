"""Read a solved site model back into tidy tables: capacities, dispatch per step, annual costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower.optimization.build import SiteInputs
from dcpower.results import DISPATCH_TOTALS, OUTAGE_TOTALS
from dcpower.scenario import BatteryTech, GasTech, PVTech, WindTech
from dcpower.techs import battery, gas, grid, renewable
from dcpower.techs.base import ZERO_TOLERANCE, values, window_values


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
    rows: list[tuple[str, str, float, str]] = []
    gas_units: dict[str, dict] = {}
    out = pd.DataFrame(index=index)
    # The load served: the profile (scaled to the IT hosted at a candidate site), plus IT
    # load moved in (+) or out (-) over the fiber.
    out["load_mw"] = values(m.demand_mw)
    if hasattr(m, "it_shift_mw"):
        out["it_shift_mw"] = values(m.it_shift_mw)
    sums = {key: np.zeros(len(index)) for key in DISPATCH_TOTALS}
    for tech_id, tech in inp.technologies.items():
        block = m.component(tech_id)
        if isinstance(tech, PVTech | WindTech):
            cap, d = renewable.extract(block, index)
            kind = "pv" if isinstance(tech, PVTech) else "wind"
            rows.append((tech_id, kind, cap["capacity_mw"], "MW"))
            out[f"{kind}_mw_{tech_id}"] = d["power_mw"].to_numpy()
            sums[f"{kind}_mw"] += d["power_mw"].to_numpy()
            sums["curtailment_mw"] += d["curtailment_mw"].to_numpy()
        elif isinstance(tech, BatteryTech):
            cap, d = battery.extract(block, index)
            rows.append((tech_id, "battery", cap["power_mw"], "MW"))
            rows.append((tech_id, "battery", cap["energy_mwh"], "MWh"))
            sums["battery_charge_mw"] += d["charge_mw"].to_numpy()
            sums["battery_discharge_mw"] += d["discharge_mw"].to_numpy()
            sums["battery_soc_mwh"] += d["soc_mwh"].to_numpy()
        elif isinstance(tech, GasTech):
            cap, d = gas.extract(block, index)
            gas_units[tech_id] = {"units": cap["units"], "unit_mw": tech.unit_mw}
            rows.append((tech_id, "gas", cap["units"] * tech.unit_mw, "MW"))
            rows.append((tech_id, "gas", cap["units"], "units"))
            if cap["tank_mmbtu"] > 0:
                rows.append(
                    (gas.backup_tank_id(tech_id), gas.TANK_KIND, cap["tank_mmbtu"], "MMBtu")
                )
            out[f"gas_mw_{tech_id}"] = d["power_mw"].to_numpy()
            out[f"gas_units_online_{tech_id}"] = d["units_online"].to_numpy()
            out[f"gas_startups_{tech_id}"] = d["startups"].to_numpy()
            sums["gas_mw"] += d["power_mw"].to_numpy()
            sums["gas_units_online"] += d["units_online"].to_numpy()
            sums["fuel_mmbtu_per_h"] += d["fuel_mmbtu_per_h"].to_numpy()
    sums["grid_mw"] = grid.extract(m.component(grid.BLOCK_NAME), index).to_numpy()
    for key, series in sums.items():
        out[key] = series
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
        charge the window inherits), ``load_mw``, the totals of :data:`OUTAGE_TOTALS`
        [MW, MWh], ``unserved_mw``, and per technology ``pv_mw_<id>``, ``wind_mw_<id>``,
        ``gas_mw_<type>``, ``gas_units_online_<type>``, ``backup_fuel_mmbtu_per_h_<type>``
        (liquid fuel of a dual-fuel type in gas-supply outages) [MMBtu/h HHV].
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
    sums = {key: np.zeros(len(pairs)) for key in OUTAGE_TOTALS}
    for tech_id, tech in inp.technologies.items():
        block = m.component(tech_id)
        if isinstance(tech, PVTech | WindTech):
            kind = "pv" if isinstance(tech, PVTech) else "wind"
            power = renewable.extract_outage(block, pairs)
            out[f"{kind}_mw_{tech_id}"] = power
            sums[f"{kind}_mw"] += power
        elif isinstance(tech, BatteryTech):
            d = battery.extract_outage(block, pairs)
            for column in ("charge_mw", "discharge_mw", "soc_mwh"):
                sums[f"battery_{column}"] += d[column].to_numpy()
        elif isinstance(tech, GasTech):
            d = gas.extract_outage(block, pairs)
            out[f"gas_mw_{tech_id}"] = d["power_mw"].to_numpy()
            out[f"gas_units_online_{tech_id}"] = d["units_online"].to_numpy()
            out[f"backup_fuel_mmbtu_per_h_{tech_id}"] = d["backup_fuel_mmbtu_per_h"].to_numpy()
            sums["gas_mw"] += d["power_mw"].to_numpy()
            sums["gas_units_online"] += d["units_online"].to_numpy()
    sums["grid_mw"] = grid.extract_outage(m.component(grid.BLOCK_NAME), pairs)
    for key, series in sums.items():
        out[key] = series
    out["unserved_mw"] = window_values(m.outage_unserved_mw, pairs)
    return out


def _clean(value: float) -> float:
    """Return a solved scalar, with round-off below the zero tolerance as zero."""
    return 0.0 if abs(value) < ZERO_TOLERANCE else float(value)
