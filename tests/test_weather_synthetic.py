"""Synthetic typical years: calibration, determinism, physical sanity."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dcpower.errors import ScenarioError
from dcpower.weather import SiteClimate, available_sites, load_site, load_weather, typical_year
from dcpower.weather.readers import COLUMNS

pytestmark = pytest.mark.unit

BAKU_PIRALLAHI_ANNUAL_KWH = 1578.0  # 5679 MJ/m2 / 3.6, Pirallahi table (inputs/sites/baku.yaml)


@pytest.fixture(scope="module")
def baku() -> SiteClimate:
    return load_site("baku")


@pytest.fixture(scope="module")
def baku_year(baku):
    return typical_year(baku, seed=0)


@pytest.fixture(scope="module")
def aktau_year():
    return typical_year(load_site("aktau"), seed=0)


def test_embedded_sites_load():
    assert {"aktau", "baku"} <= set(available_sites())
    aktau = load_site("aktau")
    assert aktau.timezone == "Asia/Aqtau"
    assert len(aktau.ghi_kwh_per_m2) == 12


def test_unknown_site_lists_available():
    with pytest.raises(ScenarioError, match=r"unknown.*baku"):
        load_site("atlantis")


def test_site_file_errors_name_the_field(tmp_path: Path, baku):
    raw = baku.model_dump()
    raw["temp_air_mean_c"] = raw["temp_air_mean_c"][:11]
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match=r"temp_air_mean_c.*12 monthly values"):
        load_site(path)

    raw = baku.model_dump()
    raw["latitude"] = 95.0
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match="latitude"):
        load_site(path)

    raw = baku.model_dump()
    raw["estimates"].pop("wind_weibull_k")
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match="wind_weibull_k"):
        load_site(path)

    raw = baku.model_dump()
    raw["colour"] = "blue"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ScenarioError, match="colour"):
        load_site(path)


def test_shape_index_and_columns(baku_year):
    data, meta = baku_year
    assert len(data) == 8760
    assert str(data.index.tz) == "Asia/Baku"
    assert data.index[0] == pd.Timestamp("2023-01-01 00:00", tz="Asia/Baku")
    assert ((data.index[1:] - data.index[:-1]) == pd.Timedelta("1h")).all()
    assert list(data.columns) == [*COLUMNS, "relative_humidity"]
    assert not data.isna().any().any()
    for key in ("name", "latitude", "longitude", "altitude", "tz", "wind_height_m"):
        assert key in meta
    assert meta["tz"] == "Asia/Baku"
    assert meta["roughness_length_m"] > 0


def test_baku_ghi_matches_pirallahi(baku, baku_year):
    data, _ = baku_year
    annual = data["ghi"].sum() / 1000.0
    assert annual == pytest.approx(BAKU_PIRALLAHI_ANNUAL_KWH, rel=0.03)
    monthly = data["ghi"].groupby(data.index.month).sum().to_numpy() / 1000.0
    np.testing.assert_allclose(monthly, baku.ghi_kwh_per_m2, rtol=0.005)


def test_aktau_ghi_matches_site_file(aktau_year):
    data, _ = aktau_year
    monthly = data["ghi"].groupby(data.index.month).sum().to_numpy() / 1000.0
    np.testing.assert_allclose(monthly, load_site("aktau").ghi_kwh_per_m2, rtol=0.005)


def test_irradiance_physics(baku_year):
    data, meta = baku_year
    import pvlib

    mid = data.index + pd.Timedelta(minutes=30)
    zen = pvlib.solarposition.get_solarposition(mid, meta["latitude"], meta["longitude"])[
        "zenith"
    ].to_numpy()
    night = zen > 91.0  # below the horizon even with refraction, at the hour's mid-point
    assert night.sum() > 3500
    assert (data.loc[night, ["ghi", "dni", "dhi"]].to_numpy() == 0).all()
    assert (data[["ghi", "dni", "dhi"]].to_numpy() >= 0).all()
    assert (data["dhi"] <= data["ghi"] + 1e-9).all()
    closure = data["dhi"] + data["dni"] * np.cos(np.deg2rad(zen)).clip(0)
    np.testing.assert_allclose(closure, data["ghi"], atol=1.0)
    assert data["ghi"].max() < 1150
    noon = data.between_time("12:00", "14:00")
    assert noon["ghi"].max() > 800


def test_cloudy_spells_persist(baku_year):
    """Daily clearness must be autocorrelated: cloudy spells last days."""
    data, _ = baku_year
    daily = data["ghi"].resample("D").sum()
    clim = daily.rolling(31, center=True, min_periods=10).mean()
    anomaly = (daily / clim).to_numpy()
    lag1 = np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1]
    assert lag1 > 0.2


def test_temperature_monthly_means(baku, baku_year):
    data, _ = baku_year
    monthly = data["temp_air"].groupby(data.index.month).mean().to_numpy()
    np.testing.assert_allclose(monthly, baku.temp_air_mean_c, atol=0.5)


def test_temperature_diurnal_cycle_and_heat_waves(baku, baku_year):
    data, _ = baku_year
    july = data.loc[data.index.month == 7, "temp_air"]
    by_hour = july.groupby(july.index.hour).mean()
    assert 12 <= by_hour.idxmax() <= 17  # mid-afternoon maximum (local clock, UTC+4)
    assert 3 <= by_hour.idxmin() <= 7  # minimum near sunrise
    daily = data["temp_air"].resample("D")
    assert (daily.max() - daily.min()).mean() == pytest.approx(
        np.mean(baku.temp_air_diurnal_range_c), abs=1.5
    )
    # multi-day anomalies: daily means drift several degrees around the seasonal curve
    dmean = data["temp_air"].resample("D").mean()
    anomaly = dmean - dmean.rolling(31, center=True, min_periods=10).mean()
    assert anomaly.std() > 1.5
    assert np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1] > 0.5
    assert data["temp_air"].max() > 33


def test_wind_monthly_means(baku, baku_year):
    data, _ = baku_year
    monthly = data["wind_speed"].groupby(data.index.month).mean().to_numpy()
    np.testing.assert_allclose(monthly, baku.wind_speed_mean_m_per_s, rtol=0.05)
    assert (data["wind_speed"] >= 0).all()
    lag1 = np.corrcoef(data["wind_speed"][:-1], data["wind_speed"][1:])[0, 1]
    assert 0.93 < lag1 < 0.99


def test_pressure_from_altitude(baku_year):
    data, _ = baku_year
    # Baku at -28 m: slightly above standard sea-level pressure 101325 Pa
    assert data["pressure"].iloc[0] == pytest.approx(101_660, abs=50)


def test_deterministic_per_seed(baku, baku_year):
    again, _ = typical_year(baku, seed=0)
    pd.testing.assert_frame_equal(again, baku_year[0])
    other, _ = typical_year(baku, seed=1)
    assert not np.allclose(other["ghi"], again["ghi"])
    assert not np.allclose(other["wind_speed"], again["wind_speed"])
    # but calibrated to the same months
    np.testing.assert_allclose(
        other["ghi"].groupby(other.index.month).sum().to_numpy() / 1000.0,
        baku.ghi_kwh_per_m2,
        rtol=0.005,
    )


def test_load_weather_without_file_is_synthetic(baku, baku_year):
    data, meta = load_weather(baku, seed=0)
    pd.testing.assert_frame_equal(data, baku_year[0])
    assert "synthetic" in meta["source"]


def test_load_weather_with_file_fills_metadata(baku, monkeypatch, tmp_path):
    """The reader is replaced by a stub module: this tests load_weather's wiring only."""
    frame = pd.DataFrame(
        {"ghi": [0.0], "dni": [0.0], "dhi": [0.0], "temp_air": [5.0], "wind_speed": [3.0]},
        index=pd.DatetimeIndex(["2023-01-01 00:00"], tz="Asia/Baku"),
    )
    seen = {}

    def fake_read_weather(path, **kwargs):
        seen.update(kwargs, path=path)
        return frame, {"source": "fake", "wind_height_m": 10.0}

    stub = types.ModuleType("dcpower.weather.readers")
    stub.read_weather = fake_read_weather
    monkeypatch.setitem(sys.modules, "dcpower.weather.readers", stub)
    data, meta = load_weather(baku, weather_file=tmp_path / "x.epw")
    assert data is frame
    assert seen["tz"] == "Asia/Baku" and seen["latitude"] == baku.latitude
    assert seen["wind_height_m"] == baku.wind_height_m
    assert meta["source"] == "fake"
    assert meta["roughness_length_m"] == baku.roughness_length_m
    assert meta["altitude"] == baku.altitude_m


