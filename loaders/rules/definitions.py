"""What AWS refuses in a table definition: CreateTable and UpdateTable, checked before they are sent.

The limits come from "Naming rules and data types", "Service, account, and
table quotas in Amazon DynamoDB" (Developer Guide) and the CreateTable and
UpdateTable pages of the API Reference; the messages are DynamoDB's own.
"""

from __future__ import annotations

from typing import Any

from contracts import dynamodb
from loaders.errors import RuleBroken

_INVALID = "One or more parameter values were invalid: "


def check_create_table(params: dict) -> None:
    """Raise `RuleBroken` at the first rule of a table definition that CreateTable breaks."""
    check_name("table", params.get("TableName"), "TableName")
    table_key = check_key_schema(params.get("KeySchema"), "KeySchema")
    defined = check_attribute_definitions(params.get("AttributeDefinitions"))
    gsis = _index_list(params, "GlobalSecondaryIndexes", dynamodb.MAX_GSIS_PER_TABLE)
    used = list(table_key)
    seen: set[str] = set()
    for position, index in enumerate(gsis):
        where = f"GlobalSecondaryIndexes[{position}]"
        name, key = check_index(index, where)
        if name in seen:
            raise RuleBroken(
                "duplicate index name",
                f"{where}: {_INVALID}Duplicate index name: {name}",
                "Give every GSI of a table its own name.",
            )
        seen.add(name)
        used += key
    _check_definitions_used(defined, used)
    _check_projected_count(gsis)
    _check_billing(params, gsis)


def check_update_table(params: dict, existing_indexes: tuple[str, ...] | None) -> None:
    """Raise `RuleBroken` at the first rule an UpdateTable breaks (`existing_indexes`: the table's GSIs, if known)."""
    check_name("table", params.get("TableName"), "TableName")
    defined = check_attribute_definitions(params["AttributeDefinitions"]) if "AttributeDefinitions" in params else {}
    updates = params.get("GlobalSecondaryIndexUpdates") or []
    changes = [u for u in updates if isinstance(u, dict) and ("Create" in u or "Delete" in u)]
    if len(changes) > 1:
        raise RuleBroken(
            "one GSI create or delete per UpdateTable",
            f"{len(changes)} GSIs created or deleted in one UpdateTable: Subscriber limit exceeded: "
            "Only 1 online index can be created or deleted simultaneously per table",
            "Send one UpdateTable per GSI and wait until the table and the index are ACTIVE in between.",
        )
    for position, update in enumerate(updates):
        create = update.get("Create") if isinstance(update, dict) else None
        if create is None:
            continue
        where = f"GlobalSecondaryIndexUpdates[{position}].Create"
        name, key = check_index(create, where)
        missing = [attribute for attribute in key if attribute not in defined]
        if missing:
            raise _undefined(
                f"{where}: ",
                key,
                defined,
                "Define the type of every key attribute of the new index in AttributeDefinitions.",
            )
        _check_projected_count([create])
        if existing_indexes is None:
            continue
        if name in existing_indexes:
            raise RuleBroken(
                "duplicate index name",
                f"{where}: Attempting to create an index which already exists: {name}",
                "Give the new index a name the table does not use yet.",
            )
        if len(existing_indexes) + 1 > dynamodb.MAX_GSIS_PER_TABLE:
            raise RuleBroken(
                "too many GSIs",
                f"{where}: the table has {len(existing_indexes)} GSIs; AWS allows {dynamodb.MAX_GSIS_PER_TABLE}",
                "Declare fewer GSIs in the contract.",
            )


def check_name(kind: str, name: Any, where: str) -> str:
    problem = dynamodb.name_problem(kind, name) if type(name) is str else f"{kind} name must be a string"
    if problem:
        raise RuleBroken(
            f"{kind} name",
            f"{where}: {problem}",
            f"Name the {kind} with {dynamodb.MIN_NAME_LENGTH} to {dynamodb.MAX_NAME_LENGTH} characters "
            f"of {dynamodb.NAME_CHARACTERS}; check --table-prefix.",
        )
    return name


