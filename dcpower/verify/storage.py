"""Battery storage: power and state-of-charge bounds, and the state-of-charge balance.

:func:`soc_balance` builds the balance check of the normal dispatch (cyclic: the hour before
the first is the last) and of the outage windows (each continuing from the normal dispatch's
state of charge at the end of the hour before the window).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dcpower.verify.records import _fixed_check
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


class _StorageChecks(_TechnologyChecks):
    """Battery checks of the site's dispatch and of its outage windows."""

    def _check_battery(self) -> None:
        """Charge and discharge within power, SOC within its bounds, cyclic SOC balance."""
        power, energy, eta_c, eta_d, floor, exact = self._battery_params()
        charge = self.d("battery_charge_mw")
        discharge = self.d("battery_discharge_mw")
        soc = self.d("battery_soc_mwh")
        flow = np.fmax(charge, discharge)
        self.hourly(
            "battery charge and discharge <= power",
            power - flow,
            np.fmax(power, flow),
            "MW",
            lambda i: (
                f"charge {charge[i]:.6g} MW, discharge {discharge[i]:.6g} MW, power {power:.6g} MW"
            ),
        )
        lower = floor * energy
        self.hourly(
            "battery state of charge within [floor, energy]",
            np.fmin(soc - lower, energy - soc),
            np.fmax(np.abs(soc), energy),
            "MWh",
            lambda i: f"SOC {soc[i]:.6g} MWh, bounds [{lower:.6g}, {energy:.6g}] MWh",
        )
        if not exact:
            self.out.append(
                _fixed_check(
                    self.s.site_id,
                    "battery state-of-charge balance (cyclic)",
                    True,
                    None,
                    None,
                    "MWh",
                    "skipped: batteries with different efficiencies share one SOC "
                    "column, so the balance cannot be recomputed",
                )
            )
            return
        soc_prev = np.roll(soc, 1)  # cyclic horizon
        self.hourly(
            "battery state-of-charge balance (cyclic)",
            *soc_balance(soc, soc_prev, "previous", charge, discharge, eta_c, eta_d),
        )

    def _check_window_battery(
        self, check: Callable, rows: pd.DataFrame, charge: np.ndarray, discharge: np.ndarray
    ) -> None:
        """Battery power and SOC bounds; SOC continues from the hour before each window."""
        power, energy, eta_c, eta_d, floor, _ = self._battery_params()
        soc = self.w("battery_soc_mwh")
        flow = np.fmax(charge, discharge)
        check(
            "battery charge and discharge <= power",
            power - flow,
            np.fmax(power, flow),
            "MW",
            lambda i: f"charge {charge[i]:.6g}, discharge {discharge[i]:.6g}, power {power:.6g} MW",
        )
        lower = floor * energy
        check(
            "battery state of charge within [floor, energy]",
            np.fmin(soc - lower, energy - soc),
            np.fmax(np.abs(soc), energy),
            "MWh",
            lambda i: f"SOC {soc[i]:.6g} MWh, bounds [{lower:.6g}, {energy:.6g}] MWh",
        )
        # The SOC before each step: the previous step of the window, or, for its first hour,
        # the normal dispatch's SOC at the end of the hour before the window (cyclic).
        dispatch_soc = self.d("battery_soc_mwh")
        row_of = {t: i for i, t in enumerate(self.s.times)}
        first = rows["step"].to_numpy() == 0
        before = np.roll(soc, 1)
        entry = np.array(
            [
                dispatch_soc[(row_of[t] - 1) % self.n] if t in row_of else np.nan
                for t in rows["time"].astype(str)
            ]
        )
        before = np.where(first, entry, before)
        check(
            "battery state of charge continues from the normal dispatch",
            *soc_balance(soc, before, "before", charge, discharge, eta_c, eta_d),
        )
