"""The pre-upload gate: every check of every table, run once, kept per check.

pandera's checks (contracts.checks) look at one file at a time; the Great
Expectations checkpoint (contracts.expectations) checks what needs more than
one: foreign keys against the parents' keys and row counts against the
ledger. The loader writes only tables with no violation, and the pre-upload
suite reports these same results one test per check, so what is loaded is
exactly what the tests passed. A table whose foreign key points at a blocked
table is blocked too, with the parent's reason: loading it would put rows
live that point at rows that are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from contracts.checks import (
    check_blank_keys,
    check_columns,
    check_dynamodb_rules,
    check_encoding,
    check_primary_key,
    check_schema,
)
from contracts.expectations import GxResults, foreign_key_checks, validate
from contracts.table import Table
from contracts.violations import Violation

TABLE_CHECKS = {
    "encoding": check_encoding,
    "columns": check_columns,
    "schema": check_schema,
    "primary key": check_primary_key,
    "dynamodb rules": check_dynamodb_rules,
}


@dataclass
class GateResult:
    """The violations of each table by check (a foreign key's check is its label), and the reading errors."""

    errors: dict[str, str]  # table: why it could not be read or fixed
    violations: dict[str, dict[str, list[Violation]]] = field(default_factory=dict)
    expectations: GxResults | None = None
    # Orphans of foreign keys declared on_orphan="keep": loaded, and reported rather than blocking.
    kept: dict[str, dict[str, list[Violation]]] = field(default_factory=dict)
    # {table: {foreign key label: its parent}} for keys into a blocked parent: not checked, and the child is blocked.
    upstream: dict[str, dict[str, str]] = field(default_factory=dict)

    def reasons(self, table_name: str) -> list[str]:
        """Why the table must not be loaded; empty when it may be. A table a fixer refused: the refusals."""
        if table_name in self.errors:
            return [self.errors[table_name]]
        return [str(v) for found in self.violations.get(table_name, {}).values() for v in found]

    def verdicts(self) -> dict[str, list[str]]:
        return {name: self.reasons(name) for name in self.violations.keys() | self.errors.keys()}

    def loadable(self, table_name: str) -> bool:
        return not self.reasons(table_name)

    def unread(self, table_name: str) -> bool:
        """The table could not be read (or fixed and checked): none of its checks ran."""
        return table_name in self.errors and table_name not in self.violations

    def kept_orphans(self) -> dict[str, dict[str, int]]:
        """{table: {foreign key column: rows kept although they point at no parent row}}."""
        return {
            name: {v.column: v.count for found in checks.values() for v in found}
            for name, checks in self.kept.items()
            if any(checks.values())
        }


def gate(
    tables: tuple[Table, ...],
    frames: dict[str, pd.DataFrame],
    errors: dict[str, str],
    row_counts: dict[str, int] | None,
    out_dir: Path,
    refused: dict[str, dict[str, list[Violation]]] | None = None,
    run_name: str | None = None,
) -> GateResult:
    """Run every check on every table that could be read; the GX checkpoint writes its Data Docs under `out_dir`.

    `refused`: per table a fixer refused (in `errors`, so blocked), its refusals by check ("fixes", or
    "primary key" for a duplicate policy that cannot resolve the repeats, which then stand for the repeats the
    key check would find); its frame, as far as the fixers got, is checked all the same. `run_name` names the
    run's results and Data Docs pages.
    """
    result = GateResult(dict(errors))
    refused = refused or {}
    readable = {
        t.name: frames[t.name] for t in tables if t.name in frames and (t.name not in errors or t.name in refused)
    }

    def table_checks() -> None:  # done while the checkpoint runs: beside it, on the other core, for a large export
        for table in tables:
            if table.name in readable:
                frame, refusals = readable[table.name], refused.get(table.name, {})
                found = {name: check(table, frame) for name, check in TABLE_CHECKS.items()}
                if "primary key" in refusals:
                    found["primary key"] = check_blank_keys(table, frame) + refusals["primary key"]
                found["fixes"] = refusals.get("fixes", [])
                result.violations[table.name] = found

    counts = {name: row_counts[name] for name in readable if name in row_counts} if row_counts is not None else None
    result.expectations = validate(
        "preupload", readable, counts, out_dir, tables, meanwhile=table_checks, run_name=run_name
    )
    for fk in foreign_key_checks(tables):
        if fk.table.name in readable:
            found = result.expectations.foreign_key(fk)
            if fk.fk.on_orphan == "keep":
                remedy = 'loaded all the same, as the contract declares (on_orphan="keep"); add the parent rows to make them whole'
                result.kept.setdefault(fk.table.name, {})[fk.label] = [replace(v, remedy=remedy) for v in found]
                found = []
            result.violations[fk.table.name][fk.label] = found
    if counts is not None:
        for name in counts:
            result.violations[name]["row count"] = result.expectations.row_count(name)
    _block_children_of_blocked_parents(tables, readable, result)
    return result


def _block_children_of_blocked_parents(
    tables: tuple[Table, ...], readable: dict[str, pd.DataFrame], result: GateResult
) -> None:
    """In load order, so that a grandchild of a blocked table is blocked through its blocked parent."""
    for fk in foreign_key_checks(tables):
        child, parent = fk.table, fk.fk.parent
        if child.name not in readable or parent == child.name or result.loadable(parent):
            continue
        if parent in readable and result.violations[child.name][fk.label]:
            continue  # orphans found against the parent's rows stand on their own
        first = result.reasons(parent)[0].splitlines()[0]
        result.upstream.setdefault(child.name, {})[fk.label] = parent
        result.violations[child.name][fk.label] = [
            Violation(
                child.name,
                child.file,
                "foreign key",
                fk.fk.column,
                len(readable[child.name]),
                f"every {fk.fk.column} to name a row of {parent}, which is blocked ({first})",
                f"these rows cannot be checked against rows that will not be loaded: fix {parent} first",
            )
        ]
