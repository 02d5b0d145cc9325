"""Full-year dispatch in windows of the year, solved in parallel and stitched exactly.

A production-cost model does not solve a year of unit commitment as one MILP. Here the
full-year dispatch model (capacities fixed) is built and compiled once, as for a monolithic
solve, and its matrix is split by time step:

- a column belongs to the step of its index (its last entry: ``power_mw[t]``,
  ``type_online[g, t]``); an outage-window column (``outage_*[w, k]``) to the first step of
  its outage window, so each outage window is solved whole in one dispatch window; a scalar
  column (a size the dispatch chooses, such as a backup fuel tank) to every window;
- a row belongs to the later step it touches if it touches at most two consecutive steps
  (``t - 1`` and ``t``; the year is cyclic), to every window if it touches only scalar
  columns, and to none if it spans more steps (an annual limit): then the dispatch is solved
  monolithically.

A window keeps ``window_h`` steps and looks ``overlap_h`` steps further ahead (solved, then
discarded). Its rows at its first step reach back to the step before (units committed,
output, energy stored): the *boundary* columns, owned by the window before. Windows are
solved independently (in parallel), each from its boundary:

- stored energy at every join is pinned to the level the reduced-time sizing planned there
  (the linked storage levels at calendar-period starts, :func:`start_levels`), at the end
  of one window's kept steps and at the start of the next;
- the committed units before the first step are free (the window picks them).

The windows' kept steps are stitched into one year and every row of the full-year model is
checked against it. Where a join's rows fail with the previous window's actual values (the
units it left online, or a level an elastic re-solve moved), the window after the join is
solved again from those values (*hand-over*), until every row holds; a start-up at a join
is thus counted once, in the window after it, against the units the window before left
online. A window infeasible at its pinned levels is solved again with the pins elastic (a
penalty per MWh off the level). If a window still has no solution, or the joins do not
settle within :data:`MAX_ROUNDS`, the year is solved monolithically; which happened is
recorded (:class:`WindowRecord`). Every window's MIP starts from a rounding of its LP
relaxation (:func:`solve_from_rounding`). ``rolling`` mode solves the windows one after the other,
each from the state the one before left (the last one closing the cyclic year on the
first's start).
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp

from dcpower.optimization.limits import SHORTFALL_PENALTY_USD_PER_MWH
from dcpower.optimization.solve import (
    MatrixProblem,
    MatrixSolution,
    SolveOutcome,
    load_values,
    matrix_problem,
    solve_matrix,
    solving_process,
    stop_workers,
)
from dcpower.optimization.standard_form import StandardForm, standard_form

#: Rounds of hand-over re-solves before the year is solved monolithically instead.
MAX_ROUNDS = 12
#: A row or bound of the stitched year may miss by this much, relative to 1 + |bound|.
FEASIBILITY_TOLERANCE = 1e-6
#: Steps after a join solved again from what the window before left (a hand-over). [h]
HANDOVER_H = 24
#: A relaxed integer column within this of an integer is taken as that integer. [-]
ROUNDING_TOLERANCE = 1e-6
#: Column step of a scalar column (a size, in every window).
SCALAR = -1
#: Row step of a row that spans more than two steps (an annual limit).
SPANNING = -2


@dataclass(frozen=True)
class WindowSettings:
    """How to split a full-year dispatch (``solver.dispatch_*`` of the scenario).

    Attributes
    ----------
    window_h : int
        Steps each window keeps. [h]
    overlap_h : int
        Steps solved after them and discarded (look-ahead). [h]
    mode : str
        ``parallel`` (windows from the sizing's levels, in parallel) or ``rolling`` (one
        after the other, each from the state the one before left).
    workers : int
        Processes solving windows at once. [-]
    """

    window_h: int = 168
    overlap_h: int = 24
    mode: str = "parallel"
    workers: int = 1


@dataclass
class WindowRecord:
    """How a windowed dispatch went (``sizing_passes[i]["dispatch"]`` in ``summary.json``).

    Attributes
    ----------
    method : str
        ``windows``, or ``monolithic`` when the year was solved as one model.
    reason : str or None
        Why the year was solved monolithically (None if it was not).
    mode, window_h, overlap_h, workers :
        The settings used.
    windows : int
        Number of windows. [-]
    solves : int
        Window solves, hand-overs and elastic re-solves included. [-]
    handovers : int
        Windows solved again from the state the window before left. [-]
    elastic : list of int
        Windows solved with their pinned storage levels elastic.
    window_seconds : float
        HiGHS time summed over all window solves. [s]
    wall_seconds : float
        Wall time of the windowed dispatch, splitting and stitching included. [s]
    max_violation : float
        Largest relative miss of a row or bound of the full-year model by the stitched
        dispatch (below ``FEASIBILITY_TOLERANCE``, or the year was solved monolithically). [-]
    short : bool
        Whether a window had no dispatch at all: the plan falls short there, whatever the
        windows (its shortfall is then measured in elastic windows).
    requirements_elastic : bool
        Whether the windows were solved with the requirements elastic (shortfalls priced).
    """

    method: str
    reason: str | None = None
    mode: str = "parallel"
    window_h: int = 0
    overlap_h: int = 0
    workers: int = 1
    windows: int = 0
    solves: int = 0
    handovers: int = 0
    elastic: list[int] = field(default_factory=list)
    window_seconds: float = 0.0
    wall_seconds: float = 0.0
    max_violation: float = 0.0
    short: bool = False
    requirements_elastic: bool = False

    def as_dict(self) -> dict:
        """Return the record as plain JSON-ready values."""
        return asdict(self)


@dataclass(frozen=True)
class Layout:
    """The full-year matrix split by time step.

    Attributes
    ----------
    n_steps : int
        Steps of the year. [-]
    col_step : np.ndarray
        Step of each column (``SCALAR`` for a scalar column). [-]
    row_step : np.ndarray
        Step of each row (``SCALAR`` for rows of scalar columns only, ``SPANNING`` for rows
        that span the year). [-]
    rows : scipy.sparse.csr_matrix
        The matrix by rows.
    """

    n_steps: int
    col_step: np.ndarray
    row_step: np.ndarray
    rows: sp.csr_matrix


@dataclass
class _Window:
    """One window: its steps, columns, rows and boundary conditions (global column ids)."""

    number: int
    kept: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    boundary: np.ndarray
    owned: np.ndarray
    pins: dict[int, float]
    fixed: dict[int, float] = field(default_factory=dict)
    elastic: bool = False
    solution: MatrixSolution | None = None
    #: A later solve of the window's first steps, laid over its solution when stitching.
    patch: _Window | None = None


#: Option key of the absolute MIP gap per kept hour of a window (see :func:`solve_in_windows`).
ABS_GAP_PER_STEP = "mip_abs_gap_per_step"


def start_levels(block: pyo.Block, duration_h: np.ndarray) -> dict[str, np.ndarray]:
    """Return the stored energy at the start of calendar hours, as a solved model planned it.

    Parameters
    ----------
    block : pyo.Block
        A solved site block.
    duration_h : np.ndarray
        Length of each of its steps. [h]

    Returns
    -------
    dict
        By storage technology id, per hour of the year the energy stored at its start
        (nan where the model does not say: inside a typical period or a block). [MWh]
    """
    periods = block.periods
    reg = block.registry
    if periods is None:
        ends = np.cumsum(np.asarray(duration_h, dtype=float)).round().astype(int)
        n_hours = int(ends[-1])
        starts = np.concatenate([[0], ends[:-1]])
    else:
        n_hours = len(periods.order) * periods.steps_per_period
        starts = np.arange(len(periods.order)) * periods.steps_per_period
    levels = {}
    for tech_id, component in reg.storage_levels_mwh.items():
        solved = np.array([pyo.value(v) for v in component.values()], dtype=float)
        level = np.full(n_hours, np.nan)
        # Chronological: the level at a step's start is the previous step's end (cyclic).
        level[starts] = solved if periods is not None else np.roll(solved, 1)
        levels[tech_id] = level
    return levels


def layout(form: StandardForm, n_steps: int) -> Layout:
    """Split a compiled full-year model's columns and rows by time step (module docstring)."""
    col_step = np.full(len(form.columns), SCALAR, dtype=np.int64)
    kinds: dict[int, tuple] = {}
    for j, var in enumerate(form.columns):
        component = var.parent_component()
        kind = kinds.get(id(component))
        if kind is None:
            kind = kinds[id(component)] = _column_kind(component)
        if kind[0] == "step":
            index = var.index()
            col_step[j] = index[-1] if isinstance(index, tuple) else index
        elif kind[0] == "outage":
            col_step[j] = kind[1][var.index()[0]].steps[0]
    if (col_step >= n_steps).any():
        raise ValueError("a column's step index lies outside the year")
    rows = form.A.tocsr()
    return Layout(n_steps, col_step, _row_steps(rows, col_step, n_steps), rows)


