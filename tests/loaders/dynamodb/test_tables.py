"""Tables as the contract declares them: created with their GSIs, GSIs added one at a time, never deleted unasked."""

import pytest

from loaders.dynamodb.endpoint import check_destroy_allowed
from loaders.dynamodb.schema import key_schema
from loaders.dynamodb.tables import add_gsi, table_name
from loaders.errors import DestroyRefused
from tests.loaders.conftest import create_table
from tests.sample import TABLES_BY_NAME


def _calls(client, operation: str) -> list[dict]:
    """Record the parameters of every `operation` call the client makes."""
    seen = []
    client.meta.events.register(
        f"provide-client-params.dynamodb.{operation}", lambda params, **_: seen.append(dict(params))
    )
    return seen


def test_the_prefix_names_the_table_for_an_environment():
    assert table_name(TABLES_BY_NAME["flights"], "staging-") == "staging-flights"


def test_a_table_is_created_on_demand_with_its_gsis(client, admin, prefix, readings_table, fast_wait):
    name = f"{prefix}readings"
    create_table(client, readings_table, name, fast_wait)
    live = admin.describe_table(TableName=name)["Table"]
    assert live["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert live["KeySchema"] == key_schema(("reading_id",))
    assert {d["AttributeName"]: d["AttributeType"] for d in live["AttributeDefinitions"]} == {
        "reading_id": "S",
        "sensor": "S",
        "count": "N",
        "code": "S",
    }
    indexes = {
        i["IndexName"]: (i["KeySchema"], i["Projection"]["ProjectionType"]) for i in live["GlobalSecondaryIndexes"]
    }
    assert indexes == {
        "sensor-count-index": (key_schema(("sensor", "count")), "ALL"),
        "code-index": (key_schema(("code",)), "KEYS_ONLY"),
    }


def test_missing_gsis_are_added_one_per_update_table(client, admin, prefix, readings_table, fast_wait):
    name = f"{prefix}readings"
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
    )
    order = []
    for operation in ("UpdateTable", "DescribeTable"):
        client.meta.events.register(
            f"provide-client-params.dynamodb.{operation}", lambda params, model, **_: order.append(model.name)
        )
    updates = _calls(client, "UpdateTable")

    for index in readings_table.indexes:
        add_gsi(client, readings_table, name, index, wait=fast_wait)

    assert [len(u["GlobalSecondaryIndexUpdates"]) for u in updates] == [1, 1]
    # The table is waited for (DescribeTable) between the two updates.
    first, second = [i for i, op in enumerate(order) if op == "UpdateTable"]
    assert "DescribeTable" in order[first + 1 : second]
    live = admin.describe_table(TableName=name)["Table"]
    assert {i["IndexName"] for i in live["GlobalSecondaryIndexes"]} == {"sensor-count-index", "code-index"}
    assert {d["AttributeName"] for d in live["AttributeDefinitions"]} == {"reading_id", "sensor", "count", "code"}


def test_a_busy_table_is_retried_with_backoff(client, admin, prefix, readings_table, fast_wait, fabricate):
    name = f"{prefix}readings"
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
    )
    busy = {"n": 0}

    def limit_exceeded(request, **_):
        busy["n"] += 1
        if busy["n"] <= 2:
            return fabricate(
                request,
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#LimitExceededException",
                    "message": "injected: too many index operations at once",
                },
            )

    client.meta.events.register("before-send.dynamodb.UpdateTable", limit_exceeded)
    for index in readings_table.indexes:
        add_gsi(client, readings_table, name, index, wait=fast_wait)
    assert busy["n"] == 4
    assert {i["IndexName"] for i in admin.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]} == {
        "sensor-count-index",
        "code-index",
    }


@pytest.mark.parametrize(
    "endpoint, allow_destroy, refused",
    [
        ("http://127.0.0.1:5000", False, False),
        ("http://localhost:8000", False, False),
        ("http://dynamodb.staging.internal:8000", False, True),
        ("http://dynamodb.staging.internal:8000", True, False),
        (None, False, True),
        (None, True, False),
    ],
    ids=[
        "loopback",
        "localhost",
        "remote endpoint",
        "remote endpoint with allow-destroy",
        "AWS",
        "AWS with allow-destroy",
    ],
)
def test_recreate_is_refused_off_this_machine_without_allow_destroy(endpoint, allow_destroy, refused):
    if refused:
        with pytest.raises(DestroyRefused, match="Nothing was touched. Add --allow-destroy"):
            check_destroy_allowed(endpoint, True, allow_destroy)
    else:
        check_destroy_allowed(endpoint, True, allow_destroy)
    check_destroy_allowed(endpoint, False, False)  # without --recreate or --migrate nothing is ever deleted
