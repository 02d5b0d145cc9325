"""Parameter checks shared by the resource functions: one clear message for a bad number."""

from __future__ import annotations

import math

from dcpower.errors import ScenarioError


def check_number(
    name: str,
    value: object,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """Raise a ScenarioError unless ``value`` is a finite number within the bounds.

    Parameters
    ----------
    name : str
        Parameter name, as the message shows it.
    value : object
        The value given.
    low, high : float
        Bounds (infinite = none).
    low_open, high_open : bool
        Whether each bound itself is excluded.
    """
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        x = math.nan
    too_low = x <= low if low_open else x < low
    too_high = x >= high if high_open else x > high
    if not math.isfinite(x) or too_low or too_high or isinstance(value, bool):
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        raise ScenarioError(
            f"{name}={value!r} is not allowed: must be a finite number in {lo}{low}, {high}{hi}"
        )
