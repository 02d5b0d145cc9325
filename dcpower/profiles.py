"""Hourly profiles of one site: the weather turned into what the model sees.

For every technology allowed at a site: PV and wind output per MW (pvlib, windpowerlib), gas
available-capacity and heat-rate factors (ambient derating), and the data-center load
(IT x PUE(T)). Plain function of the scenario's site section and the weather; no pyomo.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dcpower.resource import gas, load, pv, wind
from dcpower.scenario import BatteryTech, GasTech, PVTech, Site, WindTech
from dcpower.tariff import time_of_day_price


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
        ``pue`` [-], ``load_mw`` [MW]; ``pv_cf_<id>`` [MW/MW_ac] and ``wind_cf_<id>``
        [MW/MW] per renewable technology, plus ``pv_cf`` and ``wind_cf`` (the first of each);
        ``gas_cf_<id>`` (available output share) and ``heat_rate_factor_<id>`` [-] per gas
        unit type; ``grid_price_usd_per_mwh`` [USD/MWh] (the tariff by local hour) if the
        site has a grid connection.
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
        tech = technologies[tech_id]
        if isinstance(tech, PVTech):
            cf = pv.pv_ac_per_mw(weather, metadata, **tech.profile_parameters())
            out[f"pv_cf_{tech_id}"] = cf.to_numpy()
            if "pv_cf" not in out:
                out["pv_cf"] = cf.to_numpy()
        elif isinstance(tech, WindTech):
            options = {"turbine_type": tech.turbine_type, "hub_height_m": tech.hub_height_m}
            cf = wind.wind_cf(
                weather, metadata, **{k: v for k, v in options.items() if v is not None}
            )
            out[f"wind_cf_{tech_id}"] = cf.to_numpy()
            if "wind_cf" not in out:
                out["wind_cf"] = cf.to_numpy()
        elif isinstance(tech, GasTech):
            out[f"gas_cf_{tech_id}"] = gas.available_capacity_factor(
                temp, derate_start_c=tech.derate_start_c, derate_pct_per_c=tech.derate_pct_per_c
            ).to_numpy()
            out[f"heat_rate_factor_{tech_id}"] = gas.heat_rate_factor(
                temp,
                heat_rate_start_c=tech.heat_rate_start_c,
                heat_rate_pct_per_c=tech.heat_rate_pct_per_c,
            ).to_numpy()
        elif not isinstance(tech, BatteryTech):
            raise TypeError(f"no profile for technology {tech_id!r} of type {type(tech).__name__}")
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
        Available output share per gas unit type at the design point. [-]
    """

    temp_air_c: float
    peak_load_mw: float
    gas_available_factor: dict


def design_point(site: Site, technologies: dict, hourly: pd.DataFrame) -> DesignPoint:
    """Design point of a site from its hourly profiles and its design temperature.

    Parameters
    ----------
    site : Site
        The scenario's site section (``design_temp_air_c``, data center).
    technologies : dict
        Technology catalogue by id.
    hourly : pd.DataFrame
        Full-year profiles with ``temp_air``, ``load_mw`` and ``gas_cf_<id>`` columns.

    Returns
    -------
    DesignPoint
    """
    gas_ids = [t for t in site.technologies if isinstance(technologies[t], GasTech)]
    temp = float(hourly["temp_air"].max())
    peak = float(hourly["load_mw"].max())
    factors = {g: float(hourly[f"gas_cf_{g}"].min()) for g in gas_ids}
    design = site.design_temp_air_c
    if design is None or design <= temp:
        return DesignPoint(temp, peak, factors)
    dc = site.data_center
    full_utilization = max(dc.utilization) if isinstance(dc.utilization, list) else dc.utilization
    # One hour at the design temperature (the clock hour only matters for a daily profile,
    # and full utilization replaces it).
    at = pd.Series([design], index=pd.DatetimeIndex([pd.Timestamp("2023-07-01 15:00")]))
    hot = load.data_center_load(
        at, it_capacity_mw=dc.it_capacity_mw, utilization=full_utilization, **dc.pue.model_dump()
    )
    for g in gas_ids:
        tech = technologies[g]
        hot_factor = gas.available_capacity_factor(
            at, derate_start_c=tech.derate_start_c, derate_pct_per_c=tech.derate_pct_per_c
        )
        factors[g] = min(factors[g], float(hot_factor.iloc[0]))
    return DesignPoint(design, max(peak, float(hot["load_mw"].iloc[0])), factors)
