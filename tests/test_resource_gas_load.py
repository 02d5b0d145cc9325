"""Unit tests for dcpower.resource.gas (ambient derating) and dcpower.resource.load (PUE)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dcpower.errors import ScenarioError
from dcpower.resource.gas import available_capacity_factor, heat_rate_factor
from dcpower.resource.load import data_center_load

pytestmark = pytest.mark.unit

TZ = "Asia/Baku"
INDEX = pd.date_range("2023-01-01", periods=8760, freq="h", tz=TZ)


def _ramp(lo: float = -20.0, hi: float = 50.0, n: int = 141) -> pd.Series:
    return pd.Series(np.linspace(lo, hi, n), name="temp_air")


def _seasonal_year(mean_c: float = 14.4, amp_c: float = 11.0, daily_c: float = 4.0) -> pd.Series:
    """Sinusoidal year peaking in late July, plus a daily swing peaking mid-afternoon."""
    doy = INDEX.day_of_year.to_numpy()
    hour = INDEX.hour.to_numpy()
    temp = (
        mean_c
        + amp_c * np.sin(2 * np.pi * (doy - 110) / 365)
        + daily_c * np.sin(2 * np.pi * (hour - 9) / 24)
    )
    return pd.Series(temp, index=INDEX, name="temp_air")


# ----------------------------------------------------------------------------- gas


def test_capacity_factor_monotone_and_flat_below_threshold() -> None:
    temp = _ramp()
    f = available_capacity_factor(temp, derate_start_c=15.0, derate_pct_per_c=0.7)
    assert f.name == "available_capacity_factor"
    assert f.index.equals(temp.index)
    assert (np.diff(f.to_numpy()) <= 0.0).all()
    assert (f[temp <= 15.0] == 1.0).all()
    assert (f[temp > 15.0] < 1.0).all()
    assert f.max() <= 1.0


def test_capacity_factor_hand_value() -> None:
    temp = pd.Series([35.0, 15.0, -10.0])
    f = available_capacity_factor(temp, derate_start_c=15.0, derate_pct_per_c=0.7)
    assert f.iloc[0] == pytest.approx(1.0 - 0.007 * (35.0 - 15.0))  # 0.86
    assert f.iloc[0] == pytest.approx(0.86)
    assert f.iloc[1] == 1.0
    assert f.iloc[2] == 1.0


def test_capacity_factor_floor() -> None:
    temp = pd.Series([60.0, 200.0])
    f = available_capacity_factor(temp, derate_start_c=15.0, derate_pct_per_c=1.0, min_factor=0.6)
    assert f.iloc[0] == pytest.approx(0.6 + 0.0)  # 1 - 0.45 = 0.55 -> floored at 0.6
    assert f.iloc[1] == pytest.approx(0.6)


def test_heat_rate_factor_monotone_and_at_least_one() -> None:
    temp = _ramp()
    hr = heat_rate_factor(temp, heat_rate_start_c=15.0, heat_rate_pct_per_c=0.1)
    assert hr.name == "heat_rate_factor"
    assert (np.diff(hr.to_numpy()) >= 0.0).all()
    assert (hr >= 1.0).all()
    assert (hr[temp <= 15.0] == 1.0).all()
    assert hr.iloc[-1] == pytest.approx(1.0 + 0.001 * (50.0 - 15.0))  # 1.035


def test_gas_bad_parameters() -> None:
    temp = _ramp()
    with pytest.raises(ScenarioError, match="derate_pct_per_c"):
        available_capacity_factor(temp, derate_start_c=15.0, derate_pct_per_c=-0.5)
    with pytest.raises(ScenarioError, match="min_factor"):
        available_capacity_factor(temp, derate_start_c=15.0, derate_pct_per_c=0.5, min_factor=0)
    with pytest.raises(ScenarioError, match="heat_rate_pct_per_c"):
        heat_rate_factor(temp, heat_rate_start_c=15.0, heat_rate_pct_per_c=float("nan"))
    with pytest.raises(ScenarioError, match="temp_air_c"):
        heat_rate_factor(pd.Series([1.0, np.nan]), heat_rate_start_c=15.0, heat_rate_pct_per_c=0.1)


# ----------------------------------------------------------------------------- load


def test_pue_defaults_give_new_build_average() -> None:
    # Baku-like year (mean 14.4 degC, site_data.md §1.4): measured 1.223 when written.
    df = data_center_load(_seasonal_year(), it_capacity_mw=100.0, utilization=0.8)
    assert 1.2 <= df["pue"].mean() <= 1.3
    assert (df["pue"] >= 1.0).all()


def test_pue_shape() -> None:
    temp = _seasonal_year()
    df = data_center_load(
        temp,
        it_capacity_mw=50.0,
        utilization=1.0,
        pue_min=1.12,
        free_cooling_below_c=12.0,
        pue_per_c=0.01,
        pue_max=1.3,
    )
    pue = df["pue"]
    assert (pue >= 1.0).all()
    assert (pue[temp <= 12.0] == 1.12).all()
    assert pue.max() <= 1.3
    # The hottest hour (about 29 degC) would give 1.29 uncapped; a hotter year hits the cap.
    hot = data_center_load(temp + 10.0, it_capacity_mw=50.0, utilization=1.0, pue_max=1.3)
    assert hot["pue"].max() == 1.3
    # Summer above winter.
    month = temp.index.month
    assert pue[month == 7].mean() > pue[month == 1].mean()
    assert pue[month == 1].mean() == pytest.approx(1.12)
    # A hand value: 20 degC -> 1.12 + 0.01 * 8 = 1.20.
    one = data_center_load(
        pd.Series([20.0], index=INDEX[:1]),
        it_capacity_mw=1.0,
        utilization=1.0,
        pue_min=1.12,
        free_cooling_below_c=12.0,
        pue_per_c=0.01,
        pue_max=1.3,
    )
    assert one["pue"].iloc[0] == pytest.approx(1.20)


def test_load_is_it_times_pue_exactly() -> None:
    df = data_center_load(_seasonal_year(), it_capacity_mw=80.0, utilization=0.7)
    assert list(df.columns) == ["it_load_mw", "pue", "load_mw", "cooling_electric_mw"]
    assert df.index.equals(INDEX)
    np.testing.assert_array_equal(
        df["load_mw"].to_numpy(), (df["it_load_mw"] * df["pue"]).to_numpy()
    )
    # the mechanical cooling: the PUE above its free-cooling value (default 1.15)
    np.testing.assert_allclose(
        df["cooling_electric_mw"].to_numpy(), (df["it_load_mw"] * (df["pue"] - 1.15)).to_numpy()
    )
    np.testing.assert_allclose(df["it_load_mw"].to_numpy(), 56.0)


def test_hourly_profile_applied_by_local_hour() -> None:
    profile = [0.5 + 0.02 * h for h in range(24)]
    df = data_center_load(_seasonal_year(), it_capacity_mw=100.0, utilization=profile)
    local_hour = INDEX.hour  # index is in Asia/Baku local time
    for h in range(24):
        np.testing.assert_allclose(df["it_load_mw"][local_hour == h].to_numpy(), 100.0 * profile[h])
    # The hour is read in the index's own zone (by convention the site's zone): the same
    # instants labelled in UTC shift the profile by Baku's +4 h offset.
    utc = _seasonal_year()
    utc.index = utc.index.tz_convert("UTC")
    df_utc = data_center_load(utc, it_capacity_mw=100.0, utilization=profile)
    assert df_utc["it_load_mw"].iloc[0] == pytest.approx(100.0 * profile[20])  # 20:00 UTC
    assert df["it_load_mw"].iloc[0] == pytest.approx(100.0 * profile[0])  # 00:00 local


@pytest.mark.parametrize(
    "utilization",
    [1.2, -0.1, [0.5] * 23, [0.5] * 25, [0.5] * 23 + [1.5], float("nan"), "high"],
)
def test_bad_utilization_raises(utilization) -> None:
    with pytest.raises(ScenarioError, match="utilization"):
        data_center_load(_seasonal_year(), it_capacity_mw=10.0, utilization=utilization)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"it_capacity_mw": 0.0}, "it_capacity_mw"),
        ({"pue_min": 0.9}, "pue_min"),
        ({"pue_max": 1.05}, "pue_max"),
        ({"pue_per_c": -0.01}, "pue_per_c"),
    ],
)
def test_bad_load_parameters_raise(kwargs: dict, name: str) -> None:
    args = {"it_capacity_mw": 10.0, "utilization": 0.5} | kwargs
    with pytest.raises(ScenarioError, match=name):
        data_center_load(_seasonal_year(), **args)
