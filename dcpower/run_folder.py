"""The run folder: its file names, its columns, writing it, reading it, and its summary.

A run folder (docs/run-folder.md) is what ``dcpower run --out DIR`` leaves behind and what
``dcpower verify``, ``dcpower report``, the finance, the availability Monte Carlo and the
sweeps read back. This module is its one owner:

- **file names**: :data:`SUMMARY_FILE`, :data:`CAPACITIES_FILE`, ... (and :data:`TABLE_FILES`,
  the files every run folder has);
- **columns**: the summed dispatch columns (:func:`dcpower.techs.dispatch_totals`, read when
  needed, so a technology registered later has its columns too) and each technology's own
  columns (``<total>_<id>``, :func:`dcpower.techs.own_columns`) come from the registry;
- **the summary**: :class:`Summary` (with :class:`SiteSummary`, :class:`Horizon`,
  :class:`ReliabilitySummary`, :class:`Totals`, :class:`Emissions`), typed, serialising to
  exactly the keys of ``summary.json`` (assembled from a result by
  :func:`dcpower.run_summary.summarize`);
- **reading**: :func:`read_run_folder` returns a :class:`RunFolder` (scenario, summary,
  tables, verification) whose :meth:`RunFolder.site` gives one site's rows
  (:class:`SiteTables`, and through it the registry's :class:`~dcpower.techs.contract.SiteRows`);
  :meth:`RunFolder.from_result` builds the same object from an in-memory result, without
  touching the disk;
- **writing**: :func:`write_run_folder` writes atomically (a temporary sibling folder, then
  renamed) and never replaces a folder that is not a run folder (:func:`check_run_folder`).

A missing or unreadable file is a :class:`RunFolderError` naming the folder and the file,
never echoing what could not be read. No pyomo, no solver: notebooks can use this module on
a saved folder alone.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dcpower import techs
from dcpower.errors import DcpowerError
from dcpower.phasing import phase_folder
from dcpower.safe_yaml import load_yaml, shortened
from dcpower.scenario import Scenario, scenario_from_dict, scenario_to_yaml
from dcpower.techs.contract import SiteRows

if TYPE_CHECKING:  # pragma: no cover
    from dcpower.results import Result

# ------------------------------------------------------------------------------ file names

#: Headline figures of the run (:class:`Summary`).
SUMMARY_FILE = "summary.json"
#: ``site, technology, kind, capacity, unit, phase`` (the year of a build-out phase, or empty).
CAPACITIES_FILE = "capacities.csv"
#: ``site, technology, component, usd_per_yr``.
COSTS_FILE = "costs.csv"
#: Hourly dispatch, one row per site and hour.
DISPATCH_FILE = "dispatch.csv"
#: The full-year hourly inputs the model saw, one row per site and hour.
PROFILES_FILE = "profiles.csv"
#: The fully resolved scenario that was solved.
SCENARIO_FILE = "scenario.yaml"
#: Operation in each outage window (only with outage windows).
OUTAGE_DISPATCH_FILE = "outage_dispatch.csv"
#: The independent re-check (``dcpower.verify``).
VERIFICATION_FILE = "verification.json"
#: The investor workbook (``dcpower.report.workbook``).
WORKBOOK_FILE = "results.xlsx"
#: The self-contained HTML report (``dcpower.report.html``).
REPORT_FILE = "report.html"
#: Folder of the report's charts as PNG.
FIGURES_DIR = "figures"

#: Files every run folder has (:func:`write_run_folder` writes them all).
TABLE_FILES = (
    SUMMARY_FILE,
    SCENARIO_FILE,
    CAPACITIES_FILE,
    COSTS_FILE,
    DISPATCH_FILE,
    PROFILES_FILE,
)

# ------------------------------------------------------------------------------ columns

#: Float format of the hourly tables (9 significant digits).
HOURLY_FLOAT_FORMAT = "%.9g"


def plant_capacity_keys() -> tuple[str, ...]:
    """Return the per-site ``capacity`` keys of the plant built: ``gas_mw``, then the registry's.

    Each registered technology's own keys (``pv_mw``, ``wind_mw``, ``battery_mw``,
    ``battery_mwh``, ...), in display order; keys of what a technology builds besides itself
    (a gas type's backup tank) are left out.
    """
    return ("gas_mw", *(key for tech in techs.technologies() for key in tech.own_capacity()))


# ------------------------------------------------------------------------------ errors


class RunFolderError(DcpowerError):
    """A run folder cannot be read or written: the message names the folder and the file."""


class MissingRunFileError(RunFolderError, FileNotFoundError):
    """A file a reader needs is not in the run folder."""


# ------------------------------------------------------------------------------ summary


class _Record(BaseModel):
    """A part of ``summary.json``: typed fields, unknown keys kept, absent keys left out.

    Read from a file, :meth:`to_dict` gives back exactly the keys that were there (newer
    keys an older reader does not know are kept); built from a result, every field is set.
    """

    model_config = ConfigDict(extra="allow")

    def to_dict(self) -> dict:
        """Return plain JSON types, as in ``summary.json`` (NaN as None).

        A field is written if it was given (read from the file, passed, or assigned) or if it
        no longer holds its default (a part filled in after the record was made).
        """
        out = {}
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if name in self.model_fields_set or value != info.get_default(
                call_default_factory=True
            ):
                out[name] = _plain(value)
        out.update(self.__pydantic_extra__ or {})
        return _jsonable(out)


class Horizon(_Record):
    """``summary.json`` ``horizon``: the time resolution of the run."""

    kind: str | None = None  # full_year, blocks, typical_periods or window
    hours_modelled: int | None = None  # [h]
    hours_verified: int | None = None  # [h]
    block_hours: int | None = None  # [h]
    typical_periods: dict | None = None  # n_periods, period_hours, extreme_periods


class ReliabilitySummary(_Record):
    """``summary.json`` ``reliability``: the rules solved under and what was measured."""

    redundancy_k: int | None = None
    hourly_n_minus_1: bool | None = None
    n_minus_1_form: str | None = None
    ride_through_min: float | None = None  # [min]
    #: The LOLE criterion and each site's verdict (dcpower.availability.verdict).
    criterion: dict | None = None
    #: Per site, the topology checklist (dcpower.topology.checklist).
    topology: dict | None = None
    redundancy_k_by_site: dict[str, int] = Field(default_factory=dict)
    availability: dict | None = None  # dcpower.availability.simulate_availability
    cost_of_reliability: dict | None = None  # per site, the steps of N+k


class SiteSummary(_Record):
    """``summary.json`` ``sites.<site>``: the headline figures of one site."""

    status: str | None = None
    it_capacity_mw: float | None = None
    it_load_mw: float | None = None
    peak_load_mw: float | None = None
    load_mwh_per_yr: float | None = None
    #: Registry keys (``Technology.summary_capacity``), ``gas`` (``{type: {units, unit_mw}}``)
    #: and ``gas_mw``.
    capacity: dict[str, Any] = Field(default_factory=dict)
    generation_mwh_per_yr: dict[str, float | None] = Field(default_factory=dict)
    curtailment_mwh_per_yr: float | None = None
    unserved_mwh_per_yr: float | None = None
    fuel_mmbtu_per_yr: float | None = None
    co2_t_per_yr: float | None = None
    renewable_share: float | None = None
    capex_usd: float | None = None
    cost_usd_per_yr: float | None = None
    lcoe_usd_per_mwh: float | None = None
    sizing_cost_usd_per_yr: float | None = None
    dispatch_over_sizing_cost: float | None = None
    shortfalls: dict = Field(default_factory=dict)
    sizing_passes: list = Field(default_factory=list)
    design_point: dict = Field(default_factory=dict)
    gas_outage: dict | None = None
    grid_outage: dict | None = None
    weather_years: dict | None = None
    #: The data center's cooling water (dcpower.run_summary.water_of); None if it uses none.
    water: dict | None = None

    @property
    def gas_units(self) -> dict[str, dict]:
        """Gas units per type: ``{type: {"units": n, "unit_mw": rating}}``."""
        return self.capacity.get("gas") or {}


class Totals(_Record):
    """``summary.json`` ``totals``: the figures of all sites together."""

    capex_usd: float | None = None
    cost_usd_per_yr: float | None = None
    co2_t_per_yr: float | None = None
    load_mwh_per_yr: float | None = None
    unserved_mwh_per_yr: float | None = None
    lcoe_usd_per_mwh: float | None = None


class Emissions(_Record):
    """``summary.json`` ``emissions``: the limits over all sites and the renewable share."""

    co2_cap_t_per_yr: float | None = None
    min_renewable_share: float | None = None
    renewable_share: float | None = None


class Summary(_Record):
    """``summary.json``: the headline figures of a run (docs/run-folder.md).

    Read one with :func:`read_summary`, build one from a result with
    :func:`dcpower.run_summary.summarize`; :meth:`to_dict` gives the JSON object.
    """

    scenario: str | None = None
    status: str | None = None
    mip_gap: float | None = None
    horizon: Horizon = Field(default_factory=Horizon)
    reliability: ReliabilitySummary = Field(default_factory=ReliabilitySummary)
    commitment: dict | None = None  # sizing, dispatch
    objective_usd_per_yr: float | None = None
    build_seconds: float | None = None
    solve_seconds: float | None = None
    sites: dict[str, SiteSummary] = Field(default_factory=dict)
    totals: Totals = Field(default_factory=Totals)
    workload_shifting: dict | None = None
    siting: dict | None = None
    cooling: dict | None = None
    #: Per site whose recovered heat drives cooling: the plan with and without it, and what
    #: it saves (dcpower.pipeline.heat_recovery_summary).
    heat_recovery: dict | None = None
    #: Per site built in phases: what each phase adds, costs and runs at
    #: (dcpower.run_summary.phases_summary).
    phases: dict | None = None
    emissions: Emissions = Field(default_factory=Emissions)
    finance: dict | None = None  # dcpower.finance.finance_summary

    @classmethod
    def from_dict(cls, data: dict, origin: str = SUMMARY_FILE) -> Summary:
        """Return the typed summary of a ``summary.json`` object.

        Raises
        ------
        RunFolderError
            If a figure has the wrong type (the message names its place, not its value).
        """
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "top level"
            raise RunFolderError(f"{origin}: '{where}': {first['msg']}") from None

    def to_json(self) -> str:
        """Return the text of ``summary.json``."""
        return json.dumps(self.to_dict(), indent=2)

    def site(self, site_id: str) -> SiteSummary:
        """Return a site's figures (an empty record if the summary has none for it)."""
        return self.sites.get(site_id) or SiteSummary()


# ------------------------------------------------------------------------------ tables


@dataclass(frozen=True, eq=False)
class SiteTables:
    """One site's rows of a run folder, its profiles aligned on its dispatch hours.

    Attributes
    ----------
    site_id : str
        Site id.
    dispatch : pd.DataFrame
        The site's rows of ``dispatch.csv``, in file order.
    hourly : pd.DataFrame
        The site's ``profiles.csv`` rows on the dispatch hours, ``time`` first (NaN where a
        dispatch hour has no profile row).
    profiles : pd.DataFrame
        Every ``profiles.csv`` row of the site (the full year: the design point's).
    times : np.ndarray
        ISO 8601 text of the dispatch hours.
    capacities : dict
        ``(technology, unit) -> capacity`` from ``capacities.csv``.
    costs : pd.DataFrame
        The site's rows of ``costs.csv``.
    windows : pd.DataFrame
        The site's rows of ``outage_dispatch.csv`` (no rows without outage windows).
    """

    site_id: str
    dispatch: pd.DataFrame
    hourly: pd.DataFrame
    profiles: pd.DataFrame
    times: np.ndarray
    capacities: dict
    costs: pd.DataFrame
    windows: pd.DataFrame

    @property
    def rows(self) -> SiteRows:
        """The registry's view of the site (what a technology reads back)."""
        return SiteRows(dispatch=self.dispatch, hourly=self.hourly, capacities=self.capacities)


@dataclass(eq=False)
class RunFolder:
    """A run folder's scenario, summary and tables: read from disk or built from a result.

    Attributes
    ----------
    scenario : Scenario
        ``scenario.yaml``, validated.
    capacities, costs, dispatch, profiles : pd.DataFrame
        ``capacities.csv``, ``costs.csv``, ``dispatch.csv``, ``profiles.csv`` (every table has
        a ``site`` column; the hourly ones a ``time`` column of ISO 8601 text).
    summary : Summary or None
        ``summary.json`` (None: not read, or not yet assembled).
    outage_dispatch : pd.DataFrame or None
        ``outage_dispatch.csv`` (None without outage windows).
    verification : dict or None
        ``verification.json`` (None: not verified).
    path : Path or None
        The folder it was read from (None: built in memory).
    phase_tables : dict
        Built in memory from a result: the run folder of each earlier phase of a phased
        site, by ``(site_id, year)`` (:meth:`phase`).
    """

    scenario: Scenario
    capacities: pd.DataFrame
    costs: pd.DataFrame
    dispatch: pd.DataFrame
    profiles: pd.DataFrame
    summary: Summary | None = None
    outage_dispatch: pd.DataFrame | None = None
    verification: dict | None = None
    path: Path | None = None
    phase_tables: dict[tuple[str, int], RunFolder] = field(default_factory=dict)
    _sites: dict[str, SiteTables] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_result(cls, result: Result, summary: Summary | None = None) -> RunFolder:
        """Return a result's run folder in memory (the tables :func:`write_run_folder` writes).

        Parameters
        ----------
        result : Result
            An in-memory outcome of ``dcpower.run``.
        summary : Summary, optional
            Its summary (:func:`dcpower.run_summary.summarize`), if it is to be written.
        """
        return cls(
            scenario=result.scenario,
            capacities=result.capacities,
            costs=result.costs,
            dispatch=result.dispatch,
            profiles=result.profiles,
            summary=summary,
            outage_dispatch=result.outage_dispatch,
            verification=result.verification,
            phase_tables={
                key: cls.from_result(alone) for key, alone in result.earlier_phases().items()
            },
        )

    def phase(self, site_id: str, year: int) -> RunFolder:
        """Return the run folder of an earlier phase of a phased site (``phases/<site>-<year>``).

        Raises
        ------
        RunFolderError
            If the run has no such phase, or its folder cannot be read.
        """
        key = site_id, year
        if key not in self.phase_tables:
            if self.path is None:
                raise RunFolderError(f"the run has no phase {year} of site {site_id!r}")
            self.phase_tables[key] = read_run_folder(
                self.path / phase_folder(site_id, year), optional=(SUMMARY_FILE,)
            )
        return self.phase_tables[key]

    @property
    def site_ids(self) -> list[str]:
        """Site ids in scenario order."""
        return list(self.scenario.sites)

    @property
    def windows(self) -> pd.DataFrame:
        """``outage_dispatch.csv``, or a table without rows if the run has no windows."""
        if self.outage_dispatch is None:
            return pd.DataFrame({"site": pd.Series([], dtype=str)})
        return self.outage_dispatch

    def site(self, site_id: str) -> SiteTables:
        """Return one site's rows (no rows if the tables have none for it)."""
        if site_id not in self._sites:
            self._sites[site_id] = self._cut(site_id)
        return self._sites[site_id]

    def _cut(self, site_id: str) -> SiteTables:
        d = _rows_of(self.dispatch, site_id)
        p = _rows_of(self.profiles, site_id)
        times = d["time"].astype(str).to_numpy()
        hourly = (
            p.drop_duplicates("time").set_index("time").reindex(times).reset_index(names="time")
        )
        c = _rows_of(self.capacities, site_id)
        capacities = {
            (str(r.technology), str(r.unit)): float(r.capacity) for r in c.itertuples(index=False)
        }
        return SiteTables(
            site_id=site_id,
            dispatch=d,
            hourly=hourly,
            profiles=p,
            times=times,
            capacities=capacities,
            costs=_rows_of(self.costs, site_id),
            windows=_rows_of(self.windows, site_id),
        )


def _rows_of(table: pd.DataFrame, site_id: str) -> pd.DataFrame:
    return table[table["site"].astype(str) == site_id].reset_index(drop=True)


# ------------------------------------------------------------------------------ reading


def read_run_folder(directory: str | Path, *, optional: Collection[str] = ()) -> RunFolder:
    """Read a run folder.

    Parameters
    ----------
    directory : str or Path
        A run folder written by ``dcpower run`` (it may have been copied elsewhere).
    optional : collection of str
        Files of :data:`TABLE_FILES` the caller can do without (only :data:`SUMMARY_FILE`:
        the finance of a hand-made folder needs none); ``outage_dispatch.csv`` and
        ``verification.json`` are always read if present.

    Returns
    -------
    RunFolder

    Raises
    ------
    MissingRunFileError
        If a needed file is missing (the message names every one missing).
    RunFolderError
        If a file cannot be read: not text, malformed, or its table lacks ``site`` (or
        ``time``) columns; or if ``dispatch.csv`` is damaged or incomplete
        (:func:`_check_dispatch`). The message names the file, never echoes its content.
    ScenarioError
        If ``scenario.yaml`` is not a valid scenario (field, value and what is allowed).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise MissingRunFileError(f"run folder '{folder}': no such folder")
    needed = [name for name in TABLE_FILES if name not in optional]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise MissingRunFileError(f"run folder '{folder}': missing {', '.join(missing)}")
    raw = _read_yaml(folder, SCENARIO_FILE)
    if not isinstance(raw, dict):
        raise RunFolderError(f"run folder '{folder}': {SCENARIO_FILE} is not a YAML mapping")
    scenario = scenario_from_dict(raw, origin=str(folder / SCENARIO_FILE))
    summary = read_summary(folder) if (folder / SUMMARY_FILE).is_file() else None
    dispatch = _read_csv(folder, DISPATCH_FILE, ("site", "time"))
    if "grid_mw" not in dispatch.columns:
        # A run folder from before grid connections imported nothing (an import left out
        # of a newer one would still break the energy balance).
        dispatch["grid_mw"] = 0.0
    hours = summary.horizon.hours_verified if summary is not None else None
    _check_dispatch(folder, dispatch, list(scenario.sites), hours)
    profiles = _read_csv(folder, PROFILES_FILE, ("site", "time"))
    if written_by_dcpower(folder):  # a hand-made folder may hold any hours
        _check_profiles(folder, profiles, list(scenario.sites))
    outage = None
    if (folder / OUTAGE_DISPATCH_FILE).is_file():
        outage = _read_csv(folder, OUTAGE_DISPATCH_FILE, ("site",))
    verification = None
    if (folder / VERIFICATION_FILE).is_file():
        verification = _read_json(folder, VERIFICATION_FILE)
    return RunFolder(
        scenario=scenario,
        capacities=_capacities(
            _read_csv(folder, CAPACITIES_FILE, ("site", "technology", "capacity", "unit"))
        ),
        costs=_read_csv(folder, COSTS_FILE, ("site", "usd_per_yr")),
        dispatch=dispatch,
        profiles=profiles,
        summary=summary,
        outage_dispatch=outage,
        verification=verification,
        path=folder,
    )


def _capacities(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``capacities.csv`` with its build-out ``phase`` (if any) as whole years."""
    if "phase" in table:
        table["phase"] = table["phase"].astype("Int64")
    return table


def _check_dispatch(
    folder: Path, dispatch: pd.DataFrame, site_ids: list[str], hours: int | None
) -> None:
    """Refuse a damaged or incomplete ``dispatch.csv``.

    dcpower writes every dispatch value as a finite number (a column a site lacks is 0) and
    as many rows per site as ``summary.json`` says it verified (``horizon.hours_verified``,
    when given): a value that is missing or not a number, or a site with another number of
    rows (a truncated file), is damage, not a result to check.

    Raises
    ------
    RunFolderError
        Naming the column and the file's line, or the site and both row counts.
    """
    where = f"run folder '{folder}': {DISPATCH_FILE}"
    for column in dispatch.columns.drop(["site", "time"]):
        _refuse_non_finite(where, dispatch, column)
    if hours is None:
        return
    rows = dispatch["site"].astype(str).value_counts()
    for site_id in site_ids:
        if rows.get(site_id, 0) != hours:
            raise RunFolderError(
                f"{where}: {rows.get(site_id, 0)} rows for site {shortened(site_id)!r}, "
                f"but {SUMMARY_FILE} says {hours} hours were verified (incomplete: truncated "
                "or cut)"
            )


def _refuse_non_finite(where: str, table: pd.DataFrame, column: str) -> None:
    """Refuse a table column with a value that is missing or not a finite number.

    Raises
    ------
    RunFolderError
        Naming the column and the first such line of the file (line 1 is its header).
    """
    numbers = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(numbers))
    if len(bad):
        raise RunFolderError(
            f"{where}: column {shortened(column)!r} has no finite number on line "
            f"{int(bad[0]) + 2} (damaged or edited)"
        )


