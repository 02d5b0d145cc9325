"""Time each stage of one site's dispatch windows: LP, restricted MIP, full search.

Runs one site of a scenario (default: Baku of the default hub, its plan as in the default
run), captures every window the full-year dispatch solves (hand-overs included) as the
``MatrixProblem`` HiGHS gets, then solves the first ``--windows`` of them again in this
process, one after the other, with ``solve_from_rounding``, timing each stage:

- the LP relaxation;
- the restricted MIP (counts held near the LP's, nearest then rounded up);
- the full search from its plan (or from nothing if neither restricted MIP had one);

and, with ``--full-only``, the full search without the first two, for comparison. A change
to the model or to ``solve_from_rounding`` is measured as the change of these sums on the
same machine, in one command (run the script before and after, back to back).

Usage::

    python benchmarks/window_stages.py                     # baku, 52 windows
    python benchmarks/window_stages.py --site aktau --full-only
    python benchmarks/window_stages.py --site aktau --gas-price 12   # wind and a battery enter
    python benchmarks/window_stages.py --save /tmp/baku.pkl     # keep the windows
    python benchmarks/window_stages.py --load /tmp/baku.pkl     # time saved windows again
"""

from __future__ import annotations

import argparse
import pickle
import time

import yaml

import dcpower
from dcpower.optimization import solve as solve_module
from dcpower.optimization import windows
from dcpower.paths import models_dir
from dcpower.scenario import scenario_from_dict


def capture(site: str, model: str, gas_price: float | None = None) -> list:
    """Run one site of a shipped model (no Monte Carlo); return its windows' (problem, options).

    ``gas_price`` [USD/MMBtu] replaces the site's gas price case (e.g. 12: wind enters).
    """
    tasks = []
    solve_all = windows._solve_all

    def capturing(problem, lay, window_list, options, pool, record):
        tasks.extend(
            (windows._sub_problem(problem, lay, w), windows._window_options(options, w))
            for w in window_list
        )
        return solve_all(problem, lay, window_list, options, pool, record)

    windows._solve_all = capturing
    try:
        raw = yaml.safe_load((models_dir() / f"{model}.yaml").read_text())
        raw["sites"] = {site: raw["sites"][site]}
        if gas_price is not None:
            raw["sites"][site].pop("gas_price_case", None)
            raw["sites"][site]["gas_price_usd_per_mmbtu"] = gas_price
        raw["reliability"]["monte_carlo_years"] = 0
        raw["reliability"].pop("max_lole_h_per_yr", None)
        dcpower.run(scenario_from_dict(raw), reports=False, parallel=False)
    finally:
        windows._solve_all = solve_all
    return tasks


def time_stages(tasks: list) -> dict:
    """Solve each window with ``solve_from_rounding``; sum the seconds of each stage."""
    calls: list[tuple[float, bool]] = []
    solve_matrix = solve_module.solve_matrix

    def timed(problem, **options):
        started = time.perf_counter()
        found = solve_matrix(problem, **options)
        calls.append((time.perf_counter() - started, found.has_solution))
        return found

    sums = {"lp_s": 0.0, "restricted_s": 0.0, "full_s": 0.0, "full_searches": 0, "usd": 0.0}
    windows.solve_matrix = timed
    try:
        for problem, options in tasks:
            calls.clear()
            sums["usd"] += windows.solve_from_rounding(problem, options).objective
            if len(calls) == 1:  # no count to round (or no LP solution): one search
                sums["full_s"] += calls[0][0]
                continue
            # LP, then up to two restricted MIPs (the second only if the first had no
            # plan), then the full search unless the restricted plan met the gap.
            restricted = calls[1:2] if calls[1][1] else calls[1:3]
            full = calls[1 + len(restricted) :]
            sums["lp_s"] += calls[0][0]
            sums["restricted_s"] += sum(seconds for seconds, _ in restricted)
            sums["full_s"] += sum(seconds for seconds, _ in full)
            sums["full_searches"] += bool(full)
    finally:
        windows.solve_matrix = solve_matrix
    return sums


def time_full_only(tasks: list) -> dict:
    """Solve each window's full MIP directly (no LP, no restricted MIP)."""
    started, usd = time.perf_counter(), 0.0
    for problem, options in tasks:
        usd += solve_module.solve_matrix(problem, **options).objective
    return {"full_only_s": time.perf_counter() - started, "usd": usd}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="baku")
    parser.add_argument("--model", default="caspian-hub")
    parser.add_argument("--gas-price", type=float, default=None, help="USD/MMBtu at the site")
    parser.add_argument("--windows", type=int, default=52, help="first N windows timed")
    parser.add_argument("--full-only", action="store_true")
    parser.add_argument("--save", help="pickle the captured windows here")
    parser.add_argument("--load", help="time windows pickled by --save instead of a run")
    args = parser.parse_args()
    if args.load:
        with open(args.load, "rb") as file:
            tasks = pickle.load(file)
    else:
        tasks = capture(args.site, args.model, args.gas_price)
        if args.save:
            with open(args.save, "wb") as file:
                pickle.dump(tasks, file)
    tasks = tasks[: args.windows]
    problem = tasks[0][0]
    print(
        f"{len(tasks)} windows; the first: {problem.A.shape[0]} rows, {problem.A.shape[1]} "
        f"columns, {int(problem.integer.sum())} integer"
    )
    stages = time_stages(tasks)
    print(
        f"LP {stages['lp_s']:.1f} s, restricted MIP {stages['restricted_s']:.1f} s, full "
        f"search {stages['full_s']:.1f} s ({stages['full_searches']} windows); objectives "
        f"{stages['usd']:,.0f} USD"
    )
    if args.full_only:
        full = time_full_only(tasks)
        print(f"full search only {full['full_only_s']:.1f} s; objectives {full['usd']:,.0f} USD")


if __name__ == "__main__":
    main()
