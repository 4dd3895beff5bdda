"""BatchWriteItem from several workers: every item lands exactly once, whatever the server answers."""

import pytest
from botocore.exceptions import ConnectionClosedError

from contracts.dynamodb import MAX_BATCH_WRITE_ITEMS
from loaders.deploy.batch import LoadReport, split_batches, write_items
from loaders.dynamodb.backoff import Backoff
from loaders.dynamodb.client import endpoint_client
from loaders.dynamodb.items import item_key, item_to_row, row_to_item
from loaders.errors import DuplicateItemKey, ItemsNotWritten, key_label
from tests.loaders.conftest import create_table


@pytest.fixture
def items(make_rows, readings_table) -> list[dict]:
    return [row_to_item(row, readings_table) for row in make_rows(500)]


def _by_key(items, table) -> dict:
    return {key_label(item_key(i, table)): item_to_row(i) for i in items}


class KilledPartway(Exception):
    """Plays the load process dying after some batches."""


def test_batches_hold_at_most_25_items_and_16_mb():
    items = [{"id": {"S": f"{i:03d}"}} for i in range(60)]
    assert [len(b) for b in split_batches(items)] == [25, 25, 10]
    assert [len(b) for b in split_batches(items, max_bytes=20)] == [4] * 15  # 5 bytes each


def test_the_rate_counts_puts_and_deletes_over_the_seconds_taken():
    assert (
        LoadReport(
            "t", items=300, batches=16, retries=0, unprocessed_retried=0, seconds=2.0, deleted=100
        ).items_per_second
        == 200
    )
    assert LoadReport("t", items=3, batches=1, retries=0, unprocessed_retried=0, seconds=0.0).items_per_second == 0.0


def test_every_item_lands_once(client, readings, items, readings_table, scan, fast_backoff):
    seen = []
    report = write_items(
        client, readings, items, readings_table.key, workers=8, backoff=fast_backoff, progress=seen.append
    )
    assert (report.items, report.batches, report.retries) == (500, 20, 0)
    assert _by_key(scan(readings), readings_table) == _by_key(items, readings_table)
    assert seen == sorted(seen) and seen[-1] == 500


def test_unprocessed_items_and_throttling_are_retried_until_all_land(
    client, admin, readings, items, readings_table, scan, fast_backoff, faults
):
    handed_back = []

    def answer(call, request_items):
        ((table, requests),) = request_items.items()
        if call in (5, 10, 15):
            return faults.THROTTLED
        if call % 3 == 0 and len(requests) > 1:
            # As DynamoDB does under load: take part of the batch, hand the rest back.
            half = len(requests) // 2
            admin.batch_write_item(RequestItems={table: requests[:half]})
            handed_back.append(len(requests) - half)
            return 200, {"UnprocessedItems": {table: requests[half:]}}
        return None

    faults(client, answer)
    report = write_items(client, readings, items, readings_table.key, workers=8, backoff=fast_backoff)

    assert report.items == 500
    assert report.retries == 3, "botocore retried each throttled call once"
    assert report.unprocessed_retried == sum(handed_back) > 0, "the loader sent each unprocessed item again, once"
    stored = scan(readings)
    assert len(stored) == 500
    assert _by_key(stored, readings_table) == _by_key(items, readings_table)


def test_a_connection_cut_midway_and_a_server_error_are_retried(
    client, readings, items, readings_table, scan, fast_backoff, faults
):
    failed = []

    def answer(call, request_items):
        if call % 4 == 1:
            failed.append(call)
            raise ConnectionClosedError(endpoint_url="http://127.0.0.1")
        if call % 4 == 2:
            failed.append(call)
            return 500, {}
        return None

    faults(client, answer)
    report = write_items(client, readings, items, readings_table.key, workers=4, backoff=fast_backoff)
    assert report.items == 500 and report.retries == len(failed) >= 20, "botocore retried each failed call once"
    assert _by_key(scan(readings), readings_table) == _by_key(items, readings_table)


def test_items_still_unprocessed_after_the_last_attempt_are_named(
    client, readings, items, readings_table, fast_backoff, faults
):
    def partial(call, request_items):
        ((table, requests),) = request_items.items()
        stuck = [r for r in requests if r["PutRequest"]["Item"]["reading_id"]["S"] in ("R0007", "R0421")]
        if not stuck:
            return None
        return 200, {"UnprocessedItems": {table: stuck}}

    faults(client, partial)
    with pytest.raises(ItemsNotWritten, match="2 items were not written after 10 attempts") as caught:
        write_items(client, readings, items, readings_table.key, backoff=fast_backoff)
    assert sorted(key_label(k) for k in caught.value.keys) == ["reading_id=R0007", "reading_id=R0421"]
    assert "reading_id=R0007" in str(caught.value)


def test_a_throttled_table_that_never_recovers_fails_with_every_key(
    moto_endpoint, readings, items, readings_table, faults
):
    # Two tries per request: botocore backs throttling off by up to a second, then doubles it.
    impatient = endpoint_client(moto_endpoint, max_attempts=2)
    faults(impatient, lambda call, request_items: faults.THROTTLED)
    few = items[:30]
    with pytest.raises(
        ItemsNotWritten, match="ProvisionedThroughputExceededException after botocore's retries"
    ) as caught:
        write_items(impatient, readings, few, readings_table.key, backoff=Backoff(base=0.001, cap=0.001, attempts=3))
    assert len(caught.value.keys) == 30


def test_two_items_with_one_key_are_refused_before_anything_is_written(client, readings, items, readings_table, scan):
    twice = items[:10] + [dict(items[3], sensor={"S": "other"})]
    with pytest.raises(DuplicateItemKey, match="reading_id=R0003"):
        write_items(client, readings, twice, readings_table.key)
    assert scan(readings) == []


def test_a_load_killed_partway_and_run_again_ends_with_identical_tables(
    client, moto_endpoint, prefix, readings, items, readings_table, scan, fast_backoff, fast_wait, faults
):
    reference = f"{prefix}reference"
    create_table(client, readings_table, reference, fast_wait)
    write_items(client, reference, items, readings_table.key, backoff=fast_backoff)

    dying = endpoint_client(moto_endpoint, max_attempts=1)

    def die_after_six(call, request_items):
        if call > 6:
            raise KilledPartway(f"killed at batch {call}")
        return None

    faults(dying, die_after_six)
    with pytest.raises(KilledPartway):
        write_items(dying, readings, items, readings_table.key, workers=4, backoff=fast_backoff)
    assert len(scan(readings)) == 6 * MAX_BATCH_WRITE_ITEMS, "the six calls before the kill wrote their batches"

    report = write_items(client, readings, items, readings_table.key, backoff=fast_backoff)
    assert report.items == 500
    assert _by_key(scan(readings), readings_table) == _by_key(scan(reference), readings_table)
    assert len(scan(readings)) == 500