def _column_kind(component) -> tuple:
    """How a variable component is indexed: ``("scalar",)``, ``("step",)`` or outage windows."""
    if not component.is_indexed():
        return ("scalar",)
    if component.local_name.startswith("outage_"):
        site = component.parent_block()
        while not hasattr(site, "outage_windows"):
            site = site.parent_block()
        return ("outage", site.outage_windows)
    return ("step",)


def _row_steps(rows: sp.csr_matrix, col_step: np.ndarray, n_steps: int) -> np.ndarray:
    """Step of each row (module docstring)."""
    steps = col_step[rows.indices]
    timed = steps >= 0
    starts = rows.indptr[:-1]
    counts = np.diff(rows.indptr)
    low = np.full(len(starts), n_steps, dtype=np.int64)
    high = np.full(len(starts), -1, dtype=np.int64)
    nonempty = counts > 0
    big = np.where(timed, steps, n_steps)
    small = np.where(timed, steps, -1)
    low[nonempty] = np.minimum.reduceat(big, starts[nonempty])
    high[nonempty] = np.maximum.reduceat(small, starts[nonempty])
    row_of = np.repeat(np.arange(len(starts)), counts)
    # Steps other than the lowest and highest: the row spans more than two steps.
    between = timed & (steps != low[row_of]) & (steps != high[row_of])
    spans = np.bincount(row_of[between], minlength=len(starts)) > 0
    out = np.full(len(starts), SPANNING, dtype=np.int64)
    untimed = high < 0
    out[untimed] = SCALAR
    one = ~untimed & (low == high)
    out[one] = high[one]
    consecutive = ~untimed & ~spans & (high - low == 1)
    out[consecutive] = high[consecutive]
    wraps = ~untimed & ~spans & (low == 0) & (high == n_steps - 1) & (n_steps > 2)
    out[wraps] = 0
    return out


