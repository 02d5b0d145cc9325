"""The phases of a build-out: each earlier phase's run folder verified, and capacity kept.

A site built in phases (``summary.json`` ``phases``) has its last phase in the run folder
itself and each earlier phase's plan in ``phases/<site>-<year>/``, a run folder of its own:
it is verified like any run, its records named ``<site>#<year>``. One more record per site
checks that no phase has less of any capacity than the phase before it.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from dcpower.phasing import phase_folder
from dcpower.run_folder import RunFolder, RunFolderError, read_run_folder
from dcpower.verify.records import _fixed_check

#: Capacity a later phase may have less of than an earlier one without failing (rounding).
CAPACITY_TOLERANCE = 1e-6


def phase_checks(
    run_dir: Path, folder: RunFolder, check: Callable[[RunFolder], list[dict]]
) -> list[dict]:
    """Verify the run folder of each earlier phase and that capacity once built stays.

    Parameters
    ----------
    run_dir : Path
        The run folder (the last phase's).
    folder : RunFolder
        Its tables and summary, as read.
    check : callable
        The check records of one run folder's tables (each phase folder is read once).

    Returns
    -------
    list of dict
        Check records.
    """
    out: list[dict] = []
    for site_id, entry in (folder.summary.phases or {}).items():
        plants = []
        for phase in entry["phases"]:
            label = f"{site_id}#{phase['year']}"
            if phase is entry["phases"][-1]:
                plants.append((label, folder.site(site_id).capacities))
                continue
            # The folder is named from the site and year, never read from the summary.
            try:
                tables = read_run_folder(run_dir / phase_folder(site_id, phase["year"]))
            except RunFolderError as err:
                out.append(
                    _fixed_check(label, "phase run folder", False, None, None, "-", str(err))
                )
                continue
            out.extend({**record, "site": label} for record in check(tables))
            plants.append((label, tables.site(site_id).capacities))
        out.append(_capacity_kept(site_id, plants))
    return out


def _capacity_kept(site_id: str, plants: list[tuple[str, dict]]) -> dict:
    """Record whether every phase has at least each capacity of the phase before it."""
    worst, where, what = 0.0, None, ""
    for (_, before), (label, after) in pairwise(plants):
        for key, value in before.items():
            margin = after.get(key, 0.0) - value
            if margin < worst:
                worst, where, what = margin, label, f"{key[0]} ({key[1]})"
    scale = max((abs(v) for _, p in plants for v in p.values()), default=1.0)
    passed = worst >= -CAPACITY_TOLERANCE * max(1.0, scale)
    detail = "" if passed else f"{where} has less {what} than the phase before"
    return _fixed_check(
        site_id, "build-out keeps capacity", passed, None, worst, "capacity", detail
    )
