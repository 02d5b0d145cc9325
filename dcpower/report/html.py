"""One self-contained HTML report of a run folder, for investor material.

:func:`write_report` reads a run folder (``summary.json``, ``verification.json``, the CSV
tables and ``scenario.yaml``) and writes ``report.html``: headline figures per site, the charts
of :mod:`dcpower.report.figures` embedded as base64 PNG, a reliability table, the finance table
and a note on where the inputs come from. The file opens offline: inline CSS, no script, no
external resource. Each chart is also saved as a 150-dpi PNG in ``<run_dir>/figures/``.

Reads only the run folder (through :mod:`dcpower.run_folder`; the cash flows through
:mod:`dcpower.finance`); never imports the optimization stack (pyomo, HiGHS).
"""

from __future__ import annotations

import base64
import html
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dcpower import finance
from dcpower.availability import availability_table, reliability_steps_table
from dcpower.report import figures as F
from dcpower.report.tables import (
    DESIGN_BASIS_NOTE,
    Row,
    design_basis_rows,
    headline_rows,
    phases_rows,
    weather_years_rows,
)
from dcpower.report.tables import text as shown_as
from dcpower.run_folder import (
    FIGURES_DIR,
    REPORT_FILE,
    ReliabilitySummary,
    RunFolder,
    Summary,
    read_run_folder,
)

#: File name of the report in the run folder.
REPORT_NAME = REPORT_FILE


@dataclass
class Chart:
    """A chart of the report: file stem, heading, caption and the figure."""

    name: str
    heading: str
    caption: str
    figure: object


@dataclass(frozen=True)
class RenderedChart:
    """A chart of the report rendered: file stem, heading, caption and PNG bytes."""

    name: str
    heading: str
    caption: str
    png: bytes


def render_charts(run_dir: str | Path) -> list[RenderedChart]:
    """Render every chart of a run folder's report, in report order.

    The charts read the folder's tables and summary, not ``verification.json``: a run
    renders them while the folder is verified, and hands them to :func:`write_report`.
    """
    return _render(read_run_folder(Path(run_dir)))


def _render(tables: RunFolder) -> list[RenderedChart]:
    rendered = []
    for chart in build_charts(tables, finance.site_cash_flows(tables)):
        png = F.to_png(chart.figure)
        chart.figure.clear()
        rendered.append(RenderedChart(chart.name, chart.heading, chart.caption, png))
    return rendered


# --------------------------------------------------------------------------- formatting


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def fmt_num(value, digits: int = 1, scale: float = 1.0, suffix: str = "") -> str:
    """Format a number with thousands separators (an en dash if undefined)."""
    if value is None:
        return "–"
    try:
        v = float(value) / scale
    except (TypeError, ValueError):
        return _esc(value)
    if v != v:  # NaN
        return "–"
    text = f"{v:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0.000"
    return text + suffix


def fmt_musd(value, digits: int = 1) -> str:
    """USD as million USD (``168,448,000`` -> ``168.4``)."""
    return fmt_num(value, digits, 1e6)


def fmt_pct(value, digits: int = 1) -> str:
    """Share as percent (``0.123`` -> ``12.3 %``)."""
    return "–" if value is None else f"{100.0 * float(value):.{digits}f} %"


