"""dcpower: size and site the uninterruptible power supply of data centers.

``dcpower.run(scenario)`` sizes gas units, PV, wind and batteries for every site of a
scenario at least annual cost, with N+k and hourly N-1 reliability, and returns a
:class:`~dcpower.results.Result`. Reading results (``dcpower.run_folder``, ``dcpower.verify``)
needs no solver: the optimization stack is imported only when ``run`` is first used.
"""

from dcpower.results import Result
from dcpower.scenario import Scenario, load_scenario

__all__ = ["Result", "Scenario", "load_scenario", "run"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """Import the pipeline (pyomo, HiGHS) only when ``dcpower.run`` is asked for."""
    if name == "run":
        from dcpower.pipeline import run

        return run
    raise AttributeError(f"module 'dcpower' has no attribute {name!r}")
