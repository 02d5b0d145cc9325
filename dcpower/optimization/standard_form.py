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
    repn = _compile_other_rows(m, families)
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
        (a, r, k), row_lower, row_upper = _family_block(c, columns, position)
        blocks.append((a, r + first_row, k))
        lower.append(row_lower)
        upper.append(row_upper)
        row_data.extend(c.values())
        first_row += len(row_lower)
    n_cols = len(columns)
    cost = np.zeros(n_cols)
    cost[: repn.c.shape[1]] = np.asarray(repn.c.toarray()).ravel()
    return StandardForm(
        columns=columns,
        rows=row_data,
        A=_assemble_matrix(blocks, first_row, n_cols),
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        cost=cost,
        offset=float(repn.c_offset[0]) if len(repn.c_offset) else 0.0,
        eliminated=list(repn.eliminated_vars),
    )


def _compile_other_rows(m: pyo.ConcreteModel, families: list):
    """Compile the objective and every row outside ``families`` with pyomo's compiler.

    The families are deactivated meanwhile (the compiler skips inactive rows) and active
    again afterwards, also if the compiler raises.
    """
    for c in families:
        c.deactivate()
    try:
        return LinearStandardFormCompiler().write(m, mixed_form=True)
    finally:
        for c in families:
            c.activate()


def _family_block(
    c: pyo.Constraint, columns: list, position: dict[int, int]
) -> tuple[tuple[np.ndarray, np.ndarray, list[int]], np.ndarray, np.ndarray]:
    """Coefficients and row bounds of one family of linear rows.

    Parameters
    ----------
    c : pyo.Constraint
        A constraint built by :func:`dcpower.techs.base.add_linear_rows`.
    columns : list
        Variables with a column so far; a free variable seen for the first time is
        appended.
    position : dict
        Column of each variable in ``columns``, by ``id``; kept in step with it.

    Returns
    -------
    (values, rows, cols) : tuple
        Nonzero coefficients with their row (within the family) and column.
    row_lower, row_upper : np.ndarray
        Row bounds less the fixed variables' terms.

    Raises
    ------
    InfeasibleConstraintException
        If a row has no free variable left and its fixed terms break its bounds.
    """
    rows = c.linear_rows
    r, k, a, fixed = _family_terms(rows, columns, position)
    row_lower, row_upper = rows.lower - fixed, rows.upper - fixed
    empty = np.bincount(np.asarray(r, dtype=int), minlength=len(rows.lower)) == 0
    broken = empty & ((row_lower > EMPTY_ROW_TOLERANCE) | (row_upper < -EMPTY_ROW_TOLERANCE))
    if broken.any():
        i = int(np.flatnonzero(broken)[0])
        raise InfeasibleConstraintException(
            f"row {list(c.values())[i].name} has no free variable and its fixed terms "
            f"({fixed[i]:g}) break its bounds [{rows.lower[i]:g}, {rows.upper[i]:g}]"
        )
    return (np.asarray(a, dtype=float), np.asarray(r, dtype=int), k), row_lower, row_upper


def _family_terms(
    rows, columns: list, position: dict[int, int]
) -> tuple[list[int], list[int], list[float], np.ndarray]:
    """Split a family's terms into nonzeros of free variables and the fixed ones' sums.

    Returns
    -------
    rows, cols, values : list
        Row (within the family), column and coefficient of each nonzero.
    fixed : np.ndarray
        Per row, the sum of its fixed variables' terms (moved to the bounds, as pyomo does).
    """
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
    return r, k, a, fixed


def _assemble_matrix(blocks: list, n_rows: int, n_cols: int) -> sp.csc_matrix:
    """Stack pyomo's rows (a COO matrix, first) and the families' (values, rows, cols)."""
    pyomo_rows = blocks[0]
    values = np.concatenate([pyomo_rows.data] + [b[0] for b in blocks[1:]])
    row_index = np.concatenate([pyomo_rows.row] + [b[1] for b in blocks[1:]])
    col_index = np.concatenate([pyomo_rows.col] + [np.asarray(b[2], dtype=int) for b in blocks[1:]])
    return sp.csc_matrix((values, (row_index, col_index)), shape=(n_rows, n_cols))
