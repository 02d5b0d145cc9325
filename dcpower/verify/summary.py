"""Consistency of ``summary.json`` with the run tables: capacities, unserved energy, cost."""

from __future__ import annotations

import math

import numpy as np

from dcpower import techs
from dcpower.verify.technologies import _TechnologyChecks


class _SummaryChecks(_TechnologyChecks):
    """The site's entry of summary.json against capacities.csv and dispatch.csv."""

    def _check_summary(self) -> None:
        """Check summary.json's capacities, unserved energy and annual cost against the tables.

        Against capacities.csv, dispatch.csv and costs.csv.
        """
        site_summary = (self.summary.get("sites") or {}).get(self.s.site_id)
        if site_summary is None:
            self.single(
                "summary matches run tables",
                float("nan"),
                1.0,
                "-",
                "summary.json has no entry for this site",
            )
            return
        pairs = self._summary_pairs(site_summary)
        worst_name, worst, scale = "", 0.0, 1.0
        for name, stated, table in pairs:
            error = float("inf") if stated is None else abs(float(stated) - table)
            error = float("inf") if math.isnan(error) else error
            size = max(abs(table), abs(float(stated))) if stated is not None else 1.0
            if error / max(1.0, size if math.isfinite(size) else 1.0) > worst / max(1.0, scale):
                worst_name, worst, scale = name, error, size
        self.single(
            "summary matches run tables",
            -worst,
            scale,
            "MW, MWh, units, USD/yr",
            f"largest mismatch: {worst_name}"
            if worst_name
            else "capacities, unserved energy and annual cost",
        )

    def _summary_pairs(self, site_summary: dict) -> list[tuple]:
        """``(name, stated in summary.json, from the run tables)`` of each figure compared."""
        capacity = site_summary.get("capacity", {})
        specs = self.scenario.technologies
        site_ids = self.scenario.sites[self.s.site_id].technologies
        pairs = []
        for tech in techs.technologies():
            ids = [t for t in site_ids if specs[t].kind == tech.kind]
            for key, unit in tech.own_capacity().items():
                pairs.append((key, capacity.get(key), sum(self.cap(t, unit) for t in ids)))
        for tech_id, spec, technology in self.technologies:
            pairs += technology.summary_pairs(tech_id, spec, self, capacity)
        unserved = float(np.nansum(self.d("unserved_mw") * self.d("weight_h")))
        pairs.append(("unserved_mwh_per_yr", site_summary.get("unserved_mwh_per_yr"), unserved))
        # A cost row lost from costs.csv (a file cut short) shows here.
        cost = float(np.sum(self.s.costs["usd_per_yr"].to_numpy(dtype=float)))
        pairs.append(("cost_usd_per_yr", site_summary.get("cost_usd_per_yr"), cost))
        return pairs
