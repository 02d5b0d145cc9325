"""Check that two versions of dcpower compile the same models to the same matrices.

A change meant to speed up the model build must not change the model. This script builds
a set of models with the dcpower found on ``PYTHONPATH``, compiles each with pyomo's
``LinearStandardFormCompiler`` (the pyomo model itself; the solver hand-over reads most rows
from their arrays and ``tests/test_standard_form.py`` checks it equals this) and writes, per
model, the columns (names, bounds, integrality), the rows (names, sense, right-hand side),
the matrix, the objective and its constant to a pickle. ``compare`` then matches rows and
columns by name and reports every difference: missing or extra rows or columns, and the
largest difference in any coefficient, bound or right-hand side.

Models: (1) the full-year Baku site with relaxed commitment, (2) the same with integer
commitment, (3) the first two models the pipeline builds for Baku with the scenario's
default time (typical-periods sizing and its full-year re-dispatch), (4) the coupled
two-site model of ``caspian-hub-shifting`` (blocks), (5) Baku with a grid connection, gas
and grid outage windows, dual-fuel engines with a backup tank and aeroderivatives slow
enough for ramp rows, on typical periods.

Usage (from the repository root)::

    git archive main | tar -x -C /tmp/base
    PYTHONPATH=/tmp/base python benchmarks/compare_repn.py dump /tmp/old.pkl
    PYTHONPATH=$PWD python benchmarks/compare_repn.py dump /tmp/new.pkl
    python benchmarks/compare_repn.py compare /tmp/old.pkl /tmp/new.pkl
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys

import numpy as np


class _Stop(Exception):
    """Raised by the patched solver to stop the pipeline once a model is captured."""


def _standard_form(m) -> dict:
    """Compile a model to arrays keyed by row and column names."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    repn = LinearStandardFormCompiler().write(m, mixed_form=True)
    columns = repn.columns
    return {
        "columns": [v.name for v in columns],
        "lb": np.array([-np.inf if v.lb is None else v.lb for v in columns], dtype=float),
        "ub": np.array([np.inf if v.ub is None else v.ub for v in columns], dtype=float),
        "integer": np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool),
        "rows": [(con.name, int(mult)) for con, mult in repn.rows],
        "rhs": np.asarray(repn.rhs, dtype=float),
        "A": repn.A.tocsr(),
        "c": np.asarray(repn.c.toarray()).ravel(),
        "c_offset": float(repn.c_offset[0]) if len(repn.c_offset) else 0.0,
    }


def _pipeline_models(scenario, site_ids: list[str], n_models: int) -> list[dict]:
    """The first ``n_models`` models the pipeline solves for some sites, compiled.

    The first is solved for real (so the next, a re-dispatch, gets its capacities); the
    last one stops the pipeline.
    """
    from dcpower import pipeline
    from dcpower.optimization import optimize

    captured = []
    real_solve = optimize.solve

    def capture(m, **options):
        captured.append(_standard_form(m))
        if len(captured) == n_models:
            raise _Stop
        return real_solve(m, **options)

    optimize.solve = capture
    try:
        pipeline.solve_sites(scenario, site_ids)
    except _Stop:
        pass
    finally:
        optimize.solve = real_solve
    return captured


def _outage_scenario():
    """Baku: grid, 24-h gas and 4-h grid outages, dual-fuel engines, slow-ramping turbines."""
    from dcpower.scenario import load_scenario

    scenario = load_scenario("baku-grid")
    scenario.reliability.gas_outage_hours = 24
    scenario.reliability.grid_outage_hours = 4
    scenario.technologies["recip_engine"].dual_fuel = True  # stands in for recip_engine_df
    scenario.technologies["aero_gt"].ramp_pct_per_min = 1.0  # ramp rows bind (none by default)
    scenario.time.kind = "typical_periods"
    return scenario


