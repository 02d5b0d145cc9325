"""One price basis (dcpower.money): every money figure of inputs/ on USD of one base year."""

from __future__ import annotations

import csv
import re

import pytest

from dcpower import money
from dcpower.paths import inputs_dir
from dcpower.scenario import scenario_from_dict

pytestmark = pytest.mark.unit

#: A unit that prices something in a currency (not an exchange rate such as AZN/USD).
MONEY_UNIT = re.compile(r"^(USD|EUR|AZN|KZT)\b(?!/(USD|EUR)$)")


def test_a_2010_figure_deflated_to_the_base_year():
    """100 USD of 2010 in USD of 2024: 100 x CPI-U 2024 / CPI-U 2010 = 100 x 313.689 / 218.056
    = 143.857 (BLS annual averages, inputs/deflators.csv)."""
    assert money.to_base_usd(100.0, "USD", 2010, 2024, 1.17) == pytest.approx(143.857, abs=1e-3)
    assert money.to_base_usd(100.0, "USD", 2024, 2024, 1.17) == pytest.approx(100.0)


def test_a_eur_figure_is_deflated_in_eur_then_converted():
    """100 EUR of 2012 in USD of 2024: 100 x HICP 2024 / HICP 2012 x 1.17 USD/EUR
    = 100 x 126.07 / 98.05 x 1.17 = 150.436."""
    assert money.to_base_usd(100.0, "EUR", 2012, 2024, 1.17) == pytest.approx(150.436, abs=1e-3)


def test_the_default_base_year_is_the_latest_full_year_of_the_cpi():
    """The BLS 2025 annual average covers 11 months (no October 2025 index): not a full year."""
    assert money.default_price_basis_year() == 2024


def test_an_unknown_currency_or_year_is_refused_in_one_line():
    with pytest.raises(ValueError, match="currency 'KZT': no deflator"):
        money.to_base_usd(1.0, "KZT", 2024, 2024, 1.17)
    with pytest.raises(ValueError, match="currency year 1990 of USD: outside"):
        money.to_base_usd(1.0, "USD", 1990, 2024, 1.17)


def test_every_money_row_of_inputs_has_a_currency_and_a_currency_year():
    """A row whose unit prices something in a currency names the currency and its year."""
    checked = 0
    for path in sorted(inputs_dir().glob("*.csv")):
        if path.name == money.DEFLATORS_FILE:
            continue
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                where = f"{path.name}: {row['technology']}.{row['parameter']}"
                if MONEY_UNIT.match(row["unit"]):
                    checked += 1
                    assert row["currency"] == row["unit"][:3], where
                    assert re.fullmatch(r"\d{4}", row["currency_year"]), where
                else:
                    assert not row["currency"], where
    assert checked >= 40


def _scenario(economics: dict) -> dict:
    return {
        "name": "x",
        "sites": {
            "baku": {
                "climate": "baku",
                "data_center": {"it_capacity_mw": 1},
                "technologies": ["recip_engine"],
            }
        },
        "technologies": {"recip_engine": {}},
        "economics": economics,
    }


def test_loading_converts_catalogue_money_to_the_price_basis_year():
    """The engine's capex is 1000 USD of 2018 (Denton): as is with a 2018 basis; with the
    default (2024) 1000 x 313.689 / 251.107 = 1249.224 USD/kW. Baku's default gas case
    (industry tariff), 3.8967 USD of 2025, is 3.8967 x 313.689 / 321.943 = 3.7968 USD of 2024."""
    of_2018 = scenario_from_dict(_scenario({"price_basis_year": 2018}))
    assert of_2018.technologies["recip_engine"].capex_usd_per_kw == pytest.approx(1000.0)
    default = scenario_from_dict(_scenario({}))
    assert default.economics.price_basis_year == 2024
    capex = default.technologies["recip_engine"].capex_usd_per_kw
    assert capex == pytest.approx(1249.224, abs=1e-3)
    assert default.sites["baku"].gas_price_case == "industry"
    assert default.sites["baku"].gas_price_usd_per_mmbtu == pytest.approx(3.7968, abs=1e-4)


def test_a_scenario_figure_is_taken_as_money_of_the_base_year():
    raw = _scenario({"price_basis_year": 2020})
    raw["technologies"]["recip_engine"] = {"capex_usd_per_kw": 1000.0}
    scenario = scenario_from_dict(raw)
    assert scenario.technologies["recip_engine"].capex_usd_per_kw == 1000.0


