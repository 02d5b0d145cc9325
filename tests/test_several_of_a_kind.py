"""Several technologies of one kind: two batteries with different efficiencies.

Each battery has its own columns (``battery_*_<id>``), the totals stay their sums, each
has its own state-of-charge balance in the model, in the verification and in the Monte
Carlo.
"""

import numpy as np
import pandas as pd
import pytest
from helpers import BatteryTech, Reliability, gas_tech, site_inputs

from dcpower.availability import site_chunks
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import Solver

EXACT = Solver(mip_gap=1e-9, time_limit_s=60)
#: Small and lossless: at most 10 MWh.
SMALL = BatteryTech(
    capex_energy_usd_per_kwh=1.0,
    capex_power_usd_per_kw=5.0,
    lifetime_yr=1.0,
    eta_charge=1.0,
    eta_discharge=1.0,
    max_mwh=10.0,
)
#: Unbounded and lossy: half of what it holds comes out.
LOSSY = SMALL.model_copy(update={"eta_charge": 0.9, "eta_discharge": 0.5, "max_mwh": None})


@pytest.mark.component
def test_two_batteries_share_a_gas_outage_each_at_its_own_efficiency():
    """Flat 10 MW on 5 MW units (k = 0, N-1 off); a 2-h gas outage must be ridden through.

    The window needs 10 MW x 2 h = 20 MWh. Storage costs 1,000 USD/MWh and 5,000 USD/MW a
    year (1 USD/kWh, 5 USD/kW, 1-yr life, wacc 0). Power: the two discharge 10 MW together in
    each window hour, so power >= 10 MW in all; delivering d_A from the small battery and
    d_B from the lossy one over 2 h needs P_A >= d_A / 2 and P_B >= d_B / 2. Energy: the
    small one holds E_A = d_A <= 10 MWh, the lossy one E_B = d_B / 0.5 = 2 d_B. Cost
    1,000 (d_A + 2 d_B) + 5,000 (P_A + P_B) with d_A + d_B = 20 is least at d_A = 10 (its
    bound), d_B = 10: E_A = 10, E_B = 20 MWh, P_A = P_B = 5 MW; 30,000 + 50,000 = 80,000
    USD/yr. Both hold their charge all year (cyclic, no loss while idle), so neither ever
    charges. Total: 2 units 500,000 + fuel 2,628,000 + 80,000 = 3,208,000 USD/yr.
    """
    rel = Reliability(redundancy_k=0, hourly_n_minus_1=False, gas_outage_hours=2)
    techs = {"eng": gas_tech(), "small": SMALL, "lossy": LOSSY}
    run = optimize_site(site_inputs([10.0] * 24, techs, reliability=rel), EXACT)
    caps = run.solution.capacities.set_index(["technology", "unit"])["capacity"]
    assert caps["small", "MW"] == pytest.approx(5.0)
    assert caps["small", "MWh"] == pytest.approx(10.0)
    assert caps["lossy", "MW"] == pytest.approx(5.0)
    assert caps["lossy", "MWh"] == pytest.approx(20.0)
    assert run.solution.costs["usd_per_yr"].sum() == pytest.approx(3_208_000.0, rel=1e-9)

    d = run.solution.dispatch
    assert d["battery_soc_mwh_small"].iloc[23] == pytest.approx(10.0)
    assert d["battery_soc_mwh_lossy"].iloc[23] == pytest.approx(20.0)
    total = d["battery_soc_mwh_small"] + d["battery_soc_mwh_lossy"]
    np.testing.assert_allclose(d["battery_soc_mwh"], total)

    window = run.solution.outage_dispatch
    np.testing.assert_allclose(window["battery_discharge_mw_small"], [5.0, 5.0])
    np.testing.assert_allclose(window["battery_discharge_mw_lossy"], [5.0, 5.0])
    # Each store's own balance: the lossy one loses 5 / 0.5 = 10 MWh an hour.
    np.testing.assert_allclose(window["battery_soc_mwh_small"], [5.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(window["battery_soc_mwh_lossy"], [10.0, 0.0], atol=1e-9)


def _store(eta_d: float, energy_mwh: float) -> dict:
    """A store that idles full in the dispatch (no planned flows)."""
    return {
        "power_mw": 10.0,
        "energy_mwh": energy_mwh,
        "eta_charge": 1.0,
        "eta_discharge": eta_d,
        "min_soc_fraction": 0.0,
        "charge_mw": np.zeros(4),
        "discharge_mw": np.zeros(4),
        "soc_mwh": np.full(4, energy_mwh),
    }


@pytest.mark.unit
def test_monte_carlo_runs_each_store_at_its_own_efficiency():
    """4 hours of 10 MW load, no gas, nothing dispatched from storage: storage must carry it.

    The first store (eta_d 1.0, 15 MWh) gives 10 MW in hour 0 and its last 5 MWh in hour 1;
    the second (eta_d 0.5, 10 MWh: 5 MWh deliverable) covers the other 5 MW of hour 1 and is
    then empty. Hours 2 and 3 are unserved: 20 MWh. Had the second store the first's
    efficiency (the old single-battery rule), it would deliver 10 MWh: 15 MWh unserved.
    """
    chunk = next(
        site_chunks(
            load_mw=np.full(4, 10.0),
            renewables_mw=np.zeros(4),
            weight_h=np.ones(4),
            gas={},
            outage_params={},
            years=1,
            rng=np.random.default_rng(0),
            batteries=[_store(1.0, 15.0), _store(0.5, 10.0)],
        )
    )
    np.testing.assert_allclose(chunk.unserved_mw[0], [0.0, 0.0, 10.0, 10.0], atol=1e-9)


#: Baku for one summer day with a 2-h gas outage to ride through: a small lossless battery
#: (10 MWh at most) and a lossy one share it, as in the hand-solved case above.
TWO_BATTERIES: dict = {
    "name": "two-batteries",
    "sites": {
        "baku": {
            "climate": "baku",
            "data_center": {"it_capacity_mw": 10, "utilization": 0.8},
            "technologies": ["small", "lossy", "recip_engine"],
        }
    },
    "technologies": {
        "small": {
            "catalogue_id": "battery_li_ion",
            "capex_energy_usd_per_kwh": 1.0,
            "capex_power_usd_per_kw": 5.0,
            "eta_charge": 1.0,
            "eta_discharge": 1.0,
            "min_soc_fraction": 0.0,
            "max_mwh": 10.0,
        },
        "lossy": {
            "catalogue_id": "battery_li_ion",
            "capex_energy_usd_per_kwh": 1.0,
            "capex_power_usd_per_kw": 5.0,
            "eta_charge": 0.9,
            "eta_discharge": 0.5,
            "min_soc_fraction": 0.0,
        },
        "recip_engine": {},
    },
    "economics": {},
    "reliability": {
        "redundancy_k": 0,
        "hourly_n_minus_1": False,
        "gas_outage_hours": 2,
        "monte_carlo_years": 20,
    },
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 24},
    "solver": {"time_limit_s": 60, "mip_gap": 1e-6, "threads": 1},
}


@pytest.fixture(scope="module")
def two_battery_run(tmp_path_factory):
    import dcpower
    from dcpower.scenario import scenario_from_dict

    out = tmp_path_factory.mktemp("two") / "run"
    dcpower.run(scenario_from_dict(TWO_BATTERIES), out=out, parallel=False, reports=False)
    return out


@pytest.mark.integration
def test_verification_catches_an_edited_state_of_charge_of_the_second_battery(
    two_battery_run, tmp_path
):
    """Both batteries are built and hold their charge for the outage; the run verifies.

    5 MWh taken from the lossy battery's state of charge in one hour (and from the total,
    so the sum still adds up) breaks its own balance into and out of that hour; the small
    battery's checks, on its own columns, still pass.
    """
    import shutil

    from dcpower.verify import verify_run

    assert verify_run(two_battery_run)["passed"]
    caps = pd.read_csv(two_battery_run / "capacities.csv").set_index(["technology", "unit"])
    assert caps.loc[("small", "MWh"), "capacity"] == pytest.approx(10.0, rel=1e-6)
    assert caps.loc[("lossy", "MWh"), "capacity"] > 5.0

    copy = shutil.copytree(two_battery_run, tmp_path / "edited")
    dispatch = pd.read_csv(copy / "dispatch.csv")
    windows = pd.read_csv(copy / "outage_dispatch.csv")
    start = int(np.flatnonzero(dispatch["time"] == windows["time"].iloc[0])[0])
    hour = (start + 6) % len(dispatch)  # away from the hour the window starts from
    dispatch.loc[hour, ["battery_soc_mwh_lossy", "battery_soc_mwh"]] -= 5.0
    dispatch.to_csv(copy / "dispatch.csv", index=False, float_format="%.9g")

    report = verify_run(copy)
    failed = {c["check"]: c for c in report["checks"] if not c["passed"]}
    assert set(failed) == {"battery lossy state-of-charge balance (cyclic)"}
    check = failed["battery lossy state-of-charge balance (cyclic)"]
    assert check["margin"] == pytest.approx(-5.0, abs=1e-6)
    assert check["detail"].startswith("2 of 24 hours violate")
    passed = {c["check"] for c in report["checks"] if c["passed"]}
    assert "battery small state-of-charge balance (cyclic)" in passed
