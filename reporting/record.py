"""What the run learnt, table by table, gathered while the suites run and rendered at the end."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from contracts.registry import Registry
from files.atomic import write_atomically
from fixers.ledger import Ledger
from loaders.cloudwatch.alarms import AlarmPlan
from loaders.deploy.plan import Plan
from loaders.deploy.sync import TableSync
from reporting.quarantine import QuarantineReason
from reporting.verdict import figures, verdict


@dataclass(frozen=True)
class Latency:
    """One query pattern against the same question answered by a Scan with a filter."""

    pattern: str
    matches: int
    query_ms: float
    scan_ms: float
    query_read: int
    scan_read: int


_WRITING = threading.Lock()


@dataclass(frozen=True)
class Failure:
    """A failed check: its test id, its table if it has one, and the first line of what went wrong."""

    test: str
    table: str | None
    problem: str


# run.json's layout: raised when a key changes meaning or goes away, so that a reader can tell which it holds.
SCHEMA = 1
# The JSON Schema (draft 2020-12) of that layout, shipped with the package for CI jobs to validate against.
RUN_SCHEMA = Path(__file__).with_name("run.schema.json")
STAGES = ("read", "fix", "pre-upload checks", "gate", "plan", "sync", "read back", "live checks", "performance checks")
CHANGE_KINDS = ("create", "update", "delete", "unchanged")


@dataclass
class RunRecord:
    # The run's contracts: which tables the report lists, in load order, and the files that are not tables.
    registry: Registry = field(default_factory=lambda: Registry(()))
    endpoint: str = ""
    ledger: Ledger | None = None
    blocked: dict[str, list[str]] = field(default_factory=dict)  # table: why the gate kept it out
    plan: Plan | None = None
    synced: dict[str, TableSync] = field(default_factory=dict)  # table: what the sync did to it
    rollback: Path | None = None  # where the sync saved what it changed
    data_docs: dict[str, Path] = field(default_factory=dict)  # stage: the index of its Great Expectations Data Docs
    found: dict[str, int] = field(default_factory=dict)  # table: items counted live
    indexes: dict[str, dict[str, str]] = field(default_factory=dict)  # table: {index: status}
    ttl: dict[str, str] = field(default_factory=dict)  # table declaring an expiry: its TimeToLiveStatus, read back
    latencies: list[Latency] = field(default_factory=list)
    outcomes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # table: test outcomes
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # stage: seconds
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    started: str = ""  # ISO 8601, UTC
    finished: bool = False  # stays False in run.json if the run is killed
    # What the deployment is, as a person names it: never an ephemeral port.
    target: str = ""
    capacity: dict[str, dict[str, float]] = field(default_factory=dict)  # table: {write_units, read_units}
    gx_docs: str | None = None  # relative link to the Great Expectations Data Docs index
    quarantine: dict[str, list[QuarantineReason]] = field(default_factory=dict)  # table: reasons, counted
    kept_orphans: dict[str, dict[str, int]] = field(default_factory=dict)  # table: {column: orphan rows loaded}
    checks: Counter = field(default_factory=Counter)  # outcome: how many checks had it
    failures: list[Failure] = field(default_factory=list)
    plan_only: bool = False  # --plan: the verdict is the plan's, nothing is applied
    refused: str | None = None  # why the preflight stopped the run before anything ran
    interrupted: str | None = None  # the stage a stop was asked in (Ctrl-C, SIGTERM)
    alarms: AlarmPlan | str | None = None  # the declared alarms' plan, or why there is none (no CloudWatch)
    alarms_applied: list[str] = field(default_factory=list)  # alarms the sync created or changed
    alarm_drift: dict[str, list[str]] | str = field(default_factory=dict)  # as read back: what differs, or why unread
    # Deployed table: the figures sent to CloudWatch; or why none were (a server without CloudWatch).
    published: dict[str, dict[str, float]] | str = field(default_factory=dict)
    gsis_not_active: dict[str, int] = field(
        default_factory=dict
    )  # table read back: declared GSIs missing or not ACTIVE

    @property
    def changes_applied(self) -> bool:
        """True once a sync ran; False while `changes` is only a plan (--plan), or nothing was planned."""
        return bool(self.synced)

    @property
    def changes(self) -> dict[str, dict[str, int]]:
        """Per table: create, update, delete, unchanged; what the sync did, else what the plan would do."""
        if self.synced:
            return {
                name: {"create": s.created, "update": s.updated, "delete": s.deleted, "unchanged": s.unchanged}
                for name, s in self.synced.items()
            }
        if self.plan is None:
            return {}
        return {
            p.table.name: {k: v for k, v in p.counts().items() if k != "kept"}
            for p in self.plan.tables
            if not p.blocked
        }

    @property
    def expiry(self) -> dict[str, dict]:
        """Per table declaring an expiry: its attribute, the items already expired (from the plan), TTL as read back."""
        planned = self.plan.by_table() if self.plan else {}
        return {
            t.name: {
                "attribute": t.expiry.attribute,
                "retention_days": t.expiry.retention / timedelta(days=1),
                "expired": planned[t.name].expired if t.name in planned else None,
                "ttl": self.ttl.get(t.name),
            }
            for t in self.registry.tables
            if t.expiry is not None
        }

    @property
    def actions(self) -> dict[str, list[str]]:
        """Per table: what was done to the table itself (created, GSIs, protection, migration), or is planned."""
        if self.synced:
            return {name: s.actions() for name, s in self.synced.items() if s.actions()}
        if self.plan is None:
            return {}
        return {
            p.table.name: ["planned: " + a for a in p.actions] for p in self.plan.tables if p.actions and not p.blocked
        }

    def alarms_summary(self) -> dict | None:
        """The declared alarms: the plan's create, change and leave, what the sync applied, the drift read back."""
        if self.alarms is None:
            return None
        if isinstance(self.alarms, str):
            return {"unavailable": self.alarms}
        return {
            **self.alarms.summary(),
            "applied": self.alarms_applied,
            "drift": self.alarm_drift if isinstance(self.alarm_drift, dict) else None,
        }

    def figures_to_publish(self, prefix: str) -> dict[str, dict[str, float]]:
        """Per deployed table (`prefix` + name), the run's figures as `contracts.alarms.FIGURES` names them.

        UploadErrors are botocore's retries plus the write requests DynamoDB handed back unprocessed and the
        loader sent again; UploadErrorRate is their share of the write requests sent, those re-sends included.
        DurationSeconds is the time the table's writes took (0 when nothing was written).
        """
        found = {}
        for table in self.registry.tables:
            synced = self.synced.get(table.name)
            report = synced.report if synced else None
            errors = report.retries + report.unprocessed_retried if report else 0
            sent = report.items + report.deleted + errors if report else 0
            quarantined = sum(reason.rows for reason in self.quarantine.get(table.name, []))
            found[f"{prefix}{table.name}"] = {
                "ItemsWritten": synced.created + synced.updated if synced else 0,
                "ItemsDeleted": synced.deleted if synced else 0,
                "ItemsUnchanged": synced.unchanged if synced else 0,
                "RowsQuarantined": quarantined,
                "FailedChecks": self.outcomes.get(table.name, []).count("failed"),
                "Blocked": int(table.name in self.blocked),
                "GsisNotActive": self.gsis_not_active.get(table.name, 0),
                "UploadErrors": errors,
                "UploadErrorRate": errors / sent if sent else 0.0,
                "DurationSeconds": report.seconds if report else 0.0,
            }
        return found

    def note(self, test: str, table: str | None, outcome: str, problem: str = "") -> None:
        """Count one check's outcome, against its table when it has one; keep the first line of a failure."""
        self.checks[outcome] += 1
        if table:
            self.outcomes[table].append(outcome)
        if outcome == "failed":
            # A first line ending in a colon introduces what follows; alone, the colon dangles.
            first = next((line.strip().rstrip(":") for line in problem.splitlines() if line.strip()), "failed")
            self.failures.append(Failure(test, table, first))

    def stage_times(self) -> list[tuple[str, float]]:
        """Seconds per stage, in the order the job runs them."""
        return [(stage, self.stages[stage]) for stage in STAGES if stage in self.stages]

    def timed(self, stage: str):
        """A context manager adding the time spent inside it to `stage`; an interrupt inside names it `interrupted`."""
        return _Timer(self, stage)

    def start(self, path: Path) -> None:
        """Stamp the start and write `path` at once: a run killed later leaves a record saying it did not finish."""
        self.started = datetime.now(UTC).isoformat(timespec="seconds")
        self.finished = False
        self.write(path)

    def refuse(self, path: Path, problem: str) -> None:
        """Record that the preflight stopped the run before anything ran, and why; write `path`."""
        self.refused = problem
        self.started = datetime.now(UTC).isoformat(timespec="seconds")
        self.finish(path)

    def finish(self, path: Path) -> None:
        """Mark the run finished and write `path`."""
        self.finished = True
        self.write(path)

    def write(self, path: Path) -> None:
        """The run as JSON (no ledger: that is ledger.json), for CI; replaced atomically, never half written."""
        decision = verdict(self)
        body = {
            "schema": SCHEMA,
            "run_id": self.run_id,
            "started": self.started,
            "finished": self.finished,
            "refused": self.refused,
            "interrupted": self.interrupted,
            "verdict": {
                "deploy": decision.deploy,
                "reasons": [asdict(r) for r in decision.reasons],
                "blocked": decision.blocked,
                "failing": decision.failing,
                "plan_only": decision.plan_only,
                "pending": decision.pending,
                "pending_alarms": decision.pending_alarms,
                "live_checked": decision.live_checked,
            },
            "ran": [stage for stage, _ in self.stage_times()],
            "figures": asdict(figures(self)),
            "target": self.target,
            "endpoint": self.endpoint,
            "stages": dict(self.stage_times()),
            "blocked": self.blocked,
            "plan": self.plan.totals() if self.plan else None,
            "retries": {name: s.report.retries for name, s in self.synced.items() if s.report},
            # ImportTable's own counts (DescribeImport) for the tables it created, and why one failed.
            "imports": {
                name: {**asdict(s.imported), "failure": s.import_failure}
                for name, s in self.synced.items()
                if s.imported
            },
            "rollback": str(self.rollback) if self.rollback else None,
            "changes": self.changes,
            "changes_applied": self.changes_applied,
            "actions": self.actions,
            "capacity": self.capacity,
            "not_tables": {n.file: n.reason for n in self.registry.not_tables},
            "quarantine": {name: [asdict(r) for r in reasons] for name, reasons in self.quarantine.items()},
            "orphans_kept": self.kept_orphans,
            "checks": dict(self.checks),
            "failures": [asdict(f) for f in self.failures],
            "gx_docs": self.gx_docs,
            "found": self.found,
            "indexes": self.indexes,
            # Items past their expiry are still loaded: DynamoDB deletes them within days once TTL is on.
            "expiry": self.expiry,
            "latencies": [asdict(latency) for latency in self.latencies],
            "alarms": self.alarms_summary(),
            "published": self.published,
        }
        # The sync's threads write it as each table is done: one at a time, so a later state is never overwritten.
        with _WRITING:
            write_atomically(path, json.dumps(body, indent=2, default=str) + "\n")


class _Timer:
    def __init__(self, record: RunRecord, stage: str):
        self.record, self.stage = record, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, kind, *_) -> None:
        self.record.stages[self.stage] += time.perf_counter() - self.start
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.record.interrupted = self.stage
