"""A whole table read through ExportTableToPointInTime, against the moto server over HTTP (its S3 on the same port).

moto 5.1 runs the export and writes the items as one gzipped file of
`{"Item": ...}` lines under `<S3Prefix>/AWSDynamoDB/<id>/data/`, but writes no
manifest and leaves DescribeExport's `ExportManifest` out; AWS writes
`manifest-summary.json` and `manifest-files.json` beside the data
("DynamoDB table export output format"). Where a test needs them,
`aws_manifests` writes them for moto's real data file, as AWS would: the tool
reads one layout, AWS's.
"""

from __future__ import annotations

import gzip
import json

import pytest

from loaders.dynamodb import export as exporting
from loaders.dynamodb.client import read_only
from loaders.dynamodb.export import EXPORTS_FOLDER, ExportPolicy, export_pages, export_problem, wait_for_export
from loaders.dynamodb.items import item_to_row
from loaders.dynamodb.readback import READ_BY_EXPORT, table_pages
from loaders.dynamodb.stop import StopAsked, ask, reset
from loaders.dynamodb.tables import wait_until_active
from loaders.errors import ExportFailed, ExportUnreadable, TableNotReady

QUICK = exporting.Wait(timeout=60.0, delay=0.05)
ITEMS = 300


def item(i: int) -> dict:
    """Every type the tool writes: S (with leading zeros), N (1042.0 among them), SS, NS; some attributes left out."""
    made = {"id": {"S": f"{i:06d}"}, "weight": {"N": "1042.0" if i == 0 else f"{i}.25"}, "seats": {"N": str(i % 180)}}
    if i % 3:
        made["tags"] = {"SS": sorted({f"T{i % 4}", f"T{i % 5 + 4}"})}
    if i % 4:
        made["sizes"] = {"NS": [str(i), f"{i}.5"]}
    return made


@pytest.fixture
def table(admin, prefix, fast_wait) -> str:
    """A table of ITEMS items with point-in-time recovery on."""
    name = f"{prefix}cargo"
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    wait_until_active(admin, name, fast_wait)
    admin.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    for start in range(0, ITEMS, 25):
        admin.batch_write_item(
            RequestItems={name: [{"PutRequest": {"Item": item(i)}} for i in range(start, min(start + 25, ITEMS))]}
        )
    return name


def rows(items) -> dict:
    """Items by key, typed (numbers as Decimal, sets as frozensets): 1042.0 and 1042 are one value, as in DynamoDB."""
    return {entry["id"]["S"]: item_to_row(entry) for entry in items}


def stored(s3, bucket: str) -> list[str]:
    return [
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for o in page.get("Contents", [])
    ]


@pytest.fixture
def aws_manifests(s3):
    """`aws_manifests(client, bucket)`: the client's DescribeExport answers name AWS's manifests, written for moto's data files."""

    def install(client, bucket: str) -> None:
        written: dict[str, str] = {}

        def manifests(parsed, **_):
            description = parsed["ExportDescription"]
            if description["ExportStatus"] != "COMPLETED":
                return
            arn = description["ExportArn"]
            if arn not in written:
                data = [key for key in stored(s3, bucket) if "/data/" in key]
                root = data[0].split("/data/")[0]
                lines = []
                for key in data:
                    body = gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
                    lines.append(
                        {"itemCount": len(body.splitlines()), "md5Checksum": "", "etag": "", "dataFileS3Key": key}
                    )
                files_key, summary_key = f"{root}/manifest-files.json", f"{root}/manifest-summary.json"
                s3.put_object(Bucket=bucket, Key=files_key, Body="".join(json.dumps(line) + "\n" for line in lines))
                s3.put_object(
                    Bucket=bucket,
                    Key=summary_key,
                    Body=json.dumps(
                        {
                            "version": "2020-06-30",
                            "exportArn": arn,
                            "s3Bucket": bucket,
                            "manifestFilesS3Key": files_key,
                            "itemCount": sum(line["itemCount"] for line in lines),
                            "outputFormat": "DYNAMODB_JSON",
                        }
                    ),
                )
                written[arn] = summary_key
            description["ExportManifest"] = written[arn]

        client.meta.events.register("after-call.dynamodb.DescribeExport", manifests)

    return install


