"""The tables as the checks see them: the fixers' output, or with `fix=False` the export as it is."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from contracts import TABLES, Table
from contracts.errors import ContractError
from contracts.source import is_fixers_output, read_table
from fixers.ledger import Ledger
from fixers.run import fix_all

LEDGER = "ledger.json"


@dataclass
class Dataset:
    """Frames by table name; a table that could not be read or fixed has its reason in `errors`."""

    folder: Path
    fixed: bool
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    ledger: Ledger | None = None


def load_dataset(data_dir: Path, out_dir: Path, *, fix: bool, tables: tuple[Table, ...] = TABLES) -> Dataset:
    if fix:
        ledger = fix_all(data_dir, out_dir, tables)
        ledger.write(out_dir / LEDGER)
        dataset = Dataset(out_dir / "fixed", fixed=True, ledger=ledger)
        dataset.errors = {name: e.error for name, e in ledger.tables.items() if e.error}
    else:
        dataset = Dataset(data_dir, fixed=False)
    for table in tables:
        path = dataset.folder / table.file
        if table.name in dataset.errors:
            continue
        if not path.exists():
            dataset.errors[table.name] = f"{table.file} is not in {dataset.folder}; export it, or correct Table.file in the {table.name} contract"
            continue
        try:
            dataset.frames[table.name] = read_table(path, table, fixed=is_fixers_output(dataset.folder))
        except ContractError as error:
            dataset.errors[table.name] = str(error)
    return dataset
