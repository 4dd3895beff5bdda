"""Reading a whole table through DynamoDB's export to S3 (ExportTableToPointInTime), page by page.

An export reads the table from its point-in-time recovery data, so it consumes
no read capacity and does not slow the table ("DynamoDB data export to Amazon
S3: how it works"); it needs PITR on the table. It is a job of its own that
takes minutes however small the table: the example in AWS's "DynamoDB table
export output format" ran from 07:28:34 to 07:33:43. So only a big table is
read this way (`ExportPolicy`), a small one by Scan.

The files are read as that page describes them: DescribeExport's
`ExportManifest` names `manifest-summary.json`, whose `manifestFilesS3Key`
names `manifest-files.json`, one JSON line per gzipped data file
(`dataFileS3Key`, `itemCount`), each line of which is `{"Item": {...}}` in
DynamoDB JSON. Data files are streamed: memory holds one page at a time. The
export's objects hold the table's personal data, so they are deleted once read.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from loaders.dynamodb.items import Item
from loaders.dynamodb.stop import StopAsked, asked
from loaders.dynamodb.waiters import Wait, export_completed, run
from loaders.errors import ExportFailed, ExportUnreadable, TableNotReady

# An export takes minutes before its first file is written, however small the table, and a parallel Scan of a
# million small items takes about as long (at 8 segments of about 1 MB a page). Above that the export wins:
# it costs no read capacity and does not slow the table, where a Scan consumes a read unit per 4 KB (eventually
# consistent: half) and competes with the table's traffic.
EXPORT_THRESHOLD = 1_000_000
# Where exports go under the staging prefix, each in a folder of its own: <prefix>exports/<table>/<id>/.
EXPORTS_FOLDER = "exports/"
# An export of a big table runs for hours; DescribeExport is asked every 5 s, so a stop is seen within 5 s.
EXPORT_WAIT = Wait(timeout=6 * 3600.0, delay=5.0)
# Items per page: about as much exported JSON as a Scan page holds (1 MB, Scan in the API Reference).
PAGE_BYTES = 1024 * 1024
# DeleteObjects takes at most 1,000 keys per call (DeleteObjects in the Amazon S3 API Reference).
DELETE_BATCH = 1000


@dataclass(frozen=True)
class ExportPolicy:
    """Which tables are read whole by export, and where the export writes (the import's staging place).

    `threshold` 0 means never; `bucket` None means no staging place was given, and no table is exported.
    """

    threshold: int = EXPORT_THRESHOLD
    bucket: str | None = None
    prefix: str = ""

    def chooses(self, item_count_hint: int) -> bool:
        """Whether a table of about `item_count_hint` items (DescribeTable's ItemCount, a hint) is read by export."""
        return self.bucket is not None and self.threshold > 0 and item_count_hint >= self.threshold


NO_EXPORTS = ExportPolicy(threshold=0)


def export_problem(client, table: str) -> str | None:
    """Why `table` cannot be exported (point-in-time recovery is not on), with the remedy; None when it can."""
    backups = client.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    status = backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus", "DISABLED")
    if status == "ENABLED":
        return None
    return (
        f"{table} cannot be read by export: point-in-time recovery is {status}, and an export reads from it; "
        "declare point_in_time_recovery in its contract (a sync turns it on), or set --export-threshold=0 to Scan it"
    )


def export_pages(
    client,
    s3,
    table: str,
    bucket: str,
    prefix: str,
    on_page: Callable[[int], None] | None = None,
    *,
    wait: Wait = EXPORT_WAIT,
) -> Iterator[list[Item]]:
    """Every item of `table`, in client format (as Scan returns them), in pages, read through a full export.

    The export is written under `prefix` + `exports/<table>/<id>/` in `bucket`,
    read once it is COMPLETED, and deleted when the pages are done (or no
    longer wanted). `on_page(n)` is called with each page's item count.
    Raises `ExportFailed` (with AWS's FailureCode and FailureMessage) for a
    FAILED export, `ExportUnreadable` when its files do not match its
    manifest, and `TableNotReady` when it is still running after `wait`.
    """
    arn = client.describe_table(TableName=table)["Table"]["TableArn"]
    # No trailing slash: AWS writes <S3Prefix>/AWSDynamoDB/<ExportId>/... itself.
    folder = f"{prefix}{EXPORTS_FOLDER}{table}/{uuid.uuid4().hex}"
    started = client.export_table_to_point_in_time(
        TableArn=arn, S3Bucket=bucket, S3Prefix=folder, ExportFormat="DYNAMODB_JSON", ExportType="FULL_EXPORT"
    )
    export_arn = started["ExportDescription"]["ExportArn"]
    description = wait_for_export(client, table, export_arn, wait, f"s3://{bucket}/{folder}/")
    try:
        if description["ExportStatus"] == "FAILED":
            raise ExportFailed(table, export_arn, description.get("FailureCode"), description.get("FailureMessage"))
        for key, count in _data_files(s3, table, bucket, description):
            yield from _file_pages(s3, table, export_arn, bucket, key, count, on_page)
    finally:
        # A stopped run sends nothing more: the files then stay, under the folder the export was given.
        if not asked():
            remove_export(s3, bucket, folder)


def wait_for_export(client, table: str, export_arn: str, wait: Wait = EXPORT_WAIT, where: str = "S3") -> dict:
    """Wait until the export has ended (COMPLETED or FAILED); returns its description.

    Raises `TableNotReady` after `wait.timeout`: the export goes on writing to `where`, and DescribeExport follows it.
    """
    last = run(export_completed(client), wait, ExportArn=export_arn)
    if last is None:
        return client.describe_export(ExportArn=export_arn)["ExportDescription"]
    description = last["ExportDescription"]
    if description["ExportStatus"] != "FAILED":
        raise TableNotReady(
            f"{table}: the export {export_arn} is still {description['ExportStatus']} after "
            f"{wait.timeout:.0f} s; follow it with DescribeExport, and delete what it writes to {where} "
            "once it has ended: it holds the table's items"
        )
    return description


def _data_files(s3, table: str, bucket: str, description: dict) -> list[tuple[str, int]]:
    """(key, item count) of every data file of a COMPLETED export to `bucket`, from its manifests."""
    export_arn = description["ExportArn"]
    summary_key = description.get("ExportManifest")
    if not summary_key:
        raise ExportUnreadable(table, export_arn, "DescribeExport names no manifest (ExportManifest)")
    summary = json.loads(s3.get_object(Bucket=bucket, Key=summary_key)["Body"].read())
    files = s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().decode("utf-8")
    entries = [json.loads(line) for line in files.splitlines() if line.strip()]
    listed = sum(entry["itemCount"] for entry in entries)
    if listed != summary["itemCount"]:
        raise ExportUnreadable(
            table, export_arn, f"its data files list {listed} items, its summary {summary['itemCount']}"
        )
    return [(entry["dataFileS3Key"], entry["itemCount"]) for entry in entries]


def _file_pages(
    s3, table: str, export_arn: str, bucket: str, key: str, count: int, on_page: Callable[[int], None] | None
) -> Iterator[list[Item]]:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    read, page, size = 0, [], 0
    with gzip.GzipFile(fileobj=body) as lines:
        for line in lines:
            if not line.strip():
                continue
            page.append(_client_format(json.loads(line)["Item"]))
            size += len(line)
            if size >= PAGE_BYTES:
                read += len(page)
                yield _delivered(page, on_page)
                page, size = [], 0
    if page:
        read += len(page)
        yield _delivered(page, on_page)
    if read != count:
        raise ExportUnreadable(table, export_arn, f"{key} holds {read} items where its manifest lists {count}")


def _delivered(page: list[Item], on_page: Callable[[int], None] | None) -> list[Item]:
    # Reading a data file sends no request, so the stop flag is checked here, once a page.
    if asked():
        raise StopAsked("the run was asked to stop")
    if on_page is not None:
        on_page(len(page))
    return page


def _client_format(item: dict[str, Any]) -> Item:
    """An exported item as the client gives it: DynamoDB JSON writes binary as base64 text, the client as bytes."""
    return {name: _value(value) for name, value in item.items()}


def _value(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, content),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(content)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in content]}
    if kind == "M":
        return {"M": _client_format(content)}
    if kind == "L":
        return {"L": [_value(v) for v in content]}
    return value


def remove_export(s3, bucket: str, folder: str) -> None:
    """Delete every object an export wrote under `folder` (its data, manifests, checksums and `_started`)."""
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{folder}/"):
            keys = [entry["Key"] for entry in page.get("Contents", [])]
            for start in range(0, len(keys), DELETE_BATCH):
                s3.delete_objects(
                    Bucket=bucket,
                    Delete={"Objects": [{"Key": k} for k in keys[start : start + DELETE_BATCH]], "Quiet": True},
                )
    except ClientError as error:
        # No bucket, nothing written: the export failed for it, and that failure is what the run must report.
        if error.response["Error"]["Code"] != "NoSuchBucket":
            raise
