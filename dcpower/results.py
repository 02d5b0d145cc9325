"""The Result of a run: the in-memory outcome of ``dcpower.run`` (see docs/run-folder.md).

:class:`Result` holds one :class:`SiteResult` per site and stacks their tables. Its run folder
(writing, reading, the file names and columns) is :mod:`dcpower.run_folder`; its summary is
assembled by :mod:`dcpower.run_summary`. ``Result.summary()`` and ``Result.save()`` are kept
as shortcuts to them. Nothing here needs pyomo or a solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dcpower import run_summary
from dcpower.phasing import phase_scenario
from dcpower.profiles import DesignPoint

# Names that moved to dcpower.run_folder, importable from here as before.
from dcpower.run_folder import OUTAGE_DISPATCH_FILE, check_run_folder  # noqa: F401
from dcpower.scenario import Scenario

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
        The N+k design point (``dcpower.profiles.DesignPoint``): design IT load, PUE and
        derating at the design ambient.
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
    phase : dict or None
        For the plan of one phase of a build-out: its calendar ``year``, its ``weight`` in
        the objective (share of the project's discounted years, ``dcpower.phasing``) and
        its model ``block``; None otherwise.
    phases : list of SiteResult or None
        A site built in phases: each phase's result, first first (the site's own figures
        are its last phase's, the campus complete). None for a site built at once.
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
    design: DesignPoint | None = None
    outage_dispatch: pd.DataFrame | None = None
    outage_insurance: dict = field(default_factory=dict)
    weather_years: dict | None = None
    sizing: dict = field(default_factory=dict)
    phase: dict | None = None
    phases: list[SiteResult] | None = None

    @property
    def level_objective_usd_per_yr(self) -> float:
        """The site's share of the sizing objective: its phases' weighted, if phased [USD/yr]."""
        if not self.phases:
            return self.objective_usd_per_yr
        return sum(p.phase["weight"] * p.objective_usd_per_yr for p in self.phases)

    def annual_mwh(self, column: str) -> float:
        """Annual energy of a dispatch column (MW per step x hours of the year it stands for)."""
        return float((self.dispatch[column] * self.dispatch["weight_h"]).sum())


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
        hours, unserved energy and interruptions (mean with its sampling interval, P50 /
        P90 / P99), availability.
    reliability_curves : dict or None
        With a reliability criterion: per site, the cost of each step of N+k (the
        cost-of-reliability curve, see ``dcpower.pipeline.solve_to_target``).
    workload : dict or None
        With workload shifting between sites: what moved, when, and what it saved
        (``dcpower.pipeline.workload_summary``).
    siting : dict or None
        With an IT demand placed over candidate sites: the decision
        (``dcpower.pipeline.choose_sites``); ``sites`` then holds the chosen ones.
    cooling : dict or None
        With sites that let the run choose their cooling: the decisions
        (``dcpower.pipeline.choose_cooling``); ``scenario`` then holds the chosen coolings.
    heat_recovery : dict or None
        With sites whose recovered heat drives cooling (absorption chillers): what it saves
        against the same sites without it (``dcpower.pipeline.heat_recovery_summary``).
    """

    scenario: Scenario
    sites: dict[str, SiteResult]
    verification: dict | None = None
    availability: dict | None = None
    reliability_curves: dict | None = None
    workload: dict | None = None
    siting: dict | None = None
    cooling: dict | None = None
    heat_recovery: dict | None = None

    def earlier_phases(self) -> dict[tuple[str, int], Result]:
        """Each earlier phase of a phased site as a result of its own, by ``(site_id, year)``.

        The site alone at that phase (:func:`dcpower.phasing.phase_scenario`) with the
        phase's plan: what its run folder ``phases/<site>-<year>/`` holds. The last phase is
        the site's own result.
        """
        return {
            (site_id, phase.phase["year"]): Result(
                phase_scenario(self.scenario, site_id, index), {site_id: phase}
            )
            for site_id, site in self.sites.items()
            for index, phase in enumerate((site.phases or [])[:-1])
        }

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
        """``site, technology, kind, capacity, unit, phase`` for every sized quantity.

        ``phase`` is the calendar year of the build-out phase whose plant a row describes
        (empty for a site built at once).
        """
        table = self._stack("capacities")
        years = {site_id: (site.phase or {}).get("year") for site_id, site in self.sites.items()}
        return table.assign(phase=table["site"].map(years).astype("Int64"))

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
        """Return the contents of ``summary.json`` (:func:`dcpower.run_summary.summarize`)."""
        return run_summary.summarize(self).to_dict()

    def save(self, directory: str | Path) -> Path:
        """Write the run folder atomically (:func:`dcpower.run_summary.save`).

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
            If ``directory`` holds something other than a run folder
            (:func:`dcpower.run_folder.check_run_folder`); nothing is written or removed then.
        """
        return run_summary.save(self, directory)
