"""Benchmark: wall time and peak memory of fixing and checking the export, at 1x and 10x.

Runs `pytest -m preupload` as a user would, in a child process, on the sample
export and on the same export with passengers, bookings and baggage scaled
10x, so the cost of growth is visible. Prints a table; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.generate import generate  # noqa: E402

TARGETS = {1: 10.0, 10: 60.0}  # seconds, on a 2-core machine


def _rows(folder: Path) -> int:
    return sum(p.read_bytes().count(b"\n") - 1 for p in folder.glob("*.csv"))


def run_gate(data_dir: Path, out_dir: Path) -> tuple[float, float, int]:
    """Seconds, peak MiB and exit code of `pytest -m preupload` on `data_dir`."""
    command = [sys.executable, "-m", "pytest", "-q", "-m", "preupload", "tests/preupload",
               f"--data-dir={data_dir}", f"--out-dir={out_dir}"]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child so far
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    print(f"{'scale':>5} {'rows':>9} {'seconds':>8} {'target':>7} {'peak MiB':>9}  verdict")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            data_dir = ROOT / "data" / "raw" if scale == 1 else Path(tmp) / f"raw{scale}"
            if scale != 1:
                print(f"  generating the {scale}x export ...", file=sys.stderr, flush=True)
                generate(data_dir, scale=scale)
            seconds, peak, code = run_gate(data_dir, Path(tmp) / f"build{scale}")
            target = TARGETS.get(scale)
            verdict = "gate passed" if code == 0 else f"gate exit {code}"
            within = "" if target is None else ("  within target" if seconds <= target else "  OVER TARGET")
            print(f"{scale:>5} {_rows(data_dir):>9} {seconds:>8.1f} {target or '-':>7} {peak:>9.0f}  {verdict}{within}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
