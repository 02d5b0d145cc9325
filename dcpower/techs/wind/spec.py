"""Wind farm parameters (pyomo-free)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dcpower.schema import NonNegative, Positive
from dcpower.techs.contract import GeneratorSpec


class WindTech(GeneratorSpec):
    """Onshore wind farm; its output per MW comes from windpowerlib (``dcpower.resource.wind``)."""

    kind: Literal["wind"] = "wind"
    capex_usd_per_kw: NonNegative = Field(description="Overnight capital cost. [USD/kW]")
    fom_usd_per_kw_yr: NonNegative = Field(description="Fixed O&M. [USD/kW/yr]")
    lifetime_yr: Positive = Field(description="Economic lifetime. [yr]")
    turbine_type: str | None = Field(
        None, description="windpowerlib turbine type; none = the library default."
    )
    hub_height_m: Positive | None = Field(
        None, description="Hub height; none = the profile default. [m]"
    )
    max_mw: NonNegative | None = Field(None, description="Maximum capacity; none = unlimited. [MW]")
