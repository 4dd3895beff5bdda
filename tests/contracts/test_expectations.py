"""The Great Expectations suites: derived from the contracts, run by checkpoints, reported as violations, no personal data."""

import os
import re
import signal
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from great_expectations.expectations import UnexpectedRowsExpectation
from pandera.typing import Series

from contracts.expectations import build_suite, foreign_key_checks, offline, project, run, validate
from contracts.formats import personal
from contracts.gate import gate
from contracts.source import read_csv
from contracts.table import ForeignKey, Table
from contracts.violations import MASK, report
from data import manifest
from fixers.dataset import load_dataset
from pipeline.settings import new_run_id
from tests.contracts.test_beside import children
from tests.sample import REGISTRY, TABLES, TABLES_BY_FILE

RAW = Path(__file__).parents[2] / "data" / "raw"


class Flights(pa.DataFrameModel):
    flight_id: Series[int]


class Bookings(pa.DataFrameModel):
    booking_id: Series[str]
    flight_id: Series[int]


class People(pa.DataFrameModel):
    email: Series[str] = personal()


class Passes(pa.DataFrameModel):
    pass_id: Series[str]
    email: Series[str] = personal()


FLIGHTS = Table(name="t_flights", file="t_flights.csv", model=Flights, key=("flight_id",))
BOOKINGS = Table(
    name="t_bookings",
    file="t_bookings.csv",
    model=Bookings,
    key=("booking_id",),
    foreign_keys=(ForeignKey("flight_id", "t_flights", on_orphan="quarantine"),),
)
PEOPLE = Table(name="t_people", file="t_people.csv", model=People, key=("email",))
PASSES = Table(
    name="t_passes",
    file="t_passes.csv",
    model=Passes,
    key=("pass_id",),
    foreign_keys=(ForeignKey("email", "t_people"),),
)
SMALL = (FLIGHTS, BOOKINGS, PEOPLE, PASSES)
EMAILS = ("zoe.haddad@example.com", "li.wei@example.com", "ghost.rider@example.com")


def frame(**columns):
    return pd.DataFrame(columns, dtype=object)


def small_frames():
    """An orphan flight, a flight written 1042.0, an orphan person; with SMALL_COUNTS, one count off."""
    return {
        "t_flights": frame(flight_id=["1042", "7"]),
        "t_bookings": frame(booking_id=["B1", "B2", "B3"], flight_id=["1042.0", "9003", "7"]),
        "t_people": frame(email=list(EMAILS[:2])),
        "t_passes": frame(pass_id=["P1", "P2"], email=[EMAILS[0], EMAILS[2]]),
    }


SMALL_COUNTS = {"t_flights": 2, "t_bookings": 3, "t_people": 2, "t_passes": 5}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return validate("preupload", small_frames(), SMALL_COUNTS, tmp_path_factory.mktemp("out"), tables=SMALL)


@pytest.mark.parametrize("beside_rows, in_another_process", [(0, True), (10**9, False)])
def test_the_checkpoint_runs_beside_the_callers_work_from_a_size_with_the_same_results(
    small, tmp_path, monkeypatch, beside_rows, in_another_process
):
    monkeypatch.setattr(run, "BESIDE_ROWS", beside_rows)
    # Children of this session already running (an earlier module's servers) are not the checkpoint's.
    before, seen = set(children()), []
    results = validate(
        "preupload",
        small_frames(),
        SMALL_COUNTS,
        tmp_path,
        tables=SMALL,
        meanwhile=lambda: seen.append(bool(set(children()) - before)),
    )
    assert seen == [in_another_process]
    assert (results.success, results.outcomes) == (small.success, small.outcomes)
    assert results.docs_index.is_file() and results.docs_index.is_relative_to(tmp_path)
    assert (
        project.database(tmp_path, "preupload").parent == Path(project.context(tmp_path).root_directory) / "uncommitted"
    )


def test_a_checkpoint_process_that_is_killed_fails_in_one_line_naming_the_likely_cause(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "BESIDE_ROWS", 0)

    def out_of_memory():
        for pid in children():
            os.kill(pid, signal.SIGKILL)

    with pytest.raises(
        run.CheckpointStopped,
        match=r"^the preupload checkpoint's process stopped: .*\(exit code -9\); "
        r".*for lack of memory: run where there is more, or split the export$",
    ):
        validate("preupload", small_frames(), SMALL_COUNTS, tmp_path, tables=SMALL, meanwhile=out_of_memory)


