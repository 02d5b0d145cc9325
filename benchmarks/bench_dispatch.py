"""Monolithic against windowed full-year dispatch: whole `dcpower run`s on a benchmark set.

Each case is run three times, each a whole ``dcpower run`` (sizing, full-year dispatch,
verification, Monte Carlo, reports) in its own process:

- ``monolithic``: ``solver.dispatch_window_h: 0`` (one MILP for the year, as before windows);
- ``windows-1``: weekly windows with a day of look-ahead, one worker;
- ``windows-2``: the same, two workers (the default on a 2-core machine);
- ``windows-2-gap-0.1`` (on request, ``--variants``): ``windows-2`` with the dispatch
  searched to a 0.1 % gap (``solver.dispatch_mip_gap: 0.001``).

Per run it reports the wall seconds, the full-year dispatch seconds (summed over sites),
the annual cost and its difference from the monolithic run's, unserved energy, whether
every verification check passed, how the windows went (windows, hand-overs, elastic
re-solves, fallback) and the peak memory of the largest process (``ru_maxrss`` of the run's
process tree, read in a wrapper process). Results go to
``benchmarks/results/<date>-dispatch.json``.

Cases: the default hub, and the same with gas at 12 USD/MMBtu at both sites; Baku alone
at 12 and 25 USD/MMBtu gas (renewables and storage enter); Baku with a 24-h gas-supply
outage window per month (dual-fuel engines ride through on their tanks); the
workload-shifting hub (both sites in one model).

Run from the repository root::

    python benchmarks/bench_dispatch.py                    # all cases (about 25 minutes)
    python benchmarks/bench_dispatch.py --cases baku-12    # one case
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"

VARIANTS = {
    "monolithic": {"dispatch_window_h": 0},
    "windows-1": {"dispatch_window_h": 168, "dispatch_overlap_h": 24, "dispatch_workers": 1},
    "windows-2": {"dispatch_window_h": 168, "dispatch_overlap_h": 24, "dispatch_workers": 2},
    # The same with the dispatch searched to a 0.1 % gap (solver.dispatch_mip_gap).
    "windows-2-gap-0.1": {
        "dispatch_window_h": 168,
        "dispatch_overlap_h": 24,
        "dispatch_workers": 2,
        "dispatch_mip_gap": 0.001,
    },
}

# Measures the largest process of a run's tree: RUSAGE_CHILDREN after it has been waited for.
_WRAPPER = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


def _model(name: str) -> dict:
    return yaml.safe_load((MODELS / f"{name}.yaml").read_text())


def _baku_at(price: float) -> dict:
    raw = _model("baku")
    raw["name"] = f"baku-gas-{price:g}"
    raw["sites"]["baku"].pop("gas_price_case", None)  # a price given replaces the case
    raw["sites"]["baku"]["gas_price_usd_per_mmbtu"] = price
    return raw


def _hub_at(price: float) -> dict:
    raw = _model("caspian-hub")
    raw["name"] = f"caspian-hub-gas-{price:g}"
    for site in raw["sites"].values():
        site.pop("gas_price_case", None)
        site["gas_price_usd_per_mmbtu"] = price
    return raw


def _gas_outage() -> dict:
    raw = _model("caspian-hub")
    raw["name"] = "baku-gas-outage"
    del raw["sites"]["aktau"]
    raw.setdefault("reliability", {})["gas_outage_hours"] = 24
    return raw


CASES = {
    "hub": lambda: _model("caspian-hub"),
    "hub-12": lambda: _hub_at(12.0),
    "baku-12": lambda: _baku_at(12.0),
    "baku-25": lambda: _baku_at(25.0),
    "gas-outage": _gas_outage,
    "shifting-hub": lambda: _model("caspian-hub-shifting"),
}


def run_case(raw: dict, variant: str, work: Path) -> dict:
    """Run one case with one dispatch variant; return its figures."""
    scenario = json.loads(json.dumps(raw))
    scenario.setdefault("solver", {}).update(VARIANTS[variant])
    path = work / f"{scenario['name']}-{variant}.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    out = work / f"{scenario['name']}-{variant}"
    command = [sys.executable, "-c", "from dcpower.cli import app; app()", "run", str(path)]
    command += ["--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    maxrss_kb, code = done.stdout.strip().splitlines()[-1].split()
    if int(code) != 0:
        return {"variant": variant, "exit_code": int(code), "wall_s": wall}
    summary = json.loads((out / "summary.json").read_text())
    verification = json.loads((out / "verification.json").read_text())
    sites = summary["sites"]
    passes = {site_id: site["sizing_passes"][-1] for site_id, site in sites.items()}
    return {
        "variant": variant,
        "exit_code": 0,
        "wall_s": wall,
        "dispatch_s": sum(p["dispatch_seconds"] for p in passes.values()),
        "cost_usd_per_yr": sum(site["cost_usd_per_yr"] for site in sites.values()),
        "unserved_mwh_per_yr": sum(site["unserved_mwh_per_yr"] for site in sites.values()),
        "checks_passed": all(check["passed"] for check in verification["checks"]),
        "checks": len(verification["checks"]),
        "peak_memory_mb": int(maxrss_kb) / 1024,
        "plan": {site_id: site["capacity"] for site_id, site in sites.items()},
        "dispatch": {site_id: p.get("dispatch") for site_id, p in passes.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated case names")
    parser.add_argument("--variants", default="monolithic,windows-1,windows-2")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results = {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "command": " ".join(["python", *sys.argv]),
        "cases": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            raw = CASES[case]()
            rows = [run_case(raw, v, Path(tmp)) for v in args.variants.split(",")]
            base = next((r for r in rows if r["variant"] == "monolithic"), None)
            for row in rows:
                if base and row.get("exit_code") == 0 and base.get("exit_code") == 0:
                    row["cost_vs_monolithic"] = row["cost_usd_per_yr"] / base["cost_usd_per_yr"] - 1
                    row["speed_up"] = base["wall_s"] / row["wall_s"]
                print(_line(case, row), flush=True)
            results["cases"][case] = rows
    out = args.out or ROOT / "benchmarks" / "results" / f"{results['date']}-dispatch.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"-> {out}")


def _line(case: str, row: dict) -> str:
    if row.get("exit_code"):
        return f"{case:13s} {row['variant']:11s} exit {row['exit_code']}"
    return (
        f"{case:13s} {row['variant']:11s} {row['wall_s']:7.1f} s  dispatch "
        f"{row['dispatch_s']:6.1f} s  cost {row['cost_usd_per_yr']:14,.0f}  "
        f"{100 * row.get('cost_vs_monolithic', 0):+.3f} %  x{row.get('speed_up', 1):.2f}  "
        f"unserved {row['unserved_mwh_per_yr']:.2f}  checks {row['checks_passed']}  "
        f"{row['peak_memory_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
