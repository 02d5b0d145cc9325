"""Design dry-bulb temperatures from multi-year hourly records.

The method is ASHRAE Handbook-Fundamentals, chapter 14 (Climatic Design Information), as
used for its station tables:

- the *extreme annual* dry bulb: the mean ``M`` and standard deviation ``s`` of the
  years' highest hourly dry bulb, and the n-year return value
  ``T_n = M + s F(n)`` with ``F(n) = -(sqrt(6) / pi) (0.5772 + ln(ln(n / (n - 1))))``
  (a Gumbel distribution fitted by moments);
- the *0.4 % and 1 % annual* dry bulb: the values exceeded in 0.4 % and 1 % of all the
  record's hours (35 and 88 hours a year).

Check against ASHRAE 2013 for Baku/Bina airport (WMO 378640): M = 37.5 degC, s = 0.8
degC give 38.1 / 38.6 / 39.0 / 39.6 degC at 5 / 10 / 20 / 50 years, the table's values.
Return periods far beyond the record's length extrapolate the fit, as ASHRAE warns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower.errors import WeatherFileError

#: Return periods reported by default, as in ASHRAE's tables. [yr]
RETURN_PERIODS_YR = (5, 10, 20, 50)
#: Annual shares of hours exceeded by the percentile design values. [-]
EXCEEDANCE_SHARES = (0.004, 0.01)
#: Euler-Mascheroni constant, in ASHRAE's rounding.
_EULER = 0.5772


def gumbel_factor(return_period_yr: float) -> float:
    """Return ASHRAE's frequency factor ``F(n)`` of an n-year return period [-].

    ``F(n) = -(sqrt(6) / pi) (0.5772 + ln(ln(n / (n - 1))))``; e.g. ``F(20) = 1.866``.
    """
    if return_period_yr <= 1:
        raise ValueError(f"return period {return_period_yr} yr; allowed > 1 yr")
    n = float(return_period_yr)
    return float(-(np.sqrt(6.0) / np.pi) * (_EULER + np.log(np.log(n / (n - 1.0)))))


def design_temperatures(
    years: list[pd.Series], return_periods_yr: tuple[int, ...] = RETURN_PERIODS_YR
) -> dict:
    """Extreme-annual and percentile design dry bulbs of a multi-year hourly record.

    Parameters
    ----------
    years : list of pd.Series
        Hourly dry bulb of each year (one series per year, at least two years). [degC]
    return_periods_yr : tuple of int
        Return periods of the extreme annual dry bulb to report. [yr]

    Returns
    -------
    dict
        ``years`` (count), ``annual_max_c`` (per year), ``extreme_mean_c``,
        ``extreme_sd_c``, ``return_values_c`` ({n [yr]: T_n}) and ``exceeded_c`` ({share
        of hours [%]: dry bulb exceeded that often, for 0.4 and 1.0}). [degC]

    Raises
    ------
    WeatherFileError
        If fewer than two years are given, or a year has no temperature.
    """
    if len(years) < 2:
        raise WeatherFileError(
            f"design temperatures need at least 2 years of records; got {len(years)}"
        )
    numeric = [pd.to_numeric(series, errors="coerce").dropna() for series in years]
    for number, values in enumerate(numeric, 1):
        if values.empty:
            raise WeatherFileError(f"year {number}: no dry-bulb temperature")
    annual_max = [float(values.max()) for values in numeric]
    mean = float(np.mean(annual_max))
    sd = float(np.std(annual_max, ddof=1))
    pooled = pd.concat(numeric)
    out = {
        "years": len(years),
        "annual_max_c": annual_max,
        "extreme_mean_c": mean,
        "extreme_sd_c": sd,
        "return_values_c": {int(n): mean + sd * gumbel_factor(n) for n in return_periods_yr},
    }
    out["exceeded_c"] = {
        round(100 * share, 1): float(np.quantile(pooled.to_numpy(), 1.0 - share))
        for share in EXCEEDANCE_SHARES
    }
    return out
