"""Plan and sync: a deployment that exists converges to the export, writing only the difference, and can be rolled back."""

import dataclasses
import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandera.pandas as pa
import pytest
from botocore.exceptions import ClientError
from pandera.typing import Series

from contracts.dynamodb import MAX_BATCH_WRITE_ITEMS
from contracts.formats import timestamp
from contracts.table import Expiry, Table
from loaders.deploy.batch import write_items
from loaders.deploy.import_table import NO_IMPORTS, ImportPolicy
from loaders.deploy.plan import Plan, TablePlan, plan_tables
from loaders.deploy.rollback import ROLLED_BACK, RollbackLog, rollback
from loaders.deploy.sync import apply_plan
from loaders.dynamodb.client import read_only
from loaders.dynamodb.items import item_to_row, row_to_item
from loaders.dynamodb.schema import key_schema
from loaders.errors import DestroyRefused, WriteRefused
from reporting.progress import table_progress
from tests.loaders.conftest import create_table
from tests.number_sets import TURNAROUNDS


def as_stored(row: dict, numbers: tuple[str, ...] = ("value", "count"), sets: tuple[str, ...] = ("tags",)) -> dict:
    """A fixed row as it must read back, typed here by hand: numbers as Decimal, sets from JSON, empty cells left out."""
    typed = {}
    for column, text in row.items():
        if text is None:
            continue
        typed[column] = Decimal(text) if column in numbers else frozenset(json.loads(text)) if column in sets else text
    return typed


def stored(scan, name: str, key: str = "reading_id") -> list[dict]:
    return sorted((item_to_row(i) for i in scan(name)), key=lambda r: r[key])


class Writes:
    """Counts the put and delete requests a client sends in BatchWriteItem."""

    def __init__(self, client):
        self.puts = self.deletes = 0
        client.meta.events.register("provide-client-params.dynamodb.BatchWriteItem", self._count)

    def _count(self, params, **_):
        for requests in params["RequestItems"].values():
            self.puts += sum(1 for r in requests if "PutRequest" in r)
            self.deletes += sum(1 for r in requests if "DeleteRequest" in r)


@pytest.fixture
def sync(client, prefix, tmp_path, fast_backoff, fast_wait):
    """`sync({table: rows}, **options)`: plan every table, apply the plan, return both."""

    def run(
        rows: dict, *, run_id: str = "run-1", workers: int = 4, progress=None, allow_destroy=False, s3=None, **options
    ):
        expected = {table.name: [row_to_item(r, table) for r in table_rows] for table, table_rows in rows.items()}
        plan = plan_tables(client, list(rows), expected, prefix, **options)
        done = apply_plan(
            client,
            plan,
            run_id=run_id,
            rollback_dir=tmp_path / "rollback",
            workers=workers,
            backoff=fast_backoff,
            wait=fast_wait,
            progress=progress,
            allow_destroy=allow_destroy,
            s3=s3,
            imports=options.get("imports", NO_IMPORTS),
        )
        return plan, done

    return run


def test_a_first_sync_creates_the_tables_and_loads_every_row(
    sync, readings_table, stations_table, prefix, scan, make_rows, admin
):
    stations = [
        {"sensor": f"S{i}", "site": site, "installed": "2026-03-14"} for i in range(7) for site in ("AUH", "LHR")
    ]
    plan, done = sync({readings_table: make_rows(120), stations_table: stations})

    assert [(p.name, p.counts()["create"], p.actions) for p in plan.tables] == [
        (f"{prefix}readings", 120, ["create table with 2 GSIs"]),
        (f"{prefix}stations", 14, ["create table"]),
    ]
    assert stored(scan, f"{prefix}readings") == [as_stored(r) for r in make_rows(120)]
    assert sorted(
        (item_to_row(i) for i in scan(f"{prefix}stations")), key=lambda r: (r["sensor"], r["site"])
    ) == sorted(stations, key=lambda r: (r["sensor"], r["site"]))
    assert done.tables["readings"].created == 120 and done.tables["readings"].created_table


