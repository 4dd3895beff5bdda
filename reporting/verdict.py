"""Can this be deployed, and if not which tables stop it and why; and the run's figures in numbers.

The HTML summary, the terminal summary and run.json all show what these return,
so the three never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from loaders.cloudwatch.alarms import AlarmPlan

if TYPE_CHECKING:
    from reporting.record import RunRecord


@dataclass(frozen=True)
class Reason:
    """Why not, in one line, and the tables it is about (none for the run itself or a check of no table)."""

    tables: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Verdict:
    deploy: bool
    reasons: tuple[Reason, ...]
    blocked: tuple[str, ...] = ()  # tables the gate kept out
    failing: tuple[str, ...] = ()  # other tables with a failed check
    plan_only: bool = False  # --plan: nothing was applied, the live checks did not compare
    pending: tuple[str, ...] = ()  # with plan_only, the tables the plan would change
    pending_alarms: tuple[str, ...] = ()  # with plan_only, the alarms the plan would create or change
    live_checked: bool = False  # whether any live check ran: a pre-upload run's DEPLOY says nothing of the tables

    @property
    def word(self) -> str:
        if not self.deploy:
            return "DO NOT DEPLOY"
        return "PLAN" if self.plan_only else "DEPLOY"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def verdict(record: RunRecord) -> Verdict:
    """DEPLOY only if the run finished, checks ran, no table was blocked and no check failed.

    Blocked tables come first, each with its first reason. Tables whose checks failed
    for the same first reason (the children of a blocked parent, typically) share one line.
    """
    live_checked = "live checks" in record.stages
    if record.refused:
        return Verdict(False, (Reason((), f"refused before anything ran: {record.refused}"),))
    reasons = []
    if not record.finished:
        reasons.append(Reason((), "the run did not finish"))
    if not sum(record.checks.values()):
        reasons.append(Reason((), "no check ran"))
    blocked = tuple(name for name in record.registry.names if name in record.blocked)
    for name in blocked:
        first = _first_line(record.blocked[name][0]) if record.blocked[name] else "blocked by the gate"
        reasons.append(Reason((name,), f"not loaded: {first}"))
    by_problem: dict[str, list[str]] = {}
    failed_checks: dict[str, int] = {}
    for failure in record.failures:
        if failure.table and failure.table not in blocked:
            if failure.table not in failed_checks:
                by_problem.setdefault(failure.problem, []).append(failure.table)
            failed_checks[failure.table] = failed_checks.get(failure.table, 0) + 1
    for problem, tables in by_problem.items():
        if len(tables) == 1:
            count = f"{failed_checks[tables[0]]} of {len(record.outcomes.get(tables[0], ()))} checks failed"
        else:
            count = f"{sum(failed_checks[t] for t in tables)} checks failed in {len(tables)} tables"
        reasons.append(Reason(tuple(tables), f"{problem} ({count})"))
    reasons += [Reason((), f"{f.test}: {f.problem}") for f in record.failures if f.table is None]
    failing = tuple(name for name in record.registry.names if name in failed_checks)
    planned = record.plan.by_table() if record.plan else {}
    pending = tuple(
        name
        for name in record.registry.names
        if name in planned and planned[name].blocked is None and planned[name].changes_anything
    )
    alarms = (
        tuple(sorted(record.alarms.create + list(record.alarms.change))) if isinstance(record.alarms, AlarmPlan) else ()
    )
    return Verdict(
        not reasons,
        tuple(reasons),
        blocked,
        failing,
        record.plan_only,
        pending if record.plan_only else (),
        alarms if record.plan_only else (),
        live_checked,
    )


def named(tables: tuple[str, ...], most: int = 3) -> str:
    """At most `most` table names, then how many more."""
    return ", ".join(tables[:most]) + (f" and {len(tables) - most} more" if len(tables) > most else "")


def in_short(record: RunRecord, decision: Verdict) -> str:
    """Half a line after the verdict: which tables stop it, or that all pass and whether anything was loaded;
    for a plan, what it would change."""
    if decision.plan_only and record.plan is not None:
        return " · ".join(_stopped(decision) + [_pending(record, decision)])
    if decision.deploy and not decision.live_checked:
        return f"all {len(record.registry.tables)} tables pass the pre-upload checks; no live check ran" + (
            "" if record.synced else ", nothing was loaded"
        )
    if decision.deploy:
        return f"all {len(record.registry.tables)} tables pass" + ("" if record.synced else "; nothing was loaded")
    return " · ".join(_stopped(decision)) or "see why below"


def touched(record: RunRecord, decision: Verdict) -> str:
    """The deployment the verdict is about, or "" for a run that never reached one (pre-upload checks only)."""
    return record.target if decision.live_checked or record.plan is not None or record.synced else ""


def _pending(record: RunRecord, decision: Verdict) -> str:
    if not decision.pending and not decision.pending_alarms:
        return "nothing to change, nothing applied"
    parts = []
    if decision.pending:
        planned = record.plan.by_table()
        items = sum(planned[name].writes for name in decision.pending)
        actions = sum(len(planned[name].actions) for name in decision.pending)
        changes = [f"{items:,} item change{'s' * (items != 1)}"] if items else []
        changes += [f"{actions:,} table action{'s' * (actions != 1)}"] if actions else []
        tables = len(decision.pending)
        parts.append(f"{' and '.join(changes)} pending in {tables} table{'s' * (tables != 1)}")
    if decision.pending_alarms:
        alarms = len(decision.pending_alarms)
        parts.append(f"{alarms:,} alarm change{'s' * (alarms != 1)} pending")
    return ", ".join(parts) + ", nothing applied"


def _stopped(decision: Verdict) -> list[str]:
    parts = []
    if decision.blocked:
        parts.append(
            f"{len(decision.blocked)} table{'s' * (len(decision.blocked) > 1)} blocked: {named(decision.blocked)}"
        )
    if decision.failing:
        more = " more" if decision.blocked else ""
        parts.append(
            f"checks failed in {len(decision.failing)}{more} table{'s' * (len(decision.failing) > 1)}: {named(decision.failing)}"
        )
    return parts


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
        tables=len(record.registry.tables),
        loaded=len(record.synced),
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