def test_the_gate_gives_the_same_verdicts_with_its_checkpoint_beside_its_table_checks(tmp_path, monkeypatch):
    """On the raw sample (every defect), with the checkpoint in another process while pandera checks here."""
    dataset = load_dataset(RAW, tmp_path, REGISTRY, fix=False)
    here = gate(TABLES, dataset.frames, dataset.errors, None, tmp_path / "here").verdicts()
    monkeypatch.setattr(run, "BESIDE_ROWS", 0)
    beside = gate(TABLES, dataset.frames, dataset.errors, None, tmp_path / "beside").verdicts()
    assert beside == here
    planted = {TABLES_BY_FILE[defect.file].name for defect in manifest.load().defects.values()}
    assert planted <= {name for name, reasons in here.items() if reasons}, (
        "every table with a planted defect is stopped"
    )


def check_of(table):
    (check,) = (c for c in foreign_key_checks(SMALL) if c.table is table)
    return check


def expectation_types(suite):
    return [type(e).__name__ for e in suite.expectations]


def test_a_foreign_key_is_a_query_against_the_parent_table_and_the_count_a_run_parameter():
    suite = build_suite(BOOKINGS, SMALL, ledger=True)
    assert suite.name == "t_bookings"
    assert expectation_types(suite) == [
        "ExpectForeignKeyValuesToNameAParentRow",
        "ExpectTableRowCountToEqual",
        "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeUnique",
    ]
    orphans, rows = suite.expectations[:2]
    assert isinstance(orphans, UnexpectedRowsExpectation)
    assert orphans.unexpected_rows_query == (
        'SELECT child."_row", child."flight_id" FROM {batch} AS child'
        ' LEFT JOIN "t_flights" AS parent ON parent."flight_id" = child."flight_id"'
        ' WHERE child."flight_id" IS NOT NULL AND parent."flight_id" IS NULL ORDER BY child."_row"'
    )
    assert rows.value == {"$PARAMETER": "rows_of_t_bookings"}


def test_without_a_ledger_a_suite_holds_no_row_count():
    assert "ExpectTableRowCountToEqual" not in expectation_types(build_suite(BOOKINGS, SMALL, ledger=False))


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_each_declared_foreign_key_is_one_query(table):
    """`table`: each declared table, parametrised by the plugin."""
    suite = build_suite(table, TABLES, ledger=True)
    columns = [e.meta["column"] for e in suite.expectations if isinstance(e, UnexpectedRowsExpectation)]
    assert columns == [fk.column for fk in table.foreign_keys]
    compound = [e.column_list for e in suite.expectations if type(e).__name__ == "ExpectCompoundColumnsToBeUnique"]
    assert compound == ([list(table.key)] if len(table.key) == 2 else [])


def test_an_orphan_is_reported_with_its_line_and_remedy(small):
    (violation,) = small.foreign_key(check_of(BOOKINGS))
    assert (violation.column, violation.count, violation.examples) == ("flight_id", 1, ((3, "'9003'"),))
    assert (
        violation.remedy
        == "run the fixers (drop --no-fix); they quarantine these rows, or add the missing t_flights rows"
    )


def test_numbers_match_by_value(small):
    """1042.0 in the child names flight 1042: only 9003 is an orphan."""
    assert [line for v in small.foreign_key(check_of(BOOKINGS)) for line, _ in v.examples] == [3]


def test_a_personal_foreign_key_still_matches_and_is_masked(small):
    (violation,) = small.foreign_key(check_of(PASSES))
    assert (violation.count, violation.examples) == (1, ((3, MASK),))
    assert "ghost" not in report([violation])


def test_a_row_count_off_the_ledger_is_reported(small):
    (violation,) = small.row_count("t_passes")
    assert (violation.count, violation.expected) == (3, "5 items as the ledger says (t_passes.csv as fixed has 2)")
    assert small.row_count("t_bookings") == []


def test_violations_gathers_every_failure_of_a_table(small):
    assert [v.check for v in small.violations("t_passes")] == ["foreign key", "row count"]
    assert small.violations("t_flights") == []


def test_data_docs_are_built_under_the_out_dir(small):
    assert small.docs_index.name == "index.html" and small.docs_index.is_file()
    assert small.docs_index.parents[3].name == "gx"
    pages = "".join(p.read_text(encoding="utf-8") for p in small.docs_index.parent.rglob("*.html"))
    assert "t_bookings" in pages and "9003" in pages, "the failed expectation shows a non-personal unexpected value"


def test_no_personal_value_is_stored_or_rendered(small):
    """Nor in the batches' database, which holds only what GX is handed."""
    gx_project = small.docs_index.parents[3]
    stored = [p for p in gx_project.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".yml", ".db")]
    assert any(p.suffix == ".db" for p in stored)
    for path in stored:
        data = path.read_bytes()
        assert not [e for e in EMAILS if e.encode("utf-8") in data], path


