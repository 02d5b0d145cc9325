"""The headline table of a run: one set of figures for the console, report.html and the workbook.

:func:`summary_rows` turns ``summary.json`` (and ``verification.json``) into rows of one
figure each: its name and unit, one value per site and the total. The workbook's Summary
sheet writes all of them; the console (``dcpower run``) and report.html show the rows marked
``headline``. Every figure is computed here once, so the three cannot disagree (the
renewable share of all sites, for one, is the sites' shares weighted by the energy their
plants supply, as summary.json states it). Pure Python over the run folder's JSON: no pyomo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from dcpower import techs


@dataclass(frozen=True)
class Row:
    """One figure of the run: per site and in total.

    Attributes
    ----------
    label : str
        What it is, without unit.
    unit : str
        Its unit ("" for text).
    values : list
        One value per site, in site order (None where undefined).
    total : Any
        Over all sites (None where it is not a sum or mean of them).
    fmt : str
        ``int``, ``num1``, ``num2``, ``pct``, ``pct2``, ``usd`` (shown in million USD on
        the console and in report.html) or ``text``.
    headline : bool
        Whether the console and report.html show it (the workbook shows every row).
    """

    label: str
    unit: str
    values: list
    total: Any
    fmt: str
    headline: bool = False

    @property
    def heading(self) -> str:
        """Label with its unit, as the workbook shows it (``Annual cost [USD/yr]``)."""
        return f"{self.label} [{self.unit}]" if self.unit else self.label

    @property
    def short_heading(self) -> str:
        """Label with its unit as the console and report.html show it (``[M USD/yr]``)."""
        unit = {"usd": f"M {self.unit}", "pct": "", "pct2": ""}.get(self.fmt, self.unit)
        return f"{self.label} [{unit}]" if unit else self.label


def number(value: Any) -> float | None:
    """Return a finite number as float, else None (text, missing, NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def text(value: Any, fmt: str) -> str:
    """Format a value of a row for the console or report.html (an en dash if undefined)."""
    if fmt == "text":
        return "–" if value in (None, "") else str(value)
    v = number(value)
    if v is None:
        return "–"
    if fmt in ("pct", "pct2"):
        return f"{100 * v:.{1 if fmt == 'pct' else 2}f} %"
    if fmt == "usd":
        return f"{v / 1e6:,.2f}"
    digits = {"int": 0, "num1": 1, "num2": 2}[fmt]
    return f"{v:,.{digits}f}"


def _total_of(values: list) -> float | None:
    """Return the sum of the values, or None if one of them is missing."""
    numbers = [number(v) for v in values]
    return None if any(n is None for n in numbers) else float(sum(numbers))


def _weighted(shares: list, loads: list) -> float | None:
    """Return the mean of per-site shares weighted by the sites' energy (None if one is missing)."""
    weights = [number(x) for x in loads]
    values = [number(x) for x in shares]
    if any(x is None for x in (*weights, *values)):
        return None
    total = sum(weights)
    return sum(v * x for v, x in zip(values, weights, strict=True)) / total if total else None


def commitment_text(value: Any) -> str | None:
    """Return the unit commitment of a run as text (a string, or a dict by stage)."""
    if isinstance(value, dict):
        return ", ".join(f"{stage}: {form}" for stage, form in value.items())
    return None if value is None else str(value)


class _Rows:
    """Rows under construction, from summary.json (and verification.json)."""

    def __init__(self, summary: dict, verification: dict | None, site_ids: list[str]):
        self.summary = summary
        self.verification = verification
        self.sites = site_ids
        self.site = {k: summary.get("sites", {}).get(k, {}) for k in site_ids}
        finance = summary.get("finance") or {}
        self.fsite = {k: (finance.get("sites") or {}).get(k, {}) for k in site_ids}
        self.ftot = finance.get("totals") or {}
        self.totals = summary.get("totals", {})
        self.rows: list[Row] = []

    def add(
        self, label: str, unit: str, values: list, total: Any, fmt: str, headline: bool = False
    ) -> None:
        """Add a row of per-site values and their total."""
        self.rows.append(Row(label, unit, list(values), total, fmt, headline))

    def same(self, label: str, value: Any, fmt: str) -> None:
        """Add a row of one figure of the run, repeated for every site and the total."""
        self.add(label, "", [value] * len(self.sites), value, fmt)

    def each(self, key: str) -> list:
        """Return a figure of summary.json of every site."""
        return [self.site[k].get(key) for k in self.sites]

    def fin_row(self, label: str, unit: str, key: str, fmt: str, headline: bool = False) -> None:
        """Add a row of a project-finance figure of summary.json (sites and total)."""
        values = [self.fsite[k].get(key) for k in self.sites]
        self.add(label, unit, values, self.ftot.get(key), fmt, headline)


def _verification_by_site(r: _Rows) -> dict[str, str]:
    v = r.verification
    if v is None:
        return {s: "not verified" for s in r.sites} | {"total": "not verified"}
    out = {}
    for site in r.sites:
        checks = [c for c in v.get("checks", []) if c.get("site") == site]
        failed = sum(not c.get("passed") for c in checks)
        out[site] = f"{len(checks)} checks passed" if not failed else f"{failed} FAILED"
    out["total"] = "passed" if v.get("passed") else "FAILED"
    return out


def _run_rows(r: _Rows) -> None:
    """Add scenario, status, horizon, unit commitment and verification of the run."""
    s = r.summary
    horizon = s.get("horizon", {})
    r.same("Scenario", s.get("scenario"), "text")
    r.add("Status", "", r.each("status"), s.get("status"), "text")
    r.add("MIP gap", "%", [None] * len(r.sites), s.get("mip_gap"), "pct2")
    r.same("Horizon", horizon.get("kind"), "text")
    for label, key in (
        ("Hours modelled", "hours_modelled"),
        ("Hours verified", "hours_verified"),
        ("Block length", "block_hours"),
    ):
        r.add(label, "h", [horizon.get(key)] * len(r.sites), horizon.get(key), "int")
    r.same("Unit commitment", commitment_text(s.get("commitment")), "text")


def _load_rows(r: _Rows) -> None:
    """Add IT capacity and load, peak and annual load."""
    r.add(
        "IT capacity", "MW", r.each("it_capacity_mw"), _total_of(r.each("it_capacity_mw")), "num1"
    )
    r.add("IT load, mean", "MW", r.each("it_load_mw"), _total_of(r.each("it_load_mw")), "num1")
    peaks = r.each("peak_load_mw")
    r.add("Peak load (sum of site peaks)", "MW", peaks, _total_of(peaks), "num1", headline=True)
    r.add(
        "Annual load", "MWh/yr", r.each("load_mwh_per_yr"), r.totals.get("load_mwh_per_yr"), "int"
    )


def _gas_text(capacity: dict) -> str:
    built = [
        f"{g['units']} x {g['unit_mw']:g} MW {t}"
        for t, g in capacity.get("gas", {}).items()
        if g.get("units")
    ]
    return "\n".join(built) or "none"


def _capacity_rows(r: _Rows) -> None:
    """Add the units built of each type, then each registered technology's capacities."""
    caps = [r.site[k].get("capacity", {}) for k in r.sites]
    r.add("Units built", "", [_gas_text(c) for c in caps], None, "text", headline=True)
    unit_types: list[str] = []
    for cap in caps:
        unit_types += [t for t in cap.get("gas", {}) if t not in unit_types]
    for t in unit_types:
        group = [cap.get("gas", {}).get(t, {}) for cap in caps]
        units = [g.get("units", 0) for g in group]
        ratings = [g.get("unit_mw") for g in group]
        mw = [(number(u) or 0) * (number(x) or 0) for u, x in zip(units, ratings, strict=True)]
        r.add(f"Gas units {t}", "units", units, _total_of(units), "int")
        known = {x for x in ratings if x is not None}
        r.add(
            f"Gas unit rating {t}", "MW", ratings, known.pop() if len(known) == 1 else None, "num1"
        )
        r.add(f"Gas capacity {t}", "MW", mw, _total_of(mw), "num1")
    for tech in techs.technologies():
        for key, (kind, unit) in tech.summary_capacity.items():
            values = [cap.get(key) for cap in caps]
            built = any(number(v) for v in values)
            if kind == tech.kind:
                label = tech.display.name
            elif built:  # what else it builds (a gas type's backup tank), where built
                label = key.removesuffix(f"_{unit.lower()}").replace("_", " ").capitalize()
            else:
                continue
            r.add(label, unit, values, _total_of(values), "num1", headline=built)


def _energy_rows(r: _Rows) -> None:
    """Add energy by source, grid import, curtailment, unserved energy and fuel."""
    labels = {}
    for tech in techs.technologies():
        for key in tech.summary_generation:
            labels.setdefault(key, f"{tech.display.name} energy")
    labels["grid"] = "Grid import"
    for key, label in labels.items():
        values = [r.site[k].get("generation_mwh_per_yr", {}).get(key) for k in r.sites]
        shown = key == "grid" and any(number(v) for v in values)
        r.add(label, "MWh/yr", values, _total_of(values), "int", headline=shown)
    curtailment = r.each("curtailment_mwh_per_yr")
    r.add("Curtailment", "MWh/yr", curtailment, _total_of(curtailment), "int")
    r.add(
        "Unserved energy",
        "MWh/yr",
        r.each("unserved_mwh_per_yr"),
        r.totals.get("unserved_mwh_per_yr"),
        "num1",
        headline=True,
    )
    fuel = r.each("fuel_mmbtu_per_yr")
    r.add("Fuel, HHV", "MMBtu/yr", fuel, _total_of(fuel), "int")


def _cost_rows(r: _Rows) -> None:
    """Add capex, annual cost, LCOE, the insurance of outage ride-throughs, project figures."""
    r.add("Overnight capex", "USD", r.each("capex_usd"), r.totals.get("capex_usd"), "usd", True)
    cost = r.each("cost_usd_per_yr")
    r.add("Annual cost", "USD/yr", cost, r.totals.get("cost_usd_per_yr"), "usd", headline=True)
    if any("sizing_cost_usd_per_yr" in r.site[k] for k in r.sites):
        sizing = r.each("sizing_cost_usd_per_yr")
        r.add("Annual cost of the sizing model", "USD/yr", sizing, _total_of(sizing), "int")
        over = r.each("dispatch_over_sizing_cost")
        r.add("Dispatch cost over sizing cost", "%", over, None, "pct2")
    r.add(
        "LCOE, annual cost / energy delivered",
        "USD/MWh",
        r.each("lcoe_usd_per_mwh"),
        r.totals.get("lcoe_usd_per_mwh"),
        "num2",
        headline=True,
    )
    r.fin_row("LCOE, project life, nominal", "USD/MWh", "lcoe_usd_per_mwh_nominal", "num2")
    r.fin_row("Cost per IT energy, annual", "USD/MWh IT", "cost_usd_per_mwh_it", "num2")
    r.fin_row("NPV of costs at COD, real", "USD", "npv_cost_usd", "int")
    for kind in ("gas", "grid"):  # outage kinds (what is unavailable), not technologies
        outages = [r.site[k].get(f"{kind}_outage") or {} for k in r.sites]
        if any(outages):
            values = [o.get("insurance_cost_usd_per_yr") for o in outages]
            label = f"{kind.capitalize()} outage insurance"
            r.add(label, "USD/yr", values, _total_of(values), "usd", headline=True)


def _emission_rows(r: _Rows) -> None:
    """Add CO2, carbon intensity and renewable share.

    The renewable share of a site is summary.json's ``renewable_share``, 1 - (fuel + grid) /
    supplied (supplied = load - what absorption chillers relieve); the total is the same
    share over all sites: the sites' shares weighted by the energy each supplies, which is
    summary.json ``emissions.renewable_share``.
    """
    co2 = r.each("co2_t_per_yr")
    r.add("CO2", "t/yr", co2, r.totals.get("co2_t_per_yr"), "int", headline=True)
    r.fin_row("Carbon intensity", "gCO2/kWh IT", "carbon_intensity_g_per_kwh_it", "num1")
    shares = r.each("renewable_share")
    # What heat-driven cooling relieves is in generation_mwh_per_yr under its technology's
    # key (the registry's load-relief column).
    relief = [
        key
        for tech in techs.technologies()
        for key, column in tech.summary_generation.items()
        if column == techs.LOAD_RELIEF.column
    ]
    supplied = [
        None if load is None else load - sum((generation or {}).get(k, 0.0) for k in relief)
        for load, generation in zip(
            r.each("load_mwh_per_yr"), r.each("generation_mwh_per_yr"), strict=True
        )
    ]
    total = _weighted(shares, supplied)
    r.add("Renewable share", "%", shares, total, "pct", headline=True)


def _reliability_rows(r: _Rows) -> None:
    """Add the Monte Carlo LOLE (mean and P90), the criterion's verdict, verification."""
    reliability = r.summary.get("reliability") or {}
    simulated = (reliability.get("availability") or {}).get("sites")
    if simulated:
        cells = [
            None
            if not simulated.get(k)
            else f"{simulated[k]['lole_h_per_yr']['mean']:.2f} / "
            f"{simulated[k]['lole_h_per_yr']['p90']:.2f}"
            for k in r.sites
        ]
        r.add("LOLE, Monte Carlo mean / P90", "h/yr", cells, None, "text", headline=True)
    criterion = reliability.get("criterion")
    if criterion and criterion.get("sites"):
        text = f"{criterion['statistic']} LOLE <= {criterion['max_lole_h_per_yr']:g} h/yr"
        cells = [
            None
            if k not in criterion["sites"]
            else ("meets " if criterion["sites"][k]["meets"] else "FAILS ") + text
            for k in r.sites
        ]
        r.add("Reliability criterion", "", cells, None, "text", headline=True)
    verified = _verification_by_site(r)
    values = [verified[k] for k in r.sites]
    r.add("Verification", "", values, verified["total"], "text", headline=True)


def _investor_rows(r: _Rows) -> None:
    """Add what an investor reads first: required tariff, LCOE, equity IRR and DSCR."""
    r.fin_row(
        "Required tariff (revenue price)",
        "USD/MWh real",
        "price_usd_per_mwh",
        "num2",
        headline=True,
    )
    local = [
        None
        if r.fsite[k].get("required_tariff_local_per_kwh") is None
        else f"{r.fsite[k]['required_tariff_local_per_kwh']:.4f} {r.fsite[k].get('currency')}"
        for k in r.sites
    ]
    r.add("Required tariff, local currency", "per kWh", local, None, "text", headline=True)
    r.fin_row("LCOE, project life, real", "USD/MWh", "lcoe_usd_per_mwh_real", "num2", True)
    r.fin_row("Equity IRR at that tariff, nominal", "%", "equity_irr_nominal", "pct", True)
    r.fin_row("Minimum DSCR", "-", "dscr_min", "num2", True)
    r.fin_row("Average DSCR", "-", "dscr_avg", "num2", True)


def _finance_rows(r: _Rows) -> None:
    """Add the grid comparison, NPV, project IRR, debt, tax and payback."""
    r.fin_row("Grid cost of the delivered load", "USD/yr", "grid_cost_usd_per_yr", "int")
    r.fin_row("Savings vs grid tariff", "USD/yr", "savings_vs_grid_usd_per_yr", "int")
    r.fin_row("Project NPV at COD, real, pre-tax", "USD", "npv_project_usd", "int")
    r.fin_row("Project IRR, real, pre-tax", "%", "project_irr_real", "pct")
    r.fin_row("Debt at COD", "USD nominal", "debt_usd_nominal", "int")
    r.fin_row("Gearing", "%", "gearing", "pct")
    r.fin_row("Corporate tax rate", "%", "tax_rate", "pct")
    r.fin_row("Income tax, project life", "USD nominal", "tax_usd_nominal_total", "int")
    r.fin_row("Payback", "yr after COD", "payback_year", "int")


def summary_rows(
    summary: dict, verification: dict | None = None, site_ids: list[str] | None = None
) -> list[Row]:
    """Return every figure of a run, per site and in total (the workbook's Summary sheet).

    Parameters
    ----------
    summary : dict
        ``summary.json``.
    verification : dict, optional
        ``verification.json``; None: "not verified".
    site_ids : list of str, optional
        Site order; default that of ``summary["sites"]``.

    Returns
    -------
    list of Row
        Run, load, capacity, energy, cost, emission, reliability and finance figures; the
        ``headline`` ones are the console's and report.html's table.
    """
    r = _Rows(summary, verification, list(site_ids or summary.get("sites", {})))
    for add_rows in (
        _investor_rows,
        _run_rows,
        _load_rows,
        _capacity_rows,
        _energy_rows,
        _cost_rows,
        _emission_rows,
        _reliability_rows,
        _finance_rows,
    ):
        add_rows(r)
    return r.rows


#: What the design basis table says under it (console, report.html, workbook).
DESIGN_BASIS_NOTE = (
    "Design load = design IT load x PUE at the design ambient + plant auxiliaries of the "
    "units left running; firm capacity = gross output at the design ambient with the k "
    "largest units out, plus storage credited. Auxiliary shares and the PUE curve are "
    "ESTIMATEs where the Assumptions sheet of results.xlsx says so. The topology rows are "
    "what the model can check of a Tier (Uptime Tiers are defined by topology); it cannot "
    "check distribution paths, compartmentalisation or controls."
)


def _share_text(shares: dict | None) -> str | None:
    if not shares:
        return None
    return "\n".join(f"{tech_id} {share:.1%}" for tech_id, share in shares.items())


def design_basis_rows(summary: dict, site_ids: list[str] | None = None) -> list[Row]:
    """Return the design basis of each site (``summary.json`` ``sites.<id>.design_point``).

    Design IT load, PUE and ambient with its source, auxiliaries, design load, the units
    out, firm capacity and margin: what a lender's engineer checks N+k against.
    """
    r = _Rows(summary, None, list(site_ids or summary.get("sites", {})))
    points = [r.site[k].get("design_point") or {} for k in r.sites]

    def add(label: str, unit: str, key: str, fmt: str, total: bool = False) -> None:
        values = [point.get(key) for point in points]
        r.add(label, unit, values, _total_of(values) if total else None, fmt)

    add("Design IT load", "MW", "it_load_mw", "num1", total=True)
    add("Design ambient, dry bulb", "degC", "temp_air_c", "num1")
    add("Design ambient source", "", "temp_source", "text")
    add("PUE follows", "", "pue_driver", "text")
    if any(point.get("pue_driver") == "wet bulb" for point in points):
        add("Design ambient of the PUE", "degC", "pue_temp_c", "num1")
        add("Its source", "", "pue_temp_source", "text")
    add("PUE at design ambient", "", "pue", "num2")
    add("Facility load, IT x PUE", "MW", "facility_load_mw", "num1", total=True)
    add("Plant auxiliaries", "MW", "auxiliaries_mw", "num2", total=True)
    add("Design load", "MW", "load_mw", "num1", total=True)
    r.add(
        "Gas net output at design ambient",
        "",
        [_share_text(point.get("gas_available_factor")) for point in points],
        None,
        "text",
    )
    r.add(
        "Auxiliaries, share of gross output",
        "",
        [_share_text(point.get("auxiliaries_fraction")) for point in points],
        None,
        "text",
    )
    add("Redundancy k", "", "redundancy_k", "int")
    add("Units out", "", "units_out", "text")
    add("Firm capacity, k largest units out", "MW", "firm_capacity_mw", "num1", total=True)
    add("Margin, firm capacity - design load", "MW", "margin_mw", "num1", total=True)
    checks = ((r.summary.get("reliability") or {}).get("topology") or {}).get("sites") or {}
    if checks:
        lists = [checks.get(k) or {} for k in r.sites]

        def yes_no(key: str, margin: str) -> list:
            return [
                None if key not in c else f"{'yes' if c[key] else 'NO'} ({c[margin]:+.1f} MW)"
                for c in lists
            ]

        r.add(
            "Concurrently maintainable (any one unit out)",
            "",
            yes_no("concurrently_maintainable", "maintenance_margin_mw"),
            None,
            "text",
        )
        r.add(
            "Fault tolerant (one in maintenance, one failed)",
            "",
            yes_no("fault_tolerant", "fault_tolerance_margin_mw"),
            None,
            "text",
        )
        r.add(
            "On-site fuel at the design load",
            "h",
            [c.get("on_site_fuel_h") for c in lists],
            None,
            "num1",
        )
    return r.rows


def headline_rows(summary: dict, verification: dict | None = None) -> list[Row]:
    """Return the headline figures: the console's and report.html's table (see summary_rows)."""
    return [row for row in summary_rows(summary, verification) if row.headline]


#: Columns of the weather-years table: heading, figure, divisor and format (:func:`text`).
WEATHER_YEARS_COLUMNS = (
    ("cost [M USD/yr]", "cost_usd_per_yr", 1.0, "usd"),
    ("unserved [MWh/yr]", "unserved_mwh_per_yr", 1.0, "num1"),
    ("CO2 [kt/yr]", "co2_t_per_yr", 1e3, "num1"),
    ("peak [MW]", "peak_load_mw", 1.0, "num1"),
)


def weather_years_rows(years: dict) -> tuple[list[str], list[tuple[str, list[str], bool]]]:
    """Return the table of a site sized on several weather years (console and report).

    Parameters
    ----------
    years : dict
        A site's ``weather_years`` of ``summary.json``
        (:func:`dcpower.pipeline.weather_years_summary`).

    Returns
    -------
    header : list of str
        ``weather`` and the :data:`WEATHER_YEARS_COLUMNS` headings.
    rows : list of (label, cells, is_statistic)
        One row per year (the worst marked), then P50, P90 and worst of cost, unserved
        energy and CO2 (no peak); cells formatted by :func:`text`.
    """
    header = ["weather", *(heading for heading, _, _, _ in WEATHER_YEARS_COLUMNS)]
    rows = []
    for year in years["years"]:
        worst = " (worst)" if year["weather"] == years["worst_year"] else ""
        cells = [text(year[key] / scale, fmt) for _, key, scale, fmt in WEATHER_YEARS_COLUMNS]
        rows.append((year["weather"] + worst, cells, False))
    stats = years["statistics"]
    for name, label in (("p50", "P50"), ("p90", "P90"), ("worst", "worst")):
        cells = [
            text(stats[key][name] / scale, fmt) if key in stats else ""
            for _, key, scale, fmt in WEATHER_YEARS_COLUMNS
        ]
        rows.append((label, cells, True))
    return header, rows


def added_text(added: dict) -> str:
    """Describe what a phase builds: ``2 x recip_engine_df, wind_onshore 18.8 MW`` etc."""
    parts = []
    for tech_id, amounts in added.items():
        if "units" in amounts:
            parts.append(f"{amounts['units']:.0f} x {tech_id}")
        else:
            parts.append(
                f"{tech_id} " + ", ".join(f"{value:,.1f} {unit}" for unit, value in amounts.items())
            )
    return "; ".join(parts) or "nothing"


def phases_rows(phased: dict) -> tuple[list[str], list[list[str]]]:
    """Return the table of a site's build-out phases (console and report).

    Parameters
    ----------
    phased : dict
        A site's entry of ``summary.json`` ``phases`` (:func:`dcpower.run_summary.phases_summary`).

    Returns
    -------
    header : list of str
    rows : list of list of str
        One row per phase: year, IT capacity [MW], weight, what it builds, its capex
        [M USD], its plant's annual cost over the year [M USD/yr], its plant's gas capacity
        [MW], CO2 [kt/yr] and where its run folder is.
    """
    header = [
        "year",
        "IT [MW]",
        "weight",
        "builds",
        "capex [M USD]",
        "cost [M USD/yr]",
        "gas [MW]",
        "CO2 [kt/yr]",
        "run folder",
    ]
    rows = [
        [
            str(phase["year"]),
            text(phase["it_capacity_mw"], "num1"),
            text(phase["weight"], "pct"),
            added_text(phase["added"]),
            text(phase["capex_added_usd"], "usd"),
            text(phase["cost_usd_per_yr"], "usd"),
            text(phase["capacity"].get("gas_mw"), "num1"),
            text(phase["co2_t_per_yr"] / 1e3, "num1"),
            phase["run_folder"],
        ]
        for phase in phased["phases"]
    ]
    return header, rows
