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


def projected_size(item: Item, table: Table, index: Index) -> int:
    """Bytes of `item` as the GSI holds it; 0 when it lacks a key of the index (a sparse index skips it)."""
    projected = _projected(item, table, index)
    return 0 if projected is None else item_size(projected)


def read_units(bytes_read: int, *, consistent: bool = True) -> float:
    """Read units of a Scan that read `bytes_read` bytes of items; a GSI is read eventually consistent only."""
    units = math.ceil(bytes_read / READ_UNIT_BYTES)
    return float(units if consistent else units / 2)
