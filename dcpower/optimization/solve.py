"""Hand a pyomo model to HiGHS as a matrix and read the solution back.

This is the only module that names the solver.

:func:`dcpower.optimization.standard_form.standard_form` turns the model into sparse
arrays and ``highspy.Highs.passModel`` takes them in one call (pyomo's persistent
interfaces, which add one Python object at a time, took 5-6 s per site-year). The solution
vector comes back once, as a numpy array.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
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


#: prctl option: the signal a process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def solving_process() -> None:
    """Prepare a worker of a solving pool: one that ends when told to or when orphaned.

    Forgets the HiGHS threads it inherited (:func:`forget_inherited_threads`); ends at once
    on SIGTERM (a worker holds nothing to save: the run folder is written by the parent);
    and, on Linux, receives SIGTERM when its parent dies, so that a run stopped by a
    scheduler or ``kill`` stops its whole tree of solves instead of leaving them running.
    """
    forget_inherited_threads()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
        except (OSError, AttributeError):  # no prctl: the worker outlives its parent
            pass


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's worker processes now and drop its queue (a run interrupted).

    ``shutdown`` alone waits for the solves under way (a minute for a site's dispatch);
    the workers (:func:`solving_process`) end on SIGTERM and hold nothing to save.
    """
    # The pool's own processes: no public handle before Python 3.14's terminate_workers.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def forget_inherited_threads() -> None:
    """Drop the HiGHS thread scheduler a forked process inherits: its threads stayed behind.

    The initializer of every process pool that solves: without it, a worker forked from a
    process that ran HiGHS with ``solver.threads`` > 1 waits forever for the parent's
    threads (measured: a hang of the windowed dispatch).
    """
    highspy.Highs.resetGlobalScheduler(False)


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


@dataclass(frozen=True)
class MatrixProblem:
    """A linear (mixed-integer) problem as plain arrays, picklable for worker processes.

    ``row_lower <= A x <= row_upper``, ``col_lower <= x <= col_upper``, ``x[integer]``
    integer; minimize ``cost @ x + offset``.
    """

    A: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    cost: np.ndarray
    offset: float
    integer: np.ndarray


@dataclass(frozen=True)
class MatrixSolution:
    """What HiGHS returns for a :class:`MatrixProblem`.

    Attributes
    ----------
    status : str
        As :attr:`SolveOutcome.status`.
    x : np.ndarray or None
        Column values (None without a solution).
    objective : float
        Objective of the solution found (nan without one). [USD/yr]
    mip_gap : float
        Relative gap (0 for an LP, nan without a solution). [-]
    solve_seconds : float
        HiGHS wall time. [s]
    """

    status: str
    x: np.ndarray | None
    objective: float
    mip_gap: float
    solve_seconds: float

    @property
    def has_solution(self) -> bool:
        """Whether column values were found."""
        return self.x is not None


def matrix_problem(form: StandardForm) -> MatrixProblem:
    """Return a compiled model's arrays, with its columns' bounds and integrality."""
    columns = form.columns
    inf = highspy.kHighsInf
    return MatrixProblem(
        A=form.A,
        row_lower=form.row_lower,
        row_upper=form.row_upper,
        col_lower=np.array([-inf if v.lb is None else v.lb for v in columns], dtype=float),
        col_upper=np.array([inf if v.ub is None else v.ub for v in columns], dtype=float),
        cost=form.cost,
        offset=form.offset,
        integer=np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool),
    )


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
    problem = matrix_problem(form)
    start = _start_values(form.columns) if warm_start else None
    log.info(
        "%s: %d columns, %d rows, %d integer",
        m.name,
        problem.A.shape[1],
        problem.A.shape[0],
        int(problem.integer.sum()),
    )
    compiled = time.perf_counter()
    found = solve_matrix(
        problem,
        time_limit_s=time_limit_s,
        mip_gap=mip_gap,
        threads=threads,
        seed=seed,
        start=start,
    )
    if found.has_solution:
        load_values(form, found.x)
    return SolveOutcome(
        status=found.status,
        has_solution=found.has_solution,
        objective=found.objective,
        mip_gap=found.mip_gap,
        compile_seconds=compiled - started,
        solve_seconds=found.solve_seconds,
    )


