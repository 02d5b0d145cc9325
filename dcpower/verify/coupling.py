"""Workload shifting between sites: IT load moved within its limits, and conserved.

Each site's moved IT load stays within the flexible share, the IT capacity and the link
(:class:`_CouplingChecks`); over all sites, what leaves one site arrives at another in the
same instant (:func:`_check_work_conserved`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dcpower.verify.checker import _SiteRecorder
from dcpower.verify.records import _fixed_check


def _check_work_conserved(dispatch: pd.DataFrame, tolerance_mw: float) -> dict:
    """Check that IT load moved out of sites equals IT load moved in, at every instant.

    Instants are UTC hours of the cyclic year: each site's year wraps around, so the first
    hour of one site meets the last hour of a site whose clock is one hour behind.
    """
    shift = pd.to_numeric(dispatch.get("it_shift_mw"), errors="coerce")
    if shift is None or shift.isna().all():
        return _fixed_check(
            "all sites", "workload conserved", False, None, None, "MW", "no it_shift_mw column"
        )
    instants = pd.to_datetime(dispatch["time"].astype(str), utc=True, format="ISO8601")
    hours_per_site = int(dispatch.groupby("site").size().max())
    hour = ((instants - instants.min()) / pd.Timedelta(hours=1)).round().astype(int)
    key = hour % hours_per_site
    net = shift.groupby(key).sum(min_count=1)
    scale = shift.abs().groupby(key).max()
    margin = -(net.abs() - tolerance_mw * np.fmax(1.0, scale))
    worst = margin.idxmin()
    when = instants[key == worst].min().isoformat()
    return _fixed_check(
        "all sites",
        "workload conserved",
        bool((margin >= 0).all()),
        when,
        -abs(float(net[worst])),
        "MW",
        f"IT load moved in minus moved out over the sites: {float(net[worst]):.6g} MW at {when}",
    )


class _CouplingChecks(_SiteRecorder):
    """The site's moved IT load, within the workload rules."""

    def _check_workload_limits(self) -> None:
        """Check moved IT load: only the flexible share leaves, within IT capacity and link."""
        rules = self.scenario.workload
        shift, it_load = self.d("it_shift_mw"), self.p("it_load_mw")
        it_capacity = self.scenario.sites[self.s.site_id].data_center.it_capacity_mw
        margins = [shift + rules.flexible_share * it_load, it_capacity - it_load - shift]
        if rules.link_capacity_mw_it is not None:
            margins.append(rules.link_capacity_mw_it - np.abs(shift))
        margin = np.min(np.vstack(margins), axis=0)
        self.hourly(
            "workload moved within limits",
            margin,
            it_capacity,
            "MW",
            lambda i: (
                f"IT load {it_load[i]:.6g} MW, moved in {shift[i]:.6g} MW (flexible share "
                f"{rules.flexible_share:g}, IT capacity {it_capacity:g} MW, link "
                f"{rules.link_capacity_mw_it or 'unlimited'} MW)"
            ),
        )
