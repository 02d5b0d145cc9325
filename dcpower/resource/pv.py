"""Hourly AC output of a utility PV plant per MW of inverter (AC) rating, with pvlib.

The chain follows NREL PVWatts v5 (Dobos 2014, "PVWatts Version 5 Manual",
http://pvwatts.nrel.gov/downloads/pvwattsv5.pdf), as implemented in pvlib:

1. solar position at the middle of each hour (weather rows are hour means labelled by the
   hour's start);
2. fixed tilt or a horizontal single-axis tracker with backtracking
   (``pvlib.tracking.singleaxis``);
3. plane-of-array irradiance with the Hay-Davies sky model;
4. Fresnel/physical incidence-angle loss on the beam component only (as pvlib's
   PVWatts ``ModelChain`` does);
5. SAPM cell temperature;
6. PVWatts DC power, PVWatts system losses, PVWatts inverter clipped at its AC rating.

The function is pure (no file or network I/O) and takes about 0.1 s for 8760 hours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pvlib

from dcpower.errors import ScenarioError
from dcpower.resource.checks import check_number

__all__ = [
    "MOUNTINGS",
    "PVWATTS_DC_LOSSES_PCT",
    "WEATHER_COLUMNS",
    "pv_ac_per_mw",
]

#: Columns a weather frame must carry, with units: W/m2, W/m2, W/m2, degC, m/s, Pa.
WEATHER_COLUMNS: tuple[str, ...] = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")

#: Supported mounting types.
MOUNTINGS: tuple[str, ...] = ("fixed", "single_axis")

#: PVWatts v5 default system losses with soiling and availability taken out (they are
#: separate parameters): shading 3, snow 0, mismatch 2, wiring 2, connections 0.5, LID 1.5,
#: nameplate 1, age 0 [%], combined multiplicatively = 9.61 %. Source: Dobos 2014, PVWatts
#: Version 5 Manual, as coded in ``pvlib.pvsystem.pvwatts_losses`` (all defaults = 14.08 %).
PVWATTS_DC_LOSSES_PCT: float = float(pvlib.pvsystem.pvwatts_losses(soiling=0.0, availability=0.0))

# SAPM temperature models are fitted to wind speed measured at 10 m.
_SAPM_WIND_HEIGHT_M = 10.0
_REQUIRED_METADATA = ("latitude", "longitude", "altitude")


def pv_ac_per_mw(
    weather: pd.DataFrame,
    metadata: Mapping[str, Any],
    *,
    mounting: str = "fixed",
    tilt_deg: float | None = None,
    azimuth_deg: float = 180.0,
    gcr: float = 0.35,
    max_angle_deg: float = 60.0,
    backtrack: bool = True,
    dc_ac_ratio: float = 1.3,
    gamma_pdc_per_c: float = -0.0035,
    inverter_efficiency: float = 0.96,
    temperature_model: str = "open_rack_glass_polymer",
    dc_losses_pct: float = PVWATTS_DC_LOSSES_PCT,
    soiling_loss_pct: float = 2.0,
    availability_loss_pct: float = 1.0,
    albedo: float = 0.25,
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
        Fixed-tilt module tilt [deg from horizontal]. ``None`` takes ``abs(latitude)``, the
        textbook rule of thumb for the annual optimum (ESTIMATE: it ignores row spacing and
        the local diffuse share). Ignored for ``single_axis``.
    azimuth_deg : float
        Fixed tilt: the azimuth the modules face [deg, 180 = south]. Single axis: the azimuth
        of the tracker axis [deg, 180 = north-south axis, modules turning east-west].
    gcr : float
        Ground coverage ratio [-] of the tracker rows, used by backtracking. Default 0.35
        (the value the brief asked for; ESTIMATE: typical utility tracker spacing).
    max_angle_deg : float
        Tracker rotation limit [deg]. Default 60 (ESTIMATE: common tracker limit).
    backtrack : bool
        Whether the tracker backtracks to avoid row-to-row shading.
    dc_ac_ratio : float
        DC nameplate per AC rating [MW_dc/MW_ac]. Default 1.3: NREL ATB 2024 quotes an
        inverter loading ratio of about 1.34 for utility PV (site_data.md §2.1).
    gamma_pdc_per_c : float
        Temperature coefficient of DC power [1/degC]. Default -0.0035: inside the
        "typically -0.002 to -0.005 per degree C" range of the ``pvlib.pvsystem.pvwatts_dc``
        documentation; the exact value is an ESTIMATE for current crystalline-silicon
        modules (no datasheet chosen yet).
    inverter_efficiency : float
        Nominal inverter efficiency [-]. Default 0.96, the PVWatts v5 nominal value
        (Dobos 2014; ``pvlib.inverter.pvwatts`` default ``eta_inv_nom``).
    temperature_model : str
        Key of ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]``.
    dc_losses_pct : float
        DC-side system losses other than soiling and availability [%]. Default 9.61 %:
        the PVWatts v5 default losses (14.08 % in all) with soiling and availability taken
        out; see :data:`PVWATTS_DC_LOSSES_PCT`.
    soiling_loss_pct : float
        Soiling loss [%]. Default 2 %, the PVWatts v5 default (Dobos 2014). Dusty Absheron
        and Mangystau sites may well soil more, but no local figure was found.
    availability_loss_pct : float
        Plant unavailability [%], applied on the DC side as PVWatts does. Default 1 %
        (ESTIMATE: PVWatts' generic default is 3 %; a new utility plant under O&M contract
        is assumed to do better; not sourced).
    albedo : float
        Ground reflectance [-]. Default 0.25, the default of
        ``pvlib.irradiance.get_total_irradiance`` (ESTIMATE for bare dry soil).

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
    All losses (PVWatts system losses, soiling, availability) derate DC power before the
    inverter, as PVWatts does; the inverter input rating is ``1 / inverter_efficiency``
    per MW_ac so that its AC output tops out at exactly 1 MW/MW_ac.
    """
    _check_choice("mounting", mounting, MOUNTINGS)
    sapm_models = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]
    _check_choice("temperature_model", temperature_model, tuple(sapm_models))
    check_number("azimuth_deg", azimuth_deg, low=0.0, high=360.0)
    check_number("gcr", gcr, low=0.0, high=1.0, low_open=True)
    check_number("max_angle_deg", max_angle_deg, low=0.0, high=90.0, low_open=True)
    check_number("dc_ac_ratio", dc_ac_ratio, low=0.0, high=5.0, low_open=True)
    check_number("gamma_pdc_per_c", gamma_pdc_per_c, low=-0.02, high=0.0)
    check_number("inverter_efficiency", inverter_efficiency, low=0.0, high=1.0, low_open=True)
    check_number("dc_losses_pct", dc_losses_pct, low=0.0, high=100.0, high_open=True)
    check_number("soiling_loss_pct", soiling_loss_pct, low=0.0, high=100.0, high_open=True)
    check_number(
        "availability_loss_pct", availability_loss_pct, low=0.0, high=100.0, high_open=True
    )
    check_number("albedo", albedo, low=0.0, high=1.0)
    if not isinstance(backtrack, bool | np.bool_):
        raise ScenarioError(f"backtrack={backtrack!r} is not allowed: use True or False")
    _check_weather(weather)
    lat, lon, alt = _check_metadata(metadata)
    if tilt_deg is None:
        tilt_deg = abs(lat)
    check_number("tilt_deg", tilt_deg, low=0.0, high=90.0)

    index = weather.index
    ghi = weather["ghi"].to_numpy(dtype=float)
    dni = weather["dni"].to_numpy(dtype=float)
    dhi = weather["dhi"].to_numpy(dtype=float)
    temp_air = weather["temp_air"].to_numpy(dtype=float)
    pressure = weather["pressure"].to_numpy(dtype=float)
    wind = _wind_at_10m(weather["wind_speed"].to_numpy(dtype=float), metadata)

    # Sun at mid-hour, matched to hour-mean irradiance; results re-labelled to hour starts.
    mid = index + pd.Timedelta(minutes=30)
    solpos = pvlib.solarposition.get_solarposition(
        mid, lat, lon, altitude=alt, pressure=pressure, temperature=temp_air
    )
    zenith = solpos["apparent_zenith"].to_numpy(dtype=float)
    sun_azimuth = solpos["azimuth"].to_numpy(dtype=float)
    sun_up = zenith < 90.0

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
        # NaN when the sun is down: stow flat (tilt 0); the hour is zeroed below anyway.
        surface_tilt = np.nan_to_num(np.asarray(track["surface_tilt"], dtype=float), nan=0.0)
        surface_azimuth = np.nan_to_num(
            np.asarray(track["surface_azimuth"], dtype=float), nan=float(azimuth_deg)
        )
    else:
        surface_tilt = np.full(len(index), float(tilt_deg))
        surface_azimuth = np.full(len(index), float(azimuth_deg))

    # Day of year of the UTC instant (pvlib's own convention), as numbers: no pandas warning.
    doy = mid.tz_convert("UTC").day_of_year.to_numpy(dtype=float)
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(doy), dtype=float)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt,
        surface_azimuth,
        zenith,
        sun_azimuth,
        dni,
        ghi,
        dhi,
        dni_extra=dni_extra,
        albedo=float(albedo),
        model="haydavies",
    )
    poa_direct = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=float), nan=0.0)
    poa_diffuse = np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=float), nan=0.0)
    poa_global = np.clip(poa_direct + poa_diffuse, 0.0, None)

    aoi = pvlib.irradiance.aoi(surface_tilt, surface_azimuth, zenith, sun_azimuth)
    iam = np.nan_to_num(np.asarray(pvlib.iam.physical(aoi), dtype=float), nan=0.0)
    effective = np.clip(poa_direct * iam + poa_diffuse, 0.0, None)

    params = sapm_models[temperature_model]
    temp_cell = pvlib.temperature.sapm_cell(
        poa_global, temp_air, wind, params["a"], params["b"], params["deltaT"]
    )

    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, float(dc_ac_ratio), gamma_pdc_per_c)
    keep = (
        (1.0 - dc_losses_pct / 100.0)
        * (1.0 - soiling_loss_pct / 100.0)
        * (1.0 - availability_loss_pct / 100.0)
    )
    pdc = np.clip(np.asarray(pdc, dtype=float) * keep, 0.0, None)

    inverter_pdc0 = 1.0 / inverter_efficiency  # DC input at which AC output = 1 MW/MW_ac
    pac = pvlib.inverter.pvwatts(pdc, inverter_pdc0, eta_inv_nom=inverter_efficiency)
    pac0 = inverter_efficiency * inverter_pdc0  # the inverter's own AC cap, ~1.0
    cf = np.asarray(pac, dtype=float) / pac0  # exactly 1.0 in clipped hours
    cf = np.where(sun_up & (ghi > 0.0), cf, 0.0)
    cf = np.clip(np.nan_to_num(cf, nan=0.0), 0.0, 1.0)
    return pd.Series(cf, index=index, name="pv_cf")


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
