"""Grid connection: imports up to a fixed capacity, paid at a time-of-day tariff.

The connection is a given of the site (not sized) and it is never firm: it registers no
unit group, no contingency reserve and no firm storage, so N+k rests on the on-site plant
alone. Its import is registered as a contingency exposure: in hourly N-1 the connection
may trip, so in every hour the headroom of the committed units plus storage reserve must
cover the import. In gas-supply outage windows it imports as usual; in grid outage
windows it gives nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from dcpower.scenario import GridConnection
from dcpower.techs.base import annual_sum, values, window_values
from dcpower.techs.contract import GRID_IMPORT, Readback

#: Block name of the grid connection in a site model.
BLOCK_NAME = "grid"


def add_block(
    m: pyo.ConcreteModel, grid: GridConnection, price_usd_per_mwh: np.ndarray
) -> pyo.Block:
    """Add grid imports to a site model and register their energy cost.

    Parameters
    ----------
    m : pyo.ConcreteModel
        Site model (set ``T``, ``weight_h``, registry; outage windows if any).
    grid : GridConnection
        Import capacity and tariff.
    price_usd_per_mwh : np.ndarray
        Tariff per time step (a block's mean over its hours). [USD/MWh]
    """
    b = pyo.Block()
    m.add_component(BLOCK_NAME, b)
    cap = grid.import_max_mw
    b.price_usd_per_mwh = np.asarray(price_usd_per_mwh, dtype=float)
    # Imports never exceed the connection's capacity.
    b.import_mw = pyo.Var(m.T, within=pyo.NonNegativeReals, bounds=(0, cap))
    reg = m.registry
    reg.injections_mw.append(b.import_mw)
    # The connection may trip: hourly N-1 covers the import (optimization/reliability.py).
    reg.contingency_exposures_mw.append(b.import_mw)
    available = m.outage_available["grid"] if hasattr(m, "OW") else []
    if available:
        b.outage_import_mw = pyo.Var(available, within=pyo.NonNegativeReals, bounds=(0, cap))
        reg.outage_injections_mw.append(b.outage_import_mw)
    # Grid energy is not counted as renewable (the grid mix is not known here).
    reg.fossil_mwh_per_yr[BLOCK_NAME] = annual_sum(m, b.import_mw)
    reg.cost_usd_per_yr[(BLOCK_NAME, "grid_energy")] = annual_sum(
        m, {t: float(b.price_usd_per_mwh[t]) * b.import_mw[t] for t in m.T}
    )
    return b


def read(b: pyo.Block | None, index: pd.Index) -> Readback:
    """Hourly import of a solved grid block (zeros for a site without a connection).

    Returns
    -------
    Readback
        Total ``grid_mw``: import per time step. [MW]
    """
    imported = np.zeros(len(index)) if b is None else values(b.import_mw)
    return Readback(totals={GRID_IMPORT.column: imported})


def read_outage(b: pyo.Block | None, pairs: list) -> Readback:
    """Import in each outage-window step [MW]; zero in grid outages and without a connection."""
    imported = window_values(None if b is None else b.component("outage_import_mw"), pairs)
    return Readback(totals={GRID_IMPORT.column: imported})
