"""The summary at the top of report.html: one row per table, then the query latency comparison."""
from __future__ import annotations

from html import escape

from contracts import TABLES
from reporting.record import RunRecord

STYLE = (
    "<style>.dc-summary{border-collapse:collapse;margin:8px 0 16px}"
    ".dc-summary td,.dc-summary th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    ".dc-pass{color:#1a7f37;font-weight:bold}.dc-fail{color:#cf222e;font-weight:bold}</style>"
)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="dc-summary"><tr>{head}</tr>{body}</table>'


def _verdict(record: RunRecord, name: str) -> str:
    if name in record.blocked:
        return '<span class="dc-fail">NOT LOADED</span><br>' + "<br>".join(escape(r.splitlines()[0]) for r in record.blocked[name])
    outcomes = record.outcomes.get(name, [])
    if not outcomes:
        return "not checked"
    failed = sum(1 for o in outcomes if o != "passed")
    if failed:
        return f'<span class="dc-fail">FAIL</span> ({failed} of {len(outcomes)} checks)'
    return f'<span class="dc-pass">PASS</span> ({len(outcomes)} checks)'


def _load(sync) -> str:
    if sync is None:
        return "–"
    lines = [f"created {sync.created:,}, updated {sync.updated:,}, deleted {sync.deleted:,}, unchanged {sync.unchanged:,}"]
    if sync.report is not None:
        lines.append(f"{sync.report.items_per_second:,.0f} requests/s, {sync.report.retries} retries")
    return "<br>".join(escape(line) for line in lines + sync.actions())


def _number(value) -> str:
    return "–" if value is None else f"{value:,}"


def render(record: RunRecord) -> str:
    rows = []
    for table in TABLES:
        entry = record.ledger.tables.get(table.name) if record.ledger else None
        fixes = "<br>".join(escape(f"{c.fixer} {c.column or ''} ×{c.rows}") for c in entry.changes) if entry else ""
        indexes = record.indexes.get(table.name, {})
        gsis = "<br>".join(escape(f"{index.name}: {indexes.get(index.name, '–')}") for index in table.indexes) or "–"
        load = record.synced.get(table.name)
        rows.append([
            escape(table.name),
            _number(entry.raw_rows if entry else None),
            fixes or "–",
            _number(entry.quarantined if entry else None),
            _number(entry.items if entry else None),
            _number(record.found.get(table.name)),
            _load(load),
            gsis,
            _verdict(record, table.name),
        ])
    html = [STYLE, f"<h2>Deployment to {escape(record.endpoint)}</h2>",
            _table(["table", "raw rows", "fixes applied", "quarantined", "expected items", "items found", "load", "GSIs", "verdict"], rows)]
    if record.ledger:
        totals = record.ledger.totals()
        html.append("<p>" + escape(", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in totals.items())) + "</p>")
    if record.latencies:
        html.append("<h2>Queries: GSI against Scan with a filter (median of runs)</h2>")
        html.append(_table(
            ["query pattern", "matches", "query ms", "scan ms", "items read by query", "items read by scan"],
            [[escape(q.pattern), f"{q.matches:,}", f"{q.query_ms:.1f}", f"{q.scan_ms:.1f}", f"{q.query_read:,}", f"{q.scan_read:,}"]
             for q in record.latencies],
        ))
    return "".join(html)
