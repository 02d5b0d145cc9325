"""Hourly AC output of a utility PV plant per MW of inverter (AC) rating, with pvlib.

The chain follows NREL PVWatts (Dobos 2014, "PVWatts Version 5 Manual",
http://pvwatts.nrel.gov/downloads/pvwattsv5.pdf; PVWatts v8 as coded in NREL's SAM
Simulation Core, ``ssc/cmod_pvwattsv8.cpp``), with the rows of a utility plant modelled
explicitly:

1. solar position at the middle of each hour (weather rows are hour means labelled by the
   hour's start);
2. fixed tilt or a horizontal single-axis tracker with backtracking
   (``pvlib.tracking.singleaxis``);
3. front and rear plane-of-array irradiance of one row inside a large array of rows with
   the infinite-sheds view-factor model (``pvlib.bifacial.infinite_sheds``, Mikofski et al.
   2019, Hay-Davies sky): it accounts for row-to-row shading of the beam, the sky and
   ground each row sees, and the light reaching the rear of bifacial modules;
4. Fresnel/physical incidence-angle loss on the front beam (as pvlib's PVWatts
   ``ModelChain`` does);
5. SAPM cell temperature;
6. PVWatts DC power, system losses, PVWatts inverter clipped at its AC rating.

Row shading is physics here, so the PVWatts "shading 3 %" loss item (shadows of nearby
objects and, in PVWatts v5, self-shading of fixed racks) is not applied again.

The function is pure (no file or network I/O) and takes about 0.2 s for 8760 hours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pvlib
from pvlib.bifacial import infinite_sheds

from dcpower.errors import ScenarioError
from dcpower.resource import pv_defaults as d
from dcpower.resource.checks import check_number

__all__ = [
    "MOUNTINGS",
    "WEATHER_COLUMNS",
    "optimal_tilt_deg",
    "pv_ac_per_mw",
]

#: Columns a weather frame must carry, with units: W/m2, W/m2, W/m2, degC, m/s, Pa.
WEATHER_COLUMNS: tuple[str, ...] = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")

#: Supported mounting types.
MOUNTINGS: tuple[str, ...] = tuple(d.MODULES_IN_PORTRAIT)

# SAPM temperature models are fitted to wind speed measured at 10 m.
_SAPM_WIND_HEIGHT_M = 10.0
_REQUIRED_METADATA = ("latitude", "longitude", "altitude")
# pvlib's default share of rear irradiance blocked by the racking (``shade_factor``).
_REAR_RACKING_SHADE = -0.02
#: Allowed range of each numeric parameter of :func:`pv_ac_per_mw` (``check_number``'s).
_RANGES: dict[str, dict[str, float | bool]] = {
    "azimuth_deg": {"low": 0.0, "high": 360.0},
    "gcr": {"low": 0.0, "high": 1.0, "low_open": True, "high_open": True},
    "max_angle_deg": {"low": 0.0, "high": 90.0, "low_open": True},
    "module_length_m": {"low": 0.0, "high": 10.0, "low_open": True},
    "ground_clearance_m": {"low": 0.0, "high": 20.0},
    "bifaciality": {"low": 0.0, "high": 1.0},
    "albedo": {"low": 0.0, "high": 1.0},
    "dc_ac_ratio": {"low": 0.0, "high": 5.0, "low_open": True},
    "gamma_pdc_per_c": {"low": -0.02, "high": 0.0},
    "inverter_efficiency": {"low": 0.0, "high": 1.0, "low_open": True},
    "dc_losses_pct": {"low": 0.0, "high": 100.0, "high_open": True},
    "soiling_loss_pct": {"low": 0.0, "high": 100.0, "high_open": True},
    "availability_loss_pct": {"low": 0.0, "high": 100.0, "high_open": True},
}


def optimal_tilt_deg(latitude_deg: float) -> float:
    """Annual-optimum fixed tilt for a latitude, the Jacobson & Jadhav (2018) fit.

    Third-order fit of PVWatts' optimum tilts versus latitude (Jacobson, M. Z. and
    Jadhav, V., 2018, "World estimates of PV optimal tilt angles and ratios of sunlight
    incident upon tilted and tracked PV panels relative to horizontal panels", Solar
    Energy 169, 55-66, fig. 1).

    Parameters
    ----------
    latitude_deg : float
        Site latitude [deg N; negative south].

    Returns
    -------
    float
        Module tilt from horizontal [deg], facing the equator; 31.7 at Baku (40.41 N).
    """
    phi = float(latitude_deg)
    if phi >= 0.0:
        tilt = 1.3793 + phi * (1.2011 + phi * (-0.014404 + phi * 0.000080509))
    else:
        tilt = -0.41657 + phi * (1.4216 + phi * (0.024051 + phi * 0.00021828))
    return min(max(abs(tilt), 0.0), 90.0)


def pv_ac_per_mw(
    weather: pd.DataFrame,
    metadata: Mapping[str, Any],
    *,
    mounting: str = "fixed",
    tilt_deg: float | None = None,
    azimuth_deg: float = 180.0,
    gcr: float = d.GCR,
    max_angle_deg: float = d.MAX_ANGLE_DEG,
    backtrack: bool = True,
    module_length_m: float = d.PVWATTS_MODULE_LENGTH_M,
    ground_clearance_m: float = d.GROUND_CLEARANCE_M,
    bifaciality: float = d.BIFACIALITY,
    albedo: float = d.ALBEDO,
    dc_ac_ratio: float = d.DC_AC_RATIO,
    gamma_pdc_per_c: float = d.GAMMA_PDC_PER_C,
    inverter_efficiency: float = d.INVERTER_EFFICIENCY,
    temperature_model: str = d.TEMPERATURE_MODEL,
    dc_losses_pct: float = d.PVWATTS_DC_LOSSES_PCT,
    soiling_loss_pct: float = d.SOILING_LOSS_PCT,
    availability_loss_pct: float = d.AVAILABILITY_LOSS_PCT,
) -> pd.Series:
    """Hourly AC output of a PV plant per MW of AC (inverter) rating.

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather, tz-aware ``DatetimeIndex`` whose labels are the START of each hour
        (values are hour means), with columns ``ghi``, ``dni``, ``dhi`` [W/m2],
        ``temp_air`` [degC], ``wind_speed`` [m/s] and ``pressure`` [Pa].
    metadata : Mapping
        Site metadata with ``latitude`` [deg N], ``longitude`` [deg E], ``altitude`` [m];
        optional ``wind_height_m`` [m] and ``roughness_length_m`` [m], used to bring the
        wind speed to the 10 m height the SAPM temperature model expects (log law).
    mounting : {"fixed", "single_axis"}
        Fixed-tilt racking or a horizontal single-axis tracker.
    tilt_deg : float or None
        Fixed-tilt module tilt [deg from horizontal]. ``None`` takes the annual optimum for
        the latitude, :func:`optimal_tilt_deg` (Jacobson & Jadhav 2018). Ignored for
        ``single_axis``.
    azimuth_deg : float
        Fixed tilt: the azimuth the modules face [deg, 180 = south]. Single axis: the azimuth
        of the tracker axis [deg, 180 = north-south axis, modules turning east-west].
    gcr : float
        Ground coverage ratio [-]: row slant width over row pitch. Default 0.4, the PVWatts
        v8 default (NREL ssc ``cmod_pvwattsv8.cpp``).
    max_angle_deg : float
        Tracker rotation limit [deg]. Default 45, the PVWatts v8 default ``rotlim``.
    backtrack : bool
        Whether the tracker backtracks to avoid row-to-row shading.
    module_length_m : float
        Long side of one module [m]; a row is 2 (fixed) or 1 (tracker) modules wide in
        portrait, as in PVWatts v8. Default 1.558 m, the PVWatts v8 reference module.
    ground_clearance_m : float
        Height of the lowest module edge above the ground [m] (fixed racks; trackers at
        their rotation limit). Default 1.0 m, the ground clearance PVWatts v8 passes to its
        rear-side irradiance model (``calc_rear_side``).
    bifaciality : float
        Rear-side efficiency over front-side efficiency [-]; 0 for monofacial modules.
        Default 0.65, PVWatts v8's documented value for bifacial modules ("0 or ~0.65").
        A share of 2 % of the rear irradiance is lost to the racking (pvlib's default
        ``shade_factor``).
    albedo : float
        Ground reflectance [-]. Default 0.2, the PVWatts v8 default.
    dc_ac_ratio : float
        DC nameplate per AC rating [MW_dc/MW_ac]. Default 1.3: NREL ATB 2024 quotes an
        inverter loading ratio of about 1.34 for utility PV (site_data.md §2.1).
    gamma_pdc_per_c : float
        Temperature coefficient of DC power [1/degC]. Default -0.0035, the PVWatts v8
        "premium" module (NREL ssc ``cmod_pvwattsv8.cpp``).
    inverter_efficiency : float
        Nominal inverter efficiency [-]. Default 0.96, the PVWatts v5/v8 default
        (Dobos 2014; ``inv_eff`` in ``cmod_pvwattsv8.cpp``; ``pvlib.inverter.pvwatts``).
    temperature_model : str
        Key of ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]``. Default
        ``open_rack_glass_glass``: bifacial modules are glass-glass (King et al. 2004, SAPM).
    dc_losses_pct : float
        DC-side system losses other than soiling, availability and row shading [%].
        Default 6.81 %: the PVWatts v5 items that apply to a utility plant
        (:data:`dcpower.resource.pv_defaults.PVWATTS_DC_LOSSES_PCT`).
    soiling_loss_pct : float
        Soiling loss [%]. Default 2 %, the PVWatts v5 default (Dobos 2014). Dusty Absheron
        and Mangystau sites may well soil more, but no local figure was found.
    availability_loss_pct : float
        Plant unavailability [%], applied on the DC side as PVWatts does. Default 1 %
        (ESTIMATE: PVWatts' generic default is 3 %; a new utility plant under O&M contract
        is assumed to do better; not sourced).

    Returns
    -------
    pandas.Series
        ``pv_cf``: AC output per MW of AC rating [MW/MW_ac], in [0, 1], clipped at the
        inverter rating (exactly 1.0 when clipping) and 0 whenever the sun is below the
        horizon at mid-hour. Same index as ``weather``.

    Raises
    ------
    ScenarioError
        If a parameter is out of range, or weather/metadata lack what is needed.

    Notes
    -----
    Rows are parallel, evenly spaced and long on level ground, at pitch
    ``modules in portrait x module_length_m / gcr``; a row's centre is
    ``ground_clearance_m`` plus half its slant width times the sine of the tilt (fixed) or
    of the rotation limit (tracker axis) above the ground. Effective irradiance is the front
    irradiance plus ``bifaciality`` x 0.98 x the rear irradiance; cell temperature is driven
    by the same sum. All losses (system losses, soiling, availability) derate DC power
    before the inverter, as PVWatts does; the inverter input rating is
    ``1 / inverter_efficiency`` per MW_ac so that its AC output tops out at exactly
    1 MW/MW_ac.
    """
    _check_parameters(
        mounting,
        temperature_model,
        backtrack,
        {
            "azimuth_deg": azimuth_deg,
            "gcr": gcr,
            "max_angle_deg": max_angle_deg,
            "module_length_m": module_length_m,
            "ground_clearance_m": ground_clearance_m,
            "bifaciality": bifaciality,
            "albedo": albedo,
            "dc_ac_ratio": dc_ac_ratio,
            "gamma_pdc_per_c": gamma_pdc_per_c,
            "inverter_efficiency": inverter_efficiency,
            "dc_losses_pct": dc_losses_pct,
            "soiling_loss_pct": soiling_loss_pct,
            "availability_loss_pct": availability_loss_pct,
        },
    )
    _check_weather(weather)
    lat, lon, alt = _check_metadata(metadata)
    if tilt_deg is None:
        tilt_deg = optimal_tilt_deg(lat)
    check_number("tilt_deg", tilt_deg, low=0.0, high=90.0)

    index = weather.index
    ghi = weather["ghi"].to_numpy(dtype=float)
    temp_air = weather["temp_air"].to_numpy(dtype=float)
    wind = _wind_at_10m(weather["wind_speed"].to_numpy(dtype=float), metadata)

    # Sun at mid-hour, matched to hour-mean irradiance; results re-labelled to hour starts.
    mid = index + pd.Timedelta(minutes=30)
    solpos = pvlib.solarposition.get_solarposition(
        mid,
        lat,
        lon,
        altitude=alt,
        pressure=weather["pressure"].to_numpy(dtype=float),
        temperature=temp_air,
    )
    zenith = solpos["apparent_zenith"].to_numpy(dtype=float)
    sun_azimuth = solpos["azimuth"].to_numpy(dtype=float)

    surface_tilt, surface_azimuth, height_angle_deg = _module_orientation(
        mounting,
        zenith,
        sun_azimuth,
        tilt_deg=tilt_deg,
        azimuth_deg=azimuth_deg,
        max_angle_deg=max_angle_deg,
        backtrack=backtrack,
        gcr=gcr,
    )
    row_width_m = d.MODULES_IN_PORTRAIT[mounting] * float(module_length_m)
    row_height_m = float(ground_clearance_m) + 0.5 * row_width_m * math.sin(
        math.radians(height_angle_deg)
    )
    effective = _effective_irradiance(
        weather,
        mid,
        zenith,
        sun_azimuth,
        surface_tilt,
        surface_azimuth,
        gcr=float(gcr),
        row_height_m=row_height_m,
        row_pitch_m=row_width_m / float(gcr),
        albedo=float(albedo),
        bifaciality=float(bifaciality),
    )

    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][temperature_model]
    temp_cell = pvlib.temperature.sapm_cell(
        effective, temp_air, wind, params["a"], params["b"], params["deltaT"]
    )
    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, float(dc_ac_ratio), gamma_pdc_per_c)
    keep = (
        (1.0 - dc_losses_pct / 100.0)
        * (1.0 - soiling_loss_pct / 100.0)
        * (1.0 - availability_loss_pct / 100.0)
    )
    pdc = np.clip(np.asarray(pdc, dtype=float) * keep, 0.0, None)
    cf = _inverter_ac_per_mw(pdc, inverter_efficiency)
    cf = np.where((zenith < 90.0) & (ghi > 0.0), cf, 0.0)
    cf = np.clip(np.nan_to_num(cf, nan=0.0), 0.0, 1.0)
    return pd.Series(cf, index=index, name="pv_cf")


def _module_orientation(
    mounting: str,
    zenith: np.ndarray,
    sun_azimuth: np.ndarray,
    *,
    tilt_deg: float,
    azimuth_deg: float,
    max_angle_deg: float,
    backtrack: bool,
    gcr: float,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Return module tilt and azimuth per hour, fixed or tracking (as :func:`pv_ac_per_mw` says).

    Returns
    -------
    surface_tilt, surface_azimuth : np.ndarray
        Per hour. [deg]
    height_angle_deg : float
        Tilt that sets the height of a row's centre: the fixed tilt, or the tracker's
        rotation limit. [deg]
    """
    if mounting == "single_axis":
        track = pvlib.tracking.singleaxis(
            zenith,
            sun_azimuth,
            axis_tilt=0.0,
            axis_azimuth=float(azimuth_deg),
            max_angle=float(max_angle_deg),
            backtrack=bool(backtrack),
            gcr=float(gcr),
        )
        # NaN when the sun is down: stow flat (tilt 0); the hour is zeroed anyway.
        surface_tilt = np.nan_to_num(np.asarray(track["surface_tilt"], dtype=float), nan=0.0)
        surface_azimuth = np.nan_to_num(
            np.asarray(track["surface_azimuth"], dtype=float), nan=float(azimuth_deg)
        )
        return surface_tilt, surface_azimuth, float(max_angle_deg)
    n = len(zenith)
    return np.full(n, float(tilt_deg)), np.full(n, float(azimuth_deg)), float(tilt_deg)


