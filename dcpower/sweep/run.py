"""Running a sweep: :func:`run_sweep` solves the points not done yet on dask.distributed.

The sweep folder is checked (a new folder, or one of the same base scenario), points done by
an earlier run are taken from its table or run folders, the others are solved on a
LocalCluster (or a given scheduler), the table is rewritten after every point and the report
is written at the end.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from dcpower.errors import DcpowerError
from dcpower.run_folder import is_run_folder, read_summary
from dcpower.sweep.point import (
    POINT_JSON,
    SOLVED,
    _failed_row,
    _one_line,
    row_from_summary,
    solve_point,
)
from dcpower.sweep.points import _Plan
from dcpower.sweep.report import write_sweep_report
from dcpower.sweep.spec import SweepSpec
from dcpower.sweep.table import RUNS_DIR, SWEEP_JSON, _replace, _rows_by_id, read_table, write_table

# The package's logger: messages name dcpower.sweep, as before the split into modules.
log = logging.getLogger(__package__)

Progress = Callable[[dict, int, int], None]


def _prepare_folder(out_dir: Path, plan: _Plan) -> None:
    record = out_dir / SWEEP_JSON
    if out_dir.exists() and not out_dir.is_dir():
        raise DcpowerError(f"sweep folder '{out_dir}': exists and is not a folder")
    if out_dir.is_dir() and not record.is_file() and any(out_dir.iterdir()):
        raise DcpowerError(
            f"sweep folder '{out_dir}': exists, is not empty and is not a sweep folder (no "
            f"{SWEEP_JSON}); give a new, empty or earlier sweep folder"
        )
    if record.is_file():
        try:
            earlier = json.loads(record.read_text()).get("base_fingerprint")
        except (OSError, ValueError, AttributeError):
            earlier = None
        if earlier != plan.fingerprint:
            raise DcpowerError(
                f"sweep folder '{out_dir}': holds a sweep of a different base scenario (base or "
                "fixed values changed, see its sweep.json); give a new folder or delete it"
            )
    (out_dir / RUNS_DIR).mkdir(parents=True, exist_ok=True)
    meta = {
        "name": plan.spec.name,
        "base": plan.spec.base,
        "base_fingerprint": plan.fingerprint,
        "spec": plan.spec.model_dump(mode="json"),
        "base_values": plan.base_values,
        "points": len(plan.points),
    }
    _replace(record, lambda p: p.write_text(json.dumps(meta, indent=2, default=str)))


def _done_row(out_dir: Path, pid: str, lead: dict, earlier: dict | None) -> dict | None:
    """Return the row of a point that needs no solve (resume), or None."""
    folder = out_dir / RUNS_DIR / pid
    if earlier is not None:
        status = earlier.get("status")
        if status in SOLVED and is_run_folder(folder):
            return {**earlier, **lead}
        if status == "infeasible":
            return {**earlier, **lead}
    # A run that finished after the table was last written: its row is rebuilt from the folder.
    marker = folder / POINT_JSON
    if is_run_folder(folder) and marker.is_file():
        try:
            done = json.loads(marker.read_text())
            summary = read_summary(folder)
            if done.get("point_id") == pid:
                return row_from_summary(lead, summary, float(done.get("seconds", float("nan"))))
        except (OSError, ValueError, KeyError, TypeError, DcpowerError):
            return None
    return None


def run_sweep(
    spec: SweepSpec,
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Solve every point of a sweep on dask.distributed; write the table and the charts.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    out_dir : str or Path
        Sweep folder: ``runs/<point id>/`` (a run folder per point), ``results.parquet``,
        ``results.csv`` (rewritten after every finished point), ``sweep.json``,
        ``sweep.html`` and ``figures/``. A rerun into the same folder solves only the points
        not done yet (an ``error`` point is tried again, an ``infeasible`` one is not).
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); its workers must have
        dcpower installed and see ``out_dir``. Default: a LocalCluster on this machine.
    workers : int, optional
        Worker processes of the LocalCluster (one thread each); default: the CPU count,
        at most the number of points to solve.
    progress : callable, optional
        Called as ``progress(row, done, total)`` after each solved point.

    Returns
    -------
    pd.DataFrame
        One row per point, in point order (see :func:`row_from_summary`). ``attrs`` holds
        ``solved`` and ``skipped`` (point ids).

    Raises
    ------
    ScenarioError
        An unknown path or a value the scenario rejects (before any solve).
    DcpowerError
        ``out_dir`` is not a sweep folder, or holds a sweep of another base scenario.
    """
    plan = _Plan(spec)
    plan.output_check()
    out_dir = Path(out_dir).absolute()
    _prepare_folder(out_dir, plan)
    earlier = _rows_by_id(read_table(out_dir))
    leads = {
        p["id"]: {"point_id": p["id"], "varied": plan.varied[p["id"]], **plan.inputs[p["id"]]}
        for p in plan.points
    }
    rows: dict[str, dict] = {}
    todo: list[str] = []
    for point in plan.points:
        pid = point["id"]
        done = _done_row(out_dir, pid, leads[pid], earlier.get(pid))
        if done is None:
            todo.append(pid)
        else:
            rows[pid] = done
    order = [p["id"] for p in plan.points]

    def table() -> pd.DataFrame:
        return write_table(out_dir, [rows[pid] for pid in order if pid in rows])

    table()
    if todo:
        log.info("sweep %s: %d points to solve, %d done", spec.name, len(todo), len(rows))
        _solve_all(plan, out_dir, todo, leads, rows, table, scheduler, workers, progress)
    result = table()
    write_sweep_report(out_dir, result)
    result.attrs["solved"] = todo
    result.attrs["skipped"] = [pid for pid in order if pid not in todo]
    return result


def _solve_all(plan, out_dir, todo, leads, rows, table, scheduler, workers, progress) -> None:
    from distributed import as_completed

    with _quiet_distributed():
        client, cluster = _connect(scheduler, workers, len(todo))
        futures = {}
        try:
            tag = uuid.uuid4().hex[:8]
            for pid in todo:
                future = client.submit(
                    solve_point,
                    pid,
                    plan.scenarios[pid],
                    str(out_dir / RUNS_DIR / pid),
                    leads[pid],
                    key=f"dcpower-sweep-{pid}-{tag}",
                    pure=False,
                )
                futures[future] = pid
            for done, future in enumerate(as_completed(futures), start=1):
                pid = futures[future]
                try:
                    row = future.result()
                except Exception as err:  # the worker died, or could not run the task
                    row = _failed_row(leads[pid], "error", _one_line(err), float("nan"))
                rows[pid] = row
                future.release()
                table()
                if progress is not None:
                    progress(row, done, len(todo))
        finally:
            unfinished = [f for f in futures if not f.done()]
            if unfinished:
                client.cancel(unfinished)
            client.close()
            if cluster is not None:
                cluster.close()


def _connect(scheduler: str | None, workers: int | None, n_points: int):
    """Return a dask client of the scheduler, or of a new LocalCluster (also returned, or None).

    The LocalCluster has ``workers`` single-threaded worker processes (default: the CPU
    count), at most ``n_points``.
    """
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        n = workers or os.cpu_count() or 1
        cluster = LocalCluster(
            n_workers=max(1, min(n, n_points)),
            threads_per_worker=1,
            processes=True,
            # No dashboard; its HTTP server (health, metrics) on a free local port, so
            # sweeps side by side never compete for port 8787.
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    return client, cluster


@contextlib.contextmanager
def _quiet_distributed():
    """Keep dask.distributed's INFO chatter (start, stop, closed comms) off the console."""
    names = ("distributed", "tornado")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
