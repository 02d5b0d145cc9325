"""The ``Reliability`` and ``Availability`` sheets of the workbook.

``Reliability``: the checks of ``verification.json`` and the reliability settings;
``Availability``: the Monte Carlo availability and the cost of each step of N+k.
"""

from __future__ import annotations

from typing import Any

from dcpower.availability import (
    AVAILABILITY_COLUMNS,
    availability_table,
    reliability_steps_table,
)
from dcpower.report.tables import commitment_text
from dcpower.report.workbook.format import Col, Writer, unit_of
from dcpower.report.workbook.read import Run
from dcpower.scenario import Reliability

# --------------------------------------------------------------------------- Reliability


def _check_columns(checks: list[dict]) -> list[Col]:
    """Return the columns of the checks of ``verification.json``, one row each."""
    return [
        Col("site", [c.get("site") for c in checks], "text"),
        Col("check", [c.get("check") for c in checks], "text", width=50),
        Col("result", ["pass" if c.get("passed") else "FAIL" for c in checks], "text"),
        Col("worst hour (local)", [c.get("worst_time") for c in checks], "text", width=27),
        Col(
            "margin [unit]",
            [c.get("margin") for c in checks],
            "num3",
            comment="Distance from failing at the worst hour, in the unit of the next column "
            "(negative within the tolerance = numerical noise).",
        ),
        Col("unit", [c.get("unit") for c in checks], "text"),
        Col("detail", [c.get("detail") for c in checks], "wrap", width=70),
    ]


def _settings(run: Run, checks: list[dict]) -> list[tuple[str, Any, str]]:
    """Return (name, value, unit) of the scenario's reliability settings and the verification."""
    rel = run.scenario.reliability
    settings: list[tuple[str, Any, str]] = []
    for name, info in Reliability.model_fields.items():
        _, unit = unit_of(info.description)
        settings.append((name, getattr(rel, name), unit or "-"))
    summary_rel = run.summary.reliability
    if "n_minus_1_form" in summary_rel.model_fields_set:
        settings.append(("N-1 form (summary.json)", summary_rel.n_minus_1_form, "-"))
    settings.append(("unit commitment", commitment_text(run.summary.commitment), "-"))
    v = run.verification or {}
    settings.append(("verification tolerance", v.get("tolerance_mw"), "MW"))
    settings.append(("checks", len(checks), "checks"))
    settings.append(("checks failed", sum(1 for c in checks if not c.get("passed")), "checks"))
    settings.append(("verification", "passed" if v.get("passed") else "FAILED", "-"))
    return settings


def _write_settings(w: Writer, ws, first: int, settings: list[tuple[str, Any, str]]) -> None:
    """Write the settings as a small table of three columns from column ``first``."""
    header = w.formats["header"]
    for j, title in enumerate(("reliability setting", "value", "unit")):
        ws.write_string(0, first + j, title, header)
    for i, (name, value, unit) in enumerate(settings, start=1):
        ws.write_string(i, first, name, w.formats["label"])
        w.value(ws, i, first + 1, value)
        ws.write_string(i, first + 2, unit)
    ws.set_column(first - 1, first - 1, 3)
    ws.set_column(first, first, 30)
    ws.set_column(first + 1, first + 1, 22)
    ws.set_column(first + 2, first + 2, 10)


def write_reliability(w: Writer, run: Run) -> None:
    """Add the ``Reliability`` sheet: the checks, and the settings beside them."""
    ws = w.sheet("Reliability")
    checks = (run.verification or {}).get("checks", [])
    cols = _check_columns(checks)
    w.table(ws, cols, freeze_cols=2)
    _write_settings(w, ws, len(cols) + 1, _settings(run, checks))


# --------------------------------------------------------------------------- Availability


def _step_columns(curves: Any) -> list[Col]:
    """Return the columns of the cost-of-reliability steps of every site, one row each."""
    steps = reliability_steps_table(curves)
    return [
        Col("site", steps["site"].tolist(), "text"),
        Col("redundancy k", steps["redundancy_k"].tolist(), "int"),
        Col("gas units", steps["gas_units"].tolist(), "text", width=24),
        Col("cost [USD/yr]", steps["cost_usd_per_yr"].tolist(), "int"),
        Col("extra cost [USD/yr]", steps["extra_cost_usd_per_yr"].tolist(), "int"),
        Col("LOLE, criterion statistic [h/yr]", steps["lole_h_per_yr"].tolist(), "num3"),
        Col("meets criterion", ["yes" if m else "no" for m in steps["meets_criterion"]], "text"),
        Col("chosen", ["chosen" if c else "" for c in steps["chosen"]], "text"),
    ]


def write_availability(w: Writer, run: Run) -> None:
    """Monte Carlo availability per site and, with a target, the cost of each step of N+k."""
    rel = run.summary.reliability
    result = rel.availability
    if not result:
        return
    ws = w.sheet("Availability")
    table = availability_table(result)
    formats = {"site": "text", "gas_units": "text"}
    cols = [
        Col(
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
        "failures and repairs of every gas unit against the dispatched year; the mean's 95 % "
        "interval is its sampling error; P50 / P90 / P99 are the spread of the simulated years. "
        "No Tier is read from an availability percentage (Tiers are defined by topology)."
    )
    ws.write_string(last + 2, 0, note)
    curves = rel.cost_of_reliability
    if not curves:
        return
    w.table(ws, _step_columns(curves), first_row=last + 4, autofilter=False)