def check_key_schema(schema: Any, where: str) -> tuple[str, ...]:
    """The attribute names of a valid KeySchema, hash key first."""
    remedy = "A KeySchema is one HASH element, then at most one RANGE element on another attribute."
    if type(schema) is not list or not 1 <= len(schema) <= 2 or not all(type(e) is dict for e in schema):
        raise RuleBroken("key schema", f"{where}: a KeySchema has 1 or 2 elements", remedy)
    names = tuple(element.get("AttributeName") for element in schema)
    kinds = tuple(element.get("KeyType") for element in schema)
    for name in names:
        problem = dynamodb.attribute_name_problem(name, key=True) if type(name) is str else "a name must be a string"
        if problem:
            raise RuleBroken(
                "attribute name",
                f"{where}: {problem}",
                f"Name key attributes with 1 to {dynamodb.MAX_KEY_ATTRIBUTE_NAME_BYTES} bytes.",
            )
    if kinds[0] != "HASH":
        raise RuleBroken(
            "key schema", f"{where}: Invalid KeySchema: The first KeySchemaElement is not a HASH key type", remedy
        )
    if len(kinds) == 2 and kinds[1] != "RANGE":
        raise RuleBroken(
            "key schema", f"{where}: Invalid KeySchema: The second KeySchemaElement is not a RANGE key type", remedy
        )
    if len(names) == 2 and names[0] == names[1]:
        raise RuleBroken(
            "key schema",
            f"{where}: Both the Hash Key and the Range Key element in the KeySchema have the same name",
            remedy,
        )
    return names


def check_attribute_definitions(definitions: Any) -> dict[str, str]:
    """{name: type} of valid AttributeDefinitions: key attributes are S, N or B."""
    if type(definitions) is not list or not all(type(d) is dict for d in definitions):
        raise RuleBroken(
            "attribute definitions",
            "AttributeDefinitions is a list of {AttributeName, AttributeType}",
            "Define the type of every key attribute.",
        )
    defined = {}
    for position, definition in enumerate(definitions):
        kind = definition.get("AttributeType")
        if kind not in dynamodb.KEY_ATTRIBUTE_TYPES:
            raise RuleBroken(
                "key attribute type",
                f"AttributeDefinitions[{position}]: 1 validation error detected: Value '{kind}' at "
                f"'attributeDefinitions.{position + 1}.member.attributeType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [B, N, S]",
                "A key attribute is a string (S), a number (N) or binary (B); sets, maps and lists cannot be keys.",
            )
        defined[definition.get("AttributeName")] = kind
    return defined


def check_index(index: Any, where: str) -> tuple[str, tuple[str, ...]]:
    """The name and key of a valid index definition (name, key schema, projection)."""
    if type(index) is not dict:
        raise RuleBroken(
            "index definition",
            f"{where}: an index is a map with IndexName, KeySchema and Projection",
            "Write the index as CreateTable takes it.",
        )
    name = check_name("index", index.get("IndexName"), f"{where}.IndexName")
    key = check_key_schema(index.get("KeySchema"), f"{where}.KeySchema")
    projection = index.get("Projection")
    kind = projection.get("ProjectionType") if type(projection) is dict else None
    if kind not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        raise RuleBroken(
            "index projection",
            f"{where}: {_INVALID}Unknown ProjectionType: {kind}",
            "Project ALL, KEYS_ONLY or INCLUDE with NonKeyAttributes.",
        )
    if projection.get("NonKeyAttributes") is not None and kind != "INCLUDE":
        raise RuleBroken(
            "index projection",
            f"{where}: {_INVALID}ProjectionType is {kind}, but NonKeyAttributes is specified",
            "Give NonKeyAttributes only with ProjectionType INCLUDE.",
        )
    for attribute in projection.get("NonKeyAttributes") or []:
        problem = (
            dynamodb.attribute_name_problem(attribute, key=True)
            if type(attribute) is str
            else "a name must be a string"
        )
        if problem:
            raise RuleBroken(
                "attribute name",
                f"{where}.Projection: {problem}",
                f"Project attributes named with 1 to {dynamodb.MAX_KEY_ATTRIBUTE_NAME_BYTES} bytes.",
            )
    return name, key


