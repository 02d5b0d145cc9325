"""dcpower: size and site the uninterruptible power supply of data centers.

``dcpower.run(scenario)`` sizes gas units, PV, wind and batteries for every site of a
scenario at least annual cost, with N+k and hourly N-1 reliability, and returns a
:class:`~dcpower.results.Result`. Reading results (``dcpower.run_folder``, ``dcpower.verify``)
needs no solver: the optimization stack is imported only when ``run`` is first used.
Every name is imported when first asked for, so ``import dcpower.entry`` (the command
line's entry point) is light enough to catch Ctrl-C while the rest is imported.
"""

import importlib

__all__ = ["Result", "Scenario", "load_scenario", "run"]
__version__ = "0.1.0"

#: Where each public name lives; imported on first use (PEP 562).
_LAZY = {
    "Result": "dcpower.results",
    "Scenario": "dcpower.scenario",
    "load_scenario": "dcpower.scenario",
    "run": "dcpower.pipeline",
}


def __getattr__(name: str):
    """Import a public name's module (the pipeline: pyomo, HiGHS) only when it is asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dcpower' has no attribute {name!r}")
