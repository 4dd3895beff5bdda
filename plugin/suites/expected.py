"""What the fixed CSVs predict the deployment holds, computed from them and the contracts."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from contracts.queries import QueryPattern
from contracts.source import parse_set
from contracts.table import Table
from contracts.violations import show
from loaders.dynamodb.items import item_to_row, row_to_item


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


def rows_by_key(frame: pd.DataFrame, table: Table) -> dict[tuple, dict]:
    """Each fixed row, typed as it should come back, by its primary key."""
    out = {}
    for row in frame.to_dict("records"):
        typed = typed_row(row, table)
        out[tuple(typed[k] for k in table.key)] = typed
    return out


def items_by_key(items: list[dict], table: Table) -> dict[tuple, dict]:
    out = {}
    for item in items:
        row = item_to_row(item)
        out[tuple(row.get(k) for k in table.key)] = row
    return out


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


def difference(expected: dict[tuple, dict], found: dict[tuple, dict], table: Table,
               against: tuple[str, str] = ("", "")) -> str | None:
    """What differs between the rows expected and found (both by key), personal values masked; None if nothing.

    The suites fail with this rather than comparing with `assert`, whose diff would print every value.
    `against` ends the count of differing items, singular and plural (" from its fixed row").
    """
    missing, extra = expected.keys() - found.keys(), found.keys() - expected.keys()
    parts = []
    if missing:
        parts.append(f"{len(missing)} expected item{'s' * (len(missing) != 1)} missing (first keys {shown_keys(missing, table)})")
    if extra:
        parts.append(f"{len(extra)} item{'s' * (len(extra) != 1)} not expected (first keys {shown_keys(extra, table)})")
    differing = sorted(key for key in expected.keys() & found.keys() if expected[key] != found[key])
    if differing:
        key = differing[0]
        attributes = sorted(set(expected[key]) | set(found[key]))
        shown = {a: (show(expected[key].get(a), a in table.pii), show(found[key].get(a), a in table.pii))
                 for a in attributes if expected[key].get(a) != found[key].get(a)}
        differ = f"{len(differing)} items differ{against[1]}" if len(differing) != 1 else f"1 item differs{against[0]}"
        parts.append(f"{differ}; first {shown_key(key, table)}: (expected, found) {shown}")
    return "; ".join(parts) or None
