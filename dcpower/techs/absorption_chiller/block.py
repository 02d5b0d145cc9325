"""Absorption chiller block: cooling capacity built, electric chiller load relieved per step.

Per step, the chiller delivers cooling ``q`` [MW_th] from heat ``q / cop`` recovered from
the site's gas units, and relieves the electric chillers' compressors of ``q / chiller_cop``
[MW], less its own pumps and fans ``parasitic x q``. The model's variable is the net relief
``r = q x (1 / chiller_cop - parasitic)``, injected into the site balance (load the plant
need not serve); the closing step keeps its heat within the heat recovered, and the
compressor load it takes over within the data center's mechanical-cooling load, in every
step, and hourly N-1 serves the relief again when a unit trips and takes its heat with it
(``dcpower.optimization.build`` and ``reliability``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyomo.environ as pyo

from dcpower.errors import ScenarioError
from dcpower.techs.absorption_chiller.spec import AbsorptionChillerTech
from dcpower.techs.base import add_linear_rows, annual_sum, capital_recovery_factor, values
from dcpower.techs.contract import Readback

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from dcpower.optimization.build import SiteInputs


def add_block(
    m: pyo.ConcreteModel, tech_id: str, spec: AbsorptionChillerTech, inp: SiteInputs
) -> pyo.Block:
    """Add the chiller: capacity [MW_th], net relief per step [MW], heat and cooling terms.

    Raises
    ------
    ScenarioError
        If its parasitic load is not below what its cooling saves (it would relieve nothing).
    """
    chiller_cop = inp.site.data_center.pue.chiller_cop
    per_cooling = spec.relief_per_cooling(chiller_cop)
    if per_cooling <= 0:
        raise ScenarioError(
            f"technologies.{tech_id}.parasitic_mw_per_mw = {spec.parasitic_mw_per_mw:g}: its "
            f"cooling would save no electricity against chillers of COP {chiller_cop:g} "
            f"(sites.{inp.site_id}.data_center.pue.chiller_cop); allowed: below "
            f"{1 / chiller_cop:.4g}"
        )
    b = pyo.Block()
    m.add_component(tech_id, b)
    b.relief_per_cooling = per_cooling  # read back with the solution
    b.capacity_mw = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, spec.max_mw))
    b.relief_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
    relief = list(b.relief_mw.values())
    # cooling = relief / per_cooling <= capacity
    add_linear_rows(b, "cooling_max", m.T, [(1 / per_cooling, relief), (-1, b.capacity_mw)], "<=")

    reg = m.registry
    reg.injections_mw.append(b.relief_mw)
    reg.heat_used_mw.append((1 / (per_cooling * spec.cop), b.relief_mw))
    reg.relief_per_heat.append(per_cooling * spec.cop)
    reg.cooling_relief_mw.append((1 / (per_cooling * chiller_cop), b.relief_mw))
    reg.relief_mwh_per_yr[tech_id] = annual_sum(m, b.relief_mw)
    if spec.water_m3_per_mwh_cooling > 0:  # cooling = relief / per_cooling
        water_per_relief = spec.water_m3_per_mwh_cooling / per_cooling
        reg.water_m3_per_yr[tech_id] = water_per_relief * reg.relief_mwh_per_yr[tech_id]
    reg.sizing[f"{tech_id}.capacity_mw"] = b.capacity_mw
    reg.capex_usd[tech_id] = 1e3 * spec.capex_usd_per_kw * b.capacity_mw
    annuity = capital_recovery_factor(inp.economics.wacc, spec.lifetime_yr)
    reg.cost_usd_per_yr[(tech_id, "capex")] = annuity * reg.capex_usd[tech_id]
    reg.cost_usd_per_yr[(tech_id, "fixed_om")] = 1e3 * spec.fom_usd_per_kw_yr * b.capacity_mw
    return b


def read(
    b: pyo.Block | None, tech_id: str, kind: str, spec: AbsorptionChillerTech, index: pd.Index
) -> Readback:
    """Capacity [MW_th] and, per step, relief [MW], cooling and heat used [MW_th].

    ``b`` None stands for a chiller not built and left out of the model (zeros).
    """
    zeros = np.zeros(len(index))
    if b is None:
        capacity, relief, cooling = 0.0, zeros, zeros
    else:
        capacity = float(values(b.capacity_mw)[0])
        relief = values(b.relief_mw)
        cooling = relief / b.relief_per_cooling
    heat = cooling / spec.cop
    return Readback(
        capacities=[(tech_id, kind, capacity, "MW_th")],
        columns={
            f"chiller_relief_mw_{tech_id}": relief,
            f"absorption_cooling_mw_{tech_id}": cooling,
            f"heat_used_mw_{tech_id}": heat,
        },
        totals={
            "chiller_relief_mw": relief,
            "absorption_cooling_mw": cooling,
            "heat_used_mw": heat,
        },
    )
