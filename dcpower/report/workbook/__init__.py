"""Excel workbook of a run folder, for investor reports and hand checks.

:func:`write_workbook` reads only the files of a run folder (``summary.json``,
``capacities.csv``, ``costs.csv``, ``dispatch.csv``, ``profiles.csv``, ``scenario.yaml``,
``verification.json``; see docs/run-folder.md) plus the sourced input tables of
``inputs/`` (:func:`dcpower.paths.inputs_dir`), and writes one ``.xlsx`` file with the sheets
of :data:`SHEETS`. It never imports pyomo or the optimization stack.

Every figure is written as a number (never as text) with its unit in the header or row label,
e.g. ``capex [USD]``; header rows are frozen, tables have autofilters. Money is USD of the
inputs' price basis (see ``inputs/README.md``, ``currency_year``); annual figures are those of
the dispatched year, and the ``Cash flow`` sheet has the project years of
:mod:`dcpower.finance`.

Modules, each importing only ``read`` and ``format`` of this package:
:mod:`.read` (the run folder), :mod:`.format` (cell values, number formats, table writer),
:mod:`.summary`, :mod:`.plant` (Capacities, Costs), :mod:`.cashflow`, :mod:`.energy`
(Monthly energy, Hourly dispatch), :mod:`.reliability` (Reliability, Availability) and
:mod:`.assumptions`. Their names without a leading underscore are shared within the package;
the public names are those of ``__all__``.
"""

from __future__ import annotations

import os
from pathlib import Path

from dcpower.report.workbook.assumptions import (
    ASSUMPTION_COLUMNS,
    assumption_rows,
    write_assumptions,
)
from dcpower.report.workbook.cashflow import write_cash_flow
from dcpower.report.workbook.energy import monthly_energy, write_dispatch, write_monthly
from dcpower.report.workbook.format import Writer
from dcpower.report.workbook.plant import write_capacities, write_costs, write_phases
from dcpower.report.workbook.read import read_run
from dcpower.report.workbook.reliability import write_availability, write_reliability
from dcpower.report.workbook.summary import write_design_basis, write_summary
from dcpower.run_folder import WORKBOOK_FILE

__all__ = ["ASSUMPTION_COLUMNS", "SHEETS", "assumption_rows", "monthly_energy", "write_workbook"]

#: Sheet names, in workbook order (a run with sites built in phases also has ``Phases``,
#: after ``Capacities``).
SHEETS = (
    "Summary",
    "Design basis",
    "Capacities",
    "Costs",
    "Cash flow",
    "Monthly energy",
    "Hourly dispatch",
    "Reliability",
    "Availability",
    "Assumptions",
)


def write_workbook(run_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write an Excel workbook of a run folder.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` (see docs/run-folder.md).
    path : str or Path, optional
        Where to write the ``.xlsx`` file; default ``run_dir / "results.xlsx"``. The file is
        written under a temporary name and renamed, so a failure leaves no partial workbook.

    Returns
    -------
    Path
        The workbook written.

    Raises
    ------
    DcpowerError
        If the run folder lacks one of its files.

    Notes
    -----
    Sheets (:data:`SHEETS`): ``Summary`` (headline figures per site and in total),
    ``Capacities``, ``Phases`` (only with sites built in phases: what each phase builds and
    costs), ``Costs`` (per site, technology and component), ``Cash flow`` (year by
    year per site and in total, :func:`dcpower.finance.site_cash_flows`), ``Monthly energy``
    (``dispatch.csv`` x ``weight_h`` by calendar month), ``Hourly dispatch`` (``dispatch.csv``),
    ``Reliability`` (the checks of ``verification.json`` and the scenario's reliability
    settings), ``Availability`` (the Monte Carlo per site and any cost-of-reliability steps;
    only when the availability was simulated) and ``Assumptions`` (every input figure with
    its unit, status and source; see :func:`assumption_rows`).
    """
    folder = Path(run_dir)
    out = Path(path) if path is not None else folder / WORKBOOK_FILE
    run = read_run(folder)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp.xlsx")
    try:
        w = Writer(tmp)
        w.book.set_properties(
            {
                "title": f"dcpower results: {run.scenario.name}",
                "subject": "Data-center power plant sizing",
                "comments": "Written by dcpower.report.workbook from its run folder",
            }
        )
        write_summary(w, run)
        write_design_basis(w, run)
        write_capacities(w, run)
        write_phases(w, run)
        write_costs(w, run)
        write_cash_flow(w, run)
        write_monthly(w, run)
        write_dispatch(w, run)
        write_reliability(w, run)
        write_availability(w, run)
        write_assumptions(w, run)
        w.close()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
