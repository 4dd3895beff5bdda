"""Fixers that rewrite single values into the form the contract and DynamoDB require."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from contracts.formats import UTC_TIMESTAMP
from contracts.table import ParseTimestamps, Table
from contracts.violations import MASK
from fixers.outcome import Change, FixerError, Outcome

_WHOLE = re.compile(r"^([+-]?\d+)\.0*$")
_FRACTION = re.compile(r"^[+-]?\d*\.\d+$")
_NOT_A_NUMBER = frozenset({"NaN", "nan", "NAN"})


def parse_timestamps(frame: pd.DataFrame, table: Table, fix: ParseTimestamps) -> Outcome:
    """Rewrite values in the declared source format and zone as ISO 8601 UTC; never guess a format."""
    if fix.column not in frame.columns:
        return Outcome(frame)
    values = frame[fix.column]
    present = values.notna()
    already = present & values.astype(str).str.match(UTC_TIMESTAMP.pattern)
    todo = present & ~already
    if not todo.any():
        return Outcome(frame)
    zone = ZoneInfo(fix.zone)
    converted, bad = {}, []
    for index, text in values[todo].items():
        try:
            local = datetime.strptime(text, fix.source_format).replace(tzinfo=zone)
        except ValueError:
            bad.append(index)
            continue
        converted[index] = local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if bad:
        raise FixerError(
            "parse_timestamps",
            table.file,
            fix.column,
            bad,
            f"{len(bad)} values are neither ISO 8601 UTC nor the declared {fix.source_format!r}",
            "Declare their format in the contract's ParseTimestamps, or correct the export.",
        )
    out = frame.copy()
    out.loc[list(converted), fix.column] = pd.Series(converted)
    detail = f"{fix.source_format} in {fix.zone} rewritten as ISO 8601 UTC"
    return Outcome(out, [Change("parse_timestamps", fix.column, len(converted), detail)])


def cast_integers(frame: pd.DataFrame, table: Table) -> Outcome:
    """`1042.0` in an integer column becomes `1042`; any other fraction is an error."""
    out, changes = frame, []
    for column in _columns_of(frame, table, "int"):
        values = frame[column].dropna().astype(str)
        whole = values.str.extract(_WHOLE, expand=False).dropna()
        fractional = values[values.str.match(_FRACTION) & ~values.index.isin(whole.index)]
        if len(fractional):
            shown = MASK if column in table.pii else ", ".join(fractional.head(3))
            raise FixerError(
                "cast_integers",
                table.file,
                column,
                list(fractional.index),
                f"{len(fractional)} values have a fraction ({shown}) where an integer is declared",
                "Correct the export; a fraction cannot be cut off without losing data.",
            )
        if len(whole):
            out = out.copy() if out is frame else out
            out.loc[whole.index, column] = whole
            changes.append(Change("cast_integers", column, len(whole), "whole numbers written without a fraction"))
    return Outcome(out, changes)


def leave_out_not_a_number(frame: pd.DataFrame, table: Table) -> Outcome:
    """`NaN` in a number column means no value; DynamoDB stores none, so the attribute is left out."""
    out, changes = frame, []
    for column in _columns_of(frame, table, "int", "float"):
        nan = frame[column].isin(_NOT_A_NUMBER)
        if nan.any():
            out = out.copy() if out is frame else out
            out.loc[nan, column] = None
            changes.append(Change("leave_out_not_a_number", column, int(nan.sum()), "NaN left out of the item"))
    return Outcome(out, changes)


def leave_out_empty_index_keys(frame: pd.DataFrame, table: Table) -> Outcome:
    """An empty GSI key is refused by DynamoDB; without the attribute the item stays out of the index."""
    out, changes = frame, []
    index_keys = sorted(table.index_keys - set(table.key))
    for column in index_keys:
        if column not in frame.columns:
            continue
        empty = frame[column] == ""
        if empty.any():
            out = out.copy() if out is frame else out
            out.loc[empty, column] = None
            changes.append(
                Change(
                    "leave_out_empty_index_keys",
                    column,
                    int(empty.sum()),
                    "empty index key left out; the item stays out of the index",
                )
            )
    return Outcome(out, changes)


def _columns_of(frame: pd.DataFrame, table: Table, *kinds: str) -> list[str]:
    return [name for name in table.columns if name in frame.columns and table.dtype(name).startswith(kinds)]