def test_unreachable_ghi_is_a_scenario_error(baku):
    too_sunny = baku.model_copy(update={"ghi_kwh_per_m2": [400.0, *baku.ghi_kwh_per_m2[1:]]})
    with pytest.raises(ScenarioError, match=r"ghi_kwh_per_m2.*Jan"):
        typical_year(too_sunny)


def test_leap_year_has_8784_hours(baku):
    data, _ = typical_year(baku, seed=0, year=2024)
    assert len(data) == 8784


def _daily_normal_scores(site: SiteClimate, data: pd.DataFrame) -> np.ndarray:
    """Normal scores, month by month, of the daily clear-sky index (daily GHI over daily
    clear-sky GHI): the daily GHI anomaly with the season taken out."""
    import pvlib
    from scipy import stats

    location = pvlib.location.Location(
        site.latitude, site.longitude, tz=site.timezone, altitude=site.altitude_m
    )
    clear = location.get_clearsky(data.index + pd.Timedelta(minutes=30), model="ineichen")
    daily = data["ghi"].resample("D").sum() / clear["ghi"].set_axis(data.index).resample("D").sum()
    return (
        daily.groupby(daily.index.month)
        .transform(lambda x: stats.norm.ppf((x.rank() - 0.5) / len(x)))
        .to_numpy()
    )


