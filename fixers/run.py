"""Fix a whole export folder: every table in load order, into `fixed/`, `quarantine/` and the ledger."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from contracts import TABLES, Table
from contracts.errors import ContractError
from contracts.source import FIXERS_OUTPUT_MARKER, as_exported, as_fixed, is_fixers_output, line_of, read_csv, write_csv
from contracts.table import Copy, MapValues, ParseTimestamps, Rename
from fixers.columns import copy_column, map_values, rename_column
from fixers.duplicates import resolve_duplicates
from fixers.ledger import Ledger, TableEntry
from fixers.orphans import quarantine_orphans
from fixers.outcome import Change, Outcome
from fixers.values import cast_integers, leave_out_empty_index_keys, leave_out_not_a_number, parse_timestamps


class OverlappingFolders(ContractError):
    """The output folder would replace the input."""


_DERIVING_FIXERS = {Copy: copy_column, MapValues: map_values, ParseTimestamps: parse_timestamps}


class _Steps:
    """Applies fixers one after another, keeping every change and every row set aside."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.changes, self.aside, self.merged = frame, [], [], 0

    def apply(self, outcome: Outcome) -> None:
        self.frame = outcome.frame
        self.changes += outcome.changes
        self.merged += outcome.merged
        if outcome.quarantined is not None:
            self.aside.append(outcome.quarantined)


def fix_table(table: Table, raw: pd.DataFrame, parents: dict[str, pd.DataFrame]) -> _Steps:
    """Run the table's fixers in order on an export read by `as_exported`."""
    steps = _Steps(raw)
    # Renames first: every later fixer finds columns by their declared names.
    for fix in table.fixes:
        if isinstance(fix, Rename):
            steps.apply(rename_column(steps.frame, table, fix))
    steps.apply(cast_integers(steps.frame, table))
    steps.apply(leave_out_not_a_number(steps.frame, table))
    for fix in table.fixes:
        if not isinstance(fix, Rename):
            steps.apply(_DERIVING_FIXERS[type(fix)](steps.frame, table, fix))
    steps.apply(leave_out_empty_index_keys(steps.frame, table))
    # Duplicates after derivation (the merge compares whole rows) and before orphans (one verdict per item).
    steps.apply(resolve_duplicates(steps.frame, table))
    steps.apply(quarantine_orphans(steps.frame, table, parents))
    declared = [c for c in table.columns if c in steps.frame.columns]
    undeclared = [c for c in steps.frame.columns if c not in table.columns]
    steps.frame = steps.frame[declared + undeclared]
    return steps


def fix_all(data_dir: Path, out_dir: Path, tables: tuple[Table, ...] = TABLES) -> Ledger:
    """Fix every table of `data_dir` into `out_dir`; `data_dir` is only read."""
    fixed_dir, quarantine_dir = out_dir / "fixed", out_dir / "quarantine"
    for folder in (fixed_dir, quarantine_dir):
        if data_dir.resolve() == folder.resolve() or folder.resolve() in data_dir.resolve().parents:
            raise OverlappingFolders(f"{data_dir} is inside {folder}, which the fixers empty and rewrite; "
                                     "choose another --out-dir (the fixers never write over their input)")
    for folder in (fixed_dir, quarantine_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    ledger = Ledger()
    fixed: dict[str, pd.DataFrame] = {}
    refixing = is_fixers_output(data_dir)
    for table in tables:
        entry = TableEntry(table=table.name, file=table.file)
        ledger.tables[table.name] = entry
        path = data_dir / table.file
        if not path.exists():
            entry.error = f"{table.file} is not in {data_dir}"
            continue
        try:
            raw = read_csv(path, table.encodings)
            entry.raw_rows = len(raw)
            missing_parents = [fk.parent for fk in table.foreign_keys if fk.on_orphan == "quarantine" and fk.parent not in fixed]
            if missing_parents:
                entry.error = f"cannot check orphans: {', '.join(missing_parents)} could not be fixed"
                continue
            steps = fix_table(table, as_fixed(raw) if refixing else as_exported(raw, table), fixed)
        except ContractError as error:
            entry.error = str(error)
            continue
        if raw.attrs["encoding"] != "utf-8":
            steps.changes.insert(0, Change("transcode_to_utf8", None, len(raw), f"read as {raw.attrs['encoding']}, written as UTF-8"))
        fixed[table.name] = steps.frame
        write_csv(steps.frame, fixed_dir / table.file)
        quarantined = 0
        if steps.aside:
            set_aside = pd.concat(steps.aside).sort_index()
            set_aside.insert(0, "line", [line_of(i) for i in set_aside.index])
            write_csv(set_aside, quarantine_dir / table.file)
            quarantined = len(set_aside)
        entry.items, entry.merged, entry.quarantined = len(steps.frame), steps.merged, quarantined
        entry.changes = steps.changes
    (fixed_dir / FIXERS_OUTPUT_MARKER).write_text("Written by the fixers: an empty cell is an attribute left out.\n")
    return ledger
