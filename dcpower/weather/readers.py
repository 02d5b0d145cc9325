"""Read one year of hourly weather from EPW, PVGIS TMY, NASA POWER or a plain CSV file.

:func:`read_weather` is the single entry point. It detects the file format (content first,
then extension; ``format=`` overrides), hands the file to one reader per format, puts the
result on one calendar year and checks it in one shared validation step.

The result
----------
A :class:`pandas.DataFrame` and a metadata ``dict``.

The DataFrame has an hourly, time-zone-aware ``DatetimeIndex`` named ``time``; every
timestamp labels the **start** of its hour. It holds exactly one calendar year, 8760 rows,
from 1 January 00:00 to 31 December 23:00 local time. Columns (pvlib names, float):

=============  =======  ============================================================
column         unit     meaning
=============  =======  ============================================================
``ghi``        W/m2     global horizontal irradiance, hourly mean
``dni``        W/m2     direct normal irradiance, hourly mean
``dhi``        W/m2     diffuse horizontal irradiance, hourly mean
``temp_air``   degC     air temperature (2 m)
``wind_speed`` m/s      wind speed at ``metadata['wind_height_m']`` above ground
``pressure``   Pa       surface air pressure
=============  =======  ============================================================

The metadata keys are ``name``, ``latitude`` and ``longitude`` (degrees, north and east
positive), ``altitude`` (m), ``tz`` (IANA name or fixed offset such as ``"UTC+01:00"``,
usable as ``index.tz_convert(metadata['tz'])``), ``wind_height_m`` (m),
``roughness_length_m`` (m, or ``None`` when the file does not give it: none of the
supported formats does), ``source`` (for example ``"EPW file /data/x.epw"``) and ``notes``,
a list of sentences recording everything the reader changed or assumed (years coerced,
hours wrapped, Feb 29 dropped, pressure computed, DNI/DHI derived, wind height assumed).

Year, time zone and leap days
-----------------------------
* Typical-year files (EPW, PVGIS TMY) mix months from different years; their timestamps
  are moved onto :data:`REFERENCE_YEAR` (a non-leap year). NASA POWER and plain CSV
  files keep their own year.
* ``tz`` converts the data to that time zone. When the conversion pushes a few hours
  across New Year (PVGIS data are in UTC, say, and the site is at UTC+1), those hours are
  wrapped around to the other end of the same year, so that the year stays a calendar
  year in local time. For a typical year this is exact; for a real year it joins the
  31 December evening to the 1 January morning of the same year, which the notes record.
* A leap year (8784 rows) is accepted: the 24 hours of 29 February are dropped (local
  time), leaving 8760 rows and a one-day step from 28 February 23:00 to 1 March 00:00.

Supported formats
-----------------
``"epw"``
    EnergyPlus weather file, read with :func:`pvlib.iotools.read_epw`. Timestamps are the
    file's local standard time (fixed UTC offset from the LOCATION line). Wind at 10 m;
    pressure from the station pressure field. EPW missing markers (9999 for irradiance,
    99.9 for temperature, 999 for wind, 999999 for pressure) count as missing values.
``"pvgis_csv"``, ``"pvgis_json"``
    PVGIS TMY download (CSV or JSON), read with :func:`pvlib.iotools.read_pvgis_tmy`
    (``map_variables=True``). Timestamps are UTC; wind at 10 m; pressure ``SP`` in Pa.
``"nasa_power"``
    Hourly CSV from the NASA POWER Data Access Viewer or API (``format=CSV``). pvlib 0.16
    only has :func:`pvlib.iotools.get_nasa_power` for the web API, so this module parses
    the file itself: the header block between ``-BEGIN HEADER-`` and ``-END HEADER-``
    gives the location, elevation, time standard (``in LST`` or ``in UTC``) and fill value
    (``-999``), then come columns ``YEAR,MO,DY,HR`` and the parameters
    ``ALLSKY_SFC_SW_DWN`` (GHI), ``ALLSKY_SFC_SW_DNI`` (DNI), ``ALLSKY_SFC_SW_DIFF`` (DHI),
    ``T2M`` (degC), ``WS10M`` / ``WS50M`` / ``WS2M`` (m/s; the highest one present is used
    and sets ``wind_height_m``), ``PS`` (kPa, converted to Pa) and ``RH2M`` (%, kept as
    ``relative_humidity`` where present). Hourly POWER irradiance
    is an hourly mean (its header says Wh/m^2 per hour, numerically W/m2). POWER's LST is
    UTC plus ``round(longitude / 15)`` hours. A fill value (``-999``) is a gap and makes
    the file invalid. DNI/DHI and PS may be absent: they are then derived as for the plain
    CSV below.
``"csv"``
    A plain CSV file with a header row and these columns (any order, extra columns are
    ignored):

    ===============  =========  ======================================================
    column           required   content
    ===============  =========  ======================================================
    ``time``         yes        start of the hour, ISO 8601 with a UTC offset
                                (``2021-01-01T00:00+01:00``, ``...Z``), or naive local
                                time together with the ``tz`` argument
    ``ghi``          yes        global horizontal irradiance, W/m2, hourly mean
    ``dni``          no         direct normal irradiance, W/m2
    ``dhi``          no         diffuse horizontal irradiance, W/m2
    ``temp_air``     yes        air temperature, degC
    ``wind_speed``   yes        wind speed, m/s, at ``wind_height_m`` (argument; 10 m
                                when not given, recorded in the notes)
    ``pressure``     no         surface pressure, Pa
    ``relative_      no         relative humidity, %, 0-100 (a PUE that follows the wet
    humidity``                  bulb needs it)
    ===============  =========  ======================================================

    When ``dni`` or ``dhi`` is absent it is derived from ``ghi`` with the Erbs
    decomposition (:func:`pvlib.irradiance.erbs`, solar position at mid-hour), which needs
    ``latitude`` and ``longitude``. When ``pressure`` is absent it is computed from
    ``altitude`` with :func:`pvlib.atmosphere.alt2pres` (constant over the year), which
    needs ``altitude``. Both are recorded in the notes.

    Lines starting with ``#`` above the header are a preamble: ``# key: value`` lines
    with ``latitude``, ``longitude`` and ``altitude`` (m) give the site's metadata where
    the caller gives none, ``wind_height_m`` (m) the height of ``wind_speed``, and
    ``source`` the data's origin.
    ``dcpower weather fetch`` writes such files (:mod:`dcpower.weather.fetch`).

Errors
------
Every problem with a file raises :class:`dcpower.errors.WeatherFileError`, whose message
names the file and says what is wrong: unknown format, unparseable content (the parser's
error on one line), a missing column (with the columns found), a gap (first missing
timestamp and number of missing rows), a wrong length (found vs 8760 expected), missing
values (NaN or the format's fill value) or a value outside its physical range.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from dcpower.errors import WeatherFileError
from dcpower.units import HOURS_PER_YEAR

logger = logging.getLogger(__name__)

#: Columns of the weather DataFrame, in order.
COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure")
#: Columns kept where a file has them (a wet-bulb PUE needs the humidity).
OPTIONAL_COLUMNS = ("relative_humidity",)


#: Year onto which typical-year files (EPW, PVGIS TMY) are coerced; not a leap year.
REFERENCE_YEAR = 1990

#: Formats accepted by ``read_weather(format=...)``.
FORMATS = ("epw", "pvgis_csv", "pvgis_json", "nasa_power", "csv")

#: Physical bounds (inclusive) that every value must satisfy, per column and unit.
PHYSICAL_RANGES: dict[str, tuple[float, float, str]] = {
    "ghi": (0.0, 1500.0, "W/m2"),
    "dni": (0.0, 1500.0, "W/m2"),
    "dhi": (0.0, 1500.0, "W/m2"),
    "temp_air": (-90.0, 60.0, "degC"),
    "wind_speed": (0.0, 75.0, "m/s"),
    "pressure": (30_000.0, 110_000.0, "Pa"),
    "relative_humidity": (0.0, 100.0, "%"),
}

#: Irradiance values in [-tolerance, 0) W/m2 are rounding noise and are set to 0.
IRRADIANCE_NEGATIVE_TOLERANCE = 1.0

_SNIFF_BYTES = 4096


@dataclasses.dataclass
class _Raw:
    """What a format reader hands to the shared steps.

    Attributes
    ----------
    data : pandas.DataFrame
        Columns already renamed to pvlib names (only those the file has); tz-aware index.
    name, latitude, longitude, altitude, wind_height_m
        Site metadata found in the file (``None`` when the file does not say).
    description : str
        Human name of the format, for messages (``"EPW file"``).
    columns_found : list of str
        Column names as they appear in the file, for missing-column messages.
    file_names : dict
        pvlib column name -> name in the file, for missing-column messages.
    coerce_year : bool
        True for typical-year files whose months come from different years.
    missing_marker : str
        How the format writes a missing value, for NaN messages.
    notes : list of str
        Transformations done by the reader.
    derivable : tuple of str
        Columns the format may omit: ``dni``/``dhi`` (Erbs) and ``pressure`` (altitude).
    """

    data: pd.DataFrame
    description: str
    columns_found: list[str]
    file_names: dict[str, str]
    name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude: float | None = None
    wind_height_m: float | None = None
    coerce_year: bool = False
    missing_marker: str = "NaN"
    notes: list[str] = dataclasses.field(default_factory=list)
    derivable: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------


def read_weather(
    path: str | Path,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    altitude: float | None = None,
    tz: str | None = None,
    wind_height_m: float | None = None,
    format: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Read one year of hourly weather from a file and check it.

    Parameters
    ----------
    path : str or pathlib.Path
        Weather file: EPW, PVGIS TMY CSV or JSON, NASA POWER hourly CSV, or plain CSV
        (see the module docstring for each layout).
    latitude, longitude : float, optional
        Site coordinates in degrees (north, east positive). Required for a plain CSV
        without ``dni``/``dhi`` (Erbs decomposition). For formats that carry a location,
        a given value replaces the file's (a warning is logged when they differ).
    altitude : float, optional
        Site altitude in m. Required for a plain CSV without ``pressure``. Replaces the
        file's elevation when given (NASA POWER's is a grid-cell mean).
    tz : str, optional
        Output time zone: IANA name (``"Europe/Berlin"``) or fixed offset
        (``"UTC+01:00"``, ``"+05:30"``). Default: the file's own time (EPW local standard
        time, UTC for PVGIS, POWER's LST or UTC, the CSV's offset). Required for a plain
        CSV with naive timestamps.
    wind_height_m : float, optional
        Height of the plain CSV's ``wind_speed`` in m (default 10 m, noted). Other formats
        fix the height themselves; a different value is ignored with a warning.
    format : {"epw", "pvgis_csv", "pvgis_json", "nasa_power", "csv"}, optional
        Skip detection and read the file as this format.

    Returns
    -------
    data : pandas.DataFrame
        8760 hourly rows, tz-aware index labelling the start of each hour, columns
        ``ghi, dni, dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s],
        ``pressure`` [Pa], and ``relative_humidity`` [%] where the file has it.
    metadata : dict
        ``name, latitude, longitude, altitude, tz, wind_height_m, roughness_length_m,
        source, notes``.

    Raises
    ------
    WeatherFileError
        The file is missing, of unknown format, unparseable, or its data are incomplete,
        not one year, or physically implausible. The message names the file and the
        problem.
    """
    path = Path(path)
    if not path.is_file():
        raise WeatherFileError(f"Weather file {path}: not found (or not a file).")
    out_tz = _parse_tz(tz, path) if tz is not None else None
    fmt = format.lower() if format is not None else _detect_format(path)
    if fmt not in _READERS:
        raise WeatherFileError(
            f"Weather file {path}: unknown format {format!r}; use one of {', '.join(FORMATS)}."
        )
    logger.info("Reading weather file %s as %s", path, fmt)
    raw = _READERS[fmt](path, out_tz)

    meta = _site_metadata(raw, path, latitude, longitude, altitude, wind_height_m)
    notes = raw.notes
    _require_columns(raw.data, ("ghi", "temp_air", "wind_speed"), path, raw)
    data = _complete_columns(raw.data, raw.derivable, meta, path, notes)
    data, year = _to_calendar_year(data, out_tz, raw.coerce_year, notes)
    data = _validate(data, path, year, raw)

    meta["tz"] = str(data.index.tz)
    meta["notes"] = notes
    for note in notes:
        logger.info("%s: %s", path.name, note)
    return data, meta


