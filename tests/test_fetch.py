"""``dcpower weather fetch``: recorded service answers through pvlib, the reader and profiles.

No test touches the network. ``requests.get`` is replaced by :class:`RecordedService`:

* PVGIS TMY answers with a recorded PVGIS 5.3 response, ``tests/data/fetch/
  pvgis_tmy_45.000_8.000_2005_2023.json.gz`` (45 N, 8 E; PVGIS-SARAH3 + ERA5, 2005-2023;
  PVGIS (c) European Union; recorded by pvlib-python for its own tests, BSD-3-Clause,
  file ``tests/data/tmy_45.000_8.000_2005_2023.json`` at commit 4707664).
* PVGIS hourly and NASA POWER answer in their own JSON layouts (the ones pvlib's
  ``get_pvgis_hourly`` and ``get_nasa_power`` parse), with the recorded year's values laid
  on the calendar year asked for: 29 February repeats 28 February, the hours are moved by
  the longitude's offset from 8 E so the sun keeps its clock, NASA's 50 m wind is the 10 m
  wind times (50 / 10) ** (1 / 7), and its pressure is in kPa. This machine has no network
  to record those two services, so their values are the PVGIS recording's, not theirs.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import socket
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
import requests
from typer.testing import CliRunner

from dcpower.cli import app
from dcpower.weather import fetch
from dcpower.weather.fetch import FetchError, fill_gaps, local_year
from dcpower.weather.readers import read_weather

pytestmark = pytest.mark.unit

RECORDING = Path(__file__).parent / "data" / "fetch" / "pvgis_tmy_45.000_8.000_2005_2023.json.gz"
NASA_FILL = -999.0
runner = CliRunner()


def _recording() -> dict:
    with gzip.open(RECORDING, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _recorded_hours() -> pd.DataFrame:
    """The recording's 8760 rows by (month, day, hour) in UTC."""
    rows = pd.DataFrame(_recording()["outputs"]["tmy_hourly"])
    stamps = pd.to_datetime(rows.pop("time(UTC)"), format="%Y%m%d:%H%M")
    rows.index = pd.MultiIndex.from_arrays([stamps.dt.month, stamps.dt.day, stamps.dt.hour])
    return rows


