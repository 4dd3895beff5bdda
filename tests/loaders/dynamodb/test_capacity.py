"""Capacity units by DynamoDB's published rules, worked out by hand for a few items."""

from contracts.dynamodb import item_size
from contracts.table import Index
from loaders.dynamodb.capacity import projected_size, read_units, write_units


def test_a_write_costs_a_unit_per_kilobyte_in_the_table_and_in_each_gsi_holding_the_item(readings_table):
    small = {"reading_id": {"S": "R0001"}, "sensor": {"S": "S1"}, "count": {"N": "3"}}
    # 10 + 6 + 5 + 2 = 23 bytes: 1 unit in the table, 1 in sensor-count-index (ALL); no code, so not in code-index.
    assert write_units(small, readings_table) == 2
    big = dict(small, code={"S": "x" * 2000})
    # The table and sensor-count-index hold the whole item (2,040 bytes: 2 units each); code-index only its keys,
    # reading_id and the 2,000-byte code (2,019 bytes: 2 units).
    assert write_units(big, readings_table) == 6
    assert write_units(dict(small, code={"S": "x" * 900}), readings_table) == 3  # under 1 KB everywhere


def test_a_scan_costs_a_unit_per_4_kb_read_and_half_when_eventually_consistent():
    read = sum(item_size(item) for item in [{"id": {"S": "x" * 998}}] * 9)  # 1,000 bytes each, 9,000 in all
    assert read_units(read) == 3.0
    assert read_units(read, consistent=False) == 1.5


def test_counting_a_gsi_reads_only_the_items_it_holds(readings_table):
    index = Index("code-index", "code", projection="KEYS_ONLY")
    items = [
        {"reading_id": {"S": "R0001"}, "code": {"S": "c" * 4000}, "sensor": {"S": "S" * 9000}},
        {"reading_id": {"S": "R0002"}, "sensor": {"S": "S1"}},
    ]
    # Only the first is in the index, projected to its keys: 10 + 5 + 4 + 4000 = 4,019 bytes, 1 unit, halved.
    assert [projected_size(item, readings_table, index) for item in items] == [4019, 0]
    assert read_units(4019, consistent=False) == 0.5
