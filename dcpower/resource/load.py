"""Hourly electric load of a data center: IT load times a temperature-dependent PUE.

PUE model (air temperature ``T`` [degC], the dry bulb or the wet bulb)::

    PUE(T) = pue_min + pue_per_c * max(0, T - free_cooling_below_c)   [capped at pue_max if given]

Free (economizer) cooling below the threshold, mechanical cooling whose overhead rises
linearly with the temperature above it. The load splits accordingly: the IT load, the
overheads of free cooling (``IT x (pue_min - 1)``: fans, pumps, UPS and transformer
losses, lighting), and the electric load of mechanical cooling, ``cooling_electric_mw =
IT x (PUE(T) - pue_min)``: the chillers' compressors, the part of the load an absorption
chiller driven by recovered heat can take over. Air-cooled plant (dry coolers, air-cooled
chillers) follows the dry bulb; evaporative plant (cooling towers, water-side
economizer) the wet bulb: ``data_center.pue.temperature`` says which, and each has its
defaults (``PUE_DEFAULTS``). No cap on the dry bulb by default: a cap would make the PUE
at the design ambient (``dcpower.profiles.design_point``) blind to how hot the design
ambient is. The function is pure and vectorized.

Default parameters (site_data.md §4)
------------------------------------
Sourced anchors: Uptime Institute average PUE 1.58 (2023); new large sites about 1.3 or
lower; hyperscale 1.1-1.2. site_data.md also gives an unsourced ESTIMATE model on wet-bulb
temperature, 1.10 + 0.006 * max(0, T_wb - 10), capped at 1.35. No measured PUE-versus-
temperature curve was found, so all four defaults below are ESTIMATEs chosen to give a
new-build annual average of about 1.2-1.25 on a Baku-like climate (monthly means about
4-26 degC): they give 1.22 on a sinusoidal year of mean 14.4 degC (site_data.md §1.4),
amplitude 11 degC and a +/-4 degC daily swing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dcpower.errors import ScenarioError
from dcpower.resource.checks import check_number

__all__ = ["data_center_load", "pue_at"]

#: PUE with free cooling [-]. ESTIMATE: middle of the hyperscale 1.1-1.2 band (Uptime,
#: site_data.md §4); it includes electrical (UPS, transformer) losses and fans.
DEFAULT_PUE_MIN = 1.15
#: Free-cooling threshold, dry bulb [degC]. ESTIMATE: the site_data.md ESTIMATE model starts
#: mechanical cooling at 10 degC wet bulb; taken at 10 degC dry bulb (conservative, since the
#: wet bulb is lower than the dry bulb).
DEFAULT_FREE_COOLING_BELOW_C = 10.0
#: PUE rise per degC above the threshold [1/degC]. ESTIMATE: twice the 0.006/degC wet-bulb
#: slope of the site_data.md ESTIMATE model, because the dry bulb swings about twice as much
#: as the wet bulb in the dry Caspian summer (unsourced).
DEFAULT_PUE_PER_C = 0.012
#: PUE cap [-]: none by default (the PUE keeps rising with the dry bulb, so the design
#: ambient's PUE follows the design ambient; at 42.3 degC the defaults give 1.54, under the
#: 1.58 fleet average of Uptime 2023).
DEFAULT_PUE_MAX = None

#: Wet-bulb PUE model, chiller with water-side economizer (site_data.md section 4, an
#: ESTIMATE, not sourced): PUE = 1.10 + 0.006 * max(0, T_wb - 10 degC), capped at 1.35.
WET_BULB_PUE_MIN = 1.10
WET_BULB_FREE_COOLING_BELOW_C = 10.0
WET_BULB_PUE_PER_C = 0.006
WET_BULB_PUE_MAX = 1.35

#: Cooling water of evaporative cooling, per kWh of facility energy [L/kWh]: LBNL-1005775
#: (Shehabi et al. 2016, United States Data Center Energy Usage Report), "on-site water
#: consumption is estimated at 1.8 liters (0.46 gallons) per kWh of total data center site
#: energy use" for data centers with cooling towers (2014). PROXY: the US fleet; spread
#: evenly over the hours (evaporation in fact follows the heat rejected). Dry cooling
#: (air-cooled chillers, dry coolers) uses none (The Green Grid WP#35, 2011).
EVAPORATIVE_WATER_L_PER_KWH = 1.8

#: COP of the electric chillers whose compressors make the mechanical-cooling load, by the
#: cooling: air-cooled chillers for dry cooling, water-cooled chillers with cooling towers
#: for evaporative cooling. ANSI/ASHRAE/IES 90.1-2022, Appendix J, Table J-4, path A,
#: minimum full-load efficiency: air-cooled >= 150 tons 10.100 EER (COP 2.96), water-cooled
#: positive displacement >= 600 tons 0.560 kW/ton (COP 6.28). PROXY: US code minimums at
#: AHRI rating conditions, the least a new plant must do; a data center's chillers, at
#: warmer chilled water and part load, may do better (REopt's default is 4.69, NREL
#: REopt.jl heating_cooling_loads.jl).
DRY_BULB_CHILLER_COP = 2.96
WET_BULB_CHILLER_COP = 6.28

#: PUE model defaults by the temperature the cooling follows (all ESTIMATEs, see above),
#: with the COP of the electric chillers (sourced, above).
PUE_DEFAULTS: dict[str, dict[str, float | None]] = {
    "dry_bulb": {
        "pue_min": DEFAULT_PUE_MIN,
        "free_cooling_below_c": DEFAULT_FREE_COOLING_BELOW_C,
        "pue_per_c": DEFAULT_PUE_PER_C,
        "pue_max": DEFAULT_PUE_MAX,
        "chiller_cop": DRY_BULB_CHILLER_COP,
    },
    "wet_bulb": {
        "pue_min": WET_BULB_PUE_MIN,
        "free_cooling_below_c": WET_BULB_FREE_COOLING_BELOW_C,
        "pue_per_c": WET_BULB_PUE_PER_C,
        "pue_max": WET_BULB_PUE_MAX,
        "chiller_cop": WET_BULB_CHILLER_COP,
    },
}

_HOURS = 24


def data_center_load(
    temp_air_c: pd.Series,
    *,
    it_capacity_mw: float,
    utilization: float | Sequence[float],
    pue_min: float = DEFAULT_PUE_MIN,
    free_cooling_below_c: float = DEFAULT_FREE_COOLING_BELOW_C,
    pue_per_c: float = DEFAULT_PUE_PER_C,
    pue_max: float | None = DEFAULT_PUE_MAX,
) -> pd.DataFrame:
    """Hourly IT load, PUE and total facility load of a data center.

    Parameters
    ----------
    temp_air_c : pandas.Series
        Hourly air temperature the PUE follows (dry or wet bulb) [degC], indexed by a
        ``DatetimeIndex`` in the site's local time zone (hour starts). The hour of day is
        read in the index's own zone (a tz-naive index is taken as local time), so a
        UTC-labelled series would shift a diurnal profile by the UTC offset.
    it_capacity_mw : float
        Installed IT capacity [MW], > 0.
    utilization : float or sequence of 24 floats
        IT utilization [-], each in [0, 1]: one fraction for every hour, or 24 fractions
        for local hours 0..23 (a diurnal profile).
    pue_min : float
        PUE with free cooling [-], >= 1. Default 1.15 (ESTIMATE, see module docstring).
    free_cooling_below_c : float
        Dry-bulb temperature up to which free cooling suffices [degC]. Default 10
        (ESTIMATE).
    pue_per_c : float
        PUE rise per degC above ``free_cooling_below_c`` [1/degC], >= 0. Default 0.012
        (ESTIMATE).
    pue_max : float or None
        PUE cap [-], >= ``pue_min``; None (default) = no cap.

    Returns
    -------
    pandas.DataFrame
        Same index as ``temp_air_c``, columns ``it_load_mw`` [MW], ``pue`` [-],
        ``load_mw`` [MW] = ``it_load_mw * pue`` and ``cooling_electric_mw`` [MW] =
        ``it_load_mw * (pue - pue_min)``, the electric load of mechanical cooling (module
        docstring).

    Raises
    ------
    ScenarioError
        If a parameter is out of range, the utilization profile is malformed, or the
        temperatures are missing or not time-indexed.
    """
    check_number("it_capacity_mw", it_capacity_mw, low=0.0, low_open=True)
    check_number("pue_min", pue_min, low=1.0)
    check_number("free_cooling_below_c", free_cooling_below_c)
    check_number("pue_per_c", pue_per_c, low=0.0)
    if pue_max is not None:
        check_number("pue_max", pue_max, low=float(pue_min))
    if not isinstance(temp_air_c, pd.Series) or not isinstance(temp_air_c.index, pd.DatetimeIndex):
        raise ScenarioError("temp_air_c must be a pandas Series with a DatetimeIndex [degC]")
    temp = temp_air_c.to_numpy(dtype=float)
    n_bad = int(np.count_nonzero(~np.isfinite(temp)))
    if n_bad:
        raise ScenarioError(f"temp_air_c has {n_bad} missing or infinite values: fill them first")

    profile = _utilization_profile(utilization)
    util = profile[temp_air_c.index.hour.to_numpy()]
    it_load = float(it_capacity_mw) * util

    pue = pue_at(temp, pue_min, free_cooling_below_c, pue_per_c, pue_max)
    return pd.DataFrame(
        {
            "it_load_mw": it_load,
            "pue": pue,
            "load_mw": it_load * pue,
            "cooling_electric_mw": it_load * (pue - float(pue_min)),
        },
        index=temp_air_c.index,
    )


def pue_at(
    temp_air_c: np.ndarray | float,
    pue_min: float = DEFAULT_PUE_MIN,
    free_cooling_below_c: float = DEFAULT_FREE_COOLING_BELOW_C,
    pue_per_c: float = DEFAULT_PUE_PER_C,
    pue_max: float | None = DEFAULT_PUE_MAX,
) -> np.ndarray:
    """PUE at temperature(s) ``temp_air_c`` (dry or wet bulb) [degC] (module docstring) [-]."""
    excess = np.maximum(np.asarray(temp_air_c, dtype=float) - float(free_cooling_below_c), 0.0)
    pue = float(pue_min) + float(pue_per_c) * excess
    return pue if pue_max is None else np.minimum(pue, float(pue_max))


def _utilization_profile(utilization: object) -> np.ndarray:
    """Return a 24-value utilization array [-] from a scalar or a 24-value sequence."""
    if isinstance(utilization, str | bytes):
        raise ScenarioError(
            f"utilization={utilization!r} is not allowed: give a fraction in [0, 1] "
            "or 24 hourly fractions"
        )
    try:
        values = np.asarray(utilization, dtype=float)
    except (TypeError, ValueError):
        raise ScenarioError(
            f"utilization={utilization!r} is not allowed: give a fraction in [0, 1] "
            "or 24 hourly fractions"
        ) from None
    if values.ndim == 0:
        values = np.full(_HOURS, float(values))
    elif values.shape != (_HOURS,):
        raise ScenarioError(
            f"utilization has {values.size} values: give one fraction or exactly 24 "
            "(local hours 0..23)"
        )
    bad = ~np.isfinite(values) | (values < 0.0) | (values > 1.0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ScenarioError(
            f"utilization={values[first]!r} (hour {first}) is not allowed: each value must "
            "be a fraction in [0, 1]"
        )
    return values
