"""Writing the verification report into the run folder: ``verification.json``."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from dcpower.run_folder import VERIFICATION_FILE
from dcpower.verify.run import verify_run

__all__ = ["VERIFICATION_FILE", "write_verification"]


def write_verification(
    run_dir: str | Path, tolerance_mw: float = 1e-5, published_as: str | Path | None = None
) -> dict:
    """Verify a run folder and write the report as ``verification.json`` inside it.

    The report is written to a temporary file in the folder, then renamed over
    ``verification.json`` (``os.replace``), so a reader never sees a half-written file.

    Parameters
    ----------
    run_dir : str or Path
        A run folder.
    tolerance_mw : float
        See :func:`verify_run`. [MW per MW]
    published_as : str or Path, optional
        Where the folder will be once complete (a run is verified while it is staged);
        the report's ``run_dir``. Default ``run_dir``.

    Returns
    -------
    dict
        The report, as :func:`verify_run` returns it.
    """
    run_dir = Path(run_dir)
    report = verify_run(run_dir, tolerance_mw=tolerance_mw)
    if published_as is not None:
        report["run_dir"] = str(published_as)
    target = run_dir / VERIFICATION_FILE
    tmp = run_dir / f".{VERIFICATION_FILE}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return report
