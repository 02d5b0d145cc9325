"""Reports of a run folder: an HTML report with figures, and an Excel workbook.

The workbook is :func:`dcpower.report.workbook.write_workbook`. Reports read only the files of
a run folder (see the README, "What a run writes"); they never need pyomo or a solver.
"""