def test_a_table_the_tool_creates_is_protected_as_its_contract_declares(sync, readings_table, prefix, admin, make_rows):
    sync({readings_table: make_rows(3)})
    name = f"{prefix}readings"
    live = admin.describe_table(TableName=name)["Table"]
    assert live["DeletionProtectionEnabled"] is True
    assert live["SSEDescription"]["SSEType"] == "KMS" and live["SSEDescription"]["Status"] == "ENABLED"
    backups = admin.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_an_unchanged_rerun_writes_nothing(sync, client, readings_table, make_rows):
    sync({readings_table: make_rows(120)})
    writes = Writes(client)
    plan, done = sync({readings_table: make_rows(120)}, run_id="run-2")
    assert plan.tables[0].counts() == {"create": 0, "update": 0, "delete": 0, "unchanged": 120, "kept": 0}
    assert (writes.puts, writes.deletes) == (0, 0)
    assert done.rollback is None, "nothing changed, so nothing needs saving"


def test_deleted_changed_and_added_rows_are_exactly_what_is_written(
    sync, client, readings_table, prefix, scan, make_rows
):
    rows = make_rows(200)
    sync({readings_table: rows})
    new = [r for r in rows if r["reading_id"] not in {"R0010", "R0011", "R0012", "R0013", "R0014"}]  # 5 deleted
    for row in new[:7]:
        row["sensor"] = "S-moved"  # 7 changed
    new += [dict(rows[0], reading_id=f"R9{i:03d}") for i in range(3)]  # 3 added
    writes = Writes(client)

    plan, done = sync({readings_table: new}, run_id="run-2")

    assert plan.tables[0].counts() == {"create": 3, "update": 7, "delete": 5, "unchanged": 188, "kept": 0}
    assert [u.attributes for u in plan.tables[0].update] == [("sensor",)] * 7
    assert (writes.puts, writes.deletes) == (10, 5)
    assert (done.tables["readings"].created, done.tables["readings"].updated, done.tables["readings"].deleted) == (
        3,
        7,
        5,
    )
    assert stored(scan, f"{prefix}readings") == sorted((as_stored(r) for r in new), key=lambda r: r["reading_id"])


def test_a_number_stored_as_a_string_is_an_update(sync, admin, readings_table, prefix, make_rows, scan):
    rows = make_rows(5)
    sync({readings_table: rows})
    admin.put_item(
        TableName=f"{prefix}readings", Item={"reading_id": {"S": "R0003"}, "sensor": {"S": "S3"}, "count": {"S": "3"}}
    )
    plan, _ = sync({readings_table: rows}, run_id="run-2")
    assert [(u.item["reading_id"]["S"], u.attributes) for u in plan.tables[0].update] == [
        ("R0003", ("code", "count", "tags", "value"))
    ]
    assert (
        item_to_row(admin.get_item(TableName=f"{prefix}readings", Key={"reading_id": {"S": "R0003"}})["Item"])["count"]
        == 3
    )


def test_a_number_set_is_written_and_read_back_as_numbers(sync, prefix, scan):
    sync({TURNAROUNDS: [{"turnaround_id": "TA001", "station": "DXB", "delays": '["5", "15", "100"]'}]})
    [item] = scan(f"{prefix}turnarounds")
    assert sorted(item["delays"]["NS"], key=Decimal) == ["5", "15", "100"]
    assert item_to_row(item)["delays"] == frozenset({Decimal(5), Decimal(15), Decimal(100)})


@pytest.mark.parametrize(
    "delays, counts",
    [
        (["2", "1.0"], {"create": 0, "update": 0, "delete": 0, "unchanged": 1, "kept": 0}),
        (["1", "3"], {"create": 0, "update": 1, "delete": 0, "unchanged": 0, "kept": 0}),
    ],
    ids=["the same numbers in another order and spelling", "another number"],
)
def test_a_plan_compares_a_live_number_set_as_numbers(client, admin, prefix, fast_wait, delays, counts):
    name = f"{prefix}turnarounds"
    create_table(client, TURNAROUNDS, name, fast_wait)
    admin.put_item(
        TableName=name, Item={"turnaround_id": {"S": "TA001"}, "station": {"S": "DXB"}, "delays": {"NS": ["1", "2"]}}
    )
    expected = [row_to_item({"turnaround_id": "TA001", "station": "DXB", "delays": json.dumps(delays)}, TURNAROUNDS)]
    [plan] = plan_tables(client, [TURNAROUNDS], {"turnarounds": expected}, prefix).tables
    assert plan.counts() == counts
    assert [u.attributes for u in plan.update] == ([("delays",)] if counts["update"] else [])


