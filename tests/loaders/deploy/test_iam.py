"""The IAM policies derived from the contracts: linted, scoped, and enforced by a server.

The server tests give each user the generated actions on "*" (tests/iam_users.py
says why); the scoping to the declared tables under the prefix is checked
by `allows` below, a small evaluator of IAM's Allow statements (Action and
Resource wildcards, as the IAM User Guide's "IAM JSON policy elements:
Resource" describes).
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from parliament import analyze_policy_string

from contracts.alarms import ALARM_ROOT, METRICS_NAMESPACE
from loaders.deploy.iam import ROLES, alarm_arn, policy, table_arn, write_policies
from loaders.dynamodb.schema import create_table_request
from plugin.servers import MotoServer
from tests.iam_users import REQUESTS_PER_USER, make_users
from tests.sample import TABLES, TABLES_BY_NAME

ACCOUNT, REGION, PREFIX = "123456789012", "us-east-1", "stage-"
# IAM quotas: a managed policy holds at most 6,144 characters, white space not counted.
MANAGED_POLICY_CHARS = 6144
WRITES = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:CreateTable",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "dynamodb:UpdateContinuousBackups",
)
READS = ("dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem")
FLIGHTS = TABLES_BY_NAME["flights"]
WITHOUT_INDEX = next(t for t in TABLES if not t.indexes)
EXPIRING = next(t for t in TABLES if t.expiry is not None)


def allows(document: dict, action: str, resource: str) -> bool:
    """Whether an Allow statement of `document` matches `action` (case-insensitive) on `resource`."""

    def matches(patterns, value, fold):
        patterns = [patterns] if isinstance(patterns, str) else patterns
        return any(fnmatchcase(value.lower() if fold else value, p.lower() if fold else p) for p in patterns)

    return any(
        s["Effect"] == "Allow" and matches(s["Action"], action, True) and matches(s["Resource"], resource, False)
        for s in document["Statement"]
    )


def arn(name: str, *, region: str = REGION, account: str = ACCOUNT) -> str:
    return table_arn(name, region, account)


@pytest.mark.parametrize("role", ROLES)
def test_the_linter_finds_nothing(role):
    findings = analyze_policy_string(json.dumps(policy(role, PREFIX, REGION, ACCOUNT, TABLES))).findings
    assert [(f.issue, f.detail) for f in findings] == []


def test_the_linter_would_find_a_wrong_action():
    document = policy("load", PREFIX, REGION, ACCOUNT, TABLES)
    document["Statement"][0]["Action"].append("dynamodb:PutItems")
    assert {f.issue for f in analyze_policy_string(json.dumps(document)).findings} == {"UNKNOWN_ACTION"}


@pytest.mark.parametrize("role", ROLES)
def test_a_policy_fits_in_a_managed_policy(role):
    assert len(re.sub(r"\s", "", json.dumps(policy(role, PREFIX, REGION, ACCOUNT, TABLES)))) <= MANAGED_POLICY_CHARS


@pytest.mark.parametrize("role", ROLES)
def test_every_declared_table_and_no_other_is_in_reach(role):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES)
    for table in TABLES:
        assert allows(document, "dynamodb:DescribeTable", arn(PREFIX + table.name)), table.name
        assert not allows(document, "dynamodb:DescribeTable", arn(table.name)), "a table without the prefix"
        assert not allows(document, "dynamodb:DescribeTable", arn(PREFIX + table.name, region="eu-west-1"))
        assert not allows(document, "dynamodb:DescribeTable", arn(PREFIX + table.name, account="210987654321"))
    assert not allows(document, "dynamodb:Scan", arn(PREFIX + "undeclared"))
    assert not allows(document, "dynamodb:Scan", arn(PREFIX + FLIGHTS.name + "x"))


@pytest.mark.parametrize("role", ROLES)
def test_indexes_are_queried_only_where_declared(role):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES)
    index = FLIGHTS.indexes[0].name
    assert allows(document, "dynamodb:Query", f"{arn(PREFIX + FLIGHTS.name)}/index/{index}")
    assert not allows(document, "dynamodb:Query", f"{arn(PREFIX + WITHOUT_INDEX.name)}/index/{index}")
    assert not allows(document, "dynamodb:PutItem", f"{arn(PREFIX + FLIGHTS.name)}/index/{index}")


def test_the_load_role_writes_and_the_others_only_read():
    name = arn(PREFIX + FLIGHTS.name)
    for action in WRITES:
        assert allows(policy("load", PREFIX, REGION, ACCOUNT, TABLES), action, name) is (
            action != "dynamodb:DeleteTable"
        ), action
        for role in ("check", "plan"):
            assert not allows(policy(role, PREFIX, REGION, ACCOUNT, TABLES), action, name), (role, action)
    for role in ROLES:
        assert all(allows(policy(role, PREFIX, REGION, ACCOUNT, TABLES), action, name) for action in READS), role


@pytest.mark.parametrize(
    "role, actions",
    [
        ("load", {"dynamodb:DescribeTimeToLive", "dynamodb:UpdateTimeToLive"}),
        ("check", {"dynamodb:DescribeTimeToLive"}),
        ("plan", {"dynamodb:DescribeTimeToLive"}),
    ],
)
def test_time_to_live_rights_reach_only_the_tables_that_declare_an_expiry(role, actions):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES)
    for action in ("dynamodb:DescribeTimeToLive", "dynamodb:UpdateTimeToLive"):
        assert allows(document, action, arn(PREFIX + EXPIRING.name)) is (action in actions), action
        assert not allows(document, action, arn(PREFIX + FLIGHTS.name)), f"{action} on a table without an expiry"
    without = policy(role, PREFIX, REGION, ACCOUNT, (FLIGHTS,))
    assert not any("TimeToLive" in action for statement in without["Statement"] for action in statement["Action"])


@pytest.mark.parametrize(
    "role, actions",
    [
        ("load", ("cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms")),
        ("check", ("cloudwatch:DescribeAlarms",)),
        ("plan", ("cloudwatch:DescribeAlarms",)),
    ],
)
def test_alarm_rights_reach_only_the_alarms_of_the_prefix(role, actions):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES)
    ours = alarm_arn(f"{ALARM_ROOT}{PREFIX}flights/Scans", REGION, ACCOUNT)
    for action in actions:
        assert allows(document, action, ours), action
        assert not allows(document, action, alarm_arn(f"{ALARM_ROOT}other-flights/Scans", REGION, ACCOUNT))
        assert not allows(document, action, alarm_arn(f"{PREFIX}flights-alarm", REGION, ACCOUNT)), (
            "an alarm not the tool's"
        )
    for action in {"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"} - set(actions):
        assert not allows(document, action, ours), action


@pytest.mark.parametrize("role, publishes", [("load", True), ("check", False), ("plan", False)])
def test_the_runs_figures_may_be_published_under_the_tools_namespace_only(role, publishes):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES)
    granted = [s for s in document["Statement"] if "cloudwatch:PutMetricData" in s["Action"]]
    assert [s.get("Condition") for s in granted] == (
        [{"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}}] if publishes else []
    )


def test_write_policies_writes_one_file_per_role(tmp_path):
    paths = write_policies(tmp_path, TABLES, PREFIX, REGION, ACCOUNT)
    assert [p.name for p in paths] == [f"iam-{role}.json" for role in ROLES]
    for role, path in zip(ROLES, paths, strict=True):
        assert json.loads(path.read_text()) == policy(role, PREFIX, REGION, ACCOUNT, TABLES)


@pytest.fixture(scope="module")
def enforcing_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("iam") / "moto_server.log"
    with MotoServer(log, env={"INITIAL_NO_AUTH_ACTION_COUNT": str(2 * REQUESTS_PER_USER)}) as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="module")
def clients(enforcing_server):
    """A DynamoDB client per role, each holding only that role's policy."""
    keys = make_users(enforcing_server, ("load", "check"), PREFIX, REGION, ACCOUNT)
    return {
        role: boto3.client(
            "dynamodb",
            endpoint_url=enforcing_server,
            region_name=REGION,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )
        for role, key in keys.items()
    }


