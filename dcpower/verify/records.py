"""Check records of the verification, and the one-line reason of a report's first failure.

A record is one check's outcome, a dict ``{"site", "check", "passed", "worst_time", "margin",
"unit", "detail"}`` as ``verification.json`` lists them (see :func:`dcpower.verify.verify_run`);
a report holds them under ``checks``.
"""

from __future__ import annotations

import math


def first_failure(report: dict) -> str | None:
    """One-line reason of the first failed check of a report, or None if all pass.

    Parameters
    ----------
    report : dict
        A report from :func:`verify_run`.

    Returns
    -------
    str or None
        E.g. ``"baku: hourly N-1 fails at 2023-07-12T15:00:00+04:00 by 3.20 MW"``.
    """
    for check in report.get("checks", []):
        if check["passed"]:
            continue
        where = f" at {check['worst_time']}" if check.get("worst_time") else ""
        margin = check.get("margin")
        if margin is None:
            by = f" ({check['detail']})" if check.get("detail") else ""
        else:
            by = f" by {_amount(-margin)} {check['unit']}"
        return f"{check['site']}: {check['check']} fails{where}{by}"
    return None


def _amount(value: float) -> str:
    """Format a shortfall with two decimals, or in scientific notation if that shows 0.00."""
    return f"{value:,.2f}" if abs(value) >= 0.005 else f"{value:.3g}"


def _fixed_check(
    site: str,
    name: str,
    passed: bool,
    worst_time: str | None,
    margin: float | None,
    unit: str,
    detail: str,
) -> dict:
    """Make a check record; a non-finite margin is written as null."""
    if margin is not None and not math.isfinite(margin):
        margin = None
    return {
        "site": site,
        "check": name,
        "passed": bool(passed),
        "worst_time": worst_time,
        "margin": None if margin is None else float(margin) + 0.0,  # no -0.0
        "unit": unit,
        "detail": detail,
    }
