"""The guard refuses what AWS refuses and moto lets through, and accepts the same requests written correctly."""
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from loaders.errors import RequestRefusedByAWS
from loaders.expressions import reserved_names
from loaders.guard import Guard, KeySchema, install_guard
from loaders.tables import ensure_table
from tests.sample import TABLES_BY_NAME

ROSTER = TABLES_BY_NAME["CrewRoster"]  # GSI flight-position-index: flight_id (N), position (S, a reserved word)


@pytest.mark.parametrize("expression, update, reserved", [
    ("flight_id = :f AND position = :p", False, ["position"]),
    ("#f = :f AND #p = :p", False, []),
    ("Position = :p", False, ["Position"]),
    ("#f = :f AND begins_with(#n, :prefix)", False, []),
    ("attribute_exists(comment)", False, ["comment"]),
    ("size(#t) > :n AND NOT contains(#t, :v)", False, []),
    ("#c BETWEEN :low AND :high OR #s IN (:a, :b)", False, []),
    ("status IN (:a, :b)", False, ["status"]),
    ("data.items[0].name", False, ["data", "items", "name"]),
    ("SET #s = :s, counter = :c REMOVE #x", True, ["counter"]),
    ("SET #a = if_not_exists(#a, :zero) ADD #b :one DELETE #t :old", True, []),
])
def test_reserved_words_written_bare(expression, update, reserved):
    assert reserved_names(expression, update=update) == reserved