def _effective_irradiance(
    weather: pd.DataFrame,
    mid: pd.DatetimeIndex,
    zenith: np.ndarray,
    sun_azimuth: np.ndarray,
    surface_tilt: np.ndarray,
    surface_azimuth: np.ndarray,
    *,
    gcr: float,
    row_height_m: float,
    row_pitch_m: float,
    albedo: float,
    bifaciality: float,
) -> np.ndarray:
    """Return the front plus bifacial rear irradiance [W/m2] of a row inside an array of rows.

    The infinite-sheds view-factor model (row-to-row shading, Hay-Davies sky) with the
    physical incidence-angle loss on the front beam; ``mid`` are the mid-hour instants the
    sun position is for, ``row_height_m`` the height of a row's centre [m].
    """
    # Day of year of the UTC instant (pvlib's own convention), as numbers: no pandas warning.
    doy = mid.tz_convert("UTC").day_of_year.to_numpy(dtype=float)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(doy), dtype=float)
    aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, zenith, sun_azimuth)
    iam = np.nan_to_num(np.asarray(pvlib.iam.physical(aoi), dtype=float), nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        irradiance = infinite_sheds.get_irradiance(
            surface_tilt,
            surface_azimuth,
            zenith,
            sun_azimuth,
            gcr,
            row_height_m,
            row_pitch_m,
            weather["ghi"].to_numpy(dtype=float),
            weather["dhi"].to_numpy(dtype=float),
            weather["dni"].to_numpy(dtype=float),
            albedo,
            model="haydavies",
            dni_extra=dni_extra,
            iam_front=iam,
            bifaciality=bifaciality,
            shade_factor=_REAR_RACKING_SHADE,
        )
    return np.clip(np.nan_to_num(np.asarray(irradiance["poa_global"]), nan=0.0), 0.0, None)


def _inverter_ac_per_mw(pdc: np.ndarray, inverter_efficiency: float) -> np.ndarray:
    """AC output per MW of AC rating [MW/MW_ac] from DC power per MW_ac [MW/MW_ac].

    The inverter input rating is ``1 / inverter_efficiency`` so that the AC output tops out
    at exactly 1 in clipped hours.
    """
    inverter_pdc0 = 1.0 / inverter_efficiency  # DC input at which AC output = 1 MW/MW_ac
    pac = pvlib.inverter.pvwatts(pdc, inverter_pdc0, eta_inv_nom=inverter_efficiency)
    pac0 = inverter_efficiency * inverter_pdc0  # the inverter's own AC cap, ~1.0
    return np.asarray(pac, dtype=float) / pac0


def _check_parameters(
    mounting: str, temperature_model: str, backtrack: object, numbers: dict[str, object]
) -> None:
    """Raise a ScenarioError for the first parameter out of its range (numbers: :data:`_RANGES`)."""
    _check_choice("mounting", mounting, MOUNTINGS)
    sapm_models = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]
    _check_choice("temperature_model", temperature_model, tuple(sapm_models))
    for name, value in numbers.items():
        check_number(name, value, **_RANGES[name])
    if not isinstance(backtrack, bool | np.bool_):
        raise ScenarioError(f"backtrack={backtrack!r} is not allowed: use True or False")


