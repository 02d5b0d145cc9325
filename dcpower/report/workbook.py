"""Excel workbook of a run folder, for investor reports and hand checks.

:func:`write_workbook` reads only the files of a run folder (``summary.json``,
``capacities.csv``, ``costs.csv``, ``dispatch.csv``, ``profiles.csv``, ``scenario.yaml``,
``verification.json``; see docs/run-folder.md) plus the sourced input tables of
``inputs/`` (:func:`dcpower.paths.inputs_dir`), and writes one ``.xlsx`` file with the sheets
of :data:`SHEETS`. It never imports pyomo or the optimization stack.

Every figure is written as a number (never as text) with its unit in the header or row label,
e.g. ``capex [USD]``; header rows are frozen, tables have autofilters. Money is USD of the
inputs' price basis (see ``inputs/README.md``, ``currency_year``); annual figures are those of
the dispatched year, and the ``Cash flow`` sheet has the project years of
:mod:`dcpower.finance`.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
import yaml
from pydantic import BaseModel

from dcpower import finance as fin
from dcpower.availability import (
    AVAILABILITY_COLUMNS,
    availability_table,
    reliability_steps_table,
)
from dcpower.errors import DcpowerError
from dcpower.paths import inputs_dir
from dcpower.results import DISPATCH_TOTALS
from dcpower.scenario import (
    KIND_OF_CATALOGUE_ID,
    BackupFuel,
    BatteryTech,
    Economics,
    Finance,
    GasTech,
    GridConnection,
    PUEModel,
    PVTech,
    Reliability,
    Scenario,
    Site,
    WindTech,
)

#: Sheet names, in workbook order.
SHEETS = (
    "Summary",
    "Capacities",
    "Costs",
    "Cash flow",
    "Monthly energy",
    "Hourly dispatch",
    "Reliability",
    "Availability",
    "Assumptions",
)

#: Column headers of the ``Assumptions`` sheet.
ASSUMPTION_COLUMNS = (
    "section",
    "item",
    "parameter",
    "value",
    "unit",
    "status",
    "catalogue value",
    "basis",
    "source",
    "currency year",
    "note",
)

_TECH_CLASSES = {"pv": PVTech, "wind": WindTech, "battery": BatteryTech, "gas": GasTech}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNIT_IN_DESCRIPTION = re.compile(r"\s*\[([^\]]*)\]\s*$")

# Number formats by style key (xlsxwriter num_format strings).
_NUMBER_FORMATS = {
    "int": "#,##0",
    "num1": "#,##0.0",
    "num2": "#,##0.00",
    "num3": "#,##0.000",
    "num4": "0.0000",
    "pct": "0.0%",
    "pct2": "0.00%",
    "gen": "General",
}


# --------------------------------------------------------------------------- reading


@dataclass
class _Run:
    """The files of a run folder, read once."""

    folder: Path
    summary: dict
    verification: dict | None
    tables: fin.RunTables

    @property
    def scenario(self) -> Scenario:
        return self.tables.scenario

    @property
    def site_ids(self) -> list[str]:
        return list(self.scenario.sites)


def _read_run(folder: Path) -> _Run:
    """Read a run folder; raise :class:`DcpowerError` if a required file is missing."""
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise DcpowerError(f"run folder '{folder}': missing summary.json")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    verification_path = folder / "verification.json"
    verification = (
        json.loads(verification_path.read_text(encoding="utf-8"))
        if verification_path.is_file()
        else None
    )
    return _Run(folder, summary, verification, fin.read_run(folder))


# --------------------------------------------------------------------------- small helpers


def _number(value: Any) -> float | int | None:
    """Return a finite int or float, or None for missing, NaN and infinite values."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _cell(value: Any) -> Any:
    """Return a value fit for a cell: finite number, text, bool or None."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    number = _number(value)
    if number is not None or isinstance(value, float | np.floating | int | np.integer):
        return number
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _unit_of(description: str | None) -> tuple[str, str]:
    """Split a pydantic field description ``"Text. [unit]"`` into (text, unit)."""
    text = description or ""
    match = _UNIT_IN_DESCRIPTION.search(text)
    if match is None:
        return text.strip(), ""
    return text[: match.start()].strip(), match.group(1).strip()


def _same(a: Any, b: Any) -> bool:
    """Whether two input values are equal (numbers within rounding)."""
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return math.isclose(na, nb, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _commitment_text(value: Any) -> str | None:
    """Return the unit commitment of a run as text (a string, or a dict by stage)."""
    if isinstance(value, dict):
        return ", ".join(f"{stage}: {form}" for stage, form in value.items())
    return None if value is None else str(value)


def _basis_of(source: str) -> str:
    """Classify a source text: ESTIMATE, DERIVED or sourced."""
    head = source.strip().upper()
    if head.startswith("ESTIMATE"):
        return "ESTIMATE"
    if head.startswith("DERIVED"):
        return "DERIVED"
    return "sourced" if head else ""


def _value_format(value: Any) -> str:
    """Readable number format for a single value of unknown magnitude."""
    x = _number(value)
    if x is None:
        return "gen"
    if float(x).is_integer():
        return "int"
    if abs(x) >= 100:
        return "num2"
    return "gen"


# --------------------------------------------------------------------------- writing tables


@dataclass
class _Col:
    """One column of a table: header text (with unit), values, style key, optional width."""

    header: str
    values: list
    fmt: str = "gen"
    width: float | None = None
    comment: str | None = None


class _Writer:
    """Thin layer over xlsxwriter: shared formats and a fast table writer."""

    def __init__(self, path: Path):
        self.book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
        self.formats = {
            key: self.book.add_format({"num_format": spec}) for key, spec in _NUMBER_FORMATS.items()
        }
        self.formats["text"] = None
        self.formats["wrap"] = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.formats["header"] = self.book.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "bg_color": "#DCE6F1",
                "bottom": 1,
            }
        )
        self.formats["label"] = self.book.add_format({"bold": True})
        self.formats["note"] = self.book.add_format({"italic": True, "font_color": "#555555"})

    def sheet(self, name: str):
        """Add a worksheet."""
        return self.book.add_worksheet(name)

    def table(
        self,
        ws,
        cols: list[_Col],
        first_row: int = 0,
        first_col: int = 0,
        freeze_cols: int = 0,
        autofilter: bool = True,
    ) -> int:
        """Write a table with one header row; return the index of its last row."""
        header = self.formats["header"]
        n_rows = max((len(c.values) for c in cols), default=0)
        for j, col in enumerate(cols):
            c = first_col + j
            ws.write_string(first_row, c, col.header, header)
            if col.comment:
                ws.write_comment(first_row, c, col.comment, {"x_scale": 2, "y_scale": 1.5})
            self._column(ws, first_row + 1, c, col)
            ws.set_column(c, c, col.width or self._width(col))
        if first_row == 0:
            ws.freeze_panes(1, freeze_cols)
        if autofilter and cols:
            ws.autofilter(
                first_row, first_col, first_row + max(n_rows, 1), first_col + len(cols) - 1
            )
        return first_row + n_rows

    def _column(self, ws, row: int, col: int, spec: _Col) -> None:
        fmt = self.formats.get(spec.fmt)
        values = spec.values
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
            arr = values.astype(float)
            if np.isfinite(arr).all():
                write = ws.write_number
                for i, v in enumerate(arr.tolist()):
                    write(row + i, col, v, fmt)
                return
            values = [v if math.isfinite(v) else None for v in arr.tolist()]
        for i, v in enumerate(values):
            v = _cell(v)
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(
                    row + i, col, v, self.formats["wrap"] if spec.fmt == "wrap" else None
                )
            elif isinstance(v, bool):
                ws.write_boolean(row + i, col, v)
            else:
                ws.write_number(row + i, col, v, fmt)

    @staticmethod
    def _width(col: _Col) -> float:
        if col.fmt in ("text", "wrap"):
            sample = [len(str(v)) for v in list(col.values)[:500] if v is not None]
            longest = max(sample, default=8)
            limit = 70 if col.fmt == "wrap" else 45
            return float(min(max(longest + 2, len(col.header) * 0.6 + 2, 8), limit))
        return float(min(max(len(col.header) * 0.55 + 2, 12), 18))

    def close(self) -> None:
        """Write the file."""
        self.book.close()


# --------------------------------------------------------------------------- Summary


def _verification_by_site(run: _Run) -> dict[str, str]:
    v = run.verification
    if v is None:
        return {s: "not verified" for s in run.site_ids} | {"total": "not verified"}
    out = {}
    for site in run.site_ids:
        checks = [c for c in v.get("checks", []) if c.get("site") == site]
        out[site] = "passed" if all(c.get("passed") for c in checks) else "FAILED"
    out["total"] = "passed" if v.get("passed") else "FAILED"
    return out


def _summary_rows(run: _Run) -> list[tuple[str, list, str]]:
    """Rows of the Summary sheet: (label with unit, values per site then total, style)."""
    s = run.summary
    sites = run.site_ids
    site = {k: s["sites"].get(k, {}) for k in sites}
    totals = s.get("totals", {})
    fsum = s.get("finance") or {}
    fsite = {k: (fsum.get("sites") or {}).get(k, {}) for k in sites}
    ftot = fsum.get("totals") or {}
    horizon = s.get("horizon", {})
    rows: list[tuple[str, list, str]] = []

    def add(label: str, per_site: list, total: Any, fmt: str) -> None:
        rows.append((label, [*per_site, total], fmt))

    def each(key: str) -> list:
        return [site[k].get(key) for k in sites]

    def fin_row(label: str, key: str, fmt: str) -> None:
        add(label, [fsite[k].get(key) for k in sites], ftot.get(key), fmt)

    def total_of(values: list) -> float | None:
        numbers = [_number(v) for v in values]
        return None if any(n is None for n in numbers) else float(sum(numbers))

    add("Scenario", [s.get("scenario")] * len(sites), s.get("scenario"), "text")
    add("Status", each("status"), s.get("status"), "text")
    add("MIP gap [%]", [None] * len(sites), s.get("mip_gap"), "pct2")
    add("Horizon", [horizon.get("kind")] * len(sites), horizon.get("kind"), "text")
    for label, key in (
        ("Hours modelled [h]", "hours_modelled"),
        ("Hours verified [h]", "hours_verified"),
        ("Block length [h]", "block_hours"),
    ):
        add(label, [horizon.get(key)] * len(sites), horizon.get(key), "int")
    commitment = _commitment_text(s.get("commitment"))
    add("Unit commitment", [commitment] * len(sites), commitment, "text")
    ver = _verification_by_site(run)
    add("Verification", [ver[k] for k in sites], ver["total"], "text")

    add("IT capacity [MW]", each("it_capacity_mw"), total_of(each("it_capacity_mw")), "num1")
    add("IT load, mean [MW]", each("it_load_mw"), total_of(each("it_load_mw")), "num1")
    add("Peak load (sum of site peaks) [MW]", each("peak_load_mw"), None, "num1")
    rows[-1][1][-1] = total_of(each("peak_load_mw"))
    add("Annual load [MWh/yr]", each("load_mwh_per_yr"), totals.get("load_mwh_per_yr"), "int")

    gas_types: list[str] = []
    for k in sites:
        for t in site[k].get("capacity", {}).get("gas", {}):
            if t not in gas_types:
                gas_types.append(t)
    for t in gas_types:
        gas = [site[k].get("capacity", {}).get("gas", {}).get(t, {}) for k in sites]
        units = [g.get("units", 0) for g in gas]
        ratings = [g.get("unit_mw") for g in gas]
        mw = [(_number(u) or 0) * (_number(r) or 0) for u, r in zip(units, ratings, strict=True)]
        add(f"Gas units {t} [units]", units, total_of(units), "int")
        known = {r for r in ratings if r is not None}
        add(f"Gas unit rating {t} [MW]", ratings, known.pop() if len(known) == 1 else None, "num1")
        add(f"Gas capacity {t} [MW]", mw, total_of(mw), "num1")
    for label, key in (
        ("PV [MW AC]", "pv_mw"),
        ("Wind [MW]", "wind_mw"),
        ("Battery power [MW]", "battery_mw"),
        ("Battery energy [MWh]", "battery_mwh"),
    ):
        values = [site[k].get("capacity", {}).get(key) for k in sites]
        add(label, values, total_of(values), "num1")

    for label, key in (
        ("PV energy used [MWh/yr]", "pv"),
        ("Wind energy used [MWh/yr]", "wind"),
        ("Gas energy [MWh/yr]", "gas"),
        ("Battery discharge [MWh/yr]", "battery_discharge"),
    ):
        values = [site[k].get("generation_mwh_per_yr", {}).get(key) for k in sites]
        add(label, values, total_of(values), "int")
    add(
        "Curtailment [MWh/yr]",
        each("curtailment_mwh_per_yr"),
        total_of(each("curtailment_mwh_per_yr")),
        "int",
    )
    add(
        "Unserved energy [MWh/yr]",
        each("unserved_mwh_per_yr"),
        totals.get("unserved_mwh_per_yr"),
        "num1",
    )
    add(
        "Fuel, HHV [MMBtu/yr]",
        each("fuel_mmbtu_per_yr"),
        total_of(each("fuel_mmbtu_per_yr")),
        "int",
    )

    add("Overnight capex [USD]", each("capex_usd"), totals.get("capex_usd"), "int")
    add("Annual cost [USD/yr]", each("cost_usd_per_yr"), totals.get("cost_usd_per_yr"), "int")
    if any("sizing_cost_usd_per_yr" in site[k] for k in sites):
        sizing = each("sizing_cost_usd_per_yr")
        add("Annual cost of the sizing model [USD/yr]", sizing, total_of(sizing), "int")
        add(
            "Dispatch cost over sizing cost [%]",
            each("dispatch_over_sizing_cost"),
            None,
            "pct2",
        )
    add(
        "LCOE, annual cost / energy delivered [USD/MWh]",
        each("lcoe_usd_per_mwh"),
        totals.get("lcoe_usd_per_mwh"),
        "num2",
    )
    fin_row("LCOE, project life, real [USD/MWh]", "lcoe_usd_per_mwh_real", "num2")
    fin_row("LCOE, project life, nominal [USD/MWh]", "lcoe_usd_per_mwh_nominal", "num2")
    fin_row("Cost per IT energy, annual [USD/MWh IT]", "cost_usd_per_mwh_it", "num2")
    fin_row("NPV of costs at COD, real [USD]", "npv_cost_usd", "int")

    add("CO2 [t/yr]", each("co2_t_per_yr"), totals.get("co2_t_per_yr"), "int")
    fin_row("Carbon intensity [gCO2/kWh IT]", "carbon_intensity_g_per_kwh_it", "num1")
    pv_wind = [
        (_number(site[k].get("generation_mwh_per_yr", {}).get("pv")) or 0.0)
        + (_number(site[k].get("generation_mwh_per_yr", {}).get("wind")) or 0.0)
        for k in sites
    ]
    load = _number(totals.get("load_mwh_per_yr"))
    add(
        "Renewable share [%]", each("renewable_share"), sum(pv_wind) / load if load else None, "pct"
    )

    fin_row("Grid cost of the delivered load [USD/yr]", "grid_cost_usd_per_yr", "int")
    fin_row("Savings vs grid tariff [USD/yr]", "savings_vs_grid_usd_per_yr", "int")
    fin_row("Project NPV at COD, real [USD]", "npv_project_usd", "int")
    fin_row("Project IRR, real [%]", "project_irr_real", "pct")
    fin_row("Equity IRR, nominal [%]", "equity_irr_nominal", "pct")
    fin_row("Debt at COD [USD nominal]", "debt_usd_nominal", "int")
    fin_row("Minimum DSCR [-]", "dscr_min", "num2")
    fin_row("Payback [yr after COD]", "payback_year", "int")
    return rows


def _write_summary(w: _Writer, run: _Run) -> None:
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
            value = _cell(value)
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
    conventions = (run.summary.get("finance") or {}).get("conventions")
    if conventions:
        notes.append(f"Finance: {conventions}")
    row = len(rows) + 2
    ws.write_string(row, 0, notes[0], w.formats["label"])
    for k, text in enumerate(notes[1:], start=1):
        ws.write_string(row + k, 0, text, w.formats["note"])


# --------------------------------------------------------------------------- Capacities


def _dispatch_energy(d: pd.DataFrame, column: str) -> float | None:
    """Annual energy of a dispatch column [MWh/yr], or None if the column is absent."""
    if column not in d:
        return None
    return float(np.sum(d[column].to_numpy(float) * d["weight_h"].to_numpy(float)))


def _write_capacities(w: _Writer, run: _Run) -> None:
    caps = run.tables.capacities
    disp = run.tables.dispatch
    scen = run.scenario
    fsites = (run.summary.get("finance") or {}).get("sites") or {}
    rows = []
    for (site_id, tech_id), group in caps.groupby(["site", "technology"], sort=False):
        by_unit = group.groupby("unit")["capacity"].sum()
        tech = scen.technologies.get(tech_id)
        kind = str(group["kind"].iloc[0])
        d = disp[disp["site"] == site_id]
        column = {
            "pv": f"pv_mw_{tech_id}",
            "wind": f"wind_mw_{tech_id}",
            "gas": f"gas_mw_{tech_id}",
            "battery": "battery_discharge_mw",
        }.get(kind, "")
        energy = _dispatch_energy(d, column)
        mw = by_unit.get("MW")
        cf = energy / (float(mw) * 8760.0) if energy is not None and mw and mw > 0 else None
        capex = (fsites.get(site_id, {}).get("capex_by_technology_usd") or {}).get(tech_id)
        rows.append(
            {
                "site": site_id,
                "technology": tech_id,
                "kind": kind,
                "mw": by_unit.get("MW"),
                "mwh": by_unit.get("MWh"),
                "units": by_unit.get("units"),
                "unit_mw": getattr(tech, "unit_mw", None),
                "capex": capex,
                "lifetime": getattr(tech, "lifetime_yr", None),
                "energy": energy,
                "cf": cf,
            }
        )
    t = pd.DataFrame(rows)

    def col(key: str) -> list:
        return t[key].tolist() if key in t else []

    cols = [
        _Col("site", col("site"), "text"),
        _Col("technology", col("technology"), "text"),
        _Col("kind", col("kind"), "text"),
        _Col("power [MW]", col("mw"), "num1"),
        _Col("energy capacity [MWh]", col("mwh"), "num1"),
        _Col("units built [units]", col("units"), "int"),
        _Col("unit rating [MW]", col("unit_mw"), "num1"),
        _Col("overnight capex [USD]", col("capex"), "int"),
        _Col("lifetime [yr]", col("lifetime"), "num1"),
        _Col(
            "energy [MWh/yr]",
            col("energy"),
            "int",
            comment="PV and wind: energy used (after curtailment); gas: output; battery: "
            "discharge. From dispatch.csv x weight_h.",
        ),
        _Col("capacity factor [%]", col("cf"), "pct"),
    ]
    w.table(w.sheet("Capacities"), cols, freeze_cols=2)


# --------------------------------------------------------------------------- Costs


def _write_costs(w: _Writer, run: _Run) -> None:
    costs = run.tables.costs
    kinds = {t: tech.kind for t, tech in run.scenario.technologies.items()}
    site_cost = costs.groupby("site")["usd_per_yr"].sum()
    loads = {k: _number(v.get("load_mwh_per_yr")) for k, v in run.summary["sites"].items()}
    usd = costs["usd_per_yr"].to_numpy(float)
    share = [
        u / site_cost[s] if site_cost[s] else None for s, u in zip(costs["site"], usd, strict=True)
    ]
    per_mwh = [
        u / loads[s] if loads.get(s) else None for s, u in zip(costs["site"], usd, strict=True)
    ]
    cols = [
        _Col("site", costs["site"].tolist(), "text"),
        _Col("technology", costs["technology"].tolist(), "text"),
        _Col("kind", [kinds.get(t, "") for t in costs["technology"]], "text"),
        _Col(
            "component",
            costs["component"].tolist(),
            "text",
            comment="capex = overnight capex annualized with the capital recovery factor of the "
            "WACC and the technology's lifetime; fuel, O&M, carbon and start-ups of the "
            "dispatched year.",
        ),
        _Col("cost [USD/yr]", usd, "int"),
        _Col("share of site cost [%]", share, "pct"),
        _Col("cost per MWh delivered [USD/MWh]", per_mwh, "num2"),
    ]
    w.table(w.sheet("Costs"), cols, freeze_cols=1)


# --------------------------------------------------------------------------- Cash flow


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
    "cfads": "CFADS",
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


def _write_cash_flow(w: _Writer, run: _Run) -> None:
    flows = fin.site_cash_flows(run.tables)
    frames = []
    for site_id in run.site_ids:
        frame = flows[site_id].copy()
        frame.insert(0, "site", site_id)
        frames.append(frame)
    total = fin.combine([flows[s] for s in run.site_ids])
    total.insert(0, "site", "total")
    frames.append(total)
    table = pd.concat(frames, ignore_index=True)
    units = fin.column_units([c for c in table.columns if c != "site"])
    cols = [_Col("site", table["site"].tolist(), "text")]
    for column in table.columns[1:]:
        header, fmt = _cash_flow_header(column)
        values = table[column].tolist() if fmt == "text" else table[column].to_numpy(float)
        cols.append(_Col(header, values, fmt, comment=f"{column}: {units.get(column, '-')}"))
    ws = w.sheet("Cash flow")
    w.table(ws, cols, freeze_cols=2)


# --------------------------------------------------------------------------- Monthly energy

_MONTHLY = (
    ("load [MWh]", "load_mw"),
    ("PV [MWh]", "pv_mw"),
    ("wind [MWh]", "wind_mw"),
    ("gas [MWh]", "gas_mw"),
    ("grid import [MWh]", "grid_mw"),
    ("battery discharge [MWh]", "battery_discharge_mw"),
    ("battery charge [MWh]", "battery_charge_mw"),
    ("curtailment [MWh]", "curtailment_mw"),
    ("unserved [MWh]", "unserved_mw"),
    ("fuel, HHV [MMBtu]", "fuel_mmbtu_per_h"),
)


def monthly_energy(dispatch: pd.DataFrame, co2_kg_per_mmbtu: float) -> pd.DataFrame:
    """Energy by site and calendar month of the local time stamps.

    Parameters
    ----------
    dispatch : pd.DataFrame
        ``dispatch.csv`` of a run (``site``, ``time``, power columns [MW], ``weight_h``).
    co2_kg_per_mmbtu : float
        Emission factor of the gas, HHV. [kgCO2/MMBtu]

    Returns
    -------
    pd.DataFrame
        ``site, month`` (1-12) and, per month, ``hours`` [h] (sum of ``weight_h``), each
        dispatch column of :data:`_MONTHLY` times ``weight_h`` [MWh; fuel: MMBtu] and ``co2_t``
        [t]. Sites keep their order of appearance.
    """
    d = dispatch
    weight = d["weight_h"].to_numpy(float)
    data = {
        "site": d["site"].to_numpy(),
        "month": d["time"].astype(str).str.slice(5, 7).astype(int).to_numpy(),
        "hours": weight,
    }
    for _, column in _MONTHLY:
        data[column] = d[column].to_numpy(float) * weight if column in d else np.zeros(len(d))
    frame = pd.DataFrame(data)
    out = frame.groupby(["site", "month"], sort=False).sum().reset_index()
    order = {s: i for i, s in enumerate(pd.unique(d["site"]))}
    out = out.sort_values(["site", "month"], key=lambda c: c.map(order) if c.name == "site" else c)
    out["co2_t"] = out["fuel_mmbtu_per_h"] * co2_kg_per_mmbtu / 1000.0
    return out.reset_index(drop=True)


def _write_monthly(w: _Writer, run: _Run) -> None:
    m = monthly_energy(run.tables.dispatch, run.scenario.economics.co2_kg_per_mmbtu)
    cols = [
        _Col("site", m["site"].tolist(), "text"),
        _Col("month [1-12]", m["month"].to_numpy(), "int"),
        _Col("month", [_MONTHS[i - 1] for i in m["month"]], "text"),
        _Col(
            "hours represented [h]",
            m["hours"].to_numpy(),
            "num1",
            comment="Sum of weight_h: with a window or blocks horizon each modelled hour "
            "stands for weight_h hours of the year, so a month's figures can stand for more "
            "than the month.",
        ),
    ]
    for header, column in _MONTHLY:
        cols.append(_Col(header, m[column].to_numpy(), "int"))
    cols.append(_Col("CO2 [t]", m["co2_t"].to_numpy(), "int"))
    w.table(w.sheet("Monthly energy"), cols, freeze_cols=3)


# --------------------------------------------------------------------------- Hourly dispatch

_DISPATCH_FIRST = ("site", "time", "load_mw", *DISPATCH_TOTALS, "unserved_mw", "weight_h")


def _dispatch_header(column: str) -> tuple[str, str]:
    """Header text with unit, and style key, of a ``dispatch.csv`` column."""
    if column == "site":
        return "site", "text"
    if column == "time":
        return "time (local, ISO 8601)", "text"
    for prefix, kind in (("pv_mw_", "PV"), ("wind_mw_", "wind"), ("gas_mw_", "gas")):
        if column.startswith(prefix):
            return f"{kind} {column[len(prefix) :]} [MW]", "num2"
    if column.startswith("gas_units_online_"):
        return f"units online {column[len('gas_units_online_') :]} [units]", "num2"
    if column.startswith("gas_startups_"):
        return f"start-ups {column[len('gas_startups_') :]} [starts]", "num2"
    if column == "gas_units_online":
        return "gas units online [units]", "num2"
    if column == "fuel_mmbtu_per_h":
        return "fuel, HHV [MMBtu/h]", "num2"
    if column == "weight_h":
        return "weight [h]", "num2"
    if column == "battery_soc_mwh":
        return "battery state of charge, end of hour [MWh]", "num2"
    if column.endswith("_mwh"):
        return f"{column[:-4].replace('_', ' ')} [MWh]", "num2"
    if column.endswith("_mw"):
        return f"{column[:-3].replace('_', ' ')} [MW]", "num2"
    return column, "gen"


def _write_dispatch(w: _Writer, run: _Run) -> None:
    d = run.tables.dispatch
    order = [c for c in _DISPATCH_FIRST if c in d] + [c for c in d if c not in _DISPATCH_FIRST]
    cols = []
    for column in order:
        header, fmt = _dispatch_header(column)
        if fmt == "text" or d[column].dtype.kind not in "fiub":
            values = d[column].astype(str).tolist()
            fmt = "text"
        else:
            values = d[column].to_numpy(float)
        width = 27.0 if column == "time" else None
        cols.append(_Col(header, values, fmt, width=width, comment=column))
    w.table(w.sheet("Hourly dispatch"), cols, freeze_cols=2)


# --------------------------------------------------------------------------- Reliability


def _write_reliability(w: _Writer, run: _Run) -> None:
    ws = w.sheet("Reliability")
    checks = (run.verification or {}).get("checks", [])
    cols = [
        _Col("site", [c.get("site") for c in checks], "text"),
        _Col("check", [c.get("check") for c in checks], "text", width=50),
        _Col("result", ["pass" if c.get("passed") else "FAIL" for c in checks], "text"),
        _Col("worst hour (local)", [c.get("worst_time") for c in checks], "text", width=27),
        _Col(
            "margin [unit]",
            [c.get("margin") for c in checks],
            "num3",
            comment="Distance from failing at the worst hour, in the unit of the next column "
            "(negative within the tolerance = numerical noise).",
        ),
        _Col("unit", [c.get("unit") for c in checks], "text"),
        _Col("detail", [c.get("detail") for c in checks], "wrap", width=70),
    ]
    w.table(ws, cols, freeze_cols=2)

    rel = run.scenario.reliability
    settings: list[tuple[str, Any, str]] = []
    for name, info in Reliability.model_fields.items():
        _, unit = _unit_of(info.description)
        settings.append((name, getattr(rel, name), unit or "-"))
    summary_rel = run.summary.get("reliability") or {}
    if "n_minus_1_form" in summary_rel:
        settings.append(("N-1 form (summary.json)", summary_rel["n_minus_1_form"], "-"))
    settings.append(("unit commitment", _commitment_text(run.summary.get("commitment")), "-"))
    v = run.verification or {}
    settings.append(("verification tolerance", v.get("tolerance_mw"), "MW"))
    settings.append(("checks", len(checks), "checks"))
    settings.append(("checks failed", sum(1 for c in checks if not c.get("passed")), "checks"))
    settings.append(("verification", "passed" if v.get("passed") else "FAILED", "-"))
    first = len(cols) + 1
    header = w.formats["header"]
    for j, title in enumerate(("reliability setting", "value", "unit")):
        ws.write_string(0, first + j, title, header)
    for i, (name, value, unit) in enumerate(settings, start=1):
        ws.write_string(i, first, name, w.formats["label"])
        value = _cell(value)
        if isinstance(value, str):
            ws.write_string(i, first + 1, value)
        elif isinstance(value, bool):
            ws.write_boolean(i, first + 1, value)
        elif value is not None:
            ws.write_number(i, first + 1, value, w.formats[_value_format(value)])
        ws.write_string(i, first + 2, unit)
    ws.set_column(first - 1, first - 1, 3)
    ws.set_column(first, first, 30)
    ws.set_column(first + 1, first + 1, 22)
    ws.set_column(first + 2, first + 2, 10)


def _write_availability(w: _Writer, run: _Run) -> None:
    """Monte Carlo availability per site and, with a target, the cost of each step of N+k."""
    rel = run.summary.get("reliability") or {}
    result = rel.get("availability")
    if not result:
        return
    ws = w.sheet("Availability")
    table = availability_table(result)
    formats = {"site": "text", "gas_units": "text", "tier_at_ci95_low": "text"}
    cols = [
        _Col(
            f"{name} [{unit}]" if unit else name,
            table[name].tolist(),
            formats.get(name, "num4" if unit == "%" else "num3"),
            width=28 if name == "gas_units" else None,
        )
        for name, unit in AVAILABILITY_COLUMNS.items()
    ]
    last = w.table(ws, cols, freeze_cols=1)
    note = (
        f"Sequential Monte Carlo, {result.get('years')} years, seed {result.get('seed')}: "
        "failures and repairs of every gas unit against the dispatched year; 95 % intervals "
        "of the mean; Tier at the lower end of the availability interval."
    )
    ws.write_string(last + 2, 0, note)
    curves = rel.get("cost_of_reliability")
    if not curves:
        return
    steps = reliability_steps_table(curves)
    cols = [
        _Col("site", steps["site"].tolist(), "text"),
        _Col("redundancy k", steps["redundancy_k"].tolist(), "int"),
        _Col("gas units", steps["gas_units"].tolist(), "text", width=24),
        _Col("cost [USD/yr]", steps["cost_usd_per_yr"].tolist(), "int"),
        _Col("extra cost [USD/yr]", steps["extra_cost_usd_per_yr"].tolist(), "int"),
        _Col("LOLE [h/yr]", steps["lole_h_per_yr"].tolist(), "num3"),
        _Col("availability [%]", steps["availability_pct"].tolist(), "num4"),
        _Col("Tier (95 % lower end)", steps["tier_met"].tolist(), "text"),
        _Col("chosen", ["chosen" if c else "" for c in steps["chosen"]], "text"),
    ]
    w.table(ws, cols, first_row=last + 4, autofilter=False)


# --------------------------------------------------------------------------- Assumptions


def _catalogue(name: str) -> pd.DataFrame:
    """Read a long-form input table of ``inputs/`` (strings kept as text, blanks as '')."""
    table = pd.read_csv(inputs_dir() / name, dtype=str, keep_default_na=False)
    return table


def _catalogue_rows(table: pd.DataFrame, owner: str) -> dict[str, dict]:
    rows = table[table["technology"] == owner]
    return {r["parameter"]: r for r in rows.to_dict("records")}


def _default_of(cls: type[BaseModel], name: str) -> tuple[bool, Any]:
    """Return (has a default, default value) of a pydantic field."""
    info = cls.model_fields[name]
    if info.default_factory is not None:
        return True, info.default_factory()
    if info.is_required():
        return False, None
    return True, info.default


_ESTIMATED_DEFAULTS = {
    PUEModel: "ESTIMATE: dcpower default PUE curve, no cited curve found (new-build "
    "hyperscale hall with water-side economizer; see PUEModel in dcpower/scenario.py and "
    "dcpower/resource/load.py)",
}


class _Assumptions:
    """Rows of the Assumptions sheet."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.rows: list[dict] = []

    def add(self, **row: Any) -> None:
        row.setdefault("basis", _basis_of(str(row.get("source", ""))))
        self.rows.append(row)

    def reference_row(
        self, section: str, item: str, parameter: str, row: dict, status: str
    ) -> None:
        """Add a catalogue row that the model does not read, with its own source."""
        self.add(
            section=section,
            item=item,
            parameter=parameter,
            value=_number(row["value"]),
            unit=row["unit"],
            status=status,
            catalogue_value=_number(row["value"]),
            source=row["source"],
            currency_year=row["currency_year"],
            note=row["note"],
        )

    def catalogue_value(
        self,
        section: str,
        item: str,
        parameter: str,
        value: Any,
        cat: dict | None,
        cls: type[BaseModel] | None = None,
        field: str | None = None,
        default_status: str = "catalogue",
    ) -> None:
        """Add a resolved value, compared with its catalogue row (or the model default)."""
        name = self.scenario.name
        description, unit = ("", "")
        if cls is not None and field is not None:
            description, unit = _unit_of(cls.model_fields[field].description)
        if cat is not None:
            cat_value = _number(cat["value"])
            if _same(value, cat_value):
                status, source = default_status, cat["source"]
                note = cat.get("note", "")
            else:
                status = "scenario override"
                source = (
                    f"scenario '{name}' (scenario.yaml of the run); the catalogue value "
                    f"{cat['value']} {cat['unit']} is sourced as: {cat['source']}"
                )
                note = cat.get("note", "")
            self.add(
                section=section,
                item=item,
                parameter=parameter,
                value=value,
                unit=cat.get("unit") or unit,
                status=status,
                catalogue_value=cat_value,
                source=source,
                currency_year=cat.get("currency_year", ""),
                note=note,
                basis=_basis_of(source) if status != "scenario override" else "scenario",
            )
            return
        has_default, default = (False, None)
        if cls is not None and field is not None:
            has_default, default = _default_of(cls, field)
        if has_default and _same(value, default):
            source = _ESTIMATED_DEFAULTS.get(cls) or (
                f"dcpower default ({cls.__name__}.{field} in dcpower/scenario.py): {description}"
            )
            status = "model default"
        else:
            source = f"scenario '{name}' (scenario.yaml of the run): {description}".rstrip(": ")
            status = "scenario input" if not has_default else "scenario override"
        self.add(
            section=section,
            item=item,
            parameter=parameter,
            value=value,
            unit=unit,
            status=status,
            catalogue_value=None,
            source=source,
            currency_year="",
            note="none = no limit / library default" if value is None else "",
            basis="ESTIMATE" if source.startswith("ESTIMATE") else status,
        )

    def model_section(
        self, section: str, item: str, model: BaseModel, skip: tuple[str, ...] = ()
    ) -> None:
        """Every field of a scenario section without a catalogue (model defaults or inputs)."""
        cls = type(model)
        for field in cls.model_fields:
            if field in skip:
                continue
            value = getattr(model, field)
            if isinstance(value, BaseModel):
                continue
            if isinstance(value, list | tuple) and value and len(value) > 1:
                has_default, default = _default_of(cls, field)
                status = "model default" if has_default and value == default else "scenario input"
                description, unit = _unit_of(cls.model_fields[field].description)
                source = _ESTIMATED_DEFAULTS.get(cls) or (
                    f"dcpower default ({cls.__name__}.{field})"
                    if status == "model default"
                    else f"scenario '{self.scenario.name}' (scenario.yaml of the run)"
                )
                self.add(
                    section=section,
                    item=item,
                    parameter=f"{field} (mean)",
                    value=float(np.mean(value)),
                    unit=unit,
                    status=status,
                    catalogue_value=None,
                    source=f"{source}: {description}",
                    currency_year="",
                    note="values: " + ", ".join(f"{v:g}" for v in value),
                    basis="ESTIMATE" if source.startswith("ESTIMATE") else status,
                )
                continue
            if isinstance(value, Path):
                value = str(value)
            self.catalogue_value(section, item, field, value, None, cls, field)


