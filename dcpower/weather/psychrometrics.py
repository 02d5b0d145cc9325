"""Moist air: relative humidity from the dew point, and the wet-bulb temperature.

Two published closed forms, vectorized (numpy):

- Saturation vapour pressure over water, the Magnus form with the coefficients of
  Alduchov and Eskridge (1996), "Improved Magnus form approximation of saturation vapor
  pressure", J. Appl. Meteor. 35, 601-609: ``e_s(T) = 6.1094 exp(17.625 T / (T + 243.04))``
  hPa, T in degC; relative humidity = e_s(dew point) / e_s(T).
- Wet-bulb temperature from air temperature and relative humidity, Stull (2011),
  "Wet-Bulb Temperature from Relative Humidity and Air Temperature", J. Appl. Meteor.
  Climatol. 50, 2267-2269, doi:10.1175/JAMC-D-11-0143.1: fitted at 1013.25 hPa, valid for
  RH 5-99 % and -20..50 degC (except cold and dry together), error -1 to +0.65 degC, mean
  absolute error under 0.3 degC. Relative humidities outside 5-99 % are taken at the
  nearest end of that range.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dew_point_c", "relative_humidity_pct", "wet_bulb_c"]

#: Magnus coefficients of Alduchov and Eskridge (1996), over water: [hPa], [-], [degC].
MAGNUS_HPA, MAGNUS_A, MAGNUS_B_C = 6.1094, 17.625, 243.04
#: Relative humidity range of Stull's (2011) fit. [%]
STULL_RH_RANGE_PCT = (5.0, 99.0)


def saturation_vapour_pressure_hpa(temp_c: np.ndarray | float) -> np.ndarray:
    """Saturation vapour pressure over water at ``temp_c`` [degC] (Magnus, A&E 1996) [hPa]."""
    temp = np.asarray(temp_c, dtype=float)
    return MAGNUS_HPA * np.exp(MAGNUS_A * temp / (temp + MAGNUS_B_C))


def relative_humidity_pct(
    temp_c: np.ndarray | float, dew_point_c: np.ndarray | float
) -> np.ndarray:
    """Relative humidity of air at ``temp_c`` with dew point ``dew_point_c`` [degC] [%].

    A dew point above the air temperature (supersaturation) gives 100 %.
    """
    ratio = saturation_vapour_pressure_hpa(dew_point_c) / saturation_vapour_pressure_hpa(temp_c)
    return np.minimum(100.0 * ratio, 100.0)


def dew_point_c(temp_c: np.ndarray | float, relative_humidity: np.ndarray | float) -> np.ndarray:
    """Dew point of air at ``temp_c`` [degC] and ``relative_humidity`` [%] (Magnus) [degC]."""
    temp = np.asarray(temp_c, dtype=float)
    gamma = np.log(np.asarray(relative_humidity, dtype=float) / 100.0) + MAGNUS_A * temp / (
        temp + MAGNUS_B_C
    )
    return MAGNUS_B_C * gamma / (MAGNUS_A - gamma)


def wet_bulb_c(temp_c: np.ndarray | float, relative_humidity: np.ndarray | float) -> np.ndarray:
    """Wet-bulb temperature (Stull 2011, module docstring) [degC].

    Parameters
    ----------
    temp_c : array_like
        Dry-bulb air temperature. [degC]
    relative_humidity : array_like
        Relative humidity, taken within Stull's 5-99 %. [%]

    Returns
    -------
    numpy.ndarray
        Wet-bulb temperature, at most the dry bulb. [degC]
    """
    t = np.asarray(temp_c, dtype=float)
    rh = np.clip(np.asarray(relative_humidity, dtype=float), *STULL_RH_RANGE_PCT)
    wet = (
        t * np.arctan(0.151977 * np.sqrt(rh + 8.313659))
        + np.arctan(t + rh)
        - np.arctan(rh - 1.676331)
        + 0.00391838 * rh**1.5 * np.arctan(0.023101 * rh)
        - 4.686035
    )
    return np.minimum(wet, t)