def test_the_circuit_breaker_keeps_a_truncated_export_from_emptying_a_table(
    sync, client, readings_table, stations_table, prefix, scan, make_rows
):
    sync({readings_table: make_rows(100)})
    writes = Writes(client)
    stations = [{"sensor": "S1", "site": "AUH", "installed": "2026-03-14"}]

    plan, done = sync({readings_table: make_rows(5), stations_table: stations}, run_id="run-2")

    blocked = plan.by_table()["readings"].blocked
    assert "would delete 95 of its 100 live items (95%), more than the 10% its contract allows" in blocked
    assert "--allow-mass-delete" in blocked
    assert len(scan(f"{prefix}readings")) == 100, "nothing of a blocked table is deleted"
    assert "readings" not in done.tables and done.tables["stations"].created == 1
    assert (writes.puts, writes.deletes) == (1, 0)

    plan, _ = sync({readings_table: make_rows(5)}, run_id="run-3", allow_mass_delete=True)
    assert plan.tables[0].blocked is None and len(scan(f"{prefix}readings")) == 5


def test_an_upsert_table_keeps_live_items_the_export_does_not_have(sync, readings_table, prefix, scan, make_rows):
    from dataclasses import replace

    upsert = replace(readings_table, sync="upsert")
    sync({upsert: make_rows(20)})
    plan, _ = sync({upsert: make_rows(20)[:10]}, run_id="run-2")
    assert plan.tables[0].counts() == {"create": 0, "update": 0, "delete": 0, "unchanged": 10, "kept": 10}
    assert len(scan(f"{prefix}readings")) == 20


def _wrong_key_table(admin, name: str) -> None:
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_no",)),
        AttributeDefinitions=[{"AttributeName": "reading_no", "AttributeType": "N"}],
    )
    admin.put_item(TableName=name, Item={"reading_no": {"N": "1"}, "sensor": {"S": "old"}})


def test_a_table_with_another_key_is_blocked_alone_and_migrate_rebuilds_it(
    sync, admin, readings_table, stations_table, prefix, scan, make_rows
):
    _wrong_key_table(admin, f"{prefix}readings")
    stations = [{"sensor": "S1", "site": "AUH", "installed": "2026-03-14"}]

    plan, done = sync({readings_table: make_rows(10), stations_table: stations})
    blocked = plan.by_table()["readings"].blocked
    assert "exists with key (('reading_no', 'N'),), but the contract declares (('reading_id', 'S'),)" in blocked
    assert "--migrate" in blocked
    assert scan(f"{prefix}readings") == [{"reading_no": {"N": "1"}, "sensor": {"S": "old"}}], (
        "a blocked table is not touched"
    )
    assert done.tables["stations"].created == 1

    plan, done = sync({readings_table: make_rows(10)}, run_id="run-2", migrate=True)
    assert plan.tables[0].migrate and done.tables["readings"].backup.startswith("arn:aws:dynamodb:")
    assert [b["BackupName"] for b in admin.list_backups(TableName=f"{prefix}readings")["BackupSummaries"]] == [
        f"{prefix}readings-run-2"
    ]
    assert stored(scan, f"{prefix}readings") == [as_stored(r) for r in make_rows(10)]


