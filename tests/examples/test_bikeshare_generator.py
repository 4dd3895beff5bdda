"""The bike-share example: its generator is deterministic, its manifest says what is in the files, and its
contracts accept the export once fixed."""

import ast
import csv
import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from contracts.registry import Registry
from data import manifest
from fixers.run import fix_export
from tests.pytest_run import ROOT

EXAMPLE = ROOT / "examples" / "bikeshare"
SMALL = 0.02  # about 2,000 trips: every defect is planted, and a generation takes a fraction of a second


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _load("bikeshare_generate", EXAMPLE / "generate.py")
contracts = _load("bikeshare_contracts", EXAMPLE / "bikeshare_contracts.py")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bikeshare") / "export"
    generator.generate(folder, SMALL)
    return folder


@pytest.fixture(scope="module")
def small_manifest(small) -> manifest.Manifest:
    return manifest.load(small / "manifest.json")


def _read(folder: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    """A file's header and its data rows as the csv module reads them."""
    with open(folder / name, encoding="utf-8", newline="") as f:
        header, *rows = csv.reader(f)
    return header, [dict(zip(header, row)) for row in rows]


def _lines(rows: list[dict[str, str]], holds) -> tuple[int, ...]:
    return tuple(line for line, row in enumerate(rows, 2) if holds(row))


def _repeating(rows: list[dict[str, str]], column: str) -> tuple[tuple[int, ...], int]:
    """The lines of rows whose `column` another row shares too, and how many such values there are."""
    counts = Counter(row[column] for row in rows)
    return _lines(rows, lambda row: counts[row[column]] > 1), sum(1 for n in counts.values() if n > 1)


def _copies(rows: list[dict[str, str]]) -> tuple[int, ...]:
    seen, lines = set(), []
    for line, row in enumerate(rows, 2):
        values = tuple(row.values())
        if values in seen:
            lines.append(line)
        seen.add(values)
    return tuple(lines)


def _whole_float(column: str):
    return lambda row: re.fullmatch(r"\d+\.0+", row[column]) is not None


def _blank(column: str):
    return lambda row: row[column] == ""


def _orphans(column: str, parent_file: str, parent_column: str):
    def count(folder: Path, rows: list[dict[str, str]]) -> tuple[int, ...]:
        known = {row[parent_column] for row in _read(folder, parent_file)[1]}
        return _lines(rows, lambda row: row[column] not in known)

    return count


# How a test finds each planted defect in the written files, without the generator: the file, and the lines.
COUNTED = {
    "B1": ("stations.csv", lambda folder, rows: _repeating(rows, "station_id")[0]),
    "B2": ("bikes.csv", lambda folder, rows: _repeating(rows, "bike_id")[0]),
    "B3": ("bikes.csv", lambda folder, rows: _lines(rows, _whole_float("battery_pct"))),
    "B4": ("bikes.csv", lambda folder, rows: _lines(rows, _blank("battery_pct"))),
    "B5": ("bikes.csv", lambda folder, rows: _lines(rows, _blank("last_service_km"))),
    "B6": ("trips.csv", lambda folder, rows: _lines(rows, lambda row: "trip_key" not in row)),
    "B7": ("trips.csv", lambda folder, rows: _copies(rows)),
    "B8": ("trips.csv", _orphans("member_id", "members.csv", "member_id")),
    "B9": ("trips.csv", _orphans("end_station_id", "stations.csv", "station_id")),
    "B10": ("trips.csv", lambda folder, rows: _lines(rows, _whole_float("duration_s"))),
    "B11": ("station_status.csv", lambda folder, rows: _lines(rows, _whole_float("bikes_available"))),
    "B12": ("station_status.csv", lambda folder, rows: _lines(rows, _blank("bikes_available"))),
    "B13": ("station_status.csv", lambda folder, rows: _lines(rows, _blank("docks_available"))),
}


def test_the_same_arguments_write_the_same_bytes(small, tmp_path):
    """The command line, run in another process, writes what generate() wrote."""
    again = tmp_path / "export"
    subprocess.run(
        [sys.executable, str(EXAMPLE / "generate.py"), "--out", str(again), "--scale", str(SMALL)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    names = sorted(p.name for p in small.iterdir())
    assert names == ["bikes.csv", "manifest.json", "members.csv", "station_status.csv", "stations.csv", "trips.csv"]
    assert sorted(p.name for p in again.iterdir()) == names
    for name in names:
        assert (again / name).read_bytes() == (small / name).read_bytes(), name


def test_the_default_scale_writes_the_sizes_the_generator_declares_for_scale_1(tmp_path):
    sample = manifest.load(generator.generate(tmp_path))
    assert sample.scale == 1
    files = sample.files
    assert files["trips.csv"].rows == (tmp_path / "trips.csv").read_bytes().count(b"\n") - 1
    # Trips to the pop-up station are trips too, set aside; retried pages are copies merged away.
    assert (
        files["stations.csv"].items,
        files["bikes.csv"].items,
        files["members.csv"].items,
        files["trips.csv"].items + files["trips.csv"].quarantined,
    ) == (generator.STATIONS, generator.BIKES, generator.MEMBERS, generator.TRIPS)


def test_the_manifest_lists_every_file_with_its_data_rows(small, small_manifest):
    assert sorted(small_manifest.files) == sorted(p.name for p in small.glob("*.csv"))
    for name, entry in small_manifest.files.items():
        assert entry.rows == len(_read(small, name)[1]), name
        assert entry.rows == entry.items + entry.merged + entry.quarantined, name
        mine = [d for d in small_manifest.defects.values() if d.file == name]
        assert entry.merged == sum(d.merged for d in mine), name
        assert entry.quarantined == sum(d.quarantined.rows for d in mine if d.quarantined), name


@pytest.mark.parametrize("defect_id", COUNTED)
def test_a_planted_defect_is_in_the_lines_the_manifest_gives(small, small_manifest, defect_id):
    name, count = COUNTED[defect_id]
    defect = small_manifest.defects[defect_id]
    assert defect.file == name
    assert defect.rows > 0
    assert defect.lines == count(small, _read(small, name)[1])


def test_the_manifest_lists_the_defects_the_test_counts(small_manifest):
    assert sorted(small_manifest.defects) == sorted(COUNTED)


@pytest.mark.parametrize("defect_id, column", [("B1", "station_id"), ("B2", "bike_id")])
def test_repeated_keys_fold_into_one_item_each(small, small_manifest, defect_id, column):
    defect = small_manifest.defects[defect_id]
    lines, keys = _repeating(_read(small, defect.file)[1], column)
    assert (defect.rows, defect.keys, defect.merged) == (len(lines), keys, len(lines) - keys)


def test_exact_copies_are_merged_and_pop_up_station_trips_quarantined(small_manifest):
    copies, popup = small_manifest.defects["B7"], small_manifest.defects["B9"]
    assert copies.merged == copies.rows and copies.quarantined is None
    assert popup.quarantined.lines == popup.lines and popup.merged == 0
    kept = small_manifest.defects["B8"]
    assert (kept.merged, kept.quarantined) == (0, None)  # on_orphan="keep": loaded and reported


def test_the_contracts_module_imports_only_what_a_user_module_needs():
    tree = ast.parse((EXAMPLE / "bikeshare_contracts.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported <= {"pandera.pandas", "pandera.typing", "contracts.table", "contracts.formats"}
    assert [t.name for t in contracts.TABLES] == ["stations", "bikes", "members", "trips", "station_status"]
    assert contracts.NOT_TABLES == ()
    names = {t.name for t in contracts.TABLES}
    assert {fk.parent for t in contracts.TABLES for fk in t.foreign_keys} <= names


@pytest.fixture(scope="module")
def fixed(small, tmp_path_factory) -> dict:
    """The small export through the project's own fixers, each table as its written file reads back."""
    return fix_export(
        small, tmp_path_factory.mktemp("fixed"), Registry.of(contracts.TABLES, contracts.NOT_TABLES)
    ).frames


@pytest.mark.parametrize("contract", contracts.TABLES, ids=[t.name for t in contracts.TABLES])
def test_the_fixed_export_passes_the_model(fixed, small_manifest, contract):
    frame = fixed[contract.name]
    assert set(frame.columns) == set(contract.columns)
    contract.schema.validate(frame, lazy=True)
    assert len(frame) == small_manifest.files[contract.file].items
