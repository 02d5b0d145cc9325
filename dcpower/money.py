"""Money of different years and currencies on one price basis: USD of a base year.

Every money figure of ``inputs/`` carries its currency and currency year. Loading converts it
to real USD of the scenario's ``economics.price_basis_year``: a USD figure with the US CPI-U,
a EUR figure with the euro-area HICP (in EUR, to the base year) and then at
``economics.usd_per_eur``. The index series and their sources are ``inputs/deflators.csv``.
"""

from __future__ import annotations

import csv
from functools import cache

from dcpower.errors import ScenarioError
from dcpower.paths import inputs_dir

#: The price index that deflates each currency, by its series id in ``inputs/deflators.csv``.
DEFLATOR_OF = {"USD": "us_cpi_u", "EUR": "ea_hicp"}

#: The table of index series.
DEFLATORS_FILE = "deflators.csv"


@cache
def _series() -> dict[str, dict[int, tuple[float, int]]]:
    """Read ``inputs/deflators.csv``: series -> year -> (index, months averaged)."""
    table: dict[str, dict[int, tuple[float, int]]] = {}
    with (inputs_dir() / DEFLATORS_FILE).open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            table.setdefault(row["series"], {})[int(row["year"])] = (
                float(row["index"]),
                int(row["months"]),
            )
    return table


def default_price_basis_year() -> int:
    """Return the latest year the US CPI-U covers in full (12 months averaged)."""
    return max(year for year, (_, months) in _series()["us_cpi_u"].items() if months == 12)


def price_index(currency: str, year: int) -> float:
    """Return the price index of a currency in a year (``inputs/deflators.csv``).

    Raises
    ------
    ScenarioError
        If the currency has no deflator or the year is outside its series.
    """
    if currency not in DEFLATOR_OF:
        raise ScenarioError(
            f"currency {currency!r}: no deflator in inputs/{DEFLATORS_FILE}; "
            f"allowed: {', '.join(DEFLATOR_OF)}"
        )
    series = _series()[DEFLATOR_OF[currency]]
    if year not in series:
        raise ScenarioError(
            f"currency year {year} of {currency}: outside the {DEFLATOR_OF[currency]} series "
            f"of inputs/{DEFLATORS_FILE} ({min(series)}-{max(series)})"
        )
    return series[year][0]


def to_base_usd(
    value: float, currency: str, year: int, base_year: int, usd_per_eur: float
) -> float:
    """Convert a money figure to real USD of the base year.

    Parameters
    ----------
    value : float
        The figure, in ``currency`` of ``year`` (per unit of whatever it prices).
    currency : {"USD", "EUR"}
        Its currency.
    year : int
        Its currency year.
    base_year : int
        The price basis year.
    usd_per_eur : float
        Exchange rate for EUR figures, applied after deflating them in EUR. [USD/EUR]

    Returns
    -------
    float
        The figure in USD of ``base_year``. A USD figure of 2010 x CPI(base) / CPI(2010).
    """
    deflated = value * price_index(currency, base_year) / price_index(currency, year)
    return deflated * usd_per_eur if currency == "EUR" else deflated


def row_in_basis(value: float, row: dict[str, str], basis: tuple[int, float]) -> float:
    """Return an ``inputs/`` table row's value on a price basis (base year, USD per EUR).

    A row in USD or EUR is converted from its ``currency_year`` (:func:`to_base_usd`); any
    other row (not money, or a local-currency reference figure) is returned as it is.
    """
    currency = row.get("currency", "")
    if currency not in DEFLATOR_OF:
        return value
    return to_base_usd(value, currency, int(row["currency_year"]), *basis)
