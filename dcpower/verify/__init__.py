"""Independent re-check of a run folder: every hour of every site against the stated rules.

``verify_run`` reads only the files of a run folder, through :mod:`dcpower.run_folder`
(``summary.json``, ``scenario.yaml``, ``capacities.csv``, ``dispatch.csv``, ``profiles.csv``;
see docs/run-folder.md)
and re-checks the plan hour by hour with pandas and numpy: energy balance and zero unserved
energy, renewable output within the resource, gas commitment, output limits, minimum
stable load, start-ups and ramping, battery power, state of charge and its cyclic balance,
installed N+k at the design point and hourly N-1 (docs/reliability.md).

The rules are written out again here from their plain statement, on purpose without
pyomo, ``dcpower.optimization`` or the technologies' blocks (only the pyomo-free registry,
for which rules apply to which columns): a mistake in the model formulation
then shows up as a failed check instead of being repeated by the checker.

Conventions
-----------
Every row of ``dispatch.csv`` is one hour (``weight_h`` is the hours of the year a row
stands for in annual sums, not its duration), the horizon is cyclic (the hour before the
first is the last, as in the model), ``battery_soc_mwh`` is the state of charge at the end
of the hour. Each check reports its worst hourly *margin* (slack; negative = violated) in
the check's unit. A check passes when, in every hour, ``margin >= -tol`` with
``tol = tolerance_mw * max(1, scale)``, ``scale`` being the size of the largest term of
that hour's row (so the tolerance is relative for large quantities, absolute below 1).

Modules
-------
- ``run``: :func:`verify_run`, every site's checks and those over all sites, the report;
- ``write``: :func:`write_verification` writes the report as ``verification.json``;
- ``records``: check records and :func:`first_failure`, the one-line reason of a failure;
- ``run_folder``: the files of a run folder, and one site's rows of them;
- ``checker``: reading one site's columns and recording its hourly and one-figure checks;
- ``technologies``: each technology's own checks (``Technology.check``, written in its
  folder under ``dcpower/techs``) and the totals recomputed from them;
- ``balance``: energy balance and dispatch limits;
- ``reliability``: N+k at the design point, hourly N-1 and the outage windows;
- ``emissions``: the CO2 cap and minimum non-fuel share (:func:`emission_checks`);
- ``coupling``: IT load moved between sites, within limits and conserved;
- ``summary``: ``summary.json`` against the run tables;
- ``site``: all checks of one site, in their order.
"""

from dcpower.verify.emissions import emission_checks
from dcpower.verify.records import first_failure
from dcpower.verify.run import verify_run
from dcpower.verify.run_folder import RUN_FILES
from dcpower.verify.write import VERIFICATION_FILE, write_verification

__all__ = [
    "RUN_FILES",
    "VERIFICATION_FILE",
    "emission_checks",
    "first_failure",
    "verify_run",
    "write_verification",
]
