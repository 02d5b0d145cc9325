"""Vanadium redox flow battery: a technology added in its own folder, the catalogue and here.

Hand-solved: which store rides through a gas-supply outage depends on its length, and the
choice flips where the arithmetic says. Loading: the catalogue id fills every field from
``inputs/technologies.csv``. End to end: a run folder with the flow battery built next to
Li-ion and gas has its columns, rows and headline capacities, and passes verification.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import BatteryTech, Reliability, gas_tech, site_inputs

from dcpower import techs
from dcpower.optimization.optimize import optimize_site
from dcpower.paths import inputs_dir
from dcpower.scenario import Solver, scenario_from_dict
from dcpower.techs.flow_battery import FlowBattery, FlowBatteryTech

EXACT = Solver(mip_gap=1e-9, time_limit_s=60)

#: Short-duration store: dear energy, cheap power, lossless.
LI_ION = BatteryTech(
    capex_energy_usd_per_kwh=200.0,
    capex_power_usd_per_kw=100.0,
    lifetime_yr=1.0,
    eta_charge=1.0,
    eta_discharge=1.0,
)
#: Long-duration store: cheap energy (tanks), dear power (stacks), 0.8 each way.
FLOW = FlowBatteryTech(
    capex_energy_usd_per_kwh=40.0,
    capex_power_usd_per_kw=850.0,
    lifetime_yr=1.0,
    eta_charge=0.8,
    eta_discharge=0.8,
)
#: Two 5 MW units (10 MW x 1000 USD/kW / 20 yr) and their fuel for a flat 10 MW
#: (10 MW x 8760 h x 10 MMBtu/MWh x 3 USD/MMBtu). [USD/yr]
GAS_AND_FUEL_USD_PER_YR = 500_000.0 + 2_628_000.0


@pytest.mark.component
@pytest.mark.parametrize(
    ("outage_h", "built", "power_mw", "energy_mwh", "total_usd_per_yr"),
    [
        (4, "li", 10.0, 40.0, 12_128_000.0),
        (6, "flow", 10.0, 75.0, 14_628_000.0),
        (12, "flow", 10.0, 150.0, 17_628_000.0),
    ],
)
def test_the_outage_length_decides_between_li_ion_and_flow(
    outage_h, built, power_mw, energy_mwh, total_usd_per_yr
):
    """Flat 10 MW on 5 MW units (k = 0, N-1 off); a gas outage of H hours must be ridden through.

    wacc 0 and 1-yr lives: a store's annual cost is its capital cost. The horizon is 24
    one-hour steps in January: one window, from the peak-load step (flat: step 0), entered
    with the state of charge of step 23. A store idles full all year (cyclic, no loss while
    idle), so it never charges and only its discharge efficiency counts.

    In the window the stores deliver 10 MW each hour, 10 H MWh in all. A store i that
    delivers D_i MWh over H hours needs P_i >= D_i / H and E_i >= D_i / eta_i, so it costs at
    least D_i (c_P / H + c_E / eta) and the cheapest plan puts all 10 H MWh on the store
    with the least cost per MW bridged, c_P + c_E H / eta [USD/kW]:

    - Li-ion: 100 + 200 H / 1.0 = 100 + 200 H
    - flow: 850 + 40 H / 0.8 = 850 + 50 H

    They are equal at 150 H = 750, H* = 5 h: below it Li-ion wins, above it the flow battery.

    - H = 4: Li-ion 900 < flow 1,050 USD/kW. Li-ion 10 MW / 40 MWh:
      200 x 40,000 + 100 x 10,000 = 9,000,000 USD/yr.
    - H = 6: flow 1,150 < Li-ion 1,300 USD/kW. Flow 10 MW / 10 x 6 / 0.8 = 75 MWh:
      40 x 75,000 + 850 x 10,000 = 11,500,000 USD/yr.
    - H = 12: flow 1,450 < Li-ion 2,500 USD/kW. Flow 10 MW / 150 MWh:
      40 x 150,000 + 850 x 10,000 = 14,500,000 USD/yr.

    Plus 2 units and fuel, 500,000 + 2,628,000: totals 12,128,000, 14,628,000 and
    17,628,000 USD/yr.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=outage_h)
    stores = {"li": LI_ION, "flow": FLOW}
    run = optimize_site(
        site_inputs([10.0] * 24, {"eng": gas_tech(), **stores}, reliability=rel), EXACT
    )
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    other = next(s for s in stores if s != built)
    assert caps[built, "MW"] == pytest.approx(power_mw, rel=1e-9)
    assert caps[built, "MWh"] == pytest.approx(energy_mwh, rel=1e-9)
    assert caps.get((other, "MW"), 0.0) == pytest.approx(0.0, abs=1e-6)
    assert caps.get((other, "MWh"), 0.0) == pytest.approx(0.0, abs=1e-6)
    assert run.solution.gas_units["eng"]["units"] == 2
    assert run.solution.costs["usd_per_yr"].sum() == pytest.approx(total_usd_per_yr, rel=1e-9)
    table = run.solution.capacities
    kinds = dict(zip(table["technology"], table["kind"], strict=True))
    assert kinds["flow"] == "flow_battery"
    assert kinds["li"] == "battery"

    # In the window the built store gives 10 MW each hour, losing 10 / eta_d MWh an hour.
    window = run.solution.outage_dispatch
    eta_d = stores[built].eta_discharge
    np.testing.assert_allclose(window[f"battery_discharge_mw_{built}"], 10.0, rtol=1e-9)
    soc = energy_mwh - 10.0 / eta_d * np.arange(1, outage_h + 1)
    np.testing.assert_allclose(window[f"battery_soc_mwh_{built}"], soc, atol=1e-6)
    np.testing.assert_allclose(window["battery_discharge_mw"], 10.0, rtol=1e-9)


