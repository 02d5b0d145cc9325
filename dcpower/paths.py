"""Where dcpower finds its embedded data (``inputs/``) and ready-made scenarios (``models/``)."""

from __future__ import annotations

import os
from pathlib import Path

#: The project root: the folder that holds ``dcpower/``, ``inputs/`` and ``models/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def inputs_dir() -> Path:
    """Return the folder of embedded input data (``$DCPOWER_INPUTS`` overrides it)."""
    return Path(os.environ.get("DCPOWER_INPUTS", PROJECT_ROOT / "inputs"))


def models_dir() -> Path:
    """Return the folder of ready-to-run scenarios shipped with dcpower."""
    return PROJECT_ROOT / "models"
