"""Gas unit type parameters (pyomo-free)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from dcpower.schema import Fraction, NonNegative, Positive
from dcpower.techs.contract import GeneratorSpec


class GasTech(GeneratorSpec):
    """A catalogue gas unit type; the model builds an integer number of identical units."""

    kind: Literal["gas"] = "gas"
    unit_mw: Positive = Field(description="ISO rating of one unit. [MW]")
    capex_usd_per_kw: NonNegative = Field(description="Overnight capital cost. [USD/kW]")
    fom_usd_per_kw_yr: NonNegative = Field(description="Fixed O&M. [USD/kW/yr]")
    vom_usd_per_mwh: NonNegative = Field(description="Variable O&M. [USD/MWh]")
    lifetime_yr: Positive = Field(description="Economic lifetime. [yr]")
    heat_rate_full_load_mmbtu_per_mwh: Positive = Field(
        description="Full-load heat rate, HHV. [MMBtu/MWh]"
    )
    no_load_fuel_fraction: Annotated[float, Field(ge=0, lt=1)] = Field(
        description=(
            "Share of full-load fuel burnt per committed unit at zero output "
            "(straight-line part-load curve). [-]"
        )
    )
    min_load_fraction: Fraction = Field(
        description="Minimum stable load as a share of available output. [-]"
    )
    startup_cost_usd_per_mw: NonNegative = Field(
        description="Cost of one start per MW of unit rating. [USD/MW]"
    )
    ramp_pct_per_min: Positive = Field(description="Ramp rate of an online unit. [% of rating/min]")
    derate_start_c: float = Field(
        description="Ambient temperature above which output falls. [degC]"
    )
    derate_pct_per_c: NonNegative = Field(
        description="Output loss per degree above derate_start_c. [%/degC]"
    )
    load_step_fraction: Annotated[float, Field(gt=0, le=1)] = Field(
        1.0,
        description=(
            "Largest sudden load step a running unit accepts, as a share of its available "
            "output (ISO 8528-5 class or the maker's load-acceptance curve); 1 = no limit "
            "below its headroom. When a unit trips, each survivor takes at most this at "
            "once, and battery power covers the rest. [-]"
        ),
    )
    maintenance_h_per_yr: Annotated[float, Field(ge=0, le=4380)] = Field(
        0.0,
        description=(
            "Planned maintenance of one unit per year, taken in one piece in the lowest-load "
            "weeks of the full-year dispatch (dcpower.maintenance). [h/yr]"
        ),
    )
    start_time_min: NonNegative = Field(
        0.0,
        description=(
            "Time from a start command to full load. A unit that is built but not online "
            "backs the storage reserve of hourly N-1 only if it starts within the "
            "ride-through time. [min]"
        ),
    )
    auxiliaries_fraction: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.0,
        description=(
            "Plant auxiliaries (radiators, pumps, transformers) as a share of gross output: "
            "the unit's net output, the one modelled, is gross x derating x (1 - this). [-]"
        ),
    )
    heat_rate_start_c: float = Field(
        15.0, description="Ambient temperature above which heat rate rises. [degC]"
    )
    heat_rate_pct_per_c: NonNegative = Field(
        0.0, description="Heat-rate rise per degree above heat_rate_start_c. [%/degC]"
    )
    heat_recovery_fraction: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.0,
        description=(
            "Useful heat recoverable from the unit (jacket water and exhaust) as a share of "
            "its fuel, HHV: what a heat-driven technology (an absorption chiller) at the site "
            "may use. The catalogue types carry the makers' or the US EPA CHP catalogue's "
            "figure; 0 = none recovered. [-]"
        ),
    )
    max_units: Annotated[int, Field(ge=0)] = Field(
        40, description="Upper bound on units built per site. [-]"
    )
    dual_fuel: bool = Field(
        False,
        description=(
            "Units can run on liquid fuel from an on-site tank during gas-supply outages "
            "(same heat rate as on gas, an ESTIMATE). Fixed by a catalogue type "
            "(recip_engine_df is the dual-fuel engine, with its own rating and price); a "
            "type of your own that sets it includes the capability in its capex."
        ),
    )
    backup_fuel_hours: NonNegative | None = Field(
        None,
        description=(
            "Tank size of a dual-fuel type in hours of full load of its built units (ISO "
            "heat rate); none = the model sizes the tank. [h]"
        ),
    )

    @model_validator(mode="after")
    def _backup_fuel_only_for_dual_fuel(self) -> GasTech:
        if self.backup_fuel_hours is not None and not self.dual_fuel:
            raise ValueError(
                f"backup_fuel_hours = {self.backup_fuel_hours:g}: only for a dual-fuel type; "
                "set dual_fuel: true or leave it out"
            )
        return self


#: Capacity kind of a backup fuel tank (``capacities.csv``).
TANK_KIND = "backup_fuel_tank"


def backup_tank_id(tech_id: str) -> str:
    """Return the id of a dual-fuel unit type's backup fuel tank (capacities and costs)."""
    return f"{tech_id}_backup_tank"
