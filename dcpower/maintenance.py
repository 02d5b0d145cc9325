"""Planned maintenance of a site's units: one unit at a time, in the lowest-load weeks.

Every unit built of a type with ``maintenance_h_per_yr`` > 0 is taken out for that many
consecutive hours a year. The year is cut into blocks of whole weeks, long enough for the
longest outage; the blocks are ranked by their mean load, lowest first, and the site's units
take them in turn (type by type, one unit per block, so never two units of the site at once
while blocks remain), each outage starting at the beginning of its block. The full-year
dispatch holds the units out (``units online <= units built - units in maintenance``), so
the hourly N-1 and load-step rules hold with them out; ``dispatch.csv`` shows them
(``gas_units_maintenance_<id>``), ``verify`` checks them and the availability Monte Carlo
counts them as unavailable. Pure numpy: no pyomo.
"""

from __future__ import annotations

import math

import numpy as np

#: Hours of a maintenance week.
WEEK_H = 168


def schedule(load_mw: np.ndarray, units: dict[str, tuple[int, float]]) -> dict[str, np.ndarray]:
    """Return the units of each type in planned maintenance, per hour of the year.

    Parameters
    ----------
    load_mw : np.ndarray
        The site's hourly load over the dispatched year (one row per hour). [MW]
    units : dict
        Per unit type id: (units built, planned maintenance of one unit per year [h]).

    Returns
    -------
    dict of np.ndarray
        Per type id, units out for maintenance in each hour (integers, same length as
        ``load_mw``); types without units or maintenance are left out.
    """
    load = np.asarray(load_mw, dtype=float)
    n = load.size
    planned = {t: (b, min(math.ceil(h), n)) for t, (b, h) in units.items() if b > 0 and h > 0}
    if not planned:
        return {}
    # Blocks of whole weeks, long enough for the longest outage, so outages never overlap
    # while blocks remain; ranked by their mean load, lowest first.
    block_h = min(math.ceil(max(h for _, h in planned.values()) / WEEK_H) * WEEK_H, n)
    blocks = max(n // block_h, 1)
    mean_load = [load[k * block_h : min((k + 1) * block_h, n)].mean() for k in range(blocks)]
    order = np.argsort(mean_load, kind="stable")
    out: dict[str, np.ndarray] = {}
    turn = 0
    for tech_id, (built, length) in planned.items():
        plan = np.zeros(n, dtype=np.int64)
        for _ in range(built):
            start = int(order[turn % blocks]) * block_h
            plan[(start + np.arange(length)) % n] += 1
            turn += 1
        out[tech_id] = plan
    return out
