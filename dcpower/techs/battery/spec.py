"""Battery parameters (pyomo-free)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dcpower.schema import Fraction, NonNegative, Positive
from dcpower.techs.contract import TechSpec


class BatteryTech(TechSpec):
    """Li-ion battery with energy (MWh) and power (MW) sized and priced separately."""

    kind: Literal["battery"] = "battery"
    capex_energy_usd_per_kwh: NonNegative = Field(
        description="Capital cost of storage energy. [USD/kWh]"
    )
    capex_power_usd_per_kw: NonNegative = Field(
        description="Capital cost of power conversion. [USD/kW]"
    )
    fom_energy_usd_per_kwh_yr: NonNegative = Field(
        0.0, description="Fixed O&M on energy. [USD/kWh/yr]"
    )
    fom_power_usd_per_kw_yr: NonNegative = Field(0.0, description="Fixed O&M on power. [USD/kW/yr]")
    lifetime_yr: Positive = Field(description="Economic lifetime. [yr]")
    eta_charge: Annotated[float, Field(gt=0, le=1)] = Field(description="Charging efficiency. [-]")
    eta_discharge: Annotated[float, Field(gt=0, le=1)] = Field(
        description="Discharging efficiency. [-]"
    )
    min_soc_fraction: Fraction = Field(
        0.0, description="State-of-charge floor as a share of energy capacity. [-]"
    )
    max_mwh: NonNegative | None = Field(
        None, description="Maximum energy capacity; none = unlimited. [MWh]"
    )
