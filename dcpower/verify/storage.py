"""Battery storage: power and state-of-charge bounds, and the state-of-charge balance.

:func:`soc_balance` builds the balance check of the normal dispatch (cyclic: the hour before
the first is the last) and of the outage windows (each continuing from the normal dispatch's
state of charge at the end of the hour before the window).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dcpower.verify.technologies import _TechnologyChecks


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


def _etas(spec) -> tuple[float, float]:
    """Return the charge and discharge efficiency of a store [-]."""
    return spec.eta_charge, spec.eta_discharge


class _StorageChecks(_TechnologyChecks):
    """Checks of each store (its own columns and efficiencies), in the dispatch and windows."""

    def _check_battery(self) -> None:
        """Charge and discharge within power, SOC within its bounds, cyclic SOC balance."""
        for b, spec in self.batteries.items():
            charge, discharge, soc = self._store_flows(self.d, b)
            self._store_bounds(self.hourly, b, spec, charge, discharge, soc)
            soc_prev = np.roll(soc, 1)  # cyclic horizon
            self.hourly(
                f"battery {b} state-of-charge balance (cyclic)",
                *soc_balance(
                    soc,
                    soc_prev,
                    "previous",
                    charge,
                    discharge,
                    spec.eta_charge,
                    spec.eta_discharge,
                ),
            )

    def _check_window_battery(self, check: Callable, rows: pd.DataFrame) -> None:
        """Each store's power and SOC bounds; SOC continues from the hour before each window."""
        row_of = {t: i for i, t in enumerate(self.s.times)}
        first = rows["step"].to_numpy() == 0
        for b, spec in self.batteries.items():
            charge, discharge, soc = self._store_flows(self.w, b)
            self._store_bounds(check, b, spec, charge, discharge, soc)
            # The SOC before each step: the previous step of the window, or, for its first
            # hour, the normal dispatch's SOC at the end of the hour before the window (cyclic).
            dispatch_soc = self._store_flows(self.d, b)[2]
            entry = np.array(
                [
                    dispatch_soc[(row_of[t] - 1) % self.n] if t in row_of else np.nan
                    for t in rows["time"].astype(str)
                ]
            )
            before = np.where(first, entry, np.roll(soc, 1))
            check(
                f"battery {b} state of charge continues from the normal dispatch",
                *soc_balance(soc, before, "before", charge, discharge, *_etas(spec)),
            )

    @staticmethod
    def _store_flows(column: Callable, b: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Charge and discharge [MW] and state of charge [MWh] of store ``b``."""
        return (
            column(f"battery_charge_mw_{b}"),
            column(f"battery_discharge_mw_{b}"),
            column(f"battery_soc_mwh_{b}"),
        )

    def _store_bounds(
        self,
        check: Callable,
        b: str,
        spec,
        charge: np.ndarray,
        discharge: np.ndarray,
        soc: np.ndarray,
    ) -> None:
        """Charge and discharge within the power, SOC within [floor, energy] of store ``b``."""
        power, energy = self.cap(b, "MW"), self.cap(b, "MWh")
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

    def _firm_storage_mw(self, hours: float) -> float:
        """Return the power the stores can hold for ``hours``, counted in N+k [MW].

        Each with its own efficiency and floor: min(power, eta_d x (1 - floor) x energy / hours).
        """
        return sum(
            min(
                self.cap(b, "MW"),
                spec.eta_discharge * (1 - spec.min_soc_fraction) * self.cap(b, "MWh") / hours,
            )
            for b, spec in self.batteries.items()
        )

    def _storage_reserve_mw(self, ride_through_h: float) -> np.ndarray:
        """Return, per hour, the power the stores add for the ride-through after a trip [MW].

        Per store: min(power - discharge + charge, eta_d x (lowest SOC - floor) / ride-through).
        """
        reserve = np.zeros(self.n)
        for b, spec in self.batteries.items():
            charge, discharge, soc = self._store_flows(self.d, b)
            power, energy = self.cap(b, "MW"), self.cap(b, "MWh")
            lowest = np.fmin(np.roll(soc, 1), soc)
            own = np.fmin(
                power - discharge + charge,
                spec.eta_discharge * (lowest - spec.min_soc_fraction * energy) / ride_through_h,
            )
            reserve += np.maximum(own, 0.0)
        return reserve
