"""One run reports every problem of a file, each once, grouped by rule: a fixer's refusal hides nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.gate import gate
from contracts.registry import Registry
from fixers.dataset import load_dataset
from pipeline.stages import ledger_counts
from tests.pytest_run import ROOT
from tests.sample import TABLES_BY_NAME

PASSENGERS = TABLES_BY_NAME["passengers"]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The first 60 passengers; line 4 repeats line 2's key with another tier, line 41 has a bad e-mail, and
    lines 10 and 11 have no key."""
    lines = (ROOT / "data" / "raw" / PASSENGERS.file).read_text(encoding="utf-8").splitlines(keepends=True)[:61]
    lines.insert(
        3, lines[1].replace("PLATINUM", "GOLD") if "PLATINUM" in lines[1] else lines[1].replace(",ID,", ",AE,")
    )
    cells = lines[40].split(",")
    cells[3] = "not-an-email"
    lines[40] = ",".join(cells)
    for line in (9, 10):
        lines[line] = "," + lines[line].split(",", 1)[1]
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / PASSENGERS.file).write_text("".join(lines), encoding="utf-8")
    return folder


def test_a_refused_fix_hides_no_other_problem_of_the_file(export, tmp_path):
    dataset = load_dataset(export, tmp_path / "out", Registry((PASSENGERS,)), fix=True)
    result = gate((PASSENGERS,), dataset.frames, dataset.errors, None, tmp_path / "out", dataset.refused)
    found = result.violations["passengers"]

    assert not result.loadable("passengers")
    assert "drop_exact_copies" in result.reasons("passengers")[0]
    # The repeat is the refusal, once; the blank keys are named blank keys; the e-mail is reported in the same run.
    key = found["primary key"]
    assert [v.check for v in key] == ["primary key", "drop_exact_copies refused"]
    assert key[0].expected == "a key in every row, not a blank one" and key[0].count == 2
    assert "repeat a key with different content" in key[1].expected and [line for line, _ in key[1].examples] == [2, 4]
    emails = [v for v in found["schema"] if v.column == "email"]
    assert [line for v in emails for line, _ in v.examples] == [41]


def test_a_refused_table_is_checked_without_a_row_count_when_the_ledger_counts_the_others(export, tmp_path):
    """A fixer's refusal leaves the table without a ledger figure: its other checks run, its row count is not invented."""
    dataset = load_dataset(export, tmp_path / "out", Registry((PASSENGERS,)), fix=True)
    assert ledger_counts(dataset) == {}
    result = gate(
        (PASSENGERS,), dataset.frames, dataset.errors, ledger_counts(dataset), tmp_path / "out", dataset.refused
    )
    assert "row count" not in result.violations["passengers"]
    assert [
        line for v in result.violations["passengers"]["schema"] if v.column == "email" for line, _ in v.examples
    ] == [41]


def test_blank_keys_are_not_taken_for_a_repeated_key_by_the_duplicate_policy(export, tmp_path):
    lines = (export / PASSENGERS.file).read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[3]  # the repeated key: only the blank keys remain
    (export / PASSENGERS.file).write_text("".join(lines), encoding="utf-8")
    dataset = load_dataset(export, tmp_path / "out", Registry((PASSENGERS,)), fix=True)
    assert dataset.errors == {}
