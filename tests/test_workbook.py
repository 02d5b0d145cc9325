"""Excel workbook of a run folder (dcpower.report.workbook) on a small solved run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import dcpower
from dcpower.report.workbook import SHEETS, write_workbook
from dcpower.scenario import Finance, scenario_from_dict
from dcpower.techs.battery import BatteryTech
from dcpower.techs.gas import GasTech
from dcpower.techs.pv import PVTech
from dcpower.techs.wind import WindTech

pytestmark = pytest.mark.component

TECH_CLASSES = {"pv": PVTech, "wind": WindTech, "battery": BatteryTech, "gas": GasTech}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """caspian-hub on a 48-h summer window, solved once for the module."""
    raw = dcpower.load_scenario("caspian-hub").model_dump(mode="json")
    raw["time"] = {"kind": "window", "start_hour": 4800, "n_hours": 48}
    out = tmp_path_factory.mktemp("wb") / "run"
    dcpower.run(scenario_from_dict(raw), out=out, parallel=False)
    return out


@pytest.fixture(scope="module")
def book_path(run_dir) -> Path:
    return write_workbook(run_dir)


@pytest.fixture(scope="module")
def book(book_path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(book_path)


@pytest.fixture(scope="module")
def summary(run_dir) -> dict:
    return json.loads((run_dir / "summary.json").read_text())


def frame(ws) -> pd.DataFrame:
    """A sheet's table (header in row 1) as a DataFrame, up to the first empty first cell."""
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    body = []
    for row in rows[1:]:
        if row[0] is None:
            break
        body.append(row)
    return pd.DataFrame(body, columns=header)