# --------------------------------------------------------------------------- the registry


@pytest.mark.unit
def test_flow_battery_is_registered_as_storage_with_its_own_look():
    technology = techs.of("flow_battery")
    battery = techs.of("battery")
    assert isinstance(technology, FlowBattery)
    assert technology.spec is FlowBatteryTech
    assert technology.resource == "storage"
    assert techs.kind_of_catalogue_id()["flow_battery_vanadium"] == "flow_battery"
    assert technology.display.colour != battery.display.colour
    assert technology.display.name != battery.display.name
    # It adds to the storage totals with its own columns.
    assert techs.own_columns(technology, "vrfb") == {
        "battery_charge_mw": "battery_charge_mw_vrfb",
        "battery_discharge_mw": "battery_discharge_mw_vrfb",
        "battery_soc_mwh": "battery_soc_mwh_vrfb",
    }
    assert technology.summary_capacity == {
        "flow_battery_mw": ("flow_battery", "MW"),
        "flow_battery_mwh": ("flow_battery", "MWh"),
    }


# --------------------------------------------------------------------------- the catalogue


def _scenario(technologies: dict, site_techs: list[str]) -> dict:
    return {
        "name": "flow-battery",
        "sites": {
            "baku": {
                "climate": "baku",
                "data_center": {"it_capacity_mw": 20, "utilization": 0.8},
                "technologies": site_techs,
            }
        },
        "technologies": technologies,
        # Prices of 2020, the flow battery's currency year: its catalogue figures as given.
        "economics": {"price_basis_year": 2020},
    }


@pytest.mark.unit
def test_the_catalogue_id_fills_every_field_from_the_catalogue():
    """``flow_battery_vanadium: {}`` takes each field's value from inputs/technologies.csv."""
    table = pd.read_csv(inputs_dir() / "technologies.csv")
    rows = table[table["technology"] == "flow_battery_vanadium"].set_index("parameter")
    expected = {
        "capex_energy_usd_per_kwh",
        "capex_power_usd_per_kw",
        "fom_energy_usd_per_kwh_yr",
        "fom_power_usd_per_kw_yr",
        "lifetime_yr",
        "eta_charge",
        "eta_discharge",
    }
    assert set(rows.index) == expected
    # Every figure names its source; money carries its currency year.
    assert rows["source"].notna().all()
    money = [p for p in expected if "usd" in p]
    assert (rows.loc[money, "currency_year"] == 2020).all()

    scenario = scenario_from_dict(
        _scenario(
            {"flow_battery_vanadium": {}, "recip_engine": {}},
            ["flow_battery_vanadium", "recip_engine"],
        )
    )
    spec = scenario.technologies["flow_battery_vanadium"]
    assert isinstance(spec, FlowBatteryTech)
    assert spec.kind == "flow_battery"
    for parameter, value in rows["value"].items():
        assert getattr(spec, parameter) == pytest.approx(value, rel=1e-12), parameter
    # The round trip of the source (0.65 AC-AC) on the one-way efficiencies.
    assert spec.eta_charge * spec.eta_discharge == pytest.approx(0.65, abs=1e-4)


@pytest.mark.unit
def test_another_id_starts_from_the_flow_battery_catalogue_entry():
    scenario = scenario_from_dict(
        _scenario(
            {
                "vrfb_cheap": {
                    "catalogue_id": "flow_battery_vanadium",
                    "capex_energy_usd_per_kwh": 100.0,
                },
                "recip_engine": {},
            },
            ["vrfb_cheap", "recip_engine"],
        )
    )
    spec = scenario.technologies["vrfb_cheap"]
    catalogue = scenario_from_dict(
        _scenario({"flow_battery_vanadium": {}}, ["flow_battery_vanadium"])
    ).technologies["flow_battery_vanadium"]
    assert spec.kind == "flow_battery"
    assert spec.capex_energy_usd_per_kwh == 100.0
    assert spec.capex_power_usd_per_kw == catalogue.capex_power_usd_per_kw
    assert spec.eta_discharge == catalogue.eta_discharge


