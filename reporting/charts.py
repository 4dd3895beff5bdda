"""The report's pictures, drawn as inline SVG so report.html stays one self-contained file.

Every bar carries its figure as text beside it: the picture is read, not measured.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from fixers.ledger import Ledger
from reporting.record import Latency

FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="11"'
ITEMS, MERGED, QUARANTINED = "#2da44e", "#54aeff", "#cf222e"
QUERY, SCAN = "#0969da", "#afb8c1"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dc-chart" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, extra: str = "", colour: str = "#1f2328") -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" {FONT} fill="{colour}" {extra}>{escape(text)}</text>'


def _bar(x: float, y: float, width: float, height: float, colour: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}"/>'


def _legend(x: float, y: float, entries: list[tuple[str, str]]) -> list[str]:
    body = []
    for colour, label in entries:
        body += [_bar(x, y - 9, 10, 10, colour), _text(x + 14, y, label)]
        x += 24 + 6.2 * len(label)
    return body


def rows_chart(ledger: Ledger, stopping: tuple[str, ...] = ()) -> str:
    """Each table's raw rows as one bar split into items, merged and quarantined (shares of the raw rows).

    The tables in `stopping` (blocked, or with a failed check) are named in red.
    """
    label_w, bar_w, row_h, top = 175, 200, 15, 34
    width, height = label_w + bar_w + 310, top + row_h * len(ledger.tables) + 22
    title = "Where each table's raw rows went: items, merged, quarantined"
    body = [_text(0, 12, title, 'font-weight="bold"')]
    body += _legend(0, 27, [(ITEMS, "items"), (MERGED, "merged into another item"), (QUARANTINED, "quarantined")])
    if stopping:
        body.append(
            _text(
                label_w + bar_w + 8, 12, "a name in red: the table stops the deploy", 'font-weight="bold"', QUARANTINED
            )
        )
    for n, name in enumerate(ledger.tables):
        y = top + n * row_h
        if name in stopping:
            body.append(_text(label_w - 6, y + 10, name, 'text-anchor="end" font-weight="bold"', QUARANTINED))
        else:
            body.append(_text(label_w - 6, y + 10, name, 'text-anchor="end"'))
        entry = ledger.tables[name]
        if entry is None or entry.error is not None or not entry.raw_rows:
            body.append(
                _text(
                    label_w,
                    y + 10,
                    "not fixed: see the table below" if entry and entry.error else "no rows",
                    colour=QUARANTINED,
                )
            )
            continue
        x = label_w
        for count, colour in ((entry.items, ITEMS), (entry.merged, MERGED), (entry.quarantined, QUARANTINED)):
            if count:
                # A handful of rows among thousands still gets a visible sliver.
                w = max(bar_w * count / entry.raw_rows, 2.0)
                body.append(_bar(x, y + 2, w, row_h - 4, colour))
                x += w
        extras = [f"{entry.merged:,} merged"] * bool(entry.merged) + [f"{entry.quarantined:,} quarantined"] * bool(
            entry.quarantined
        )
        note = f"{entry.raw_rows:,} rows → {entry.items:,} items" + (f" ({', '.join(extras)})" if extras else "")
        body.append(_text(label_w + bar_w + 8, y + 10, note))
    axis_y = top + row_h * len(ledger.tables) + 14
    body += [_text(label_w, axis_y, "0%"), _text(label_w + bar_w, axis_y, "100% of raw rows", 'text-anchor="end"')]
    return _svg(width, height, title, body)


def _fitted(text: str, width: float) -> str:
    """`text` cut to what `width` pixels hold at 11 px (about 5 px a character in Helvetica), marked as cut."""
    most = int(width / 5.3)
    return text if len(text) <= most else text[: most - 1] + "…"


def queries_chart(latencies: list[Latency]) -> str:
    """Each query pattern's GSI query against the Scan answering the same question: time, and items read."""
    panel_w, bar_w, group_h, top = 310, 150, 42, 44
    width, height = 2 * panel_w, top + group_h * len(latencies)
    title = "Each query pattern: GSI query against a Scan with a filter"
    body = [_text(0, 12, title, 'font-weight="bold"')]
    body += _legend(0, 27, [(QUERY, "GSI query"), (SCAN, "Scan with a filter")])
    body += [_text(0, 41, "time, ms", 'font-style="italic"'), _text(panel_w, 41, "items read", 'font-style="italic"')]
    for n, q in enumerate(latencies):
        y = top + n * group_h
        body.append(f"<g><title>{escape(q.pattern)}</title>{_text(0, y + 13, _fitted(q.pattern, width))}</g>")
        speed = f" · {q.scan_ms / q.query_ms:,.1f}× faster" if q.query_ms > 0 else ""
        fewer = f" · {q.scan_read / q.query_read:,.0f}× fewer" if q.query_read > 0 else ""
        panels = (
            (0, ((q.query_ms, f"{q.query_ms:,.1f} ms{speed}"), (q.scan_ms, f"{q.scan_ms:,.1f} ms"))),
            (panel_w, ((q.query_read, f"{q.query_read:,}{fewer}"), (q.scan_read, f"{q.scan_read:,}"))),
        )
        for x0, pair in panels:
            most = max(value for value, _ in pair) or 1
            for k, ((value, shown), colour) in enumerate(zip(pair, (QUERY, SCAN), strict=True)):
                by = y + 17 + k * 11
                w = max(bar_w * value / most, 1.0)
                body += [_bar(x0, by, w, 9, colour), _text(x0 + w + 4, by + 9, shown)]
    return _svg(width, height, title, body)
