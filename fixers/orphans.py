"""The fixer that sets aside rows whose declared foreign key points at no row."""

from __future__ import annotations

import pandas as pd

from contracts.keys import comparable_cells
from contracts.registry import Registry, parent_key
from contracts.table import Table
from fixers.outcome import Change, Outcome, quarantine


def quarantine_orphans(
    frame: pd.DataFrame, table: Table, parents: dict[str, pd.DataFrame], registry: Registry
) -> Outcome:
    """Rows whose foreign key (declared `on_orphan="quarantine"`) has no parent row are set aside.

    A row pointing nowhere through several foreign keys is set aside once,
    with every reason ("a has no row in A; b has no row in B").
    """
    reasons = pd.Series("", index=frame.index, dtype=object)
    changes = []
    for fk in table.foreign_keys:
        if fk.on_orphan != "quarantine" or fk.column not in frame.columns:
            continue
        parent = registry.parent(fk)
        column = parent_key(fk, parent)
        known = set(comparable_cells(parents[fk.parent][column], parent.attribute_type(column)).dropna())
        values = comparable_cells(frame[fk.column], table.attribute_type(fk.column))
        orphan = values.notna() & ~values.isin(known)
        if orphan.any():
            told = f"{fk.column} " + frame.loc[orphan, fk.column].astype(str) + f" has no row in {fk.parent}"
            reasons[orphan] = reasons[orphan].where(reasons[orphan] == "", reasons[orphan] + "; ") + told
            changes.append(
                Change(
                    "quarantine_orphans", fk.column, int(orphan.sum()), f"rows pointing at no {fk.parent} quarantined"
                )
            )
    aside = reasons != ""
    if not aside.any():
        return Outcome(frame)
    kept, removed = quarantine(frame, aside, reasons)
    return Outcome(kept, changes, removed)