def _check_profiles(folder: Path, profiles: pd.DataFrame, site_ids: list[str]) -> None:
    """Refuse a ``profiles.csv`` that does not hold each site's whole calendar year.

    For a folder dcpower wrote (:func:`written_by_dcpower`): it writes every site's weather
    year, 1 January 00:00 to 31 December 23:00 local
    time, with a load in every hour: a site whose rows stop earlier (a truncated file) or
    whose load is missing is damage.

    Raises
    ------
    RunFolderError
        Naming the site and where its rows end, or the file's line.
    """
    where = f"run folder '{folder}': {PROFILES_FILE}"
    if "load_mw" not in profiles.columns:
        raise RunFolderError(f"{where} has no column 'load_mw'")
    _refuse_non_finite(where, profiles, "load_mw")
    sites = profiles["site"].astype(str)
    for site_id in site_ids:
        times = profiles["time"].astype(str)[sites == site_id]
        first = times.iloc[0] if len(times) else ""
        last = times.iloc[-1] if len(times) else ""
        if first[4:16] != "-01-01T00:00" or last[4:16] != "-12-31T23:00":
            raise RunFolderError(
                f"{where}: the rows of site {shortened(site_id)!r} run from "
                f"{shortened(first, 25)!r} to {shortened(last, 25)!r}, not over a calendar "
                "year (incomplete: truncated or cut)"
            )