def _windows(lay: Layout, settings: WindowSettings) -> list[_Window]:
    """Cut the year into windows of ``window_h`` kept steps (the last takes the remainder)."""
    n = lay.n_steps
    count = max(1, round(n / settings.window_h))
    edges = [i * settings.window_h for i in range(count)] + [n]
    windows = []
    for number in range(count):
        kept = np.arange(edges[number], edges[number + 1])
        ahead = 0 if count == 1 else min(settings.overlap_h, n - len(kept))
        windows.append(
            _window(lay, number, kept, np.arange(kept[-1] + 1, kept[-1] + 1 + ahead) % n)
        )
    return windows


def _window(lay: Layout, number: int, kept: np.ndarray, ahead: np.ndarray) -> _Window:
    """Return a window that keeps steps ``kept`` and also solves steps ``ahead``."""
    n = lay.n_steps
    in_window = np.zeros(n, dtype=bool)
    in_window[kept] = in_window[ahead] = True
    row_in = (lay.row_step == SCALAR) | (
        (lay.row_step >= 0) & in_window[np.clip(lay.row_step, 0, None)]
    )
    rows = np.flatnonzero(row_in)
    referenced = np.unique(lay.rows[rows].indices)
    col_in = (lay.col_step == SCALAR) | in_window[np.clip(lay.col_step, 0, None)]
    cols = np.union1d(referenced, np.flatnonzero(col_in))
    step = np.clip(lay.col_step[cols], 0, None)
    timed = lay.col_step[cols] >= 0
    boundary = cols[timed & ~in_window[step]]
    is_kept = np.zeros(n, dtype=bool)
    is_kept[kept] = True
    return _Window(number, kept, rows, cols, boundary, cols[timed & is_kept[step]], pins={})


