"""Fix a whole export folder: every table in load order, into `fixed/`, `quarantine/` and the ledger."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from contracts.errors import ContractError, failure_message
from contracts.registry import Registry
from contracts.source import (
    FIXERS_OUTPUT_MARKER,
    PRIVATE_FILE,
    count_records,
    is_fixers_output,
    line_of,
    private_folder,
    read_table,
    write_csv,
)
from contracts.table import Copy, DeriveKey, MapValues, ParseTimestamps, Rename, Table
from fixers.columns import copy_column, derive_expiry, derive_key, map_values, rename_column
from fixers.duplicates import resolve_duplicates
from fixers.ledger import Ledger, TableEntry
from fixers.orphans import quarantine_orphans
from fixers.outcome import Change, FixerError
from fixers.values import cast_integers, leave_out_empty_index_keys, leave_out_not_a_number, parse_timestamps


class OverlappingFolders(ContractError):
    """The output folder would replace or write into the input."""


class UnusableOutDir(ContractError):
    """The output folder cannot be written at all: nothing can be fixed."""


class ForeignFolder(ContractError):
    """An output folder exists and was not written by the fixers: it is not theirs to replace."""


_DERIVING_FIXERS = {Copy: copy_column, MapValues: map_values, ParseTimestamps: parse_timestamps, DeriveKey: derive_key}


class _Steps:
    """Applies fixers one after another, keeping every change, every row set aside and every refusal.

    A fixer that refuses to guess leaves the frame as it was and the next ones
    still run: the checks then see the rest of the table, so a file's other
    problems are reported in the same run rather than hidden behind the refusal.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.changes, self.aside, self.merged = frame, [], [], 0
        self.refused: list[FixerError] = []

    def apply(self, fixer, *args) -> None:
        try:
            outcome = fixer(self.frame, *args)
        except FixerError as refusal:
            self.refused.append(refusal)
            return
        self.frame = outcome.frame
        self.changes += outcome.changes
        self.merged += outcome.merged
        if outcome.quarantined is not None:
            self.aside.append(outcome.quarantined)


def fix_table(table: Table, raw: pd.DataFrame, parents: dict[str, pd.DataFrame], registry: Registry) -> _Steps:
    """Run the table's fixers in order on an export read by `read_table`."""
    steps = _Steps(raw)
    # Renames first: every later fixer finds columns by their declared names.
    for fix in table.fixes:
        if isinstance(fix, Rename):
            steps.apply(rename_column, table, fix)
    steps.apply(cast_integers, table)
    steps.apply(leave_out_not_a_number, table)
    for fix in table.fixes:
        if not isinstance(fix, Rename):
            steps.apply(_DERIVING_FIXERS[type(fix)], table, fix)
    # After ParseTimestamps, which may rewrite the column the expiry is computed from.
    if table.expiry is not None:
        steps.apply(derive_expiry, table, table.expiry)
    steps.apply(leave_out_empty_index_keys, table)
    # Duplicates after derivation (the merge compares whole rows) and before orphans (one verdict per item).
    steps.apply(resolve_duplicates, table)
    steps.apply(quarantine_orphans, table, parents, registry)
    declared = [c for c in table.columns if c in steps.frame.columns]
    undeclared = [c for c in steps.frame.columns if c not in table.columns]
    steps.frame = steps.frame[declared + undeclared]
    return steps


@dataclass
class FixedExport:
    """What fixing an export made: the ledger, and each table written to `fixed/` as its file reads back."""

    ledger: Ledger
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Tables a fixer refused: the frame as far as the fixers got, and the refusals. Checked, never written nor loaded.
    refused: dict[str, tuple[pd.DataFrame, list[FixerError]]] = field(default_factory=dict)


