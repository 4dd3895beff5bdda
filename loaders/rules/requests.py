"""The shape of the requests the tool sends: table names, the batches of BatchWriteItem, Query and Scan paging, and
UpdateTimeToLive's specification."""
from __future__ import annotations

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
        raise RuleBroken("empty batch", "RequestItems: 1 validation error detected: Value '{}' at 'requestItems' failed "
                                        "to satisfy constraint: Member must have length greater than or equal to 1",
                         f"Send no {operation} when there is nothing to send.")
    for table in request_items:
        check_table_name(table, f"RequestItems[{table}]")
    return request_items


def non_empty_list(value: Any, where: str, what: str) -> None:
    """A list of at least one request."""
    if type(value) is not list or not value:
        raise RuleBroken("empty batch", f"{where}: Member must have length greater than or equal to 1",
                         f"Leave a table without {what} out of the batch.")


def check_paging(params: dict) -> None:
    """Limit and Segment/TotalSegments as the Query and Scan pages of the API Reference bound them."""
    limit = params.get("Limit")
    if limit is not None and (type(limit) is not int or limit < dynamodb.MIN_LIMIT):
        raise RuleBroken("paging parameter", f"Limit: 1 validation error detected: Value '{limit}' at 'limit' failed to "
                                             f"satisfy constraint: Member must have value greater than or equal to {dynamodb.MIN_LIMIT}",
                         f"Give Limit of {dynamodb.MIN_LIMIT} or more, or leave it out to read up to 1 MB per page.")
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if segment is None and total is None:
        return
    remedy = f"Give both Segment and TotalSegments, with 0 <= Segment < TotalSegments <= {dynamodb.MAX_TOTAL_SEGMENTS:,}."
    if segment is None or total is None:
        raise RuleBroken("paging parameter", "The TotalSegments parameter is required but was not present in the request "
                                             "when parameter Segment is present" if total is None else
                         "The Segment parameter is required but was not present in the request when parameter "
                         "TotalSegments is present", remedy)
    if type(total) is not int or not 1 <= total <= dynamodb.MAX_TOTAL_SEGMENTS or type(segment) is not int or not 0 <= segment < total:
        raise RuleBroken("paging parameter", f"Segment {segment} of TotalSegments {total}: The Segment parameter must be "
                                             "less than the TotalSegments parameter, both within DynamoDB's bounds", remedy)


def compared_key_label(names: tuple[str, ...], parts: tuple) -> str:
    """A key as `dynamodb.comparable` parts, shown name=value."""
    return "/".join(f"{name}={content.decode(errors='replace') if isinstance(content, bytes) else content}"
                    for name, (_, content) in zip(names, parts, strict=False))


def check_time_to_live(params: dict) -> None:
    """UpdateTimeToLive: a TimeToLiveSpecification with Enabled (a boolean) and an AttributeName of 1 to 255
    characters (API reference, TimeToLiveSpecification)."""
    spec = params.get("TimeToLiveSpecification")
    if type(spec) is not dict or type(spec.get("Enabled")) is not bool or type(spec.get("AttributeName")) is not str:
        raise RuleBroken("TTL specification",
                         "TimeToLiveSpecification: Enabled (a boolean) and AttributeName (a string) are required",
                         "Send {'Enabled': True, 'AttributeName': name}.")
    name = spec["AttributeName"]
    if not 1 <= len(name) <= dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH:
        raise RuleBroken("TTL attribute name", f"TimeToLiveSpecification.AttributeName has {len(name)} characters: "
                         f"Member must have length between 1 and {dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH}",
                         f"Name the expiry attribute in 1 to {dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH} characters.")