def _run(h: highspy.Highs) -> None:
    """Run HiGHS; in a run's main thread, in a thread of its own, so that a signal stops it.

    Python runs signal handlers in the main thread between bytecodes, so during a plain
    ``h.run()`` a Ctrl-C or SIGTERM waited for the solve to end (56 s for a one-site run
    whose solve ran to its limit). Here the main thread waits on a lock, which the signal
    interrupts; the solve is then told to stop (HiGHS's interrupt callback) and the
    interruption goes on without waiting for it: HiGHS checks the flag only now and then
    (16 s after the signal in the root node of a one-site sizing), and its daemon thread
    ends with the process. Workers of solving pools end on SIGTERM by themselves
    (:func:`solving_process`) and run HiGHS directly, without the callback.
    """
    in_worker = multiprocessing.parent_process() is not None
    if in_worker or threading.current_thread() is not threading.main_thread():
        h.run()
        return
    h.HandleUserInterrupt = True
    h.startSolve()
    try:
        h.wait()
    except BaseException:
        h.cancelSolve()
        raise


def solve_matrix(
    problem: MatrixProblem,
    *,
    time_limit_s: float,
    mip_gap: float,
    threads: int = 1,
    seed: int = 0,
    start: tuple[np.ndarray, np.ndarray] | None = None,
    mip_abs_gap: float | None = None,
) -> MatrixSolution:
    """Solve a :class:`MatrixProblem` with HiGHS (options as :func:`solve`).

    ``start`` is a partial MIP start: column positions and their values. ``mip_abs_gap``
    [objective units] also stops the search, whichever of it and ``mip_gap`` is met first.
    """
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    if mip_abs_gap is not None:
        h.setOptionValue("mip_abs_gap", float(mip_abs_gap))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.passModel(_highs_lp(problem))
    if start is not None:
        index, value = start
        h.setSolution(len(index), index, value)
    started = time.perf_counter()
    _run(h)
    seconds = time.perf_counter() - started
    model_status = h.getModelStatus()
    status = _STATUS.get(model_status, "error")
    if status == "error":
        log.warning("HiGHS ended with %s", h.modelStatusToString(model_status))
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return MatrixSolution(status, None, float("nan"), float("nan"), seconds)
    return MatrixSolution(
        status=status,
        x=np.asarray(h.getSolution().col_value, dtype=float),
        objective=float(info.objective_function_value),
        mip_gap=float(info.mip_gap) if problem.integer.any() else 0.0,
        solve_seconds=seconds,
    )


def _highs_lp(problem: MatrixProblem) -> highspy.HighsLp:
    """Return a problem as a HiGHS ``HighsLp``."""
    A = problem.A
    lp = highspy.HighsLp()
    lp.num_col_ = A.shape[1]
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = problem.cost
    lp.offset_ = problem.offset
    lp.col_lower_ = problem.col_lower
    lp.col_upper_ = problem.col_upper
    lp.row_lower_ = problem.row_lower
    lp.row_upper_ = problem.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    if problem.integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in problem.integer
        ]
    return lp


def _start_values(columns: list) -> tuple[np.ndarray, np.ndarray]:
    """Return the columns' current values (those that have one), as a MIP start."""
    given = [(i, v.value) for i, v in enumerate(columns) if v.value is not None]
    index = np.fromiter((i for i, _ in given), dtype=np.int32, count=len(given))
    value = np.fromiter((x for _, x in given), dtype=float, count=len(given))
    return index, value


def load_values(form: StandardForm, x: np.ndarray) -> None:
    """Set every column and every variable pyomo solved out to its value in ``x``."""
    for var, value in zip(form.columns, x, strict=True):
        var.set_value(value, skip_validation=True)
    for var, expr in form.eliminated:
        var.set_value(pyo.value(expr), skip_validation=True)
