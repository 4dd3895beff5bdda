"""A table change whose answer was lost: the connection dropped after the server acted, botocore retried it, and the
server said it was already done. Accepted and described when what exists is what was asked, reported otherwise.

A fault proxy (tests/plugin/fault_proxy.py) in front of the moto server drops the first request of one operation;
the client tries twice in all, so moto's answer to a repeated GSI create (a bare 500) is not retried for long.
"""

from __future__ import annotations

import pytest

from loaders.dynamodb.client import endpoint_client
from loaders.dynamodb.protection import protect
from loaders.dynamodb.schema import key_schema
from loaders.dynamodb.tables import add_gsi, create_table, delete_table, wait_until_active
from loaders.errors import NotAsAsked
from loaders.rules.guard import install_guard
from tests.loaders.conftest import create_table as create_as_declared
from tests.plugin.fault_proxy import Drop, FaultProxy


@pytest.fixture
def dropping(moto_endpoint):
    """`dropping(operation, before=None)`: a guarded client whose first `operation` loses its answer (the server
    acted), or, with `before`, is not forwarded: `before()` runs in its place (another client acting first)."""
    proxies = []

    def make(operation: str, before=None):
        def rule(request):
            if request.operation != operation or request.nth != 1:
                return None
            if before is None:
                return Drop(after=True)
            before()
            return Drop()

        proxy = FaultProxy(moto_endpoint, rule)
        proxies.append(proxy)
        made = endpoint_client(proxy.start(), max_attempts=2)
        install_guard(made)
        return made

    yield make
    for proxy in proxies:
        proxy.stop()


def test_a_create_table_whose_answer_was_lost_is_accepted_when_the_table_is_as_asked(
    dropping, admin, prefix, readings_table, fast_wait
):
    name, notes = f"{prefix}readings", []
    create_table(dropping("CreateTable"), readings_table, name, notes)
    assert notes == ["CreateTable's answer was lost; botocore's retry found the table already created, as asked"]
    assert wait_until_active(admin, name, fast_wait)["TableStatus"] == "ACTIVE"


def test_a_create_table_retried_onto_a_table_made_otherwise_is_reported_with_what_differs(
    dropping, admin, prefix, readings_table
):
    name = f"{prefix}readings"

    def someone_else():
        admin.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=key_schema(("sensor",)),
            AttributeDefinitions=[{"AttributeName": "sensor", "AttributeType": "S"}],
        )

    with pytest.raises(
        NotAsAsked,
        match=rf"^{name}: CreateTable was sent, its answer was lost .* but the table exists "
        r"with key schema \(\('sensor', 'HASH'\),\), asked \(\('reading_id', 'HASH'\),\).*"
        r"Check who else changes it, then rerun",
    ) as caught:
        create_table(dropping("CreateTable", someone_else), readings_table, name, [])
    assert "\n" not in str(caught.value)


def test_a_table_another_client_created_first_is_not_taken_for_a_lost_answer(
    client, admin, prefix, readings_table, fast_wait
):
    name = f"{prefix}readings"
    create_as_declared(admin, readings_table, name, fast_wait)
    with pytest.raises(NotAsAsked, match="already done by another client since the plan was made"):
        create_table(client, readings_table, name, [])


def test_a_gsi_create_whose_answer_was_lost_is_accepted_when_the_index_is_as_declared(
    dropping, admin, prefix, readings_table, fast_wait
):
    name, notes = f"{prefix}readings", []
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
    )
    index = readings_table.indexes[0]
    add_gsi(dropping("UpdateTable"), readings_table, name, index, wait=fast_wait, notes=notes)
    assert notes == [
        f"UpdateTable's answer was lost; botocore's retry found GSI {index.name} already created, as asked"
    ]
    live = admin.describe_table(TableName=name)["Table"]
    assert [i["IndexName"] for i in live["GlobalSecondaryIndexes"]] == [index.name]


def test_a_delete_table_whose_answer_was_lost_is_accepted(dropping, admin, prefix, readings_table, fast_wait):
    name, notes = f"{prefix}readings", []
    create_as_declared(admin, readings_table, name, fast_wait)
    delete_table(dropping("DeleteTable"), name, wait=fast_wait, notes=notes)
    assert notes == ["DeleteTable's answer was lost; botocore's retry found the table already deleted, as asked"]
    assert name not in admin.list_tables()["TableNames"]


def test_a_protection_whose_answer_was_lost_and_whose_retry_is_refused_is_accepted_once_the_table_has_it(
    dropping, admin, prefix, readings_table, fast_wait, fabricate
):
    name, notes = f"{prefix}readings", []
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
    )
    client, sent = dropping("UpdateTable"), []

    def refuse_the_retry(request, **_):  # as a server may refuse a change that is already made
        sent.append(request)
        if len(sent) == 2:
            return fabricate(
                request,
                400,
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#ValidationException",
                    "message": "injected: the table already has deletion protection",
                },
            )

    client.meta.events.register("before-send.dynamodb.UpdateTable", refuse_the_retry)
    assert protect(client, readings_table, name, ("deletion protection",), wait=fast_wait, notes=notes) == {}
    assert notes == [
        "UpdateTable's answer was lost; botocore's retry found deletion protection already given, as asked"
    ]
    assert admin.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True


def test_a_refused_protection_that_was_not_retried_is_still_reported(
    client, admin, prefix, readings_table, fast_wait, fabricate
):
    name = f"{prefix}readings"
    admin.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("reading_id",)),
        AttributeDefinitions=[{"AttributeName": "reading_id", "AttributeType": "S"}],
    )
    client.meta.events.register(
        "before-send.dynamodb.UpdateTable",
        lambda request, **_: fabricate(
            request,
            400,
            {"__type": "com.amazonaws.dynamodb.v20120810#AccessDeniedException", "message": "injected: no right"},
        ),
    )
    assert protect(client, readings_table, name, ("deletion protection",), wait=fast_wait, notes=[]) == {
        "deletion protection": "AccessDeniedException: injected: no right"
    }
