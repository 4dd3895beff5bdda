"""The data contracts: the single source of truth for every table.

`TABLES` lists every table in load order (parents before the tables that point
at them); `NOT_TABLES` lists the files that are deliberately not loaded. Add a
table by declaring it in a module of `contracts/tables/` and listing it in that
module's `TABLES`.
"""
from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from contracts.errors import ContractDeclarationError
from contracts.not_tables import NOT_TABLES
from contracts.table import ForeignKey, Index, NotATable, Table
from contracts.tables import cargo, crew, disruption, flights, maintenance, passengers, reference

_DECLARED = (
    reference.TABLES
    + flights.TABLES
    + passengers.TABLES
    + crew.TABLES
    + maintenance.TABLES
    + cargo.TABLES
    + disruption.TABLES
)


def _check_registry(tables: tuple[Table, ...], not_tables: tuple[NotATable, ...]) -> None:
    by_name = {t.name: t for t in tables}
    problems = []
    for kind, values in (("table name", [t.name for t in tables]), ("file", [t.file for t in tables] + [n.file for n in not_tables])):
        seen = set()
        for value in values:
            if value in seen:
                problems.append(f"{kind} {value!r} is declared twice")
            seen.add(value)
    for table in tables:
        for fk in table.foreign_keys:
            parent = by_name.get(fk.parent)
            if parent is None:
                problems.append(f"{table.name}.{fk.column} points at {fk.parent!r}, which is not a declared table")
            elif parent_key(fk, parent) not in parent.columns:
                problems.append(f"{table.name}.{fk.column} points at {fk.parent}.{fk.parent_column}, which is not a column")
    if problems:
        raise ContractDeclarationError("the registry", problems)


def parent_key(fk: ForeignKey, parent: Table) -> str:
    """The parent column a foreign key points at: its hash key unless declared."""
    return fk.parent_column or parent.key[0]


def _load_order(tables: tuple[Table, ...]) -> tuple[Table, ...]:
    by_name = {t.name: t for t in tables}
    graph = {t.name: {fk.parent for fk in t.foreign_keys if fk.parent != t.name} for t in tables}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise ContractDeclarationError("the registry", [f"foreign keys form a cycle: {error.args[1]}"]) from None
    return tuple(by_name[name] for name in order)


_check_registry(_DECLARED, NOT_TABLES)
TABLES: tuple[Table, ...] = _load_order(_DECLARED)
TABLES_BY_NAME = {t.name: t for t in TABLES}
TABLES_BY_FILE = {t.file: t for t in TABLES}
NOT_TABLES_BY_FILE = {n.file: n for n in NOT_TABLES}

__all__ = ["TABLES", "TABLES_BY_NAME", "TABLES_BY_FILE", "NOT_TABLES", "NOT_TABLES_BY_FILE", "Index", "ForeignKey", "Table", "parent_key"]
