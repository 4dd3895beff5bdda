"""The pre-upload gate: every file and table of the export against its contract.

Each test reports one check of the gate's single run (`gate_result`), the same
run whose verdict decides what the loader writes.
"""
from __future__ import annotations

import pytest

from contracts import NOT_TABLES_BY_FILE, TABLES_BY_FILE
from contracts.violations import report

pytestmark = pytest.mark.preupload


def checked(gate_result, table, check: str):
    """The violations of one check of a table; the test fails at once if the table could not be read."""
    __tracebackhide__ = True
    if table.name in gate_result.errors:
        pytest.fail(f"{table.name}: {gate_result.errors[table.name]}", pytrace=False)
    return gate_result.violations[table.name][check]


def assert_no_violations(violations):
    __tracebackhide__ = True
    if violations:
        pytest.fail(report(violations), pytrace=False)


def test_file_is_declared(csv_file):
    """Every CSV in the export is a table's file or listed as not one; an unknown file is not ignored."""
    if csv_file not in TABLES_BY_FILE and csv_file not in NOT_TABLES_BY_FILE:
        pytest.fail(
            f"{csv_file} is neither bound to a table nor listed as not one. "
            "Declare its table in contracts/tables/, or list it with its reason in contracts/not_tables.py.",
            pytrace=False,
        )


def test_file_reads(table, gate_result):
    checked(gate_result, table, "encoding")


def test_encoding(table, gate_result):
    assert_no_violations(checked(gate_result, table, "encoding"))


def test_columns(table, gate_result):
    assert_no_violations(checked(gate_result, table, "columns"))


def test_schema(table, gate_result):
    """pandera, lazily: types, formats, ranges, accepted values, nullability."""
    assert_no_violations(checked(gate_result, table, "schema"))


def test_primary_key(table, gate_result):
    assert_no_violations(checked(gate_result, table, "primary key"))


def test_dynamodb_rules(table, gate_result):
    assert_no_violations(checked(gate_result, table, "dynamodb rules"))


def test_foreign_keys(fk_check, gate_result):
    """Great Expectations: every value names a row of the parent (ExpectColumnValuesToBeInSet)."""
    assert_no_violations(checked(gate_result, fk_check.table, fk_check.label))


def test_ledger_reconciles(ledger_table, dataset, gate_result):
    """Every raw row is an item, merged by the declared policy, or quarantined; the fixed file holds the items."""
    entry = dataset.ledger.tables[ledger_table.name]
    assert entry.reconciles, (
        f"{ledger_table.name}: raw_rows {entry.raw_rows} != items {entry.items} + merged {entry.merged} "
        f"+ quarantined {entry.quarantined}"
    )
    assert_no_violations(checked(gate_result, ledger_table, "row count"))
