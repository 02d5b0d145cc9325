"""Download weather records (PVGIS TMY, PVGIS hourly, NASA POWER) into files dcpower reads.

``dcpower weather fetch`` calls this module. Each source is downloaded and parsed by its
:mod:`pvlib.iotools` client (``get_pvgis_tmy``, ``get_pvgis_hourly``, ``get_nasa_power``),
put on the site's local standard time, cut into calendar years and written as the plain
CSV that :func:`dcpower.weather.readers.read_weather` reads. A ``#`` preamble at the top
of each file records the source, the coordinates, the UTC offset, the retrieval date and
every repair made (:data:`PREAMBLE_KEYS`).

Downloads are cached per source, location and year (:func:`cache_dir`), so a second fetch
of the same records does not touch the network.

Time
----
The services answer in UTC. A file holds one calendar year in local *standard* time (a
fixed UTC offset, no daylight saving), so its hours are unique and continuous. The
local year starts a few hours before the UTC year east of Greenwich: those hours are
taken from the previous fetched year when there is one; at the edge of the fetched span
they are taken from the same clock hours at the other end of the same year (a
wrap-around, exact for a typical year, recorded in the notes for a real one).

Gaps
----
A gap of up to :data:`MAX_FILLED_GAP_H` consecutive hours (a missing hour, or fill values
such as NASA POWER's ``-999``) is filled by linear interpolation in time and recorded in
the notes; a longer gap is an error that names its first hour. Leap years keep their
29 February in the file; the reader drops it when the year is used (its notes say so).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import io
import json
import logging
import os
import re
import socket
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import requests

from dcpower.errors import DcpowerError

logger = logging.getLogger(__name__)

#: Longest run of missing hours that is filled by interpolation. [h]
MAX_FILLED_GAP_H = 3

#: First line of every file this module writes: how dcpower knows a file it may replace.
FIRST_LINE = "# dcpower weather file"

#: Keys of the ``# key: value`` preamble, in the order they are written.
PREAMBLE_KEYS = (
    "source",
    "dataset",
    "latitude",
    "longitude",
    "altitude",
    "wind_height_m",
    "utc_offset",
    "year",
    "retrieved",
    "notes",
)

#: Columns written, pvlib names and units as in the reader (relative humidity in %).
WRITTEN_COLUMNS = (
    "ghi",
    "dni",
    "dhi",
    "temp_air",
    "wind_speed",
    "pressure",
    "relative_humidity",
)

#: Seconds to wait for a service to accept a connection before saying it is unreachable.
CONNECT_TIMEOUT_S = 5.0

#: Seconds to wait for a service's answer (PVGIS builds a year in a few seconds).
READ_TIMEOUT_S = 120


class FetchError(DcpowerError):
    """A download could not be made or used: the message says why and what to do instead."""


@dataclasses.dataclass(frozen=True)
class Download:
    """What one request returned, in UTC and pvlib names.

    Attributes
    ----------
    data : pandas.DataFrame
        Hourly rows, UTC index labelling the start of each hour, columns among
        :data:`WRITTEN_COLUMNS` (W/m2, degC, m/s, Pa, %).
    altitude : float or None
        Elevation the service gives for the point. [m]
    wind_height_m : float
        Height of ``wind_speed`` above ground. [m]
    dataset : str
        The databases behind the values (``"PVGIS-SARAH3 + ERA5"``).
    notes : list of str
        What was derived or changed on the way.
    """

    data: pd.DataFrame
    altitude: float | None
    wind_height_m: float
    dataset: str
    notes: list[str]


@dataclasses.dataclass(frozen=True)
class Source:
    """A weather service dcpower can fetch from.

    Attributes
    ----------
    key : str
        Name on the command line (``nasa-power``).
    title : str
        Human name with the pvlib client used.
    host : str
        Host name of the service, checked before the download.
    by_hand : str
        Where an analyst without this machine's network can get the data, and which
        format to save.
    typical : bool
        True for a typical meteorological year (one file), False for calendar years.
    first_year : int or None
        First calendar year the service documents (None: no check here).
    download : callable
        ``download(latitude, longitude, year)`` -> :class:`Download` (``year`` None for a
        typical year).
    """

    key: str
    title: str
    host: str
    by_hand: str
    typical: bool
    first_year: int | None
    download: Callable[[float, float, int | None], Download]


def _pvgis_tmy(latitude: float, longitude: float, year: int | None) -> Download:
    """PVGIS typical meteorological year, hourly, UTC (pvlib coerces the months onto 1990)."""
    data, meta = pvlib.iotools.get_pvgis_tmy(
        latitude, longitude, outputformat="json", map_variables=True, timeout=READ_TIMEOUT_S
    )
    inputs = meta.get("inputs", {})
    location, meteo = inputs.get("location", {}), inputs.get("meteo_data", {})
    columns = [c for c in WRITTEN_COLUMNS if c in data]
    return Download(
        data=data[columns].astype(float),
        altitude=_number(location.get("elevation")),
        wind_height_m=10.0,
        dataset=_dataset(meteo, "radiation_db", "meteo_db", "year_min", "year_max"),
        notes=[],
    )


def _pvgis_hourly(latitude: float, longitude: float, year: int | None) -> Download:
    """PVGIS hourly radiation on a horizontal plane, one calendar year (UTC).

    PVGIS stamps satellite (SARAH) values at the minute of the scan (``hh:10``); they are
    put on the start of their hour. GHI is the sum of the horizontal beam, diffuse and
    reflected parts, DHI the diffuse part, and DNI follows from GHI and DHI with
    :func:`pvlib.irradiance.dni` (solar position at mid-hour).
    """
    data, meta = pvlib.iotools.get_pvgis_hourly(
        latitude,
        longitude,
        start=year,
        end=year,
        components=True,
        surface_tilt=0,
        outputformat="json",
        map_variables=True,
        timeout=READ_TIMEOUT_S,
    )
    inputs = meta.get("inputs", {})
    location, meteo = inputs.get("location", {}), inputs.get("meteo_data", {})
    minutes = sorted(set(data.index.minute))
    data.index = data.index.floor("h")
    parts = ["poa_direct", "poa_sky_diffuse", "poa_ground_diffuse"]
    ghi = data[[p for p in parts if p in data]].sum(axis=1)
    out = pd.DataFrame({"ghi": ghi, "dhi": data["poa_sky_diffuse"]}, index=data.index)
    mid_hour = out.index + pd.Timedelta(minutes=30)
    zenith = pvlib.solarposition.get_solarposition(mid_hour, latitude, longitude)["zenith"]
    dni = pvlib.irradiance.dni(out["ghi"].to_numpy(), out["dhi"].to_numpy(), zenith.to_numpy())
    # Low sun makes (GHI - DHI) / cos(zenith) large: no beam exceeds the extraterrestrial one.
    ceiling = np.asarray(pvlib.irradiance.get_extra_radiation(mid_hour), dtype=float)
    out["dni"] = np.clip(np.nan_to_num(np.asarray(dni, dtype=float)), 0.0, ceiling)
    out["temp_air"] = data["temp_air"].astype(float)
    out["wind_speed"] = data["wind_speed"].astype(float)
    notes = [
        "DNI derived from GHI and DHI (pvlib.irradiance.dni: zero with the sun below 2 "
        "degrees, at most the extraterrestrial irradiance)."
    ]
    if minutes != [0]:
        notes.append(f"PVGIS time stamps at minute {minutes} put on the start of their hour.")
    return Download(
        data=out[[c for c in WRITTEN_COLUMNS if c in out]].astype(float),
        altitude=_number(location.get("elevation")),
        wind_height_m=10.0,
        dataset=_dataset(meteo, "radiation_db", "meteo_db"),
        notes=notes,
    )


#: NASA POWER parameters requested: irradiance, 2 m air, 50 m wind (MERRA-2), humidity.
NASA_POWER_PARAMETERS = (
    "ALLSKY_SFC_SW_DWN",
    "ALLSKY_SFC_SW_DNI",
    "ALLSKY_SFC_SW_DIFF",
    "T2M",
    "RH2M",
    "WS50M",
    "PS",
)


def _nasa_power(latitude: float, longitude: float, year: int | None) -> Download:
    """NASA POWER hourly point data for one calendar year (UTC), wind at 50 m."""
    data, meta = pvlib.iotools.get_nasa_power(
        latitude,
        longitude,
        start=pd.Timestamp(year, 1, 1),
        end=pd.Timestamp(year, 12, 31),
        parameters=list(NASA_POWER_PARAMETERS),
        community="re",
        map_variables=True,
    )
    data = data.rename(columns={"WS50M": "wind_speed"})
    sources = meta.get("sources") or meta.get("title") or "NASA POWER"
    return Download(
        data=data[[c for c in WRITTEN_COLUMNS if c in data]].astype(float),
        altitude=_number(meta.get("altitude")),
        wind_height_m=50.0,
        dataset=", ".join(sources) if isinstance(sources, list) else str(sources),
        notes=[],
    )


#: The services ``dcpower weather fetch`` knows, by command-line name.
SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            key="pvgis-tmy",
            title="PVGIS typical meteorological year (JRC; pvlib.iotools.get_pvgis_tmy)",
            host="re.jrc.ec.europa.eu",
            by_hand=(
                "download the TMY as JSON or CSV at https://re.jrc.ec.europa.eu/pvg_tools/ "
                "(TMY tab) and give it as weather_file"
            ),
            typical=True,
            first_year=None,
            download=_pvgis_tmy,
        ),
        Source(
            key="pvgis-hourly",
            title="PVGIS hourly radiation (JRC; pvlib.iotools.get_pvgis_hourly)",
            host="re.jrc.ec.europa.eu",
            by_hand=(
                "download hourly data at https://re.jrc.ec.europa.eu/pvg_tools/ (hourly data "
                "tab, slope 0, radiation components) and save it as a plain CSV "
                "(docs/sites.md)"
            ),
            typical=False,
            first_year=None,
            download=_pvgis_hourly,
        ),
        Source(
            key="nasa-power",
            title="NASA POWER hourly point data (pvlib.iotools.get_nasa_power)",
            host="power.larc.nasa.gov",
            by_hand=(
                "download hourly CSV at https://power.larc.nasa.gov/data-access-viewer/ and "
                "give it as weather_file or weather_years"
            ),
            typical=False,
            # Hourly UTC and LST data from 2001/01/01 (power.larc.nasa.gov/docs/services/
            # api/temporal/hourly/).
            first_year=2001,
            download=_nasa_power,
        ),
    )
}


def _number(value: object) -> float | None:
    """Return ``float(value)``, or None when it is missing or not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _dataset(meteo: dict, *keys: str) -> str:
    """Join the PVGIS meteo_data entries that are present (databases and years)."""
    return " ".join(str(meteo[k]) for k in keys if meteo.get(k) not in (None, ""))


