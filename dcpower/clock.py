"""One clock for sites in different time zones: row t is the same instant at every site.

Each site's year runs over its own local hours. Where sites interact hour by hour (work
moved between them), the first site keeps its rows and another site's year is rotated by
the difference of their UTC offsets (one hour between Aktau and Baku), the hours that fall
off one end wrapping to the other (a typical year is cyclic). Used by the model
(:func:`dcpower.pipeline.align_clocks`) and by the Monte Carlo of a run folder, so it
imports neither.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rows_on_one_clock(year_starts: dict[str, pd.Timestamp], n_hours: int) -> dict[str, np.ndarray]:
    """Rows of each site's year, in its own order, that put it on the first site's clock.

    Parameters
    ----------
    year_starts : dict
        First hour of each site's year (time-zone aware), by site id; the first site's
        clock is kept.
    n_hours : int
        Hours of each year (the same at every site).

    Returns
    -------
    dict
        Per site, ``rows`` such that ``year.iloc[rows]`` has row t at the first site's
        instant t.

    Raises
    ------
    ValueError
        If a site's UTC offset differs from the first site's by a fraction of an hour.
    """
    reference = next(iter(year_starts.values()))
    rows = {}
    for site_id, start in year_starts.items():
        lag_h = (reference - start) / pd.Timedelta(hours=1)
        if lag_h != int(lag_h):
            raise ValueError(
                f"site {site_id}: its UTC offset differs from the first site's by {lag_h:g} h; "
                "sites on one clock need whole-hour offsets"
            )
        rows[site_id] = np.roll(np.arange(n_hours), -int(lag_h))
    return rows
