"""Independent checks of a variable renewable plant (PV, wind), from the run folder alone.

Output within the capacity times the hour's resource (per MW), in the dispatch and in the
outage windows; what the resource offered beyond the output is curtailment. No pyomo.
"""

from __future__ import annotations

import numpy as np

from dcpower.techs.contract import Checker, Technology, Total, Windows, profile_column

#: Curtailment, summed over the plants and re-checked from each one's resource and output.
CURTAILMENT = Total(
    "curtailment_mw",
    90,
    outage=False,
    per_technology=False,
    recheck=("curtailment = available - output", "MW"),
)


def _columns(technology: Technology, tech_id: str) -> tuple[str, str]:
    """Output column and resource (per-MW) profile column of a plant."""
    output = f"{technology.totals[0].column}_{tech_id}"
    return output, profile_column(technology, "cf", tech_id)


def check(technology: Technology, tech_id: str, c: Checker) -> None:
    """Output <= capacity x resource in every hour."""
    out_column, cf_column = _columns(technology, tech_id)
    available = c.cap(tech_id, "MW") * c.p(cf_column)
    out = c.d(out_column)
    c.hourly(
        f"{technology.kind} {tech_id} output within resource",
        available - out,
        np.fmax(np.abs(available), np.abs(out)),
        "MW",
        lambda i: f"output {out[i]:.6g} MW, available {available[i]:.6g} MW",
    )


def curtailment(technology: Technology, tech_id: str, c: Checker) -> dict[str, np.ndarray]:
    """Return what the resource offered beyond the output, per hour [MW]."""
    out_column, cf_column = _columns(technology, tech_id)
    available = c.cap(tech_id, "MW") * c.p(cf_column)
    return {"curtailment_mw": np.maximum(available - c.d(out_column), 0.0)}


def window_limits(technology: Technology, tech_id: str, c: Checker, windows: Windows) -> dict:
    """Return the output in the window steps with its limit, capacity x resource [MW]."""
    out_column, cf_column = _columns(technology, tech_id)
    return {out_column: (c.w(out_column), windows.profile(cf_column) * c.cap(tech_id, "MW"))}
