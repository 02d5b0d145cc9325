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
from dcpower.weather.sites import load_site


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
    """The design basis of a site before sizing: where installed N+k is checked.

    Attributes
    ----------
    it_load_mw : float
        Contracted critical IT load: ``data_center.design_it_load_mw``, else the IT capacity
        (the halls full). Utilization is an energy assumption, not a design load. [MW]
    pue : float
        PUE at the design ambient (the site's PUE model, driven by the dry bulb). [-]
    temp_air_c : float
        Design ambient dry bulb: the site's design statistic, or the weather year's hottest
        hour where that is hotter or no statistic is given. [degC]
    temp_source : str
        The statistic and its source, or why the weather year's hottest hour is used.
    gas_available_factor : dict
        Net output share of a unit at the design ambient (derating x (1 - auxiliaries)) of
        each technology counted in N+k, by technology id. [-]
    auxiliaries_fraction : dict
        Plant auxiliaries of each of those technologies, as a share of gross output. [-]
    """

    it_load_mw: float
    pue: float
    temp_air_c: float
    temp_source: str
    gas_available_factor: dict
    auxiliaries_fraction: dict

    @property
    def facility_load_mw(self) -> float:
        """Data-center load at the design point, IT load x PUE (before plant auxiliaries) [MW]."""
        return self.it_load_mw * self.pue

    def record(self) -> dict:
        """Return the design inputs as ``summary.json`` holds them (before the plan's figures)."""
        return {
            "it_load_mw": self.it_load_mw,
            "pue": self.pue,
            "facility_load_mw": self.facility_load_mw,
            "temp_air_c": self.temp_air_c,
            "temp_source": self.temp_source,
            "pue_driver": "dry bulb",
            "gas_available_factor": dict(self.gas_available_factor),
            "auxiliaries_fraction": dict(self.auxiliaries_fraction),
        }


def design_point(site: Site, technologies: dict, hourly: pd.DataFrame) -> DesignPoint:
    """Design point of a site: the design IT load at the PUE and derating of the design ambient.

    The design ambient is ``sites.<id>.design_temp_air_c`` if given, else the climate site
    file's ``design_temp_air_c`` (a sourced statistic for the embedded sites), else the
    weather year's hottest hour, said so in ``temp_source``; the hottest hour also replaces
    a statistic that it exceeds.

    Parameters
    ----------
    site : Site
        The scenario's site section (design temperature, data center, technologies).
    technologies : dict
        Technology catalogue by id.
    hourly : pd.DataFrame
        Full-year profiles with ``temp_air`` and each technology's columns.

    Returns
    -------
    DesignPoint
    """
    temp, source = _design_ambient(site, float(hourly["temp_air"].max()))
    dc = site.data_center
    factors, auxiliaries = {}, {}
    for tech_id in site.technologies:
        spec = technologies[tech_id]
        technology = techs.of(spec)
        factor = technology.design_factor(spec, profile_fields(technology, tech_id, hourly), temp)
        if factor is not None:
            factors[tech_id] = factor
            auxiliaries[tech_id] = technology.auxiliaries_fraction(spec)
    pue = float(load.pue_at(temp, **dc.pue.model_dump()))
    return DesignPoint(dc.design_it_mw, pue, temp, source, factors, auxiliaries)


def _design_ambient(site: Site, hottest_c: float) -> tuple[float, str]:
    """Return the design ambient dry bulb [degC] and where it comes from."""
    if site.design_temp_air_c is not None:
        statistic = site.design_temp_air_c
        source = site.design_temp_source or "scenario value (design_temp_air_c)"
    else:
        climate = load_site(site.climate)
        statistic = climate.design_temp_air_c
        source = climate.design_temp_source.split(" Details:")[0]
    if statistic is None:
        return hottest_c, (
            "hottest hour of the weather year, NOT a design statistic: give "
            "design_temp_air_c in the scenario's site or in the climate site file"
        )
    if hottest_c > statistic:
        return hottest_c, (
            f"hottest hour of the weather year, above the design statistic {statistic:g} degC "
            f"({source})"
        )
    return float(statistic), source


def design_basis(point: DesignPoint, firms: list, k: int) -> dict:
    """Return the design basis of a sized plant: design load, firm capacity and margin.

    Firm capacity is gross output at the design ambient with the k largest units out (the
    k largest of all units, by net output) plus storage credited; the design load is the
    facility load plus the auxiliaries of the units left running. Margin = firm - load,
    which equals net firm capacity - facility load.

    Parameters
    ----------
    point : DesignPoint
        The design inputs.
    firms : list of (str, Firm)
        What each technology adds to N+k (``Technology.firm``; unit outputs are net).
    k : int
        Units out (N+k). [-]

    Returns
    -------
    dict
        ``point.record()`` plus ``redundancy_k``, ``units_out`` (text), ``auxiliaries_mw``,
        ``load_mw``, ``firm_capacity_mw`` and ``margin_mw``. [MW]
    """
    units = sorted(
        ((mw, tech_id) for tech_id, firm in firms for mw in firm.units_mw), key=lambda u: -u[0]
    )
    out = units[:k]
    net_firm = sum(firm.firm_mw for _, firm in firms) - sum(mw for mw, _ in out)
    share = point.auxiliaries_fraction
    auxiliaries = sum(mw * share.get(t, 0.0) / (1 - share.get(t, 0.0)) for mw, t in units[k:])
    counts: dict[tuple[str, float], int] = {}
    for mw, tech_id in out:
        counts[tech_id, mw] = counts.get((tech_id, mw), 0) + 1
    load_mw = point.facility_load_mw + auxiliaries
    return {
        **point.record(),
        "redundancy_k": k,
        "units_out": " + ".join(f"{n} x {t} ({mw:.4g} MW net)" for (t, mw), n in counts.items())
        or "none",
        "auxiliaries_mw": auxiliaries,
        "load_mw": load_mw,
        "firm_capacity_mw": net_firm + auxiliaries,
        "margin_mw": net_firm - point.facility_load_mw,
    }


def profile_fields(technology, tech_id: str, hourly: pd.DataFrame) -> dict:
    """Return a technology's profile fields from a profiles table (its own columns)."""
    return {
        name: hourly[profile_column(technology, name, tech_id)].to_numpy()
        for name in technology.profile_columns
    }
