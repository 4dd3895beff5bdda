"""The fixers on the whole sample export: counts, ledger, quarantine, idempotence, input untouched."""

import filecmp
import hashlib
import json
import os
import stat
from datetime import UTC, datetime

import pytest

from contracts.gate import gate
from contracts.registry import Registry
from contracts.source import read_csv, read_table
from data import manifest
from fixers.dataset import LEDGER, load_dataset
from fixers.ledger import Ledger
from fixers.run import ForeignFolder, OverlappingFolders, UnusableOutDir, fix_export
from pipeline.stages import ledger_counts
from tests.number_sets import TURNAROUNDS
from tests.pytest_run import ROOT
from tests.sample import REGISTRY, TABLES

RAW = ROOT / "data" / "raw"

# What the generator made and planted: the fixers must account for every row of it (data/README.md).
SAMPLE = manifest.load()


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    before = digest(RAW)
    ledger = fix_export(RAW, out, REGISTRY).ledger
    ledger.write(out / "ledger.json")
    assert digest(RAW) == before, "the fixers must never modify their input"
    return out, ledger


def test_the_ledger_holds_every_table_in_load_order_and_nothing_else(fixed):
    assert list(fixed[1].tables) == [t.name for t in TABLES]


@pytest.mark.parametrize("contract", TABLES, ids=[t.name for t in TABLES])
def test_every_raw_row_is_accounted_for(contract, fixed):
    entry = fixed[1].tables[contract.name]
    made = SAMPLE.files[contract.file]
    assert entry.error is None
    assert (entry.raw_rows, entry.items, entry.merged, entry.quarantined) == (
        made.rows,
        made.items,
        made.merged,
        made.quarantined,
    )


def test_a_row_the_reader_loses_blocks_its_table_by_the_row_count(tmp_path, monkeypatch):
    export = tmp_path / "export"
    export.mkdir()
    (export / TURNAROUNDS.file).write_text(
        'turnaround_id,station,delay_minutes\nTA001,DXB,15\nTA001,DXB,5\nTA002,"AUH\nDOH",3\n', encoding="utf-8"
    )
    monkeypatch.setattr("fixers.run.read_table", lambda *args, **kwargs: read_table(*args, **kwargs).iloc[:-1])
    registry = Registry((TURNAROUNDS,))
    dataset = load_dataset(export, tmp_path / "out", registry, fix=True)
    entry = dataset.ledger.tables[TURNAROUNDS.name]
    # Three records in the file, one merge, and the reader's frame one row short.
    assert (entry.raw_rows, entry.items, entry.merged, entry.quarantined) == (3, 1, 1, 0)
    result = gate(registry.tables, dataset.frames, dataset.errors, ledger_counts(dataset), tmp_path / "out")
    (violation,) = result.violations[TURNAROUNDS.name]["row count"]
    assert violation.expected == f"2 items as the ledger says ({TURNAROUNDS.file} as fixed has 1)"
    assert not result.loadable(TURNAROUNDS.name)


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
    assert set(roster["reason"]) == {
        "position_id 7 has no position (known: 1 Captain, 2 First Officer, 3 Cabin Manager, 4 Flight Attendant)"
    }
    bags = read_csv(out / "quarantine" / SAMPLE.defects["D6"].file)
    assert all(
        r == f"booking_id {b} has no row in bookings" for b, r in zip(bags["booking_id"], bags["reason"], strict=True)
    )


