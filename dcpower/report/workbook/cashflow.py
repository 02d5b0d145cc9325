"""The ``Cash flow`` sheet: project years per site and in total (:mod:`dcpower.finance`)."""

from __future__ import annotations

import pandas as pd

from dcpower import finance as fin
from dcpower.report.workbook.format import Col, Writer
from dcpower.report.workbook.read import Run

_CASH_FLOW_LABELS = {
    "fixed_om": "fixed O&M",
    "variable_om": "variable O&M",
    "startup": "start-ups",
    "salvage": "salvage (credit)",
    "energy": "energy delivered",
    "it_energy": "IT energy",
    "pv": "PV energy",
    "pv_makeup": "PV degradation made up by gas",
    "grid_cost": "grid cost of the load",
    "ebitda": "EBITDA",
    "tax": "income tax",
    "cfads": "CFADS (after tax)",
    "equity_cash_flow": "equity cash flow",
}


def _cash_flow_label(stem: str) -> str:
    return _CASH_FLOW_LABELS.get(stem, stem.replace("_", " "))


def _cash_flow_header(column: str) -> tuple[str, str]:
    """Header text with unit, and style key, of a :func:`dcpower.finance.cash_flows` column."""
    if column == "year":
        return "year [yr from COD]", "int"
    if column == "phase":
        return "phase", "text"
    if column.endswith("_usd_nominal"):
        return f"{_cash_flow_label(column[: -len('_usd_nominal')])} [USD nominal]", "int"
    if column.endswith("_usd"):
        return f"{_cash_flow_label(column[: -len('_usd')])} [USD real]", "int"
    if column.endswith("_mwh"):
        return f"{_cash_flow_label(column[: -len('_mwh')])} [MWh]", "int"
    if column == "co2_t":
        return "CO2 [t]", "int"
    if column == "dscr":
        return "DSCR [-]", "num2"
    return f"{column.replace('_', ' ')} [-]", "num4"


def _cash_flow_table(run: Run) -> pd.DataFrame:
    """Return the cash flows of every site and of their total, one frame with a ``site`` column."""
    flows = fin.site_cash_flows(run.tables)
    frames = []
    for site_id in run.site_ids:
        frame = flows[site_id].copy()
        frame.insert(0, "site", site_id)
        frames.append(frame)
    total = fin.combine([flows[s] for s in run.site_ids])
    total.insert(0, "site", "total")
    frames.append(total)
    return pd.concat(frames, ignore_index=True)


def write_cash_flow(w: Writer, run: Run) -> None:
    """Add the ``Cash flow`` sheet."""
    table = _cash_flow_table(run)
    units = fin.column_units([c for c in table.columns if c != "site"])
    cols = [Col("site", table["site"].tolist(), "text")]
    for column in table.columns[1:]:
        header, fmt = _cash_flow_header(column)
        values = table[column].tolist() if fmt == "text" else table[column].to_numpy(float)
        cols.append(Col(header, values, fmt, comment=f"{column}: {units.get(column, '-')}"))
    ws = w.sheet("Cash flow")
    w.table(ws, cols, freeze_cols=2)
