"""Each technology's own checks, and the checks that add up what the technologies give.

:class:`_TechnologyChecks` holds the site's technologies with their registered
:class:`~dcpower.techs.contract.Technology` and hands each the site's
:class:`~dcpower.techs.contract.Checker` (this recorder): the technology re-checks its own
rules from the run folder (``Technology.check``: output within the resource, commitment and
ramping, state-of-charge balance, ...), recomputes its part of the summed columns that have
no per-technology column (curtailment, fuel), and gives its limits in the outage windows.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from dcpower import techs
from dcpower.techs.contract import Technology, Windows
from dcpower.verify.checker import _SiteRecorder


class _TechnologyChecks(_SiteRecorder):
    """The site's technologies, their own checks, and the totals recomputed from them."""

    @cached_property
    def technologies(self) -> list[tuple[str, Any, Technology]]:
        """(technology id, parameters, registered technology) of each technology at the site."""
        specs = self.scenario.technologies
        return [
            (tech_id, specs[tech_id], techs.of(specs[tech_id]))
            for tech_id in self.scenario.sites[self.s.site_id].technologies
        ]

    def _check_technologies(self) -> None:
        """Every technology re-checks its own rules (``Technology.check``)."""
        for tech_id, spec, technology in self.technologies:
            technology.check(tech_id, spec, self)

    def _check_recomputed(self) -> None:
        """Check that summed columns without own columns equal what the technologies give."""
        rechecked = {}
        for tech in techs.technologies():
            for total in tech.totals:
                if total.recheck is not None:
                    rechecked.setdefault(total.column, total)
        # Each technology recomputes its parts once (the gas types their fuel, the plants
        # their curtailment), then each rechecked total sums the parts it is made of.
        contributions = [
            technology.recompute(tech_id, spec, self)
            for tech_id, spec, technology in self.technologies
        ]
        for total in rechecked.values():
            parts = [part[total.column] for part in contributions if total.column in part]
            if not parts:
                continue
            recomputed = np.sum(parts, axis=0)
            column = self.d(total.column)
            name, unit = total.recheck
            self.hourly(
                name,
                -np.abs(column - recomputed),
                np.fmax(np.abs(column), np.abs(recomputed)),
                unit,
                lambda i, v=column, r=recomputed, c=total.column: (
                    f"{c} {v[i]:.6g}, recomputed {r[i]:.6g}"
                ),
            )

    def _check_window_limits(self, windows: Windows) -> None:
        """Every technology within its limits in the window steps, the grid within its cap."""
        limits: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for tech_id, spec, technology in self.technologies:
            limits.update(technology.window_limits(tech_id, spec, self, windows))
        grid = self.scenario.sites[self.s.site_id].grid
        imported = self.w(techs.GRID_IMPORT.column)
        limits[techs.GRID_IMPORT.column] = (
            imported,
            np.full(len(imported), 0.0 if grid is None else grid.import_max_mw),
        )
        names = list(limits)
        slack = np.vstack([limit - value for value, limit in limits.values()])
        ranked = np.where(np.isnan(slack), -np.inf, slack)
        worst = np.argmin(ranked, axis=0)
        scale = np.vstack([np.fmax(np.abs(v), np.abs(lim)) for v, lim in limits.values()])
        windows.check(
            "technology limits",
            ranked.min(axis=0),
            np.nanmax(scale, axis=0),
            "MW, units",
            lambda i: (
                f"{names[worst[i]]} = {limits[names[worst[i]]][0][i]:.6g}, "
                f"limit {limits[names[worst[i]]][1][i]:.6g}"
            ),
        )
