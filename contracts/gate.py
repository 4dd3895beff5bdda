"""The pre-upload verdict per table: every check of the gate, run outside pytest for the loader.

The loader writes only tables with no violation; the others are named with
their reasons. A table whose foreign key points at a blocked table is blocked
too, with the parent's reason: its rows cannot be checked against rows that
will not be loaded. The pre-upload suite runs the same checks one test at a
time.
"""
from __future__ import annotations

import pandas as pd

from contracts import Table
from contracts.checks import check_columns, check_dynamodb_rules, check_encoding, check_primary_key, check_schema
from contracts.expectations import check_foreign_key, foreign_key_checks

TABLE_CHECKS = (check_encoding, check_columns, check_schema, check_primary_key, check_dynamodb_rules)


def gate(tables: tuple[Table, ...], frames: dict[str, pd.DataFrame], errors: dict[str, str]) -> dict[str, list[str]]:
    """{table name: reasons it must not be loaded}; an empty list means it may be loaded.

    `tables` in load order (parents first), as `contracts.TABLES` is.
    """
    reasons: dict[str, list[str]] = {t.name: [] for t in tables}
    for table in tables:
        if table.name in errors:
            reasons[table.name].append(errors[table.name])
            continue
        for check in TABLE_CHECKS:
            reasons[table.name] += [str(v) for v in check(table, frames[table.name])]
    for fk in foreign_key_checks(tables):
        child, parent = fk.table.name, fk.fk.parent
        if child in errors or parent == child:
            continue
        if parent not in reasons:
            reasons[child].append(f"{fk.label}: the parent table {parent} is not among the tables checked")
            continue
        if parent not in frames:
            continue  # blocked below, with the parent's reason
        reasons[child] += [str(v) for v in check_foreign_key(fk, frames[child], frames[parent])]
    for fk in foreign_key_checks(tables):
        child, parent = fk.table.name, fk.fk.parent
        if parent != child and reasons.get(parent) and not reasons[child]:
            first = reasons[parent][0].splitlines()[0]
            reasons[child].append(f"{fk.label}: the parent table {parent} is blocked, so these rows cannot be checked ({first})")
    return reasons


