"""Weather for dcpower: embedded site climates, synthetic typical years, user weather files.

Every weather table follows one convention (pvlib names): hourly, tz-aware index in the
site's IANA zone labelling the start of each hour (values are hour means), columns
``ghi, dni, dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s at
``metadata['wind_height_m']``], ``pressure`` [Pa]; returned with a metadata dict
``name, latitude, longitude, altitude, tz, wind_height_m, roughness_length_m, source``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dcpower.weather.sites import SiteClimate, available_sites, load_site
from dcpower.weather.synthetic import typical_year

__all__ = ["SiteClimate", "available_sites", "load_site", "load_weather", "typical_year"]


def load_weather(
    site: SiteClimate, weather_file: Path | None = None, seed: int = 0
) -> tuple[pd.DataFrame, dict]:
    """Return hourly weather for a site: the user's file if given, else a synthetic year.

    Parameters
    ----------
    site : SiteClimate
        The site; its location is passed to the file reader and fills metadata gaps.
    weather_file : Path, optional
        An EPW / PVGIS / NASA POWER / CSV weather file. ``None`` means the synthetic
        typical year calibrated on the site's monthly statistics.
    seed : int, default 0
        Random seed of the synthetic year (ignored when a file is given).

    Returns
    -------
    data : DataFrame
        Hourly weather in the dcpower convention (see module docstring).
    metadata : dict
        ``name, latitude, longitude, altitude`` [m], ``tz``, ``wind_height_m`` [m],
        ``roughness_length_m`` [m], ``source``.

    Raises
    ------
    WeatherFileError
        If the file cannot be read (raised by the reader).
    """
    if weather_file is None:
        return typical_year(site, seed=seed)

    from dcpower.weather.readers import read_weather  # lazy: optional heavy readers

    data, metadata = read_weather(
        Path(weather_file),
        latitude=site.latitude,
        longitude=site.longitude,
        altitude=site.altitude_m,
        tz=site.timezone,
        wind_height_m=site.wind_height_m,
    )
    metadata = dict(metadata)
    for key, value in site.metadata(source=f"weather file {weather_file}").items():
        if metadata.get(key) is None:
            metadata[key] = value
    return data, metadata
