"""The run folder written by ``dcpower run``, checked from its files alone (not the model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import dcpower
from dcpower.cli import app
from dcpower.errors import DcpowerError
from dcpower.results import check_run_folder
from dcpower.scenario import load_scenario

FILES = (
    "summary.json",
    "capacities.csv",
    "dispatch.csv",
    "costs.csv",
    "profiles.csv",
    "scenario.yaml",
    "verification.json",
    "results.xlsx",
    "report.html",
    "figures",
    "dcpower-run.json",
)
UTC_OFFSET = {"aktau": "+05:00", "baku": "+04:00"}
TOL_MW = 1e-6


@pytest.fixture(scope="module")
def run_folder(small_scenario_module: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "small"
    result = CliRunner().invoke(app, ["run", str(small_scenario_module), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return out


@pytest.fixture(scope="module")
def summary(run_folder: Path) -> dict:
    return json.loads((run_folder / "summary.json").read_text())


@pytest.fixture(scope="module")
def dispatch(run_folder: Path) -> pd.DataFrame:
    return pd.read_csv(run_folder / "dispatch.csv")


@pytest.fixture(scope="module")
def profiles(run_folder: Path) -> pd.DataFrame:
    return pd.read_csv(run_folder / "profiles.csv")


@pytest.fixture(scope="module")
def saved_scenario(run_folder: Path) -> dict:
    return yaml.safe_load((run_folder / "scenario.yaml").read_text())


def sites_of(table: pd.DataFrame):
    for site_id, rows in table.groupby("site", sort=False):
        yield site_id, rows.reset_index(drop=True)


@pytest.mark.component
def test_run_folder_holds_every_file_and_nothing_temporary(run_folder: Path):
    assert sorted(p.name for p in run_folder.iterdir()) == sorted(FILES)
    leftovers = [p.name for p in run_folder.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.component
def test_dispatch_balances_every_hour(dispatch: pd.DataFrame):
    supply = (
        dispatch["pv_mw"]
        + dispatch["wind_mw"]
        + dispatch["gas_mw"]
        + dispatch["battery_discharge_mw"]
        - dispatch["battery_charge_mw"]
        + dispatch["unserved_mw"]
    )
    np.testing.assert_allclose(supply, dispatch["load_mw"], rtol=0, atol=TOL_MW)
    assert (dispatch["unserved_mw"].abs() <= TOL_MW).all()
    assert set(dispatch["site"]) == {"aktau", "baku"}
    assert (dispatch.groupby("site").size() == 48).all()


@pytest.mark.component
def test_technology_columns_add_up_to_totals(dispatch: pd.DataFrame):
    pv_cols = [c for c in dispatch if c.startswith("pv_mw_")]
    gas_cols = [c for c in dispatch if c.startswith("gas_mw_")]
    assert sorted(pv_cols) == ["pv_mw_pv_fixed", "pv_mw_pv_single_axis"]
    assert sorted(gas_cols) == ["gas_mw_aero_gt", "gas_mw_recip_engine"]
    np.testing.assert_allclose(dispatch[pv_cols].sum(axis=1), dispatch["pv_mw"], atol=TOL_MW)
    np.testing.assert_allclose(dispatch[gas_cols].sum(axis=1), dispatch["gas_mw"], atol=TOL_MW)
    np.testing.assert_allclose(dispatch["wind_mw_wind_onshore"], dispatch["wind_mw"], atol=TOL_MW)


@pytest.mark.component
def test_state_of_charge_follows_its_balance(dispatch: pd.DataFrame, saved_scenario: dict):
    battery = saved_scenario["technologies"]["battery_li_ion"]
    eta_c, eta_d = battery["eta_charge"], battery["eta_discharge"]
    assert 0 < eta_c <= 1 and 0 < eta_d <= 1
    for _, rows in sites_of(dispatch):
        soc = rows["battery_soc_mwh"].to_numpy()
        previous = np.roll(soc, 1)  # cyclic over the window; each step is 1 h
        expected = (
            previous + eta_c * rows["battery_charge_mw"] - rows["battery_discharge_mw"] / eta_d
        )
        np.testing.assert_allclose(soc, expected, rtol=0, atol=TOL_MW)


@pytest.mark.component
def test_gas_output_within_online_units_and_derating(
    dispatch: pd.DataFrame, profiles: pd.DataFrame, summary: dict
):
    # profiles.csv holds the full year per site (the design point is taken from it);
    # the dispatched window's rows are found by time.
    assert (profiles.groupby("site").size() == 8760).all()
    for site_id, rows in sites_of(dispatch):
        prof = profiles[profiles["site"] == site_id].set_index("time").loc[rows["time"]]
        prof = prof.reset_index(drop=True)
        gas = summary["sites"][site_id]["capacity"]["gas"]
        assert set(gas) == {"recip_engine", "aero_gt"}
        for unit_type, built in gas.items():
            online = rows[f"gas_units_online_{unit_type}"]
            limit = online * built["unit_mw"] * prof[f"gas_cf_{unit_type}"]
            assert (rows[f"gas_mw_{unit_type}"] <= limit + TOL_MW).all()
            assert (online <= built["units"] + TOL_MW).all()
        np.testing.assert_allclose(rows["load_mw"], prof["load_mw"], rtol=0, atol=TOL_MW)


@pytest.mark.component
def test_time_column_is_iso_8601_with_the_site_offset(dispatch: pd.DataFrame):
    for site_id, rows in sites_of(dispatch):
        assert rows["time"].str.endswith(UTC_OFFSET[site_id]).all()
        stamps = pd.to_datetime(rows["time"], format="ISO8601")
        assert str(stamps.dt.tz) == f"UTC{UTC_OFFSET[site_id]}"
        # hour 4800 of 2023 is 20 July 00:00 local; 48 consecutive hours
        assert stamps.iloc[0] == pd.Timestamp(f"2023-07-20T00:00:00{UTC_OFFSET[site_id]}")
        assert (stamps.diff().dropna() == pd.Timedelta(hours=1)).all()


@pytest.mark.component
def test_summary_has_the_design_keys(summary: dict):
    for key in (
        "status",
        "mip_gap",
        "horizon",
        "objective_usd_per_yr",
        "build_seconds",
        "solve_seconds",
        "sites",
        "totals",
    ):
        assert key in summary, key
    assert summary["status"] == "optimal"
    assert 0 <= summary["mip_gap"] <= 0.01
    horizon = summary["horizon"]
    assert (horizon["kind"], horizon["hours_modelled"], horizon["hours_verified"]) == (
        "window",
        48,
        48,
    )
    assert summary["build_seconds"] > 0 and summary["solve_seconds"] > 0
    site_keys = {
        "it_load_mw",
        "peak_load_mw",
        "load_mwh_per_yr",
        "capacity",
        "generation_mwh_per_yr",
        "curtailment_mwh_per_yr",
        "unserved_mwh_per_yr",
        "fuel_mmbtu_per_yr",
        "co2_t_per_yr",
        "renewable_share",
        "capex_usd",
        "cost_usd_per_yr",
        "lcoe_usd_per_mwh",
    }
    assert set(summary["sites"]) == {"aktau", "baku"}
    for site in summary["sites"].values():
        assert site_keys <= set(site)
        assert {"pv_mw", "wind_mw", "battery_mw", "battery_mwh", "gas"} <= set(site["capacity"])
        for built in site["capacity"]["gas"].values():
            assert set(built) == {"units", "unit_mw"}
            assert isinstance(built["units"], int)
        assert set(site["generation_mwh_per_yr"]) == {
            "pv",
            "wind",
            "gas",
            "grid",
            "battery_discharge",
            "chiller_relief",
        }
        assert site["it_load_mw"] == pytest.approx(32.0)  # 40 MW x 0.8
        assert site["unserved_mwh_per_yr"] == pytest.approx(0, abs=1e-6)
        # N+1 (no storage credit): the nameplate left with the largest built unit out covers
        # the peak (a necessary condition; derating at the design hour only lowers it)
        built = [(b["unit_mw"], b["units"]) for b in site["capacity"]["gas"].values()]
        largest = max(mw for mw, n in built if n > 0)
        assert sum(mw * n for mw, n in built) - largest >= site["peak_load_mw"] - TOL_MW
    assert {"capex_usd", "cost_usd_per_yr", "co2_t_per_yr", "lcoe_usd_per_mwh"} <= set(
        summary["totals"]
    )


@pytest.mark.component
def test_summary_figures_agree_with_the_tables(
    summary: dict, dispatch: pd.DataFrame, run_folder: Path, saved_scenario: dict
):
    sites = summary["sites"]
    totals = summary["totals"]
    for key in ("capex_usd", "cost_usd_per_yr", "co2_t_per_yr"):
        assert totals[key] == pytest.approx(sum(s[key] for s in sites.values()), rel=1e-12)
    load = sum(s["load_mwh_per_yr"] for s in sites.values())
    assert totals["lcoe_usd_per_mwh"] == pytest.approx(totals["cost_usd_per_yr"] / load, rel=1e-9)

    costs = pd.read_csv(run_folder / "costs.csv")
    co2_factor = saved_scenario["economics"]["co2_kg_per_mmbtu"]
    assert co2_factor == pytest.approx(53.06)
    for site_id, rows in sites_of(dispatch):
        site = sites[site_id]
        assert costs[costs["site"] == site_id]["usd_per_yr"].sum() == pytest.approx(
            site["cost_usd_per_yr"], rel=1e-9
        )
        assert site["co2_t_per_yr"] == pytest.approx(site["fuel_mmbtu_per_yr"] * 53.06 / 1000)
        weight = rows["weight_h"]
        assert weight.sum() == pytest.approx(8760)
        assert site["load_mwh_per_yr"] == pytest.approx((rows["load_mw"] * weight).sum(), rel=1e-7)
        assert site["fuel_mmbtu_per_yr"] == pytest.approx(
            (rows["fuel_mmbtu_per_h"] * weight).sum(), rel=1e-7
        )
        for source, column in (("pv", "pv_mw"), ("wind", "wind_mw"), ("gas", "gas_mw")):
            assert site["generation_mwh_per_yr"][source] == pytest.approx(
                (rows[column] * weight).sum(), rel=1e-7, abs=1e-3
            )
        assert site["peak_load_mw"] >= rows["load_mw"].max() - TOL_MW
        assert site["lcoe_usd_per_mwh"] == pytest.approx(
            site["cost_usd_per_yr"] / site["load_mwh_per_yr"], rel=1e-9
        )
        # a 40 MW IT hall at PUE 1.15-1.45 in summer: 36.8-58 MW
        assert 36.8 <= rows["load_mw"].min() <= rows["load_mw"].max() <= 58


@pytest.mark.component
def test_capacities_csv_matches_summary(run_folder: Path, summary: dict):
    caps = pd.read_csv(run_folder / "capacities.csv")
    for site_id, site in summary["sites"].items():
        rows = caps[caps["site"] == site_id]
        for unit_type, built in site["capacity"]["gas"].items():
            units = rows[(rows["technology"] == unit_type) & (rows["unit"] == "units")]["capacity"]
            mw = rows[(rows["technology"] == unit_type) & (rows["unit"] == "MW")]["capacity"]
            assert units.item() == built["units"]
            assert mw.item() == pytest.approx(built["units"] * built["unit_mw"])
        pv = rows[(rows["kind"] == "pv") & (rows["unit"] == "MW")]["capacity"].sum()
        assert pv == pytest.approx(site["capacity"]["pv_mw"], abs=1e-9)


@pytest.mark.component
def test_saved_scenario_reproduces_the_run(
    run_folder: Path, small_scenario_module: Path, summary: dict
):
    original = load_scenario(small_scenario_module)
    reloaded = load_scenario(run_folder / "scenario.yaml")
    assert reloaded == original
    # the saved scenario is complete: catalogue figures are written out, not left to defaults
    saved = yaml.safe_load((run_folder / "scenario.yaml").read_text())
    assert saved["technologies"]["recip_engine"]["unit_mw"] == pytest.approx(18.8)
    assert saved["sites"]["aktau"]["gas_price_usd_per_mmbtu"] > 0
    again = dcpower.run(reloaded)
    assert again.summary()["objective_usd_per_yr"] == pytest.approx(
        summary["objective_usd_per_yr"], rel=1e-6
    )


@pytest.mark.unit
def test_run_folder_never_replaces_a_foreign_folder(tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(DcpowerError, match="not a run folder"):
        check_run_folder(precious)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    with pytest.raises(DcpowerError, match="not a folder"):
        check_run_folder(a_file)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_run_folder(empty) == empty.absolute()
    assert check_run_folder(tmp_path / "new") == (tmp_path / "new").absolute()


@pytest.mark.component
def test_run_is_verified_and_verify_command_catches_an_edit(run_folder: Path, tmp_path: Path):
    """`dcpower run` leaves a passing verification.json; `dcpower verify` on a copy whose
    dispatch was edited at one hour exits 4 and names that hour."""
    import json
    import shutil

    from typer.testing import CliRunner

    from dcpower.cli import app

    report = json.loads((run_folder / "verification.json").read_text())
    assert report["passed"] is True
    copy = tmp_path / "edited"
    shutil.copytree(run_folder, copy)
    dispatch = pd.read_csv(copy / "dispatch.csv")
    dispatch.loc[5, "load_mw"] += 2.0
    dispatch.to_csv(copy / "dispatch.csv", index=False)
    result = CliRunner().invoke(app, ["verify", str(copy)])
    assert result.exit_code == 4
    assert f"energy balance fails at {dispatch.loc[5, 'time']} by 2.00 MW" in result.stderr
    assert json.loads((copy / "verification.json").read_text())["passed"] is False


@pytest.mark.component
def test_copied_run_folder_rebuilds_the_same_report(run_folder: Path, tmp_path: Path):
    """`dcpower report` on a copy of a run folder, elsewhere, rebuilds the same report."""
    import shutil

    from typer.testing import CliRunner

    copy = tmp_path / "elsewhere" / run_folder.name
    shutil.copytree(run_folder, copy)
    for name in ("report.html", "results.xlsx"):
        (copy / name).unlink()
    shutil.rmtree(copy / "figures")
    result = CliRunner().invoke(app, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    original = (run_folder / "report.html").read_text(encoding="utf-8")
    rebuilt = (copy / "report.html").read_text(encoding="utf-8")
    assert rebuilt.replace(str(copy), str(run_folder)) == original
    assert sorted(p.name for p in (copy / "figures").iterdir()) == sorted(
        p.name for p in (run_folder / "figures").iterdir()
    )
    sheets = pd.read_excel(copy / "results.xlsx", sheet_name=None)
    before = pd.read_excel(run_folder / "results.xlsx", sheet_name=None)
    assert list(sheets) == list(before)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(sheets[name], frame, check_dtype=False)
