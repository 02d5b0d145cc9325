"""Open a run's report.html in headless Chromium, fail on console errors, save a screenshot.

Not part of the tests (needs Chromium: ``apt-get install -y chromium``). Checks that the report
renders offline without a console error (a missing image, a blocked resource, a script error)
and writes a full-page-height PNG to look at.

    python benchmarks/screenshot_report.py runs/caspian-hub            # uses its report.html
    python benchmarks/screenshot_report.py runs/caspian-hub --write    # (re)writes it first
    python benchmarks/screenshot_report.py report.html --out shot.png --height 9000

Exit code 0 if the page loaded without console errors and the screenshot was written, 1
otherwise (the offending log lines are printed).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Log lines of page console messages (Chromium logs console.error as ``INFO:CONSOLE:<line>]``;
#: the report has no script, so any console message is an error) or failed resource loads.
CONSOLE_ERROR = re.compile(
    r"(:CONSOLE[:(]\d+\)?\]|Uncaught|Failed to load resource|net::ERR_"
    r"|Not allowed to load local resource|Refused to (load|apply|execute))",
    re.IGNORECASE,
)

#: Resource references (src/href) of the HTML, to check that every one is embedded.
RESOURCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def external_resources(text: str) -> list[str]:
    """src/href values of the page that are not embedded data or in-page anchors."""
    return [ref[:80] for ref in RESOURCE.findall(text) if not ref.startswith(("data:", "#"))]


def find_chromium(given: str | None) -> str:
    """Path of the Chromium binary (given, or the first found on PATH)."""
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("Chromium not found: apt-get update && apt-get install -y chromium")


def screenshot(
    report: Path, png: Path, chromium: str, width: int, height: int, timeout_s: float
) -> tuple[int, list[str], list[str]]:
    """Render ``report`` to ``png``; return the exit code, console-error lines and the log."""
    with tempfile.TemporaryDirectory(prefix="dcpower-chromium-") as profile:
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            "--enable-logging=stderr",
            "--v=0",
            report.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    log = (proc.stdout + proc.stderr).splitlines()
    errors = [line for line in log if CONSOLE_ERROR.search(line)]
    return proc.returncode, errors, log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="report.html, or a run folder holding one")
    parser.add_argument("--out", type=Path, help="PNG to write (default: next to the report)")
    parser.add_argument("--write", action="store_true", help="write the run folder's report first")
    parser.add_argument("--chromium", help="Chromium binary (default: found on PATH)")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=4000)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds")
    args = parser.parse_args()

    report = args.path / "report.html" if args.path.is_dir() else args.path
    if args.write:
        from dcpower.report.html import write_report

        run_dir = args.path if args.path.is_dir() else args.path.parent
        start = time.perf_counter()
        report = write_report(run_dir)
        print(f"wrote {report} in {time.perf_counter() - start:.1f} s")
    if not report.is_file():
        sys.exit(f"{report}: no such report (use --write with a run folder)")
    png = args.out or report.with_name(report.stem + "_screenshot.png")
    png.unlink(missing_ok=True)
    start = time.perf_counter()
    code, errors, log = screenshot(
        report, png, find_chromium(args.chromium), args.width, args.height, args.timeout
    )
    seconds = time.perf_counter() - start
    external = external_resources(report.read_text(encoding="utf-8"))
    ok = code == 0 and not errors and not external and png.is_file() and png.stat().st_size > 0
    for line in errors:
        print(f"console error: {line}")
    for ref in external:
        print(f"not embedded (the report must open offline): {ref}")
    if code != 0 or not png.is_file():
        print("\n".join(log[-20:]))
        print(f"chromium exit code {code}; screenshot {'missing' if not png.is_file() else 'ok'}")
    print(
        f"{'OK' if ok else 'FAILED'}: {report} rendered in {seconds:.1f} s, "
        f"{len(errors)} console error(s), screenshot {png}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
