"""Ambient-temperature derating of gas-fired units: available capacity and heat rate.

Both factors are piecewise linear in the dry-bulb air temperature: flat up to a threshold,
then a constant slope. They multiply the unit's rated (ISO or site-rated) output and heat
rate. Functions are pure and vectorized over a ``pandas.Series`` of hourly temperatures.

Sources of the default slopes in ``inputs/technologies.csv``
-------------------------------------
[W] Wärtsilä, "Combustion Engine vs Gas Turbine: Derating due to Ambient Temperature",
    https://www.wartsila.com/energy/learn-more/technical-comparisons/combustion-engine-vs-gas-turbine-derating-due-to-ambient-temperature
    (copy: scribd.com/document/238917883): gas-turbine efficiency "deteriorates by one percent
    for every 10 degree rise in temperature above ISO conditions", which "translates into a
    power output reduction of 5 to 10 percent, depending on the type of gas turbine",
    i.e. 0.5-1.0 %/degC of output and about 0.1 %/degC of heat rate above 15 degC; engines
    are "less sensible to temperature and humidity". A vendor source with a stake in the
    comparison; the page does not say whether "10 degree" means degC or degF - read here as
    degC, which agrees with [S].
[S] "Increasing Efficiency of a Combined Cycle" (studymode.com essay, weak source): gas-turbine
    output falls "between 6% and more than 10% for every 10°C" of intake-air temperature.
[D] De Sa & Al Zubaidy 2011, "Gas turbine performance at varying ambient temperature",
    Applied Thermal Engineering 31:2735-2739 (Siemens SGT 94.2/94.3 at DEWA Al Aweer):
    per K above ISO the units lose 0.1 % of thermal efficiency and 1.47 MW of output.
[G] Generator-set derating tables above 40 degC: Atlas Copco QAS 500 manual (ISO 3046-1
    reference; 100 % to 40 degC, 90 % at 45 degC, 80 % at 50 degC = 2 %/degC) and Wacker
    Neuson G 3.3A manual (3 % per 5 degC above 40 degC = 0.6 %/degC). Small diesel sets, not
    large lean-burn gas engines; used only to bracket the engine slope.
ISO 3977-2 / ISO 2314 rate gas turbines at 15 degC, 101.325 kPa, 60 % RH.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower.errors import ScenarioError
from dcpower.resource.checks import check_number

__all__ = ["available_capacity_factor", "heat_rate_factor"]

#: Default floor of the available-capacity factor [-] (a modelling guard against a linear
#: law extrapolated to extreme temperatures; ESTIMATE, not a physical limit).
DEFAULT_MIN_FACTOR = 0.5


def available_capacity_factor(
    temp_air_c: pd.Series,
    *,
    derate_start_c: float,
    derate_pct_per_c: float,
    min_factor: float = DEFAULT_MIN_FACTOR,
) -> pd.Series:
    """Available output per unit of rated output, as a function of air temperature.

    ``factor = clip(1 - derate_pct_per_c / 100 * max(0, T - derate_start_c), min_factor, 1)``.
    Gas turbines lose roughly 0.5-1.0 % of output per degC above ISO 15 degC (Wärtsilä,
    "Combustion Engine vs Gas Turbine: Derating due to Ambient Temperature"); per-type defaults
    are in ``inputs/technologies.csv``. Colder air is not credited with extra
    output (the factor never exceeds 1).

    Parameters
    ----------
    temp_air_c : pandas.Series
        Dry-bulb air temperature [degC].
    derate_start_c : float
        Temperature above which output falls [degC].
    derate_pct_per_c : float
        Output loss above the threshold [% of rating per degC], >= 0.
    min_factor : float
        Floor of the factor [-], in (0, 1]. Default 0.5 (ESTIMATE: a guard against
        extrapolating the linear law, not a physical limit).

    Returns
    -------
    pandas.Series
        ``available_capacity_factor`` [-], in [min_factor, 1], same index as the input.

    Raises
    ------
    ScenarioError
        If a parameter is out of range or the temperatures contain missing values.
    """
    check_number("derate_start_c", derate_start_c)
    check_number("derate_pct_per_c", derate_pct_per_c, low=0.0, high=100.0)
    check_number("min_factor", min_factor, low=0.0, high=1.0, low_open=True)
    temp = _as_series(temp_air_c)
    excess = np.maximum(temp.to_numpy(dtype=float) - float(derate_start_c), 0.0)
    factor = np.clip(1.0 - float(derate_pct_per_c) / 100.0 * excess, float(min_factor), 1.0)
    return pd.Series(factor, index=temp.index, name="available_capacity_factor")


def heat_rate_factor(
    temp_air_c: pd.Series,
    *,
    heat_rate_start_c: float,
    heat_rate_pct_per_c: float,
) -> pd.Series:
    """Heat rate per unit of rated heat rate, as a function of air temperature.

    ``factor = 1 + heat_rate_pct_per_c / 100 * max(0, T - heat_rate_start_c)`` (>= 1).
    Gas-turbine efficiency falls by about 1 % per 10 degC above ISO conditions (Wärtsilä,
    op. cit.; De Sa & Al Zubaidy 2011).

    Parameters
    ----------
    temp_air_c : pandas.Series
        Dry-bulb air temperature [degC].
    heat_rate_start_c : float
        Temperature above which the heat rate rises [degC].
    heat_rate_pct_per_c : float
        Heat-rate increase above the threshold [% per degC], >= 0.

    Returns
    -------
    pandas.Series
        ``heat_rate_factor`` [-], >= 1, same index as the input.

    Raises
    ------
    ScenarioError
        If a parameter is out of range or the temperatures contain missing values.
    """
    check_number("heat_rate_start_c", heat_rate_start_c)
    check_number("heat_rate_pct_per_c", heat_rate_pct_per_c, low=0.0, high=100.0)
    temp = _as_series(temp_air_c)
    excess = np.maximum(temp.to_numpy(dtype=float) - float(heat_rate_start_c), 0.0)
    factor = 1.0 + float(heat_rate_pct_per_c) / 100.0 * excess
    return pd.Series(factor, index=temp.index, name="heat_rate_factor")


def _as_series(temp_air_c: object) -> pd.Series:
    temp = temp_air_c if isinstance(temp_air_c, pd.Series) else pd.Series(temp_air_c)
    try:
        values = temp.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ScenarioError("temp_air_c must hold numbers [degC]") from None
    n_bad = int(np.count_nonzero(~np.isfinite(values)))
    if n_bad:
        raise ScenarioError(f"temp_air_c has {n_bad} missing or infinite values: fill them first")
    return temp
