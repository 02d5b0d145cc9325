"""A plan that falls short in the full-year dispatch is sized again: with integer commitment
on the same steps if only whole units are what it lacks, else on every hour."""

import numpy as np
import pytest
from helpers import gas_tech, one_engine_scenario

import dcpower.pipeline as pipeline

pytestmark = pytest.mark.component


def test_spike_hidden_by_blocks_triggers_a_full_year_pass(monkeypatch):
    """Flat 10 MW with one 20 MW hour; 5 MW units; no redundancy rules (k = 0, N-1 off).

    On 3-h blocks the spike averages to (20 + 10 + 10) / 3 = 13.3 MW, so 3 units (15 MW)
    look enough; the full-year dispatch then falls 5 MW short in the spike hour
    (5 MWh/yr), with commitment relaxed as well, so whole units are not what it lacks.
    The second pass sizes on every hour: 4 units, nothing unserved.
    """
    load = np.full(8760, 10.0)
    load[4000] = 20.0
    scenario = one_engine_scenario(monkeypatch, load, {"kind": "blocks", "block_hours": 3})
    site = pipeline.solve_site(scenario, "s")
    first, second = site.sizing_passes
    assert first["horizon"] == "blocks" and first["block_hours"] == 3
    assert first["unserved_mwh_per_yr"] == pytest.approx(5.0)
    assert (second["horizon"], second["commitment"]) == ("full_year", "relaxed")
    assert second["unserved_mwh_per_yr"] == 0.0
    assert site.gas_units["eng"]["units"] == 4
    assert site.status == "optimal"
    assert site.dispatch["unserved_mw"].max() == 0.0
    # the reported dispatch is the integer-commitment re-dispatch of the full-year sizing
    online = site.dispatch["gas_units_online_eng"]
    assert (online == online.round()).all()


def test_a_plan_sized_with_relaxed_commitment_is_sized_again_with_integer_commitment(
    monkeypatch,
):
    """Flat 2 MW on one 5 MW engine whose minimum load is 60 % (3 MW); a lossless battery
    at 5,000 USD/MW and 1,000 USD/MWh a year; day-long blocks; no redundancy rules.

    Relaxed commitment runs 0.4 of the engine at 2 MW (minimum 0.6 x 5 x 0.4 = 1.2 MW), so
    the first pass builds one engine and no battery. A whole engine cannot run below 3 MW
    and the balance takes no surplus, so the integer dispatch of that plan keeps it off:
    2 MW x 8760 h = 17,520 MWh/yr unserved, while a relaxed dispatch of the year serves
    it all (whole units are what the plan lacks). The second pass sizes the same blocks with
    integer commitment: the engine runs above the load to charge the battery and is off
    while the battery carries the load. An off block needs 2 MW for 24 h: a 2 MW, 48 MWh
    battery (10,000 + 48,000 USD/yr). Annual cost 250,000 (the engine, 5,000 kW x 1,000
    USD over 20 years) + fuel 2 MW x 8760 h x 10 MMBtu/MWh x 3 USD = 525,600 + 58,000 =
    833,600 USD/yr; its full-year dispatch serves every hour, and no third pass is needed.
    """
    from helpers import lossless_battery

    scenario = one_engine_scenario(
        monkeypatch,
        np.full(8760, 2.0),
        {"kind": "blocks", "block_hours": 24},
        engine=gas_tech(min_load_fraction=0.6, max_units=1),
        bat=lossless_battery(),
    )
    site = pipeline.solve_site(scenario, "s")
    first, second = site.sizing_passes
    assert (first["horizon"], first["commitment"]) == ("blocks", "relaxed")
    assert first["unserved_mwh_per_yr"] == pytest.approx(17_520.0)
    assert (second["horizon"], second["commitment"]) == ("blocks", "integer")
    assert second["unserved_mwh_per_yr"] == 0.0
    assert second["cost_usd_per_yr"] == pytest.approx(833_600.0, rel=1e-6)
    caps = site.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["bat", "MW"] == pytest.approx(2.0, abs=1e-6)
    assert caps["bat", "MWh"] == pytest.approx(48.0, abs=1e-6)
    assert site.status == "optimal"
    assert site.dispatch["unserved_mw"].max() == 0.0
