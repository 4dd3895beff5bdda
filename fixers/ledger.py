"""The ledger: where every raw row went, and every change the fixers made.

For every table `raw_rows == items + merged + quarantined`, `raw_rows` counted
from the file's bytes (the pre-upload gate's row count checks it); a table the
fixers could not handle carries its `error` instead of counts. The ledger names the
run that wrote it (`run_id`, `started`), is written atomically, and a run
removes the previous run's ledger before it starts: a ledger on disk is whole
and belongs to a run that finished fixing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from files.atomic import write_atomically
from fixers.outcome import Change


@dataclass
class TableEntry:
    table: str
    file: str
    raw_rows: int | None = None
    items: int | None = None
    merged: int | None = None
    quarantined: int | None = None
    changes: list[Change] = field(default_factory=list)
    error: str | None = None
    # Parents that could not be fixed, when they are why this table was not: its own file may be fine.
    blocked_by: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    tables: dict[str, TableEntry] = field(default_factory=dict)
    run_id: str | None = None
    started: str | None = None  # ISO 8601 UTC

    def totals(self) -> dict[str, int]:
        done = [e for e in self.tables.values() if e.error is None]
        return {k: sum(getattr(e, k) for e in done) for k in ("raw_rows", "items", "merged", "quarantined")}

    def write(self, path: Path) -> None:
        body = {
            "run_id": self.run_id,
            "started": self.started,
            "tables": {name: asdict(e) for name, e in self.tables.items()},
            "totals": self.totals(),
        }
        write_atomically(path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, path: Path) -> Ledger:
        body = json.loads(path.read_text(encoding="utf-8"))
        tables = {}
        for name, raw in body["tables"].items():
            raw["changes"] = [Change(**c) for c in raw["changes"]]
            tables[name] = TableEntry(**raw)
        return cls(tables, body.get("run_id"), body.get("started"))
