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
from loaders.rules.attribute_values import check_attributes
from loaders.rules.definitions import check_create_table, check_name, check_update_table
from loaders.rules.expressions import check_expressions
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
_NO_MATCH = "The provided key element does not match the schema"
_KEY_REMEDY = "Give exactly the key attributes of the table (and, in ExclusiveStartKey, of the index), with their declared types."


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
                raise RuleBroken("unknown index", f"IndexName: The table does not have the specified index: {index}",
                                 "Name an index the table has (DescribeTable lists them).")
        check_paging(params)
        if "ExclusiveStartKey" in params:
            self._key(table, params["ExclusiveStartKey"], "ExclusiveStartKey", schema.start_key(index) if schema else None)
        check_expressions(params)

    def _query(self, params: dict) -> None:
        if params.get("KeyConditionExpression") is None and params.get("KeyConditions") is None:
            raise RuleBroken("query without a key condition",
                             "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
                             "Give a KeyConditionExpression on the partition key, or Scan.")
        self._read(params)

    def _batch_write(self, params: dict) -> None:
        """BatchWriteItem: 1 to 25 requests, each a put or a delete, no key twice, at most 16 MB."""
        request_items = batch_tables(params, "BatchWriteItem")
        count = sum(len(requests) if type(requests) is list else 0 for requests in request_items.values())
        if count > dynamodb.MAX_BATCH_WRITE_ITEMS:
            raise RuleBroken("too many requests in a batch",
                             f"{count} requests in one BatchWriteItem: Member must have length less than or equal to "
                             f"{dynamodb.MAX_BATCH_WRITE_ITEMS}", f"Split the items into batches of {dynamodb.MAX_BATCH_WRITE_ITEMS}.")
        size = 0
        for table, requests in request_items.items():
            where = f"RequestItems[{table}]"
            non_empty_list(requests, where, "requests")
            schema = self._schema(table)
            seen = set()
            for position, request in enumerate(requests):
                at = f"{where}[{position}]"
                if type(request) is not dict or len(request) != 1 or not ("PutRequest" in request or "DeleteRequest" in request):
                    raise RuleBroken("batch request", f"{at}: a write request is exactly one of PutRequest or DeleteRequest",
                                     "Write {'PutRequest': {'Item': ...}} or {'DeleteRequest': {'Key': ...}}.")
                put = request.get("PutRequest")
                if put is not None:
                    item = put.get("Item") if type(put) is dict else None
                    size += self._item(table, item, f"{at}.PutRequest.Item", schema)
                else:
                    delete = request["DeleteRequest"]
                    item = delete.get("Key") if type(delete) is dict else None
                    size += self._key(table, item, f"{at}.DeleteRequest.Key", schema=schema)
                if schema is not None:
                    key = tuple(dynamodb.comparable(item[name]) for name in schema.key)
                    if key in seen:
                        raise RuleBroken("duplicate key in a batch",
                                         f"{at}: Provided list of item keys contains duplicates ({compared_key_label(schema.key, key)} "
                                         "twice; numbers are compared by value)",
                                         "Send each key once per BatchWriteItem; AWS refuses the whole batch otherwise.")
                    seen.add(key)
        if size > dynamodb.MAX_BATCH_WRITE_BYTES:
            raise RuleBroken(f"batch over {dynamodb.MAX_BATCH_WRITE_BYTES // 2**20} MB",
                             f"{size} bytes in one BatchWriteItem; AWS allows {dynamodb.MAX_BATCH_WRITE_BYTES}",
                             "Split the items into smaller batches.")

    # items and keys ---------------------------------------------------------------------------
    def _item(self, table: str, item: Any, where: str, schema: KeySchema | None = None) -> int:
        """Validate an item being written; returns its size."""
        check_attributes(item, where)
        size = dynamodb.item_size(item)
        if size > dynamodb.MAX_ITEM_BYTES:
            raise RuleBroken(f"item over {dynamodb.MAX_ITEM_BYTES // 1024} KB", f"{where} is {size} bytes: Item size has exceeded the maximum allowed size "
                                                 f"of {dynamodb.MAX_ITEM_BYTES} bytes",
                             "Move the large attribute to S3 and store its address, or split the item.")
        schema = schema or self._schema(table)
        if schema is None:
            return size
        for name, index, partition in schema.key_roles:
            value = item.get(name)
            if value is None:
                if index is None:
                    raise RuleBroken("missing key attribute",
                                     f"{where}: One or more parameter values were invalid: Missing the key {name} in the item",
                                     f"Every item of {table} carries its key attributes {', '.join(schema.key)}.")
                continue
            self._key_value(table, name, value, index, partition, schema, where)
        return size

    def _key(self, table: str, key: Any, where: str, names: tuple[str, ...] | None = None,
             schema: KeySchema | None = None) -> int:
        """Validate a key (`names`: the attributes it must have, the table key by default); returns its size."""
        check_attributes(key, where)
        size = dynamodb.item_size(key)
        if not key:
            raise RuleBroken("key does not match the schema", f"{where} is empty: {_NO_MATCH}", _KEY_REMEDY)
        schema = schema or self._schema(table)
        if schema is None:
            return size
        names = names or schema.key
        if set(key) != set(names):
            raise RuleBroken("key does not match the schema",
                             f"{where} has {', '.join(key)} where the key is {', '.join(names)}: {_NO_MATCH}", _KEY_REMEDY)
        roles = {name: (index, partition) for name, index, partition in reversed(schema.key_roles)}
        for name in names:
            index, partition = roles[name]
            self._key_value(table, name, key[name], index, partition, schema, where)
        return size

    @staticmethod
    def _key_value(table: str, name: str, value: dict, index: str | None, partition: bool, schema: KeySchema,
                   where: str) -> None:
        """A key attribute's value (already a valid AttributeValue): declared type, not empty, within the key size."""
        kind, content = dynamodb.comparable(value)
        declared = schema.types.get(name)
        role = f"key attribute of {table}" if index is None else f"key attribute of index {index}"
        if declared and kind != declared:
            raise RuleBroken("key attribute of the wrong type",
                             f"{where}.{name} is {kind} but is the {role}, declared {declared}: One or more parameter "
                             f"values were invalid: Type mismatch for {'key' if index is None else 'Index Key'} {name} "
                             f"expected: {declared} actual: {kind}",
                             f"Send {name} as {declared}, as the contract and AttributeDefinitions declare.")
        if kind in ("S", "B") and not content:
            raise RuleBroken("empty string in a key attribute",
                             f"{where}.{name} is empty and is the {role}: One or more parameter values are not valid. "
                             "The AttributeValue for a key attribute cannot contain an empty string value",
                             "Leave the attribute out of the item (it then stays out of the sparse index).")
        limit = dynamodb.MAX_PARTITION_KEY_BYTES if partition else dynamodb.MAX_SORT_KEY_BYTES
        size = dynamodb.value_size(value)
        if size > limit:
            which = "partition" if partition else "sort"
            raise RuleBroken("key over its size limit",
                             f"{where}.{name} is {size} bytes and is the {which} key of the {role}; "
                             f"AWS allows {limit} (Service, account, and table quotas in Amazon DynamoDB)",
                             "Shorten the key, or key the item by a hash of the long value.")

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
        Guard(client=None)._item(table, item, where, schema)
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
        events.register(f"after-call.dynamodb.{operation}", guard.after_call, unique_id=f"aws-guard-{operation}-{id(guard)}")
    _GUARDS[client] = guard
    return guard
