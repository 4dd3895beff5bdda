"""Fixers that resolve rows sharing a primary key, by the table's declared policy."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from contracts.keys import comparable_cells
from contracts.table import DropExactCopies, KeepLatest, MergeIntoSet, NoDuplicates, Table
from contracts.violations import MASK
from fixers.outcome import Change, FixerError, Outcome


def resolve_duplicates(frame: pd.DataFrame, table: Table) -> Outcome:
    policy = table.duplicates
    if isinstance(policy, NoDuplicates):
        return Outcome(frame)  # nothing to resolve: the key check reports any repeat
    needed = [*_key(table), *([policy.by] if isinstance(policy, KeepLatest) else [])]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise FixerError(
            "resolve_duplicates",
            table.file,
            missing[0],
            [],
            f"the column is missing, so the declared policy ({policy.describe}) cannot be applied",
            f"Export {missing[0]} under that name, or declare a Rename from its name in the export in the {table.name} contract.",
        )
    if isinstance(policy, DropExactCopies):
        return drop_exact_copies(frame, table)
    if isinstance(policy, MergeIntoSet):
        return merge_into_set(frame, table, policy)
    return keep_latest(frame, table, policy)


def _key(table: Table) -> list[str]:
    return list(table.key)


def _repeated(frame: pd.DataFrame, table: Table) -> pd.Series:
    """Rows whose key another row has; a row with a blank key has no key to share, and is left to the key check."""
    key = frame[_key(table)]
    blank = (key.isna() | (key == "")).any(axis=1)
    return frame.duplicated(_key(table), keep=False) & ~blank


def _conflict(fixer: str, table: Table, frame: pd.DataFrame, rows: pd.Index, problem: str) -> FixerError:
    if table.pii.intersection(table.key):
        keys = pd.Series([MASK])
    else:
        keys = frame.loc[rows, _key(table)].drop_duplicates().head(3).astype(str).agg("/".join, axis=1)
    return FixerError(
        fixer,
        table.file,
        "/".join(table.key),
        list(rows),
        f"{problem} (keys {', '.join(keys)})",
        f"Declare how to resolve them in the {table.name} contract (duplicates=...), or correct the export.",
    )


def drop_exact_copies(frame: pd.DataFrame, table: Table) -> Outcome:
    # Exact copies share their key: whole rows are compared only where a key repeats, which is cheap to find.
    shared = frame[_repeated(frame, table)]
    copies = shared.duplicated(keep="first")
    kept = shared[~copies]
    clash = kept.duplicated(_key(table), keep=False)
    if clash.any():
        raise _conflict(
            "drop_exact_copies",
            table,
            kept,
            kept.index[clash],
            f"{int(clash.sum())} rows repeat a key with different content",
        )
    dropped = int(copies.sum())
    out = frame[~frame.index.isin(shared.index[copies])] if dropped else frame
    changes = [Change("drop_exact_copies", None, dropped, "exact copies of another row dropped")] if dropped else []
    return Outcome(out, changes, merged=dropped)


def merge_into_set(frame: pd.DataFrame, table: Table, policy: MergeIntoSet) -> Outcome:
    if policy.column not in frame.columns:
        return Outcome(frame)  # already merged
    key = frame[_key(table)]
    # A row with a blank key shares no key: it is not merged, and the key check names it.
    blank = (key.isna() | (key == "")).any(axis=1)
    keyed = frame[~blank]
    others = [c for c in frame.columns if c != policy.column]
    shape = keyed[others].fillna("\0")
    differing = shape.groupby(_key(table), sort=False).transform("nunique").gt(1).any(axis=1)
    if differing.any():
        raise _conflict(
            "merge_into_set",
            table,
            keyed,
            keyed.index[differing],
            f"{int(differing.sum())} rows share a key but differ in more than {policy.column}",
        )
    kind = table.attribute_type(policy.into)
    members = _number_members if kind == "NS" else lambda v: sorted(set(v.dropna()))
    merged_values = keyed.groupby(_key(table), sort=False)[policy.column].agg(members)
    out = keyed.drop(columns=[policy.column]).drop_duplicates(_key(table), keep="first")
    out = out.join(merged_values.rename(policy.into), on=_key(table))
    if blank.any():
        single = frame.loc[blank, [policy.column]].rename(columns={policy.column: policy.into})
        single[policy.into] = single[policy.into].map(lambda v: members(pd.Series([v])))
        out = pd.concat([out, frame.loc[blank].drop(columns=[policy.column]).join(single)]).sort_index()
    merged = len(frame) - len(out)
    detail = f"rows differing only in {policy.column} merged; {policy.column} became the set {policy.into} ({kind})"
    return Outcome(out, [Change("merge_into_set", policy.into, merged, detail)], merged=merged)


def _number_members(values: pd.Series) -> list[str]:
    """A number set's members as written: each number once (`1` and `1.0` are one; the first written stays), in
    numeric order. A text that is no number DynamoDB can hold stays as written, after them, for the checks to report."""
    values = values.dropna()
    first = {}
    for text, number in zip(values, comparable_cells(values, "N"), strict=True):
        first.setdefault(
            text if number is None else number, (number is None, Decimal(number[1]) if number else 0, text)
        )
    return [text for _, _, text in sorted(first.values())]


def keep_latest(frame: pd.DataFrame, table: Table, policy: KeepLatest) -> Outcome:
    # A row whose key no other row has is its own latest: only the rows sharing a key are sorted and compared.
    ordered = frame[_repeated(frame, table)].sort_values([*_key(table), policy.by], kind="stable")
    latest = ordered.drop_duplicates(_key(table), keep="last")
    ties = ordered.duplicated([*_key(table), policy.by], keep=False) & ~ordered.duplicated(keep=False)
    tied_latest = ties & ordered.index.isin(latest.index)
    if tied_latest.any():
        raise _conflict(
            "keep_latest",
            table,
            ordered,
            ordered.index[tied_latest],
            f"the latest {policy.by} is shared by rows with different content",
        )
    superseded = ordered.index.difference(latest.index)
    out = frame[~frame.index.isin(superseded)]
    merged = len(superseded)
    changes = (
        [Change("keep_latest", policy.by, merged, f"earlier rows of the same key superseded by the latest {policy.by}")]
        if merged
        else []
    )
    return Outcome(out, changes, merged=merged)