def _wind_at_10m(wind: np.ndarray, metadata: Mapping[str, Any]) -> np.ndarray:
    """Bring wind speed [m/s] from the measurement height to 10 m with the log law."""
    height = metadata.get("wind_height_m")
    roughness = metadata.get("roughness_length_m")
    if height is None or roughness is None or float(height) == _SAPM_WIND_HEIGHT_M:
        return np.clip(np.nan_to_num(wind, nan=0.0), 0.0, None)
    height, roughness = float(height), float(roughness)
    if not (height > roughness > 0.0):
        raise ScenarioError(
            f"metadata wind_height_m={height} / roughness_length_m={roughness} are not "
            "allowed: need wind_height_m > roughness_length_m > 0"
        )
    scale = math.log(_SAPM_WIND_HEIGHT_M / roughness) / math.log(height / roughness)
    return np.clip(np.nan_to_num(wind, nan=0.0) * scale, 0.0, None)


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ScenarioError(f"{name}={value!r} is not allowed: use one of {', '.join(allowed)}")


def _check_weather(weather: object) -> None:
    if not isinstance(weather, pd.DataFrame):
        raise ScenarioError(f"weather must be a pandas DataFrame, got {type(weather).__name__}")
    missing = [c for c in WEATHER_COLUMNS if c not in weather.columns]
    if missing:
        raise ScenarioError(
            f"weather lacks columns {missing}: required are {', '.join(WEATHER_COLUMNS)}"
        )
    if not isinstance(weather.index, pd.DatetimeIndex) or weather.index.tz is None:
        raise ScenarioError("weather index must be a tz-aware DatetimeIndex (hour starts)")
    values = weather[list(WEATHER_COLUMNS)].to_numpy(dtype=float)
    n_bad = int(np.count_nonzero(~np.isfinite(values)))
    if n_bad:
        raise ScenarioError(f"weather has {n_bad} missing or infinite values: fill them first")


def _check_metadata(metadata: object) -> tuple[float, float, float]:
    if not isinstance(metadata, Mapping):
        raise ScenarioError(f"metadata must be a mapping, got {type(metadata).__name__}")
    missing = [k for k in _REQUIRED_METADATA if metadata.get(k) is None]
    if missing:
        raise ScenarioError(f"metadata lacks {missing}: required are latitude, longitude, altitude")
    lat = float(metadata["latitude"])
    lon = float(metadata["longitude"])
    alt = float(metadata["altitude"])
    check_number("metadata latitude", lat, low=-90.0, high=90.0)
    check_number("metadata longitude", lon, low=-180.0, high=180.0)
    return lat, lon, alt
