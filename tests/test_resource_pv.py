"""Unit tests for dcpower.resource.pv on a clear-sky Baku year built in memory (no network)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pvlib
import pytest

from dcpower.errors import ScenarioError
from dcpower.resource.pv import optimal_tilt_deg, pv_ac_per_mw
from dcpower.resource.pv_defaults import PVWATTS_DC_LOSSES_PCT

pytestmark = [
    pytest.mark.unit,
    # pvlib's own clear-sky code (test fixture only) still calls DatetimeIndex.dayofyear.
    pytest.mark.filterwarnings("ignore:DatetimeIndex.dayofyear is deprecated"),
]

TZ = "Asia/Baku"
BAKU = {
    "name": "Baku (test)",
    "latitude": 40.41,
    "longitude": 49.87,
    "altitude": 0.0,
    "tz": TZ,
    "wind_height_m": 10.0,
    "roughness_length_m": 0.03,
    "source": "hand-built clear-sky test year",
}


def _clear_sky_year(temp_air_c: float = 20.0, wind_m_s: float = 3.0) -> pd.DataFrame:
    """Ineichen clear sky at mid-hour, labelled by hour start; constant temperature and wind."""
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz=TZ)
    loc = pvlib.location.Location(BAKU["latitude"], BAKU["longitude"], tz=TZ, altitude=0.0)
    cs = loc.get_clearsky(index + pd.Timedelta(minutes=30))
    weather = pd.DataFrame(
        {
            "ghi": cs["ghi"].to_numpy(),
            "dni": cs["dni"].to_numpy(),
            "dhi": cs["dhi"].to_numpy(),
            "temp_air": temp_air_c,
            "wind_speed": wind_m_s,
            "pressure": 101325.0,
        },
        index=index,
    )
    return weather


@pytest.fixture(scope="module")
def clear_year() -> pd.DataFrame:
    return _clear_sky_year()


@pytest.fixture(scope="module")
def fixed_cf(clear_year: pd.DataFrame) -> pd.Series:
    return pv_ac_per_mw(clear_year, BAKU)


@pytest.fixture(scope="module")
def tracker_cf(clear_year: pd.DataFrame) -> pd.Series:
    return pv_ac_per_mw(clear_year, BAKU, mounting="single_axis")


def test_clear_sky_input_matches_reference(clear_year: pd.DataFrame) -> None:
    # site_data.md §1.2: annual clear-sky GHI at Baku 1975 kWh/m2 (pvlib Ineichen).
    assert clear_year["ghi"].sum() / 1000.0 == pytest.approx(1975.0, rel=0.01)


def test_series_shape_and_name(clear_year: pd.DataFrame, fixed_cf: pd.Series) -> None:
    assert fixed_cf.name == "pv_cf"
    assert fixed_cf.index.equals(clear_year.index)
    assert fixed_cf.notna().all()


def test_zero_at_night(clear_year: pd.DataFrame, fixed_cf, tracker_cf) -> None:
    mid = clear_year.index + pd.Timedelta(minutes=30)
    elev = pvlib.solarposition.get_solarposition(mid, BAKU["latitude"], BAKU["longitude"])
    night = elev["apparent_elevation"].to_numpy() <= 0.0
    assert 4000 < night.sum() < 4800  # about half the year
    assert (fixed_cf.to_numpy()[night] == 0.0).all()
    assert (tracker_cf.to_numpy()[night] == 0.0).all()
    assert (fixed_cf[clear_year["ghi"] == 0.0] == 0.0).all()


def test_bounded_by_inverter_rating(fixed_cf, tracker_cf) -> None:
    for cf in (fixed_cf, tracker_cf):
        assert cf.min() >= 0.0
        assert cf.max() <= 1.0


def test_clear_sky_fixed_tilt_yield_band(fixed_cf: pd.Series) -> None:
    # Measured when written: 2594 MWh/MW_ac = 1996 kWh/kWp (DC) at dc_ac_ratio 1.3
    # (bifacial, gcr 0.4, tilt 31.7 deg).
    # Garadagh (real sky, Kc ~0.8) reports about 1620 kWh/kWp (site_data.md §3).
    yield_kwh_per_kwp = fixed_cf.sum() / 1.3
    assert 1800.0 < yield_kwh_per_kwp < 2100.0
    assert 0.25 < fixed_cf.mean() < 0.32


def test_tracker_beats_fixed_tilt(fixed_cf, tracker_cf) -> None:
    # Measured when written: +12 % on clear sky (gcr 0.4 with backtracking, +/-45 deg).
    gain = tracker_cf.sum() / fixed_cf.sum() - 1.0
    assert 0.10 < gain < 0.35


def test_hotter_cells_give_less(clear_year: pd.DataFrame) -> None:
    hot = clear_year.assign(temp_air=40.0)
    cold = clear_year.assign(temp_air=10.0)
    e_hot = pv_ac_per_mw(hot, BAKU).sum()
    e_cold = pv_ac_per_mw(cold, BAKU).sum()
    assert e_hot < e_cold
    # 30 degC warmer at -0.35 %/degC: roughly 5-11 % less, less where clipping masks it.
    assert 0.03 < 1.0 - e_hot / e_cold < 0.11


def _noon_hours(ghi: float, dni: float, dhi: float) -> pd.DataFrame:
    index = pd.date_range("2023-06-21 00:00", periods=24, freq="h", tz=TZ)
    up = (index.hour >= 10) & (index.hour <= 14)
    return pd.DataFrame(
        {
            "ghi": np.where(up, ghi, 0.0),
            "dni": np.where(up, dni, 0.0),
            "dhi": np.where(up, dhi, 0.0),
            "temp_air": 15.0,
            "wind_speed": 5.0,
            "pressure": 101325.0,
        },
        index=index,
    )


def test_clipping_at_exactly_one() -> None:
    weather = _noon_hours(ghi=1150.0, dni=950.0, dhi=150.0)
    cf = pv_ac_per_mw(weather, BAKU, dc_ac_ratio=1.5)
    noon = cf[weather["ghi"] > 0]
    assert (noon == 1.0).all()
    assert (cf[weather["ghi"] == 0] == 0.0).all()
    # The same hours on a 1.0 ratio do not clip.
    unclipped = pv_ac_per_mw(weather, BAKU, dc_ac_ratio=1.0)
    assert (unclipped[weather["ghi"] > 0] < 1.0).all()


def test_losses_scale_output() -> None:
    weather = _noon_hours(ghi=500.0, dni=400.0, dhi=120.0)
    base = pv_ac_per_mw(weather, BAKU, soiling_loss_pct=0.0).sum()
    dirty = pv_ac_per_mw(weather, BAKU, soiling_loss_pct=10.0).sum()
    # Inverter efficiency varies slightly with load, so only about 10 % lower.
    assert dirty / base == pytest.approx(0.90, abs=0.01)
    # Utility PVWatts items: 1 - 0.98 (mismatch) x 0.98 (wiring) x 0.995 (connections)
    # x 0.985 (LID) x 0.99 (nameplate) = 6.81 % (shading, soiling, availability apart).
    assert PVWATTS_DC_LOSSES_PCT == pytest.approx(6.81, abs=0.01)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"mounting": "dual_axis"}, "mounting"),
        ({"dc_ac_ratio": 0.0}, "dc_ac_ratio"),
        ({"tilt_deg": 95.0}, "tilt_deg"),
        ({"gcr": 1.5}, "gcr"),
        ({"inverter_efficiency": 1.2}, "inverter_efficiency"),
        ({"temperature_model": "floating"}, "temperature_model"),
        ({"soiling_loss_pct": -1.0}, "soiling_loss_pct"),
        ({"gamma_pdc_per_c": 0.004}, "gamma_pdc_per_c"),
    ],
)
def test_bad_parameters_raise(kwargs: dict, name: str) -> None:
    weather = _noon_hours(ghi=500.0, dni=400.0, dhi=120.0)
    with pytest.raises(ScenarioError, match=name):
        pv_ac_per_mw(weather, BAKU, **kwargs)


def test_bad_mounting_names_value() -> None:
    weather = _noon_hours(ghi=500.0, dni=400.0, dhi=120.0)
    with pytest.raises(ScenarioError, match=r"mounting='dual_axis'.*fixed.*single_axis"):
        pv_ac_per_mw(weather, BAKU, mounting="dual_axis")


def test_missing_weather_column_raises() -> None:
    weather = _noon_hours(ghi=500.0, dni=400.0, dhi=120.0).drop(columns="dni")
    with pytest.raises(ScenarioError, match="dni"):
        pv_ac_per_mw(weather, BAKU)


def test_year_runs_fast(clear_year: pd.DataFrame) -> None:
    for mounting in ("fixed", "single_axis"):
        start = time.perf_counter()
        pv_ac_per_mw(clear_year, BAKU, mounting=mounting)
        assert time.perf_counter() - start < 2.0


def test_missing_weather_values_raise() -> None:
    weather = _noon_hours(ghi=500.0, dni=400.0, dhi=120.0)
    weather.iloc[11, 0] = np.nan
    with pytest.raises(ScenarioError, match="weather has 1 missing"):
        pv_ac_per_mw(weather, BAKU)


def test_tz_naive_weather_raises() -> None:
    weather = _noon_hours(ghi=500.0, dni=400.0, dhi=120.0).tz_localize(None)
    with pytest.raises(ScenarioError, match="tz-aware"):
        pv_ac_per_mw(weather, BAKU)


def test_optimal_tilt_is_the_jacobson_fit() -> None:
    # By hand: 1.3793 + 40.41 (1.2011 + 40.41 (-0.014404 + 40.41 x 0.000080509)) = 31.71.
    assert optimal_tilt_deg(40.41) == pytest.approx(31.71, abs=0.01)
    # South: -0.41657 - 30 (1.4216 - 30 (0.024051 - 30 x 0.00021828)) = -27.31 (faces north).
    assert optimal_tilt_deg(-30.0) == pytest.approx(27.31, abs=0.01)


def _diffuse_noon(dhi_w_m2: float) -> pd.DataFrame:
    """Five noon hours of a fully overcast sky: GHI = DHI, no beam."""
    weather = _noon_hours(ghi=dhi_w_m2, dni=0.0, dhi=dhi_w_m2)
    return weather.assign(temp_air=25.0)


def test_horizontal_rows_under_overcast_sky_by_hand() -> None:
    """Horizontal modules under an overcast sky of 100 W/m2, no losses, gamma 0.

    Front: a horizontal row sees the whole sky, so 100 W/m2 (no beam, no IAM). DC:
    1.3 x 100 / 1000 = 0.13 MW/MW_ac. PVWatts inverter at zeta = 0.13 x 0.96 = 0.1248:
    eta = 0.96 / 0.9637 x (-0.0162 zeta - 0.0059 / zeta + 0.9858) = 0.93291, so
    AC = 0.12128 MW/MW_ac. Bifacial (factor 1) on sparse rows 20 m up: the rear sees the
    ground, which reflects 0.2 x 100 = 20 W/m2; 2 % is lost to the racking, so 119.6 W/m2
    in all, DC 0.15548, zeta 0.14926, eta 0.94023, AC 0.14619 = 1.2054 x monofacial.
    """
    weather = _diffuse_noon(100.0)
    noon = weather["ghi"] > 0
    common = {
        "tilt_deg": 0.0,
        "gcr": 0.01,
        "ground_clearance_m": 20.0,
        "gamma_pdc_per_c": 0.0,
        "dc_losses_pct": 0.0,
        "soiling_loss_pct": 0.0,
        "availability_loss_pct": 0.0,
    }
    mono = pv_ac_per_mw(weather, BAKU, bifaciality=0.0, **common)
    assert mono[noon].to_numpy() == pytest.approx(0.12128, abs=1e-5)
    bifacial = pv_ac_per_mw(weather, BAKU, bifaciality=1.0, **common)
    # The ground below a row is slightly shaded by it: a little under the 20 W/m2.
    assert bifacial.sum() / mono.sum() == pytest.approx(1.2054, rel=0.005)


def test_bifacial_gain_grows_with_albedo(clear_year: pd.DataFrame, fixed_cf) -> None:
    mono = pv_ac_per_mw(clear_year, BAKU, bifaciality=0.0).sum()
    gain = fixed_cf.sum() / mono - 1.0
    snowy = pv_ac_per_mw(clear_year, BAKU, albedo=0.6).sum() / mono - 1.0
    # Measured when written: +3.9 % at albedo 0.2, +10.0 % at 0.6 (factor 0.65, gcr 0.4).
    assert 0.03 < gain < 0.08
    assert snowy > 2.0 * gain


def test_catalogue_pv_rows_match_the_code_defaults() -> None:
    """inputs/technologies.csv repeats the PV defaults with sources; both must agree."""
    from dcpower.scenario import load_scenario
    from dcpower.techs.contract import GeneratorSpec
    from dcpower.techs.pv import PVTech

    techs = load_scenario("baku").technologies
    for tech_id in ("pv_fixed", "pv_single_axis"):
        resolved = techs[tech_id]
        for name, info in PVTech.model_fields.items():
            # every generator's fields (its water) default to none; the catalogue sets PV's
            if isinstance(info.default, float) and name not in GeneratorSpec.model_fields:
                assert getattr(resolved, name) == pytest.approx(info.default, rel=1e-12), name
    assert techs["pv_single_axis"].mounting == "single_axis"
    assert techs["pv_fixed"].bifaciality == 0.65
