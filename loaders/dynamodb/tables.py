"""Tables and GSIs as the contracts declare them: create what is missing, never delete unless asked.

A new table is created on demand with every GSI declared at creation. A table
that exists without some declared GSI gets them one per UpdateTable, waiting
until the table and its indexes are ACTIVE in between, as AWS requires. An
existing table or index whose keys differ from the contract is an error, since
DynamoDB cannot change a key in place.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from contracts.table import Index, Table
from loaders.dynamodb.schema import (
    attribute_definitions,
    compare_schema,
    create_table_request,
    differences,
    gsi_definition,
)
from loaders.dynamodb.waiters import Wait, run, table_ready
from loaders.errors import KeySchemaMismatch, NotAsAsked, TableNotReady

# What AWS answers while another change to the table is under way. Its LimitExceededException (too many
# table or index operations at once) botocore's standard mode retries as throttling; this one it does not retry.
BUSY_ERROR = "ResourceInUseException"


def table_name(table: Table, prefix: str = "") -> str:
    """The DynamoDB name of a table in an environment: `staging-` + `flights`."""
    return f"{prefix}{table.name}"


def describe(client, name: str) -> dict | None:
    """The table's description, or None if it does not exist."""
    try:
        return client.describe_table(TableName=name)["Table"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise


def _wait_for(waiter, name: str, wait: Wait, what: str) -> None:
    last = run(waiter, wait, TableName=name)
    if last is not None:
        state = _states(last["Table"]) if "Table" in last else "missing"
        raise TableNotReady(
            f"{name} is not {what} after {wait.timeout:.0f} s ({state}); check it in the console, then rerun"
        )


def wait_until_active(client, name: str, wait: Wait = Wait()) -> dict:
    """Wait until the table and every GSI are ACTIVE; returns the description."""
    _wait_for(table_ready(client), name, wait, "ACTIVE")
    return client.describe_table(TableName=name)["Table"]


def _states(description: dict) -> str:
    indexes = ", ".join(
        f"{i['IndexName']} {i.get('IndexStatus')}" for i in description.get("GlobalSecondaryIndexes", [])
    )
    return f"table {description.get('TableStatus')}" + (f"; {indexes}" if indexes else "")


def _retried(error: ClientError) -> bool:
    """Whether botocore sent the request more than once: a try whose connection dropped may have been carried out."""
    return error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) > 0


def when_not_busy(call, wait: Wait, retried: list[bool] | None = None):
    """Run `call`, backing off while AWS answers that another change to the table is under way.

    `retried` gets True for each answer that came from botocore's retry of a
    try it sent: that try may have been done, its answer lost.
    """
    attempt = 0
    while True:
        try:
            return call()
        except ClientError as error:
            if retried is not None and _retried(error):
                retried.append(True)
            attempt += 1
            if error.response["Error"]["Code"] != BUSY_ERROR or attempt >= wait.busy.attempts:
                raise
            wait.busy.sleep(attempt - 1)


def lost_answer(operation: str, found: str) -> str:
    """How a request recognised as already done is described in the sync's actions."""
    return f"{operation}'s answer was lost; botocore's retry found {found}, as asked"


def create_table(client, table: Table, name: str, notes: list[str] | None = None) -> None:
    """Send the table's CreateTable (`create_table_request`).

    When the answer was lost (the connection dropped after the server acted)
    and botocore's retry is told the table already exists, the existing table
    is compared with the request (DescribeTable): the same key schema,
    attribute definitions and GSIs are accepted, with a line in `notes`;
    anything else raises NotAsAsked.
    """
    request = create_table_request(table, name)
    try:
        client.create_table(**request)
        return
    except ClientError as error:
        if error.response["Error"]["Code"] != BUSY_ERROR:
            raise
        retried = _retried(error)
    description = describe(client, name)
    if description is None:
        raise NotAsAsked(name, "CreateTable", "the table does not exist either", retried)
    found = differences(request, description)
    if found or not retried:
        raise NotAsAsked(
            name, "CreateTable", "the table exists" + (f" with {'; '.join(found)}" if found else ""), retried
        )
    if notes is not None:
        notes.append(lost_answer("CreateTable", "the table already created"))


