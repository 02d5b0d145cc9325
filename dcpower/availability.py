"""Monte Carlo availability of a sized plant: gas-unit forced outages against the dispatched year.

``simulate_availability`` reads a run folder (the files listed in docs/run-folder.md; or
the same tables in memory, :class:`dcpower.run_folder.RunFolder`) and replays its dispatched
year many times with random forced outages of the built gas units, counting the hours in
which the data center would lose power. It answers "how often would this plant actually drop
the load?", which the optimizer's deterministic N+k and hourly N-1 rules do not.

Like ``dcpower.verify`` it reads only the run folder (through :mod:`dcpower.run_folder`) and
uses numpy and pandas: no pyomo, ``dcpower.optimization`` or ``dcpower.pipeline``. What each
technology does in it comes from the registry (``Technology.behaviour``: a unit fleet that
fails and is repaired, a store, a supply taken as dispatched).

Model (sequential Monte Carlo, hourly, vectorized over the simulated years)
---------------------------------------------------------------------------
* **Unit states.** Every built gas unit alternates up and down with exponential times to
  failure and to repair: ``MTTF = MTTR x (1 - FOR) / FOR`` (two-state Markov unit, so the
  long-run share of time down is FOR). Each unit and each simulated year is drawn
  independently; a year starts in the stationary state (down with probability FOR), so no
  warm-up is needed. An hour counts a unit as down when the unit is down at the middle of the
  hour.
* **Failure to start.** Each start-up in the dispatch (an increase of the committed units of a
  type, ``ceil(gas_units_online_<type>)``, from one hour to the next, cyclic) fails with
  probability ``failure_to_start_prob``; a failed start takes one unit of that type out for an
  exponential repair time (mean MTTR, at least the hour of the start). Starts of standby
  units after an outage are not drawn separately (their failure is covered by the unit
  outage process itself).
* **Hourly adequacy.** In each hour, the gas capacity that can run is
  ``sum over types of available units x unit_mw x gas_cf_<type>``: units that are up but were
  not committed can be started to cover the load, and the remaining units ramp up to their
  available capacity. Supply = that gas capacity + ``pv_mw + wind_mw`` (and grid import
  ``grid_mw``, whose own outages are not drawn) as dispatched + battery. Loss of load
  occurs when supply < ``load_mw``.
* **Battery rule** (for each store built, with its own efficiencies; several stores act in
  turn, each covering what the ones before left). A store follows its dispatched flows;
  in an hour where the gas capacity cannot cover its dispatched share it discharges more
  (within its power rating and the energy above its SOC floor) to cover the shortfall; in a
  later hour with spare gas capacity it recharges from that spare capacity, within its power
  rating and never above the dispatched state of charge, until it is back on the dispatched
  SOC path. The simulated year starts from the dispatched SOC at the end of the last hour.
* **Ride-through after a trip.** When a committed unit fails (the outage starts inside an
  hour and hits one of the committed units, with probability committed / available), the
  other committed units (their headroom) plus the battery (its spare power, if its energy
  above the floor lasts ``reliability.ride_through_min``) must carry the dispatched gas output
  while a standby unit starts. What they cannot carry is lost for ``ride_through_min``; that
  hour counts as an hour with loss of load and the energy goes into EUE.
* **Work moved between sites** (``workload.flexible_share`` > 0, several sites): the sites'
  years are simulated together, on one clock; in an hour a site cannot supply, it runs its
  flexible IT load (what may still leave it after the dispatch's own moves, within the
  link) at another site whose halls have room and whose plant has spare capacity (gas
  available and renewables, after its own load) for it at its own PUE. Only what stays
  unserved counts; ride-through failures are not relieved (a trip is over before work
  moves). The result also gives each site's LOLE had no work moved.
* **Window runs** (``time.kind: window``): the window's hours are simulated as they are and
  every hour carries its ``weight_h``, so each simulated window is scaled to one year (the
  result says so under ``horizon``).

Outputs per site: LOLE (hours with loss of load per year), EUE (MWh per year) and
interruptions (loss-of-load events per year), each as the mean over the simulated years
with the 95 % sampling interval of that mean (normal approximation, mean +- 1.96 standard
errors) and as the P50 / P90 / P99 of the annual outcomes (with order-statistic
intervals); the mean length of an interruption; availability (time-based: share of the
year's hours without loss of load; energy-based: share of the annual load served); the
number of simulated years with any loss of load. No Uptime Tier is inferred from these
figures: Tiers are defined by topology (``dcpower.topology``).

Outage data default to the ``forced_outage_rate``, ``mean_time_to_repair_h`` and
``failure_to_start_prob`` rows of ``inputs/technologies.csv`` (sources there).
"""

from __future__ import annotations

import csv
import math
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.clock import rows_on_one_clock
from dcpower.paths import inputs_dir
from dcpower.run_folder import RunFolder, SiteTables, read_run_folder
from dcpower.scenario import Scenario
from dcpower.techs.contract import HeatDriven, Store, Supply, UnitFleet
from dcpower.units import HOURS_PER_YEAR

#: Outage parameters each gas unit type needs (rows of inputs/technologies.csv).
OUTAGE_PARAMETERS = ("forced_outage_rate", "mean_time_to_repair_h", "failure_to_start_prob")

#: Causes a loss-of-load hour is put down to, in order of precedence: inside a gas-supply
#: interruption; else inside a grid interruption (the import lost); else with a bus section
#: of the plant out (balance of plant); else a failed ride-through of a unit trip; else
#: units out (forced outages, failed starts, maintenance).
CAUSES = ("gas_supply", "grid", "balance_of_plant", "failed_ride_through", "unit_outages")

#: Per-year figures of a simulated site (:func:`simulate_site`).
PER_YEAR_KEYS = (
    "lol_hours",
    "eue_mwh",
    "interruptions",
    "trip_failures",
    *(f"lol_hours_{cause}" for cause in CAUSES),
)

#: Percentiles of the annual outcomes reported next to their mean.
PERCENTILES = (50, 90, 99)

#: Years simulated together (bounds memory: a chunk holds a few (years, hours) float arrays).
_CHUNK_YEARS = 250

#: z value of a two-sided 95 % normal confidence interval.
_Z95 = 1.959964

BATTERY_RULE = (
    "battery follows its dispatched flows; when gas capacity falls short it discharges more "
    "(power rating, energy above the SOC floor); with spare gas capacity it recharges within its "
    "power rating back to (never above) the dispatched SOC path; start SOC = dispatched SOC at the "
    "end of the last hour"
)


# -- outage parameters ------------------------------------------------------------------------


