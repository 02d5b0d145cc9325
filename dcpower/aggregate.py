"""Reduced time: the steps the sizing model sees, and how they stand for the year.

``full_year`` keeps the 8760 hours. ``blocks`` averages consecutive hours into chronological
blocks (storage and start-ups stay chained over the whole year; the gas units' available
output in a block is that of its hottest hour, so capacity is never overstated).
``typical_periods`` clusters the calendar periods (days by default) with tsam into typical
periods plus extreme ones; each typical period is the medoid of the calendar periods it
stands for (a real period, so hour-to-hour variability is kept) or their mean (annual
energy totals kept exactly), except gas availability, which is the lowest of those periods
hour by hour (never overstated); storage is linked across the year by the battery module
(:class:`dcpower.techs.base.TypicalPeriods`). ``window`` takes a run of hours
and scales it to a year (for tests and quick looks).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dcpower.scenario import TimeHorizon
from dcpower.techs.base import TypicalPeriods
from dcpower.units import HOURS_PER_YEAR

#: Profile columns whose per-step value is the minimum of the hours it stands for.
CONSERVATIVE_PREFIX = "gas_cf_"
#: Joins a profile column to its site in the frame of several sites reduced together.
SITE_SEPARATOR = "@"


@dataclass(frozen=True)
class Steps:
    """Time steps of a model and the hourly profiles averaged onto them.

    Attributes
    ----------
    profiles : pd.DataFrame
        One row per step (index: step start; for typical periods, the hours of the first
        calendar period each one stands for), same columns as the hourly profiles.
    duration_h : np.ndarray
        Length of each step. [h]
    weight_h : np.ndarray
        Hours of the year each step stands for (they sum to 8760). [h]
    kind : str
        ``full_year``, ``blocks``, ``typical_periods`` or ``window``.
    step_of_hour : np.ndarray
        Per hour of the hourly profiles, the model step that stands for it (-1 for hours a
        window leaves out). [-]
    periods : TypicalPeriods or None
        The typical-period structure (``kind`` ``typical_periods`` only).
    """

    profiles: pd.DataFrame
    duration_h: np.ndarray
    weight_h: np.ndarray
    kind: str
    step_of_hour: np.ndarray
    periods: TypicalPeriods | None = None


def reduce_time(
    hourly: pd.DataFrame, horizon: TimeHorizon, extra_periods: Sequence[int] = ()
) -> Steps:
    """Put hourly profiles onto the model's time steps.

    Parameters
    ----------
    hourly : pd.DataFrame
        Full-year hourly profiles (8760 rows), columns as ``dcpower.profiles.site_profiles``.
    horizon : TimeHorizon
        The scenario's choice of steps.
    extra_periods : sequence of int
        ``typical_periods`` only: calendar periods (0 = the first ``period_hours`` of the
        year) that become typical periods of their own, on top of the clustering.

    Returns
    -------
    Steps
    """
    n = len(hourly)
    if horizon.kind == "full_year":
        ones = np.ones(n)
        return Steps(hourly, ones, ones * HOURS_PER_YEAR / n, "full_year", np.arange(n))
    if horizon.kind == "window":
        stop = min(horizon.start_hour + horizon.n_hours, n)
        window = hourly.iloc[horizon.start_hour : stop]
        ones = np.ones(len(window))
        step_of_hour = np.full(n, -1)
        step_of_hour[horizon.start_hour : stop] = np.arange(len(window))
        return Steps(window, ones, ones * HOURS_PER_YEAR / len(window), "window", step_of_hour)
    if horizon.kind == "typical_periods":
        order = cluster_order(hourly, horizon)
        return typical_period_steps(
            hourly, horizon.period_hours, order, extra_periods, horizon.representation
        )
    block = np.arange(n) // horizon.block_hours
    grouped = hourly.groupby(block)
    averaged = grouped.mean()
    # Gas capacity in a block is what is available in its hottest hour.
    derating = [c for c in hourly.columns if c.startswith(CONSERVATIVE_PREFIX)]
    averaged[derating] = grouped[derating].min()
    averaged.index = hourly.index[np.unique(block, return_index=True)[1]]
    duration = grouped.size().to_numpy(dtype=float)
    return Steps(averaged, duration, duration * HOURS_PER_YEAR / n, "blocks", block)


def reduce_time_jointly(
    hourly: Mapping[Hashable, pd.DataFrame],
    horizon: TimeHorizon,
    extra_periods: Sequence[int] = (),
) -> dict[Hashable, Steps]:
    """Put several sites' hourly profiles onto one calendar of steps.

    Sites whose hours interact (work moved between them at one instant) need the same
    steps: the same blocks, or the same typical periods, each standing for the same
    calendar periods at every site. The sites' profiles are reduced as one frame (for
    typical periods: clustered together, one medoid period for all sites), then split.

    Parameters
    ----------
    hourly : mapping
        Full-year hourly profiles by site key, on one clock (row t is the same instant).
    horizon : TimeHorizon
        The scenario's choice of steps.
    extra_periods : sequence of int
        As in :func:`reduce_time`, for all sites.

    Returns
    -------
    dict
        :class:`Steps` by site key, sharing durations, weights and the calendar mapping;
        each site's profiles keep its own time stamps.
    """
    keys = list(hourly)
    lengths = sorted({len(frame) for frame in hourly.values()})
    if len(lengths) != 1:
        raise ValueError(f"sites reduced together need the same hours, got {lengths}")
    # Rows by position: each site keeps its own time stamps.
    joint = pd.concat(
        [
            frame.reset_index(drop=True).set_axis(
                [f"{c}{SITE_SEPARATOR}{i}" for c in frame.columns], axis=1
            )
            for i, frame in enumerate(hourly.values())
        ],
        axis=1,
    )
    steps = reduce_time(joint, horizon, extra_periods)
    hours = steps.profiles.index.to_numpy()
    split = {}
    for i, key in enumerate(keys):
        frame = hourly[key]
        own = steps.profiles[[f"{c}{SITE_SEPARATOR}{i}" for c in frame.columns]]
        profiles = own.set_axis(frame.columns, axis=1).set_axis(frame.index[hours], axis=0)
        split[key] = replace(steps, profiles=profiles)
    return split


def cluster_order(hourly: pd.DataFrame, horizon: TimeHorizon) -> np.ndarray:
    """Cluster the calendar periods of a year into typical periods with tsam.

    Clustered on the profiles the model reads (load, PV and wind output per MW, gas
    availability), hierarchically (deterministic). With ``horizon.extreme_periods`` tsam
    appends, each as a typical period of its own: the period of the peak load, the period
    with the lowest mean output of each PV and wind technology, and the period of the
    lowest gas availability (the hottest hour). Constant profiles are left out of the
    clustering (they cannot tell periods apart).

    Parameters
    ----------
    hourly : pd.DataFrame
        Full-year hourly profiles.
    horizon : TimeHorizon
        ``n_periods``, ``period_hours`` and ``extreme_periods``.

    Returns
    -------
    np.ndarray
        Typical period of each calendar period (integers from 0, each used at least once).
    """
    hours = horizon.period_hours
    n_calendar = _calendar_periods(len(hourly), hours)
    columns = _clustered_columns(hourly)
    if not columns or horizon.n_periods >= n_calendar:
        return _compact(np.arange(n_calendar) if columns else np.zeros(n_calendar, dtype=int))
    series = hourly[columns].copy()
    series.index = pd.date_range("2001-01-01", periods=len(series), freq="h")  # tz-naive
    extremes = {}
    if horizon.extreme_periods:
        extremes = {
            "addPeakMax": [c for c in columns if c.split(SITE_SEPARATOR)[0] == "load_mw"],
            "addMeanMin": [c for c in columns if c.startswith(("pv_cf_", "wind_cf_"))],
            "addPeakMin": [c for c in columns if c.startswith(CONSERVATIVE_PREFIX)],
            "extremePeriodMethod": "append",
        }
    with warnings.catch_warnings():
        # tsam warns about its own pandas usage; dcpower reads only its cluster order.
        warnings.filterwarnings("ignore", module="tsam")
        from tsam.timeseriesaggregation import TimeSeriesAggregation  # slow import: only here

        aggregation = TimeSeriesAggregation(
            series,
            noTypicalPeriods=horizon.n_periods,
            hoursPerPeriod=hours,
            clusterMethod="hierarchical",
            rescaleClusterPeriods=False,  # dcpower represents each cluster itself
            **extremes,
        )
        order = np.asarray(aggregation.clusterOrder, dtype=int)
    return _compact(order)


def typical_period_steps(
    hourly: pd.DataFrame,
    period_hours: int,
    order: np.ndarray,
    extra_periods: Sequence[int] = (),
    representation: str = "mean",
) -> Steps:
    """Build the steps of typical periods, given which one stands for each calendar period.

    Each typical period is its ``medoid``, the calendar period closest to the mean of the
    periods it stands for (in the clustered profiles, each scaled to 0-1 over the year),
    or, with ``mean``, their hour-by-hour mean (weighted annual totals then equal the
    year's). A medoid is a real period: its hour-to-hour swings of wind and sun are kept,
    which a mean smooths away (measured: the mean overvalues wind). Either way the gas
    availability columns (``gas_cf_*``) take the lowest value of those periods hour by hour
    (never overstated).

    Parameters
    ----------
    hourly : pd.DataFrame
        Hourly profiles whose length is a multiple of ``period_hours``.
    period_hours : int
        Length of a period. [h]
    order : np.ndarray
        Typical period (any integer label) of each calendar period, in calendar order.
    extra_periods : sequence of int
        Calendar periods that become typical periods of their own.
    representation : str
        ``medoid`` or ``mean``.

    Returns
    -------
    Steps
        ``kind`` ``typical_periods``; typical period ``k`` holds steps ``k * period_hours``
        to ``(k + 1) * period_hours - 1``, labelled with the hours of its medoid (``mean``:
        of its first calendar period).
    """
    n = len(hourly)
    n_calendar = _calendar_periods(n, period_hours)
    order = np.array(order, dtype=int)
    if len(order) != n_calendar:
        raise ValueError(f"order has {len(order)} periods; the hourly profiles have {n_calendar}")
    for p in extra_periods:
        if not 0 <= p < n_calendar:
            raise ValueError(f"extra period {p} is outside the year's 0..{n_calendar - 1}")
        order[p] = order.max() + 1
    order = _compact(order)
    n_typical = int(order.max()) + 1
    by_period = hourly.to_numpy(dtype=float).reshape(n_calendar, period_hours, -1)
    conservative = np.array([c.startswith(CONSERVATIVE_PREFIX) for c in hourly.columns])
    members = np.bincount(order, minlength=n_typical)
    if representation == "medoid":
        label = _medoids(hourly, order)
        central = by_period[label]
    else:
        label = np.array([np.flatnonzero(order == k)[0] for k in range(n_typical)])
        central = np.stack([by_period[order == k].mean(axis=0) for k in range(n_typical)])
    low = np.stack([by_period[order == k].min(axis=0) for k in range(n_typical)])
    values = np.where(conservative, low, central).reshape(n_typical * period_hours, -1)
    hours_of = (label[:, None] * period_hours + np.arange(period_hours)).ravel()
    profiles = pd.DataFrame(values, index=hourly.index[hours_of], columns=hourly.columns)
    duration = np.ones(n_typical * period_hours)
    weight = np.repeat(members, period_hours) * HOURS_PER_YEAR / n
    hour_in_period = np.arange(n) % period_hours
    step_of_hour = np.repeat(order, period_hours) * period_hours + hour_in_period
    periods = TypicalPeriods(steps_per_period=period_hours, order=order)
    return Steps(profiles, duration, weight, "typical_periods", step_of_hour, periods)


def _clustered_columns(hourly: pd.DataFrame) -> list[str]:
    """Return the profiles that tell periods apart: load, PV and wind per MW, gas availability."""
    return [
        c
        for c in hourly.columns
        if (
            c.split(SITE_SEPARATOR)[0] == "load_mw"
            or c.startswith(("pv_cf_", "wind_cf_", CONSERVATIVE_PREFIX))
        )
        and hourly[c].max() - hourly[c].min() > 1e-9
    ]


def _medoids(hourly: pd.DataFrame, order: np.ndarray) -> np.ndarray:
    """Return, per typical period, the calendar period closest to its members' mean (scaled)."""
    columns = _clustered_columns(hourly)
    x = hourly[columns].to_numpy(dtype=float)
    scaled = (x - x.min(axis=0)) / np.maximum(x.max(axis=0) - x.min(axis=0), 1e-12)
    flat = scaled.reshape(len(order), -1)
    medoids = []
    for k in range(int(order.max()) + 1):
        members = np.flatnonzero(order == k)
        distance = ((flat[members] - flat[members].mean(axis=0)) ** 2).sum(axis=1)
        medoids.append(members[np.argmin(distance)])
    return np.array(medoids)


def _calendar_periods(n_hours: int, period_hours: int) -> int:
    """Return the number of calendar periods in the profiles (they must divide evenly)."""
    if n_hours % period_hours:
        raise ValueError(
            f"time.period_hours {period_hours} does not divide the {n_hours} hours of the "
            "profiles; allowed: a divisor of the year's length"
        )
    return n_hours // period_hours


def _compact(order: np.ndarray) -> np.ndarray:
    """Relabel typical periods 0, 1, ... in order of first appearance (drops unused labels)."""
    _, first, inverse = np.unique(order, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse]
