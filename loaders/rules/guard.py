"""AWS's rules that moto does not enforce, applied to every request of a client before it is sent.

`install_guard(client)` registers a botocore `before-parameter-build` handler
(it runs before botocore's own parameter validation, so it sees malformed
shapes first) that refuses, with `RequestRefusedByAWS`, any request AWS would
reject: passing on moto then means something for AWS. Key schemas are learnt
from the CreateTable, DescribeTable and UpdateTable answers the client sees
(and looked up with DescribeTable when a request names a table not seen yet).

It covers exactly the operations the tool sends with rules to break:
CreateTable, ImportTable and UpdateTable (`loaders.rules.definitions`),
UpdateTimeToLive (its specification and attribute name),
ExportTableToPointInTime and DescribeExport (ARNs, bucket, prefix, format),
BatchWriteItem (items, every AttributeValue, keys, batch shape), and Query and
Scan (index, paging parameters, ExclusiveStartKey, expressions in
`loaders.rules.expressions`). Each rule cites the page of the DynamoDB
documentation it comes from; table names are checked on every operation.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from contracts import dynamodb
from loaders.errors import RequestRefusedByAWS, RuleBroken
from loaders.rules.definitions import check_create_table, check_name, check_update_table
from loaders.rules.expressions import check_expressions
from loaders.rules.items import check_item_written, check_key
from loaders.rules.key_schema import KeySchema
from loaders.rules.requests import (
    batch_tables,
    check_describe_export,
    check_export,
    check_paging,
    check_table_name,
    check_time_to_live,
    compared_key_label,
    non_empty_list,
)

_GUARDS: weakref.WeakKeyDictionary[Any, Guard] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Refusal:
    """One request the guard stopped."""

    operation: str
    rule: str
    detail: str


class Guard:
    """The rules, and the requests refused so far (`refused`). Thread-safe: workers share a client."""

    def __init__(self, client):
        self.client = client
        self.refused: list[Refusal] = []
        self.schemas: dict[str, KeySchema] = {}
        self._lock = threading.Lock()

    # botocore handlers ------------------------------------------------------------------------
    def before_parameter_build(self, params: dict, model, **_) -> None:
        self.check(model.name, params)

    def after_call(self, parsed: dict, model, **_) -> None:
        description = parsed.get("Table") or parsed.get("TableDescription") or {}
        if "TableName" not in description:
            return
        with self._lock:
            if model.name == "DeleteTable":
                self.schemas.pop(description["TableName"], None)
            elif "KeySchema" in description:
                self.schemas[description["TableName"]] = KeySchema.from_description(description)

    # the rules --------------------------------------------------------------------------------
    def check(self, operation: str, params: dict) -> None:
        """Raise `RequestRefusedByAWS` if AWS would refuse `operation` with these parameters."""
        try:
            if "TableName" in params and operation != "CreateTable":
                check_table_name(params["TableName"], "TableName")
            rules = _RULES.get(operation)
            if rules is not None:
                rules(self, params)
        except RuleBroken as broken:
            with self._lock:
                self.refused.append(Refusal(operation, broken.rule, broken.detail))
            raise RequestRefusedByAWS(operation, broken.rule, broken.detail, broken.remedy) from None

    def _create_table(self, params: dict) -> None:
        check_create_table(params)

    def _import_table(self, params: dict) -> None:
        """ImportTable creates its table from TableCreationParameters: the same rules as CreateTable."""
        check_create_table(params.get("TableCreationParameters") or {})

    def _update_table(self, params: dict) -> None:
        creates = any(isinstance(u, dict) and "Create" in u for u in params.get("GlobalSecondaryIndexUpdates") or [])
        schema = self._schema(params.get("TableName")) if creates else None
        check_update_table(params, tuple(schema.indexes) if schema else None)

    def _update_time_to_live(self, params: dict) -> None:
        check_time_to_live(params)

    def _export(self, params: dict) -> None:
        check_export(params)

    def _describe_export(self, params: dict) -> None:
        check_describe_export(params)

    def _read(self, params: dict) -> None:
        """Query and Scan: the index, paging parameters, ExclusiveStartKey, expressions."""
        table, index = params.get("TableName"), params.get("IndexName")
        schema = self._schema(table)
        if index is not None:
            check_name("index", index, "IndexName")
            if schema is not None and index not in schema.indexes:
                raise RuleBroken(
                    "unknown index",
                    f"IndexName: The table does not have the specified index: {index}",
                    "Name an index the table has (DescribeTable lists them).",
                )
        check_paging(params)
        if "ExclusiveStartKey" in params:
            check_key(
                table,
                params["ExclusiveStartKey"],
                "ExclusiveStartKey",
                schema,
                schema.start_key(index) if schema else None,
            )
        check_expressions(params)

    def _query(self, params: dict) -> None:
        if params.get("KeyConditionExpression") is None and params.get("KeyConditions") is None:
            raise RuleBroken(
                "query without a key condition",
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
                "Give a KeyConditionExpression on the partition key, or Scan.",
            )
        self._read(params)

    def _batch_write(self, params: dict) -> None:
        """BatchWriteItem: 1 to 25 requests, each a put or a delete, no key twice, at most 16 MB."""
        request_items = batch_tables(params, "BatchWriteItem")
        count = sum(len(requests) if type(requests) is list else 0 for requests in request_items.values())
        if count > dynamodb.MAX_BATCH_WRITE_ITEMS:
            raise RuleBroken(
                "too many requests in a batch",
                f"{count} requests in one BatchWriteItem: Member must have length less than or equal to "
                f"{dynamodb.MAX_BATCH_WRITE_ITEMS}",
                f"Split the items into batches of {dynamodb.MAX_BATCH_WRITE_ITEMS}.",
            )
        size = 0
        for table, requests in request_items.items():
            where = f"RequestItems[{table}]"
            non_empty_list(requests, where, "requests")
            schema = self._schema(table)
            seen = set()
            for position, request in enumerate(requests):
                at = f"{where}[{position}]"
                if (
                    type(request) is not dict
                    or len(request) != 1
                    or not ("PutRequest" in request or "DeleteRequest" in request)
                ):
                    raise RuleBroken(
                        "batch request",
                        f"{at}: a write request is exactly one of PutRequest or DeleteRequest",
                        "Write {'PutRequest': {'Item': ...}} or {'DeleteRequest': {'Key': ...}}.",
                    )
                put = request.get("PutRequest")
                if put is not None:
                    item = put.get("Item") if type(put) is dict else None
                    size += check_item_written(table, item, f"{at}.PutRequest.Item", schema)
                else:
                    delete = request["DeleteRequest"]
                    item = delete.get("Key") if type(delete) is dict else None
                    size += check_key(table, item, f"{at}.DeleteRequest.Key", schema)
                if schema is not None:
                    key = tuple(dynamodb.comparable(item[name]) for name in schema.key)
                    if key in seen:
                        raise RuleBroken(
                            "duplicate key in a batch",
                            f"{at}: Provided list of item keys contains duplicates ({compared_key_label(schema.key, key)} "
                            "twice; numbers are compared by value)",
                            "Send each key once per BatchWriteItem; AWS refuses the whole batch otherwise.",
                        )
                    seen.add(key)
        if size > dynamodb.MAX_BATCH_WRITE_BYTES:
            raise RuleBroken(
                f"batch over {dynamodb.MAX_BATCH_WRITE_BYTES // 2**20} MB",
                f"{size} bytes in one BatchWriteItem; AWS allows {dynamodb.MAX_BATCH_WRITE_BYTES}",
                "Split the items into smaller batches.",
            )

    def _schema(self, table_name: Any) -> KeySchema | None:
        if type(table_name) is not str:
            return None
        with self._lock:
            if table_name in self.schemas:
                return self.schemas[table_name]
        try:
            # The answer reaches after_call, which records the schema.
            self.client.describe_table(TableName=table_name)
        except ClientError:
            return None
        with self._lock:
            return self.schemas.get(table_name)


_RULES: dict[str, Callable[[Guard, dict], None]] = {
    "CreateTable": Guard._create_table,
    "ImportTable": Guard._import_table,
    "UpdateTable": Guard._update_table,
    "UpdateTimeToLive": Guard._update_time_to_live,
    "Query": Guard._query,
    "Scan": Guard._read,
    "BatchWriteItem": Guard._batch_write,
    "ExportTableToPointInTime": Guard._export,
    "DescribeExport": Guard._describe_export,
}


def check_item(operation: str, table: str, item: Any, where: str, schema: KeySchema) -> None:
    """Refuse, as the guard refuses it in a write request, an item that reaches DynamoDB by another way (ImportTable)."""
    try:
        check_item_written(table, item, where, schema)
    except RuleBroken as broken:
        raise RequestRefusedByAWS(operation, broken.rule, broken.detail, broken.remedy) from None


def install_guard(client) -> Guard:
    """Apply AWS's rules to every request of `client`; returns the guard (the same one if already installed)."""
    if client in _GUARDS:
        return _GUARDS[client]
    guard = Guard(client)
    events = client.meta.events
    events.register("before-parameter-build.dynamodb", guard.before_parameter_build, unique_id=f"aws-guard-{id(guard)}")
    for operation in ("CreateTable", "DescribeTable", "UpdateTable", "DeleteTable"):
        events.register(
            f"after-call.dynamodb.{operation}", guard.after_call, unique_id=f"aws-guard-{operation}-{id(guard)}"
        )
    _GUARDS[client] = guard
    return guard