# ---------------------------------------------------------------------------------------
# Years and time
# ---------------------------------------------------------------------------------------


def parse_years(text: str) -> list[int]:
    """Read ``--years``: ``2019``, ``2005-2023`` or ``2018,2020,2021-2022``.

    Returns
    -------
    list of int
        Sorted, without repeats.

    Raises
    ------
    FetchError
        On anything else, or a range that runs backwards.
    """
    years: set[int] = set()
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if match is None:
            raise FetchError(
                f"--years '{text}': expected a year (2019), a range (2005-2023) or a comma list"
            )
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise FetchError(f"--years '{text}': the range {first}-{last} runs backwards")
        years.update(range(first, last + 1))
    return sorted(years)


def standard_offset(tz: str) -> dt.timezone:
    """Return the fixed UTC offset of local standard time for a time zone.

    Parameters
    ----------
    tz : str
        IANA name (``Asia/Baku``: its current standard offset, daylight saving removed)
        or a fixed offset (``UTC+04:00``, ``+4``, ``-03:30``).

    Raises
    ------
    FetchError
        If ``tz`` is neither.
    """
    text = tz.strip()
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", text, re.IGNORECASE)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            raise FetchError(f"--tz '{tz}': a UTC offset lies between -14:00 and +14:00")
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    if text.upper() in {"UTC", "GMT", "Z"}:
        return dt.UTC
    try:
        zone = zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise FetchError(
            f"--tz '{tz}': neither an IANA time zone (Asia/Baku) nor an offset (UTC+04:00)"
        ) from None
    now = dt.datetime.now(zone)
    return dt.timezone(now.utcoffset() - (now.dst() or dt.timedelta(0)))


