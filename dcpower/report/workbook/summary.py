"""The ``Summary`` sheet: headline figures per site and in total, one row per figure."""

from __future__ import annotations

from typing import Any

from dcpower import techs
from dcpower.report.workbook.format import Writer, cell, commitment_text, number
from dcpower.report.workbook.read import Run
from dcpower.run_folder import Totals


class _Rows:
    """Rows of the Summary sheet under construction: (label with unit, values, style).

    Each row holds one value per site, in site order, then the total.
    """

    def __init__(self, run: Run):
        s = run.summary
        self.sites = run.site_ids
        self.site = {k: s.site(k) for k in self.sites}
        fsum = s.finance or {}
        self.fsite = {k: (fsum.get("sites") or {}).get(k, {}) for k in self.sites}
        self.ftot = fsum.get("totals") or {}
        self.rows: list[tuple[str, list, str]] = []

    def add(self, label: str, per_site: list, total: Any, fmt: str) -> None:
        """Add a row of per-site values and their total."""
        self.rows.append((label, [*per_site, total], fmt))

    def same(self, label: str, value: Any, fmt: str) -> None:
        """Add a row of one figure of the run, repeated for every site and the total."""
        self.add(label, [value] * len(self.sites), value, fmt)

    def each(self, key: str) -> list:
        """Return a figure of summary.json of every site (an attribute of its SiteSummary)."""
        return [getattr(self.site[k], key) for k in self.sites]

    def fin_row(self, label: str, key: str, fmt: str) -> None:
        """Add a row of a project-finance figure of summary.json (sites and total)."""
        self.add(label, [self.fsite[k].get(key) for k in self.sites], self.ftot.get(key), fmt)


def _total_of(values: list) -> float | None:
    """Return the sum of the values, or None if one of them is missing."""
    numbers = [number(v) for v in values]
    return None if any(n is None for n in numbers) else float(sum(numbers))


def _load_weighted(shares: list, loads: list) -> float | None:
    """Return the mean of per-site shares weighted by the sites' load (None if one is missing)."""
    weights = [number(x) for x in loads]
    values = [number(x) for x in shares]
    if any(x is None for x in (*weights, *values)):
        return None
    total = sum(weights)
    return sum(v * x for v, x in zip(values, weights, strict=True)) / total if total else None


def _verification_by_site(run: Run) -> dict[str, str]:
    v = run.verification
    if v is None:
        return {s: "not verified" for s in run.site_ids} | {"total": "not verified"}
    out = {}
    for site in run.site_ids:
        checks = [c for c in v.get("checks", []) if c.get("site") == site]
        out[site] = "passed" if all(c.get("passed") for c in checks) else "FAILED"
    out["total"] = "passed" if v.get("passed") else "FAILED"
    return out


def _run_rows(r: _Rows, run: Run) -> None:
    """Add scenario, status, horizon, unit commitment and verification of the run."""
    s = run.summary
    horizon = s.horizon
    r.same("Scenario", s.scenario, "text")
    r.add("Status", r.each("status"), s.status, "text")
    r.add("MIP gap [%]", [None] * len(r.sites), s.mip_gap, "pct2")
    r.same("Horizon", horizon.kind, "text")
    for label, key in (
        ("Hours modelled [h]", "hours_modelled"),
        ("Hours verified [h]", "hours_verified"),
        ("Block length [h]", "block_hours"),
    ):
        r.same(label, getattr(horizon, key), "int")
    r.same("Unit commitment", commitment_text(s.commitment), "text")
    ver = _verification_by_site(run)
    r.add("Verification", [ver[k] for k in r.sites], ver["total"], "text")


def _load_rows(r: _Rows, totals: Totals) -> None:
    """Add IT capacity and load, peak and annual load."""
    r.add("IT capacity [MW]", r.each("it_capacity_mw"), _total_of(r.each("it_capacity_mw")), "num1")
    r.add("IT load, mean [MW]", r.each("it_load_mw"), _total_of(r.each("it_load_mw")), "num1")
    peaks = r.each("peak_load_mw")
    r.add("Peak load (sum of site peaks) [MW]", peaks, _total_of(peaks), "num1")
    r.add("Annual load [MWh/yr]", r.each("load_mwh_per_yr"), totals.load_mwh_per_yr, "int")