def test_the_live_stage_compares_items_read_back(tmp_path):
    """Items read back hold Decimals; an orphan is named by its item's key, there being no file line."""
    frames = {
        "t_flights": frame(flight_id=[Decimal("1042"), Decimal("7")]),
        "t_bookings": frame(booking_id=["B1", "B2"], flight_id=[Decimal("1042.0"), Decimal("9003")]),
    }
    results = validate("live", frames, {"t_flights": 2, "t_bookings": 2}, tmp_path, tables=(FLIGHTS, BOOKINGS))
    (violation,) = results.violations("t_bookings")
    assert violation.examples == ((None, "item 'B2': 9003"),)
    assert results.docs_index.is_file()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    dataset = load_dataset(RAW, out, REGISTRY, fix=True)
    counts = {name: entry.items for name, entry in dataset.ledger.tables.items() if not entry.error}
    return validate("preupload", dataset.frames, counts, out, TABLES)


def test_the_fixed_sample_meets_every_suite(sample):
    assert sample.success
    assert [v for t in TABLES for v in sample.violations(t.name)] == []


def test_no_personal_value_of_the_sample_reaches_data_docs(sample):
    passengers = read_csv(RAW / "passengers.csv")
    table = next(t for t in TABLES if t.file == "passengers.csv")
    values = {v for column in table.pii for v in passengers[column] if v}
    site = sample.docs_index.parent
    # Not the libraries copied from npm (offline.VENDOR), which hold no data and whose minified names include "Li".
    docs = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".js", ".css") and not p.is_relative_to(site / offline.VENDOR)
    )
    words = set(re.findall(r"[\w.@+-]+", docs))
    assert not values & words
    assert not [v for v in values if " " in v and v in docs]


def test_a_personal_foreign_key_query_selects_no_value():
    assert 'child."email"' not in check_of(PASSES).orphans_query(SMALL).split(" FROM ")[0]
    assert 'child."flight_id"' in check_of(BOOKINGS).orphans_query(SMALL).split(" FROM ")[0]


def test_a_child_whose_parent_could_not_be_read_says_so(tmp_path):
    frames = {"t_bookings": frame(booking_id=["B1"], flight_id=["7"])}
    (violation,) = validate("preupload", frames, None, tmp_path, tables=(FLIGHTS, BOOKINGS)).foreign_key(
        check_of(BOOKINGS)
    )
    assert violation.remedy == "the parent table t_flights could not be read; see its failure"


def test_the_saved_project_is_reused_and_follows_the_contracts(tmp_path):
    """A second run in the same out dir reuses what is saved; other tables or another ledger rewrite only what changed."""
    frames = {"t_flights": frame(flight_id=["7"]), "t_bookings": frame(booking_id=["B1"], flight_id=["8"])}
    first = validate("preupload", frames, {"t_flights": 1, "t_bookings": 1}, tmp_path, tables=(FLIGHTS, BOOKINGS))
    gx_project = first.docs_index.parents[3]

    def saved():
        """Project file, suites, validation definitions, checkpoints: all but the run's own output."""
        return {p: p.stat().st_mtime_ns for p in gx_project.rglob("*") if p.is_file() and "uncommitted" not in p.parts}

    written = saved()
    assert any(p.name == "preupload.json" for p in written) and len(written) >= 6
    again = validate("preupload", frames, {"t_flights": 1, "t_bookings": 1}, tmp_path, tables=(FLIGHTS, BOOKINGS))
    assert saved() == written
    assert [v.count for v in again.violations("t_bookings")] == [1]
    people = {"t_people": frame(email=[EMAILS[0]]), "t_passes": frame(pass_id=["P1"], email=[EMAILS[1]])}
    other = validate("preupload", people, None, tmp_path, tables=(PEOPLE, PASSES))
    assert [v.check for v in other.violations("t_passes")] == ["foreign key"]
    back = validate("preupload", frames, None, tmp_path, tables=(FLIGHTS, BOOKINGS))
    assert [v.check for v in back.violations("t_bookings")] == ["foreign key"]


def test_data_docs_are_named_by_the_run_and_kept_for_the_last_runs_only(tmp_path):
    names = [new_run_id()[:-4] + f"{n:04x}" for n in range(project.KEPT_RUNS + 2)]  # as the job names its runs
    for name in names:
        index = validate("preupload", small_frames(), SMALL_COUNTS, tmp_path, tables=SMALL, run_name=name).docs_index
    pages = index.parent / "validations"
    kept = {p.name for p in pages.rglob("*") if p.is_dir() and p.parent.parent == pages}
    assert kept == set(names[-project.KEPT_RUNS :]), sorted(kept)
    stored = tmp_path / "gx" / "uncommitted" / "validations"
    assert {p.name for p in stored.rglob("*") if p.is_dir() and p.parent.parent == stored} == kept
    listed = index.read_text(encoding="utf-8")
    assert names[-1] in listed and names[0] not in listed and "__none__" not in listed
