"""The fixer that sets aside rows whose declared foreign key points at no row."""
from __future__ import annotations

import pandas as pd

from contracts import TABLES_BY_NAME, parent_key
from contracts.keys import comparable
from contracts.table import Table
from fixers.outcome import Change, Outcome, quarantine


def quarantine_orphans(frame: pd.DataFrame, table: Table, parents: dict[str, pd.DataFrame]) -> Outcome:
    """Rows whose foreign key (declared `on_orphan="quarantine"`) has no parent row are set aside."""
    out, changes, aside = frame, [], []
    for fk in table.foreign_keys:
        if fk.on_orphan != "quarantine" or fk.column not in out.columns:
            continue
        parent = TABLES_BY_NAME[fk.parent]
        column = parent_key(fk, parent)
        known = set(comparable(parents[fk.parent][column], parent.attribute_type(column)).dropna())
        values = comparable(out[fk.column], table.attribute_type(fk.column))
        orphan = values.notna() & ~values.isin(known)
        if orphan.any():
            reasons = f"{fk.column} " + out[fk.column].astype(str) + f" has no row in {fk.parent}"
            out, removed = quarantine(out, orphan, reasons)
            aside.append(removed)
            changes.append(Change("quarantine_orphans", fk.column, len(removed), f"rows pointing at no {fk.parent} quarantined"))
    return Outcome(out, changes, pd.concat(aside) if aside else None)
