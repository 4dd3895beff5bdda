"""A table's schema as the contract declares it and as DynamoDB describes it: the CreateTable request, and how a
live table's keys and GSIs compare with the contract (DynamoDB cannot change a key in place)."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.table import Index, Table


def key_schema(names: tuple[str, ...]) -> list[dict]:
    """A KeySchema: the first name is the HASH key, a second the RANGE key."""
    return [{"AttributeName": name, "KeyType": kind} for name, kind in zip(names, ("HASH", "RANGE"), strict=False)]


def key_names(schema: list[dict]) -> tuple[str, ...]:
    """The attribute names of a KeySchema as DynamoDB returns it: hash key first."""
    return tuple(k["AttributeName"] for k in sorted(schema, key=lambda k: k["KeyType"] != "HASH"))


def attribute_definitions(table: Table, names=None) -> list[dict]:
    """Definitions of the table key and GSI key attributes (or just `names`), typed by the contract."""
    wanted = names if names is not None else list(table.key) + [n for i in table.indexes for n in i.key]
    return [{"AttributeName": n, "AttributeType": table.attribute_type(n)} for n in dict.fromkeys(wanted)]


def gsi_definition(index: Index) -> dict:
    """A GSI as CreateTable and UpdateTable take it."""
    # No ProvisionedThroughput: on-demand tables bill their GSIs on demand too.
    return {
        "IndexName": index.name,
        "KeySchema": key_schema(index.key),
        "Projection": {"ProjectionType": index.projection},
    }


def create_table_request(table: Table, name: str) -> dict:
    """The CreateTable parameters for a table: on demand, every GSI declared at creation, protected as declared."""
    request = {
        "TableName": name,
        "KeySchema": key_schema(table.key),
        "AttributeDefinitions": attribute_definitions(table),
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": table.deletion_protection,
    }
    if table.encryption == "AWS_MANAGED_KMS":
        # Without SSESpecification DynamoDB encrypts with a key it owns; KMS means the account's aws/dynamodb key.
        request["SSESpecification"] = {"Enabled": True, "SSEType": "KMS"}
    if table.indexes:
        request["GlobalSecondaryIndexes"] = [gsi_definition(i) for i in table.indexes]
    return request


def _gsi_shape(index: dict) -> tuple:
    projection = index.get("Projection", {})
    return (
        index["IndexName"],
        tuple((k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]),
        projection.get("ProjectionType"),
        tuple(sorted(projection.get("NonKeyAttributes", ()))),
    )


def differences(request: dict, description: dict) -> list[str]:
    """What an existing table has other than a CreateTable request asked: key schema, attribute definitions, GSIs."""
    found = []
    for what, shape in (
        ("key schema", lambda d: tuple((k["AttributeName"], k["KeyType"]) for k in d["KeySchema"])),
        (
            "attribute definitions",
            lambda d: sorted((a["AttributeName"], a["AttributeType"]) for a in d.get("AttributeDefinitions", [])),
        ),
        ("GSIs", lambda d: sorted(_gsi_shape(i) for i in d.get("GlobalSecondaryIndexes", []))),
    ):
        asked, live = shape(request), shape(description)
        if asked != live:
            found.append(f"{what} {live}, asked {asked}")
    return found


@dataclass(frozen=True)
class SchemaDiff:
    """How a live table's keys and GSIs compare with its contract."""

    key_found: tuple | None = None  # the live key (name, type) pairs, when they differ from the contract's
    key_declared: tuple = ()
    missing: tuple[Index, ...] = ()  # declared GSIs the table lacks
    # Declared GSIs that exist with other keys or projection: (index, declared, found), each (name, type)s + projection.
    differing: tuple[tuple[Index, tuple, tuple], ...] = ()
    undeclared: tuple[str, ...] = ()  # GSIs the contract does not declare: kept, never deleted


def compare_schema(table: Table, description: dict) -> SchemaDiff:
    """Compare the live key schema and GSIs with the contract, types and projections included."""
    types = {d["AttributeName"]: d["AttributeType"] for d in description.get("AttributeDefinitions", [])}

    def found(schema):
        return tuple((n, types.get(n)) for n in key_names(schema))

    def declared(names):
        return tuple((n, table.attribute_type(n)) for n in names)

    key_differs = found(description["KeySchema"]) != declared(table.key)
    live = {i["IndexName"]: i for i in description.get("GlobalSecondaryIndexes", [])}
    missing, differing = [], []
    for index in table.indexes:
        if index.name not in live:
            missing.append(index)
            continue
        want = declared(index.key) + (index.projection,)
        have = found(live[index.name]["KeySchema"]) + (live[index.name].get("Projection", {}).get("ProjectionType"),)
        if want != have:
            differing.append((index, want, have))
    declared_names = {i.name for i in table.indexes}
    return SchemaDiff(
        key_found=found(description["KeySchema"]) if key_differs else None,
        key_declared=declared(table.key),
        missing=tuple(missing),
        differing=tuple(differing),
        undeclared=tuple(sorted(n for n in live if n not in declared_names)),
    )
