"""Wind capacity factor from weather (windpowerlib)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from dcpower.errors import ScenarioError, WeatherFileError
from dcpower.resource.wind import (
    DEFAULT_HUB_HEIGHT_M,
    DEFAULT_TURBINE_TYPE,
    hub_wind_speed,
    turbine_types_with_power_curve,
    wind_cf,
)
from dcpower.weather import load_site, typical_year

pytestmark = pytest.mark.unit

META = {"wind_height_m": 10.0, "roughness_length_m": 0.03, "altitude": 0.0}


@pytest.fixture(scope="module")
def baku_year():
    return typical_year(load_site("baku"), seed=0)


def _weather(speeds_at_10m) -> pd.DataFrame:
    n = len(speeds_at_10m)
    return pd.DataFrame(
        {
            "wind_speed": np.asarray(speeds_at_10m, dtype=float),
            "temp_air": np.full(n, 15.0),
            "pressure": np.full(n, 101_325.0),
        },
        index=pd.date_range("2023-01-01", periods=n, freq="h", tz="Asia/Baku"),
    )


def test_default_turbine_is_in_library():
    assert DEFAULT_TURBINE_TYPE in turbine_types_with_power_curve()
    assert DEFAULT_HUB_HEIGHT_M >= 100


def test_baku_cf_matches_khizi_anchor(baku_year):
    """Khizi-Absheron: 893 GWh / (240 MW x 8760 h) = 42.5 %, which the site file's wind
    level is back-solved to on the default year (seed 0), to 0.1 point (its monthly means
    are rounded to 0.01 m/s)."""
    data, meta = baku_year
    cf = wind_cf(data, meta)
    assert cf.name == "wind_cf"
    assert cf.index.equals(data.index)
    assert cf.mean() == pytest.approx(0.425, abs=0.001)
    assert cf.min() >= 0 and cf.max() <= 1


def test_aktau_cf_below_baku(baku_year):
    aktau = wind_cf(*typical_year(load_site("aktau"), seed=0))
    baku = wind_cf(*baku_year)
    assert 0.25 <= aktau.mean() < baku.mean()


def test_multi_day_lulls_at_hub(baku_year):
    data, meta = baku_year
    below = (hub_wind_speed(data, meta) < 4.0).to_numpy().astype(int)
    edges = np.diff(np.r_[0, below, 0])
    runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    assert runs.max() >= 24


def test_zero_below_cut_in_and_above_cut_out():
    # at 10 m with z0 = 0.03 m, hub (120 m) speed = 1.43 x the 10 m speed
    # E-126/4200 curve: 0 W up to 2 m/s, rated 4.2 MW from 14 m/s, last point 25 m/s
    weather = _weather([0.0, 1.0, 1.3, 11.0, 30.0, 40.0])
    cf = wind_cf(weather, META, wake_loss_pct=0.0, availability_loss_pct=0.0)
    assert (cf.iloc[:3] == 0).all()  # hub 0, 1.4, 1.9 m/s: below cut-in
    assert cf.iloc[3] == pytest.approx(1.0, abs=1e-6)  # hub 15.7 m/s: rated
    assert (cf.iloc[4:] == 0).all()  # hub 43 and 57 m/s: above cut-out


def test_losses_scale_output():
    weather = _weather([6.0, 8.0])
    gross = wind_cf(weather, META, wake_loss_pct=0.0, availability_loss_pct=0.0)
    net = wind_cf(weather, META, wake_loss_pct=10.0, availability_loss_pct=5.0)
    np.testing.assert_allclose(net, gross * 0.9 * 0.95)


def test_hellman_profile_runs(baku_year):
    data, meta = baku_year
    cf = wind_cf(data.iloc[:48], meta, wind_profile="hellman")
    assert cf.between(0, 1).all()


def test_unknown_turbine_is_scenario_error():
    with pytest.raises(ScenarioError, match=r"turbine_type 'X-999/1'.*E-126/4200"):
        wind_cf(_weather([5.0]), META, turbine_type="X-999/1")


def test_bad_inputs():
    with pytest.raises(ScenarioError, match="wake_loss_pct"):
        wind_cf(_weather([5.0]), META, wake_loss_pct=120.0)
    with pytest.raises(ScenarioError, match="wind_profile"):
        wind_cf(_weather([5.0]), META, wind_profile="power")
    with pytest.raises(WeatherFileError, match="roughness_length_m"):
        wind_cf(_weather([5.0]), {"wind_height_m": 10.0})


def test_year_and_cf_are_fast():
    site = load_site("baku")
    typical_year(site, seed=3)  # warm caches (pvlib turbidity file, turbine library)
    start = time.perf_counter()
    data, meta = typical_year(site, seed=4)
    wind_cf(data, meta)
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize(
    ("candidate", "city", "cf_stated"),
    [("khizi", "baku", 0.476), ("fort-shevchenko", "aktau", 0.372)],
)
def test_candidate_sites_give_the_wind_cf_their_files_state(candidate, city, cf_stated):
    """inputs/sites/khizi.yaml is back-solved to the Khizi-Absheron farm's upper yield,
    1 billion kWh / (240 MW x 8760 h) = 47.6 %; fort-shevchenko.yaml (7.5 m/s at 100 m)
    states 37.2 % in its estimate note. Both on the default synthetic year (seed 0), and
    each windier than its city."""
    cf = wind_cf(*typical_year(load_site(candidate), seed=0)).mean()
    cf_city = wind_cf(*typical_year(load_site(city), seed=0)).mean()
    assert cf == pytest.approx(cf_stated, abs=0.001)
    assert cf > cf_city


@pytest.mark.parametrize(
    ("hub_height_m", "at_surface_max", "later"),
    [(120.0, 0.9 / 1.1, 1.1 / 0.9), (75.0, 1 / 1.1, 1 / 0.9), (40.0, 1.0, 1.0)],
)
def test_the_surface_diurnal_cycle_turns_over_aloft(hub_height_m, at_surface_max, later):
    """A surface cycle of +-10 % peaking at 14:30 UTC (the hour 14:00-15:00). At 120 m
    (above 100 m) it is reversed: (1 - 0.1) / (1 + 0.1) = 0.818 at the surface maximum and
    1.1 / 0.9 = 1.222 twelve hours later; at 75 m (half-way from 50 to 100 m) no cycle is
    left, 1 / (1 +- 0.1); at 40 m (below 50 m) it is kept, factor 1."""
    from dcpower.resource.wind import diurnal_turnover

    weather = _weather(np.full(24, 5.0)).tz_convert("UTC")
    weather.index = pd.date_range("2023-01-01", periods=24, freq="h", tz="UTC")
    meta = {**META, "wind_diurnal_cycle": {"amplitude": 0.1, "max_utc_hour": 14.5}}
    factor = diurnal_turnover(weather, meta, hub_height_m)
    assert factor[14] == pytest.approx(at_surface_max)
    assert factor[2] == pytest.approx(later)  # twelve hours later
    assert diurnal_turnover(weather, META, hub_height_m) == pytest.approx(np.ones(24))


def test_synthetic_hub_wind_peaks_at_night_and_surface_wind_in_the_afternoon(baku_year):
    """Baku's synthetic year (49.87 E: solar time = UTC + 3.3 h): the 10 m wind is
    strongest around 15:00 solar time, the hub-height (120 m) wind around 03:00, twelve
    hours later."""
    data, meta = baku_year
    utc_hour = data.index.tz_convert("UTC").hour
    surface = data["wind_speed"].groupby(utc_hour).mean()
    hub = hub_wind_speed(data, meta).groupby(utc_hour).mean()
    solar = (np.arange(24) + 0.5 + 49.87 / 15.0) % 24.0
    assert 13.0 <= solar[int(surface.idxmax())] <= 17.0
    assert 1.0 <= solar[int(hub.idxmax())] <= 5.0
