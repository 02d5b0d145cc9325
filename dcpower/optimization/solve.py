"""Hand a pyomo model to HiGHS as a matrix and read the solution back.

This is the only module that names the solver.

:func:`dcpower.optimization.standard_form.standard_form` turns the model into sparse
arrays and ``highspy.Highs.passModel`` takes them in one call (pyomo's persistent
interfaces, which add one Python object at a time, took 5-6 s per site-year). The solution
vector comes back once, as a numpy array.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.errors import InfeasibleConstraintException

from dcpower.optimization.standard_form import StandardForm, standard_form

log = logging.getLogger(__name__)


def _swallow_banner() -> None:
    """Create the process's first Highs object with stdout closed: HiGHS prints a banner then."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


_swallow_banner()


@dataclass(frozen=True, slots=True)
class SolveOutcome:
    """What the solver reports for one model.

    Attributes
    ----------
    status : str
        ``optimal``, ``time_limit``, ``infeasible``, ``unbounded`` or ``error``.
    has_solution : bool
        Whether variable values were loaded into the model.
    objective : float
        Objective of the best solution found. [USD/yr]
    mip_gap : float
        Relative gap between the best solution and the bound (0 for an LP). [-]
    compile_seconds : float
        Time to turn the model into matrices and pass them to HiGHS. [s]
    solve_seconds : float
        HiGHS wall time. [s]
    """

    status: str
    has_solution: bool
    objective: float
    mip_gap: float
    compile_seconds: float
    solve_seconds: float


_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
}


def solve(
    m: pyo.ConcreteModel,
    *,
    time_limit_s: float,
    mip_gap: float,
    threads: int = 1,
    seed: int = 0,
    warm_start: bool = False,
) -> SolveOutcome:
    """Solve a linear (mixed-integer) pyomo model with HiGHS and load the solution into it.

    Parameters
    ----------
    m : pyo.ConcreteModel
        A model with one objective; fixed variables are treated as constants.
    time_limit_s : float
        Wall-clock limit. [s]
    mip_gap : float
        Relative MIP gap to stop at. [-]
    threads : int
        HiGHS threads.
    seed : int
        HiGHS random seed (same inputs and seed give the same result).
    warm_start : bool
        Pass the variables' current values as a (partial) MIP start; HiGHS fixes the
        discrete ones and solves an LP for the rest to get its first incumbent.

    Returns
    -------
    SolveOutcome
    """
    started = time.perf_counter()
    try:
        form = standard_form(m)
    except InfeasibleConstraintException as err:
        log.info("%s: %s", m.name, err)
        elapsed = time.perf_counter() - started
        return SolveOutcome("infeasible", False, float("nan"), float("nan"), elapsed, 0.0)
    lp, integer = _highs_lp(form)
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.passModel(lp)
    if warm_start:
        _pass_start(h, form.columns)
    compiled = time.perf_counter()
    log.info(
        "%s: %d columns, %d rows, %d integer", m.name, lp.num_col_, lp.num_row_, int(integer.sum())
    )
    h.run()
    solved = time.perf_counter()

    model_status = h.getModelStatus()
    status = _STATUS.get(model_status, "error")
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == "error":
        log.warning("HiGHS ended with %s", h.modelStatusToString(model_status))
    objective = float("nan")
    gap = float("nan")
    if has_solution:
        _load_solution(h, form)
        objective = float(info.objective_function_value)
        gap = float(info.mip_gap) if integer.any() else 0.0
    return SolveOutcome(
        status=status,
        has_solution=has_solution,
        objective=objective,
        mip_gap=gap,
        compile_seconds=compiled - started,
        solve_seconds=solved - compiled,
    )


def _highs_lp(form: StandardForm) -> tuple[highspy.HighsLp, np.ndarray]:
    """Return the model as a HiGHS ``HighsLp`` and which of its columns are integer."""
    columns = form.columns
    A = form.A
    inf = highspy.kHighsInf
    col_lower = np.array([-inf if v.lb is None else v.lb for v in columns], dtype=float)
    col_upper = np.array([inf if v.ub is None else v.ub for v in columns], dtype=float)
    integer = np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool)

    lp = highspy.HighsLp()
    lp.num_col_ = A.shape[1]
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = form.cost
    lp.offset_ = form.offset
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = form.row_lower
    lp.row_upper_ = form.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in integer
        ]
    return lp, integer


def _pass_start(h: highspy.Highs, columns: list) -> None:
    """Pass the columns' current values (those that have one) to HiGHS as a MIP start."""
    given = [(i, v.value) for i, v in enumerate(columns) if v.value is not None]
    index = np.fromiter((i for i, _ in given), dtype=np.int32, count=len(given))
    value = np.fromiter((x for _, x in given), dtype=float, count=len(given))
    h.setSolution(len(given), index, value)


def _load_solution(h: highspy.Highs, form: StandardForm) -> None:
    """Set every column and every variable pyomo solved out to its value in the solution."""
    x = np.asarray(h.getSolution().col_value, dtype=float)
    for var, value in zip(form.columns, x, strict=True):
        var.set_value(value, skip_validation=True)
    for var, expr in form.eliminated:
        var.set_value(pyo.value(expr), skip_validation=True)
