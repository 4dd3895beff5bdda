"""The verdict and the figures at the end of pytest's terminal output: short, the same as report.html says."""

from __future__ import annotations

from reporting.record import CHANGE_KINDS, RunRecord
from reporting.verdict import figures, in_short, named, touched, verdict

SHOWN_REASONS = 5


def summary_lines(record: RunRecord, details: str = "run.json") -> list[str]:
    """A few lines: the verdict, at most five reasons (`details` names where the others are), the figures, the stage times."""
    decision, f = verdict(record), figures(record)
    target = touched(record, decision)
    lines = [
        decision.word
        + (f" {'for' if decision.word == 'PLAN' else 'to'} {target}" if target else "")
        + f": {in_short(record, decision)}"
    ]
    for reason in decision.reasons[:SHOWN_REASONS]:
        lines.append(f"  {named(reason.tables) + ': ' if reason.tables else ''}{reason.text}")
    if len(decision.reasons) > SHOWN_REASONS:
        lines.append(f"  and {len(decision.reasons) - SHOWN_REASONS} more: see {details}")
    shown = [f"tables {f.tables} ({f.loaded} loaded, {f.blocked} blocked)"]
    if f.items is not None:
        shown.append(f"items {f.items:,}" + (f" ({f.found:,} found live)" if f.found is not None else ""))
    if f.changes:
        state = "applied" if f.changes_applied else "planned, not applied"
        shown.append(f"changes {state}: " + ", ".join(f"{f.changes.get(k, 0):,} {k}" for k in CHANGE_KINDS))
    if f.quarantined is not None:
        shown.append(f"quarantined {f.quarantined:,}")
    if f.write_units is not None:
        shown.append(f"capacity {f.write_units:,.0f} WCU, {f.read_units:,.0f} RCU")
    lines.append(" | ".join(shown))
    stages = record.stage_times()
    if stages:
        lines.append("stages: " + " | ".join(f"{name} {seconds:.1f} s" for name, seconds in stages))
    return lines
