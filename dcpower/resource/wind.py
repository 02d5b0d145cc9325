"""Wind power per MW installed, from hourly weather, with windpowerlib.

Pure physics: no file I/O, no pyomo. The turbine's power curve comes from windpowerlib's
bundled OpenEnergy-database turbine library.
"""

from __future__ import annotations

import functools
import logging

import numpy as np
import pandas as pd
import pvlib
from windpowerlib import ModelChain, WindTurbine
from windpowerlib.data import get_turbine_types

from dcpower.errors import ScenarioError, WeatherFileError

logger = logging.getLogger(__name__)

#: Default turbine: Enercon E-126 EP4, 4.2 MW, 127 m rotor (onshore, IEC IIA), with a power
#: curve in windpowerlib's oedb library.
DEFAULT_TURBINE_TYPE = "E-126/4200"
#: Default hub height [m] (between the E-126/4200's catalogue towers of 99 m and 135 m).
DEFAULT_HUB_HEIGHT_M = 120.0
#: Wake losses inside the wind farm [%]. ESTIMATE: mid-range of the 5-10 % commonly
#: assumed in pre-construction yield estimates for a medium farm; no site layout known.
DEFAULT_WAKE_LOSS_PCT = 7.0
#: Availability losses (turbine, balance of plant, grid) [%]. ESTIMATE: 97 % availability,
#: a usual contractual level for modern turbines; not sourced for these sites.
DEFAULT_AVAILABILITY_LOSS_PCT = 3.0

WIND_PROFILES = ("logarithmic", "hellman")

#: Heights between which the mean diurnal wind cycle over land turns over: the afternoon
#: maximum near the ground holds up to the first, a night maximum from the second up. [m]
#: Fajber, Monahan & Merryfield (J. Climate 27, 2014; Cabauw 213 m tower, 11 years): mean
#: wind below about 50 m is largest at midday, above about 100 m smallest then; daily
#: extremes come in the early afternoon at 10 m and between midnight and sunrise at 200 m.
#: Over the sea the wind also peaks at night (Ashkenazy & Yizhaq 2022, ERA5). Linear in
#: between (ESTIMATE), with the surface cycle's amplitude aloft (ESTIMATE).
DIURNAL_SURFACE_TOP_M = 50.0
DIURNAL_REVERSED_FROM_M = 100.0


@functools.lru_cache(maxsize=1)
def turbine_types_with_power_curve() -> tuple[str, ...]:
    """Return the windpowerlib oedb turbine types that have a power curve.

    Returns
    -------
    tuple of str
        Turbine type names such as ``"E-126/4200"``, sorted.
    """
    table = get_turbine_types(turbine_library="local", print_out=False, filter_=True)
    return tuple(sorted(table.loc[table["has_power_curve"], "turbine_type"]))


def _check_inputs(
    weather: pd.DataFrame,
    metadata: dict,
    turbine_type: str,
    hub_height_m: float,
    wind_profile: str,
    wake_loss_pct: float,
    availability_loss_pct: float,
) -> None:
    allowed = turbine_types_with_power_curve()
    if turbine_type not in allowed:
        examples = [
            t for t in ("E-126/4200", "E-141/4200", "V126/3450", "S126/6150") if t in allowed
        ]
        raise ScenarioError(
            f"turbine_type {turbine_type!r} is not in windpowerlib's turbine library with a "
            f"power curve; allowed e.g. {examples} ({len(allowed)} types in total, see "
            "dcpower.resource.wind.turbine_types_with_power_curve())"
        )
    if not 10.0 <= hub_height_m <= 250.0:
        raise ScenarioError(f"hub_height_m = {hub_height_m} m; allowed 10..250 m")
    if wind_profile not in WIND_PROFILES:
        raise ScenarioError(f"wind_profile = {wind_profile!r}; allowed {list(WIND_PROFILES)}")
    for field, value in (
        ("wake_loss_pct", wake_loss_pct),
        ("availability_loss_pct", availability_loss_pct),
    ):
        if not 0.0 <= value < 100.0:
            raise ScenarioError(f"{field} = {value}; allowed 0 <= value < 100 [%]")
    if "wind_speed" not in weather.columns:
        raise WeatherFileError(
            f"weather has no 'wind_speed' column (columns: {list(weather.columns)})"
        )
    for key in ("wind_height_m", "roughness_length_m"):
        if metadata.get(key) is None or not float(metadata[key]) > 0:
            raise WeatherFileError(
                f"weather metadata {key!r} = {metadata.get(key)!r}; a positive number [m] "
                "is needed for the wind profile"
            )


