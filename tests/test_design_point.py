"""The N+k design point: hottest hour of the year, or a hotter design temperature."""

import numpy as np
import pandas as pd
import pytest

from dcpower.profiles import design_point
from dcpower.scenario import Site
from dcpower.techs.gas import GasTech

pytestmark = pytest.mark.unit

ENGINE = GasTech(
    unit_mw=18.8, capex_usd_per_kw=1.0, fom_usd_per_kw_yr=0.0, vom_usd_per_mwh=0.0,
    lifetime_yr=25.0, heat_rate_full_load_mmbtu_per_mwh=8.3, no_load_fuel_fraction=0.1,
    min_load_fraction=0.1, startup_cost_usd_per_mw=0.0, ramp_pct_per_min=100.0,
    derate_start_c=35.0, derate_pct_per_c=1.0,
)  # fmt: skip


def site(design_temp_air_c=None) -> Site:
    return Site(
        climate="baku",
        data_center={"it_capacity_mw": 40.0, "utilization": 0.8},
        technologies=["eng"],
        gas_price_usd_per_mmbtu=3.0,
        design_temp_air_c=design_temp_air_c,
    )


HOURLY = pd.DataFrame(
    {"temp_air": np.linspace(0.0, 30.0, 24), "load_mw": np.linspace(36.8, 40.0, 24),
     "gas_cf_eng": np.ones(24), "heat_rate_factor_eng": np.ones(24)},
    index=pd.date_range("2023-07-01", periods=24, freq="h", tz="Asia/Baku"),
)  # fmt: skip


def test_without_design_temperature_the_hottest_hour_is_used():
    point = design_point(site(), {"eng": ENGINE}, HOURLY)
    assert (point.temp_air_c, point.peak_load_mw) == (30.0, 40.0)
    assert point.gas_available_factor == {"eng": 1.0}


def test_a_hotter_design_temperature_derates_units_and_raises_the_load():
    """At 44 degC: engines lose 1 %/degC above 35 -> 0.91; PUE = min(1.40, 1.15 + 0.012 x
    (44 - 10)) = 1.40, so load = 40 MW x 0.8 x 1.40 = 44.8 MW (above the year's 40 MW)."""
    point = design_point(site(44.0), {"eng": ENGINE}, HOURLY)
    assert point.temp_air_c == 44.0
    assert point.peak_load_mw == pytest.approx(44.8)
    assert point.gas_available_factor["eng"] == pytest.approx(0.91)


def test_a_design_temperature_below_the_hottest_hour_changes_nothing():
    assert design_point(site(25.0), {"eng": ENGINE}, HOURLY) == design_point(
        site(), {"eng": ENGINE}, HOURLY
    )