def _pin_levels(
    windows: list[_Window],
    level_columns: list[tuple[np.ndarray, np.ndarray]],
    n: int,
    *,
    ends: bool,
) -> None:
    """Pin stored energy at each window's start, and its kept end, to the sizing's levels.

    Without ``ends`` only the start is pinned. ``level_columns``: per store, the column of
    its level at the end of each step and the level planned at the start of each hour (nan:
    unknown, left free).
    """
    for window in windows:
        first, last = int(window.kept[0]), int(window.kept[-1])
        for columns, planned in level_columns:
            joins = [(columns[(first - 1) % n], first)]
            if ends:
                joins.append((columns[last], (last + 1) % n))
            for column, hour in joins:
                if column >= 0 and not np.isnan(planned[hour]):
                    window.pins[int(column)] = float(planned[hour])


def _sub_problem(problem: MatrixProblem, lay: Layout, window: _Window) -> MatrixProblem:
    """Return the window's problem: its rows and columns, boundary costs dropped, conditions set."""
    cols = window.cols
    position = np.full(len(lay.col_step), -1, dtype=np.int64)
    position[cols] = np.arange(len(cols))
    A = lay.rows[window.rows][:, cols].tocsc()
    lower, upper = problem.col_lower[cols].copy(), problem.col_upper[cols].copy()
    cost = problem.cost[cols].copy()
    cost[position[window.boundary]] = 0.0  # the window before pays for its own steps
    row_lower, row_upper = problem.row_lower[window.rows], problem.row_upper[window.rows]
    integer = problem.integer[cols]
    for column, value in window.fixed.items():
        lower[position[column]] = upper[position[column]] = value
    pins = {c: v for c, v in window.pins.items() if c not in window.fixed}
    if pins and not window.elastic:
        for column, value in pins.items():
            lower[position[column]] = upper[position[column]] = value
    elif pins:
        # level - above + below == pinned level, above and below at the shortfall penalty
        k = len(pins)
        pick = sp.csr_matrix(
            (np.ones(k), (np.arange(k), position[list(pins)])), shape=(k, len(cols))
        )
        eye = sp.identity(k, format="csr")
        A = sp.bmat([[A, None, None], [pick, -eye, eye]], format="csc")
        target = np.fromiter(pins.values(), dtype=float, count=k)
        row_lower = np.concatenate([row_lower, target])
        row_upper = np.concatenate([row_upper, target])
        lower = np.concatenate([lower, np.zeros(2 * k)])
        upper = np.concatenate([upper, np.full(2 * k, np.inf)])
        cost = np.concatenate([cost, np.full(2 * k, SHORTFALL_PENALTY_USD_PER_MWH)])
        integer = np.concatenate([integer, np.zeros(2 * k, dtype=bool)])
    return MatrixProblem(A, row_lower, row_upper, lower, upper, cost, 0.0, integer)


def _window_options(options: dict, window: _Window) -> dict:
    """Solver options of a window: its share of the year's absolute MIP gap, by kept hours."""
    per_step = options.get(ABS_GAP_PER_STEP)
    own = {k: v for k, v in options.items() if k != ABS_GAP_PER_STEP}
    if per_step is not None:
        own["mip_abs_gap"] = per_step * len(window.kept)
    return own


