"""Write items with BatchWriteItem: 25 at a time, from several workers, retrying what DynamoDB did not take.

A PutRequest overwrites the item with the same key, so writing the same items
again converges to the same table: a load that was interrupted is simply run
again. For the same reason two items with one key in a load would silently
lose one of them, so that is refused before anything is written.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from botocore.exceptions import ClientError, ConnectionClosedError

from contracts import dynamodb
from loaders.backoff import Backoff
from loaders.client import DEFAULT_WORKERS
from loaders.direct import batch_write_item
from loaders.errors import DuplicateItemKey, ItemConversionError, ItemsNotWritten
from loaders.items import Item, item_bytes
from loaders.tables import TableSetup

# Errors after which the same request may succeed later, besides any 5xx answer
# (on botocore's path, botocore has already retried them a few times).
RETRYABLE_ERRORS = frozenset({
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
})
DEFAULT_BACKOFF = Backoff(base=0.05, cap=5.0, attempts=10)


@dataclass(frozen=True)
class LoadReport:
    """What one table's load did. `retries` counts repeated BatchWriteItem calls, botocore's own included."""

    table: str
    items: int
    batches: int
    retries: int
    unprocessed_retried: int
    throttled: int
    seconds: float
    setup: TableSetup | None = None

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _BatchResult:
    written: int = 0
    retries: int = 0
    unprocessed_retried: int = 0
    throttled: int = 0
    unwritten: list[Item] = field(default_factory=list)
    last_error: str | None = None


def split_batches(items: Sequence[Item], max_items: int = dynamodb.MAX_BATCH_WRITE_ITEMS,
                  max_bytes: int = dynamodb.MAX_BATCH_WRITE_BYTES) -> list[list[Item]]:
    """Consecutive batches of at most `max_items` items and `max_bytes` bytes (as AWS counts them)."""
    if max_items * dynamodb.MAX_ITEM_BYTES <= max_bytes:
        # No item is over 400 KB (the gate and the guard refuse it), so 25 of them fit in 16 MB: the count
        # alone decides, and the loader spends no time sizing items before the first request goes out.
        return [list(items[start:start + max_items]) for start in range(0, len(items), max_items)]
    batches: list[list[Item]] = []
    current: list[Item] = []
    size = 0
    for item in items:
        item_size = item_bytes(item)
        if current and (len(current) == max_items or size + item_size > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        batches.append(current)
    return batches


def check_unique_keys(table: str, items: Sequence[Item], key: tuple[str, ...]) -> None:
    """Raise `DuplicateItemKey` naming every key that occurs twice; the loader never drops an item."""
    seen, repeated = set(), {}
    for item in items:
        missing = [name for name in key if name not in item]
        if missing:
            raise ItemConversionError(table, missing[0], None, "an item has no value for its key attribute",
                                      "run the pre-upload checks, which refuse rows without a key")
        value = tuple((name, *item[name].items()) for name in key)
        if value in seen:
            repeated[value] = {name: item[name] for name in key}
        seen.add(value)
    if repeated:
        raise DuplicateItemKey(table, list(repeated.values()))


def _write_batch(send: Callable[[dict], dict], table: str, batch: list[Item], backoff: Backoff) -> _BatchResult:
    result = _BatchResult()
    pending = [{"PutRequest": {"Item": item}} for item in batch]
    unprocessed_last = False
    for attempt in range(backoff.attempts):
        if attempt:
            backoff.sleep(attempt - 1)
            result.retries += 1
            if unprocessed_last:
                result.unprocessed_retried += len(pending)
        try:
            response = send({table: pending})
        except ConnectionClosedError:
            # A put of the same item again is harmless, so a request cut off midway is simply sent again.
            result.last_error, unprocessed_last = "connection closed", False
            continue
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in RETRYABLE_ERRORS and error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) < 500:
                raise
            result.retries += error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            result.throttled += 1
            result.last_error, unprocessed_last = code, False
            continue
        result.retries += response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        unprocessed = response.get("UnprocessedItems", {}).get(table, [])
        result.written += len(pending) - len(unprocessed)
        pending, unprocessed_last = unprocessed, True
        if not pending:
            return result
        result.last_error = "UnprocessedItems"
    result.unwritten = [request["PutRequest"]["Item"] for request in pending]
    return result


def write_items(client, table: str, items: Sequence[Item], key: tuple[str, ...], *,
                workers: int = DEFAULT_WORKERS, backoff: Backoff = DEFAULT_BACKOFF,
                progress: Callable[[int], None] | None = None) -> LoadReport:
    """Put every item into `table` with BatchWriteItem from `workers` threads; returns the report.

    Unprocessed items and throttling errors are retried with exponential
    backoff and full jitter, at most `backoff.attempts` calls per batch.
    `progress(done)` is called with the number of items written so far.
    Raises `ItemsNotWritten` naming each item's key if some were still not
    written at the end; any other error stops the load (what was written stays).
    """
    check_unique_keys(table, items, key)
    started = time.monotonic()
    batches = split_batches(items)
    total = _BatchResult()
    executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=f"load-{table}")
    try:
        send = batch_write_item(client)
        futures = [executor.submit(_write_batch, send, table, batch, backoff) for batch in batches]
        for future in as_completed(futures):
            result = future.result()
            total.written += result.written
            total.retries += result.retries
            total.unprocessed_retried += result.unprocessed_retried
            total.throttled += result.throttled
            if result.unwritten:
                total.unwritten += result.unwritten
                total.last_error = result.last_error
            if progress is not None:
                progress(total.written)
    except BaseException:
        # A failed batch (or Ctrl-C) stops the load: batches not started are dropped, running ones finish.
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    if total.unwritten:
        keys = [{name: item[name] for name in key} for item in total.unwritten]
        raise ItemsNotWritten(table, keys, backoff.attempts, total.last_error)
    return LoadReport(table, total.written, len(batches), total.retries, total.unprocessed_retried,
                      total.throttled, time.monotonic() - started)
