"""Build, solve and read back sites; explain infeasibility instead of returning a bare status."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from dcpower.errors import InfeasibleError, SolverLimitError
from dcpower.optimization.build import (
    SiteInputs,
    build_model,
    fix_sizing,
    requirement_shortfalls,
    set_elastic,
    sizing_values,
    system_shortfalls,
)
from dcpower.optimization.readback import SiteSolution, read_site_solution
from dcpower.optimization.siting import Coupling
from dcpower.optimization.solve import SolveOutcome, solve
from dcpower.optimization.windows import WindowSettings, solve_in_windows, start_levels
from dcpower.scenario import Solver
from dcpower.techs.base import values

log = logging.getLogger(__name__)


@dataclass
class SiteRun:
    """A solved site with its solver record.

    Attributes
    ----------
    solution : SiteSolution
        Capacities, dispatch and costs.
    outcome : SolveOutcome
        Status, gap, objective and solve time.
    build_seconds : float
        Time to build the pyomo model and hand it to HiGHS. [s]
    sizing : dict
        Investment decisions by name, to fix them in a later re-dispatch.
    objective_usd_per_yr : float
        The site's share of the objective: its annual cost as modelled. [USD/yr]
    shortfalls : dict
        Requirements a fixed-capacity dispatch could not meet, with how much (empty if none).
    shortfall_mw : np.ndarray or None
        Per step, unserved load plus uncovered unit-trip power of such a dispatch (None if
        it met every requirement). [MW]
    start_levels : dict
        Per storage id, the energy stored at the start of each hour of the year as solved
        (nan where the steps do not say; :func:`dcpower.optimization.windows.start_levels`).
        A windowed full-year dispatch starts its windows from these. [MWh]
    windows : dict or None
        How a fixed-capacity dispatch was split into windows
        (:class:`dcpower.optimization.windows.WindowRecord`); None if it was not asked to.
    """

    solution: SiteSolution
    outcome: SolveOutcome
    build_seconds: float
    sizing: dict
    objective_usd_per_yr: float
    shortfalls: dict = field(default_factory=dict)
    shortfall_mw: np.ndarray | None = None
    start_levels: dict = field(default_factory=dict)
    windows: dict | None = None


def optimize_site(inp: SiteInputs, solver: Solver, fixed_sizing: dict | None = None) -> SiteRun:
    """Size and dispatch one site at least annual cost, or dispatch given capacities.

    Parameters
    ----------
    inp : SiteInputs
        The site's profiles, technologies and rules on the model's time steps.
    solver : Solver
        Time limit, MIP gap, threads.
    fixed_sizing : dict, optional
        Investment decisions to hold fixed (from :attr:`SiteRun.sizing`): the model then
        only dispatches. If that dispatch cannot meet every requirement, the shortfall is
        solved for and reported in :attr:`SiteRun.shortfalls`, never hidden.

    Returns
    -------
    SiteRun

    Raises
    ------
    InfeasibleError
        If sizing finds no plan that meets every requirement; the message names each
        requirement that fails and by how much (from a re-solve with elastic requirements).
    """
    fixed = None if fixed_sizing is None else {inp.site_id: fixed_sizing}
    return optimize_sites([inp], solver, fixed)[inp.block_name]


def optimize_sites(
    inputs: list[SiteInputs],
    solver: Solver,
    fixed_sizing: dict[str, dict] | None = None,
    coupling: Coupling | None = None,
    start_sizing: dict[str, dict] | None = None,
    windows: WindowSettings | None = None,
    levels: dict[str, dict[str, np.ndarray]] | None = None,
) -> dict[str, SiteRun]:
    """Size and dispatch sites in one model, or dispatch given capacities.

    As :func:`optimize_site`, for sites tied together by ``coupling`` or for several
    weather years or build-out phases of a site (one model, one solve); ``fixed_sizing``
    maps block name (:attr:`SiteInputs.block_name`), or site id for all of a site's blocks,
    to its investment decisions; ``start_sizing`` (same form) a plan to start from: HiGHS fixes its
    discrete decisions and solves the rest as its first incumbent (e.g. the sites sized
    apart, which a coupled model can only improve on).

    A fixed-capacity dispatch of a full year is solved in windows if ``windows`` is given
    (:func:`dcpower.optimization.windows.solve_in_windows`), each window starting from the
    storage ``levels`` (by block name, then storage id, per hour [MWh]); if the windows
    cannot give the year, it is solved as one model, and the record says why.

    Returns
    -------
    dict
        :class:`SiteRun` by block name (:attr:`SiteInputs.block_name`: the site id, with
        ``@year`` if the site has several weather years, ``#year`` per build-out phase);
        they share one solver outcome.
    """
    names = "+".join(inp.block_name for inp in inputs)
    label = f"site '{names}'" if len(inputs) == 1 else f"sites '{names}'"
    started = time.perf_counter()
    m = build_model(inputs, coupling)
    _set_sizing(m, inputs, fixed_sizing, start_sizing)
    built = time.perf_counter() - started
    dispatching = fixed_sizing is not None and solver.dispatch_mip_gap is not None
    options = {
        "time_limit_s": solver.time_limit_s,
        "mip_gap": solver.dispatch_mip_gap if dispatching else solver.mip_gap,
        "threads": solver.threads,
    }
    record = None
    outcome = None
    shortfalls: dict[str, dict[str, str]] = {inp.block_name: {} for inp in inputs}
    if windows is not None and fixed_sizing is not None:
        outcome, record = solve_in_windows(m, windows, levels or {}, options)
        if outcome is None and record.short:
            # The plan falls short in a window: its shortfall is measured in windows with
            # the requirements elastic, not by two solves of the whole year (minutes each).
            set_elastic(m, True)
            outcome, record = solve_in_windows(m, windows, levels or {}, options)
            record.short = record.requirements_elastic = True
            if outcome is None:
                set_elastic(m, False)
            else:
                shortfalls = _shortfalls(m, inputs, names)
    if outcome is None:
        outcome = solve(m, **options, warm_start=start_sizing is not None)
    if outcome.status == "infeasible":
        outcome, shortfalls = _elastic_resolve(
            m, inputs, options, names, label, fixed=fixed_sizing is not None
        )
    if not outcome.has_solution:
        raise SolverLimitError(
            f"{label}: the solver stopped with status '{outcome.status}' and no plan "
            f"within {solver.time_limit_s:g} s; raise solver.time_limit_s or shorten the horizon"
        )
    log.info(
        "%s: %s, objective %.6g USD/yr, gap %.3g",
        names,
        outcome.status,
        outcome.objective,
        outcome.mip_gap,
    )
    build_seconds = (built + outcome.compile_seconds) / len(inputs)
    runs = {
        inp.block_name: _site_run(
            m.site[inp.block_name], inp, outcome, build_seconds, shortfalls[inp.block_name]
        )
        for inp in inputs
    }
    if record is not None:
        for run in runs.values():
            run.windows = record.as_dict()
    return runs


def _set_sizing(
    m: pyo.ConcreteModel,
    inputs: list[SiteInputs],
    fixed_sizing: dict[str, dict] | None,
    start_sizing: dict[str, dict] | None,
) -> None:
    """Fix the investment decisions of ``fixed_sizing``; give those of ``start_sizing`` as values.

    Both map site id to decisions (as :attr:`SiteRun.sizing`), a fixed plan by block name
    where blocks differ (build-out phases); a start plan only sets the variables' values,
    for :func:`solve` to pass as a MIP start.
    """
    if fixed_sizing is not None:
        for inp in inputs:
            own = fixed_sizing.get(inp.block_name, fixed_sizing.get(inp.site_id))
            fix_sizing(m.site[inp.block_name], own)
    if start_sizing is not None:
        for inp in inputs:
            fix_sizing(m.site[inp.block_name], start_sizing[inp.site_id], fix=False)


def _elastic_resolve(
    m: pyo.ConcreteModel,
    inputs: list[SiteInputs],
    options: dict,
    names: str,
    label: str,
    *,
    fixed: bool,
) -> tuple[SolveOutcome, dict[str, dict[str, str]]]:
    """Re-solve an infeasible model with elastic requirements to say what fails and by how much.

    Parameters
    ----------
    m : pyo.ConcreteModel
        The infeasible model; its requirements are left elastic.
    inputs : list of SiteInputs
        Its sites.
    options : dict
        Keyword arguments of :func:`solve` (time limit [s], MIP gap [-], threads).
    names, label : str
        The sites' block names joined by ``+``, and as messages name them.
    fixed : bool
        Whether the model dispatches fixed capacities: its shortfall is then reported, not
        raised, since the capacities are what was asked for.

    Returns
    -------
    outcome : SolveOutcome
        The elastic solve.
    shortfalls : dict
        Per block name, each requirement not met and by how much.

    Raises
    ------
    InfeasibleError
        When sizing, or when the elastic model has no solution either.
    """
    set_elastic(m, True)
    elastic = solve(m, **options)
    if not elastic.has_solution or not fixed:
        shortfalls = _shortfalls(m, inputs, names, warn=False) if elastic.has_solution else {}
        detail = _detail(shortfalls, len(inputs))
        raise InfeasibleError(
            f"{label} has no feasible plan"
            + (f" — {detail}" if detail else " (the elastic re-solve found no explanation)")
        )
    return elastic, _shortfalls(m, inputs, names)


def _shortfalls(
    m: pyo.ConcreteModel, inputs: list[SiteInputs], names: str, warn: bool = True
) -> dict[str, dict[str, str]]:
    """Per block name, each requirement a solved elastic model misses and by how much.

    With ``warn``, a fixed-capacity dispatch's shortfall is logged.
    """
    system = system_shortfalls(m)
    shortfalls = {
        inp.block_name: {**requirement_shortfalls(m.site[inp.block_name], inp.index), **system}
        for inp in inputs
    }
    if warn:
        log.warning(
            "%s: the fixed-capacity dispatch falls short: %s",
            names,
            _detail(shortfalls, len(inputs)),
        )
    return shortfalls


def _detail(shortfalls: dict[str, dict[str, str]], n_sites: int) -> str:
    """Return the shortfalls in one line: ``requirement: how much; ...``."""
    return "; ".join(
        f"{name}: {text}"
        for site_short in _distinct(shortfalls, n_sites)
        for name, text in site_short.items()
    )


def _site_run(
    b: pyo.Block,
    inp: SiteInputs,
    outcome: SolveOutcome,
    build_seconds: float,
    shortfalls: dict[str, str],
) -> SiteRun:
    """Read one solved site block back into a :class:`SiteRun`."""
    return SiteRun(
        solution=read_site_solution(b, inp),
        outcome=outcome,
        build_seconds=build_seconds,
        sizing=sizing_values(b),
        objective_usd_per_yr=float(pyo.value(b.cost_usd_per_yr)),
        shortfalls=shortfalls,
        shortfall_mw=(values(b.unserved_mw) + values(b.n1_shortfall_mw) if shortfalls else None),
        start_levels=start_levels(b, inp.duration_h),
    )


def _distinct(shortfalls: dict[str, dict[str, str]], n_sites: int) -> list[dict[str, str]]:
    """Per-site shortfalls named by site (when there are several); all-site ones once."""
    if n_sites == 1:
        return list(shortfalls.values())
    seen: dict[str, str] = {}
    for site_id, found in shortfalls.items():
        for name, text in found.items():
            key = name if name.startswith("all sites") else f"{site_id}: {name}"
            seen[key] = text
    return [seen]
