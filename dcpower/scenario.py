"""The scenario schema: every input of a dcpower run, typed, with its unit and default.

A scenario is a YAML file (see ``models/``). Technology figures default to the sourced
catalogue in ``inputs/technologies.csv``; economics to ``inputs/economics.csv``; a scenario
overrides any of them by name. Unknown fields are rejected. :func:`load_scenario` returns a
fully resolved :class:`Scenario` (every default filled in), which is what a run saves as
``scenario.yaml``.
"""

from __future__ import annotations

import csv
import math
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    SerializeAsAny,
    ValidationError,
    field_validator,
    model_validator,
)

from dcpower import money, techs
from dcpower.errors import ScenarioError
from dcpower.paths import inputs_dir, models_dir
from dcpower.resource import load as load_defaults
from dcpower.safe_yaml import load_yaml, read_text, yaml_problem
from dcpower.schema import Fraction, NonNegative, Positive, Strict
from dcpower.techs import TechSpec
from dcpower.units import HOURS_PER_YEAR

# --------------------------------------------------------------------------- sites


#: The coolings a data center may have, by name, with the temperature each PUE follows.
COOLINGS: dict[str, str] = {"dry": "dry_bulb", "evaporative": "wet_bulb"}


class PUEModel(Strict):
    """PUE as a function of the dry or wet bulb: flat with free cooling, then rising linearly.

    Defaults are ESTIMATES, set once per temperature in ``dcpower.resource.load.PUE_DEFAULTS``
    with their reasoning (no cited curve was found): a new-build hall with economizer,
    annual average about 1.2 (Uptime 2023 fleet average 1.58; new large sites about 1.3 or
    lower; hyperscale 1.1-1.2). A coefficient not given takes the default of the
    temperature chosen.
    """

    temperature: Literal["dry_bulb", "wet_bulb"] = Field(
        "dry_bulb",
        description=(
            "The temperature the cooling follows: dry_bulb (air-cooled chillers, dry "
            "coolers) or wet_bulb (cooling towers, water-side economizer; the weather needs "
            "relative humidity, and the design ambient is the site's design_wet_bulb_c). "
            "Coefficients not given take this temperature's defaults (wet bulb: 1.10, "
            "10 degC, 0.006 /degC, cap 1.35; ESTIMATEs). [-]"
        ),
    )
    pue_min: Annotated[float, Field(ge=1)] = Field(
        load_defaults.DEFAULT_PUE_MIN, description="PUE with full free cooling. [-]"
    )
    free_cooling_below_c: float = Field(
        load_defaults.DEFAULT_FREE_COOLING_BELOW_C,
        description="Temperature (dry or wet bulb) below which cooling is free. [degC]",
    )
    pue_per_c: NonNegative = Field(
        load_defaults.DEFAULT_PUE_PER_C,
        description="PUE rise per degree above the free-cooling limit. [1/degC]",
    )
    pue_max: Annotated[float, Field(ge=1)] | None = Field(
        load_defaults.DEFAULT_PUE_MAX,
        description=(
            "PUE cap at the hottest hours; none = no cap (the design ambient's PUE then "
            "follows the design ambient). [-]"
        ),
    )

    chiller_cop: Positive = Field(
        load_defaults.DRY_BULB_CHILLER_COP,
        description=(
            "COP of the electric chillers whose compressors draw the mechanical-cooling "
            "load (IT load x (PUE - pue_min)): what an absorption chiller relieves per MW of "
            "cooling is 1 / chiller_cop. Default by temperature: dry bulb 2.96 (air-cooled), "
            "wet bulb 6.28 (water-cooled); ASHRAE 90.1-2022 minimums, PROXY. [-]"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults_of_the_temperature(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        defaults = load_defaults.PUE_DEFAULTS.get(data.get("temperature", "dry_bulb"))
        return data if defaults is None else {**defaults, **data}

    @property
    def wet_bulb(self) -> bool:
        """Whether the PUE follows the wet bulb [-]."""
        return self.temperature == "wet_bulb"

    def curve(self) -> dict:
        """Return the curve's coefficients, as ``dcpower.resource.load`` takes them."""
        return self.model_dump(exclude={"temperature", "chiller_cop"})


class Phase(Strict):
    """One phase of a campus built over years: from its year on, this much IT is installed."""

    year: Annotated[int, Field(ge=1900, le=2200)] = Field(
        description="Calendar year the phase's halls come online (its plant is built by then)."
    )
    it_capacity_mw: Positive = Field(description="IT capacity installed from that year. [MW]")


class DataCenter(Strict):
    """The data center a site must supply without interruption."""

    it_capacity_mw: Positive = Field(description="Installed IT capacity. [MW]")
    utilization: Fraction | list[Fraction] = Field(
        0.8,
        description="IT load as a share of IT capacity: one value, or 24 values by local hour. [-]",
    )
    pue: PUEModel = Field(default_factory=PUEModel, description="Cooling and power overhead model.")
    min_it_capacity_mw: NonNegative = Field(
        0.0,
        description=(
            "With siting.it_demand_mw: the least IT capacity the site hosts if developed "
            "(it_capacity_mw is then the most). [MW]"
        ),
    )
    cooling_water_l_per_kwh: NonNegative | None = Field(
        None,
        description=(
            "Water the cooling consumes per kWh of facility energy; none = 1.8 if the PUE "
            "follows the wet bulb (evaporative cooling: LBNL 2016, US data centers with "
            "cooling towers, PROXY), 0 if it follows the dry bulb (dry cooling). [L/kWh]"
        ),
    )
    choose_cooling: bool = Field(
        False,
        description=(
            "Let the run choose the cooling at least annual cost: dry (PUE on the dry bulb, "
            "no water) or evaporative (PUE on the wet bulb, with its cooling water and its "
            "cost). The pue and cooling_water_l_per_kwh given are those of their own "
            "temperature's cooling; the other takes its defaults. Evaporative is left out "
            "where its water exceeds the site's water_limit_m3_per_yr. Each site is chosen "
            "on its own model on the scenario's time steps (first weather year), then sized "
            "as if the choice had been given. [-]"
        ),
    )
    design_it_load_mw: Positive | None = Field(
        None,
        description=(
            "Contracted critical IT load the plant is designed for (N+k at the design "
            "ambient); none = it_capacity_mw, the halls full. Utilization sets energy and "
            "fuel, not the design load. [MW]"
        ),
    )

    phases: list[Phase] | None = Field(
        None,
        min_length=2,
        max_length=10,
        description=(
            "Build the campus in phases: (year, it_capacity_mw) pairs, years rising, IT "
            "capacity not falling, the last phase's capacity = it_capacity_mw. One model "
            "decides what to build in which phase (capacity once built stays), each phase's "
            "plant meets the design basis of its IT capacity, the objective is the present "
            "value of every year's cost at the WACC over finance.project_life_yr from the "
            "first phase, as a level annual cost. None = the campus at once."
        ),
    )

    phases_source: str | None = Field(
        None,
        description=(
            "Where the phasing comes from (a developer's plan, a permit), reported with the "
            "phases; none = an ESTIMATE of the scenario's author, said so in the output."
        ),
    )

    @model_validator(mode="after")
    def _phases_grow_to_the_campus(self) -> DataCenter:
        if self.phases is None:
            return self
        for before, after in zip(self.phases, self.phases[1:], strict=False):
            if after.year <= before.year or after.it_capacity_mw < before.it_capacity_mw:
                raise ValueError(
                    f"phases: ({after.year}, {after.it_capacity_mw:g} MW) after "
                    f"({before.year}, {before.it_capacity_mw:g} MW); allowed: years rising "
                    "and IT capacity not falling"
                )
        last = self.phases[-1].it_capacity_mw
        if abs(last - self.it_capacity_mw) > 1e-9:
            raise ValueError(
                f"phases: the last phase has {last:g} MW of IT; allowed: it_capacity_mw "
                f"= {self.it_capacity_mw:g} (the campus complete)"
            )
        return self

    def in_phase(self, phase: Phase) -> DataCenter:
        """Return the data center as one phase has it: its IT capacity, no phases.

        A contracted design load above the phase's IT capacity is capped at that capacity.
        """
        design = self.design_it_load_mw
        return self.model_copy(
            update={
                "it_capacity_mw": phase.it_capacity_mw,
                "phases": None,
                "phases_source": None,
                "min_it_capacity_mw": min(self.min_it_capacity_mw, phase.it_capacity_mw),
                "design_it_load_mw": None if design is None else min(design, phase.it_capacity_mw),
            }
        )

    @model_validator(mode="after")
    def _design_load_within_halls(self) -> DataCenter:
        if self.design_it_load_mw is not None and self.design_it_load_mw > self.it_capacity_mw:
            raise ValueError(
                f"design_it_load_mw = {self.design_it_load_mw:g}: above it_capacity_mw = "
                f"{self.it_capacity_mw:g}; allowed: at most the IT capacity"
            )
        return self

    def cooling_options(self) -> dict[str, DataCenter]:
        """Return the data center under each cooling it may have, by name (``COOLINGS``).

        The cooling given (its PUE and water) keeps its settings; with ``choose_cooling``
        the other cooling takes its temperature's default PUE and water.
        """
        given = self.pue.temperature
        options = {given: self}
        if self.choose_cooling:
            other = next(t for t in COOLINGS.values() if t != given)
            options[other] = self.model_copy(
                update={"pue": PUEModel(temperature=other), "cooling_water_l_per_kwh": None}
            )
        return {name: options[t] for name, t in COOLINGS.items() if t in options}

    @property
    def water_l_per_kwh(self) -> float:
        """Cooling water per kWh of facility energy, the default of the cooling if none [L/kWh]."""
        if self.cooling_water_l_per_kwh is not None:
            return self.cooling_water_l_per_kwh
        return load_defaults.EVAPORATIVE_WATER_L_PER_KWH if self.pue.wet_bulb else 0.0

    @property
    def design_it_mw(self) -> float:
        """IT load of the design point: the contracted load, or the halls full [MW]."""
        return self.it_capacity_mw if self.design_it_load_mw is None else self.design_it_load_mw


class TimeOfDayTariff(Strict):
    """A time-of-day grid tariff: a day and a night energy price by local clock hour.

    ``tariff`` names an entry of ``inputs/grid_tariffs.csv`` whose sourced figures fill the
    price fields not given (``az_data_center``: the Azerbaijani data-center tariff).
    """

    tariff: str = Field(
        description=(
            "Tariff name; an id of inputs/grid_tariffs.csv fills the price fields not given "
            "(az_data_center)."
        )
    )
    day_price_usd_per_mwh: NonNegative = Field(description="Energy price of day hours. [USD/MWh]")
    night_price_usd_per_mwh: NonNegative = Field(
        description="Energy price of night hours. [USD/MWh]"
    )
    day_start_hour: Annotated[int, Field(ge=0, le=23)] = Field(
        description="First local clock hour of the day price. [h]"
    )
    day_end_hour: Annotated[int, Field(ge=1, le=24)] = Field(
        description="Local clock hour at which the night price starts. [h]"
    )

    @model_validator(mode="after")
    def _day_before_night(self) -> TimeOfDayTariff:
        if self.day_start_hour >= self.day_end_hour:
            raise ValueError(
                f"day_start_hour = {self.day_start_hour}: must be before "
                f"day_end_hour = {self.day_end_hour}"
            )
        return self


class ComparisonTariff(TimeOfDayTariff):
    """The grid tariff the data center would pay without the plant (a comparison line)."""


class GridConnection(TimeOfDayTariff):
    """A grid connection: imports up to a capacity at a time-of-day tariff.

    Never counted toward N+k or the hourly N-1 reserve: the on-site plant stays firm on its
    own.
    """

    import_max_mw: Positive = Field(description="Import capacity of the connection. [MW]")
    outages_per_yr: NonNegative = Field(
        0.0,
        description=(
            "Interruptions of the connection the availability Monte Carlo draws (Poisson): "
            "the import stops; default for an embedded site from inputs/reliability.csv "
            "(Baku: SAIFI), else 0. [1/yr]"
        ),
    )
    outage_mean_h: Annotated[float, Field(ge=1)] = Field(
        1.0,
        description="Mean length of a drawn grid interruption (geometric, whole hours). [h]",
    )


class SiteMoney(Strict):
    """A site's money: its country's currency, exchange rate and tax, and its grid tariff.

    Defaults come from the country of the site's climate (``inputs/economics.csv`` row
    ``country``) in ``inputs/countries.csv``. A figure no source gives stays empty, and the
    finance summary says so instead of borrowing another country's figure.
    """

    country: str | None = Field(
        None,
        description=(
            "Country code (ISO 3166-1 alpha-2) whose rows of inputs/countries.csv fill the "
            "fields not given; none = no country figures (pre-tax, USD, no grid tariff)."
        ),
    )
    currency: str = Field(
        "USD", pattern=r"^[A-Z]{3}$", description="Local currency, ISO 4217 code. [-]"
    )
    local_per_usd: Positive = Field(
        1.0, description="Exchange rate: local currency units per USD. [local/USD]"
    )
    exchange_rate_date: str | None = Field(
        None, description="Date (or period) of the exchange rate, as its source gives it."
    )
    corporate_tax_rate: Fraction | None = Field(
        None,
        description=(
            "Corporate income (profit) tax rate; none = not known, the cash flow is pre-tax "
            "and the summary says so. [-]"
        ),
    )
    tax_depreciation_method: Literal["declining_balance", "straight_line"] = Field(
        "straight_line",
        description=(
            "Tax depreciation: each year the rate times the asset's remaining tax value "
            "(declining balance) or times its cost until it is written off (straight line); "
            "what is left at the end of the project is written off against the salvage. [-]"
        ),
    )
    tax_depreciation_rate_equipment: Fraction = Field(
        0.2,
        description="Tax depreciation rate of plant, machinery and equipment. [1/yr]",
    )
    tax_depreciation_rate_structures: Fraction = Field(
        0.05,
        description=(
            "Tax depreciation rate of buildings and structures (site development). [1/yr]"
        ),
    )
    tax_loss_carryforward_yr: Annotated[int, Field(ge=0, le=60)] | None = Field(
        None,
        description=(
            "Years a tax loss may be set against later profits; none = without limit. [yr]"
        ),
    )
    comparison_tariff: ComparisonTariff | None = Field(
        None,
        description=(
            "Grid tariff the plant's cost is compared with: an id of inputs/grid_tariffs.csv "
            "(az_data_center) or the tariff's fields; none = no tariff known for the site "
            "(no comparison line, said in the summary)."
        ),
    )


class Site(Strict):
    """One candidate site: its climate, its data center, and what may be built there."""

    climate: str = Field(
        description="Embedded site id (inputs/sites/<id>.yaml) or a path to a site file."
    )
    weather_file: Path | None = Field(
        None,
        description=(
            "Measured weather (EPW, PVGIS, NASA POWER, CSV); none = synthetic typical year."
        ),
    )
    weather_seed: Annotated[int, Field(ge=0)] = Field(
        0,
        description=(
            "Seed of the synthetic typical year; each site draws its own streams from it, "
            "with slow anomalies correlated by distance (docs/sites.md). [-]"
        ),
    )
    weather_years: list[Annotated[int, Field(ge=0)] | Path] | None = Field(
        None,
        min_length=1,
        max_length=20,
        description=(
            "Size on several weather years at once: each entry a seed of the synthetic "
            "typical year or a weather file. Capacities are shared, each year is operated "
            "on its own with zero unserved energy, the objective is the mean annual cost "
            "(on typical periods the years' days are clustered together: one sizing block "
            "the size of one year's); the first year is the one reported hour by hour. "
            "None = one year "
            "(weather_file or weather_seed)."
        ),
    )
    weather_dir: Path | None = Field(
        None,
        description=(
            "Folder written by `dcpower weather fetch`; with it, each whole number in "
            "weather_years is a calendar year read from the folder's file of that year "
            "(nasa-power-2019.csv) instead of a seed. None = numbers are seeds."
        ),
    )
    data_center: DataCenter = Field(description="The data center to supply.")
    technologies: list[str] = Field(
        description="Technology ids allowed at this site (keys of `technologies`)."
    )
    gas_price_case: str | None = Field(
        None,
        description=(
            "Gas price case of the site's country in inputs/gas_prices.csv (AZ: "
            "regulated_power, industry, export_netback; KZ: wholesale_cap_almaty_proxy, "
            "wholesale_cap_aktobe_proxy, export_netback); none = the country's default case, "
            "or 'scenario' where gas_price_usd_per_mmbtu is given."
        ),
    )
    gas_price_usd_per_mmbtu: NonNegative = Field(
        description=(
            "Delivered gas price, HHV; default: the gas price case's figure in USD of the "
            "price basis year. [USD/MMBtu]"
        )
    )
    carbon_price_usd_per_t: NonNegative = Field(
        0.0, description="Carbon price paid on emissions. [USD/tCO2]"
    )
    water_price_usd_per_m3: NonNegative = Field(
        0.0,
        description=(
            "Price of the water the site buys (the data center's cooling water); default: "
            "the climate's row of inputs/economics.csv. [USD/m3]"
        ),
    )
    water_energy_kwh_per_m3: NonNegative | None = Field(
        None,
        description=(
            "Electricity spent to supply a cubic metre of the site's water (desalination at "
            "Aktau), reported beside the water used, not added to the site's load (the water "
            "is bought); default: the climate's row of inputs/economics.csv, none = not "
            "known. [kWh/m3]"
        ),
    )
    water_limit_m3_per_yr: Positive | None = Field(
        None,
        description=(
            "Most water the site may use in a year (a permit or the supply's spare "
            "capacity); none = no limit. [m3/yr]"
        ),
    )
    redundancy_k: Annotated[int, Field(ge=0, le=4)] | None = Field(
        None,
        description=(
            "N+k at this site, overriding reliability.redundancy_k (an availability target "
            "sets it per site). [-]"
        ),
    )
    grid: GridConnection | None = Field(
        None, description="Grid connection (imports at a tariff); none = islanded."
    )
    design_temp_air_c: Annotated[float, Field(ge=-50, le=60)] | None = Field(
        None,
        description=(
            "Design ambient dry bulb, at which N+k is checked (gas derating, and the design "
            "IT load at the PUE of that temperature); none = the climate site file's "
            "design_temp_air_c (an ASHRAE statistic for the embedded sites), else the "
            "weather year's hottest hour, flagged as not a design statistic. The weather "
            "year's hottest hour is used instead where it is hotter. [degC]"
        ),
    )
    design_temp_source: str | None = Field(
        None,
        description=(
            "Where design_temp_air_c comes from (statistic and source), shown in the "
            "design basis; none = 'scenario value'. [-]"
        ),
    )
    design_wet_bulb_c: Annotated[float, Field(ge=-50, le=40)] | None = Field(
        None,
        description=(
            "Design ambient wet bulb, at which the design PUE is taken when the PUE follows "
            "the wet bulb (data_center.pue.temperature: wet_bulb); none = the climate site "
            "file's design_wet_bulb_c (ASHRAE's extreme wet bulb for the embedded sites), "
            "else the weather year's highest wet bulb, flagged as not a design statistic. "
            "The weather year's highest wet bulb is used instead where it is higher. [degC]"
        ),
    )
    design_temp_statistic: (
        Literal[
            "annual_0.4",
            "annual_1",
            "extreme_mean",
            "return_5",
            "return_10",
            "return_20",
            "return_50",
        ]
        | None
    ) = Field(
        None,
        description=(
            "Take the design ambient from the site's weather_years (two or more) by "
            "ASHRAE's method, as `dcpower weather design-temps` prints it: the dry bulb "
            "exceeded in 0.4 % or 1 % of hours, the mean of the years' highest hours, or "
            "its 5- to 50-year return value; instead of design_temp_air_c (a year's "
            "hottest hour still replaces it where hotter, so the percentiles and the mean "
            "bind only below that). None = design_temp_air_c or the climate site file's."
        ),
    )
    development_capex_usd: NonNegative = Field(
        0.0,
        description=(
            "Fixed cost of developing the site (land, gas and grid connections, site works), "
            "annualized at the WACC over finance.project_life_yr; with siting.it_demand_mw "
            "it is paid only if the site is chosen. [USD]"
        ),
    )
    co2_cap_t_per_yr: NonNegative | None = Field(
        None, description="Cap on this site's CO2 emissions; none = no cap. [tCO2/yr]"
    )
    repair_logistics_h: NonNegative = Field(
        0.0,
        description=(
            "Extra hours a forced outage of a gas unit lasts at this site (spares and crews "
            "to bring in), added to the repair time in the availability Monte Carlo; the "
            "failure frequency stays. [h]"
        ),
    )
    min_renewable_share: Fraction | None = Field(
        None,
        description=(
            "Minimum share of this site's energy served that does not come from fuel "
            "(renewables, directly or through storage); none = no floor. [-]"
        ),
    )
    money: SiteMoney = Field(
        default_factory=SiteMoney,
        description=(
            "Currency, exchange rate, corporate tax and grid tariff of the site's country "
            "(defaults: inputs/countries.csv for the climate's country)."
        ),
    )

    @model_validator(mode="after")
    def _design_statistic_needs_years(self) -> Site:
        if self.design_temp_statistic is None:
            return self
        if self.design_temp_air_c is not None:
            raise ValueError(
                f"design_temp_statistic '{self.design_temp_statistic}' and design_temp_air_c "
                f"{self.design_temp_air_c:g} both set; give one"
            )
        if len(self.weather_years or []) < 2:
            raise ValueError(
                f"design_temp_statistic '{self.design_temp_statistic}' needs two or more "
                "weather_years to take it from"
            )
        return self


# --------------------------------------------------------------------------- system-wide


class Economics(Strict):
    """Money: discounting and emissions accounting."""

    wacc: Annotated[float, Field(ge=0, lt=1)] = Field(
        description="Real weighted average cost of capital. [1/yr]"
    )
    price_basis_year: Annotated[int, Field(ge=1900, le=2100)] = Field(
        default_factory=money.default_price_basis_year,
        description=(
            "Year of the USD every money figure is expressed in: catalogue figures are "
            "converted from their currency year (US CPI-U; EUR by the euro-area HICP, then "
            "usd_per_eur), scenario figures are taken as money of this year; default the "
            "latest full year of inputs/deflators.csv. [yr]"
        ),
    )
    usd_per_eur: Positive = Field(
        default_factory=lambda: _catalogue_usd_per_eur(),
        description="Exchange rate for catalogue figures sourced in EUR. [USD/EUR]",
    )
    cost_basis: Literal["regional", "us_atb"] = Field(
        "regional",
        description=(
            "Technology cost set of the catalogue: 'regional' (Caspian project benchmarks and "
            "global surveys: inputs/technology_costs_regional.csv over "
            "inputs/technologies.csv) or 'us_atb' (NREL ATB 2024 for PV, wind and "
            "batteries, a sensitivity). [-]"
        ),
    )
    co2_kg_per_mmbtu: NonNegative = Field(
        description="CO2 emitted per MMBtu of gas burnt, HHV. [kgCO2/MMBtu]"
    )


class Workload(Strict):
    """Computing work that may move between sites over the fiber, hour by hour."""

    flexible_share: Fraction = Field(
        0.0,
        description=(
            "Share of each site's IT load (batch or training jobs) that may run at another "
            "site in the same hour; moved load draws the receiving site's PUE and fits in its "
            "IT capacity. 0 = no shifting (sites are solved apart). [-]"
        ),
    )
    link_capacity_mw_it: Positive | None = Field(
        None,
        description=(
            "Most IT load moved into or out of a site in any hour (the fiber's limit, in "
            "MW of computing it carries); none = no limit. [MW]"
        ),
    )
    migration_delay_h: Annotated[int, Field(ge=0, le=168)] = Field(
        1,
        description=(
            "Whole hours of a loss of load before its work runs at the other site (the "
            "availability Monte Carlo; the plan's own shifting is scheduled ahead). "
            "ESTIMATE: no source found for moving AI jobs 400 km; one hour, the model's "
            "resolution, as a placeholder. [h]"
        ),
    )


class Siting(Strict):
    """Where the data-center capacity goes, when the sites are candidates."""

    it_demand_mw: Positive | None = Field(
        None,
        description=(
            "IT capacity to place over the sites: the model chooses which to develop (paying "
            "their development_capex_usd) and how much each hosts, between its "
            "data_center.min_it_capacity_mw and it_capacity_mw; the run then reports the "
            "chosen sites. None = every site hosts its data center as given. [MW]"
        ),
    )


class Emissions(Strict):
    """Emission limits over all sites together (per-site limits are set in each site)."""

    co2_cap_t_per_yr: NonNegative | None = Field(
        None, description="Cap on the CO2 of all sites; none = no cap. [tCO2/yr]"
    )
    min_renewable_share: Fraction | None = Field(
        None,
        description=(
            "Minimum share of the energy served at all sites that does not come from fuel; "
            "none = no floor. [-]"
        ),
    )


class BackupFuel(Strict):
    """Liquid backup fuel of dual-fuel gas units (defaults: inputs/backup_fuel.csv)."""

    tank_capex_usd_per_mmbtu: NonNegative = Field(
        description="Capital cost of tank capacity per MMBtu of fuel held, HHV. [USD/MMBtu]"
    )
    tank_fom_fraction_per_yr: NonNegative = Field(
        description="Fixed O&M of the tank as a share of its capital cost. [1/yr]"
    )
    tank_lifetime_yr: Positive = Field(description="Economic lifetime of the tank. [yr]")
    fuel_price_usd_per_mmbtu: NonNegative = Field(
        description="Price of the liquid fuel, HHV. [USD/MMBtu]"
    )
    co2_kg_per_mmbtu: NonNegative = Field(
        description="CO2 emitted per MMBtu of liquid fuel burnt, HHV. [kgCO2/MMBtu]"
    )


#: Statistics of the annual LOLE a reliability criterion may apply to.
LOLE_STATISTICS = ("mean", "p50", "p90", "p99")


class Reliability(Strict):
    """What "uninterrupted" means for this run."""

    redundancy_k: Annotated[int, Field(ge=0, le=4)] = Field(
        1,
        description=(
            "N+k: with the k largest gas units out, the rest covers the peak load at the "
            "hottest hour of the year; 0 = no installed-redundancy requirement. [-]"
        ),
    )
    n_plus_k_storage_hours: NonNegative = Field(
        0.0,
        description=(
            "Storage counts toward N+k at the power it can hold for this long; 0 = it does not "
            "count (a unit out for repair is out for days, which ride-through storage cannot "
            "bridge; storage then serves the hourly N-1). [h]"
        ),
    )
    hourly_n_minus_1: bool = Field(
        True, description="At every hour, the trip of the largest online unit is covered."
    )
    ride_through_min: Annotated[float, Field(gt=0, le=240)] = Field(
        15.0, description="Time storage must carry a lost unit while a replacement starts. [min]"
    )
    gas_outage_hours: Annotated[int, Field(ge=0, le=168)] = Field(
        0,
        description=(
            "Length of a gas-supply interruption the plant must ride through with storage "
            "and renewables, from each month's peak-load hour; 0 = not required. [h]"
        ),
    )
    on_site_fuel_h: Annotated[float, Field(ge=0, le=720)] = Field(
        0.0,
        description=(
            "Liquid fuel each site holds, in hours of its design load at the full-load heat "
            "rate, with enough dual-fuel units to carry the design load on it (Uptime asks "
            "for on-site fuel at N for Tier III and IV); needs a dual-fuel type at each site "
            "(recip_engine_df). 0 = not required. [h]"
        ),
    )
    gas_interruptions_per_yr: NonNegative = Field(
        0.0,
        description=(
            "Gas-supply interruptions of the site's lateral the availability Monte Carlo draws "
            "(Poisson), during which only dual-fuel units on their tank, storage and "
            "renewables serve the load; default from inputs/reliability.csv. [1/yr]"
        ),
    )
    gas_interruption_mean_h: Annotated[float, Field(ge=1)] = Field(
        24.0,
        description=(
            "Mean length of a drawn gas-supply interruption (geometric, whole hours); "
            "default from inputs/reliability.csv. [h]"
        ),
    )
    units_per_bus_section: Annotated[int, Field(ge=1, le=50)] = Field(
        2,
        description=(
            "Gas units on each MV bus section of a site's plant (a design assumption; the "
            "sections are as many as the units built need, each type spread evenly over "
            "them); the availability Monte Carlo takes a section's units out while the "
            "section is out. [-]"
        ),
    )
    bus_section_failures_per_yr: NonNegative = Field(
        0.0,
        description=(
            "Failures of one bus section's busbar and breakers per year, which take its "
            "units out; default from inputs/reliability.csv (UNVERIFIED). [1/yr]"
        ),
    )
    bus_section_repair_h: Annotated[float, Field(ge=1)] = Field(
        24.0,
        description=(
            "Mean repair of a bus-section failure (geometric, whole hours); default from "
            "inputs/reliability.csv. [h]"
        ),
    )
    section_transformer_failures_per_yr: NonNegative = Field(
        0.0,
        description=(
            "Major failures per year of the transformer that connects a bus section to the "
            "data center's distribution; 0 for a plant at the distribution voltage; default "
            "from inputs/reliability.csv. [1/yr]"
        ),
    )
    section_transformer_repair_h: Annotated[float, Field(ge=1)] = Field(
        24.0,
        description=(
            "Mean outage of a section transformer after a major failure (geometric, whole "
            "hours); default from inputs/reliability.csv (a PROXY). [h]"
        ),
    )
    gas_outage_events_per_yr: NonNegative = Field(
        1.0,
        description=(
            "Expected gas-supply interruptions per year, which weigh the backup fuel burnt in "
            "the outage windows into the annual cost; a placeholder (no source), set your "
            "own. [1/yr]"
        ),
    )
    grid_outage_hours: Annotated[int, Field(ge=0, le=168)] = Field(
        0,
        description=(
            "Length of a grid outage the plant must ride through on its own, from each "
            "month's peak-load hour, at sites with a grid connection; 0 = not required. [h]"
        ),
    )
    monte_carlo_years: Annotated[int, Field(ge=0, le=100_000)] = Field(
        1000,
        description=(
            "Years of sequential Monte Carlo (unit failures and repairs) that measure the "
            "availability of the sized plant after each run; 0 = skip. [yr]"
        ),
    )
    monte_carlo_seed: Annotated[int, Field(ge=0)] = Field(
        0,
        description=(
            "Seed of the availability Monte Carlo (same seed, same figures; each site "
            "draws from its own stream of it). [-]"
        ),
    )
    max_lole_h_per_yr: NonNegative | None = Field(
        None,
        description=(
            "Reliability criterion: the most loss of load each site may have in the Monte "
            "Carlo, as the lole_statistic of its annual outcomes; dcpower raises k per site "
            "until it is met and reports the cost of each step. None = no criterion. [h/yr]"
        ),
    )
    lole_statistic: Literal["mean", "p50", "p90", "p99"] = Field(
        "mean",
        description=(
            "Statistic of the simulated annual LOLE the criterion applies to: the mean, or a "
            "percentile of the years (p90: 9 years in 10 do no worse). [-]"
        ),
    )
    availability_target: Annotated[float, Field(gt=0, lt=100)] | None = Field(
        None,
        description=(
            "The criterion as a time-based availability: the same as max_lole_h_per_yr = "
            "(1 - target / 100) x 8760 h, on lole_statistic. Not a Tier: Uptime Tiers are "
            "defined by topology (reported per site). [%]"
        ),
    )

    @field_validator("availability_target", mode="before")
    @classmethod
    def _not_a_tier(cls, value):
        if isinstance(value, str):
            raise ValueError(
                f"reliability.availability_target = {value!r}: Uptime Tiers are defined by "
                "topology, not by an availability percentage; give a percentage in (0, 100) "
                "or max_lole_h_per_yr with lole_statistic"
            )
        return value

    @model_validator(mode="after")
    def _one_criterion(self) -> Reliability:
        if self.availability_target is not None and self.max_lole_h_per_yr is not None:
            raise ValueError(
                f"reliability.availability_target = {self.availability_target:g} and "
                f"max_lole_h_per_yr = {self.max_lole_h_per_yr:g}: give one criterion"
            )
        return self

    @property
    def criterion_lole_h_per_yr(self) -> float | None:
        """The most annual LOLE allowed (on ``lole_statistic``), or None [h/yr]."""
        if self.availability_target is not None:
            return (1.0 - self.availability_target / 100.0) * HOURS_PER_YEAR
        return self.max_lole_h_per_yr

    def outage_hours(self, grid_connected: bool) -> dict[str, int]:
        """Return the outages to ride through: length by what is unavailable (gas, grid) [h].

        Grid outages apply only at a site with a grid connection; kinds set to 0 are left out.
        """
        hours = {"gas": self.gas_outage_hours, "grid": self.grid_outage_hours * grid_connected}
        return {kind: h for kind, h in hours.items() if h > 0}


class TimeHorizon(Strict):
    """Which hours the optimization sees."""

    kind: Literal["full_year", "blocks", "typical_periods", "window"] = Field(
        "typical_periods",
        description=(
            "full_year: 8760 h; blocks: chronological averages of block_hours, then a "
            "full-year dispatch; typical_periods: n_periods typical periods of period_hours "
            "(tsam) plus extreme periods, storage linked across the year, then a full-year "
            "dispatch; window: n_hours from start_hour, scaled to a year."
        ),
    )
    block_hours: Annotated[int, Field(ge=1, le=24)] = Field(
        3, description="Block length for kind=blocks. [h]"
    )
    n_periods: Annotated[int, Field(ge=1, le=365)] = Field(
        12, description="Typical periods clustered for kind=typical_periods (before extremes). [-]"
    )
    period_hours: Annotated[int, Field(ge=1, le=8760)] = Field(
        24,
        description="Length of a typical period for kind=typical_periods; divides 8760. [h]",
    )
    extreme_periods: bool = Field(
        True,
        description=(
            "kind=typical_periods: add the peak-load period, the lowest-output period of each "
            "PV and wind technology and the hottest period (lowest gas availability), each as "
            "a typical period of its own."
        ),
    )
    representation: Literal["medoid", "mean"] = Field(
        "medoid",
        description=(
            "kind=typical_periods: each typical period is the real period closest to the "
            "mean of those it stands for (medoid: keeps hour-to-hour swings of wind and sun), "
            "or their hour-by-hour mean (keeps annual energy exactly, smooths the swings); "
            "gas availability is their hourly minimum either way."
        ),
    )
    max_refinements: Annotated[int, Field(ge=0, le=20)] = Field(
        3,
        description=(
            "kind=typical_periods: times the worst calendar periods of a full-year dispatch "
            "that falls short are added as typical periods (or, on a cost drift, see "
            "cost_tolerance, the year clustered more finely) and the site sized again; a plan "
            "still short is then sized on the full year. [-]"
        ),
    )
    cost_tolerance: Annotated[float, Field(ge=0, le=1)] = Field(
        0.05,
        description=(
            "kind=typical_periods: if the full-year dispatch's annual cost differs from the "
            "typical-period sizing's estimate by more than this share, the year is clustered "
            "into twice as many typical periods and sized again (within max_refinements). "
            "The drift also holds the integer commitment of the dispatch (0.6-2.4 % measured "
            "on caspian-hub), so keep it above that. [-]"
        ),
    )
    start_hour: Annotated[int, Field(ge=0, lt=8760)] = Field(
        0, description="First hour for kind=window. [h]"
    )
    n_hours: Annotated[int, Field(ge=1, le=8760)] = Field(
        168, description="Length for kind=window. [h]"
    )

    @field_validator("period_hours")
    @classmethod
    def _period_divides_year(cls, value: int) -> int:
        if 8760 % value:
            raise ValueError(
                f"period_hours {value} does not divide the 8760 hours of the year; "
                "allowed: a divisor of 8760 such as 12, 24, 120 or 219"
            )
        return value


class Solver(Strict):
    """Solver settings (HiGHS)."""

    time_limit_s: Positive = Field(600.0, description="Wall-clock limit per site model. [s]")
    mip_gap: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.01, description="Relative MIP gap at which to stop. [-]"
    )
    threads: Annotated[int, Field(ge=1, le=64)] = Field(
        1, description="Threads per site model (sites solve in parallel). [-]"
    )
    commitment: Literal["integer", "relaxed"] = Field(
        "relaxed",
        description=(
            "Hourly committed units in the sizing model: integer, or continuous (a "
            "conservative relaxation, not a lower bound: hourly N-1 then covers every built "
            "type in every hour; unit counts are integer either way)."
        ),
    )
    dispatch_commitment: Literal["integer", "relaxed"] = Field(
        "integer",
        description=(
            "Hourly committed units in the full-year dispatch that follows a blocks or "
            "typical-periods sizing (capacities fixed)."
        ),
    )
    dispatch_window_h: Annotated[int, Field(ge=0, le=8760)] = Field(
        168,
        description=(
            "The full-year dispatch is solved in windows of this many hours, each from the "
            "storage levels the sizing planned at its start, and stitched into one year "
            "(dcpower.optimization.windows); 0 = one model for the year. A multiple of "
            "time.period_hours (typical periods) or time.block_hours (blocks). [h]"
        ),
    )
    dispatch_overlap_h: Annotated[int, Field(ge=0, le=744)] = Field(
        24,
        description="Hours each window looks ahead, solved and then discarded. [h]",
    )
    dispatch_mode: Literal["parallel", "rolling"] = Field(
        "parallel",
        description=(
            "parallel: windows solved independently from the sizing's storage levels, "
            "then joined; rolling: one after the other, each from the state the one before "
            "left."
        ),
    )
    dispatch_workers: Annotated[int, Field(ge=1, le=256)] | None = Field(
        None,
        description="Processes solving windows at once; none = the cores available. [-]",
    )
    dispatch_mip_gap: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        None,
        description=(
            "Relative MIP gap of the full-year dispatch with capacities fixed (over the "
            "year, as the windows share it); none = mip_gap. [-]"
        ),
    )


class Finance(Strict):
    """Project finance: cash flows year by year, LCOE, IRR, debt (``dcpower.finance``).

    Money is in real USD of the inputs' price basis, taken as money of the commercial
    operation date (year 0); nominal figures inflate real ones by ``inflation`` from year 0.
    Income tax follows each site's country (``sites.<id>.money``); debt is sized by a target
    DSCR with a sculpted repayment, within a maximum gearing. Defaults and their sources:
    ``inputs/finance.csv``.
    """

    project_life_yr: Annotated[int, Field(ge=1, le=60)] = Field(
        25, description="Operating years after construction. [yr]"
    )
    capex_schedule: list[Fraction] = Field(
        [0.4, 0.6],
        min_length=1,
        max_length=6,
        description=(
            "Share of overnight capex spent in each construction year (one entry per year, "
            "summing to 1). [-]"
        ),
    )
    inflation: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.02, description="USD inflation, for nominal figures and the nominal WACC. [1/yr]"
    )
    fuel_escalation_real: Annotated[float, Field(gt=-1, lt=1)] = Field(
        0.0, description="Real escalation of the gas price. [1/yr]"
    )
    carbon_price_escalation_real: Annotated[float, Field(gt=-1, lt=1)] = Field(
        0.0, description="Real escalation of the carbon price. [1/yr]"
    )
    om_escalation_real: Annotated[float, Field(gt=-1, lt=1)] = Field(
        0.0, description="Real escalation of fixed and variable O&M and start-up costs. [1/yr]"
    )
    price_escalation_real: Annotated[float, Field(gt=-1, lt=1)] = Field(
        0.0, description="Real escalation of the revenue price (PPA or grid tariff). [1/yr]"
    )
    pv_degradation_per_yr: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.005,
        description=(
            "PV output loss per year of operation (compound); the lost energy is made up by "
            "gas at its marginal cost. [1/yr]"
        ),
    )
    pv_inverter_replacement_share: Fraction = Field(
        0.10, description="PV inverter replacement cost as a share of PV overnight capex. [-]"
    )
    pv_inverter_replacement_year: Annotated[int, Field(ge=1, le=60)] = Field(
        15, description="PV inverters are replaced every this many operating years. [yr]"
    )
    replacement_cost_fraction: Annotated[float, Field(ge=0, le=2)] = Field(
        1.0,
        description=(
            "Cost of replacing an asset at the end of its lifetime (battery at 15 yr) as a "
            "share of its real overnight capex. [-]"
        ),
    )
    revenue_basis: Literal["required_tariff", "grid_tariff", "ppa", "none"] = Field(
        "required_tariff",
        description=(
            "Price the plant is paid for the energy it delivers: the required tariff (the "
            "flat real price at which the equity IRR meets target_equity_irr_nominal, found "
            "per site), the site's comparison grid tariff on its hourly load, a flat PPA "
            "price, or none (cost metrics only)."
        ),
    )
    ppa_usd_per_mwh: NonNegative | None = Field(
        None, description="Flat PPA price, real, for revenue_basis = ppa. [USD/MWh]"
    )
    target_equity_irr_nominal: Annotated[float, Field(gt=-1, lt=1)] = Field(
        0.12,
        description=("Equity IRR (nominal USD, after tax) the required tariff delivers. [1/yr]"),
    )
    target_dscr_min: Annotated[float, Field(ge=1, le=5)] = Field(
        1.30,
        description=(
            "Debt is sized so that every year's cash flow available for debt service is this "
            "many times its debt service (sculpted repayment). [-]"
        ),
    )
    max_gearing: Fraction = Field(
        0.69,
        description=(
            "Largest share of construction capex financed by debt; the DSCR sizing may "
            "borrow less. [-]"
        ),
    )
    debt_interest_rate: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.07, description="Nominal interest rate of the debt tranche. [1/yr]"
    )
    debt_tenor_yr: Annotated[int, Field(ge=1, le=60)] = Field(
        15, description="Repayment period from the operation date. [yr]"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Finance:
        total = sum(self.capex_schedule)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"finance.capex_schedule = {self.capex_schedule}: shares sum to {total:g}; "
                "they must sum to 1"
            )
        if self.revenue_basis == "ppa" and self.ppa_usd_per_mwh is None:
            raise ValueError("finance.revenue_basis = 'ppa' needs finance.ppa_usd_per_mwh")
        if self.debt_tenor_yr > self.project_life_yr:
            raise ValueError(
                f"finance.debt_tenor_yr = {self.debt_tenor_yr}: longer than "
                f"project_life_yr = {self.project_life_yr}"
            )
        return self


