"""data/README.md, the dataset's specification, agrees with the contracts and with what the generator made."""

import re

import pytest

from data import manifest
from tests.pytest_run import ROOT
from tests.sample import REGISTRY, TABLES, TABLES_BY_FILE

SAMPLE = manifest.load()
TEXT = (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def _table(heading: str) -> list[list[str]]:
    """The body rows of the first markdown table under `heading`, as cells."""
    section = TEXT.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _number(cell: str) -> int:
    return int(cell.replace(",", ""))


def test_the_tables_are_those_of_the_contracts_with_the_generated_counts():
    rows = _table(f"The {len(TABLES)} tables")
    assert sorted(file for _, file, *_ in rows) == sorted(TABLES_BY_FILE)
    for name, file, raw, items, _ in rows:
        assert TABLES_BY_FILE[file].name == name
        assert (_number(raw), _number(items)) == (SAMPLE.files[file].rows, SAMPLE.files[file].items), file
    seed_items = sum(SAMPLE.files[file].items for _, file, *_ in rows[:20])
    assert f"({seed_items:,} items together" in TEXT
    assert len(rows) == len(TABLES)


def test_the_files_that_are_not_tables_are_those_of_the_contracts():
    rows = _table(f"The {len(REGISTRY.not_tables)} files that are not tables")
    assert sorted(file for file, *_ in rows) == sorted(REGISTRY.not_tables_by_file)
    for file, count, _ in rows:
        assert _number(count) == SAMPLE.files[file].rows, file
    assert len(SAMPLE.files) == len(TABLES) + len(rows)


def test_the_project_readme_counts_the_sample_as_the_registry_and_manifest_do():
    project = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        f"({len(SAMPLE.files)} CSVs, {len(TABLES)} tables, defects\nD1 to D{len(SAMPLE.defects)})" in project
        and list(SAMPLE.defects) == [f"D{n}" for n in range(1, len(SAMPLE.defects) + 1)]
    )
    assert f"export of {len(SAMPLE.files)} CSV files" in TEXT


@pytest.mark.parametrize("row", _table("The defects"), ids=lambda row: row[0])
def test_each_defect_is_specified_as_it_was_planted(row):
    defect_id, file, column, lines, count, *_ = row
    planted = SAMPLE.defects[defect_id]
    assert file == planted.file
    assert column == planted.column or (column.startswith("(") and planted.column is None)
    assert _number(count) == planted.rows
    listed = [int(n) for n in re.findall(r"\d+", lines)]
    assert tuple(listed) == planted.lines[: len(listed)]
    if "..." not in lines and listed:
        assert len(listed) == planted.rows


def test_every_planted_defect_is_specified():
    assert [row[0] for row in _table("The defects")] == list(SAMPLE.defects)
