"""The shape of the requests the tool sends: table names, the batches of BatchWriteItem, Query and Scan paging,
UpdateTimeToLive's specification, and ExportTableToPointInTime and DescribeExport."""

from __future__ import annotations

import re
from typing import Any

from contracts import dynamodb
from loaders.errors import RuleBroken
from loaders.rules.definitions import check_name


def check_table_name(name: Any, where: str) -> None:
    """A table name as AWS takes it, or a table's ARN."""
    # Data operations also take a table's ARN in place of its name (API Reference, TableName).
    if not (type(name) is str and name.startswith("arn:")):
        check_name("table", name, where)


def batch_tables(params: dict, operation: str) -> dict:
    """The RequestItems of a batch: not empty, each table named as AWS takes it."""
    request_items = params.get("RequestItems")
    if type(request_items) is not dict or not request_items:
        raise RuleBroken(
            "empty batch",
            "RequestItems: 1 validation error detected: Value '{}' at 'requestItems' failed "
            "to satisfy constraint: Member must have length greater than or equal to 1",
            f"Send no {operation} when there is nothing to send.",
        )
    for table in request_items:
        check_table_name(table, f"RequestItems[{table}]")
    return request_items


def non_empty_list(value: Any, where: str, what: str) -> None:
    """A list of at least one request."""
    if type(value) is not list or not value:
        raise RuleBroken(
            "empty batch",
            f"{where}: Member must have length greater than or equal to 1",
            f"Leave a table without {what} out of the batch.",
        )


def check_paging(params: dict) -> None:
    """Limit and Segment/TotalSegments as the Query and Scan pages of the API Reference bound them."""
    limit = params.get("Limit")
    if limit is not None and (type(limit) is not int or limit < dynamodb.MIN_LIMIT):
        raise RuleBroken(
            "paging parameter",
            f"Limit: 1 validation error detected: Value '{limit}' at 'limit' failed to "
            f"satisfy constraint: Member must have value greater than or equal to {dynamodb.MIN_LIMIT}",
            f"Give Limit of {dynamodb.MIN_LIMIT} or more, or leave it out to read up to 1 MB per page.",
        )
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if segment is None and total is None:
        return
    remedy = (
        f"Give both Segment and TotalSegments, with 0 <= Segment < TotalSegments <= {dynamodb.MAX_TOTAL_SEGMENTS:,}."
    )
    if segment is None or total is None:
        raise RuleBroken(
            "paging parameter",
            "The TotalSegments parameter is required but was not present in the request "
            "when parameter Segment is present"
            if total is None
            else "The Segment parameter is required but was not present in the request when parameter "
            "TotalSegments is present",
            remedy,
        )
    if (
        type(total) is not int
        or not 1 <= total <= dynamodb.MAX_TOTAL_SEGMENTS
        or type(segment) is not int
        or not 0 <= segment < total
    ):
        raise RuleBroken(
            "paging parameter",
            f"Segment {segment} of TotalSegments {total}: The Segment parameter must be "
            "less than the TotalSegments parameter, both within DynamoDB's bounds",
            remedy,
        )


def compared_key_label(names: tuple[str, ...], parts: tuple) -> str:
    """A key as `dynamodb.comparable` parts, shown name=value."""
    return "/".join(
        f"{name}={content.decode(errors='replace') if isinstance(content, bytes) else content}"
        for name, (_, content) in zip(names, parts, strict=False)
    )


def check_time_to_live(params: dict) -> None:
    """UpdateTimeToLive: a TimeToLiveSpecification with Enabled (a boolean) and an AttributeName of 1 to 255
    characters (API reference, TimeToLiveSpecification)."""
    spec = params.get("TimeToLiveSpecification")
    if type(spec) is not dict or type(spec.get("Enabled")) is not bool or type(spec.get("AttributeName")) is not str:
        raise RuleBroken(
            "TTL specification",
            "TimeToLiveSpecification: Enabled (a boolean) and AttributeName (a string) are required",
            "Send {'Enabled': True, 'AttributeName': name}.",
        )
    name = spec["AttributeName"]
    if not 1 <= len(name) <= dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH:
        raise RuleBroken(
            "TTL attribute name",
            f"TimeToLiveSpecification.AttributeName has {len(name)} characters: "
            f"Member must have length between 1 and {dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH}",
            f"Name the expiry attribute in 1 to {dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH} characters.",
        )


