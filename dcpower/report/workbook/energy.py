"""The ``Monthly energy`` and ``Hourly dispatch`` sheets, from ``dispatch.csv``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower import techs
from dcpower.report.workbook.format import Col, Writer
from dcpower.report.workbook.read import Run

# --------------------------------------------------------------------------- Monthly energy

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _monthly() -> list[tuple[str, str]]:
    """Return the header and dispatch column of each monthly sum.

    Load, every power flow of the balance and curtailment (the registry's summed columns)
    [MWh], unserved energy, fuel [MMBtu].
    """
    flows = [*techs.balance_terms(), "curtailment_mw", "unserved_mw"]
    columns = [(f"{c.removesuffix('_mw').replace('_', ' ')} [MWh]", c) for c in flows]
    return [("load [MWh]", "load_mw"), *columns, ("fuel, HHV [MMBtu]", "fuel_mmbtu_per_h")]


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
        dispatch column of :func:`_monthly` times ``weight_h`` [MWh; fuel: MMBtu] and ``co2_t``
        [t]. Sites keep their order of appearance.
    """
    d = dispatch
    weight = d["weight_h"].to_numpy(float)
    data = {
        "site": d["site"].to_numpy(),
        "month": d["time"].astype(str).str.slice(5, 7).astype(int).to_numpy(),
        "hours": weight,
    }
    for _, column in _monthly():
        data[column] = d[column].to_numpy(float) * weight if column in d else np.zeros(len(d))
    frame = pd.DataFrame(data)
    out = frame.groupby(["site", "month"], sort=False).sum().reset_index()
    order = {s: i for i, s in enumerate(pd.unique(d["site"]))}
    out = out.sort_values(["site", "month"], key=lambda c: c.map(order) if c.name == "site" else c)
    out["co2_t"] = out["fuel_mmbtu_per_h"] * co2_kg_per_mmbtu / 1000.0
    return out.reset_index(drop=True)


def write_monthly(w: Writer, run: Run) -> None:
    """Add the ``Monthly energy`` sheet (:func:`monthly_energy`)."""
    m = monthly_energy(run.tables.dispatch, run.scenario.economics.co2_kg_per_mmbtu)
    cols = [
        Col("site", m["site"].tolist(), "text"),
        Col("month [1-12]", m["month"].to_numpy(), "int"),
        Col("month", [_MONTHS[i - 1] for i in m["month"]], "text"),
        Col(
            "hours represented [h]",
            m["hours"].to_numpy(),
            "num1",
            comment="Sum of weight_h: with a window or blocks horizon each modelled hour "
            "stands for weight_h hours of the year, so a month's figures can stand for more "
            "than the month.",
        ),
    ]
    for header, column in _monthly():
        cols.append(Col(header, m[column].to_numpy(), "int"))
    cols.append(Col("CO2 [t]", m["co2_t"].to_numpy(), "int"))
    w.table(w.sheet("Monthly energy"), cols, freeze_cols=3)


# --------------------------------------------------------------------------- Hourly dispatch


def _dispatch_first() -> tuple[str, ...]:
    """Columns of the sheet that come first, in order (the summed columns of the registry)."""
    return ("site", "time", "load_mw", *techs.dispatch_totals(), "unserved_mw", "weight_h")


# Header text and style key of the dispatch.csv columns named exactly.
_DISPATCH_NAMED = {
    "site": ("site", "text"),
    "time": ("time (local, ISO 8601)", "text"),
    "gas_units_online": ("gas units online [units]", "num2"),
    "fuel_mmbtu_per_h": ("fuel, HHV [MMBtu/h]", "num2"),
    "weight_h": ("weight [h]", "num2"),
    "battery_soc_mwh": ("battery state of charge, end of hour [MWh]", "num2"),
}


def _dispatch_header(column: str) -> tuple[str, str]:
    """Header text with unit, and style key, of a ``dispatch.csv`` column."""
    if column in _DISPATCH_NAMED:
        return _DISPATCH_NAMED[column]
    # A technology's own column: its total's name, then its id (longest total first).
    for total in sorted(techs.dispatch_totals(), key=len, reverse=True):
        if column.startswith(f"{total}_"):
            header, fmt = _dispatch_header(total)
            name, bracket, unit = header.partition(" [")
            return f"{name} {column[len(total) + 1 :]}{bracket}{unit}", fmt
    if column.startswith("gas_startups_"):
        return f"start-ups {column[len('gas_startups_') :]} [starts]", "num2"
    if column.endswith("_mwh"):
        return f"{column[:-4].replace('_', ' ')} [MWh]", "num2"
    if column.endswith("_mw"):
        return f"{column[:-3].replace('_', ' ')} [MW]", "num2"
    return column, "gen"


def write_dispatch(w: Writer, run: Run) -> None:
    """Add the ``Hourly dispatch`` sheet: ``dispatch.csv`` with units in the headers."""
    d = run.tables.dispatch
    first = _dispatch_first()
    order = [c for c in first if c in d] + [c for c in d if c not in first]
    cols = []
    for column in order:
        header, fmt = _dispatch_header(column)
        if fmt == "text" or d[column].dtype.kind not in "fiub":
            values = d[column].astype(str).tolist()
            fmt = "text"
        else:
            values = d[column].to_numpy(float)
        width = 27.0 if column == "time" else None
        cols.append(Col(header, values, fmt, width=width, comment=column))
    w.table(w.sheet("Hourly dispatch"), cols, freeze_cols=2)