def _infer_catalogue_id(tech: BaseModel, techs: pd.DataFrame) -> str | None:
    """Return the catalogue id of the same kind whose figures the scenario's match best."""
    best, best_hits = None, 0
    for owner in techs["technology"].unique():
        if KIND_OF_CATALOGUE_ID.get(owner) != tech.kind:
            continue
        rows = _catalogue_rows(techs, owner)
        fields = [p for p in rows if p in type(tech).model_fields]
        if not fields:
            continue
        hits = sum(_same(getattr(tech, p), _number(rows[p]["value"])) for p in fields)
        if hits * 2 > len(fields) and hits > best_hits:
            best, best_hits = owner, hits
    return best


def _climate_file(climate: str) -> Path | None:
    embedded = inputs_dir() / "sites" / f"{climate.lower()}.yaml"
    if embedded.is_file():
        return embedded
    path = Path(climate)
    return path if path.suffix in (".yaml", ".yml") and path.is_file() else None


_CLIMATE_UNITS = {
    "latitude": "deg N",
    "longitude": "deg E",
    "altitude_m": "m",
    "timezone": "-",
    "wind_height_m": "m",
    "roughness_length_m": "m",
    "ghi_kwh_per_m2": "kWh/m2 per year (sum of months)",
    "temp_air_mean_c": "degC (mean of months)",
    "temp_air_diurnal_range_c": "degC (mean of months)",
    "wind_speed_mean_m_per_s": "m/s (mean of months)",
    "wind_weibull_k": "- (mean of months)",
}


