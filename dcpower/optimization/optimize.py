"""Build, solve and read back one site; explain infeasibility instead of returning a bare status."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from dcpower.errors import InfeasibleError, SolverLimitError
from dcpower.optimization.build import (
    SiteInputs,
    build_site_model,
    fix_sizing,
    requirement_shortfalls,
    set_elastic,
    sizing_values,
)
from dcpower.optimization.readback import SiteSolution, read_site_solution
from dcpower.optimization.solve import SolveOutcome, solve
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
    shortfalls : dict
        Requirements a fixed-capacity dispatch could not meet, with how much (empty if none).
    shortfall_mw : np.ndarray or None
        Per step, unserved load plus uncovered unit-trip power of such a dispatch (None if
        it met every requirement). [MW]
    """

    solution: SiteSolution
    outcome: SolveOutcome
    build_seconds: float
    sizing: dict
    shortfalls: dict = field(default_factory=dict)
    shortfall_mw: np.ndarray | None = None


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
    started = time.perf_counter()
    m = build_site_model(inp)
    if fixed_sizing is not None:
        fix_sizing(m, fixed_sizing)
    built = time.perf_counter() - started
    options = {
        "time_limit_s": solver.time_limit_s,
        "mip_gap": solver.mip_gap,
        "threads": solver.threads,
    }
    outcome = solve(m, **options)
    shortfalls: dict[str, str] = {}
    shortfall_mw = None
    if outcome.status == "infeasible":
        set_elastic(m, True)
        elastic = solve(m, **options)
        shortfalls = requirement_shortfalls(m, inp.index) if elastic.has_solution else {}
        detail = "; ".join(f"{name}: {text}" for name, text in shortfalls.items())
        if fixed_sizing is None or not elastic.has_solution:
            raise InfeasibleError(
                f"site '{inp.site_id}' has no feasible plan"
                + (f" — {detail}" if detail else " (the elastic re-solve found no explanation)")
            )
        log.warning("%s: the fixed-capacity dispatch falls short: %s", inp.site_id, detail)
        shortfall_mw = values(m.unserved_mw) + values(m.n1_shortfall_mw)
        outcome = elastic
    if not outcome.has_solution:
        raise SolverLimitError(
            f"site '{inp.site_id}': the solver stopped with status '{outcome.status}' and no plan "
            f"within {solver.time_limit_s:g} s; raise solver.time_limit_s or shorten the horizon"
        )
    log.info(
        "%s: %s, objective %.6g USD/yr, gap %.3g",
        inp.site_id,
        outcome.status,
        outcome.objective,
        outcome.mip_gap,
    )
    return SiteRun(
        solution=read_site_solution(m, inp),
        outcome=outcome,
        build_seconds=built + outcome.compile_seconds,
        sizing=sizing_values(m),
        shortfalls=shortfalls,
        shortfall_mw=shortfall_mw,
    )
