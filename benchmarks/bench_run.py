"""Time the default pipeline on one site-year and compare reduced horizons with the full year.

Not part of the tests (it takes minutes). Prints, for one site of a scenario:
profile time; for each horizon (full-year sizing as the baseline, then 3-h and 6-h blocks):
build and solve seconds, the full-year re-dispatch, annual cost and its difference from the
baseline, the speed-up as a ratio to the baseline measured in the same process, and the
unserved energy found when the sized plant is dispatched over all 8760 hours.

    python benchmarks/bench_run.py [--scenario baku] [--site baku] [--time-limit 900]
    python benchmarks/bench_run.py --gas-price 25    # a case where PV, wind and storage enter

The full-year dispatch after a blocks sizing uses the sizing's (relaxed) commitment here, so
every row compares like with like.
"""

from __future__ import annotations

import argparse
import time

from dcpower.aggregate import reduce_time
from dcpower.optimization.optimize import optimize_site
from dcpower.pipeline import hourly_profiles, site_inputs
from dcpower.scenario import TimeHorizon, load_scenario, scenario_from_dict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baku")
    parser.add_argument("--site", default="baku")
    parser.add_argument("--time-limit", type=float, default=900.0)
    parser.add_argument("--horizons", default="full_year,blocks:3,blocks:6")
    parser.add_argument(
        "--gas-price", type=float, default=None, help="override the site's gas price [USD/MMBtu]"
    )
    args = parser.parse_args()

    raw = load_scenario(args.scenario).model_dump(mode="json")
    raw["solver"]["time_limit_s"] = args.time_limit
    if args.gas_price is not None:
        raw["sites"][args.site]["gas_price_usd_per_mmbtu"] = args.gas_price
    scenario = scenario_from_dict(raw)
    started = time.perf_counter()
    hourly = hourly_profiles(scenario, args.site)
    print(f"profiles: {time.perf_counter() - started:.2f} s for {len(hourly)} h")

    full_year = reduce_time(hourly, TimeHorizon(kind="full_year"))
    baseline = None
    print(
        f"{'horizon':<12}{'steps':>7}{'build s':>9}{'solve s':>9}{'redisp s':>10}"
        f"{'total s':>9}{'speed-up':>9}{'cost M$/yr':>12}{'vs base':>9}{'unserved MWh':>14}  gas"
    )
    for spec in args.horizons.split(","):
        kind, _, hours = spec.partition(":")
        horizon = TimeHorizon(kind=kind, block_hours=int(hours or 3))
        steps = reduce_time(hourly, horizon)
        t0 = time.perf_counter()
        sized = optimize_site(site_inputs(scenario, args.site, steps, hourly), scenario.solver)
        t1 = time.perf_counter()
        final = sized
        if kind != "full_year":
            final = optimize_site(
                site_inputs(scenario, args.site, full_year, hourly),
                scenario.solver,
                fixed_sizing=sized.sizing,
            )
        t2 = time.perf_counter()
        cost = final.solution.costs["usd_per_yr"].sum()
        unserved = float((final.solution.dispatch["unserved_mw"]).sum())
        if baseline is None:
            baseline = (t2 - t0, cost)
        gas = {k: v["units"] for k, v in sized.solution.gas_units.items() if v["units"]}
        print(
            f"{spec:<12}{len(steps.duration_h):>7}{sized.build_seconds:>9.1f}"
            f"{sized.outcome.solve_seconds:>9.1f}{t2 - t1:>10.1f}{t2 - t0:>9.1f}"
            f"{baseline[0] / (t2 - t0):>9.2f}{cost / 1e6:>12.3f}"
            f"{(cost / baseline[1] - 1):>9.2%}{unserved:>14.1f}  {gas} {sized.outcome.status}"
            f" gap {sized.outcome.mip_gap:.2%}"
        )


if __name__ == "__main__":
    main()
