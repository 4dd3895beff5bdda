"""Every stage stops when asked: after Ctrl-C (SIGINT) or SIGTERM in the sync or the read back, no request is sent.

A child run of the live suite starts its own moto server, as `make run` does;
a plugin (`slow_requests`) slows the stage's requests so that the signal lands
in it, says when it is reached, and records every request of the stage sent
once the stop was asked. The run must send none (whatever the machine's
speed: a run whose threads went on would send the rest of the stage), name
the stage and what was written in one line, leave no server process and a
run.json that did not finish.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.plugin.test_faults import CHECKS, export  # noqa: F401 (a fixture: the small export)
from tests.pytest_run import ROOT

# Each request of the stage is held this long, so that the signal lands while the stage still has requests to send.
STAGES = {"sync": ("BatchWriteItem", 2.0), "read back": ("Scan", 3.0)}


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (a server in a session of its own included: its parent is still the run)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("stage", list(STAGES))
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_stages_requests_and_leaves_no_server(tmp_path, export, stage, signal_name):  # noqa: F811
    operation, seconds = STAGES[stage]
    reached, record, out = tmp_path / "reached", tmp_path / "record", tmp_path / "out"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "tests.plugin.slow_requests",
               "plugin/suites/test_live.py", "-m", "live", "-k", CHECKS, f"--data-dir={export}", f"--out-dir={out}"]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "SLOW_OPERATION": operation, "SLOW_SECONDS": str(seconds),
                                  "SLOW_REACHED": str(reached), "SLOW_RECORD": str(record)})
    try:
        deadline = time.monotonic() + 300
        while not reached.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the run never reached the stage"
            time.sleep(0.05)
        servers = descendants(child.pid)
        assert servers, "the run started no server"
        child.send_signal(getattr(signal, signal_name))
        stdout, stderr = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    recorded = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
    assert recorded == ["stop asked"], recorded
    assert child.returncode == pytest.ExitCode.INTERRUPTED, stdout[-3000:] + stderr[-3000:]
    lines = [line for line in stdout.splitlines() if line.startswith(f"stopped by {signal_name} during the {stage}: ")]
    assert len(lines) == 1, stdout[-3000:]
    assert "the local moto server the run started is stopped" in lines[0] and "finished: false" in lines[0]
    assert "Traceback" not in stdout + stderr
    left = [pid for pid in servers if alive(pid)]
    assert not left, f"processes of the run still running: {left}"
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["finished"] is False and record["interrupted"] == stage