class Scenario(Strict):
    """A complete dcpower scenario."""

    name: str = Field(description="Scenario name, used in reports.")
    description: str = Field("", description="Free text.")
    sites: dict[str, Site] = Field(min_length=1, description="Sites by id.")
    technologies: dict[str, SerializeAsAny[TechSpec]] = Field(
        description=(
            "Technology catalogue by id (defaults from inputs/technologies.csv); each entry's "
            "`kind` names a registered technology (dcpower.techs)."
        )
    )
    economics: Economics = Field(
        description="Discount rate and emission factor (defaults: inputs/economics.csv)."
    )
    backup_fuel: BackupFuel = Field(
        description=(
            "Liquid backup fuel of dual-fuel gas units in gas-supply outages "
            "(defaults: inputs/backup_fuel.csv)."
        )
    )
    reliability: Reliability = Field(
        default_factory=Reliability, description="N+k, hourly N-1, ride-through."
    )
    time: TimeHorizon = Field(
        default_factory=TimeHorizon, description="Which hours the sizing model sees."
    )
    solver: Solver = Field(default_factory=Solver, description="HiGHS settings.")
    finance: Finance = Field(
        default_factory=Finance,
        description="Project-finance assumptions (defaults: inputs/finance.csv).",
    )
    workload: Workload = Field(
        default_factory=Workload, description="Computing work moved between sites."
    )
    emissions: Emissions = Field(
        default_factory=Emissions, description="Emission limits over all sites."
    )
    siting: Siting = Field(
        default_factory=Siting, description="IT capacity placed over candidate sites."
    )

    def site_reliability(self, site_id: str) -> Reliability:
        """Return the reliability rules at one site (its own N+k if the site sets one)."""
        k = self.sites[site_id].redundancy_k
        return (
            self.reliability
            if k is None
            else self.reliability.model_copy(update={"redundancy_k": k})
        )

    @property
    def dispatch_commitment(self) -> str:
        """Commitment of the hourly dispatch that is reported and verified.

        With an annual emission limit the dispatch is relaxed: the limit ties all 8760
        hours of an integer-commitment dispatch together, which HiGHS did not solve in its
        time limit on the full hub (measured), while the relaxed dispatch takes seconds.
        """
        if self.has_emission_limits:
            return "relaxed"
        if self.time.kind in ("blocks", "typical_periods"):
            return self.solver.dispatch_commitment
        return self.solver.commitment

    @property
    def sites_tied(self) -> bool:
        """Whether sites are solved in one model: work moves, or limits bind all sites."""
        return len(self.sites) > 1 and (
            self.workload.flexible_share > 0
            or self.emissions.co2_cap_t_per_yr is not None
            or self.emissions.min_renewable_share is not None
        )

    @property
    def has_emission_limits(self) -> bool:
        """Whether a CO2 cap or a minimum renewable share applies to any site or to all."""
        limits = [self.emissions.co2_cap_t_per_yr, self.emissions.min_renewable_share]
        for site in self.sites.values():
            limits += [site.co2_cap_t_per_yr, site.min_renewable_share]
        return any(limit is not None for limit in limits)

    @field_validator("technologies", mode="before")
    @classmethod
    def _technology_specs(cls, value: Any) -> Any:
        """Validate each entry with the parameter class its ``kind`` registered."""
        if not isinstance(value, dict):
            return value
        specs = {}
        for tech_id, entry in value.items():
            if isinstance(entry, TechSpec):
                specs[tech_id] = entry
                continue
            try:
                specs[tech_id] = _technology_spec(tech_id, entry)
            except ValidationError as err:
                raise ValueError(_format_error(err, f"technologies.{tech_id}")) from None
        return specs

    @model_validator(mode="after")
    def _windows_start_where_levels_are_known(self) -> Scenario:
        window_h = self.solver.dispatch_window_h
        step_h = {"typical_periods": self.time.period_hours, "blocks": self.time.block_hours}
        period_h = step_h.get(self.time.kind)
        if window_h and period_h and window_h % period_h:
            raise ValueError(
                f"solver.dispatch_window_h = {window_h}: not a multiple of time."
                f"{'period_hours' if self.time.kind == 'typical_periods' else 'block_hours'} "
                f"({period_h}); windows start where the sizing planned the storage levels "
                "(0 = one model for the year)"
            )
        return self

    @model_validator(mode="after")
    def _on_site_fuel_has_dual_fuel_units(self) -> Scenario:
        if self.reliability.on_site_fuel_h <= 0:
            return self
        for site_id, site in self.sites.items():
            specs = [self.technologies.get(t) for t in site.technologies]
            if not any(getattr(spec, "dual_fuel", False) for spec in specs):
                raise ValueError(
                    f"reliability.on_site_fuel_h = {self.reliability.on_site_fuel_h:g}: site "
                    f"{site_id} has no dual-fuel unit type to burn it; add one to "
                    f"sites.{site_id}.technologies (catalogue type recip_engine_df)"
                )
        return self

    @model_validator(mode="after")
    def _phases_on_sites_solved_alone(self) -> Scenario:
        phased = [k for k, site in self.sites.items() if site.data_center.phases]
        if not phased:
            return self
        for site_id in phased:
            if not re.fullmatch(r"[A-Za-z0-9_-]+", site_id):
                raise ValueError(
                    f"sites.{site_id}.data_center.phases: a phased site's id names its phases' "
                    "run folders (phases/<site>-<year>); allowed: letters, digits, _ and -"
                )
            years = [phase.year for phase in self.sites[site_id].data_center.phases]
            if years[-1] - years[0] >= self.finance.project_life_yr:
                raise ValueError(
                    f"sites.{site_id}.data_center.phases: the last phase starts "
                    f"{years[-1] - years[0]} years after the first; allowed: within "
                    f"finance.project_life_yr = {self.finance.project_life_yr} years of it"
                )
        where = f"sites.{phased[0]}.data_center.phases"
        site = self.sites[phased[0]]
        if site.weather_years and len(site.weather_years) > 1:
            raise ValueError(
                f"{where}: a phased build-out on several weather years is not supported yet; "
                "give one weather year"
            )
        if self.siting.it_demand_mw is not None:
            raise ValueError(
                f"{where}: a phased build-out with candidate sites (siting.it_demand_mw) is "
                "not supported yet"
            )
        if self.sites_tied:
            raise ValueError(
                f"{where}: sites tied together (workload shifting or emission limits over "
                "all sites) cannot be phased yet; phase sites that are sized on their own"
            )
        return self

    @model_validator(mode="after")
    def _site_technologies_exist(self) -> Scenario:
        for site_id, site in self.sites.items():
            for tech_id in site.technologies:
                if tech_id not in self.technologies:
                    raise ValueError(
                        f"sites.{site_id}.technologies: unknown technology '{tech_id}'; "
                        f"allowed: {', '.join(sorted(self.technologies))}"
                    )
        years = {k: len(v.weather_years or [0]) for k, v in self.sites.items()}
        several = [k for k, n in years.items() if n > 1]
        if several and len(self.sites) > 1 and self.siting.it_demand_mw is not None:
            raise ValueError(
                f"sites.{several[0]}.weather_years: several weather years with candidate sites "
                "(siting.it_demand_mw) are not supported yet; choose the sites on one year"
            )
        if several and self.sites_tied and len(set(years.values())) > 1:
            listed = ", ".join(f"{k} {n}" for k, n in years.items())
            raise ValueError(
                f"sites.{several[0]}.weather_years: sites tied together (workload shifting or "
                "emission limits over all sites) are operated year by year together, so they "
                f"need the same number of weather years; got {listed}"
            )
        for site_id, site in self.sites.items():
            dc = site.data_center
            if dc.min_it_capacity_mw > dc.it_capacity_mw:
                raise ValueError(
                    f"sites.{site_id}.data_center.min_it_capacity_mw = {dc.min_it_capacity_mw:g}: "
                    f"above it_capacity_mw = {dc.it_capacity_mw:g}"
                )
        demand = self.siting.it_demand_mw
        room = sum(site.data_center.it_capacity_mw for site in self.sites.values())
        if demand is not None and demand > room + 1e-9:
            raise ValueError(
                f"siting.it_demand_mw = {demand:g}: more than the sites can host together "
                f"(the sum of their data_center.it_capacity_mw is {room:g})"
            )
        if self.workload.flexible_share > 0 and len(self.sites) < 2:
            raise ValueError(
                f"workload.flexible_share = {self.workload.flexible_share:g}: moving work needs "
                f"at least two sites, the scenario has {len(self.sites)}"
            )
        return self


