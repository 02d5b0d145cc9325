"""Time a 16-point sweep on a LocalCluster of 1 worker and of 2 workers; print the speed-up.

Not part of the tests. Baku on a 168-hour window (hours 4800-4967, late July), gas price
x WACC (4 x 4 points), each point a full ``dcpower.run`` with its run folder, reports and
a 100-year availability Monte Carlo. Each configuration solves into a fresh folder; wall
times include starting and stopping the cluster and each worker's first imports. If the run
time per point grows with the number of workers, the cores are shared (e.g. two hyperthreads
of one core): the speed-up is then the machine's, not the scheduler's.

    python benchmarks/bench_sweep.py [--workers 1 2] [--hours 168] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from dcpower.sweep import points, run_sweep, sweep_from_dict


def spec(hours: int):
    return sweep_from_dict(
        {
            "name": "bench-sweep",
            "base": "baku",
            "fixed": {"time": {"kind": "window", "start_hour": 4800, "n_hours": hours}},
            "grid": {
                "sites.baku.gas_price_usd_per_mmbtu": [2, 4, 6, 8],
                "economics.wacc": [0.05, 0.07, 0.09, 0.11],
            },
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--hours", type=int, default=168)
    parser.add_argument("--keep", type=Path, help="keep the sweep folders under this folder")
    args = parser.parse_args()

    swept = spec(args.hours)
    n = len(points(swept))
    root = args.keep or Path(tempfile.mkdtemp(prefix="dcpower-bench-sweep-"))
    walls: dict[int, float] = {}
    try:
        for workers in args.workers:
            out = root / f"workers-{workers}"
            shutil.rmtree(out, ignore_errors=True)
            started = time.perf_counter()
            table = run_sweep(swept, out, workers=workers)
            walls[workers] = time.perf_counter() - started
            ok = table["status"].eq("optimal").sum()
            busy = table["seconds"].sum()
            print(
                f"{workers} worker(s): {n} points ({ok} optimal) in {walls[workers]:.1f} s wall, "
                f"{walls[workers] / n:.2f} s per point; run time per point in the worker "
                f"mean {table['seconds'].mean():.2f} s, max {table['seconds'].max():.2f} s; "
                f"workers busy {busy / (workers * walls[workers]):.0%} of the wall time",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"os.cpu_count() = {os.cpu_count()}")
    first = args.workers[0]
    for workers in args.workers[1:]:
        print(f"speed-up {first} -> {workers} workers: {walls[first] / walls[workers]:.2f}x")


if __name__ == "__main__":
    main()
