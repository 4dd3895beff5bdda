"""`pytest -m preupload --no-fix` on the sample export fails on exactly D1 to D13, and `-m preupload` passes."""
import pytest

from tests.pytest_run import ROOT, failures, run_suite

# Each defect of DATASET.md: the gate's tests that must fail on it, and what their message must say.
DEFECTS = {
    "D1": {"test_columns[CargoFlightAssignments]": "column loading_priority): missing column"},
    "D2": {
        "test_columns[CrewRoster]": "column position",
        "test_schema[CrewRoster]": "column position_id",
    },
    "D3": {"test_columns[Baggage]": "column status"},
    "D4": {
        "test_columns[MaintenanceWorkOrders]": "undeclared column",
        "test_foreign_keys[MaintenanceWorkOrders.aircraft_registration->AircraftAvailability.aircraft_registration]": "a column aircraft_registration",
    },
    "D5": {"test_primary_key[CrewRoster]": "merge into the string set qualifications"},
    "D6": {
        "test_primary_key[Baggage]": "the latest event_time is kept",
        "test_foreign_keys[Baggage.booking_id->bookings]": "2 rows",
    },
    "D7": {"test_foreign_keys[bookings.flight_id->flights]": "3 rows"},
    "D8": {"test_schema[flights]": "ISO 8601 UTC"},
    "D9": {
        "test_dynamodb_rules[flights]": "empty string in a key: 4 rows",
        "test_schema[flights]": "column aircraft_registration",
        "test_foreign_keys[flights.aircraft_registration->AircraftAvailability.aircraft_registration]": "4 rows",
    },
    "D10": {"test_schema[CargoFlightAssignments]": "cast_integers"},
    "D11": {"test_primary_key[passengers]": "exact copies are dropped"},
    "D12": {"test_dynamodb_rules[business_impact_assessment]": "not a finite decimal number"},
    "D13": {"test_encoding[CrewMembers]": "windows-1252"},
}


@pytest.fixture(scope="module")
def no_fix_verdicts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nofix")
    return run_suite(tmp, "tests/preupload", "-m", "preupload", "--no-fix", f"--out-dir={tmp / 'build'}")


@pytest.mark.parametrize("defect", DEFECTS)
def test_no_fix_names_the_defect(defect, no_fix_verdicts):
    failed = failures(no_fix_verdicts)
    for test_id, phrase in DEFECTS[defect].items():
        assert test_id in failed, f"{defect}: {test_id} passed"
        assert phrase in failed[test_id], f"{defect}: {test_id} says:\n{failed[test_id]}"


def test_no_fix_fails_on_nothing_else(no_fix_verdicts):
    expected = {test_id for tests in DEFECTS.values() for test_id in tests}
    assert set(failures(no_fix_verdicts)) == expected
    assert len(no_fix_verdicts) > 200


def test_fixed_export_passes_every_check(tmp_path):
    verdicts = run_suite(tmp_path, "tests/preupload", "-m", "preupload", f"--out-dir={tmp_path / 'build'}")
    assert failures(verdicts) == {}
    assert sum(1 for v in verdicts if v.startswith("test_ledger_reconciles[")) == 30
    assert (ROOT / "data" / "raw" / "flights.csv").read_bytes().count(b"/2026 ") == 12, "data/raw must never change"
    # The fixed files pass as they are: an empty cell there is an attribute left out, not an empty string.
    again = run_suite(tmp_path, "tests/preupload", "-m", "preupload", "--no-fix",
                      f"--data-dir={tmp_path / 'build' / 'fixed'}", f"--out-dir={tmp_path / 'again'}")
    assert failures(again) == {} and len(again) > 200
