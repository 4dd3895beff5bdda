"""New tables created by ImportTable through the plugin, on moto's S3 and ImportTable in one moto server, over HTTP.

A part of the export (airports and the tables that point only at it, crew and
weather among them) is synced into an empty deployment with
`--import-threshold=100`: the tables of at least 100 items are created by
ImportTable (staged in a bucket on the same endpoint), the smaller ones by
CreateTable and BatchWriteItem. The live checks pass on all of them, run.json
holds each import's own counts, and the same export run again writes nothing.

The protection checks are left out: moto's import drops the table's
SSESpecification and its UpdateTable ignores one (strict xfail in
tests/loaders/deploy/test_import_table.py); on AWS the import encrypts the table.

The sample's passengers, imported at 1x (benchmarks/import_passengers.py does
100x), meet moto's other import bug: its parser cuts a string at a quote, and
223 passengers are named O'Brien. Their item comparison fails on exactly those
rows; the test that the live checks pass on it is a strict xfail.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from contracts.source import read_table
from contracts.tables.passengers import PASSENGERS
from data import manifest
from loaders.deploy.import_table import LOCAL_STAGING, parse_staging
from loaders.deploy.staging import s3_client
from loaders.dynamodb.client import endpoint_client
from tests.pytest_run import ROOT, failures, run_suite
from tests.sample import TABLES_BY_NAME

PREFIX = "imp-"
THRESHOLD = 100
# Parents before children: airports is the parent of all the others, CrewMembers of crew_*.
CHOSEN = ("airports", "aircraft_types", "notams", "CrewMembers", "crew_qualifications", "crew_duty_history", "Weather")
SAMPLE = manifest.load()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """The chosen tables' files of the sample export, and nothing else."""
    folder = tmp_path_factory.mktemp("export")
    for name in CHOSEN:
        shutil.copy(ROOT / "data" / "raw" / TABLES_BY_NAME[name].file, folder)
    return folder


def run(work, server, export, name: str, tables=CHOSEN, prefix=PREFIX, *options):
    out = work / name
    selected = " or ".join(f"[{table}" for table in tables)
    verdicts = run_suite(
        out,
        "plugin/suites/test_live.py",
        "-m",
        "live and not protection",
        "-k",
        selected,
        f"--endpoint-url={server}",
        f"--data-dir={export}",
        f"--out-dir={out}",
        f"--table-prefix={prefix}",
        *(options or ("--import=auto", f"--import-threshold={THRESHOLD}")),
    )
    return verdicts, json.loads((out / "plan.json").read_text()), json.loads((out / "run.json").read_text())


@pytest.fixture(scope="module")
def first(server, export, tmp_path_factory):
    return run(tmp_path_factory.mktemp("import"), server, export, "first")


def items(name: str) -> int:
    return SAMPLE.files[TABLES_BY_NAME[name].file].items


def test_the_tables_reaching_the_threshold_are_planned_as_imports(first):
    _, plan, _ = first
    for name in CHOSEN:
        by_import = "by ImportTable" if items(name) >= THRESHOLD else ""
        assert plan["tables"][name]["actions"][0].endswith(by_import), (name, plan["tables"][name]["actions"])
    assert sum(items(n) >= THRESHOLD for n in CHOSEN) >= 3 and sum(items(n) < THRESHOLD for n in CHOSEN) >= 2


def test_imported_tables_pass_the_live_checks_like_the_written_ones(first):
    verdicts, _, record = first
    assert not failures(verdicts)
    checked = {name for name in CHOSEN if verdicts.get(f"test_items_equal_fixed_rows[{name}]", "missing") is None}
    assert checked == set(CHOSEN)
    # The other tables of the sample are not in this export, so the verdict is no; none of the chosen fails.
    assert record["verdict"]["failing"] == []