def wind_cf(
    weather: pd.DataFrame,
    metadata: dict,
    *,
    turbine_type: str = DEFAULT_TURBINE_TYPE,
    hub_height_m: float = DEFAULT_HUB_HEIGHT_M,
    wind_profile: str = "logarithmic",
    wake_loss_pct: float = DEFAULT_WAKE_LOSS_PCT,
    availability_loss_pct: float = DEFAULT_AVAILABILITY_LOSS_PCT,
) -> pd.Series:
    """Hourly wind-farm output per MW installed.

    The wind speed is extrapolated from ``metadata['wind_height_m']`` to hub height
    (logarithmic profile with ``metadata['roughness_length_m']``, or Hellman with exponent
    1/ln(h/z0)), air density from barometric pressure and temperature at hub height, and
    the turbine's power curve is density-corrected (windpowerlib ``ModelChain``). Wake and
    availability losses scale the result.

    Parameters
    ----------
    weather : DataFrame
        Hourly weather with ``wind_speed`` [m/s at ``wind_height_m``]; ``temp_air``
        [degC at 2 m] and ``pressure`` [Pa at ground] are used when present (else 15 degC
        and the pressure of ``metadata['altitude']``).
    metadata : dict
        Needs ``wind_height_m`` [m] and ``roughness_length_m`` [m]; ``altitude`` [m] is used
        only when ``pressure`` is missing.
    turbine_type : str, default "E-126/4200"
        windpowerlib oedb turbine type with a power curve.
    hub_height_m : float, default 120
        Hub height above ground [m].
    wind_profile : {"logarithmic", "hellman"}
        Vertical extrapolation of wind speed.
    wake_loss_pct : float, default 7
        Wake losses inside the farm [%] (ESTIMATE).
    availability_loss_pct : float, default 3
        Availability losses [%] (ESTIMATE).

    Returns
    -------
    Series
        ``wind_cf``: AC output per MW of installed capacity [MW/MW], in [0, 1], on the
        weather's index.

    Raises
    ------
    ScenarioError
        If the turbine type is unknown or a parameter is out of range.
    WeatherFileError
        If wind speed or the wind-height metadata is missing.
    """
    _check_inputs(
        weather,
        metadata,
        turbine_type,
        hub_height_m,
        wind_profile,
        wake_loss_pct,
        availability_loss_pct,
    )
    wind_height = float(metadata["wind_height_m"])
    if "pressure" in weather.columns:
        pressure = weather["pressure"].to_numpy(dtype=float)
    else:
        pressure = np.full(len(weather), pvlib.atmosphere.alt2pres(metadata.get("altitude", 0)))
    if "temp_air" in weather.columns:
        temp_k = weather["temp_air"].to_numpy(dtype=float) + 273.15
    else:
        temp_k = np.full(len(weather), 288.15)

    wpl_weather = pd.DataFrame(
        {
            ("wind_speed", wind_height): weather["wind_speed"].to_numpy(dtype=float)
            * diurnal_turnover(weather, metadata, hub_height_m),
            ("temperature", 2.0): temp_k,
            ("pressure", 0.0): pressure,
            ("roughness_length", 0.0): float(metadata["roughness_length_m"]),
        },
        index=weather.index,
    )
    wpl_weather.columns = pd.MultiIndex.from_tuples(
        wpl_weather.columns, names=["variable_name", "height"]
    )
    turbine = WindTurbine(hub_height=hub_height_m, turbine_type=turbine_type)
    chain = ModelChain(
        turbine,
        wind_speed_model=wind_profile,
        density_model="barometric",
        temperature_model="linear_gradient",
        power_output_model="power_curve",
        density_correction=True,
        obstacle_height=0,
        hellman_exp=None,
    ).run_model(wpl_weather)
    factor = (1.0 - wake_loss_pct / 100.0) * (1.0 - availability_loss_pct / 100.0)
    cf = np.clip(chain.power_output.to_numpy(dtype=float) / turbine.nominal_power * factor, 0, 1)
    return pd.Series(cf, index=weather.index, name="wind_cf")


