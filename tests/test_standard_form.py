"""The hand-over matrix: rows from the arrays of add_linear_rows equal pyomo's own compile."""

import numpy as np
import pyomo.environ as pyo
import pytest
from helpers import BatteryTech, PVTech, Reliability, gas_tech, site_inputs
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from dcpower.optimization.build import build_model, fix_sizing, sizing_values
from dcpower.optimization.optimize import optimize_site
from dcpower.optimization.solve import solve
from dcpower.optimization.standard_form import standard_form
from dcpower.scenario import Solver
from dcpower.techs.base import add_linear_rows

pytestmark = pytest.mark.component


def _by_name(columns, rows, A, lower, upper) -> tuple[dict, dict, dict]:
    """Coefficients by (row, column) name, row bounds by name, rows that hold no entry."""
    coo = A.tocoo()
    entries = {
        (rows[i].name, columns[j].name): v
        for i, j, v in zip(coo.row, coo.col, coo.data, strict=True)
    }
    counts = np.bincount(coo.row, minlength=len(rows))
    table = list(zip(rows, lower, upper, counts, strict=True))
    bounds = {r.name: (lo, up) for r, lo, up, n in table if n}
    empty = {r.name: (lo, up) for r, lo, up, n in table if not n}
    return entries, bounds, empty


def _pyomo(m) -> tuple[dict, dict, dict]:
    repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    sense = np.array([mult for _, mult in repn.rows])
    rhs = np.asarray(repn.rhs, dtype=float)
    lower = np.where(sense >= 0, np.where(sense == 0, rhs, -np.inf), rhs)
    upper = np.where(sense <= 0, np.where(sense == 0, rhs, np.inf), rhs)
    rows = [con for con, _ in repn.rows]
    c = np.asarray(repn.c.toarray()).ravel()
    cost = dict(zip((v.name for v in repn.columns), c, strict=True))
    return _by_name(repn.columns, rows, repn.A, lower, upper), cost


def _site(integer: bool):
    """24 h: PV, a battery and two gas types, N+1 with hourly N-1 (type-online rows)."""
    cf = np.clip(np.sin(np.pi * (np.arange(24) - 6) / 12), 0, None)
    techs = {
        "pv": PVTech(capex_usd_per_kw_ac=800.0, fom_usd_per_kw_yr=10.0, lifetime_yr=25.0),
        "bat": BatteryTech(
            capex_energy_usd_per_kwh=200.0,
            capex_power_usd_per_kw=100.0,
            lifetime_yr=15.0,
            eta_charge=0.95,
            eta_discharge=0.95,
        ),
        "eng": gas_tech(min_load_fraction=0.3, startup_cost_usd_per_mw=20.0),
        "gt": gas_tech(unit_mw=8.0, capex_usd_per_kw=700.0, ramp_pct_per_min=1.0),
    }
    load = 12 + 3 * np.sin(np.arange(24) / 24 * 2 * np.pi)
    rules = Reliability(redundancy_k=1, hourly_n_minus_1=True)
    return site_inputs(load, techs, cf=cf, reliability=rules, integer_commitment=integer)


@pytest.mark.parametrize("integer", [False, True])
@pytest.mark.parametrize("fixed", [False, True])
def test_rows_from_arrays_equal_pyomos_compile(integer, fixed):
    """Sizing and re-dispatch (sizing fixed: fixed variables move to the bounds) models."""
    inp = _site(integer)
    m = build_model([inp])
    if fixed:
        plan = optimize_site(inp, Solver(mip_gap=1e-6, time_limit_s=60))
        fix_sizing(m.site[inp.block_name], plan.sizing)
    (entries, bounds, _), cost = _pyomo(m)
    form = standard_form(m)
    ours, our_bounds, empty = _by_name(
        form.columns, form.rows, form.A, form.row_lower, form.row_upper
    )
    assert ours.keys() == entries.keys()
    for key, value in entries.items():
        assert ours[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
    assert our_bounds.keys() == bounds.keys()
    for name, (lo, up) in bounds.items():
        np.testing.assert_allclose(our_bounds[name], (lo, up), rtol=1e-12, atol=1e-9)
    for lo, up in empty.values():  # rows left without a free variable (pyomo drops them)
        assert lo <= 1e-9 and up >= -1e-9
    assert fixed or not empty
    our_cost = dict(zip((v.name for v in form.columns), form.cost, strict=True))
    for name, value in cost.items():
        assert our_cost[name] == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert all(our_cost[name] == 0 for name in our_cost.keys() - cost.keys())


def test_same_plan_and_cost_through_the_solver():
    """The solve reads the arrays; the plan and cost equal the hand-checked small site's."""
    inp = _site(False)
    m = build_model([inp])
    outcome = solve(m, time_limit_s=60, mip_gap=1e-9)
    assert outcome.status == "optimal"
    reference = build_model([inp])
    for c in reference.component_objects(pyo.Constraint, descend_into=True):
        c.linear_rows = None  # pyomo's compile for every row
    again = solve(reference, time_limit_s=60, mip_gap=1e-9)
    assert outcome.objective == pytest.approx(again.objective, rel=1e-9)
    assert sizing_values(m.site[inp.block_name]) == pytest.approx(
        sizing_values(reference.site[inp.block_name]), rel=1e-6, abs=1e-6
    )


def test_a_row_left_without_free_variables_that_breaks_its_bounds_is_infeasible():
    """x <= y with x fixed at 2 and y at 1: nothing left to move, the row is named."""
    m = pyo.ConcreteModel()
    m.T = pyo.RangeSet(0, 2)
    m.x = pyo.Var(m.T)
    m.y = pyo.Var(m.T)
    add_linear_rows(m, "x_le_y", m.T, [(1, list(m.x.values())), (-1, list(m.y.values()))], "<=")
    m.obj = pyo.Objective(expr=sum(m.y.values()))
    m.x[1].fix(2.0)
    m.y[1].fix(1.0)
    with pytest.raises(InfeasibleConstraintException, match=r"x_le_y\[1\]"):
        standard_form(m)
