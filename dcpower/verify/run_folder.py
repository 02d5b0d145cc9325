"""The run folder as the verification reads it, and one site's rows of it.

:func:`read_run_folder` reads the run folder through :mod:`dcpower.run_folder` (``summary.json``,
``scenario.yaml``, ``capacities.csv``, ``costs.csv``, ``dispatch.csv``, ``profiles.csv`` and, if
present, ``outage_dispatch.csv``; see docs/run-folder.md); :func:`_site_data` gives the checks
one site's rows of it, its profiles aligned on its dispatch hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dcpower import run_folder
from dcpower.run_folder import RunFolder

#: Files of a run folder the checks read.
RUN_FILES = run_folder.TABLE_FILES


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
    costs: pd.DataFrame  # this site's costs.csv rows


def read_run_folder(run_dir: str | Path) -> RunFolder:
    """Read the run folder the checks need (:func:`dcpower.run_folder.read_run_folder`).

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` / ``Result.save``.

    Returns
    -------
    RunFolder
        Its summary, scenario and tables (``grid_mw`` 0 if the folder predates it).

    Raises
    ------
    dcpower.run_folder.MissingRunFileError
        If a file of :data:`RUN_FILES` is missing (also a ``FileNotFoundError``).
    dcpower.run_folder.RunFolderError
        If a file cannot be read.
    """
    return run_folder.read_run_folder(run_dir)


def _site_data(folder: RunFolder, site_id: str) -> _Site:
    """Return one site's rows of the run folder, its profiles aligned on its dispatch hours."""
    t = folder.site(site_id)
    return _Site(
        site_id, t.dispatch, t.hourly, t.profiles, t.times, t.capacities, t.windows, t.costs
    )
