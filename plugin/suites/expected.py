"""What the fixed CSVs predict the deployment holds, computed from them and the contracts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from boto3.dynamodb.types import TypeSerializer

from contracts.queries import QueryPattern
from contracts.source import parse_set
from contracts.table import Table
from contracts.violations import show
from loaders.dynamodb.digests import item_digest, key_digest
from loaders.dynamodb.items import CHUNK_ROWS, item_to_row, row_to_item
from loaders.dynamodb.live import LiveTable


def typed_row(row: dict, table: Table) -> dict:
    """A fixed CSV row as the contract says DynamoDB must hold it, worked out here and not by the loader's
    converter, so a converter that dropped leading zeros or turned a set into text would be caught."""
    out = {}
    for column, text in row.items():
        if text is None:
            continue
        kind = table.attribute_type(column)
        if kind == "N":
            out[column] = Decimal(text)
        elif kind in ("SS", "NS"):
            values = frozenset(Decimal(v) if kind == "NS" else v for v in parse_set(text))
            if values:
                out[column] = values
        else:
            out[column] = text
    return out


def fixed_rows(frame: pd.DataFrame) -> Iterator[dict]:
    """Each fixed row as text (None where missing), in the frame's order, a chunk at a time: a big table's typed
    rows are never all held."""
    for start in range(0, len(frame), CHUNK_ROWS):
        yield from frame.iloc[start : start + CHUNK_ROWS].to_dict("records")


def typed_rows(frame: pd.DataFrame, table: Table) -> Iterator[dict]:
    """Each fixed row typed as it should come back, in the frame's order."""
    return (typed_row(row, table) for row in fixed_rows(frame))


def key_of(row: dict, table: Table) -> tuple:
    return tuple(row.get(k) for k in table.key)


_SERIALIZER = TypeSerializer()


def _digests(row: dict, table: Table) -> tuple[bytes, bytes]:
    """A typed row's key digest and item digest, the row in client format by boto3's serializer."""
    item = {name: _SERIALIZER.serialize(value) for name, value in row.items()}
    return key_digest(item, table.key), item_digest(item)


@dataclass(frozen=True)
class LiveDifference:
    """How a table read back differs from its fixed rows: counts, and a few keys to show."""

    missing: int
    missing_keys: list[tuple]
    extra: int
    extra_keys: list[tuple]
    differing: int
    first: tuple[dict, dict] | None  # the first differing item: (expected, found), typed


def live_difference(frame: pd.DataFrame, table: Table, live: LiveTable, shown: int = 5) -> LiveDifference:
    """Compare the fixed rows with one read of the live table, by digest, holding no table whole."""
    expected = dict(_digests(row, table) for row in typed_rows(frame, table))
    missing = expected.keys() - live.digests.keys()
    extra = live.digests.keys() - expected.keys()
    differing = {k for k in expected.keys() & live.digests.keys() if expected[k] != live.digests[k]}
    missing_keys, first = [], None
    for text in fixed_rows(frame) if missing or differing else ():
        row = typed_row(text, table)
        key, _ = _digests(row, table)
        if key in missing and len(missing_keys) < shown:
            missing_keys.append(key_of(row, table))
        if key in differing and first is None:
            first = (row, _found(live, key, text, table))
        if len(missing_keys) >= min(shown, len(missing)) and (first is not None or not differing):
            break
    extra_keys = [key_of(item_to_row(item), table) for item in live.stale if key_digest(item, table.key) in extra][
        :shown
    ]
    return LiveDifference(len(missing), missing_keys, len(extra), extra_keys, len(differing), first)


def _found(live: LiveTable, key: bytes, text: dict, table: Table) -> dict:
    """The live item of a key that differs from its fixed row (`text`), typed. The read kept it whole when it also
    differs from the loader's item; otherwise it is the loader's item, since its digest equals that one's."""
    item = live.differing.get(key)
    return item_to_row(row_to_item(text, table) if item is None else item)


def rows_in_index(frame: pd.DataFrame, index) -> int:
    """Items a sparse GSI holds: those carrying every one of its key attributes."""
    return int(frame[list(index.key)].notna().all(axis=1).sum())


def query_values(frame: pd.DataFrame, pattern: QueryPattern) -> dict:
    """The key values to query with: the most frequent combination, so the answer has several items."""
    present = frame.dropna(subset=list(pattern.conditions))
    counts = present.groupby(list(pattern.conditions)).size().reset_index(name="n")
    best = counts.sort_values(["n", *pattern.conditions], ascending=[False, *[True] * len(pattern.conditions)]).iloc[0]
    return {c: best[c] for c in pattern.conditions}


def query_attributes(values: dict, table: Table) -> dict:
    """The values in client format, typed by the contract."""
    return row_to_item(values, table)


def expected_answer(frame: pd.DataFrame, pattern: QueryPattern, values: dict) -> list[dict]:
    """The rows the query must return, in range-key order (ties in any order)."""
    match = frame
    for column, value in values.items():
        match = match[match[column] == value]
    rows = [typed_row(r, pattern.contract) for r in match.to_dict("records")]
    range_key = pattern.gsi.range_key
    return sorted(rows, key=lambda r: r[range_key]) if range_key else rows


def shown_key(key: tuple, table: Table) -> str:
    """An item's key as a failure may show it: `booking_id=BK0000001`, a personal value masked."""
    return "/".join(f"{name}={show(value, name in table.pii)}" for name, value in zip(table.key, key, strict=False))


def shown_keys(keys, table: Table, limit: int = 5) -> str:
    return ", ".join(shown_key(k, table) for k in sorted(keys)[:limit])


def difference(
    expected: dict[tuple, dict], found: dict[tuple, dict], table: Table, against: tuple[str, str] = ("", "")
) -> str | None:
    """What differs between the rows expected and found (both by key), personal values masked; None if nothing.

    The suites fail with this rather than comparing with `assert`, whose diff would print every value.
    `against` ends the count of differing items, singular and plural (" from its fixed row").
    """
    missing, extra = expected.keys() - found.keys(), found.keys() - expected.keys()
    parts = []
    if missing:
        parts.append(
            f"{len(missing)} expected item{'s' * (len(missing) != 1)} missing (first keys {shown_keys(missing, table)})"
        )
    if extra:
        parts.append(f"{len(extra)} item{'s' * (len(extra) != 1)} not expected (first keys {shown_keys(extra, table)})")
    differing = sorted(key for key in expected.keys() & found.keys() if expected[key] != found[key])
    if differing:
        parts.append(differing_items(len(differing), expected[differing[0]], found[differing[0]], table, against))
    return "; ".join(parts) or None


def differing_items(count: int, want: dict, got: dict, table: Table, against: tuple[str, str] = ("", "")) -> str:
    """`count` items differ; the first (`want` expected, `got` found) shown by the attributes that differ, masked."""
    shown = {
        a: (show(want.get(a), a in table.pii), show(got.get(a), a in table.pii))
        for a in sorted(set(want) | set(got))
        if want.get(a) != got.get(a)
    }
    differ = f"{count} items differ{against[1]}" if count != 1 else f"1 item differs{against[0]}"
    return f"{differ}; first {shown_key(key_of(want, table), table)}: (expected, found) {shown}"
