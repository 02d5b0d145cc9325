"""The N+k design point: the halls full at the PUE and derating of a sourced design ambient."""

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import Reliability, gas_tech, site_inputs

from dcpower.optimization.optimize import optimize_site
from dcpower.profiles import design_basis, design_point
from dcpower.scenario import Site, Solver
from dcpower.techs.contract import Firm
from dcpower.techs.gas import GasTech
from dcpower.weather.sites import read_site_file, sites_dir

pytestmark = pytest.mark.unit

EXACT = Solver(mip_gap=1e-9, time_limit_s=60)

ENGINE = GasTech(
    unit_mw=18.8, capex_usd_per_kw=1.0, fom_usd_per_kw_yr=0.0, vom_usd_per_mwh=0.0,
    lifetime_yr=25.0, heat_rate_full_load_mmbtu_per_mwh=8.3, no_load_fuel_fraction=0.1,
    min_load_fraction=0.1, startup_cost_usd_per_mw=0.0, ramp_pct_per_min=100.0,
    derate_start_c=35.0, derate_pct_per_c=1.0,
)  # fmt: skip


def site(design_temp_air_c=None, climate="baku", **data_center) -> Site:
    return Site(
        climate=climate,
        data_center={"it_capacity_mw": 40.0, "utilization": 0.8, **data_center},
        technologies=["eng"],
        gas_price_usd_per_mmbtu=3.0,
        design_temp_air_c=design_temp_air_c,
    )


HOURLY = pd.DataFrame(
    {"temp_air": np.linspace(0.0, 30.0, 24), "load_mw": np.linspace(36.8, 40.0, 24),
     "gas_cf_eng": np.ones(24), "heat_rate_factor_eng": np.ones(24)},
    index=pd.date_range("2023-07-01", periods=24, freq="h", tz="Asia/Baku"),
)  # fmt: skip


def test_the_embedded_site_gives_its_ashrae_design_ambient_and_full_halls():
    """Baku's site file: ASHRAE 2013 20-year extreme dry bulb 39.0 degC (Baku/Bina).

    Engines lose 1 %/degC above 35 degC -> 0.96. PUE = 1.15 + 0.012 x (39 - 10) = 1.498
    (no cap). The design IT load is the IT capacity, 40 MW, not 0.8 x 40: facility load
    40 x 1.498 = 59.92 MW.
    """
    point = design_point(site(), {"eng": ENGINE}, HOURLY)
    assert point.temp_air_c == 39.0
    assert point.temp_source.startswith("ASHRAE 2013 20-year extreme dry bulb")
    assert point.it_load_mw == 40.0
    assert point.pue == pytest.approx(1.498)
    assert point.facility_load_mw == pytest.approx(59.92)
    assert point.gas_available_factor == {"eng": pytest.approx(0.96)}


def test_a_scenario_design_temperature_and_contracted_it_load_override():
    """44 degC, a 30 MW contract: PUE 1.15 + 0.012 x 34 = 1.558, load 30 x 1.558 = 46.74 MW;
    engines 1 - 0.09 = 0.91."""
    point = design_point(site(44.0, design_it_load_mw=30.0), {"eng": ENGINE}, HOURLY)
    assert (point.temp_air_c, point.it_load_mw) == (44.0, 30.0)
    assert point.temp_source == "scenario value (design_temp_air_c)"
    assert point.facility_load_mw == pytest.approx(46.74)
    assert point.gas_available_factor["eng"] == pytest.approx(0.91)


def test_a_hotter_weather_year_replaces_the_statistic_and_says_so():
    point = design_point(site(25.0), {"eng": ENGINE}, HOURLY)
    assert point.temp_air_c == 30.0
    assert point.temp_source.startswith("hottest hour of the weather year, above the design")


def test_without_any_statistic_the_hottest_hour_is_flagged(tmp_path):
    raw = read_site_file(sites_dir() / "baku.yaml")
    raw.pop("design_temp_air_c")
    raw["sources"].pop("design_temp_air_c")
    site_file = tmp_path / "plain.yaml"
    site_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    point = design_point(site(climate=str(site_file)), {"eng": ENGINE}, HOURLY)
    assert point.temp_air_c == 30.0
    assert "NOT a design statistic" in point.temp_source


def test_a_design_it_load_above_the_halls_is_refused():
    with pytest.raises(ValueError, match="design_it_load_mw = 50: above it_capacity_mw = 40"):
        site(design_it_load_mw=50.0)


def _units(design_load_mw: float, **gas) -> int:
    """Units of 10 MW built for a flat 40 MW load with N+1 at the given design load."""
    tech = gas_tech(unit_mw=10.0, **gas)
    inp = site_inputs(
        [40.0] * 4,
        {"eng": tech},
        reliability=Reliability(redundancy_k=1, hourly_n_minus_1=False),
        design_load_mw=design_load_mw,
        design_factor=1.0 - tech.auxiliaries_fraction,
    )
    return optimize_site(inp, EXACT).solution.gas_units["eng"]["units"]


