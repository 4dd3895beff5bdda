"""The top of report.html: the verdict, the figures and the pictures on the first screen, then the details.

The details follow in the order a release manager asks: each table, what changed
in DynamoDB, which rows were quarantined and why, which files are not tables,
and how the queries compare with scans.
"""
from __future__ import annotations

from html import escape

from loaders.endpoint import shown
from reporting.charts import queries_chart, rows_chart
from reporting.record import CHANGE_KINDS, RunRecord
from reporting.verdict import Figures, Verdict, figures, in_short, named, verdict

# pytest-html puts the environment (Python, packages, plugins) above the summary; these
# rules move the summary up under the title, so the verdict is the first thing seen.
STYLE = (
    "<style>body{display:flex;flex-direction:column}body>#title{order:-2}body>.summary{order:-1}"
    ".dc{color:#1f2328;font-size:13px}.dc h2{margin:18px 0 6px}"
    ".dc-verdict{display:flex;align-items:baseline;gap:16px;padding:10px 16px;border-radius:6px;color:#fff}"
    ".dc-verdict b{font-size:28px;letter-spacing:1px;white-space:nowrap}.dc-verdict span{font-size:15px}.dc-go{background:#1a7f37}.dc-stop{background:#cf222e}"
    ".dc-reasons{margin:8px 0;padding-left:20px;font-size:14px}.dc-reasons li{margin:2px 0}"
    ".dc-figures{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}"
    ".dc-figure{border:1px solid #d0d7de;border-radius:6px;padding:6px 12px;min-width:120px;max-width:250px}"
    ".dc-figure span{display:block;color:#57606a;font-size:11px}.dc-figure b{font-size:18px}"
    ".dc-figure small{display:block;color:#57606a}"
    ".dc-about{color:#57606a;margin:4px 0 10px}.dc-pictures{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}"
    ".dc-summary{border-collapse:collapse;margin:8px 0 16px}"
    ".dc-summary td,.dc-summary th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
    ".dc-pass{color:#1a7f37;font-weight:bold}.dc-fail{color:#cf222e;font-weight:bold}</style>"
)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="dc-summary"><tr>{head}</tr>{body}</table>'


def _number(value) -> str:
    return "–" if value is None else f"{value:,}"


def _verdict(record: RunRecord, decision: Verdict) -> str:
    target = f"<span>to {escape(record.target)}</span>" if record.target else ""
    banner = (f'<div class="dc-verdict {"dc-go" if decision.deploy else "dc-stop"}" id="dc-verdict">'
              f"<b>{decision.word}</b>{target}<span>{escape(in_short(record, decision))}</span></div>")
    if decision.deploy:
        return banner
    items = "".join(f"<li>{f'<b>{escape(named(r.tables, 6))}</b>: ' if r.tables else ''}{escape(r.text)}</li>" for r in decision.reasons)
    return banner + f'<ul class="dc-reasons" id="dc-reasons">{items}</ul>'


def _figure(label: str, value: str, detail: str = "") -> str:
    small = f"<small>{escape(detail)}</small>" if detail else ""
    return f'<div class="dc-figure"><span>{escape(label)}</span><b>{escape(value)}</b>{small}</div>'


def _figures(record: RunRecord, f: Figures) -> str:
    tiles = [_figure("tables", f"{f.tables}", f"{f.loaded} loaded · {f.blocked} blocked" if f.loaded or f.blocked else "none loaded")]
    if f.items is not None:
        tiles.append(_figure("items", _number(f.items), f"{f.found:,} found live" if f.found is not None else f"from {f.raw_rows:,} raw rows"))
    if f.changes:
        counts = " · ".join(f"{f.changes.get(kind, 0):,} {kind}" for kind in CHANGE_KINDS)
        tiles.append(_figure("changes applied" if f.changes_applied else "changes planned, not applied",
                             f"{sum(f.changes.get(k, 0) for k in CHANGE_KINDS if k != 'unchanged'):,}", counts))
    else:
        tiles.append(_figure("changes", "not run"))
    if f.quarantined is not None:
        reasons = sum(len(r) for r in record.quarantine.values())
        tiles.append(_figure("quarantined rows", _number(f.quarantined),
                             f"{reasons} reasons · {f.merged:,} merged" if reasons else f"{f.merged:,} merged"))
    if f.write_units is not None:
        tiles.append(_figure("capacity", f"{f.write_units:,.0f} WCU", f"{f.read_units:,.0f} RCU"))
    if f.checks:
        failed = f.checks.get("failed", 0)
        tiles.append(_figure("checks", f"{f.checks.get('passed', 0):,} passed",
                             " · ".join(f"{n:,} {k}" for k, n in f.checks.items() if k != "passed") or f"{failed} failed"))
    stages = record.stage_times()
    if stages:
        tiles.append(_figure("time", f"{f.seconds:,.1f} s", " · ".join(f"{name} {s:.1f}" for name, s in stages)))
    return '<div class="dc-figures" id="dc-figures">' + "".join(tiles) + "</div>"


def _about(record: RunRecord) -> str:
    parts = [f"endpoint: {escape(shown(record.endpoint))}"] if record.endpoint else []
    parts.append(f"run {escape(record.run_id)}" + (f", started {escape(record.started)}" if record.started else ""))
    if record.gx_docs:
        parts.append(f'<a href="{escape(record.gx_docs)}">Great Expectations Data Docs</a>')
    return '<p class="dc-about">' + " · ".join(parts) + "</p>"