def test_each_site_takes_its_own_countrys_gas_price_case():
    """Baku: the Azerbaijani industry tariff by default; Aktau: the Kazakh default case
    (a PROXY wholesale cap), never the other country's figure. 240 AZN/1000 m3 / 1.70 / 36.23
    = 3.8967 USD/MMBtu of 2025."""
    raw = _scenario({"price_basis_year": 2025})
    raw["sites"]["aktau"] = {**raw["sites"]["baku"], "climate": "aktau"}
    scenario = scenario_from_dict(raw)
    baku, aktau = scenario.sites["baku"], scenario.sites["aktau"]
    assert (baku.gas_price_case, baku.gas_price_usd_per_mmbtu) == ("industry", 3.8967)
    assert aktau.gas_price_case == "wholesale_cap_almaty_proxy"
    assert aktau.gas_price_usd_per_mmbtu == pytest.approx(39_044 / 505.2 / 36.23, abs=1e-4)
    raw["sites"]["baku"]["gas_price_case"] = "export_netback"
    assert scenario_from_dict(raw).sites["baku"].gas_price_usd_per_mmbtu == pytest.approx(
        9.8813 * 321.943 / 313.689  # 358 USD/1000 m3 of 2024 in USD of 2025
    )


def test_a_gas_price_case_is_checked_and_a_given_price_is_the_scenarios_own():
    raw = _scenario({})
    raw["sites"]["baku"]["gas_price_case"] = "wholesale_cap_almaty_proxy"
    with pytest.raises(ValueError, match=r"not a case of AZ .* allowed: export_netback, industry"):
        scenario_from_dict(raw)
    raw["sites"]["baku"]["gas_price_case"] = "industry"
    raw["sites"]["baku"]["gas_price_usd_per_mmbtu"] = 5.0
    with pytest.raises(ValueError, match="differs from gas price case 'industry'"):
        scenario_from_dict(raw)
    del raw["sites"]["baku"]["gas_price_case"]
    site = scenario_from_dict(raw).sites["baku"]
    assert (site.gas_price_case, site.gas_price_usd_per_mmbtu) == ("scenario", 5.0)


def test_a_sweep_over_the_gas_case_refills_the_price():
    """On the resolved base a sweep sets the case (the price it picked is dropped and filled
    anew) or the price (the case becomes 'scenario'); the cost set cannot be swept."""
    from dcpower.sweep.paths import set_path

    base = scenario_from_dict(_scenario({})).model_dump(mode="json")
    set_path(base, "sites.baku.gas_price_case", "regulated_power")
    site = scenario_from_dict(base).sites["baku"]
    assert site.gas_price_usd_per_mmbtu == pytest.approx(3.0037 * 313.689 / 321.943)
    base = scenario_from_dict(_scenario({})).model_dump(mode="json")
    set_path(base, "sites.baku.gas_price_usd_per_mmbtu", 6.0)
    site = scenario_from_dict(base).sites["baku"]
    assert (site.gas_price_case, site.gas_price_usd_per_mmbtu) == ("scenario", 6.0)
    with pytest.raises(ValueError, match=r"economics\.cost_basis: picks the catalogue"):
        set_path(base, "economics.cost_basis", "us_atb")


def test_a_sweep_over_the_cost_basis_loads_each_basis_anew():
    """A sweep point with economics.cost_basis loads the base file with that cost set, so its
    wind capex is the ATB figure, not the regional one of the base."""
    from dcpower.sweep import SweepSpec, _Plan

    spec = SweepSpec(
        name="costs",
        base="caspian-hub",
        grid={"economics.cost_basis": ["regional", "us_atb"]},
        output="total.required_tariff_usd_per_mwh",
    )
    points = _Plan(spec)
    wind = {
        pid: s["technologies"]["wind_onshore"]["capex_usd_per_kw"]
        for pid, s in points.scenarios.items()
    }
    to_2024 = 313.689 / 292.655
    assert sorted(wind.values()) == pytest.approx(sorted([1250 * to_2024, 1688.9 * to_2024]))


def test_the_cost_basis_picks_the_regional_or_the_atb_costs():
    """Regional wind is Khizi-Absheron's 1250 USD/kW of 2022; the ATB set's is 1688.9."""
    raw = _scenario({"price_basis_year": 2022})
    raw["technologies"]["wind_onshore"] = {}
    assert scenario_from_dict(raw).technologies["wind_onshore"].capex_usd_per_kw == 1250.0
    raw["economics"]["cost_basis"] = "us_atb"
    assert scenario_from_dict(raw).technologies["wind_onshore"].capex_usd_per_kw == 1688.9
