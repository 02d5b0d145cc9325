"""Independent re-check of a run folder: every hour of every site against the stated rules.

``verify_run`` reads only the files of a run folder (``summary.json``, ``scenario.yaml``,
``capacities.csv``, ``dispatch.csv``, ``profiles.csv``; see docs/run-folder.md)
and re-checks the plan hour by hour with pandas and numpy: energy balance and zero unserved
energy, renewable output within the resource, gas commitment, output limits, minimum
stable load, start-ups and ramping, battery power, state of charge and its cyclic balance,
installed N+k at the design point and hourly N-1 (docs/reliability.md).

The rules are written out again here from their plain statement, on purpose without
pyomo, ``dcpower.optimization`` or ``dcpower.techs``: a mistake in the model formulation
then shows up as a failed check instead of being repeated by the checker.

Conventions
-----------
Every row of ``dispatch.csv`` is one hour (``weight_h`` is the hours of the year a row
stands for in annual sums, not its duration), the horizon is cyclic (the hour before the
first is the last, as in the model), ``battery_soc_mwh`` is the state of charge at the end
of the hour. Each check reports its worst hourly *margin* (slack; negative = violated) in
the check's unit. A check passes when, in every hour, ``margin >= -tol`` with
``tol = tolerance_mw * max(1, scale)``, ``scale`` being the size of the largest term of
that hour's row (so the tolerance is relative for large quantities, absolute below 1).
"""

from __future__ import annotations

import json
import logging
import math
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from dcpower.profiles import design_point
from dcpower.results import DISPATCH_TOTALS, OUTAGE_DISPATCH_FILE
from dcpower.scenario import BatteryTech, GasTech, PVTech, Scenario, WindTech, scenario_from_dict

log = logging.getLogger(__name__)

#: Name of the report :func:`write_verification` writes into the run folder.
VERIFICATION_FILE = "verification.json"

#: Files of a run folder the checks read.
RUN_FILES = ("summary.json", "scenario.yaml", "capacities.csv", "dispatch.csv", "profiles.csv")

#: Share of a unit online from which, with integer commitment, the unit counts as online.
_ONLINE_THRESHOLD = 0.5


@dataclass(frozen=True)
class _Site:
    """One site's rows, aligned hour by hour, and what the scenario says about it."""

    site_id: str
    dispatch: pd.DataFrame  # this site's dispatch rows, in file order
    hourly: pd.DataFrame  # profiles.csv rows on the dispatch hours (NaN where missing)
    profiles: pd.DataFrame  # every profiles.csv row of the site (the design-point year)
    times: np.ndarray  # ISO strings of the dispatch hours
    capacity: dict  # (technology, unit) -> capacity from capacities.csv
    windows: pd.DataFrame  # this site's outage_dispatch.csv rows (empty if none)


