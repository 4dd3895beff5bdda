"""AWS's rules that moto does not enforce, applied to every request of a client before it is sent.

`install_guard(client)` registers a botocore `before-parameter-build` handler
that refuses, with `RequestRefusedByAWS`, any request AWS would reject: passing
on moto then means something for AWS. Key schemas are learnt from the
CreateTable, DescribeTable and UpdateTable answers the client sees (and looked
up with DescribeTable when a write names a table not seen yet).
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from botocore.exceptions import ClientError

from contracts import dynamodb
from loaders.errors import RequestRefusedByAWS, key_label
from loaders.expressions import expressions_in, reserved_names
from loaders.items import item_bytes
from loaders.tables import key_names

_GUARDS: weakref.WeakKeyDictionary[Any, Guard] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Refusal:
    """One request the guard stopped."""

    operation: str
    rule: str
    detail: str


@dataclass(frozen=True)
class KeySchema:
    """What a table's items must carry: the table key, the GSI keys, and their declared types."""

    key: tuple[str, ...]
    indexes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @cached_property
    def key_roles(self) -> tuple[tuple[str, str | None], ...]:
        """(attribute, index name or None for the table key) for every key attribute."""
        return tuple((name, None) for name in self.key) + tuple(
            (name, index) for index, names in self.indexes.items() for name in names)

    @classmethod
    def from_description(cls, description: dict) -> KeySchema:
        indexes = {i["IndexName"]: key_names(i["KeySchema"])
                   for i in description.get("GlobalSecondaryIndexes", []) + description.get("LocalSecondaryIndexes", [])}
        types = {d["AttributeName"]: d["AttributeType"] for d in description.get("AttributeDefinitions", [])}
        return cls(key_names(description["KeySchema"]), indexes, types)


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
        for rule, detail, remedy in self._problems(operation, params):
            with self._lock:
                self.refused.append(Refusal(operation, rule, detail))
            raise RequestRefusedByAWS(operation, rule, detail, remedy)

    def _problems(self, operation: str, params: dict) -> Iterator[tuple[str, str, str]]:
        for where, expression in expressions_in(params):
            words = reserved_names(expression, update=where.endswith("UpdateExpression"))
            if words:
                yield ("reserved word in an expression",
                       f"{where} {expression!r} uses {', '.join(words)} bare; DynamoDB reserves {'them' if len(words) > 1 else 'it'}",
                       "Write #name in the expression and pass ExpressionAttributeNames={'#name': '...'}.")
        # Paths are spelled out only when some number is bad: every item of every batch passes here.
        if not _numbers_ok(params):
            for where, text in _numbers(params):
                problem = dynamodb.number_problem(text)
                if problem:
                    yield ("number DynamoDB cannot hold", f"{where} = {text!r}: {problem}",
                           "Store it as a string, or round it to 38 significant digits in the data.")
        if operation in ("CreateTable", "ImportTable"):
            creation = params if operation == "CreateTable" else params.get("TableCreationParameters", {})
            count = len(creation.get("GlobalSecondaryIndexes", []))
            if count > dynamodb.MAX_GSIS_PER_TABLE:
                yield ("too many GSIs", f"{count} GSIs in one table; AWS allows {dynamodb.MAX_GSIS_PER_TABLE}",
                       "Declare fewer GSIs in the contract.")
        if operation == "UpdateTable":
            changes = [u for u in params.get("GlobalSecondaryIndexUpdates", []) if "Create" in u or "Delete" in u]
            if len(changes) > 1:
                yield ("one GSI create or delete per UpdateTable",
                       f"{len(changes)} GSIs created or deleted in one UpdateTable",
                       "Send one UpdateTable per GSI and wait until the table and the index are ACTIVE in between.")
        if operation == "BatchWriteItem":
            yield from self._batch_problems(params.get("RequestItems", {}))
        if operation == "PutItem":
            yield from self._item_problems(params.get("TableName", ""), params.get("Item", {}), "Item")
        if operation == "TransactWriteItems":
            for position, action in enumerate(params.get("TransactItems", [])):
                if "Put" in action:
                    put = action["Put"]
                    yield from self._item_problems(put.get("TableName", ""), put.get("Item", {}), f"TransactItems[{position}].Put.Item")

    def _batch_problems(self, request_items: dict) -> Iterator[tuple[str, str, str]]:
        count = sum(len(requests) for requests in request_items.values())
        if count > dynamodb.MAX_BATCH_WRITE_ITEMS:
            yield ("too many requests in a batch", f"{count} requests in one BatchWriteItem; AWS allows {dynamodb.MAX_BATCH_WRITE_ITEMS}",
                   "Split the items into batches of 25.")
        size = 0
        for table_name, requests in request_items.items():
            schema = self._schema(table_name)
            seen = set()
            for position, request in enumerate(requests):
                item = request.get("PutRequest", {}).get("Item") or request.get("DeleteRequest", {}).get("Key") or {}
                item_size = item_bytes(item)
                size += item_size
                if "PutRequest" in request:
                    yield from self._item_problems(table_name, item, f"RequestItems[{table_name}][{position}]", item_size, schema)
                if schema is not None:
                    key = tuple((name, str(item.get(name))) for name in schema.key)
                    if key in seen:
                        yield ("duplicate key in a batch", f"{table_name}: {key_label({n: item[n] for n in schema.key if n in item})} twice",
                               "Send each key once per BatchWriteItem; AWS refuses the whole batch otherwise.")
                    seen.add(key)
        if size > dynamodb.MAX_BATCH_WRITE_BYTES:
            yield ("batch over 16 MB", f"{size} bytes in one BatchWriteItem; AWS allows {dynamodb.MAX_BATCH_WRITE_BYTES}",
                   "Split the items into smaller batches.")

    def _item_problems(self, table_name: str, item: dict, where: str, size: int | None = None,
                       schema: KeySchema | None = None) -> Iterator[tuple[str, str, str]]:
        yield from item_problems(table_name, item, where, schema or self._schema(table_name), size)

    def _schema(self, table_name: str) -> KeySchema | None:
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


