"""A blocks sizing that falls short in the full-year dispatch is redone on every hour."""

import numpy as np
import pytest
from helpers import one_engine_scenario

import dcpower.pipeline as pipeline

pytestmark = pytest.mark.component


def test_spike_hidden_by_blocks_triggers_a_full_year_pass(monkeypatch):
    """Flat 10 MW with one 20 MW hour; 5 MW units; no redundancy rules (k = 0, N-1 off).

    On 3-h blocks the spike averages to (20 + 10 + 10) / 3 = 13.3 MW, so 3 units (15 MW)
    look enough; the full-year dispatch then falls 5 MW short in the spike hour
    (5 MWh/yr). The second pass sizes on every hour: 4 units, nothing unserved.
    """
    load = np.full(8760, 10.0)
    load[4000] = 20.0
    scenario = one_engine_scenario(monkeypatch, load, {"kind": "blocks", "block_hours": 3})
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
