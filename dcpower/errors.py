"""Errors dcpower raises on purpose: each carries a message fit for the analyst's console."""

from __future__ import annotations

#: Exit code after Ctrl-C or SIGTERM (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


class DcpowerError(Exception):
    """Base class: an expected failure whose message alone explains it (no traceback shown)."""


class ScenarioError(DcpowerError, ValueError):
    """A scenario or input file is invalid.

    The message names the field, the value and what is allowed.
    """


class WeatherFileError(DcpowerError, ValueError):
    """A weather file cannot be used: the message names the file and what is wrong."""


class SolverLimitError(DcpowerError):
    """The solver stopped (time limit) before finding any plan: the message says what to raise."""


class InfeasibleError(DcpowerError):
    """The requirements cannot all be met: the message says which one and by how much."""
