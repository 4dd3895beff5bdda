"""The fixers on the whole sample export: counts, ledger, quarantine, idempotence, input untouched."""
import filecmp
import hashlib
import json

import pytest

from contracts import TABLES
from contracts.source import read_csv
from fixers.ledger import Ledger
from fixers.run import OverlappingFolders, fix_all
from tests.pytest_run import ROOT

RAW = ROOT / "data" / "raw"

# DATASET.md: items that must reach DynamoDB, and raw rows where they differ.
ITEMS = {
    "flights": 256, "bookings": 7914, "CrewMembers": 325, "CrewRoster": 2057, "AircraftAvailability": 168,
    "MaintenanceWorkOrders": 500, "MaintenanceStaff": 120, "CargoFlightAssignments": 154, "CargoShipments": 199,
    "Baggage": 6205, "Weather": 456, "disruption_events": 20, "recovery_scenarios": 60, "recovery_actions": 95,
    "business_impact_assessment": 23, "safety_constraints": 47, "passengers": 11407,
    "disrupted_passengers_scenario": 346, "aircraft_swap_options": 4, "inbound_flight_impact": 3,
    "airports": 45, "aircraft_types": 9, "crew_qualifications": 600, "crew_duty_history": 1300, "airport_slots": 380,
    "gate_assignments": 256, "hotel_bookings": 140, "meal_vouchers": 410, "passenger_connections": 900, "notams": 35,
}
RAW_ROWS = {"bookings": 7917, "CrewRoster": 3405, "Baggage": 11052, "passengers": 11412}
QUARANTINED = {"bookings": 3, "CrewRoster": 3, "Baggage": 2}


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    before = digest(RAW)
    ledger = fix_all(RAW, out)
    ledger.write(out / "ledger.json")
    assert digest(RAW) == before, "the fixers must never modify their input"
    return out, ledger


def test_items_per_table_are_those_of_the_dataset(fixed):
    _, ledger = fixed
    assert {name: entry.items for name, entry in ledger.tables.items()} == ITEMS
    assert sum(list(ITEMS.values())[:20]) == 30359, "the 20 tables the agents need"


@pytest.mark.parametrize("contract", TABLES, ids=[t.name for t in TABLES])
def test_every_raw_row_is_accounted_for(contract, fixed):
    entry = fixed[1].tables[contract.name]
    assert entry.error is None
    assert entry.raw_rows == RAW_ROWS.get(contract.name, ITEMS[contract.name])
    assert entry.quarantined == QUARANTINED.get(contract.name, 0)
    assert entry.raw_rows == entry.items + entry.merged + entry.quarantined


def test_quarantined_rows_carry_their_line_and_reason(fixed):
    out, _ = fixed
    roster = read_csv(out / "quarantine" / "crew_roster_enriched.csv")
    assert set(roster["reason"]) == {"position_id 7 has no position (known: 1 Captain, 2 First Officer, 3 Cabin Manager, 4 Flight Attendant)"}
    bags = read_csv(out / "quarantine" / "baggage.csv")
    assert sorted(bags["booking_id"]) == ["BK9999998", "BK9999999"]
    assert all(r.endswith("has no row in bookings") for r in bags["reason"])
    assert sorted(p.name for p in (out / "quarantine").glob("*.csv")) == ["baggage.csv", "bookings.csv", "crew_roster_enriched.csv"]


def test_the_ledger_records_every_change(fixed):
    out, _ = fixed
    body = json.loads((out / "ledger.json").read_text())
    flights = {(c["fixer"], c["column"], c["rows"]) for c in body["tables"]["flights"]["changes"]}
    assert flights == {("parse_timestamps", "scheduled_departure", 12), ("leave_out_empty_index_keys", "aircraft_registration", 4)}
    assert body["totals"] == {"raw_rows": 40637, "items": 34434, "merged": 6195, "quarantined": 8}
    assert Ledger.read(out / "ledger.json").tables["Baggage"].merged == 4845


def test_fixed_files_are_utf8_and_keep_leading_zeros(fixed):
    out, _ = fixed
    crew = (out / "fixed" / "crew_members.csv").read_text(encoding="utf-8")
    assert "Zoë" in crew or "José" in crew
    numbers = read_csv(out / "fixed" / "crew_members.csv")["employee_number"]
    assert numbers.str.startswith("0").sum() > 0 and numbers.str.len().eq(6).all()


def test_fixing_the_fixed_output_changes_nothing(fixed, tmp_path):
    out, _ = fixed
    again = fix_all(out / "fixed", tmp_path)
    assert [(name, e.changes, e.merged, e.quarantined) for name, e in again.tables.items() if e.changes or e.merged or e.quarantined] == []
    names = sorted(p.name for p in (out / "fixed").glob("*.csv"))
    _, mismatch, errors = filecmp.cmpfiles(out / "fixed", tmp_path / "fixed", names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_the_fixers_refuse_to_write_over_their_input(fixed):
    out, _ = fixed
    with pytest.raises(OverlappingFolders, match="choose another --out-dir"):
        fix_all(out / "fixed", out)
    assert (out / "fixed" / "flights.csv").exists()