def fix_export(data_dir: Path, out_dir: Path, registry: Registry, *, max_bytes: int | None = None) -> FixedExport:
    """Fix every table of `data_dir` into `out_dir`; `data_dir` is only read.

    Whatever goes wrong with one table (its file refused or unreadable, a
    fixer refusing to guess, a full disk, an error nobody foresaw) becomes that
    table's `error` in the ledger; the other tables are still fixed.
    `max_bytes` overrides every table's declared file size limit. The frames
    are those `write_csv` returned: the checks take them as they are rather
    than reading every file again.
    """
    fixed_dir, quarantine_dir = out_dir / "fixed", out_dir / "quarantine"
    _refuse_overlap(data_dir, out_dir, (fixed_dir, quarantine_dir))
    for folder in (fixed_dir, quarantine_dir):
        try:
            _replace_own_folder(folder)
        except OSError as error:
            raise UnusableOutDir(
                f"cannot prepare {folder} ({error.strerror or type(error).__name__}); "
                "choose a writable --out-dir with free space"
            ) from None
    ledger = Ledger()
    fixed = FixedExport(ledger)
    refixing = is_fixers_output(data_dir)
    for table in registry.tables:
        entry = TableEntry(table=table.name, file=table.file)
        ledger.tables[table.name] = entry
        missing_parents = [
            fk.parent for fk in table.foreign_keys if fk.on_orphan == "quarantine" and fk.parent not in fixed.frames
        ]
        if missing_parents:
            entry.error = f"{table.file}: cannot check orphans: {', '.join(missing_parents)} could not be fixed"
            entry.blocked_by = missing_parents
            continue
        try:
            raw = read_table(data_dir / table.file, table, fixed=refixing, folder=data_dir, max_bytes=max_bytes)
        except Exception as error:  # any failure to read is this table's failure
            entry.error = failure_message(table.file, "read", error)
            continue
        # Counted from the file's bytes, not from the frame: the ledger then reconciles two readings of the export.
        entry.raw_rows, encoding = count_records(data_dir / table.file), raw.attrs["encoding"]
        try:
            steps = fix_table(table, raw, fixed.frames, registry)
        except Exception as error:  # any failure to fix is this table's failure
            entry.error = failure_message(table.file, "fix", error)
            continue
        del raw
        if steps.refused:
            entry.error = "\n".join(str(r) for r in steps.refused)
            fixed.refused[table.name] = (steps.frame, steps.refused)
            continue
        if encoding != "utf-8":
            steps.changes.insert(
                0, Change("transcode_to_utf8", None, entry.raw_rows, f"read as {encoding}, written as UTF-8")
            )
        try:
            frame, quarantined = _write(steps, table, fixed_dir, quarantine_dir)
        except Exception as error:  # a full or read-only disk blocks this table, not the run
            entry.error = failure_message(f"{fixed_dir.name}/{table.file}", "write", error)
            continue
        fixed.frames[table.name] = frame
        entry.items, entry.merged, entry.quarantined = len(frame), steps.merged, quarantined
        entry.changes = steps.changes
    return fixed


def _write(steps: _Steps, table: Table, fixed_dir: Path, quarantine_dir: Path) -> tuple[pd.DataFrame, int]:
    """Write the fixed rows and the rows set aside; returns the fixed rows as written and how many were set aside.

    Nothing half-written is left.
    """
    written = []
    try:
        written.append(fixed_dir / table.file)
        frame = write_csv(steps.frame, written[-1])
        steps.frame = None  # the written frame replaces it: a table is held once
        if not steps.aside:
            return frame, 0
        set_aside = pd.concat(steps.aside).sort_index()
        set_aside.insert(0, "line", [line_of(i) for i in set_aside.index])
        written.append(quarantine_dir / table.file)
        write_csv(set_aside, written[-1], neutralise_formulas=True)
        return frame, len(set_aside)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def overlap_problem(data_dir: Path, out_dir: Path) -> str | None:
    """An out dir that is the export or inside it: a run writes there (the fixers, run.json), so it is refused."""
    data, out = data_dir.resolve(), out_dir.resolve()
    if out == data or data in out.parents:
        return (
            f"--out-dir {out_dir} is {'' if out == data else 'inside '}--data-dir {data_dir}; "
            "a run never writes into the export: choose an --out-dir outside it"
        )
    return None


def _refuse_overlap(data_dir: Path, out_dir: Path, replaced: tuple[Path, ...]) -> None:
    data = data_dir.resolve()
    problem = overlap_problem(data_dir, out_dir)
    if problem:
        raise OverlappingFolders(problem)
    for folder in replaced:
        if data == folder.resolve() or folder.resolve() in data.parents:
            raise OverlappingFolders(
                f"{data_dir} is inside {folder}, which the fixers empty and rewrite; "
                "choose another --out-dir (the fixers never write over their input)"
            )


def _replace_own_folder(folder: Path) -> None:
    """Empty `folder` if the fixers wrote it (or it is empty), else refuse; it is left marked and private."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ForeignFolder(f"{folder} is not a folder the fixers wrote; move it away or choose another --out-dir")
    if folder.exists():
        if any(folder.iterdir()) and not (folder / FIXERS_OUTPUT_MARKER).is_file():
            raise ForeignFolder(
                f"{folder} exists and has no {FIXERS_OUTPUT_MARKER} file, so the fixers did not write it "
                "and will not delete it; move it away or choose another --out-dir"
            )
        shutil.rmtree(folder)
    private_folder(folder)
    marker = folder / FIXERS_OUTPUT_MARKER
    marker.write_text("Written by the fixers: an empty cell is an attribute left out.\n", encoding="utf-8")
    marker.chmod(PRIVATE_FILE)
