"""Onshore wind: output per MW from windpowerlib, capacity sized freely, curtailment allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dcpower.resource import wind
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
from dcpower.techs.renewable_checks import CURTAILMENT
from dcpower.techs.wind.spec import WindTech

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

    from dcpower.optimization.build import SiteInputs

__all__ = ["Wind", "WindTech"]


@register
class Wind(Technology):
    """Onshore wind farm."""

    kind = "wind"
    spec = WindTech
    resource = "variable"
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
        """Output per MW from windpowerlib (``dcpower.resource.wind``) [MW/MW]."""
        options = {"turbine_type": spec.turbine_type, "hub_height_m": spec.hub_height_m}
        given = {k: v for k, v in options.items() if v is not None}
        return {"cf": wind.wind_cf(weather, metadata, **given).to_numpy()}

    def add_block(self, m: pyo.ConcreteModel, tech_id: str, spec: WindTech, inp: SiteInputs):
        """Add the farm: capacity, output capped by the resource (see ``renewable``)."""
        from dcpower.techs import renewable  # pyomo: only when a model is built

        renewable.add_block(
            m, tech_id, spec.capex_usd_per_kw, spec, inp.profiles[tech_id]["cf"], inp
        )

    def read(self, block, tech_id: str, spec: WindTech, index) -> Readback:
        """Capacity [MW], output ``wind_mw_<id>`` and curtailment [MW]."""
        from dcpower.techs import renewable

        return renewable.read(block, tech_id, self.kind, index)

    def read_outage(self, block, tech_id: str, spec: WindTech, pairs: list) -> Readback:
        """Output in each outage-window step [MW]."""
        from dcpower.techs import renewable

        return renewable.read_outage(block, tech_id, self.kind, pairs)

    def behaviour(self, tech_id: str, spec, rows: SiteRows) -> Supply:
        """Output as dispatched (the weather's, never drawn to fail)."""
        return Supply(rows.column(f"wind_mw_{tech_id}"))

    def assets(self, tech_id: str, spec: WindTech, rows: SiteRows, scenario) -> list[Asset]:
        """Return the farm at its overnight cost per kW."""
        capex = 1e3 * spec.capex_usd_per_kw * rows.capacity(tech_id, "MW")
        return [Asset(tech_id, self.kind, capex, float(spec.lifetime_yr))]

    def profile_figures(self, tech_id: str, spec: WindTech, hourly: pd.DataFrame) -> tuple:
        """Return the monthly and annual capacity factor."""
        cf = hourly[f"wind_cf_{tech_id}"]
        monthly = {f"{tech_id} CF": cf.groupby(cf.index.month).mean()}
        return monthly, {f"{tech_id} capacity factor": f"{cf.mean():.1%}"}

    def check(self, tech_id: str, spec: WindTech, c: Checker) -> None:
        """Check its output within capacity x resource, hour by hour."""
        renewable_checks.check(self, tech_id, c)

    def recompute(self, tech_id: str, spec: WindTech, c: Checker) -> dict:
        """Return its curtailment: the resource offered beyond its output [MW]."""
        return renewable_checks.curtailment(self, tech_id, c)

    def window_limits(self, tech_id: str, spec: WindTech, c: Checker, windows: Windows):
        """Return its output in the window steps with capacity x resource."""
        return renewable_checks.window_limits(self, tech_id, c, windows)
