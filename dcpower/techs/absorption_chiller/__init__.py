"""Absorption chiller: recovered heat from the gas units takes cooling over from electricity.

Trigeneration: the gas units' recoverable heat (``heat_recovery_fraction`` of their fuel)
drives an absorption chiller, which relieves the data center's electric chillers. The
data center's load splits out its mechanical cooling (``cooling_electric_mw``: IT load x
(PUE - PUE with free cooling), ``dcpower.resource.load``); the chiller takes over at most
that. A unit that trips takes its heat with it, and the electric chillers must take the
cooling back: hourly N-1 covers that load as well (``dcpower.optimization.reliability``),
and the design point of N+k gives the absorption chiller no credit (its heat may come from
the very units that are out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dcpower.techs.absorption_chiller.spec import AbsorptionChillerTech
from dcpower.techs.contract import (
    HEAT_USED,
    LOAD_RELIEF,
    Asset,
    Checker,
    Contingency,
    Display,
    HeatDriven,
    Readback,
    SiteRows,
    Technology,
    Total,
    register,
)

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs

__all__ = ["AbsorptionChiller", "AbsorptionChillerTech"]

#: Cooling the absorption chillers deliver. [MW_th]
COOLING = Total("absorption_cooling_mw", 112, outage=False)


def _chiller_cop(c: Checker) -> float:
    """COP of the electric chillers at the checked site [-]."""
    return c.scenario.sites[c.site_id].data_center.pue.chiller_cop


@register
class AbsorptionChiller(Technology):
    """Single-effect absorption chiller on the gas units' recovered heat."""

    kind = "absorption_chiller"
    spec = AbsorptionChillerTech
    resource = "heat"
    display = Display(name="Absorption chiller", colour="#4DB6AC", order=45)
    catalogue = {"absorption_chiller": {}}
    totals = (LOAD_RELIEF, COOLING, HEAT_USED)
    summary_capacity = {"absorption_chiller_mw_th": ("absorption_chiller", "MW_th")}
    summary_generation = {"chiller_relief": "chiller_relief_mw"}

    def add_block(
        self, m: pyo.ConcreteModel, tech_id: str, spec: AbsorptionChillerTech, inp: SiteInputs
    ):
        """Add the chiller (see :mod:`dcpower.techs.absorption_chiller.block`)."""
        from dcpower.techs.absorption_chiller import block  # pyomo: only when a model is built

        block.add_block(m, tech_id, spec, inp)

    def read(self, block, tech_id: str, spec: AbsorptionChillerTech, index) -> Readback:
        """Cooling capacity [MW_th]; relief [MW], cooling and heat used [MW_th] per step."""
        from dcpower.techs.absorption_chiller import block as chiller_block

        return chiller_block.read(block, tech_id, self.kind, spec, index)

    def behaviour(self, tech_id: str, spec: AbsorptionChillerTech, rows: SiteRows):
        """Its relief, which lasts only while the gas units that give its heat run."""
        if rows.capacity(tech_id, "MW_th") <= 0:
            return None
        return HeatDriven(relief_mw=rows.column(f"chiller_relief_mw_{tech_id}"))

    def water_m3_per_yr(self, tech_id: str, spec: AbsorptionChillerTech, rows: SiteRows) -> float:
        """Return its cooling tower's water over the dispatched year [m3/yr]."""
        cooling = rows.column(f"{COOLING.column}_{tech_id}")
        weight = rows.column("weight_h", fill=1.0)
        return spec.water_m3_per_mwh_cooling * float(np.sum(cooling * weight))

    def assets(self, tech_id: str, spec: AbsorptionChillerTech, rows: SiteRows, scenario):
        """Return the chiller, if built."""
        capacity = rows.capacity(tech_id, "MW_th")
        if capacity <= 0:
            return []
        return [Asset(tech_id, self.kind, 1e3 * spec.capex_usd_per_kw * capacity, spec.lifetime_yr)]

    # -- independent checks (dcpower.verify)

    def check(self, tech_id: str, spec: AbsorptionChillerTech, c: Checker) -> None:
        """Cooling within capacity and the mechanical-cooling load; relief, heat consistent."""
        chiller_cop = _chiller_cop(c)
        per_cooling = spec.relief_per_cooling(chiller_cop)
        capacity = c.cap(tech_id, "MW_th")
        relief = c.d(f"chiller_relief_mw_{tech_id}")
        cooling = c.d(f"absorption_cooling_mw_{tech_id}")
        heat = c.d(f"heat_used_mw_{tech_id}")
        c.hourly(
            f"{tech_id} cooling <= capacity",
            capacity - cooling,
            max(capacity, 1.0),
            "MW_th",
            lambda i: f"{cooling[i]:.6g} MW_th of {capacity:.6g} MW_th",
        )
        for name, stated, expected, unit in (
            ("relief = cooling x (1/chiller_cop - parasitic)", relief, cooling * per_cooling, "MW"),
            ("heat used = cooling / cop", heat, cooling / spec.cop, "MW_th"),
        ):
            c.hourly(
                f"{tech_id} {name}",
                -np.abs(stated - expected),
                np.fmax(np.abs(expected), 1.0),
                unit,
                lambda i, s=stated, e=expected, u=unit: f"{s[i]:.6g} {u} vs {e[i]:.6g} {u}",
            )
        taken = c.d(COOLING.column) / chiller_cop
        mechanical = c.p("cooling_electric_mw")
        c.hourly(
            "absorption cooling / chiller_cop <= mechanical-cooling load",
            mechanical - taken,
            np.fmax(mechanical, 1.0),
            "MW",
            lambda i: (
                f"compressor load taken over {taken[i]:.6g} MW vs the data center's "
                f"mechanical cooling {mechanical[i]:.6g} MW"
            ),
        )

    def contingency(self, tech_id: str, spec: AbsorptionChillerTech, c: Checker, rules, integer):
        """Return its heat used and the relief it gives per MW of that heat."""
        return Contingency(
            heat_used_mw=c.d(f"heat_used_mw_{tech_id}"),
            relief_per_heat=spec.relief_per_cooling(_chiller_cop(c)) * spec.cop,
        )
