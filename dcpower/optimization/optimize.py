"""Build, solve and read back one site; explain infeasibility instead of returning a bare status."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from dcpower.errors import InfeasibleError
from dcpower.optimization.build import (
    SiteInputs,
    build_site_model,
    requirement_shortfalls,
    set_elastic,
)
from dcpower.optimization.readback import SiteSolution, read_site_solution
from dcpower.optimization.solve import SolveOutcome, solve
from dcpower.scenario import Solver

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
    """

    solution: SiteSolution
    outcome: SolveOutcome
    build_seconds: float


def optimize_site(inp: SiteInputs, solver: Solver) -> SiteRun:
    """Size and dispatch one site at least annual cost.

    Parameters
    ----------
    inp : SiteInputs
        The site's profiles, technologies and rules on the model's time steps.
    solver : Solver
        Time limit, MIP gap, threads.

    Returns
    -------
    SiteRun

    Raises
    ------
    InfeasibleError
        If no plan meets every requirement; the message names each requirement that fails
        and by how much (found by re-solving with the requirements made elastic).
    """
    started = time.perf_counter()
    m = build_site_model(inp)
    built = time.perf_counter() - started
    options = {
        "time_limit_s": solver.time_limit_s,
        "mip_gap": solver.mip_gap,
        "threads": solver.threads,
    }
    outcome = solve(m, **options)
    if outcome.status == "infeasible":
        set_elastic(m, True)
        elastic = solve(m, **options)
        found = requirement_shortfalls(m) if elastic.has_solution else {}
        detail = "; ".join(f"{name}: {text}" for name, text in found.items())
        raise InfeasibleError(
            f"site '{inp.site_id}' has no feasible plan"
            + (f" — {detail}" if detail else " (the elastic re-solve found no explanation)")
        )
    if not outcome.has_solution:
        raise InfeasibleError(
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
    )
