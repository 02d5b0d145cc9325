"""Emission limits: the CO2 cap and the minimum non-fuel share, per site and over all sites.

:func:`emission_checks` recomputes the year's CO2 and fuel-served energy from dispatch columns;
the site checks apply each site's limits to its rows, :func:`_system_emission_checks` the
scenario's limits to the rows of all sites together.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dcpower.scenario import Scenario
from dcpower.techs import LOAD_RELIEF
from dcpower.verify.checker import _SiteRecorder
from dcpower.verify.records import _fixed_check


def emission_checks(
    column: Callable[[str], np.ndarray],
    co2_t_per_mmbtu: float,
    co2_cap_t_per_yr: float | None,
    min_renewable_share: float | None,
) -> list[tuple]:
    """Arguments of one-figure checks of the emission limits that are set.

    Parameters
    ----------
    column : callable
        Returns a dispatch column (one site's rows, or every site's) as floats.
    co2_t_per_mmbtu : float
        CO2 per unit of fuel burnt. [tCO2/MMBtu]
    co2_cap_t_per_yr, min_renewable_share : float or None
        The limits (none = not set). [tCO2/yr], [-]

    Returns
    -------
    list of tuple
        ``(name, margin, scale, unit, detail)`` per limit set.
    """
    weight = column("weight_h")

    def annual(name: str) -> float:
        return float(np.sum(column(name) * weight))

    co2_t_per_yr = annual("fuel_mmbtu_per_h") * co2_t_per_mmbtu
    gas_mwh_per_yr = annual("gas_mw") + annual("grid_mw")
    # The energy the plant supplies: the load less what heat-driven cooling relieves.
    load_mwh_per_yr = annual("load_mw") - annual(LOAD_RELIEF.column)
    records = []
    if co2_cap_t_per_yr is not None:
        records.append(
            (
                "CO2 cap",
                co2_cap_t_per_yr - co2_t_per_yr,
                co2_cap_t_per_yr,
                "tCO2/yr",
                f"{co2_t_per_yr:,.1f} tCO2/yr against a cap of {co2_cap_t_per_yr:,.1f}",
            )
        )
    if min_renewable_share is not None:
        allowed = (1 - min_renewable_share) * load_mwh_per_yr
        records.append(
            (
                "minimum renewable share",
                allowed - gas_mwh_per_yr,
                load_mwh_per_yr,
                "MWh/yr",
                f"gas serves {gas_mwh_per_yr:,.1f} of {load_mwh_per_yr:,.1f} MWh/yr; at most "
                f"{allowed:,.1f} allowed (share {min_renewable_share:g} not from fuel)",
            )
        )
    return records


def _system_emission_checks(scenario: Scenario, dispatch: pd.DataFrame) -> list[dict]:
    """Emission limits over all sites together, from the summed dispatch."""
    limits = scenario.emissions
    if limits.co2_cap_t_per_yr is None and limits.min_renewable_share is None:
        return []
    out = []
    for name, margin, scale, unit, detail in emission_checks(
        lambda column: pd.to_numeric(dispatch[column], errors="coerce").to_numpy(dtype=float),
        scenario.economics.co2_kg_per_mmbtu / 1000,
        limits.co2_cap_t_per_yr,
        limits.min_renewable_share,
    ):
        tol = 1e-5 * max(1.0, abs(scale))
        out.append(_fixed_check("all sites", name, margin >= -tol, None, margin, unit, detail))
    return out


class _EmissionChecks(_SiteRecorder):
    """The site's own emission limits over the year."""

    def _check_emission_limits(self) -> None:
        """Check the site's CO2 cap and minimum non-fuel share over the year."""
        site = self.scenario.sites[self.s.site_id]
        for record in emission_checks(
            self.d, self._co2_t_per_mmbtu, site.co2_cap_t_per_yr, site.min_renewable_share
        ):
            self.single(*record)

    @property
    def _co2_t_per_mmbtu(self) -> float:
        return self.scenario.economics.co2_kg_per_mmbtu / 1000