class RecordedService:
    """Stands in for ``requests.get``: answers as PVGIS and NASA POWER do, counts calls.

    Attributes
    ----------
    calls : list of (url, params)
        Every request made.
    missing_utc : set of pandas.Timestamp
        Hours NASA POWER answers with its fill value, or PVGIS leaves out.
    refuse : str or None
        When set, every answer is HTTP 400 with this message (PVGIS's error layout).
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.missing_utc: set[pd.Timestamp] = set()
        self.refuse: str | None = None
        self._hours = _recorded_hours()

    def __call__(self, url: str, params: dict | None = None, **kwargs) -> requests.Response:
        params = dict(params or {})
        self.calls.append((url, params))
        if self.refuse is not None:
            return _response({"message": self.refuse}, status=400)
        if url.endswith("/tmy"):
            return _response(_recording())
        if url.endswith("/seriescalc"):
            return _response(self._pvgis_hourly(params))
        if "power.larc.nasa.gov" in url:
            return _response(self._nasa_power(params))
        raise AssertionError(f"unexpected request {url}")

    def year(self, start: str, end: str, longitude: float) -> pd.DataFrame:
        """The recorded values laid on UTC hours ``start`` .. ``end`` (inclusive days)."""
        hours = pd.date_range(start, pd.Timestamp(end) + pd.Timedelta(hours=23), freq="h")
        shift = round((longitude - 8.0) / 15.0)
        source = hours + pd.Timedelta(hours=shift)
        day = np.where((source.month == 2) & (source.day == 29), 28, source.day)
        keys = pd.MultiIndex.from_arrays([source.month, day, source.hour])
        table = self._hours.reindex(keys)
        table.index = hours.tz_localize("UTC")
        return table

    def _nasa_power(self, params: dict) -> dict:
        lat, lon = float(params["latitude"]), float(params["longitude"])
        table = self.year(params["start"], params["end"], lon)
        columns = {
            "ALLSKY_SFC_SW_DWN": table["G(h)"],
            "ALLSKY_SFC_SW_DNI": table["Gb(n)"],
            "ALLSKY_SFC_SW_DIFF": table["Gd(h)"],
            "T2M": table["T2m"],
            "RH2M": table["RH"],
            "WS50M": table["WS10m"] * (50.0 / 10.0) ** (1.0 / 7.0),
            "PS": table["SP"] / 1000.0,
        }
        parameter = {}
        for name, values in columns.items():
            values = values.round(2).copy()
            values[values.index.isin(list(self.missing_utc))] = NASA_FILL
            parameter[name] = {t.strftime("%Y%m%d%H"): v for t, v in values.items()}
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat, 12.3]},
            "properties": {"parameter": parameter},
            "header": {
                "title": "NASA/POWER Source Native Resolution Hourly Data",
                "api": {"version": "v2.x", "name": "POWER Hourly API"},
                "sources": ["SYN1DEG", "MERRA2"],
                "fill_value": NASA_FILL,
                "time_standard": "UTC",
                "start": params["start"],
                "end": params["end"],
            },
            "messages": [],
            "parameters": {name: {"units": "", "longname": name} for name in columns},
            "times": {"data": 0.5, "process": 0.1},
        }

    def _pvgis_hourly(self, params: dict) -> dict:
        lat, lon = float(params["lat"]), float(params["lon"])
        first, last = int(params["startyear"]), int(params["endyear"])
        table = self.year(f"{first}-01-01", f"{last}-12-31", lon)
        table = table[~table.index.isin(list(self.missing_utc))]
        beam = (table["G(h)"] - table["Gd(h)"]).clip(lower=0.0)
        hourly = [
            {
                "time": (t + pd.Timedelta(minutes=10)).strftime("%Y%m%d:%H%M"),
                "Gb(i)": round(float(b), 2),
                "Gd(i)": float(d),
                "Gr(i)": 0.0,
                "H_sun": 0.0,
                "T2m": float(temp),
                "WS10m": float(wind),
                "Int": 0.0,
            }
            for t, b, d, temp, wind in zip(
                table.index,
                beam,
                table["Gd(h)"],
                table["T2m"],
                table["WS10m"],
                strict=True,
            )
        ]
        inputs = {
            "location": {"latitude": lat, "longitude": lon, "elevation": 27.0},
            "meteo_data": {
                "radiation_db": "PVGIS-SARAH3",
                "meteo_db": "ERA5",
                "year_min": first,
                "year_max": last,
                "use_horizon": True,
                "horizon_db": "DEM-calculated",
            },
            "mounting_system": {"fixed": {"slope": {"value": 0}, "azimuth": {"value": 0}}},
        }
        return {"inputs": inputs, "outputs": {"hourly": hourly}, "meta": {"inputs": {}}}


def _response(body: dict, status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode("utf-8")
    response.headers["Content-Type"] = "application/json"
    return response


@pytest.fixture
def service(monkeypatch, tmp_path) -> RecordedService:
    """The recorded services in place of the network, and a cache of this test's own."""
    fake = RecordedService()
    monkeypatch.setattr(requests, "get", fake)
    monkeypatch.setattr(fetch, "_check_reachable", lambda source: None)
    monkeypatch.setenv("DCPOWER_CACHE_DIR", str(tmp_path / "cache"))
    return fake


def _preamble(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line[2:].split(": ", 1) for line in lines if line.startswith("# ") and ": " in line)


# ---------------------------------------------------------------------------------------
# Hand-checked time and gap handling
# ---------------------------------------------------------------------------------------


