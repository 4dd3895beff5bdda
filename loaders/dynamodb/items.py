"""Rows of a fixed CSV as DynamoDB items (low-level client format), and items back as rows.

The contract gives each column its type: N is sent as the exact decimal text of
the cell (never through float, so nothing is rounded), S unchanged (the
leading zeros of `004512` stay), SS or NS from the JSON array of a merged column. A
missing cell (None) is an attribute left out: DynamoDB has no null that a
sparse GSI would skip, and AWS refuses empty strings in key attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd
from boto3.dynamodb.types import TypeDeserializer

from contracts.dynamodb import number_problem, number_set_problem
from contracts.source import line_of, parse_set
from contracts.table import Table
from loaders.dynamodb import stop
from loaders.errors import ItemConversionError

Item = dict[str, dict[str, Any]]


def _column_types(table: Table, columns: Iterable[str]) -> dict[str, str]:
    types = {}
    for column in columns:
        if column not in table.columns:
            # The pre-upload gate refuses undeclared columns; a type guessed here would go unchecked.
            raise ItemConversionError(
                table.name,
                column,
                None,
                "the column is not declared in the contract",
                f"declare it in the {table.name} model, or run the pre-upload checks first",
            )
        types[column] = table.attribute_type(column)
    return types


def _attribute(table: Table, column: str, kind: str, text: str, line: int | None) -> dict[str, Any] | None:
    if kind == "N":
        problem = number_problem(text)
        if problem:
            raise ItemConversionError(
                table.name,
                column,
                line,
                f"{text!r} is not a number DynamoDB can hold: {problem}",
                "run the fixers and the pre-upload checks before loading",
            )
        return {"N": text}
    if kind in ("SS", "NS"):
        try:
            values = parse_set(text)
        except ValueError as error:
            raise ItemConversionError(
                table.name, column, line, str(error), "a set column holds a JSON array of strings"
            ) from None
        problem = number_set_problem(values) if kind == "NS" else None
        if problem:
            raise ItemConversionError(
                table.name,
                column,
                line,
                f"{text!r} is not a number set DynamoDB can hold: {problem}",
                "run the fixers and the pre-upload checks before loading",
            )
        if len(set(values)) != len(values):
            raise ItemConversionError(
                table.name,
                column,
                line,
                f"{text!r} repeats a value; a string set cannot",
                "run the fixers, which merge each set once",
            )
        # AWS refuses an empty set: no values is the attribute left out, as for an empty cell.
        return {kind: values} if values else None
    return {"S": text}


def row_to_item(row: Mapping[str, Any], table: Table, line: int | None = None) -> Item:
    """One row ({column: text or None}) as an item in client format; None cells are left out."""
    types = _column_types(table, row)
    return _row_to_item(row, table, types, line)


def _row_to_item(row: Mapping[str, Any], table: Table, types: dict[str, str], line: int | None) -> Item:
    item = {}
    for column, value in row.items():
        if _missing(value):
            continue
        attribute = _attribute(table, column, types[column], str(value), line)
        if attribute is not None:
            item[column] = attribute
    return item


def frame_to_items(frame: pd.DataFrame, table: Table) -> list[Item]:
    """Every row of a frame read by `contracts.source.read_table(..., fixed=True)` as an item."""
    types = _column_types(table, frame.columns)
    columns = list(frame.columns)
    return [
        _row_to_item(dict(zip(columns, values, strict=False)), table, types, line_of(index))
        for index, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=False)
    ]


# Rows made into items at a time: a table's items are made again for each pass, never held all at once.
CHUNK_ROWS = 5000


class FrameItems:
    """A checked frame's items, made a chunk at a time each time they are iterated.

    The frame is what the gate checked; its items in client format take ten
    times its memory, so a plan or a sync walks them instead of keeping them.
    A walk sends no request, so it looks for a stop (Ctrl-C) itself, a chunk
    at a time: a million items take half a minute to digest.
    """

    def __init__(self, frame: pd.DataFrame, table: Table):
        self.frame, self.table = frame, table

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[Item]:
        for start in range(0, len(self.frame), CHUNK_ROWS):
            if stop.asked():
                raise stop.StopAsked("the run was asked to stop")
            yield from frame_to_items(self.frame.iloc[start : start + CHUNK_ROWS], self.table)


def item_key(item: Mapping[str, Any], table: Table) -> dict[str, Any]:
    """The primary key of an item, in client format (what DeleteItem or GetItem takes)."""
    return {name: item[name] for name in table.key if name in item}


def item_to_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item read back, typed by its own attribute types: N as Decimal, S as str, SS and NS as frozensets (NS of Decimal).

    A number stored as a string (or the reverse) then differs from the
    contract's type, as it should.
    """
    return {name: _python(value) for name, value in item.items()}


_DESERIALIZER = TypeDeserializer()


def _python(value: Mapping[str, Any]) -> Any:
    python = _DESERIALIZER.deserialize(value)
    # boto3 gives a set; a frozenset can be hashed, so a row read back can be put in a set or key a dict.
    return frozenset(python) if isinstance(python, set) else python


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
