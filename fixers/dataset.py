"""The tables as the checks see them: the fixers' output, or with `fix=False` the export as it is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from contracts.errors import failure_message
from contracts.registry import Registry
from contracts.source import is_fixers_output, read_table, refuse_written
from contracts.violations import Violation
from fixers.ledger import Ledger
from fixers.run import fix_export

LEDGER = "ledger.json"
# Their refusal is about the primary key: the gate reports it as that check's, in place of the repeats it would find.
DUPLICATE_FIXERS = frozenset({"resolve_duplicates", "drop_exact_copies", "merge_into_set", "keep_latest"})


@dataclass
class Dataset:
    """Frames by table name; a table that could not be read or fixed has its one-line reason in `errors`.

    A table a fixer refused to fix has its refusals in `errors`, which block it,
    and also its frame as far as the fixers got and the refusals in `refused`
    (by the gate's check they belong to): the checks still run on it, so every
    problem of the file is reported in one run.
    """

    folder: Path
    fixed: bool
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    ledger: Ledger | None = None
    refused: dict[str, dict[str, list[Violation]]] = field(default_factory=dict)


def load_dataset(
    data_dir: Path,
    out_dir: Path,
    registry: Registry,
    *,
    fix: bool,
    run_id: str | None = None,
    started: datetime | None = None,
    max_bytes: int | None = None,
) -> Dataset:
    """Fix every table (the frames are the fixed files as written), or with `fix=False` read the export as it is.

    A failure of one table is in `errors`, never raised.

    The ledger carries `run_id` (a new one if not given) and `started` (now if
    not given). The previous run's ledger is removed first, so a run that
    stops before the end leaves none rather than one that looks current.
    `max_bytes` overrides every table's declared file size limit.
    """
    if fix:
        (out_dir / LEDGER).unlink(missing_ok=True)
        fixed = fix_export(data_dir, out_dir, registry, max_bytes=max_bytes)
        ledger = fixed.ledger
        ledger.run_id = run_id or uuid.uuid4().hex
        ledger.started = (started or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
        ledger.write(out_dir / LEDGER)
        dataset = Dataset(out_dir / "fixed", fixed=True, ledger=ledger)
        dataset.errors = {name: e.error for name, e in ledger.tables.items() if e.error}
        for name, (frame, refusals) in fixed.refused.items():
            dataset.frames[name] = frame
            for refusal in refusals:
                check = "primary key" if refusal.fixer in DUPLICATE_FIXERS else "fixes"
                dataset.refused.setdefault(name, {}).setdefault(check, []).append(refusal.violation(name, len(frame)))
        for table in registry.tables:
            if table.name in dataset.errors or table.name in fixed.refused:
                continue
            try:
                refuse_written(dataset.folder / table.file, table, fixed.frames[table.name], max_bytes=max_bytes)
            except Exception as error:  # refused as a read of the file would refuse it
                dataset.errors[table.name] = failure_message(table.file, "read", error)
                continue
            dataset.frames[table.name] = fixed.frames[table.name]
        return dataset
    dataset = Dataset(data_dir, fixed=False)
    refixed = is_fixers_output(dataset.folder)
    for table in registry.tables:
        try:
            dataset.frames[table.name] = read_table(
                dataset.folder / table.file, table, fixed=refixed, folder=dataset.folder, max_bytes=max_bytes
            )
        except Exception as error:  # any failure to read is this table's failure
            dataset.errors[table.name] = failure_message(table.file, "read", error)
    return dataset