def _climate_rows(a: _Assumptions, site_id: str, climate: str) -> None:
    path = _climate_file(climate)
    if path is None:
        a.add(
            section="site climate",
            item=site_id,
            parameter="climate",
            value=climate,
            unit="-",
            status="scenario input",
            catalogue_value=None,
            source=f"site file '{climate}' of the scenario (not readable from the run folder)",
            currency_year="",
            note="",
        )
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sources = data.get("sources") or {}
    estimates = data.get("estimates") or {}
    where = f"inputs/sites/{path.name}" if path.parent == inputs_dir() / "sites" else str(path)
    for key, value in data.items():
        if key in ("name", "sources", "estimates", "notes"):
            continue
        note = ""
        if isinstance(value, list):
            numbers = [_number(v) for v in value]
            if any(n is None for n in numbers) or not numbers:
                continue
            total = key == "ghi_kwh_per_m2"
            cell = float(np.sum(numbers) if total else np.mean(numbers))
            note = "monthly Jan..Dec: " + ", ".join(f"{v:g}" for v in numbers)
        else:
            cell = value
        source = str(sources.get(key, "")).strip()
        estimate = str(estimates.get(key, "")).strip()
        if estimate:
            note = f"ESTIMATE: {estimate}" + (f"; {note}" if note else "")
        if not source:
            source = f"ESTIMATE: {estimate}" if estimate else f"{where} (no source recorded)"
        a.add(
            section="site climate",
            item=site_id,
            parameter=key,
            value=cell,
            unit=_CLIMATE_UNITS.get(key, "-"),
            status="site file",
            catalogue_value=None,
            source=source,
            currency_year="",
            note=note,
            basis="ESTIMATE" if estimate else _basis_of(source),
        )
    if data.get("notes"):
        a.add(
            section="site climate",
            item=site_id,
            parameter="notes",
            value=None,
            unit="",
            status="site file",
            catalogue_value=None,
            source=where,
            currency_year="",
            note=str(data["notes"]).strip(),
            basis="",
        )


