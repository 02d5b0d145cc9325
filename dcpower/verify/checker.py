"""The base of one site's checks: reading its columns and recording checks.

:class:`_SiteRecorder` holds one site's data (:class:`~dcpower.verify.run_folder._Site`), reads
its dispatch, profiles, capacities and outage-window columns as floats (noting what is missing)
and records hourly and one-figure checks with the tolerance rule of the package docstring.
The checks themselves are methods of its subclasses, one module per concern, brought together
in :class:`dcpower.verify.site._SiteChecker`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from dcpower.run_folder import OUTAGE_DISPATCH_FILE
from dcpower.scenario import Scenario
from dcpower.verify.records import _fixed_check
from dcpower.verify.run_folder import _Site


class _SiteRecorder:
    """One site's data and the checks recorded so far (``out``); checks append to ``out``."""

    def __init__(
        self,
        site: _Site,
        scenario: Scenario,
        summary: dict,
        horizon_kind: str | None,
        tolerance: float,
    ) -> None:
        self.s = site
        self.scenario = scenario
        self.summary = summary
        self.horizon_kind = horizon_kind
        self.tol = tolerance
        self.n = len(site.dispatch)
        self.missing: set[str] = set()
        self.out: list[dict] = []

    # -- data access ----------------------------------------------------------------------

    def d(self, column: str) -> np.ndarray:
        """Return a dispatch column of the site as floats (NaN, and recorded, if absent)."""
        if column not in self.s.dispatch.columns:
            self.missing.add(f"dispatch.csv:{column}")
            return np.full(self.n, np.nan)
        return pd.to_numeric(self.s.dispatch[column], errors="coerce").to_numpy(dtype=float)

    def p(self, column: str, full_year: bool = False) -> np.ndarray:
        """Return a profiles column on the dispatch hours (every profiles row if full_year)."""
        frame = self.s.profiles if full_year else self.s.hourly
        if column not in frame.columns:
            self.missing.add(f"profiles.csv:{column}")
            return np.full(len(frame), np.nan)
        return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)

    def cap(self, tech_id: str, unit: str, default: float | None = None) -> float:
        """Sized capacity of a technology from capacities.csv.

        Absent: ``default`` if given (a quantity that has a row only when built), else NaN
        and recorded as missing.
        """
        value = self.s.capacity.get((tech_id, unit), default)
        if value is None:
            self.missing.add(f"capacities.csv:{tech_id} [{unit}]")
            return float("nan")
        return value

    def w(self, column: str) -> np.ndarray:
        """Return an outage_dispatch.csv column of the site as floats (NaN if absent)."""
        if column not in self.s.windows.columns:
            self.missing.add(f"{OUTAGE_DISPATCH_FILE}:{column}")
            return np.full(len(self.s.windows), np.nan)
        return pd.to_numeric(self.s.windows[column], errors="coerce").to_numpy(dtype=float)

    @property
    def site_id(self) -> str:
        """Id of the site checked."""
        return self.s.site_id

    @property
    def times(self) -> np.ndarray:
        """The site's dispatch hours (ISO 8601 text)."""
        return self.s.times

    @property
    def shifting(self) -> bool:
        """Whether IT load may move between this run's sites."""
        return self.scenario.workload.flexible_share > 0 and len(self.scenario.sites) > 1

    # -- recording ------------------------------------------------------------------------

    def hourly(
        self,
        name: str,
        margin: np.ndarray,
        scale: np.ndarray | float,
        unit: str,
        detail: str | Callable[[int], str] = "",
        times: np.ndarray | None = None,
    ) -> None:
        """Record a check made in every hour: worst margin, its hour and pass/fail.

        ``times`` names the rows' hours if they are not the site's dispatch hours (e.g. the
        steps of outage windows).
        """
        times = self.s.times if times is None else times
        margin = np.asarray(margin, dtype=float)
        if margin.size == 0:
            self.out.append(
                _fixed_check(self.s.site_id, name, True, None, None, unit, "no hours to check")
            )
            return
        scale = np.broadcast_to(np.abs(np.asarray(scale, dtype=float)), margin.shape)
        allowed = self.tol * np.fmax(1.0, scale)  # fmax: a NaN scale keeps the tolerance
        bad = ~(margin >= -allowed)  # a NaN margin (missing data) fails
        ranked = np.where(np.isnan(margin), -np.inf, margin)
        if bad.any():
            rows = np.flatnonzero(bad)
            i = int(rows[np.argmin(ranked[rows])])
        else:
            i = int(np.argmin(ranked))
        text = detail(i) if callable(detail) else detail
        if bad.any():
            text = f"{int(bad.sum())} of {margin.size} hours violate; " + text
        self.out.append(
            _fixed_check(self.s.site_id, name, not bad.any(), str(times[i]), margin[i], unit, text)
        )

    def single(
        self,
        name: str,
        margin: float,
        scale: float,
        unit: str,
        detail: str,
        worst_time: str | None = None,
    ) -> None:
        """Record a check on one figure (not hourly)."""
        allowed = self.tol * max(1.0, abs(scale)) if math.isfinite(scale) else self.tol
        passed = margin >= -allowed  # NaN fails
        self.out.append(
            _fixed_check(self.s.site_id, name, passed, worst_time, margin, unit, detail)
        )