def add_gsi(
    client, table: Table, name: str, index: Index, *, wait: Wait = Wait(), notes: list[str] | None = None
) -> dict:
    """Add one declared GSI with one UpdateTable and wait until it has backfilled; returns the description.

    A lost answer whose retry finds the index already there as declared is
    accepted with a line in `notes`; found with other keys, it raises NotAsAsked.
    """
    description = wait_until_active(client, name, wait)
    definitions = {d["AttributeName"]: d for d in description.get("AttributeDefinitions", [])}
    for new in attribute_definitions(table, index.key):
        old = definitions.get(new["AttributeName"])
        if old is not None and old["AttributeType"] != new["AttributeType"]:
            raise KeySchemaMismatch(
                name,
                index.name,
                (new["AttributeName"], new["AttributeType"]),
                (old["AttributeName"], old["AttributeType"]),
            )
        definitions[new["AttributeName"]] = new
    # Every definition, old and new: AWS needs the new index's; moto replaces the list with what it gets.
    update = {
        "TableName": name,
        "AttributeDefinitions": list(definitions.values()),
        "GlobalSecondaryIndexUpdates": [{"Create": gsi_definition(index)}],
    }
    retried: list[bool] = []
    try:
        when_not_busy(lambda: client.update_table(**update), wait, retried)
    except ClientError:
        # AWS answers a repeated create with "already exists" (or busy while the first one backfills).
        if not retried:
            raise
        now = wait_until_active(client, name, wait)
        if index.name not in {i["IndexName"] for i in now.get("GlobalSecondaryIndexes", [])}:
            raise
        for other, asked, found in compare_schema(table, now).differing:
            if other.name == index.name:
                raise NotAsAsked(
                    name, "UpdateTable", f"GSI {index.name} exists with {found}, asked {asked}", True
                ) from None
        if notes is not None:
            notes.append(lost_answer("UpdateTable", f"GSI {index.name} already created"))
    return wait_until_active(client, name, wait)


def delete_table(client, name: str, *, wait: Wait = Wait(), notes: list[str] | None = None) -> None:
    """Turn the table's deletion protection off, delete it, and wait until it is gone.

    Only after the destroy checks (`check_destroy_allowed`): protection is
    lifted for this one table, the moment before it is deleted. A lost answer
    whose retry is told the table does not exist is what was asked: a line in `notes`.
    """
    description = describe(client, name)
    if description is None:
        return
    if description.get("DeletionProtectionEnabled"):
        when_not_busy(lambda: client.update_table(TableName=name, DeletionProtectionEnabled=False), wait)
        wait_until_active(client, name, wait)
    retried: list[bool] = []
    try:
        when_not_busy(lambda: client.delete_table(TableName=name), wait, retried)
    except ClientError as error:
        if not retried or error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        if notes is not None:
            notes.append(lost_answer("DeleteTable", "the table already deleted"))
    _wait_for(client.get_waiter("table_not_exists"), name, wait, "deleted")


def replace_gsi(
    client, table: Table, name: str, index: Index, *, wait: Wait = Wait(), notes: list[str] | None = None
) -> None:
    """Delete a GSI that exists with other keys, wait until it is gone, then add the declared one.

    A lost answer whose retry finds the index already gone is what was asked: a line in `notes`.
    """
    retried: list[bool] = []
    try:
        when_not_busy(
            lambda: client.update_table(
                TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": index.name}}]
            ),
            wait,
            retried,
        )
    except ClientError:
        if not retried or index.name in {
            i["IndexName"]
            for i in (describe(client, name) or {}).get("GlobalSecondaryIndexes", [])
            if i.get("IndexStatus") != "DELETING"
        }:
            raise
        if notes is not None:
            notes.append(lost_answer("UpdateTable", f"GSI {index.name} already deleted"))
    _wait_for(table_ready(client, without_index=index.name), name, wait, f"without {index.name}")
    add_gsi(client, table, name, index, wait=wait, notes=notes)