def default_outage_params(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """Read the forced-outage parameters per gas unit type from ``inputs/technologies.csv``.

    Parameters
    ----------
    path : str or Path, optional
        The table to read; default ``inputs_dir() / "technologies.csv"``.

    Returns
    -------
    dict
        ``{type: {parameter: value}}`` with the parameters of :data:`OUTAGE_PARAMETERS`, for
        every technology that has at least one of those rows.
    """
    path = Path(path) if path is not None else inputs_dir() / "technologies.csv"
    out: dict[str, dict[str, float]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["parameter"] in OUTAGE_PARAMETERS:
                out.setdefault(row["technology"], {})[row["parameter"]] = float(row["value"])
    return out


def with_logistics(params: dict[str, dict[str, float]], extra_h: float) -> dict:
    """Lengthen every repair by ``extra_h`` hours, keeping the failure frequency (MTTF).

    With MTTF = MTTR (1 - FOR) / FOR kept, MTTR' = MTTR + extra and FOR' = MTTR' / (MTTF +
    MTTR'). [h]
    """
    if extra_h <= 0:
        return params
    out = {}
    for t, p in params.items():
        mttr, rate = p["mean_time_to_repair_h"], p["forced_outage_rate"]
        longer = mttr + extra_h
        if rate <= 0:
            out[t] = {**p, "mean_time_to_repair_h": longer}
            continue
        up = mttf_h(rate, mttr)
        out[t] = {
            **p,
            "mean_time_to_repair_h": longer,
            "forced_outage_rate": longer / (up + longer),
        }
    return out


def _resolve_params(
    types: list[str], overrides: dict | None, defaults: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """Merge caller overrides over the catalogue defaults and check every needed value."""
    overrides = overrides or {}
    resolved: dict[str, dict[str, float]] = {}
    for t in types:
        merged = {**defaults.get(t, {}), **(overrides.get(t) or {})}
        missing = [p for p in OUTAGE_PARAMETERS if p not in merged]
        if missing:
            raise ValueError(
                f"gas unit type '{t}': no {', '.join(missing)} in inputs/technologies.csv; "
                f"pass outage_params={{'{t}': {{...}}}}"
            )
        p = {k: float(merged[k]) for k in OUTAGE_PARAMETERS}
        if not 0.0 <= p["forced_outage_rate"] <= 1.0:
            raise ValueError(f"'{t}': forced_outage_rate {p['forced_outage_rate']} not in [0, 1]")
        if not 0.0 <= p["failure_to_start_prob"] <= 1.0:
            raise ValueError(
                f"'{t}': failure_to_start_prob {p['failure_to_start_prob']} not in [0, 1]"
            )
        if not p["mean_time_to_repair_h"] > 0.0:
            raise ValueError(f"'{t}': mean_time_to_repair_h must be > 0")
        resolved[t] = p
    return resolved


def mttf_h(forced_outage_rate: float, mttr_h: float) -> float:
    """Mean time to failure of a two-state unit: ``MTTR x (1 - FOR) / FOR`` (inf if FOR = 0)."""
    if forced_outage_rate <= 0.0:
        return math.inf
    return mttr_h * (1.0 - forced_outage_rate) / forced_outage_rate


# -- random unit states -----------------------------------------------------------------------


def unit_down_hours(
    rng: np.random.Generator,
    n_sequences: int,
    n_hours: int,
    forced_outage_rate: float,
    mttr_h: float,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Draw alternating up/down histories of independent units; mark the hours they are down.

    Each sequence starts in the stationary state (down with probability FOR) and alternates
    exponential up times (mean MTTF) and down times (mean MTTR); hour ``h`` counts as down when
    the unit is down at ``h + 0.5``.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_sequences : int
        Number of unit-years to draw.
    n_hours : int
        Hours per sequence.
    forced_outage_rate, mttr_h : float
        FOR [-] and mean time to repair [h].

    Returns
    -------
    down : ndarray of bool, shape (n_sequences, n_hours)
        True where the unit is down.
    onsets : tuple of three int arrays
        ``(sequence, hour, counted)`` of every failure that starts inside the horizon (a trip):
        the hour in which it starts and 1 if that hour already counts the unit as down.
    """
    down = np.zeros((n_sequences, n_hours), dtype=bool)
    empty = (np.zeros(0, dtype=np.int64),) * 3
    if n_sequences == 0 or n_hours == 0 or forced_outage_rate <= 0.0:
        return down, empty
    if forced_outage_rate >= 1.0:
        down[:] = True
        return down, empty
    mttf = mttf_h(forced_outage_rate, mttr_h)
    cycle = mttf + mttr_h
    mean_cycles = n_hours / cycle
    k = math.ceil(mean_cycles + 6.0 * math.sqrt(mean_cycles) + 3.0)
    starts_down = rng.random(n_sequences) < forced_outage_rate
    ups = rng.exponential(mttf, size=(n_sequences, k))
    downs = rng.exponential(mttr_h, size=(n_sequences, k))
    ups[starts_down, 0] = 0.0  # starts in a down period (memoryless: residual is Exp(MTTR))
    ends = np.cumsum(ups + downs, axis=1)
    while ends[:, -1].min() < n_hours:  # rare: extend every sequence by more cycles
        more_up = rng.exponential(mttf, size=(n_sequences, k))
        more_down = rng.exponential(mttr_h, size=(n_sequences, k))
        ups = np.concatenate([ups, more_up], axis=1)
        downs = np.concatenate([downs, more_down], axis=1)
        ends = np.cumsum(ups + downs, axis=1)
    down_end = ends
    down_start = ends - downs
    # hour h is down iff down_start <= h + 0.5 < down_end
    first = np.clip(np.ceil(down_start - 0.5), 0, n_hours).astype(np.int64)
    stop = np.clip(np.ceil(down_end - 0.5), 0, n_hours).astype(np.int64)
    keep = first < stop
    rows = np.broadcast_to(np.arange(n_sequences)[:, None], first.shape)
    diff = np.zeros((n_sequences, n_hours + 1), dtype=np.int8)
    np.add.at(diff, (rows[keep], first[keep]), 1)
    np.add.at(diff, (rows[keep], stop[keep]), -1)
    down = np.cumsum(diff[:, :n_hours], axis=1, dtype=np.int8) > 0
    trip = (down_start > 0.0) & (down_start < n_hours)
    onset = down_start[trip]
    hour = np.floor(onset).astype(np.int64)
    counted = ((onset <= hour + 0.5) & (down_end[trip] > hour + 0.5)).astype(np.int64)
    return down, (rows[trip].astype(np.int64), hour, counted)


def failed_start_outages(
    rng: np.random.Generator,
    n_years: int,
    starts: np.ndarray,
    failure_to_start_prob: float,
    mttr_h: float,
) -> np.ndarray:
    """Units out because a start failed: count per (year, hour).

    Parameters
    ----------
    rng : numpy.random.Generator
    n_years : int
    starts : ndarray of int, shape (n_hours,)
        Start-ups demanded in each hour by the dispatch.
    failure_to_start_prob, mttr_h : float

    Returns
    -------
    ndarray of int16, shape (n_years, n_hours)
        Units of the type kept out by failed starts (each failure: from its start hour for an
        exponential repair time, at least that hour).
    """
    n_hours = starts.size
    out = np.zeros((n_years, n_hours + 1), dtype=np.int16)
    hours = np.flatnonzero(starts > 0)
    if n_years == 0 or hours.size == 0 or failure_to_start_prob <= 0.0:
        return out[:, :n_hours]
    fails = rng.binomial(starts[hours][None, :], failure_to_start_prob, size=(n_years, hours.size))
    yy, jj = np.nonzero(fails)
    if yy.size:
        count = fails[yy, jj]
        yy = np.repeat(yy, count)
        h0 = np.repeat(hours[jj], count)
        duration = rng.exponential(mttr_h, size=h0.size)
        h1 = np.minimum(np.maximum(h0 + 1, np.ceil(h0 + duration - 0.5)), n_hours).astype(np.int64)
        np.add.at(out, (yy, h0), 1)
        np.add.at(out, (yy, h1), -1)
    return np.cumsum(out[:, :n_hours], axis=1, dtype=np.int16)


# -- one site -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    """Hourly outcome of some simulated years of one site (rows: years, columns: hours).

    Attributes
    ----------
    years : slice
        Which of the simulated years.
    unserved_mw : np.ndarray
        Load not served by the available gas units, renewables and battery. [MW]
    spare_mw : np.ndarray
        Gas and renewable capacity left over after the site's own load (0 where short). [MW]
    trip_lost_mwh : np.ndarray
        Energy lost while a tripped unit is replaced (ride-through failures). [MWh]
    trip_lol : np.ndarray
        Whether a ride-through failure drops load in the hour.
    trip_failures : np.ndarray
        Per year, the weighted count of ride-through failures.
    gas_interrupted : np.ndarray or None
        Whether the hour is inside a gas-supply interruption (None: none drawn).
    grid_interrupted : np.ndarray or None
        Whether the hour is inside a grid interruption (None: none drawn).
    section_out : np.ndarray or None
        Whether a bus section of the plant is out in the hour (None: none drawn).
    """

    years: slice
    unserved_mw: np.ndarray
    spare_mw: np.ndarray
    trip_lost_mwh: np.ndarray
    trip_lol: np.ndarray
    trip_failures: np.ndarray
    gas_interrupted: np.ndarray | None = None
    grid_interrupted: np.ndarray | None = None
    section_out: np.ndarray | None = None


def simulate_site(**site) -> dict[str, np.ndarray]:
    """Simulate one site's year ``years`` times; return per-year loss-of-load figures.

    Parameters
    ----------
    **site
        As :func:`site_chunks`.

    Returns
    -------
    dict of ndarray, shape (years,)
        ``lol_hours`` (weighted hours with loss of load), ``eue_mwh``, ``interruptions``
        (weighted count of loss-of-load events: runs of consecutive hours) and
        ``trip_failures`` (weighted ride-through failures) per simulated year.
    """
    years = site["years"]
    out = {key: np.zeros(years) for key in PER_YEAR_KEYS}
    for chunk in site_chunks(**site):
        _add_per_year(out, chunk, chunk.unserved_mw, site["load_mw"], site["weight_h"])
    return out


def _add_per_year(
    out: dict, chunk: _Chunk, unserved_mw: np.ndarray, load_mw: np.ndarray, weight_h: np.ndarray
) -> None:
    """Fill the chunk's years of the per-year figures, given the load still unserved."""
    w = np.asarray(weight_h, dtype=float)
    tol = 1e-6 * np.maximum(1.0, np.asarray(load_mw, dtype=float))
    lol = (unserved_mw > tol) | chunk.trip_lol
    out["lol_hours"][chunk.years] = lol.astype(float) @ w
    # An interruption starts in an hour with loss of load after one without (the year is
    # cyclic, as the dispatch).
    starts = lol & ~np.roll(lol, 1, axis=1)
    if lol.shape[1]:
        starts[:, 0] |= lol.all(axis=1)  # a year short in every hour: one interruption
    out["interruptions"][chunk.years] = starts.astype(float) @ w
    out["eue_mwh"][chunk.years] = (unserved_mw + chunk.trip_lost_mwh) @ w
    out["trip_failures"][chunk.years] = chunk.trip_failures
    gas, grid, section = (
        np.zeros_like(lol) if mask is None else mask
        for mask in (chunk.gas_interrupted, chunk.grid_interrupted, chunk.section_out)
    )
    other = lol & ~gas & ~grid & ~section
    by_cause = {
        "gas_supply": lol & gas,
        "grid": lol & ~gas & grid,
        "balance_of_plant": lol & ~gas & ~grid & section,
        "failed_ride_through": other & chunk.trip_lol,
        "unit_outages": other & ~chunk.trip_lol,
    }
    for cause, hours in by_cause.items():
        out[f"lol_hours_{cause}"][chunk.years] = hours.astype(float) @ w


def site_chunks(
    *,
    load_mw: np.ndarray,
    renewables_mw: np.ndarray,
    weight_h: np.ndarray,
    gas: dict[str, dict],
    outage_params: dict[str, dict[str, float]],
    years: int,
    rng: np.random.Generator,
    batteries: list[dict] = (),
    ride_through_min: float = 15.0,
    gas_interruptions: tuple[float, float] = (0.0, 24.0),
    grid_mw: np.ndarray | None = None,
    grid_interruptions: tuple[float, float] = (0.0, 1.0),
    bus_sections: int = 1,
    section_failures: tuple[tuple[float, float], ...] = (),
    relief_mw: np.ndarray | None = None,
) -> Iterator[_Chunk]:
    """Simulate one site's year ``years`` times, a chunk of years at a time.

    Parameters
    ----------
    load_mw, renewables_mw, weight_h : ndarray, shape (n_hours,)
        Load [MW], dispatched PV + wind (+ grid import) [MW], hours of the year each row
        stands for [h].
    gas : dict
        Per gas unit type: ``units`` (built, int), ``unit_mw`` [MW], ``cf`` (n_hours,) available
        output share, ``online`` (n_hours,) committed units from the dispatch (fractional is
        rounded up), ``output_mw`` (n_hours,) dispatched output [MW].
    outage_params : dict
        Per type: ``forced_outage_rate``, ``mean_time_to_repair_h``, ``failure_to_start_prob``.
    years : int
    rng : numpy.random.Generator
    batteries : list of dict, optional
        Per store (``dcpower.techs.contract.Store`` fields): ``power_mw``, ``energy_mwh``,
        ``eta_charge``, ``eta_discharge``, ``min_soc_fraction`` and the dispatched
        ``charge_mw``, ``discharge_mw``, ``soc_mwh`` (end of hour), each (n_hours,). Stores
        with zero power or energy are left out.
    ride_through_min : float
        Minutes the online units and the battery must carry a tripped unit. [min]
    gas_interruptions : tuple of float
        Gas-supply interruptions of the site: expected number per year (Poisson) and mean
        length (geometric, whole hours) [h]. In one, a gas unit type gives nothing, except
        a dual-fuel type for its ``liquid_fuel_h`` from the start (its tank, refilled
        before the next).
    grid_mw : ndarray, shape (n_hours,), optional
        The dispatched grid import (part of ``renewables_mw``), lost in a grid
        interruption. [MW]
    grid_interruptions : tuple of float
        Grid interruptions: expected number per year and mean length [h], as above.
    bus_sections : int
        MV bus sections the gas units are spread over (each type's units as evenly as they
        go, the first sections taking one more).
    section_failures : tuple of (float, float)
        Equipment in series on each bus section (its busbar and breakers, its
        transformer): expected failures per section and year (Poisson) and mean repair
        (geometric, whole hours) [h]. While a section is out its units give nothing; units
        already down are taken to be elsewhere (the count up falls by the section's units,
        the cautious reading of a count-based draw).
    relief_mw : ndarray, shape (n_hours,), optional
        Electric load relieved by heat-driven cooling (absorption chillers) in the dispatch
        (part of ``renewables_mw``). Its heat comes with the gas units' output: where the
        units up cannot give the dispatched gas output, the relief falls in proportion and
        the electric chillers take the cooling back (:func:`lost_relief_mw`). [MW]

    Yields
    ------
    _Chunk
        The hourly outcome of up to ``_CHUNK_YEARS`` simulated years, in order.
    """
    load = np.asarray(load_mw, dtype=float)
    ren = np.asarray(renewables_mw, dtype=float)
    plant = _plant(load, weight_h, gas, outage_params, batteries, ride_through_min)
    # Each chunk draws from ``rng`` in one fixed order (unit outages and failed starts by
    # type, then which trips hit committed units), so a seed gives the same years.
    for y0 in range(0, years, _CHUNK_YEARS):
        ny = min(_CHUNK_YEARS, years - y0)
        draw = _draw_gas_units(plant, rng, ny)
        section_out = None
        if any(per_yr > 0 for per_yr, _ in section_failures):
            draw, section_out = _without_sections(plant, draw, rng, bus_sections, section_failures)
        interrupted = None
        if gas_interruptions[0] > 0:
            elapsed = interruption_hours(rng, ny, plant.n, *gas_interruptions)
            interrupted = elapsed >= 0
            if interrupted.any():  # rare at the default frequency: most chunks have none
                draw = _without_gas(plant, draw, elapsed)
        # what storage must supply (MW); <= 0: gas suffices
        need = load - ren - draw.capacity_mw
        if relief_mw is not None:
            need = need + lost_relief_mw(relief_mw, draw.capacity_mw, plant.dispatched_gas_mw)
        grid_cut = None
        if grid_interruptions[0] > 0 and grid_mw is not None and np.any(grid_mw > 0):
            grid_cut = interruption_hours(rng, ny, plant.n, *grid_interruptions) >= 0
            need = need + np.where(grid_cut, np.asarray(grid_mw, dtype=float), 0.0)
        residual, soc_starts = _storage_passes(need, plant.stores, plant.n)
        lost_mwh, lol, trip_fail = _ride_through_failures(plant, draw, soc_starts, rng, ny)
        yield _Chunk(
            years=slice(y0, y0 + ny),
            unserved_mw=np.maximum(residual, 0.0),
            spare_mw=np.maximum(-need, 0.0),
            trip_lost_mwh=lost_mwh,
            trip_lol=lol,
            trip_failures=trip_fail,
            gas_interrupted=interrupted,
            grid_interrupted=grid_cut,
            section_out=section_out,
        )


def lost_relief_mw(
    relief_mw: np.ndarray, capacity_mw: np.ndarray, dispatched_gas_mw: np.ndarray
) -> np.ndarray:
    """Relief that heat-driven cooling loses when the gas units up fall short of the dispatch.

    The heat follows the gas output: with capacity up ``c`` below the dispatched gas output
    ``g``, the units give at most ``c / g`` of the dispatched heat, and the relief falls to
    that share (to none without gas output). [MW]

    Parameters
    ----------
    relief_mw : np.ndarray, shape (n_hours,)
        Relief in the dispatch. [MW]
    capacity_mw : np.ndarray, shape (years, n_hours)
        Gas capacity up in each simulated hour. [MW]
    dispatched_gas_mw : np.ndarray, shape (n_hours,)
        Gas output in the dispatch. [MW]
    """
    relief = np.asarray(relief_mw, dtype=float)
    running = dispatched_gas_mw > 0
    share = np.where(running, capacity_mw / np.where(running, dispatched_gas_mw, 1.0), 0.0)
    return relief * (1.0 - np.minimum(share, 1.0))


@dataclass(frozen=True)
class _Plant:
    """A site's built plant and dispatched year, the same for every simulated year.

    Attributes
    ----------
    gas : dict
        Per gas unit type, as :func:`site_chunks` takes it.
    outage_params : dict
        Per gas unit type, as :func:`site_chunks` takes it.
    types : list of str
        Gas unit types with units built.
    committed : dict of np.ndarray
        Per type, units committed in each hour (the dispatch's, rounded up).
    stores : list of dict
        Stores with power and energy (as :func:`site_chunks` takes them).
    dispatched_gas_mw : np.ndarray
        Dispatched output of all gas units, per hour. [MW]
    tol_mw : np.ndarray
        Shortfall per hour below which the load counts as served. [MW]
    weight_h : np.ndarray
        Hours of the year each row stands for. [h]
    ride_through_h : float
        How long online units and stores carry a tripped unit. [h]
    n : int
        Hours (rows) of the dispatched year.
    """

    gas: dict[str, dict]
    outage_params: dict[str, dict[str, float]]
    types: list[str]
    committed: dict[str, np.ndarray]
    stores: list[dict]
    dispatched_gas_mw: np.ndarray
    tol_mw: np.ndarray
    weight_h: np.ndarray
    ride_through_h: float
    n: int


def _plant(
    load: np.ndarray,
    weight_h: np.ndarray,
    gas: dict[str, dict],
    outage_params: dict[str, dict[str, float]],
    batteries: list[dict],
    ride_through_min: float,
) -> _Plant:
    """Collect what every simulated year of a site shares (arguments as :func:`site_chunks`)."""
    n = load.size
    types = [t for t, g in gas.items() if round(g["units"]) > 0]
    dispatched_gas = np.zeros(n)
    for t in types:
        dispatched_gas += np.asarray(gas[t]["output_mw"], dtype=float)
    return _Plant(
        gas=gas,
        outage_params=outage_params,
        types=types,
        # a fractional commitment (relaxed or averaged dispatch) means a unit is on
        committed={
            t: np.ceil(np.asarray(gas[t]["online"], dtype=float) - 1e-6).clip(0) for t in types
        },
        stores=[
            b for b in batteries if b.get("power_mw", 0.0) > 0 and b.get("energy_mwh", 0.0) > 0
        ],
        dispatched_gas_mw=dispatched_gas,
        tol_mw=1e-6 * np.maximum(1.0, load),
        weight_h=np.asarray(weight_h, dtype=float),
        ride_through_h=ride_through_min / 60.0,
        n=n,
    )


@dataclass(frozen=True)
class _GasDraw:
    """Gas units drawn up and down over a chunk of simulated years (rows: years).

    Attributes
    ----------
    avail : dict of np.ndarray
        Per type, units up in each hour, (years, hours).
    trips : dict of tuple of np.ndarray
        Per type, the outages that start inside an hour: year, hour, and whether the hour
        already counts the unit down.
    capacity_mw : np.ndarray
        Output the available units can give, (years, hours). [MW]
    """

    avail: dict[str, np.ndarray]
    trips: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    capacity_mw: np.ndarray


def _draw_gas_units(plant: _Plant, rng: np.random.Generator, ny: int) -> _GasDraw:
    """Draw forced outages and failed starts of every gas unit type for ``ny`` years."""
    avail: dict[str, np.ndarray] = {}
    trips: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for t in plant.types:
        avail[t], trips[t] = _draw_unit_type(plant, t, rng, ny)
    return _GasDraw(avail=avail, trips=trips, capacity_mw=_capacity_mw(plant, avail, ny))


def _capacity_mw(plant: _Plant, avail: dict[str, np.ndarray], ny: int) -> np.ndarray:
    """Return the output the units up can give, per simulated year and hour [MW]."""
    capacity = np.zeros((ny, plant.n))
    for t in plant.types:
        g = plant.gas[t]
        capacity += avail[t] * (g["unit_mw"] * np.asarray(g["cf"], dtype=float))
    return capacity


def interruption_hours(
    rng: np.random.Generator, years: int, n: int, per_yr: float, mean_h: float
) -> np.ndarray:
    """Hours since the start of a gas-supply interruption, per simulated year and hour.

    Each simulated year (``n`` rows standing for 8760 h) gets Poisson(per_yr x n / 8760)
    interruptions, each starting at a uniform row and lasting a geometric number of whole
    hours with mean ``mean_h`` (the discrete memoryless law); rows past the end wrap to the
    start (the year is cyclic). -1 outside any interruption.
    """
    elapsed = np.full((years, n), -1, dtype=np.int32)
    counts = rng.poisson(per_yr * n / HOURS_PER_YEAR, size=years)
    for year in np.flatnonzero(counts):
        for _ in range(counts[year]):
            start = int(rng.integers(n))
            length = int(rng.geometric(1.0 / mean_h))
            rows = (start + np.arange(min(length, n))) % n
            elapsed[year, rows] = np.arange(rows.size)
    return elapsed


def units_per_section(units: int, sections: int) -> list[int]:
    """Units of one type on each bus section: as even as they go, the first taking one more."""
    return [units // sections + (s < units % sections) for s in range(sections)]


def _without_sections(
    plant: _Plant,
    draw: _GasDraw,
    rng: np.random.Generator,
    sections: int,
    failures: tuple[tuple[float, float], ...],
) -> tuple[_GasDraw, np.ndarray]:
    """Take each bus section's units out while the section is out (see :func:`site_chunks`).

    Returns the draw with those units out, and whether any section is out per year and hour.
    """
    ny = draw.capacity_mw.shape[0]
    avail = {t: a.copy() for t, a in draw.avail.items()}
    on_section = {t: units_per_section(round(plant.gas[t]["units"]), sections) for t in plant.types}
    any_out = np.zeros((ny, plant.n), dtype=bool)
    for s in range(sections):
        out = np.zeros((ny, plant.n), dtype=bool)
        for per_yr, mean_h in failures:
            if per_yr > 0:
                out |= interruption_hours(rng, ny, plant.n, per_yr, mean_h) >= 0
        if not out.any():
            continue
        any_out |= out
        for t in plant.types:
            avail[t] = np.where(out, np.maximum(avail[t] - on_section[t][s], 0), avail[t])
    capacity = _capacity_mw(plant, avail, ny)
    return _GasDraw(avail=avail, trips=draw.trips, capacity_mw=capacity), any_out


def _without_gas(plant: _Plant, draw: _GasDraw, elapsed: np.ndarray) -> _GasDraw:
    """Remove gas capacity in interruption hours, but dual-fuel units on their tank."""
    capacity = np.zeros_like(draw.capacity_mw)
    interrupted = elapsed >= 0
    for t in plant.types:
        g = plant.gas[t]
        fuel_h = float(g.get("liquid_fuel_h", 0.0))
        off = interrupted & (elapsed >= fuel_h)
        # the same product as _capacity_mw, so hours not cut give the same capacity
        capacity += np.where(off, 0.0, draw.avail[t] * (g["unit_mw"] * np.asarray(g["cf"])))
    return _GasDraw(avail=draw.avail, trips=draw.trips, capacity_mw=capacity)


def _draw_unit_type(
    plant: _Plant, t: str, rng: np.random.Generator, ny: int
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Units of type ``t`` up per year and hour, and its trips (as :attr:`_GasDraw.trips`)."""
    units = round(plant.gas[t]["units"])
    p = plant.outage_params[t]
    down, (seq, hour, counted) = unit_down_hours(
        rng, ny * units, plant.n, p["forced_outage_rate"], p["mean_time_to_repair_h"]
    )
    up = units - down.reshape(ny, units, plant.n).sum(axis=1, dtype=np.int16)
    planned = plant.gas[t].get("maintenance")
    if planned is not None:
        # units in planned maintenance are out whatever else happens to the fleet
        up = np.minimum(up, units - np.rint(np.asarray(planned, dtype=float)).astype(np.int16))
    d = plant.committed[t]
    starts = np.maximum(0.0, d - np.roll(d, 1)).astype(np.int64)
    up = up - failed_start_outages(
        rng, ny, starts, p["failure_to_start_prob"], p["mean_time_to_repair_h"]
    )
    return np.maximum(up, 0), (seq // units, hour, counted)


def _ride_through_failures(
    plant: _Plant,
    draw: _GasDraw,
    soc_starts: list[np.ndarray],
    rng: np.random.Generator,
    ny: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load lost while a tripped committed unit is replaced, over a chunk of years.

    Returns
    -------
    lost_mwh : np.ndarray
        Energy lost per year and hour, (years, hours); rows are one hour long. [MWh]
    lol : np.ndarray
        Whether a ride-through failure drops load in the hour, (years, hours).
    trip_failures : np.ndarray
        Per year, the weighted count of ride-through failures.
    """
    lost_mwh = np.zeros((ny, plant.n))
    lol = np.zeros((ny, plant.n), dtype=bool)
    trip_fail = np.zeros(ny)
    for t in plant.types:
        yy, hh, short = _trip_shortfalls(plant, draw, soc_starts, t, rng)
        if yy.size == 0:
            continue
        np.add.at(lost_mwh, (yy, hh), short * plant.ride_through_h)
        lol[yy, hh] = True
        np.add.at(trip_fail, yy, plant.weight_h[hh])
    return lost_mwh, lol, trip_fail


def _trip_shortfalls(
    plant: _Plant,
    draw: _GasDraw,
    soc_starts: list[np.ndarray],
    t: str,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trips of committed units of type ``t`` the rest cannot carry: year, hour, MW short."""
    yy, hh, counted = draw.trips[t]
    if yy.size == 0:
        return yy, hh, np.zeros(0)
    # units of the type up just before the trip (the hour may already count it down)
    a_before = np.minimum(draw.avail[t][yy, hh] + counted, round(plant.gas[t]["units"]))
    p_online = np.minimum(1.0, plant.committed[t][hh] / np.maximum(a_before, 1))
    # an outage hits a committed unit with probability committed / available
    hit = (a_before > 0) & (rng.random(yy.size) < p_online)
    yy, hh, counted = yy[hit], hh[hit], counted[hit]
    if yy.size == 0:
        return yy, hh, np.zeros(0)
    online_cap = _online_capacity_after_trip(plant, draw, t, yy, hh, counted)
    batt_mw = _battery_ride_through_mw(plant, soc_starts, yy, hh)
    short = plant.dispatched_gas_mw[hh] - online_cap - batt_mw
    bad = short > plant.tol_mw[hh]
    return yy[bad], hh[bad], short[bad]


def _online_capacity_after_trip(
    plant: _Plant,
    draw: _GasDraw,
    t: str,
    yy: np.ndarray,
    hh: np.ndarray,
    counted: np.ndarray,
) -> np.ndarray:
    """Output [MW] the committed units still up can give once a unit of type ``t`` trips."""
    online_cap = np.zeros(yy.size)
    for s in plant.types:
        extra = counted if s == t else 0
        on = np.minimum(plant.committed[s][hh], draw.avail[s][yy, hh] + extra)
        online_cap += on * plant.gas[s]["unit_mw"] * np.asarray(plant.gas[s]["cf"], dtype=float)[hh]
    online_cap -= plant.gas[t]["unit_mw"] * np.asarray(plant.gas[t]["cf"], dtype=float)[hh]
    return online_cap


def _battery_ride_through_mw(
    plant: _Plant, soc_starts: list[np.ndarray], yy: np.ndarray, hh: np.ndarray
) -> np.ndarray:
    """Extra discharge [MW] the stores can hold for the ride-through time, in given hours.

    Each store gives its spare power (rating less its dispatched net discharge) as far as
    its energy above the floor lasts ``ride_through_h``.
    """
    batt_mw = np.zeros(yy.size)
    for battery, soc_start in zip(plant.stores, soc_starts, strict=True):
        floor = battery["min_soc_fraction"] * battery["energy_mwh"]
        spare_power = (
            battery["power_mw"]
            - np.asarray(battery["discharge_mw"], dtype=float)[hh]
            + np.asarray(battery["charge_mw"], dtype=float)[hh]
        )
        energy_power = (
            np.maximum(soc_start[yy, hh] - floor, 0.0)
            * battery["eta_discharge"]
            / plant.ride_through_h
        )
        batt_mw += np.clip(np.minimum(spare_power, energy_power), 0.0, None)
    return batt_mw


def _storage_passes(
    need: np.ndarray, stores: list[dict], n: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Let each store in turn cover what the ones before left (each with its own efficiencies).

    Store k faces its own dispatched net output plus the residual of the stores before it
    (the first: the whole need less the others' dispatched net output), so each follows its
    plan unless gas falls short or has spare capacity to recharge it; with one store this
    is :func:`_battery_pass` on the need.

    Returns
    -------
    residual : np.ndarray
        Need left after all stores, (years, hours); > 0 is unserved. [MW]
    soc_starts : list of np.ndarray
        Per store, its state of charge at the start of each hour, (years, hours). [MWh]
    """
    plans = [
        np.asarray(b["discharge_mw"], float) - np.asarray(b["charge_mw"], float) for b in stores
    ]
    faced = need - sum(plans[1:], np.zeros(n))  # exactly ``need`` with one store
    residual, soc_starts = need, []
    for k, battery in enumerate(stores):
        residual, soc_start = _battery_pass(faced, battery, n)
        soc_starts.append(soc_start)
        if k + 1 < len(stores):
            faced = plans[k + 1] + residual
    return residual, soc_starts


def _battery_pass(need: np.ndarray, battery: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Step one store hour by hour (vectorized over years).

    Returns the need it leaves (negative: spare capacity) [MW] and its start-of-hour SOC.
    """
    p_max = float(battery["power_mw"])
    e_max = float(battery["energy_mwh"])
    eta_c = float(battery["eta_charge"])
    eta_d = float(battery["eta_discharge"])
    floor = float(battery["min_soc_fraction"]) * e_max
    ch = np.asarray(battery["charge_mw"], dtype=float)
    dis = np.asarray(battery["discharge_mw"], dtype=float)
    soc_plan = np.asarray(battery["soc_mwh"], dtype=float)
    plan_net = dis - ch
    ny = need.shape[0]
    soc = np.full(ny, soc_plan[-1])
    soc_start = np.empty((ny, n))
    residual = np.empty((ny, n))
    for h in range(n):
        soc_start[:, h] = soc
        nd = need[:, h]
        target = soc_plan[h]
        # follow the plan; discharge more if gas falls short; recharge to the plan with spare gas
        spare = np.maximum(plan_net[h] - nd, 0.0)
        after_plan = soc - (dis[h] / eta_d) + ch[h] * eta_c
        recharge = np.minimum(spare, np.maximum(target - after_plan, 0.0) / eta_c)
        b = np.where(nd > plan_net[h], nd, plan_net[h] - recharge)
        # limits: power, energy above the floor, room below capacity
        b_max = np.minimum(p_max, np.maximum(soc - floor, 0.0) * eta_d)
        b_min = -np.minimum(p_max, np.maximum(e_max - soc, 0.0) / eta_c)
        b = np.clip(b, b_min, np.maximum(b_max, b_min))
        soc = np.where(b >= 0.0, soc - b / eta_d, soc - b * eta_c)
        residual[:, h] = nd - b
    return residual, soc_start


# -- statistics -------------------------------------------------------------------------------


def _mean_ci(values: np.ndarray, lo: float | None = None, hi: float | None = None) -> dict:
    """Mean over years and a 95 % normal confidence interval of the mean."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    half = float(_Z95 * values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else 0.0
    low, high = mean - half, mean + half
    if lo is not None:
        low = max(low, lo)
    if hi is not None:
        high = min(high, hi)
    return {"mean": mean, "ci95": [low, high]}


def percentile_ci(values: np.ndarray, q: float) -> tuple[float, float, float]:
    """Return the q-th percentile of annual outcomes and its 95 % order-statistic interval.

    The interval is distribution-free: with n sorted values, the ranks
    ``n p +- 1.96 sqrt(n p (1 - p))`` (p = q / 100) bound the percentile with about 95 %
    confidence (binomial normal approximation), clipped to the smallest and largest value.

    Returns
    -------
    tuple of float
        (percentile, lower, upper), same unit as ``values``.
    """
    ordered = np.sort(np.asarray(values, dtype=float))
    n = ordered.size
    if n == 0:
        return (float("nan"),) * 3
    p = q / 100.0
    value = float(np.percentile(ordered, q))
    half = _Z95 * math.sqrt(n * p * (1 - p))
    low = ordered[max(math.floor(n * p - half) - 1, 0)]
    high = ordered[min(math.ceil(n * p + half) - 1, n - 1)]
    return value, float(min(low, value)), float(max(high, value))


def outcome_figures(values: np.ndarray, lo: float | None = None) -> dict:
    """Mean (with its 95 % interval) and P50 / P90 / P99 (each with its interval) of a figure.

    The mean's interval is its sampling error (it narrows as more years are simulated);
    the percentiles describe the spread of the annual outcomes themselves.
    """
    figures = _mean_ci(values, lo)
    for q in PERCENTILES:
        value, low, high = percentile_ci(values, q)
        figures[f"p{q}"] = value
        figures[f"p{q}_ci95"] = [low, high]
    return figures


def summarize(per_year: dict[str, np.ndarray], hours_per_year: float, load_mwh: float) -> dict:
    """Turn per-year figures into LOLE, EUE and interruptions: mean and percentiles.

    Availability percentages are reported as figures; no Tier is inferred from them (Uptime
    Tiers are defined by topology, see ``dcpower.topology``).
    """
    lole = per_year["lol_hours"]
    eue = per_year["eue_mwh"]
    events = per_year["interruptions"]
    a_time = 100.0 * (1.0 - lole / hours_per_year)
    a_energy = 100.0 * (1.0 - eue / load_mwh) if load_mwh > 0 else np.full(lole.shape, 100.0)
    years = int(lole.size)
    with_lol = int(np.count_nonzero(lole > 0))
    total_events = float(events.sum())
    return {
        "lole_h_per_yr": outcome_figures(lole, 0.0),
        "eue_mwh_per_yr": outcome_figures(eue, 0.0),
        "interruptions_per_yr": outcome_figures(events, 0.0),
        "mean_interruption_h": float(lole.sum() / total_events) if total_events else 0.0,
        # mean LOLE put down to each cause (they add up to the mean LOLE)
        "by_cause": {
            cause: float(per_year[f"lol_hours_{cause}"].mean())
            for cause in CAUSES
            if f"lol_hours_{cause}" in per_year
        },
        "availability_time_pct": _mean_ci(a_time, 0.0, 100.0),
        "availability_energy_pct": _mean_ci(a_energy, 0.0, 100.0),
        "ride_through_failures_per_yr": _mean_ci(per_year["trip_failures"], 0.0),
        "years_with_loss_of_load": with_lol,
        "share_of_years_with_loss_of_load": with_lol / years if years else float("nan"),
        # no year with loss of load: the CI above is degenerate; 3/n is the 95 % upper bound
        # of the chance of a year with loss of load ("rule of three")
        "share_of_years_with_loss_of_load_upper95": (3.0 / years if with_lol == 0 else None),
    }


def verdict(figures: dict, max_lole_h_per_yr: float, statistic: str) -> dict:
    """Whether a site's simulated LOLE meets a criterion, and whether sampling could flip it.

    Parameters
    ----------
    figures : dict
        The site's Monte Carlo figures (:func:`summarize`).
    max_lole_h_per_yr : float
        The most LOLE allowed. [h/yr]
    statistic : str
        ``mean``, ``p50``, ``p90`` or ``p99`` of the annual LOLE.

    Returns
    -------
    dict
        ``statistic``, ``lole_h_per_yr`` (its value), ``ci95`` (its 95 % sampling
        interval), ``max_lole_h_per_yr``, ``meets`` (value <= max) and
        ``within_sampling_error`` (the interval straddles the bound: more simulated years
        could change the verdict).
    """
    lole = figures["lole_h_per_yr"]
    value = lole[statistic]
    low, high = lole["ci95"] if statistic == "mean" else lole[f"{statistic}_ci95"]
    return {
        "statistic": statistic,
        "lole_h_per_yr": value,
        "ci95": [low, high],
        "max_lole_h_per_yr": max_lole_h_per_yr,
        "meets": bool(value <= max_lole_h_per_yr),
        "within_sampling_error": bool(low <= max_lole_h_per_yr < high),
    }


# -- run folder -------------------------------------------------------------------------------


def _num(frame: pd.DataFrame, column: str, n: int) -> np.ndarray:
    """Return a numeric column as floats (zeros if absent)."""
    if column not in frame.columns:
        return np.zeros(n)
    return pd.to_numeric(frame[column], errors="coerce").fillna(0.0).to_numpy(dtype=float)


@dataclass
class _SiteInputs:
    """One site's dispatched year and plant, as the Monte Carlo reads them from a run folder."""

    dispatch: pd.DataFrame
    hourly: pd.DataFrame  # profiles.csv rows on the dispatch hours
    load_mw: np.ndarray
    renewables_mw: np.ndarray
    weight_h: np.ndarray
    gas: dict
    batteries: list[dict]
    battery_mw: float
    battery_mwh: float
    params: dict  # outage parameters per gas unit type
    gas_interruptions: tuple[float, float] = (0.0, 24.0)  # per year, mean length [h]
    grid_mw: np.ndarray | None = None  # dispatched import [MW]
    grid_interruptions: tuple[float, float] = (0.0, 1.0)  # per year, mean length [h]
    bus_sections: int = 1
    section_failures: tuple[tuple[float, float], ...] = ()  # per section-year, mean repair [h]
    relief_mw: np.ndarray | None = None  # load relieved by heat-driven cooling [MW]

    def simulation(self, years: int, rng: np.random.Generator, ride_through_min: float) -> dict:
        """Keyword arguments of :func:`simulate_site` / :func:`site_chunks`."""
        return {
            "load_mw": self.load_mw,
            "renewables_mw": self.renewables_mw,
            "weight_h": self.weight_h,
            "gas": self.gas,
            "outage_params": self.params,
            "years": years,
            "rng": rng,
            "batteries": self.batteries,
            "ride_through_min": ride_through_min,
            "gas_interruptions": self.gas_interruptions,
            "grid_mw": self.grid_mw,
            "grid_interruptions": self.grid_interruptions,
            "bus_sections": self.bus_sections,
            "section_failures": self.section_failures,
            "relief_mw": self.relief_mw,
        }


def _site_inputs(
    site_id: str,
    scenario: Scenario,
    tables: SiteTables,
    outage_params: dict,
    defaults: dict,
) -> _SiteInputs:
    """Read one site's rows of the run folder's tables (see :func:`simulate_availability`).

    ``outage_params``: per gas unit type, what the caller sets; the rest from ``defaults``
    (:func:`default_outage_params`).
    """
    d = tables.dispatch
    n = len(d)
    rows = tables.rows
    gas: dict[str, dict] = {}
    stores: list[dict] = []
    grid_mw = _num(d, "grid_mw", n)  # grid import as dispatched, lost in a grid interruption
    supply_mw = grid_mw
    relief_mw = np.zeros(n)
    for tech_id in scenario.sites[site_id].technologies:
        spec = scenario.technologies[tech_id]
        behaviour = techs.of(spec).behaviour(tech_id, spec, rows)
        if isinstance(behaviour, UnitFleet):
            gas[tech_id] = {
                "units": behaviour.units,
                "unit_mw": behaviour.unit_mw,
                "cf": behaviour.available_factor,
                "online": behaviour.online,
                "output_mw": behaviour.output_mw,
                "liquid_fuel_h": behaviour.liquid_fuel_h,
                "maintenance": behaviour.maintenance,
            }
        elif isinstance(behaviour, Store):
            stores.append(asdict(behaviour))
        elif isinstance(behaviour, Supply):
            supply_mw = supply_mw + behaviour.output_mw
        elif isinstance(behaviour, HeatDriven):
            supply_mw = supply_mw + behaviour.relief_mw
            relief_mw = relief_mw + behaviour.relief_mw
    return _SiteInputs(
        dispatch=d,
        hourly=tables.hourly,
        load_mw=_num(d, "load_mw", n),
        renewables_mw=supply_mw,
        weight_h=_num(d, "weight_h", n) if "weight_h" in d.columns else np.ones(n),
        gas=gas,
        batteries=stores,
        battery_mw=sum(store["power_mw"] for store in stores),
        battery_mwh=sum(store["energy_mwh"] for store in stores),
        params=with_logistics(
            _resolve_params(list(gas), outage_params, defaults),
            scenario.sites[site_id].repair_logistics_h,
        ),
        gas_interruptions=(
            scenario.reliability.gas_interruptions_per_yr,
            scenario.reliability.gas_interruption_mean_h,
        ),
        grid_mw=grid_mw,
        grid_interruptions=(
            (0.0, 1.0)
            if (grid := scenario.sites[site_id].grid) is None
            else (grid.outages_per_yr, grid.outage_mean_h)
        ),
        bus_sections=sections_needed(
            round(sum(g["units"] for g in gas.values())),
            scenario.reliability.units_per_bus_section,
        ),
        section_failures=section_failures(scenario),
        relief_mw=relief_mw if np.any(relief_mw > 0) else None,
    )


def sections_needed(units: int, units_per_section: int) -> int:
    """MV bus sections a plant of ``units`` gas units needs at ``units_per_section`` each."""
    return max(1, math.ceil(units / units_per_section))


def section_failures(scenario: Scenario) -> tuple[tuple[float, float], ...]:
    """Equipment in series on each bus section: (failures per section-year, mean repair h)."""
    rules = scenario.reliability
    return (
        (rules.bus_section_failures_per_yr, rules.bus_section_repair_h),
        (rules.section_transformer_failures_per_yr, rules.section_transformer_repair_h),
    )


def _not_yet_movable(unserved_mw: np.ndarray, load_mw: np.ndarray, delay_h: int) -> np.ndarray:
    """Return the unserved load of the first ``delay_h`` hours of each loss of load.

    Hours are counted from the start of each run of consecutive hours with load unserved.
    [MW]
    """
    if delay_h <= 0:
        return np.zeros_like(unserved_mw)
    lol = unserved_mw > 1e-6 * np.maximum(1.0, load_mw)
    count = np.cumsum(lol, axis=1)
    # count at the last hour without loss of load, carried forward: a run's hours minus it
    before = np.maximum.accumulate(np.where(lol, 0, count), axis=1)
    position = count - before  # 1 in the first hour of a run
    return np.where(lol & (position <= delay_h), unserved_mw, 0.0)


def move_work(
    unserved_mw: list[np.ndarray],
    spare_mw: list[np.ndarray],
    movable_it_mw: list[np.ndarray],
    room_it_mw: list[np.ndarray],
    pue: list[np.ndarray],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Serve load a site cannot supply by running its flexible IT load at other sites.

    In each hour, a site short of supply sends IT load (up to what may still leave it) to
    each other site in turn, as far as the receiving halls have room and the receiving
    plant has spare capacity for it with its own PUE; every MW of IT moved relieves the
    sender by its PUE. Sites are on one clock (column t is the same instant at each).

    Parameters
    ----------
    unserved_mw, spare_mw : list of ndarray, shape (years, hours)
        Per site: load not served, and supply capacity left after the site's load. [MW]
    movable_it_mw : list of ndarray, shape (hours,)
        Per site: IT load that may still leave it (flexible share, link limit). [MW]
    room_it_mw : list of ndarray, shape (hours,)
        Per site: IT load it may still take in (free hall capacity, link limit). [MW]
    pue : list of ndarray, shape (hours,)
        Per site: power usage effectiveness. [-]

    Returns
    -------
    unserved_mw : list of ndarray
        Per site, the load still not served. [MW]
    moved_it_mw : list of ndarray
        Per site, the IT load it sent away. [MW]
    """
    unserved = [u.copy() for u in unserved_mw]
    spare = [x.copy() for x in spare_mw]
    room = [np.broadcast_to(r, u.shape).copy() for r, u in zip(room_it_mw, unserved, strict=True)]
    moved = [np.zeros_like(u) for u in unserved]
    for s, _ in enumerate(unserved):
        for r, _ in enumerate(unserved):
            if r == s:
                continue
            it_mw = np.minimum.reduce(
                [
                    unserved[s] / pue[s],
                    movable_it_mw[s] - moved[s],
                    room[r],
                    spare[r] / pue[r],
                ]
            ).clip(min=0.0)
            unserved[s] = np.maximum(unserved[s] - it_mw * pue[s], 0.0)
            spare[r] -= it_mw * pue[r]
            room[r] -= it_mw
            moved[s] += it_mw
    return unserved, moved


def _simulate_moving_work(
    inputs: dict[str, _SiteInputs],
    scenario: Scenario,
    years: int,
    seed: int,
    ride_through_min: float,
) -> tuple[dict[str, dict], dict[str, dict]]:
    """Simulate sites that share flexible work: a site short of supply moves work away.

    Each site draws from its own stream (:func:`site_rng`), as when simulated alone.

    The sites' simulated years are drawn together (chunk by chunk) and put on one clock
    (the first site's, :func:`dcpower.clock.rows_on_one_clock`; each site's dispatch rows
    are its hours in local order); what remains unserved after :func:`move_work` counts.
    Ride-through failures are not relieved (a trip is over before work can move).

    Returns
    -------
    per_year : dict
        Per site, the per-year figures of :func:`simulate_site`.
    moved : dict
        Per site, ``it_moved_mwh_per_yr`` (mean IT energy sent away to cover outages),
        ``lole_h_per_yr_without_moving_work`` (mean LOLE had no work moved),
        ``lole_non_flexible_h_per_yr`` (mean hours in which load is lost even with the
        flexible work left at the site paused: :func:`non_flexible_shortfall`; ride-through
        failures count, a trip drops every load) and ``migration_delay_h``.
    """
    site_ids = list(inputs)
    share = float(scenario.workload.flexible_share)
    link = scenario.workload.link_capacity_mw_it
    delay = int(scenario.workload.migration_delay_h)
    starts = {
        site_id: pd.to_datetime(
            inputs[site_id].dispatch["time"].astype(str), utc=True, format="ISO8601"
        )[0]
        for site_id in site_ids
    }
    by_site = rows_on_one_clock(starts, len(inputs[site_ids[0]].load_mw))
    rows = [by_site[site_id] for site_id in site_ids]
    movable, room, pue, flexible = [], [], [], []
    for k, site_id in enumerate(site_ids):
        site, order = inputs[site_id], rows[k]
        it_load = pd.to_numeric(site.hourly["it_load_mw"], errors="coerce").to_numpy()[order]
        shift = _num(site.dispatch, "it_shift_mw", len(site.load_mw))[order]
        capacity = float(scenario.sites[site_id].data_center.it_capacity_mw)
        out, into = share * it_load + shift, capacity - it_load - shift
        flexible.append(np.maximum(out, 0.0))  # IT work at the site that may pause or move
        if link is not None:
            out, into = np.minimum(out, link + shift), np.minimum(into, link - shift)
        movable.append(np.maximum(out, 0.0))
        room.append(np.maximum(into, 0.0))
        pue.append(pd.to_numeric(site.hourly["pue"], errors="coerce").to_numpy()[order])
    per_year = {site_id: {key: np.zeros(years) for key in PER_YEAR_KEYS} for site_id in site_ids}
    alone = {site_id: {key: np.zeros(years) for key in PER_YEAR_KEYS} for site_id in site_ids}
    moved_mwh = {site_id: np.zeros(years) for site_id in site_ids}
    non_flexible = {
        site_id: {key: np.zeros(years) for key in PER_YEAR_KEYS} for site_id in site_ids
    }
    streams = [
        site_chunks(**inputs[k].simulation(years, site_rng(seed, k), ride_through_min))
        for k in site_ids
    ]
    for chunks in zip(*streams, strict=True):
        # Work moves only after a loss of load has lasted the migration delay.
        waiting = [
            _not_yet_movable(c.unserved_mw[:, rows[k]], inputs[site_ids[k]].load_mw[rows[k]], delay)
            for k, c in enumerate(chunks)
        ]
        unserved, moved = move_work(
            [c.unserved_mw[:, rows[k]] - waiting[k] for k, c in enumerate(chunks)],
            [c.spare_mw[:, rows[k]] for k, c in enumerate(chunks)],
            movable,
            room,
            pue,
        )
        for k, (site_id, chunk) in enumerate(zip(site_ids, chunks, strict=True)):
            site = inputs[site_id]
            back = np.argsort(rows[k])  # from the common clock to the site's own rows
            _add_per_year(alone[site_id], chunk, chunk.unserved_mw, site.load_mw, site.weight_h)
            lost = unserved[k] + waiting[k]  # unserved with work moving, on the common clock
            _add_per_year(per_year[site_id], chunk, lost[:, back], site.load_mw, site.weight_h)
            moved_mwh[site_id][chunk.years] = moved[k][:, back] @ site.weight_h
            short = non_flexible_shortfall(lost, flexible[k], moved[k], pue[k])[:, back]
            _add_per_year(non_flexible[site_id], chunk, short, site.load_mw, site.weight_h)
    summary = {
        site_id: {
            "it_moved_mwh_per_yr": float(moved_mwh[site_id].mean()),
            "lole_h_per_yr_without_moving_work": float(alone[site_id]["lol_hours"].mean()),
            "lole_non_flexible_h_per_yr": float(non_flexible[site_id]["lol_hours"].mean()),
            "migration_delay_h": delay,
        }
        for site_id in site_ids
    }
    return per_year, summary


def non_flexible_shortfall(
    unserved_mw: np.ndarray, flexible_it_mw: np.ndarray, moved_it_mw: np.ndarray, pue: np.ndarray
) -> np.ndarray:
    """Return the load a site cannot serve even with the flexible work left paused [MW].

    The flexible work still at the site (``flexible_it_mw`` less what moved away, at the
    site's PUE) yields first; what stays unserved beyond it is non-flexible load lost.
    """
    still_here_mw = np.maximum(flexible_it_mw - moved_it_mw, 0.0) * pue
    return np.maximum(unserved_mw - still_here_mw, 0.0)


def site_rng(seed: int, site_id: str) -> np.random.Generator:
    """Random stream of one site's simulated years, from the run's seed and the site's id.

    A site draws the same years whichever other sites the run holds, so the check of a
    reliability criterion (one group of sites at a time) and the run folder's figures
    (every site) agree to the last digit.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(site_id.encode())]))


def simulate_availability(
    run_dir: str | Path | RunFolder,
    *,
    years: int = 1000,
    seed: int = 0,
    outage_params: dict | None = None,
) -> dict:
    """Sequential Monte Carlo of gas-unit forced outages over a run folder's dispatched year.

    Parameters
    ----------
    run_dir : str, Path or RunFolder
        A run folder (``scenario.yaml``, ``capacities.csv``, ``dispatch.csv``,
        ``profiles.csv``, and ``summary.json`` for the horizon), or the same tables in memory
        (:meth:`dcpower.run_folder.RunFolder.from_result`: nothing is written).
    years : int
        Simulated years per site (>= 2 for a confidence interval).
    seed : int
        Seed of the sites' random streams (:func:`site_rng`); the same seed gives the same
        numbers.
    outage_params : dict, optional
        Per gas unit type, any of ``forced_outage_rate`` [-], ``mean_time_to_repair_h`` [h],
        ``failure_to_start_prob`` [-]; missing values come from ``inputs/technologies.csv``.

    Returns
    -------
    dict
        Ready for ``summary.json`` under ``"reliability"``: ``method``, ``years``, ``seed``,
        ``horizon`` (hours simulated and how they scale to a year), ``ride_through_min``,
        ``battery_rule``, ``outage_params`` used, ``runtime_s`` and
        ``sites``: per site ``gas_units``, ``lole_h_per_yr``, ``eue_mwh_per_yr``,
        ``availability_time_pct``, ``availability_energy_pct`` and
        ``ride_through_failures_per_yr`` (each ``{"mean", "ci95": [low, high]}``),
        ``years_with_loss_of_load``, ``share_of_years_with_loss_of_load``,
        ``share_of_years_with_loss_of_load_upper95`` (when no year has any),
        ``interruptions_per_yr`` and ``mean_interruption_h`` (LOLE, EUE and interruptions
        with ``p50``, ``p90``, ``p99`` of the annual outcomes, each with ``_ci95``).
    """
    if years < 1:
        raise ValueError(f"years must be >= 1, got {years}")
    started = time.perf_counter()
    folder = run_dir if isinstance(run_dir, RunFolder) else read_run_folder(run_dir)
    scenario = folder.scenario
    ride_through = float(scenario.reliability.ride_through_min)
    kind = folder.summary.horizon.kind if folder.summary is not None else None
    kind = kind or scenario.time.kind

    defaults = default_outage_params()
    inputs = {
        site_id: _site_inputs(
            site_id, scenario, folder.site(site_id), outage_params or {}, defaults
        )
        for site_id in scenario.sites
    }
    hours_simulated = max((len(i.dispatch) for i in inputs.values()), default=0)
    used_params = {t: p for site in inputs.values() for t, p in site.params.items()}
    if len(inputs) > 1 and scenario.workload.flexible_share > 0:
        per_year, moved = _simulate_moving_work(inputs, scenario, years, seed, ride_through)
    else:
        per_year = {
            site_id: simulate_site(**site.simulation(years, site_rng(seed, site_id), ride_through))
            for site_id, site in inputs.items()
        }
        moved = {}
    sites_out: dict[str, dict] = {}
    for site_id, site in inputs.items():
        weight, load = site.weight_h, site.load_mw
        hours_per_year = float(weight.sum()) if len(load) else HOURS_PER_YEAR
        sites_out[site_id] = {
            "gas_units": {
                t: {"units": g["units"], "unit_mw": g["unit_mw"]} for t, g in site.gas.items()
            },
            "battery_mw": site.battery_mw,
            "battery_mwh": site.battery_mwh,
            "bus_sections": site.bus_sections,
            **summarize(per_year[site_id], hours_per_year, float(load @ weight)),
            **({"moving_work": moved[site_id]} if site_id in moved else {}),
        }

    scaled = kind == "window" or abs(hours_simulated - HOURS_PER_YEAR) > 0.5
    return {
        "method": (
            "sequential Monte Carlo, hourly: two-state (exponential up/down) gas units, "
            "failure to start on dispatched start-ups, ride-through of trips by online headroom "
            "and battery, gas-supply interruptions (dual-fuel units run on their tank), grid "
            "interruptions at grid-connected sites (the import stops), bus-section outages "
            "(busbar, breakers, transformer: the section's units out); "
            "renewables as dispatched"
        ),
        "years": int(years),
        "seed": int(seed),
        "horizon": {
            "kind": kind,
            "hours_simulated": int(hours_simulated),
            "scaled_to_year": bool(scaled),
            "note": (
                "window run: each simulated year is the window's hours, weighted by weight_h "
                "to stand for a full year"
                if scaled
                else "full year, 8760 hours"
            ),
        },
        "ride_through_min": ride_through,
        "battery_rule": BATTERY_RULE,
        "outage_params": used_params,
        "gas_interruptions": {
            "per_yr": scenario.reliability.gas_interruptions_per_yr,
            "mean_h": scenario.reliability.gas_interruption_mean_h,
            "source": "reliability.gas_interruptions_per_yr / gas_interruption_mean_h "
            "(defaults and sources: inputs/reliability.csv)",
        },
        "balance_of_plant": _balance_of_plant(scenario),
        # The migration delay of moved work is drawn where work may move (workload
        # shifting).
        "not_drawn": (
            "a bus section's own trip (its units lost at once) beyond the hour's adequacy; "
            "protection failing to clear a fault within its section (the whole plant out); "
            "the data center's distribution (its paths are not in the model)"
        ),
        "runtime_s": time.perf_counter() - started,
        "sites": sites_out,
    }


def merge_availability(parts: list[dict]) -> dict:
    """One Monte Carlo of every site, from the Monte Carlos of disjoint groups of sites.

    Each part is :func:`simulate_availability` of some sites, all with the same years and
    seed; each site draws from its own stream (:func:`site_rng`), so the merged figures are
    those of one simulation of all the sites.

    Raises
    ------
    ValueError
        If the parts simulated different years or seeds.
    """
    if len({(part["years"], part["seed"]) for part in parts}) != 1:
        raise ValueError("Monte Carlo parts with different years or seeds cannot be merged")
    merged = dict(parts[0])
    merged["sites"] = {k: v for part in parts for k, v in part["sites"].items()}
    merged["outage_params"] = {k: v for part in parts for k, v in part["outage_params"].items()}
    merged["horizon"] = max((part["horizon"] for part in parts), key=lambda h: h["hours_simulated"])
    merged["runtime_s"] = sum(part["runtime_s"] for part in parts)
    return merged


#: Columns of :func:`availability_table`, with their units.
AVAILABILITY_COLUMNS = {
    "site": "",
    "gas_units": "",
    "bus_sections": "",
    "lole_h_per_yr": "h/yr",
    "lole_ci95_low_h_per_yr": "h/yr",
    "lole_ci95_high_h_per_yr": "h/yr",
    "lole_p50_h_per_yr": "h/yr",
    "lole_p90_h_per_yr": "h/yr",
    "lole_p99_h_per_yr": "h/yr",
    "eue_mwh_per_yr": "MWh/yr",
    "eue_p90_mwh_per_yr": "MWh/yr",
    "interruptions_per_yr": "1/yr",
    "mean_interruption_h": "h",
    **{f"lole_{cause}_h_per_yr": "h/yr" for cause in CAUSES},
    "availability_pct": "%",
    "energy_availability_pct": "%",
    "years_with_loss_of_load": "years",
    "it_moved_mwh_per_yr": "MWh IT/yr",
    "lole_without_moving_work_h_per_yr": "h/yr",
    "lole_non_flexible_h_per_yr": "h/yr",
}


def availability_table(result: dict) -> pd.DataFrame:
    """One row per site of a :func:`simulate_availability` result, for reports.

    Columns: :data:`AVAILABILITY_COLUMNS` (LOLE as the mean with its 95 % sampling
    interval and the P50 / P90 / P99 of the annual outcomes; EUE mean and P90;
    interruptions per year and their mean length; availability; with workload shifting,
    the IT energy moved away from a site short of supply, the LOLE had no work moved and
    the LOLE of the non-flexible load, else empty).
    """
    rows = []
    for site_id, s in result["sites"].items():
        moving = s.get("moving_work") or {}
        lole, eue = s["lole_h_per_yr"], s["eue_mwh_per_yr"]
        rows.append(
            {
                "site": site_id,
                "gas_units": ", ".join(
                    f"{g['units']} x {g['unit_mw']:g} MW {t}" for t, g in s["gas_units"].items()
                ),
                "bus_sections": s.get("bus_sections"),
                "lole_h_per_yr": lole["mean"],
                "lole_ci95_low_h_per_yr": lole["ci95"][0],
                "lole_ci95_high_h_per_yr": lole["ci95"][1],
                "lole_p50_h_per_yr": lole["p50"],
                "lole_p90_h_per_yr": lole["p90"],
                "lole_p99_h_per_yr": lole["p99"],
                "eue_mwh_per_yr": eue["mean"],
                "eue_p90_mwh_per_yr": eue["p90"],
                "interruptions_per_yr": s["interruptions_per_yr"]["mean"],
                "mean_interruption_h": s["mean_interruption_h"],
                **{f"lole_{cause}_h_per_yr": s.get("by_cause", {}).get(cause) for cause in CAUSES},
                "availability_pct": s["availability_time_pct"]["mean"],
                "energy_availability_pct": s["availability_energy_pct"]["mean"],
                "years_with_loss_of_load": s["years_with_loss_of_load"],
                "it_moved_mwh_per_yr": moving.get("it_moved_mwh_per_yr"),
                "lole_without_moving_work_h_per_yr": moving.get(
                    "lole_h_per_yr_without_moving_work"
                ),
                "lole_non_flexible_h_per_yr": moving.get("lole_non_flexible_h_per_yr"),
            }
        )
    return pd.DataFrame(rows, columns=list(AVAILABILITY_COLUMNS))


def reliability_steps_table(curves: dict[str, list[dict]]) -> pd.DataFrame:
    """Flatten the cost-of-reliability curves (``summary.json`` ``cost_of_reliability``).

    One row per site and step: ``site, redundancy_k, gas_units`` (``"n x type"``),
    ``cost_usd_per_yr, extra_cost_usd_per_yr, lole_h_per_yr`` (the criterion's statistic),
    ``meets_criterion, chosen`` (the step the run kept).
    """
    return pd.DataFrame(
        [
            {
                "site": site_id,
                "redundancy_k": row["redundancy_k"],
                "gas_units": ", ".join(f"{n} x {g}" for g, n in row["gas_units"].items()),
                "cost_usd_per_yr": row["cost_usd_per_yr"],
                "extra_cost_usd_per_yr": row["extra_cost_usd_per_yr"],
                "lole_h_per_yr": row["lole_h_per_yr"],
                "meets_criterion": bool(row["meets_criterion"]),
                "chosen": bool(row["chosen"]),
            }
            for site_id, rows in curves.items()
            for row in rows
        ]
    )


def format_availability(result: dict) -> str:
    """Format a :func:`simulate_availability` result as a text table, one row per site."""

    def ci(x: dict, fmt: str) -> str:
        return f"{x['mean']:{fmt}} [{x['ci95'][0]:{fmt}}, {x['ci95'][1]:{fmt}}]"

    header = (
        f"{'site':<10} {'LOLE h/yr mean [95% CI]':<26} {'P50/P90/P99':<20} "
        f"{'EUE MWh/yr mean':<16} {'interrupt./yr':>13} {'mean h':>7} {'availability %':>15}"
    )
    lines = [
        f"Monte Carlo availability: {result['years']} years per site, seed {result['seed']}, "
        f"{result['horizon']['hours_simulated']} h per year"
        + (" (window scaled to a year)" if result["horizon"]["scaled_to_year"] else ""),
        header,
        "-" * len(header),
    ]
    for site, s in result["sites"].items():
        lole = s["lole_h_per_yr"]
        spread = f"{lole['p50']:.2f}/{lole['p90']:.2f}/{lole['p99']:.2f}"
        lines.append(
            f"{site:<10} {ci(lole, '.3f'):<26} {spread:<20} "
            f"{s['eue_mwh_per_yr']['mean']:<16.2f} {s['interruptions_per_yr']['mean']:>13.3f} "
            f"{s['mean_interruption_h']:>7.2f} {s['availability_time_pct']['mean']:>15.4f}"
        )
    params = ", ".join(
        f"{t}: FOR {p['forced_outage_rate']:g}, MTTR {p['mean_time_to_repair_h']:g} h, "
        f"FTS {p['failure_to_start_prob']:g}"
        for t, p in result["outage_params"].items()
    )
    moving = {site: s["moving_work"] for site, s in result["sites"].items() if "moving_work" in s}
    if moving:
        lines.append(
            "work moved away from a site short of supply: "
            + "; ".join(
                f"{site} {m['it_moved_mwh_per_yr']:,.1f} MWh IT/yr (LOLE without moving "
                f"{m['lole_h_per_yr_without_moving_work']:.3f} h/yr; of the non-flexible "
                f"load {m['lole_non_flexible_h_per_yr']:.3f} h/yr; work moves after "
                f"{m['migration_delay_h']} h)"
                for site, m in moving.items()
            )
        )
    lines.append(
        "LOLE by cause [h/yr]: "
        + "; ".join(
            f"{site} "
            + ", ".join(
                f"{cause.replace('_', ' ')} {hours:.3f}"
                for cause, hours in s.get("by_cause", {}).items()
            )
            for site, s in result["sites"].items()
        )
    )
    lines.append(f"outage data: {params} (inputs/technologies.csv, PROXY where its source says)")
    cut = result.get("gas_interruptions")
    if cut:
        lines.append(
            f"gas-supply interruptions drawn: {cut['per_yr']:g} per year, mean {cut['mean_h']:g} h "
            "(inputs/reliability.csv)"
        )
    bop = result.get("balance_of_plant")
    if bop:
        lines.append(f"balance of plant drawn: {bop['description']}")
    if result.get("not_drawn"):
        lines.append(f"not drawn: {result['not_drawn']}")
    return "\n".join(lines)


def _balance_of_plant(scenario: Scenario) -> dict:
    """Describe what the Monte Carlo draws of the plant's bus sections (``summary.json``)."""
    rules = scenario.reliability
    return {
        "units_per_bus_section": rules.units_per_bus_section,
        "bus_section_failures_per_yr": rules.bus_section_failures_per_yr,
        "bus_section_repair_h": rules.bus_section_repair_h,
        "section_transformer_failures_per_yr": rules.section_transformer_failures_per_yr,
        "section_transformer_repair_h": rules.section_transformer_repair_h,
        "description": (
            f"gas units on MV bus sections of {rules.units_per_bus_section} units, each out "
            f"{rules.bus_section_failures_per_yr:g}/yr for {rules.bus_section_repair_h:g} h "
            f"(busbar and breakers) and {rules.section_transformer_failures_per_yr:g}/yr for "
            f"{rules.section_transformer_repair_h:g} h (its transformer); the busbar default is an "
            "UNVERIFIED transcription of IEEE 493, sources in inputs/reliability.csv"
        ),
        "source": "reliability.units_per_bus_section, bus_section_* and section_transformer_* "
        "(defaults and sources: inputs/reliability.csv)",
    }