def test_a_full_halls_need_one_more_unit_than_the_average_load():
    """(a) IT 40 MW at utilization 0.8, flat PUE 1.25, 10 MW units, N+1.

    Average load: 0.8 x 40 x 1.25 = 40 MW -> 4 units carry it, + 1 = 5 units.
    Halls full at the design ambient: 40 x 1.25 = 50 MW -> 5 units carry it, + 1 = 6.
    """
    flat = site(30.0, pue={"pue_min": 1.25, "pue_per_c": 0.0})
    hourly = HOURLY.assign(gas_cf_eng=1.0)
    point = design_point(flat, {"eng": gas_tech(unit_mw=10.0)}, hourly)
    assert point.facility_load_mw == pytest.approx(50.0)
    assert _units(0.8 * 40 * 1.25) == 5
    assert _units(point.facility_load_mw) == 6


def test_b_auxiliaries_tip_a_marginal_design_into_one_more_unit():
    """(b) Design load 50 MW, 10 MW units, N+1, no derating.

    Without auxiliaries: 6 units, 5 left = 50 MW >= 50 MW (margin 0).
    With 2 % auxiliaries each unit gives 9.8 MW net: 6 units leave 5 x 9.8 = 49 MW < 50,
    so 7 units (6 x 9.8 = 58.8 MW).
    """
    assert _units(50.0) == 6
    assert _units(50.0, auxiliaries_fraction=0.02) == 7


def test_design_basis_reports_gross_firm_capacity_auxiliaries_and_margin():
    """7 units of 10 MW gross at 2 % auxiliaries, k = 1, facility load 50 MW.

    Net 9.8 MW each; one out: net firm 6 x 9.8 = 58.8 MW. Auxiliaries of the 6 left:
    6 x 0.2 = 1.2 MW; design load 50 + 1.2 = 51.2 MW; firm (gross) 58.8 + 1.2 = 60 MW;
    margin 60 - 51.2 = 8.8 MW = 58.8 - 50.
    """
    point = design_point(
        site(30.0, pue={"pue_min": 1.25, "pue_per_c": 0.0}),
        {"eng": gas_tech(unit_mw=10.0, auxiliaries_fraction=0.02)},
        HOURLY.assign(gas_cf_eng=0.98),
    )
    firm = Firm(firm_mw=7 * 9.8, units_mw=(9.8,) * 7)
    basis = design_basis(point, [("eng", firm)], 1)
    assert basis["auxiliaries_mw"] == pytest.approx(1.2)
    assert basis["load_mw"] == pytest.approx(51.2)
    assert basis["firm_capacity_mw"] == pytest.approx(60.0)
    assert basis["margin_mw"] == pytest.approx(8.8)
    assert basis["units_out"] == "1 x eng (9.8 MW net)"


def test_topology_checklist_on_hand_cases():
    """Design load 50 MW (flat PUE 1.25 x 40 MW), 10 MW units, no derating or auxiliaries.

    Six units (N+1): one in maintenance leaves 50 MW >= 50 (concurrently maintainable,
    margin 0); one in maintenance and one failed leaves 40 < 50 (not fault tolerant,
    margin -10). Seven units (N+2): 60 and 50 MW: both. A 3,000 MMBtu tank burnt at
    10 MMBtu/MWh runs the 50 MW design load 3,000 / 500 = 6 h.
    """
    from dcpower.topology import checklist

    point = design_point(
        site(30.0, pue={"pue_min": 1.25, "pue_per_c": 0.0}),
        {"eng": gas_tech(unit_mw=10.0)},
        HOURLY.assign(gas_cf_eng=1.0),
    )
    n_plus_1 = checklist(point, [("eng", Firm(60.0, (10.0,) * 6))], 3000.0, 10.0)
    assert n_plus_1["concurrently_maintainable"] and not n_plus_1["fault_tolerant"]
    assert n_plus_1["maintenance_margin_mw"] == pytest.approx(0.0, abs=1e-9)
    assert n_plus_1["fault_tolerance_margin_mw"] == pytest.approx(-10.0)
    assert n_plus_1["on_site_fuel_h"] == pytest.approx(6.0)
    n_plus_2 = checklist(point, [("eng", Firm(70.0, (10.0,) * 7))], 0.0, 10.0)
    assert n_plus_2["concurrently_maintainable"] and n_plus_2["fault_tolerant"]
    assert n_plus_2["on_site_fuel_h"] == 0.0


def test_maintenance_takes_one_unit_at_a_time_in_the_lowest_load_weeks():
    """Four 168-h weeks with mean loads 30, 10, 20, 40 MW; three units needing 100 h each.

    Blocks are one week (100 h fits): the units go to weeks 2, 3 and 1 (10, 20, 30 MW),
    the first 100 h of each, one at a time; the 40 MW week keeps every unit.
    """
    from dcpower.maintenance import schedule

    load = np.repeat([30.0, 10.0, 20.0, 40.0], 168)
    plan = schedule(load, {"eng": (3, 100.0), "none": (0, 100.0)})
    assert set(plan) == {"eng"}
    out = plan["eng"]
    assert out.max() == 1 and out.sum() == 300
    weekly = out.reshape(4, 168).sum(axis=1)
    assert weekly.tolist() == [100, 100, 100, 0]
    assert out[168] == 1 and out[168 + 100] == 0  # from the start of its week, 100 h