def _pictures(record: RunRecord, decision: Verdict) -> str:
    pictures = [rows_chart(record.ledger, decision.blocked + decision.failing)] if record.ledger else []
    pictures += [queries_chart(record.latencies)] if record.latencies else []
    return f'<div class="dc-pictures" id="dc-pictures">{"".join(pictures)}</div>' if pictures else ""


def _table_verdict(record: RunRecord, name: str) -> str:
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
    if sync.imported is not None:
        counts = sync.imported
        took = f" in {counts.seconds:,.1f} s" if counts.seconds is not None else ""
        lines.append(f"ImportTable {counts.status}{took}: {counts.staged:,} staged, {counts.processed:,} processed, "
                     f"{counts.imported:,} imported, {counts.errors:,} errors")
    return "<br>".join(escape(line) for line in lines + sync.actions())


def _per_table(record: RunRecord) -> str:
    rows = []
    for table in record.registry.tables:
        entry = record.ledger.tables.get(table.name) if record.ledger else None
        fixes = "<br>".join(escape(f"{c.fixer} {c.column or ''} ×{c.rows}") for c in entry.changes) if entry else ""
        indexes = record.indexes.get(table.name, {})
        gsis = "<br>".join(escape(f"{index.name}: {indexes.get(index.name, '–')}") for index in table.indexes) or "–"
        rows.append([
            escape(table.name),
            _number(entry.raw_rows if entry else None),
            fixes or "–",
            _number(entry.merged if entry else None),
            _number(entry.quarantined if entry else None),
            _number(entry.items if entry else None),
            _number(record.found.get(table.name)),
            _load(record.synced.get(table.name)),
            gsis,
            _table_verdict(record, table.name),
        ])
    headers = ["table", "raw rows", "fixes applied", "merged", "quarantined", "expected items", "items found", "load", "GSIs", "verdict"]
    return "<h2>Tables</h2>" + _table(headers, rows)


def _changes(record: RunRecord) -> str:
    names = [t.name for t in record.registry.tables if t.name in record.changes or t.name in record.actions or t.name in record.capacity]
    if not names:
        return "<h2>Changes in DynamoDB</h2><p>not run</p>"
    rows = []
    for name in names:
        counts, capacity = record.changes.get(name, {}), record.capacity.get(name, {})
        rows.append([escape(name), *(_number(counts.get(kind)) for kind in CHANGE_KINDS),
                     "<br>".join(escape(a) for a in record.actions.get(name, [])) or "–",
                     _number(capacity.get("write_units")), _number(capacity.get("read_units"))])
    state = "applied" if record.changes_applied else "planned, not applied"
    headers = ["table", *(f"items {kind}d" if kind != "unchanged" else "items unchanged" for kind in CHANGE_KINDS),
               "table actions", "write units", "read units"]
    return f"<h2>Changes in DynamoDB ({state})</h2>" + _table(headers, rows)


def _quarantine(record: RunRecord) -> str:
    if not record.quarantine:
        return "<h2>Quarantined rows</h2><p>" + ("none" if record.ledger else "not run") + "</p>"
    rows = []
    for table in record.registry.tables:
        for r in record.quarantine.get(table.name, []):
            shown = ", ".join(str(line) for line in r.lines[:10]) + (f" (+{len(r.lines) - 10} more)" if len(r.lines) > 10 else "")
            rows.append([escape(table.name), escape(table.file), escape(r.reason), f"{r.rows:,}", shown])
    note = "<p>The rows are in <code>quarantine/&lt;file&gt;</code> of the out dir, with their line in the export.</p>"
    return "<h2>Quarantined rows, by reason</h2>" + note + _table(["table", "file", "reason", "rows", "lines"], rows)


def _kept_orphans(record: RunRecord) -> str:
    rows = [[escape(name), escape(column), f"{count:,}"] for name, columns in record.kept_orphans.items()
            for column, count in columns.items()]
    if not rows:
        return ""
    note = "<p>Rows whose foreign key names no parent row, loaded because the contract says <code>on_orphan=\"keep\"</code>.</p>"
    return "<h2>Orphans kept</h2>" + note + _table(["table", "foreign key", "rows"], rows)


def _not_tables(record: RunRecord) -> str:
    rows = [[escape(n.file), escape(n.reason)] for n in record.registry.not_tables]
    if not rows:
        return ""
    return "<h2>Files that are not tables (not loaded)</h2>" + _table(["file", "why it is not loaded"], rows)


def _queries(record: RunRecord) -> str:
    if not record.latencies:
        return "<h2>Queries: GSI against Scan with a filter</h2><p>not run</p>"
    return "<h2>Queries: GSI against Scan with a filter (a query's median of runs, one Scan)</h2>" + _table(
        ["query pattern", "matches", "query ms", "scan ms", "items read by query", "items read by scan"],
        [[escape(q.pattern), f"{q.matches:,}", f"{q.query_ms:.1f}", f"{q.scan_ms:.1f}", f"{q.query_read:,}", f"{q.scan_read:,}"]
         for q in record.latencies],
    )


def render(record: RunRecord) -> str:
    """The HTML placed at the top of pytest-html's summary."""
    decision = verdict(record)
    top = _verdict(record, decision) + _figures(record, figures(record)) + _about(record) + _pictures(record, decision)
    details = _per_table(record) + _changes(record) + _quarantine(record) + _kept_orphans(record) + _not_tables(record) + _queries(record)
    return f'{STYLE}<div class="dc">{top}{details}</div>'