def _table(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    """HTML table; cells are already-escaped HTML."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _commitment(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_esc(k)} {_esc(v)}" for k, v in value.items())
    return _esc(value if value is not None else "–")


def _dash(value) -> str:
    """Escaped text of a figure, an en dash if it is missing."""
    return _esc("–" if value is None else value)


def _onoff(value) -> str:
    return "–" if value is None else ("on" if value else "off")


def _status(passed: bool) -> str:
    return '<span class="ok">passed</span>' if passed else '<span class="bad">FAILED</span>'


# --------------------------------------------------------------------------- reading


def site_checks(verification: dict, site: str) -> list[dict]:
    """Return the checks of verification.json about one site."""
    return [c for c in verification.get("checks", []) if c.get("site") == site]


# --------------------------------------------------------------------------- charts


def build_charts(tables: RunFolder, flows: dict[str, pd.DataFrame]) -> list[Chart]:
    """Every chart of the report, in report order.

    Parameters
    ----------
    tables : RunFolder
        The run folder (:func:`dcpower.run_folder.read_run_folder`).
    flows : dict
        Cash flows per site (:func:`dcpower.finance.site_cash_flows`).
    """
    dispatch, capacities, costs = tables.dispatch, tables.capacities, tables.costs
    sites = list(tables.scenario.sites)
    charts = [
        Chart(
            "capacity_mix",
            "Capacity mix",
            "Installed capacity per site [MW]. Gas bars are labelled with units × unit rating "
            "(MW, ISO); battery bars with power and energy. Source: capacities.csv.",
            F.capacity_mix(capacities),
        )
    ]
    for site in sites:
        name = F.site_label(site)
        d = F.site_dispatch(dispatch, site)
        weeks = F.pick_weeks(dispatch, site)
        if "peak_load" in weeks:
            a, b = weeks["peak_load"]
            peak = d["load_mw"].idxmax()
            charts.append(
                Chart(
                    f"dispatch_peak_week_{site}",
                    f"{name}: dispatch in the peak-load week",
                    f"Hourly dispatch [MW], {_span(d, a, b)} (local time). Peak load "
                    f"{d.loc[peak, 'load_mw']:,.1f} MW at {d.loc[peak, 'local_time']:%d %b %H:%M}. "
                    "Stacked: the sources (PV, wind, gas, battery discharge; an absorption "
                    "chiller's area is the electric load it relieves); battery charging below "
                    "zero; black line: load. Source: dispatch.csv.",
                    F.dispatch_week(
                        dispatch, site, (a, b), f"{name}: dispatch in the peak-load week"
                    ),
                )
            )
        if "low_renewable" in weeks:
            a, b = weeks["low_renewable"]
            available = F.renewable_available_mw(d)
            week_mwh = available[a:b].sum()
            mean_mwh = available.mean() * (b - a)
            charts.append(
                Chart(
                    f"dispatch_low_renewable_week_{site}",
                    f"{name}: dispatch in the lowest-renewable week",
                    f"Hourly dispatch [MW], {_span(d, a, b)} (local time): the seven days with "
                    f"the least PV and wind available ({week_mwh:,.0f} MWh, "
                    f"{100 * week_mwh / mean_mwh:.0f} % of an average week of the dispatched "
                    "hours). Source: dispatch.csv.",
                    F.dispatch_week(
                        dispatch, site, (a, b), f"{name}: dispatch in the lowest-renewable week"
                    ),
                )
            )
        elif weeks:
            charts[-1].caption += f" {name} built no PV or wind: no lowest-renewable week."
    for site in sites:
        charts.append(
            Chart(
                f"monthly_energy_{site}",
                f"{F.site_label(site)}: monthly energy",
                "Energy by source and month [GWh], summed over the dispatched hours "
                "(battery charging below zero; black marks: load). Source: dispatch.csv.",
                F.monthly_energy(dispatch, site),
            )
        )
    charts.append(
        Chart(
            "duration_curves",
            "Load and net-load duration curves",
            "Hours of the year [h] in which load, and load minus the PV and wind output "
            "available before curtailment (net load), are at or above a level [MW]. What is "
            "left of the net load is served by gas and the battery. Source: dispatch.csv.",
            F.duration_curves(dispatch),
        )
    )
    soc = F.battery_soc(dispatch, capacities)
    if soc is not None:
        charts.append(
            Chart(
                "battery_soc",
                "Battery state of charge",
                "Battery state of charge at the end of each hour [MWh] (over a long run: daily "
                "range and mean); dashed: installed energy. Source: dispatch.csv.",
                soc,
            )
        )
    phases = tables.summary.phases if tables.summary is not None else None
    if phases:
        charts.append(
            Chart(
                "build_out",
                "Build-out by phase",
                "Installed capacity of each phase's plant by source [MW] (gas at ISO rating, "
                "storage at its power), stacked, against the year the phase comes online; "
                "black: the phase's IT capacity [MW]. Capacity once built stays. Source: "
                "summary.json phases.",
                F.build_out(phases),
            )
        )
    charts.append(
        Chart(
            "cost_breakdown",
            "Annual cost by component",
            "Annual cost of the dispatched year [million USD/yr, real]: capital annualized "
            "with the capital recovery factor of the WACC and each lifetime, fixed and "
            "variable O&M, fuel, carbon, start-ups. Totals above the bars. Source: costs.csv.",
            F.cost_breakdown(costs),
        )
    )
    charts.append(
        Chart(
            "cash_flow",
            "Yearly cash flow",
            "Cash flow per year [million USD, real, year 0 = commercial operation]: capital "
            "(construction and replacements) and operating costs below zero, revenue and "
            "salvage above; line: cumulative net cash flow. Source: dcpower.finance "
            "cash flows of the run folder (scenario finance section).",
            F.cash_flow(flows),
        )
    )
    return charts


def _span(d: pd.DataFrame, a: int, b: int) -> str:
    start = d.loc[a, "local_time"]
    end = d.loc[b - 1, "local_time"] + pd.Timedelta(hours=1)
    return f"{start:%d %b %H:%M} to {end:%d %b %H:%M} ({b - a} h)"


# --------------------------------------------------------------------------- sections


def headline_table(summary: dict, verification: dict) -> str:
    """Headline figures, one row per figure and one column per site (and the total).

    The figures are :func:`dcpower.report.tables.headline_rows`, the console's and the
    workbook's, laid out as the console lays them out (a row per site would run off the
    page with sixteen figures).
    """
    rows = headline_rows(summary, verification)
    sites = list(summary.get("sites", {}))
    with_total = bool(summary.get("totals"))

    def cell(value, row: Row, total: bool = False) -> str:
        shown = _esc(shown_as(value, row.fmt)).replace("\n", "<br>")
        if row.label == "Verification":
            shown = f'<span class="{"bad" if "FAILED" in shown else "ok"}">{shown}</span>'
        return f"<b>{shown}</b>" if total and value is not None else shown

    header = ["", *(f"<b>{_esc(F.site_label(site))}</b>" for site in sites)]
    header += ["<b>Total</b>"] if with_total else []
    body = [
        [
            _esc(row.short_heading),
            *(cell(row.values[i], row) for i in range(len(sites))),
            *(["" if row.total is None else cell(row.total, row, True)] if with_total else []),
        ]
        for row in rows
    ]
    return _table(header, body, "figures")


def weather_years_section(summary: dict) -> str:
    """Per site sized on several weather years: each year's figures and P50 / P90 / worst.

    Empty when no site is sized on more than one year.
    """
    parts = []
    for site_id, site in summary.get("sites", {}).items():
        years = site.get("weather_years")
        if not years:
            continue
        header, rows = weather_years_rows(years)
        body = [
            [f"<b>{_esc(label)}</b>" if statistic else _esc(label), *cells]
            for label, cells, statistic in rows
        ]
        header = [_esc(heading[0].upper() + heading[1:]) for heading in header]
        parts.append(
            f"<h3>{_esc(F.site_label(site_id))}: one plan, {len(years['years'])} weather years</h3>"
            + _table(header, body, "figures")
        )
    if not parts:
        return ""
    return (
        "<h2>Weather years</h2>"
        + "".join(parts)
        + "<p class='note'>One plan sized on all the years (capacities shared, each year "
        "served on its own, the objective the mean annual cost). P90: not exceeded in 90 % "
        "of these years (linear interpolation between them). The charts and hourly tables "
        "show the first year.</p>"
    )


def phases_section(summary: dict) -> str:
    """Per site built in phases: what each phase builds, costs and runs at.

    Empty when no site is phased.
    """
    parts = []
    for site_id, phased in (summary.get("phases") or {}).items():
        header, rows = phases_rows(phased)
        parts.append(
            f"<h3>{_esc(F.site_label(site_id))}: built in {len(rows)} phases</h3>"
            + _table([_esc(h) for h in header], [[_esc(c) for c in row] for row in rows], "figures")
            + f"<p class='note'>Level cost {fmt_musd(phased['level_cost_usd_per_yr'], 2)} M "
            "USD/yr: each phase's annual cost (its plant dispatched over the year) weighted "
            "by its share of the project's discounted years (WACC "
            f"{fmt_pct(phased['wacc'])}, {phased['project_life_yr']} years from the first "
            f"phase). Phasing: {_esc(phased['source'])}. Each earlier phase's plan is a run "
            "folder of its own, verified with this run; the tables of this report hold the "
            "campus complete.</p>"
        )
    return "<h2>Build-out</h2>" + "".join(parts) if parts else ""


def design_basis_table(summary: dict) -> str:
    """Return the design basis of each site, one row per figure (``design_basis_rows``)."""
    sites = list(summary.get("sites", {}))
    rows = design_basis_rows(summary, sites)
    header = ["", *(_esc(F.site_label(site)) for site in sites)]
    body = [
        [
            _esc(row.short_heading),
            *(_esc(shown_as(value, row.fmt)).replace("\n", "<br>") for value in row.values),
        ]
        for row in rows
    ]
    return (
        "<h3>Design basis (N+k)</h3>"
        + _table(header, body, "num")
        + f"<p>{_esc(DESIGN_BASIS_NOTE)}</p>"
    )


def reliability_section(summary: Summary, verification: dict) -> str:
    """Reliability settings of the run and the table of verification.json."""
    rel = summary.reliability
    items = [
        f"N+k with k = {_dash(rel.redundancy_k)}: with the k largest gas units out, "
        "the rest covers the design load at the design ambient (derated; table below).",
        f"Hourly N-1: {_onoff(rel.hourly_n_minus_1)}; form: "
        f"{_dash(rel.n_minus_1_form)}; ride-through "
        f"{_dash(rel.ride_through_min)} min.",
        f"Unit commitment: {_commitment(summary.commitment)}.",
        f"Unserved energy over all sites: {fmt_num(summary.totals.unserved_mwh_per_yr, 1)} MWh/yr.",
    ]
    parts = ["<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"]
    parts.append(design_basis_table(summary.to_dict()))
    parts.append(availability_section(rel))
    if not verification:
        parts.append("<p><b>verification.json is missing: the run was not re-checked.</b></p>")
        return "".join(parts)
    checks = verification.get("checks", [])
    failed = sum(not c.get("passed", False) for c in checks)
    parts.append(
        f"<p>Independent re-check of the run folder (verification.json): {len(checks)} checks, "
        f"{failed} failed, overall {_status(bool(verification.get('passed')))}; tolerance "
        f"{_esc(verification.get('tolerance_mw', '–'))} MW. Margin: how far the worst hour is "
        "from violating the check (≥ 0 passes, within the tolerance).</p>"
    )
    rows = []
    for c in checks:
        margin = c.get("margin")
        rows.append(
            [
                _esc(F.site_label(str(c.get("site", "all")))),
                _esc(c.get("check", "")),
                _status(bool(c.get("passed"))),
                f"{fmt_num(margin, 3)} {_esc(c.get('unit', ''))}"
                if isinstance(margin, int | float)
                else "–",
                _esc(str(c.get("worst_time") or "–")[:16].replace("T", " ")),
                _esc(c.get("detail", "")),
            ]
        )
    parts.append(
        _table(
            ["Site", "Check", "Result", "Margin", "Worst hour (local)", "Detail"],
            rows,
            "small",
        )
    )
    return "".join(parts)


def availability_section(rel: ReliabilitySummary) -> str:
    """Monte Carlo availability per site and the cost of each step of N+k (if raised)."""
    result = rel.availability
    if not result:
        return "<p>Availability was not simulated (reliability.monte_carlo_years = 0).</p>"
    table = availability_table(result)
    moving = table["it_moved_mwh_per_yr"].notna().any()
    header = [
        "Site",
        "Gas units",
        "LOLE mean [h/yr] (95 % CI of the mean)",
        "LOLE P50 / P90 / P99 [h/yr]",
        "EUE mean / P90 [MWh/yr]",
        "Interruptions [1/yr]",
        "Mean interruption [h]",
        "Availability [%]",
        "Years with loss of load",
    ] + (["IT moved away in outages [MWh/yr]", "LOLE without moving work [h/yr]"] if moving else [])
    rows = [
        [
            _esc(F.site_label(r.site)),
            _esc(r.gas_units),
            f"{fmt_num(r.lole_h_per_yr, 2)} ({fmt_num(r.lole_ci95_low_h_per_yr, 2)}–"
            f"{fmt_num(r.lole_ci95_high_h_per_yr, 2)})",
            f"{fmt_num(r.lole_p50_h_per_yr, 2)} / {fmt_num(r.lole_p90_h_per_yr, 2)} / "
            f"{fmt_num(r.lole_p99_h_per_yr, 2)}",
            f"{fmt_num(r.eue_mwh_per_yr, 1)} / {fmt_num(r.eue_p90_mwh_per_yr, 1)}",
            fmt_num(r.interruptions_per_yr, 3),
            fmt_num(r.mean_interruption_h, 2),
            fmt_num(r.availability_pct, 4),
            fmt_num(r.years_with_loss_of_load, 0),
        ]
        + (
            [fmt_num(r.it_moved_mwh_per_yr, 1), fmt_num(r.lole_without_moving_work_h_per_yr, 2)]
            if moving
            else []
        )
        for r in table.itertuples(index=False)
    ]
    params = "; ".join(
        f"{_esc(t)}: forced outage rate {fmt_num(p['forced_outage_rate'], 3)}, repair "
        f"{fmt_num(p['mean_time_to_repair_h'], 0)} h, failure to start "
        f"{fmt_num(p['failure_to_start_prob'], 4)}"
        for t, p in result.get("outage_params", {}).items()
    )
    parts = [
        f"<p>Availability by sequential Monte Carlo ({_esc(result.get('years'))} simulated "
        f"years, seed {_esc(result.get('seed'))}): random failures and repairs of every gas "
        f"unit against the dispatched year, and gas-supply interruptions "
        f"({_esc((result.get('gas_interruptions') or {}).get('per_yr', '–'))} per year, mean "
        f"{_esc((result.get('gas_interruptions') or {}).get('mean_h', '–'))} h; dual-fuel units "
        f"run on their tank). Balance of plant: "
        f"{_esc((result.get('balance_of_plant') or {}).get('description', 'not drawn'))}. "
        f"Not drawn: {_esc(result.get('not_drawn', '–'))}. "
        f"Outage data: {params}. The mean's interval is "
        "its sampling error; P50 / P90 / P99 are the spread of the simulated years. No Tier "
        "is read from these figures: Uptime Tiers are defined by topology.</p>",
        _table(header, rows, "num"),
        "<p>Mean LOLE by cause (gas supply: hours inside a gas-supply interruption; failed "
        "ride-through: a unit trip not carried by headroom and storage; unit outages: too "
        "few units up): "
        + "; ".join(
            f"{_esc(F.site_label(site))} "
            + ", ".join(
                f"{_esc(cause.replace('_', ' '))} {fmt_num(hours, 3)} h/yr"
                for cause, hours in (figures.get("by_cause") or {}).items()
            )
            for site, figures in result.get("sites", {}).items()
        )
        + ".</p>",
    ]
    criterion = rel.criterion
    if criterion and criterion.get("sites"):
        items = "".join(
            f"<li>{_esc(F.site_label(site))}: "
            f"{'meets' if v['meets'] else '<b>does not meet</b>'} {_esc(v['statistic'])} LOLE "
            f"&le; {fmt_num(v['max_lole_h_per_yr'], 3)} h/yr: {fmt_num(v['lole_h_per_yr'], 3)} "
            f"h/yr (95 % {fmt_num(v['ci95'][0], 3)}–{fmt_num(v['ci95'][1], 3)})"
            + (
                "; within the sampling error: more simulated years could change this"
                if v["within_sampling_error"]
                else ""
            )
            + "</li>"
            for site, v in criterion["sites"].items()
        )
        parts.append(f"<p>Reliability criterion:</p><ul>{items}</ul>")
    curves = rel.cost_of_reliability
    if curves:
        steps = [
            [
                _esc(F.site_label(row.site)),
                f"N+{row.redundancy_k}",
                _esc(row.gas_units),
                fmt_musd(row.cost_usd_per_yr, 2),
                fmt_musd(row.extra_cost_usd_per_yr, 2),
                fmt_num(row.lole_h_per_yr, 3),
                "yes" if row.meets_criterion else "no",
                "chosen" if row.chosen else "",
            ]
            for row in reliability_steps_table(curves).itertuples(index=False)
        ]
        parts.append(
            "<p>Cost of reliability: each step adds one redundant gas unit at each site that "
            "does not yet meet the criterion, re-sizes and simulates again; one step past the "
            "chosen one shows the cost of going further.</p>"
        )
        parts.append(
            _table(
                [
                    "Site",
                    "N+k",
                    "Gas units",
                    "Cost [M USD/yr]",
                    "Extra [M USD/yr]",
                    "LOLE (criterion statistic) [h/yr]",
                    "Meets",
                    "",
                ],
                steps,
                "num",
            )
        )
    return "".join(parts)


def finance_table(fin: dict) -> str:
    """Investor figures per site, then the cost and grid comparison (summary.json ``finance``)."""
    header = [
        "",
        "Required tariff [USD/MWh]",
        "Required tariff [local/kWh]",
        "LCOE real [USD/MWh]",
        "Equity IRR nominal",
        "Min DSCR",
        "Avg DSCR",
        "Gearing",
        "Capex [M USD]",
        "Annual cost [M USD/yr]",
        "Tax rate",
    ]

    def local(f: dict) -> str:
        value = f.get("required_tariff_local_per_kwh")
        return "–" if value is None else f"{fmt_num(value, 4)} {_esc(f.get('currency', ''))}"

    def row(label: str, f: dict) -> list[str]:
        return [
            f"<b>{_esc(label)}</b>",
            fmt_num(f.get("required_tariff_usd_per_mwh", f.get("price_usd_per_mwh")), 2),
            local(f),
            fmt_num(f.get("lcoe_usd_per_mwh_real"), 1),
            fmt_pct(f.get("equity_irr_nominal")),
            fmt_num(f.get("dscr_min"), 2),
            fmt_num(f.get("dscr_avg"), 2),
            fmt_pct(f.get("gearing"), 0),
            fmt_musd(f.get("capex_usd")),
            fmt_musd(f.get("annual_cost_usd_per_yr"), 2),
            fmt_pct(f.get("tax_rate"), 0) if "tax_rate" in f else "",
        ]

    sites = fin.get("sites", {})
    rows = [row(F.site_label(s), f) for s, f in sites.items()]
    if "totals" in fin:
        rows.append(row("Total", fin["totals"]))
    comparison_header = [
        "",
        "NPV of costs [M USD]",
        "LCOE nominal [USD/MWh]",
        "Project IRR real, pre-tax",
        "Payback [yr]",
        "Grid tariff",
        "Savings vs grid, NPV [M USD]",
        "Savings vs grid, year 1 [M USD/yr]",
    ]

    def comparison(label: str, f: dict) -> list[str]:
        return [
            f"<b>{_esc(label)}</b>",
            fmt_musd(f.get("npv_cost_usd")),
            fmt_num(f.get("lcoe_usd_per_mwh_nominal"), 1),
            fmt_pct(f.get("project_irr_real")),
            "–" if f.get("payback_year") is None else _esc(f["payback_year"]),
            _esc(f.get("comparison_tariff") or "none known") if "currency" in f else "",
            fmt_musd(f.get("npv_savings_vs_grid_usd")),
            fmt_musd(f.get("savings_vs_grid_usd_per_yr"), 2),
        ]

    comparison_rows = [comparison(F.site_label(s), f) for s, f in sites.items()]
    if "totals" in fin:
        comparison_rows.append(comparison("Total", fin["totals"]))
    a = fin.get("assumptions", {})
    money = "; ".join(
        f"{_esc(F.site_label(s))}: {_esc(f.get('currency'))} at "
        f"{fmt_num(f.get('local_per_usd'), 2)} per USD ({_esc(f.get('exchange_rate_date'))})"
        + "".join(f"; {_esc(n)}" for n in f.get("notes", []))
        for s, f in sites.items()
    )
    note = (
        f"<p class='note'>{_esc(fin.get('conventions', ''))} Required tariff: the flat real "
        f"price at which the equity IRR reaches {fmt_pct(a.get('target_equity_irr_nominal'))} "
        f"(nominal); debt sized at a minimum DSCR of {fmt_num(a.get('target_dscr_min'), 2)} "
        f"within {fmt_pct(a.get('max_gearing'), 0)} gearing, at "
        f"{fmt_pct(a.get('debt_interest_rate'))} over {_esc(a.get('debt_tenor_yr', '–'))} yr. "
        f"Real WACC {fmt_pct(fin.get('wacc_real'))}, nominal {fmt_pct(fin.get('wacc_nominal'))}; "
        f"project life {_esc(a.get('project_life_yr', '–'))} yr. Money: {money}.</p>"
    )
    comparison_note = (
        "<p class='note'>The comparison: savings vs grid are the grid cost of the delivered "
        "load at the site's grid tariff minus the plant's cost (negative: the grid would be "
        "cheaper); – where no tariff is known for the site. The project IRR is pre-tax and "
        "unlevered, at the revenue above.</p>"
    )
    return (
        _table(header, rows, "num")
        + note
        + _table(comparison_header, comparison_rows, "num")
        + comparison_note
    )


def assumptions_section(tables: RunFolder, summary: Summary) -> str:
    """Where the inputs come from."""
    scenario = tables.scenario
    site_items = []
    for site_id, site in scenario.sites.items():
        weather = (
            f"weather file {_esc(site.weather_file)}"
            if getattr(site, "weather_file", None)
            else f"synthetic typical year (seed {_esc(getattr(site, 'weather_seed', '–'))}) "
            f"calibrated on <code>inputs/sites/{_esc(site.climate)}.yaml</code>"
        )
        site_items.append(
            f"<li><b>{_esc(F.site_label(site_id))}</b>: {weather}; gas price "
            f"{fmt_num(site.gas_price_usd_per_mmbtu, 2)} USD/MMBtu (HHV; case "
            f"<code>{_esc(site.gas_price_case or 'scenario')}</code> of "
            "<code>inputs/gas_prices.csv</code>), carbon price "
            f"{fmt_num(site.carbon_price_usd_per_t, 2)} USD/t CO2; IT capacity "
            f"{fmt_num(site.data_center.it_capacity_mw, 1)} MW at "
            f"{fmt_pct(site.data_center.utilization, 0)} utilization (energy and fuel); the "
            f"plant is designed for {fmt_num(site.data_center.design_it_mw, 1)} MW of IT "
            "load at the design ambient (Design basis, Reliability).</li>"
        )
    horizon = summary.horizon
    econ = scenario.economics
    items = [
        f"Money: real USD of {_esc(econ.price_basis_year)}. Every catalogue figure was "
        "converted from its currency year (US CPI-U; EUR by the euro-area HICP, then "
        f"{fmt_num(econ.usd_per_eur, 2)} USD/EUR; <code>inputs/deflators.csv</code>); the "
        "workbook's Assumptions sheet shows each figure as given and as used.",
        f"<code>inputs/technologies.csv</code>, cost set <code>{_esc(econ.cost_basis)}</code>"
        + (
            " (Caspian project benchmarks and global surveys, "
            "<code>inputs/technology_costs_regional.csv</code>)"
            if econ.cost_basis == "regional"
            else " (NREL ATB 2024 for PV, wind and batteries)"
        )
        + ": cost and performance of every technology, each figure with its source and "
        "currency year.",
        "<code>inputs/economics.csv</code>: WACC "
        f"({fmt_pct(econ.wacc)} real), CO2 factor "
        f"({fmt_num(econ.co2_kg_per_mmbtu, 2)} kg/MMBtu, 40 CFR 98), each site's country.",
        "<code>inputs/countries.csv</code>: each country's currency, exchange rate, income tax "
        "and tax depreciation, and its grid tariff; <code>inputs/gas_prices.csv</code>: the "
        "gas price cases per country.",
        "<code>inputs/finance.csv</code>: project-finance assumptions (project life, "
        "construction schedule, inflation, target equity IRR and DSCR, debt).",
        "<code>inputs/sites/*.yaml</code>: site location and monthly climate statistics, "
        "each with its source; figures marked ESTIMATE are listed in "
        "<code>inputs/README.md</code> and <code>docs/sites.md</code>.",
        "PV output from pvlib, wind output from windpowerlib, gas derating and heat rate "
        "versus ambient temperature; data-center load = IT load × PUE(temperature) "
        "(PUE curve defaults are estimates).",
        "The run folder's <code>scenario.yaml</code> holds every value actually used "
        "(defaults filled in); <code>profiles.csv</code> the hourly inputs the model saw.",
        f"Time resolution: {_dash(horizon.kind)}, "
        f"{_dash(horizon.hours_modelled)} hours modelled, "
        f"{_dash(horizon.hours_verified)} hours dispatched and verified.",
    ]
    return (
        "<ul>"
        + "".join(f"<li>{i}</li>" for i in items)
        + "</ul><p>Per site:</p><ul>"
        + "".join(site_items)
        + "</ul>"
    )


CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d1d1d;
margin:0 auto;max-width:1250px;padding:24px 32px;line-height:1.45;font-size:14px}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #2F4B7C;
padding-bottom:4px;margin-top:36px}h3{font-size:16px;margin:22px 0 6px}
.meta{color:#555}.warn{background:#fff4e5;border-left:4px solid #E07B39;padding:8px 12px}
table{border-collapse:collapse;margin:10px 0;width:100%}
th,td{border:1px solid #d6d6d6;padding:5px 8px;vertical-align:top}
th{background:#eef2f7;text-align:left;font-weight:600}
table.num td{text-align:right}table.num td:first-child{text-align:left}
table.num td:nth-child(2){text-align:left}
table.figures td{text-align:right}table.figures td:first-child{text-align:left}
table.small{font-size:12px}table.small td:nth-child(3),table.small td:nth-child(4),
table.small td:nth-child(5){white-space:nowrap}tr:nth-child(even) td{background:#fafafa}
.ok{color:#1e7b3c;font-weight:600}.bad{color:#c0001a;font-weight:700}
figure{margin:18px 0 28px}figure img{width:100%;max-width:1100px;height:auto;
display:block;border:1px solid #e4e4e4}figcaption{color:#444;font-size:13px;margin-top:6px;
max-width:1100px}.note{color:#555;font-size:12.5px}code{background:#f2f2f2;padding:0 3px}
"""


