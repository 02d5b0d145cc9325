"""Hourly profiles of one site: the weather turned into what the model sees.

For every technology allowed at a site: PV and wind output per MW (pvlib, windpowerlib), gas
available-capacity and heat-rate factors (ambient derating), and the data-center load
(IT x PUE(T)). Plain function of the scenario's site section and the weather; no pyomo.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dcpower import techs
from dcpower.resource import load
from dcpower.scenario import Site
from dcpower.tariff import time_of_day_price
from dcpower.techs import profile_column


def site_profiles(
    site: Site, technologies: dict, weather: pd.DataFrame, metadata: dict
) -> pd.DataFrame:
    """Hourly inputs of the optimization for one site.

    Parameters
    ----------
    site : Site
        The scenario's site section (data center, allowed technologies).
    technologies : dict
        Technology catalogue by id (only those the site allows are used).
    weather : pd.DataFrame
        Hourly weather in the dcpower convention (``dcpower.weather``).
    metadata : dict
        Weather metadata (location, wind measurement height, roughness).

    Returns
    -------
    pd.DataFrame
        Indexed like ``weather``: ``temp_air`` [degC], ``ghi`` [W/m2], ``it_load_mw``,
        ``pue`` [-], ``load_mw`` [MW]; each technology's profile columns
        (``Technology.profile_columns``: ``pv_cf_<id>`` [MW/MW_ac], ``wind_cf_<id>``
        [MW/MW], ``gas_cf_<id>`` available output share and ``heat_rate_factor_<id>`` [-],
        and ``pv_cf``, ``wind_cf`` for the first of each);
        ``grid_price_usd_per_mwh`` [USD/MWh] (the tariff by local hour) if the site has a
        grid connection.
    """
    temp = weather["temp_air"]
    dc = site.data_center
    demand = load.data_center_load(
        temp,
        it_capacity_mw=dc.it_capacity_mw,
        utilization=dc.utilization,
        **dc.pue.model_dump(),
    )
    out = pd.DataFrame({"temp_air": temp, "ghi": weather["ghi"]}, index=weather.index)
    out = out.join(demand)
    for tech_id in site.technologies:
        spec = technologies[tech_id]
        technology = techs.of(spec)
        for name, values in technology.profile(spec, weather, metadata).items():
            out[profile_column(technology, name, tech_id)] = values
            bare = technology.profile_columns[name]
            if name in technology.first_of_kind_columns and bare not in out:
                out[bare] = values  # the run-folder contract's pv_cf / wind_cf
    if site.grid is not None:
        grid = site.grid
        out["grid_price_usd_per_mwh"] = time_of_day_price(
            out.index.hour,
            grid.day_price_usd_per_mwh,
            grid.night_price_usd_per_mwh,
            grid.day_start_hour,
            grid.day_end_hour,
        )
    return out


@dataclass(frozen=True)
class DesignPoint:
    """Where installed N+k is checked.

    Attributes
    ----------
    temp_air_c : float
        Design ambient temperature: the hottest hour, or the site's design temperature if
        hotter. [degC]
    peak_load_mw : float
        Data-center load to cover: the year's peak, or the load at the design temperature
        and full utilization if higher. [MW]
    gas_available_factor : dict
        Firm output share at the design point of each technology that counts in N+k (the
        gas unit types), by technology id. [-]
    """

    temp_air_c: float
    peak_load_mw: float
    gas_available_factor: dict


def profile_fields(technology, tech_id: str, hourly: pd.DataFrame) -> dict:
    """Return a technology's profile fields from a profiles table (its own columns)."""
    return {
        name: hourly[profile_column(technology, name, tech_id)].to_numpy()
        for name in technology.profile_columns
    }


def design_point(site: Site, technologies: dict, hourly: pd.DataFrame) -> DesignPoint:
    """Design point of a site from its hourly profiles and its design temperature.

    Parameters
    ----------
    site : Site
        The scenario's site section (``design_temp_air_c``, data center).
    technologies : dict
        Technology catalogue by id.
    hourly : pd.DataFrame
        Full-year profiles with ``temp_air``, ``load_mw`` and each technology's columns.

    Returns
    -------
    DesignPoint
    """
    temp = float(hourly["temp_air"].max())
    peak = float(hourly["load_mw"].max())
    design = site.design_temp_air_c
    hotter = design is not None and design > temp
    factors = {}
    for tech_id in site.technologies:
        spec = technologies[tech_id]
        technology = techs.of(spec)
        fields = profile_fields(technology, tech_id, hourly)
        factor = technology.design_factor(spec, fields, design if hotter else None)
        if factor is not None:
            factors[tech_id] = factor
    if not hotter:
        return DesignPoint(temp, peak, factors)
    dc = site.data_center
    full_utilization = max(dc.utilization) if isinstance(dc.utilization, list) else dc.utilization
    # One hour at the design temperature (the clock hour only matters for a daily profile,
    # and full utilization replaces it).
    at = pd.Series([design], index=pd.DatetimeIndex([pd.Timestamp("2023-07-01 15:00")]))
    hot = load.data_center_load(
        at, it_capacity_mw=dc.it_capacity_mw, utilization=full_utilization, **dc.pue.model_dump()
    )
    return DesignPoint(design, max(peak, float(hot["load_mw"].iloc[0])), factors)
