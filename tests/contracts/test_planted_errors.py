"""Every class of error data/README.md lists, planted in a copy of the export, is caught with a clear message."""

import shutil

import pytest

from data import manifest
from tests.pytest_run import ROOT, failures, run_suite, skip_reasons

SAMPLE = manifest.load()


def _appended_line(name: str, rows_before: int = 0) -> str:
    """The file line of a row appended to a raw file after `rows_before` other appended rows."""
    return f"line {SAMPLE.files[name].rows + 2 + rows_before}"


def _replace_in(path, old: bytes, new: bytes, count: int = 1) -> None:
    data = path.read_bytes()
    assert data.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_bytes(data.replace(old, new, count))


def _append_row(path, row: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(row + "\n")


def _first_row(path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[1]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("planted")
    copy = tmp / "export"
    shutil.copytree(ROOT / "data" / "raw", copy)
    # The seed's key mismatch: the contract's key is workorder_id, the file says work_order_id.
    _replace_in(copy / "maintenance_work_orders.csv", b"workorder_id", b"work_order_id")
    # The seed's wrong file: the staff table bound to the shift roster.
    shutil.copy(copy / "maintenance_roster.csv", copy / "maintenance_staff.csv")
    # A GSI hash key (bookings.flight_id, a number) with text in two rows.
    _replace_in(copy / "bookings.csv", b",1001,", b",EY101,", count=2)
    # A repeated primary key with other content and no merge policy: flights 1001 twice.
    first = _first_row(copy / "flights.csv").split(",")
    first[-1] = "CANCELLED" if first[-1] != "CANCELLED" else "DELAYED"
    _append_row(copy / "flights.csv", ",".join(first))
    # Numbers DynamoDB cannot hold.
    shipment = _first_row(copy / "cargo_shipments.csv").split(",")
    shipment[0], shipment[4] = "SH99998", "1.23456789012345678901234567890123456789"
    _append_row(copy / "cargo_shipments.csv", ",".join(shipment))
    shipment[0], shipment[4] = "SH99999", "Infinity"
    _append_row(copy / "cargo_shipments.csv", ",".join(shipment))
    # An item over 400 KB.
    notam = _first_row(copy / "notams.csv").split(",")
    notam[0], notam[-1] = "NT999", "X" * 410_000
    _append_row(copy / "notams.csv", ",".join(notam))
    # A CSV nobody declared.
    (copy / "mystery_export.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    # A byte no declared encoding explains (0x81 is undefined in Windows-1252).
    _replace_in(copy / "crew_members.csv", b"\n", b"\n\x81", count=1)
    return run_suite(
        tmp, "plugin/suites/test_preupload.py", "-m", "preupload", f"--data-dir={copy}", f"--out-dir={tmp / 'build'}"
    )


CAUGHT = {
    "key attribute not in its file": (
        "test_columns[MaintenanceWorkOrders]",
        ["missing column", "workorder_id (a key attribute)", "work_order_id"],
    ),
    "table bound to the wrong file": (
        "test_columns[MaintenanceStaff]",
        ["check that maintenance_staff.csv is the right file"],
    ),
    "GSI key of the wrong type": (
        "test_dynamodb_rules[bookings]",
        ["column flight_id", "'EY101'", "not a finite decimal number"],
    ),
    "GSI key of the wrong type (schema)": ("test_schema[bookings]", ["column flight_id", "an integer", "'EY101'"]),
    "duplicate key, no policy": (
        "test_primary_key[flights]",
        ["'1001'", "no policy is declared, so loading would silently overwrite rows"],
    ),
    "number over 38 digits": (
        "test_dynamodb_rules[CargoShipments]",
        ["39 significant digits", _appended_line("cargo_shipments.csv")],
    ),
    "infinite number": (
        "test_dynamodb_rules[CargoShipments]",
        ["'Infinity'", "not a finite decimal number", _appended_line("cargo_shipments.csv", 1)],
    ),
    "item over 400 KB": (
        "test_dynamodb_rules[notams]",
        ["items of at most 409600 bytes", _appended_line("notams.csv")],
    ),
    "unknown CSV": (
        "test_file_is_declared[mystery_export.csv]",
        ["neither bound to a table nor listed", "contracts.tables", "NOT_TABLES"],
    ),
    "undecodable byte": (
        "test_file_reads[CrewMembers]",
        ["crew_members.csv, line 2", "byte 0x81 is not valid utf-8 or windows-1252"],
    ),
}


@pytest.mark.parametrize("error_class", CAUGHT)
def test_planted_error_is_caught_with_a_clear_message(error_class, planted):
    test_id, phrases = CAUGHT[error_class]
    failed = failures(planted)
    assert test_id in failed, f"{test_id} passed"
    for phrase in phrases:
        assert phrase in failed[test_id], failed[test_id]


def test_tables_nobody_touched_still_pass(planted):
    for test_id in (
        "test_schema[passengers]",
        "test_primary_key[Baggage]",
        "test_foreign_keys[bookings.passenger_id->passengers]",
    ):
        assert planted[test_id] is None, planted[test_id]


def test_a_table_not_fixed_because_its_parent_could_not_be_is_skipped_with_that_cause(tmp_path):
    """One undecodable flights.csv: its own check fails; the tables whose orphans it decides are skipped, not failed."""
    copy = tmp_path / "export"
    shutil.copytree(ROOT / "data" / "raw", copy)
    _replace_in(copy / "flights.csv", b"\n", b"\n\x81", count=1)
    verdicts = run_suite(
        tmp_path,
        "plugin/suites/test_preupload.py",
        "-m",
        "preupload",
        "-k",
        "test_file_reads",
        f"--data-dir={copy}",
        f"--out-dir={tmp_path / 'build'}",
    )
    assert set(failures(verdicts)) == {"test_file_reads[flights]"}
    skipped = skip_reasons(tmp_path / "junit.xml")
    assert skipped["test_file_reads[bookings]"].startswith("blocked: flights could not be fixed")
    assert skipped["test_file_reads[Baggage]"].startswith("blocked: bookings could not be fixed")
