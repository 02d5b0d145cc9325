"""Reliability of one site: N+k at the design point, hourly N-1 and the outage windows.

N+k: with k units of the largest built gas type out, the rest at the design point's derating,
plus storage held for ``n_plus_k_storage_hours``, covers the design peak load. Hourly N-1: in
every hour the gas headroom plus the battery reserve over the ride-through time covers the trip
of one exposed unit. Outage windows: one per month and kind from the month's peak-load hour,
each re-checked step by step from ``outage_dispatch.csv`` (balance, zero unserved energy,
nothing from the unavailable supply, and the technology and battery checks of the windows).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.profiles import design_point
from dcpower.verify.storage import _StorageChecks

#: Share of a unit online from which, with integer commitment, the unit counts as online.
_ONLINE_THRESHOLD = 0.5


class _ReliabilityChecks(_StorageChecks):
    """N+k, hourly N-1 and outage-window checks of the site."""

    def _check_n_plus_k(self) -> None:
        """Installed N+k at the design point: peak load and each type's hottest-hour derating.

        With k units of the largest built type (by output at the design temperature) out,
        sum over types of units x unit_mw x the design-point availability (the hottest hour,
        or the site's ``design_temp_air_c`` if hotter), plus storage power held
        ``n_plus_k_storage_hours`` if that is positive, covers the design peak load
        (``dcpower.profiles.design_point``, computed from the files).
        """
        rules = self.scenario.site_reliability(self.s.site_id)
        k = rules.redundancy_k
        if k == 0:
            return
        load_year = self.p("load_mw", full_year=True)
        if load_year.size == 0 or np.isnan(load_year).all():
            self.single(
                "N+k at design point",
                float("nan"),
                1.0,
                "MW",
                "profiles.csv has no load for this site",
            )
            return
        peak_row = int(np.nanargmax(load_year))
        peak_time = str(self.s.profiles["time"].iloc[peak_row])
        design = design_point(
            self.scenario.sites[self.s.site_id], self.scenario.technologies, self.s.profiles
        )
        peak = design.peak_load_mw
        installed, largest, parts = 0.0, 0.0, []
        for g, tech in self.gas.items():
            units = self.cap(g, "units")
            design_mw = tech.unit_mw * design.gas_available_factor[g]
            installed += units * design_mw
            if units > 0:
                largest = max(largest, design_mw)
            parts.append(f"{units:g} x {g} at {design_mw:.4g} MW")
        firm = 0.0
        hours = rules.n_plus_k_storage_hours
        if hours > 0 and self.batteries:
            firm = self._firm_storage_mw(hours)
        margin = installed - k * largest + firm - peak
        note = ""
        self.single(
            "N+k at design point",
            margin,
            peak,
            "MW",
            f"k = {k}: ({' + '.join(parts) or 'no gas'}) - {k} x {largest:.4g} MW + storage "
            f"{firm:.4g} MW vs peak load {peak:.6g} MW{note}",
            worst_time=peak_time,
        )

    def _check_n_minus_1(self) -> None:
        """In every hour, headroom plus battery reserve covers the trip of one exposed unit.

        Headroom is sum over types of (units online x unit_mw x gas_cf - output). Battery
        reserve is min(power - discharge + charge, eta_d x (min(SOC at start, SOC at end) -
        floor x energy) / ride-through). Exposed: with integer commitment the types with a
        unit online in that hour; with relaxed commitment every built type in every hour.
        """
        rules = self.scenario.site_reliability(self.s.site_id)
        if not (rules.hourly_n_minus_1 and self.gas):
            return
        integer = self.scenario.dispatch_commitment == "integer"
        headroom = np.zeros(self.n)
        required = np.zeros(self.n)
        which = np.full(self.n, "none", dtype=object)
        for g, tech in self.gas.items():
            online = self.d(f"gas_units_online_{g}")
            unit_avail = tech.unit_mw * self.p(f"gas_cf_{g}")
            headroom += online * unit_avail - self.d(f"gas_mw_{g}")
            if integer:
                exposed = online >= _ONLINE_THRESHOLD
            else:
                exposed = np.full(self.n, self.cap(g, "units") > 0)
            at_risk = np.where(exposed, unit_avail, 0.0)
            which = np.where(at_risk > required, g, which)
            required = np.fmax(required, at_risk)
        reserve = self._storage_reserve_mw(rules.ride_through_min / 60)
        margin = headroom + reserve - required
        form = (
            "largest online unit type (integer commitment)"
            if integer
            else "largest built unit type, every hour (commitment relaxed)"
        )
        self.hourly(
            "hourly N-1",
            margin,
            np.fmax(required, np.abs(headroom)),
            "MW",
            lambda i: (
                f"{form}: trip of one {which[i]} unit ({required[i]:.6g} MW) vs gas headroom "
                f"{headroom[i]:.6g} MW + battery reserve {reserve[i]:.6g} MW"
            ),
        )

    # -- outage windows ---------------------------------------------------------------------

    def _expected_windows(self, hours: int) -> list[tuple[str, ...]]:
        """Hours of each window of one kind: one per month, from its peak-load hour."""
        load = self.d("load_mw")
        months = np.array([t[5:7] for t in self.s.times])
        windows = []
        for month in np.unique(months):
            rows = np.flatnonzero(months == month)
            start = int(rows[np.argmax(load[rows])])
            span = min(hours, self.n)
            windows.append(tuple(self.s.times[(start + np.arange(span)) % self.n]))
        return windows

    def _check_outage_windows(self) -> None:
        """Every required outage window, re-checked step by step from outage_dispatch.csv.

        Placement (one window per month and kind from the month's peak-load hour, of the
        stated length), balance and zero unserved energy, nothing from the unavailable
        supply, technology limits, and the battery's state of charge continuing from the
        normal dispatch of the hour before the window, within its bounds.
        """
        grid_connected = self.scenario.sites[self.s.site_id].grid is not None
        required = self.scenario.reliability.outage_hours(grid_connected)
        if not required:
            return
        rows = self.s.windows
        kinds = rows["kind"].astype(str).to_numpy() if "kind" in rows else np.array([])
        self._check_window_placement(rows, required)
        if not len(rows):
            return
        check, profile = self._window_recorders(rows, kinds)
        self._check_window_supply(check, profile, rows, kinds)
        self._check_window_limits(check, profile)
        for g, tech in self.gas.items():
            if tech.dual_fuel:
                self._check_backup_fuel(check, profile, rows, kinds == "gas", g, tech)
        self._check_window_battery(check, rows)

    def _check_window_placement(self, rows: pd.DataFrame, required: dict[str, int]) -> None:
        """One window per month and required kind, from the month's peak-load hour."""
        found = (
            {
                (kind, tuple(group["time"].astype(str)))
                for (kind, _), group in rows.groupby(["kind", "window"], sort=False)
            }
            if len(rows)
            else set()
        )
        expected = {
            (kind, times)
            for kind, hours in required.items()
            for times in self._expected_windows(hours)
        }
        wrong = sorted(expected ^ found)
        first = wrong[0] if wrong else None
        self.single(
            "outage windows: one per month from its peak-load hour",
            -float(len(wrong)),
            0.0,
            "windows",
            (
                f"{len(wrong)} windows missing or misplaced; first: {first[0]} outage of "
                f"{len(first[1])} h from {first[1][0]}"
                if first
                else f"{len(expected)} windows, "
                + ", ".join(f"{k} {h} h" for k, h in required.items())
            ),
        )

    def _window_recorders(
        self, rows: pd.DataFrame, kinds: np.ndarray
    ) -> tuple[Callable, Callable[[str], np.ndarray]]:
        """Record a check of the windows' steps, and read profiles on the steps' hours.

        Returns ``(check, profile)``: ``check(name, margin, scale, unit, detail)`` records
        an hourly check named "outage windows: <name>" whose detail names the window, its
        kind and step; ``profile(column)`` is a profiles.csv column on the steps' hours.
        """
        times = rows["time"].astype(str).to_numpy()
        label = [
            f"window {w} ({k} outage) hour {step}"
            for w, k, step in zip(rows["window"], kinds, rows["step"], strict=True)
        ]
        prof = self.s.profiles.drop_duplicates("time").set_index("time").reindex(times)

        def profile(column: str) -> np.ndarray:
            if column not in prof.columns:
                self.missing.add(f"profiles.csv:{column}")
                return np.full(len(rows), np.nan)
            return pd.to_numeric(prof[column], errors="coerce").to_numpy(dtype=float)

        def check(name, margin, scale, unit, detail):
            self.hourly(
                f"outage windows: {name}",
                margin,
                scale,
                unit,
                lambda i: f"{label[i]}: {detail(i)}",
                times=times,
            )

        return check, profile

    def _check_window_supply(
        self, check: Callable, profile: Callable, rows: pd.DataFrame, kinds: np.ndarray
    ) -> None:
        """Load, balance, zero unserved energy, nothing from the unavailable supply."""
        load = self.w("load_mw")
        check(
            "load matches profiles",
            -np.abs(load - profile("load_mw")),
            np.fmax(np.abs(load), 1.0),
            "MW",
            lambda i: f"load {load[i]:.6g} MW, profiles {profile('load_mw')[i]:.6g} MW",
        )
        flows = {c: sign * self.w(c) for c, sign in techs.balance_terms(outage=True).items()}
        terms = {**flows, "unserved_mw": self.w("unserved_mw")}
        supply = sum(terms.values())
        check(
            "balance",
            supply - load,
            np.fmax.reduce([*(np.abs(v) for v in terms.values()), load]),
            "MW",
            lambda i: f"supply {supply[i]:.6g} MW (unserved included) vs load {load[i]:.6g} MW",
        )
        unserved = terms["unserved_mw"]
        check(
            "zero unserved energy", -unserved, 0.0, "MW", lambda i: f"unserved {unserved[i]:.6g} MW"
        )
        # Without gas only dual-fuel units run (on their backup fuel, see _check_backup_fuel).
        gas_only = sum(
            (self.w(f"gas_mw_{g}") for g, t in self.gas.items() if not t.dual_fuel),
            np.zeros(len(rows)),
        )
        cut = np.where(kinds == "gas", gas_only, np.where(kinds == "grid", terms["grid_mw"], 0))
        check(
            "nothing from the unavailable supply",
            -np.abs(cut),
            0.0,
            "MW",
            lambda i: f"{kinds[i]} gives {cut[i]:.6g} MW in a {kinds[i]} outage",
        )
