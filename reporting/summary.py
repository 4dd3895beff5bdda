"""The top of report.html: the verdict, the figures and the pictures on the first screen, then the details.

The details follow in the order a release manager asks: each table, what changed
in DynamoDB, which rows were quarantined and why, which files are not tables,
and how the queries compare with scans.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from contracts.alarms import FIGURES, METRICS_NAMESPACE
from loaders.deploy.expiry import EXPIRED_NOTE
from loaders.dynamodb.endpoint import shown
from reporting.charts import queries_chart, rows_chart
from reporting.record import CHANGE_KINDS, RunRecord
from reporting.verdict import Figures, figures, in_short, named, touched, verdict

_TEMPLATE = Environment(loader=PackageLoader("reporting"), autoescape=True, undefined=StrictUndefined).get_template(
    "summary.html"
)


def _number(value) -> str:
    """A count or a capacity as a person reads it: 11,407 (never 11,407.0), 0.5."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _figures(record: RunRecord, f: Figures) -> list[tuple[str, str, str]]:
    """The first screen's tiles: (label, value, detail)."""
    tiles = [
        (
            "tables",
            f"{f.tables}",
            f"{f.loaded} loaded · {f.blocked} blocked" if f.loaded or f.blocked else "none loaded",
        )
    ]
    if f.items is not None:
        tiles.append(
            (
                "items",
                _number(f.items),
                f"{f.found:,} found live" if f.found is not None else f"from {f.raw_rows:,} raw rows",
            )
        )
    if f.changes:
        counts = " · ".join(f"{f.changes.get(kind, 0):,} {kind}" for kind in CHANGE_KINDS)
        tiles.append(
            (
                "changes applied" if f.changes_applied else "changes planned, not applied",
                f"{sum(f.changes.get(k, 0) for k in CHANGE_KINDS if k != 'unchanged'):,}",
                counts,
            )
        )
    else:
        tiles.append(("changes", "not run", ""))
    if f.quarantined is not None:
        reasons = sum(len(r) for r in record.quarantine.values())
        tiles.append(
            (
                "quarantined rows",
                _number(f.quarantined),
                f"{reasons} reasons · {f.merged:,} merged" if reasons else f"{f.merged:,} merged",
            )
        )
    if f.write_units is not None:
        tiles.append(("capacity", f"{f.write_units:,.0f} WCU", f"{f.read_units:,.0f} RCU"))
    if f.checks:
        failed = f.checks.get("failed", 0)
        tiles.append(
            (
                "checks",
                f"{f.checks.get('passed', 0):,} passed",
                " · ".join(f"{n:,} {k}" for k, n in f.checks.items() if k != "passed") or f"{failed} failed",
            )
        )
    stages = record.stage_times()
    if stages:
        tiles.append(("time", f"{f.seconds:,.1f} s", " · ".join(f"{name} {s:.1f}" for name, s in stages)))
    return tiles


def _table_verdict(record: RunRecord, name: str) -> dict:
    """What the verdict cell of a table shows: why it was not loaded, or how many of its checks failed."""
    outcomes = record.outcomes.get(name, [])
    blocked = [r.splitlines()[0] for r in record.blocked[name]] if name in record.blocked else None
    return {"blocked": blocked, "checks": len(outcomes), "failed": sum(1 for o in outcomes if o != "passed")}


def _load(sync) -> str | list[str]:
    if sync is None:
        return "–"
    lines = [
        f"created {sync.created:,}, updated {sync.updated:,}, deleted {sync.deleted:,}, unchanged {sync.unchanged:,}"
    ]
    if sync.report is not None:
        lines.append(f"{sync.report.items_per_second:,.0f} requests/s, {sync.report.retries} retries")
    if sync.imported is not None:
        counts = sync.imported
        took = f" in {counts.seconds:,.1f} s" if counts.seconds is not None else ""
        lines.append(
            f"ImportTable {counts.status}{took}: {counts.staged:,} staged, {counts.processed:,} processed, "
            f"{counts.imported:,} imported, {counts.errors:,} errors"
        )
    return lines + sync.actions()


def _per_table(record: RunRecord) -> list[list]:
    rows = []
    for table in record.registry.tables:
        entry = record.ledger.tables.get(table.name) if record.ledger else None
        fixes = [f"{c.fixer} {c.column or ''} ×{c.rows}" for c in entry.changes] if entry else []
        indexes = record.indexes.get(table.name, {})
        gsis = [f"{index.name}: {indexes.get(index.name, '–')}" for index in table.indexes]
        gsis += [f"TTL on {table.expiry.attribute}: {record.ttl.get(table.name, '–')}"] if table.expiry else []
        rows.append(
            [
                table.name,
                _number(entry.raw_rows if entry else None),
                fixes or "–",
                _number(entry.merged if entry else None),
                _number(entry.quarantined if entry else None),
                _number(entry.items if entry else None),
                _number(record.found.get(table.name)),
                _load(record.synced.get(table.name)),
                gsis or "–",
                _table_verdict(record, table.name),
            ]
        )
    return rows


def _changes(record: RunRecord) -> list[list] | None:
    names = [
        t.name
        for t in record.registry.tables
        if t.name in record.changes or t.name in record.actions or t.name in record.capacity
    ]
    if not names:
        return None
    rows = []
    for name in names:
        counts, capacity = record.changes.get(name, {}), record.capacity.get(name, {})
        expired = record.expiry.get(name, {}).get("expired")
        notes = record.actions.get(name, []) + ([f"{expired:,} items {EXPIRED_NOTE}"] if expired else [])
        rows.append(
            [
                name,
                *(_number(counts.get(kind)) for kind in CHANGE_KINDS),
                notes or "–",
                _number(capacity.get("write_units")),
                _number(capacity.get("read_units")),
            ]
        )
    return rows


