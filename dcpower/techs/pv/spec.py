"""PV plant parameters (pyomo-free)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from dcpower.resource import pv_defaults
from dcpower.schema import Fraction, NonNegative, Positive
from dcpower.techs.contract import GeneratorSpec

#: PVTech fields that price or bound the plant rather than shape its hourly output.
_PV_COST_FIELDS = frozenset(
    {
        "kind",
        "capex_usd_per_kw_ac",
        "fom_usd_per_kw_yr",
        "lifetime_yr",
        "max_mw",
        "water_m3_per_mwh",
    }
)


class PVTech(GeneratorSpec):
    """Utility PV plant; its output per MW_ac comes from pvlib (``dcpower.resource.pv``)."""

    kind: Literal["pv"] = "pv"
    capex_usd_per_kw_ac: NonNegative = Field(
        description="Overnight capital cost per kW AC. [USD/kW_ac]"
    )
    fom_usd_per_kw_yr: NonNegative = Field(description="Fixed O&M. [USD/kW_ac/yr]")
    lifetime_yr: Positive = Field(description="Economic lifetime. [yr]")
    mounting: Literal["fixed", "single_axis"] = Field(
        "fixed", description="Fixed tilt or single-axis tracking."
    )
    dc_ac_ratio: Positive = Field(
        pv_defaults.DC_AC_RATIO, description="DC/AC ratio (inverter loading ratio). [-]"
    )
    max_mw: NonNegative | None = Field(
        None, description="Land-limited maximum AC capacity; none = unlimited. [MW_ac]"
    )
    tilt_deg: Annotated[float, Field(ge=0, le=90)] | None = Field(
        None,
        description=(
            "Fixed-tilt module tilt; none = the annual optimum for the site latitude "
            "(Jacobson & Jadhav 2018). Ignored by trackers. [deg]"
        ),
    )
    azimuth_deg: Annotated[float, Field(ge=0, le=360)] = Field(
        180.0,
        description=(
            "Fixed tilt: azimuth the modules face; tracker: azimuth of its axis "
            "(180 = south-facing / north-south axis). [deg]"
        ),
    )
    gcr: Annotated[float, Field(gt=0, lt=1)] = Field(
        pv_defaults.GCR, description="Ground coverage ratio: row slant width over row pitch. [-]"
    )
    max_angle_deg: Annotated[float, Field(gt=0, le=90)] = Field(
        pv_defaults.MAX_ANGLE_DEG, description="Tracker rotation limit. [deg]"
    )
    backtrack: bool = Field(True, description="Trackers backtrack to avoid row-to-row shading.")
    module_length_m: Annotated[float, Field(gt=0, le=10)] = Field(
        pv_defaults.PVWATTS_MODULE_LENGTH_M,
        description=(
            "Long side of a module; rows are 2 (fixed) or 1 (tracker) modules wide in portrait. [m]"
        ),
    )
    ground_clearance_m: Annotated[float, Field(ge=0, le=20)] = Field(
        pv_defaults.GROUND_CLEARANCE_M,
        description="Lowest module edge above the ground (trackers at their limit). [m]",
    )
    bifaciality: Fraction = Field(
        pv_defaults.BIFACIALITY,
        description="Rear over front module efficiency; 0 = monofacial modules. [-]",
    )
    albedo: Fraction = Field(pv_defaults.ALBEDO, description="Ground reflectance. [-]")
    gamma_pdc_per_c: Annotated[float, Field(ge=-0.02, le=0)] = Field(
        pv_defaults.GAMMA_PDC_PER_C,
        description="Temperature coefficient of module DC power. [1/degC]",
    )
    inverter_efficiency: Annotated[float, Field(gt=0, le=1)] = Field(
        pv_defaults.INVERTER_EFFICIENCY, description="Nominal inverter efficiency. [-]"
    )
    temperature_model: Literal[
        "open_rack_glass_glass",
        "close_mount_glass_glass",
        "open_rack_glass_polymer",
        "insulated_back_glass_polymer",
    ] = Field(
        pv_defaults.TEMPERATURE_MODEL,
        description="SAPM cell-temperature parameter set (pvlib key).",
    )
    dc_losses_pct: Annotated[float, Field(ge=0, lt=100)] = Field(
        pv_defaults.PVWATTS_DC_LOSSES_PCT,
        description=(
            "DC losses other than soiling, availability and row shading: mismatch, "
            "wiring, connections, LID, nameplate. [%]"
        ),
    )
    soiling_loss_pct: Annotated[float, Field(ge=0, lt=100)] = Field(
        pv_defaults.SOILING_LOSS_PCT, description="Soiling loss. [%]"
    )
    availability_loss_pct: Annotated[float, Field(ge=0, lt=100)] = Field(
        pv_defaults.AVAILABILITY_LOSS_PCT, description="Plant unavailability. [%]"
    )

    def profile_parameters(self) -> dict[str, Any]:
        """Return the fields that shape the hourly output (``dcpower.resource.pv``).

        Returns
        -------
        dict
            Keyword arguments of :func:`dcpower.resource.pv.pv_ac_per_mw`.
        """
        return self.model_dump(exclude=_PV_COST_FIELDS)
