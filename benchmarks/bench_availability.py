"""Time the Monte Carlo availability on a full-year run folder and print its figures.

Not part of the tests. Runs ``dcpower.availability.simulate_availability`` on a run folder
(default: the full-year default run, made first with ``dcpower run --out /tmp/av_full``),
prints the wall time, simulated site-years per second and the availability table.

    python benchmarks/bench_availability.py [--run /tmp/av_full] [--years 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import time

from dcpower.availability import format_availability, simulate_availability


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", default="/tmp/av_full", help="run folder")
    parser.add_argument("--years", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="also print the result as JSON")
    args = parser.parse_args()

    simulate_availability(args.run, years=10, seed=args.seed)  # warm-up (imports, file cache)
    started = time.perf_counter()
    result = simulate_availability(args.run, years=args.years, seed=args.seed)
    seconds = time.perf_counter() - started
    sites = len(result["sites"])
    print(
        f"{args.years} years x {sites} sites x {result['horizon']['hours_simulated']} h "
        f"in {seconds:.2f} s: {args.years * sites / seconds:,.0f} site-years/s "
        f"({args.years / (seconds / sites):,.0f} years/s per site, "
        f"{seconds / sites:.2f} s per site)"
    )
    print(format_availability(result))
    if args.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
