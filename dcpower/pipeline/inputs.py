"""Inputs of the pipeline's models: hourly profiles, site inputs, clocks and site groups.

Everything a model of one or more sites reads before it is built: each site's full-year
hourly profiles (per weather year), its outage windows on the calendar, what ties sites
together, and one clock for sites that move work between them at the same instant.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower import techs as registered
from dcpower.aggregate import Steps, reduce_time, reduce_time_jointly
from dcpower.clock import rows_on_one_clock
from dcpower.errors import InfeasibleError, ScenarioError
from dcpower.optimization.build import Hosting, SiteInputs
from dcpower.optimization.outage import OutageWindow, outage_windows
from dcpower.optimization.siting import Coupling
from dcpower.phasing import phase_site, phase_weights
from dcpower.profiles import design_point, profile_fields, site_profiles, water_used_m3_per_yr
from dcpower.scenario import Scenario, Site, TimeHorizon
from dcpower.techs.base import capital_recovery_factor
from dcpower.weather import load_site, load_weather


def _year_weather(scenario: Scenario, site_id: str, year: int) -> tuple[pd.DataFrame, dict]:
    """Hourly weather of one of a site's weather years (its file, or the synthetic year)."""
    site = scenario.sites[site_id]
    weather_file, seed = site.weather_file, site.weather_seed
    if site.weather_years:
        entry = site.weather_years[year]
        weather_file, seed = (entry, 0) if isinstance(entry, Path) else (None, entry)
    return load_weather(load_site(site.climate), weather_file, seed=seed)


#: design_temp_statistic -> (label, figure of dcpower.weather.design.design_temperatures).
DESIGN_STATISTICS = {
    "annual_0.4": ("dry bulb exceeded in 0.4 % of hours", ("exceeded_c", 0.4)),
    "annual_1": ("dry bulb exceeded in 1 % of hours", ("exceeded_c", 1.0)),
    "extreme_mean": ("mean of the years' highest hours", ("extreme_mean_c", None)),
    "return_5": ("5-year return value of the annual highest hour", ("return_values_c", 5)),
    "return_10": ("10-year return value of the annual highest hour", ("return_values_c", 10)),
    "return_20": ("20-year return value of the annual highest hour", ("return_values_c", 20)),
    "return_50": ("50-year return value of the annual highest hour", ("return_values_c", 50)),
}


def with_design_ambients_from_years(scenario: Scenario) -> Scenario:
    """Set the design ambient of sites with ``design_temp_statistic`` from their weather years.

    The statistic (ASHRAE Handbook-Fundamentals ch. 14, :mod:`dcpower.weather.design`) of
    the site's weather years becomes its ``design_temp_air_c``, with a
    ``design_temp_source`` naming the statistic and the years; synthetic years are said
    to be no records. Other sites are unchanged.

    Returns
    -------
    Scenario
        A copy when any site changed, else ``scenario`` itself.
    """
    from dcpower.weather.design import design_temperatures

    changed = {}
    for site_id, site in scenario.sites.items():
        if site.design_temp_statistic is None:
            continue
        temps = [
            _year_weather(scenario, site_id, year)[0]["temp_air"]
            for year in range(weather_year_count(scenario, site_id))
        ]
        found = design_temperatures(temps)
        label, (figure, key) = DESIGN_STATISTICS[site.design_temp_statistic]
        value = found[figure] if key is None else found[figure][key]
        names = [
            entry.name if isinstance(entry, Path) else f"synthetic seed {entry}"
            for entry in site.weather_years
        ]
        synthetic = not all(isinstance(entry, Path) for entry in site.weather_years)
        source = (
            f"{label} of {len(names)} weather years ({', '.join(names)}), ASHRAE "
            "Handbook-Fundamentals ch. 14 method (dcpower weather design-temps)"
            + ("; synthetic years are NOT records" if synthetic else "")
        )
        changed[site_id] = site.model_copy(
            update={
                "design_temp_air_c": round(float(value), 2),
                "design_temp_source": source,
                "design_temp_statistic": None,
            }
        )
    if not changed:
        return scenario
    return scenario.model_copy(update={"sites": {**scenario.sites, **changed}})


