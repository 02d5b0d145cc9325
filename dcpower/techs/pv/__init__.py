"""Utility PV: output per MW_ac from pvlib, capacity sized freely, curtailment allowed."""

from __future__ import annotations

import pandas as pd

from dcpower.resource import pv
from dcpower.techs.contract import Display, Total, register
from dcpower.techs.pv.spec import PVTech
from dcpower.techs.variable import CURTAILMENT, VariableRenewable

__all__ = ["PV", "PVTech"]


@register
class PV(VariableRenewable):
    """Utility PV plant (fixed tilt or single-axis tracking)."""

    kind = "pv"
    spec = PVTech
    capex_field = "capex_usd_per_kw_ac"
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
        """Return the AC output per MW_ac from pvlib (``dcpower.resource.pv``) [MW/MW_ac]."""
        cf = pv.pv_ac_per_mw(weather, metadata, **spec.profile_parameters())
        return {"cf": cf.to_numpy()}

    def profile_figures(self, tech_id: str, spec: PVTech, hourly: pd.DataFrame) -> tuple:
        """Return the monthly specific yield [kWh/kWp] and the annual AC capacity factor."""
        cf = hourly[f"pv_cf_{tech_id}"]
        monthly = {f"{tech_id} kWh/kWp": (cf / spec.dc_ac_ratio).groupby(cf.index.month).sum()}
        return monthly, {f"{tech_id} capacity factor (AC)": f"{cf.mean():.1%}"}
