"""What the run learnt, table by table, gathered while the suites run and rendered at the end."""
from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fixers.ledger import Ledger
from loaders.plan import Plan
from loaders.sync import TableSync


@dataclass(frozen=True)
class Latency:
    """One query pattern against the same question answered by a Scan with a filter."""

    pattern: str
    matches: int
    query_ms: float
    scan_ms: float
    query_read: int
    scan_read: int


STAGES = ("read", "fix", "pre-upload checks", "gate", "plan", "sync", "read back", "live checks", "performance checks")


@dataclass
class RunRecord:
    endpoint: str = ""
    ledger: Ledger | None = None
    blocked: dict[str, list[str]] = field(default_factory=dict)  # table: why the gate kept it out
    plan: Plan | None = None
    synced: dict[str, TableSync] = field(default_factory=dict)  # table: what the sync did to it
    rollback: Path | None = None  # where the sync saved what it changed
    data_docs: dict[str, Path] = field(default_factory=dict)  # stage: the index of its Great Expectations Data Docs
    found: dict[str, int] = field(default_factory=dict)  # table: items counted live
    indexes: dict[str, dict[str, str]] = field(default_factory=dict)  # table: {index: status}
    latencies: list[Latency] = field(default_factory=list)
    outcomes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # table: test outcomes
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # stage: seconds

    def stage_times(self) -> list[tuple[str, float]]:
        """Seconds per stage, in the order the job runs them."""
        return [(stage, self.stages[stage]) for stage in STAGES if stage in self.stages]

    def timed(self, stage: str):
        """A context manager adding the time spent inside it to `stage`."""
        return _Timer(self.stages, stage)

    def write(self, path: Path) -> None:
        """The run as JSON (no ledger: that is ledger.json), for CI and the benchmarks."""
        body = {
            "endpoint": self.endpoint,
            "stages": dict(self.stage_times()),
            "blocked": self.blocked,
            "plan": self.plan.totals() if self.plan else None,
            "synced": {name: {"created": s.created, "updated": s.updated, "deleted": s.deleted, "unchanged": s.unchanged,
                              "actions": s.actions(), "retries": s.report.retries if s.report else 0}
                       for name, s in self.synced.items()},
            "rollback": str(self.rollback) if self.rollback else None,
            "found": self.found,
            "indexes": self.indexes,
            "latencies": [asdict(latency) for latency in self.latencies],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, indent=2, default=str) + "\n", encoding="utf-8")


class _Timer:
    def __init__(self, stages: dict[str, float], stage: str):
        self.stages, self.stage = stages, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc) -> None:
        self.stages[self.stage] += time.perf_counter() - self.start
