"""Can this be deployed, and if not which tables stop it and why; and the run's figures in numbers.

The HTML summary, the terminal summary and run.json all show what these return,
so the three never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts import TABLES

if TYPE_CHECKING:
    from reporting.record import RunRecord


@dataclass(frozen=True)
class Reason:
    """Why not: a table (None for a check of no table, or for the run itself) and one line."""

    table: str | None
    text: str


@dataclass(frozen=True)
class Verdict:
    deploy: bool
    reasons: tuple[Reason, ...]

    @property
    def word(self) -> str:
        return "DEPLOY" if self.deploy else "DO NOT DEPLOY"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def verdict(record: RunRecord) -> Verdict:
    """DEPLOY only if the run finished, checks ran, no table was blocked and no check failed."""
    reasons = []
    if not record.finished:
        reasons.append(Reason(None, "the run did not finish"))
    if not sum(record.checks.values()):
        reasons.append(Reason(None, "no check ran"))
    for table in TABLES:
        if table.name in record.blocked:
            first = _first_line(record.blocked[table.name][0]) if record.blocked[table.name] else "blocked by the gate"
            reasons.append(Reason(table.name, f"not loaded: {first}"))
            continue
        failed = [f for f in record.failures if f.table == table.name]
        if failed:
            of = len(record.outcomes.get(table.name, ()))
            count = f"{len(failed)} of {of} checks failed" if of else f"{len(failed)} checks failed"
            reasons.append(Reason(table.name, f"{failed[0].problem} ({count})"))
    reasons += [Reason(None, f"{f.test}: {f.problem}") for f in record.failures if f.table is None]
    return Verdict(not reasons, tuple(reasons))


def in_short(record: RunRecord, decision: Verdict) -> str:
    """Half a line after the verdict: which tables stop it, or that all pass and whether anything was loaded."""
    if decision.deploy:
        return f"all {len(TABLES)} tables pass" + ("" if record.loads else "; pre-upload checks only, nothing was loaded")
    tables = sorted({r.table for r in decision.reasons if r.table})
    if not tables:
        return "see why below"
    return f"{len(tables)} table{'s stop' if len(tables) > 1 else ' stops'} it: {', '.join(tables)}"


@dataclass(frozen=True)
class Figures:
    """The run in numbers; None where the run did not get that far."""

    tables: int
    loaded: int
    blocked: int
    raw_rows: int | None
    items: int | None  # after fixing: what should be live
    found: int | None  # items counted live
    merged: int | None
    quarantined: int | None
    changes: dict[str, int]  # create, update, delete, unchanged: summed over tables
    changes_applied: bool
    write_units: float | None
    read_units: float | None
    seconds: float  # all stages
    checks: dict[str, int]  # outcome: count


def figures(record: RunRecord) -> Figures:
    totals = record.ledger.totals() if record.ledger else {}
    changes: dict[str, int] = {}
    for counts in record.changes.values():
        for kind, count in counts.items():
            changes[kind] = changes.get(kind, 0) + count
    capacity = record.capacity.values()
    return Figures(
        tables=len(TABLES),
        loaded=len(record.loads),
        blocked=len(record.blocked),
        raw_rows=totals.get("raw_rows"),
        items=totals.get("items"),
        found=sum(record.found.values()) if record.found else None,
        merged=totals.get("merged"),
        quarantined=totals.get("quarantined"),
        changes=changes,
        changes_applied=record.changes_applied,
        write_units=sum(c.get("write_units", 0.0) for c in capacity) if record.capacity else None,
        read_units=sum(c.get("read_units", 0.0) for c in capacity) if record.capacity else None,
        seconds=sum(seconds for _, seconds in record.stage_times()),
        checks=dict(record.checks),
    )