def test_a_gsi_with_other_keys_is_replaced_only_with_migrate(sync, admin, readings_table, prefix, make_rows):
    name = f"{prefix}readings"
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("reading_id", "sensor")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "sensor-count-index",
                "KeySchema": key_schema(("sensor",)),
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "legacy-index",
                "KeySchema": key_schema(("sensor",)),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
    )
    plan, _ = sync({readings_table: make_rows(5)})
    assert "GSI sensor-count-index" in plan.tables[0].blocked

    plan, done = sync({readings_table: make_rows(5)}, run_id="run-2", migrate=True)
    assert "replace GSI sensor-count-index (was (('sensor', 'S'), 'ALL'))" in plan.tables[0].actions
    assert "undeclared GSI kept: legacy-index" in plan.tables[0].actions
    assert done.tables["readings"].gsis_replaced == ("sensor-count-index",)
    assert done.tables["readings"].gsis_added == ("code-index",)
    live = admin.describe_table(TableName=name)["Table"]
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in live["GlobalSecondaryIndexes"]}
    assert indexes == {"sensor-count-index": ["sensor", "count"], "code-index": ["code"], "legacy-index": ["sensor"]}


def test_a_migration_off_this_machine_sends_nothing_without_allow_destroy(tmp_path, readings_table):
    from loaders.dynamodb.client import endpoint_client

    remote = endpoint_client("http://dynamodb.staging.internal:8000")
    remote.meta.events.register("before-send.dynamodb", lambda **_: pytest.fail("a request was sent"))
    plan = Plan([TablePlan(readings_table, "readings", exists=True, migrate=True)])
    with pytest.raises(DestroyRefused, match="Nothing was touched. Add --allow-destroy"):
        apply_plan(remote, plan, run_id="run-1", rollback_dir=tmp_path)


def test_planning_sends_no_write(client, readings_table, prefix, make_rows):
    sent = []
    client.meta.events.register(
        "before-send.dynamodb", lambda request, **_: sent.append(request.headers["X-Amz-Target"].decode())
    )
    expected = {"readings": [row_to_item(r, readings_table) for r in make_rows(5)]}
    with read_only(client):
        plan = plan_tables(client, [readings_table], expected, prefix)
        with pytest.raises(WriteRefused, match="PutItem refused: this run only plans"):
            client.put_item(TableName=f"{prefix}readings", Item={"reading_id": {"S": "R1"}})
    assert plan.tables[0].actions == ["create table with 2 GSIs"]
    assert {target.split(".")[1] for target in sent} == {"DescribeTable"}


def test_rollback_returns_every_table_to_its_state_before_the_run(
    sync, client, readings_table, prefix, scan, make_rows, tmp_path
):
    rows = make_rows(60)
    sync({readings_table: rows})
    before = scan(f"{prefix}readings")
    changed = [dict(r, sensor="S-moved") for r in rows[:30]] + [dict(rows[0], reading_id="R9999")]  # 30 gone, 1 added

    _, done = sync({readings_table: changed}, run_id="run-2", allow_mass_delete=True)
    assert done.rollback == tmp_path / "rollback" / "run-2"
    assert oct((done.rollback / f"{prefix}readings.jsonl").stat().st_mode & 0o777) == "0o600"

    [restored] = rollback(client, done.rollback, workers=4)
    assert (restored.restored, restored.removed, restored.dropped) == (60, 1, False)
    assert sorted(map(json.dumps, scan(f"{prefix}readings"))) == sorted(map(json.dumps, before))


def test_a_second_rollback_of_the_same_run_changes_nothing(
    sync, client, admin, readings_table, prefix, scan, make_rows, tmp_path
):
    rows = make_rows(20)
    sync({readings_table: rows})
    _, done = sync({readings_table: [dict(r, sensor="S-moved") for r in rows]}, run_id="run-2")
    assert len(rollback(client, done.rollback, workers=4)) == 1
    assert json.loads((done.rollback / ROLLED_BACK).read_text())["tables"][0]["restored"] == 20
    written_since = {"reading_id": {"S": "R0000"}, "sensor": {"S": "written after the rollback"}}
    admin.put_item(TableName=f"{prefix}readings", Item=written_since)

    assert rollback(client, done.rollback, workers=4) == []
    assert written_since in scan(f"{prefix}readings")


