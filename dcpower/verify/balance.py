"""Energy balance and dispatch limits of one site, hour by hour.

Consecutive hours with their profiles, supply = load with zero unserved energy, load as in
the profiles (with IT load moved in or out), non-negative dispatch, technology columns that
sum to the site totals, and grid import within the connection.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.techs import own_columns
from dcpower.techs.contract import SiteRows
from dcpower.verify.technologies import _TechnologyChecks


class _BalanceChecks(_TechnologyChecks):
    """Energy balance and dispatch limits of the site's dispatch."""

    def _check_hours(self) -> None:
        """Dispatch rows are consecutive hours and each has its profiles row."""
        stamps = pd.to_datetime(pd.Series(self.s.times), utc=True, errors="coerce")
        step_h = stamps.diff().dt.total_seconds().to_numpy() / 3600.0
        step_h[0] = 1.0
        margin = -np.abs(step_h - 1.0)
        found = self.s.hourly["time"].isin(self.s.profiles["time"]).to_numpy()
        margin = np.where(found, margin, np.nan)
        self.hourly(
            "consecutive hours with profiles",
            margin,
            1.0,
            "h",
            "rows of dispatch.csv are one hour apart and each hour has its profiles.csv row",
        )

    def _supply(self) -> dict[str, np.ndarray]:
        """Each power flow of the balance with its sign (registry totals), and unserved."""
        terms = {c: sign * self.d(c) for c, sign in techs.balance_terms().items()}
        return {**terms, "unserved_mw": self.d("unserved_mw")}

    def _check_balance(self) -> None:
        """Check supply - charging + unserved = load (the registry's flows), unserved = 0."""
        terms = self._supply()
        load = self.d("load_mw")
        residual = sum(terms.values()) - load
        scale = np.max(np.abs(np.vstack([*terms.values(), load])), axis=0)
        self.hourly(
            "energy balance",
            -np.abs(residual),
            scale,
            "MW",
            lambda i: (
                f"{' + '.join(terms)} (charging negative) = {load[i] + residual[i]:.6g} "
                f"MW vs load {load[i]:.6g} MW"
            ),
        )
        unserved = terms["unserved_mw"]
        self.hourly(
            "zero unserved energy",
            -unserved,
            0.0,
            "MW",
            lambda i: f"unserved {unserved[i]:.6g} MW",
        )

    def _check_load_matches_profiles(self) -> None:
        """Load = profiles load, plus the IT load moved in (or out) at this site's PUE."""
        load, model_load = self.d("load_mw"), self.p("load_mw")
        if self.shifting:
            model_load = model_load + self.p("pue") * self.d("it_shift_mw")
        self.hourly(
            "load matches profiles",
            -np.abs(load - model_load),
            np.fmax(np.abs(load), np.abs(model_load)),
            "MW",
            lambda i: (
                f"dispatch load {load[i]:.6g} MW, profiles load {model_load[i]:.6g} MW"
                + (" (with IT load moved at the site's PUE)" if self.shifting else "")
            ),
        )

    def _check_non_negative(self) -> None:
        columns = [
            "load_mw",
            "unserved_mw",
            *techs.dispatch_totals(),
            *(
                column
                for tech_id, _, technology in self.technologies
                for column in technology.columns(tech_id)
            ),
        ]
        values = np.vstack([self.d(c) for c in columns])
        ranked = np.where(np.isnan(values), -np.inf, values)
        worst_col = np.argmin(ranked, axis=0)
        self.hourly(
            "non-negative dispatch",
            ranked.min(axis=0),
            np.nanmax(np.abs(values), axis=0, initial=0.0),
            "MW, MWh, units",
            lambda i: f"smallest value in {columns[worst_col[i]]}",
        )

    def _own_columns(self) -> dict[str, list[str]]:
        """Each summed column with the site technologies' own columns that add to it."""
        groups: dict[str, list[str]] = {}
        for tech_id in self.scenario.sites[self.s.site_id].technologies:
            technology = techs.of(self.scenario.technologies[tech_id])
            for total, column in own_columns(technology, tech_id).items():
                groups.setdefault(total, []).append(column)
        return groups

    def _check_totals(self) -> None:
        """Site totals equal the sum of the per-technology columns."""
        groups = self._own_columns()
        if not groups:
            return
        errors, scales = [], []
        for total, parts in groups.items():
            part = sum((self.d(c) for c in parts), np.zeros(self.n))
            errors.append(np.abs(self.d(total) - part))
            scales.append(np.fmax(np.abs(self.d(total)), np.abs(part)))
        errors, scales = np.vstack(errors), np.vstack(scales)
        names = list(groups)
        worst = np.argmax(np.where(np.isnan(errors), np.inf, errors), axis=0)
        self.hourly(
            "technology columns sum to totals",
            -np.max(np.where(np.isnan(errors), np.inf, errors), axis=0),
            scales.max(axis=0),
            "MW, units",
            lambda i: f"largest mismatch in {names[worst[i]]}",
        )

    def _check_heat_balance(self) -> None:
        """Heat used by heat-driven technologies <= heat recovered from the units online.

        Only at a site with a technology that uses heat (an absorption chiller).
        """
        groups = self._own_columns()
        if techs.HEAT_USED.column not in groups:
            return
        used = self.d(techs.HEAT_USED.column)
        recovered = self.d(techs.HEAT_RECOVERED.column)
        if techs.HEAT_RECOVERED.column not in groups:
            recovered = np.zeros(self.n)  # no unit gives heat: nothing may be used
        self.hourly(
            "heat used <= heat recovered",
            recovered - used,
            np.fmax(recovered, 1.0),
            "MW_th",
            lambda i: f"heat used {used[i]:.6g} MW_th vs recovered {recovered[i]:.6g} MW_th",
        )

    def _check_water_limit(self) -> None:
        """Check the year's water, cooling plus generation, against the site's limit.

        Cooling: the profiles' ``cooling_water_m3`` over the year; the technologies': each
        one's from its columns (``Technology.water_m3_per_yr``).
        """
        limit = self.scenario.sites[self.s.site_id].water_limit_m3_per_yr
        if limit is None:
            return
        profiles = self.s.profiles
        cooling = float(profiles["cooling_water_m3"].sum()) if "cooling_water_m3" in profiles else 0
        rows = SiteRows(dispatch=self.s.dispatch, hourly=self.s.hourly, capacities=self.s.capacity)
        generation = sum(
            technology.water_m3_per_yr(tech_id, spec, rows)
            for tech_id, spec, technology in self.technologies
        )
        used = cooling + generation
        self.single(
            "water within the site's limit",
            limit - used,
            limit,
            "m3/yr",
            f"cooling {cooling:,.1f} + generation {generation:,.1f} m3/yr against "
            f"water_limit_m3_per_yr {limit:,.1f}",
        )

    def _check_grid(self) -> None:
        """Grid import within the connection's capacity (none without a connection)."""
        grid = self.scenario.sites[self.s.site_id].grid
        cap = 0.0 if grid is None else grid.import_max_mw
        imported = self.d("grid_mw")
        self.hourly(
            "grid import <= connection capacity",
            cap - imported,
            np.fmax(cap, imported),
            "MW",
            lambda i: f"import {imported[i]:.6g} MW, capacity {cap:.6g} MW",
        )
