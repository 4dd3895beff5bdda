"""One expectation suite per table, derived from its contract and holding no data.

A suite names its table and says: every foreign key value is one of the
parent's keys, the table holds as many rows as the ledger accounts for, and
every row has its key, once. A foreign key is a query for the rows whose value
names no row of the parent table, which sits beside the child in the stage's
database; the ledger's count is a `$PARAMETER` the run supplies. So the saved
suite is the same whatever the data, and the same suites serve both stages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.expectations.batches import ROW, quoted
from contracts.registry import parent_key
from contracts.table import ForeignKey, Table

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

    def orphans_query(self, tables) -> str:
        """The child's rows, in order, whose value names no row of the parent; GX puts the child's table in `{batch}`.

        The value is selected beside the row only when it is not personal, so
        that GX keeps and renders no personal value, not even pseudonymised.
        A query with a join gets the batch without an alias of GX's own, so
        `child` names it.
        """
        column, parent = quoted(self.fk.column), quoted(self.parent_column)
        shown = "" if self.fk.column in personal_columns(self.table, tables) else f", child.{column}"
        return (
            f"SELECT child.{quoted(ROW)}{shown} FROM {{batch}} AS child"
            f" LEFT JOIN {quoted(self.fk.parent)} AS parent ON parent.{parent} = child.{column}"
            f" WHERE child.{column} IS NOT NULL AND parent.{parent} IS NULL ORDER BY child.{quoted(ROW)}"
        )


def foreign_key_checks(tables) -> list[ForeignKeyCheck]:
    """Every foreign key of `tables`, whose parents are among `tables` (a registry holds every parent)."""
    by_name = {t.name: t for t in tables}
    return [ForeignKeyCheck(t, fk, by_name[fk.parent]) for t in tables for fk in t.foreign_keys]


def _name(text: str) -> str:
    # GX parses a parameter name as an identifier: no dots, no arrows.
    return re.sub(r"\W", "_", text)


def rows_parameter(table_name: str) -> str:
    return f"rows_of_{_name(table_name)}"


def suite_columns(table: Table, tables) -> tuple[str, ...]:
    """The columns the suites read: the key, the foreign keys, and the columns a child's foreign key names.

    GX is handed nothing else.
    """
    referenced = tuple(c.parent_column for c in foreign_key_checks(tables) if c.parent.name == table.name)
    return tuple(dict.fromkeys(table.key + tuple(fk.column for fk in table.foreign_keys) + referenced))


def looked_up(table: Table, tables) -> list[tuple[str, ...]]:
    """The columns the suites find the table's rows by: its key, and each column a child's foreign key names."""
    referenced = [(c.parent_column,) for c in foreign_key_checks(tables) if c.parent.name == table.name]
    return list(dict.fromkeys([table.key, *referenced]))


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
    return frozenset(personal) & frozenset(suite_columns(table, tables))


def expectations(table: Table, tables, *, ledger: bool) -> list:
    """The table's expectations; the row count only when a ledger says how many rows there should be."""
    import great_expectations.expectations as gxe

    from contracts.expectations.orphans import ExpectForeignKeyValuesToNameAParentRow

    out = []
    for check in foreign_key_checks(tables):
        if check.table.name != table.name:
            continue
        out.append(
            ExpectForeignKeyValuesToNameAParentRow(
                unexpected_rows_query=check.orphans_query(tables),
                description=f"Every {check.fk.column} is the {check.parent_column} of a {check.fk.parent} row",
                meta={"rule": FOREIGN_KEY, "foreign_key": check.label, "column": check.fk.column},
            )
        )
    if ledger:
        out.append(
            gxe.ExpectTableRowCountToEqual(value={"$PARAMETER": rows_parameter(table.name)}, meta={"rule": ROW_COUNT})
        )
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

    return gx.ExpectationSuite(
        name=table.name,
        expectations=expectations(table, tables, ledger=ledger),
        meta={"file": table.file, "key": list(table.key)},
    )
