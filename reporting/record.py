"""What the run learnt, table by table, gathered while the suites run and rendered at the end."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from fixers.ledger import Ledger
from loaders.batch import LoadReport


@dataclass(frozen=True)
class Latency:
    """One query pattern against the same question answered by a Scan with a filter."""

    pattern: str
    matches: int
    query_ms: float
    scan_ms: float
    query_read: int
    scan_read: int


@dataclass
class RunRecord:
    endpoint: str = ""
    ledger: Ledger | None = None
    blocked: dict[str, list[str]] = field(default_factory=dict)  # table: why the gate kept it out
    loads: dict[str, LoadReport] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)  # table: items counted live
    indexes: dict[str, dict[str, str]] = field(default_factory=dict)  # table: {index: status}
    latencies: list[Latency] = field(default_factory=list)
    outcomes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # table: test outcomes
