"""Time the sizing pipeline of each site on several horizons and compare them with the full year.

Not part of the tests (it takes minutes). For each site of a scenario and each horizon
(the first, by default the full year, is the baseline, or each site's first row of an
earlier ``--json`` file given as ``--baseline``), runs ``dcpower.pipeline.solve_site``
exactly as ``dcpower run`` does (sizing, full-year re-dispatch with the sizing fixed, the
refinements of a typical-periods sizing that falls short, a full-year pass if still short)
and prints: sizing passes, hours modelled by the last sizing, seconds spent sizing and
re-dispatching, total wall seconds and the speed-up against the baseline, the full-year
dispatch's annual cost and its difference from the baseline, unserved energy, and the plan.

    python benchmarks/bench_run.py                      # caspian-hub, both sites
    python benchmarks/bench_run.py --sites baku --horizons full_year,blocks:3,typical_periods:12
    python benchmarks/bench_run.py --gas-price 25       # a case where PV, wind and storage enter
    python benchmarks/bench_run.py --json benchmarks/results/bench_run.json
    python benchmarks/bench_run.py --horizons blocks:3,typical_periods:12 \
        --baseline benchmarks/results/bench_run.json   # compare with a full year measured before

Horizons: ``full_year``, ``blocks:H`` (H-hour blocks), ``typical_periods:K`` (K typical days
plus the extreme days). The full-year re-dispatch uses ``--dispatch-commitment`` (default
``relaxed``, the sizing's commitment, so every row compares like with like: a full-year
sizing is its own dispatch); ``integer`` is what ``dcpower run`` reports.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from dcpower.pipeline import hourly_profiles, solve_site
from dcpower.scenario import load_scenario, scenario_from_dict


def horizon_of(spec: str) -> dict:
    """Return the scenario's ``time`` section for a horizon spec like ``blocks:3``."""
    kind, _, number = spec.partition(":")
    if kind == "blocks":
        return {"kind": kind, "block_hours": int(number or 3)}
    if kind == "typical_periods":
        return {"kind": kind, "n_periods": int(number or 12)}
    return {"kind": kind}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="caspian-hub")
    parser.add_argument("--sites", default=None, help="comma-separated; default: every site")
    parser.add_argument("--time-limit", type=float, default=900.0)
    parser.add_argument(
        "--horizons",
        default="full_year,blocks:3,typical_periods:8,typical_periods:12,typical_periods:16",
    )
    parser.add_argument("--dispatch-commitment", choices=["relaxed", "integer"], default="relaxed")
    parser.add_argument(
        "--gas-price", type=float, default=None, help="override every site's gas price [USD/MMBtu]"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the rows to this file")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="an earlier --json file: each site's first row there is the baseline",
    )
    args = parser.parse_args()
    earlier = {}
    if args.baseline is not None:
        for row in json.loads(args.baseline.read_text())["rows"]:
            earlier.setdefault(row["site"], (row["wall_s"], row["cost_usd_per_yr"]))

    raw = load_scenario(args.scenario).model_dump(mode="json")
    raw["solver"]["time_limit_s"] = args.time_limit
    raw["solver"]["dispatch_commitment"] = args.dispatch_commitment
    sites = args.sites.split(",") if args.sites else list(raw["sites"])
    if args.gas_price is not None:
        for site_id in sites:
            raw["sites"][site_id]["gas_price_usd_per_mmbtu"] = args.gas_price
    rows = []
    for site_id in sites:
        started = time.perf_counter()
        hourly_profiles(scenario_from_dict(raw), site_id)
        print(f"\n{site_id}: profiles {time.perf_counter() - started:.2f} s")
        print(
            f"{'horizon':<20}{'passes':>7}{'hours':>7}{'size s':>8}{'disp s':>8}{'wall s':>8}"
            f"{'speed-up':>9}{'cost M$/yr':>12}{'vs base':>9}{'unserved MWh':>14}  plan"
        )
        baseline = earlier.get(site_id)
        for spec in args.horizons.split(","):
            scenario = scenario_from_dict({**raw, "time": {**raw["time"], **horizon_of(spec)}})
            t0 = time.perf_counter()
            site = solve_site(scenario, site_id)
            wall = time.perf_counter() - t0
            cost = float(site.costs["usd_per_yr"].sum())
            unserved = site.annual_mwh("unserved_mw")
            if baseline is None:
                baseline = (wall, cost)
            caps = site.capacities.set_index(["technology", "unit"])["capacity"]
            plan = {f"{t} [{u}]": round(float(v), 1) for (t, u), v in caps.items() if v > 0}
            passes = site.sizing_passes
            row = {
                "site": site_id,
                "horizon": spec,
                "passes": len(passes),
                "hours_modelled": site.hours_modelled,
                "sizing_s": sum(p["sizing_seconds"] for p in passes),
                "dispatch_s": sum(p["dispatch_seconds"] for p in passes),
                "wall_s": wall,
                "speed_up": baseline[0] / wall,
                "cost_usd_per_yr": cost,
                "cost_vs_baseline": cost / baseline[1] - 1,
                "unserved_mwh_per_yr": unserved,
                "status": site.status,
                "mip_gap": site.mip_gap,
                "plan": plan,
                "sizing_passes": passes,
            }
            rows.append(row)
            print(
                f"{spec:<20}{row['passes']:>7}{row['hours_modelled']:>7}{row['sizing_s']:>8.1f}"
                f"{row['dispatch_s']:>8.1f}{wall:>8.1f}{row['speed_up']:>9.2f}"
                f"{cost / 1e6:>12.3f}{row['cost_vs_baseline']:>9.2%}{unserved:>14.1f}  {plan}"
                f" {site.status}",
                flush=True,
            )
    if args.json is not None:
        record = {
            "baseline": str(args.baseline) if args.baseline else None,
            "scenario": args.scenario,
            "gas_price_usd_per_mmbtu": args.gas_price,
            "dispatch_commitment": args.dispatch_commitment,
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(),
            "rows": rows,
        }
        args.json.write_text(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
