"""Reading a run folder for the workbook: its files, read once into a :class:`Run`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dcpower import finance as fin
from dcpower.errors import DcpowerError
from dcpower.scenario import Scenario


@dataclass
class Run:
    """The files of a run folder, read once."""

    folder: Path
    summary: dict
    verification: dict | None
    tables: fin.RunTables

    @property
    def scenario(self) -> Scenario:
        """The run's scenario (``scenario.yaml``)."""
        return self.tables.scenario

    @property
    def site_ids(self) -> list[str]:
        """Site ids in scenario order."""
        return list(self.scenario.sites)


def read_run(folder: Path) -> Run:
    """Read a run folder; raise :class:`DcpowerError` if a required file is missing."""
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise DcpowerError(f"run folder '{folder}': missing summary.json")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    verification_path = folder / "verification.json"
    verification = (
        json.loads(verification_path.read_text(encoding="utf-8"))
        if verification_path.is_file()
        else None
    )
    return Run(folder, summary, verification, fin.read_run(folder))