def _offset_text(offset: dt.timezone) -> str:
    """Return a fixed offset as ``UTC+04:00``."""
    minutes = int(offset.utcoffset(None).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def fill_gaps(
    data: pd.DataFrame,
    notes: list[str],
    what: str,
    noted: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """Put ``data`` on a complete hourly index and fill short gaps by interpolation.

    Parameters
    ----------
    data : pandas.DataFrame
        Hourly rows on a tz-aware index; NaN marks a missing value.
    notes : list of str
        Receives one sentence per filled gap.
    what : str
        Names the data in messages (``"nasa-power 2019"``).
    noted : (Timestamp, Timestamp), optional
        Only gaps starting in ``[start, end)`` are noted (the year a file holds, when its
        neighbours' hours are filled with it); default every gap.

    Returns
    -------
    pandas.DataFrame
        Every hour from the first to the last row; runs of up to :data:`MAX_FILLED_GAP_H`
        missing hours interpolated linearly in time.

    Raises
    ------
    FetchError
        On a longer run of missing hours (its first hour and length named), or on
        duplicate hours.
    """
    if data.index.has_duplicates:
        first = data.index[data.index.duplicated()][0]
        raise FetchError(f"{what}: the service returned hour {first} twice")
    data = data.sort_index()
    full = pd.date_range(data.index[0], data.index[-1], freq="h")
    data = data.reindex(full)
    missing = data.isna().any(axis=1).to_numpy()
    if not missing.any():
        return data
    runs = _runs(missing)
    longest = max(runs, key=lambda run: run[1] - run[0])
    if longest[1] - longest[0] > MAX_FILLED_GAP_H:
        raise FetchError(
            f"{what}: {longest[1] - longest[0]} consecutive hours missing from "
            f"{full[longest[0]]}; gaps of up to {MAX_FILLED_GAP_H} h are filled, a longer "
            "one needs another source or year"
        )
    for start, stop in runs:
        if noted is None or noted[0] <= full[start] < noted[1]:
            notes.append(
                f"{stop - start} missing hour(s) from {full[start]} filled by linear "
                "interpolation in time."
            )
    return data.interpolate(method="time", limit_area="inside")


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Return the ``[start, stop)`` index ranges where ``flags`` is True."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def local_year(
    data: pd.DataFrame, offset: dt.timezone, year: int, notes: list[str]
) -> pd.DataFrame:
    """Cut one calendar year in local standard time out of continuous hourly data.

    Parameters
    ----------
    data : pandas.DataFrame
        Continuous hourly rows (no gaps), tz-aware index (any zone).
    offset : datetime.timezone
        Local standard time.
    year : int
        Calendar year to cut.
    notes : list of str
        Receives a sentence when hours are wrapped around.

    Returns
    -------
    pandas.DataFrame
        Every hour of ``year`` in ``offset`` (8760 rows, 8784 in a leap year). Hours the
        data do not cover at one end of the year take the values of the same clock hours
        at the other end of the same year (wrap-around).

    Raises
    ------
    FetchError
        When more than a day of the year is not covered.
    """
    hours = pd.date_range(
        pd.Timestamp(year, 1, 1, tz=offset),
        pd.Timestamp(year + 1, 1, 1, tz=offset),
        freq="h",
        inclusive="left",
    )
    local = data.tz_convert(offset)
    cut = local.reindex(hours)
    missing = cut.isna().all(axis=1).to_numpy()
    if not missing.any():
        return cut
    if missing.sum() > 24:
        first = hours[missing][0]
        raise FetchError(
            f"{year} in {_offset_text(offset)}: {int(missing.sum())} hours not covered by "
            f"the fetched data, first {first}"
        )
    wrapped = hours[missing]
    early = wrapped < hours[len(hours) // 2]
    sources = wrapped + pd.to_timedelta(np.where(early, len(hours), -len(hours)), unit="h")
    cut.loc[wrapped] = local.reindex(sources).to_numpy()
    if cut.isna().any(axis=None):
        raise FetchError(f"{year} in {_offset_text(offset)}: the fetched data do not cover it")
    notes.append(
        f"{len(wrapped)} hour(s) of {year} in {_offset_text(offset)} lie outside the fetched "
        "UTC span; they take the same clock hours from the other end of the year "
        "(wrap-around)."
    )
    return cut


# ---------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Return the download cache: ``$DCPOWER_CACHE_DIR``, else ``~/.cache/dcpower``."""
    base = os.environ.get("DCPOWER_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dcpower"


def _cache_path(source: str, latitude: float, longitude: float, year: int | None) -> Path:
    """One cached download: keyed by source, location (4 decimals) and year."""
    place = f"{latitude:+.4f}_{longitude:+.4f}"
    return cache_dir() / "weather" / source / place / f"{year or 'typical'}.json.gz"


def _cached_download(
    source: Source, latitude: float, longitude: float, year: int | None
) -> tuple[Download, str]:
    """Return a download and its retrieval time (ISO 8601), from the cache when there."""
    path = _cache_path(source.key, latitude, longitude, year)
    if path.is_file():
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                stored = json.load(fh)
            data = pd.read_csv(io.StringIO(stored["data"]), index_col=0)
            data.index = pd.DatetimeIndex(pd.to_datetime(data.index, utc=True))
            download = Download(data=data.astype(float), **stored["download"])
            logger.info("%s %s: from the cache %s", source.key, year or "typical", path)
            return download, stored["retrieved"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("cache entry %s unreadable (%s): downloading again", path, exc)
    _check_reachable(source)
    # pvlib's NASA POWER client sets no timeout; urllib3 then uses the socket default.
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(READ_TIMEOUT_S)
    try:
        download = source.download(latitude, longitude, year)
    except requests.RequestException as exc:
        raise FetchError(
            f"weather fetch {source.key}: the service refused the request: "
            f"{_one_line(exc)}; to give the data by hand, {source.by_hand}"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise FetchError(
            f"weather fetch {source.key}: the answer could not be parsed: {_one_line(exc)}"
        ) from None
    finally:
        socket.setdefaulttimeout(previous)
    retrieved = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    data = download.data.copy()
    data.index = data.index.tz_convert("UTC")
    payload = {
        "retrieved": retrieved,
        "data": data.to_csv(lineterminator="\n"),
        "download": {k: v for k, v in dataclasses.asdict(download).items() if k != "data"},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_suffix(".tmp")
    with gzip.open(staged, "wt", encoding="utf-8") as fh:
        json.dump(payload, fh)
    staged.replace(path)
    return download, retrieved


def _check_reachable(source: Source) -> None:
    """Fail within seconds, in one line, when the service's host cannot be reached."""
    try:
        with socket.create_connection((source.host, 443), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise FetchError(
            f"weather fetch {source.key}: cannot reach {source.host} ({_one_line(exc)}); "
            f"without a network, {source.by_hand}"
        ) from None


def _one_line(exc: BaseException) -> str:
    """Return an exception as one short line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


# ---------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------


def file_name(source: str, year: int | None) -> str:
    """Name of a fetched file: ``nasa-power-2019.csv``, ``pvgis-tmy.csv``."""
    return f"{source}.csv" if year is None else f"{source}-{year}.csv"


def write_weather_csv(path: Path, data: pd.DataFrame, preamble: dict[str, object]) -> None:
    """Write one year as the reader's plain CSV, with a ``# key: value`` preamble.

    The file is written next to its place and renamed, so it is whole or absent.
    """
    lines = [FIRST_LINE]
    for key in PREAMBLE_KEYS:
        value = preamble.get(key)
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        lines.append(f"# {key}: {' '.join(str(value).split())}")
    table = data.round(2)
    table.index = [t.isoformat(timespec="minutes") for t in table.index]
    table.index.name = "time"
    staged = path.with_name(f".{path.name}.tmp")
    with staged.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(lines) + "\n")
        table.to_csv(fh, lineterminator="\n")
    staged.replace(path)


def _check_target(path: Path) -> None:
    """Refuse to replace a file that dcpower did not write."""
    if not path.exists():
        return
    if not path.is_file():
        raise FetchError(f"--out: '{path}' exists and is not a file")
    with path.open("rb") as fh:
        first = fh.readline(len(FIRST_LINE) + 2).decode("utf-8", errors="replace")
    if not first.startswith(FIRST_LINE):
        raise FetchError(
            f"--out: '{path}' exists and was not written by dcpower weather fetch; "
            "choose another --out folder"
        )


@dataclasses.dataclass(frozen=True)
class Fetched:
    """One file written by :func:`fetch_weather`.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    year : int or None
        Its calendar year (None: a typical year).
    notes : list of str
        Repairs and assumptions recorded in its preamble.
    from_cache : bool
        True when no download was needed.
    """

    path: Path
    year: int | None
    notes: list[str]
    from_cache: bool


def fetch_weather(
    source: str,
    latitude: float,
    longitude: float,
    out_dir: Path,
    *,
    years: list[int] | None = None,
    tz: str | None = None,
) -> list[Fetched]:
    """Download weather records and write one file per year that dcpower's reader reads.

    Parameters
    ----------
    source : {"pvgis-tmy", "pvgis-hourly", "nasa-power"}
        The service (:data:`SOURCES`).
    latitude, longitude : float
        The point, degrees north and east.
    out_dir : pathlib.Path
        Folder for the files (created); files it holds that dcpower did not write are
        never replaced.
    years : list of int, optional
        Calendar years; required for the hourly sources, not allowed for the typical year.
    tz : str, optional
        Local time of the files: IANA zone (its standard offset) or fixed offset. Default:
        the offset of the longitude's 15-degree band (noted in the files).

    Returns
    -------
    list of Fetched
        One per file, in year order.

    Raises
    ------
    FetchError
        Unknown source, bad years, an unreachable service (within
        :data:`CONNECT_TIMEOUT_S`), an answer with a long gap, or a file in the way.
    """
    if source not in SOURCES:
        raise FetchError(f"source '{source}': unknown; use one of {', '.join(SOURCES)}")
    spec = SOURCES[source]
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise FetchError(
            f"location {latitude}, {longitude}: latitude lies in [-90, 90] and longitude in "
            "[-180, 180] degrees"
        )
    wanted = _check_years(spec, years)
    notes_all: list[str] = []
    if tz is None:
        hours = int(np.floor(longitude / 15.0 + 0.5))
        offset = dt.timezone(dt.timedelta(hours=hours))
        notes_all.append(
            f"Local standard time taken as {_offset_text(offset)}, the 15-degree band of "
            f"longitude {longitude:g} (no --tz given)."
        )
    else:
        offset = standard_offset(tz)
    targets = [out_dir / file_name(source, year) for year in wanted]
    for target in targets:
        _check_target(target)

    cached = {year: _cache_path(source, latitude, longitude, year).is_file() for year in wanted}
    downloads = {year: _cached_download(spec, latitude, longitude, year) for year in wanted}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for year, target in zip(wanted, targets, strict=True):
        download, retrieved = downloads[year]
        notes = notes_all + list(download.notes)
        if year is None:
            # pvlib put the typical year's months, taken from different years, on one year.
            data = fill_gaps(download.data, notes, f"{source} typical year")
            local = local_year(data, offset, int(data.index[len(data) // 2].year), notes)
        else:
            # A local year reaches into the UTC years next to it: the requested neighbours
            # give those hours, so only the outer edge of the span needs a wrap-around.
            near = [downloads[y][0].data for y in (year - 1, year, year + 1) if y in downloads]
            span = (pd.Timestamp(year, 1, 1, tz=offset), pd.Timestamp(year + 1, 1, 1, tz=offset))
            data = fill_gaps(pd.concat(near), notes, f"{source} {year}", noted=span)
            local = local_year(data, offset, year, notes)
        preamble = {
            "source": spec.title,
            "dataset": download.dataset,
            "latitude": f"{latitude:.4f}",
            "longitude": f"{longitude:.4f}",
            "altitude": None if download.altitude is None else f"{download.altitude:g}",
            "wind_height_m": f"{download.wind_height_m:g}",
            "utc_offset": _offset_text(offset),
            "year": "typical" if year is None else year,
            "retrieved": retrieved,
            "notes": notes,
        }
        write_weather_csv(target, local, preamble)
        written.append(Fetched(target, year, notes, cached[year]))
    return written


def _check_years(spec: Source, years: list[int] | None) -> list[int | None]:
    """Return the years to fetch (``[None]`` for a typical year) or say what is wrong."""
    if spec.typical:
        if years:
            raise FetchError(f"--years: {spec.key} gives one typical year; drop --years")
        return [None]
    if not years:
        raise FetchError(f"--years: {spec.key} needs calendar years, e.g. --years 2014-2023")
    this_year = dt.date.today().year
    early = [y for y in years if spec.first_year is not None and y < spec.first_year]
    late = [y for y in years if y >= this_year]
    if early:
        raise FetchError(
            f"--years: {spec.key} has hourly data from {spec.first_year}; {early[0]} is earlier"
        )
    if late:
        raise FetchError(f"--years: {late[0]} is not a complete year yet (today is {this_year})")
    return list(years)
