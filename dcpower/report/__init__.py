"""Reports of a run folder: an HTML report with figures, and an Excel workbook.

The workbook is :func:`dcpower.report.workbook.write_workbook`. Reports read only the files of
a run folder (see docs/run-folder.md); they never need pyomo or a solver.
"""

from concurrent.futures import ProcessPoolExecutor

from dcpower.cores import cores_available


def write_reports(run_dir, folder_name: str | None = None) -> dict:
    """Write the workbook, the HTML report and the figures of a saved run folder.

    Parameters
    ----------
    run_dir : str or Path
        A run folder written by ``dcpower run`` (it may have been copied elsewhere).
    folder_name : str, optional
        The name the report gives the run folder (default: ``run_dir``'s own).

    Returns
    -------
    dict
        Paths written: ``workbook`` (results.xlsx) and ``report`` (report.html; its
        figures are in ``figures/`` beside it).
    """
    from dcpower.report.html import write_report
    from dcpower.report.workbook import write_workbook

    if cores_available(2) < 2:
        return {
            "workbook": write_workbook(run_dir),
            "report": write_report(run_dir, folder_name=folder_name),
        }
    # The two read the folder and write different files: side by side on two cores.
    with ProcessPoolExecutor(max_workers=1) as pool:
        workbook = pool.submit(write_workbook, run_dir)
        report = write_report(run_dir, folder_name=folder_name)
        return {"workbook": workbook.result(), "report": report}