def _capacity_rows(r: _Rows) -> None:
    """Add gas units by type, then each registered technology's capacities."""
    site = r.site
    sites = r.sites
    gas_types: list[str] = []
    for k in sites:
        for t in site[k].gas_units:
            if t not in gas_types:
                gas_types.append(t)
    for t in gas_types:
        gas = [site[k].gas_units.get(t, {}) for k in sites]
        units = [g.get("units", 0) for g in gas]
        ratings = [g.get("unit_mw") for g in gas]
        mw = [(number(u) or 0) * (number(x) or 0) for u, x in zip(units, ratings, strict=True)]
        r.add(f"Gas units {t} [units]", units, _total_of(units), "int")
        known = {x for x in ratings if x is not None}
        r.add(
            f"Gas unit rating {t} [MW]", ratings, known.pop() if len(known) == 1 else None, "num1"
        )
        r.add(f"Gas capacity {t} [MW]", mw, _total_of(mw), "num1")
    for tech in techs.technologies():
        for key, (kind, unit) in tech.summary_capacity.items():
            if kind != tech.kind:  # e.g. a gas type's backup tank: on the Capacities sheet
                continue
            values = [site[k].capacity.get(key) for k in sites]
            r.add(f"{tech.display.name} [{unit}]", values, _total_of(values), "num1")


def _energy_rows(r: _Rows, totals: Totals) -> None:
    """Add energy by source, curtailment, unserved energy and fuel."""
    labels = {}
    for tech in techs.technologies():
        for key in tech.summary_generation:
            labels.setdefault(key, f"{tech.display.name} energy [MWh/yr]")
    for key, label in labels.items():
        values = [r.site[k].generation_mwh_per_yr.get(key) for k in r.sites]
        r.add(label, values, _total_of(values), "int")
    curtailment = r.each("curtailment_mwh_per_yr")
    r.add("Curtailment [MWh/yr]", curtailment, _total_of(curtailment), "int")
    r.add(
        "Unserved energy [MWh/yr]",
        r.each("unserved_mwh_per_yr"),
        totals.unserved_mwh_per_yr,
        "num1",
    )
    fuel = r.each("fuel_mmbtu_per_yr")
    r.add("Fuel, HHV [MMBtu/yr]", fuel, _total_of(fuel), "int")


def _cost_rows(r: _Rows, totals: Totals) -> None:
    """Add capex, annual cost, LCOE and the project-life cost figures."""
    r.add("Overnight capex [USD]", r.each("capex_usd"), totals.capex_usd, "int")
    r.add("Annual cost [USD/yr]", r.each("cost_usd_per_yr"), totals.cost_usd_per_yr, "int")
    if any("sizing_cost_usd_per_yr" in r.site[k].model_fields_set for k in r.sites):
        sizing = r.each("sizing_cost_usd_per_yr")
        r.add("Annual cost of the sizing model [USD/yr]", sizing, _total_of(sizing), "int")
        r.add(
            "Dispatch cost over sizing cost [%]",
            r.each("dispatch_over_sizing_cost"),
            None,
            "pct2",
        )
    r.add(
        "LCOE, annual cost / energy delivered [USD/MWh]",
        r.each("lcoe_usd_per_mwh"),
        totals.lcoe_usd_per_mwh,
        "num2",
    )
    r.fin_row("LCOE, project life, real [USD/MWh]", "lcoe_usd_per_mwh_real", "num2")
    r.fin_row("LCOE, project life, nominal [USD/MWh]", "lcoe_usd_per_mwh_nominal", "num2")
    r.fin_row("Cost per IT energy, annual [USD/MWh IT]", "cost_usd_per_mwh_it", "num2")
    r.fin_row("NPV of costs at COD, real [USD]", "npv_cost_usd", "int")