def _gsi(name: str, attribute: str) -> dict:
    return {"IndexName": name, "KeySchema": [{"AttributeName": attribute, "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}


def _definitions(*names: str) -> list[dict]:
    return [{"AttributeName": n, "AttributeType": "S"} for n in names]


def _roster_item(roster_id: str, **attributes) -> dict:
    item = {"roster_id": {"S": roster_id}, "flight_id": {"N": "1042"}, "position": {"S": "Captain"}}
    item.update(attributes)
    return {k: v for k, v in item.items() if v is not None}


def _query_by_position(names: bool):
    def call(client, table):
        if names:
            return client.query(TableName=table, IndexName="flight-position-index",
                                KeyConditionExpression="#f = :f AND #p = :p",
                                ExpressionAttributeNames={"#f": "flight_id", "#p": "position"},
                                ExpressionAttributeValues={":f": {"N": "1042"}, ":p": {"S": "Captain"}})
        return client.query(TableName=table, IndexName="flight-position-index",
                            KeyConditionExpression="flight_id = :f AND position = :p",
                            ExpressionAttributeValues={":f": {"N": "1042"}, ":p": {"S": "Captain"}})
    return call


def _add_gsis(count: int):
    def call(client, table):
        names = ["crew-a-index", "crew-b-index"][:count]
        client.update_table(TableName=table, AttributeDefinitions=_definitions("roster_id", "crew_id", "duty_start"),
                            GlobalSecondaryIndexUpdates=[{"Create": _gsi(n, a)} for n, a in zip(names, ["crew_id", "duty_start"], strict=False)])
    return call


def _batch(count: int, same_key: bool = False):
    def call(client, table):
        keys = ["RS00001"] * count if same_key else [f"RS{i:05d}" for i in range(count)]
        requests = [{"PutRequest": {"Item": _roster_item(k, duty_start={"S": str(i)})}} for i, k in enumerate(keys)]
        client.batch_write_item(RequestItems={table: requests})
    return call


def _put(**attributes):
    return lambda client, table: client.put_item(TableName=table, Item=_roster_item("RS00001", **attributes))


def _create_with_gsis(count: int):
    def call(client, table):
        attributes = [f"a{i}" for i in range(count)]
        client.create_table(TableName=f"{table}-many", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                            AttributeDefinitions=_definitions("id", *attributes),
                            GlobalSecondaryIndexes=[_gsi(f"index-{a}", a) for a in attributes])
    return call


@dataclass(frozen=True)
class Case:
    rule: str
    refused: Callable
    correct: Callable
    moto_accepts: bool  # whether moto alone takes the refused request


CASES = {
    "a reserved word bare in a KeyConditionExpression": Case(
        "reserved word in an expression", _query_by_position(False), _query_by_position(True), True),
    "two GSI creates in one UpdateTable": Case("one GSI create or delete per UpdateTable", _add_gsis(2), _add_gsis(1), True),
    "26 requests in one BatchWriteItem": Case("too many requests in a batch", _batch(26), _batch(25), True),
    "one key twice in one BatchWriteItem": Case("duplicate key in a batch", _batch(2, same_key=True), _batch(2), True),
    "a number of 39 significant digits": Case(
        "number DynamoDB cannot hold", _put(weight={"N": "1" * 39}), _put(weight={"N": "1" * 38}), True),
    "a number that is not finite": Case(
        "number DynamoDB cannot hold", _put(weight={"N": "Infinity"}), _put(weight={"N": "1E+125"}), False),
    "a GSI key of the wrong type": Case(
        "key attribute of the wrong type", _put(flight_id={"S": "1042"}), _put(flight_id={"N": "1042"}), True),
    "an empty string in a GSI key": Case(
        "empty string in a key attribute", _put(position={"S": ""}), _put(position=None), False),
    "an item over 400 KB": Case(
        "item over 400 KB", _put(notes={"S": "x" * 400 * 1024}), _put(notes={"S": "x" * 1024}), False),
    "21 GSIs in one CreateTable": Case("too many GSIs", _create_with_gsis(21), _create_with_gsis(20), True),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_guard_refuses_what_aws_refuses(case, client, admin, prefix, fast_wait):
    guarded, raw = f"{prefix}guarded", f"{prefix}raw"
    for name in (guarded, raw):
        ensure_table(admin, ROSTER, name, wait=fast_wait)
    guard = install_guard(client)

    with pytest.raises(RequestRefusedByAWS, match=case.rule) as caught:
        case.refused(client, guarded)
    assert guard.refused[-1].rule == case.rule
    assert "AWS would reject" in str(caught.value) and caught.value.remedy

    case.correct(client, guarded)
    assert len(guard.refused) == 1

    if case.moto_accepts:
        case.refused(admin, raw)  # moto alone lets it through: only the guard catches it


def test_install_guard_twice_gives_the_same_guard(client):
    assert install_guard(client) is install_guard(client)


def test_the_guard_learns_a_key_schema_it_has_not_seen(client, admin, prefix, fast_wait):
    name = f"{prefix}roster"
    ensure_table(admin, ROSTER, name, wait=fast_wait)  # created by another client: the guard never saw it
    with pytest.raises(RequestRefusedByAWS, match="wrong type"):
        _put(flight_id={"S": "1042"})(client, name)


PAIR_SCHEMA = KeySchema(("pk", "sk"), {"code-index": ("code",)}, {"pk": "S", "sk": "N", "code": "S"})


def _offline_guard() -> Guard:
    """A guard that already knows the table `pair`: it never calls a server."""
    guard = Guard(None)
    guard.schemas["pair"] = PAIR_SCHEMA
    return guard


@pytest.mark.parametrize("value, message", [
    ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set"),
    ({}, "Supplied AttributeValue is empty"),
    ("plain", "not str"),
    ({"L": [{"S": "ok"}, {"M": {"deep": {"SS": []}}}]}, r"Item.doc\[1\].deep: One or more parameter values were invalid: An string set"),
    ({"M": {"x": {"NULL": False}}}, "Null attribute value types must have the value of true"),
    ({"B": 12}, "binary content must be bytes"),
])
def test_a_malformed_value_is_refused_with_dynamodbs_wording_never_a_crash(value, message):
    with pytest.raises(RequestRefusedByAWS, match=message) as caught:
        _offline_guard().check("PutItem", {"TableName": "pair", "Item": {"pk": {"S": "p"}, "sk": {"N": "1"}, "doc": value}})
    assert caught.value.error_code == "ValidationException"
    assert caught.value.rule == "malformed AttributeValue"


def test_keys_are_compared_as_dynamodb_compares_them():
    requests = [{"DeleteRequest": {"Key": {"pk": {"S": "p"}, "sk": {"N": n}}}} for n in ("10", "1E+1")]
    with pytest.raises(RequestRefusedByAWS, match=r"pk=p/sk=10 twice"):
        _offline_guard().check("BatchWriteItem", {"RequestItems": {"pair": requests}})


def test_an_exclusive_start_key_on_an_index_carries_the_table_and_index_keys():
    guard = _offline_guard()
    start = {"pk": {"S": "p"}, "sk": {"N": "1"}, "code": {"S": "c"}}
    query = {"TableName": "pair", "IndexName": "code-index", "KeyConditionExpression": "code = :c",
             "ExpressionAttributeValues": {":c": {"S": "c"}}}
    guard.check("Query", {**query, "ExclusiveStartKey": start})
    with pytest.raises(RequestRefusedByAWS, match="does not match the schema"):
        guard.check("Scan", {"TableName": "pair", "ExclusiveStartKey": start})


def test_a_table_arn_is_a_table_name():
    _offline_guard().check("DescribeTable", {"TableName": "arn:aws:dynamodb:us-east-1:123456789012:table/pair"})
