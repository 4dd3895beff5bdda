"""The pre-upload gate: every file and table of the export against its contract.

Each test reports one check of the gate's single run (`contracts_gate_result`), the same
run whose verdict decides what the loader writes.
"""

from __future__ import annotations

import warnings

import pytest

from contracts.violations import report
from plugin.suites.blocked import short

pytestmark = pytest.mark.preupload


class OrphansKept(UserWarning):
    """Rows that point at no parent row and are loaded all the same, as their foreign key declares."""


def checked(contracts_gate_result, table, check: str):
    """The violations of one check of a table; skipped, with the cause, if the table could not be read or fixed:
    test_file_reads reports that once, and no check can run on a file that was not read."""
    __tracebackhide__ = True
    if contracts_gate_result.unread(table.name):
        pytest.skip(f"blocked: {table.name} could not be read: {short(contracts_gate_result.errors[table.name])}")
    return contracts_gate_result.violations[table.name][check]


def assert_no_violations(violations):
    __tracebackhide__ = True
    if violations:
        pytest.fail(report(violations), pytrace=False)


def test_file_is_declared(csv_file, contracts_settings):
    """Every CSV in the export is a table's file or listed as not one; an unknown file is not ignored."""
    registry = contracts_settings.registry
    if csv_file not in registry.by_file and csv_file not in registry.not_tables_by_file:
        pytest.fail(
            f"{csv_file} is neither bound to a table nor listed as not one. Declare its table in {registry.source}, "
            "or list it in its NOT_TABLES with the reason it is not loaded.",
            pytrace=False,
        )


def test_file_reads(table, contracts_gate_result, contracts_dataset):
    """The file reads, and the fixes its contract declares could be carried out (a fixer that would have to
    guess refuses, and the table's other checks still run on the rest). A table not fixed because a parent
    could not be is skipped with that cause: the parent's failure is the one to mend."""
    if contracts_gate_result.unread(table.name):
        ledger = contracts_dataset.ledger
        parents = ledger.tables[table.name].blocked_by if ledger and table.name in ledger.tables else []
        if parents:
            pytest.skip(
                f"blocked: {', '.join(parents)} could not be fixed, so {table.file}'s orphans cannot be "
                f"checked; mend {', '.join(parents)} first"
            )
        pytest.fail(contracts_gate_result.errors[table.name], pytrace=False)
    assert_no_violations(checked(contracts_gate_result, table, "fixes"))


def test_encoding(table, contracts_gate_result):
    assert_no_violations(checked(contracts_gate_result, table, "encoding"))


def test_columns(table, contracts_gate_result):
    assert_no_violations(checked(contracts_gate_result, table, "columns"))


def test_schema(table, contracts_gate_result):
    """pandera, lazily: types, formats, ranges, accepted values, nullability."""
    assert_no_violations(checked(contracts_gate_result, table, "schema"))


def test_primary_key(table, contracts_gate_result):
    assert_no_violations(checked(contracts_gate_result, table, "primary key"))


def test_dynamodb_rules(table, contracts_gate_result):
    assert_no_violations(checked(contracts_gate_result, table, "dynamodb rules"))


def test_foreign_keys(fk_check, contracts_gate_result):
    """Great Expectations: every value names a row of the parent; orphans of an on_orphan="keep" key are reported.

    A key into a parent that is blocked is not checked: the parent's own checks say why, once.
    """
    parent = contracts_gate_result.upstream.get(fk_check.table.name, {}).get(fk_check.label)
    if parent is not None:
        pytest.skip(
            f"blocked: {parent} failed its pre-upload checks: {short(contracts_gate_result.reasons(parent)[0])}"
        )
    assert_no_violations(checked(contracts_gate_result, fk_check.table, fk_check.label))
    kept = contracts_gate_result.kept.get(fk_check.table.name, {}).get(fk_check.label)
    if kept:
        warnings.warn(OrphansKept(report(kept)), stacklevel=1)


def test_ledger_reconciles(ledger_table, contracts_gate_result):
    """Every record of the raw file, counted from its bytes, is an item, merged by the declared policy, or quarantined.

    The gate's row count: the fixed frame against the raw records less those merged and set aside. A table
    whose fixes were refused has no figure in the ledger: test_file_reads reports it, once.
    """
    if not contracts_gate_result.unread(ledger_table.name) and ledger_table.name in contracts_gate_result.errors:
        pytest.skip(
            f"not checked: the ledger has no count for {ledger_table.name}, whose fixes were refused "
            f"(see test_file_reads[{ledger_table.name}])"
        )
    assert_no_violations(checked(contracts_gate_result, ledger_table, "row count"))
