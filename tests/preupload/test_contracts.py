"""The pre-upload gate: every file and table of the export against its contract."""
from __future__ import annotations

import pytest

from contracts import NOT_TABLES_BY_FILE, TABLES_BY_FILE, TABLES_BY_NAME
from contracts.checks import check_columns, check_dynamodb_rules, check_encoding, check_primary_key, check_schema
from contracts.expectations import check_foreign_key, check_row_count
from contracts.violations import report

pytestmark = pytest.mark.preupload


def checked_frame(dataset, table):
    __tracebackhide__ = True
    if table.name in dataset.errors:
        pytest.fail(f"{table.name}: {dataset.errors[table.name]}", pytrace=False)
    return dataset.frames[table.name]


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


def test_file_reads(table, dataset):
    checked_frame(dataset, table)


def test_encoding(table, dataset):
    assert_no_violations(check_encoding(table, checked_frame(dataset, table)))


def test_columns(table, dataset):
    assert_no_violations(check_columns(table, checked_frame(dataset, table)))


def test_schema(table, dataset):
    assert_no_violations(check_schema(table, checked_frame(dataset, table)))


def test_primary_key(table, dataset):
    assert_no_violations(check_primary_key(table, checked_frame(dataset, table)))


def test_dynamodb_rules(table, dataset):
    assert_no_violations(check_dynamodb_rules(table, checked_frame(dataset, table)))


def test_foreign_keys(fk_check, dataset):
    child = checked_frame(dataset, fk_check.table)
    parent = checked_frame(dataset, TABLES_BY_NAME[fk_check.fk.parent])
    assert_no_violations(check_foreign_key(fk_check, child, parent))


def test_ledger_reconciles(ledger_table, dataset):
    """Every raw row is an item, merged by the declared policy, or quarantined; the fixed file holds the items."""
    entry = dataset.ledger.tables[ledger_table.name]
    frame = checked_frame(dataset, ledger_table)
    assert entry.reconciles, (
        f"{ledger_table.name}: raw_rows {entry.raw_rows} != items {entry.items} + merged {entry.merged} "
        f"+ quarantined {entry.quarantined}"
    )
    assert_no_violations(check_row_count(ledger_table, frame, entry.items, f"{ledger_table.file} as fixed"))