def _solve_one(args: tuple[MatrixProblem, dict]) -> MatrixSolution:
    """Solve a window, from a rounded start (:func:`solve_from_rounding`)."""
    problem, options = args
    return solve_from_rounding(problem, options)


def solve_from_rounding(problem: MatrixProblem, options: dict) -> MatrixSolution:
    """Solve a MIP to its gap, from a feasible start near its LP relaxation (found sooner).

    A window's search spends most of its time finding a good first solution: the root
    bound is within the window's gap early, the incumbent is not. Here the LP relaxation is
    solved; each general-integer column (units online; not the 0/1 flags) the relaxation
    leaves whole is held at that value, and each fractional one between its value rounded
    to the nearest integer and one unit more (or, if that has no solution, rounded up);
    that restricted MIP is solved. If its solution is within the gap of the relaxation's
    bound it is the answer (its gap taken against that bound); otherwise it starts the
    full search, which proves the gap. Same inputs, same answer (no time limit involved).
    Rounding to the nearest keeps the commitment lean: rounded up, Baku's windows at
    12 USD/MMBtu gas stopped 0.28 % dearer than the one-model dispatch, each within its
    gap; holding whole counts cuts the restricted MIP's time by about a third
    (``docs/performance.md``).

    Parameters
    ----------
    problem : MatrixProblem
    options : dict
        Keyword arguments of :func:`dcpower.optimization.solve.solve_matrix`.

    Returns
    -------
    MatrixSolution
        With ``solve_seconds`` the HiGHS time of every solve made. [s]
    """
    general = problem.integer & (problem.col_upper - problem.col_lower > 1)
    if not general.any():
        return solve_matrix(problem, **options)
    relaxed = solve_matrix(replace(problem, integer=np.zeros_like(problem.integer)), **options)
    if not relaxed.has_solution:
        return relaxed  # no LP solution, so no MIP solution either
    seconds = relaxed.solve_seconds
    values = relaxed.x[general]
    # Counts the relaxation leaves whole are held there; only fractional ones get a band.
    band = (np.abs(values - np.round(values)) > ROUNDING_TOLERANCE).astype(float)
    for rounded in (np.round(values), np.ceil(values - ROUNDING_TOLERANCE)):
        lower, upper = problem.col_lower.copy(), problem.col_upper.copy()
        lower[general] = np.clip(rounded, lower[general], upper[general])
        upper[general] = np.minimum(lower[general] + band, upper[general])
        near = solve_matrix(replace(problem, col_lower=lower, col_upper=upper), **options)
        seconds += near.solve_seconds
        if near.has_solution:
            break
    if near.has_solution:
        open_usd = near.objective - relaxed.objective
        if _within_gap(open_usd, near.objective, options):
            gap = open_usd / abs(near.objective) if near.objective else 0.0
            return replace(near, mip_gap=max(gap, 0.0), solve_seconds=seconds)
    start = (np.arange(len(near.x), dtype=np.int32), near.x) if near.has_solution else None
    found = solve_matrix(problem, **options, start=start)
    return replace(found, solve_seconds=found.solve_seconds + seconds)


def _within_gap(open_usd: float, objective: float, options: dict) -> bool:
    """Whether a solution this far above a bound meets the search's gap (relative or absolute)."""
    absolute = options.get("mip_abs_gap")
    return open_usd <= options["mip_gap"] * abs(objective) or (
        absolute is not None and open_usd <= absolute
    )


def _solve_all(
    problem: MatrixProblem,
    lay: Layout,
    windows: list[_Window],
    options: dict,
    pool: ProcessPoolExecutor | None,
    record: WindowRecord,
) -> None:
    """Solve windows (in the pool if there is one); store each solution on its window."""
    tasks = [(_sub_problem(problem, lay, w), _window_options(options, w)) for w in windows]
    found = list(pool.map(_solve_one, tasks)) if pool else [_solve_one(t) for t in tasks]
    for window, solution in zip(windows, found, strict=True):
        window.solution = solution
    record.solves += len(windows)
    record.window_seconds += sum(solution.solve_seconds for solution in found)


