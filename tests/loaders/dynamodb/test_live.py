"""One read of a live table kept small: digests equal exactly when DynamoDB holds items equal, whole items only where
they differ, pages read in parallel segments through a short queue."""

from __future__ import annotations

import dataclasses
import threading

import pandas as pd
import pytest

from loaders.deploy.batch import write_items
from loaders.dynamodb import items as items_module
from loaders.dynamodb import stop
from loaders.dynamodb.digests import item_digest, key_digest
from loaders.dynamodb.items import FrameItems, frame_to_items, row_to_item
from loaders.dynamodb.live import expected_digests, read_live
from loaders.dynamodb.readback import scan_pages
from loaders.errors import DuplicateItemKey


def test_digests_are_equal_exactly_when_dynamodb_holds_the_items_equal():
    item = {"id": {"S": "R0001"}, "n": {"N": "1042"}, "tags": {"SS": ["b", "a"]}, "sizes": {"NS": ["1", "2.50"]}}
    same = {"sizes": {"NS": ["2.5", "1.0"]}, "tags": {"SS": ["a", "b"]}, "n": {"N": "1.042E+3"}, "id": {"S": "R0001"}}
    assert item_digest(item) == item_digest(same)
    assert item_digest(item) != item_digest(dict(item, n={"S": "1042"})), "a number stored as a string differs"
    assert item_digest(item) != item_digest(dict(item, n={"N": "1043"}))
    assert item_digest(item) != item_digest({k: v for k, v in item.items() if k != "tags"}), (
        "a missing attribute differs"
    )
    assert key_digest(item, ("id",)) == key_digest(same, ("id",)) != key_digest({"id": {"S": "R0002"}}, ("id",))
    assert item_digest({"n": {"N": "-0.0"}}) == item_digest({"n": {"N": "0"}}), "-0 and 0 are one number"


def test_a_frame_s_items_are_made_a_chunk_at_a_time_and_are_the_same_items(readings_table, make_rows, monkeypatch):
    frame = pd.DataFrame(make_rows(23))
    monkeypatch.setattr(items_module, "CHUNK_ROWS", 5)
    walked = FrameItems(frame, readings_table)
    assert len(walked) == 23
    assert list(walked) == list(walked) == frame_to_items(frame, readings_table)


def test_a_read_keeps_digests_gsi_membership_and_looked_up_columns_and_whole_items_only_where_they_differ(
    readings_table, make_rows
):
    rows = make_rows(6)
    expected = [row_to_item(row, readings_table) for row in rows]
    live = [
        dict(expected[0], sensor={"S": "changed"}),
        *expected[1:5],
        {"reading_id": {"S": "R9999"}, "sensor": {"S": "x"}},
    ]
    read = read_live(
        [live[:3], live[3:]],
        readings_table,
        "readings",
        None,
        expected_digests(expected, readings_table, "readings"),
        watched=("reading_id", "count"),
    )
    assert read.count == 6 and len(read.digests) == 6
    assert list(read.differing.values()) == [live[0]] and (read.unexpected, read.stale) == (1, [live[5]])
    assert read.carrying == {
        index.name: sum(all(k in item for k in index.key) for item in live) for index in readings_table.indexes
    }
    assert read.columns["reading_id"] == [item["reading_id"]["S"] for item in live]
    assert read.columns["count"][5] is None, "an absent attribute is None in its column"


def test_walking_a_frame_s_items_stops_when_asked(readings_table, make_rows, monkeypatch):
    """Making items sends no request, so no client refuses one: the walk itself ends, between chunks."""
    monkeypatch.setattr(items_module, "CHUNK_ROWS", 5)
    walked = iter(FrameItems(pd.DataFrame(make_rows(23)), readings_table))
    next(walked)
    stop.ask()
    try:
        with pytest.raises(stop.StopAsked):
            list(walked)
    finally:
        stop.reset()


def test_a_table_read_by_export_costs_no_read_capacity_but_its_gsi_counts(readings_table, make_rows):
    items = [row_to_item(row, readings_table) for row in make_rows(40)]
    read = read_live([items], readings_table, "readings", None)
    read.index_counts = {index.name: 0 for index in readings_table.indexes}
    scanned = read.read_units
    read.by_export = True
    assert 0 < read.read_units < scanned


def test_two_expected_items_with_one_key_are_refused_before_anything_is_read(readings_table, make_rows):
    [row] = make_rows(1)
    item = row_to_item(row, readings_table)
    with pytest.raises(DuplicateItemKey, match="1 keys occur more than once"):
        expected_digests([item, dict(item, sensor={"S": "other"})], readings_table, "readings")


def test_a_parallel_scan_yields_every_item_once_through_its_queue(client, readings, readings_table, make_rows):
    written = [row_to_item(row, readings_table) for row in make_rows(120)]
    write_items(client, readings, written, readings_table.key)
    counted = []
    pages = list(scan_pages(client, readings, segments=4, on_page=counted.append))
    keys = [item["reading_id"]["S"] for page in pages for item in page]
    assert sorted(keys) == sorted(item["reading_id"]["S"] for item in written) and sum(counted) == 120


def test_a_reader_that_stops_early_ends_the_segments_and_an_error_reaches_the_reader(
    client, readings, readings_table, make_rows
):
    write_items(client, readings, [row_to_item(row, readings_table) for row in make_rows(60)], readings_table.key)
    pages = scan_pages(client, readings, segments=4)
    next(pages)
    # Four segments put a page and an end mark each into a queue of four: without the reader's closing word,
    # those left holding an entry would wait on the full queue forever, and close() with them.
    closing = threading.Thread(target=pages.close, daemon=True)
    closing.start()
    closing.join(timeout=30)
    assert not closing.is_alive(), "the segments still wait on the queue of a reader that stopped"
    with pytest.raises(Exception, match="ResourceNotFoundException|not found"):
        list(scan_pages(client, readings + "-missing", segments=4))


def test_a_table_that_only_upserts_counts_the_live_items_it_does_not_expect_without_keeping_them(
    readings_table, make_rows
):
    """They are the rest of its live items, not deletes: kept whole, they would hold the whole table."""
    upserting = dataclasses.replace(readings_table, sync="upsert")
    expected = [row_to_item(row, upserting) for row in make_rows(3)]
    others = [{"reading_id": {"S": f"R9{n:03d}"}, "sensor": {"S": "x"}} for n in range(4)]
    read = read_live(
        [expected + others], upserting, "readings", None, expected_digests(expected, upserting, "readings")
    )
    assert (read.count, read.unexpected, read.stale, len(read.digests)) == (7, 4, [], 3)
    assert read.carrying == {
        index.name: sum(all(k in item for k in index.key) for item in expected + others) for index in upserting.indexes
    }, "the index holds them all the same"
