"""Variable renewables (PV, wind): capacity, output limited by the hourly resource, curtailment.

PV and wind share one formulation; they differ only in their parameters and profile, so both
technologies (``dcpower.techs.pv``, ``dcpower.techs.wind``) build their block here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower.techs.base import (
    add_linear_rows,
    annual_sum,
    capital_recovery_factor,
    values,
    window_values,
    zero_result,
)
from dcpower.techs.contract import Readback

if TYPE_CHECKING:  # pragma: no cover
    from dcpower.optimization.build import SiteInputs
    from dcpower.techs.pv.spec import PVTech
    from dcpower.techs.wind.spec import WindTech


def add_block(
    m: pyo.ConcreteModel,
    tech_id: str,
    capex_usd_per_kw: float,
    tech: PVTech | WindTech,
    cf: np.ndarray,
    inp: SiteInputs,
) -> pyo.Block:
    """Add a renewable plant of free size whose output is capped by its capacity factor.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model (set ``T``, registry).
    tech_id : str
        Technology id, used as block name and cost label.
    capex_usd_per_kw : float
        Overnight capital cost per kW of the capacity sized (kW_ac for PV). [USD/kW]
    tech : PVTech or WindTech
        Fixed O&M, lifetime and capacity limit.
    cf : np.ndarray
        Available output per MW of capacity, per time step. [MW/MW]
    inp : SiteInputs
        The site's inputs (for the discount rate).
    """
    b = pyo.Block()
    m.add_component(tech_id, b)
    b.capacity_mw = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, tech.max_mw))
    b.power_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    b.cf = np.asarray(cf, dtype=float)
    # Output never exceeds what the resource offers; the rest is curtailed.
    power = list(b.power_mw.values())
    add_linear_rows(b, "resource_limit", m.T, [(1, power), (-b.cf, b.capacity_mw)], "<=")
    reg = m.registry
    reg.injections_mw.append(b.power_mw)
    if hasattr(m, "OW"):
        # During a gas-supply interruption the plant produces what the resource gives.
        b.outage_power_mw = pyo.Var(m.OW, within=pyo.NonNegativeReals)
        b.outage_resource_limit = pyo.Constraint(
            m.OW,
            rule=lambda b, w, k: (
                b.outage_power_mw[w, k] <= float(b.cf[m.outage_step[w, k]]) * b.capacity_mw
            ),
        )
        reg.outage_injections_mw.append(b.outage_power_mw)
    reg.sizing[f"{tech_id}.capacity_mw"] = b.capacity_mw
    reg.capex_usd[tech_id] = 1e3 * capex_usd_per_kw * b.capacity_mw
    annuity = capital_recovery_factor(inp.economics.wacc, tech.lifetime_yr)
    reg.cost_usd_per_yr[(tech_id, "capex")] = annuity * reg.capex_usd[tech_id]
    reg.cost_usd_per_yr[(tech_id, "fixed_om")] = 1e3 * tech.fom_usd_per_kw_yr * b.capacity_mw
    if tech.water_m3_per_mwh > 0:
        reg.water_m3_per_yr[tech_id] = tech.water_m3_per_mwh * annual_sum(m, b.power_mw)
    return b


CAPACITY_KEYS = ("capacity_mw",)
DISPATCH_COLUMNS = ("power_mw", "curtailment_mw")


def read(b: pyo.Block | None, tech_id: str, kind: str, index: pd.Index) -> Readback:
    """Capacity and hourly output, with curtailment, of a solved renewable block.

    ``b`` None stands for a plant sized to zero and left out of the model.

    Returns
    -------
    Readback
        Capacity ``(tech_id, kind, MW)``; column ``<kind>_mw_<id>``; totals ``<kind>_mw``
        and ``curtailment_mw``. [MW]
    """
    if b is None:
        capacity, dispatch = zero_result(CAPACITY_KEYS, DISPATCH_COLUMNS, index)
    else:
        capacity_mw = float(values(b.capacity_mw)[0])
        power = values(b.power_mw)
        available = b.cf * capacity_mw
        capacity = {"capacity_mw": capacity_mw}
        dispatch = pd.DataFrame(
            {"power_mw": power, "curtailment_mw": np.maximum(available - power, 0.0)},
            index=index,
        )
    power = dispatch["power_mw"].to_numpy()
    return Readback(
        capacities=[(tech_id, kind, capacity["capacity_mw"], "MW")],
        columns={f"{kind}_mw_{tech_id}": power},
        totals={f"{kind}_mw": power, "curtailment_mw": dispatch["curtailment_mw"].to_numpy()},
    )


def read_outage(b: pyo.Block | None, tech_id: str, kind: str, pairs: list) -> Readback:
    """Output in each outage-window step, zeros for a plant left out [MW]."""
    power = window_values(None if b is None else b.outage_power_mw, pairs)
    return Readback(columns={f"{kind}_mw_{tech_id}": power}, totals={f"{kind}_mw": power})
