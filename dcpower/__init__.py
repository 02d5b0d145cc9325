"""dcpower: size and site the uninterruptible power supply of data centers.

``dcpower.run(scenario)`` sizes gas units, PV, wind and batteries for every site of a
scenario at least annual cost, with N+k and hourly N-1 reliability, and returns a
:class:`~dcpower.results.Result`.
"""

from dcpower.results import Result
from dcpower.run import run
from dcpower.scenario import Scenario, load_scenario

__all__ = ["Result", "Scenario", "load_scenario", "run"]
__version__ = "0.1.0"