# ExportTableToPointInTime (API Reference): TableArn 1 to 1024 characters, S3Bucket at most 255 matching the pattern,
# S3Prefix at most 1024, S3BucketOwner an account id; ExportFormat and ExportType from their valid values, and an
# INCREMENTAL_EXPORT with its IncrementalExportSpecification. DescribeExport: ExportArn 37 to 1024 characters.
MAX_ARN_LENGTH = 1024
MIN_EXPORT_ARN_LENGTH = 37
MAX_EXPORT_BUCKET_LENGTH = 255
EXPORT_BUCKET = re.compile(r"[a-z0-9A-Z]+[.\-\w]*[a-z0-9A-Z]+")
MAX_EXPORT_PREFIX_LENGTH = 1024
BUCKET_OWNER = re.compile(r"[0-9]{12}")
EXPORT_FORMATS = ("DYNAMODB_JSON", "ION")
EXPORT_TYPES = ("FULL_EXPORT", "INCREMENTAL_EXPORT")
# arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME (Service Authorization Reference, Amazon DynamoDB).
TABLE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/(?P<name>[^/]+)")


def check_export(params: dict) -> None:
    """ExportTableToPointInTime: a table's ARN, an S3 bucket and prefix as AWS takes them, a known format and type."""
    arn = params.get("TableArn")
    shape = TABLE_ARN.fullmatch(arn) if type(arn) is str and 1 <= len(arn) <= MAX_ARN_LENGTH else None
    if shape is None:
        raise RuleBroken(
            "export table ARN",
            f"TableArn {arn!r} is not a table's ARN of 1 to {MAX_ARN_LENGTH} characters",
            "Give the TableArn DescribeTable returns: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME.",
        )
    check_name("table", shape["name"], "TableArn")
    bucket = params.get("S3Bucket")
    if type(bucket) is not str or len(bucket) > MAX_EXPORT_BUCKET_LENGTH or not EXPORT_BUCKET.fullmatch(bucket):
        raise RuleBroken(
            "export bucket",
            f"S3Bucket {bucket!r}: Member must have length less than or equal to "
            f"{MAX_EXPORT_BUCKET_LENGTH} and match the pattern ^{EXPORT_BUCKET.pattern}$",
            "Export to the staging bucket, named as S3 names buckets.",
        )
    prefix = params.get("S3Prefix", "")
    if type(prefix) is not str or len(prefix) > MAX_EXPORT_PREFIX_LENGTH:
        raise RuleBroken(
            "export prefix",
            f"S3Prefix of {len(prefix) if type(prefix) is str else type(prefix).__name__} "
            f"characters: Member must have length less than or equal to {MAX_EXPORT_PREFIX_LENGTH}",
            f"Give a staging prefix of at most {MAX_EXPORT_PREFIX_LENGTH} characters, table name included.",
        )
    owner = params.get("S3BucketOwner")
    if owner is not None and (type(owner) is not str or not BUCKET_OWNER.fullmatch(owner)):
        raise RuleBroken(
            "export bucket owner",
            f"S3BucketOwner {owner!r} is not a 12-digit account id",
            "Name the account that owns the bucket by its 12 digits, or leave S3BucketOwner out.",
        )
    for field, valid in (("ExportFormat", EXPORT_FORMATS), ("ExportType", EXPORT_TYPES)):
        value = params.get(field, valid[0])
        if value not in valid:
            raise RuleBroken(
                "export format or type",
                f"{field} {value!r}: Member must satisfy enum value set: [{', '.join(valid)}]",
                f"Give {field} as one of {', '.join(valid)}.",
            )
    if params.get("ExportType") == "INCREMENTAL_EXPORT" and not params.get("IncrementalExportSpecification"):
        raise RuleBroken(
            "export format or type",
            "ExportType INCREMENTAL_EXPORT without an IncrementalExportSpecification",
            "Give ExportFromTime and ExportToTime in IncrementalExportSpecification, or export in full.",
        )


def check_describe_export(params: dict) -> None:
    """DescribeExport: an ExportArn of 37 to 1024 characters."""
    arn = params.get("ExportArn")
    if type(arn) is not str or not MIN_EXPORT_ARN_LENGTH <= len(arn) <= MAX_ARN_LENGTH:
        raise RuleBroken(
            "export ARN",
            f"ExportArn {arn!r}: Member must have length between {MIN_EXPORT_ARN_LENGTH} and {MAX_ARN_LENGTH}",
            "Give the ExportArn that ExportTableToPointInTime returned.",
        )
