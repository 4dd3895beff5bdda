"""What the guard's corpus (test_guard_corpus.py) does not show: how expressions are read, key schemas learnt, DynamoDB's wording."""

import pytest

from loaders.errors import RequestRefusedByAWS
from loaders.rules.expressions import reserved_names
from loaders.rules.guard import Guard, install_guard
from loaders.rules.key_schema import KeySchema
from tests.loaders.conftest import create_table
from tests.sample import TABLES_BY_NAME

ROSTER = TABLES_BY_NAME["CrewRoster"]  # GSI flight-position-index: flight_id (N), position (S, a reserved word)


@pytest.mark.parametrize(
    "expression, reserved",
    [
        ("flight_id = :f AND position = :p", ["position"]),
        ("#f = :f AND #p = :p", []),
        ("Position = :p", ["Position"]),
        ("#f = :f AND begins_with(#n, :prefix)", []),
        ("attribute_exists(comment)", ["comment"]),
        ("size(#t) > :n AND NOT contains(#t, :v)", []),
        ("#c BETWEEN :low AND :high OR #s IN (:a, :b)", []),
        ("status IN (:a, :b)", ["status"]),
        ("data.items[0].name", ["data", "items", "name"]),
    ],
)
def test_reserved_words_written_bare(expression, reserved):
    assert reserved_names(expression) == reserved


def test_install_guard_twice_gives_the_same_guard(client):
    assert install_guard(client) is install_guard(client)


def test_the_guard_learns_a_key_schema_it_has_not_seen(client, admin, prefix, fast_wait):
    name = f"{prefix}roster"
    create_table(admin, ROSTER, name, fast_wait)  # created by another client: the guard never saw it
    with pytest.raises(RequestRefusedByAWS, match="wrong type"):
        client.batch_write_item(
            RequestItems={name: [{"PutRequest": {"Item": {"roster_id": {"S": "RS00001"}, "flight_id": {"S": "1042"}}}}]}
        )


PAIR_SCHEMA = KeySchema(("pk", "sk"), {"code-index": ("code",)}, {"pk": "S", "sk": "N", "code": "S"})


def _offline_guard() -> Guard:
    """A guard that already knows the table `pair`: it never calls a server."""
    guard = Guard(None)
    guard.schemas["pair"] = PAIR_SCHEMA
    return guard


@pytest.mark.parametrize(
    "value, message",
    [
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set"),
        ({}, "Supplied AttributeValue is empty"),
        ("plain", "not str"),
        (
            {"L": [{"S": "ok"}, {"M": {"deep": {"SS": []}}}]},
            r"Item.doc\[1\].deep: One or more parameter values were invalid: An string set",
        ),
        ({"M": {"x": {"NULL": False}}}, "Null attribute value types must have the value of true"),
        ({"B": 12}, "binary content must be bytes"),
    ],
)
def test_a_malformed_value_is_refused_with_dynamodbs_wording_never_a_crash(value, message):
    with pytest.raises(RequestRefusedByAWS, match=message) as caught:
        _offline_guard().check(
            "BatchWriteItem",
            {"RequestItems": {"pair": [{"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": "1"}, "doc": value}}}]}},
        )
    assert caught.value.error_code == "ValidationException"
    assert caught.value.rule == "malformed AttributeValue"


def test_keys_are_compared_as_dynamodb_compares_them():
    requests = [{"DeleteRequest": {"Key": {"pk": {"S": "p"}, "sk": {"N": n}}}} for n in ("10", "1E+1")]
    with pytest.raises(RequestRefusedByAWS, match=r"pk=p/sk=10 twice"):
        _offline_guard().check("BatchWriteItem", {"RequestItems": {"pair": requests}})


def test_an_exclusive_start_key_on_an_index_carries_the_table_and_index_keys():
    guard = _offline_guard()
    start = {"pk": {"S": "p"}, "sk": {"N": "1"}, "code": {"S": "c"}}
    query = {
        "TableName": "pair",
        "IndexName": "code-index",
        "KeyConditionExpression": "code = :c",
        "ExpressionAttributeValues": {":c": {"S": "c"}},
    }
    guard.check("Query", {**query, "ExclusiveStartKey": start})
    with pytest.raises(RequestRefusedByAWS, match="does not match the schema"):
        guard.check("Scan", {"TableName": "pair", "ExclusiveStartKey": start})


def test_a_table_arn_is_a_table_name():
    _offline_guard().check("DescribeTable", {"TableName": "arn:aws:dynamodb:us-east-1:123456789012:table/pair"})


def test_the_export_the_tool_sends_is_one_aws_takes():
    """ExportTableToPointInTime and DescribeExport as `loaders.dynamodb.export` sends them; moto runs them in test_export.py."""
    guard = _offline_guard()
    guard.check(
        "ExportTableToPointInTime",
        {
            "TableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/staging-passengers",
            "S3Bucket": "my.staging-bucket_1",
            "S3Prefix": "imports/exports/staging-passengers/" + "0" * 32,
            "ExportFormat": "DYNAMODB_JSON",
            "ExportType": "FULL_EXPORT",
        },
    )
    guard.check(
        "DescribeExport",
        {
            "ExportArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/staging-passengers/export/"
            "01234567890123-a1b2c3d4"
        },
    )
