"""Why rows were quarantined, counted with their lines, read from `quarantine/<file>` with personal data masked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from contracts.source import read_csv
from contracts.table import Table
from contracts.violations import MASK


@dataclass(frozen=True)
class QuarantineReason:
    """One reason rows were set aside, how many rows it covers, and their lines in the export."""

    reason: str
    rows: int
    lines: tuple[int, ...]


def masked_reason(table: Table, row: dict[str, str]) -> str:
    """The row's reason without any of the row's personal values (a fixer's reason can quote a cell)."""
    reason = row["reason"]
    # Longest first, so a value that contains another is masked whole.
    for value in sorted((row[c] for c in table.pii if row.get(c)), key=len, reverse=True):
        reason = reason.replace(value, MASK)
    return reason


def quarantine_reasons(out_dir: Path, tables: tuple[Table, ...]) -> dict[str, list[QuarantineReason]]:
    """{table name: its reasons, most rows first} from the fixers' `out_dir/quarantine/` files."""
    found = {}
    for table in tables:
        path = out_dir / "quarantine" / table.file
        if not path.exists():
            continue
        lines_by_reason: dict[str, list[int]] = defaultdict(list)
        for row in read_csv(path).to_dict("records"):
            lines_by_reason[masked_reason(table, row)].append(int(row["line"]))
        found[table.name] = sorted(
            (QuarantineReason(reason, len(lines), tuple(sorted(lines))) for reason, lines in lines_by_reason.items()),
            key=lambda r: (-r.rows, r.lines[0]),
        )
    return found
