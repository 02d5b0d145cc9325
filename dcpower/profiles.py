"""Hourly profiles of one site: the weather turned into what the model sees.

For every technology allowed at a site: PV and wind output per MW (pvlib, windpowerlib), gas
available-capacity and heat-rate factors (ambient derating), and the data-center load
(IT x PUE(T)). Plain function of the scenario's site section and the weather; no pyomo.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dcpower import techs
from dcpower.errors import ScenarioError
from dcpower.resource import load
from dcpower.scenario import Site
from dcpower.tariff import time_of_day_price
from dcpower.techs import profile_column
from dcpower.units import HOURS_PER_YEAR
from dcpower.weather.psychrometrics import wet_bulb_c
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
        Indexed like ``weather``: ``temp_air`` [degC], ``ghi`` [W/m2], where the weather
        has humidity ``relative_humidity`` [%] and ``temp_wet_bulb`` [degC], ``it_load_mw``,
        ``pue`` [-], ``load_mw`` [MW], where the cooling uses water ``cooling_water_m3``
        [m3 per hour]; each technology's profile columns
        (``Technology.profile_columns``: ``pv_cf_<id>`` [MW/MW_ac], ``wind_cf_<id>``
        [MW/MW], ``gas_cf_<id>`` available output share and ``heat_rate_factor_<id>`` [-],
        and ``pv_cf``, ``wind_cf`` for the first of each);
        ``grid_price_usd_per_mwh`` [USD/MWh] (the tariff by local hour) if the site has a
        grid connection.
    """
    temp = weather["temp_air"]
    dc = site.data_center
    out = pd.DataFrame({"temp_air": temp, "ghi": weather["ghi"]}, index=weather.index)
    if "relative_humidity" in weather:
        out["relative_humidity"] = weather["relative_humidity"]
        out["temp_wet_bulb"] = wet_bulb_c(temp.to_numpy(), weather["relative_humidity"])
    elif dc.pue.wet_bulb or dc.choose_cooling:
        field, instead = (
            ("choose_cooling = true", "choose_cooling: false")
            if dc.choose_cooling
            else ("pue.temperature = wet_bulb", "temperature: dry_bulb")
        )
        raise ScenarioError(
            f"data_center.{field}: the weather "
            f"({metadata.get('source') or metadata.get('name', 'of the site')}) has no "
            "relative humidity; allowed: a weather file with relative_humidity (EPW, PVGIS "
            "TMY, NASA POWER RH2M, a CSV column) or a climate site file with the dew_point_* "
            f"fields, else {instead}"
        )
    demand = load.data_center_load(
        out["temp_wet_bulb" if dc.pue.wet_bulb else "temp_air"],
        it_capacity_mw=dc.it_capacity_mw,
        utilization=dc.utilization,
        **dc.pue.curve(),
    )
    out = out.join(demand)
    if dc.water_l_per_kwh > 0:
        # m3 per hour = facility MW x 1000 kWh/MWh x L/kWh / 1000 L/m3.
        out["cooling_water_m3"] = out["load_mw"] * dc.water_l_per_kwh
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


def water_used_m3_per_yr(hourly: pd.DataFrame) -> float:
    """Water the data center's cooling uses in a year of profiles, any limit aside [m3/yr].

    Per 8760-hour year, as the models count a year (profiles of several years one after
    the other give their mean year).
    """
    if "cooling_water_m3" not in hourly:
        return 0.0
    return float(hourly["cooling_water_m3"].sum()) * HOURS_PER_YEAR / len(hourly)


@dataclass(frozen=True)
class DesignPoint:
    """The design basis of a site before sizing: where installed N+k is checked.

    Attributes
    ----------
    it_load_mw : float
        Contracted critical IT load: ``data_center.design_it_load_mw``, else the IT capacity
        (the halls full). Utilization is an energy assumption, not a design load. [MW]
    pue : float
        PUE at the design ambient (the site's PUE model, at ``pue_temp_c``). [-]
    temp_air_c : float
        Design ambient dry bulb: the site's design statistic, or the weather year's hottest
        hour where that is hotter or no statistic is given. [degC]
    temp_source : str
        The statistic and its source, or why the weather year's hottest hour is used.
    pue_driver : str
        The temperature the PUE follows: ``"dry bulb"`` or ``"wet bulb"``.
    pue_temp_c : float
        The design ambient of the PUE: ``temp_air_c``, or the design wet bulb (chosen as
        the dry bulb is). [degC]
    pue_temp_source : str
        Where ``pue_temp_c`` comes from.
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
    pue_driver: str
    pue_temp_c: float
    pue_temp_source: str

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
            "pue_driver": self.pue_driver,
            "pue_temp_c": self.pue_temp_c,
            "pue_temp_source": self.pue_temp_source,
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
    pue_temp, pue_source = _design_wet_bulb(site, hourly) if dc.pue.wet_bulb else (temp, source)
    factors, auxiliaries = {}, {}
    for tech_id in site.technologies:
        spec = technologies[tech_id]
        technology = techs.of(spec)
        factor = technology.design_factor(spec, profile_fields(technology, tech_id, hourly), temp)
        if factor is not None:
            factors[tech_id] = factor
            auxiliaries[tech_id] = technology.auxiliaries_fraction(spec)
    pue = float(load.pue_at(pue_temp, **dc.pue.curve()))
    driver = "wet bulb" if dc.pue.wet_bulb else "dry bulb"
    return DesignPoint(
        dc.design_it_mw, pue, temp, source, factors, auxiliaries, driver, pue_temp, pue_source
    )


def _design_wet_bulb(site: Site, hourly: pd.DataFrame) -> tuple[float, str]:
    """Return the design wet bulb [degC] and where it comes from (as the dry bulb's)."""
    if "temp_wet_bulb" not in hourly:
        raise ScenarioError(
            "data_center.pue.temperature = wet_bulb: the profiles have no temp_wet_bulb "
            "(the weather has no relative humidity)"
        )
    highest = float(hourly["temp_wet_bulb"].max())
    return _design_statistic(site, "design_wet_bulb_c", None, highest, "highest wet bulb")


def _design_ambient(site: Site, hottest_c: float) -> tuple[float, str]:
    """Return the design ambient dry bulb [degC] and where it comes from."""
    return _design_statistic(
        site, "design_temp_air_c", site.design_temp_source, hottest_c, "hottest hour"
    )


def _design_statistic(
    site: Site, field: str, given_source: str | None, highest_c: float, hour: str
) -> tuple[float, str]:
    """Return a design temperature and its source: the statistic, or the year's extreme hour.

    The statistic is the scenario site's ``field`` (``given_source`` says where it comes
    from), else the climate site file's (its source up to " Details:"). The weather
    year's extreme hour, which ``hour`` names ("hottest hour"), replaces a statistic it
    exceeds, or stands in for none.
    """
    statistic = getattr(site, field)
    source = given_source or f"scenario value ({field})"
    if statistic is None:
        climate = load_site(site.climate)
        statistic = getattr(climate, field)
        source = climate.source_of(field).split(" Details:")[0]
    if statistic is None:
        return highest_c, (
            f"{hour} of the weather year, NOT a design statistic: give "
            f"{field} in the scenario's site or in the climate site file"
        )
    if highest_c > statistic:
        return highest_c, (
            f"{hour} of the weather year, above the design statistic {statistic:g} degC ({source})"
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
