"""Synthetic typical years calibrated on a site's monthly statistics.

The generator is a set of small stochastic processes, each fitted exactly to the site
file's monthly figures:

- GHI: pvlib Ineichen clear sky (bundled Linke turbidity) at the hour's mid-point times a
  clear-sky index kc. kc = a daily value (latent AR(1) Gaussian mapped through a Beta
  distribution, so cloudy spells last days) times hourly multiplicative noise, then
  rescaled month by month (capped at ``KC_CAP``) until each month's total matches the
  site file. DNI and DHI come from the Erbs decomposition, with DNI capped at the
  clear-sky DNI and DHI closing ``ghi = dhi + dni * cos(zenith)``.
- temp_air: a periodic spline through mid-month anchors, a diurnal cycle (minimum at
  sunrise, maximum mid-afternoon) with the monthly range, scaled by the day's cloudiness,
  and a daily AR(1) anomaly (heat waves, cold spells); anchors are iterated until each
  month's mean equals the site file.
- wind_speed: a Gaussian copula of two AR(1) processes (synoptic + hourly) mapped to the
  month's Weibull marginal, a small diurnal cycle, and a per-month rescale to the mean.
- relative_humidity (where the site file has the dew-point model): a daily dew point =
  its annual mean + a seasonal slope x u + (an anomaly slope + a slope per degC x u) x the
  day's temperature anomaly + an AR(1) anomaly of its own (``u`` = the day's seasonal
  mean temperature less its annual mean; summer heat waves bring dry air, and winter
  cold spells too), interpolated to hours and held at or below the air temperature;
  relative humidity from the two (``dcpower.weather.psychrometrics``).
- pressure: constant, from altitude (``pvlib.atmosphere.alt2pres``).

Sites differ: each draws from its own random streams (derived from the seed and the site),
and the slow anomalies (daily cloudiness, daily temperature, synoptic wind) of two sites
are correlated by ``exp(-distance / ANOMALY_CORRELATION_LENGTH_KM)``: each site's anomaly
is its row of the Cholesky factor of that correlation over the embedded sites (in id
order, the site itself last if it is not one of them) times their own streams. A site's
year therefore depends on the seed and the embedded sites, never on which other sites a
scenario holds.

The process parameters below (persistence, noise levels) are ESTIMATES: no hourly data
for either site was available to fit them (see docs/sites.md).
"""

from __future__ import annotations

import logging
import zlib
from functools import cache

import numpy as np
import pandas as pd
import pvlib
from scipy import interpolate, signal, special, stats

from dcpower.errors import ScenarioError
from dcpower.weather.psychrometrics import relative_humidity_pct
from dcpower.weather.sites import MONTHS, SiteClimate, available_sites, load_site

logger = logging.getLogger(__name__)

