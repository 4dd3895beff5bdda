"""One expectation suite per table, derived from its contract and holding no data.

A suite names its table and says: every foreign key value is one of the
parent's keys, the table holds as many rows as the ledger accounts for, and
every row has its key, once. The parent's keys and the ledger's count are not
in the suite: each is a `$PARAMETER` the run supplies, so the saved suite is
the same whatever the data, and the same suites serve both stages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from contracts import TABLES_BY_NAME, ForeignKey, Table, parent_key

# What each expectation checks, kept in its `meta` so a result maps back to the rule that failed.
FOREIGN_KEY = "foreign key"
ROW_COUNT = "row count"
KEY_PRESENT = "key present"
KEY_UNIQUE = "key unique"


@dataclass(frozen=True)
class ForeignKeyCheck:
    table: Table
    fk: ForeignKey
    parent: Table

    @property
    def parent_column(self) -> str:
        return parent_key(self.fk, self.parent)

    @property
    def label(self) -> str:
        """`bookings.flight_id->flights`; the parent column is named when it is not the parent's key."""
        target = self.fk.parent if self.fk.parent_column is None else f"{self.fk.parent}.{self.parent_column}"
        return f"{self.table.name}.{self.fk.column}->{target}"

    @property
    def parameter(self) -> str:
        return keys_parameter(self.fk.parent, self.parent_column)


def foreign_key_checks(tables) -> list[ForeignKeyCheck]:
    """Every foreign key of `tables`; a parent is looked up among `tables`, then among the declared tables."""
    by_name = TABLES_BY_NAME | {t.name: t for t in tables}
    return [ForeignKeyCheck(t, fk, by_name[fk.parent]) for t in tables for fk in t.foreign_keys]


def _name(text: str) -> str:
    # GX parses a parameter name as an identifier: no dots, no arrows.
    return re.sub(r"\W", "_", text)


def keys_parameter(table_name: str, column: str) -> str:
    """The run parameter holding the values of a parent column, shared by every child pointing at it."""
    return f"keys_of_{_name(table_name)}__{_name(column)}"


def rows_parameter(table_name: str) -> str:
    return f"rows_of_{_name(table_name)}"


def suite_columns(table: Table) -> tuple[str, ...]:
    """The columns the suite reads: the key and the foreign keys. GX is handed nothing else."""
    return tuple(dict.fromkeys(table.key + tuple(fk.column for fk in table.foreign_keys)))


def personal_columns(table: Table, tables) -> frozenset[str]:
    """The suite columns to pseudonymise: personal ones, and those a foreign key links to a personal one.

    Both ends of a link get the same keyed hash, so a value still matches its parent's key.
    """
    personal = set(table.pii)
    for check in foreign_key_checks(tables):
        parent = check.parent
        linked = check.fk.column in check.table.pii or check.parent_column in parent.pii
        if linked and check.table.name == table.name:
            personal.add(check.fk.column)
        if linked and parent.name == table.name:
            personal.add(check.parent_column)
    return frozenset(personal) & frozenset(suite_columns(table))


def expectations(table: Table, tables, *, ledger: bool) -> list:
    """The table's expectations; the row count only when a ledger says how many rows there should be."""
    import great_expectations.expectations as gxe

    out = []
    for check in foreign_key_checks(tables):
        if check.table.name != table.name:
            continue
        out.append(gxe.ExpectColumnValuesToBeInSet(
            column=check.fk.column, value_set={"$PARAMETER": check.parameter},
            meta={"rule": FOREIGN_KEY, "foreign_key": check.label}))
    if ledger:
        out.append(gxe.ExpectTableRowCountToEqual(value={"$PARAMETER": rows_parameter(table.name)}, meta={"rule": ROW_COUNT}))
    for column in table.key:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=column, meta={"rule": KEY_PRESENT}))
    if len(table.key) == 1:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=table.key[0], meta={"rule": KEY_UNIQUE}))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(table.key), meta={"rule": KEY_UNIQUE}))
    return out


def build_suite(table: Table, tables, *, ledger: bool):
    """The table's suite, named after the table; `tables` holds its parents."""
    import great_expectations as gx

    return gx.ExpectationSuite(name=table.name, expectations=expectations(table, tables, ledger=ledger),
                               meta={"file": table.file, "key": list(table.key)})