def test_run_json_holds_each_import_s_own_counts(first):
    _, _, record = first
    imported = {name for name in CHOSEN if items(name) >= THRESHOLD}
    assert set(record["imports"]) == imported
    for name in imported:
        counts = record["imports"][name]
        assert (
            counts["status"],
            counts["staged"],
            counts["processed"],
            counts["imported"],
            counts["errors"],
            counts["failure"],
        ) == ("COMPLETED", items(name), items(name), items(name), 0, None), name
        assert record["changes"][name]["create"] == items(name)
        assert record["actions"][name][0] == "table created by ImportTable"
        # An import consumes no write capacity.
        assert record["capacity"][name]["write_units"] == 0
    assert all(record["capacity"][name]["write_units"] > 0 for name in set(CHOSEN) - imported)


def test_the_staged_items_are_removed_once_imported(first, server):
    bucket, prefix = parse_staging(LOCAL_STAGING)
    listed = s3_client(server).list_objects_v2(Bucket=bucket, Prefix=prefix)
    assert listed["KeyCount"] == 0


def test_imported_tables_get_deletion_protection_and_pitr(first, server):
    client = endpoint_client(server)
    for name in CHOSEN:
        assert client.describe_table(TableName=PREFIX + name)["Table"]["DeletionProtectionEnabled"] is True, name
        backups = client.describe_continuous_backups(TableName=PREFIX + name)["ContinuousBackupsDescription"]
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED", name


@pytest.fixture(scope="module")
def rerun(first, server, export, tmp_path_factory):
    return run(tmp_path_factory.mktemp("import"), server, export, "rerun")


def test_the_same_export_run_again_writes_nothing(rerun):
    verdicts, plan, record = rerun
    assert not failures(verdicts)
    assert plan["totals"]["create"] == plan["totals"]["update"] == plan["totals"]["delete"] == 0
    assert record["imports"] == {}
    # moto's import left the tables unencrypted and its UpdateTable cannot encrypt them: each run asks again.
    imported = {name for name in CHOSEN if items(name) >= THRESHOLD}
    assert {name: entry["actions"] for name, entry in plan["tables"].items() if entry["actions"]} == {
        name: ["encrypt with the AWS managed KMS key"] for name in imported
    }


@pytest.fixture(scope="module")
def passengers(server, tmp_path_factory):
    export = tmp_path_factory.mktemp("passengers-export")
    shutil.copy(ROOT / "data" / "raw" / PASSENGERS.file, export)
    work = tmp_path_factory.mktemp("passengers")
    verdicts, _, record = run(work, server, export, "first", ("passengers",), "pax-", "--import=always")
    return verdicts, record, work / "first" / "fixed" / PASSENGERS.file


@pytest.mark.xfail(
    strict=True,
    reason=(
        "moto 5.1.22's import parser (py-partiql-parser 0.6.3 JsonParser) ends a string at ' \" or \u2019: "
        "O'Brien is stored as O. AWS parses DynamoDB JSON as JSON"
    ),
)
def test_the_live_checks_pass_on_the_sample_passengers_imported(passengers):
    verdicts, _, _ = passengers
    assert not failures(verdicts)


def test_the_imported_passengers_differ_exactly_where_a_name_holds_a_quote(passengers):
    verdicts, record, fixed = passengers
    frame = read_table(fixed, PASSENGERS, fixed=True)
    quoted = frame.apply(lambda column: column.astype(str).str.contains("['\"\u2019]")).any(axis=1)
    assert quoted.sum() > 0 and frame.columns[
        frame.apply(lambda c: c.astype(str).str.contains("'")).any()
    ].tolist() == ["last_name"]
    failed = failures(verdicts)
    assert list(failed) == ["test_items_equal_fixed_rows[passengers]"]
    shown = re.search(
        rf"{quoted.sum()} items? differs? from (?:their|its) fixed rows?; first passenger_id='(PX\d+)': "
        r"\(expected, found\) \{'last_name': \('<masked>', '<masked>'\)\}",
        failed["test_items_equal_fixed_rows[passengers]"],
    )
    assert shown, failed["test_items_equal_fixed_rows[passengers]"]
    assert quoted[frame["passenger_id"] == shown.group(1)].all(), "the first differing passenger's name holds a quote"
    counts = record["imports"]["passengers"]
    assert (counts["status"], counts["errors"], counts["imported"]) == ("COMPLETED", 0, len(frame))