def _stitch(lay: Layout, windows: list[_Window]) -> np.ndarray:
    """Return the year's column values: each step from the window keeping it; sizes, the most."""
    x = np.zeros(len(lay.col_step))
    scalar = lay.col_step == SCALAR
    x[scalar] = -np.inf
    solved = [w for window in windows for w in (window, window.patch) if w is not None]
    for window in solved:
        values = np.full(len(lay.col_step), np.nan)
        values[window.cols] = window.solution.x[: len(window.cols)]
        x[window.owned] = values[window.owned]
        in_window = scalar & ~np.isnan(values)
        x[in_window] = np.maximum(x[in_window], values[in_window])
    x[np.isinf(x)] = 0.0
    return x


def violations(problem: MatrixProblem, x: np.ndarray) -> tuple[np.ndarray, float]:
    """Rows a solution misses, and the largest relative miss of a row, bound or integer.

    Returns
    -------
    rows : np.ndarray
        Positions of the rows missed by more than ``FEASIBILITY_TOLERANCE``.
    worst : float
        The largest miss, relative to 1 + |bound|. [-]
    """
    activity = problem.A @ x
    magnitude = np.maximum(_magnitude(problem.row_lower), _magnitude(problem.row_upper))
    row_miss = np.maximum(problem.row_lower - activity, activity - problem.row_upper)
    row_miss = row_miss / (1 + magnitude)
    col_miss = np.maximum(problem.col_lower - x, x - problem.col_upper) / (1 + np.abs(x))
    integer_miss = np.abs(x - np.round(x))[problem.integer]
    worst = max(
        float(row_miss.max(initial=0.0)),
        float(col_miss.max(initial=0.0)),
        float(integer_miss.max(initial=0.0)),
    )
    return np.flatnonzero(row_miss > FEASIBILITY_TOLERANCE), worst


def _magnitude(bound: np.ndarray) -> np.ndarray:
    """|bound|, zero where there is none."""
    return np.where(np.isfinite(bound), np.abs(bound), 0.0)