def hourly_profiles(scenario: Scenario, site_id: str, year: int | None = None) -> pd.DataFrame:
    """Full-year hourly profiles of one site of a scenario (weather, resource, load).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    site_id : str
        One of ``scenario.sites``.
    year : int, optional
        Which of the site's stages (:func:`stage_count`): its ``weather_years``, or the
        phases of its build-out (on its one weather year, with the phase's IT load). None =
        the stage a run reports: the first weather year, the last phase (the campus
        complete).

    Returns
    -------
    pd.DataFrame
        See :func:`dcpower.profiles.site_profiles`.
    """
    phased = scenario.sites[site_id].data_center.phases is not None
    if year is None:
        year = stage_count(scenario, site_id) - 1 if phased else 0
    weather, metadata = _year_weather(scenario, site_id, 0 if phased else year)
    site = stage_site(scenario, site_id, year)
    return site_profiles(site, scenario.technologies, weather, metadata)


def weather_year_count(scenario: Scenario, site_id: str) -> int:
    """Return the number of weather years a site is sized on."""
    return len(scenario.sites[site_id].weather_years or [None])


def stage_count(scenario: Scenario, site_id: str) -> int:
    """Return the number of model blocks of a site: its build-out phases or weather years."""
    phases = scenario.sites[site_id].data_center.phases
    return len(phases) if phases else weather_year_count(scenario, site_id)


def stage_site(scenario: Scenario, site_id: str, stage: int) -> Site:
    """Return the site as one of its stages has it: a build-out phase's IT capacity."""
    site = scenario.sites[site_id]
    phases = site.data_center.phases
    return site if phases is None else phase_site(site, phases[stage])


def phase_of(scenario: Scenario, site_id: str, stage: int) -> tuple[int | None, float | None]:
    """Return the calendar year and objective weight of a build-out phase (None, None if not)."""
    phases = scenario.sites[site_id].data_center.phases
    if phases is None:
        return None, None
    weights = phase_weights(
        [phase.year for phase in phases],
        scenario.economics.wacc,
        scenario.finance.project_life_yr,
    )
    return phases[stage].year, weights[stage]


def cooling_water_m3_per_yr(site_id: str, site: Site, hourly: pd.DataFrame) -> float:
    """Water the data center's cooling uses in the weather year, within the site's limit.

    Parameters
    ----------
    site_id : str
    site : Site
    hourly : pd.DataFrame
        The full year's profiles (``cooling_water_m3`` where the cooling uses water).

    Returns
    -------
    float
        Cooling water of the year. [m3/yr]

    Raises
    ------
    InfeasibleError
        Above ``water_limit_m3_per_yr``: by how much, and what would meet it.
    """
    used = water_used_m3_per_yr(hourly)
    limit = site.water_limit_m3_per_yr
    if limit is not None and used > limit:
        raise InfeasibleError(
            f"sites.{site_id}.water_limit_m3_per_yr = {limit:,.0f}: the data center's "
            f"cooling uses {used:,.0f} m3/yr ({used - limit:,.0f} more, "
            f"{site.data_center.water_l_per_kwh:g} L/kWh); allowed: at least that, or dry "
            "cooling (data_center.pue.temperature: dry_bulb, no cooling water; or "
            "data_center.choose_cooling: true)"
        )
    return used


