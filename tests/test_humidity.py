"""Humidity and water: psychrometrics, the synthetic dew point, a PUE that follows the wet
bulb, and the cooling water of evaporative cooling."""

import copy
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from test_design_point import ENGINE, HOURLY, site

import dcpower
from dcpower.errors import InfeasibleError, ScenarioError
from dcpower.pipeline import choose_cooling
from dcpower.pipeline.inputs import cooling_water_m3_per_yr
from dcpower.profiles import design_point, site_profiles
from dcpower.resource.load import data_center_load
from dcpower.scenario import PUEModel, Scenario, load_scenario
from dcpower.weather import load_site, typical_year
from dcpower.weather.psychrometrics import dew_point_c, relative_humidity_pct, wet_bulb_c
from dcpower.weather.readers import read_weather
from dcpower.weather.sites import sites_dir

pytestmark = pytest.mark.unit


def test_relative_humidity_from_the_dew_point_by_hand():
    """Magnus (Alduchov & Eskridge 1996): e_s(0) = 6.1094 hPa; e_s(20) = 6.1094 x
    exp(17.625 x 20 / 263.04) = 6.1094 x 3.81948 = 23.3348 hPa; RH = 6.1094 / 23.3348 =
    26.18 %. Dew point at the air temperature: 100 %; inverted, the dew point comes back.
    """
    assert relative_humidity_pct(20.0, 0.0) == pytest.approx(26.181, abs=0.005)
    assert relative_humidity_pct(31.0, 31.0) == pytest.approx(100.0)
    assert relative_humidity_pct(20.0, 25.0) == 100.0  # supersaturated: capped
    dew = np.array([-15.0, 0.0, 12.5, 26.0])
    temp = np.array([-5.0, 10.0, 30.0, 41.0])
    assert dew_point_c(temp, relative_humidity_pct(temp, dew)) == pytest.approx(dew)


def test_stull_wet_bulb_matches_its_worked_example():
    """Stull (2011) as NCAR's NCL documents it: 20 degC at 50 % RH -> 13.70 degC (a full
    psychrometric calculation gives 13.75). Saturated air's wet bulb is nearly the dry bulb
    (Stull's fit stops at 99 %, within 0.65 degC); dry air's is far below; never above.
    """
    assert wet_bulb_c(20.0, 50.0) == pytest.approx(13.70, abs=0.01)
    assert 29.5 < wet_bulb_c(30.0, 100.0) <= 30.0
    assert wet_bulb_c(40.0, 10.0) < 22.0
    temp = np.linspace(-10.0, 45.0, 12)
    assert (wet_bulb_c(temp, 99.0) <= temp).all()


def test_synthetic_years_carry_humidity_calibrated_on_ashrae():
    """Baku's dew-point model was fitted (benchmarks/calibrate_humidity.py, seeds 0-9, hours
    pooled) on seven ASHRAE 2013 Baku/Bina figures, among them the wet bulb exceeded in
    0.4 % of hours, 27.7 degC (the fit reached 27.1), and the mean coincident wet bulb of
    the 0.4 % dry bulb, 21.1 (reached 21.1). The same seeds give those figures again, within
    0.7 degC of ASHRAE's. No month is saturated on average (a fit on the design tails alone
    once put February at 99.8 %): monthly means 55-85 %, summer drier than winter.
    Relative humidity stays in 0-100 % and the dew point at or below the air temperature.
    """
    years = [typical_year(load_site("baku"), seed=seed)[0] for seed in range(10)]
    temp = np.concatenate([d["temp_air"].to_numpy() for d in years])
    rh = np.concatenate([d["relative_humidity"].to_numpy() for d in years])
    month = np.concatenate([d.index.month.to_numpy() for d in years])
    assert ((rh > 0) & (rh <= 100.0)).all()
    assert (dew_point_c(temp, rh) <= temp + 1e-9).all()
    wet = wet_bulb_c(temp, rh)
    wb004 = np.quantile(wet, 0.996)
    mcwb = wet[np.abs(temp - np.quantile(temp, 0.996)) <= 0.5].mean()
    assert (wb004, mcwb) == (pytest.approx(27.1, abs=0.05), pytest.approx(21.1, abs=0.05))
    assert (wb004, mcwb) == (pytest.approx(27.7, abs=0.7), pytest.approx(21.1, abs=0.7))
    monthly = np.array([rh[month == m].mean() for m in range(1, 13)])
    assert ((monthly > 55.0) & (monthly < 85.0)).all()
    assert monthly[[0, 1, 11]].mean() > monthly[[5, 6, 7]].mean() + 5.0


