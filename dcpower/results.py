"""The Result of a run and the run folder it writes (see docs/run-folder.md).

Reading and writing results never needs pyomo or a solver, so notebooks and reports can
use this module on a saved run folder alone.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.errors import DcpowerError
from dcpower.scenario import Scenario, scenario_to_yaml

#: Site totals of the hourly dispatch (``dispatch.csv``), besides ``load_mw`` and
#: ``unserved_mw``: power in MW, state of charge in MWh, fuel in MMBtu/h (HHV).
#: Columns of dispatch.csv that sum one quantity over technologies (each technology's own
#: columns are ``<total>_<id>``, e.g. ``gas_mw_recip_engine``, ``battery_soc_mwh_<id>``).
DISPATCH_TOTALS = techs.dispatch_totals()
OUTAGE_TOTALS = techs.dispatch_totals(outage=True)

#: File of a run folder with the operation in each outage window (only if there are any).
OUTAGE_DISPATCH_FILE = "outage_dispatch.csv"

#: Order of solver statuses from best to worst; a run reports its worst site.
STATUS_ORDER = ("optimal", "time_limit", "shortfall", "infeasible", "error")


@dataclass
class SiteResult:
    """Everything dcpower decided and measured for one site.

    Attributes
    ----------
    site_id : str
        Site id in the scenario.
    status : str
        Sizing solve status (``optimal``, ``time_limit``) or ``shortfall`` when the full-year
        dispatch with the sized capacities cannot meet every requirement.
    mip_gap : float
        Relative gap of the sizing solve. [-]
    objective_usd_per_yr : float
        Objective of the sizing solve (total annual cost on the modelled steps). [USD/yr]
    build_seconds, solve_seconds : float
        Model build and solver wall times, sizing plus re-dispatch. [s]
    horizon_kind : str
        ``full_year``, ``blocks``, ``typical_periods`` or ``window``.
    hours_modelled : int
        Hours of the year the sizing model represented step by step. [h]
    capacities : pd.DataFrame
        ``technology, kind, capacity, unit``.
    gas_units : dict
        ``{unit type: {"units": n, "unit_mw": rating}}``.
    capex_usd : dict
        Overnight capital cost by technology. [USD]
    costs : pd.DataFrame
        ``technology, component, usd_per_yr`` from the dispatch that was verified. [USD/yr]
    dispatch : pd.DataFrame
        Per hour (index: local start time): power [MW], state of charge [MWh], ``weight_h``.
    profiles : pd.DataFrame
        The full-year hourly inputs (weather-derived factors and load); the model's steps
        are drawn from them and its design point (peak load, hottest hour) is theirs.
    it_capacity_mw : float
        Installed IT capacity of the data center. [MW]
    shortfalls : dict
        Requirements the full-year dispatch could not meet, with how much.
    sizing_passes : list of dict
        Each sizing pass: horizon, block hours or number of typical periods and the calendar
        periods added as typical periods of their own (start times), unserved energy
        [MWh/yr] and cost [USD/yr] of its full-year dispatch, the sizing model's objective
        [USD/yr], and build plus solve seconds of the sizing and of the full-year dispatch
        [s]. A typical-periods sizing that falls short is followed by one with its worst
        periods added; a blocks sizing, or the last refinement, that falls short by a
        full-year one.
    design : dict
        The N+k design point: ``temp_air_c``, ``peak_load_mw``, ``gas_available_factor``.
    outage_dispatch : pd.DataFrame or None
        Operation in each outage-window step of the reported dispatch (one row per window
        step, ``time`` as ISO text); None without outage windows.
    outage_insurance : dict
        By outage kind (``gas``, ``grid``) whose ride-through is required: its length and
        the cost of that insurance (annual cost with it minus without it). [h, USD/yr]
    weather_years : dict or None
        Sized on several weather years: per year its cost, unserved energy and CO2, the
        mean cost and the worst year (``dcpower.pipeline.weather_years_summary``).
    sizing : dict
        Investment decisions by model variable name (to start or fix a later solve; not
        written to the run folder).
    """

    site_id: str
    status: str
    mip_gap: float
    objective_usd_per_yr: float
    build_seconds: float
    solve_seconds: float
    horizon_kind: str
    hours_modelled: int
    capacities: pd.DataFrame
    gas_units: dict
    capex_usd: dict
    costs: pd.DataFrame
    dispatch: pd.DataFrame
    profiles: pd.DataFrame
    it_capacity_mw: float
    shortfalls: dict = field(default_factory=dict)
    sizing_passes: list = field(default_factory=list)
    design: dict = field(default_factory=dict)
    outage_dispatch: pd.DataFrame | None = None
    outage_insurance: dict = field(default_factory=dict)
    weather_years: dict | None = None
    sizing: dict = field(default_factory=dict)

    def annual_mwh(self, column: str) -> float:
        """Annual energy of a dispatch column (MW per step x hours of the year it stands for)."""
        return float((self.dispatch[column] * self.dispatch["weight_h"]).sum())

    def summary(self, co2_kg_per_mmbtu: float) -> dict:
        """Headline figures of the site, as in ``summary.json``."""
        caps = self.capacities
        capacity = {
            key: float(caps.loc[(caps["kind"] == kind) & (caps["unit"] == unit), "capacity"].sum())
            for tech in techs.technologies()
            for key, (kind, unit) in tech.summary_capacity.items()
        }
        capacity["gas"] = self.gas_units
        capacity["gas_mw"] = sum(g["units"] * g["unit_mw"] for g in self.gas_units.values())
        load = self.annual_mwh("load_mw")
        generation = {
            key: self.annual_mwh(column)
            for tech in techs.technologies()
            for key, column in tech.summary_generation.items()
        }
        generation["grid"] = self.annual_mwh(techs.GRID_IMPORT.column)
        # Energy from fuel or the grid (what min_renewable_share does not count).
        fuel_or_grid = generation["grid"] + sum(
            generation[key]
            for tech in techs.technologies()
            if tech.resource == "thermal"
            for key in tech.summary_generation
        )
        fuel = self.annual_mwh("fuel_mmbtu_per_h")
        cost = float(self.costs["usd_per_yr"].sum())
        return {
            "status": self.status,
            "it_capacity_mw": self.it_capacity_mw,
            "it_load_mw": float(self.profiles["it_load_mw"].mean()),
            "peak_load_mw": float(self.profiles["load_mw"].max()),
            "load_mwh_per_yr": load,
            "capacity": capacity,
            "generation_mwh_per_yr": generation,
            "curtailment_mwh_per_yr": self.annual_mwh("curtailment_mw"),
            "unserved_mwh_per_yr": self.annual_mwh("unserved_mw"),
            "fuel_mmbtu_per_yr": fuel,
            "co2_t_per_yr": fuel * co2_kg_per_mmbtu / 1000,
            # Share of the energy served not from fuel or the grid (as min_renewable_share
            # counts it).
            "renewable_share": 1 - fuel_or_grid / load if load else 0.0,
            "capex_usd": float(sum(self.capex_usd.values())),
            "cost_usd_per_yr": cost,
            "lcoe_usd_per_mwh": cost / load if load else float("nan"),
            # The sizing model's own annual cost (on its steps; a lower bound when its
            # commitment is relaxed) and how much the verified full-year dispatch costs more.
            "sizing_cost_usd_per_yr": self.objective_usd_per_yr,
            "dispatch_over_sizing_cost": cost / self.objective_usd_per_yr - 1
            if self.objective_usd_per_yr
            else float("nan"),
            "shortfalls": self.shortfalls,
            "sizing_passes": self.sizing_passes,
            "design_point": self.design,
            "gas_outage": self.outage_insurance.get("gas"),
            "grid_outage": self.outage_insurance.get("grid"),
            "weather_years": self.weather_years,
        }


@dataclass
class Result:
    """The outcome of ``dcpower.run``: one :class:`SiteResult` per site.

    Attributes
    ----------
    scenario : Scenario
        The fully resolved scenario that was solved.
    sites : dict
        Site results by id.
    verification : dict or None
        The independent hour-by-hour check of the saved run folder (``dcpower.verify``),
        once the result has been saved by ``dcpower.run(..., out=...)``.
    availability : dict or None
        Monte Carlo availability of the saved plan (``dcpower.availability``): loss-of-load
        hours, unserved energy and availability with confidence intervals, Tier met.
    reliability_curves : dict or None
        With an availability target: per site, the cost of each step of N+k (the
        cost-of-reliability curve, see ``dcpower.pipeline.solve_to_target``).
    workload : dict or None
        With workload shifting between sites: what moved, when, and what it saved
        (``dcpower.pipeline.workload_summary``).
    siting : dict or None
        With an IT demand placed over candidate sites: the decision
        (``dcpower.pipeline.choose_sites``); ``sites`` then holds the chosen ones.
    """

    scenario: Scenario
    sites: dict[str, SiteResult]
    verification: dict | None = None
    availability: dict | None = None
    reliability_curves: dict | None = None
    workload: dict | None = None
    siting: dict | None = None

    @property
    def status(self) -> str:
        """Worst status over the sites."""
        return max((s.status for s in self.sites.values()), key=STATUS_ORDER.index)

    def _stack(self, attribute: str) -> pd.DataFrame:
        frames = []
        for site_id, site in self.sites.items():
            frame = getattr(site, attribute)
            frames.append(frame.assign(site=site_id)[["site", *frame.columns]])
        return pd.concat(frames, ignore_index=True)

    @property
    def capacities(self) -> pd.DataFrame:
        """``site, technology, kind, capacity, unit`` for every sized quantity."""
        return self._stack("capacities")

    @property
    def costs(self) -> pd.DataFrame:
        """``site, technology, component, usd_per_yr``."""
        return self._stack("costs")

    @property
    def dispatch(self) -> pd.DataFrame:
        """Hourly dispatch of all sites, ``site, time`` first; absent technologies are 0."""
        return self._hourly("dispatch", fill=0.0)

    @property
    def outage_dispatch(self) -> pd.DataFrame | None:
        """Operation in every outage-window step of all sites, ``site`` first; None if none."""
        frames = [
            site.outage_dispatch.assign(site=site_id)
            for site_id, site in self.sites.items()
            if site.outage_dispatch is not None
        ]
        if not frames:
            return None
        table = pd.concat(frames, ignore_index=True)
        return table[["site", *[c for c in table.columns if c != "site"]]].fillna(0.0)

    @property
    def profiles(self) -> pd.DataFrame:
        """Hourly model inputs of all sites, ``site, time`` first; not-applicable columns empty."""
        return self._hourly("profiles", fill=None)

    def _hourly(self, attribute: str, fill: float | None) -> pd.DataFrame:
        frames = []
        for site_id, site in self.sites.items():
            frame = getattr(site, attribute)
            times = [t.isoformat() for t in frame.index]
            frames.append(frame.reset_index(drop=True).assign(site=site_id, time=times))
        table = pd.concat(frames, ignore_index=True)
        first = ["site", "time"]
        table = table[first + [c for c in table.columns if c not in first]]
        return table if fill is None else table.fillna(fill)

    def summary(self) -> dict:
        """Return the contents of ``summary.json``."""
        co2 = self.scenario.economics.co2_kg_per_mmbtu
        sites = {site_id: site.summary(co2) for site_id, site in self.sites.items()}
        any_site = next(iter(self.sites.values()))
        load = sum(s["load_mwh_per_yr"] for s in sites.values())
        cost = sum(s["cost_usd_per_yr"] for s in sites.values())
        commitment = self.scenario.dispatch_commitment
        from dcpower.finance import finance_summary  # finance reads results: import late

        return {
            "scenario": self.scenario.name,
            "status": self.status,
            "mip_gap": max(s.mip_gap for s in self.sites.values()),
            "horizon": {
                "kind": any_site.horizon_kind,
                "hours_modelled": any_site.hours_modelled,
                "hours_verified": len(any_site.dispatch),
                "block_hours": self.scenario.time.block_hours
                if any_site.horizon_kind == "blocks"
                else None,
                "typical_periods": {
                    "n_periods": self.scenario.time.n_periods,
                    "period_hours": self.scenario.time.period_hours,
                    "extreme_periods": self.scenario.time.extreme_periods,
                }
                if any_site.horizon_kind == "typical_periods"
                else None,
            },
            "reliability": {
                "redundancy_k": self.scenario.reliability.redundancy_k,
                "hourly_n_minus_1": self.scenario.reliability.hourly_n_minus_1,
                "n_minus_1_form": (
                    "largest online unit type (integer commitment)"
                    if commitment == "integer"
                    else "largest built unit type, every hour (commitment relaxed)"
                ),
                "ride_through_min": self.scenario.reliability.ride_through_min,
                "availability_target_pct": self.scenario.reliability.availability_target_pct,
                "redundancy_k_by_site": {
                    site_id: self.scenario.site_reliability(site_id).redundancy_k
                    for site_id in self.sites
                },
                "availability": self.availability,
                "cost_of_reliability": self.reliability_curves,
            },
            "commitment": {"sizing": self.scenario.solver.commitment, "dispatch": commitment},
            "objective_usd_per_yr": sum(s.objective_usd_per_yr for s in self.sites.values()),
            "build_seconds": sum(s.build_seconds for s in self.sites.values()),
            "solve_seconds": sum(s.solve_seconds for s in self.sites.values()),
            "sites": sites,
            "totals": {
                "capex_usd": sum(s["capex_usd"] for s in sites.values()),
                "cost_usd_per_yr": cost,
                "co2_t_per_yr": sum(s["co2_t_per_yr"] for s in sites.values()),
                "load_mwh_per_yr": load,
                "unserved_mwh_per_yr": sum(s["unserved_mwh_per_yr"] for s in sites.values()),
                "lcoe_usd_per_mwh": cost / load if load else float("nan"),
            },
            "workload_shifting": self.workload,
            "siting": self.siting,
            "emissions": {
                "co2_cap_t_per_yr": self.scenario.emissions.co2_cap_t_per_yr,
                "min_renewable_share": self.scenario.emissions.min_renewable_share,
                # The sites' shares weighted by their load (each 1 - (fuel + grid) / load).
                "renewable_share": sum(
                    s["renewable_share"] * s["load_mwh_per_yr"] for s in sites.values()
                )
                / load
                if load
                else 0.0,
            },
            "finance": finance_summary(self),
        }

    def rewrite_summary(self, directory: str | Path) -> None:
        """Replace ``summary.json`` of a saved run folder (after figures computed from it)."""
        path = Path(directory) / "summary.json"
        tmp = path.with_name(f".summary.json.tmp-{uuid.uuid4().hex[:8]}")
        tmp.write_text(json.dumps(_jsonable(self.summary()), indent=2))
        os.replace(tmp, path)

    def save(self, directory: str | Path) -> Path:
        """Write the run folder atomically: into a temporary sibling folder, then renamed.

        Parameters
        ----------
        directory : str or Path
            Target folder; an existing run folder (or empty folder) there is replaced.

        Returns
        -------
        Path
            The written folder.

        Raises
        ------
        DcpowerError
            If ``directory`` holds something other than a run folder (see
            :func:`check_run_folder`); nothing is written or removed then.
        """
        target = check_run_folder(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            (tmp / "summary.json").write_text(json.dumps(_jsonable(self.summary()), indent=2))
            self.capacities.to_csv(tmp / "capacities.csv", index=False)
            self.costs.to_csv(tmp / "costs.csv", index=False)
            self.dispatch.to_csv(tmp / "dispatch.csv", index=False, float_format="%.9g")
            self.profiles.to_csv(tmp / "profiles.csv", index=False, float_format="%.9g")
            windows = self.outage_dispatch
            if windows is not None:
                windows.to_csv(tmp / OUTAGE_DISPATCH_FILE, index=False, float_format="%.9g")
            (tmp / "scenario.yaml").write_text(scenario_to_yaml(self.scenario), encoding="utf-8")
            old = None
            if target.exists():
                old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
                os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                if old is not None:
                    os.replace(old, target)
                raise
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return target


def check_run_folder(directory: str | Path) -> Path:
    """Check that a run folder may be written at ``directory`` (replacing only a run folder).

    Parameters
    ----------
    directory : str or Path
        The intended run folder.

    Returns
    -------
    Path
        The folder as an absolute path.

    Raises
    ------
    DcpowerError
        If ``directory`` is a file, a symbolic link, or a non-empty folder without a
        ``summary.json`` (not a run folder): saving would delete it.
    """
    given = Path(directory)
    target = given.absolute()
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise DcpowerError(
            f"run folder '{given}': exists and is not a folder; give a folder path that is "
            "new, empty or an earlier run folder"
        )
    if target.is_dir() and not (target / "summary.json").is_file() and any(target.iterdir()):
        raise DcpowerError(
            f"run folder '{given}': exists, is not empty and is not a run folder (no "
            "summary.json), so it would be replaced; give a new, empty or earlier run folder"
        )
    return target


def _jsonable(value):
    """Plain JSON types: numpy scalars to Python, NaN to null."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
