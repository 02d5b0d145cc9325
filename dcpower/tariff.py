"""Time-of-day electricity tariffs: a day rate between two clock hours, a night rate otherwise.

One rule shared by the grid connection (what imports cost, ``dcpower.techs.grid``) and the
finance module (the grid cost a data center avoids, ``dcpower.finance``).
"""

from __future__ import annotations

import numpy as np


def time_of_day_price(
    local_hour: np.ndarray,
    day_price: float,
    night_price: float,
    day_start_hour: int,
    day_end_hour: int,
) -> np.ndarray:
    """Return the price of each hour from its local clock hour.

    Parameters
    ----------
    local_hour : np.ndarray
        Local clock hour at the start of each hour, 0-23. [h]
    day_price, night_price : float
        Prices of day and night hours (any unit; the result has the same). [e.g. USD/MWh]
    day_start_hour : int
        First clock hour of the day rate. [h]
    day_end_hour : int
        Clock hour at which the night rate starts again (not included in the day). [h]

    Returns
    -------
    np.ndarray
        Price per hour, in the unit of the prices given.
    """
    hour = np.asarray(local_hour)
    day = (hour >= day_start_hour) & (hour < day_end_hour)
    return np.where(day, day_price, night_price).astype(float)
