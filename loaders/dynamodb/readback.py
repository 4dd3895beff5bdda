"""Reading a deployment back: exact counts, full scans and GSI queries, every name through placeholders.

Counts come from a paginated `Scan` with `Select=COUNT`, never `ItemCount`,
which AWS refreshes only about every six hours. Every attribute name in an
expression goes through `ExpressionAttributeNames` (`position` and `status`
are reserved words: moto accepts them bare, AWS does not).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from queue import Full, Queue
from typing import Any

from loaders.dynamodb.export import NO_EXPORTS, ExportPolicy, export_pages, export_problem
from loaders.dynamodb.items import Item


def count_items(client, table: str, index: str | None = None) -> int:
    """The exact number of items in a table or index."""
    request = {"TableName": table, "Select": "COUNT", **({"IndexName": index} if index else {})}
    return sum(page["Count"] for page in client.get_paginator("scan").paginate(**request))


def scan_pages(
    client, table: str, segments: int = 1, on_page: Callable[[int], None] | None = None
) -> Iterator[list[Item]]:
    """Every item of a table, in client format, read with strong consistency, a page at a time.

    Consistent reads, because a plan or a check must see every write that
    was acknowledged before it. With `segments` > 1, a parallel Scan: each
    segment is paged by its own thread (the Scan API's Segment/TotalSegments)
    into a short queue, so memory holds a few pages whatever the table's size.
    `on_page(n)` is called with the item count of each page as it is taken.
    """

    def pages_of(number: int):
        return client.get_paginator("scan").paginate(
            TableName=table,
            ConsistentRead=True,
            **({"Segment": number, "TotalSegments": segments} if segments > 1 else {}),
        )

    if segments <= 1:
        for page in pages_of(0):
            if on_page is not None:
                on_page(len(page["Items"]))
            yield page["Items"]
        return
    queue: Queue = Queue(maxsize=QUEUED_PAGES_PER_SEGMENT * segments)
    closed = threading.Event()

    def put(entry) -> bool:
        # A reader that stopped early (an error, Ctrl-C) takes nothing more: the segments then end.
        while not closed.is_set():
            try:
                queue.put(entry, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def segment(number: int) -> None:
        try:
            for page in pages_of(number):
                if not put(page["Items"]):
                    return
            put(_SEGMENT_DONE)
        except BaseException as error:  # handed to the reader, which raises it
            put(error)

    with ThreadPoolExecutor(max_workers=segments, thread_name_prefix=f"scan-{table}") as pool:
        try:
            for number in range(segments):
                pool.submit(segment, number)
            running = segments
            while running:
                entry = queue.get()
                if entry is _SEGMENT_DONE:
                    running -= 1
                elif isinstance(entry, BaseException):
                    raise entry
                else:
                    if on_page is not None:
                        on_page(len(entry))
                    yield entry
        finally:
            closed.set()


# Pages each segment may have read ahead of the reader: a page is up to 1 MB, about 16 MB as Python objects, and
# the reader, which digests every item, is the slower side.
QUEUED_PAGES_PER_SEGMENT = 1
_SEGMENT_DONE = object()


def table_pages(
    client,
    name: str,
    description: dict,
    exports: ExportPolicy = NO_EXPORTS,
    s3=None,
    on_page: Callable[[int], None] | None = None,
    expected: int = 0,
) -> tuple[Iterator[list[Item]], str | None]:
    """A whole table page by page, and how it is read when that is worth saying.

    By export when `exports` chooses it for the table's size and its
    point-in-time recovery is on; else by a parallel Scan, with the reason
    when an export was chosen and cannot be made. The size is a hint: the
    larger of ItemCount (AWS refreshes it about every six hours, dynalite
    keeps none) and the items the export holds (`expected`).
    """
    hint = max(int(description.get("ItemCount", 0)), expected)
    if not exports.chooses(hint) or s3 is None:
        return scan_pages(client, name, segments_for(hint), on_page), None
    problem = export_problem(client, name)
    if problem is not None:
        return scan_pages(client, name, segments_for(hint), on_page), f"read by Scan: {problem}"
    return export_pages(client, s3, name, exports.bucket, exports.prefix, on_page), READ_BY_EXPORT


# What the plan says of a table read by export: it is a job of its own, minutes long however small the table.
READ_BY_EXPORT = "read by export (ExportTableToPointInTime: no read capacity, takes minutes)"


# Items per Scan segment before a parallel scan pays off; AWS suggests a segment per 2 GB, but a plan
# also waits on round trips, which parallel segments overlap.
ITEMS_PER_SEGMENT = 5000
MAX_SEGMENTS = 8


def segments_for(item_count_hint: int) -> int:
    """Scan segments for a table of about `item_count_hint` items (DescribeTable's ItemCount: a hint, never a count)."""
    return max(1, min(MAX_SEGMENTS, item_count_hint // ITEMS_PER_SEGMENT))


@dataclass(frozen=True)
class Answer:
    """What a query or scan returned, what it read to get there, and how long it took."""

    items: list[Item]
    count: int
    scanned: int
    seconds: float


def _equalities(conditions: Mapping[str, dict[str, Any]]) -> tuple[str, dict, dict]:
    names = {f"#k{n}": name for n, name in enumerate(conditions)}
    values = {f":v{n}": value for n, value in enumerate(conditions.values())}
    expression = " AND ".join(f"#k{n} = :v{n}" for n in range(len(conditions)))
    return expression, names, values


def _collect(pages) -> tuple[list[Item], int, int]:
    items, count, scanned = [], 0, 0
    for page in pages:
        items += page["Items"]
        count += page["Count"]
        scanned += page["ScannedCount"]
    return items, count, scanned


def query_index(client, table: str, index: str, conditions: Mapping[str, dict[str, Any]]) -> Answer:
    """Query a GSI with equality on its key attributes, in range-key order."""
    expression, names, values = _equalities(conditions)
    start = time.perf_counter()
    pages = client.get_paginator("query").paginate(
        TableName=table,
        IndexName=index,
        KeyConditionExpression=expression,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
        ScanIndexForward=True,
    )
    items, count, scanned = _collect(pages)
    return Answer(items, count, scanned, time.perf_counter() - start)


def scan_filtered(client, table: str, conditions: Mapping[str, dict[str, Any]]) -> Answer:
    """The same question answered without an index: a Scan of the whole table with a filter."""
    expression, names, values = _equalities(conditions)
    start = time.perf_counter()
    pages = client.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression=expression,
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )
    items, count, scanned = _collect(pages)
    return Answer(items, count, scanned, time.perf_counter() - start)
