"""A blocks sizing that falls short in the full-year dispatch is redone on every hour."""

import numpy as np
import pandas as pd
import pytest

import dcpower.pipeline as pipeline
from dcpower.scenario import scenario_from_dict

pytestmark = pytest.mark.component

ENGINE = {
    "kind": "gas", "unit_mw": 5.0, "capex_usd_per_kw": 1000.0, "fom_usd_per_kw_yr": 0.0,
    "vom_usd_per_mwh": 0.0, "lifetime_yr": 20.0, "heat_rate_full_load_mmbtu_per_mwh": 10.0,
    "no_load_fuel_fraction": 0.0, "min_load_fraction": 0.0, "startup_cost_usd_per_mw": 0.0,
    "ramp_pct_per_min": 100.0, "derate_start_c": 15.0, "derate_pct_per_c": 0.0,
}  # fmt: skip


def test_spike_hidden_by_blocks_triggers_a_full_year_pass(monkeypatch):
    """Flat 10 MW with one 20 MW hour; 5 MW units; no redundancy rules (k = 0, N-1 off).

    On 3-h blocks the spike averages to (20 + 10 + 10) / 3 = 13.3 MW, so 3 units (15 MW)
    look enough; the full-year dispatch then falls 5 MW short in the spike hour
    (5 MWh/yr). The second pass sizes on every hour: 4 units, nothing unserved.
    """
    index = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Asia/Baku")
    load = np.full(8760, 10.0)
    load[4000] = 20.0
    hourly = pd.DataFrame(
        {
            "temp_air": 20.0,
            "ghi": 0.0,
            "it_load_mw": load,
            "pue": 1.0,
            "load_mw": load,
            "gas_cf_eng": 1.0,
            "heat_rate_factor_eng": 1.0,
        },
        index=index,
    )
    monkeypatch.setattr(pipeline, "hourly_profiles", lambda scenario, site_id, year=0: hourly)
    scenario = scenario_from_dict(
        {
            "name": "spike",
            "sites": {
                "s": {
                    "climate": "baku",
                    "data_center": {"it_capacity_mw": 10.0},
                    "technologies": ["eng"],
                    "gas_price_usd_per_mmbtu": 3.0,
                }
            },
            "technologies": {"eng": ENGINE},
            "economics": {"wacc": 0.0},
            "reliability": {"redundancy_k": 0, "hourly_n_minus_1": False},
            "time": {"kind": "blocks", "block_hours": 3},
            "solver": {"mip_gap": 1e-6},
        }
    )
    site = pipeline.solve_site(scenario, "s")
    first, second = site.sizing_passes
    assert first["horizon"] == "blocks" and first["block_hours"] == 3
    assert first["unserved_mwh_per_yr"] == pytest.approx(5.0)
    assert second["horizon"] == "full_year"
    assert second["unserved_mwh_per_yr"] == 0.0
    assert site.gas_units["eng"]["units"] == 4
    assert site.status == "optimal"
    assert site.dispatch["unserved_mw"].max() == 0.0
    # the reported dispatch is the integer-commitment re-dispatch of the full-year sizing
    online = site.dispatch["gas_units_online_eng"]
    assert (online == online.round()).all()