def test_an_export_reads_every_item_as_scan_gives_it_and_leaves_nothing_behind(
    client, admin, s3, bucket, table, aws_manifests
):
    aws_manifests(client, bucket)
    counted = []
    pages = list(export_pages(client, s3, table, bucket, "staging/", on_page=counted.append, wait=QUICK))
    exported = [entry for page in pages for entry in page]
    assert len(exported) == ITEMS and sum(counted) == ITEMS
    assert rows(exported) == rows(item(i) for i in range(ITEMS))
    scanned = [entry for page in admin.get_paginator("scan").paginate(TableName=table) for entry in page["Items"]]
    assert sorted(exported, key=lambda e: e["id"]["S"]) == sorted(scanned, key=lambda e: e["id"]["S"])
    assert stored(s3, bucket) == [], "the export's files hold the table's items: deleted once read"


def test_pages_hold_about_a_megabyte_of_exported_json(client, s3, bucket, table, aws_manifests, monkeypatch):
    aws_manifests(client, bucket)
    monkeypatch.setattr(exporting, "PAGE_BYTES", 2000)
    sizes = [len(page) for page in export_pages(client, s3, table, bucket, "", wait=QUICK)]
    assert sum(sizes) == ITEMS and len(sizes) > 10 and max(sizes) < 40


def test_the_export_is_written_under_the_staging_prefix_in_a_folder_of_its_own(
    client, s3, bucket, table, aws_manifests
):
    aws_manifests(client, bucket)
    seen = set()
    for _ in export_pages(client, s3, table, bucket, "staging/", wait=QUICK):
        seen.update(stored(s3, bucket))
    folders = {key.split("/AWSDynamoDB/")[0] for key in seen}
    assert len(folders) == 1 and next(iter(folders)).startswith(f"staging/{EXPORTS_FOLDER}{table}/")


def test_a_plan_may_read_by_export_since_an_export_changes_no_table(client, s3, bucket, table, aws_manifests):
    aws_manifests(client, bucket)
    with read_only(client):
        assert sum(len(page) for page in export_pages(client, s3, table, bucket, "", wait=QUICK)) == ITEMS


def test_moto_writes_no_manifest_and_the_export_is_refused_as_unreadable(client, s3, bucket, table):
    """When moto writes AWS's manifests this fails: drop `aws_manifests` from the tests above."""
    with pytest.raises(
        ExportUnreadable, match=rf"{table}: the export .* cannot be read: DescribeExport names no manifest"
    ):
        list(export_pages(client, s3, table, bucket, "", wait=QUICK))
    assert stored(s3, bucket) == []


def test_a_data_file_holding_other_than_its_manifest_lists_is_unreadable(client, s3, bucket, table, aws_manifests):
    aws_manifests(client, bucket)

    def one_more(parsed, **_):
        summary = json.loads(
            s3.get_object(Bucket=bucket, Key=parsed["ExportDescription"]["ExportManifest"])["Body"].read()
        )
        files_key = summary["manifestFilesS3Key"]
        entry = json.loads(s3.get_object(Bucket=bucket, Key=files_key)["Body"].read())
        s3.put_object(Bucket=bucket, Key=files_key, Body=json.dumps({**entry, "itemCount": ITEMS + 1}))
        summary["itemCount"] = ITEMS + 1
        s3.put_object(Bucket=bucket, Key=parsed["ExportDescription"]["ExportManifest"], Body=json.dumps(summary))

    client.meta.events.register("after-call.dynamodb.DescribeExport", one_more)
    with pytest.raises(ExportUnreadable, match=rf"data/\S+ holds {ITEMS} items where its manifest lists {ITEMS + 1}"):
        list(export_pages(client, s3, table, bucket, "", wait=QUICK))