def _emission_rows(r: _Rows, totals: Totals) -> None:
    """Add CO2, carbon intensity and renewable share.

    The renewable share of a site is summary.json's ``renewable_share``, 1 - (gas + grid) /
    load; the total is the same share over all sites: the sites' shares weighted by their
    annual load, that is 1 - (gas + grid of all sites) / (load of all sites), which is
    summary.json ``emissions.renewable_share``.
    """
    r.add("CO2 [t/yr]", r.each("co2_t_per_yr"), totals.co2_t_per_yr, "int")
    r.fin_row("Carbon intensity [gCO2/kWh IT]", "carbon_intensity_g_per_kwh_it", "num1")
    shares = r.each("renewable_share")
    r.add("Renewable share [%]", shares, _load_weighted(shares, r.each("load_mwh_per_yr")), "pct")


def _finance_rows(r: _Rows) -> None:
    """Add grid comparison, NPV, IRRs, debt and payback of the project finance."""
    r.fin_row("Grid cost of the delivered load [USD/yr]", "grid_cost_usd_per_yr", "int")
    r.fin_row("Savings vs grid tariff [USD/yr]", "savings_vs_grid_usd_per_yr", "int")
    r.fin_row("Project NPV at COD, real [USD]", "npv_project_usd", "int")
    r.fin_row("Project IRR, real [%]", "project_irr_real", "pct")
    r.fin_row("Equity IRR, nominal [%]", "equity_irr_nominal", "pct")
    r.fin_row("Debt at COD [USD nominal]", "debt_usd_nominal", "int")
    r.fin_row("Minimum DSCR [-]", "dscr_min", "num2")
    r.fin_row("Payback [yr after COD]", "payback_year", "int")


def _summary_rows(run: Run) -> list[tuple[str, list, str]]:
    """Rows of the Summary sheet: (label with unit, values per site then total, style)."""
    totals = run.summary.totals
    r = _Rows(run)
    _run_rows(r, run)
    _load_rows(r, totals)
    _capacity_rows(r)
    _energy_rows(r, totals)
    _cost_rows(r, totals)
    _emission_rows(r, totals)
    _finance_rows(r)
    return r.rows


def _write_notes(w: Writer, ws, run: Run, row: int) -> None:
    """Write notes on the totals and the annual figures, from ``row`` down."""
    notes = [
        "Notes",
        "Totals of capex, annual cost, CO2, load, unserved energy and LCOE are summary.json "
        "totals; other totals are sums over sites (peak load: sum of the site peaks, which "
        "need not coincide).",
        "Annual figures are those of the dispatched year; with a window or blocks horizon each "
        "modelled hour stands for weight_h hours of the year (see Hourly dispatch).",
        "MIP gap and project-finance figures are for the run; blank = not defined (for "
        "example no IRR when every cash flow is negative).",
    ]
    conventions = (run.summary.finance or {}).get("conventions")
    if conventions:
        notes.append(f"Finance: {conventions}")
    ws.write_string(row, 0, notes[0], w.formats["label"])
    for k, text in enumerate(notes[1:], start=1):
        ws.write_string(row + k, 0, text, w.formats["note"])


def write_summary(w: Writer, run: Run) -> None:
    """Add the ``Summary`` sheet."""
    ws = w.sheet("Summary")
    sites = run.site_ids
    header = w.formats["header"]
    ws.write_string(0, 0, "figure [unit]", header)
    for j, name in enumerate([*sites, "total"]):
        ws.write_string(0, 1 + j, name, header)
    rows = _summary_rows(run)
    for i, (label, values, fmt) in enumerate(rows, start=1):
        ws.write_string(i, 0, label, w.formats["label"])
        for j, value in enumerate(values):
            value = cell(value)
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(i, 1 + j, value)
            else:
                ws.write_number(i, 1 + j, value, w.formats[fmt if fmt != "text" else "gen"])
    ws.set_column(0, 0, 48)
    ws.set_column(1, len(sites) + 1, 17)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(rows), len(sites) + 1)
    _write_notes(w, ws, run, len(rows) + 2)