def test_rolling_back_a_run_deletes_the_tables_it_created_past_their_protection(
    sync, client, admin, readings_table, stations_table, prefix, make_rows, fast_wait
):
    sync({readings_table: make_rows(10)})
    _, done = sync({readings_table: make_rows(12), stations_table: []}, run_id="run-2")
    assert admin.describe_table(TableName=f"{prefix}stations")["Table"]["DeletionProtectionEnabled"] is True

    undone = {r.name: r for r in rollback(client, done.rollback, workers=4, wait=fast_wait)}
    assert (undone[f"{prefix}stations"].dropped, undone[f"{prefix}readings"].dropped) == (True, False)
    assert undone[f"{prefix}readings"].removed == 2
    assert admin.list_tables()["TableNames"].count(f"{prefix}stations") == 0, "the empty table the run created is gone"
    assert f"{prefix}readings" in admin.list_tables()["TableNames"]


def test_a_rollback_that_deletes_tables_off_this_machine_sends_nothing_without_allow_destroy(tmp_path, readings_table):
    from loaders.dynamodb.client import endpoint_client

    log = RollbackLog(tmp_path / "run-1")
    log.save(TablePlan(readings_table, "readings", exists=False, create=[{"reading_id": {"S": "R0001"}}]), None)
    remote = endpoint_client("http://dynamodb.staging.internal:8000")
    remote.meta.events.register("before-send.dynamodb", lambda **_: pytest.fail("a request was sent"))
    with pytest.raises(
        DestroyRefused, match=r"refusing to delete the 1 table the run created \(readings\) at .*--allow-destroy"
    ):
        rollback(remote, log.folder)
    assert not (log.folder / ROLLED_BACK).exists()


def test_a_sync_killed_partway_converges_when_run_again(sync, client, readings_table, prefix, scan, make_rows, faults):
    rows = make_rows(300)
    sync({readings_table: make_rows(50)})

    dying = True

    def die_after_three(call, request_items):
        if dying and call > 3:
            raise KeyboardInterrupt  # as Ctrl-C would, in the middle of the writes
        return None

    faults(client, die_after_three)
    with pytest.raises(KeyboardInterrupt):
        sync({readings_table: rows[10:]}, run_id="run-2", workers=1, allow_mass_delete=True)
    dying = False
    # Puts go before deletes, one batch at a time: the three calls before the kill added three batches of new rows.
    written = 3 * MAX_BATCH_WRITE_ITEMS
    assert len(scan(f"{prefix}readings")) == 50 + written

    plan, _ = sync({readings_table: rows[10:]}, run_id="run-3", allow_mass_delete=True)
    assert plan.tables[0].counts() == {
        "create": 250 - written,
        "update": 0,
        "delete": 10,
        "unchanged": 40 + written,
        "kept": 0,
    }
    assert stored(scan, f"{prefix}readings") == [as_stored(r) for r in rows[10:]]


def test_progress_is_reported_per_table(sync, readings_table, prefix, make_rows):
    stream = io.StringIO()
    sync(
        {readings_table: make_rows(120)},
        progress=lambda name, total: table_progress(name, total, stream=stream, interactive=False),
    )
    assert stream.getvalue().splitlines() == [f"{prefix}readings: 120/120 items written"]


def test_items_written_before_the_plan_are_seen_by_it(client, readings_table, prefix, make_rows, fast_wait):
    name = f"{prefix}readings"
    create_table(client, readings_table, name, fast_wait)
    items = [row_to_item(r, readings_table) for r in make_rows(30)]
    write_items(client, name, items, readings_table.key)
    plan = plan_tables(client, [readings_table], {"readings": items}, prefix)
    assert plan.tables[0].counts()["unchanged"] == 30


def test_recreate_on_a_local_endpoint_starts_the_table_afresh(sync, admin, readings_table, prefix, scan, make_rows):
    sync({readings_table: make_rows(3)})
    admin.put_item(TableName=f"{prefix}readings", Item={"reading_id": {"S": "R9999"}, "sensor": {"S": "stale"}})
    plan, done = sync({readings_table: make_rows(3)}, run_id="run-2", recreate=True)
    assert plan.tables[0].migrate and done.tables["readings"].created_table
    assert done.tables["readings"].backup.startswith("arn:aws:dynamodb:")
    assert stored(scan, f"{prefix}readings") == [as_stored(r) for r in make_rows(3)], "the stale item is gone"


