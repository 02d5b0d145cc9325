"""A pyomo model as the sparse arrays a solver takes: columns, rows with bounds, costs.

Rows built by :func:`dcpower.techs.base.add_linear_rows` (most of a site model: every
hourly family of the technologies, the balance, N-1) carry their coefficients and
variables as arrays (:class:`dcpower.techs.base.LinearRows`); they are assembled into the
matrix directly. The other rows and the objective go through pyomo's
``LinearStandardFormCompiler``, which walks each row's expression (about 7 us a row).
Both give the same rows: fixed variables move to the bounds, as pyomo does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

#: A row with no free variable left is infeasible if its bounds miss zero by more than this.
EMPTY_ROW_TOLERANCE = 1e-9


@dataclass
class StandardForm:
    """``row_lower <= A x <= row_upper``, bounds on x, minimize ``cost @ x + offset``.

    Attributes
    ----------
    columns : list
        The pyomo variable of each column.
    rows : list
        The pyomo constraint (row) of each row.
    A : scipy.sparse.csc_matrix
        Row-by-column coefficients.
    row_lower, row_upper : np.ndarray
        Row bounds (-inf / inf where there is none).
    cost : np.ndarray
        Objective coefficient per column.
    offset : float
        Objective constant.
    eliminated : list
        ``(variable, expression)`` pairs pyomo solved out of the model.
    """

    columns: list
    rows: list
    A: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    cost: np.ndarray
    offset: float
    eliminated: list


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    """Compile a linear (mixed-integer) model to a :class:`StandardForm`.

    Raises
    ------
    InfeasibleConstraintException
        If a row has no free variable left and its fixed terms break its bounds.
    """
    families = [
        c
        for c in m.component_objects(pyo.Constraint, active=True, descend_into=True)
        if getattr(c, "linear_rows", None) is not None
    ]
    for c in families:
        c.deactivate()
    try:
        repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    finally:
        for c in families:
            c.activate()
    columns = list(repn.columns)
    row_data = [con for con, _ in repn.rows]
    sense = np.fromiter((mult for _, mult in repn.rows), dtype=int, count=len(repn.rows))
    rhs = np.asarray(repn.rhs, dtype=float)
    lower = [np.where(sense >= 0, np.where(sense == 0, rhs, -np.inf), rhs)]
    upper = [np.where(sense <= 0, np.where(sense == 0, rhs, np.inf), rhs)]
    blocks = [repn.A.tocoo()]
    position = {id(v): j for j, v in enumerate(columns)}
    first_row = len(rhs)
    for c in families:
        rows = c.linear_rows
        n = len(rows.lower)
        fixed = np.zeros(n)
        r, k, a = [], [], []
        for coefficients, variable in rows.terms:
            variables = variable if isinstance(variable, list) else [variable] * n
            for i, (coefficient, v) in enumerate(zip(coefficients, variables, strict=True)):
                if v is None or coefficient == 0:
                    continue
                if v.fixed:
                    fixed[i] += coefficient * v.value
                    continue
                j = position.get(id(v))
                if j is None:
                    j = position[id(v)] = len(columns)
                    columns.append(v)
                r.append(i)
                k.append(j)
                a.append(coefficient)
        row_lower, row_upper = rows.lower - fixed, rows.upper - fixed
        empty = np.bincount(np.asarray(r, dtype=int), minlength=n) == 0
        broken = empty & ((row_lower > EMPTY_ROW_TOLERANCE) | (row_upper < -EMPTY_ROW_TOLERANCE))
        family_rows = list(c.values())
        if broken.any():
            i = int(np.flatnonzero(broken)[0])
            raise InfeasibleConstraintException(
                f"row {family_rows[i].name} has no free variable and its fixed terms "
                f"({fixed[i]:g}) break its bounds [{rows.lower[i]:g}, {rows.upper[i]:g}]"
            )
        blocks.append((np.asarray(a, dtype=float), np.asarray(r, dtype=int) + first_row, k))
        lower.append(row_lower)
        upper.append(row_upper)
        row_data.extend(family_rows)
        first_row += n
    n_rows, n_cols = first_row, len(columns)
    pyomo_rows = blocks[0]
    values = np.concatenate([pyomo_rows.data] + [b[0] for b in blocks[1:]])
    row_index = np.concatenate([pyomo_rows.row] + [b[1] for b in blocks[1:]])
    col_index = np.concatenate([pyomo_rows.col] + [np.asarray(b[2], dtype=int) for b in blocks[1:]])
    A = sp.csc_matrix((values, (row_index, col_index)), shape=(n_rows, n_cols))
    cost = np.zeros(n_cols)
    cost[: repn.c.shape[1]] = np.asarray(repn.c.toarray()).ravel()
    return StandardForm(
        columns=columns,
        rows=row_data,
        A=A,
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        cost=cost,
        offset=float(repn.c_offset[0]) if len(repn.c_offset) else 0.0,
        eliminated=list(repn.eliminated_vars),
    )