def dump(path: str) -> None:
    """Build and compile every model; write them to ``path``."""
    from dcpower.aggregate import reduce_time
    from dcpower.optimization.build import build_model
    from dcpower.pipeline import hourly_profiles, site_inputs
    from dcpower.scenario import TimeHorizon, load_scenario

    hub = load_scenario("caspian-hub")
    hourly = hourly_profiles(hub, "baku")
    full = reduce_time(hourly, TimeHorizon(kind="full_year"))
    models = {}
    for integer in (False, True):
        inp = site_inputs(hub, "baku", full, hourly, integer_commitment=integer)
        models[f"full_year_baku_{'integer' if integer else 'relaxed'}"] = _standard_form(
            build_model([inp])
        )
    sizing, dispatch = _pipeline_models(hub, ["baku"], 2)
    models["typical_baku_sizing"] = sizing
    models["typical_baku_dispatch"] = dispatch
    (models["shifting_two_sites"],) = _pipeline_models(
        load_scenario("caspian-hub-shifting"), ["aktau", "baku"], 1
    )
    (models["outages_grid_dual_fuel"],) = _pipeline_models(_outage_scenario(), ["baku"], 1)
    with open(path, "wb") as f:
        pickle.dump(models, f)
    for name, model in models.items():
        print(
            f"{name}: {len(model['columns'])} columns, {len(model['rows'])} rows, "
            f"{model['A'].nnz} nonzeros"
        )


def _max_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Largest absolute difference of two arrays (infinities equal to themselves)."""
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    return 0.0 if same.all() else float(np.max(np.abs(a[~same] - b[~same])))


def compare_model(old: dict, new: dict) -> list[str]:
    """Differences between two compiled models, matched by row and column name."""
    problems = []
    for kind, key in (("column", "columns"), ("row", "rows")):
        missing = set(old[key]) - set(new[key])
        extra = set(new[key]) - set(old[key])
        if missing or extra:
            problems.append(
                f"{kind}s: {len(missing)} missing (e.g. {sorted(missing)[:3]}), "
                f"{len(extra)} extra (e.g. {sorted(extra)[:3]})"
            )
    if problems:
        return problems
    col = (
        np.array([new["columns"].index(n) for n in old["columns"]])
        if (old["columns"] != new["columns"])
        else np.arange(len(old["columns"]))
    )
    row = (
        np.array([new["rows"].index(r) for r in old["rows"]])
        if (old["rows"] != new["rows"])
        else np.arange(len(old["rows"]))
    )
    if not (col == np.arange(len(col))).all() or not (row == np.arange(len(row))).all():
        problems.append("same rows and columns in a different order (compared by name)")
    diffs = {
        "lb": _max_diff(old["lb"], new["lb"][col]),
        "ub": _max_diff(old["ub"], new["ub"][col]),
        "integer": float((old["integer"] != new["integer"][col]).sum()),
        "rhs": _max_diff(old["rhs"], new["rhs"][row]),
        "c": _max_diff(old["c"], new["c"][col]),
        "c_offset": abs(old["c_offset"] - new["c_offset"]),
    }
    a_old, a_new = old["A"], new["A"][row][:, col]
    diffs["A pattern"] = float(((a_old != 0) != (a_new != 0)).nnz)
    diffs["A"] = float(abs(a_old - a_new).max()) if a_old.nnz else 0.0
    problems += [f"{name}: max difference {value:g}" for name, value in diffs.items() if value]
    differing_rows = np.flatnonzero(
        (abs(a_old - a_new).max(axis=1).toarray().ravel() if a_old.nnz else 0)
        + (old["rhs"] != new["rhs"][row])
    )
    families = sorted({re.sub(r"\[[^\]]*\]$", "", old["rows"][i][0]) for i in differing_rows})
    if families:
        problems.append(f"rows differ in {', '.join(families)}")
    return problems


def compare(old_path: str, new_path: str) -> int:
    """Compare two dumps model by model; return the number of models that differ."""
    with open(old_path, "rb") as f:
        old = pickle.load(f)
    with open(new_path, "rb") as f:
        new = pickle.load(f)
    differing = 0
    for name in old:
        problems = ["missing"] if name not in new else compare_model(old[name], new[name])
        print(f"{name}: {'identical' if not problems else '; '.join(problems)}")
        differing += bool(problems)
    return differing


def main() -> None:
    """Command line: ``dump PATH`` or ``compare OLD NEW``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("dump", "compare"))
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    if args.action == "dump":
        dump(args.paths[0])
    else:
        sys.exit(1 if compare(*args.paths[:2]) else 0)


if __name__ == "__main__":
    main()