def test_the_ledger_records_every_change(fixed):
    out, _ = fixed
    body = json.loads((out / "ledger.json").read_text())
    d8, d9 = SAMPLE.defects["D8"], SAMPLE.defects["D9"]
    flights = {(c["fixer"], c["column"], c["rows"]) for c in body["tables"]["flights"]["changes"]}
    assert flights == {("parse_timestamps", d8.column, d8.rows), ("leave_out_empty_index_keys", d9.column, d9.rows)}
    made = [SAMPLE.files[t.file] for t in TABLES]
    assert body["totals"] == {
        "raw_rows": sum(f.rows for f in made),
        "items": sum(f.items for f in made),
        "merged": sum(f.merged for f in made),
        "quarantined": sum(f.quarantined for f in made),
    }
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
    again = fix_export(out / "fixed", tmp_path, REGISTRY).ledger
    assert [
        (name, e.changes, e.merged, e.quarantined)
        for name, e in again.tables.items()
        if e.changes or e.merged or e.quarantined
    ] == []
    names = sorted(p.name for p in (out / "fixed").glob("*.csv"))
    _, mismatch, errors = filecmp.cmpfiles(out / "fixed", tmp_path / "fixed", names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_the_fixers_refuse_to_write_over_their_input(fixed):
    out, _ = fixed
    with pytest.raises(OverlappingFolders, match="choose another --out-dir"):
        fix_export(out / "fixed", out, REGISTRY)
    assert (out / "fixed" / "flights.csv").exists()


def test_the_fixers_never_write_into_the_export(tmp_path):
    for out in (RAW, RAW / "build"):
        with pytest.raises(OverlappingFolders, match="a run never writes into the export"):
            fix_export(RAW, out, REGISTRY)
    assert not (RAW / "build").exists() and not (RAW / "fixed").exists()


def test_an_output_folder_the_fixers_did_not_write_is_not_replaced(tmp_path):
    (tmp_path / "quarantine").mkdir()
    (tmp_path / "quarantine" / "notes.txt").write_text("mine")
    with pytest.raises(ForeignFolder, match=f"{tmp_path / 'quarantine'} exists and has no .written-by-fixers file"):
        fix_export(RAW, tmp_path, Registry((TABLES[0],)))
    assert (tmp_path / "quarantine" / "notes.txt").read_text() == "mine"


def test_the_output_is_private_and_marked(fixed):
    out, _ = fixed
    for folder in (out / "fixed", out / "quarantine"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert (folder / ".written-by-fixers").is_file()
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_quarantined_lines_are_those_of_the_file_after_a_multi_line_record(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    for path in RAW.glob("*.csv"):
        os.link(path, export / path.name)
    lines = (RAW / "bookings.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (export / "bookings.csv").unlink()
    (export / "bookings.csv").write_text(
        "".join(lines[:2] + [lines[2].replace(",Economy,", ',"Eco\nnomy",')] + lines[3:])
    )
    fix_export(export, tmp_path / "out", REGISTRY)
    quarantined = read_csv(tmp_path / "out" / "quarantine" / "bookings.csv")
    assert list(quarantined["line"]) == ["6203", "6536", "6703"], "each one line further down than in the export"


def test_the_ledger_names_its_run_and_a_new_run_removes_the_old_one_first(tmp_path):
    dataset = load_dataset(
        RAW, tmp_path, Registry(TABLES[:2]), fix=True, run_id="run-1", started=datetime(2026, 3, 14, 6, 35, tzinfo=UTC)
    )
    body = json.loads((tmp_path / LEDGER).read_text())
    assert (body["run_id"], body["started"]) == ("run-1", "2026-03-14T06:35:00+00:00")
    assert Ledger.read(tmp_path / LEDGER).run_id == dataset.ledger.run_id == "run-1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file is left"
    with pytest.raises(OverlappingFolders):
        load_dataset(tmp_path / "fixed", tmp_path, REGISTRY, fix=True, run_id="run-2")
    assert not (tmp_path / LEDGER).exists(), "the ledger of a run that did not finish is not left looking current"


def test_an_out_dir_that_cannot_be_written_is_named(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(
        UnusableOutDir, match=f"cannot prepare {tmp_path / 'file' / 'out' / 'fixed'} .*choose a writable --out-dir"
    ):
        fix_export(RAW, tmp_path / "file" / "out", Registry((TABLES[0],)))
