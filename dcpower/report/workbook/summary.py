"""The ``Summary`` sheet: every figure of the run per site and in total, one row per figure.

The rows are :func:`dcpower.report.tables.summary_rows`, the same figures the console and
report.html show (their headline ones).
"""

from __future__ import annotations

from dcpower.report.tables import DESIGN_BASIS_NOTE, design_basis_rows, summary_rows
from dcpower.report.workbook.format import Writer, cell
from dcpower.report.workbook.read import Run


def _write_notes(w: Writer, ws, run: Run, row: int) -> None:
    """Write notes on the totals and the annual figures, from ``row`` down."""
    notes = [
        "Notes",
        "Totals of capex, annual cost, CO2, load, unserved energy and LCOE are summary.json "
        "totals; the renewable share of all sites is the sites' shares weighted by their "
        "load; ratings, the MIP gap and text show one value for the run; other totals are "
        "sums over sites (peak load: sum of the site peaks, which need not coincide).",
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


def _write_rows(w: Writer, ws, rows: list, sites: list[str]) -> None:
    """Write a header and one row per figure: its values per site and the total."""
    header = w.formats["header"]
    ws.write_string(0, 0, "figure [unit]", header)
    for j, name in enumerate([*sites, "total"]):
        ws.write_string(0, 1 + j, name, header)
    for i, row in enumerate(rows, start=1):
        ws.write_string(i, 0, row.heading, w.formats["label"])
        # USD as whole dollars here (the console and report.html show million USD)
        fmt = {"text": "gen", "usd": "int"}.get(row.fmt, row.fmt)
        for j, value in enumerate([*row.values, row.total]):
            value = cell(value)
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(i, 1 + j, value)
            else:
                ws.write_number(i, 1 + j, value, w.formats[fmt])
    ws.set_column(0, 0, 48)
    ws.set_column(1, len(sites) + 1, 17)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(rows), len(sites) + 1)


def write_summary(w: Writer, run: Run) -> None:
    """Add the ``Summary`` sheet."""
    ws = w.sheet("Summary")
    sites = run.site_ids
    rows = summary_rows(run.summary.to_dict(), run.verification, sites)
    _write_rows(w, ws, rows, sites)
    _write_notes(w, ws, run, len(rows) + 2)


def write_design_basis(w: Writer, run: Run) -> None:
    """Add the ``Design basis`` sheet: what N+k is checked against, per site."""
    ws = w.sheet("Design basis")
    rows = design_basis_rows(run.summary.to_dict(), run.site_ids)
    _write_rows(w, ws, rows, run.site_ids)
    ws.write_string(len(rows) + 2, 0, DESIGN_BASIS_NOTE, w.formats["note"])
