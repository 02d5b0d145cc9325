"""Independent checks of a store, from the run folder alone (no pyomo).

Its own columns (``battery_*_<id>``) and its own efficiencies: charge and discharge within
its power, state of charge within [floor, energy], the cyclic state-of-charge balance, the
same in the outage windows (continuing from the dispatch's state of charge), the power it
holds for N+k and the reserve it adds to hourly N-1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dcpower.techs.contract import Checker, Contingency, Firm, Windows


def soc_balance(
    soc: np.ndarray,
    before: np.ndarray,
    before_label: str,
    charge: np.ndarray,
    discharge: np.ndarray,
    eta_c: float,
    eta_d: float,
) -> tuple:
    """Arguments of an hourly check of ``soc = before + eta_c x charge - discharge / eta_d``.

    Parameters
    ----------
    soc, before : np.ndarray
        State of charge at the end of each hour, and before it. [MWh]
    before_label : str
        What ``before`` is, for the detail text.
    charge, discharge : np.ndarray
        Battery flows. [MW]
    eta_c, eta_d : float
        Charge and discharge efficiencies. [-]

    Returns
    -------
    tuple
        ``(margin, scale, unit, detail)``: margin ``-|soc - expected|`` [MWh].
    """
    expected = before + eta_c * charge - discharge / eta_d
    return (
        -np.abs(soc - expected),
        np.fmax.reduce([np.abs(soc), np.abs(before), charge, discharge / eta_d]),
        "MWh",
        lambda i: (
            f"SOC {soc[i]:.6g} MWh; {before_label} {before[i]:.6g} + {eta_c:g} x charge "
            f"{charge[i]:.6g} - discharge {discharge[i]:.6g} / {eta_d:g} = {expected[i]:.6g}"
        ),
    )


def flows(column: Callable, b: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Charge and discharge [MW] and state of charge [MWh] of store ``b``."""
    return (
        column(f"battery_charge_mw_{b}"),
        column(f"battery_discharge_mw_{b}"),
        column(f"battery_soc_mwh_{b}"),
    )


def check(b: str, spec, c: Checker) -> None:
    """Charge and discharge within power, SOC within its bounds, cyclic SOC balance."""
    charge, discharge, soc = flows(c.d, b)
    _bounds(c.hourly, b, spec, c, charge, discharge, soc)
    c.hourly(
        f"battery {b} state-of-charge balance (cyclic)",
        *soc_balance(
            soc, np.roll(soc, 1), "previous", charge, discharge, spec.eta_charge, spec.eta_discharge
        ),
    )


def check_windows(b: str, spec, c: Checker, windows: Windows) -> None:
    """Power and SOC bounds in the window steps; SOC continues from the hour before."""
    rows = windows.rows
    charge, discharge, soc = flows(c.w, b)
    _bounds(windows.check, b, spec, c, charge, discharge, soc)
    # The SOC before each step: the previous step of the window, or, for its first hour,
    # the normal dispatch's SOC at the end of the hour before the window (cyclic).
    dispatch_soc = flows(c.d, b)[2]
    row_of = {t: i for i, t in enumerate(c.times)}
    entry = np.array(
        [
            dispatch_soc[(row_of[t] - 1) % c.n] if t in row_of else np.nan
            for t in rows["time"].astype(str)
        ]
    )
    before = np.where(rows["step"].to_numpy() == 0, entry, np.roll(soc, 1))
    windows.check(
        f"battery {b} state of charge continues from the normal dispatch",
        *soc_balance(soc, before, "before", charge, discharge, spec.eta_charge, spec.eta_discharge),
    )


def _bounds(
    check: Callable,
    b: str,
    spec,
    c: Checker,
    charge: np.ndarray,
    discharge: np.ndarray,
    soc: np.ndarray,
) -> None:
    """Charge and discharge within the power, SOC within [floor, energy] of store ``b``."""
    power, energy = c.cap(b, "MW"), c.cap(b, "MWh")
    flow = np.fmax(charge, discharge)
    check(
        f"battery {b} charge and discharge <= power",
        power - flow,
        np.fmax(power, flow),
        "MW",
        lambda i: (
            f"charge {charge[i]:.6g} MW, discharge {discharge[i]:.6g} MW, power {power:.6g} MW"
        ),
    )
    lower = spec.min_soc_fraction * energy
    check(
        f"battery {b} state of charge within [floor, energy]",
        np.fmin(soc - lower, energy - soc),
        np.fmax(np.abs(soc), energy),
        "MWh",
        lambda i: f"SOC {soc[i]:.6g} MWh, bounds [{lower:.6g}, {energy:.6g}] MWh",
    )


def firm(b: str, spec, c: Checker, hours: float) -> Firm | None:
    """Power the store holds for ``hours``: min(power, eta_d x (1 - floor) x energy / hours).

    Storage holds power and has no units: none of it is among the k units out.
    """
    if hours <= 0:
        return None
    held = min(
        c.cap(b, "MW"),
        spec.eta_discharge * (1 - spec.min_soc_fraction) * c.cap(b, "MWh") / hours,
    )
    return Firm(firm_mw=held, units_mw=(), text=f"storage {b} {held:.4g} MW")


def contingency(b: str, spec, c: Checker, ride_through_h: float) -> Contingency:
    """Reserve for the ride-through after a trip, per hour [MW].

    min(power - discharge + charge, eta_d x (lowest SOC of the hour - floor) / ride-through).
    """
    charge, discharge, soc = flows(c.d, b)
    power, energy = c.cap(b, "MW"), c.cap(b, "MWh")
    lowest = np.fmin(np.roll(soc, 1), soc)
    reserve = np.fmin(
        power - discharge + charge,
        spec.eta_discharge * (lowest - spec.min_soc_fraction * energy) / ride_through_h,
    )
    return Contingency(reserve_mw=np.maximum(reserve, 0.0))