ITEM = {
    "flight_id": {"N": "1001"},
    "flight_number": {"S": "EY131"},
    "aircraft_registration": {"S": "A6-ETB"},
    "scheduled_departure": {"S": "2026-03-11T06:35:00Z"},
    "origin": {"S": "AUH"},
    "status": {"S": "ARRIVED"},
}


@pytest.fixture(scope="module")
def loaded(clients):
    """What the load role does in a run: create a declared table with its GSIs, protect it, write."""
    client, name = clients["load"], PREFIX + FLIGHTS.name
    client.create_table(**create_table_request(FLIGHTS, name))
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2})
    client.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    client.create_backup(TableName=name, BackupName="before-load")
    client.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": ITEM}}]})
    return name


def test_the_load_policy_creates_writes_and_reads(clients, loaded):
    client = clients["load"]
    assert client.get_item(TableName=loaded, Key={"flight_id": {"N": "1001"}})["Item"] == ITEM
    client.delete_item(TableName=loaded, Key={"flight_id": {"N": "1002"}})
    assert client.scan(TableName=loaded, Select="COUNT")["Count"] == 1


def test_the_check_policy_reads_and_its_writes_are_refused(clients, loaded):
    client = clients["check"]
    assert client.describe_table(TableName=loaded)["Table"]["TableStatus"] == "ACTIVE"
    assert client.scan(TableName=loaded)["Items"] == [ITEM]
    index = FLIGHTS.indexes[0]
    assert (
        client.query(
            TableName=loaded,
            IndexName=index.name,
            KeyConditionExpression="#k = :v",
            ExpressionAttributeNames={"#k": index.hash_key},
            ExpressionAttributeValues={":v": ITEM[index.hash_key]},
        )["Count"]
        == 1
    )
    for action, refused in (
        ("PutItem", lambda: client.put_item(TableName=loaded, Item=ITEM)),
        ("DeleteItem", lambda: client.delete_item(TableName=loaded, Key={"flight_id": {"N": "1001"}})),
        ("CreateTable", lambda: client.create_table(**create_table_request(FLIGHTS, PREFIX + "other"))),
    ):
        with pytest.raises(ClientError) as error:
            refused()
        # AWS answers AccessDeniedException in JSON; moto answers 403 with an XML AccessDenied body.
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert f"not authorized to perform: dynamodb:{action}" in error.value.response["Error"]["Message"]


