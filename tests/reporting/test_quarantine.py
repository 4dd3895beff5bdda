"""Quarantine reasons: counted with their lines from what the fixers set aside, personal values masked."""

import csv

import pytest

from contracts.source import read_csv
from contracts.violations import MASK
from data import manifest
from fixers.run import fix_export
from reporting.quarantine import quarantine_reasons
from tests.pytest_run import ROOT
from tests.sample import REGISTRY, TABLES_BY_NAME

SAMPLE = manifest.load()


@pytest.fixture(scope="module")
def reasons(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    fix_export(ROOT / "data" / "raw", out, REGISTRY)
    return quarantine_reasons(out, REGISTRY.tables)


def test_rows_of_one_reason_are_counted_with_their_lines_in_the_export(reasons):
    roster = read_csv(ROOT / "data" / "raw" / "crew_roster_enriched.csv")
    # The header is line 1, so the first row is line 2.
    unmapped = tuple(int(i) + 2 for i in roster.index[roster["position_id"] == "7"])
    [reason] = reasons["CrewRoster"]
    assert reason.reason.startswith("position_id 7 has no position")
    assert (reason.rows, reason.lines) == (len(unmapped), unmapped)


def test_each_table_the_generator_planted_quarantined_rows_in_has_reasons_for_all_of_them(reasons):
    planted = {t.name: SAMPLE.files[t.file].quarantined for t in REGISTRY.tables if SAMPLE.files[t.file].quarantined}
    assert {name: sum(r.rows for r in found) for name, found in reasons.items()} == planted


def test_a_personal_value_quoted_in_a_reason_is_masked(tmp_path):
    passengers = TABLES_BY_NAME["passengers"]
    assert "email" in passengers.pii
    (tmp_path / "quarantine").mkdir()
    with open(tmp_path / "quarantine" / passengers.file, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "passenger_id", "email", "reason"])
        writer.writerow([7, "PX1", "olga@example.com", "email olga@example.com has no row in mailing_list"])
        writer.writerow([9, "PX2", "ivan@example.com", "email ivan@example.com has no row in mailing_list"])
        writer.writerow([12, "PX3", "ivan@example.com", "passenger_id PX3 has no row in loyalty"])
    found = quarantine_reasons(tmp_path, REGISTRY.tables)["passengers"]
    assert [(r.reason, r.rows, r.lines) for r in found] == [
        (f"email {MASK} has no row in mailing_list", 2, (7, 9)),
        ("passenger_id PX3 has no row in loyalty", 1, (12,)),
    ]