def assumption_rows(run_dir: str | Path) -> list[dict]:
    """Every input figure of a run with its unit, status and source (the Assumptions sheet).

    Parameters
    ----------
    run_dir : str or Path
        A run folder (its ``scenario.yaml`` and ``summary.json`` are read) .

    Returns
    -------
    list of dict
        One dict per figure with the keys of :data:`ASSUMPTION_COLUMNS` (spaces as
        underscores).
    """
    return _assumption_rows(_read_run(Path(run_dir)))


def _assumption_rows(run: _Run) -> list[dict]:
    scen = run.scenario
    a = _Assumptions(scen)
    techs = _catalogue("technologies.csv")
    econ = _catalogue("economics.csv")
    fcat = _catalogue("finance.csv")

    used = []
    for site in scen.sites.values():
        for t in site.technologies:
            if t not in used:
                used.append(t)
    catalogue_ids = set(techs["technology"])
    for tech_id in used:
        tech = scen.technologies[tech_id]
        cls = _TECH_CLASSES[tech.kind]
        owner = tech_id if tech_id in catalogue_ids else _infer_catalogue_id(tech, techs)
        rows = _catalogue_rows(techs, owner) if owner else {}
        status = "catalogue" if owner == tech_id else f"catalogue ({owner})"
        for field in cls.model_fields:
            if field == "kind":
                continue
            value = getattr(tech, field)
            if field == "mounting" and owner == "pv_single_axis" and value == "single_axis":
                a.add(
                    section="technology",
                    item=tech_id,
                    parameter=field,
                    value=value,
                    unit="-",
                    status=status,
                    catalogue_value=None,
                    source="catalogue id pv_single_axis of inputs/technologies.csv: the NREL "
                    "ATB 2024 utility PV reference system is single-axis tracking",
                    currency_year="",
                    note="set by dcpower.scenario for the pv_single_axis catalogue entry",
                    basis="catalogue",
                )
                continue
            a.catalogue_value(
                "technology", tech_id, field, value, rows.get(field), cls, field, status
            )
        for parameter, row in rows.items():
            if parameter not in cls.model_fields:
                a.reference_row(
                    "technology", tech_id, parameter, row, "catalogue (not a model input)"
                )

    econ_rows = _catalogue_rows(econ, "economics")
    for field in Economics.model_fields:
        a.catalogue_value(
            "economics",
            "all sites",
            field,
            getattr(scen.economics, field),
            econ_rows.get(field),
            Economics,
            field,
        )
    wacc_nominal = (run.summary.get("finance") or {}).get("wacc_nominal")
    if wacc_nominal is not None:
        a.add(
            section="economics",
            item="all sites",
            parameter="wacc_nominal",
            value=wacc_nominal,
            unit="per unit, nominal",
            status="derived",
            catalogue_value=None,
            source="DERIVED: (1 + wacc) x (1 + finance.inflation) - 1 (dcpower.finance)",
            currency_year="",
            note="discounts the nominal cash flows",
        )
    for parameter, row in econ_rows.items():
        if parameter not in Economics.model_fields:
            a.reference_row(
                "economics", "reference", parameter, row, "catalogue, reference (not a model input)"
            )
    dual_fuel = any(getattr(scen.technologies[t], "dual_fuel", False) for t in used)
    if dual_fuel and scen.reliability.gas_outage_hours > 0:
        fuel_rows = _catalogue_rows(_catalogue("backup_fuel.csv"), "backup_fuel")
        for field in BackupFuel.model_fields:
            value = getattr(scen.backup_fuel, field)
            a.catalogue_value(
                "backup fuel", "all sites", field, value, fuel_rows.get(field), BackupFuel, field
            )
    tariffs = _catalogue("grid_tariffs.csv")
    for site_id, site in scen.sites.items():
        if site.grid is None:
            continue
        rows = _catalogue_rows(tariffs, site.grid.tariff)
        for field in GridConnection.model_fields:
            value = getattr(site.grid, field)
            a.catalogue_value("grid", site_id, field, value, rows.get(field), GridConnection, field)
    for site_id, site in scen.sites.items():
        rows = _catalogue_rows(econ, Path(site.climate).stem.lower())
        for field in ("gas_price_usd_per_mmbtu", "carbon_price_usd_per_t"):
            a.catalogue_value(
                "economics", site_id, field, getattr(site, field), rows.get(field), Site, field
            )
        for parameter, row in rows.items():
            if parameter not in Site.model_fields:
                a.reference_row(
                    "economics", site_id, parameter, row, "catalogue, reference (not a model input)"
                )

    frows = _catalogue_rows(fcat, "finance")
    for field in Finance.model_fields:
        value = getattr(scen.finance, field)
        if field == "capex_schedule":
            for i, share in enumerate(value, start=1):
                name = f"capex_schedule_year_{i}"
                a.catalogue_value("finance", "all sites", name, share, frows.get(name), None)
                if name not in frows:
                    a.rows[-1]["unit"] = "share of overnight capex"
            if len(value) != sum(p.startswith("capex_schedule_year_") for p in frows):
                a.rows[-1]["status"] = "scenario override"
            continue
        a.catalogue_value("finance", "all sites", field, value, frows.get(field), Finance, field)

    for site_id, site in scen.sites.items():
        a.model_section("data center", site_id, site.data_center)
        a.model_section("data center", site_id, site.data_center.pue)
        a.model_section("site", site_id, site, skip=("technologies", *_SITE_ECONOMICS))
        _climate_rows(a, site_id, site.climate)
    a.model_section("settings", "reliability", scen.reliability)
    a.model_section("settings", "time horizon", scen.time)
    a.model_section("settings", "solver", scen.solver)
    return a.rows