def read_summary(directory: str | Path) -> Summary:
    """Read ``summary.json`` of a run folder alone (sweeps read no tables).

    Raises
    ------
    MissingRunFileError, RunFolderError
        As :func:`read_run_folder`.
    """
    folder = Path(directory)
    if not (folder / SUMMARY_FILE).is_file():
        raise MissingRunFileError(f"run folder '{folder}': missing {SUMMARY_FILE}")
    data = _read_json(folder, SUMMARY_FILE)
    if not isinstance(data, dict):
        raise RunFolderError(f"run folder '{folder}': {SUMMARY_FILE} is not a JSON object")
    return Summary.from_dict(data, origin=f"run folder '{folder}': {SUMMARY_FILE}")


#: The marker only dcpower writes, last, into a run folder: who wrote it, the version, the
#: scenario's hash and every file with its SHA-256. Only a folder with it may be replaced.
MANIFEST_FILE = "dcpower-run.json"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_manifest(directory: str | Path) -> Path:
    """Write the run folder's marker: dcpower version, scenario hash, files and checksums.

    Written last by :func:`write_run_folder`, and again once the verification and the
    reports are added (:func:`dcpower.run`), so it lists what dcpower wrote there.

    Returns
    -------
    Path
        The manifest file.
    """
    folder = Path(directory)
    files = {
        str(p.relative_to(folder)): _sha256(p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST_FILE and not p.name.startswith(".")
    }
    scenario = folder / SCENARIO_FILE
    manifest = {
        "written_by": "dcpower",
        "dcpower_version": _version(),
        "scenario_sha256": _sha256(scenario.read_bytes()) if scenario.is_file() else None,
        "files": files,
    }
    path = folder / MANIFEST_FILE
    tmp = path.with_name(f".{MANIFEST_FILE}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


#: The tables verification reads: what dcpower wrote, not what ``verify`` or ``report`` add.
VERIFIED_FILES = (
    SCENARIO_FILE,
    SUMMARY_FILE,
    CAPACITIES_FILE,
    COSTS_FILE,
    DISPATCH_FILE,
    PROFILES_FILE,
    OUTAGE_DISPATCH_FILE,
)


def changed_since_written(directory: str | Path) -> list[str] | None:
    """Return the run's tables that differ from what dcpower wrote (by the manifest's checksums).

    A table listed in the manifest that is gone or changed, or one that is there but not
    listed, is named. None if the folder has no readable manifest (not dcpower's, or
    written before manifests).
    """
    folder = Path(directory)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        written = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(written, dict):
        return None
    changed = []
    for name in VERIFIED_FILES:
        path = folder / name
        there = path.is_file()
        if name not in written:
            if there:
                changed.append(name)
        elif not there or _sha256(path.read_bytes()) != written[name]:
            changed.append(name)
    return changed


def _version() -> str:
    try:
        return importlib.metadata.version("dcpower")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        return "unknown"


def written_by_dcpower(directory: str | Path) -> bool:
    """Whether ``directory`` holds dcpower's run-folder marker (:data:`MANIFEST_FILE`)."""
    path = Path(directory) / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("written_by") == "dcpower"


def is_run_folder(directory: str | Path) -> bool:
    """Whether ``directory`` is a run folder (it holds a ``summary.json``)."""
    return (Path(directory) / SUMMARY_FILE).is_file()


def _text(folder: Path, name: str) -> str:
    try:
        return (folder / name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RunFolderError(f"run folder '{folder}': {name} is not UTF-8 text") from None
    except OSError as err:
        raise RunFolderError(
            f"run folder '{folder}': {name} cannot be read ({err.strerror or type(err).__name__})"
        ) from None


def _read_json(folder: Path, name: str) -> Any:
    try:
        return json.loads(_text(folder, name))
    except json.JSONDecodeError as err:
        raise RunFolderError(
            f"run folder '{folder}': {name} is not valid JSON (line {err.lineno}, column "
            f"{err.colno})"
        ) from None


def _read_yaml(folder: Path, name: str) -> Any:
    try:
        return load_yaml(_text(folder, name))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise RunFolderError(f"run folder '{folder}': {name} is not valid YAML{where}") from None


def _read_csv(folder: Path, name: str, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        table = pd.read_csv(folder / name)
    except UnicodeDecodeError:
        raise RunFolderError(f"run folder '{folder}': {name} is not UTF-8 text") from None
    except OSError as err:
        raise RunFolderError(
            f"run folder '{folder}': {name} cannot be read ({err.strerror or type(err).__name__})"
        ) from None
    except pd.errors.EmptyDataError:
        raise RunFolderError(f"run folder '{folder}': {name} is empty") from None
    except (pd.errors.ParserError, ValueError):
        raise RunFolderError(f"run folder '{folder}': {name} is not a valid CSV table") from None
    if not _ends_with_newline(folder / name):
        # dcpower ends every table with a line end: a file that does not was cut mid-row.
        raise RunFolderError(
            f"run folder '{folder}': {name} is cut short (its last line is incomplete)"
        )
    lacking = [column for column in required if column not in table.columns]
    if lacking:
        raise RunFolderError(
            f"run folder '{folder}': {name} has no column {', '.join(map(repr, lacking))}"
        )
    return table


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as file:
        file.seek(-1, os.SEEK_END)
        return file.read(1) == b"\n"


# ------------------------------------------------------------------------------ writing


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
        If ``directory`` is a file, a symbolic link, or a non-empty folder without dcpower's
        marker (:data:`MANIFEST_FILE`; a folder that merely holds a ``summary.json`` is
        not taken for a run folder): saving would delete it.
    """
    given = Path(directory)
    target = given.absolute()
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise RunFolderError(
            f"run folder '{given}': exists and is not a folder; give a folder path that is "
            "new, empty or an earlier run folder"
        )
    if target.is_dir() and not written_by_dcpower(target) and any(target.iterdir()):
        raise RunFolderError(
            f"run folder '{given}': exists, is not empty and is not a run folder dcpower "
            f"wrote (no {MANIFEST_FILE}), so it would be replaced; give a new or empty "
            "folder, or a run folder dcpower wrote"
        )
    writable_parent(target, f"run folder '{given}'")
    return target


def writable_parent(target: Path, what: str) -> None:
    """Check, before any work, that ``target`` can be created where it is asked for.

    Its nearest existing parent must be a folder dcpower may write in.

    Raises
    ------
    RunFolderError
        If a parent is a file, or the folder it would be created in is not writable.
    """
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise RunFolderError(f"{what}: '{parent}' is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RunFolderError(f"{what}: cannot write in '{parent}' (no permission)")


def write_run_folder(folder: RunFolder, directory: str | Path) -> Path:
    """Write a run folder atomically: into a temporary sibling folder, then renamed.

    Writes :data:`TABLE_FILES` and, with outage windows, ``outage_dispatch.csv`` (the
    verification, workbook, report and figures are added later by their writers).

    Parameters
    ----------
    folder : RunFolder
        What to write; its ``summary`` must be set.
    directory : str or Path
        Target folder; an existing run folder (or empty folder) there is replaced.

    Returns
    -------
    Path
        The written folder (absolute).

    Raises
    ------
    DcpowerError
        If ``directory`` holds something other than a run folder (see
        :func:`check_run_folder`); nothing is written or removed then.
    """
    if folder.summary is None:
        raise ValueError("write_run_folder: the run folder has no summary")
    target = check_run_folder(directory)
    tmp = staging_folder(target)
    tmp.mkdir()
    try:
        (tmp / SUMMARY_FILE).write_text(folder.summary.to_json())
        folder.capacities.to_csv(tmp / CAPACITIES_FILE, index=False)
        folder.costs.to_csv(tmp / COSTS_FILE, index=False)
        for name, table in (
            (DISPATCH_FILE, folder.dispatch),
            (PROFILES_FILE, folder.profiles),
            (OUTAGE_DISPATCH_FILE, folder.outage_dispatch),
        ):
            if table is not None:
                table.to_csv(tmp / name, index=False, float_format=HOURLY_FLOAT_FORMAT)
        (tmp / SCENARIO_FILE).write_text(scenario_to_yaml(folder.scenario), encoding="utf-8")
        write_manifest(tmp)  # last: a folder without it is not dcpower's
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return publish_run_folder(tmp, target)


def staging_folder(directory: str | Path) -> Path:
    """Return a fresh hidden sibling of a run folder to build it in (not created yet).

    Raises
    ------
    DcpowerError
        If ``directory`` holds something other than a run folder (:func:`check_run_folder`).
    """
    target = check_run_folder(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"


def publish_run_folder(staged: str | Path, directory: str | Path) -> Path:
    """Move a complete run folder into place, replacing the run folder there, atomically.

    The old folder (if any) is moved aside, the staged one renamed in, then the old one
    deleted; if the rename fails, the old one goes back. Either the old or the new folder is
    there, never a mix. ``directory`` must be absent or a run folder (checked again: another
    process may have written there meanwhile).

    Returns
    -------
    Path
        The published folder (absolute).
    """
    staged = Path(staged)
    target = check_run_folder(directory)
    old = None
    try:
        if target.exists():
            old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(target, old)
        try:
            os.replace(staged, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
            raise
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def rewrite_summary(directory: str | Path, summary: Summary) -> None:
    """Replace ``summary.json`` of a written run folder (a temporary file, then renamed)."""
    path = Path(directory) / SUMMARY_FILE
    tmp = path.with_name(f".{SUMMARY_FILE}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(summary.to_json())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _plain(value):
    """Return records as their JSON objects, inside dicts and lists too."""
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


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