def test_sites_are_376_km_apart_and_correlate_at_exp_of_minus_distance_over_length():
    """Aktau (43.65 N 51.16 E) and Baku (40.41 N 49.87 E): haversine on the 6371.0088 km
    sphere, dlat = 3.24 deg, dlon = 1.29 deg at cos(lat) about 0.75: about 376 km; the
    anomaly correlation is exp(-376 / 311) = 0.30."""
    from dcpower.weather.synthetic import anomaly_correlation, great_circle_km

    aktau, baku = load_site("aktau"), load_site("baku")
    assert great_circle_km(aktau, baku) == pytest.approx(375.8, abs=0.5)
    assert anomaly_correlation(aktau, baku) == pytest.approx(np.exp(-375.8 / 311.0), abs=1e-3)
    assert anomaly_correlation(baku, baku) == pytest.approx(1.0)


def test_two_sites_daily_ghi_anomalies_correlate_at_the_configured_value_not_at_one():
    """Aktau and Baku on seeds 0-9 (3650 day pairs): the correlation of their daily GHI
    anomalies (normal scores within each month) is the configured 0.30 within 0.05: the
    sampling standard error is (1 - 0.30^2) / sqrt(3650) = 0.015, and the hourly cap on
    the clear-sky index takes about 0.015 off (30 seeds gave 0.285). Before each site had
    its own stream, the same seed gave both sites the same cloudy days (correlation near
    1)."""
    from dcpower.weather.synthetic import anomaly_correlation

    aktau, baku = load_site("aktau"), load_site("baku")
    expected = anomaly_correlation(aktau, baku)
    pairs = [
        (
            _daily_normal_scores(aktau, typical_year(aktau, seed=seed)[0]),
            _daily_normal_scores(baku, typical_year(baku, seed=seed)[0]),
        )
        for seed in range(10)
    ]
    x, y = (np.concatenate(side) for side in zip(*pairs, strict=True))
    measured = np.corrcoef(x, y)[0, 1]
    assert measured == pytest.approx(expected, abs=0.05)
    assert measured < 0.5


def test_a_sites_year_is_its_own_and_reports_its_correlations(baku_year, aktau_year):
    """Same seed, two sites: different wind anomalies (own streams); the metadata gives
    the site's anomaly correlation with each other embedded site."""
    baku_wind = baku_year[0]["wind_speed"].to_numpy()
    aktau_wind = aktau_year[0]["wind_speed"].to_numpy()
    assert abs(np.corrcoef(baku_wind, aktau_wind)[0, 1]) < 0.6
    correlations = baku_year[1]["anomaly_correlation"]
    assert set(correlations) == {load_site(s).name for s in available_sites()} - {"Baku"}
    assert correlations["Aktau"] == pytest.approx(0.30, abs=0.005)
