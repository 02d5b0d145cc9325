"""Reports of a run folder: an HTML report with figures, and an Excel workbook.

The workbook is :func:`dcpower.report.workbook.write_workbook`. Reports read only the files of
a run folder (see docs/run-folder.md); they never need pyomo or a solver.
"""

from concurrent.futures import Future, ProcessPoolExecutor

from dcpower.cores import cores_available


def _import_workbook() -> None:
    """Import the workbook writer (about 1.5 s: xlsxwriter and the sheets)."""
    import dcpower.report.workbook  # noqa: F401


def workbook_pool() -> ProcessPoolExecutor | None:
    """Return a process that imports the workbook writer now, or None on one core.

    Started before the verification and the Monte Carlo, it has the writer imported by
    the time :func:`write_reports` hands it the workbook.
    """
    if cores_available(2) < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=1)
    pool.submit(_import_workbook)  # starts the process, and its import, now
    return pool


def submit_workbook(pool: ProcessPoolExecutor, run_dir) -> Future:
    """Queue ``results.xlsx`` of a run folder in the workbook's process (after its queue)."""
    from dcpower.report.workbook import write_workbook

    return pool.submit(write_workbook, run_dir)


def write_reports(
    run_dir,
    folder_name: str | None = None,
    pool: ProcessPoolExecutor | None = None,
    charts: list | None = None,
    workbook: Future | None = None,
) -> dict:
    """Write the workbook, the HTML report and the figures of a saved run folder.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` (it may have been copied elsewhere).
    folder_name : str, optional
        The name the report gives the run folder (default: ``run_dir``'s own).
    pool : ProcessPoolExecutor, optional
        Where to write the workbook (:func:`workbook_pool`); by default a process of its
        own on two cores or more, else this one.
    charts : list, optional
        The report's charts, rendered already (:func:`dcpower.report.html.render_charts`).
    workbook : Future, optional
        The workbook, submitted to ``pool`` already (:func:`submit_workbook`).

    Returns
    -------
    dict
        Paths written: ``workbook`` (results.xlsx) and ``report`` (report.html; its
        figures are in ``figures/`` beside it).
    """
    from dcpower.report.html import write_report
    from dcpower.report.workbook import write_workbook

    own_pool = pool is None
    pool = workbook_pool() if own_pool else pool
    if pool is None:
        return {
            "workbook": write_workbook(run_dir),
            "report": write_report(run_dir, folder_name=folder_name, charts=charts),
        }
    # The two read the folder and write different files: side by side on two cores.
    try:
        workbook = workbook or submit_workbook(pool, run_dir)
        report = write_report(run_dir, folder_name=folder_name, charts=charts)
        return {"workbook": workbook.result(), "report": report}
    finally:
        if own_pool:
            pool.shutdown()
