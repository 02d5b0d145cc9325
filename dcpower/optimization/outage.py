"""Gas-supply interruptions as outage windows inside the model.

As REopt handles grid outages: during a window no gas reaches the site, and storage and
renewables must carry the data center; the battery enters each window with the state of
charge of normal operation.

Windows start at each calendar month's peak-load step, so the plant rides through an
interruption of the given length at twelve demanding moments of the year (not at every
possible start, which would multiply the model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo


def outage_windows(
    index: pd.DatetimeIndex, duration_h: np.ndarray, load_mw: np.ndarray, hours: float
) -> list[list[int]]:
    """Model steps of each outage window: one per month, from the month's peak-load step.

    Parameters
    ----------
    index : pd.DatetimeIndex
        Start of each model step.
    duration_h : np.ndarray
        Length of each step. [h]
    load_mw : np.ndarray
        Load per step. [MW]
    hours : float
        Length of the interruption. [h]

    Returns
    -------
    list of list of int
        Per window, the consecutive step indices it covers (wrapping around the horizon).
    """
    n = len(load_mw)
    months = np.asarray(index.month)
    windows = []
    for month in np.unique(months):
        steps_in_month = np.flatnonzero(months == month)
        t = int(steps_in_month[np.argmax(load_mw[steps_in_month])])
        covered, steps = 0.0, []
        while covered < hours - 1e-9 and len(steps) < n:
            steps.append(t)
            covered += float(duration_h[t])
            t = (t + 1) % n
        windows.append(steps)
    return windows


def add_outage_sets(m: pyo.ConcreteModel, windows: list[list[int]]) -> None:
    """Declare the window steps before the technology blocks, which add their own variables.

    ``m.OW`` holds (window, k) pairs; ``m.outage_step[w, k]`` is the model step of each, and
    ``m.outage_entry[w]`` the step just before a window (whose state of charge it inherits).
    In a model of typical periods (``m.periods``) the windows are given in calendar hours:
    each hour maps to the step that stands for it, and ``m.outage_entry[w]`` is the
    calendar hour before the window (the battery reads its state of charge there).
    """
    m.OW = pyo.Set(
        initialize=[(w, k) for w, steps in enumerate(windows) for k in range(len(steps))],
        ordered=True,
        dimen=2,
    )
    periods = m.periods
    if periods is None:
        m.outage_step = {(w, k): t for w, ts in enumerate(windows) for k, t in enumerate(ts)}
        m.outage_entry = {w: m.T.prevw(ts[0]) for w, ts in enumerate(windows)}
    else:
        year_h = len(periods.order) * periods.steps_per_period
        m.outage_step = {
            (w, k): periods.step_of(h)
            for w, hours in enumerate(windows)
            for k, h in enumerate(hours)
        }
        m.outage_entry = {w: (hours[0] - 1) % year_h for w, hours in enumerate(windows)}
    m.outage_unserved_mw = pyo.Var(m.OW, within=pyo.NonNegativeReals)


def add_outage_balance(m: pyo.ConcreteModel) -> None:
    """In every window step, storage and renewables (no gas) serve the load."""
    reg = m.registry
    m.outage_balance = pyo.Constraint(
        m.OW,
        rule=lambda m, w, k: (
            sum(p[w, k] for p in reg.outage_injections_mw)
            - sum(c[w, k] for c in reg.outage_withdrawals_mw)
            + m.outage_unserved_mw[w, k]
            >= m.site_load_mw[m.outage_step[w, k]]
        ),
    )
