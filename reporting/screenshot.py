"""A picture of report.html's first screen, taken by headless Chromium, kept beside the run as an artefact.

python -m reporting.screenshot report.html build/report.png
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FIRST_SCREEN = (1366, 900)  # a laptop's browser window
INSTALL = "apt-get update && apt-get install -y chromium"
# A throwaway profile and nothing from the network: the report is one local file.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


class ChromiumMissing(RuntimeError):
    """No `chromium` on the PATH."""

    def __init__(self):
        super().__init__(f"Chromium is not installed: run `{INSTALL}` (Debian's chromium package)")


def run_chromium(page: Path, *options: str) -> str:
    """Open `page` in a fresh headless Chromium with a first-screen-sized window; its standard output."""
    binary = shutil.which("chromium")
    if binary is None:
        raise ChromiumMissing
    width, height = FIRST_SCREEN
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                *options,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if done.returncode != 0:
        raise RuntimeError(f"Chromium could not open {page} (exit {done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def screenshot(page: Path, png: Path) -> None:
    """Write the first screen of `page`, as a person opening it sees it, to `png`."""
    png.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(page, f"--screenshot={png.resolve()}")
    if not png.exists():
        raise RuntimeError(f"Chromium wrote no screenshot of {page}")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        screenshot(Path(argv[0]), Path(argv[1]))
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