def test_humidity_leaves_the_other_weather_as_it_was():
    """The dew point draws from a stream of its own: a site without the dew-point model
    gets the same temperature, irradiance and wind, and no humidity column.
    """
    baku = load_site("baku")
    dry = baku.model_copy(
        update={
            f: None
            for f in (
                "dew_point_mean_c",
                "dew_point_seasonal_slope",
                "dew_point_anomaly_slope",
                "dew_point_anomaly_slope_per_c",
                "dew_point_anomaly_sd_c",
            )
        }
    )
    humid, _ = typical_year(baku, seed=3)
    plain, _ = typical_year(dry, seed=3)
    assert "relative_humidity" not in plain
    pd.testing.assert_frame_equal(humid.drop(columns="relative_humidity"), plain)


def test_a_site_file_with_part_of_the_dew_point_model_is_refused(tmp_path):
    text = (sites_dir() / "baku.yaml").read_text()
    broken = re.sub(r"\ndew_point_anomaly_sd_c: [-0-9.]+\n", "\n", text)
    assert broken != text
    path = tmp_path / "baku.yaml"
    path.write_text(broken)
    with pytest.raises(ScenarioError, match=r"dew-point model incomplete.*dew_point_anomaly_sd_c"):
        load_site(path)


def test_wet_bulb_pue_takes_its_own_defaults_and_keeps_what_is_given():
    """PUE following the wet bulb: 1.10 + 0.006 x max(0, T_wb - 10), cap 1.35 (site_data.md
    ESTIMATE). A coefficient given replaces only itself.
    """
    wet = PUEModel(temperature="wet_bulb")
    assert wet.curve() == {
        "pue_min": 1.10,
        "free_cooling_below_c": 10.0,
        "pue_per_c": 0.006,
        "pue_max": 1.35,
    }
    given = PUEModel(temperature="wet_bulb", pue_min=1.2, pue_max=None)
    assert given.curve() == {
        "pue_min": 1.2,
        "free_cooling_below_c": 10.0,
        "pue_per_c": 0.006,
        "pue_max": None,
    }
    assert PUEModel().curve()["pue_per_c"] == 0.012  # dry bulb as before


def test_profiles_follow_the_wet_bulb_and_refuse_weather_without_humidity():
    """Hour of 35 degC at 30 % RH. Psychrometric wet bulb by hand (e_s Magnus, psychrometer
    constant 6.62e-4 /degC at 1013 hPa): e = 0.30 x 56.2 = 16.9 hPa; at 21.6 degC,
    e_s 25.8 - 0.671 x 13.4 = 16.8 hPa, so T_wb = 21.6 degC; Stull's fit gives 22.14
    (within its stated -1..+0.65 degC). PUE = 1.10 + 0.006 x (22.14 - 10) = 1.173, load
    40 x 0.8 x 1.173 = 37.5 MW; at 8 degC no mechanical cooling, PUE 1.10. The same
    weather without humidity is refused, naming the field.
    """
    index = pd.date_range("2023-07-01", periods=2, freq="h", tz="Asia/Baku")
    weather = pd.DataFrame(
        {
            "ghi": [0.0, 0.0],
            "dni": [0.0, 0.0],
            "dhi": [0.0, 0.0],
            "temp_air": [35.0, 8.0],
            "wind_speed": [3.0, 3.0],
            "pressure": [101325.0, 101325.0],
            "relative_humidity": [30.0, 60.0],
        },
        index=index,
    )
    wet_site = site(pue={"temperature": "wet_bulb"})
    hourly = site_profiles(wet_site, {"eng": ENGINE}, weather, {"source": "test"})
    wet = float(wet_bulb_c(35.0, 30.0))
    assert hourly["temp_wet_bulb"].iloc[0] == pytest.approx(wet)
    assert 21.6 - 0.65 <= wet <= 21.6 + 1.0
    assert wet == pytest.approx(22.14, abs=0.01)
    assert hourly["pue"].tolist() == pytest.approx([1.10 + 0.006 * (wet - 10.0), 1.10])
    assert hourly["load_mw"].iloc[0] == pytest.approx(32.0 * (1.10 + 0.006 * (wet - 10.0)))
    with pytest.raises(ScenarioError, match=r"data_center\.pue\.temperature = wet_bulb.*humidity"):
        site_profiles(
            wet_site, {"eng": ENGINE}, weather.drop(columns="relative_humidity"), {"source": "t"}
        )