def item_problems(table_name: str, item: dict, where: str, schema: KeySchema | None,
                  size: int | None = None) -> Iterator[tuple[str, str, str]]:
    """(rule, detail, remedy) for each AWS rule one item breaks: its size, and the type and emptiness of its key
    attributes when the table's `schema` is known. For items that reach DynamoDB in no request (ImportTable)."""
    size = item_bytes(item) if size is None else size
    if size > dynamodb.MAX_ITEM_BYTES:
        yield ("item over 400 KB", f"{where} is {size} bytes; AWS allows {dynamodb.MAX_ITEM_BYTES}",
               "Move the large attribute to S3 and store its address, or split the item.")
    if schema is None:
        return
    for name, index in schema.key_roles:
        value = item.get(name)
        if not isinstance(value, dict) or len(value) != 1:
            continue
        (kind, content), = value.items()
        declared = schema.types.get(name)
        role = f"key attribute of {table_name}" if index is None else f"key attribute of index {index}"
        if declared and kind != declared:
            yield ("key attribute of the wrong type",
                   f"{where}.{name} is {kind} but is the {role}, declared {declared}",
                   f"Send {name} as {declared}, as the contract and AttributeDefinitions declare.")
        elif kind in ("S", "B") and content in ("", b""):
            yield ("empty string in a key attribute", f"{where}.{name} is empty and is the {role}",
                   "Leave the attribute out of the item (it then stays out of the sparse index).")


def _numbers_ok(params: Any) -> bool:
    """Whether every N and NS value in a request is a number DynamoDB can hold (the fast path of `_numbers`)."""
    if isinstance(params, dict):
        if len(params) == 1:
            (kind, content), = params.items()
            if kind == "N" and isinstance(content, str):
                return dynamodb.number_problem(content) is None
            if kind == "NS" and isinstance(content, list) and all(isinstance(v, str) for v in content):
                return all(dynamodb.number_problem(v) is None for v in content)
        return all(_numbers_ok(value) for value in params.values())
    if isinstance(params, list):
        return all(_numbers_ok(value) for value in params)
    return True


def _numbers(params: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every N and NS value anywhere in a request, as (path, text)."""
    if isinstance(params, dict):
        if len(params) == 1:
            (kind, content), = params.items()
            if kind == "N" and isinstance(content, str):
                yield path, content
                return
            if kind == "NS" and isinstance(content, list) and all(isinstance(v, str) for v in content):
                yield from ((path, v) for v in content)
                return
        for key, value in params.items():
            yield from _numbers(value, f"{path}.{key}" if path else key)
    elif isinstance(params, list):
        for position, value in enumerate(params):
            yield from _numbers(value, f"{path}[{position}]")


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
