"""Onshore wind: output per MW from windpowerlib, capacity sized freely, curtailment allowed."""

from __future__ import annotations

import pandas as pd

from dcpower.resource import wind
from dcpower.techs.contract import Display, Total, register
from dcpower.techs.variable import CURTAILMENT, VariableRenewable
from dcpower.techs.wind.spec import WindTech

__all__ = ["Wind", "WindTech"]


@register
class Wind(VariableRenewable):
    """Onshore wind farm."""

    kind = "wind"
    spec = WindTech
    capex_field = "capex_usd_per_kw"
    display = Display(name="Wind", colour="#3A86C8", order=20)
    catalogue = {"wind_onshore": {}}
    first_of_kind_columns = frozenset({"cf"})
    profile_columns = {"cf": "wind_cf"}
    totals = (
        Total("wind_mw", 20, balance=1),
        CURTAILMENT,
    )
    summary_capacity = {"wind_mw": ("wind", "MW")}
    summary_generation = {"wind": "wind_mw"}

    def profile(self, spec: WindTech, weather: pd.DataFrame, metadata: dict) -> dict:
        """Return the output per MW from windpowerlib (``dcpower.resource.wind``) [MW/MW]."""
        options = {"turbine_type": spec.turbine_type, "hub_height_m": spec.hub_height_m}
        given = {k: v for k, v in options.items() if v is not None}
        return {"cf": wind.wind_cf(weather, metadata, **given).to_numpy()}

    def profile_figures(self, tech_id: str, spec: WindTech, hourly: pd.DataFrame) -> tuple:
        """Return the monthly and annual capacity factor."""
        cf = hourly[f"wind_cf_{tech_id}"]
        monthly = {f"{tech_id} CF": cf.groupby(cf.index.month).mean()}
        return monthly, {f"{tech_id} capacity factor": f"{cf.mean():.1%}"}
