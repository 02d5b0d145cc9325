"""The ``dcpower`` command's entry point: catch a Ctrl-C or SIGTERM even during imports.

Importing the command line (typer, rich, pandas, pydantic, pvlib) takes seconds; a signal
in that time would end in a traceback. Until the imports are done, SIGINT and SIGTERM end
the process at once with the same one line and exit code as a stopped run (nothing has been
written yet); then the command line's own handling takes over.
"""

from __future__ import annotations

import os
import signal
import sys

from dcpower.errors import EXIT_INTERRUPTED


def _stop_while_importing(signum, frame) -> None:
    sys.stderr.write("interrupted: stopped by the user (nothing written)\n")
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    """Run the ``dcpower`` command line."""
    caught = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, _stop_while_importing) for number in caught}
    from dcpower.cli import app

    for number, handler in previous.items():
        signal.signal(number, handler)
    app()
