"""One read of a live table, kept small: a digest per item, the few columns the checks look up, and whole items
only where they differ from what was expected.

The plan and the live checks share it: a table the sync did not write is
read once. Memory grows with the table's items by about a hundred and fifty
bytes each (the digests in a dict, the looked-up columns) and with its
differences by whole items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from contracts.dynamodb import item_size
from contracts.expectations.suites import suite_columns
from contracts.table import Table
from loaders.dynamodb.capacity import projected_size, read_units
from loaders.dynamodb.digests import Digest, item_digest, key_digest
from loaders.dynamodb.items import Item, item_key, item_to_row
from loaders.errors import DuplicateItemKey


@dataclass
class LiveTable:
    """What one read of a live table found.

    `digests` maps each item's key digest to its item digest. `columns` holds,
    item by item in read order, the values (typed as `item_to_row` types them,
    None where absent) of the columns the live checks look up. `unexpected`
    counts the live items whose key was not expected; a table that mirrors its
    export keeps them whole in `stale` (they are its deletes), one that only
    upserts does not (they are the rest of its live items). `differing` (by key
    digest) holds the items whose content differs from the expected item.
    """

    name: str
    description: dict | None
    count: int = 0
    digests: dict[Digest, Digest] = field(default_factory=dict)
    columns: dict[str, list] = field(default_factory=dict)
    carrying: dict[str, int] = field(default_factory=dict)  # by GSI: the items holding all its key attributes
    unexpected: int = 0
    stale: list[Item] = field(default_factory=list)
    differing: dict[Digest, Item] = field(default_factory=dict)
    index_counts: dict[str, int] = field(default_factory=dict)  # by GSI: its own count, read from the index
    index_bytes: dict[str, int] = field(default_factory=dict)  # by GSI: bytes it holds, for what counting it costs
    bytes_read: int = 0
    reused: bool = False  # the plan's read, since nothing was written to the table after it
    by_export: bool = False  # read through ExportTableToPointInTime, which consumes no read capacity

    @property
    def read_units(self) -> float:
        """What this read cost (nothing when the plan's read is reused) and the count of each GSI."""
        indexes = sum(read_units(self.index_bytes[name], consistent=False) for name in self.index_counts)
        return (0.0 if self.reused or self.by_export else read_units(self.bytes_read)) + indexes


def watched_columns(table: Table, tables: Iterable[Table]) -> tuple[str, ...]:
    """The columns a read keeps of each item: those the live suites look up (the key, foreign keys, columns a child
    names) and the expiry attribute."""
    expiry = (table.expiry.attribute,) if table.expiry else ()
    return tuple(dict.fromkeys(suite_columns(table, tuple(tables)) + expiry))


def expected_digests(items: Iterable[Item], table: Table, name: str) -> dict[Digest, Digest]:
    """Each expected item's digest by its key digest; two items with one key are refused (one would be lost)."""
    digests: dict[Digest, Digest] = {}
    repeated = []
    for item in items:
        key = key_digest(item, table.key)
        if key in digests:
            repeated.append(item_key(item, table))
        digests[key] = item_digest(item)
    if repeated:
        raise DuplicateItemKey(name, repeated)
    return digests


def read_live(
    pages: Iterable[list[Item]],
    table: Table,
    name: str,
    description: dict | None,
    expected: dict[Digest, Digest] | None = None,
    watched: tuple[str, ...] = (),
) -> LiveTable:
    """Take in a table's pages of items (a Scan's or an export's); `expected` says which items to keep whole."""
    live = LiveTable(
        name,
        description,
        columns={c: [] for c in watched},
        carrying={i.name: 0 for i in table.indexes},
        index_bytes={i.name: 0 for i in table.indexes},
    )
    for page in pages:
        for item in page:
            live.count += 1
            live.bytes_read += item_size(item)
            for index in table.indexes:
                size = projected_size(item, table, index)
                if size:
                    live.carrying[index.name] += 1
                    live.index_bytes[index.name] += size
            row = item_to_row({c: item[c] for c in watched if c in item})
            for column, values in live.columns.items():
                values.append(row.get(column))
            key = key_digest(item, table.key)
            want = None if expected is None else expected.get(key)
            if expected is not None and want is None:
                live.unexpected += 1
                if table.sync != "mirror":
                    continue  # the rest of an upserting table's live items: counted, not compared, not held
                live.stale.append(item)  # the sync deletes it
            digest = item_digest(item)
            live.digests[key] = digest
            if want is not None and want != digest:
                live.differing[key] = item
    return live