# --- process parameters (ESTIMATES, see module docstring) ---------------------------
#: Upper bound of the hourly clear-sky index (cloud enhancement allows kc slightly > 1). [-]
KC_CAP = 1.10
#: Upper bound of the daily clear-sky index distribution. [-]
KC_DAY_MAX = 1.03
#: Concentration (a + b) of the Beta distribution of daily kc; smaller = more spread. [-]
KC_DAY_CONCENTRATION = 5.0
#: Lag-1 (day-to-day) autocorrelation of the latent daily cloudiness. [-]
KC_DAY_PHI = 0.55
#: Largest relative SD of hourly kc noise (reached on half-cloudy days). [-]
KC_HOUR_SIGMA = 0.35
#: Lag-1 autocorrelation of the hourly kc noise. [-]
KC_HOUR_PHI = 0.7
#: SD of the daily temperature anomaly where the site file gives none. [degC]
TEMP_ANOMALY_SD_C = 2.5
#: Lag-1 (day-to-day) autocorrelation of the temperature anomaly. [-]
TEMP_ANOMALY_PHI = 0.8
#: Local solar time of the daily temperature maximum. [h]
TEMP_MAX_SOLAR_HOUR = 14.5
#: Wind: weight of the slow (synoptic) component in the latent Gaussian variance. [-]
WIND_SLOW_WEIGHT = 0.7
#: Wind: lag-1 autocorrelation (hourly) of the slow component (~4 day e-folding). [-]
WIND_SLOW_PHI = 0.99
#: Wind: lag-1 autocorrelation (hourly) of the fast component. [-]
WIND_FAST_PHI = 0.9
#: Wind: relative amplitude of the diurnal cycle at the statistics height. [-]
WIND_DIURNAL_AMPLITUDE = 0.10
#: Wind: local solar time of the diurnal wind maximum near the ground. [h]
WIND_MAX_SOLAR_HOUR = 15.0
#: e-folding distance of the correlation of two sites' slow weather anomalies. [km]
#: DERIVED: Giebel (2001, lecture Magdeburg, slide 43) finds the correlation of 12-hour
#: wind-power series falling to 0.2 at 500 km, so 500 / ln 5 = 311 km under the
#: exponential decay with distance that Olauson & Bergkvist (Energy 114, 2016, MERRA
#: reanalysis) report for European wind. ESTIMATE for the Caspian (no basin study was
#: found) and for clouds and temperature (applied to them unchanged).
ANOMALY_CORRELATION_LENGTH_KM = 311.0
#: Mean Earth radius (IUGG). [km]
EARTH_RADIUS_KM = 6371.0088


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance and lag-1 autocorrelation ``phi``."""
    eps = rng.standard_normal(n)
    z0 = rng.standard_normal()
    out, _ = signal.lfilter([np.sqrt(1.0 - phi**2)], [1.0, -phi], eps, zi=[phi * z0])
    return out


#: The random streams of a site's year; the first three are shared with other sites.
STREAMS = ("cloud_day", "temperature_day", "wind_slow", "cloud_hour", "wind_fast", "dew_day")


def great_circle_km(a: SiteClimate, b: SiteClimate) -> float:
    """Return the great-circle distance between two sites (haversine) [km]."""
    lat_a, lon_a, lat_b, lon_b = np.deg2rad([a.latitude, a.longitude, b.latitude, b.longitude])
    h = (
        np.sin((lat_b - lat_a) / 2) ** 2
        + np.cos(lat_a) * np.cos(lat_b) * np.sin((lon_b - lon_a) / 2) ** 2
    )
    return float(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)))


def anomaly_correlation(a: SiteClimate, b: SiteClimate) -> float:
    """Return the correlation of two sites' slow weather anomalies in synthetic years [-].

    ``exp(-d / ANOMALY_CORRELATION_LENGTH_KM)`` of their great-circle distance ``d``: a
    correlation that is positive definite for any set of sites.
    """
    return float(np.exp(-great_circle_km(a, b) / ANOMALY_CORRELATION_LENGTH_KM))


@cache
def _embedded() -> tuple[SiteClimate, ...]:
    return tuple(load_site(name) for name in available_sites())


def _same_place(a: SiteClimate, b: SiteClimate) -> bool:
    return (a.name, a.latitude, a.longitude) == (b.name, b.latitude, b.longitude)


def correlated_sites(site: SiteClimate) -> list[SiteClimate]:
    """Sites whose streams make up ``site``'s anomalies, ``site`` last.

    The embedded sites up to ``site`` in id order if it is one of them, else all of them
    and then ``site``.
    """
    embedded = list(_embedded())
    for i, other in enumerate(embedded):
        if _same_place(other, site):
            return embedded[: i + 1]
    return [*embedded, site]


def _stream(seed: int, site: SiteClimate, name: str) -> np.random.Generator:
    """Return a site's own random stream ``name`` (one of :data:`STREAMS`) for a seed."""
    key = zlib.crc32(f"{site.name}|{site.latitude:.6f}|{site.longitude:.6f}".encode())
    return np.random.default_rng(np.random.SeedSequence([seed, key, STREAMS.index(name)]))