def verify_run(run_dir: str | Path, tolerance_mw: float = 1e-5) -> dict:
    """Check every hour of every site of a run folder against the rules it was solved under.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` / ``Result.save``.
    tolerance_mw : float
        Tolerance per unit of scale: an hour passes a check when its margin is at least
        ``-tolerance_mw * max(1, scale)``, scale being the largest term of the row (MW,
        MWh, units or MMBtu/h, in the check's unit). [MW per MW]

    Returns
    -------
    dict
        Ready for ``verification.json``: ``passed`` (bool), ``run_dir``, ``scenario``,
        ``horizon_kind``, ``commitment``, ``tolerance_mw`` and ``checks``, a list of
        ``{"site", "check", "passed", "worst_time", "margin", "unit", "detail"}``, where
        ``worst_time`` is the ``time`` (ISO 8601 string from ``dispatch.csv``) of the worst
        hour (of the worst violating hour if the check fails) and ``margin`` the slack
        there, in ``unit``; negative means violated.

    Raises
    ------
    FileNotFoundError
        If a file of the run folder is missing.
    """
    run_dir = Path(run_dir)
    missing = [name for name in RUN_FILES if not (run_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"run folder '{run_dir}': missing {', '.join(missing)}")
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    raw = yaml.safe_load((run_dir / "scenario.yaml").read_text(encoding="utf-8"))
    scenario = scenario_from_dict(raw, origin=str(run_dir / "scenario.yaml"))
    capacities = pd.read_csv(run_dir / "capacities.csv")
    dispatch = pd.read_csv(run_dir / "dispatch.csv")
    if "grid_mw" not in dispatch.columns:
        # A run folder from before grid connections imported nothing (an import left out
        # of a newer one would still break the energy balance).
        dispatch["grid_mw"] = 0.0
    profiles = pd.read_csv(run_dir / "profiles.csv")
    outage_file = run_dir / OUTAGE_DISPATCH_FILE
    windows = pd.read_csv(outage_file) if outage_file.is_file() else pd.DataFrame({"site": []})
    horizon_kind = (summary.get("horizon") or {}).get("kind")

    checks: list[dict] = []
    for site_id in scenario.sites:
        site = _site_data(site_id, dispatch, profiles, capacities, windows)
        checks.extend(_SiteChecker(site, scenario, summary, horizon_kind, tolerance_mw).run())
    unknown = sorted(set(dispatch["site"].astype(str)) - set(scenario.sites))
    if unknown:
        checks.append(
            _fixed_check(
                "-",
                "sites match scenario",
                False,
                None,
                None,
                "-",
                f"dispatch.csv has sites not in scenario.yaml: {', '.join(unknown)}",
            )
        )
    if scenario.workload.flexible_share > 0 and len(scenario.sites) > 1:
        checks.append(_check_work_conserved(dispatch, tolerance_mw))
    checks.extend(_system_emission_checks(scenario, dispatch))
    passed = all(c["passed"] for c in checks)
    report = {
        "passed": passed,
        "run_dir": str(run_dir),
        "scenario": scenario.name,
        "horizon_kind": horizon_kind,
        "commitment": scenario.dispatch_commitment,
        "tolerance_mw": tolerance_mw,
        "checks": checks,
    }
    failed = [c for c in checks if not c["passed"]]
    if failed:
        log.warning(
            "%s: %d of %d checks fail; first: %s",
            run_dir,
            len(failed),
            len(checks),
            first_failure(report),
        )
    else:
        log.info("%s: all %d checks pass", run_dir, len(checks))
    return report


def write_verification(run_dir: str | Path, tolerance_mw: float = 1e-5) -> dict:
    """Verify a run folder and write the report as ``verification.json`` inside it.

    The report is written to a temporary file in the folder, then renamed over
    ``verification.json`` (``os.replace``), so a reader never sees a half-written file.

    Parameters
    ----------
    run_dir : str or Path
        A run folder.
    tolerance_mw : float
        See :func:`verify_run`. [MW per MW]

    Returns
    -------
    dict
        The report, as :func:`verify_run` returns it.
    """
    run_dir = Path(run_dir)
    report = verify_run(run_dir, tolerance_mw=tolerance_mw)
    target = run_dir / VERIFICATION_FILE
    tmp = run_dir / f".{VERIFICATION_FILE}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return report


def first_failure(report: dict) -> str | None:
    """One-line reason of the first failed check of a report, or None if all pass.

    Parameters
    ----------
    report : dict
        A report from :func:`verify_run`.

    Returns
    -------
    str or None
        E.g. ``"baku: hourly N-1 fails at 2023-07-12T15:00:00+04:00 by 3.20 MW"``.
    """
    for check in report.get("checks", []):
        if check["passed"]:
            continue
        where = f" at {check['worst_time']}" if check.get("worst_time") else ""
        margin = check.get("margin")
        if margin is None:
            by = f" ({check['detail']})" if check.get("detail") else ""
        else:
            by = f" by {_amount(-margin)} {check['unit']}"
        return f"{check['site']}: {check['check']} fails{where}{by}"
    return None


def emission_checks(
    column: Callable[[str], np.ndarray],
    co2_t_per_mmbtu: float,
    co2_cap_t_per_yr: float | None,
    min_renewable_share: float | None,
) -> list[tuple]:
    """Arguments of one-figure checks of the emission limits that are set.

    Parameters
    ----------
    column : callable
        Returns a dispatch column (one site's rows, or every site's) as floats.
    co2_t_per_mmbtu : float
        CO2 per unit of fuel burnt. [tCO2/MMBtu]
    co2_cap_t_per_yr, min_renewable_share : float or None
        The limits (none = not set). [tCO2/yr], [-]

    Returns
    -------
    list of tuple
        ``(name, margin, scale, unit, detail)`` per limit set.
    """
    weight = column("weight_h")

    def annual(name: str) -> float:
        return float(np.sum(column(name) * weight))

    co2_t_per_yr = annual("fuel_mmbtu_per_h") * co2_t_per_mmbtu
    gas_mwh_per_yr = annual("gas_mw") + annual("grid_mw")
    load_mwh_per_yr = annual("load_mw")
    records = []
    if co2_cap_t_per_yr is not None:
        records.append(
            (
                "CO2 cap",
                co2_cap_t_per_yr - co2_t_per_yr,
                co2_cap_t_per_yr,
                "tCO2/yr",
                f"{co2_t_per_yr:,.1f} tCO2/yr against a cap of {co2_cap_t_per_yr:,.1f}",
            )
        )
    if min_renewable_share is not None:
        allowed = (1 - min_renewable_share) * load_mwh_per_yr
        records.append(
            (
                "minimum renewable share",
                allowed - gas_mwh_per_yr,
                load_mwh_per_yr,
                "MWh/yr",
                f"gas serves {gas_mwh_per_yr:,.1f} of {load_mwh_per_yr:,.1f} MWh/yr; at most "
                f"{allowed:,.1f} allowed (share {min_renewable_share:g} not from fuel)",
            )
        )
    return records


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


def _system_emission_checks(scenario: Scenario, dispatch: pd.DataFrame) -> list[dict]:
    """Emission limits over all sites together, from the summed dispatch."""
    limits = scenario.emissions
    if limits.co2_cap_t_per_yr is None and limits.min_renewable_share is None:
        return []
    out = []
    for name, margin, scale, unit, detail in emission_checks(
        lambda column: pd.to_numeric(dispatch[column], errors="coerce").to_numpy(dtype=float),
        scenario.economics.co2_kg_per_mmbtu / 1000,
        limits.co2_cap_t_per_yr,
        limits.min_renewable_share,
    ):
        tol = 1e-5 * max(1.0, abs(scale))
        out.append(_fixed_check("all sites", name, margin >= -tol, None, margin, unit, detail))
    return out


def _check_work_conserved(dispatch: pd.DataFrame, tolerance_mw: float) -> dict:
    """Check that IT load moved out of sites equals IT load moved in, at every instant.

    Instants are UTC hours of the cyclic year: each site's year wraps around, so the first
    hour of one site meets the last hour of a site whose clock is one hour behind.
    """
    shift = pd.to_numeric(dispatch.get("it_shift_mw"), errors="coerce")
    if shift is None or shift.isna().all():
        return _fixed_check(
            "all sites", "workload conserved", False, None, None, "MW", "no it_shift_mw column"
        )
    instants = pd.to_datetime(dispatch["time"].astype(str), utc=True, format="ISO8601")
    hours_per_site = int(dispatch.groupby("site").size().max())
    hour = ((instants - instants.min()) / pd.Timedelta(hours=1)).round().astype(int)
    key = hour % hours_per_site
    net = shift.groupby(key).sum(min_count=1)
    scale = shift.abs().groupby(key).max()
    margin = -(net.abs() - tolerance_mw * np.fmax(1.0, scale))
    worst = margin.idxmin()
    when = instants[key == worst].min().isoformat()
    return _fixed_check(
        "all sites",
        "workload conserved",
        bool((margin >= 0).all()),
        when,
        -abs(float(net[worst])),
        "MW",
        f"IT load moved in minus moved out over the sites: {float(net[worst]):.6g} MW at {when}",
    )


def _amount(value: float) -> str:
    """Format a shortfall with two decimals, or in scientific notation if that shows 0.00."""
    return f"{value:,.2f}" if abs(value) >= 0.005 else f"{value:.3g}"


def _site_data(
    site_id: str,
    dispatch: pd.DataFrame,
    profiles: pd.DataFrame,
    capacities: pd.DataFrame,
    windows: pd.DataFrame,
) -> _Site:
    """Cut one site's rows out of the run tables and align its profiles on its dispatch hours."""
    d = dispatch[dispatch["site"].astype(str) == site_id].reset_index(drop=True)
    p = profiles[profiles["site"].astype(str) == site_id].reset_index(drop=True)
    times = d["time"].astype(str).to_numpy()
    hourly = p.drop_duplicates("time").set_index("time").reindex(times).reset_index(names="time")
    c = capacities[capacities["site"].astype(str) == site_id]
    capacity = {
        (str(r.technology), str(r.unit)): float(r.capacity) for r in c.itertuples(index=False)
    }
    w = windows[windows["site"].astype(str) == site_id].reset_index(drop=True)
    return _Site(site_id, d, hourly, p, times, capacity, w)


def _fixed_check(
    site: str,
    name: str,
    passed: bool,
    worst_time: str | None,
    margin: float | None,
    unit: str,
    detail: str,
) -> dict:
    """Make a check record; a non-finite margin is written as null."""
    if margin is not None and not math.isfinite(margin):
        margin = None
    return {
        "site": site,
        "check": name,
        "passed": bool(passed),
        "worst_time": worst_time,
        "margin": None if margin is None else float(margin) + 0.0,  # no -0.0
        "unit": unit,
        "detail": detail,
    }


class _SiteChecker:
    """All checks of one site; each ``_check_*`` method appends its records to ``out``."""

    def __init__(
        self,
        site: _Site,
        scenario: Scenario,
        summary: dict,
        horizon_kind: str | None,
        tolerance: float,
    ) -> None:
        self.s = site
        self.scenario = scenario
        self.summary = summary
        self.horizon_kind = horizon_kind
        self.tol = tolerance
        self.n = len(site.dispatch)
        techs = {t: scenario.technologies[t] for t in scenario.sites[site.site_id].technologies}
        self.pv = [t for t, x in techs.items() if isinstance(x, PVTech)]
        self.wind = [t for t, x in techs.items() if isinstance(x, WindTech)]
        self.gas: dict[str, GasTech] = {t: x for t, x in techs.items() if isinstance(x, GasTech)}
        self.batteries: dict[str, BatteryTech] = {
            t: x for t, x in techs.items() if isinstance(x, BatteryTech)
        }
        self.missing: set[str] = set()
        self.out: list[dict] = []

    # -- data access ----------------------------------------------------------------------

    def d(self, column: str) -> np.ndarray:
        """Return a dispatch column of the site as floats (NaN, and recorded, if absent)."""
        if column not in self.s.dispatch.columns:
            self.missing.add(f"dispatch.csv:{column}")
            return np.full(self.n, np.nan)
        return pd.to_numeric(self.s.dispatch[column], errors="coerce").to_numpy(dtype=float)

    def p(self, column: str, full_year: bool = False) -> np.ndarray:
        """Return a profiles column on the dispatch hours (every profiles row if full_year)."""
        frame = self.s.profiles if full_year else self.s.hourly
        if column not in frame.columns:
            self.missing.add(f"profiles.csv:{column}")
            return np.full(len(frame), np.nan)
        return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)

    def cap(self, tech_id: str, unit: str) -> float:
        """Sized capacity of a technology from capacities.csv (NaN, and recorded, if absent)."""
        value = self.s.capacity.get((tech_id, unit))
        if value is None:
            self.missing.add(f"capacities.csv:{tech_id} [{unit}]")
            return float("nan")
        return value

    # -- recording ------------------------------------------------------------------------

    def hourly(
        self,
        name: str,
        margin: np.ndarray,
        scale: np.ndarray | float,
        unit: str,
        detail: str | Callable[[int], str] = "",
        times: np.ndarray | None = None,
    ) -> None:
        """Record a check made in every hour: worst margin, its hour and pass/fail.

        ``times`` names the rows' hours if they are not the site's dispatch hours (e.g. the
        steps of outage windows).
        """
        times = self.s.times if times is None else times
        margin = np.asarray(margin, dtype=float)
        if margin.size == 0:
            self.out.append(
                _fixed_check(self.s.site_id, name, True, None, None, unit, "no hours to check")
            )
            return
        scale = np.broadcast_to(np.abs(np.asarray(scale, dtype=float)), margin.shape)
        allowed = self.tol * np.fmax(1.0, scale)  # fmax: a NaN scale keeps the tolerance
        bad = ~(margin >= -allowed)  # a NaN margin (missing data) fails
        ranked = np.where(np.isnan(margin), -np.inf, margin)
        if bad.any():
            rows = np.flatnonzero(bad)
            i = int(rows[np.argmin(ranked[rows])])
        else:
            i = int(np.argmin(ranked))
        text = detail(i) if callable(detail) else detail
        if bad.any():
            text = f"{int(bad.sum())} of {margin.size} hours violate; " + text
        self.out.append(
            _fixed_check(self.s.site_id, name, not bad.any(), str(times[i]), margin[i], unit, text)
        )

    def single(
        self,
        name: str,
        margin: float,
        scale: float,
        unit: str,
        detail: str,
        worst_time: str | None = None,
    ) -> None:
        """Record a check on one figure (not hourly)."""
        allowed = self.tol * max(1.0, abs(scale)) if math.isfinite(scale) else self.tol
        passed = margin >= -allowed  # NaN fails
        self.out.append(
            _fixed_check(self.s.site_id, name, passed, worst_time, margin, unit, detail)
        )

    # -- the checks -------------------------------------------------------------------------

    def run(self) -> list[dict]:
        """Run every check of the site, in a fixed order (most basic first)."""
        if self.n == 0:
            self.out.append(
                _fixed_check(
                    self.s.site_id,
                    "dispatch rows",
                    False,
                    None,
                    None,
                    "-",
                    "dispatch.csv has no rows for this site",
                )
            )
            return self.out
        self._check_hours()
        self._check_balance()
        self._check_load_matches_profiles()
        self._check_non_negative()
        self._check_totals()
        self._check_renewables()
        self._check_grid()
        for tech_id, tech in self.gas.items():
            self._check_gas(tech_id, tech)
        if self.gas:
            self._check_fuel()
        if self.batteries:
            self._check_battery()
        self._check_n_plus_k()
        self._check_n_minus_1()
        self._check_outage_windows()
        if self.shifting:
            self._check_workload_limits()
        self._check_emission_limits()
        self._check_summary()
        self.out.append(
            _fixed_check(
                self.s.site_id,
                "required columns present",
                not self.missing,
                None,
                None,
                "-",
                "missing: " + ", ".join(sorted(self.missing)) if self.missing else "",
            )
        )
        return self.out

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
        return {
            "pv_mw": self.d("pv_mw"),
            "wind_mw": self.d("wind_mw"),
            "gas_mw": self.d("gas_mw"),
            "grid_mw": self.d("grid_mw"),
            "battery_discharge_mw": self.d("battery_discharge_mw"),
            "battery_charge_mw": -self.d("battery_charge_mw"),
            "unserved_mw": self.d("unserved_mw"),
        }

    def _check_balance(self) -> None:
        """Check pv + wind + gas + grid + discharge - charge + unserved = load, unserved = 0."""
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
                f"pv + wind + gas + grid + discharge - charge + unserved = "
                f"{load[i] + residual[i]:.6g} "
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

    @property
    def shifting(self) -> bool:
        """Whether IT load may move between this run's sites."""
        return self.scenario.workload.flexible_share > 0 and len(self.scenario.sites) > 1

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

    def _check_workload_limits(self) -> None:
        """Check moved IT load: only the flexible share leaves, within IT capacity and link."""
        rules = self.scenario.workload
        shift, it_load = self.d("it_shift_mw"), self.p("it_load_mw")
        it_capacity = self.scenario.sites[self.s.site_id].data_center.it_capacity_mw
        margins = [shift + rules.flexible_share * it_load, it_capacity - it_load - shift]
        if rules.link_capacity_mw_it is not None:
            margins.append(rules.link_capacity_mw_it - np.abs(shift))
        margin = np.min(np.vstack(margins), axis=0)
        self.hourly(
            "workload moved within limits",
            margin,
            it_capacity,
            "MW",
            lambda i: (
                f"IT load {it_load[i]:.6g} MW, moved in {shift[i]:.6g} MW (flexible share "
                f"{rules.flexible_share:g}, IT capacity {it_capacity:g} MW, link "
                f"{rules.link_capacity_mw_it or 'unlimited'} MW)"
            ),
        )

    def _check_emission_limits(self) -> None:
        """Check the site's CO2 cap and minimum non-fuel share over the year."""
        site = self.scenario.sites[self.s.site_id]
        for record in emission_checks(
            self.d, self._co2_t_per_mmbtu, site.co2_cap_t_per_yr, site.min_renewable_share
        ):
            self.single(*record)

    @property
    def _co2_t_per_mmbtu(self) -> float:
        return self.scenario.economics.co2_kg_per_mmbtu / 1000

    def _check_non_negative(self) -> None:
        columns = [
            "load_mw",
            "unserved_mw",
            *DISPATCH_TOTALS,
            *(f"pv_mw_{t}" for t in self.pv),
            *(f"wind_mw_{t}" for t in self.wind),
            *(f"{c}_{g}" for g in self.gas for c in ("gas_mw", "gas_units_online", "gas_startups")),
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

    def _check_totals(self) -> None:
        """Site totals equal the sum of the per-technology columns."""
        groups = {
            "pv_mw": [f"pv_mw_{t}" for t in self.pv],
            "wind_mw": [f"wind_mw_{t}" for t in self.wind],
            "gas_mw": [f"gas_mw_{g}" for g in self.gas],
            "gas_units_online": [f"gas_units_online_{g}" for g in self.gas],
        }
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

    def _check_renewables(self) -> None:
        """Output <= capacity x capacity factor, per technology; curtailment = the rest."""
        available_total = np.zeros(self.n)
        for kind, ids in (("pv", self.pv), ("wind", self.wind)):
            for tech_id in ids:
                cap = self.cap(tech_id, "MW")
                cf = self.p(f"{kind}_cf_{tech_id}")
                out = self.d(f"{kind}_mw_{tech_id}")
                available = cap * cf
                available_total += available
                self.hourly(
                    f"{kind} {tech_id} output within resource",
                    available - out,
                    np.fmax(np.abs(available), np.abs(out)),
                    "MW",
                    lambda i, a=available, o=out: f"output {o[i]:.6g} MW, available {a[i]:.6g} MW",
                )
        if not (self.pv or self.wind):
            return
        output = self.d("pv_mw") + self.d("wind_mw")
        expected = np.zeros(self.n)
        for kind, ids in (("pv", self.pv), ("wind", self.wind)):
            for tech_id in ids:
                expected += np.maximum(
                    self.cap(tech_id, "MW") * self.p(f"{kind}_cf_{tech_id}")
                    - self.d(f"{kind}_mw_{tech_id}"),
                    0.0,
                )
        curtailed = self.d("curtailment_mw")
        self.hourly(
            "curtailment = available - output",
            -np.abs(curtailed - expected),
            np.fmax(available_total, output),
            "MW",
            lambda i: f"curtailment_mw {curtailed[i]:.6g} MW, recomputed {expected[i]:.6g} MW",
        )

    def _check_gas(self, g: str, tech: GasTech) -> None:
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
        self, g: str, tech: GasTech, power: np.ndarray, online: np.ndarray, starts: np.ndarray
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

    def _battery_params(self) -> tuple[float, float, float, float, float, bool]:
        """Total power, energy, and efficiencies and floor of the site's batteries.

        dispatch.csv holds only the sum over batteries. With one battery (or several with
        the same efficiencies and floor) the aggregate checks are exact; otherwise the most
        favourable parameters are used (bounds then cannot fail a correct plan) and the
        state-of-charge balance cannot be checked (``exact`` is False).
        """
        techs = list(self.batteries.values())
        power = sum(self.cap(t, "MW") for t in self.batteries)
        energy = sum(self.cap(t, "MWh") for t in self.batteries)
        params = {(b.eta_charge, b.eta_discharge, b.min_soc_fraction) for b in techs}
        eta_c = max(b.eta_charge for b in techs)
        eta_d = max(b.eta_discharge for b in techs)
        floor = min(b.min_soc_fraction for b in techs)
        return power, energy, eta_c, eta_d, floor, len(params) == 1

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
            power, energy, _, eta_d, floor, _ = self._battery_params()
            firm = min(power, eta_d * (1 - floor) * energy / hours)
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
        reserve = np.zeros(self.n)
        if self.batteries:
            power, energy, _, eta_d, floor, _ = self._battery_params()
            charge = self.d("battery_charge_mw")
            discharge = self.d("battery_discharge_mw")
            soc = self.d("battery_soc_mwh")
            lowest = np.fmin(np.roll(soc, 1), soc)
            ride_through_h = rules.ride_through_min / 60
            reserve = np.fmin(
                power - discharge + charge, eta_d * (lowest - floor * energy) / ride_through_h
            )
            reserve = np.maximum(reserve, 0.0)
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

    def w(self, column: str) -> np.ndarray:
        """Return an outage_dispatch.csv column of the site as floats (NaN if absent)."""
        if column not in self.s.windows.columns:
            self.missing.add(f"{OUTAGE_DISPATCH_FILE}:{column}")
            return np.full(len(self.s.windows), np.nan)
        return pd.to_numeric(self.s.windows[column], errors="coerce").to_numpy(dtype=float)

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
        if not len(rows):
            return
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

        load = self.w("load_mw")
        check(
            "load matches profiles",
            -np.abs(load - profile("load_mw")),
            np.fmax(np.abs(load), 1.0),
            "MW",
            lambda i: f"load {load[i]:.6g} MW, profiles {profile('load_mw')[i]:.6g} MW",
        )
        terms = {
            c: self.w(c)
            for c in (
                "pv_mw",
                "wind_mw",
                "gas_mw",
                "grid_mw",
                "battery_discharge_mw",
                "unserved_mw",
            )
        }
        charge = self.w("battery_charge_mw")
        supply = sum(terms.values()) - charge
        check(
            "balance",
            supply - load,
            np.fmax.reduce([*terms.values(), charge, load]),
            "MW",
            lambda i: f"supply {supply[i]:.6g} MW (unserved included) vs load {load[i]:.6g} MW",
        )
        unserved = terms["unserved_mw"]
        check(
            "zero unserved energy", -unserved, 0.0, "MW", lambda i: f"unserved {unserved[i]:.6g} MW"
        )
        # Without gas only dual-fuel units run (on their backup fuel, checked below).
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
        self._check_window_limits(check, profile)
        for g, tech in self.gas.items():
            if tech.dual_fuel:
                self._check_backup_fuel(check, profile, rows, kinds == "gas", g, tech)
        if self.batteries:
            self._check_window_battery(check, rows, charge, terms["battery_discharge_mw"])

    def _check_backup_fuel(
        self,
        check: Callable,
        profile: Callable,
        rows: pd.DataFrame,
        without_gas: np.ndarray,
        g: str,
        tech: GasTech,
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
        for t in self.pv:
            limits[f"pv_mw_{t}"] = (self.w(f"pv_mw_{t}"), profile(f"pv_cf_{t}") * self.cap(t, "MW"))
        for t in self.wind:
            limits[f"wind_mw_{t}"] = (
                self.w(f"wind_mw_{t}"),
                profile(f"wind_cf_{t}") * self.cap(t, "MW"),
            )
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

    def _check_summary(self) -> None:
        """summary.json states the capacities of capacities.csv and the unserved energy."""
        site_summary = (self.summary.get("sites") or {}).get(self.s.site_id)
        if site_summary is None:
            self.single(
                "summary matches run tables",
                float("nan"),
                1.0,
                "-",
                "summary.json has no entry for this site",
            )
            return
        capacity = site_summary.get("capacity", {})
        pairs = [
            ("pv_mw", capacity.get("pv_mw"), sum(self.cap(t, "MW") for t in self.pv)),
            ("wind_mw", capacity.get("wind_mw"), sum(self.cap(t, "MW") for t in self.wind)),
        ]
        if self.batteries:
            pairs += [
                (
                    "battery_mw",
                    capacity.get("battery_mw"),
                    sum(self.cap(t, "MW") for t in self.batteries),
                ),
                (
                    "battery_mwh",
                    capacity.get("battery_mwh"),
                    sum(self.cap(t, "MWh") for t in self.batteries),
                ),
            ]
        gas = capacity.get("gas", {})
        for g, tech in self.gas.items():
            entry = gas.get(g, {})
            pairs.append((f"gas.{g}.units", entry.get("units"), self.cap(g, "units")))
            pairs.append((f"gas.{g}.unit_mw", entry.get("unit_mw"), tech.unit_mw))
        unserved = float(np.nansum(self.d("unserved_mw") * self.d("weight_h")))
        pairs.append(("unserved_mwh_per_yr", site_summary.get("unserved_mwh_per_yr"), unserved))
        worst_name, worst, scale = "", 0.0, 1.0
        for name, stated, table in pairs:
            error = float("inf") if stated is None else abs(float(stated) - table)
            error = float("inf") if math.isnan(error) else error
            size = max(abs(table), abs(float(stated))) if stated is not None else 1.0
            if error / max(1.0, size if math.isfinite(size) else 1.0) > worst / max(1.0, scale):
                worst_name, worst, scale = name, error, size
        self.single(
            "summary matches run tables",
            -worst,
            scale,
            "MW, MWh, units",
            f"largest mismatch: {worst_name}" if worst_name else "capacities and unserved energy",
        )