# ---------------------------------------------------------------------------------------
# Format detection
# ---------------------------------------------------------------------------------------


def _detect_format(path: Path) -> str:
    """Return the format of ``path``: content signature first, then file extension."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError as exc:
        raise WeatherFileError(f"Weather file {path}: cannot be read ({exc}).") from exc
    start = head.lstrip("\ufeff \t\r\n")
    first_line = start.splitlines()[0] if start else ""
    if first_line.startswith("#"):  # a plain CSV's preamble (dcpower weather fetch)
        first_line = _csv_preamble(path)[2]
    if first_line.startswith("-BEGIN HEADER-"):
        return "nasa_power"
    if first_line.startswith("LOCATION,"):
        return "epw"
    if first_line.startswith("Latitude (decimal degrees)"):
        return "pvgis_csv"
    if start.startswith("{") and ('"outputs"' in head or '"inputs"' in head):
        return "pvgis_json"
    header = [c.strip().strip('"').lower() for c in first_line.split(",")]
    if "time" in header:
        return "csv"
    by_suffix = {".epw": "epw", ".json": "pvgis_json"}
    if path.suffix.lower() in by_suffix:
        return by_suffix[path.suffix.lower()]
    raise WeatherFileError(
        # Nothing of the file is shown: it may not be a weather file at all.
        f"Weather file {path}: unknown format (no EPW, PVGIS or NASA POWER header and no "
        "'time' column in its first line); expected an "
        f"EPW, PVGIS TMY (CSV/JSON), NASA POWER hourly CSV, or a plain CSV with a 'time' "
        f"column. Pass format= one of {', '.join(FORMATS)} to force one."
    )


def _parse_error(path: Path, what: str, exc: BaseException) -> WeatherFileError:
    """Wrap a parser exception into a one-line WeatherFileError."""
    detail = " ".join(str(exc).split())  # one line, whatever the parser wrote
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return WeatherFileError(
        f"Weather file {path}: cannot be parsed as {what}: {type(exc).__name__}: {detail}"
    )


# ---------------------------------------------------------------------------------------
# Format readers: one per format, each returns a _Raw in the file's own time
# ---------------------------------------------------------------------------------------

_EPW_MISSING = {
    "ghi": 9999,
    "dni": 9999,
    "dhi": 9999,
    "temp_air": 99.9,
    "wind_speed": 999,
    "relative_humidity": 999,
}


def _read_epw(path: Path, tz: dt.tzinfo | None) -> _Raw:
    """Read an EPW file with pvlib (local standard time, wind at 10 m)."""
    try:
        data, meta = pvlib.iotools.read_epw(str(path))
        tz = dt.timezone(dt.timedelta(hours=float(meta["TZ"])))
    except Exception as exc:
        raise _parse_error(path, "EPW", exc) from exc
    data = data.rename(columns={"atmospheric_pressure": "pressure"})
    for col, marker in {**_EPW_MISSING, "pressure": 999999}.items():
        if col in data:
            data[col] = pd.to_numeric(data[col], errors="coerce")
            data.loc[data[col] >= marker, col] = np.nan
    data.index = data.index.tz_convert(tz)
    city = str(meta.get("city", "")).strip()
    return _Raw(
        data=data,
        description="EPW file",
        columns_found=list(data.columns),
        file_names={"pressure": "atmospheric_pressure"},
        name=city if city and city not in {"-", "unknown"} else None,
        latitude=float(meta["latitude"]),
        longitude=float(meta["longitude"]),
        altitude=float(meta["altitude"]),
        wind_height_m=10.0,
        coerce_year=True,
        missing_marker="NaN or EPW missing marker (9999, 99.9, 999, 999999)",
    )


_PVGIS_NAMES = {
    "ghi": "G(h)",
    "dni": "Gb(n)",
    "dhi": "Gd(h)",
    "temp_air": "T2m",
    "wind_speed": "WS10m",
    "pressure": "SP",
}


def _read_pvgis(path: Path, pvgis_format: str) -> _Raw:
    """Read a PVGIS TMY file (CSV or JSON) with pvlib; timestamps are UTC."""
    what = f"PVGIS TMY {pvgis_format.upper()}"
    try:
        data, meta = pvlib.iotools.read_pvgis_tmy(
            str(path), pvgis_format=pvgis_format, map_variables=True
        )
    except Exception as exc:
        raise _parse_error(path, what, exc) from exc
    inverse = {v: k for k, v in pvlib.iotools.pvgis.VARIABLE_MAP.items()}
    location = meta.get("inputs", {})
    location = location.get("location", location)  # JSON nests it, CSV does not
    data.index = data.index.tz_convert("UTC")
    return _Raw(
        data=data,
        description=f"{what} file",
        columns_found=[inverse.get(c, c) for c in data.columns],
        file_names=_PVGIS_NAMES,
        latitude=_float_or_none(location.get("latitude")),
        longitude=_float_or_none(location.get("longitude")),
        altitude=_float_or_none(location.get("elevation")),
        wind_height_m=10.0,
        coerce_year=True,
    )


_POWER_NAMES = {
    "ghi": "ALLSKY_SFC_SW_DWN",
    "dni": "ALLSKY_SFC_SW_DNI",
    "dhi": "ALLSKY_SFC_SW_DIFF",
    "temp_air": "T2M",
    "pressure": "PS",
    "relative_humidity": "RH2M",
}
_POWER_WIND = re.compile(r"^WS(\d+)M$")
_NUMBER = r"[-+]?\d+(?:\.\d+)?"


def _read_nasa_power(path: Path, tz: dt.tzinfo | None) -> _Raw:
    """Parse a NASA POWER hourly CSV (header block, then YEAR,MO,DY,HR,... columns).

    The file says its own time standard, so ``tz`` is not used.
    """
    what = "NASA POWER hourly CSV"
    end, header = _power_header_lines(path, what)
    head = _power_header(header, path, what)
    table, stamps = _power_table(path, end, what)
    notes: list[str] = []
    if head.standard == "UTC":
        file_tz: dt.tzinfo = dt.UTC
    else:
        offset = math.floor(head.longitude / 15.0 + 0.5)
        file_tz = dt.timezone(dt.timedelta(hours=offset))
        notes.append(
            f"NASA POWER LST read as fixed offset UTC{offset:+d} h (longitude {head.longitude})."
        )
    names, wind_height = _power_names(table.columns, notes)
    data = pd.DataFrame(index=pd.DatetimeIndex(stamps).tz_localize(file_tz))
    for col, src in names.items():
        if src in table:
            values = pd.to_numeric(table[src], errors="coerce").to_numpy(dtype=float, copy=True)
            values[np.isclose(values, head.fill_value)] = np.nan
            data[col] = values
    if "pressure" in data:
        data["pressure"] *= 1000.0  # kPa -> Pa
    return _Raw(
        data=data,
        description=f"{what} file",
        columns_found=list(table.columns),
        file_names=names,
        name=None,
        latitude=head.latitude,
        longitude=head.longitude,
        altitude=head.altitude,
        wind_height_m=wind_height,
        missing_marker=f"fill value {head.fill_value:g}: a gap in the POWER data",
        notes=notes,
        derivable=("dni", "dhi", "pressure"),
    )


@dataclasses.dataclass(frozen=True)
class _PowerHeader:
    """What a NASA POWER header says about its file.

    Attributes
    ----------
    standard : str
        ``LST`` (local solar time) or ``UTC``.
    latitude, longitude : float
        Location. [deg]
    altitude : float or None
        Elevation of the grid cell. [m]
    fill_value : float
        The number written for missing data.
    """

    standard: str
    latitude: float
    longitude: float
    altitude: float | None
    fill_value: float


def _power_header_lines(path: Path, what: str) -> tuple[int, str]:
    """Return the line number of ``-END HEADER-`` and the header above it."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        end = next(i for i, line in enumerate(lines) if line.strip().startswith("-END HEADER-"))
    except StopIteration:
        raise WeatherFileError(
            f"Weather file {path}: cannot be parsed as {what}: no '-END HEADER-' line."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _parse_error(path, what, exc) from exc
    return end, "\n".join(lines[:end])


def _power_header(header: str, path: Path, what: str) -> _PowerHeader:
    """Read the time standard, location, elevation and fill value of a POWER header."""
    standard = re.search(r"\bin\s+(LST|UTC)\b", header, re.IGNORECASE)
    location = re.search(
        rf"Latitude\s+({_NUMBER})\s+Longitude\s+({_NUMBER})", header, re.IGNORECASE
    )
    if standard is None or location is None:
        missing = "time standard ('in LST'/'in UTC')" if standard is None else "location"
        raise WeatherFileError(
            f"Weather file {path}: cannot be parsed as {what}: the header has no {missing}."
        )
    elevation = re.search(rf"=\s*({_NUMBER})\s*met", header)
    fill = re.search(rf"(?:missing|fill)[^\n]*:\s*({_NUMBER})", header, re.IGNORECASE)
    return _PowerHeader(
        standard=standard.group(1).upper(),
        latitude=float(location.group(1)),
        longitude=float(location.group(2)),
        altitude=float(elevation.group(1)) if elevation else None,
        fill_value=float(fill.group(1)) if fill else -999.0,
    )


def _power_table(path: Path, end: int, what: str) -> tuple[pd.DataFrame, pd.Series]:
    """Read the data rows below the header (upper-case column names) and their timestamps."""
    try:
        table = pd.read_csv(path, skiprows=end + 1, skipinitialspace=True)
        table.columns = [str(c).strip().upper() for c in table.columns]
        stamps = pd.to_datetime(
            {
                "year": table["YEAR"],
                "month": table["MO"],
                "day": table["DY"],
                "hour": table["HR"],
            }
        )
    except Exception as exc:
        raise _parse_error(path, what, exc) from exc
    return table, stamps


def _power_names(columns: pd.Index, notes: list[str]) -> tuple[dict[str, str], float | None]:
    """Map pvlib names to POWER columns; wind from the highest ``WS<h>M`` column there is.

    Returns the mapping and the wind height [m] (None without a wind column); a note is
    added when there is a choice of heights.
    """
    winds = sorted((int(m.group(1)), c) for c in columns if (m := _POWER_WIND.match(c)))
    names = dict(_POWER_NAMES)
    wind_height = None
    if winds:
        wind_height, names["wind_speed"] = float(winds[-1][0]), winds[-1][1]
        if len(winds) > 1:
            notes.append(f"Wind from {winds[-1][1]}, the highest of {[w[1] for w in winds]}.")
    else:
        names["wind_speed"] = "WS10M"
    return names, wind_height


#: Preamble keys of a plain CSV that set the site's metadata (degrees, m).
_PREAMBLE_NUMBERS = ("latitude", "longitude", "altitude", "wind_height_m")


#: Most ``#`` lines read above a plain CSV's header.
_PREAMBLE_MAX_LINES = 1000


def _csv_preamble(path: Path) -> tuple[int, dict[str, str], str]:
    """Read the ``#`` lines at the top of a plain CSV (at most :data:`_PREAMBLE_MAX_LINES`).

    Returns
    -------
    count : int
        How many there are (rows to skip before the header).
    pairs : dict
        Their ``key: value`` pairs.
    header : str
        The first line below them, stripped ("" if none).
    """
    found: dict[str, str] = {}
    count = 0
    try:
        with path.open(encoding="utf-8-sig") as fh:
            for line in fh:
                if not line.startswith("#") or count >= _PREAMBLE_MAX_LINES:
                    return count, found, line.strip()
                count += 1
                key, sep, value = line[1:].partition(":")
                if sep:
                    found[key.strip()] = value.strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise _parse_error(path, "CSV", exc) from exc
    return count, found, ""


def _read_csv(path: Path, tz: dt.tzinfo | None) -> _Raw:
    """Read a plain CSV with a ``time`` column and pvlib-named weather columns.

    Leading ``# key: value`` lines (written by ``dcpower weather fetch``) may give
    ``latitude``, ``longitude``, ``altitude`` [m], ``wind_height_m`` [m] and ``source``.
    """
    skip, preamble, _ = _csv_preamble(path)
    numbers = {}
    for key in _PREAMBLE_NUMBERS:
        if key in preamble:
            numbers[key] = _float_or_none(preamble[key])
            if numbers[key] is None or not math.isfinite(numbers[key]):
                raise WeatherFileError(
                    f"Weather file {path}: preamble line '{key}' is not a number."
                )
    try:
        table = pd.read_csv(path, skipinitialspace=True, skiprows=skip)
    except Exception as exc:
        raise _parse_error(path, "CSV", exc) from exc
    table.columns = [str(c).strip() for c in table.columns]
    found = list(table.columns)
    if "time" not in table:
        raise WeatherFileError(
            f"Weather file {path}: missing column 'time'; found columns: {', '.join(found)}."
        )
    data = pd.DataFrame(
        {
            c: pd.to_numeric(table[c], errors="coerce")
            for c in (*COLUMNS, *OPTIONAL_COLUMNS)
            if c in table
        }
    )
    data.index = _csv_index(pd.Index(table["time"].astype(str).str.strip()), tz, path)
    source = preamble.get("source")
    return _Raw(
        data=data,
        description=f"CSV file ({source})" if source else "CSV file",
        columns_found=found,
        file_names={},
        name=path.stem,
        missing_marker="empty, NaN or non-numeric",
        derivable=("dni", "dhi", "pressure"),
        **numbers,
    )


_READERS: dict[str, Callable[[Path, dt.tzinfo | None], _Raw]] = {
    "epw": _read_epw,
    "pvgis_csv": lambda path, tz: _read_pvgis(path, "csv"),
    "pvgis_json": lambda path, tz: _read_pvgis(path, "json"),
    "nasa_power": _read_nasa_power,
    "csv": _read_csv,
}


# ---------------------------------------------------------------------------------------
# Shared steps: metadata, time parsing, derived columns, calendar year, validation
# ---------------------------------------------------------------------------------------


def _float_or_none(value: object) -> float | None:
    """Return ``float(value)`` or ``None`` when it is missing or not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _parse_tz(tz: str, path: Path) -> dt.tzinfo:
    """Turn an IANA name or a fixed offset (``UTC+01:00``, ``+0530``, ``Z``) into a tzinfo."""
    text = tz.strip()
    if text.upper() in {"UTC", "Z", "GMT"}:
        return dt.UTC
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", text, re.IGNORECASE)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        delta = dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return dt.timezone(sign * delta)
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise WeatherFileError(
            f"Weather file {path}: time zone {tz!r} is neither an IANA name "
            f"(e.g. 'Europe/Berlin') nor a fixed offset (e.g. 'UTC+01:00')."
        ) from None


def _site_metadata(
    raw: _Raw,
    path: Path,
    latitude: float | None,
    longitude: float | None,
    altitude: float | None,
    wind_height_m: float | None,
) -> dict:
    """Merge the file's site data with the caller's; the caller's values win."""
    given = {"latitude": latitude, "longitude": longitude, "altitude": altitude}
    in_file = {"latitude": raw.latitude, "longitude": raw.longitude, "altitude": raw.altitude}
    tolerance = {"latitude": 0.05, "longitude": 0.05, "altitude": 50.0}
    site = {}
    for key, value in given.items():
        file_value = in_file[key]
        if value is not None and file_value is not None:
            if abs(value - file_value) > tolerance[key]:
                logger.warning(
                    "%s: %s %s given replaces %s from the file", path, key, value, file_value
                )
                raw.notes.append(f"{key} {value} given replaces {file_value} from the file.")
        site[key] = float(value) if value is not None else file_value

    height = raw.wind_height_m
    if height is None:
        if wind_height_m is None:
            height = 10.0
            raw.notes.append("Wind height not given: 10 m assumed.")
        else:
            height = float(wind_height_m)
    elif wind_height_m is not None and abs(wind_height_m - height) > 1e-9:
        # The file knows its own measurement height (NASA POWER's 50 m wind): a note, not
        # a warning, since the caller's height is the site file's default.
        raw.notes.append(
            f"Wind at {height:g} m as the file gives it; wind_height_m={wind_height_m:g} ignored."
        )
    lat, lon = site["latitude"], site["longitude"]
    name = raw.name
    if name is None:
        name = f"{lat:.3f}, {lon:.3f}" if lat is not None and lon is not None else path.stem
    return {
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "altitude": site["altitude"],
        "tz": None,
        "wind_height_m": height,
        "roughness_length_m": None,
        "source": f"{raw.description} {path}",
    }


def _require_columns(data: pd.DataFrame, required: tuple[str, ...], path: Path, raw: _Raw):
    """Raise when any of ``required`` is not a column of ``data``; name what was found."""
    missing = [c for c in required if c not in data.columns]
    if missing:
        labels = [
            f"'{c}' (file column '{raw.file_names[c]}')" if c in raw.file_names else f"'{c}'"
            for c in missing
        ]
        raise WeatherFileError(
            f"Weather file {path}: missing column(s) {', '.join(labels)}; "
            f"found columns: {', '.join(map(str, raw.columns_found))}."
        )


def _csv_index(index: pd.Index, tz: dt.tzinfo | None, path: Path) -> pd.DatetimeIndex:
    """Parse the plain CSV's ``time`` strings into a tz-aware index."""
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"))
    except ValueError as exc:
        if "Mixed timezones" not in str(exc):
            raise _parse_error(path, "CSV ('time' column)", exc) from exc
        if tz is None:
            raise WeatherFileError(
                f"Weather file {path}: the 'time' column mixes UTC offsets (daylight saving "
                f"time?); pass tz= (an IANA name) to read it."
            ) from None
        return pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601", utc=True))
    if stamps.tz is not None:
        return stamps
    if tz is None:
        raise WeatherFileError(
            f"Weather file {path}: the 'time' column has no UTC offset (e.g. "
            f"'{index[0]}'); write offsets (2021-01-01T00:00+01:00) or pass tz=."
        )
    try:
        return stamps.tz_localize(tz, ambiguous="infer", nonexistent="raise")
    except Exception as exc:
        raise _parse_error(path, f"CSV ('time' column in {tz})", exc) from exc


def _complete_columns(
    data: pd.DataFrame, derivable: tuple[str, ...], meta: dict, path: Path, notes: list[str]
) -> pd.DataFrame:
    """Derive absent DNI/DHI (Erbs) and pressure (from altitude) where a format allows it."""
    data = data.copy()
    missing_irradiance = [c for c in ("dni", "dhi") if c not in data and c in derivable]
    if missing_irradiance:
        lat, lon = meta["latitude"], meta["longitude"]
        if lat is None or lon is None:
            raise WeatherFileError(
                f"Weather file {path}: column(s) {', '.join(missing_irradiance)} absent; "
                f"deriving them from ghi (Erbs) needs latitude= and longitude=."
            )
        mid_hour = data.index + pd.Timedelta(minutes=30)
        solpos = pvlib.solarposition.get_solarposition(
            mid_hour, lat, lon, altitude=meta["altitude"] or 0.0
        )
        erbs = pvlib.irradiance.erbs(
            data["ghi"].to_numpy(), solpos["zenith"].to_numpy(), mid_hour.day_of_year.to_numpy()
        )
        for col in missing_irradiance:
            data[col] = np.asarray(erbs[col], dtype=float)
        notes.append(
            f"{' and '.join(missing_irradiance)} derived from ghi with the Erbs decomposition "
            f"(pvlib.irradiance.erbs, solar position at mid-hour)."
        )
    if "pressure" not in data and "pressure" in derivable:
        if meta["altitude"] is None:
            raise WeatherFileError(
                f"Weather file {path}: column 'pressure' absent; computing it needs altitude=."
            )
        pressure = float(pvlib.atmosphere.alt2pres(meta["altitude"]))
        data["pressure"] = pressure
        notes.append(
            f"pressure absent: {pressure:.0f} Pa computed from altitude {meta['altitude']:g} m "
            f"(pvlib.atmosphere.alt2pres), constant."
        )
    return data


def _drop_feb29(data: pd.DataFrame, notes: list[str], when: str) -> pd.DataFrame:
    """Drop rows dated 29 February (in the index's time zone) and note it."""
    leap = (data.index.month == 2) & (data.index.day == 29)
    if leap.any():
        notes.append(f"{int(leap.sum())} rows of 29 February dropped ({when}).")
        data = data.loc[~leap]
    return data


def _to_calendar_year(
    data: pd.DataFrame, tz: dt.tzinfo | None, coerce: bool, notes: list[str]
) -> tuple[pd.DataFrame, int]:
    """Put the data on one calendar year in the output time zone.

    Coerces typical-year timestamps onto :data:`REFERENCE_YEAR`, converts to ``tz``, wraps
    the hours that the conversion pushed across New Year and drops 29 February.

    Returns
    -------
    data : pandas.DataFrame
        Sorted by time, index named ``time``.
    year : int
        The calendar year the data should cover.
    """
    if coerce:
        data = _drop_feb29(data, notes, "typical year coerced onto a non-leap year")
        years = sorted(set(data.index.year))
        data = data.set_axis(data.index.map(lambda t: t.replace(year=REFERENCE_YEAR)), axis=0)
        if years != [REFERENCE_YEAR]:
            notes.append(f"Typical-year months from years {years} moved onto {REFERENCE_YEAR}.")
    native = data.index.tz
    if tz is not None:
        data = data.tz_convert(tz)
    index = data.index
    if coerce:
        year = REFERENCE_YEAR
    else:
        year = int(pd.Series(index.year).mode().iloc[0]) if len(index) else REFERENCE_YEAR
    if tz is not None and len(index) and _offsets_differ(native, tz, index):
        days = pd.Timedelta(days=366 if _is_leap(year) else 365)
        before = (index.year == year - 1) & (index.month == 12) & (index.day == 31)
        after = (index.year == year + 1) & (index.month == 1) & (index.day == 1)
        if before.any() or after.any():
            shifted = index.to_series()
            shifted[before] += days
            shifted[after] -= days
            data = data.set_axis(pd.DatetimeIndex(shifted), axis=0)
            n = int(before.sum() + after.sum())
            notes.append(
                f"{n} hour(s) pushed across New Year by the conversion to {tz} wrapped around "
                f"to the other end of {year}."
            )
    if _is_leap(year):
        data = _drop_feb29(data, notes, f"{year} is a leap year")
    data = data.sort_index()
    data.index.name = "time"
    return data, year


def _is_leap(year: int) -> bool:
    """Return True for a leap year."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _offsets_differ(native: dt.tzinfo | None, tz: dt.tzinfo, index: pd.DatetimeIndex) -> bool:
    """Return True when converting from ``native`` to ``tz`` changes any UTC offset."""
    if native is None:
        return True
    sample = index[[0, len(index) // 2, -1]]
    return any(t.tz_convert(native).utcoffset() != t.utcoffset() for t in sample)


def _validate(data: pd.DataFrame, path: Path, year: int, raw: _Raw) -> pd.DataFrame:
    """Check one calendar year of hourly weather; return it with columns in order.

    This is the one validation step shared by all formats: required columns, time index
    (tz-aware, unique, on the hour, no gap, 8760 rows, the calendar year ``year``),
    missing values and physical ranges.
    """
    where = f"Weather file {path}"
    _require_columns(data, COLUMNS, path, raw)
    columns = [*COLUMNS, *(c for c in OPTIONAL_COLUMNS if c in data)]
    data = data.loc[:, columns].astype(float)
    _check_hour_stamps(data.index, where)
    _check_calendar_year(data.index, year, where)
    for col in columns:
        _check_column(data, col, where, raw.missing_marker)
    data.index.freq = None
    return data


def _check_hour_stamps(index: pd.Index, where: str) -> None:
    """Raise unless the timestamps are tz-aware, there are some, unique and on the hour."""
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise WeatherFileError(f"{where}: timestamps are not time-zone aware.")
    if len(index) == 0:
        raise WeatherFileError(f"{where}: no data rows (expected {HOURS_PER_YEAR}).")
    duplicated = index[index.duplicated()]
    if len(duplicated):
        raise WeatherFileError(
            f"{where}: {len(duplicated)} duplicate timestamp(s), first {duplicated[0]}."
        )
    off_hour = index[(index.minute != 0) | (index.second != 0) | (index.microsecond != 0)]
    if len(off_hour):
        raise WeatherFileError(
            f"{where}: timestamps must be on the hour (start of each hour); "
            f"{len(off_hour)} are not, first {off_hour[0]}."
        )


def _check_calendar_year(index: pd.DatetimeIndex, year: int, where: str) -> None:
    """Raise unless the hours are those of calendar year ``year`` without 29 February.

    A gap inside the data is named first, then a wrong length, then a wrong span.
    """
    full_year = pd.date_range(
        pd.Timestamp(year, 1, 1).tz_localize(index.tz),
        pd.Timestamp(year + 1, 1, 1).tz_localize(index.tz),
        freq="h",
        inclusive="left",
    )
    full_year = full_year[~((full_year.month == 2) & (full_year.day == 29))]
    span = full_year[(full_year >= index[0]) & (full_year <= index[-1])]
    missing = span.difference(index)
    if len(missing):
        raise WeatherFileError(
            f"{where}: gap in the hourly data: {len(missing)} row(s) missing, "
            f"first missing timestamp {missing[0]}."
        )
    if len(index) != HOURS_PER_YEAR:
        raise WeatherFileError(
            f"{where}: wrong length: found {len(index)} hourly rows "
            f"({index[0]} to {index[-1]}), expected {HOURS_PER_YEAR} (one year; a leap "
            f"year's 8784 is accepted)."
        )
    if not index.equals(full_year):
        raise WeatherFileError(
            f"{where}: the data run from {index[0]} to {index[-1]}; expected one calendar "
            f"year, {full_year[0]} to {full_year[-1]}."
        )


def _check_column(data: pd.DataFrame, col: str, where: str, missing_marker: str) -> None:
    """Raise on a missing or out-of-range value in ``col`` (units: PHYSICAL_RANGES).

    Irradiance in [-IRRADIANCE_NEGATIVE_TOLERANCE, 0) W/m2 (rounding noise) is set to 0 in
    ``data`` first.
    """
    values = data[col]
    nan = values.isna()
    if nan.any():
        raise WeatherFileError(
            f"{where}: column '{col}' has {int(nan.sum())} missing value(s) "
            f"({missing_marker}), first at {values.index[nan.to_numpy()][0]}."
        )
    low, high, unit = PHYSICAL_RANGES[col]
    if col in ("ghi", "dni", "dhi"):
        noise = (values < 0) & (values >= -IRRADIANCE_NEGATIVE_TOLERANCE)
        if noise.any():
            data.loc[noise, col] = 0.0
            values = data[col]
    bad = (values < low) | (values > high)
    if bad.any():
        first = values.index[bad.to_numpy()][0]
        raise WeatherFileError(
            f"{where}: column '{col}' has {int(bad.sum())} value(s) outside "
            f"[{low:g}, {high:g}] {unit}, first {values[first]:g} at {first} "
            f"(wrong unit?)."
        )