def _index_list(params: dict, kind: str, limit: int) -> list:
    indexes = params.get(kind)
    if indexes is None:
        return []
    if type(indexes) is not list or not indexes:
        raise RuleBroken(
            "index definition",
            f"{kind}: {_INVALID}List of {kind} is empty",
            f"Leave {kind} out when the table has none.",
        )
    if len(indexes) > limit:
        raise RuleBroken(
            "too many GSIs",
            f"{kind}: {len(indexes)} GSIs in one table; AWS allows {limit} "
            "(Service, account, and table quotas in Amazon DynamoDB)",
            f"Declare at most {limit} GSIs in the contract.",
        )
    return indexes


def _check_definitions_used(defined: dict[str, str], used: list[str]) -> None:
    missing = [name for name in dict.fromkeys(used) if name not in defined]
    if missing:
        raise _undefined(
            "",
            missing,
            defined,
            "Define the type of every key attribute of the table and its indexes in AttributeDefinitions.",
        )
    unused = [name for name in defined if name not in used]
    if unused:
        raise RuleBroken(
            "unused attribute definition",
            f"{_INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(defined)}], "
            f"keys used: [{', '.join(dict.fromkeys(used))}]",
            "Define only key attributes of the table and its indexes; other attributes need no definition.",
        )


def _check_projected_count(indexes: list) -> None:
    count = sum(len(index.get("Projection", {}).get("NonKeyAttributes") or []) for index in indexes)
    if count > dynamodb.MAX_PROJECTED_ATTRIBUTES:
        raise RuleBroken(
            "too many projected attributes",
            f"{count} NonKeyAttributes over the table's secondary indexes; AWS allows "
            f"{dynamodb.MAX_PROJECTED_ATTRIBUTES} (Service, account, and table quotas in Amazon DynamoDB)",
            "Project ALL into an index that needs that many attributes, or project fewer.",
        )


def _check_billing(params: dict, gsis: list) -> None:
    on_demand = params.get("BillingMode") == "PAY_PER_REQUEST"
    if on_demand and params.get("ProvisionedThroughput") is not None:
        raise RuleBroken(
            "billing mode",
            f"{_INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified "
            "when BillingMode is PAY_PER_REQUEST",
            "Leave ProvisionedThroughput out of an on-demand table.",
        )
    if not on_demand and params.get("ProvisionedThroughput") is None:
        raise RuleBroken(
            "billing mode",
            f"{_INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified "
            "when BillingMode is PROVISIONED",
            "Give BillingMode='PAY_PER_REQUEST', or ProvisionedThroughput for a provisioned table.",
        )
    for index in gsis:
        if on_demand and index.get("ProvisionedThroughput") is not None:
            raise RuleBroken(
                "billing mode",
                f"{_INVALID}ProvisionedThroughput should not be specified for index: "
                f"{index.get('IndexName')} when BillingMode is PAY_PER_REQUEST",
                "Leave ProvisionedThroughput out of the GSIs of an on-demand table.",
            )


def _undefined(where: str, keys, defined, remedy: str) -> RuleBroken:
    """AWS's answer to key attributes missing from AttributeDefinitions (CreateTable and UpdateTable alike)."""
    return RuleBroken(
        "key attribute not defined",
        f"{where}{_INVALID}Some index key attributes are not defined in AttributeDefinitions. "
        f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]",
        remedy,
    )
