"""Absorption chiller parameters (pyomo-free)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dcpower.schema import NonNegative, Positive
from dcpower.techs.contract import TechSpec


class AbsorptionChillerTech(TechSpec):
    """A heat-driven (absorption) chiller that takes cooling over from the electric chillers.

    It turns heat recovered from the site's gas units into cooling at ``cop`` and so
    relieves the electric chillers' compressors of ``cooling / chiller_cop`` (the data
    center's ``pue.chiller_cop``), less its own pumps and fans. Capacity is cooling output.
    Defaults come from the catalogue id ``absorption_chiller`` (``inputs/technologies.csv``).
    """

    kind: Literal["absorption_chiller"] = "absorption_chiller"
    cop: Positive = Field(
        description="Cooling delivered per unit of heat used (thermal COP). [MW_th/MW_th]"
    )
    capex_usd_per_kw: NonNegative = Field(
        description="Overnight capital cost per kW of cooling, installed. [USD/kW_th]"
    )
    fom_usd_per_kw_yr: NonNegative = Field(
        description="Fixed O&M per kW of cooling. [USD/kW_th/yr]"
    )
    lifetime_yr: Positive = Field(description="Economic lifetime. [yr]")
    parasitic_mw_per_mw: NonNegative = Field(
        0.0,
        description=(
            "Electricity its pumps and extra heat-rejection fans draw per MW of cooling. [MW/MW_th]"
        ),
    )
    water_m3_per_mwh_cooling: NonNegative = Field(
        0.0,
        description=(
            "Water its cooling tower consumes per MWh of cooling (evaporation of the heat it "
            "rejects, cooling plus the heat it uses), paid at the site's water price and "
            "counted against its water_limit_m3_per_yr. [m3/MWh_th]"
        ),
    )
    max_mw: NonNegative | None = Field(
        None, description="Upper bound on the cooling capacity built; none = no bound. [MW_th]"
    )

    def relief_per_cooling(self, chiller_cop: float) -> float:
        """Electric load relieved per MW of cooling: ``1 / chiller_cop - parasitic``.

        Parameters
        ----------
        chiller_cop : float
            COP of the electric chillers it relieves (``data_center.pue.chiller_cop``). [-]

        Returns
        -------
        float
            [MW/MW_th]
        """
        return 1.0 / chiller_cop - self.parasitic_mw_per_mw
