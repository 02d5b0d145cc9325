"""Round-trip and error tests for dcpower.weather.readers on files written here in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest

from dcpower.errors import WeatherFileError
from dcpower.weather.readers import COLUMNS, REFERENCE_YEAR, read_weather

pytestmark = pytest.mark.unit

# Months of a typical year and the year each one comes from (PVGIS layout, mixed years).
TMY_YEARS = [2018, 2007, 2009, 2013, 2008, 2006, 2011, 2010, 2020, 2006, 2007, 2016]


def synthetic_values(n: int = 8760) -> pd.DataFrame:
    """Deterministic, physically plausible hourly values, rounded as they are written."""
    h = np.arange(n)
    hod = h % 24
    day = np.clip(np.sin(np.pi * (hod - 6) / 12), 0, None)
    ghi = np.round(700 * day * (0.6 + 0.4 * ((h // 24) % 7) / 6))
    dhi = np.round(0.3 * ghi + 20 * day)
    dhi = np.minimum(dhi, ghi)
    dni = np.round(1.1 * (ghi - dhi), 2)
    temp = np.round(12 + 8 * np.sin(2 * np.pi * (h / 8760 - 0.3)) + 4 * day, 1)
    wind = np.round(0.5 * (h % 13), 1)
    pressure = 99000.0 + 10 * (h % 50)
    return pd.DataFrame(
        {
            "ghi": ghi,
            "dni": dni,
            "dhi": dhi,
            "temp_air": temp,
            "wind_speed": wind,
            "pressure": pressure,
        }
    )


def tmy_naive_times() -> pd.DatetimeIndex:
    """8760 hourly starts of a non-leap year, each month stamped with its TMY source year."""
    base = pd.date_range("2019-01-01", periods=8760, freq="h")
    years = np.array(TMY_YEARS)[base.month - 1]
    return pd.DatetimeIndex([t.replace(year=int(y)) for t, y in zip(base, years, strict=True)])


def assert_convention(data: pd.DataFrame, meta: dict) -> None:
    assert list(data.columns) in (list(COLUMNS), [*COLUMNS, "relative_humidity"])
    assert isinstance(data.index, pd.DatetimeIndex)
    assert data.index.tz is not None
    assert len(data) == 8760
    assert data.index.is_monotonic_increasing and data.index.is_unique
    assert ((data.index.minute == 0) & (data.index.second == 0)).all()
    first = data.index[0]
    assert (first.month, first.day, first.hour) == (1, 1, 0)
    last = data.index[-1]
    assert (last.month, last.day, last.hour) == (12, 31, 23)
    assert not data.isna().any().any()
    for key in (
        "name",
        "latitude",
        "longitude",
        "altitude",
        "tz",
        "wind_height_m",
        "roughness_length_m",
        "source",
    ):
        assert key in meta
    # The metadata tz string is usable to rebuild the same zone.
    assert data.index.tz_convert(meta["tz"]).equals(data.index)


# --------------------------------------------------------------------------------------
# EPW
# --------------------------------------------------------------------------------------


def write_epw(path: Path, values: pd.DataFrame, n_rows: int = 8760) -> Path:
    header = [
        "LOCATION,Testville,-,ITA,Synthetic,123456,45.000000,8.000000,1.0,250.0",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVING,No,0,0,0",
        "COMMENTS 1,written by dcpower tests",
        "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = []
    for i, t in enumerate(tmy_naive_times()[:n_rows]):
        v = values.iloc[i]
        fields = [
            t.year, t.month, t.day, t.hour + 1, 0, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9",
            f"{v.temp_air:.1f}", "5.0", "70", f"{v.pressure:.0f}", 9999, 9999, 300,
            f"{v.ghi:.0f}", f"{v.dni:.2f}", f"{v.dhi:.0f}", 999999, 999999, 999999, 9999,
            180, f"{v.wind_speed:.1f}", 5, 5, 9999, 99999, 9, 999999999, 10, 0.1, 0, 88,
            0.2, 0, 0,
        ]  # fmt: skip
        rows.append(",".join(str(f) for f in fields))
    path.write_text("\n".join(header + rows) + "\n")
    return path


def test_epw_round_trip(tmp_path):
    values = synthetic_values()
    path = write_epw(tmp_path / "site.epw", values)
    data, meta = read_weather(path)
    assert_convention(data, meta)
    assert str(data.index.tz) == "UTC+01:00"
    assert data.index[0] == pd.Timestamp(f"{REFERENCE_YEAR}-01-01 00:00", tz="UTC+01:00")
    for col in COLUMNS:
        np.testing.assert_allclose(data[col].to_numpy(), values[col].to_numpy(), err_msg=col)
    assert meta["name"] == "Testville"
    assert (meta["latitude"], meta["longitude"], meta["altitude"]) == (45.0, 8.0, 250.0)
    assert meta["wind_height_m"] == 10.0
    assert meta["roughness_length_m"] is None
    assert meta["source"] == f"EPW file {path}"


def test_epw_to_utc_wraps_new_year(tmp_path):
    values = synthetic_values()
    path = write_epw(tmp_path / "site.epw", values)
    data, meta = read_weather(path, tz="UTC")
    assert_convention(data, meta)
    assert meta["tz"] == "UTC"
    # 00:00 UTC is 01:00 local (file row 1); the last UTC hour wraps to local midnight.
    np.testing.assert_allclose(data["ghi"].to_numpy(), np.roll(values["ghi"].to_numpy(), -1))
    assert any("wrapped" in note for note in meta["notes"])


def test_epw_truncated_is_rejected(tmp_path):
    path = write_epw(tmp_path / "short.epw", synthetic_values(), n_rows=5000)
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "found 5000" in msg and "8760" in msg


def test_epw_garbage_location_is_parse_error(tmp_path):
    path = tmp_path / "bad.epw"
    path.write_text("LOCATION,x,-,y,z,1,north,east,one,high\nnot an epw\n")
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "cannot be parsed as EPW" in msg
    assert "\n" not in msg


# --------------------------------------------------------------------------------------
# PVGIS TMY (CSV and JSON, real PVGIS layout: see pvlib tests/data/tmy_45.000_8.000_*.csv)
# --------------------------------------------------------------------------------------

PVGIS_HEADER = "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP"


def pvgis_records(values: pd.DataFrame) -> list[dict]:
    records = []
    for t, (_, v) in zip(tmy_naive_times(), values.iterrows(), strict=True):
        records.append(
            {
                "time(UTC)": t.strftime("%Y%m%d:%H%M"),
                "T2m": v.temp_air,
                "RH": 80.0,
                "G(h)": v.ghi,
                "Gb(n)": v.dni,
                "Gd(h)": v.dhi,
                "IR(h)": 300.0,
                "WS10m": v.wind_speed,
                "WD10m": 180.0,
                "SP": v.pressure,
            }
        )
    return records


def write_pvgis_csv(path: Path, values: pd.DataFrame, n_rows: int = 8760) -> Path:
    lines = [
        "Latitude (decimal degrees): 45.000",
        "Longitude (decimal degrees): 8.000",
        "Elevation (m): 250.0",
        "Irradiance Time Offset (h): 0.1761",
        "month,year",
        *[f"{m},{y}" for m, y in enumerate(TMY_YEARS, start=1)],
        PVGIS_HEADER,
    ]
    for rec in pvgis_records(values)[:n_rows]:
        lines.append(",".join(str(rec[k]) for k in PVGIS_HEADER.split(",")))
    lines += [
        "",
        "T2m: 2-m air temperature (degree Celsius)",
        "G(h): Global irradiance on the horizontal plane (W/m2)",
        "SP: Surface (air) pressure (Pa)",
        "",
        "PVGIS (c) European Union, 2001-2025",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_pvgis_json(path: Path, values: pd.DataFrame, drop: str | None = None) -> Path:
    records = pvgis_records(values)
    if drop:
        for rec in records:
            rec.pop(drop)
    doc = {
        "inputs": {
            "location": {
                "latitude": 45.0,
                "longitude": 8.0,
                "elevation": 250.0,
                "irradiance_time_offset": 0.1761,
            },
            "meteo_data": {"radiation_db": "PVGIS-SARAH3", "meteo_db": "ERA5"},
        },
        "outputs": {
            "months_selected": [{"month": m, "year": y} for m, y in enumerate(TMY_YEARS, start=1)],
            "tmy_hourly": records,
        },
        "meta": {
            "inputs": {"location": {"description": "Selected location"}},
            "outputs": {"tmy_hourly": {"type": "time series", "timestamp": "hourly"}},
        },
    }
    path.write_text(json.dumps(doc))
    return path


def test_pvgis_csv_round_trip(tmp_path):
    values = synthetic_values()
    path = write_pvgis_csv(tmp_path / "tmy_45.000_8.000_2005_2023.csv", values)
    data, meta = read_weather(path)
    assert_convention(data, meta)
    assert meta["tz"] == "UTC"
    assert data.index[0] == pd.Timestamp(f"{REFERENCE_YEAR}-01-01", tz="UTC")
    for col in COLUMNS:
        np.testing.assert_allclose(data[col].to_numpy(), values[col].to_numpy(), err_msg=col)
    assert (meta["latitude"], meta["longitude"], meta["altitude"]) == (45.0, 8.0, 250.0)
    assert meta["wind_height_m"] == 10.0
    assert meta["source"].startswith("PVGIS TMY CSV file")


def test_pvgis_json_round_trip_with_dst_zone(tmp_path):
    values = synthetic_values()
    path = write_pvgis_json(tmp_path / "tmy.json", values)
    data, meta = read_weather(path, tz="Europe/Rome")
    assert_convention(data, meta)
    assert meta["tz"] == "Europe/Rome"
    assert data.index[0] == pd.Timestamp(f"{REFERENCE_YEAR}-01-01 00:00", tz="Europe/Rome")
    # Local midnight 1 Jan is 23:00 UTC on 31 Dec: the file's last row, wrapped around.
    for col in COLUMNS:
        np.testing.assert_allclose(
            data[col].to_numpy(), np.roll(values[col].to_numpy(), 1), err_msg=col
        )
    assert meta["source"].startswith("PVGIS TMY JSON file")


def test_pvgis_csv_truncated_is_parse_error(tmp_path):
    path = write_pvgis_csv(tmp_path / "tmy.csv", synthetic_values(), n_rows=100)
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "cannot be parsed as PVGIS TMY CSV" in msg


def test_pvgis_json_missing_column(tmp_path):
    path = write_pvgis_json(tmp_path / "tmy.json", synthetic_values(), drop="SP")
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "missing column(s) 'pressure' (file column 'SP')" in msg
    assert "found columns: T2m, RH, G(h)" in msg


# --------------------------------------------------------------------------------------
# NASA POWER hourly CSV
# --------------------------------------------------------------------------------------


def write_power(
    path: Path,
    values: pd.DataFrame,
    *,
    year: int = 2022,
    standard: str = "LST",
    wind: str = "WS50M",
    fill_rows: tuple[int, ...] = (),
    drop: str | None = None,
) -> Path:
    times = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", inclusive="left")
    table = pd.DataFrame(
        {
            "YEAR": times.year,
            "MO": times.month,
            "DY": times.day,
            "HR": times.hour,
            "ALLSKY_SFC_SW_DWN": values["ghi"].to_numpy()[: len(times)],
            "ALLSKY_SFC_SW_DNI": values["dni"].to_numpy()[: len(times)],
            "ALLSKY_SFC_SW_DIFF": values["dhi"].to_numpy()[: len(times)],
            "T2M": values["temp_air"].to_numpy()[: len(times)],
            wind: values["wind_speed"].to_numpy()[: len(times)],
            "PS": values["pressure"].to_numpy()[: len(times)] / 1000.0,
        }
    )
    for row in fill_rows:
        table.loc[row, "T2M"] = -999.0
    if drop:
        table = table.drop(columns=drop)
    header = "\n".join(
        [
            "-BEGIN HEADER-",
            "NASA/POWER Source Native Resolution Hourly Data ",
            f"Dates (month/day/year): 01/01/{year} through 12/31/{year} in {standard}",
            "Location: Latitude  45.0   Longitude 8.0 ",
            "Elevation from MERRA-2: Average for 0.5 x 0.625 degree lat/lon region = 412.3 meters",
            "The value for missing source data that cannot be computed or is outside of the "
            "sources availability range: -999 ",
            "Parameter(s): ",
            "ALLSKY_SFC_SW_DWN     CERES SYN1deg All Sky Surface Shortwave Downward "
            "Irradiance (Wh/m^2) ",
            "T2M                   MERRA-2 Temperature at 2 Meters (C) ",
            "PS                    MERRA-2 Surface Pressure (kPa) ",
            "-END HEADER-",
        ]
    )
    path.write_text(header + "\n" + table.to_csv(index=False))
    return path


def test_nasa_power_round_trip(tmp_path):
    values = synthetic_values()
    path = write_power(tmp_path / "POWER_Point_Hourly.csv", values)
    data, meta = read_weather(path)
    assert_convention(data, meta)
    # LST at 8 degE is UTC + round(8/15) = UTC+1.
    assert meta["tz"] == "UTC+01:00"
    assert data.index[0] == pd.Timestamp("2022-01-01 00:00", tz="UTC+01:00")
    for col in COLUMNS:
        np.testing.assert_allclose(data[col].to_numpy(), values[col].to_numpy(), err_msg=col)
    assert meta["wind_height_m"] == 50.0
    assert (meta["latitude"], meta["longitude"], meta["altitude"]) == (45.0, 8.0, 412.3)
    assert meta["source"].startswith("NASA POWER hourly CSV file")


def test_nasa_power_leap_year_drops_feb29(tmp_path):
    values = synthetic_values(8784)
    path = write_power(tmp_path / "power2020.csv", values, year=2020, standard="UTC",
                       wind="WS10M")  # fmt: skip
    data, meta = read_weather(path, altitude=300.0)
    assert_convention(data, meta)
    assert meta["tz"] == "UTC" and meta["wind_height_m"] == 10.0 and meta["altitude"] == 300.0
    assert not ((data.index.month == 2) & (data.index.day == 29)).any()
    keep = np.r_[0 : 59 * 24, 60 * 24 : 8784]
    np.testing.assert_allclose(data["ghi"].to_numpy(), values["ghi"].to_numpy()[keep])
    assert any("29 February" in note for note in meta["notes"])


def test_nasa_power_fill_value_is_a_gap(tmp_path):
    path = write_power(tmp_path / "power.csv", synthetic_values(), fill_rows=(100, 101))
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "'temp_air' has 2 missing value(s)" in msg and "-999" in msg
    assert "2022-01-05 04:00:00+01:00" in msg


def test_nasa_power_missing_column(tmp_path):
    path = write_power(tmp_path / "power.csv", synthetic_values(), drop="T2M")
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "'temp_air' (file column 'T2M')" in msg
    assert "found columns: YEAR, MO, DY, HR" in msg


# --------------------------------------------------------------------------------------
# Plain CSV
# --------------------------------------------------------------------------------------


def write_csv(path: Path, values: pd.DataFrame, times: pd.DatetimeIndex, columns=COLUMNS) -> Path:
    table = values.loc[:, list(columns)].copy()
    table.insert(0, "time", [t.isoformat() for t in times])
    table.to_csv(path, index=False)
    return path


def year_2021(tz="UTC+01:00") -> pd.DatetimeIndex:
    return pd.date_range("2021-01-01", periods=8760, freq="h", tz=tz)


def test_csv_round_trip(tmp_path):
    values = synthetic_values()
    path = write_csv(tmp_path / "site.csv", values, year_2021())
    data, meta = read_weather(path, latitude=45.0, longitude=8.0, wind_height_m=80.0)
    assert_convention(data, meta)
    assert data.index.equals(year_2021().rename("time"))
    for col in COLUMNS:
        np.testing.assert_allclose(data[col].to_numpy(), values[col].to_numpy(), err_msg=col)
    assert meta["tz"] == "UTC+01:00"
    assert meta["wind_height_m"] == 80.0
    assert (meta["latitude"], meta["longitude"], meta["altitude"]) == (45.0, 8.0, None)
    assert meta["name"] == "site" and meta["source"] == f"CSV file {path}"


def test_csv_naive_times_with_tz(tmp_path):
    values = synthetic_values()
    naive = pd.date_range("2021-01-01", periods=8760, freq="h")
    path = write_csv(tmp_path / "naive.csv", values, naive)
    data, meta = read_weather(path, tz="+05:30")
    assert_convention(data, meta)
    assert data.index[0] == pd.Timestamp("2021-01-01 00:00", tz="UTC+05:30")
    np.testing.assert_allclose(data["temp_air"].to_numpy(), values["temp_air"].to_numpy())
    assert meta["wind_height_m"] == 10.0
    assert any("10 m assumed" in note for note in meta["notes"])


def test_csv_derives_dni_dhi_and_pressure(tmp_path):
    values = synthetic_values()
    # A GHI consistent with the sun at 45N 8E, so that the Erbs DNI stays physical.
    solpos = pvlib.solarposition.get_solarposition(
        year_2021() + pd.Timedelta(minutes=30), 45.0, 8.0, altitude=500.0
    )
    clear = pvlib.clearsky.haurwitz(solpos["apparent_zenith"])["ghi"].to_numpy()
    values["ghi"] = np.round(clear * (0.5 + 0.5 * (np.arange(8760) // 24 % 3) / 2))
    path = write_csv(
        tmp_path / "ghi_only.csv", values, year_2021(), columns=("ghi", "temp_air", "wind_speed")
    )
    data, meta = read_weather(path, latitude=45.0, longitude=8.0, altitude=500.0)
    assert_convention(data, meta)
    np.testing.assert_allclose(data["ghi"].to_numpy(), values["ghi"].to_numpy())
    assert (data["pressure"] == pvlib.atmosphere.alt2pres(500.0)).all()
    assert (data["dhi"] <= data["ghi"] + 1e-9).all()
    # Erbs keeps closure ghi = dhi + dni cos(zenith) at mid-hour.
    zenith = pvlib.solarposition.get_solarposition(
        data.index + pd.Timedelta(minutes=30), 45.0, 8.0, altitude=500.0
    )["zenith"].to_numpy()
    closure = data["dhi"].to_numpy() + data["dni"].to_numpy() * np.cos(np.radians(zenith))
    day = zenith < 80
    np.testing.assert_allclose(closure[day], data["ghi"].to_numpy()[day], atol=1e-6)
    notes = " ".join(meta["notes"])
    assert "Erbs" in notes and "alt2pres" in notes


def test_csv_without_dni_needs_location(tmp_path):
    path = write_csv(
        tmp_path / "ghi_only.csv",
        synthetic_values(),
        year_2021(),
        columns=("ghi", "temp_air", "wind_speed", "pressure"),
    )
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "latitude" in msg and "dni, dhi" in msg


def test_csv_gap(tmp_path):
    values = synthetic_values()
    times = year_2021()
    keep = np.ones(8760, dtype=bool)
    keep[1000:1003] = False
    path = write_csv(tmp_path / "gap.csv", values[keep], times[keep])
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "gap" in msg and "3 row(s) missing" in msg
    assert str(times[1000]) in msg


def test_csv_wrong_length(tmp_path):
    values = synthetic_values(48)
    path = write_csv(tmp_path / "two_days.csv", values, year_2021()[:48])
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "found 48" in msg and "expected 8760" in msg


def test_csv_missing_column(tmp_path):
    path = write_csv(
        tmp_path / "no_wind.csv",
        synthetic_values(),
        year_2021(),
        columns=("ghi", "dni", "dhi", "temp_air", "pressure"),
    )
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "missing column(s) 'wind_speed'" in msg
    assert "found columns: time, ghi, dni, dhi, temp_air, pressure" in msg


def test_csv_nan_and_range(tmp_path):
    values = synthetic_values()
    values.loc[10, "ghi"] = np.nan
    path = write_csv(tmp_path / "nan.csv", values, year_2021())
    with pytest.raises(WeatherFileError, match=r"'ghi' has 1 missing value") as err:
        read_weather(path)
    assert str(path) in str(err.value)

    values = synthetic_values()
    values["pressure"] /= 1000.0  # kPa written where Pa is expected
    path = write_csv(tmp_path / "kpa.csv", values, year_2021())
    with pytest.raises(WeatherFileError, match=r"'pressure' has 8760 value\(s\) outside"):
        read_weather(path)


def test_csv_garbage_time(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_text("time,ghi,temp_air,wind_speed\nyesterday,1,2,3\nnoon,1,2,3\n")
    with pytest.raises(WeatherFileError) as err:
        read_weather(path, tz="UTC")
    msg = str(err.value)
    assert str(path) in msg and "cannot be parsed as CSV" in msg and "\n" not in msg


def test_naive_csv_without_tz_is_rejected(tmp_path):
    naive = pd.date_range("2021-01-01", periods=8760, freq="h")
    path = write_csv(tmp_path / "naive.csv", synthetic_values(), naive)
    with pytest.raises(WeatherFileError, match="no UTC offset"):
        read_weather(path)


# --------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------


def test_unknown_format(tmp_path):
    path = tmp_path / "weather.dat"
    path.write_text("this is not weather\n1 2 3\n")
    with pytest.raises(WeatherFileError) as err:
        read_weather(path)
    msg = str(err.value)
    assert str(path) in msg and "unknown format" in msg


def test_bad_format_argument(tmp_path):
    path = write_csv(tmp_path / "site.csv", synthetic_values(), year_2021())
    with pytest.raises(WeatherFileError, match="unknown format 'tmy3'"):
        read_weather(path, format="tmy3")


def test_format_override_and_content_sniffing(tmp_path):
    values = synthetic_values()
    # A PVGIS CSV saved under a misleading extension is still recognised by content.
    path = write_pvgis_csv(tmp_path / "download.txt", values)
    data, _ = read_weather(path)
    np.testing.assert_allclose(data["ghi"].to_numpy(), values["ghi"].to_numpy())
    data, _ = read_weather(path, format="pvgis_csv")
    np.testing.assert_allclose(data["dni"].to_numpy(), values["dni"].to_numpy())


def test_missing_file(tmp_path):
    with pytest.raises(WeatherFileError, match="not found"):
        read_weather(tmp_path / "nope.epw")
