"""Reliability of one site: N+k at the design point, hourly N-1 and the outage windows.

N+k: with the k largest units out (the k largest units built, of any types), the rest at the
design point's net derating, plus storage held for ``n_plus_k_storage_hours``, covers the
design load (design IT load x PUE at the design ambient). Hourly N-1: in
every hour the gas headroom plus the battery reserve over the ride-through time covers the trip
of one exposed unit, or of the grid connection (its import). Outage windows: one per month and
kind from the month's peak-load hour, each re-checked step by step from
``outage_dispatch.csv`` (balance, zero unserved energy, nothing from the unavailable supply,
and the technology and battery checks of the windows).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.profiles import DesignPoint, design_point
from dcpower.techs.contract import Windows
from dcpower.verify.technologies import _TechnologyChecks

#: Spare units (built, not online, starting within the ride-through) from which storage
#: reserve counts; fractional with commitment relaxed.
SPARE_THRESHOLD = 1e-6


class _ReliabilityChecks(_TechnologyChecks):
    """N+k, hourly N-1 and outage-window checks of the site."""

    @cached_property
    def _design(self) -> DesignPoint:
        """The site's design point, recomputed from the scenario and profiles.csv (once)."""
        return design_point(
            self.scenario.sites[self.s.site_id], self.scenario.technologies, self.s.profiles
        )

    def _check_n_plus_k(self) -> None:
        """Installed N+k at the design point: design load at the design ambient's derating.

        The design point is recomputed from the scenario and the files
        (``dcpower.profiles.design_point``): design IT load x the PUE at the design ambient.
        With the k largest units out (every unit built, sorted by its net output at the
        design ambient; all of them if fewer than k), sum over types of units x unit_mw x
        the net design-point availability (derating x (1 - auxiliaries)), plus storage
        power held ``n_plus_k_storage_hours`` if that is positive, covers it. The detail
        names the units removed. The design basis of ``summary.json`` (firm capacity,
        design load, margin) is checked against the same figures.
        """
        rules = self.scenario.site_reliability(self.s.site_id)
        k = rules.redundancy_k
        if k == 0:
            return
        if self.s.profiles.empty or "temp_air" not in self.s.profiles:
            self.single(
                "N+k at design point",
                float("nan"),
                1.0,
                "MW",
                "profiles.csv has no temperature for this site",
            )
            return
        design = self._design
        load = design.facility_load_mw
        firms = [
            (tech_id, firm)
            for tech_id, spec, technology in self.technologies
            if (
                firm := technology.firm(
                    tech_id, spec, self, design.gas_available_factor.get(tech_id), rules
                )
            )
            is not None
        ]
        installed = sum(f.firm_mw for _, f in firms)
        out = _largest_units(firms, k)
        removed = sum(mw for mw, _ in out)
        margin = installed - removed - load
        self.single(
            "N+k at design point",
            margin,
            load,
            "MW",
            f"k = {k}: ({' + '.join(f.text for _, f in firms) or 'nothing firm'}, net) - the "
            f"{k} largest unit{'s' if k > 1 else ''} out ({_named(out)} = {removed:.6g} MW) "
            f"vs design load {load:.6g} MW (IT {design.it_load_mw:.6g} MW x PUE "
            f"{design.pue:.4f} at {design.pue_temp_c:.4g} degC {design.pue_driver})",
        )
        self._check_design_basis(margin, load)

    def _check_on_site_fuel(self) -> None:
        """Liquid fuel on site for ``on_site_fuel_h`` of the design load, burnt by enough units.

        Tanks (``capacities.csv``, ``Technology.on_site_fuel``) hold at least hours x design
        load x the highest full-load heat rate of their units, and those units' design
        output (all units built) covers the design load.
        """
        rules = self.scenario.site_reliability(self.s.site_id)
        hours = rules.on_site_fuel_h
        if hours <= 0:
            return
        design = self._design
        load = design.facility_load_mw
        held, units_mw = [], 0.0
        for tech_id, spec, technology in self.technologies:
            fuel = technology.on_site_fuel(tech_id, spec, self)
            if fuel is None:
                continue
            held.append(fuel)
            firm = technology.firm(
                tech_id, spec, self, design.gas_available_factor.get(tech_id), rules
            )
            units_mw += firm.firm_mw if firm is not None else 0.0
        fuel_mmbtu = sum(mmbtu for mmbtu, _ in held)
        rate = max((r for _, r in held), default=0.0)
        need = hours * load * rate
        self.single(
            "on-site fuel at design load",
            min(fuel_mmbtu - need, (units_mw - load) * hours * rate) if held else -need,
            max(need, 1.0),
            "MMBtu",
            f"tanks {fuel_mmbtu:.6g} MMBtu vs {hours:g} h x {load:.6g} MW x {rate:.4g} MMBtu/MWh "
            f"= {need:.6g} MMBtu; dual-fuel units {units_mw:.6g} MW net vs {load:.6g} MW",
        )

    def _check_design_basis(self, margin_mw: float, facility_load_mw: float) -> None:
        """summary.json's design basis states the margin and the load recomputed here."""
        stated = ((self.summary.get("sites") or {}).get(self.s.site_id) or {}).get(
            "design_point"
        ) or {}
        pairs = [
            ("margin_mw", stated.get("margin_mw"), margin_mw),
            ("facility_load_mw", stated.get("facility_load_mw"), facility_load_mw),
        ]
        gaps = [
            (name, abs(float(said) - value) if said is not None else float("inf"), said, value)
            for name, said, value in pairs
        ]
        name, gap, said, value = max(gaps, key=lambda g: g[1])
        self.single(
            "design basis matches summary",
            1e-6 * max(1.0, abs(value)) - gap,
            max(1.0, abs(value)),
            "MW",
            f"summary.json design_point.{name} = {_shown(said)} vs {value:.6g} MW recomputed",
        )

    def _check_n_minus_1(self) -> None:
        """In every hour, headroom plus storage reserve covers the largest exposure.

        Each technology gives its part (``Technology.contingency``): units their headroom
        (online x available - output) and the unit that may trip, storage its reserve for
        the ride-through, counted only while a spare unit can start within it. Exposed:
        with integer commitment the types with a unit online in
        that hour; with relaxed commitment every built type in every hour. At a site with a
        grid connection (``sites.<id>.grid``) the connection may trip too: its import
        (``grid_mw``) is exposed in every hour, and the larger of the two must be covered.
        """
        rules = self.scenario.site_reliability(self.s.site_id)
        if not rules.hourly_n_minus_1:
            return
        integer = self.scenario.dispatch_commitment == "integer"
        parts = [
            (tech_id, part)
            for tech_id, spec, technology in self.technologies
            if (part := technology.contingency(tech_id, spec, self, rules, integer)) is not None
        ]
        grid_connected = self.scenario.sites[self.s.site_id].grid is not None
        if not grid_connected and not any(part.at_risk_mw is not None for _, part in parts):
            return  # nothing that may trip
        headroom, reserve, backed, required, which = self._n_minus_1_parts(parts, grid_connected)
        if rules.n_plus_k_storage_hours > 0:
            backed = reserve  # storage credited as redundancy: it need not wait for a start
        margin = headroom + backed - required
        form = (
            "largest online unit type (integer commitment)"
            if integer
            else "largest built unit type, every hour (commitment relaxed)"
        )
        form += ", or the grid import" if grid_connected else ""

        def detail(i: int) -> str:
            trip = "grid trip, import" if which[i] == "grid" else f"trip of one {which[i]} unit"
            return (
                f"{form}: {trip} ({required[i]:.6g} MW) vs headroom {headroom[i]:.6g} MW + "
                f"storage reserve {backed[i]:.6g} MW (counted while a spare unit can start)"
            )

        self.hourly("hourly N-1", margin, np.fmax(required, np.abs(headroom)), "MW", detail)
        if integer:
            self._check_load_steps(parts, reserve, grid_connected)

    def _check_load_steps(self, parts: list, reserve: np.ndarray, grid_connected: bool) -> None:
        """When a unit trips, the survivors' load steps plus storage reserve take its output.

        Each hour, for each type with a unit online: the output one unit drops (``p / u``)
        <= what the other online units take at once (each at most its load step, within its
        headroom: ``Contingency.step_mw``, ``survivors_step_mw``) + storage reserve. At a
        grid-connected site the import must be taken the same way. The worst trip names the
        hour's check. Checks energy adequacy and step capability, not frequency stability.
        Only with integer commitment: with units online fractional, the output one unit
        drops is not defined (the model's rows are then a relaxation).
        """
        steps = [(tech_id, part) for tech_id, part in parts if part.drop_mw is not None]
        if not any(part.step_limited for _, part in steps):
            return  # every unit takes up to its headroom at once: the N-1 check says it all
        total = np.sum([part.step_mw for _, part in steps], axis=0)
        margin = np.full(self.n, np.inf)
        which = np.full(self.n, "none", dtype=object)
        drop = np.zeros(self.n)
        for tech_id, part in steps:
            gap = total - part.step_mw + part.survivors_step_mw + reserve - part.drop_mw
            worse = (part.drop_mw > 0) & (gap < margin)
            margin = np.where(worse, gap, margin)
            which = np.where(worse, tech_id, which)
            drop = np.where(worse, part.drop_mw, drop)
        if grid_connected:
            imported = self.d(techs.GRID_IMPORT.column)
            gap = total + reserve - imported
            worse = (imported > 0) & (gap < margin)
            margin = np.where(worse, gap, margin)
            which = np.where(worse, "grid", which)
            drop = np.where(worse, imported, drop)
        margin = np.where(np.isfinite(margin), margin, 0.0)

        def detail(i: int) -> str:
            trip = "grid trip, import" if which[i] == "grid" else f"trip of one {which[i]} unit"
            return (
                f"{trip} drops {drop[i]:.6g} MW at once vs the other units' load steps "
                f"{drop[i] + margin[i] - reserve[i]:.6g} MW + storage reserve {reserve[i]:.6g} MW"
            )

        self.hourly("load step at unit trip", margin, np.fmax(drop, 1.0), "MW", detail)

    def _n_minus_1_parts(
        self, parts: list, grid_connected: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Headroom, storage reserve, spare-backed reserve, largest exposure, what, per hour.

        [MW]. Backed: storage reserve in hours with a unit built but not online that starts
        within the ride-through (storage bridges a trip only until it has started). What:
        the technology id of the unit that may trip, ``grid`` where the import is larger,
        ``none`` where nothing is exposed.
        """
        headroom = np.zeros(self.n)
        required = np.zeros(self.n)
        reserve = np.zeros(self.n)
        spare = np.zeros(self.n)
        which = np.full(self.n, "none", dtype=object)
        lost_relief = _lost_relief(parts, self.n)
        for tech_id, part in parts:
            if part.spare_units is not None:
                spare += part.spare_units
            if part.headroom_mw is not None:
                headroom += part.headroom_mw
            if part.at_risk_mw is not None:
                at_risk = part.at_risk_mw + lost_relief(part)
                which = np.where(at_risk > required, tech_id, which)
                required = np.fmax(required, at_risk)
            if part.reserve_mw is not None:
                reserve += part.reserve_mw
        if grid_connected:
            imported = self.d(techs.GRID_IMPORT.column)
            which = np.where(imported > required, "grid", which)
            required = np.fmax(required, imported)
        # Storage bridges a trip only until a spare unit has started.
        backed = np.where(spare > SPARE_THRESHOLD, reserve, 0.0)
        return headroom, reserve, backed, required, which

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
        windows = Windows(check=check, profile=profile, kinds=kinds, rows=rows)
        self._check_window_supply(windows)
        self._check_window_limits(windows)
        for tech_id, spec, technology in self.technologies:
            technology.check_windows(tech_id, spec, self, windows)

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

    def _check_window_supply(self, windows: Windows) -> None:
        """Load, balance, zero unserved energy, nothing from the unavailable supply."""
        check, profile, kinds = windows.check, windows.profile, windows.kinds
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
        # What each technology gives that needs the supply that is out (units on gas, unless
        # they run on backup fuel), and the grid import in a grid outage.
        cut = np.where(kinds == "grid", terms[techs.GRID_IMPORT.column], 0.0)
        for tech_id, spec, technology in self.technologies:
            for supply, needing in technology.needs_supply(tech_id, spec, self, windows).items():
                cut = cut + np.where(kinds == supply, needing, 0.0)
        check(
            "nothing from the unavailable supply",
            -np.abs(cut),
            0.0,
            "MW",
            lambda i: f"{kinds[i]} gives {cut[i]:.6g} MW in a {kinds[i]} outage",
        )


def _largest_units(firms: list, k: int) -> list[tuple[float, str]]:
    """Return the k largest units of all technologies: (design output [MW], technology id)."""
    units = [(mw, tech_id) for tech_id, firm in firms for mw in firm.units_mw]
    return sorted(units, key=lambda unit: -unit[0])[:k]


def _named(out: list[tuple[float, str]]) -> str:
    """Name units out as ``1 x gt at 40 MW + 1 x eng at 10 MW`` (``no units`` if none)."""
    counts: dict[tuple[str, float], int] = {}
    for mw, tech_id in out:
        counts[tech_id, mw] = counts.get((tech_id, mw), 0) + 1
    return " + ".join(f"{n} x {t} at {mw:.4g} MW" for (t, mw), n in counts.items()) or "no units"


def _shown(value) -> str:
    """Return a stated figure as the detail shows it (``.6g`` for numbers, else as is)."""
    return f"{value:.6g}" if isinstance(value, int | float) else str(value)


def _lost_relief(parts: list, n: int):
    """Return, for a unit type's part, the relief lost per hour when one of its units trips.

    Heat-driven technologies use heat ``H_u`` of the ``H_r`` the online units give; the
    tripped unit takes its heat ``h`` (``Contingency.heat_at_risk_mw``), so ``max(0, H_u -
    (H_r - h))`` of the heat used is lost, and with it the electric load it relieved
    (``relief_per_heat`` per MW, the largest of the users'): the electric chillers take the
    cooling back. [MW]
    """
    recovered = np.zeros(n)
    used = np.zeros(n)
    relief_per_heat = 0.0
    for _, part in parts:
        if part.heat_mw is not None:
            recovered += part.heat_mw
        if part.heat_used_mw is not None:
            used += part.heat_used_mw
            relief_per_heat = max(relief_per_heat, part.relief_per_heat)

    def lost(part) -> np.ndarray:
        if part.heat_at_risk_mw is None or relief_per_heat <= 0:
            return np.zeros(n)
        return relief_per_heat * np.maximum(used - recovered + part.heat_at_risk_mw, 0.0)

    return lost
