"""Checks of each resource type's own rules, applied to every technology of that type.

:class:`_TechnologyChecks` groups the site's technologies by the resource type their
registered technology declares (``Technology.resource``, as GenX groups resources):
``variable`` (output within the hourly resource, curtailment the rest), ``thermal`` (whole
units: commitment, output limits, minimum stable load, start-ups, ramping, part-load fuel,
backup fuel of a dual-fuel type in gas outages) and ``storage`` (:mod:`.storage`), and checks
every technology's limits in the outage windows.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.scenario import Scenario
from dcpower.techs import profile_column
from dcpower.verify.checker import _SiteRecorder
from dcpower.verify.run_folder import _Site


class _TechnologyChecks(_SiteRecorder):
    """The site's technologies by kind, and the checks of each kind's own rules."""

    def __init__(
        self,
        site: _Site,
        scenario: Scenario,
        summary: dict,
        horizon_kind: str | None,
        tolerance: float,
    ) -> None:
        super().__init__(site, scenario, summary, horizon_kind, tolerance)
        specs = {t: scenario.technologies[t] for t in scenario.sites[site.site_id].technologies}
        by_resource: dict[str, dict] = {"variable": {}, "thermal": {}, "storage": {}}
        for tech_id, spec in specs.items():
            by_resource[techs.of(spec).resource][tech_id] = spec
        #: Variable renewables by kind (their column prefix), thermal unit types, stores.
        self.variable = {t: x.kind for t, x in by_resource["variable"].items()}
        self.gas: dict = by_resource["thermal"]
        self.batteries: dict = by_resource["storage"]

    def _variable_columns(self, tech_id: str) -> tuple[str, str]:
        """Output column and resource (per-MW) profile column of a variable renewable."""
        technology = techs.of(self.variable[tech_id])
        return technology.totals[0].column + f"_{tech_id}", profile_column(
            technology, "cf", tech_id
        )

    def _check_renewables(self) -> None:
        """Output <= capacity x capacity factor, per technology; curtailment = the rest."""
        if not self.variable:
            return
        available_total, output, expected = np.zeros(self.n), np.zeros(self.n), np.zeros(self.n)
        for tech_id, kind in self.variable.items():
            out_column, cf_column = self._variable_columns(tech_id)
            available = self.cap(tech_id, "MW") * self.p(cf_column)
            out = self.d(out_column)
            available_total += available
            output += out
            expected += np.maximum(available - out, 0.0)
            self.hourly(
                f"{kind} {tech_id} output within resource",
                available - out,
                np.fmax(np.abs(available), np.abs(out)),
                "MW",
                lambda i, a=available, o=out: f"output {o[i]:.6g} MW, available {a[i]:.6g} MW",
            )
        curtailed = self.d("curtailment_mw")
        self.hourly(
            "curtailment = available - output",
            -np.abs(curtailed - expected),
            np.fmax(available_total, output),
            "MW",
            lambda i: f"curtailment_mw {curtailed[i]:.6g} MW, recomputed {expected[i]:.6g} MW",
        )

    def _check_gas(self, g: str, tech) -> None:
        """Check commitment, output limits, start-ups and ramping of one gas unit type."""
        built = self.cap(g, "units")
        online = self.d(f"gas_units_online_{g}")
        power = self.d(f"gas_mw_{g}")
        starts = self.d(f"gas_startups_{g}")
        cf = self.p(f"gas_cf_{g}")
        unit = tech.unit_mw
        online_avail = online * unit * cf

        self.hourly(
            f"gas {g} units online <= built",
            built - online,
            built,
            "units",
            lambda i: f"{online[i]:.6g} online, {built:.6g} built",
        )
        self.single(
            f"gas {g} units built integral",
            -abs(built - round(built)) if math.isfinite(built) else float("nan"),
            1.0,
            "units",
            f"{built:.6g} units built",
        )
        if self.scenario.dispatch_commitment == "integer":
            self.hourly(
                f"gas {g} integer commitment",
                -np.abs(online - np.round(online)),
                1.0,
                "units",
                lambda i: f"{online[i]:.9g} units online",
            )
        self.hourly(
            f"gas {g} output <= online x unit_mw x gas_cf",
            online_avail - power,
            np.fmax(np.abs(online_avail), np.abs(power)),
            "MW",
            lambda i: f"output {power[i]:.6g} MW, online available {online_avail[i]:.6g} MW",
        )
        floor = tech.min_load_fraction * online_avail
        self.hourly(
            f"gas {g} output >= min stable load",
            power - floor,
            np.fmax(np.abs(floor), np.abs(power)),
            "MW",
            lambda i: (
                f"output {power[i]:.6g} MW, minimum {floor[i]:.6g} MW "
                f"({tech.min_load_fraction:g} x {online_avail[i]:.6g} MW online)"
            ),
        )
        online_prev = np.roll(online, 1)  # cyclic: the hour before the first is the last
        self.hourly(
            f"gas {g} start-ups >= units brought online",
            starts - (online - online_prev),
            np.fmax(np.abs(online), np.abs(online_prev)),
            "units",
            lambda i: f"{starts[i]:.6g} start-ups, online {online_prev[i]:.6g} -> {online[i]:.6g}",
        )
        self._check_ramp(g, tech, power, online, starts)

    def _check_ramp(
        self, g: str, tech, power: np.ndarray, online: np.ndarray, starts: np.ndarray
    ) -> None:
        """Hour-to-hour output change of online units within the ramp rate (where it can bind).

        Up: ``p[t] - p[t-1] <= r x unit_mw x u[t] + unit_mw x s[t]``; down:
        ``p[t-1] - p[t] <= r x unit_mw x u[t] + unit_mw x (s[t] - u[t] + u[t-1])``, r the
        share of the rating one unit ramps in an hour; units starting or stopping may jump.
        """
        share = tech.ramp_pct_per_min / 100 * 60
        if share >= 1.0:
            return
        unit = tech.unit_mw
        p_prev, u_prev = np.roll(power, 1), np.roll(online, 1)
        rise, fall = power - p_prev, p_prev - power
        up = share * unit * online + unit * starts
        down = share * unit * online + unit * (starts - online + u_prev)
        scale = np.fmax(np.abs(power), np.abs(p_prev))
        self.hourly(
            f"gas {g} ramp up",
            up - rise,
            scale,
            "MW",
            lambda i: f"output rises {rise[i]:.6g} MW, allowed {up[i]:.6g} MW",
        )
        self.hourly(
            f"gas {g} ramp down",
            down - fall,
            scale,
            "MW",
            lambda i: f"output falls {fall[i]:.6g} MW, allowed {down[i]:.6g} MW",
        )

    def _check_fuel(self) -> None:
        """Fuel = heat-rate factor x (no-load fuel x units online + incremental rate x output)."""
        recomputed = np.zeros(self.n)
        for g, tech in self.gas.items():
            full = tech.heat_rate_full_load_mmbtu_per_mwh
            nl = tech.no_load_fuel_fraction
            recomputed += self.p(f"heat_rate_factor_{g}") * (
                nl * full * tech.unit_mw * self.d(f"gas_units_online_{g}")
                + (1 - nl) * full * self.d(f"gas_mw_{g}")
            )
        fuel = self.d("fuel_mmbtu_per_h")
        self.hourly(
            "fuel use (part-load curve)",
            -np.abs(fuel - recomputed),
            np.fmax(np.abs(fuel), np.abs(recomputed)),
            "MMBtu/h",
            lambda i: f"fuel_mmbtu_per_h {fuel[i]:.6g}, recomputed {recomputed[i]:.6g}",
        )

    def _check_backup_fuel(
        self,
        check: Callable,
        profile: Callable,
        rows: pd.DataFrame,
        without_gas: np.ndarray,
        g: str,
        tech,
    ) -> None:
        """Backup fuel of a dual-fuel type: part-load curve, and within the tank in each window.

        The tank is full at the start of every gas-outage window; the check names the hour
        in which the fuel burnt since the window started exceeds it.
        """
        fuel = self.w(f"backup_fuel_mmbtu_per_h_{g}")
        full = tech.heat_rate_full_load_mmbtu_per_mwh
        nl = tech.no_load_fuel_fraction
        recomputed = np.where(
            without_gas,
            profile(f"heat_rate_factor_{g}")
            * (
                nl * full * tech.unit_mw * self.w(f"gas_units_online_{g}")
                + (1 - nl) * full * self.w(f"gas_mw_{g}")
            ),
            0.0,
        )
        check(
            f"{g} backup fuel use (part-load curve)",
            -np.abs(fuel - recomputed),
            np.fmax(np.abs(fuel), np.abs(recomputed)),
            "MMBtu/h",
            lambda i: f"backup fuel {fuel[i]:.6g} MMBtu/h, recomputed {recomputed[i]:.6g}",
        )
        tank = self.s.capacity.get((f"{g}_backup_tank", "MMBtu"), 0.0)
        burnt = pd.Series(fuel).groupby(rows["window"].to_numpy()).cumsum().to_numpy()
        check(
            f"{g} backup fuel within the tank",
            tank - burnt,
            np.fmax(tank, burnt),
            "MMBtu",
            lambda i: f"{burnt[i]:.6g} MMBtu burnt since the window began, tank {tank:.6g} MMBtu",
        )

    def _check_window_limits(self, check: Callable, profile: Callable) -> None:
        """Renewables within the resource, gas within units built and online, grid within cap."""
        limits: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t in self.variable:
            out_column, cf_column = self._variable_columns(t)
            limits[out_column] = (self.w(out_column), profile(cf_column) * self.cap(t, "MW"))
        for g, tech in self.gas.items():
            online = self.w(f"gas_units_online_{g}")
            built = self.cap(g, "units")
            limits[f"gas_units_online_{g}"] = (online, np.full(len(online), built))
            limits[f"gas_mw_{g}"] = (
                self.w(f"gas_mw_{g}"),
                online * tech.unit_mw * profile(f"gas_cf_{g}"),
            )
        grid = self.scenario.sites[self.s.site_id].grid
        imported = self.w("grid_mw")
        limits["grid_mw"] = (
            imported,
            np.full(len(imported), 0.0 if grid is None else grid.import_max_mw),
        )
        names = list(limits)
        slack = np.vstack([limit - value for value, limit in limits.values()])
        ranked = np.where(np.isnan(slack), -np.inf, slack)
        worst = np.argmin(ranked, axis=0)
        scale = np.vstack([np.fmax(np.abs(v), np.abs(lim)) for v, lim in limits.values()])
        check(
            "technology limits",
            ranked.min(axis=0),
            np.nanmax(scale, axis=0),
            "MW, units",
            lambda i: (
                f"{names[worst[i]]} = {limits[names[worst[i]]][0][i]:.6g}, "
                f"limit {limits[names[worst[i]]][1][i]:.6g}"
            ),
        )