def _shared_ar1(seed: int, sites: list[SiteClimate], name: str, n: int, phi: float) -> np.ndarray:
    """Unit-variance AR(1) anomaly of ``sites[-1]``, correlated with the sites before it.

    The last row of the Cholesky factor of the sites' anomaly correlation weights their own
    streams' AR(1) series (same ``phi``): a sum of independent AR(1) series of one ``phi``
    is again one, and the row's squares sum to 1.
    """
    corr = np.array([[anomaly_correlation(a, b) for b in sites] for a in sites])
    row = np.linalg.cholesky(corr)[-1]
    own = [_ar1(_stream(seed, other, name), n, phi) for other in sites]
    return row @ np.array(own)


def _monthly_sum(values: np.ndarray, month: np.ndarray) -> np.ndarray:
    return np.bincount(month, weights=values, minlength=12)


def _monthly_mean(values: np.ndarray, month: np.ndarray) -> np.ndarray:
    return _monthly_sum(values, month) / np.bincount(month, minlength=12)


def _hourly_index(site: SiteClimate, year: int) -> pd.DatetimeIndex:
    start = pd.Timestamp(year=year, month=1, day=1, tz=site.timezone)
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz=site.timezone)
    return pd.date_range(start, end, freq="h", inclusive="left", name="time")


def _solar_hour(times: pd.DatetimeIndex, longitude: float) -> np.ndarray:
    """Local mean solar time at the hour's mid-point [h] (equation of time neglected)."""
    utc_offset_h = times.tz_localize(None) - times.tz_convert("UTC").tz_localize(None)
    offset = utc_offset_h.total_seconds().to_numpy() / 3600.0
    clock = times.hour.to_numpy() + 0.5
    return (clock - offset + longitude / 15.0) % 24.0


def _sunrise_solar_hour(doy: np.ndarray, latitude: float) -> np.ndarray:
    """Sunrise in local solar time for each day of year [h] (Cooper declination)."""
    decl = np.deg2rad(23.44) * np.sin(2.0 * np.pi * (284 + doy) / 365.0)
    cos_w0 = np.clip(-np.tan(np.deg2rad(latitude)) * np.tan(decl), -1.0, 1.0)
    return 12.0 - np.rad2deg(np.arccos(cos_w0)) / 15.0