def test_the_wet_bulb_design_point_takes_ashraes_extreme_wet_bulb():
    """Baku's site file: ASHRAE 2013 extreme maximum wet bulb 32.2 degC (Baku/Bina). PUE
    1.10 + 0.006 x 22.2 = 1.2332, facility load 40 x 1.2332 = 49.328 MW; the dry bulb
    (39.0) still sets the engines' derating. A year whose wet bulb reaches 33 degC, or a
    scenario value, replaces it as the dry bulb's would.
    """
    hourly = HOURLY.assign(temp_wet_bulb=np.linspace(0.0, 25.0, 24))
    point = design_point(site(pue={"temperature": "wet_bulb"}), {"eng": ENGINE}, hourly)
    assert (point.pue_driver, point.pue_temp_c, point.temp_air_c) == ("wet bulb", 32.2, 39.0)
    assert point.pue_temp_source.startswith("ASHRAE 2013 extreme maximum wet bulb")
    assert point.pue == pytest.approx(1.2332)
    assert point.facility_load_mw == pytest.approx(49.328)
    assert point.gas_available_factor == {"eng": pytest.approx(0.96)}
    muggy = hourly.assign(temp_wet_bulb=np.linspace(0.0, 33.0, 24))
    point = design_point(site(pue={"temperature": "wet_bulb"}), {"eng": ENGINE}, muggy)
    assert point.pue_temp_c == 33.0
    assert "above the design statistic 32.2" in point.pue_temp_source
    given = site(pue={"temperature": "wet_bulb"}).model_copy(update={"design_wet_bulb_c": 28.0})
    assert design_point(given, {"eng": ENGINE}, hourly).pue == pytest.approx(1.208)
    dry = design_point(site(), {"eng": ENGINE}, hourly)
    assert (dry.pue_driver, dry.pue_temp_c, dry.pue) == ("dry bulb", 39.0, pytest.approx(1.498))


def test_a_csv_keeps_its_humidity_and_refuses_one_out_of_range(tmp_path):
    times = pd.date_range("2021-01-01", periods=8760, freq="h", tz="UTC")
    table = pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%dT%H:%MZ"),
            "ghi": 0.0,
            "temp_air": 15.0,
            "wind_speed": 4.0,
            "pressure": 101000.0,
            "relative_humidity": 55.0,
        }
    )
    path = tmp_path / "w.csv"
    table.to_csv(path, index=False)
    data, _ = read_weather(path, latitude=40.0, longitude=50.0, altitude=0.0)
    assert (data["relative_humidity"] == 55.0).all()
    table.loc[100, "relative_humidity"] = 120.0
    table.to_csv(path, index=False)
    with pytest.raises(Exception, match=r"relative_humidity.*outside \[0, 100\] %"):
        read_weather(path, latitude=40.0, longitude=50.0, altitude=0.0)


def test_data_center_load_is_the_same_function_of_either_temperature():
    """The curve does not know which temperature it gets: 20 degC -> 1.10 + 0.06 = 1.16."""
    temp = pd.Series([20.0], index=pd.date_range("2023-01-01", periods=1, freq="h"))
    out = data_center_load(
        temp, it_capacity_mw=10.0, utilization=1.0, **PUEModel(temperature="wet_bulb").curve()
    )
    assert out["load_mw"].iloc[0] == pytest.approx(11.6)


# --------------------------------------------------------------------------- cooling water


