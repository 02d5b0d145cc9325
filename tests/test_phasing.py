"""A campus built in phases: one model decides what to build in which phase.

Hand-solved: the weight of each phase's years at a known WACC, and a two-phase campus whose
second engine is bought when the second phase needs it, not before.
"""

import json

import numpy as np
import pandas as pd
import pytest
from helpers import gas_tech

from dcpower.errors import ScenarioError
from dcpower.phasing import phase_weights
from dcpower.scenario import scenario_from_dict
from dcpower.techs.base import capital_recovery_factor

pytestmark = pytest.mark.component


def test_phase_weights_are_the_phases_shares_of_the_discounted_years():
    """Phases 2030 and 2032 over a 4-year project at 10 %, end-of-year flows.

    Years 1-2 (phase 1): 1/1.1 + 1/1.1**2 = 0.909091 + 0.826446 = 1.735537.
    Years 3-4 (phase 2): 1/1.1**3 + 1/1.1**4 = 0.751315 + 0.683013 = 1.434328.
    Shares of 3.169865: 0.547511 and 0.452489. At 0 % each phase is its share of the years:
    2 of 4, and over 10 years with phases in years 1, 3 and 6: 2/10, 3/10, 5/10.
    """
    assert phase_weights([2030, 2032], 0.10, 4) == pytest.approx([0.547511, 0.452489], abs=1e-6)
    assert phase_weights([2030, 2032], 0.0, 4) == pytest.approx([0.5, 0.5])
    assert phase_weights([2027, 2029, 2032], 0.0, 10) == pytest.approx([0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="at or after the end of the project life"):
        phase_weights([2030, 2034], 0.1, 4)


def _hourly(load_mw: float) -> pd.DataFrame:
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Asia/Baku")
    return pd.DataFrame(
        {
            "temp_air": 20.0,
            "ghi": 0.0,
            "it_load_mw": load_mw,
            "pue": 1.0,
            "load_mw": load_mw,
            "cooling_electric_mw": 0.0,
            "gas_cf_eng": 1.0,
            "heat_rate_factor_eng": 1.0,
        },
        index=index,
    )


def _phased(monkeypatch, **data_center):
    """5 MW of IT in 2030, 10 MW in 2032; loads 4 and 8 MW flat; 5 MW engines; 10 %, 4 years."""
    import dcpower.pipeline.inputs as inputs

    frames = [_hourly(4.0), _hourly(8.0)]
    monkeypatch.setattr(inputs, "hourly_profiles", lambda scenario, site_id, year=0: frames[year])
    return _scenario(
        {
            "it_capacity_mw": 10.0,
            "pue": {"pue_min": 1.0, "pue_max": 1.0},
            "phases": [
                {"year": 2030, "it_capacity_mw": 5.0},
                {"year": 2032, "it_capacity_mw": 10.0},
            ],
            **data_center,
        }
    )


def _scenario(data_center: dict, **others):
    return scenario_from_dict(
        {
            "name": "phased",
            "sites": {
                "s": {
                    "climate": "baku",
                    "data_center": data_center,
                    "technologies": ["eng"],
                    "gas_price_usd_per_mmbtu": 3.0,
                }
            },
            "technologies": {"eng": gas_tech().model_dump(mode="json")},
            "economics": {"wacc": 0.10},
            "finance": {"project_life_yr": 4, "debt_tenor_yr": 4, "capex_schedule": [0.4, 0.6]},
            "reliability": {"redundancy_k": 0, "hourly_n_minus_1": False, "monte_carlo_years": 0},
            "time": {"kind": "blocks", "block_hours": 24},
            "solver": {"mip_gap": 1e-9},
            **others,
        }
    )


def test_the_second_unit_is_bought_in_the_phase_that_needs_it(monkeypatch, tmp_path):
    """Phase 1 (2030, years 1-2) needs one 5 MW engine, phase 2 (2032, years 3-4) two.

    An engine costs 5 M USD over 20 years at 10 %: CRF 0.1174596, 587,298.12 USD/yr. Fuel at
    10 MMBtu/MWh x 3 USD/MMBtu = 30 USD/MWh: 4 MW x 8760 h x 30 = 1,051,200 USD/yr in
    phase 1, 2,102,400 in phase 2. Weights 0.547511 and 0.452489 (the test above).

    Second engine in 2032: phase 1 costs 587,298.12 + 1,051,200 = 1,638,498.12 USD/yr and
    phase 2 2 x 587,298.12 + 2,102,400 = 3,276,996.25; level cost 0.547511 x 1,638,498.12 +
    0.452489 x 3,276,996.25 = 2,379,899.99 USD/yr.
    Second engine in 2030: phase 1 pays one more annuity, + 0.547511 x 587,298.12 =
    321,552.37 USD/yr: 2,701,452.36. The model buys it in 2032.
    """
    import dcpower

    result = dcpower.run(_phased(monkeypatch), parallel=False, out=tmp_path / "run", reports=False)
    annuity = capital_recovery_factor(0.10, 20) * 5e6
    assert annuity == pytest.approx(587_298.12, abs=0.01)
    site = result.sites["s"]
    assert [p.gas_units["eng"]["units"] for p in site.phases] == [1, 2]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    phases = summary["phases"]["s"]
    assert phases["level_cost_usd_per_yr"] == pytest.approx(2_379_899.99, abs=0.01)
    assert summary["objective_usd_per_yr"] == pytest.approx(2_379_899.99, abs=0.01)
    early = phases["level_cost_usd_per_yr"] + phases["phases"][0]["weight"] * annuity
    assert early == pytest.approx(2_701_452.36, abs=0.01)
    first, second = phases["phases"]
    assert (first["year"], first["added"], first["capex_added_usd"]) == (
        2030,
        {"eng": {"MW": 5.0, "units": 1.0}},
        5e6,
    )
    assert (second["year"], second["added"], second["capex_added_usd"]) == (
        2032,
        {"eng": {"MW": 5.0, "units": 1.0}},
        5e6,
    )
    assert first["cost_usd_per_yr"] == pytest.approx(1_638_498.12, abs=0.01)
    assert second["cost_usd_per_yr"] == pytest.approx(3_276_996.25, abs=0.01)
    # Each phase's plan is dispatched over the year and verified; the last is the run's own.
    assert first["run_folder"] == "phases/s-2030" and second["run_folder"] == "."
    checks = result.verification["checks"]
    assert result.verification["passed"]
    assert any(c["site"] == "s#2030" and c["check"] == "energy balance" for c in checks)
    kept = next(c for c in checks if c["check"] == "build-out keeps capacity")
    assert kept["passed"]
    capacities = pd.read_csv(tmp_path / "run" / "capacities.csv")
    assert set(capacities["phase"]) == {2032}
    earlier = pd.read_csv(tmp_path / "run" / "phases" / "s-2030" / "capacities.csv")
    assert earlier.set_index("unit").loc["units", "capacity"] == 1.0
    assert earlier["phase"].tolist() == [2030, 2030]
    assert np.isclose(first["load_mwh_per_yr"], 4.0 * 8760)


def test_the_phases_reach_the_console_the_workbook_and_the_report(monkeypatch, tmp_path):
    """The case above: the phases table (console and report), the Phases sheet, the chart."""
    import openpyxl

    import dcpower
    from dcpower.report.html import phases_section, render_charts
    from dcpower.report.tables import phases_rows
    from dcpower.report.workbook import write_workbook

    run = tmp_path / "run"
    dcpower.run(_phased(monkeypatch), parallel=False, out=run, reports=False)
    summary = json.loads((run / "summary.json").read_text())
    header, rows = phases_rows(summary["phases"]["s"])
    assert header[:4] == ["year", "IT [MW]", "weight", "builds"]
    assert rows == [
        ["2030", "5.0", "54.8 %", "1 x eng", "5.00", "1.64", "5.0", "18.6", "phases/s-2030"],
        ["2032", "10.0", "45.2 %", "1 x eng", "5.00", "3.28", "10.0", "37.2", "."],
    ]
    assert "ESTIMATE" in phases_section(summary)
    sheet = openpyxl.load_workbook(write_workbook(run))["Phases"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(v[0], v[1], v[5]) for v in values] == [("s", 2030, 5e6), ("s", 2032, 5e6)]
    assert "build_out" in [chart.name for chart in render_charts(run)]


def test_the_cash_flow_spends_each_phase_capex_in_its_year(monkeypatch, tmp_path):
    """The case above in the finance: COD at the end of year 0 = the start of 2030.

    Phase 1's engine (5 M USD) is spent over the construction years as the schedule says
    (40 %, 60 %: 2 M in year -1, 3 M in year 0); phase 2's (5 M) at the end of year 2, just
    before 2032 (year 3). Fuel: 1,051,200 USD/yr in years 1-2, 2,102,400 in years 3-4.
    Salvage at the end of year 4 (straight line over 20 years): the first engine has 16
    years left, 4 M; the second 18, 4.5 M; 8.5 M. The later capital is paid by equity
    (no debt drawn in operation years). summary.json's capex is both phases', 10 M USD.
    """
    import dcpower
    from dcpower.finance import site_cash_flows

    dcpower.run(_phased(monkeypatch), parallel=False, out=tmp_path / "run", reports=False)
    flows = site_cash_flows(tmp_path / "run")["s"].set_index("year")
    assert flows["capex_usd"].tolist() == pytest.approx([2e6, 3e6, 0.0, 5e6, 0.0, 0.0])
    assert flows["fuel_usd"].tolist() == pytest.approx(
        [0.0, 0.0, 1_051_200.0, 1_051_200.0, 2_102_400.0, 2_102_400.0]
    )
    assert flows["energy_mwh"].tolist() == pytest.approx([0, 0, 35_040, 35_040, 70_080, 70_080])
    assert flows.loc[4, "salvage_usd"] == pytest.approx(8.5e6)
    assert flows.loc[2, "debt_draw_usd_nominal"] == 0.0
    year2 = flows.loc[2]
    assert year2["equity_cash_flow_usd_nominal"] == pytest.approx(
        year2["cfads_usd_nominal"] - year2["debt_service_usd_nominal"] - year2["capex_usd_nominal"]
    )
    assert year2["capex_usd_nominal"] == pytest.approx(5e6 * year2["inflation_index"])
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["finance"]["sites"]["s"]["capex_usd"] == pytest.approx(10e6)


def test_a_phase_run_folder_that_loses_capacity_fails_verification(monkeypatch, tmp_path):
    """Were the 2030 plant's engines more than the 2032 plant's, the build-out check fails."""
    import dcpower
    from dcpower.verify import verify_run

    dcpower.run(_phased(monkeypatch), parallel=False, out=tmp_path / "run", reports=False)
    path = tmp_path / "run" / "phases" / "s-2030" / "capacities.csv"
    table = pd.read_csv(path)
    table.loc[table["unit"] == "units", "capacity"] = 3.0
    table.to_csv(path, index=False)
    report = verify_run(tmp_path / "run")
    kept = next(c for c in report["checks"] if c["check"] == "build-out keeps capacity")
    assert not kept["passed"]
    assert kept["margin"] == pytest.approx(-1.0)
    assert "s#2032 has less eng (units)" in kept["detail"]


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        (
            [{"year": 2032, "it_capacity_mw": 5}, {"year": 2030, "it_capacity_mw": 10}],
            "years rising",
        ),
        (
            [{"year": 2030, "it_capacity_mw": 8}, {"year": 2032, "it_capacity_mw": 5}],
            "IT capacity not falling",
        ),
        (
            [{"year": 2030, "it_capacity_mw": 5}, {"year": 2032, "it_capacity_mw": 8}],
            "the last phase has 8 MW of IT; allowed: it_capacity_mw = 10",
        ),
        (
            [{"year": 2030, "it_capacity_mw": 5}, {"year": 2034, "it_capacity_mw": 10}],
            "starts 4 years after the first",
        ),
    ],
)
def test_phases_that_cannot_be_built_are_refused(phases, message):
    with pytest.raises(ScenarioError, match=message):
        _scenario({"it_capacity_mw": 10.0, "phases": phases})


def test_a_phased_site_whose_id_is_no_folder_name_is_refused():
    phases = [{"year": 2030, "it_capacity_mw": 5}, {"year": 2032, "it_capacity_mw": 10}]
    site = {"climate": "baku", "data_center": {"it_capacity_mw": 10.0, "phases": phases}}
    with pytest.raises(ScenarioError, match="allowed: letters, digits, _ and -"):
        scenario_from_dict(
            {
                "name": "x",
                "sites": {"../up": {**site, "technologies": ["recip_engine"]}},
                "technologies": {"recip_engine": {}},
            }
        )


def test_phases_on_several_weather_years_are_refused():
    phases = [{"year": 2030, "it_capacity_mw": 5}, {"year": 2032, "it_capacity_mw": 10}]
    scenario = {"it_capacity_mw": 10.0, "phases": phases}
    with pytest.raises(ScenarioError, match="several weather years is not supported yet"):
        scenario_from_dict(
            {
                "name": "x",
                "sites": {
                    "s": {
                        "climate": "baku",
                        "data_center": scenario,
                        "technologies": ["recip_engine"],
                        "weather_years": [0, 1],
                    }
                },
                "technologies": {"recip_engine": {}},
            }
        )
