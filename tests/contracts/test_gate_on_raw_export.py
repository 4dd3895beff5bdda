"""`pytest -m preupload --no-fix` on the sample export fails on exactly D1 to D13, and `-m preupload` passes."""

import re
from dataclasses import dataclass

import pytest

from contracts.expectations import foreign_key_checks
from data import manifest
from tests.lineage import descendants
from tests.pytest_run import ROOT, failures, run_suite, skip_reasons
from tests.sample import TABLES

SAMPLE = manifest.load()
D = SAMPLE.defects


@dataclass(frozen=True)
class Found:
    """A gate finding on rows: its message names the column and counts the rows, and every line it lists is one of them."""

    kind: str
    column: str
    lines: tuple[int, ...]

    def problem(self, message: str) -> str | None:
        summary = f"column {self.column}): {self.kind}: {len(self.lines)} rows"
        if summary not in message:
            return f"does not say {summary!r}"
        block = message.rsplit(summary, 1)[1].split("to do:", 1)[0]  # the full report comes last
        listed = {int(n) for n in re.findall(r"line (\d+): ", block)}
        if not listed or not listed <= set(self.lines):
            return f"lists lines {sorted(listed)}, expected some of {list(self.lines[:10])}"
        return None


# Each defect of data/README.md: the gate's tests that must fail on it, and what their message must say.
DEFECTS = {
    "D1": {"test_columns[CargoFlightAssignments]": [f"column {D['D1'].column}): missing column: {D['D1'].rows} rows"]},
    "D2": {
        "test_columns[CrewRoster]": [f"column {D['D2'].column}): missing column: {D['D2'].rows} rows"],
        "test_schema[CrewRoster]": [Found("schema", D["D2"].quarantined.column, D["D2"].quarantined.lines)],
    },
    "D3": {"test_columns[Baggage]": [f"column {D['D3'].column}): missing column: {D['D3'].rows} rows"]},
    "D4": {
        "test_columns[MaintenanceWorkOrders]": ["undeclared column", D["D4"].column],
        "test_foreign_keys[MaintenanceWorkOrders.aircraft_registration->AircraftAvailability.aircraft_registration]": [
            f"foreign key: {D['D4'].rows} rows",
            "a column aircraft_registration",
        ],
    },
    "D5": {
        "test_primary_key[CrewRoster]": [
            Found("primary key", D["D5"].column, D["D5"].lines),
            "merge into the set qualifications",
        ]
    },
    "D6": {
        "test_primary_key[Baggage]": [
            Found("primary key", D["D6"].column, D["D6"].lines),
            "the latest event_time is kept",
        ],
        "test_foreign_keys[Baggage.booking_id->bookings]": [
            Found("foreign key", D["D6"].quarantined.column, D["D6"].quarantined.lines)
        ],
    },
    "D7": {"test_foreign_keys[bookings.flight_id->flights]": [Found("foreign key", D["D7"].column, D["D7"].lines)]},
    "D8": {"test_schema[flights]": [Found("schema", D["D8"].column, D["D8"].lines), "ISO 8601 UTC"]},
    "D9": {
        "test_dynamodb_rules[flights]": [Found("DynamoDB: empty string in a key", D["D9"].column, D["D9"].lines)],
        "test_schema[flights]": [Found("schema", D["D9"].column, D["D9"].lines)],
        "test_foreign_keys[flights.aircraft_registration->AircraftAvailability.aircraft_registration]": [
            Found("foreign key", D["D9"].column, D["D9"].lines)
        ],
    },
    "D10": {"test_schema[CargoFlightAssignments]": [Found("schema", D["D10"].column, D["D10"].lines), "cast_integers"]},
    "D11": {"test_primary_key[passengers]": ["exact copies are dropped"]},
    "D12": {
        "test_dynamodb_rules[business_impact_assessment]": [
            Found("DynamoDB: number", D["D12"].column, D["D12"].lines),
            "not a finite decimal number",
        ]
    },
    "D13": {"test_encoding[CrewMembers]": [f"encoding: {SAMPLE.files[D['D13'].file].rows} rows", "windows-1252"]},
}


