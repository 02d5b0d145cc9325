"""A technology defined here, in the test file only, runs through all of dcpower.

The constant-output generator below is registered like the built-in ones: its parameter
class, profile, pyomo block, read-back, Monte Carlo behaviour, finance assets and display
all live in this file, and ``dcpower.run`` sizes it, writes it to every table of the run
folder, verifies it, charts it and puts it in the workbook without an edit to dcpower.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from dcpower import techs
from dcpower.schema import NonNegative, Positive
from dcpower.techs.contract import (
    Asset,
    Display,
    Readback,
    SiteRows,
    Supply,
    Technology,
    TechSpec,
    Total,
)

KIND = "test_constant"


class ConstantSpec(TechSpec):
    """A generator that can give its capacity in every hour, at a capital and an energy cost."""

    kind: Literal["test_constant"] = "test_constant"
    capex_usd_per_kw: NonNegative
    vom_usd_per_mwh: NonNegative
    lifetime_yr: Positive


class Constant(Technology):
    """Output up to its capacity in every hour (a resource of 1 MW per MW, never curtailed
    by the weather)."""

    kind = KIND
    spec = ConstantSpec
    resource = "variable"
    display = Display(name="Constant", colour="#00A087", order=25)
    profile_columns: ClassVar[dict] = {"cf": "constant_cf"}
    totals = (
        Total("constant_mw", 25, balance=1),
        Total("curtailment_mw", 90, outage=False, per_technology=False),
    )
    summary_capacity: ClassVar[dict] = {"constant_mw": (KIND, "MW")}
    summary_generation: ClassVar[dict] = {"constant": "constant_mw"}

    def profile(self, spec, weather, metadata):
        return {"cf": np.ones(len(weather))}

    def add_block(self, m, tech_id, spec, inp):
        import pyomo.environ as pyo

        from dcpower.techs.base import add_linear_rows, annual_sum, capital_recovery_factor

        b = pyo.Block()
        m.add_component(tech_id, b)
        b.capacity_mw = pyo.Var(within=pyo.NonNegativeReals)
        b.power_mw = pyo.Var(m.T, within=pyo.NonNegativeReals)
        power = list(b.power_mw.values())
        add_linear_rows(b, "limit", m.T, [(1, power), (-1, b.capacity_mw)], "<=")
        reg = m.registry
        reg.injections_mw.append(b.power_mw)
        reg.sizing[f"{tech_id}.capacity_mw"] = b.capacity_mw
        reg.capex_usd[tech_id] = 1e3 * spec.capex_usd_per_kw * b.capacity_mw
        annuity = capital_recovery_factor(inp.economics.wacc, spec.lifetime_yr)
        reg.cost_usd_per_yr[(tech_id, "capex")] = annuity * reg.capex_usd[tech_id]
        reg.cost_usd_per_yr[(tech_id, "variable_om")] = spec.vom_usd_per_mwh * annual_sum(
            m, b.power_mw
        )

    def read(self, block, tech_id, spec, index):
        from dcpower.techs.base import values

        capacity = float(values(block.capacity_mw)[0]) if block is not None else 0.0
        power = values(block.power_mw) if block is not None else np.zeros(len(index))
        return Readback(
            capacities=[(tech_id, KIND, capacity, "MW")],
            columns={f"constant_mw_{tech_id}": power},
            totals={"constant_mw": power, "curtailment_mw": capacity - power},
        )

    def check(self, tech_id, spec, c):
        capacity, power = c.cap(tech_id, "MW"), c.d(f"constant_mw_{tech_id}")
        c.hourly(f"{KIND} {tech_id} output within capacity", capacity - power, capacity, "MW")

    def recompute(self, tech_id, spec, c):
        return {"curtailment_mw": c.cap(tech_id, "MW") - c.d(f"constant_mw_{tech_id}")}

    def behaviour(self, tech_id, spec, rows: SiteRows):
        return Supply(rows.column(f"constant_mw_{tech_id}"))

    def assets(self, tech_id, spec, rows: SiteRows, scenario):
        capex = 1e3 * spec.capex_usd_per_kw * rows.capacity(tech_id, "MW")
        return [Asset(tech_id, KIND, capex, spec.lifetime_yr)]


SCENARIO: dict = {
    "name": "registry-test",
    "sites": {
        "aktau": {
            "climate": "aktau",
            "data_center": {"it_capacity_mw": 10, "utilization": 0.8},
            "technologies": ["steady", "recip_engine"],
        }
    },
    "technologies": {
        "steady": {
            "kind": KIND,
            "capex_usd_per_kw": 100.0,
            "vom_usd_per_mwh": 1.0,
            "lifetime_yr": 20,
        },
        "recip_engine": {},
    },
    "economics": {},
    "reliability": {"redundancy_k": 1, "hourly_n_minus_1": False, "monte_carlo_years": 20},
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 24},
    "solver": {"time_limit_s": 60, "mip_gap": 1e-6, "threads": 1},
}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    import dcpower
    from dcpower.scenario import scenario_from_dict

    techs.register(Constant)
    try:
        out = tmp_path_factory.mktemp("registry") / "run"
        dcpower.run(scenario_from_dict(SCENARIO), out=out, parallel=False)
        yield out
    finally:
        techs.unregister(KIND)


@pytest.mark.integration
def test_a_technology_of_the_test_file_runs_through_every_stage(run_folder: Path) -> None:
    """The cheap steady generator serves the load (its energy costs 1 USD/MWh against gas
    fuel), gas stays for N+1; its rows and columns are in every table of the run folder."""
    dispatch = pd.read_csv(run_folder / "dispatch.csv")
    load = dispatch["load_mw"].to_numpy()
    np.testing.assert_allclose(dispatch["constant_mw_steady"], load, rtol=1e-6)
    np.testing.assert_allclose(dispatch["constant_mw"], load, rtol=1e-6)
    assert dispatch["gas_mw"].abs().max() < 1e-6

    capacities = pd.read_csv(run_folder / "capacities.csv").set_index(["technology", "unit"])
    assert capacities.loc[("steady", "MW"), "kind"] == KIND
    assert capacities.loc[("steady", "MW"), "capacity"] == pytest.approx(load.max(), rel=1e-6)
    assert capacities.loc[("recip_engine", "units"), "capacity"] >= 2  # N+1 on gas alone

    costs = pd.read_csv(run_folder / "costs.csv")
    steady = costs[costs["technology"] == "steady"].set_index("component")["usd_per_yr"]
    # capex 100 USD/kW of the peak over 20 years at the WACC, and 1 USD/MWh of the year
    assert set(steady.index) == {"capex", "variable_om"}
    annual_mwh = float((dispatch["constant_mw"] * dispatch["weight_h"]).sum())
    assert steady["variable_om"] == pytest.approx(annual_mwh, rel=1e-6)

    summary = yaml.safe_load((run_folder / "summary.json").read_text())
    site = summary["sites"]["aktau"]
    assert site["capacity"]["constant_mw"] == pytest.approx(load.max(), rel=1e-6)
    assert site["generation_mwh_per_yr"]["constant"] == pytest.approx(annual_mwh, rel=1e-6)

    verification = yaml.safe_load((run_folder / "verification.json").read_text())
    assert verification["passed"]
    names = {c["check"] for c in verification["checks"]}
    assert f"{KIND} steady output within capacity" in names


@pytest.mark.integration
def test_the_technology_is_charted_and_in_the_workbook(run_folder: Path) -> None:
    from dcpower.report import figures

    assert ("constant_mw", "Constant", "#00A087", False) in figures.stack()
    mix = figures.capacity_mix(pd.read_csv(run_folder / "capacities.csv"))
    labels = [t.get_text() for t in mix.axes[0].get_legend().get_texts()]
    assert "Constant (MW)" in labels
    week = figures.dispatch_week(pd.read_csv(run_folder / "dispatch.csv"), "aktau", (0, 24), "x")
    assert "Constant" in [t.get_text() for t in week.axes[0].get_legend().get_texts()]

    book = openpyxl.load_workbook(run_folder / "results.xlsx", read_only=True)
    summary_labels = [row[0] for row in book["Summary"].iter_rows(values_only=True)]
    assert "Constant [MW]" in summary_labels
    assert "Constant energy [MWh/yr]" in summary_labels
    headers = next(book["Hourly dispatch"].iter_rows(values_only=True))
    assert any(str(h).startswith("constant steady") for h in headers), headers
    capacity_rows = [row[:2] for row in book["Capacities"].iter_rows(values_only=True)]
    assert ("aktau", "steady") in capacity_rows


@pytest.mark.unit
def test_an_unregistered_kind_is_named_with_the_registered_ones() -> None:
    from dcpower.errors import ScenarioError
    from dcpower.scenario import scenario_from_dict

    raw = {**SCENARIO, "technologies": {**SCENARIO["technologies"]}}
    raw["technologies"]["steady"] = {**raw["technologies"]["steady"], "kind": "not_registered"}
    with pytest.raises(ScenarioError, match=r"steady.kind = 'not_registered'.*allowed: pv, wind"):
        scenario_from_dict(raw)