# --------------------------------------------------------------------------- end to end

#: Baku on a 48-h summer window with gas engines, Li-ion and the flow battery; a 12-h gas
#: outage that storage must bridge, Li-ion energy priced high and flow-battery energy low,
#: so the flow battery is built.
E2E_SCENARIO: dict = {
    **_scenario(
        {
            "recip_engine": {},
            "battery_li_ion": {"capex_energy_usd_per_kwh": 400.0},
            "flow_battery_vanadium": {"capex_energy_usd_per_kwh": 50.0},
        },
        ["recip_engine", "battery_li_ion", "flow_battery_vanadium"],
    ),
    "reliability": {
        "redundancy_k": 0,
        "hourly_n_minus_1": False,
        "gas_outage_hours": 12,
        "monte_carlo_years": 10,
    },
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 48},
    "solver": {"time_limit_s": 60, "mip_gap": 0.01, "threads": 1, "commitment": "relaxed"},
}
FLOW_ID = "flow_battery_vanadium"
#: The check of summary.json against capacities.csv (dcpower/verify/summary.py).


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    import dcpower

    out = tmp_path_factory.mktemp("flow") / "run"
    dcpower.run(scenario_from_dict(E2E_SCENARIO), out=out, parallel=False, reports=False)
    return out


def _flow_capacity(out: Path) -> pd.Series:
    capacities = pd.read_csv(out / "capacities.csv")
    return capacities[capacities["technology"] == FLOW_ID].set_index("unit")["capacity"]


@pytest.mark.integration
def test_the_flow_battery_is_built_with_its_rows_columns_and_checks(run_folder):
    capacities = pd.read_csv(run_folder / "capacities.csv")
    assert set(capacities.loc[capacities["technology"] == FLOW_ID, "kind"]) == {"flow_battery"}
    flow = _flow_capacity(run_folder)
    assert flow["MW"] > 1.0
    assert flow["MWh"] > 1.0

    costs = pd.read_csv(run_folder / "costs.csv")
    flow_costs = costs[costs["technology"] == FLOW_ID]
    assert set(flow_costs["component"]) >= {"capex", "fixed_om"}
    assert flow_costs["usd_per_yr"].sum() > 0

    dispatch = pd.read_csv(run_folder / "dispatch.csv")
    for total in ("battery_charge_mw", "battery_discharge_mw", "battery_soc_mwh"):
        own = f"{total}_{FLOW_ID}"
        assert own in dispatch.columns
        summed = dispatch[own] + dispatch[f"{total}_battery_li_ion"]
        np.testing.assert_allclose(dispatch[total], summed, atol=1e-6)
    assert dispatch[f"battery_soc_mwh_{FLOW_ID}"].max() > 0

    # The independent checks cover it as a store, and every check but the summary's passes.
    verification = json.loads((run_folder / "verification.json").read_text())
    own_checks = [c for c in verification["checks"] if FLOW_ID in c["check"]]
    assert any("state-of-charge balance" in c["check"] for c in own_checks)
    assert any(c["check"].startswith("outage windows") for c in own_checks)
    assert [c for c in verification["checks"] if not c["passed"]] == []

    # The availability Monte Carlo runs it as a store.
    summary = json.loads((run_folder / "summary.json").read_text())
    simulated = summary["reliability"]["availability"]["sites"]["baku"]
    assert simulated["battery_mwh"] == pytest.approx(flow["MWh"])


@pytest.mark.integration
def test_summary_json_states_the_flow_battery_capacities(run_folder):
    summary = json.loads((run_folder / "summary.json").read_text())
    capacity = summary["sites"]["baku"]["capacity"]
    flow = _flow_capacity(run_folder)
    assert capacity["flow_battery_mw"] == pytest.approx(flow["MW"])
    assert capacity["flow_battery_mwh"] == pytest.approx(flow["MWh"])


@pytest.mark.integration
def test_reports_are_written_with_the_flow_battery(run_folder, tmp_path):
    """The workbook (its Assumptions sheet lists the flow battery's parameters), the HTML
    report and the figures of the run folder."""
    import shutil

    from dcpower.report import write_reports

    folder = Path(shutil.copytree(run_folder, tmp_path / "run"))
    written = write_reports(folder)
    assert Path(written["workbook"]).is_file()
    assert Path(written["report"]).is_file()
    assumptions = pd.read_excel(written["workbook"], sheet_name="Assumptions")
    assert FLOW_ID in set(assumptions["item"])