_SITE_ECONOMICS = ("gas_price_usd_per_mmbtu", "carbon_price_usd_per_t")


def _write_assumptions(w: _Writer, run: _Run) -> None:
    rows = _assumption_rows(run)

    def col(key: str) -> list:
        return [r.get(key) for r in rows]

    values = col("value")
    ws = w.sheet("Assumptions")
    cols = [
        _Col("section", col("section"), "text"),
        _Col("item", col("item"), "text"),
        _Col("parameter", col("parameter"), "text", width=34),
        _Col("value", [], "gen", width=14),
        _Col("unit", col("unit"), "text", width=24),
        _Col(
            "status",
            col("status"),
            "text",
            width=22,
            comment="catalogue = value of inputs/*.csv as used; scenario override = the "
            "scenario's value differs from the catalogue (or the dcpower default); model "
            "default = dcpower's built-in default; scenario input = given by the scenario.",
        ),
        _Col("catalogue value", col("catalogue_value"), "gen", width=14),
        _Col("basis", col("basis"), "text", width=11),
        _Col("source", col("source"), "wrap", width=80),
        _Col("currency year", [_number(v) for v in col("currency_year")], "gen", width=10),
        _Col("note", col("note"), "wrap", width=60),
    ]
    w.table(ws, cols, freeze_cols=3)
    # Values of different magnitude: a number format per cell.
    for i, value in enumerate(values, start=1):
        value = _cell(value)
        if value is None:
            continue
        if isinstance(value, str):
            ws.write_string(i, 3, value)
        elif isinstance(value, bool):
            ws.write_boolean(i, 3, value)
        else:
            ws.write_number(i, 3, value, w.formats[_value_format(value)])
    for i, value in enumerate(col("catalogue_value"), start=1):
        if _number(value) is not None:
            ws.write_number(i, 6, _number(value), w.formats[_value_format(value)])


