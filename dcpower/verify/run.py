"""The verification of a whole run folder: :func:`verify_run`.

Every site's checks (:class:`~dcpower.verify.site._SiteChecker`), then the checks over all
sites (sites as in the scenario, workload conserved, emission limits of the system), and the
report that ``verification.json`` holds.
"""

from __future__ import annotations

import logging
from pathlib import Path

from dcpower.run_folder import changed_since_written
from dcpower.verify.coupling import _check_work_conserved
from dcpower.verify.emissions import _system_emission_checks
from dcpower.verify.phases import phase_checks
from dcpower.verify.records import _fixed_check, first_failure
from dcpower.verify.run_folder import RunFolder, _site_data, read_run_folder
from dcpower.verify.site import _SiteChecker

# The package's logger: messages name dcpower.verify, as before the split into modules.
log = logging.getLogger(__package__)


def verify_run(run_dir: str | Path, tolerance_mw: float = 1e-5) -> dict:
    """Check every hour of every site of a run folder against the rules it was solved under.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` / ``Result.save``.
    tolerance_mw : float
        Tolerance per unit of scale: an hour passes a check when its margin is at least
        ``-tolerance_mw * max(1, scale)``, scale being the largest term of the row (MW,
        MWh, units or MMBtu/h, in the check's unit). [MW per MW]

    Returns
    -------
    dict
        Ready for ``verification.json``: ``passed`` (bool), ``run_dir``, ``scenario``,
        ``horizon_kind``, ``commitment``, ``tolerance_mw``, ``changed_since_written`` (the
        tables that differ from what dcpower wrote, by the manifest's checksums; None
        without a manifest) and ``checks``, a list of
        ``{"site", "check", "passed", "worst_time", "margin", "unit", "detail"}``, where
        ``worst_time`` is the ``time`` (ISO 8601 string from ``dispatch.csv``) of the worst
        hour (of the worst violating hour if the check fails) and ``margin`` the slack
        there, in ``unit``; negative means violated.

    Raises
    ------
    dcpower.run_folder.MissingRunFileError
        If a file of the run folder is missing (also a ``FileNotFoundError``).
    dcpower.run_folder.RunFolderError
        If a file of the run folder cannot be read.
    """
    run_dir = Path(run_dir)
    folder = read_run_folder(run_dir)
    scenario = folder.scenario
    horizon_kind = folder.summary.horizon.kind
    checks = _all_checks(folder, tolerance_mw)
    checks.extend(phase_checks(run_dir, folder, lambda tables: _all_checks(tables, tolerance_mw)))
    passed = all(c["passed"] for c in checks)
    report = {
        "passed": passed,
        "run_dir": str(run_dir),
        "scenario": scenario.name,
        "horizon_kind": horizon_kind,
        "commitment": scenario.dispatch_commitment,
        "tolerance_mw": tolerance_mw,
        # Tables that differ from what dcpower wrote: verified as they are now, but not as
        # written (None: the folder has no manifest to compare with).
        "changed_since_written": changed_since_written(run_dir),
        "checks": checks,
    }
    failed = [c for c in checks if not c["passed"]]
    if failed:
        log.warning(
            "%s: %d of %d checks fail; first: %s",
            run_dir,
            len(failed),
            len(checks),
            first_failure(report),
        )
    else:
        log.info("%s: all %d checks pass", run_dir, len(checks))
    return report


def _all_checks(folder: RunFolder, tolerance_mw: float) -> list[dict]:
    """Check records of every site of the run folder, then of all sites together."""
    scenario, dispatch = folder.scenario, folder.dispatch
    summary = folder.summary.to_dict()  # the checks read summary.json as it is
    horizon_kind = folder.summary.horizon.kind
    checks: list[dict] = []
    for site_id in scenario.sites:
        site = _site_data(folder, site_id)
        checks.extend(_SiteChecker(site, scenario, summary, horizon_kind, tolerance_mw).run())
    unknown = sorted(set(dispatch["site"].astype(str)) - set(scenario.sites))
    if unknown:
        checks.append(
            _fixed_check(
                "-",
                "sites match scenario",
                False,
                None,
                None,
                "-",
                f"dispatch.csv has sites not in scenario.yaml: {', '.join(unknown)}",
            )
        )
    if scenario.workload.flexible_share > 0 and len(scenario.sites) > 1:
        checks.append(_check_work_conserved(dispatch, tolerance_mw))
    checks.extend(_system_emission_checks(scenario, dispatch))
    return checks