def test_a_failed_export_raises_awss_failure_code_and_message(client, s3, table):
    # moto fails an export to a bucket that does not exist, as AWS does, with S3NoSuchBucket.
    with pytest.raises(
        ExportFailed,
        match=rf"{table}: the export \S+ to S3 FAILED \(S3NoSuchBucket: The specified bucket "
        r"does not exist\)\. Check that the staging bucket exists",
    ):
        list(export_pages(client, s3, table, "no-such-staging-bucket", "", wait=QUICK))


def test_an_export_still_running_at_the_deadline_says_how_to_follow_it(client, fabricate):
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/cargo/export/01234567890123-a1b2c3d4"
    client.meta.events.register(
        "before-send.dynamodb.DescribeExport",
        lambda request, **_: fabricate(
            request, 200, {"ExportDescription": {"ExportArn": arn, "ExportStatus": "IN_PROGRESS"}}
        ),
    )
    with pytest.raises(
        TableNotReady,
        match=f"cargo: the export {arn} is still IN_PROGRESS after 0 s; follow it with "
        "DescribeExport, and delete what it writes to s3://b/p/ once it has ended",
    ):
        wait_for_export(client, "cargo", arn, exporting.Wait(timeout=0.05, delay=0.01), "s3://b/p/")


def test_a_stop_asked_between_pages_ends_the_read(client, s3, bucket, table, aws_manifests, monkeypatch):
    aws_manifests(client, bucket)
    monkeypatch.setattr(exporting, "PAGE_BYTES", 2000)
    pages = export_pages(client, s3, table, bucket, "", wait=QUICK)
    next(pages)
    ask()
    try:
        with pytest.raises(StopAsked):
            next(pages)
    finally:
        reset()


def test_a_table_without_point_in_time_recovery_cannot_be_exported(admin, table):
    assert export_problem(admin, table) is None
    admin.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    assert export_problem(admin, table) == (
        f"{table} cannot be read by export: point-in-time recovery is DISABLED, and an export reads from it; "
        "declare point_in_time_recovery in its contract (a sync turns it on), or set --export-threshold=0 to Scan it"
    )


@pytest.mark.parametrize(
    "policy, hint, chosen",
    [
        (ExportPolicy(bucket="b"), exporting.EXPORT_THRESHOLD, True),
        (ExportPolicy(bucket="b"), exporting.EXPORT_THRESHOLD - 1, False),
        (ExportPolicy(threshold=0, bucket="b"), 10**9, False),
        (ExportPolicy(), 10**9, False),
    ],
    ids=["at-the-threshold", "below-it", "threshold-0-never", "no-staging-bucket"],
)
def test_the_policy_exports_big_tables_only_where_it_may(policy, hint, chosen):
    assert policy.chooses(hint) is chosen


def test_a_big_table_is_read_by_export_and_a_small_one_by_scan(client, s3, bucket, table, aws_manifests):
    aws_manifests(client, bucket)
    description = client.describe_table(TableName=table)["Table"]
    # moto refreshes ItemCount as it writes; AWS about every six hours: the policy takes it as a hint either way.
    big, small = ExportPolicy(threshold=1, bucket=bucket), ExportPolicy(threshold=ITEMS + 1, bucket=bucket)
    pages, note = table_pages(client, table, dict(description, ItemCount=ITEMS), big, s3)
    assert note == READ_BY_EXPORT and rows(e for page in pages for e in page) == rows(item(i) for i in range(ITEMS))
    pages, note = table_pages(client, table, dict(description, ItemCount=ITEMS), small, s3)
    assert note is None and sum(len(page) for page in pages) == ITEMS
    assert not [key for key in stored(s3, bucket) if EXPORTS_FOLDER in key], "no export was started for the small table"


def test_a_big_table_without_pitr_is_read_by_scan_and_the_plan_says_why(client, admin, s3, bucket, table):
    admin.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    description = dict(client.describe_table(TableName=table)["Table"], ItemCount=ITEMS)
    pages, note = table_pages(client, table, description, ExportPolicy(threshold=1, bucket=bucket), s3)
    assert sum(len(page) for page in pages) == ITEMS
    assert note.startswith("read by Scan: ") and "point-in-time recovery is DISABLED" in note