def site_inputs(
    scenario: Scenario,
    site_id: str,
    steps: Steps,
    hourly: pd.DataFrame,
    integer_commitment: bool | None = None,
    absent: frozenset = frozenset(),
    stage: int = 0,
    maintenance_units: dict | None = None,
    n_stages: int | None = None,
) -> SiteInputs:
    """Put a site's profiles and settings into the optimization's input record.

    The design point for N+k (design IT load x PUE and the gas derating at the design
    ambient) is taken from the full hourly year, whatever the modelled steps.
    ``integer_commitment`` defaults to the scenario's sizing setting
    (``solver.commitment``); ``absent`` names technologies sized to zero, left out of a
    dispatch-only model; ``stage`` which of the site's weather years or build-out phases
    (:func:`stage_count`); ``maintenance_units`` the units out for planned maintenance per
    type and step (the full-year dispatch's); ``n_stages`` how many of the site's stages the
    model holds as blocks (default: all; 1 when ``hourly`` holds all its weather years one
    after the other, clustered together).
    """
    site = stage_site(scenario, site_id, stage)
    phase_year, phase_weight = phase_of(scenario, site_id, stage)
    techs = {tech_id: scenario.technologies[tech_id] for tech_id in site.technologies}
    prof = steps.profiles
    design = design_point(site, scenario.technologies, hourly)
    water_m3 = cooling_water_m3_per_yr(site_id, site, hourly)
    return SiteInputs(
        site_id=site_id,
        index=prof.index,
        duration_h=steps.duration_h,
        weight_h=steps.weight_h,
        load_mw=prof["load_mw"].to_numpy(),
        design_load_mw=design.facility_load_mw,
        site=site,
        technologies=techs,
        profiles={
            tech_id: profile_fields(registered.of(spec), tech_id, prof)
            for tech_id, spec in techs.items()
        },
        design_factor=design.gas_available_factor,
        economics=scenario.economics,
        reliability=scenario.site_reliability(site_id),
        integer_commitment=(
            scenario.solver.commitment == "integer"
            if integer_commitment is None
            else integer_commitment
        ),
        absent=absent,
        it_load_mw=prof["it_load_mw"].to_numpy(),
        pue=prof["pue"].to_numpy(),
        cooling_electric_mw=prof["cooling_electric_mw"].to_numpy(),
        stage=stage,
        n_stages=stage_count(scenario, site_id) if n_stages is None else n_stages,
        phase_year=phase_year,
        phase_weight=phase_weight,
        hosting=(
            None
            if scenario.siting.it_demand_mw is None
            else Hosting(site.data_center.min_it_capacity_mw, site.data_center.it_capacity_mw)
        ),
        development_capex_usd=site.development_capex_usd,
        development_usd_per_yr=site.development_capex_usd
        * capital_recovery_factor(scenario.economics.wacc, scenario.finance.project_life_yr),
        cooling_water_m3_per_yr=water_m3,
        grid_price_usd_per_mwh=(
            prof["grid_price_usd_per_mwh"].to_numpy() if site.grid is not None else None
        ),
        backup_fuel=scenario.backup_fuel,
        periods=steps.periods,
        outage_windows=outage_calendar_windows(scenario, site_id, hourly)
        if steps.periods
        else None,
        maintenance_units=maintenance_units or {},
    )


def outage_calendar_windows(
    scenario: Scenario, site_id: str, hourly: pd.DataFrame
) -> list[OutageWindow]:
    """Return a site's outage windows (gas, grid) in calendar hours, one a month from its peak.

    Empty without an outage requirement. A typical-periods sizing makes the calendar
    periods these windows touch typical periods of their own, so the windows see the
    year's own load and renewables and the battery enters them with its own state of charge.
    """
    rules = scenario.site_reliability(site_id)
    connected = scenario.sites[site_id].grid is not None
    hourly_steps, load = np.ones(len(hourly)), hourly["load_mw"].to_numpy()
    return [
        window
        for kind, hours in rules.outage_hours(connected).items()
        for window in outage_windows(hourly.index, hourly_steps, load, hours, kind)
    ]


def scenario_coupling(scenario: Scenario) -> Coupling:
    """Return what ties the scenario's sites together (workload moved, shared limits)."""
    return Coupling(
        flexible_share=scenario.workload.flexible_share,
        link_capacity_mw_it=scenario.workload.link_capacity_mw_it,
        co2_cap_t_per_yr=scenario.emissions.co2_cap_t_per_yr,
        min_renewable_share=scenario.emissions.min_renewable_share,
        it_demand_mw=scenario.siting.it_demand_mw,
    )


def site_groups(scenario: Scenario) -> list[list[str]]:
    """Sites that must be solved in one model: all of them if coupled, else one by one."""
    site_ids = list(scenario.sites)
    if len(site_ids) > 1 and scenario_coupling(scenario).active:
        return [site_ids]
    return [[site_id] for site_id in site_ids]