def test_local_year_takes_the_hours_before_the_first_utc_hour_from_the_year_end():
    """UTC 2019 numbered 0..8759, cut as 2019 in UTC+05:00.

    Local 1 Jan 00:00-04:00 is UTC 31 Dec 2018 19:00-23:00, not fetched: those five hours
    take the same clock hours at the other end, local 1 Jan 2020 00:00-04:00 = UTC 31 Dec
    2019 19:00-23:00 = values 8755..8759. Local 05:00 is UTC 00:00 (value 0), and the last
    local hour, 31 Dec 23:00, is UTC 18:00 = value 8754.
    """
    utc = pd.date_range("2019-01-01", periods=8760, freq="h", tz="UTC")
    data = pd.DataFrame({"ghi": np.arange(8760.0)}, index=utc)
    notes: list[str] = []
    cut = local_year(data, dt.timezone(dt.timedelta(hours=5)), 2019, notes)
    assert len(cut) == 8760
    assert str(cut.index[0]) == "2019-01-01 00:00:00+05:00"
    assert cut["ghi"].iloc[:6].tolist() == [8755, 8756, 8757, 8758, 8759, 0]
    assert cut["ghi"].iloc[-1] == 8754
    assert len(notes) == 1 and "5 hour(s) of 2019 in UTC+05:00" in notes[0]


def test_local_year_of_a_leap_year_keeps_its_8784_hours_and_needs_no_wrap_inside_the_span():
    """UTC 2019-2020 continuous, cut as 2020 in UTC+04:00: 366 x 24 = 8784 rows.

    Local 1 Jan 2020 00:00 is UTC 31 Dec 2019 20:00, inside the span: no wrap-around.
    """
    utc = pd.date_range("2019-01-01", "2020-12-31 23:00", freq="h", tz="UTC")
    data = pd.DataFrame({"ghi": np.arange(len(utc), dtype=float)}, index=utc)
    notes: list[str] = []
    cut = local_year(data, dt.timezone(dt.timedelta(hours=4)), 2020, notes)
    assert len(cut) == 8784
    assert cut["ghi"].iloc[0] == 8760 - 4  # UTC 2019-12-31 20:00
    assert notes == []


