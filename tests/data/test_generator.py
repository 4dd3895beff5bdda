"""The committed sample export and its manifest are exactly what the generator makes, and the manifest is true."""

import csv
import filecmp
import io
import json
import re
from collections import Counter

import pytest

from data import manifest
from data.generate import generate
from tests.pytest_run import ROOT

RAW = ROOT / "data" / "raw"
SAMPLE = manifest.load()


def _rows(name: str) -> list[list[str]]:
    """A raw file's data rows as the csv module reads them, in the encoding the manifest gives."""
    text = (RAW / name).read_bytes().decode(SAMPLE.files[name].encoding)
    return list(csv.reader(io.StringIO(text)))[1:]


def _column(name: str, column: str) -> list[str]:
    rows = _rows(name)
    header = next(csv.reader(io.StringIO((RAW / name).read_bytes().decode(SAMPLE.files[name].encoding))))
    return [row[header.index(column)] for row in rows]


def test_regenerating_reproduces_the_committed_files_byte_for_byte(tmp_path):
    written = generate(tmp_path / "raw")
    assert written == tmp_path / "manifest.json"
    committed = sorted(p.name for p in RAW.glob("*.csv"))
    assert sorted(p.name for p in (tmp_path / "raw").glob("*.csv")) == committed
    assert committed == sorted(manifest.load().files)
    match, mismatch, errors = filecmp.cmpfiles(RAW, tmp_path / "raw", committed, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert written.read_bytes() == manifest.MANIFEST.read_bytes()


def test_scale_multiplies_passengers_bookings_and_baggage_only(tmp_path):
    scaled = manifest.load(generate(tmp_path / "raw", scale=2))
    assert scaled.scale == 2
    # The healthy rows double; the rows planted as defects (exact copies, orphan bookings and bags) do not.
    planted = {
        "passengers.csv": SAMPLE.defects["D11"].rows,
        "bookings.csv": SAMPLE.defects["D7"].rows,
        "baggage.csv": SAMPLE.defects["D6"].quarantined.rows,
    }
    assert {name: scaled.files[name].rows for name in planted} == {
        name: 2 * (SAMPLE.files[name].rows - rows) + rows for name, rows in planted.items()
    }
    unchanged = set(SAMPLE.files) - {
        "passengers.csv",
        "bookings.csv",
        "baggage.csv",
        "bookings_sample.csv",
        "passenger_connections.csv",
        "disrupted_passengers_scenario.csv",
        "hotel_bookings.csv",
        "meal_vouchers.csv",
    }
    assert {n: scaled.files[n].rows for n in unchanged} == {n: SAMPLE.files[n].rows for n in unchanged}
    for defect_id in ("D7", "D8", "D9", "D10", "D11", "D12"):
        assert scaled.defects[defect_id].rows == SAMPLE.defects[defect_id].rows, defect_id


def test_the_manifest_lists_every_file_with_its_data_rows():
    assert sorted(SAMPLE.files) == sorted(p.name for p in RAW.glob("*.csv"))
    for name, entry in SAMPLE.files.items():
        assert entry.rows == (RAW / name).read_bytes().count(b"\n") - 1, name
        assert entry.rows == entry.items + entry.merged + entry.quarantined, name


def test_each_defect_records_as_many_rows_as_lines():
    body = json.loads(manifest.MANIFEST.read_text(encoding="utf-8"))
    for defect_id, defect in SAMPLE.defects.items():
        assert body["defects"][defect_id]["rows"] == defect.rows, defect_id
        assert defect.lines == tuple(sorted(set(defect.lines))), defect_id
    assert sorted(SAMPLE.defects, key=lambda d: int(d[1:])) == [f"D{n}" for n in range(1, 15)]


@pytest.mark.parametrize(
    "defect_id, cell",
    [
        ("D8", r"\d\d/03/2026 \d\d:\d\d"),
        ("D9", r""),
        ("D10", r"1\d{3}\.0"),
        ("D12", r"NaN"),
        ("D14", r"0\d{5}"),
    ],
)
def test_the_lines_of_a_defect_are_those_holding_it(defect_id, cell):
    defect = SAMPLE.defects[defect_id]
    holding = [line for line, value in enumerate(_column(defect.file, defect.column), 2) if re.fullmatch(cell, value)]
    assert tuple(holding) == defect.lines


def test_orphans_point_at_keys_their_parent_file_lacks():
    flights = {row[0] for row in _rows("flights.csv")}
    bookings = _rows("bookings.csv")
    orphan_lines = [line for line, row in enumerate(bookings, 2) if row[1] not in flights]
    assert tuple(orphan_lines) == SAMPLE.defects["D7"].quarantined.lines == SAMPLE.defects["D7"].lines
    booking_ids = {row[0] for row in bookings}
    bags = [line for line, row in enumerate(_rows("baggage.csv"), 2) if row[1] not in booking_ids]
    assert tuple(bags) == SAMPLE.defects["D6"].quarantined.lines


def test_exact_copies_are_the_lines_repeating_an_earlier_row():
    seen, copies = set(), []
    for line, row in enumerate(_rows("passengers.csv"), 2):
        if tuple(row) in seen:
            copies.append(line)
        seen.add(tuple(row))
    assert tuple(copies) == SAMPLE.defects["D11"].lines


@pytest.mark.parametrize("defect_id", ["D5", "D6"])
def test_repeated_keys_fold_into_one_row_each(defect_id):
    defect = SAMPLE.defects[defect_id]
    keys = _column(defect.file, defect.column)
    counts = Counter(keys)
    assert tuple(line for line, key in enumerate(keys, 2) if counts[key] > 1) == defect.lines
    assert defect.keys == sum(1 for n in counts.values() if n > 1)
    assert defect.merged == defect.rows - defect.keys


def test_the_windows_1252_file_is_not_utf8_on_the_lines_outside_ascii():
    defect = SAMPLE.defects["D13"]
    raw = (RAW / defect.file).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode(SAMPLE.files[defect.file].encoding).splitlines()
    assert tuple(number for number, text in enumerate(lines, 1) if not text.isascii()) == defect.lines


@pytest.mark.parametrize("defect_id, in_header", [("D1", False), ("D2", False), ("D3", False), ("D4", True)])
def test_a_column_defect_covers_every_row(defect_id, in_header):
    defect = SAMPLE.defects[defect_id]
    header = (RAW / defect.file).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert (defect.column in header) is in_header
    assert defect.lines == tuple(range(2, SAMPLE.files[defect.file].rows + 2))
