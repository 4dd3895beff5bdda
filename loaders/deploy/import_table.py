"""Big new tables through ImportTable: items staged in S3 as gzipped DynamoDB JSON, the table created by the import.

AWS's managed import ("Import from Amazon S3" in the DynamoDB developer guide)
creates the table itself, consumes no write capacity and is billed by the
uncompressed size of the source, so it suits a large table that does not exist
yet; it never writes into an existing table. The table is created from the same
request as `loaders.dynamodb.tables.create_table_request` (on demand, every declared
GSI), converted to the fields `TableCreationParameters` takes.

What the import is told about the items it does not check as a request would
be: so every item is held to the guard's rules before it is staged, and its
keys must be unique (AWS lets a later item with the same key overwrite an
earlier one, neither counted as an error nor logged).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from contracts.table import Table
from loaders.deploy.batch import check_unique_keys
from loaders.deploy.staging import Staged, bucket_name_problem, remove_staged, stage_items
from loaders.dynamodb.items import Item, item_key
from loaders.dynamodb.protection import missing_protection, protect
from loaders.dynamodb.schema import create_table_request
from loaders.dynamodb.tables import wait_until_active
from loaders.dynamodb.waiters import Wait, run
from loaders.errors import ImportFailed, RequestRefusedByAWS, TableNotReady, key_label
from loaders.rules.guard import check_item
from loaders.rules.key_schema import KeySchema

# Below about a million items BatchWriteItem is done before an import would be: at the 4,000 writes per
# second a new on-demand table takes at first ("Initial throughput and scaling properties"), a million
# small items take about four minutes, and an import job spends minutes of its own before the first item
# is in (provisioning, reading S3) however small its source. Above it the import is faster, consumes no
# write capacity, and is billed by source gigabyte instead of by write request unit ("Amazon DynamoDB
# pricing"). So the sample's passengers table is written at 1x and imported at 100x (its items: data/manifest.json).
IMPORT_THRESHOLD = 1_000_000
# An import runs for minutes to hours, and takes a minute or more however small its source.
IMPORT_WAIT = Wait(timeout=6 * 3600.0, delay=2.0)


IMPORT_MODES = ("auto", "always", "never")
# Where a local server's imports are staged when no --import-staging is given: a bucket on the same endpoint.
LOCAL_STAGING = "s3://dynamodb-contracts-staging/imports/"


def parse_staging(uri: str) -> tuple[str, str]:
    """`s3://BUCKET/PREFIX` as (bucket, prefix); the prefix, when there is one, ends with `/`.

    A bucket name S3 refuses is refused here, before anything is staged.
    """
    if not uri.startswith("s3://") or not uri[len("s3://") :].split("/", 1)[0]:
        raise ValueError(f"--import-staging={uri!r}: give it as s3://BUCKET/PREFIX, e.g. s3://my-imports/dynamodb/")
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    problem = bucket_name_problem(bucket)
    if problem:
        raise ValueError(
            f"--import-staging={uri!r}: S3 refuses the bucket name {bucket!r} (a bucket name has {problem}, "
            "by S3's bucket naming rules): give the name of an existing bucket"
        )
    return bucket, prefix.strip("/") + "/" if prefix.strip("/") else ""


@dataclass(frozen=True)
class ImportPolicy:
    """Which new tables are created by ImportTable, and where their items are staged.

    `mode` is `auto` (a new table of at least `threshold` items), `always`
    (every new table holding items) or `never`. `bucket` None means no staging
    place was given: a table the policy would import is then blocked by the plan.
    """

    mode: str = "auto"
    threshold: int = IMPORT_THRESHOLD
    bucket: str | None = None
    prefix: str = ""

    def chooses(self, items: int) -> bool:
        """Whether a table that does not exist yet, to hold `items` items, is created by ImportTable.

        An empty table is created by CreateTable: an import of nothing would
        still take minutes. An existing table is never imported (an import only
        creates tables), so nothing here is asked about one.
        """
        return items > 0 and (self.mode == "always" or (self.mode == "auto" and items >= self.threshold))


NO_IMPORTS = ImportPolicy(mode="never")


@dataclass(frozen=True)
class ImportReport:
    """What one table's import did, in the import's own counts (DescribeImport)."""

    table: str
    import_arn: str
    staged: Staged
    processed_items: int
    imported_items: int
    errors: int
    processed_bytes: int
    stage_seconds: float
    import_seconds: float
    protected: tuple[str, ...] = ()  # protections given once the import had made the table
    unprotected: dict[str, str] = field(default_factory=dict)  # protections that could not be given, and why

    @property
    def seconds(self) -> float:
        return self.stage_seconds + self.import_seconds

    def counts(self) -> ImportCounts:
        return ImportCounts(
            "COMPLETED",
            self.staged.items,
            self.processed_items,
            self.imported_items,
            self.errors,
            round(self.seconds, 1),
        )


@dataclass(frozen=True)
class ImportCounts:
    """What an import did in its own counts (DescribeImport), as run.json and the report show them."""

    status: str
    staged: int
    processed: int
    imported: int
    errors: int
    seconds: float | None = None  # staging and import; None when the import failed

    @classmethod
    def of_failure(cls, failed: ImportFailed) -> ImportCounts:
        return cls(failed.status, failed.staged, failed.processed, failed.imported, failed.errors)


def check_items(table: Table, name: str, items: Sequence[Item]) -> None:
    """Refuse what AWS would refuse of these items had they come in a request, and repeated keys."""
    check_unique_keys(name, [{"PutRequest": {"Item": item}} for item in items], table.key)
    schema = KeySchema.from_description(create_table_request(table, name))
    for item in items:
        check_item("ImportTable", name, item, key_label(item_key(item, table)), schema)


def import_request(client, table: Table, name: str, staged: Staged) -> dict:
    """The ImportTable parameters for `staged`: the table's CreateTable request as TableCreationParameters.

    `client`'s service model says which CreateTable fields an import takes; a
    field it does not take is refused rather than dropped, since the import
    would then make a table other than the contract declares.
    """
    creation = create_table_request(table, name)
    # Deletion protection and PITR are switched on once the import has made the table (`import_table`).
    creation.pop("DeletionProtectionEnabled", None)
    accepted = (
        client.meta.service_model.operation_model("ImportTable").input_shape.members["TableCreationParameters"].members
    )
    refused = sorted(set(creation) - set(accepted))
    if refused:
        raise RequestRefusedByAWS(
            "ImportTable",
            "a table ImportTable cannot create",
            f"{name} needs {', '.join(refused)}, which TableCreationParameters does not take",
            "Load this table with BatchWriteItem.",
        )
    return {
        "S3BucketSource": {"S3Bucket": staged.bucket, "S3KeyPrefix": staged.prefix},
        "InputFormat": "DYNAMODB_JSON",
        "InputCompressionType": "GZIP",
        "TableCreationParameters": creation,
    }


def wait_for_import(client, import_arn: str, wait: Wait = IMPORT_WAIT) -> dict:
    """Wait until the import has ended (COMPLETED, FAILED or CANCELLED); returns its description.

    Raises `TableNotReady` after `wait.timeout`: the import goes on at AWS, and DescribeImport follows it.
    """
    last = run(client.get_waiter("import_completed"), wait, ImportArn=import_arn)
    if last is None:
        return client.describe_import(ImportArn=import_arn)["ImportTableDescription"]
    description = last["ImportTableDescription"]
    if description["ImportStatus"] in ("IN_PROGRESS", "CANCELLING"):
        raise TableNotReady(
            f"the import {import_arn} is still {description['ImportStatus']} after {wait.timeout:.0f} s; "
            "follow it with DescribeImport (or in the console), then run the live checks"
        )
    return description


def import_table(
    client,
    s3,
    table: Table,
    name: str,
    items: Sequence[Item],
    *,
    bucket: str,
    key_prefix: str = "",
    wait: Wait = IMPORT_WAIT,
    table_wait: Wait = Wait(),
) -> ImportReport:
    """Create table `name` (which must not exist) holding exactly `items`, through ImportTable.

    The items are checked, staged under a prefix of this import's own
    (`key_prefix` + name + a unique id, so nothing older is imported with them),
    imported, and the table waited for until it and its GSIs are ACTIVE. The
    staged objects are deleted once the import says the table holds the items (they carry
    personal data), or at once when the import is not even started; when an
    import fails they stay, and `ImportFailed` names them with AWS's reason,
    counts and CloudWatch log group. An import still running at the deadline
    keeps them too, named by its `TableNotReady`.
    """
    started = time.perf_counter()
    check_items(table, name, items)
    staged = stage_items(s3, items, bucket, f"{key_prefix}{name}/{uuid.uuid4().hex}/")
    staged_at = time.perf_counter()
    try:
        answer = client.import_table(**import_request(client, table, name, staged))["ImportTableDescription"]
    except BaseException:
        remove_staged(s3, staged)  # nothing reads them: personal data must not stay behind in the bucket
        raise
    try:
        description = wait_for_import(client, answer["ImportArn"], wait)
    except TableNotReady as error:
        # The import goes on and reads the staged objects, so they cannot be deleted yet: they are named instead.
        raise TableNotReady(
            f"{name}: {error}; the staged items are in {staged.source}: delete them once it has ended, "
            "they are the table's items"
        ) from None
    status = description["ImportStatus"]
    counts = {
        k: description.get(k, 0)
        for k in ("ProcessedItemCount", "ImportedItemCount", "ErrorCount", "ProcessedSizeBytes")
    }
    if status != "COMPLETED" or counts["ErrorCount"] or counts["ImportedItemCount"] != staged.items:
        failure = ": ".join(filter(None, (description.get("FailureCode"), description.get("FailureMessage")))) or None
        raise ImportFailed(
            name,
            answer["ImportArn"],
            status,
            staged=staged.items,
            processed=counts["ProcessedItemCount"],
            imported=counts["ImportedItemCount"],
            errors=counts["ErrorCount"],
            failure=failure,
            log_group=description.get("CloudWatchLogGroupArn"),
            source=staged.source,
        )
    remove_staged(s3, staged)  # the table holds every item: whatever happens next, they are not needed again
    description = wait_until_active(client, name, table_wait)
    # Deletion protection and PITR cannot be asked of an import; encryption can, but what the import made is
    # checked rather than trusted, like any table found lacking protection.
    lacking = missing_protection(client, table, name, description)
    unprotected = protect(client, table, name, lacking, wait=table_wait)
    return ImportReport(
        name,
        answer["ImportArn"],
        staged,
        counts["ProcessedItemCount"],
        counts["ImportedItemCount"],
        counts["ErrorCount"],
        counts["ProcessedSizeBytes"],
        staged_at - started,
        time.perf_counter() - staged_at,
        tuple(k for k in lacking if k not in unprotected),
        unprotected,
    )