def _clear_sky_index(
    latent_day: np.ndarray,
    rng: np.random.Generator,
    clear_ghi: np.ndarray,
    month: np.ndarray,
    day: np.ndarray,
    day_month: np.ndarray,
    target_kwh: np.ndarray,
    site_name: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Hourly clear-sky index whose monthly GHI totals match ``target_kwh`` [kWh/m2].

    ``latent_day`` is the daily cloudiness anomaly (unit-variance Gaussian), ``rng`` the
    stream of the hourly noise.
    """
    clear_kwh = _monthly_sum(clear_ghi, month) / 1000.0
    kc_month = target_kwh / clear_kwh
    if np.any(kc_month > 0.97 * KC_CAP):
        i = int(np.argmax(kc_month))
        raise ScenarioError(
            f"site {site_name!r}: field 'ghi_kwh_per_m2' {MONTHS[i]} = {target_kwh[i]:.1f} "
            f"kWh/m2 exceeds what the sky allows (clear-sky total {clear_kwh[i]:.1f} kWh/m2, "
            f"allowed up to {0.97 * KC_CAP:.2f} x clear sky)"
        )
    # daily index: latent AR(1) Gaussian -> uniform -> Beta with the month's mean
    u = special.ndtr(latent_day)
    mu = np.clip(kc_month[day_month] / KC_DAY_MAX, 0.02, 0.98)
    kc_day = KC_DAY_MAX * stats.beta.ppf(
        u, mu * KC_DAY_CONCENTRATION, (1.0 - mu) * KC_DAY_CONCENTRATION
    )
    # hourly noise, strongest on partly cloudy days
    x = kc_day[day] / KC_DAY_MAX
    sigma = KC_HOUR_SIGMA * 4.0 * x * (1.0 - x)
    # The noise moves irradiance between the hours of a day, not between days (its
    # clear-sky-weighted daily mean is removed): a day's clear-sky index is kc_day, so
    # its anomaly keeps the correlation with other sites that the daily process has.
    noise = _ar1(rng, day.size, KC_HOUR_PHI)
    weight = np.bincount(day, weights=clear_ghi)
    noise -= (np.bincount(day, weights=clear_ghi * noise) / np.where(weight > 0, weight, 1))[day]
    kc = kc_day[day] * (1.0 + sigma * noise)
    kc = np.clip(kc, 0.02, KC_CAP)
    # rescale each month to its target total; the cap makes this an iteration
    for _ in range(60):
        total = _monthly_sum(clear_ghi * kc, month) / 1000.0
        ratio = target_kwh / total
        if np.max(np.abs(ratio - 1.0)) < 1e-6:
            break
        kc = np.minimum(kc * ratio[month], KC_CAP)
    return kc, kc_day


def _temperature(
    latent_day: np.ndarray,
    site: SiteClimate,
    t_days: np.ndarray,
    n_days: int,
    month: np.ndarray,
    day: np.ndarray,
    solar_hour: np.ndarray,
    cloud_factor: np.ndarray,
) -> np.ndarray:
    """Hourly air temperature [degC] whose monthly means match the site file.

    ``latent_day`` is the daily temperature anomaly (unit-variance Gaussian).
    """
    target = np.asarray(site.temp_air_mean_c, dtype=float)
    drange = np.asarray(site.temp_air_diurnal_range_c, dtype=float)
    # mid-month anchor positions [days since 1 Jan]
    starts = np.flatnonzero(np.r_[True, np.diff(month) != 0]) / 24.0
    ends = np.r_[starts[1:], n_days]
    mids = 0.5 * (starts + ends)
    x = np.r_[mids, mids[0] + n_days]

    # diurnal shape: -1 at sunrise, +1 at TEMP_MAX_SOLAR_HOUR, half-cosines in between
    doy = np.arange(n_days) + 1
    t_min = _sunrise_solar_hour(doy, site.latitude)[day]
    rise = TEMP_MAX_SOLAR_HOUR - t_min
    s = (solar_hour - t_min) % 24.0
    shape = np.where(
        s < rise,
        -np.cos(np.pi * s / rise),
        np.cos(np.pi * (s - rise) / (24.0 - rise)),
    )
    diurnal = 0.5 * drange[month] * cloud_factor * shape

    # multi-day anomalies (heat waves), interpolated from daily values at mid-day
    anomaly_day = _anomaly_sd_c(site) * latent_day
    anomaly = np.interp(t_days, np.arange(n_days) + 0.5, anomaly_day)

    anchors = target.copy()
    for _ in range(30):
        spline = interpolate.CubicSpline(x, np.r_[anchors, anchors[0]], bc_type="periodic")
        temp = spline(t_days) + diurnal + anomaly
        err = _monthly_mean(temp, month) - target
        if np.max(np.abs(err)) < 1e-4:
            break
        anchors = anchors - err
    return temp


def _anomaly_sd_c(site: SiteClimate) -> float:
    """SD of a site's daily temperature anomaly [degC]."""
    return TEMP_ANOMALY_SD_C if site.temp_anomaly_sd_c is None else site.temp_anomaly_sd_c


def _dew_point(
    temp_air: np.ndarray, anomaly_day: np.ndarray, rng: np.random.Generator, site: SiteClimate
) -> np.ndarray:
    """Hourly dew point [degC] of the site file's dew-point model (module docstring).

    ``anomaly_day`` is the daily temperature anomaly [degC], ``rng`` the dew point's own
    stream. The day's seasonal temperature is its mean less that anomaly.
    """
    n_days = anomaly_day.size
    seasonal = temp_air[: n_days * 24].reshape(n_days, 24).mean(axis=1) - anomaly_day
    above_mean = seasonal - seasonal.mean()
    anomaly_slope = site.dew_point_anomaly_slope + site.dew_point_anomaly_slope_per_c * above_mean
    daily = (
        site.dew_point_mean_c
        + site.dew_point_seasonal_slope * above_mean
        + anomaly_slope * anomaly_day
        + site.dew_point_anomaly_sd_c * _ar1(rng, n_days, TEMP_ANOMALY_PHI)
    )
    hours = np.arange(temp_air.size) / 24.0 + 1.0 / 48.0
    return np.minimum(np.interp(hours, np.arange(n_days) + 0.5, daily), temp_air)


def _wind_speed(
    latent_slow: np.ndarray,
    rng: np.random.Generator,
    site: SiteClimate,
    month: np.ndarray,
    solar_hour: np.ndarray,
) -> np.ndarray:
    """Hourly wind speed at ``site.wind_height_m`` [m/s] with monthly Weibull marginals.

    ``latent_slow`` is the synoptic anomaly (unit-variance hourly Gaussian), ``rng`` the
    stream of the fast component.
    """
    n = month.size
    mean = np.asarray(site.wind_speed_mean_m_per_s, dtype=float)
    k = np.asarray(site.wind_weibull_k, dtype=float)
    z = np.sqrt(WIND_SLOW_WEIGHT) * latent_slow + np.sqrt(1.0 - WIND_SLOW_WEIGHT) * _ar1(
        rng, n, WIND_FAST_PHI
    )
    u = np.clip(special.ndtr(z), 1e-12, 1.0 - 1e-12)
    scale = mean / special.gamma(1.0 + 1.0 / k)
    speed = scale[month] * (-np.log1p(-u)) ** (1.0 / k[month])
    speed *= 1.0 + WIND_DIURNAL_AMPLITUDE * np.cos(
        2.0 * np.pi * (solar_hour - WIND_MAX_SOLAR_HOUR) / 24.0
    )
    speed *= (mean / _monthly_mean(speed, month))[month]
    return speed


def typical_year(site: SiteClimate, seed: int = 0, year: int = 2023) -> tuple[pd.DataFrame, dict]:
    """Generate an hourly synthetic typical year calibrated on a site's monthly statistics.

    Parameters
    ----------
    site : SiteClimate
        The site (location and monthly statistics).
    seed : int, default 0
        Random seed; the same seed gives the same year, another seed another plausible year.
    year : int, default 2023
        Calendar year of the time index (8760 hours; 8784 in a leap year).

    Returns
    -------
    data : DataFrame
        Hourly values, tz-aware index in ``site.timezone`` labelling the start of each hour
        (values are hour means), columns ``ghi``, ``dni``, ``dhi`` [W/m2], ``temp_air``
        [degC], ``wind_speed`` [m/s at ``metadata['wind_height_m']``], ``pressure`` [Pa],
        and ``relative_humidity`` [%] if the site file has the dew-point model.
    metadata : dict
        ``name, latitude, longitude, altitude`` [m], ``tz``, ``wind_height_m`` [m],
        ``roughness_length_m`` [m], ``source``, ``seed``.

    Raises
    ------
    ScenarioError
        If a month's GHI total cannot be reached under the clear-sky index cap.
    """
    times = _hourly_index(site, year)
    n = times.size
    month = times.month.to_numpy() - 1
    day = times.day_of_year.to_numpy() - 1
    n_days = int(day[-1]) + 1
    day_month = month[::24][:n_days]
    t_days = np.arange(n) / 24.0 + 1.0 / 48.0  # hour mid-points [days since 1 Jan]
    solar_hour = _solar_hour(times, site.longitude)
    sites = correlated_sites(site)

    # --- irradiance ---------------------------------------------------------------
    mid = times + pd.Timedelta(minutes=30)
    location = pvlib.location.Location(
        site.latitude, site.longitude, tz=site.timezone, altitude=site.altitude_m
    )
    pressure = float(pvlib.atmosphere.alt2pres(site.altitude_m))
    solpos = location.get_solarposition(mid, pressure=pressure)
    linke = pvlib.clearsky.lookup_linke_turbidity(mid, site.latitude, site.longitude)
    clear = location.get_clearsky(
        mid, model="ineichen", solar_position=solpos, linke_turbidity=linke
    )
    clear_ghi = clear["ghi"].to_numpy()
    clear_dni = clear["dni"].to_numpy()
    zenith = solpos["zenith"].to_numpy()

    target_ghi = np.asarray(site.ghi_kwh_per_m2, dtype=float)
    kc, kc_day = _clear_sky_index(
        _shared_ar1(seed, sites, "cloud_day", n_days, KC_DAY_PHI),
        _stream(seed, site, "cloud_hour"),
        clear_ghi,
        month,
        day,
        day_month,
        target_ghi,
        site.name,
    )
    ghi = clear_ghi * kc
    split = pvlib.irradiance.erbs(ghi, zenith, mid.day_of_year.to_numpy())
    cos_z = np.cos(np.deg2rad(zenith))
    dni = np.minimum(np.asarray(split["dni"], dtype=float), clear_dni * 1.05)
    dni = np.where((ghi > 0) & (cos_z > 0), dni, 0.0)
    dhi = np.maximum(ghi - dni * np.maximum(cos_z, 0.0), 0.0)

    # --- temperature: cloudy days have a smaller diurnal range ---------------------
    kc_day_mean = np.bincount(day_month, weights=kc_day, minlength=12) / np.bincount(
        day_month, minlength=12
    )
    cloud_factor = np.clip(0.5 + 0.5 * kc_day[day] / kc_day_mean[month], 0.5, 1.3)
    latent_temp_day = _shared_ar1(seed, sites, "temperature_day", n_days, TEMP_ANOMALY_PHI)
    temp_air = _temperature(
        latent_temp_day,
        site,
        t_days,
        n_days,
        month,
        day,
        solar_hour,
        cloud_factor,
    )

    # --- wind -----------------------------------------------------------------------
    wind_speed = _wind_speed(
        _shared_ar1(seed, sites, "wind_slow", n, WIND_SLOW_PHI),
        _stream(seed, site, "wind_fast"),
        site,
        month,
        solar_hour,
    )

    columns = {
        "ghi": ghi,
        "dni": dni,
        "dhi": dhi,
        "temp_air": temp_air,
        "wind_speed": wind_speed,
        "pressure": np.full(n, pressure),
    }
    if site.has_humidity:
        dew_point = _dew_point(
            temp_air, _anomaly_sd_c(site) * latent_temp_day, _stream(seed, site, "dew_day"), site
        )
        columns["relative_humidity"] = relative_humidity_pct(temp_air, dew_point)
    data = pd.DataFrame(columns, index=times)
    metadata = site.metadata(
        source=f"dcpower synthetic typical year {year} (seed {seed}) calibrated on the "
        f"monthly statistics of site '{site.name}'"
    )
    metadata["seed"] = seed
    # The surface layer's diurnal wind cycle, so that hub-height wind can turn it over
    # (dcpower.resource.wind.diurnal_turnover).
    metadata["wind_diurnal_cycle"] = {
        "amplitude": WIND_DIURNAL_AMPLITUDE,
        "max_utc_hour": (WIND_MAX_SOLAR_HOUR - site.longitude / 15.0) % 24.0,
    }
    metadata["anomaly_correlation"] = {
        other.name: round(anomaly_correlation(site, other), 4)
        for other in _embedded()
        if not _same_place(other, site)
    }
    logger.debug(
        "synthetic year for %s: GHI %.0f kWh/m2, T %.1f degC, wind %.2f m/s",
        site.name,
        ghi.sum() / 1000.0,
        temp_air.mean(),
        wind_speed.mean(),
    )
    return data, metadata
