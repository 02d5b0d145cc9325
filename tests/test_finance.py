"""Project finance (dcpower.finance) against hand calculations; no solver.

Small inputs are built here: a SiteBasis by hand, or a fake run folder in tmp_path.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from dcpower import finance as fin
from dcpower.errors import ScenarioError
from dcpower.paths import inputs_dir
from dcpower.scenario import ComparisonTariff, Finance, SiteMoney, scenario_from_dict

pytestmark = pytest.mark.unit


def basis(**overrides) -> fin.SiteBasis:
    """A hand-made site: one asset, flat year-1 figures, no gas make-up unless asked."""
    values = {
        "site_id": "x",
        "assets": pd.DataFrame(
            [("engine", "gas", 1_000_000.0, 25.0)],
            columns=["technology", "kind", "capex_usd", "lifetime_yr"],
        ),
        "opex_usd": dict.fromkeys(fin.OPEX_COLUMNS, 0.0),
        "annual_cost_usd": 0.0,
        "energy_mwh": 10_000.0,
        "it_energy_mwh": 8_000.0,
        "pv_mwh": 0.0,
        "co2_t": 0.0,
        "makeup_fuel_usd_per_mwh": 0.0,
        "makeup_carbon_usd_per_mwh": 0.0,
        "makeup_vom_usd_per_mwh": 0.0,
        "makeup_co2_t_per_mwh": 0.0,
        "has_gas": True,
        "grid_cost_usd": 0.0,
    }
    values.update(overrides)
    return fin.SiteBasis(**values)


# --------------------------------------------------------------------------- formulas


def test_annuity_of_a_known_loan():
    """1,000,000 at 8 % over 10 yr: P r (1+r)^n / ((1+r)^n - 1).

    1.08^10 = 2.158925; 0.08 x 2.158925 / 1.158925 = 0.1490295 -> 149,029.49 USD/yr.
    """
    assert fin.annuity_payment(1_000_000, 0.08, 10) == pytest.approx(149_029.49, abs=0.01)


def test_npv_and_irr_of_a_small_cash_flow():
    """-100 at year 0, +60 at years 1 and 2.

    NPV at 10 %: -100 + 60/1.1 + 60/1.21 = -100 + 54.5455 + 49.5868 = 4.1322.
    IRR: with v = 1/(1+x), 60 v + 60 v^2 = 100 -> 3 v^2 + 3 v - 5 = 0
    -> v = (-3 + sqrt(69)) / 6 = 0.884437 -> x = 1/v - 1 = 0.130662.
    """
    years, flows = np.array([0, 1, 2]), np.array([-100.0, 60.0, 60.0])
    assert fin.npv(0.10, years, flows) == pytest.approx(4.1322, abs=1e-4)
    v = (-3 + math.sqrt(69)) / 6
    assert fin.irr(flows) == pytest.approx(1 / v - 1, abs=1e-9)
    assert fin.irr(flows) == pytest.approx(0.130662, abs=1e-6)
    assert fin.irr(np.array([-100.0, -1.0])) is None


def test_payback_year_of_a_constructed_case():
    """-100 at COD, then +30 a year: cumulative -70, -40, -10, +20 -> paid back in year 4.

    A cumulative that reaches exactly 0 counts: -90 then +30 x 3 -> year 3. Never -> None.
    """
    years = np.array([0, 1, 2, 3, 4])
    assert fin.payback_year(years, np.array([-100.0, 30, 30, 30, 30])) == 4
    assert fin.payback_year(years, np.array([-90.0, 30, 30, 30, 0])) == 3
    assert fin.payback_year(years, np.array([-100.0, 1, 1, 1, 1])) is None


def test_day_night_tariff_on_a_flat_24_hour_load():
    """1 MW for 24 h at 7.3 qepik/kWh (08-22 h, 14 h) and 3.5 qepik/kWh (22-08 h, 10 h).

    At 1.70 AZN/USD: 42.941176 and 20.588235 USD/MWh (inputs/grid_tariffs.csv). 14 h x 73
    AZN/MWh + 10 h x 35 AZN/MWh = 1022 + 350 = 1372 AZN; / 1.70 AZN/USD = 807.06 USD per day.
    The hour is the local clock hour of the time stamp, so the same day written with a
    +05:00 offset costs the same.
    """
    tariff = ComparisonTariff(
        tariff="az_data_center",
        day_price_usd_per_mwh=73 / 1.7,
        night_price_usd_per_mwh=35 / 1.7,
        day_start_hour=8,
        day_end_hour=22,
    )
    for offset in ("+04:00", "+05:00"):
        times = pd.Series([f"2023-07-01T{h:02d}:00:00{offset}" for h in range(24)])
        cost = fin.grid_cost_usd(times, np.ones(24), np.ones(24), tariff)
        assert cost == pytest.approx((14 * 73 + 10 * 35) / 1.70, rel=1e-12)
        assert cost == pytest.approx(807.0588, abs=1e-4)
    assert fin.tariff_usd_per_mwh(np.array([7, 8, 21, 22]), tariff) == pytest.approx(
        [35 / 1.7, 73 / 1.7, 73 / 1.7, 35 / 1.7]
    )


def test_tax_with_straight_line_depreciation_on_a_three_year_cash_flow():
    """Capex 300 in service at COD, straight line 1/3 a year, 20 % tax, 1-year carry-forward.

    EBITDA 50, 150, 200; interest 0 -> taxable 50 - 100 = -50 (a loss), 150 - 100 = 50,
    200 - 100 = 100. Year 2 uses the year-1 loss: 50 - 50 = 0 -> tax 0; year 3: 100 -> 20.
    With a 0-year carry-forward the loss expires: tax 0, 10, 20. Declining balance at 1/3:
    100, 66.67, 44.44, and 88.89 left.
    """
    placed = np.array([300.0, 0.0, 0.0, 0.0])  # year 0 (COD), 1, 2, 3
    dep, left = fin.tax_depreciation(placed, 1 / 3, "straight_line")
    assert dep == pytest.approx([0, 100, 100, 100])
    assert left == pytest.approx(0.0, abs=1e-9)
    taxable = np.array([50.0, 150.0, 200.0]) - dep[1:]
    assert fin.income_tax(taxable, 0.20, 1) == pytest.approx([0, 0, 20])
    assert fin.income_tax(taxable, 0.20, 0) == pytest.approx([0, 10, 20])
    dep, left = fin.tax_depreciation(placed, 1 / 3, "declining_balance")
    assert dep == pytest.approx([0, 100, 200 / 3, 400 / 9])
    assert left == pytest.approx(800 / 9)


def test_sculpted_debt_meets_the_target_dscr_exactly():
    """CFADS 100, 120, 150 over a 3-yr tenor at 10 %, target DSCR 1.25.

    Service = CFADS / 1.25 = 80, 96, 120; debt = 80/1.1 + 96/1.21 + 120/1.331
    = 72.7273 + 79.3388 + 90.1578 = 242.2239. Repaid exactly: balance 242.2239 x 1.1 - 80
    = 186.4463; x 1.1 - 96 = 109.0909; x 1.1 - 120 = 0.
    """
    years = np.array([0, 1, 2, 3])
    debt, service = fin.sculpted_debt(np.array([0.0, 100, 120, 150]), years, 0.10, 1.25, 3)
    assert service == pytest.approx([0, 80, 96, 120])
    assert debt == pytest.approx(242.2239, abs=1e-4)
    balance = debt
    for s in service[1:]:
        balance = balance * 1.1 - s
    assert balance == pytest.approx(0.0, abs=1e-9)


def test_required_tariff_of_a_small_project_in_closed_form():
    """One construction year, no debt, no inflation; capex C = 1,000,000 at COD, fuel O =
    50,000 USD/yr, E = 10,000 MWh/yr, N = 25 yr, equity IRR target r = 12 %, 20 % tax with
    straight-line depreciation over the 25 years (rate 0.04), no salvage (life 25 yr).

    After-tax cash flow (T E - O)(1 - t) + t C/N must repay C at r:
    (T E - O)(1 - t) = C CRF(r, N) - t C / N, CRF = 0.12 x 1.12^25 / (1.12^25 - 1)
    = 0.1274999, so T = [(127,499.95 - 8,000) / 0.8 + 50,000] / 10,000 = 19.9375 USD/MWh.
    Without tax: T = (127,499.95 + 50,000) / 10,000 = 17.7500 USD/MWh.
    """
    finance = Finance(
        capex_schedule=[1.0], inflation=0.0, max_gearing=0.0, target_equity_irr_nominal=0.12
    )
    crf = 0.12 * 1.12**25 / (1.12**25 - 1)
    opex = {**dict.fromkeys(fin.OPEX_COLUMNS, 0.0), "fuel": 50_000.0}
    taxed = SiteMoney(
        corporate_tax_rate=0.2,
        tax_depreciation_method="straight_line",
        tax_depreciation_rate_equipment=1 / 25,
    )
    expected = ((1e6 * crf - 0.2 * 1e6 / 25) / 0.8 + 50_000) / 10_000
    assert expected == pytest.approx(19.9375, abs=1e-4)
    found = fin.required_tariff(basis(opex_usd=opex, money=taxed), finance, wacc=0.08)
    assert found == pytest.approx(expected, abs=0.01)
    untaxed = fin.required_tariff(basis(opex_usd=opex), finance, wacc=0.08)
    assert untaxed == pytest.approx((1e6 * crf + 50_000) / 10_000, abs=0.01)
    flows = fin.cash_flows(basis(opex_usd=opex, money=taxed), finance, wacc=0.08)
    m = fin.metrics(flows, finance, wacc=0.08)
    assert m["equity_irr_nominal"] == pytest.approx(0.12, abs=1e-4)


def test_required_tariff_with_debt_meets_the_equity_target_and_the_dscr():
    """With sculpted debt, tax and inflation the root still lands on the target IRR, and the
    minimum DSCR is at least the target (equal where the DSCR, not the gearing, sizes the
    debt)."""
    finance = Finance(target_equity_irr_nominal=0.12, target_dscr_min=1.3, max_gearing=0.9)
    opex = {**dict.fromkeys(fin.OPEX_COLUMNS, 0.0), "fuel": 50_000.0}
    money = SiteMoney(corporate_tax_rate=0.2, tax_loss_carryforward_yr=5)
    b = basis(opex_usd=opex, money=money)
    flows = fin.cash_flows(b, finance, wacc=0.06)
    m = fin.metrics(flows, finance, wacc=0.06)
    assert flows.attrs["price_usd_per_mwh"] > 0
    assert m["equity_irr_nominal"] == pytest.approx(0.12, abs=1e-4)
    assert m["dscr_min"] == pytest.approx(1.3, abs=1e-6)
    assert m["gearing"] < 0.9
    capped = Finance(target_equity_irr_nominal=0.12, target_dscr_min=1.3, max_gearing=0.3)
    m = fin.metrics(fin.cash_flows(b, capped, wacc=0.06), capped, wacc=0.06)
    assert m["gearing"] == pytest.approx(0.3)
    assert m["dscr_min"] > 1.3


# --------------------------------------------------------------------------- cash flows


def test_dscr_of_a_constructed_year():
    """Capex 1,000,000 spent at COD, debt at 8 % over 10 yr sized at DSCR 1.6, no inflation,
    no tax.

    Year 1..25: PPA 50 USD/MWh x 10,000 MWh = 500,000 revenue, fuel 300,000 -> CFADS 200,000;
    sculpted service 200,000 / 1.6 = 125,000 for 10 yr; debt = 125,000 x annuity factor
    (1 - 1.08^-10) / 0.08 = 6.710081 -> 838,760.17, within the 90 % gearing cap. Interest in
    year 1 = 67,100.81, principal = 57,899.19.
    """
    f = Finance(
        capex_schedule=[1.0],
        inflation=0.0,
        max_gearing=0.9,
        target_dscr_min=1.6,
        debt_interest_rate=0.08,
        debt_tenor_yr=10,
        revenue_basis="ppa",
        ppa_usd_per_mwh=50.0,
    )
    b = basis(opex_usd={**dict.fromkeys(fin.OPEX_COLUMNS, 0.0), "fuel": 300_000.0})
    flows = fin.cash_flows(b, f, wacc=0.08).set_index("year")
    debt = 125_000 * (1 - 1.08**-10) / 0.08
    assert debt == pytest.approx(838_760.17, abs=0.01)
    assert flows.at[0, "debt_balance_usd_nominal"] == pytest.approx(debt)
    assert flows.at[1, "debt_service_usd_nominal"] == pytest.approx(125_000)
    assert flows.at[1, "interest_usd_nominal"] == pytest.approx(0.08 * debt)
    assert flows.at[1, "principal_usd_nominal"] == pytest.approx(125_000 - 0.08 * debt)
    assert flows.at[1, "dscr"] == pytest.approx(1.6)
    assert flows.at[10, "debt_balance_usd_nominal"] == pytest.approx(0, abs=1e-6)
    assert np.isnan(flows.at[11, "dscr"])
    m = fin.metrics(flows.reset_index(), f, wacc=0.08)
    assert m["dscr_min"] == pytest.approx(1.6)
    # project: -1,000,000 then +200,000 a year for 25 yr (gas lifetime 25: no salvage).
    assert m["project_irr_real"] == pytest.approx(float(fin.npf.irr([-1e6] + [2e5] * 25)))
    assert m["payback_year"] == 5


def test_interest_during_construction_is_capitalized():
    """Capex 1,000,000 over 2 yr 40/60 %, debt capped at 50 % gearing at 10 %, no inflation.

    A PPA far above cost makes the gearing, not the DSCR, size the debt. Draws 200,000 (end
    of year -1) and 300,000 (end of year 0); interest in year 0 on 200,000 = 20,000
    capitalized -> 520,000 owed at COD.
    """
    f = Finance(
        inflation=0.0,
        max_gearing=0.5,
        debt_interest_rate=0.10,
        revenue_basis="ppa",
        ppa_usd_per_mwh=500.0,
    )
    flows = fin.cash_flows(basis(), f, wacc=0.08).set_index("year")
    assert list(flows.loc[[-1, 0], "capex_usd"]) == pytest.approx([400_000, 600_000])
    assert flows.at[0, "interest_usd_nominal"] == pytest.approx(20_000)
    assert flows.at[0, "debt_balance_usd_nominal"] == pytest.approx(520_000)
    assert flows.at[-1, "equity_cash_flow_usd_nominal"] == pytest.approx(-200_000)


def test_replacement_salvage_and_pv_degradation():
    """PV 1,000,000 (37.5 yr), battery 300,000 (15 yr); 25-yr project, default finance.

    Battery rebuilt in year 15 at 300,000 (replacement_cost_fraction 1); inverters in year 15
    at 10 % of PV capex = 100,000. Salvage at year 25: PV 1e6 x 12.5/37.5 = 333,333.33;
    rebuilt battery 300,000 x (15 - 10)/15 = 100,000; inverter 100,000 x 5/15 = 33,333.33;
    first battery 0 -> 466,666.67.
    PV 1000 MWh/yr degrading 0.5 %/yr: year 3 PV = 1000 x 0.995^2 = 990.025 MWh; 9.975 MWh
    made up by gas at 20 USD/MWh fuel -> +199.50 USD of fuel; energy delivered unchanged.
    """
    assets = pd.DataFrame(
        [("pv", "pv", 1_000_000.0, 37.5), ("bat", "battery", 300_000.0, 15.0)],
        columns=["technology", "kind", "capex_usd", "lifetime_yr"],
    )
    b = basis(assets=assets, pv_mwh=1000.0, makeup_fuel_usd_per_mwh=20.0)
    flows = fin.cash_flows(b, Finance(), wacc=0.08).set_index("year")
    assert flows.at[15, "replacement_usd"] == pytest.approx(300_000 + 100_000)
    assert flows["replacement_usd"].sum() == pytest.approx(400_000)
    assert flows.at[25, "salvage_usd"] == pytest.approx(1e6 / 3 + 100_000 + 100_000 / 3)
    assert flows.at[3, "pv_mwh"] == pytest.approx(990.025)
    assert flows.at[3, "pv_makeup_mwh"] == pytest.approx(9.975)
    assert flows.at[3, "fuel_usd"] == pytest.approx(199.5)
    assert flows.at[3, "energy_mwh"] == pytest.approx(10_000)
    # Without gas the lost PV energy is not delivered.
    no_gas = fin.cash_flows(basis(assets=assets, pv_mwh=1000.0, has_gas=False), Finance(), 0.08)
    assert no_gas.set_index("year").at[3, "energy_mwh"] == pytest.approx(10_000 - 9.975)


def test_nominal_lcoe_exceeds_real_with_inflation():
    """Discounted costs are the same in both bases, energy is discounted at the larger nominal
    rate, so with 2 % inflation the nominal LCOE is higher; with 0 % they are equal."""
    b = basis(opex_usd={**dict.fromkeys(fin.OPEX_COLUMNS, 0.0), "fuel": 100_000.0})
    m = fin.metrics(fin.cash_flows(b, Finance(), 0.08), Finance(), 0.08)
    assert m["lcoe_usd_per_mwh_nominal"] > m["lcoe_usd_per_mwh_real"]
    flat = Finance(inflation=0.0)
    m0 = fin.metrics(fin.cash_flows(b, flat, 0.08), flat, 0.08)
    assert m0["lcoe_usd_per_mwh_nominal"] == pytest.approx(m0["lcoe_usd_per_mwh_real"])


# --------------------------------------------------------------------------- a fake run folder


def write_gas_run(folder, hours: int = 24) -> None:
    """One 10 MW engine serving a flat 8 MW load (IT 6.4 MW); 24 rows standing for 8760 h.

    Fuel 64 MMBtu/h at 3 USD/MMBtu; capex 1000 USD/kW, FOM 10 USD/kW/yr, VOM 5 USD/MWh,
    lifetime 20 yr; WACC 8 %; one construction year, 20-yr project.
    """
    folder.mkdir()
    scenario = {
        "name": "fake",
        "sites": {
            "baku": {
                "climate": "baku",
                "data_center": {"it_capacity_mw": 8},
                "technologies": ["engine"],
                "gas_price_usd_per_mmbtu": 3.0,
                "carbon_price_usd_per_t": 0.0,
            }
        },
        "technologies": {
            "engine": {
                "kind": "gas",
                "unit_mw": 10,
                "capex_usd_per_kw": 1000,
                "fom_usd_per_kw_yr": 10,
                "vom_usd_per_mwh": 5,
                "lifetime_yr": 20,
                "heat_rate_full_load_mmbtu_per_mwh": 8,
                "no_load_fuel_fraction": 0.0,
                "min_load_fraction": 0.0,
                "startup_cost_usd_per_mw": 0,
                "ramp_pct_per_min": 100,
                "derate_start_c": 35,
                "derate_pct_per_c": 0,
            }
        },
        # Prices of 2021, the Azerbaijani data-center tariff's currency year: no deflation.
        "economics": {"wacc": 0.08, "co2_kg_per_mmbtu": 53.06, "price_basis_year": 2021},
        "finance": {"capex_schedule": [1.0], "project_life_yr": 20},
    }
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario))
    pd.DataFrame(
        [("baku", "engine", "gas", 10.0, "MW"), ("baku", "engine", "gas", 1, "units")],
        columns=["site", "technology", "kind", "capacity", "unit"],
    ).to_csv(folder / "capacities.csv", index=False)
    crf = 0.08 * 1.08**20 / (1.08**20 - 1)
    pd.DataFrame(
        [
            ("baku", "engine", "capex", 10_000_000 * crf),
            ("baku", "engine", "fixed_om", 100_000.0),
            ("baku", "engine", "variable_om", 5 * 70_080.0),
            ("baku", "engine", "fuel", 3 * 64 * 8760.0),
            ("baku", "engine", "carbon", 0.0),
            ("baku", "engine", "startup", 0.0),
        ],
        columns=["site", "technology", "component", "usd_per_yr"],
    ).to_csv(folder / "costs.csv", index=False)
    times = [f"2023-07-01T{h:02d}:00:00+04:00" for h in range(hours)]
    n = len(times)
    pd.DataFrame(
        {
            "site": "baku",
            "time": times,
            "load_mw": 8.0,
            "pv_mw": 0.0,
            "wind_mw": 0.0,
            "gas_mw": 8.0,
            "battery_charge_mw": 0.0,
            "battery_discharge_mw": 0.0,
            "curtailment_mw": 0.0,
            "unserved_mw": 0.0,
            "fuel_mmbtu_per_h": 64.0,
            "weight_h": 8760.0 / n,
            "gas_mw_engine": 8.0,
        }
    ).to_csv(folder / "dispatch.csv", index=False)
    pd.DataFrame(
        {"site": "baku", "time": times, "it_load_mw": 6.4, "load_mw": 8.0, "pue": 1.25}
    ).to_csv(folder / "profiles.csv", index=False)


def test_lcoe_of_one_gas_unit_by_hand(tmp_path):
    """One engine, flat 8 MW all year, capex spent at COD, 20-yr life = project life.

    capex 10 MW x 1000 USD/kW = 10,000,000; CRF(8 %, 20) = 0.101852 -> 1,018,522 USD/yr;
    fuel 64 MMBtu/h x 8760 h x 3 = 1,681,920; FOM 100,000; VOM 5 x 70,080 = 350,400.
    Energy 8 MW x 8760 h = 70,080 MWh. LCOE = (1,018,522 + 2,132,320) / 70,080 = 44.96 USD/MWh.
    Cost per MWh of IT load (the run's annual cost / IT energy 6.4 x 8760 = 56,064 MWh) =
    3,150,842 / 56,064 = 56.20. Carbon intensity = 64 MMBtu/h x 53.06 kg / 6.4 MW
    = 530.6 gCO2/kWh_IT. Grid cost: 8 MW x 807.06 USD/day x 365 = 2,356,612 USD/yr.
    """
    run = tmp_path / "run"
    write_gas_run(run)
    summary = fin.finance_summary(run)
    site = summary["sites"]["baku"]
    crf = 0.08 * 1.08**20 / (1.08**20 - 1)
    assert crf == pytest.approx(0.101852, abs=1e-6)
    annual = 10_000_000 * crf + 1_681_920 + 100_000 + 350_400
    assert site["capex_usd"] == pytest.approx(10_000_000)
    assert site["energy_mwh_per_yr"] == pytest.approx(70_080)
    assert site["lcoe_usd_per_mwh_real"] == pytest.approx(annual / 70_080)
    assert site["lcoe_usd_per_mwh_real"] == pytest.approx(44.96, abs=0.01)
    assert site["levelized_cost_usd_per_yr"] == pytest.approx(annual)
    assert site["npv_cost_usd"] == pytest.approx(annual / crf)
    assert site["cost_usd_per_mwh_it"] == pytest.approx(annual / 56_064)
    assert site["carbon_intensity_g_per_kwh_it"] == pytest.approx(530.6)
    grid = 8 * (14 * 73 + 10 * 35) / 1.70 * 365
    assert site["grid_cost_usd_per_yr"] == pytest.approx(grid)
    assert site["savings_vs_grid_usd_per_yr"] == pytest.approx(grid - annual)
    assert site["salvage_usd"] == 0 and site["replacement_usd_total"] == 0
    assert summary["totals"]["lcoe_usd_per_mwh_real"] == pytest.approx(annual / 70_080)
    json.dumps(summary)  # plain JSON
    # Baku's money: Azerbaijani manat and tax; the revenue is the required tariff.
    assert site["currency"] == "AZN" and site["tax_rate"] == pytest.approx(0.20)
    tariff = site["required_tariff_usd_per_mwh"]
    assert tariff > 0 and site["price_usd_per_mwh"] == pytest.approx(tariff)
    assert site["required_tariff_local_per_kwh"] == pytest.approx(tariff * 1.70 / 1000)
    assert site["equity_irr"] == pytest.approx(0.12, abs=1e-4)
    assert site["min_dscr"] >= 1.30 - 1e-9
    # Revenue at the grid tariff (2.36 M) is below the operating cost (2.13 M) plus capital:
    # project IRR from -10 M then +224,292 a year for 20 yr.
    grid_basis = Finance(capex_schedule=[1.0], project_life_yr=20, revenue_basis="grid_tariff")
    site = fin.finance_summary(run, grid_basis)["sites"]["baku"]
    assert site["project_irr_real"] == pytest.approx(
        float(fin.npf.irr([-1e7] + [grid - 2_132_320] * 20))
    )
    assert site["required_tariff_usd_per_mwh"] is None


def test_summary_from_folder_uses_scenario_finance_or_an_override(tmp_path):
    """A PPA of 60 USD/MWh overrides the grid tariff: revenue 60 x 70,080 = 4,204,800."""
    run = tmp_path / "run"
    write_gas_run(run)
    f = Finance(capex_schedule=[1.0], project_life_yr=20, revenue_basis="ppa", ppa_usd_per_mwh=60)
    site = fin.finance_summary(run, f)["sites"]["baku"]
    assert site["revenue_usd_per_yr"] == pytest.approx(4_204_800)
    assert site["equity_irr_nominal"] is not None and site["dscr_min"] is not None
    none = Finance(capex_schedule=[1.0], project_life_yr=20, revenue_basis="none")
    site = fin.finance_summary(run, none)["sites"]["baku"]
    assert site["project_irr_real"] is None and site["payback_year"] is None


# --------------------------------------------------------------------------- inputs and schema


def test_finance_csv_matches_the_schema_defaults():
    """inputs/finance.csv documents every default of Finance, each row with a source."""
    with (inputs_dir() / "finance.csv").open(newline="", encoding="utf-8") as f:
        rows = {r["parameter"]: r for r in csv.DictReader(f)}
    assert all(r["technology"] == "finance" and r["source"].strip() for r in rows.values())
    defaults = Finance()
    schedule = [float(rows[f"capex_schedule_year_{i + 1}"]["value"]) for i in range(2)]
    assert schedule == defaults.capex_schedule
    for name, value in defaults.model_dump().items():
        if name in ("capex_schedule", "revenue_basis", "ppa_usd_per_mwh"):
            continue
        assert float(rows[name]["value"]) == pytest.approx(value), name


def test_finance_section_is_validated():
    with pytest.raises(ValueError, match="sum to 1"):
        Finance(capex_schedule=[0.5, 0.6])
    with pytest.raises(ValueError, match="ppa_usd_per_mwh"):
        Finance(revenue_basis="ppa")
    raw = {
        "name": "x",
        "sites": {
            "baku": {"climate": "baku", "data_center": {"it_capacity_mw": 1}, "technologies": []}
        },
        "technologies": {},
        "economics": {},
        "finance": {"debt_tenor_yr": 30},
    }
    with pytest.raises(ScenarioError, match="debt_tenor_yr"):
        scenario_from_dict(raw)


def test_finance_module_needs_no_solver():
    """dcpower.finance loads neither pyomo nor the model (optimization, blocks, pipeline).

    It reads the technology registry (pyomo-free) for each technology's assets.
    """
    code = (
        "import sys, dcpower.finance\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('pyomo', 'highspy') or "
        "m.startswith(('dcpower.optimization', 'dcpower.pipeline', 'dcpower.techs.base'))]\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_site_is_valued_in_its_own_country_money():
    """Aktau (Kazakhstan) gets tenge, Kazakh tax and no grid tariff (none is sourced for
    Mangystau); Baku (Azerbaijan) gets manat, Azerbaijani tax and the data-center tariff.
    Neither borrows the other's figures."""
    from dcpower.paths import models_dir
    from dcpower.scenario import load_scenario

    sites = load_scenario(models_dir() / "caspian-hub.yaml").sites
    aktau, baku = sites["aktau"].money, sites["baku"].money
    assert (aktau.country, aktau.currency) == ("KZ", "KZT")
    assert (baku.country, baku.currency) == ("AZ", "AZN")
    assert aktau.comparison_tariff is None
    assert baku.comparison_tariff is not None
    assert baku.comparison_tariff.tariff == "az_data_center"
    assert aktau.tax_loss_carryforward_yr == 10 and baku.tax_loss_carryforward_yr == 5
    assert "AZN" not in aktau.model_dump_json() and "KZT" not in baku.model_dump_json()
