"""A plugin for a child run (`-p tests.plugin.hold_stage`): the start of one stage is announced in a file, and the
stage is held there a while, so that a test can signal the run in a stage too short to aim at otherwise.

Set HOLD_STAGE (the stage as run.json names it: fix, gate, live checks), HOLD_SECONDS (0: not held, the signal
lands in the stage's own work) and REACHED (the file).
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

from reporting.record import RunRecord

_timed = RunRecord.timed


@contextmanager
def _held(record: RunRecord, stage: str):
    with _timed(record, stage):
        if stage == os.environ["HOLD_STAGE"]:
            Path(os.environ["REACHED"]).touch()
            time.sleep(float(os.environ["HOLD_SECONDS"]))
        yield


def pytest_configure(config) -> None:
    RunRecord.timed = _held
