"""Cell values, number formats and the table writer shared by every sheet of the workbook."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter

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


# --------------------------------------------------------------------------- values


def number(value: Any) -> float | int | None:
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


def cell(value: Any) -> Any:
    """Return a value fit for a cell: finite number, text, bool or None."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    x = number(value)
    if x is not None or isinstance(value, float | np.floating | int | np.integer):
        return x
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def unit_of(description: str | None) -> tuple[str, str]:
    """Split a pydantic field description ``"Text. [unit]"`` into (text, unit)."""
    text = description or ""
    match = _UNIT_IN_DESCRIPTION.search(text)
    if match is None:
        return text.strip(), ""
    return text[: match.start()].strip(), match.group(1).strip()


def value_format(value: Any) -> str:
    """Readable number format for a single value of unknown magnitude."""
    x = number(value)
    if x is None:
        return "gen"
    if float(x).is_integer():
        return "int"
    if abs(x) >= 100:
        return "num2"
    return "gen"


# --------------------------------------------------------------------------- writing tables


@dataclass
class Col:
    """One column of a table: header text (with unit), values, style key, optional width."""

    header: str
    values: list
    fmt: str = "gen"
    width: float | None = None
    comment: str | None = None


class Writer:
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
        cols: list[Col],
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

    def value(self, ws, row: int, col: int, value: Any) -> None:
        """Write one value with a number format fit for its magnitude (nothing if missing)."""
        value = cell(value)
        if isinstance(value, str):
            ws.write_string(row, col, value)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif value is not None:
            ws.write_number(row, col, value, self.formats[value_format(value)])

    def _column(self, ws, row: int, col: int, spec: Col) -> None:
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
            v = cell(v)
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
    def _width(col: Col) -> float:
        if col.fmt in ("text", "wrap"):
            sample = [len(str(v)) for v in list(col.values)[:500] if v is not None]
            longest = max(sample, default=8)
            limit = 70 if col.fmt == "wrap" else 45
            return float(min(max(longest + 2, len(col.header) * 0.6 + 2, 8), limit))
        return float(min(max(len(col.header) * 0.55 + 2, 12), 18))

    def close(self) -> None:
        """Write the file."""
        self.book.close()