# --------------------------------------------------------------------------- entry point


def write_workbook(run_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write an Excel workbook of a run folder.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` (see docs/run-folder.md).
    path : str or Path, optional
        Where to write the ``.xlsx`` file; default ``run_dir / "results.xlsx"``. The file is
        written under a temporary name and renamed, so a failure leaves no partial workbook.

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    DcpowerError
        If the run folder lacks one of its files.

    Notes
    -----
    Sheets (:data:`SHEETS`): ``Summary`` (headline figures per site and in total),
    ``Capacities``, ``Costs`` (per site, technology and component), ``Cash flow`` (year by
    year per site and in total, :func:`dcpower.finance.site_cash_flows`), ``Monthly energy``
    (``dispatch.csv`` x ``weight_h`` by calendar month), ``Hourly dispatch`` (``dispatch.csv``),
    ``Reliability`` (the checks of ``verification.json`` and the scenario's reliability
    settings), ``Availability`` (the Monte Carlo per site and any cost-of-reliability steps;
    only when the availability was simulated) and ``Assumptions`` (every input figure with
    its unit, status and source; see :func:`assumption_rows`).
    """
    folder = Path(run_dir)
    out = Path(path) if path is not None else folder / "results.xlsx"
    run = _read_run(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.xlsx")
    try:
        w = _Writer(tmp)
        w.book.set_properties(
            {
                "title": f"dcpower results: {run.scenario.name}",
                "subject": "Data-center power plant sizing",
                "comments": f"Written by dcpower.report.workbook from {folder.resolve()}",
            }
        )
        _write_summary(w, run)
        _write_capacities(w, run)
        _write_costs(w, run)
        _write_cash_flow(w, run)
        _write_monthly(w, run)
        _write_dispatch(w, run)
        _write_reliability(w, run)
        _write_availability(w, run)
        _write_assumptions(w, run)
        w.close()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