def stations_rows() -> list[dict]:
    return [{"sensor": f"S{i}", "site": site, "installed": "2026-03-14"} for i in range(7) for site in ("AUH", "LHR")]


def test_a_new_table_reaching_the_threshold_is_imported_and_its_rollback_removes_its_items(
    sync, client, s3, bucket, readings_table, stations_table, prefix, scan, make_rows
):
    imports = ImportPolicy("auto", threshold=100, bucket=bucket, prefix="imports/")
    plan, done = sync({readings_table: make_rows(120), stations_table: stations_rows()}, s3=s3, imports=imports)

    assert [p.actions for p in plan.tables] == [["create table with 2 GSIs by ImportTable"], ["create table"]]
    assert stored(scan, f"{prefix}readings") == [as_stored(r) for r in make_rows(120)]
    imported = done.tables["readings"]
    counts = imported.imported
    assert (counts.status, counts.staged, counts.processed, counts.imported, counts.errors) == (
        "COMPLETED",
        120,
        120,
        120,
        0,
    )
    assert (imported.created, imported.write_units, imported.import_failure) == (120, 0, None)
    assert imported.actions()[0] == "table created by ImportTable"
    assert done.tables["stations"].imported is None and done.tables["stations"].created == 14

    [undone, _] = rollback(client, done.rollback, workers=4)
    assert (undone.name, undone.removed, undone.dropped) == (f"{prefix}readings", 120, True)
    assert f"{prefix}readings" not in client.list_tables()["TableNames"]


def test_an_existing_table_is_never_imported(sync, s3, bucket, readings_table, make_rows):
    always = ImportPolicy("always", bucket=bucket)
    sync({readings_table: make_rows(10)})
    plan, done = sync({readings_table: make_rows(30)}, s3=s3, imports=always, run_id="run-2")
    assert (
        not plan.tables[0].by_import
        and done.tables["readings"].created == 20
        and done.tables["readings"].imported is None
    )


def test_a_failed_import_fails_its_table_alone(
    sync, client, s3, bucket, readings_table, stations_table, prefix, make_rows
):
    def add_broken_object(params, **_):
        source = params["S3BucketSource"]
        s3.put_object(
            Bucket=source["S3Bucket"],
            Key=f"{source['S3KeyPrefix']}broken.json.gz",
            Body=gzip.compress(json.dumps({"Item": {"sensor": {"S": "S1"}}}).encode()),
        )

    client.meta.events.register("before-parameter-build.dynamodb.ImportTable", add_broken_object)
    _, done = sync(
        {readings_table: make_rows(20), stations_table: stations_rows()},
        s3=s3,
        imports=ImportPolicy("auto", threshold=15, bucket=bucket),
    )

    failed = done.tables["readings"]
    assert (failed.imported.status, failed.imported.imported, failed.imported.errors) == ("FAILED", 20, 1)
    assert (
        failed.import_failure.startswith(f"{prefix}readings: the import arn:")
        and "ended FAILED" in failed.import_failure
    )
    assert "table created by ImportTable" not in failed.actions()
    assert done.tables["stations"].created == 14


def test_an_import_the_server_refuses_fails_its_table_alone(
    sync, client, s3, bucket, readings_table, stations_table, make_rows
):
    def refuse(**_):
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized to perform: dynamodb:ImportTable"}},
            "ImportTable",
        )

    client.meta.events.register("before-call.dynamodb.ImportTable", refuse)
    try:
        _, done = sync(
            {readings_table: make_rows(20), stations_table: stations_rows()},
            s3=s3,
            imports=ImportPolicy("auto", threshold=15, bucket=bucket),
        )
    finally:
        client.meta.events.unregister("before-call.dynamodb.ImportTable", refuse)
    refused = done.tables["readings"]
    assert (
        refused.imported.status == "NOT STARTED"
        and "not authorized to perform: dynamodb:ImportTable" in refused.import_failure
    )
    assert "table created by ImportTable" not in refused.actions()
    assert done.tables["stations"].created == 14


