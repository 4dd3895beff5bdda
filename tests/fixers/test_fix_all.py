"""The fixers on the whole sample export: counts, ledger, quarantine, idempotence, input untouched."""
import filecmp
import hashlib
import json

import pytest

from contracts import TABLES
from contracts.source import read_csv
from data import manifest
from fixers.ledger import Ledger
from fixers.run import OverlappingFolders, fix_all
from tests.pytest_run import ROOT

RAW = ROOT / "data" / "raw"

# What the generator made and planted: the fixers must account for every row of it (data/README.md).
SAMPLE = manifest.load()


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


def test_items_per_table_are_those_the_generator_made(fixed):
    _, ledger = fixed
    assert {name: entry.items for name, entry in ledger.tables.items()} == {t.name: SAMPLE.files[t.file].items for t in TABLES}


@pytest.mark.parametrize("contract", TABLES, ids=[t.name for t in TABLES])
def test_every_raw_row_is_accounted_for(contract, fixed):
    entry = fixed[1].tables[contract.name]
    made = SAMPLE.files[contract.file]
    assert entry.error is None
    assert (entry.raw_rows, entry.items, entry.merged, entry.quarantined) == (made.rows, made.items, made.merged, made.quarantined)
    assert entry.raw_rows == entry.items + entry.merged + entry.quarantined


def test_quarantined_rows_are_the_planted_ones_with_their_reason(fixed):
    out, _ = fixed
    planted = {}
    for defect in SAMPLE.defects.values():
        if defect.quarantined:
            planted.setdefault(defect.file, []).extend(defect.quarantined.lines)
    assert sorted(p.name for p in (out / "quarantine").glob("*.csv")) == sorted(planted)
    for name, lines in planted.items():
        assert sorted(read_csv(out / "quarantine" / name)["line"].astype(int)) == sorted(lines), name
    roster = read_csv(out / "quarantine" / SAMPLE.defects["D2"].file)
    assert set(roster["reason"]) == {"position_id 7 has no position (known: 1 Captain, 2 First Officer, 3 Cabin Manager, 4 Flight Attendant)"}
    bags = read_csv(out / "quarantine" / SAMPLE.defects["D6"].file)
    assert all(r == f"booking_id {b} has no row in bookings" for b, r in zip(bags["booking_id"], bags["reason"], strict=True))


def test_the_ledger_records_every_change(fixed):
    out, _ = fixed
    body = json.loads((out / "ledger.json").read_text())
    d8, d9 = SAMPLE.defects["D8"], SAMPLE.defects["D9"]
    flights = {(c["fixer"], c["column"], c["rows"]) for c in body["tables"]["flights"]["changes"]}
    assert flights == {("parse_timestamps", d8.column, d8.rows), ("leave_out_empty_index_keys", d9.column, d9.rows)}
    made = [SAMPLE.files[t.file] for t in TABLES]
    assert body["totals"] == {"raw_rows": sum(f.rows for f in made), "items": sum(f.items for f in made),
                              "merged": sum(f.merged for f in made), "quarantined": sum(f.quarantined for f in made)}
    assert Ledger.read(out / "ledger.json").tables["Baggage"].merged == SAMPLE.defects["D6"].merged


def test_fixed_files_are_utf8_and_keep_leading_zeros(fixed):
    out, _ = fixed
    d13, d14 = SAMPLE.defects["D13"], SAMPLE.defects["D14"]
    lines = (out / "fixed" / d13.file).read_text(encoding="utf-8").splitlines()
    assert tuple(number for number, text in enumerate(lines, 1) if not text.isascii()) == d13.lines
    numbers = read_csv(out / "fixed" / d14.file)[d14.column]
    assert tuple(numbers.index[numbers.str.startswith("0")] + 2) == d14.lines
    assert numbers.str.len().eq(6).all()


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
