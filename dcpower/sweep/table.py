"""The files of a sweep folder and its results table, one flat row per point.

The table is written as ``results.parquet`` and ``results.csv``, each atomically, after every
finished point, so an interrupted sweep leaves a readable table.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from dcpower.sweep.points import _canonical

# The package's logger: messages name dcpower.sweep, as before the split into modules.
log = logging.getLogger(__package__)

#: Files a sweep writes in its folder.
RESULTS_PARQUET = "results.parquet"
RESULTS_CSV = "results.csv"
SWEEP_JSON = "sweep.json"
SWEEP_HTML = "sweep.html"
RUNS_DIR = "runs"

#: Row columns before the inputs and outputs.
LEAD_COLUMNS = ("point_id", "status", "reason", "varied")


def _frame(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    for column in LEAD_COLUMNS:
        if column not in table:
            table[column] = None
    first = [*LEAD_COLUMNS]
    table = table[first + [c for c in table.columns if c not in first]]
    for column in table.columns:
        if ".gas_units." in column:  # unit counts stay integers next to failed points' blanks
            table[column] = pd.to_numeric(table[column], errors="coerce").round().astype("Int64")
            continue
        if table[column].dtype != object:
            continue
        kinds = {type(v) for v in table[column] if v is not None and v == v}
        if len(kinds) > 1:  # mixed types (e.g. 'Tier III' and 99.99): text for parquet
            table[column] = [
                v if v is None or isinstance(v, str) or v != v else _canonical(v)
                for v in table[column]
            ]
    return table


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(out_dir: Path, rows: list[dict]) -> pd.DataFrame:
    """Write ``results.parquet`` and ``results.csv`` (each atomically); return the table."""
    table = _frame(rows)
    _replace(out_dir / RESULTS_PARQUET, lambda p: table.to_parquet(p, index=False))
    _replace(out_dir / RESULTS_CSV, lambda p: table.to_csv(p, index=False))
    return table


def read_table(out_dir: str | Path) -> pd.DataFrame | None:
    """Read the results table of a sweep folder (parquet, else CSV); None if there is none."""
    out_dir = Path(out_dir)
    for name, reader in ((RESULTS_PARQUET, pd.read_parquet), (RESULTS_CSV, pd.read_csv)):
        path = out_dir / name
        if path.is_file():
            try:
                return reader(path)
            except Exception as err:  # a damaged table: fall back, then start anew
                log.warning("%s: cannot read (%s)", path, err)
    return None


def _rows_by_id(table: pd.DataFrame | None) -> dict[str, dict]:
    if table is None or "point_id" not in table:
        return {}
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return {str(r["point_id"]): r for r in rows}