STAGING = ("imports-bucket", "dynamodb/")


def test_only_a_load_role_that_may_import_gets_the_rights_of_an_import():
    document = policy("load", PREFIX, REGION, ACCOUNT, TABLES, staging=STAGING)
    assert allows(document, "dynamodb:ImportTable", arn(PREFIX + FLIGHTS.name))
    assert not allows(document, "dynamodb:ImportTable", arn(FLIGHTS.name))
    assert allows(document, "dynamodb:DescribeImport", arn(PREFIX + FLIGHTS.name) + "/import/01234567890123-abcdef")
    assert allows(document, "s3:PutObject", "arn:aws:s3:::imports-bucket/dynamodb/run/flights/part-0.json.gz")
    assert not allows(document, "s3:PutObject", "arn:aws:s3:::imports-bucket/other/part-0.json.gz")
    assert not allows(document, "s3:PutObject", "arn:aws:s3:::other-bucket/dynamodb/part-0.json.gz")
    assert allows(
        document, "logs:PutLogEvents", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws-dynamodb/imports:log-stream:x"
    )
    assert not allows(
        policy("load", PREFIX, REGION, ACCOUNT, TABLES), "dynamodb:ImportTable", arn(PREFIX + FLIGHTS.name)
    )
    for role in ("check", "plan"):
        assert not allows(
            policy(role, PREFIX, REGION, ACCOUNT, TABLES, staging=STAGING),
            "dynamodb:ImportTable",
            arn(PREFIX + FLIGHTS.name),
        )
    findings = analyze_policy_string(json.dumps(document)).findings
    assert [(f.issue, f.detail) for f in findings] == []


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_the_declared_tables_by_export_into_the_staging_exports_folder_only(role):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES, exports=STAGING)
    table = arn(PREFIX + FLIGHTS.name)
    assert allows(document, "dynamodb:ExportTableToPointInTime", table)
    assert not allows(document, "dynamodb:ExportTableToPointInTime", arn(FLIGHTS.name))
    assert allows(document, "dynamodb:DescribeExport", f"{table}/export/01234567890123-a1b2c3d4")
    assert not allows(document, "dynamodb:DescribeExport", f"{arn(FLIGHTS.name)}/export/01234567890123-a1b2c3d4")
    exported = "arn:aws:s3:::imports-bucket/dynamodb/exports/stage-flights/0a1b/AWSDynamoDB/0123-ab/data/x.json.gz"
    # The export writes with the caller's rights ("Requesting a table export in DynamoDB"); the run reads and deletes.
    for action in ("s3:PutObject", "s3:PutObjectAcl", "s3:AbortMultipartUpload", "s3:GetObject", "s3:DeleteObject"):
        assert allows(document, action, exported), action
        assert (
            not allows(document, action, "arn:aws:s3:::imports-bucket/dynamodb/run/flights/part-0.json.gz")
            or role == "load"
        )
        assert not allows(document, action, "arn:aws:s3:::other-bucket/dynamodb/exports/x"), action
    [listing] = [s for s in document["Statement"] if s["Sid"] == "ExportList"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["dynamodb/exports/*"]}}
    assert [(f.issue, f.detail) for f in analyze_policy_string(json.dumps(document)).findings] == []


@pytest.mark.parametrize("role", ROLES)
def test_no_role_may_export_where_no_run_reads_by_export(role):
    document = policy(role, PREFIX, REGION, ACCOUNT, TABLES, staging=STAGING)
    assert not any("Export" in action for statement in document["Statement"] for action in statement["Action"])