def diurnal_turnover(weather: pd.DataFrame, metadata: dict, hub_height_m: float) -> np.ndarray:
    """Return the factor that gives a surface wind series the diurnal cycle aloft [-].

    A logarithmic or power-law profile scales every hour alike, so it lifts the surface
    layer's afternoon maximum to hub height, where over land the maximum comes at night
    (:data:`DIURNAL_SURFACE_TOP_M`). Where the weather's metadata states its surface cycle
    (``wind_diurnal_cycle``: ``amplitude`` [-] and ``max_utc_hour`` [h]; dcpower's
    synthetic years do), that cycle is divided out and the one at hub height put in: the
    same below 50 m, reversed (maximum 12 h later) from 100 m, linear in between. Measured
    weather states none and is left as it is (ones everywhere).

    Parameters
    ----------
    weather : DataFrame
        Hourly weather, tz-aware index labelling the start of each hour.
    metadata : dict
        The weather's metadata.
    hub_height_m : float
        Hub height above ground. [m]

    Returns
    -------
    np.ndarray
        Per hour, hub-height cycle over surface cycle. [-]
    """
    cycle = metadata.get("wind_diurnal_cycle")
    if not cycle:
        return np.ones(len(weather))
    utc_hour = weather.index.tz_convert("UTC").hour.to_numpy() + 0.5  # hour mid-points
    shape = np.cos(2.0 * np.pi * (utc_hour - float(cycle["max_utc_hour"])) / 24.0)
    amplitude = float(cycle["amplitude"])
    turned = np.clip(
        (hub_height_m - DIURNAL_SURFACE_TOP_M) / (DIURNAL_REVERSED_FROM_M - DIURNAL_SURFACE_TOP_M),
        0.0,
        1.0,
    )
    return (1.0 + amplitude * (1.0 - 2.0 * turned) * shape) / (1.0 + amplitude * shape)


def hub_wind_speed(
    weather: pd.DataFrame,
    metadata: dict,
    *,
    hub_height_m: float = DEFAULT_HUB_HEIGHT_M,
    wind_profile: str = "logarithmic",
) -> pd.Series:
    """Wind speed extrapolated to hub height.

    Parameters
    ----------
    weather : DataFrame
        Hourly weather with ``wind_speed`` [m/s at ``metadata['wind_height_m']``].
    metadata : dict
        Needs ``wind_height_m`` [m] and ``roughness_length_m`` [m].
    hub_height_m : float, default 120
        Hub height above ground [m].
    wind_profile : {"logarithmic", "hellman"}
        Vertical extrapolation of wind speed.

    Returns
    -------
    Series
        ``wind_speed_hub`` [m/s].
    """
    from windpowerlib import wind_speed as wpl_wind_speed

    h = float(metadata["wind_height_m"])
    z0 = float(metadata["roughness_length_m"])
    v = weather["wind_speed"] * diurnal_turnover(weather, metadata, hub_height_m)
    if wind_profile == "logarithmic":
        out = wpl_wind_speed.logarithmic_profile(v, h, hub_height_m, z0, obstacle_height=0.0)
    elif wind_profile == "hellman":
        out = wpl_wind_speed.hellman(v, h, hub_height_m, roughness_length=z0)
    else:
        raise ScenarioError(f"wind_profile = {wind_profile!r}; allowed {list(WIND_PROFILES)}")
    return pd.Series(np.asarray(out, dtype=float), index=weather.index, name="wind_speed_hub")
