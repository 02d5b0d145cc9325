"""Supply outages as outage windows inside the model: gas-supply interruptions, grid outages.

As REopt handles grid outages: during a window one supply (its *kind*: ``gas`` or ``grid``)
is unavailable and the rest of the plant must carry the data center; the battery enters
each window with the state of charge of normal operation. Every technology block decides
from the window's kind what it can do in it (``m.outage_available``): renewables produce
what the resource gives, gas units run in grid outages, the grid imports in gas outages.

Windows start at each calendar month's peak-load step, so the plant rides through an
outage of the given length at twelve demanding moments of the year (not at every possible
start, which would multiply the model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

#: What an outage window can take away, and the words that describe it in messages.
OUTAGE_KINDS = {"gas": "without gas", "grid": "without the grid"}


@dataclass(frozen=True)
class OutageWindow:
    """One outage window of a site model.

    Attributes
    ----------
    kind : str
        What is unavailable in it: ``gas`` or ``grid``.
    hours : float
        Length of the outage. [h]
    steps : tuple of int
        The consecutive model steps it covers (wrapping around the horizon).
    """

    kind: str
    hours: float
    steps: tuple[int, ...]


def outage_windows(
    index: pd.DatetimeIndex, duration_h: np.ndarray, load_mw: np.ndarray, hours: float, kind: str
) -> list[OutageWindow]:
    """Outage windows of one kind: one per month, from the month's peak-load step.

    Parameters
    ----------
    index : pd.DatetimeIndex
        Start of each model step.
    duration_h : np.ndarray
        Length of each step. [h]
    load_mw : np.ndarray
        Load per step. [MW]
    hours : float
        Length of the outage; 0 = none. [h]
    kind : str
        What is unavailable (a key of :data:`OUTAGE_KINDS`).

    Returns
    -------
    list of OutageWindow
        Empty if ``hours`` is 0.
    """
    if kind not in OUTAGE_KINDS:
        raise ValueError(f"outage kind {kind!r}: allowed {', '.join(OUTAGE_KINDS)}")
    if hours <= 0:
        return []
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
        windows.append(OutageWindow(kind, float(hours), tuple(steps)))
    return windows


def add_outage_sets(m: pyo.ConcreteModel, windows: list[OutageWindow]) -> None:
    """Declare the window steps before the technology blocks, which add their own variables.

    ``m.OW`` holds (window, k) pairs; ``m.outage_step[w, k]`` is the model step of each,
    ``m.outage_entry[w]`` the step just before a window (whose state of charge it inherits),
    ``m.outage_windows`` the windows, and ``m.outage_available[supply]`` the (window, k)
    pairs in which a supply (``gas``, ``grid``) is available: those of the other kinds.
    """
    m.outage_windows = list(windows)
    pairs = [(w, k) for w, window in enumerate(windows) for k in range(len(window.steps))]
    m.OW = pyo.Set(initialize=pairs, ordered=True, dimen=2)
    periods = m.periods
    if periods is None:
        m.outage_step = {
            (w, k): t for w, window in enumerate(windows) for k, t in enumerate(window.steps)
        }
        m.outage_entry = {w: m.T.prevw(window.steps[0]) for w, window in enumerate(windows)}
    else:
        # Windows in calendar hours: each maps to the typical step that stands for it, and
        # the battery enters with its state of charge at the calendar hour before.
        year_h = len(periods.order) * periods.steps_per_period
        m.outage_step = {
            (w, k): periods.step_of(h)
            for w, window in enumerate(windows)
            for k, h in enumerate(window.steps)
        }
        m.outage_entry = {w: (window.steps[0] - 1) % year_h for w, window in enumerate(windows)}
    m.outage_available = {
        supply: [(w, k) for w, k in pairs if windows[w].kind != supply] for supply in OUTAGE_KINDS
    }
    m.outage_unserved_mw = pyo.Var(m.OW, within=pyo.NonNegativeReals)


def add_outage_balance(m: pyo.ConcreteModel) -> None:
    """In every window step, what is still available serves the load.

    A registered component covers only the window steps in which its technology runs
    (e.g. gas units only in grid outages); elsewhere it contributes nothing.
    """
    reg = m.registry

    def _sum(components, w, k):
        return sum(c[w, k] for c in components if (w, k) in c)

    m.outage_balance = pyo.Constraint(
        m.OW,
        rule=lambda m, w, k: (
            _sum(reg.outage_injections_mw, w, k)
            - _sum(reg.outage_withdrawals_mw, w, k)
            + m.outage_unserved_mw[w, k]
            >= m.demand_mw[m.outage_step[w, k]]
        ),
    )