def test_a_table_to_import_without_a_staging_location_is_blocked_alone(
    client, readings_table, stations_table, prefix, make_rows
):
    expected = {
        "readings": [row_to_item(r, readings_table) for r in make_rows(120)],
        "stations": [row_to_item(r, stations_table) for r in stations_rows()],
    }
    plan = plan_tables(
        client, [readings_table, stations_table], expected, prefix, imports=ImportPolicy("auto", threshold=100)
    )
    readings, stations = plan.tables
    assert readings.blocked == (
        f"{prefix}readings: 120 items reach --import-threshold=100, so it is created by ImportTable, which reads them "
        "from S3; no staging location was given. Give --import-staging=s3://BUCKET/PREFIX (a bucket in the table's "
        "region that the load role may write and read), or --import=never to write it with BatchWriteItem."
    )
    assert stations.blocked is None and not stations.by_import


def test_a_planned_table_with_one_gsi_says_one_gsi(client, readings_table, prefix, make_rows):
    one = dataclasses.replace(readings_table, indexes=readings_table.indexes[:1])
    expected = {"readings": [row_to_item(r, one) for r in make_rows(2)]}
    plan = plan_tables(client, [one], expected, prefix + "one-")
    assert plan.tables[0].actions == ["create table with 1 GSI"]


class Events(pa.DataFrameModel):
    event_id: Series[str]
    ended: Series[str] = timestamp(nullable=True)


EVENTS = Table(
    name="events",
    file="events.csv",
    model=Events,
    key=("event_id",),
    expiry=Expiry("expires_at", "ended", timedelta(days=30)),
)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def event_rows() -> list[dict]:
    """Ended 60 days ago (expired), 10 days ago (not yet), and never (no expiry): as the fixers write them."""

    def row(number, ended):
        expires = None if ended is None else str(int((ended + EVENTS.expiry.retention).timestamp()))
        return {
            "event_id": f"E{number}",
            "ended": ended and ended.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires_at": expires,
        }

    return [row(1, NOW - timedelta(days=60)), row(2, NOW - timedelta(days=10)), row(3, None)]


class TtlUpdates:
    def __init__(self, client):
        self.calls = 0
        client.meta.events.register("provide-client-params.dynamodb.UpdateTimeToLive", self._count)

    def _count(self, **_):
        self.calls += 1


def test_a_declared_expiry_turns_ttl_on_once_and_counts_the_items_already_expired(sync, client, admin, prefix):
    plan, done = sync({EVENTS: event_rows()}, now=NOW.timestamp())
    assert plan.tables[0].actions == ["create table", "enable TTL on expires_at"]
    assert plan.tables[0].expired == 1 and plan.tables[0].summary()["expired"] == 1
    assert admin.describe_time_to_live(TableName=f"{prefix}events")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }
    assert "TTL enabled on expires_at" in done.tables["events"].actions()
    updates = TtlUpdates(client)
    again, done = sync({EVENTS: event_rows()}, run_id="run-2", now=NOW.timestamp())
    assert again.tables[0].actions == [] and not again.tables[0].changes_anything
    assert updates.calls == 0 and done.tables["events"].actions() == []


def test_ttl_turned_off_by_hand_is_a_change_the_next_plan_names_and_the_sync_restores(sync, admin, prefix):
    sync({EVENTS: event_rows()})
    admin.update_time_to_live(
        TableName=f"{prefix}events", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires_at"}
    )
    plan, done = sync({EVENTS: event_rows()}, run_id="run-2")
    assert plan.tables[0].actions == ["enable TTL on expires_at"] and plan.tables[0].writes == 0
    assert done.tables["events"].ttl_enabled == "expires_at"
    assert (
        admin.describe_time_to_live(TableName=f"{prefix}events")["TimeToLiveDescription"]["TimeToLiveStatus"]
        == "ENABLED"
    )