def align_clocks(hourly: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Reorder each site's year so that row t is the same instant at every site.

    Work moved between sites moves at one instant, so a coupled model needs one clock
    (:func:`dcpower.clock.rows_on_one_clock`). Each row keeps its local time stamp, so
    sorting by time restores local order.

    Parameters
    ----------
    hourly : dict
        Full-year hourly profiles by site id, each with a time-zone-aware index.

    Returns
    -------
    dict
        The same frames, rows reordered.
    """
    lengths = sorted({len(frame) for frame in hourly.values()})
    if len(lengths) != 1:
        raise ScenarioError(
            f"coupled sites need weather years of equal length, got {lengths} hours"
        )
    try:
        rows = rows_on_one_clock(
            {site_id: frame.index[0] for site_id, frame in hourly.items()}, lengths[0]
        )
    except ValueError as err:
        raise ScenarioError(str(err)) from None
    return {site_id: frame.iloc[rows[site_id]] for site_id, frame in hourly.items()}


def site_year_profiles(
    scenario: Scenario, site_ids: list[str]
) -> dict[tuple[str, int], pd.DataFrame]:
    """Full-year hourly profiles of each site and each of its weather years.

    Returns
    -------
    dict
        Profiles (see :func:`hourly_profiles`) by ``(site_id, year)``, site by site.
    """
    return {
        (site_id, year): hourly_profiles(scenario, site_id, year)
        for site_id in site_ids
        for year in range(stage_count(scenario, site_id))
    }


def on_model_clock(
    hourly: dict[tuple[str, int], pd.DataFrame], one_calendar: bool
) -> dict[tuple[str, int], pd.DataFrame]:
    """Put site-years' profiles on the clock a model reads them on.

    With ``one_calendar`` (work moves between sites at one instant) each weather year's
    sites are put on one clock (:func:`align_clocks`), year by year; otherwise each keeps
    its own local clock.

    Parameters
    ----------
    hourly : dict
        Full-year hourly profiles by ``(site_id, year)``.
    one_calendar : bool
        Whether the sites share one calendar (workload shifting).

    Returns
    -------
    dict
        The same frames by ``(site_id, year)``; on one clock, ordered year by year.
    """
    if not one_calendar:
        return hourly
    modelled = {}
    for year in dict.fromkeys(year for _, year in hourly):
        aligned = align_clocks({s: frame for (s, y), frame in hourly.items() if y == year})
        modelled.update({(site_id, year): frame for site_id, frame in aligned.items()})
    return modelled


def model_steps(
    modelled: dict[tuple[str, int], pd.DataFrame],
    horizon: TimeHorizon,
    one_calendar: bool,
    extra_periods: dict[tuple[str, int], list[int]] | None = None,
) -> dict[tuple[str, int], Steps]:
    """Put site-years' profiles onto the model's time steps.

    With ``one_calendar`` each weather year's sites are reduced together
    (:func:`dcpower.aggregate.reduce_time_jointly`): the same steps at every site, since
    work moves between them at one instant, and the extra periods of any site at all.
    Otherwise each site-year gets its own steps (its own typical days).

    Parameters
    ----------
    modelled : dict
        Full-year hourly profiles by ``(site_id, year)``, on the model's clock
        (:func:`on_model_clock`).
    horizon : TimeHorizon
        The choice of steps.
    one_calendar : bool
        Whether the sites share one calendar (workload shifting).
    extra_periods : dict, optional
        Calendar periods that become typical periods of their own, by ``(site_id, year)``.

    Returns
    -------
    dict
        :class:`dcpower.aggregate.Steps` by ``(site_id, year)``.
    """
    extra = extra_periods or {key: [] for key in modelled}
    if not one_calendar:
        return {
            key: reduce_time(frame, horizon, extra_periods=extra[key])
            for key, frame in modelled.items()
        }
    steps = {}
    for year in dict.fromkeys(year for _, year in modelled):
        keys = [key for key in modelled if key[1] == year]
        periods = sorted({p for key in keys for p in extra[key]})
        steps.update(reduce_time_jointly({key: modelled[key] for key in keys}, horizon, periods))
    return steps


def model_inputs(
    scenario: Scenario,
    steps: dict[tuple[str, int], Steps],
    modelled: dict[tuple[str, int], pd.DataFrame],
    integer_commitment: bool | None = None,
) -> list[SiteInputs]:
    """Return the input records of a model of site-years, one per ``(site_id, year)``.

    Each site has as many blocks as ``modelled`` holds frames of it: one per stage, or one
    whose frame holds all its weather years. ``integer_commitment`` as in
    :func:`site_inputs` (None = the scenario's sizing setting).
    """
    blocks = Counter(site_id for site_id, _ in modelled)
    return [
        site_inputs(
            scenario,
            site_id,
            steps[site_id, year],
            frame,
            integer_commitment=integer_commitment,
            stage=year,
            n_stages=blocks[site_id],
        )
        for (site_id, year), frame in modelled.items()
    ]
