"""add_linear_rows builds the same rows as pyomo's relational operators, only faster."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from dcpower.techs.base import add_linear_rows, annual_sum

pytestmark = pytest.mark.unit

CF = [0.5, 0.0, 0.25]


def _model() -> pyo.ConcreteModel:
    """Three steps, output p[t] [MW], capacity cap [MW], storage s[t] [MWh]."""
    m = pyo.ConcreteModel()
    m.T = pyo.RangeSet(0, 2)
    m.weight_h = [1.0, 2.0, 3.0]
    m.cap = pyo.Var(within=pyo.NonNegativeReals)
    m.p = pyo.Var(m.T, within=pyo.NonNegativeReals)
    m.s = pyo.Var(m.T, within=pyo.NonNegativeReals)
    return m


def _compiled(m: pyo.ConcreteModel) -> tuple:
    """Rows (name, sense), columns, dense A, rhs and objective of a model's standard form."""
    repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    return (
        [(row.constraint.name, row.bound_type) for row in repn.rows],
        [v.name for v in repn.columns],
        repn.A.toarray(),
        np.asarray(repn.rhs),
        repn.c.toarray(),
    )


def test_rows_by_hand():
    """p[t] <= cf[t] x cap is the row p[t] - cf[t] cap <= 0.

    Columns in order of first use: cap, p[0..2]. Row t has +1 on p[t] and -cf[t] on cap (no
    entry at cf = 0), right-hand side 0, sense "<=" (bound type 1).
    """
    m = _model()
    m.obj = pyo.Objective(expr=m.cap)
    add_linear_rows(m, "limit", m.T, [(1, list(m.p.values())), (-np.array(CF), m.cap)], "<=")
    rows, columns, a, rhs, _ = _compiled(m)
    assert rows == [("limit[0]", 1), ("limit[1]", 1), ("limit[2]", 1)]
    assert columns == ["cap", "p[0]", "p[1]", "p[2]"]
    np.testing.assert_array_equal(
        a, [[-0.5, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [-0.25, 0.0, 0.0, 1.0]]
    )
    np.testing.assert_array_equal(rhs, [0.0, 0.0, 0.0])


def test_same_matrix_as_relational_rows():
    """Each sense, a per-row right-hand side, a term absent in some rows, a product index.

    Written once with pyomo's operators and once with add_linear_rows in the form pyomo
    stores them (``a >= b`` with variables on both sides as ``b - a <= 0``): the compiled
    rows, columns, coefficients, right-hand sides and objective must be identical.
    """
    load = [3.0, 4.0, 5.0]
    prev = {0: None, 1: 0, 2: 1}

    def relational(m):
        m.limit = pyo.Constraint(m.T, rule=lambda m, t: m.p[t] <= CF[t] * m.cap)
        m.floor = pyo.Constraint(m.T, rule=lambda m, t: m.p[t] >= 0.1 * m.cap)
        m.chain = pyo.Constraint(
            m.T,
            rule=lambda m, t: m.s[t] == (0.0 if prev[t] is None else m.s[prev[t]]) + 2.0 * m.p[t],
        )
        m.serve = pyo.Constraint(m.T, rule=lambda m, t: m.p[t] + m.s[t] >= load[t])
        m.pair = pyo.Constraint(m.T, ["a", "b"], rule=lambda m, t, k: m.p[t] <= m.cap)

    def helper(m):
        p, s = list(m.p.values()), list(m.s.values())
        add_linear_rows(m, "limit", m.T, [(1, p), (-np.array(CF), m.cap)], "<=")
        add_linear_rows(m, "floor", m.T, [(0.1, m.cap), (-1, p)], "<=")
        before = [None if prev[t] is None else s[prev[t]] for t in m.T]
        add_linear_rows(m, "chain", m.T, [(1, s), (-1, before), (-2.0, p)], "==")
        add_linear_rows(m, "serve", m.T, [(1, p), (1, s)], ">=", rhs=load)
        pairs = [(t, k) for t in m.T for k in "ab"]
        terms = [(1, [m.p[t] for t, _ in pairs]), (-1, m.cap)]
        add_linear_rows(m, "pair", (m.T, ["a", "b"]), terms, "<=")

    compiled = []
    for build in (relational, helper):
        m = _model()
        build(m)
        m.obj = pyo.Objective(expr=100 * m.cap + annual_sum(m, m.p))
        compiled.append(_compiled(m))
    for old, new in zip(*compiled, strict=True):
        if isinstance(old, list):
            assert old == new
        else:
            np.testing.assert_array_equal(old, new)


def test_annual_sum_of_a_variable():
    """Sum of weight x p[t]: 1 p[0] + 2 p[1] + 3 p[2] (the weights are the step hours)."""
    m = _model()
    m.obj = pyo.Objective(expr=annual_sum(m, m.p))
    assert [v.name for v in LinearStandardFormCompiler().write(m).columns] == [
        "p[0]",
        "p[1]",
        "p[2]",
    ]
    for t, v in enumerate(m.p.values()):
        v.set_value(10.0 * (t + 1))
    assert pyo.value(m.obj) == pytest.approx(10 * 1 + 20 * 2 + 30 * 3)


def test_bad_sense_names_family_and_allowed():
    m = _model()
    with pytest.raises(ValueError, match=r"'limit'.*'<'.*allowed '<=', '>=', '=='"):
        add_linear_rows(m, "limit", m.T, [(1, list(m.p.values()))], "<")