PER_TABLE = (
    "test_file_reads",
    "test_encoding",
    "test_columns",
    "test_schema",
    "test_primary_key",
    "test_dynamodb_rules",
)


def every_check(files, fixing: bool) -> set[str]:
    """The gate's test ids on an export of `files`: each file declared, each table's checks, each foreign key,
    and each table's ledger if the run fixes (--no-fix has no ledger)."""
    per_table = PER_TABLE + ("test_ledger_reconciles",) * fixing
    return (
        {f"test_file_is_declared[{name}]" for name in files}
        | {f"{check}[{table.name}]" for check in per_table for table in TABLES}
        | {f"test_foreign_keys[{check.label}]" for check in foreign_key_checks(TABLES)}
    )


@pytest.fixture(scope="module")
def no_fix_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nofix")
    return tmp, run_suite(
        tmp, "plugin/suites/test_preupload.py", "-m", "preupload", "--no-fix", f"--out-dir={tmp / 'build'}"
    )


@pytest.fixture(scope="module")
def no_fix_verdicts(no_fix_run):
    return no_fix_run[1]


@pytest.mark.parametrize("defect", DEFECTS)
def test_no_fix_names_the_defect(defect, no_fix_verdicts):
    failed = failures(no_fix_verdicts)
    for test_id, phrases in DEFECTS[defect].items():
        assert test_id in failed, f"{defect}: {test_id} passed"
        for expected in phrases:
            problem = (
                expected.problem(failed[test_id])
                if isinstance(expected, Found)
                else (None if expected in failed[test_id] else f"does not say {expected!r}")
            )
            assert problem is None, f"{defect}: {test_id} {problem}:\n{failed[test_id]}"


def _blocked_by_a_parent() -> dict[str, str]:
    """{foreign-key test: its blocked parent} for each foreign key of a table whose parent is blocked."""
    failing = {re.search(r"\[([^].]+)", test_id).group(1) for tests in DEFECTS.values() for test_id in tests}
    blocked = failing.union(*(descendants(name) for name in failing))
    return {
        f"test_foreign_keys[{check.label}]": check.fk.parent
        for check in foreign_key_checks(TABLES)
        if check.fk.parent in blocked and check.fk.parent != check.table.name
    }


def test_no_fix_fails_on_nothing_else(no_fix_run, no_fix_verdicts):
    """Each defect fails its own checks; a foreign key into a blocked parent is skipped with the parent's cause."""
    failed = failures(no_fix_verdicts)
    skipped = skip_reasons(no_fix_run[0] / "junit.xml")
    by_parent = {
        test: parent
        for test, parent in _blocked_by_a_parent().items()
        if not any(test in tests for tests in DEFECTS.values())
    }
    assert set(failed) == {test_id for tests in DEFECTS.values() for test_id in tests}
    for test, parent in by_parent.items():
        assert skipped[test].startswith(f"blocked: {parent} failed its pre-upload checks: "), skipped.get(test)
    assert set(no_fix_verdicts) == every_check(SAMPLE.files, fixing=False)


def test_fixed_export_passes_every_check(tmp_path):
    verdicts = run_suite(
        tmp_path, "plugin/suites/test_preupload.py", "-m", "preupload", f"--out-dir={tmp_path / 'build'}"
    )
    assert failures(verdicts) == {}
    assert set(verdicts) == every_check(SAMPLE.files, fixing=True)
    d8 = D["D8"]
    assert (ROOT / "data" / "raw" / d8.file).read_bytes().count(b"/2026 ") == d8.rows, "data/raw must never change"
    # The fixed files pass as they are: an empty cell there is an attribute left out, not an empty string.
    again = run_suite(
        tmp_path,
        "plugin/suites/test_preupload.py",
        "-m",
        "preupload",
        "--no-fix",
        f"--data-dir={tmp_path / 'build' / 'fixed'}",
        f"--out-dir={tmp_path / 'again'}",
    )
    assert failures(again) == {} and set(again) == every_check((table.file for table in TABLES), fixing=False)
