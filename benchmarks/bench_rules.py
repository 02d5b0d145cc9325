"""What the hourly reliability rules cost in solve time: the default run with and without them.

Not part of the tests. Runs the default scenario (``models/caspian-hub.yaml``) through
``dcpower.run`` in this process, once per case and repeat, and prints per case the wall
time of the run (reports and Monte Carlo off), the sizing and dispatch seconds of each
site (``summary.json`` ``sizing_passes``), the plan and its annual cost, and the ratio of
the wall time to the first case (the baseline, measured in the same command):

- ``no-steps``: every gas type's ``load_step_fraction`` set to 1 (no load-step rows);
- ``default``: the scenario as shipped (load steps, spare-backed storage reserve);
- ``no-n-1``: hourly N-1 off (no unit-trip, grid-trip or load-step rows).

    python benchmarks/bench_rules.py [--repeats 2] [--scenario models/caspian-hub.yaml]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import dcpower
from dcpower.scenario import load_scenario, scenario_from_dict


def _case(name: str, scenario_path: str | None):
    """Return the scenario of one case."""
    raw = load_scenario(scenario_path).model_dump(mode="json")
    raw["reliability"]["monte_carlo_years"] = 0
    if name == "no-steps":
        for spec in raw["technologies"].values():
            if spec.get("kind") == "gas":
                spec["load_step_fraction"] = 1.0
    if name == "no-n-1":
        raw["reliability"]["hourly_n_minus_1"] = False
    return scenario_from_dict(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--scenario", default=None, help="scenario file (default: the hub)")
    args = parser.parse_args()
    cases = ("no-steps", "default", "no-n-1")
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeats):
        for name in cases:
            scenario = _case(name, args.scenario)
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                result = dcpower.run(scenario, out=Path(tmp) / "run", reports=False)
                seconds[name].append(time.perf_counter() - started)
            summary = result.summary()
            passes = {
                site_id: [
                    (round(p["sizing_seconds"], 1), round(p["dispatch_seconds"], 1))
                    for p in site["sizing_passes"]
                ]
                for site_id, site in summary["sites"].items()
            }
            plan = {
                site_id: {g: v["units"] for g, v in site["capacity"]["gas"].items() if v["units"]}
                for site_id, site in summary["sites"].items()
            }
            cost = {s: round(v["cost_usd_per_yr"] / 1e6, 3) for s, v in summary["sites"].items()}
            print(f"{name:9s} {seconds[name][-1]:6.1f} s  (sizing, dispatch) s {passes}")
            verified = result.verification["passed"]
            print(f"{'':9s} plan {plan}  cost M USD/yr {cost}  verified {verified}")
    base = statistics.median(seconds[cases[0]])
    print("\ncase       median s  ratio to no-steps")
    for name in cases:
        median = statistics.median(seconds[name])
        print(f"{name:9s} {median:9.1f}  {median / base:6.2f}")


if __name__ == "__main__":
    main()
