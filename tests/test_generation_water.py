"""Water the generating technologies consume: paid at the site's water price and held
within the site's water limit, with cooling water. Hand-solved on a flat 10 MW load."""

import numpy as np
import pytest
from helpers import gas_tech, site_inputs

from dcpower.errors import InfeasibleError
from dcpower.optimization.optimize import optimize_site
from dcpower.scenario import Reliability, Solver

pytestmark = pytest.mark.component

EXACT = Solver(mip_gap=1e-9, time_limit_s=60)
NO_RULES = Reliability(redundancy_k=0, hourly_n_minus_1=False)


def _solve(technologies, **site):
    inp = site_inputs(np.full(24, 10.0), technologies, reliability=NO_RULES, **site)
    return optimize_site(inp, EXACT)


def test_generation_water_is_paid_at_the_site_water_price():
    """Two 5 MW engines (500,000 USD/yr) burn 87,600 MWh x 10 MMBtu/MWh x 3 USD = 2,628,000
    USD/yr; at 1 m3/MWh and 0.5 USD/m3 their 87,600 m3/yr of water cost 43,800 USD/yr more:
    3,171,800 USD/yr."""
    run = _solve({"wet": gas_tech(water_m3_per_mwh=1.0)}, water_price_usd_per_m3=0.5)
    assert run.objective_usd_per_yr == pytest.approx(3_171_800.0, rel=1e-9)
    costs = run.solution.costs.set_index(["technology", "component"])["usd_per_yr"]
    assert costs["wet", "water"] == pytest.approx(43_800.0, rel=1e-9)


def test_a_water_limit_moves_output_to_a_dry_unit():
    """A water-cooled engine (10 MMBtu/MWh, 1 m3/MWh) and a dry one (12 MMBtu/MWh, none);
    a limit of 43,800 m3/yr. Without it two wet engines serve the 10 MW (3,128,000 USD/yr).
    With it the wet engine gives at most 43,800 MWh/yr (5 MW on average), the dry one the
    rest: one of each, 500,000 + 43,800 x (30 + 36) = 3,390,800 USD/yr."""
    technologies = {
        "wet": gas_tech(water_m3_per_mwh=1.0),
        "dry": gas_tech(heat_rate_full_load_mmbtu_per_mwh=12.0),
    }
    free = _solve(technologies)
    assert free.objective_usd_per_yr == pytest.approx(3_128_000.0, rel=1e-9)
    limited = _solve(technologies, water_limit_m3_per_yr=43_800.0)
    assert limited.objective_usd_per_yr == pytest.approx(3_390_800.0, rel=1e-9)
    units = {k: v["units"] for k, v in limited.solution.gas_units.items()}
    assert units == {"wet": 1, "dry": 1}


def test_a_water_limit_no_plan_meets_names_the_excess():
    """Only the water-cooled engine: 87,600 m3/yr against a limit of 43,800, 43,800 over."""
    with pytest.raises(InfeasibleError, match=r"water limit.*43,800 m3/yr over"):
        _solve({"wet": gas_tech(water_m3_per_mwh=1.0)}, water_limit_m3_per_yr=43_800.0)
