"""Fixers that rename and derive columns, as declared by `Rename`, `Copy`, `MapValues`, `DeriveKey` and `Expiry`."""

from __future__ import annotations

import pandas as pd

from contracts.table import Copy, DeriveKey, Expiry, MapValues, Rename, Table
from fixers.outcome import Change, FixerError, Outcome, quarantine


def rename_column(frame: pd.DataFrame, table: Table, fix: Rename) -> Outcome:
    if fix.old not in frame.columns:
        return Outcome(frame)
    if fix.new in frame.columns:
        raise FixerError(
            "rename_column",
            table.file,
            fix.new,
            [],
            f"both {fix.old} and {fix.new} are present, so renaming would lose one of them",
            f"Drop one of the two columns from the export, or remove the Rename from the {table.name} contract.",
        )
    renamed = frame.rename(columns={fix.old: fix.new})
    return Outcome(renamed, [Change("rename_column", fix.new, len(frame), f"column {fix.old} renamed to {fix.new}")])


def _fill(frame: pd.DataFrame, target: str, values: pd.Series) -> tuple[pd.DataFrame, int]:
    """Fill `target` with `values` where it is missing; an existing value is never replaced."""
    out = frame.copy()
    if target not in out.columns:
        out[target] = None
    missing = out[target].isna() & values.notna()
    out.loc[missing, target] = values[missing]
    return out, int(missing.sum())


def _has_source(frame: pd.DataFrame, table: Table, fixer: str, source: str, target: str) -> bool:
    """Whether there is anything to derive; without source or target the fixer cannot go on."""
    if source in frame.columns:
        return True
    if target in frame.columns:
        return False
    raise FixerError(
        fixer,
        table.file,
        source,
        [],
        f"neither {source} nor {target} is a column",
        f"The export must carry {source} (or {target} itself).",
    )


def copy_column(frame: pd.DataFrame, table: Table, fix: Copy) -> Outcome:
    if not _has_source(frame, table, "copy_column", fix.source, fix.target):
        return Outcome(frame)
    out, filled = _fill(frame, fix.target, frame[fix.source])
    changes = [Change("copy_column", fix.target, filled, f"{fix.target} copied from {fix.source}")] if filled else []
    return Outcome(out, changes)


def map_values(frame: pd.DataFrame, table: Table, fix: MapValues) -> Outcome:
    if not _has_source(frame, table, "map_values", fix.source, fix.target):
        return Outcome(frame)
    mapped = frame[fix.source].map(fix.mapping)
    needed = frame[fix.target].isna() if fix.target in frame.columns else pd.Series(True, index=frame.index)
    unmapped = needed & frame[fix.source].notna() & mapped.isna()
    known = ", ".join(f"{k} {v}" for k, v in fix.mapping.items())
    reasons = fix.source + " " + frame[fix.source].astype(str) + f" has no {fix.target} (known: {known})"
    kept, aside = quarantine(frame, unmapped, reasons)
    out, filled = _fill(kept, fix.target, mapped[~unmapped])
    changes = [Change("map_values", fix.target, filled, f"{fix.target} mapped from {fix.source}")] if filled else []
    if len(aside):
        changes.append(Change("map_values", fix.source, len(aside), f"unmapped {fix.source} quarantined"))
    return Outcome(out, changes, aside if len(aside) else None)


def derive_key(frame: pd.DataFrame, table: Table, fix: DeriveKey) -> Outcome:
    """`target` = the `sources` joined by the separator; a row missing a source value has no key and is set aside."""
    absent = [c for c in fix.sources if c not in frame.columns]
    if absent:
        if fix.target in frame.columns:
            return Outcome(frame)
        raise FixerError(
            "derive_key",
            table.file,
            absent[0],
            [],
            f"{', '.join(absent)} not in the file, so {fix.target} cannot be made",
            f"The export must carry {', '.join(fix.sources)} (or {fix.target} itself).",
        )
    missing = frame[list(fix.sources)].isna() | (frame[list(fix.sources)] == "")
    blank = missing.any(axis=1)
    reasons = pd.Series("", index=frame.index, dtype=object)
    if blank.any():  # worded only for the rows set aside: a row-wise apply over every row would cost seconds
        reasons[blank] = missing[blank].apply(lambda row: f"no {fix.target}: {', '.join(row.index[row])} blank", axis=1)
    kept, aside = quarantine(frame, blank, reasons)
    joined = (
        kept[list(fix.sources)].astype(str).agg(fix.separator.join, axis=1)
        if len(kept)
        else pd.Series([], dtype=object)
    )
    out, filled = _fill(kept, fix.target, joined)
    changes = (
        [Change("derive_key", fix.target, filled, f"{fix.target} joined from {', '.join(fix.sources)}")]
        if filled
        else []
    )
    if len(aside):
        changes.append(Change("derive_key", fix.target, len(aside), f"rows missing a part of {fix.target} quarantined"))
    return Outcome(out, changes, aside if len(aside) else None)


def derive_expiry(frame: pd.DataFrame, table: Table, expiry: Expiry) -> Outcome:
    """`attribute` = `from_column` + the retention, as Unix epoch seconds; a row with a blank `from_column` gets none.

    DynamoDB's TTL reads only a Number attribute holding Unix epoch seconds;
    an item whose attribute is missing, another type or in milliseconds is
    never deleted (Developer Guide, "Formatting an item's TTL attribute").
    Always recomputed: a refix of the fixers' own output finds the same
    values and records no change. A value that is not ISO 8601 UTC gets none either: the schema
    check on `from_column` blocks the table and names the row.
    """
    if expiry.from_column not in frame.columns:
        raise FixerError(
            "derive_expiry",
            table.file,
            expiry.from_column,
            [],
            f"{expiry.from_column} not in the file, so {expiry.attribute} cannot be made",
            f"The export must carry {expiry.from_column}.",
        )
    source = frame[expiry.from_column]
    when = pd.to_datetime(source, format="%Y-%m-%dT%H:%M:%SZ", utc=True, errors="coerce")
    seconds = (when + expiry.retention - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    values = pd.Series([None if pd.isna(s) else str(int(s)) for s in seconds], index=frame.index, dtype=object)
    if expiry.attribute in frame.columns and frame[expiry.attribute].tolist() == values.tolist():
        return Outcome(frame)  # the fixers' own output: nothing to change
    out = frame.copy()
    out[expiry.attribute] = values
    derived = int(when.notna().sum())
    changes = [Change("derive_expiry", expiry.attribute, derived, expiry.describe)] if derived else []
    blank = int(source.isna().sum() + (source == "").sum())
    if blank:
        changes.append(
            Change(
                "derive_expiry",
                expiry.attribute,
                blank,
                f"no {expiry.from_column}, so no {expiry.attribute}: these items never expire",
            )
        )
    return Outcome(out, changes)
