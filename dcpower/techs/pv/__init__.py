"""Utility PV: output per MW_ac from pvlib, capacity sized freely, curtailment allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dcpower.resource import pv
from dcpower.techs import renewable_checks
from dcpower.techs.contract import (
    Asset,
    Checker,
    Display,
    Readback,
    SiteRows,
    Supply,
    Technology,
    Total,
    Windows,
    register,
)
from dcpower.techs.pv.spec import PVTech
from dcpower.techs.renewable_checks import CURTAILMENT

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs

__all__ = ["PV", "PVTech"]


@register
class PV(Technology):
    """Utility PV plant (fixed tilt or single-axis tracking)."""

    kind = "pv"
    spec = PVTech
    resource = "variable"
    degrades = True
    display = Display(name="PV", colour="#F2B701", order=10)
    catalogue = {"pv_fixed": {}, "pv_single_axis": {"mounting": "single_axis"}}
    first_of_kind_columns = frozenset({"cf"})
    profile_columns = {"cf": "pv_cf"}
    totals = (
        Total("pv_mw", 10, balance=1),
        CURTAILMENT,
    )
    summary_capacity = {"pv_mw": ("pv", "MW")}
    summary_generation = {"pv": "pv_mw"}

    def profile(self, spec: PVTech, weather: pd.DataFrame, metadata: dict) -> dict:
        """AC output per MW_ac from pvlib (``dcpower.resource.pv``) [MW/MW_ac]."""
        cf = pv.pv_ac_per_mw(weather, metadata, **spec.profile_parameters())
        return {"cf": cf.to_numpy()}

    def add_block(self, m: pyo.ConcreteModel, tech_id: str, spec: PVTech, inp: SiteInputs):
        """Add the plant: capacity, output capped by the resource (see ``renewable``)."""
        from dcpower.techs import renewable  # pyomo: only when a model is built

        renewable.add_block(
            m, tech_id, spec.capex_usd_per_kw_ac, spec, inp.profiles[tech_id]["cf"], inp
        )

    def read(self, block, tech_id: str, spec: PVTech, index) -> Readback:
        """Capacity [MW], output ``pv_mw_<id>`` and curtailment [MW]."""
        from dcpower.techs import renewable

        return renewable.read(block, tech_id, self.kind, index)

    def read_outage(self, block, tech_id: str, spec: PVTech, pairs: list) -> Readback:
        """Output in each outage-window step [MW]."""
        from dcpower.techs import renewable

        return renewable.read_outage(block, tech_id, self.kind, pairs)

    def behaviour(self, tech_id: str, spec, rows: SiteRows) -> Supply:
        """Output as dispatched (the weather's, never drawn to fail)."""
        return Supply(rows.column(f"pv_mw_{tech_id}"))

    def assets(self, tech_id: str, spec: PVTech, rows: SiteRows, scenario) -> list[Asset]:
        """Return the plant at its overnight cost per kW_ac."""
        capex = 1e3 * spec.capex_usd_per_kw_ac * rows.capacity(tech_id, "MW")
        return [Asset(tech_id, self.kind, capex, float(spec.lifetime_yr))]

    def profile_figures(self, tech_id: str, spec: PVTech, hourly: pd.DataFrame) -> tuple:
        """Return the monthly specific yield [kWh/kWp] and the annual AC capacity factor."""
        cf = hourly[f"pv_cf_{tech_id}"]
        monthly = {f"{tech_id} kWh/kWp": (cf / spec.dc_ac_ratio).groupby(cf.index.month).sum()}
        return monthly, {f"{tech_id} capacity factor (AC)": f"{cf.mean():.1%}"}

    def check(self, tech_id: str, spec: PVTech, c: Checker) -> None:
        """Check its output within capacity x resource, hour by hour."""
        renewable_checks.check(self, tech_id, c)

    def recompute(self, tech_id: str, spec: PVTech, c: Checker) -> dict:
        """Return its curtailment: the resource offered beyond its output [MW]."""
        return renewable_checks.curtailment(self, tech_id, c)

    def window_limits(self, tech_id: str, spec: PVTech, c: Checker, windows: Windows):
        """Return its output in the window steps with capacity x resource."""
        return renewable_checks.window_limits(self, tech_id, c, windows)