def test_evaporative_cooling_water_is_costed_and_reported(small_scenario_dict, tmp_path):
    """Baku alone, IT 10 MW at 50 %, PUE flat at 1.10 (wet bulb, no slope), 2.0 L/kWh, water
    at 0.5 USD/m3 and 3 kWh/m3. By hand: facility load 10 x 0.5 x 1.10 = 5.5 MW; water
    5.5 x 2.0 = 11 m3 an hour, 96,360 m3 a year (8760 h), 48,180 USD/yr in costs.csv;
    WUE 96,360,000 L / (5 MW x 8760 h x 1000) = 2.2 L/kWh of IT energy (2.0 x 1.10);
    supplying it takes 96,360 x 3 / 1000 = 289.08 MWh/yr. Aktau keeps dry cooling: no water.
    The site's PV cleans its modules with 0.0038 m3 per MWh generated, paid and supplied
    the same way.
    """
    raw = small_scenario_dict
    raw["sites"]["baku"]["data_center"] = {
        "it_capacity_mw": 10,
        "utilization": 0.5,
        "pue": {"temperature": "wet_bulb", "pue_min": 1.10, "pue_per_c": 0.0},
        "cooling_water_l_per_kwh": 2.0,
    }
    raw["sites"]["baku"].update(water_price_usd_per_m3=0.5, water_energy_kwh_per_m3=3.0)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = dcpower.run(path, out=tmp_path / "run", reports=False, parallel=False)
    water = result.summary()["sites"]["baku"]["water"]
    assert water["m3_per_yr"] == pytest.approx(96_360.0)
    pv_mwh = result.summary()["sites"]["baku"]["generation_mwh_per_yr"]["pv"]
    generation = sum(water["generation_m3_per_yr"].values())
    assert generation == pytest.approx(0.0038 * pv_mwh)
    assert water["total_m3_per_yr"] == pytest.approx(96_360.0 + generation)
    assert water["usd_per_yr"] == pytest.approx(48_180.0 + 0.5 * generation)
    assert water["wue_l_per_kwh_it"] == pytest.approx(2.2)
    assert water["energy_mwh_per_yr"] == pytest.approx(289.08 + 3 * generation / 1000)
    costs = pd.read_csv(tmp_path / "run" / "costs.csv")
    row = costs[(costs["site"] == "baku") & (costs["technology"] == "cooling_water")]
    assert row["component"].tolist() == ["water"]
    assert row["usd_per_yr"].sum() == pytest.approx(48_180.0)
    aktau = result.summary()["sites"]["aktau"]["water"]  # dry cooling: its PV's water only
    assert aktau["m3_per_yr"] == 0.0
    assert aktau["total_m3_per_yr"] == pytest.approx(sum(aktau["generation_m3_per_yr"].values()))
    assert result.verification["passed"]


def test_a_water_limit_below_the_cooling_water_is_infeasible_by_how_much():
    """96,360 m3/yr of cooling water (the case above) against a 90,000 m3/yr limit: short
    by 6,360 m3/yr, said in one line with the way out (dry cooling).
    """
    hours = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Asia/Baku")
    hourly = pd.DataFrame({"cooling_water_m3": np.full(8760, 11.0)}, index=hours)
    limited = site(pue={"temperature": "wet_bulb"}).model_copy(
        update={"water_limit_m3_per_yr": 90_000.0}
    )
    with pytest.raises(InfeasibleError, match=r"90,000: .* 96,360 m3/yr \(6,360 more.*dry_bulb"):
        cooling_water_m3_per_yr("baku", limited, hourly)
    roomy = limited.model_copy(update={"water_limit_m3_per_yr": 100_000.0})
    assert cooling_water_m3_per_yr("baku", roomy, hourly) == pytest.approx(96_360.0)


def test_validate_and_run_refuse_a_water_limit_the_cooling_exceeds(small_scenario_dict, tmp_path):
    """Baku on evaporative cooling (1.8 L/kWh) with a 1,000 m3/yr limit: validate says so
    before any solve, as run does: exit 3, one line naming the field and the shortfall."""
    from typer.testing import CliRunner

    from dcpower.cli import app

    raw = small_scenario_dict
    raw["sites"]["baku"]["data_center"]["pue"] = {"temperature": "wet_bulb"}
    raw["sites"]["baku"]["water_limit_m3_per_yr"] = 1000
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw))
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "r")]):
        done = CliRunner().invoke(app, command)
        assert done.exit_code == 3, done.output
        assert "sites.baku.water_limit_m3_per_yr = 1,000: the data center's cooling uses" in (
            done.output
        )
        assert "Traceback" not in done.output
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- cooling choice


def _choosing_baku(raw: dict, folder, water_price: float, limit: float | None = None) -> Path:
    """Baku alone on engines, IT 10 MW at 50 %, evaporative cooling given (flat PUE 1.10,
    2.0 L/kWh: 96,360 m3/yr) and the run left to choose; dry takes its default PUE. The
    scenario's path in ``folder``."""
    raw = copy.deepcopy(raw)
    del raw["sites"]["aktau"]
    raw["sites"]["baku"].update(
        technologies=["recip_engine"],
        water_price_usd_per_m3=water_price,
        water_limit_m3_per_yr=limit,
        data_center={
            "it_capacity_mw": 10,
            "utilization": 0.5,
            "pue": {"temperature": "wet_bulb", "pue_min": 1.10, "pue_per_c": 0.0},
            "cooling_water_l_per_kwh": 2.0,
            "choose_cooling": True,
        },
    )
    path = folder / f"choosing-{water_price:.6f}-{limit}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _choice(path: Path) -> tuple[Scenario, dict]:
    scenario, decision = choose_cooling(load_scenario(path))
    return scenario, decision["baku"]


