"""The cores this process may use, for the process pools that solve and write."""

from __future__ import annotations

import os


def cores_available(cap: int | None = None) -> int:
    """Return the cores available to this process, at most ``cap`` (none: no cap)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, cap or cores or 1))
