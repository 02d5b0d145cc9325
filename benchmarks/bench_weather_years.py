"""The hub sized on 1, 5, 10 and 20 weather years: wall time and where it goes.

Each count is a whole ``dcpower run`` of ``models/caspian-hub.yaml`` in its own process,
with ``weather_years: [0, 1, ..., n - 1]`` (synthetic seeds) at both sites; one year is
the model as shipped. Per run it reports the wall seconds and their ratio to the one-year
run of the same benchmark, per site the sizing and full-year dispatch seconds of the last
sizing pass, the sizing model's size (columns, rows, integers, from the run's log), the
passes made, the P50 / P90 / worst annual cost over the years and the peak memory of the
largest process. The issue's goal: 20 years in under 4x the one-year wall time on 2 cores.
Results go to ``benchmarks/results/<date>-weather-years.json``.

Run from the repository root::

    python benchmarks/bench_weather_years.py                # 1, 5, 10, 20 years (long)
    python benchmarks/bench_weather_years.py --years 1,5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# Measures the largest process of a run's tree: RUSAGE_CHILDREN after it has been waited for.
_WRAPPER = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)
_SIZE = re.compile(r"solve: (\w+)(?:@\S*)?: (\d+) columns, (\d+) rows, (\d+) integer")


def run_years(n_years: int, work: Path) -> dict:
    """Run the hub on ``n_years`` weather years; return its figures."""
    raw = yaml.safe_load((ROOT / "models" / "caspian-hub.yaml").read_text())
    raw["name"] = f"hub-{n_years}y"
    if n_years > 1:
        for site in raw["sites"].values():
            site["weather_years"] = list(range(n_years))
    path = work / f"{raw['name']}.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    out = work / raw["name"]
    command = [sys.executable, "-c", "from dcpower.cli import app; app()", "run", str(path)]
    command += ["--out", str(out), "--verbose"]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    maxrss_kb, code = done.stdout.strip().splitlines()[-1].split()
    row = {"years": n_years, "exit_code": int(code), "wall_s": wall}
    if row["exit_code"] != 0:
        # The run's one-line reason (its last line on stderr).
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        row["error"] = lines[-1] if lines else ""
        return row
    summary = json.loads((out / "summary.json").read_text())
    sizes: dict[str, list] = {}
    for match in _SIZE.finditer(done.stdout + done.stderr):
        sizes.setdefault(match.group(1), []).append([int(match.group(k)) for k in (2, 3, 4)])
    sites = {}
    for site_id, site in summary["sites"].items():
        last = site["sizing_passes"][-1]
        years = site.get("weather_years") or {}
        sites[site_id] = {
            "passes": len(site["sizing_passes"]),
            "sizing_s": last["sizing_seconds"],
            "dispatch_s": last["dispatch_seconds"],
            # The first logged model of a site is its first sizing (columns, rows, integers).
            "sizing_model": sizes.get(site_id, [[None] * 3])[0],
            "cost_usd_per_yr": years.get("statistics", {}).get("cost_usd_per_yr")
            or {"p50": site["cost_usd_per_yr"]},
        }
    row.update({"peak_memory_mb": int(maxrss_kb) / 1024, "sites": sites})
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="1,5,10,20", help="comma-separated year counts")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    counts = [int(n) for n in args.years.split(",")]
    results = {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "command": " ".join(["python", *sys.argv]),
        "runs": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for n_years in counts:
            row = run_years(n_years, Path(tmp))
            base = next((r for r in results["runs"] if r["years"] == 1), None)
            if base and row["exit_code"] == 0:
                row["over_one_year"] = row["wall_s"] / base["wall_s"]
            results["runs"].append(row)
            print(_line(row), flush=True)
    out = args.out or ROOT / "benchmarks" / "results" / f"{results['date']}-weather-years.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"-> {out}")


def _line(row: dict) -> str:
    if row["exit_code"]:
        return (
            f"{row['years']:3d} years: exit {row['exit_code']} after {row['wall_s']:.0f} s: "
            f"{row.get('error', '')}"
        )
    parts = [
        f"{site_id} sizing {s['sizing_s']:.1f} s ({s['sizing_model'][0]} cols, "
        f"{s['sizing_model'][1]} rows), dispatch {s['dispatch_s']:.1f} s, {s['passes']} pass(es)"
        for site_id, s in row["sites"].items()
    ]
    ratio = row.get("over_one_year")
    return (
        f"{row['years']:3d} years: {row['wall_s']:7.1f} s"
        + (f" ({ratio:.1f}x one year)" if ratio else "")
        + f", {row['peak_memory_mb']:.0f} MB; "
        + "; ".join(parts)
    )


if __name__ == "__main__":
    main()