def test_the_water_price_decides_the_cooling_where_the_costs_cross(small_scenario_dict, tmp_path):
    """The cooling water is a constant of the load, so evaporative cooling's annual cost is
    its cost with free water plus 96,360 m3/yr x the price, and dry's does not move: at
    0.5 USD/m3 it is 48,180 USD/yr more than at 0, exactly. The costs cross at
    p* = (dry - evaporative at 0) / 96,360; 5 % below p* evaporative is kept, 5 % above
    dry, and the run's scenario carries the choice (no longer choosing)."""
    free = _choice(_choosing_baku(small_scenario_dict, tmp_path, 0.0))[1]["options"]
    paid = _choice(_choosing_baku(small_scenario_dict, tmp_path, 0.5))[1]["options"]
    assert free["evaporative"]["water_m3_per_yr"] == pytest.approx(96_360.0)
    assert free["dry"]["water_m3_per_yr"] == 0.0
    assert paid["evaporative"]["cost_usd_per_yr"] - free["evaporative"]["cost_usd_per_yr"] == (
        pytest.approx(48_180.0, rel=1e-6)
    )
    assert paid["dry"]["cost_usd_per_yr"] == pytest.approx(free["dry"]["cost_usd_per_yr"])
    crossing = (free["dry"]["cost_usd_per_yr"] - free["evaporative"]["cost_usd_per_yr"]) / 96_360.0
    assert crossing > 0  # the dry PUE, 1.15 and up, always above 1.10: more fuel
    for factor, expected, temperature in (
        (0.95, "evaporative", "wet_bulb"),
        (1.05, "dry", "dry_bulb"),
    ):
        scenario, decision = _choice(
            _choosing_baku(small_scenario_dict, tmp_path, factor * crossing)
        )
        assert decision["chosen"] == expected
        chosen = scenario.sites["baku"].data_center
        assert (chosen.pue.temperature, chosen.choose_cooling) == (temperature, False)


def test_a_water_limit_switches_evaporative_cooling_to_dry(small_scenario_dict, tmp_path):
    """At 0.5 USD/m3 evaporative cooling is the cheaper (test above). Its 96,360 m3/yr
    within a 100,000 m3/yr limit, it is kept; against 90,000 it is left out without a
    solve, saying by how much, and the run sizes dry cooling: no water, no water cost,
    the folder's scenario on the dry bulb, summary.json and the console saying why."""
    from typer.testing import CliRunner

    from dcpower.cli import app

    roomy = _choice(_choosing_baku(small_scenario_dict, tmp_path, 0.5, limit=100_000.0))[1]
    assert roomy["chosen"] == "evaporative"
    path = _choosing_baku(small_scenario_dict, tmp_path, 0.5, limit=90_000.0)
    done = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "run")])
    assert done.exit_code == 0, done.output
    assert "cooling of baku: dry" in done.output
    assert "evaporative left out: its water, 96,360 m3/yr, exceeds" in done.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    choice = summary["cooling"]["baku"]
    assert choice["chosen"] == "dry"
    assert choice["options"]["evaporative"]["cost_usd_per_yr"] is None
    assert choice["options"]["evaporative"]["left_out"] == (
        "its water, 96,360 m3/yr, exceeds water_limit_m3_per_yr = 90,000"
    )
    assert choice["options"]["dry"]["cost_usd_per_yr"] > 0
    assert summary["sites"]["baku"].get("water") is None
    saved = yaml.safe_load((tmp_path / "run" / "scenario.yaml").read_text())
    dc = saved["sites"]["baku"]["data_center"]
    assert (dc["pue"]["temperature"], dc["choose_cooling"]) == ("dry_bulb", False)
    valid = CliRunner().invoke(app, ["validate", str(path)])
    assert valid.exit_code == 0, valid.output  # the choice heeds the limit: not a refusal


def test_choosing_the_cooling_on_weather_without_humidity_is_refused():
    """The evaporative option needs the wet bulb: on weather without humidity the choice is
    refused in one line naming choose_cooling, even with dry cooling given."""
    index = pd.date_range("2023-07-01", periods=2, freq="h", tz="Asia/Baku")
    weather = pd.DataFrame(
        {"ghi": 0.0, "dni": 0.0, "dhi": 0.0, "temp_air": 30.0, "wind_speed": 3.0},
        index=index,
    )
    choosing = site(choose_cooling=True)
    with pytest.raises(ScenarioError, match=r"data_center\.choose_cooling = true: .*humidity"):
        site_profiles(choosing, {"eng": ENGINE}, weather, {"source": "t"})