def summary_row(book, label_start: str) -> dict:
    ws = book["Summary"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if isinstance(row[0], str) and row[0].startswith(label_start):
            return dict(zip(header, row, strict=False))
    raise AssertionError(f"Summary has no row '{label_start}'")


def test_default_path_and_explicit_path(run_dir, book_path, tmp_path):
    assert book_path == run_dir / "results.xlsx"
    assert book_path.is_file()
    other = write_workbook(str(run_dir), tmp_path / "sub" / "x.xlsx")
    assert other == tmp_path / "sub" / "x.xlsx" and other.is_file()
    assert not [p for p in other.parent.iterdir() if p.name != "x.xlsx"]


def test_sheet_names(book):
    assert book.sheetnames == list(SHEETS)
    assert book.sheetnames == [
        "Summary",
        "Design basis",
        "Capacities",
        "Costs",
        "Cash flow",
        "Monthly energy",
        "Hourly dispatch",
        "Reliability",
        "Availability",
        "Assumptions",
    ]


def test_availability_sheet_holds_the_monte_carlo_figures(book, summary):
    """One row per site with summary.json's LOLE (mean, interval, P90), availability."""
    table = frame(book["Availability"]).set_index("site")
    for site_id, figures in summary["reliability"]["availability"]["sites"].items():
        row = table.loc[site_id]
        assert row["lole_h_per_yr [h/yr]"] == pytest.approx(figures["lole_h_per_yr"]["mean"])
        assert row["lole_ci95_high_h_per_yr [h/yr]"] == pytest.approx(
            figures["lole_h_per_yr"]["ci95"][1]
        )
        assert row["availability_pct [%]"] == pytest.approx(
            figures["availability_time_pct"]["mean"]
        )
        assert row["lole_p90_h_per_yr [h/yr]"] == pytest.approx(figures["lole_h_per_yr"]["p90"])
        assert "tier_at_ci95_low" not in table.columns
        assert pd.isna(row["it_moved_mwh_per_yr [MWh IT/yr]"])  # no workload shifting


def test_header_rows_frozen_and_filtered(book):
    for ws in book.worksheets:
        assert ws.freeze_panes is not None, ws.title
        row = int("".join(ch for ch in ws.freeze_panes if ch.isdigit()))
        assert row == 2, (ws.title, ws.freeze_panes)
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width > 8, ws.title


def test_summary_totals_equal_summary_json(book, summary):
    totals = summary["totals"]
    for label, key in (
        ("Annual cost [USD/yr]", "cost_usd_per_yr"),
        ("Overnight capex [USD]", "capex_usd"),
        ("CO2 [t/yr]", "co2_t_per_yr"),
        ("Annual load [MWh/yr]", "load_mwh_per_yr"),
    ):
        row = summary_row(book, label)
        assert isinstance(row["total"], int | float), label
        assert row["total"] == pytest.approx(totals[key], rel=1e-12), label
        for site, values in summary["sites"].items():
            assert row[site] == pytest.approx(values[key], rel=1e-12), (label, site)
    lcoe = summary_row(book, "LCOE, project life, real")
    assert lcoe["total"] == pytest.approx(summary["finance"]["totals"]["lcoe_usd_per_mwh_real"])
    assert summary_row(book, "Verification")["total"] in ("passed", "FAILED")
    assert summary_row(book, "Status")["total"] == summary["status"]


def test_total_renewable_share_uses_the_sites_definition(book, summary, run_dir, tmp_path):
    """The total renewable share is 1 - (gas + grid) / load over all sites, as each site's.

    Hand-made figures of summary.json [MWh/yr], load = PV + wind + gas + grid + battery
    discharge - battery charge:

    - aktau: 1,000 = PV 540 + gas 500 + discharge 160 - charge 200 (40 lost in the battery);
      share 1 - (500 + 0) / 1,000 = 0.5.
    - baku: 3,000 = wind 1,000 + gas 1,500 + grid 500; share 1 - (1,500 + 500) / 3,000 = 1/3.

    Total: 1 - (500 + 1,500 + 500) / (1,000 + 3,000) = 1 - 2,500 / 4,000 = 0.375, the
    load-weighted mean of the sites' shares, (0.5 x 1,000 + 1/3 x 3,000) / 4,000 = 0.375.
    (PV + wind) / load would give (540 + 1,000) / 4,000 = 0.385: the 40 MWh lost in the
    battery counted as renewable energy served.
    """
    import shutil

    row = summary_row(book, "Renewable share")
    assert row["total"] == pytest.approx(summary["emissions"]["renewable_share"], abs=1e-12)

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    raw = json.loads((copy / "summary.json").read_text())
    assert list(raw["sites"]) == ["aktau", "baku"]
    figures = {
        "aktau": (1000.0, {"pv": 540.0, "wind": 0.0, "gas": 500.0, "grid": 0.0}, 160.0, 0.5),
        "baku": (3000.0, {"pv": 0.0, "wind": 1000.0, "gas": 1500.0, "grid": 500.0}, 0.0, 1 / 3),
    }
    for site_id, (load, generation, discharge, share) in figures.items():
        site = raw["sites"][site_id]
        site["load_mwh_per_yr"] = load
        site["generation_mwh_per_yr"] = generation | {"battery_discharge": discharge}
        site["renewable_share"] = share
    raw["totals"]["load_mwh_per_yr"] = 4000.0
    raw["emissions"]["renewable_share"] = 0.375
    (copy / "summary.json").write_text(json.dumps(raw))
    row = summary_row(openpyxl.load_workbook(write_workbook(copy)), "Renewable share")
    assert row["aktau"] == pytest.approx(0.5)
    assert row["baku"] == pytest.approx(1 / 3)
    assert row["total"] == pytest.approx(0.375, abs=1e-12)


def test_numbers_are_numbers_with_formats(book):
    ws = book["Costs"]
    header = [c.value for c in ws[1]]
    j = header.index("cost [USD/yr]") + 1
    cell = ws.cell(row=2, column=j)
    assert isinstance(cell.value, int | float)
    assert "#,##0" in cell.number_format
    share = ws.cell(row=2, column=header.index("share of site cost [%]") + 1)
    assert share.value is None or "%" in share.number_format
    for ws in book.worksheets:
        headers = [c.value for c in ws[1] if c.value is not None]
        assert all(isinstance(h, str) for h in headers), ws.title


def test_costs_sum_per_site(book, summary):
    costs = frame(book["Costs"])
    by_site = costs.groupby("site")["cost [USD/yr]"].sum()
    for site, values in summary["sites"].items():
        assert by_site[site] == pytest.approx(values["cost_usd_per_yr"], rel=1e-9)


def test_monthly_load_sums(book, summary):
    monthly = frame(book["Monthly energy"])
    by_site = monthly.groupby("site")["load [MWh]"].sum()
    for site, values in summary["sites"].items():
        assert by_site[site] == pytest.approx(values["load_mwh_per_yr"], rel=1e-9)
    assert monthly["month [1-12]"].between(1, 12).all()
    fuel = monthly.groupby("site")["fuel, HHV [MMBtu]"].sum()
    co2 = monthly.groupby("site")["CO2 [t]"].sum()
    for site, values in summary["sites"].items():
        assert fuel[site] == pytest.approx(values["fuel_mmbtu_per_yr"], rel=1e-6)
        assert co2[site] == pytest.approx(values["co2_t_per_yr"], rel=1e-6)


def test_hourly_dispatch_is_the_dispatch_table(book, run_dir):
    dispatch = pd.read_csv(run_dir / "dispatch.csv")
    sheet = frame(book["Hourly dispatch"])
    assert len(sheet) == len(dispatch)
    assert sheet["load [MW]"].to_numpy() == pytest.approx(dispatch["load_mw"].to_numpy())
    assert sheet["weight [h]"].to_numpy() == pytest.approx(dispatch["weight_h"].to_numpy())


def test_cash_flow_per_site_and_total(book, run_dir):
    from dcpower.finance import site_cash_flows

    flows = site_cash_flows(run_dir)
    sheet = frame(book["Cash flow"])
    assert set(sheet["site"]) == {*flows, "total"}
    for site, table in flows.items():
        mine = sheet[sheet["site"] == site]
        assert mine["year [yr from COD]"].tolist() == table["year"].tolist()
        assert mine["total cost [USD real]"].to_numpy() == pytest.approx(
            table["total_cost_usd"].to_numpy()
        )
    total = sheet[sheet["site"] == "total"]["capex [USD real]"].sum()
    assert total == pytest.approx(sum(t["capex_usd"].sum() for t in flows.values()))
    assert any("[USD nominal]" in h for h in sheet.columns)


def test_reliability_checks(book, run_dir):
    verification = json.loads((run_dir / "verification.json").read_text())
    checks = frame(book["Reliability"])
    assert len(checks) == len(verification["checks"])
    assert set(checks["result"]) <= {"pass", "FAIL"}
    ws = book["Reliability"]
    settings = [c.value for c in ws[1]]
    assert "reliability setting" in settings
    column = settings.index("reliability setting") + 1
    names = {ws.cell(row=r, column=column).value for r in range(2, 20)}
    assert {"redundancy_k", "hourly_n_minus_1", "ride_through_min"} <= names


def test_assumptions_source_every_cost_and_price(book, run_dir):
    import yaml

    scenario = scenario_from_dict(yaml.safe_load((run_dir / "scenario.yaml").read_text()))
    table = frame(book["Assumptions"])
    source = {
        (r.section, r.item, r.parameter): r.source
        for r in table.rename(columns=str).itertuples(index=False)
    }

    def has_source(key):
        assert key in source, f"Assumptions lacks {key}"
        assert isinstance(source[key], str) and source[key].strip(), f"no source for {key}"

    used = {t for site in scenario.sites.values() for t in site.technologies}
    for tech_id in used:
        tech = scenario.technologies[tech_id]
        for field in TECH_CLASSES[tech.kind].model_fields:
            if field != "kind":
                has_source(("technology", tech_id, field))
    for site_id in scenario.sites:
        has_source(("economics", site_id, "gas_price_usd_per_mmbtu"))
        has_source(("economics", site_id, "carbon_price_usd_per_t"))
    has_source(("economics", "all sites", "wacc"))
    has_source(("economics", "all sites", "co2_kg_per_mmbtu"))
    for field in Finance.model_fields:
        if field == "capex_schedule":
            for i in range(1, len(scenario.finance.capex_schedule) + 1):
                has_source(("finance", "all sites", f"capex_schedule_year_{i}"))
        else:
            has_source(("finance", "all sites", field))
    # values as resolved in scenario.yaml, as numbers
    row = table[(table["item"] == "recip_engine_df") & (table["parameter"] == "capex_usd_per_kw")]
    value = row["value"].iloc[0]
    assert isinstance(value, int | float)
    assert value == pytest.approx(scenario.technologies["recip_engine_df"].capex_usd_per_kw)
    # the site climate sources of inputs/sites/<id>.yaml
    climate = table[table["section"] == "site climate"]
    assert set(climate["item"]) == set(scenario.sites)
    ghi = climate[climate["parameter"] == "ghi_kwh_per_m2"]
    assert len(ghi) == len(scenario.sites) and ghi["source"].str.len().min() > 10


def test_scenario_override_is_flagged(run_dir, tmp_path):
    import shutil

    import yaml

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    raw = yaml.safe_load((copy / "scenario.yaml").read_text())
    raw["technologies"]["recip_engine_df"]["capex_usd_per_kw"] = 1500.0
    raw["economics"]["wacc"] = 0.1
    (copy / "scenario.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    table = frame(openpyxl.load_workbook(write_workbook(copy))["Assumptions"])

    def status(item, parameter):
        row = table[(table["item"] == item) & (table["parameter"] == parameter)]
        return row["status"].iloc[0], row["catalogue value"].iloc[0], row["source"].iloc[0]

    st, catalogue, src = status("recip_engine_df", "capex_usd_per_kw")
    assert st == "scenario override" and catalogue == pytest.approx(1035.0) and src
    row = table[(table["item"] == "recip_engine_df") & (table["parameter"] == "capex_usd_per_kw")]
    # As given (USD of 2018) and on the price basis (USD of 2024: x 313.689 / 251.107).
    assert row["currency"].iloc[0] == "USD" and row["currency year"].iloc[0] == 2018
    assert row["catalogue value, price basis"].iloc[0] == pytest.approx(1035.0 * 313.689 / 251.107)
    assert status("all sites", "wacc")[0] == "scenario override"
    assert status("recip_engine_df", "fom_usd_per_kw_yr")[0] == "catalogue"


def test_never_imports_the_optimization_stack(run_dir, tmp_path):
    code = (
        "import sys\n"
        "from dcpower.report.workbook import write_workbook\n"
        f"write_workbook({str(run_dir)!r}, {str(tmp_path / 'w.xlsx')!r})\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'pyomo' or m.startswith(("
        "'dcpower.optimization', 'dcpower.techs.base', 'dcpower.pipeline'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (tmp_path / "w.xlsx").is_file()


def test_missing_run_folder_raises(tmp_path):
    from dcpower.errors import DcpowerError

    with pytest.raises(DcpowerError):
        write_workbook(tmp_path)


def test_the_shipped_hub_has_each_sites_required_tariff_at_the_target_irr(run_dir, book):
    """caspian-hub's finance block: per site its own currency, 20 % tax, a positive required
    tariff at which the nominal equity IRR is the 12 % target (within 0.01 %-points) and the
    minimum DSCR at least 1.30; the workbook's Summary sheet leads with the tariff."""
    import json

    finance = json.loads((run_dir / "summary.json").read_text())["finance"]
    target = finance["assumptions"]["target_equity_irr_nominal"]
    for site_id, currency in (("aktau", "KZT"), ("baku", "AZN")):
        site = finance["sites"][site_id]
        assert site["currency"] == currency and site["tax_rate"] == pytest.approx(0.20)
        assert site["price_basis_year"] == 2024
        assert site["required_tariff_usd_per_mwh"] > 0
        assert site["equity_irr"] == pytest.approx(target, abs=1e-4)
        assert site["min_dscr"] >= finance["assumptions"]["target_dscr_min"] - 1e-9
    assert "no grid tariff known" in " ".join(finance["sites"]["aktau"]["notes"])
    first = [row[0].value for row in book["Summary"].iter_rows(min_row=2, max_row=3)]
    assert first[0].startswith("Required tariff")


def test_the_chiller_cop_default_is_sourced_not_the_estimated_pue_curve(book):
    """The electric chillers' COP (ASHRAE 90.1 minimum) is not part of the ESTIMATE PUE curve."""
    table = frame(book["Assumptions"]).rename(columns=str)
    rows = table[(table["section"] == "data center") & (table["parameter"] == "chiller_cop")]
    assert len(rows) == len({*rows["item"]}) > 0
    assert not rows["basis"].str.startswith("ESTIMATE").any()
    assert rows["source"].str.contains("ASHRAE 90.1-2022").all()
    pue = table[(table["section"] == "data center") & (table["parameter"] == "pue_min")]
    assert pue["basis"].eq("ESTIMATE").all()


def test_a_wet_bulb_pue_curve_at_its_defaults_is_a_model_default(run_dir, tmp_path):
    """A site whose PUE follows the wet bulb, its curve as defaulted: the wet-bulb defaults
    (1.10, 10 degC, ...) are the model's, not scenario overrides of the dry-bulb ones."""
    import shutil

    import yaml

    from dcpower.report.workbook import assumption_rows

    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    scenario = yaml.safe_load((copy / "scenario.yaml").read_text())
    scenario["sites"]["baku"]["data_center"]["pue"] = {"temperature": "wet_bulb"}
    (copy / "scenario.yaml").write_text(yaml.safe_dump(scenario))
    rows = [
        row
        for row in assumption_rows(copy)
        if row["section"] == "data center"
        and row["item"] == "baku"
        and row["parameter"] in ("pue_min", "free_cooling_below_c", "chiller_cop")
    ]
    assert {row["parameter"]: row["status"] for row in rows} == dict.fromkeys(
        ("pue_min", "free_cooling_below_c", "chiller_cop"), "model default"
    )
    assert {row["parameter"]: row["value"] for row in rows}["pue_min"] == pytest.approx(1.10)