def solve_in_windows(
    m: pyo.ConcreteModel,
    settings: WindowSettings,
    levels: dict[str, dict[str, np.ndarray]],
    options: dict,
) -> tuple[SolveOutcome | None, WindowRecord]:
    """Solve a full-year dispatch model in windows and load the stitched year into it.

    Parameters
    ----------
    m : pyo.ConcreteModel
        A full-year model of fixed capacities (``dcpower.optimization.build``).
    settings : WindowSettings
    levels : dict
        Per site block name, per storage id, the energy stored at the start of each hour
        as the sizing planned it (:func:`start_levels`; nan where unknown). [MWh]
    options : dict
        Keyword arguments of :func:`dcpower.optimization.solve.solve_matrix` per window.

    Returns
    -------
    outcome : SolveOutcome or None
        The stitched year (values loaded into ``m``), or None if it must be solved
        monolithically (``record.reason`` says why).
    record : WindowRecord
    """
    started = time.perf_counter()
    record = WindowRecord(
        method="windows",
        mode=settings.mode,
        window_h=settings.window_h,
        overlap_h=settings.overlap_h,
        workers=settings.workers,
    )
    form = standard_form(m)
    problem = matrix_problem(form)
    n_steps = len(next(iter(m.site.values())).T)
    lay = layout(form, n_steps)
    compiled = time.perf_counter()
    if (lay.row_step == SPANNING).any():
        return _monolithic(record, "rows span the year (annual limits: CO2 cap, renewable share)")
    windows = _windows(lay, settings)
    record.windows = len(windows)
    # The one-model dispatch stops within mip_gap of the year's whole cost, fixed costs (the
    # model's constant) included. A window's search stops at its hours' share of that gap,
    # taken on the fixed costs alone (a lower bound of the year's cost): the windows' gaps
    # add up to at most mip_gap of the year, as the one model's.
    options = {
        **options,
        ABS_GAP_PER_STEP: options["mip_gap"] * max(problem.offset, 0.0) / n_steps,
    }
    # Parallel windows start and end at the sizing's levels; rolling ones carry them on
    # from the first window's start.
    parallel = settings.mode == "parallel"
    level_columns = _level_columns(m, form, levels)
    _pin_levels(windows if parallel else windows[:1], level_columns, n_steps, ends=parallel)
    pool = (
        ProcessPoolExecutor(max_workers=settings.workers, initializer=solving_process)
        if settings.workers > 1 and len(windows) > 1
        else None
    )
    try:
        if parallel:
            _solve_round(problem, lay, windows, options, pool, record)
        else:
            _roll(problem, lay, windows, options, record)
        x, record.max_violation = _settle(problem, lay, windows, options, pool, record)
    except _Fallback as reason:
        record.short = isinstance(reason, _Short)
        return _monolithic(record, str(reason))
    except BaseException:  # interrupted: the windows under way are not waited for
        if pool is not None:
            stop_workers(pool)
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    load_values(form, x)
    solutions = [w.solution for w in windows]
    statuses = {s.status for s in solutions}
    record.wall_seconds = time.perf_counter() - started
    objective = float(problem.cost @ x + problem.offset)
    # What the windows' searches left open, over the year's cost.
    open_usd = sum(s.mip_gap * abs(s.objective) for s in solutions)
    return (
        SolveOutcome(
            status="optimal" if statuses == {"optimal"} else "time_limit",
            has_solution=True,
            objective=objective,
            mip_gap=open_usd / abs(objective) if objective else 0.0,
            compile_seconds=compiled - started,
            solve_seconds=time.perf_counter() - compiled,
        ),
        record,
    )


def _monolithic(record: WindowRecord, reason: str) -> tuple[None, WindowRecord]:
    record.method, record.reason = "monolithic", reason
    return None, record


class _Fallback(Exception):
    """The windows cannot give the year; the message says why (solve it as one model)."""


class _Short(_Fallback):
    """A window free at both ends has no dispatch: the plan falls short in its hours.

    Its pins were elastic and nothing was handed over, so no neighbour could change it.
    """


