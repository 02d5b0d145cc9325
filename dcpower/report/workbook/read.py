"""Reading a run folder for the workbook: read once, through :mod:`dcpower.run_folder`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dcpower.run_folder import RunFolder, Summary, read_run_folder
from dcpower.scenario import Scenario


@dataclass
class Run:
    """A run folder, read once: its path, typed summary, verification and tables."""

    folder: Path
    summary: Summary
    verification: dict | None
    tables: RunFolder

    @property
    def scenario(self) -> Scenario:
        """The run's scenario (``scenario.yaml``)."""
        return self.tables.scenario

    @property
    def site_ids(self) -> list[str]:
        """Site ids in scenario order."""
        return list(self.scenario.sites)


def read_run(folder: Path) -> Run:
    """Read a run folder; raise :class:`~dcpower.errors.DcpowerError` if a file is missing."""
    tables = read_run_folder(folder)
    return Run(folder, tables.summary, tables.verification, tables)