def test_fill_gaps_interpolates_short_gaps_and_refuses_a_long_one():
    """Values 0, 1, -, 3 (one missing hour) give 2; four missing hours in a row are refused."""
    utc = pd.date_range("2019-06-01", periods=4, freq="h", tz="UTC")
    one = pd.DataFrame({"ghi": [0.0, 1.0, 3.0]}, index=utc[[0, 1, 3]])
    notes: list[str] = []
    filled = fill_gaps(one, notes, "test")
    assert filled["ghi"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert notes == [
        "1 missing hour(s) from 2019-06-01 02:00:00+00:00 filled by linear interpolation in time."
    ]
    long = pd.date_range("2019-06-01", periods=10, freq="h", tz="UTC")
    gap = pd.DataFrame({"ghi": np.arange(10.0)}, index=long)
    gap.iloc[3:7] = np.nan
    with pytest.raises(FetchError, match=r"4 consecutive hours missing from 2019-06-01 03:00"):
        fill_gaps(gap, [], "test")


# ---------------------------------------------------------------------------------------
# Each source through pvlib, the file, the reader and profiles
# ---------------------------------------------------------------------------------------


def test_pvgis_tmy_recording_reaches_the_reader_unchanged(service, tmp_path):
    """The recorded TMY's annual GHI, hottest hour and mean wind survive fetch and reader.

    The recording stamps hours in UTC; in UTC+01:00 the first local hour (1 Jan 00:00) is
    UTC 31 Dec 23:00 of the typical year, wrapped around from the year's end.
    """
    done = runner.invoke(
        app,
        [
            "weather",
            "fetch",
            "45,8",
            "--source",
            "pvgis-tmy",
            "--tz",
            "UTC+01:00",
            "--out",
            str(tmp_path / "w"),
        ],
    )
    assert done.exit_code == 0, done.output
    path = tmp_path / "w" / "pvgis-tmy.csv"
    meta = _preamble(path)
    assert meta["latitude"] == "45.0000" and meta["utc_offset"] == "UTC+01:00"
    assert meta["dataset"] == "PVGIS-SARAH3 ERA5 2005 2023"
    assert meta["wind_height_m"] == "10" and meta["altitude"] == "250"
    data, read_meta = read_weather(path)
    recorded = pd.DataFrame(_recording()["outputs"]["tmy_hourly"])
    assert data["ghi"].sum() == pytest.approx(recorded["G(h)"].sum(), abs=1e-6)
    assert data["temp_air"].max() == pytest.approx(recorded["T2m"].max())
    assert data["wind_speed"].mean() == pytest.approx(recorded["WS10m"].mean(), abs=1e-9)
    assert data["temp_air"].iloc[0] == recorded["T2m"].iloc[-1]  # UTC 31 Dec 23:00
    assert data["relative_humidity"].mean() == pytest.approx(recorded["RH"].mean(), abs=1e-9)
    assert read_meta["latitude"] == 45.0 and read_meta["wind_height_m"] == 10.0
    assert "PVGIS typical" in read_meta["source"]
    assert len(service.calls) == 1 and service.calls[0][1]["lat"] == 45.0


def test_nasa_power_leap_year_missing_hour_and_utc_shift(service, tmp_path):
    """Aktau (UTC+05:00), 2019-2020 from NASA POWER, one hour answered with -999.

    * 2020 is a leap year: its file keeps 8784 hours, the reader drops 29 February (8760).
    * The hour UTC 2020-06-10 09:00 is missing: it is the mean of 08:00 and 10:00.
    * Local 1 Jan 2020 00:00 is UTC 31 Dec 2019 19:00, taken from the 2019 download; only
      2019's first five local hours wrap around (the span's outer edge).
    * Wind is at 50 m (WS50M).
    """
    missing = pd.Timestamp("2020-06-10 09:00", tz="UTC")
    service.missing_utc = {missing}
    done = runner.invoke(
        app,
        [
            "weather",
            "fetch",
            "aktau",
            "--source",
            "nasa-power",
            "--years",
            "2019-2020",
            "--out",
            str(tmp_path / "w"),
        ],
    )
    assert done.exit_code == 0, done.output
    assert [c[1]["start"] for c in service.calls] == ["20190101", "20200101"]
    file_2020 = tmp_path / "w" / "nasa-power-2020.csv"
    raw = pd.read_csv(file_2020, comment="#", index_col="time")
    assert len(raw) == 8784
    assert raw.index[0] == "2020-01-01T00:00+05:00"
    answered = service.year("2019-12-31", "2020-12-31", 51.2)
    assert raw["temp_air"].iloc[0] == pytest.approx(
        answered.loc[pd.Timestamp("2019-12-31 19:00", tz="UTC"), "T2m"]
    )
    local_missing = missing.tz_convert(dt.timezone(dt.timedelta(hours=5))).isoformat(
        timespec="minutes"
    )
    before = answered.loc[missing - pd.Timedelta(hours=1), "T2m"]
    after = answered.loc[missing + pd.Timedelta(hours=1), "T2m"]
    assert raw.loc[local_missing, "temp_air"] == pytest.approx((before + after) / 2, abs=0.006)
    meta_2020, meta_2019 = _preamble(file_2020), _preamble(tmp_path / "w" / "nasa-power-2019.csv")
    assert "1 missing hour(s) from 2020-06-10 09:00:00+00:00" in meta_2020["notes"]
    assert "wrap-around" not in meta_2020["notes"]
    assert "5 hour(s) of 2019 in UTC+05:00" in meta_2019["notes"]
    assert "missing" not in meta_2019["notes"]  # the gap is 2020's, filled there
    assert meta_2020["wind_height_m"] == "50" and meta_2020["utc_offset"] == "UTC+05:00"

    data, read_meta = read_weather(file_2020, tz="Asia/Aqtau")
    assert len(data) == 8760
    assert any("29 February dropped" in note for note in read_meta["notes"])
    assert read_meta["wind_height_m"] == 50.0

    profiles = runner.invoke(app, ["profiles", "aktau", "--weather", str(file_2020)])
    assert profiles.exit_code == 0, profiles.output
    assert "nasa-power-2020.csv" in profiles.output
    # RH2M arrives as relative_humidity: the profiles get a wet bulb (Stull 2011).
    assert data["relative_humidity"].mean() == pytest.approx(
        answered.loc["2020-01-01":"2020-12-31", "RH"].mean(), abs=1.0
    )
    assert "highest wet bulb" in profiles.output and "RH mean %" in profiles.output


def test_pvgis_hourly_puts_satellite_minutes_on_the_hour_and_derives_dni(service, tmp_path):
    """Baku 2019 from PVGIS hourly: stamps at hh:10 go to hh:00, GHI = beam + diffuse.

    DNI comes from GHI and DHI (pvlib.irradiance.dni): DHI + DNI cos(zenith) = GHI wherever
    the sun stands above 5 degrees.
    """
    fetched = fetch.fetch_weather(
        "pvgis-hourly", 40.4, 49.9, tmp_path / "w", years=[2019], tz="Asia/Baku"
    )
    assert [f.year for f in fetched] == [2019]
    data, _ = read_weather(fetched[0].path, tz="Asia/Baku")
    answered = service.year("2019-01-01", "2019-12-31", 49.9)
    assert data["ghi"].sum() == pytest.approx(
        answered["G(h)"].clip(lower=answered["Gd(h)"]).sum(), rel=1e-6
    )
    mid = data.index + pd.Timedelta(minutes=30)
    zenith = pvlib.solarposition.get_solarposition(mid, 40.4, 49.9)["zenith"].to_numpy()
    up = zenith < 85.0
    closure = data["dhi"].to_numpy() + data["dni"].to_numpy() * np.cos(np.radians(zenith))
    assert np.allclose(closure[up], data["ghi"].to_numpy()[up], atol=0.05)
    notes = " ".join(fetched[0].notes)
    assert "minute [10]" in notes and "pvlib.irradiance.dni" in notes
    profiles = runner.invoke(app, ["profiles", "baku", "--weather", str(fetched[0].path)])
    assert profiles.exit_code == 0, profiles.output


# ---------------------------------------------------------------------------------------
# Cache, refusals and failures
# ---------------------------------------------------------------------------------------


def test_a_second_fetch_comes_from_the_cache_and_writes_the_same_bytes(service, tmp_path):
    first = fetch.fetch_weather(
        "nasa-power", 43.65, 51.2, tmp_path / "a", years=[2021], tz="UTC+05:00"
    )
    second = fetch.fetch_weather(
        "nasa-power", 43.65, 51.2, tmp_path / "b", years=[2021], tz="UTC+05:00"
    )
    assert len(service.calls) == 1
    assert [f.from_cache for f in first + second] == [False, True]
    assert first[0].path.read_bytes() == second[0].path.read_bytes()


def test_fetch_without_network_fails_in_one_line_within_seconds(monkeypatch, tmp_path):
    """No route to the host: exit 2, one line naming the source and the way by hand."""

    def no_network(*args, **kwargs):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(requests, "get", lambda *a, **k: pytest.fail("no request expected"))
    monkeypatch.setenv("DCPOWER_CACHE_DIR", str(tmp_path / "cache"))
    started = time.perf_counter()
    done = runner.invoke(
        app,
        [
            "weather",
            "fetch",
            "baku",
            "--source",
            "nasa-power",
            "--years",
            "2019",
            "--out",
            str(tmp_path / "w"),
        ],
    )
    assert time.perf_counter() - started < 5.0
    assert done.exit_code == 2
    lines = done.output.strip().splitlines()
    assert len(lines) == 1
    assert "nasa-power: cannot reach power.larc.nasa.gov" in lines[0]
    assert "data-access-viewer" in lines[0]
    assert not (tmp_path / "w").exists()


def test_fetch_never_replaces_a_file_dcpower_did_not_write(service, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    own = folder / "pvgis-tmy.csv"
    own.write_bytes(b"time,ghi\nmy own notes\n")
    done = runner.invoke(app, ["weather", "fetch", "45,8", "--out", str(folder)])
    assert done.exit_code == 2
    assert "was not written by dcpower weather fetch" in done.output
    assert own.read_bytes() == b"time,ghi\nmy own notes\n"
    assert service.calls == []


def test_a_refusal_from_the_service_is_one_line(service, tmp_path):
    service.refuse = "Location over the sea. Please, select another location"
    done = runner.invoke(app, ["weather", "fetch", "42,50", "--out", str(tmp_path / "w")])
    assert done.exit_code == 2
    assert done.output.strip().count("\n") == 0
    assert "Location over the sea" in done.output
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["baku", "--source", "nasa-power"], "nasa-power needs calendar years"),
        (["baku", "--source", "nasa-power", "--years", "1999"], "hourly data from 2001"),
        (["baku", "--source", "nasa-power", "--years", "2020-2018"], "runs backwards"),
        (["baku", "--source", "nasa-power", "--years", "last"], "expected a year"),
        (["baku", "--years", "2019"], "one typical year; drop --years"),
        (["baku", "--source", "era5"], "source 'era5': unknown"),
        (["91,10"], "latitude lies in [-90, 90]"),
        (["atlantis"], "'atlantis': neither an embedded site"),
        (["baku", "--tz", "Mars/Olympus"], "--tz 'Mars/Olympus'"),
    ],
)
def test_bad_fetch_arguments_are_one_line(service, tmp_path, arguments, message):
    done = runner.invoke(app, ["weather", "fetch", *arguments, "--out", str(tmp_path / "w")])
    assert done.exit_code == 2, done.output
    assert done.output.strip().count("\n") == 0
    assert message in done.output
    assert service.calls == []


