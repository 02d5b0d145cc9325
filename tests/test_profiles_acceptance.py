"""Site-level profile figures for the embedded Baku year, and the full profile set's speed."""

import time

import pytest

from dcpower.pipeline import hourly_profiles
from dcpower.scenario import load_scenario

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def baku_hourly():
    scenario = load_scenario("baku")
    started = time.perf_counter()
    hourly = hourly_profiles(scenario, "baku")
    return hourly, time.perf_counter() - started


def test_full_year_profile_set_is_fast(baku_hourly):
    """Weather, PV (two mountings), wind, gas derating and load for 8760 h in well under 5 s."""
    hourly, seconds = baku_hourly
    assert len(hourly) == 8760
    assert seconds < 5.0


def test_baku_pv_specific_yield(baku_hourly):
    """Specific yield = AC energy per kW_ac / DC-AC ratio (1.3) [kWh/kWp].

    The issue asks 1450-1750 kWh/kWp for fixed tilt. The default plant is bifacial (0.65)
    on rows at gcr 0.4 (PVWatts v8 geometry, pvlib infinite sheds, albedo 0.2), tilt 31.7
    deg, PVWatts utility losses (6.81 % + soiling 2 % + availability 1 %, 96 % inverter):
    measured 1471 when written. The Garadagh plant near Baku (bifacial modules on
    single-axis trackers, site_data.md s3) forecasts about 1620; the same configuration
    here gave 1636, so the tracker is held within 5 % of Garadagh.
    """
    hourly, _ = baku_hourly
    fixed = hourly["pv_cf_pv_fixed"].sum() / 1.3
    tracking = hourly["pv_cf_pv_single_axis"].sum() / 1.3
    assert 1450 <= fixed <= 1750
    assert tracking == pytest.approx(1620, rel=0.05)
    assert 1.08 <= tracking / fixed <= 1.25


def test_baku_wind_and_load(baku_hourly):
    """Wind CF on Absheron (modern turbine, 120 m hub) 42.5 %, the Khizi-Absheron yield the
    site file is back-solved to; PUE >= 1 everywhere and higher in July than in January."""
    hourly, _ = baku_hourly
    assert hourly["wind_cf"].mean() == pytest.approx(0.425, abs=0.001)
    assert (hourly["pue"] >= 1.0).all()
    month = hourly.index.month
    assert hourly["pue"][month == 7].mean() > hourly["pue"][month == 1].mean()
    # the aeroderivative GT loses output in the heat: 1 %/degC above 15 degC
    assert hourly["gas_cf_aero_gt"].min() < 0.85
    # the engine holds its rating to 35 degC, then loses 1 %/degC; net of 2 % auxiliaries:
    # at the year's hottest hour (35.7 degC on seed 0), 0.98 x (1 - 0.01 x 0.7) = 0.973
    hottest_c = hourly["temp_air"].max()
    assert 35.0 < hottest_c < 40.0
    expected = 0.98 * (1 - 0.01 * (hottest_c - 35.0))
    assert hourly["gas_cf_recip_engine"].min() == pytest.approx(expected, rel=1e-9)
