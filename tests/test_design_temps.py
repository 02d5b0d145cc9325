"""Design dry bulbs from multi-year records (ASHRAE Handbook-Fundamentals ch. 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from dcpower.errors import WeatherFileError
from dcpower.weather.design import design_temperatures, gumbel_factor

pytestmark = pytest.mark.unit


def test_return_values_reproduce_ashrae_baku():
    """ASHRAE 2013, Baku/Bina (WMO 378640): extreme annual mean 37.5, SD 0.8 degC give
    38.1 / 38.6 / 39.0 / 39.6 degC at 5 / 10 / 20 / 50 years. F(20) = -(sqrt 6 / pi)
    (0.5772 + ln ln(20 / 19)) = -0.7797 x (0.5772 - 2.9703) = 1.866; 37.5 + 0.8 x 1.866 =
    38.99. Two years with maxima 37.5 +- 0.5657 have that mean and SD (|a - b| / sqrt 2)."""
    assert gumbel_factor(20) == pytest.approx(1.866, abs=5e-4)
    half = 0.8 / np.sqrt(2.0)
    years = [pd.Series([20.0, 37.5 + half]), pd.Series([37.5 - half, 21.0])]
    found = design_temperatures(years)
    assert found["extreme_mean_c"] == pytest.approx(37.5)
    assert found["extreme_sd_c"] == pytest.approx(0.8)
    values = [found["return_values_c"][n] for n in (5, 10, 20, 50)]
    assert values == pytest.approx([38.1, 38.6, 39.0, 39.6], abs=0.07)


def test_percentile_design_values_are_the_hours_exceeded():
    """Two years of 100 hours, values 0..99 each: 1 % of the 200 hours exceed the 0.99
    quantile, 98.01 degC (numpy's linear interpolation: position 0.99 x 199 = 197.01
    between the sorted 98 and 99)."""
    years = [pd.Series(np.arange(100.0)), pd.Series(np.arange(100.0))]
    found = design_temperatures(years)
    assert found["exceeded_c"][1.0] == pytest.approx(98.01)
    assert found["exceeded_c"][0.4] == pytest.approx(99.0)
    assert found["annual_max_c"] == [99.0, 99.0]


def test_one_year_is_not_enough():
    with pytest.raises(WeatherFileError, match="at least 2 years"):
        design_temperatures([pd.Series([30.0])])


def _year_csv(path, peak_c: float):
    """A plain CSV year: 20 degC every hour but one at ``peak_c``; other columns plausible."""
    times = pd.date_range("2021-01-01", periods=8760, freq="h", tz="UTC+04:00")
    table = pd.DataFrame(
        {
            "time": [t.isoformat() for t in times],
            "ghi": 0.0,
            "dni": 0.0,
            "dhi": 0.0,
            "temp_air": 20.0,
            "wind_speed": 5.0,
            "pressure": 101325.0,
        }
    )
    table.loc[4000, "temp_air"] = peak_c
    table.to_csv(path, index=False)
    return path


def test_cli_design_temps_prints_the_hand_values(tmp_path):
    """Maxima 40 and 38 degC: mean 39, SD 2 / sqrt 2 = 1.414, 20-year value 39 + 1.414 x
    1.866 = 41.6 degC; every other hour is 20 degC, so the 0.4 % value is 20.0."""
    from dcpower.cli import app

    files = [_year_csv(tmp_path / "a.csv", 40.0), _year_csv(tmp_path / "b.csv", 38.0)]
    done = CliRunner().invoke(app, ["weather", "design-temps", *map(str, files)])
    assert done.exit_code == 0, done.output
    assert "20-year return value" in done.output and "41.6" in done.output
    assert "0.4 % annual" in done.output and "20.0" in done.output


def test_cli_design_temps_missing_file_is_one_line_exit_2(tmp_path):
    from dcpower.cli import app

    done = CliRunner().invoke(app, ["weather", "design-temps", str(tmp_path / "none.csv")])
    assert done.exit_code == 2
    assert "not found" in done.output
    assert "Traceback" not in done.output


@pytest.mark.parametrize(
    ("site", "ashrae_mean_c", "ashrae_04_c"),
    [("aktau", 39.8, 36.9), ("baku", 37.5, 35.0)],
)
def test_synthetic_heat_waves_reach_the_stations_extreme_annual_dry_bulb(
    site, ashrae_mean_c, ashrae_04_c
):
    """The synthetic years' hottest hours are those of the ASHRAE 2013 station tables.

    Each site's temp_anomaly_sd_c was bisected so that the mean over seeds 0-19 of the
    year's highest hour equals the station's extreme annual max dry bulb mean (Fort
    Shevchenko 39.8 degC as Aktau's proxy, Baku/Bina 37.5 degC); the dry bulb exceeded in
    0.4 % of those years' hours then lies within 0.5 degC of the station's (36.9, 35.0).
    """
    from dcpower.weather import load_site, typical_year

    climate = load_site(site)
    years = [typical_year(climate, seed=seed)[0]["temp_air"] for seed in range(20)]
    found = design_temperatures(years)
    assert found["extreme_mean_c"] == pytest.approx(ashrae_mean_c, abs=0.05)
    assert found["exceeded_c"][0.4] == pytest.approx(ashrae_04_c, abs=0.5)
