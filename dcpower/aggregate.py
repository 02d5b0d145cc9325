"""Reduced time: the steps the sizing model sees, and how they stand for the year.

``full_year`` keeps the 8760 hours. ``blocks`` averages consecutive hours into chronological
blocks (storage and start-ups stay chained over the whole year; the gas units' available
output in a block is that of its hottest hour, so capacity is never overstated). ``window``
takes a run of hours and scales it to a year (for tests and quick looks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dcpower.scenario import TimeHorizon
from dcpower.units import HOURS_PER_YEAR


@dataclass(frozen=True)
class Steps:
    """Time steps of a model and the hourly profiles averaged onto them.

    Attributes
    ----------
    profiles : pd.DataFrame
        One row per step (index: step start), same columns as the hourly profiles.
    duration_h : np.ndarray
        Length of each step. [h]
    weight_h : np.ndarray
        Hours of the year each step stands for (they sum to 8760). [h]
    kind : str
        ``full_year``, ``blocks`` or ``window``.
    """

    profiles: pd.DataFrame
    duration_h: np.ndarray
    weight_h: np.ndarray
    kind: str


def reduce_time(hourly: pd.DataFrame, horizon: TimeHorizon) -> Steps:
    """Put hourly profiles onto the model's time steps.

    Parameters
    ----------
    hourly : pd.DataFrame
        Full-year hourly profiles (8760 rows), columns as ``dcpower.profiles.site_profiles``.
    horizon : TimeHorizon
        The scenario's choice of steps.

    Returns
    -------
    Steps
    """
    n = len(hourly)
    if horizon.kind == "full_year":
        ones = np.ones(n)
        return Steps(hourly, ones, ones * HOURS_PER_YEAR / n, "full_year")
    if horizon.kind == "window":
        stop = min(horizon.start_hour + horizon.n_hours, n)
        window = hourly.iloc[horizon.start_hour : stop]
        ones = np.ones(len(window))
        return Steps(window, ones, ones * HOURS_PER_YEAR / len(window), "window")
    block = np.arange(n) // horizon.block_hours
    grouped = hourly.groupby(block)
    averaged = grouped.mean()
    # Gas capacity in a block is what is available in its hottest hour.
    derating = [c for c in hourly.columns if c.startswith("gas_cf_")]
    averaged[derating] = grouped[derating].min()
    averaged.index = hourly.index[np.unique(block, return_index=True)[1]]
    duration = grouped.size().to_numpy(dtype=float)
    return Steps(averaged, duration, duration * HOURS_PER_YEAR / n, "blocks")