def _quarantine(record: RunRecord) -> list[list]:
    rows = []
    for table in record.registry.tables:
        for r in record.quarantine.get(table.name, []):
            lines = ", ".join(str(line) for line in r.lines[:10]) + (
                f" (+{len(r.lines) - 10} more)" if len(r.lines) > 10 else ""
            )
            rows.append([table.name, table.file, r.reason, f"{r.rows:,}", lines])
    return rows


_COMPARED = {
    "GreaterThanOrEqualToThreshold": "≥",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "≤",
}


def _alarms(record: RunRecord) -> dict:
    """The declared alarms: one row each (name, metric, threshold, what the plan did with it, drift read back)."""
    plan = record.alarms
    if plan is None or isinstance(plan, str):
        return {"unavailable": plan or "not planned (nothing was planned: --no-load, or no live check ran)"}
    applied, drift = set(record.alarms_applied), record.alarm_drift
    rows = []
    for name in sorted(plan.requests):
        request = plan.requests[name]
        dimensions = ", ".join(f"{d['Name']}={d['Value']}" for d in request["Dimensions"])
        if name in plan.create:
            state = "created" if name in applied else "to create"
        elif name in plan.change:
            state = ("changed: " if name in applied else "to change: ") + "; ".join(plan.change[name])
        else:
            state = "left"
        if isinstance(drift, str):
            found = "not read back"
        elif record.plan_only:
            found = "–"
        else:
            found = "; ".join(drift[name]) if name in drift else "none"
        rows.append(
            [
                name,
                f"{request['Namespace']} {request['MetricName']} ({request['Statistic']}"
                f"{', ' + dimensions if dimensions else ''})",
                f"{_COMPARED.get(request['ComparisonOperator'], request['ComparisonOperator'])} "
                f"{request['Threshold']:g} in {request['EvaluationPeriods']} × {request['Period']} s",
                state,
                found,
            ]
        )
    drifted = 0 if isinstance(drift, str) else len(drift)
    summary = (
        f"{len(rows)} alarms: {len(plan.create)} {'created' if applied else 'to create'}, "
        f"{len(plan.change)} {'changed' if applied else 'to change'}, {len(plan.leave)} left"
        + ("" if record.plan_only or isinstance(drift, str) else f", {drifted} drifted after the run")
        + f" · notify {plan.topic or 'no one (no --alarm-topic)'}"
    )
    return {"unavailable": None, "rows": rows, "summary": summary}


def _published(record: RunRecord) -> dict:
    """The figures the run sent to CloudWatch, one row per deployed table; or why none were."""
    if isinstance(record.published, str):
        return {"unavailable": record.published}
    if not record.published:
        return {"unavailable": "nothing published: this run did not sync (--plan, --no-load or pre-upload checks only)"}
    rows = [
        [
            table,
            *(
                _number(values.get(name)) if name != "UploadErrorRate" else f"{values.get(name, 0):.2%}"
                for name in FIGURES
            ),
        ]
        for table, values in sorted(record.published.items())
    ]
    return {
        "unavailable": None,
        "rows": rows,
        "headers": ["table", *FIGURES],
        "summary": f"{len(rows)} tables × {len(FIGURES)} figures, namespace {METRICS_NAMESPACE}, dimension TableName",
    }


def render(record: RunRecord) -> str:
    """The HTML placed at the top of pytest-html's summary."""
    decision = verdict(record)
    pictures = [rows_chart(record.ledger, decision.blocked + decision.failing)] if record.ledger else []
    pictures += [queries_chart(record.latencies)] if record.latencies else []
    return _TEMPLATE.render(
        deploy=decision.deploy,
        word=decision.word,
        target=touched(record, decision),
        in_short=in_short(record, decision),
        reasons=[(named(r.tables, 6) if r.tables else "", r.text) for r in decision.reasons],
        tiles=_figures(record, figures(record)),
        endpoint=shown(record.endpoint) if record.endpoint else "",
        run_id=record.run_id,
        started=record.started,
        gx_docs=record.gx_docs,
        pictures=pictures,
        per_table=_per_table(record),
        changes=_changes(record),
        changes_state="applied" if record.changes_applied else "planned, not applied",
        changes_headers=[
            "table",
            *(f"items {kind}d" if kind != "unchanged" else "items unchanged" for kind in CHANGE_KINDS),
            "table actions",
            "write units",
            "read units",
        ],
        quarantine=_quarantine(record),
        quarantine_none="none" if record.ledger else "not run",
        kept_orphans=[
            [name, column, f"{count:,}"]
            for name, columns in record.kept_orphans.items()
            for column, count in columns.items()
        ],
        not_tables=[[n.file, n.reason] for n in record.registry.not_tables],
        alarms=_alarms(record),
        published=_published(record),
        latencies=[
            [
                q.pattern,
                f"{q.matches:,}",
                f"{q.query_ms:.1f}",
                f"{q.scan_ms:.1f}",
                f"{q.query_read:,}",
                f"{q.scan_read:,}",
            ]
            for q in record.latencies
        ],
    )
