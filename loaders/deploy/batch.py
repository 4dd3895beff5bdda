"""Write and delete items with BatchWriteItem: 25 requests at a time, from several workers.

botocore's standard retry mode (loaders.dynamodb.client) already retries throttling,
server errors and dropped connections, with backoff and a retry quota. What it
cannot retry is an answer that succeeds but hands requests back as
`UnprocessedItems`; that is the one loop here, with exponential backoff and
full jitter, bounded. A put or a delete of the same key again converges to the
same table, so a load that was interrupted is simply run again. Two requests
with one key in a load would silently lose one of them, so that is refused
before anything is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import islice

from botocore.exceptions import ClientError

from contracts import dynamodb
from loaders.dynamodb.backoff import Backoff
from loaders.dynamodb.client import DEFAULT_WORKERS
from loaders.dynamodb.items import Item
from loaders.errors import DuplicateItemKey, ItemConversionError, ItemsNotWritten

# What botocore's standard mode retries and may still answer after its last attempt: the batch's items
# are then named as not written, and the other batches go on. Any other error stops the load.
GAVE_UP_ERRORS = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
DEFAULT_BACKOFF = Backoff(base=0.05, cap=5.0, attempts=10)
# Batches made ahead of the workers, per worker: enough that none waits for the next, few enough to hold.
BATCHES_AHEAD = 2

Request = dict  # {"PutRequest": {"Item": ...}} or {"DeleteRequest": {"Key": ...}}


@dataclass(frozen=True)
class LoadReport:
    """What one table's writes did.

    `retries` are botocore's (throttling, server errors, dropped connections);
    `unprocessed_retried` counts requests the loader sent again because
    DynamoDB handed them back unprocessed.
    """

    table: str
    items: int
    batches: int
    retries: int
    unprocessed_retried: int
    seconds: float
    deleted: int = 0

    @property
    def items_per_second(self) -> float:
        return (self.items + self.deleted) / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _BatchResult:
    put: int = 0
    deleted: int = 0
    retries: int = 0
    unprocessed_retried: int = 0
    unwritten: list[Request] = field(default_factory=list)
    last_error: str | None = None


def split_batches(
    items: Iterable,
    max_items: int = dynamodb.MAX_BATCH_WRITE_ITEMS,
    max_bytes: int = dynamodb.MAX_BATCH_WRITE_BYTES,
    size: Callable[[object], int] = dynamodb.item_size,
) -> Iterator[list]:
    """Consecutive batches of at most `max_items` entries and `max_bytes` bytes (as AWS counts them), made as
    they are taken."""
    if max_items * dynamodb.MAX_ITEM_BYTES <= max_bytes:
        # No item is over 400 KB (the gate and the guard refuse it), so 25 of them fit in 16 MB: the count
        # alone decides, and the loader spends no time sizing items before the first request goes out.
        entries = iter(items)
        while batch := list(islice(entries, max_items)):
            yield batch
        return
    current: list = []
    total = 0
    for entry in items:
        entry_size = size(entry)
        if current and (len(current) == max_items or total + entry_size > max_bytes):
            yield current
            current, total = [], 0
        current.append(entry)
        total += entry_size
    if current:
        yield current


def _request_key(request: Request, key: tuple[str, ...]) -> dict:
    attributes = request["PutRequest"]["Item"] if "PutRequest" in request else request["DeleteRequest"]["Key"]
    return {name: attributes[name] for name in key if name in attributes}


def check_unique_keys(table: str, requests: Sequence[Request], key: tuple[str, ...]) -> None:
    """Raise `DuplicateItemKey` naming every key that occurs twice; the loader never drops an item."""
    seen, repeated = set(), {}
    for request in requests:
        found = _request_key(request, key)
        if len(found) < len(key):
            missing = next(name for name in key if name not in found)
            raise ItemConversionError(
                table,
                missing,
                None,
                "an item has no value for its key attribute",
                "run the pre-upload checks, which refuse rows without a key",
            )
        value = tuple((name, *found[name].items()) for name in key)
        if value in seen:
            repeated[value] = found
        seen.add(value)
    if repeated:
        raise DuplicateItemKey(table, list(repeated.values()))


def _count(requests: Sequence[Request]) -> tuple[int, int]:
    puts = sum(1 for r in requests if "PutRequest" in r)
    return puts, len(requests) - puts


def _write_batch(
    client, table: str, batch: list[Request], backoff: Backoff, limit: AbstractContextManager
) -> _BatchResult:
    result = _BatchResult()
    pending = batch
    for attempt in range(backoff.attempts):
        if attempt:
            backoff.sleep(attempt - 1)
            result.unprocessed_retried += len(pending)
        try:
            with limit:
                response = client.batch_write_item(RequestItems={table: pending})
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in GAVE_UP_ERRORS:
                raise
            result.retries += error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            result.unwritten, result.last_error = pending, f"{code} after botocore's retries"
            return result
        result.retries += response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        unprocessed = response.get("UnprocessedItems", {}).get(table, [])
        done_puts, done_deletes = _count(pending)
        left_puts, left_deletes = _count(unprocessed)
        result.put += done_puts - left_puts
        result.deleted += done_deletes - left_deletes
        pending = unprocessed
        if not pending:
            return result
        result.last_error = "UnprocessedItems"
    result.unwritten = pending
    return result


def write_requests(
    client,
    table: str,
    requests: Iterable[Request],
    key: tuple[str, ...],
    *,
    workers: int = DEFAULT_WORKERS,
    backoff: Backoff = DEFAULT_BACKOFF,
    progress: Callable[[int], None] | None = None,
    limit: AbstractContextManager | None = None,
) -> LoadReport:
    """Send every put and delete request to `table` with BatchWriteItem from `workers` threads.

    `requests` are taken as batches are sent, a few batches ahead of the
    workers, so a table's requests are never all held; their keys must be
    distinct (a plan's are; `write_items` checks a list's). `limit` (a
    semaphore) bounds the requests in flight when several tables are written
    at once. `progress(done)` is called with the number of requests done so far.
    Raises `ItemsNotWritten` naming each key still not written at the end
    (unprocessed after `backoff.attempts` calls, or refused by the service
    after botocore's own retries); any other error stops the load, and what
    was written stays.
    """
    started = time.monotonic()
    total, batches, running = _BatchResult(), 0, set()
    executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=f"load-{table}")

    def take(finished) -> None:
        for future in finished:
            result = future.result()
            total.put += result.put
            total.deleted += result.deleted
            total.retries += result.retries
            total.unprocessed_retried += result.unprocessed_retried
            if result.unwritten:
                total.unwritten += result.unwritten
                total.last_error = result.last_error
            if progress is not None:
                progress(total.put + total.deleted)

    try:
        for batch in split_batches(
            requests, size=lambda r: dynamodb.item_size(r.get("PutRequest", {}).get("Item", {}))
        ):
            batches += 1
            running.add(executor.submit(_write_batch, client, table, batch, backoff, limit or nullcontext()))
            if len(running) >= BATCHES_AHEAD * max(1, workers):
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                take(finished)
        take(as_completed(running))
    except BaseException:
        # A failed batch (or Ctrl-C) stops the load: batches not started are dropped, running ones finish.
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    if total.unwritten:
        keys = [_request_key(request, key) for request in total.unwritten]
        raise ItemsNotWritten(table, keys, backoff.attempts, total.last_error)
    return LoadReport(
        table,
        total.put,
        batches,
        total.retries,
        total.unprocessed_retried,
        time.monotonic() - started,
        deleted=total.deleted,
    )


def write_items(client, table: str, items: Sequence[Item], key: tuple[str, ...], **options) -> LoadReport:
    """Put every item into `table`, refusing repeated keys first; see `write_requests`."""
    requests = [{"PutRequest": {"Item": item}} for item in items]
    check_unique_keys(table, requests, key)
    return write_requests(client, table, requests, key, **options)