# --------------------------------------------------------------------------- loading


#: Site fields whose default is the climate's row of ``inputs/economics.csv``.
SITE_WATER_DEFAULTS = ("water_price_usd_per_m3", "water_energy_kwh_per_m3")


@cache
def _catalogue(
    filename: str, basis: tuple[int, float] | None = None
) -> dict[str, dict[str, float | str]]:
    """Read a long-form input table (technology, parameter, value, unit, currency, ...).

    With a price ``basis`` (base year, USD per EUR), every USD or EUR figure is converted
    from its currency year to USD of the base year (:func:`dcpower.money.to_base_usd`).
    """
    path = inputs_dir() / filename
    table: dict[str, dict[str, float | str]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            value = _number_or_text(row["value"])
            if basis is not None and isinstance(value, float):
                value = money.row_in_basis(value, row, basis)
            table.setdefault(row["technology"], {})[row["parameter"]] = value
    return table


#: Files of the technology catalogue under each cost basis; a later file's rows replace an
#: earlier one's (same technology and parameter).
COST_BASIS_FILES = {
    "regional": ("technologies.csv", "technology_costs_regional.csv"),
    "us_atb": ("technologies.csv",),
}


def technology_catalogue(
    cost_basis: Any, basis: tuple[int, float] | None = None
) -> dict[str, dict[str, float | str]]:
    """Return the technology catalogue of a cost basis (default 'regional'), in base-year USD.

    An unknown cost basis reads the default set; the schema then reports the bad value.
    """
    files = COST_BASIS_FILES.get(cost_basis, COST_BASIS_FILES["regional"])
    merged: dict[str, dict[str, float | str]] = {}
    for filename in files:
        for owner, values in _catalogue(filename, basis).items():
            merged.setdefault(owner, {}).update(values)
    return merged


def price_basis(raw_economics: dict[str, Any]) -> tuple[int, float]:
    """Return the price basis of a scenario's economics: (base year, USD per EUR).

    A value the scenario gives is used if it is a whole year (a number); otherwise the
    default, and the schema reports the bad value.
    """
    year = raw_economics.get("price_basis_year")
    if not isinstance(year, int) or isinstance(year, bool):
        year = money.default_price_basis_year()
    rate = raw_economics.get("usd_per_eur")
    if not isinstance(rate, int | float) or isinstance(rate, bool) or not rate > 0:
        rate = _catalogue_usd_per_eur()
    return year, float(rate)


def _catalogue_usd_per_eur() -> float:
    """Return the default EUR exchange rate of ``inputs/economics.csv`` [USD/EUR]."""
    return float(_catalogue("economics.csv")["economics"]["usd_per_eur"])


def _number_or_text(value: str) -> float | str:
    """Return a table value as a number, or as text where it is a code (a currency, a date)."""
    try:
        return float(value)
    except ValueError:
        return value


def _fields_of(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def _fixed_by_catalogue(technology, tech_id: str, source_id: str, given: dict) -> dict:
    """Return the fields a catalogue type fixes, refusing a scenario value that differs.

    A catalogue type is a product: the dual-fuel engine is another type
    (``recip_engine_df``), not a flag on the gas-only one.
    """
    fixed = technology.catalogue.get(source_id, {})
    for key, value in fixed.items():
        if key in given and given[key] != value:
            others = [c for c, f in technology.catalogue.items() if f.get(key) == given[key]]
            hint = f"; use catalogue_id: {others[0]}" if others else ""
            raise ScenarioError(
                f"technologies.{tech_id}.{key} = {given[key]!r}: catalogue type "
                f"{source_id} fixes it to {value!r}{hint}"
            )
    return fixed


def _with_catalogue_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    """Fill technology and economics fields the scenario leaves out from ``inputs/``."""
    raw = dict(raw)
    given_economics = _mapping(raw.get("economics"), "economics")
    basis = price_basis(given_economics)
    catalogue = technology_catalogue(given_economics.get("cost_basis"), basis)
    kind_of = techs.kind_of_catalogue_id()
    merged = {}
    for tech_id, given in _mapping(raw.get("technologies"), "technologies").items():
        given = _mapping(given, f"technologies.{tech_id}")
        source_id = given.pop("catalogue_id", tech_id)
        if not isinstance(source_id, str):
            raise ScenarioError(
                f"technologies.{tech_id}.catalogue_id = {source_id!r}: expected a catalogue id "
                f"({', '.join(kind_of)})"
            )
        if "kind" in given and given["kind"] not in techs.kinds():
            raise ScenarioError(
                f"technologies.{tech_id}.kind = {given['kind']!r}: not a registered technology; "
                f"allowed: {', '.join(techs.kinds())}"
            )
        kind = given.get("kind") or kind_of.get(source_id)
        if not isinstance(kind, str) or kind not in techs.kinds():
            raise ScenarioError(
                f"technologies.{tech_id}: not in the catalogue "
                f"({', '.join(kind_of)}); "
                f"give 'kind' (one of {', '.join(techs.kinds())}) and every parameter"
            )
        technology = techs.of(kind)
        fields = _fields_of(technology.spec)
        defaults = {k: v for k, v in catalogue.get(source_id, {}).items() if k in fields}
        fixed = _fixed_by_catalogue(technology, tech_id, source_id, given)
        defaults.update(fixed)
        merged[tech_id] = {"kind": kind, **defaults, **given}
    raw["technologies"] = merged
    # Global rows ("economics") and each climate's (gas and carbon prices, country).
    economics_table = _catalogue("economics.csv", basis)
    econ = economics_table.get("economics", {})
    econ_defaults = {k: v for k, v in econ.items() if k in _fields_of(Economics)}
    raw["economics"] = {**econ_defaults, **given_economics}
    reliability_defaults = _catalogue("reliability.csv").get("reliability", {})
    raw["reliability"] = {
        **reliability_defaults,
        **_mapping(raw.get("reliability"), "reliability"),
    }
    fuel_defaults = _catalogue("backup_fuel.csv", basis).get("backup_fuel", {})
    raw["backup_fuel"] = {**fuel_defaults, **_mapping(raw.get("backup_fuel"), "backup_fuel")}
    sites = {}
    for site_id, site in _mapping(raw.get("sites"), "sites").items():
        site = _mapping(site, f"sites.{site_id}")
        climate = site.get("climate", site_id)
        if "climate" in site and isinstance(climate, str) and not _looks_like_path(climate):
            _check_embedded_climate(site_id, climate)
            climate = climate.lower()
        # A climate that is not text has no catalogue row; the schema then says what it is.
        climate = climate if isinstance(climate, str) else ""
        site_defaults = economics_table.get(climate, {})
        for field in ("carbon_price_usd_per_t", *SITE_WATER_DEFAULTS):
            if field not in site and field in site_defaults:
                site[field] = site_defaults[field]
        site["money"] = _money_with_country_defaults(site_id, site, site_defaults, basis)
        site.update(_gas_price(site_id, site, site["money"].get("country"), basis))
        if site.get("grid") is not None:
            grid = _grid_with_tariff(
                f"sites.{site_id}.grid.tariff",
                _mapping(site["grid"], f"sites.{site_id}.grid"),
                basis,
            )
            outages = _catalogue("reliability.csv").get(climate, {})
            site["grid"] = {
                **{k: v for k, v in outages.items() if k in _fields_of(GridConnection)},
                **grid,
            }
        sites[site_id] = site
    raw["sites"] = sites
    return raw


def _money_with_country_defaults(
    site_id: str,
    site: dict[str, Any],
    site_defaults: dict[str, float | str],
    basis: tuple[int, float],
) -> dict[str, Any]:
    """Fill a site's money fields it leaves out from its country's rows of inputs/countries.csv.

    A comparison tariff given by name gets its prices from ``inputs/grid_tariffs.csv``.
    """
    site_money = _mapping(site.get("money"), f"sites.{site_id}.money")
    country = site_money.get("country", site_defaults.get("country"))
    if country is not None:
        countries = _catalogue("countries.csv")
        if not isinstance(country, str) or country not in countries:
            raise ScenarioError(
                f"sites.{site_id}.money.country = {country!r}: not in inputs/countries.csv "
                f"(allowed: {', '.join(sorted(countries))}); or leave it out"
            )
        defaults = {k: v for k, v in countries[country].items() if k in _fields_of(SiteMoney)}
        for key in _WHOLE_YEARS:
            if isinstance(defaults.get(key), float):
                defaults[key] = int(defaults[key])
        site_money = {**defaults, "country": country, **site_money}
    tariff = site_money.get("comparison_tariff")
    if isinstance(tariff, str):
        site_money["comparison_tariff"] = _grid_with_tariff(
            f"sites.{site_id}.money.comparison_tariff", {"tariff": tariff}, basis
        )
    return site_money


#: Scenario fields that pick catalogue figures, and the fields of the same section they fill:
#: whoever changes the picker (a sweep) drops what it filled, so that loading fills it anew.
CATALOGUE_SELECTORS = {"gas_price_case": ("gas_price_usd_per_mmbtu",)}

#: Scenario fields that pick the basis of every catalogue figure (cost set, price year).
CATALOGUE_BASIS_PATHS = (
    "economics.cost_basis",
    "economics.price_basis_year",
    "economics.usd_per_eur",
)


def _gas_price(
    site_id: str, site: dict[str, Any], country: Any, basis: tuple[int, float]
) -> dict[str, Any]:
    """Return a site's gas price case and price: the case's figure unless a price is given.

    A case named with a price that differs from it is refused (which one is meant?); a
    price without a case is the scenario's own ('scenario').
    """
    case = site.get("gas_price_case")
    given = site.get("gas_price_usd_per_mmbtu")
    if case in (None, "scenario") and given is not None:
        return {"gas_price_case": "scenario"}
    cases = _catalogue("gas_prices.csv", basis).get(country, {}) if isinstance(country, str) else {}
    if not cases:
        if case is not None:
            raise ScenarioError(
                f"sites.{site_id}.gas_price_case = {case!r}: the site has no country with gas "
                "price cases (sites.<id>.money.country); give gas_price_usd_per_mmbtu"
            )
        return {}
    case = cases["default_case"] if case is None else case
    allowed = sorted(k for k in cases if k != "default_case")
    if case not in allowed:
        raise ScenarioError(
            f"sites.{site_id}.gas_price_case = {case!r}: not a case of {country} in "
            f"inputs/gas_prices.csv; allowed: {', '.join(allowed)}, or scenario"
        )
    price = float(cases[case])
    if given is not None and not math.isclose(float(given), price, rel_tol=1e-9):
        raise ScenarioError(
            f"sites.{site_id}.gas_price_usd_per_mmbtu = {given!r}: differs from gas price case "
            f"{case!r} ({price:.4f}); give one of them, or gas_price_case: scenario"
        )
    return {"gas_price_case": case, "gas_price_usd_per_mmbtu": price}


#: Money fields of inputs/countries.csv that are whole years.
_WHOLE_YEARS = ("tax_loss_carryforward_yr",)


#: Fields of a grid connection a catalogue tariff fills.
_TARIFF_FIELDS = (
    "day_price_usd_per_mwh",
    "night_price_usd_per_mwh",
    "day_start_hour",
    "day_end_hour",
)


def _grid_with_tariff(where: str, grid: dict[str, Any], basis: tuple[int, float]) -> dict[str, Any]:
    """Fill a tariff's price fields it leaves out from ``inputs/grid_tariffs.csv``.

    ``where`` is the scenario field that names the tariff, for the error message.
    """
    tariffs = _catalogue("grid_tariffs.csv", basis)
    name = grid.get("tariff")
    missing = [f for f in _TARIFF_FIELDS if f not in grid]
    if not missing:
        return grid
    if not isinstance(name, str) or name not in tariffs:
        raise ScenarioError(
            f"{where} = {name!r}: not in inputs/grid_tariffs.csv "
            f"(allowed: {', '.join(sorted(tariffs))}); or give {', '.join(missing)}"
        )
    defaults = {f: tariffs[name][f] for f in missing}
    for hour in ("day_start_hour", "day_end_hour"):
        if hour in defaults:
            defaults[hour] = int(defaults[hour])
    return {**grid, **defaults}


def _mapping(value: Any, where: str) -> dict[str, Any]:
    """Return a scenario section as a dict (empty if left blank); raise if it is not a mapping."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(
            f"{where} = {value!r}: expected a mapping of names to values, "
            f"got {type(value).__name__}"
        )
    return dict(value)


def _looks_like_path(climate: str) -> bool:
    """Tell whether a site's ``climate`` names a site file (as ``load_site`` reads it)."""
    return climate.endswith((".yaml", ".yml")) or "/" in climate


def _check_embedded_climate(site_id: str, climate: str) -> None:
    """Reject an unknown embedded climate id now, not after the other sites have solved."""
    folder = inputs_dir() / "sites"
    if (folder / f"{climate.lower()}.yaml").is_file():
        return
    known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml"))) or "none"
    raise ScenarioError(
        f"sites.{site_id}.climate = {climate!r}: unknown site; allowed: {known} "
        "(or the path of a site YAML file)"
    )


def _allowed_fields(parent: tuple, entry: Any = None) -> list[str]:
    """Field names allowed in the scenario section at ``parent`` (a pydantic error location).

    ``entry`` is the section's input, whose ``kind`` picks a technology's parameter class.
    """
    sections = {
        "economics": Economics,
        "backup_fuel": BackupFuel,
        "reliability": Reliability,
        "time": TimeHorizon,
        "solver": Solver,
        "finance": Finance,
        "workload": Workload,
        "emissions": Emissions,
        "siting": Siting,
    }
    model: type[BaseModel] | None = None
    if not parent:
        model = Scenario
    elif len(parent) == 1:
        model = sections.get(str(parent[0]))
    elif parent[0] == "technologies" and len(parent) == 2 and isinstance(entry, dict):
        kind = entry.get("kind")
        model = techs.of(kind).spec if kind in techs.kinds() else None
    elif parent[0] == "sites":
        model = {
            (): Site,
            ("data_center",): DataCenter,
            ("data_center", "pue"): PUEModel,
            ("grid",): GridConnection,
        }.get(tuple(parent[2:]))
    if model is None:
        return []
    names = set(model.model_fields) - {"kind"}
    if parent and parent[0] == "technologies":
        names |= {"kind", "catalogue_id"}
    return sorted(names)


def _technology_spec(tech_id: str, entry: Any) -> TechSpec:
    """Validate one technology entry with the parameter class of its registered kind.

    Raises
    ------
    ValueError
        If the kind is not registered.
    ValidationError
        If a field is wrong.
    """
    kind = entry.get("kind") if isinstance(entry, dict) else None
    if kind not in techs.kinds():
        raise ValueError(
            f"technologies.{tech_id}.kind = {kind!r}: allowed {', '.join(techs.kinds())}"
        )
    return techs.of(kind).spec.model_validate(entry)


def _validate_technologies(raw: dict[str, Any], origin: str) -> dict[str, Any]:
    """Validate every technology entry, so an error names ``technologies.<id>.<field>``."""
    specs = {}
    for tech_id, entry in raw.get("technologies", {}).items():
        try:
            specs[tech_id] = _technology_spec(tech_id, entry)
        except ValidationError as err:
            raise ScenarioError(
                _format_error(err, origin, ("technologies", tech_id), entry)
            ) from None
        except ValueError as err:
            raise ScenarioError(f"{origin}: {err}") from None
    return {**raw, "technologies": specs}


def _format_error(err: ValidationError, origin: str, prefix: tuple = (), entry: Any = None) -> str:
    first = err.errors()[0]
    loc = (*prefix, *first["loc"])
    where = ".".join(str(p) for p in loc)
    value = first.get("input")
    shown = value if not isinstance(value, dict) else "{...}"
    msg = first["msg"].removeprefix("Value error, ")
    extra = "" if len(err.errors()) == 1 else f" (and {len(err.errors()) - 1} more)"
    if first["type"] == "extra_forbidden":
        allowed = _allowed_fields(tuple(loc[:-1]), entry)
        hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"{origin}: unknown field '{where}'{hint}{extra}"
    if first["type"] == "missing":
        return f"{origin}: missing field '{where}'{extra}"
    if first["type"] == "value_error":
        # A nested model's own check names its fields, not where the model sits.
        nested = where if loc and not msg.startswith(str(loc[0])) else ""
        return f"{origin}: {nested + ': ' if nested else ''}{msg}{extra}"
    return f"{origin}: {where} = {shown!r}: {msg}{extra}"


def scenario_from_dict(raw: dict[str, Any], origin: str = "scenario") -> Scenario:
    """Validate a scenario given as a dict (e.g. parsed YAML), filling catalogue defaults.

    Raises
    ------
    ScenarioError
        With the field, the value and what is allowed.
    """
    if not isinstance(raw, dict):
        raise ScenarioError(
            f"{origin}: expected a mapping at the top level, got {type(raw).__name__}"
        )
    try:
        completed = _with_catalogue_defaults(raw)
    except ScenarioError as err:
        raise ScenarioError(f"{origin}: {err}") from None
    completed = _validate_technologies(completed, origin)
    try:
        return Scenario.model_validate(completed)
    except ValidationError as err:
        raise ScenarioError(_format_error(err, origin)) from None


def resolve_scenario_path(scenario: str | Path | None) -> Path:
    """Find a scenario file: a path, or the name of a shipped model (default ``caspian-hub``)."""
    if scenario is None:
        scenario = "caspian-hub"
    path = Path(scenario)
    if path.exists():
        return path
    shipped = models_dir() / f"{path.stem}.yaml"
    if path.suffix in {"", ".yaml", ".yml"} and shipped.exists():
        return shipped
    names = ", ".join(sorted(p.stem for p in models_dir().glob("*.yaml")))
    raise ScenarioError(f"scenario '{scenario}': no such file; shipped scenarios: {names}")


def load_scenario(
    scenario: str | Path | None = None, economics: dict[str, Any] | None = None
) -> Scenario:
    """Read and validate a scenario YAML file (a path or a shipped model name).

    ``economics`` overrides fields of the file's ``economics`` section before the catalogue
    defaults are filled in (a sweep over ``economics.cost_basis`` loads each basis so).
    """
    path = resolve_scenario_path(scenario)
    try:
        raw = load_yaml(read_text(path))
    except (OSError, ValueError) as err:
        raise ScenarioError(str(err)) from None
    except yaml.YAMLError as err:
        raise ScenarioError(f"{path}: {yaml_problem(err)}") from None
    if economics and isinstance(raw, dict):
        raw["economics"] = {**_mapping(raw.get("economics"), "economics"), **economics}
    loaded = scenario_from_dict(raw, origin=str(path))
    _resolve_site_files(loaded, path)
    return loaded


def _years_from_folder(site: Site, site_id: str, path: Path) -> None:
    """Replace the calendar years of ``weather_years`` by the files of ``weather_dir``."""
    folder = site.weather_dir
    if not folder.is_absolute():
        folder = (path.parent / folder).resolve()
    site.weather_dir = folder
    where = f"{path}: sites.{site_id}.weather_dir = '{folder}'"
    if not folder.is_dir():
        raise ScenarioError(f"{where}: not a folder")
    if not site.weather_years:
        raise ScenarioError(f"{where}: list the calendar years to use in weather_years")
    for k, year in enumerate(site.weather_years):
        if isinstance(year, Path):
            continue
        found = sorted(folder.glob(f"*-{year}.csv"))
        if len(found) != 1:
            listed = ", ".join(p.name for p in found) or "none"
            raise ScenarioError(
                f"{path}: sites.{site_id}.weather_years[{k}] = {year}: needs one file "
                f"'<source>-{year}.csv' in {folder}, found {listed} (fetch it with `dcpower "
                f"weather fetch ... --years {year}`, or name the file)"
            )
        site.weather_years[k] = found[0]


def _resolve_site_files(loaded: Scenario, path: Path) -> None:
    """Make the files a scenario names relative to the scenario file, and check they exist."""
    for site_id, site in loaded.sites.items():
        # Files a scenario names are read relative to the scenario file.
        if _looks_like_path(site.climate) and not Path(site.climate).is_absolute():
            site.climate = str((path.parent / site.climate).resolve())
        if _looks_like_path(site.climate) and not Path(site.climate).is_file():
            raise ScenarioError(
                f"{path}: sites.{site_id}.climate = '{site.climate}': file not found"
            )
        if site.weather_dir is not None:
            _years_from_folder(site, site_id, path)
        for k, year in enumerate(site.weather_years or []):
            if isinstance(year, Path):
                year = year if year.is_absolute() else (path.parent / year).resolve()
                site.weather_years[k] = year
                if not year.exists():
                    raise ScenarioError(
                        f"{path}: sites.{site_id}.weather_years[{k}] = '{year}': file not found"
                    )
        if site.weather_file is not None and not site.weather_file.is_absolute():
            site.weather_file = (path.parent / site.weather_file).resolve()
        if site.weather_file is not None and not site.weather_file.exists():
            raise ScenarioError(
                f"{path}: sites.{site_id}.weather_file = '{site.weather_file}': file not found"
            )


def scenario_to_yaml(scenario: Scenario) -> str:
    """Return the fully resolved scenario as YAML (every default filled in)."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