# --------------------------------------------------------------------------- the report


def write_report(
    run_dir: str | Path,
    path: str | Path | None = None,
    folder_name: str | None = None,
    charts: list[RenderedChart] | None = None,
) -> Path:
    """Write one self-contained HTML report of a run folder; save every chart as PNG.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` (``Result.save``).
    path : str or Path, optional
        Where to write the report; default ``<run_dir>/report.html``.
    folder_name : str, optional
        The run folder's name the report shows (a run is reported while it is staged);
        default that of ``run_dir``.
    charts : list of RenderedChart, optional
        The folder's charts, rendered already (:func:`render_charts`); by default here.

    Returns
    -------
    Path
        The report written. The charts are also in ``<run_dir>/figures/*.png`` (150 dpi).

    Raises
    ------
    dcpower.errors.DcpowerError
        If the run folder lacks one of its tables.
    """
    run_dir = Path(run_dir)
    out = Path(path) if path is not None else run_dir / REPORT_NAME
    tables = read_run_folder(run_dir)
    figures_dir = run_dir / FIGURES_DIR
    # The charts go to a scratch folder that replaces figures/ only once the report is
    # written: a failure leaves the earlier figures (or none), never half of them.
    scratch = run_dir / f".{FIGURES_DIR}.tmp-{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    try:
        rendered = _render(tables) if charts is None else charts
        out = _write_report_files(out, tables, rendered, scratch, folder_name or run_dir.name)
        _replace_folder(scratch, figures_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def _replace_folder(new: Path, target: Path) -> None:
    """Put folder ``new`` in place of ``target`` (renames only; the old one is removed)."""
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _write_report_files(
    out: Path,
    tables: RunFolder,
    charts: list[RenderedChart],
    figures_dir: Path,
    folder_name: str,
) -> Path:
    """Write the charts into ``figures_dir`` and the report to ``out`` (temporary name first)."""
    summary = tables.summary
    verification = tables.verification or {}
    fin = summary.finance or finance.finance_summary(tables)
    chart_html = []
    for chart in charts:
        (figures_dir / f"{chart.name}.png").write_bytes(chart.png)
        data = base64.b64encode(chart.png).decode("ascii")
        chart_html.append(
            f'<figure id="{_esc(chart.name)}"><h3>{_esc(chart.heading)}</h3>'
            f'<img src="data:image/png;base64,{data}" alt="{_esc(chart.heading)}">'
            f"<figcaption>{_esc(chart.caption)} (File: {FIGURES_DIR}/{_esc(chart.name)}.png)"
            "</figcaption></figure>"
        )

    name = summary.scenario or tables.scenario.name
    horizon = summary.horizon
    warn = ""
    if horizon.kind == "window":
        warn = (
            f"<p class='warn'>This run models a window of {_esc(horizon.hours_modelled)} "
            "hours scaled to a year: annual figures are extrapolated, and the charts show "
            "only the dispatched hours.</p>"
        )
    if summary.status not in (None, "optimal"):
        warn += (
            f"<p class='warn'>Run status: <b>{_esc(summary.status)}</b> (MIP gap "
            f"{fmt_pct(summary.mip_gap, 3)}).</p>"
        )
    gap = summary.mip_gap
    meta = (
        f"Scenario <b>{_esc(name)}</b>: {_esc(tables.scenario.description or '')}<br>"
        f"Status {_dash(summary.status)}"
        + (f", MIP gap {fmt_pct(gap, 3)}" if gap is not None else "")
        + f"; horizon {_dash(horizon.kind)}, "
        f"{_dash(horizon.hours_verified)} hours dispatched. "
        # No clock time here: the same run folder always gives the same report.
        f"Report of run folder <code>{_esc(folder_name)}</code>."
    )
    body = [
        f"<h1>Power plant sizing: {_esc(name)}</h1>",
        f"<p class='meta'>{meta}</p>",
        warn,
        "<h2>Headline figures per site</h2>",
        headline_table(summary.to_dict(), verification),
        "<p class='note'>The same figures as the console and the workbook's Summary sheet. "
        "Capex: overnight cost. Annual cost: capital annualized at the WACC plus O&amp;M, "
        "fuel, carbon and start-ups of the dispatched year; LCOE: that over the energy "
        "delivered (the project-life LCOE is under Finance). CO2 from fuel burnt (HHV). "
        "Renewable share: 1 - (fuel-fired + grid energy) / (load - load relieved by absorption "
        "chillers); of all sites, weighted by "
        "their load. LOLE: Monte Carlo mean and P90 of the simulated years; the criterion "
        "row says whether each site meets the scenario's reliability criterion.</p>",
        weather_years_section(summary.to_dict()),
        phases_section(summary.to_dict()),
        "<h2>Charts</h2>",
        *chart_html,
        "<h2>Reliability</h2>",
        reliability_section(summary, verification),
        "<h2>Finance</h2>",
        finance_table(fin),
        "<h2>Assumptions: where the inputs come from</h2>",
        assumptions_section(tables, summary),
    ]
    document = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>dcpower report: {_esc(name)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_text(document, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