def _level_columns(
    m: pyo.ConcreteModel, form: StandardForm, levels: dict[str, dict[str, np.ndarray]]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per store with planned levels: its level column per step, and the levels."""
    position = {id(v): j for j, v in enumerate(form.columns)}
    out = []
    for name, by_store in levels.items():
        registry = m.site[name].registry
        for tech_id, planned in by_store.items():
            component = registry.storage_levels_mwh.get(tech_id)
            if component is None:
                continue
            columns = np.array([position.get(id(v), -1) for v in component.values()])
            out.append((columns, planned))
    return out


def _settle(
    problem: MatrixProblem,
    lay: Layout,
    windows: list[_Window],
    options: dict,
    pool: ProcessPoolExecutor | None,
    record: WindowRecord,
) -> tuple[np.ndarray, float]:
    """Hand solved windows over at their joins until the stitched year meets every row.

    Returns
    -------
    x : np.ndarray
        The stitched year's column values.
    worst : float
        Its largest relative miss of a row, bound or integer (:func:`violations`). [-]

    Raises
    ------
    _Fallback
        If a row no single window holds is missed, or the joins do not settle.
    """
    owner = _owner_of_steps(windows, lay.n_steps)
    for _ in range(MAX_ROUNDS):
        x = _stitch(lay, windows)
        missed, worst = violations(problem, x)
        if len(missed) == 0:
            return x, worst
        steps = lay.row_step[missed]
        if (steps < 0).any():
            raise _Fallback("the stitched year misses a row that no single window holds")
        # The first day after each join whose rows fail is solved again from what the
        # window before left, ending where the window ended that day; a window whose day
        # cannot is solved again whole from there (a hand-over).
        failing = [windows[i] for i in np.unique(owner[steps])]
        record.handovers += len(failing)
        _hand_over(problem, lay, failing, x, options, pool, record)
    raise _Fallback(f"the windows' joins did not settle in {MAX_ROUNDS} rounds")


def _hand_over(
    problem: MatrixProblem,
    lay: Layout,
    failing: list[_Window],
    x: np.ndarray,
    options: dict,
    pool: ProcessPoolExecutor | None,
    record: WindowRecord,
) -> None:
    """Solve windows again from the state the window before each one left (``x``).

    First only the window's first :data:`HANDOVER_H` steps, with the step after them held
    at its solved values; where that has no solution, the whole window.
    """
    days = []
    for window in failing:
        length = min(HANDOVER_H, len(window.kept) - 1)
        if length < 1:
            days.append(None)
            continue
        held = window.kept[length : length + 1]
        day = _window(lay, window.number, window.kept[:length], held)
        day.fixed = {int(c): float(x[c]) for c in day.boundary}
        day.fixed.update((int(c), float(x[c])) for c in day.cols if lay.col_step[c] == held[0])
        days.append(day)
    tried = [day for day in days if day is not None]
    if tried:
        _solve_all(problem, lay, tried, options, pool, record)
    whole = []
    for window, day in zip(failing, days, strict=True):
        if day is not None and day.solution.has_solution:
            window.patch = day
        else:
            window.fixed = {int(c): float(x[c]) for c in window.boundary}
            window.elastic, window.patch = False, None
            whole.append(window)
    if whole:
        _solve_round(problem, lay, whole, options, pool, record)


def _roll(
    problem: MatrixProblem,
    lay: Layout,
    windows: list[_Window],
    options: dict,
    record: WindowRecord,
) -> None:
    """Solve the windows in order, each from the state the one before left."""
    for before, window in zip([None, *windows[:-1]], windows, strict=True):
        if before is not None:
            window.fixed = dict(_solved(before, window.boundary))
        if window is windows[-1] and before is not None:
            # The year is cyclic: the last window ends where the first began.
            window.pins.update(_solved(windows[0], windows[0].boundary))
        _solve_round(problem, lay, [window], options, None, record)


def _solved(window: _Window, columns: np.ndarray) -> list[tuple[int, float]]:
    """Return the window's solved values of some of its columns, as (column, value) pairs."""
    values = window.solution.x[np.searchsorted(window.cols, columns)]
    return list(zip(map(int, columns), map(float, values), strict=True))


def _solve_round(
    problem: MatrixProblem,
    lay: Layout,
    pending: list[_Window],
    options: dict,
    pool: ProcessPoolExecutor | None,
    record: WindowRecord,
) -> None:
    """Solve windows, and again with elastic pins those infeasible at their pins.

    Raises
    ------
    _Fallback
        If a window still has no dispatch.
    """
    _solve_all(problem, lay, pending, options, pool, record)
    stuck = [w for w in pending if not w.solution.has_solution and w.pins and not w.elastic]
    for window in stuck:
        window.elastic = True
    if stuck:
        _solve_all(problem, lay, stuck, options, pool, record)
        record.elastic.extend(w.number for w in stuck)
    for window in pending:
        if not window.solution.has_solution:
            first, last = int(window.kept[0]), int(window.kept[-1])
            raise (_Fallback if window.fixed else _Short)(
                f"window {window.number} (steps {first}-{last}) has no dispatch "
                f"({window.solution.status})"
            )


def _owner_of_steps(windows: list[_Window], n_steps: int) -> np.ndarray:
    """Return the window that keeps each step."""
    owner = np.zeros(n_steps, dtype=np.int64)
    for window in windows:
        owner[window.kept] = window.number
    return owner
