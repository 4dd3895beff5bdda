"""The rules of an item or a key in a request: its AttributeValues, its size, and its key attributes (present,
of the declared type, not empty, within the key size limits). Each rule cites the documentation it comes from."""

from __future__ import annotations

from typing import Any

from contracts import dynamodb
from loaders.errors import RuleBroken
from loaders.rules.attribute_values import check_attributes
from loaders.rules.key_schema import KeySchema

_NO_MATCH = "The provided key element does not match the schema"
_KEY_REMEDY = (
    "Give exactly the key attributes of the table (and, in ExclusiveStartKey, of the index), with their declared types."
)


def check_item_written(table: str, item: Any, where: str, schema: KeySchema | None) -> int:
    """Refuse an item AWS would refuse in a write (`schema` None: the table's keys are unknown); returns its size."""
    check_attributes(item, where)
    size = dynamodb.item_size(item)
    if size > dynamodb.MAX_ITEM_BYTES:
        raise RuleBroken(
            f"item over {dynamodb.MAX_ITEM_BYTES // 1024} KB",
            f"{where} is {size} bytes: Item size has exceeded the maximum allowed size "
            f"of {dynamodb.MAX_ITEM_BYTES} bytes",
            "Move the large attribute to S3 and store its address, or split the item.",
        )
    if schema is None:
        return size
    for name, index, partition in schema.key_roles:
        value = item.get(name)
        if value is None:
            if index is None:
                raise RuleBroken(
                    "missing key attribute",
                    f"{where}: One or more parameter values were invalid: Missing the key {name} in the item",
                    f"Every item of {table} carries its key attributes {', '.join(schema.key)}.",
                )
            continue
        _check_key_value(table, name, value, index, partition, schema, where)
    return size


def check_key(table: str, key: Any, where: str, schema: KeySchema | None, names: tuple[str, ...] | None = None) -> int:
    """Refuse a key AWS would refuse (`names`: the attributes it must have, the table key by default); returns its
    size."""
    check_attributes(key, where)
    size = dynamodb.item_size(key)
    if not key:
        raise RuleBroken("key does not match the schema", f"{where} is empty: {_NO_MATCH}", _KEY_REMEDY)
    if schema is None:
        return size
    names = names or schema.key
    if set(key) != set(names):
        raise RuleBroken(
            "key does not match the schema",
            f"{where} has {', '.join(key)} where the key is {', '.join(names)}: {_NO_MATCH}",
            _KEY_REMEDY,
        )
    roles = {name: (index, partition) for name, index, partition in reversed(schema.key_roles)}
    for name in names:
        index, partition = roles[name]
        _check_key_value(table, name, key[name], index, partition, schema, where)
    return size


def _check_key_value(
    table: str, name: str, value: dict, index: str | None, partition: bool, schema: KeySchema, where: str
) -> None:
    """A key attribute's value (already a valid AttributeValue): declared type, not empty, within the key size."""
    kind, content = dynamodb.comparable(value)
    declared = schema.types.get(name)
    role = f"key attribute of {table}" if index is None else f"key attribute of index {index}"
    if declared and kind != declared:
        raise RuleBroken(
            "key attribute of the wrong type",
            f"{where}.{name} is {kind} but is the {role}, declared {declared}: One or more parameter "
            f"values were invalid: Type mismatch for {'key' if index is None else 'Index Key'} {name} "
            f"expected: {declared} actual: {kind}",
            f"Send {name} as {declared}, as the contract and AttributeDefinitions declare.",
        )
    if kind in ("S", "B") and not content:
        raise RuleBroken(
            "empty string in a key attribute",
            f"{where}.{name} is empty and is the {role}: One or more parameter values are not valid. "
            "The AttributeValue for a key attribute cannot contain an empty string value",
            "Leave the attribute out of the item (it then stays out of the sparse index).",
        )
    limit = dynamodb.MAX_PARTITION_KEY_BYTES if partition else dynamodb.MAX_SORT_KEY_BYTES
    size = dynamodb.value_size(value)
    if size > limit:
        which = "partition" if partition else "sort"
        raise RuleBroken(
            "key over its size limit",
            f"{where}.{name} is {size} bytes and is the {which} key of the {role}; "
            f"AWS allows {limit} (Service, account, and table quotas in Amazon DynamoDB)",
            "Shorten the key, or key the item by a hash of the long value.",
        )
