"""What a run costs in DynamoDB capacity units, computed from item sizes by DynamoDB's published rules.

Computed rather than read from `ConsumedCapacity`, so the figure means the
same on AWS and on a local server (moto reports its own numbers, dynalite
none). The rules ("Read/write capacity mode", DynamoDB Developer Guide): a
write of an item costs one write unit per 1 KB of the item, rounded up, in
the table and again in every GSI the item is in (its projected size); a
strongly consistent read costs one read unit per 4 KB read, an eventually
consistent one half of that. A Scan is charged on the bytes it reads, not
item by item.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

from contracts.dynamodb import item_size
from contracts.table import Index, Table
from loaders.dynamodb.items import Item

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


def _projected(item: Item, table: Table, index: Index) -> Item | None:
    """The item as the GSI holds it, or None if it lacks a key of the index (a sparse index skips it)."""
    if not all(name in item for name in index.key):
        return None
    if index.projection == "ALL":
        return item
    return {name: item[name] for name in dict.fromkeys(table.key + index.key)}


def write_units(item: Item, table: Table) -> int:
    """Write units of one put or delete of `item`: the table's, plus each GSI's that holds it."""
    units = math.ceil(item_size(item) / WRITE_UNIT_BYTES) or 1
    for index in table.indexes:
        projected = _projected(item, table, index)
        if projected is not None:
            units += math.ceil(item_size(projected) / WRITE_UNIT_BYTES) or 1
    return units


def scan_read_units(items: Iterable[Item], *, consistent: bool = True) -> float:
    """Read units of a Scan that read `items`."""
    units = math.ceil(sum(item_size(i) for i in items) / READ_UNIT_BYTES)
    return float(units if consistent else units / 2)


def index_count_read_units(items: Iterable[Item], table: Table, index: Index) -> float:
    """Read units of counting a GSI with a Scan (eventually consistent, as every GSI read is)."""
    projected = (p for p in (_projected(i, table, index) for i in items) if p is not None)
    return scan_read_units(projected, consistent=False)