# ---------------------------------------------------------------------------------------
# A scenario sized on fetched years
# ---------------------------------------------------------------------------------------


def test_a_scenario_names_fetched_years_by_their_calendar_year(
    service, tmp_path, small_scenario_dict, write_scenario
):
    """weather_dir + weather_years [2019, 2020] read nasa-power-2019/2020.csv, in order.

    The second year's profile is 2020 without 29 February (8760 hours), and a year the
    folder lacks is refused in one line naming the year and the folder.
    """
    from dcpower.errors import ScenarioError
    from dcpower.pipeline import hourly_profiles
    from dcpower.scenario import load_scenario

    fetch.fetch_weather(
        "nasa-power", 43.65, 51.16, tmp_path / "w", years=[2019, 2020], tz="Asia/Aqtau"
    )
    raw = small_scenario_dict
    raw["sites"] = {"aktau": raw["sites"]["aktau"]}
    raw["sites"]["aktau"] |= {"weather_dir": "w", "weather_years": [2019, 2020]}
    loaded = load_scenario(write_scenario(raw))
    years = loaded.sites["aktau"].weather_years
    assert [p.name for p in years] == ["nasa-power-2019.csv", "nasa-power-2020.csv"]
    second = hourly_profiles(loaded, "aktau", year=1)
    assert len(second) == 8760 and second.index[0].year == 2020
    answered = service.year("2020-01-01", "2020-12-31", 51.16)
    hottest = answered["T2m"].max()
    assert second["temp_air"].max() == pytest.approx(hottest, abs=0.006)

    raw["sites"]["aktau"]["weather_years"] = [2019, 2018]
    with pytest.raises(ScenarioError, match=r"weather_years\[1\] = 2018: needs one file"):
        load_scenario(write_scenario(raw))


def test_a_long_preamble_still_reads_as_a_plain_csv(tmp_path):
    """A fetched file whose notes line runs past the reader's 4 kB format sniff (many
    filled gaps) is still found to be a plain CSV, and its preamble still sets the site."""
    index = pd.date_range("2019-01-01", periods=8760, freq="h", tz="UTC")
    data = pd.DataFrame(
        {
            "ghi": 0.0,
            "dni": 0.0,
            "dhi": 0.0,
            "temp_air": 10.0,
            "wind_speed": 3.0,
            "pressure": 101000.0,
        },
        index=index,
    )
    notes = [f"1 missing hour(s) from hour {k} filled by linear interpolation." for k in range(200)]
    path = tmp_path / "long.csv"
    fetch.write_weather_csv(
        path, data, {"latitude": "40.4", "longitude": "49.9", "wind_height_m": "50", "notes": notes}
    )
    assert path.read_text().index("\ntime,") > 4096
    read, meta = read_weather(path)
    assert len(read) == 8760 and meta["latitude"] == 40.4 and meta["wind_height_m"] == 50.0
