"""The files of a run folder as the verification reads them, and one site's rows of them.

:func:`read_run_folder` reads ``summary.json``, ``scenario.yaml``, ``capacities.csv``,
``dispatch.csv``, ``profiles.csv`` and, if present, ``outage_dispatch.csv`` (see
docs/run-folder.md); :func:`_site_data` cuts one site's rows out of them, its profiles aligned
on its dispatch hours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from dcpower.results import OUTAGE_DISPATCH_FILE
from dcpower.scenario import Scenario, scenario_from_dict

#: Files of a run folder the checks read.
RUN_FILES = ("summary.json", "scenario.yaml", "capacities.csv", "dispatch.csv", "profiles.csv")


@dataclass(frozen=True)
class _Site:
    """One site's rows, aligned hour by hour, and what the scenario says about it."""

    site_id: str
    dispatch: pd.DataFrame  # this site's dispatch rows, in file order
    hourly: pd.DataFrame  # profiles.csv rows on the dispatch hours (NaN where missing)
    profiles: pd.DataFrame  # every profiles.csv row of the site (the design-point year)
    times: np.ndarray  # ISO strings of the dispatch hours
    capacity: dict  # (technology, unit) -> capacity from capacities.csv
    windows: pd.DataFrame  # this site's outage_dispatch.csv rows (empty if none)


@dataclass(frozen=True)
class RunFolder:
    """The tables and records of a run folder, as read from its files."""

    summary: dict  # summary.json
    scenario: Scenario  # scenario.yaml, validated
    capacities: pd.DataFrame  # capacities.csv
    dispatch: pd.DataFrame  # dispatch.csv (with grid_mw, 0 if the folder predates it)
    profiles: pd.DataFrame  # profiles.csv
    windows: pd.DataFrame  # outage_dispatch.csv (no rows if the file is absent)
    horizon_kind: str | None  # summary.json horizon.kind


def read_run_folder(run_dir: str | Path) -> RunFolder:
    """Read the files of a run folder the checks need.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` / ``Result.save``.

    Returns
    -------
    RunFolder
        Its summary, scenario and tables.

    Raises
    ------
    FileNotFoundError
        If a file of :data:`RUN_FILES` is missing.
    """
    run_dir = Path(run_dir)
    missing = [name for name in RUN_FILES if not (run_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"run folder '{run_dir}': missing {', '.join(missing)}")
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    raw = yaml.safe_load((run_dir / "scenario.yaml").read_text(encoding="utf-8"))
    scenario = scenario_from_dict(raw, origin=str(run_dir / "scenario.yaml"))
    capacities = pd.read_csv(run_dir / "capacities.csv")
    dispatch = pd.read_csv(run_dir / "dispatch.csv")
    if "grid_mw" not in dispatch.columns:
        # A run folder from before grid connections imported nothing (an import left out
        # of a newer one would still break the energy balance).
        dispatch["grid_mw"] = 0.0
    profiles = pd.read_csv(run_dir / "profiles.csv")
    outage_file = run_dir / OUTAGE_DISPATCH_FILE
    windows = pd.read_csv(outage_file) if outage_file.is_file() else pd.DataFrame({"site": []})
    horizon_kind = (summary.get("horizon") or {}).get("kind")
    return RunFolder(summary, scenario, capacities, dispatch, profiles, windows, horizon_kind)


def _site_data(
    site_id: str,
    dispatch: pd.DataFrame,
    profiles: pd.DataFrame,
    capacities: pd.DataFrame,
    windows: pd.DataFrame,
) -> _Site:
    """Cut one site's rows out of the run tables and align its profiles on its dispatch hours."""
    d = dispatch[dispatch["site"].astype(str) == site_id].reset_index(drop=True)
    p = profiles[profiles["site"].astype(str) == site_id].reset_index(drop=True)
    times = d["time"].astype(str).to_numpy()
    hourly = p.drop_duplicates("time").set_index("time").reindex(times).reset_index(names="time")
    c = capacities[capacities["site"].astype(str) == site_id]
    capacity = {
        (str(r.technology), str(r.unit)): float(r.capacity) for r in c.itertuples(index=False)
    }
    w = windows[windows["site"].astype(str) == site_id].reset_index(drop=True)
    return _Site(site_id, d, hourly, p, times, capacity, w)
