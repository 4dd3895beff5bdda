"""Benchmark: wall time and peak memory of fixing and checking the export, at 1x, 10x and 100x.

Runs `pytest -m preupload` as a user would, in a child process, on the sample
export and on the same export with passengers, bookings and baggage scaled
(10x, 100x: 3 million rows), so the cost of growth is visible: time should
grow with the rows, memory with what is read. Prints one line per run with
the fix and gate stages (from the run's run.json) and the targets; asserts
nothing. The machine is shared, so `--repeat` runs each scale again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# (seconds, peak MB) on a 2-core machine; None: no target. 100x: issue 11.
TARGETS = {1: (10.0, None), 10: (60.0, None), 100: (45.0, 1500.0)}


def _rows(folder: Path) -> int:
    return sum(p.read_bytes().count(b"\n") - 1 for p in folder.glob("*.csv"))


def run_gate(data_dir: Path, out_dir: Path) -> tuple[float, float, int]:
    """Seconds, peak MB and exit code of `pytest -m preupload` on `data_dir`.

    The peak is that of the whole process tree: the gate may run its checkpoint in a second process.
    """
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-m",
        "preupload",
        "plugin/suites/test_preupload.py",
        f"--data-dir={data_dir}",
        f"--out-dir={out_dir}",
    ]
    return measured(command)


def measured(command: list[str]) -> tuple[float, float, int]:
    """Seconds, peak MB and exit code of `command`, run from the project's folder.

    The peak is that of the whole process tree, sampled every 50 ms, or the
    command's own resident peak if that is larger.
    """
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sampled, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            sampled[0] = max(sampled[0], tree_rss_mb(child.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child so far
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, max(sampled[0], usage.ru_maxrss * 1024 / 1e6), os.waitstatus_to_exitcode(status)


def tree_rss_mb(root: int) -> float:
    """The memory of `root` and of every process under it, now: their proportional set sizes (Linux's /proc),
    so the pages they share (the interpreter, numpy's libraries) are counted once, not once per process."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total * 1024 / 1e6


def stage_seconds(out_dir: Path) -> dict[str, float]:
    """The run's own stage times (fix, gate), from its run.json."""
    try:
        return json.loads((out_dir / "run.json").read_text(encoding="utf-8")).get("stages") or {}
    except (OSError, ValueError):
        return {}


def export(scale: int, exports: Path) -> Path:
    """The export at `scale`: the sample itself at 1x, else generated into `exports`, or kept from an earlier run."""
    if scale == 1:
        return ROOT / "data" / "raw"
    folder = exports / f"{scale}x"
    manifest = folder / "manifest.json"
    try:
        if json.loads(manifest.read_text(encoding="utf-8"))["scale"] == scale:
            return folder / "raw"
    except (OSError, ValueError, KeyError):
        pass
    print(f"  generating the {scale}x export ...", file=sys.stderr, flush=True)
    # In a child: a fork inherits the parent's peak RSS (Linux keeps the larger), so a generator run in this
    # process would show up as the gate's peak. The manifest goes beside raw/, written last.
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "generate.py"), f"--out={folder / 'raw'}", f"--scale={scale}"],
        cwd=ROOT,
        check=True,
    )
    return folder / "raw"


def verdict(scale: int, seconds: float, peak: float) -> str:
    target_seconds, target_peak = TARGETS.get(scale, (None, None))
    over = [
        f"{what} over {target:g}"
        for what, value, target in (("time", seconds, target_seconds), ("memory", peak, target_peak))
        if target is not None and value > target
    ]
    if target_seconds is None and target_peak is None:
        return ""
    return "OVER TARGET: " + ", ".join(over) if over else "within target"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=1, help="runs per scale (the machine is shared: timings vary)")
    parser.add_argument(
        "--exports", type=Path, help="keep the generated exports here and reuse them (default: a temporary folder)"
    )
    args = parser.parse_args()
    print(
        f"{'scale':>5} {'rows':>9} {'seconds':>8} {'fix':>6} {'gate':>6} {'target s':>8} {'peak MB':>8} {'target MB':>9}  verdict"
    )
    with tempfile.TemporaryDirectory() as tmp:
        exports = args.exports or Path(tmp)
        for scale in args.scales:
            data_dir = export(scale, exports)
            rows = _rows(data_dir)
            for run in range(args.repeat):
                out_dir = Path(tmp) / f"build{scale}-{run}"
                seconds, peak, code = run_gate(data_dir, out_dir)
                stages = stage_seconds(out_dir)
                target_seconds, target_peak = TARGETS.get(scale, (None, None))
                gate = "gate passed" if code == 0 else f"gate exit {code}"
                print(
                    f"{scale:>5} {rows:>9} {seconds:>8.1f} {stages.get('fix', 0):>6.1f} {stages.get('gate', 0):>6.1f}"
                    f" {target_seconds or '-':>8} {peak:>8.0f} {target_peak or '-':>9}  {gate}; {verdict(scale, seconds, peak)}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
