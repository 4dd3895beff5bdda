"""The live suite run as a user runs it, against a moto server someone else started.

One planted fault (a malformed e-mail in passengers, a PII column) shows the
gate at work: that table is not loaded and the run says why, nor are the
tables whose foreign keys lead to it; the others are loaded and stay on the
server for any client to read, and neither the e-mail nor the credentials in
the environment reach the report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from contracts.alarms import FIGURES, METRICS_NAMESPACE
from contracts.source import read_table
from data import manifest
from loaders.dynamodb.client import endpoint_client
from pipeline.stages import NO_CLOUDWATCH, NOT_PUBLISHED
from tests.lineage import descendants
from tests.pytest_run import ROOT, failures, run_suite, skip_reasons
from tests.sample import TABLES, TABLES_BY_NAME

PLANTED_EMAIL = "olga.planted(at)example"
PREFIX = "staging-"
SECRET = "wJalrXUtnFEMI-PLANTED-SECRET"
SAMPLE = manifest.load()
BLOCKED = {"passengers"} | descendants("passengers")
LOADED = [t for t in TABLES if t.name not in BLOCKED]


def items_of(name: str) -> int:
    return SAMPLE.files[TABLES_BY_NAME[name].file].items


@pytest.fixture(scope="module")
def run(server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    copy = tmp / "export"
    shutil.copytree(ROOT / "data" / "raw", copy)
    lines = (copy / "passengers.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[3] = PLANTED_EMAIL
    lines[1] = ",".join(fields)
    (copy / "passengers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdicts = run_suite(
        tmp,
        "plugin/suites/test_live.py",
        "-m",
        "live",
        "-k",
        "test_item_count or test_table_is_active or test_gsi or test_expiry_is_live",
        f"--endpoint-url={server}",
        f"--data-dir={copy}",
        f"--out-dir={tmp / 'build'}",
        f"--table-prefix={PREFIX}",
        f"--html={tmp / 'report.html'}",
        "--self-contained-html",
        env={"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_ACCESS_KEY_ID": "AKIAPLANTEDKEY0000"},
    )
    return verdicts, tmp, copy


def _again(run, server, *options):
    tmp, copy = run[1], run[2]
    return run_suite(
        tmp,
        "plugin/suites/test_live.py",
        "-m",
        "live",
        "-k",
        "test_item_count",
        f"--endpoint-url={server}",
        f"--data-dir={copy}",
        f"--out-dir={tmp / 'again'}",
        f"--table-prefix={PREFIX}",
        *options,
    )


def test_a_table_that_fails_its_contract_is_not_loaded_and_the_run_says_why(run):
    """Its live checks, and those of the tables that point at it, are skipped with the cause: nothing fails twice."""
    assert failures(run[0]) == {}
    skipped = skip_reasons(run[1] / "junit.xml")
    blocked_checks = {f"test_{check}[{name}]" for name in BLOCKED for check in ("item_count", "table_is_active")}
    blocked_checks |= {f"test_gsi[{t.name}.{i.name}]" for t in TABLES if t.name in BLOCKED for i in t.indexes}
    assert set(skipped) == blocked_checks
    message = skipped["test_item_count[passengers]"]
    assert message.startswith(
        "blocked: passengers failed its pre-upload checks: passengers (passengers.csv, column email)"
    )
    assert PLANTED_EMAIL not in message
    assert "which is blocked" in skipped["test_item_count[bookings]"], "a child of a blocked table says why"
    record = json.loads((run[1] / "build" / "run.json").read_text(encoding="utf-8"))
    assert record["verdict"]["deploy"] is False and record["verdict"]["failing"] == []
    assert set(record["verdict"]["blocked"]) == BLOCKED and record["checks"]["skipped"] == len(blocked_checks)


def test_the_declared_expiry_is_live_and_in_run_json(run, server):
    """TTL on for disruption_events' expires_at; none of the sample's events is past its 400 days yet."""
    assert run[0]["test_expiry_is_live[disruption_events]"] is None
    record = json.loads((run[1] / "build" / "run.json").read_text(encoding="utf-8"))
    assert record["expiry"] == {
        "disruption_events": {"attribute": "expires_at", "retention_days": 400, "expired": 0, "ttl": "ENABLED"}
    }
    assert "TTL enabled on expires_at" in record["actions"]["disruption_events"]
    ttl = endpoint_client(server).describe_time_to_live(TableName=PREFIX + "disruption_events")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def _statistic(cloudwatch, table: str, figure: str, statistic: str) -> list[float]:
    now = datetime.now(UTC)
    answer = cloudwatch.get_metric_statistics(
        Namespace=METRICS_NAMESPACE,
        MetricName=figure,
        Dimensions=[{"Name": "TableName", "Value": PREFIX + table}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=60,
        Statistics=[statistic],
    )
    return [point[statistic] for point in answer["Datapoints"]]


def test_the_run_publishes_its_figures_per_table_and_cloudwatch_gives_them_back(run, server):
    """Every figure of every table under the tool's namespace, the deployed table as the dimension (run.json says which)."""
    record = json.loads((run[1] / "build" / "run.json").read_text(encoding="utf-8"))
    published = record["published"]
    assert set(published) == {PREFIX + t.name for t in TABLES}
    assert published[PREFIX + "passengers"]["Blocked"] == 1 and published[PREFIX + "passengers"]["ItemsWritten"] == 0
    assert published[PREFIX + "CrewRoster"]["ItemsWritten"] == items_of("CrewRoster")
    assert published[PREFIX + "CrewRoster"]["Blocked"] == 0 and published[PREFIX + "CrewRoster"]["GsisNotActive"] == 0
    assert published[PREFIX + "flights"]["UploadErrorRate"] == 0
    cloudwatch = endpoint_client(server, service="cloudwatch")
    listed = cloudwatch.list_metrics(
        Namespace=METRICS_NAMESPACE, Dimensions=[{"Name": "TableName", "Value": PREFIX + "passengers"}]
    )
    assert {m["MetricName"] for m in listed["Metrics"]} == set(FIGURES)
    # Maximum: a later rerun on this server publishes ItemsWritten 0 for the same tables.
    assert max(_statistic(cloudwatch, "CrewRoster", "ItemsWritten", "Maximum")) == items_of("CrewRoster")
    assert max(_statistic(cloudwatch, "passengers", "Blocked", "Maximum")) == 1
    assert max(_statistic(cloudwatch, "flights", "Blocked", "Maximum")) == 0


def test_a_plan_publishes_nothing(run, server, tmp_path):
    tmp, copy = tmp_path, run[2]
    verdicts = run_suite(
        tmp,
        "plugin/suites/test_live.py",
        "-m",
        "live",
        "-k",
        "test_item_count",
        "--plan",
        f"--endpoint-url={server}",
        f"--data-dir={copy}",
        f"--out-dir={tmp / 'planned'}",
        f"--table-prefix={PREFIX}",
    )
    assert failures(verdicts) == {}
    record = json.loads((tmp / "planned" / "run.json").read_text(encoding="utf-8"))
    assert record["published"] == {} and record["verdict"]["plan_only"] is True


def test_every_other_table_is_loaded_with_its_gsis(run):
    skipped = skip_reasons(run[1] / "junit.xml")
    passed = [name for name, failure in run[0].items() if failure is None and name not in skipped]
    assert sum(name.startswith("test_item_count[") for name in passed) == len(LOADED)
    assert sum(name.startswith("test_gsi[") for name in passed) == sum(len(t.indexes) for t in LOADED)


def test_tables_stay_on_the_server_for_any_client(run, server):
    client = endpoint_client(server)
    names = set(client.list_tables()["TableNames"])
    assert names == {PREFIX + t.name for t in LOADED}
    gsis = {
        (n, i["IndexName"])
        for n in names
        for i in client.describe_table(TableName=n)["Table"].get("GlobalSecondaryIndexes", [])
    }
    assert len(gsis) == sum(len(t.indexes) for t in LOADED)
    count = sum(
        p["Count"] for p in client.get_paginator("scan").paginate(TableName=PREFIX + "CrewRoster", Select="COUNT")
    )
    assert count == items_of("CrewRoster")


def test_loading_again_converges_to_the_same_tables(run, server):
    again = _again(run, server)
    skipped = skip_reasons(run[1] / "junit.xml")
    assert failures(again) == {} and set(skipped) == {f"test_item_count[{name}]" for name in BLOCKED}
    assert sum(1 for name, failure in again.items() if failure is None and name not in skipped) == len(LOADED)
    plan = json.loads((run[1] / "again" / "plan.json").read_text())
    assert {k: plan["totals"][k] for k in ("create", "update", "delete")} == {"create": 0, "update": 0, "delete": 0}


def test_the_crew_query_of_the_seed_answers_from_the_index(run, server):
    roster = read_table(
        run[1] / "build" / "fixed" / "crew_roster_enriched.csv", TABLES_BY_NAME["CrewRoster"], fixed=True
    )
    flight, position = roster.iloc[0]["flight_id"], roster.iloc[0]["position"]
    expected = ((roster["flight_id"] == flight) & (roster["position"] == position)).sum()
    answer = endpoint_client(server).query(
        TableName=PREFIX + "CrewRoster",
        IndexName="flight-position-index",
        KeyConditionExpression="#f = :f AND #p = :p",
        ExpressionAttributeNames={"#f": "flight_id", "#p": "position"},
        ExpressionAttributeValues={":f": {"N": flight}, ":p": {"S": position}},
    )
    assert answer["Count"] == answer["ScannedCount"] == expected


def test_the_report_holds_no_personal_data_and_no_credentials(run):
    html = (run[1] / "report.html").read_text(encoding="utf-8")
    assert "DO NOT DEPLOY" in html and f"{len(BLOCKED)} tables blocked: passengers" in html
    assert SECRET not in html and "AKIAPLANTEDKEY0000" not in html
    assert PLANTED_EMAIL not in html
    passengers = read_table(ROOT / "data" / "raw" / "passengers.csv", TABLES_BY_NAME["passengers"], fixed=False)
    for column in ("email", "passport_number", "phone"):
        for value in passengers[column].head(200):
            assert value not in html, f"a {column} value is in the report"


def test_recreate_against_a_remote_endpoint_is_refused_before_anything_is_touched(tmp_path):
    for target in (["--endpoint-url=https://dynamodb.eu-west-1.amazonaws.com"], ["--aws"]):
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-m", "live", "--recreate", *target, f"--out-dir={tmp_path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 4, done.stdout + done.stderr
        assert "--allow-destroy" in done.stderr
        assert not (tmp_path / "fixed").exists(), "nothing may run before the refusal"


def test_no_load_checks_the_deployment_as_it_is(run, server):
    """Last: it removes an item from the shared server."""
    client = endpoint_client(server)
    flights = PREFIX + "flights"
    key = client.scan(TableName=flights, Limit=1)["Items"][0]["flight_id"]
    client.delete_item(TableName=flights, Key={"flight_id": key})
    verdicts = _again(run, server, "--no-load")
    flights = items_of("flights")
    assert f"holds {flights - 1} items; the fixed data has {flights}" in verdicts["test_item_count[flights]"]
    assert verdicts[f"test_item_count[{LOADED[-1].name}]"] is None


def test_on_a_server_without_the_protection_apis_the_protection_checks_say_not_checked(tmp_path):
    """dynalite has no DescribeContinuousBackups and shows neither deletion protection nor encryption."""
    verdicts = run_suite(
        tmp_path,
        "plugin/suites/test_live.py",
        "-m",
        "live",
        "-k",
        "test_table_is_protected or test_expiry_is_live",
        "--server=dynalite",
        f"--out-dir={tmp_path / 'build'}",
    )
    skipped = skip_reasons(tmp_path / "junit.xml")
    assert failures(verdicts) == {} and set(skipped) == set(verdicts) and len(skipped) == len(TABLES) + 1
    # dynalite answers DescribeTimeToLive (always DISABLED) but has no UpdateTimeToLive.
    assert skipped["test_expiry_is_live[disruption_events]"].startswith(
        "not checked: this server has no UpdateTimeToLive (TTL on expires_at); its DescribeTimeToLive answers DISABLED"
    )
    reason = skipped["test_table_is_protected_as_declared[passengers]"]
    assert "not checked: this server has no DescribeContinuousBackups (point-in-time recovery)" in reason
    assert "UnknownOperationException" not in reason
    # dynalite answers no CloudWatch request: no alarm is planned and no figure published, and run.json says why.
    record = json.loads((tmp_path / "build" / "run.json").read_text(encoding="utf-8"))
    assert record["alarms"] == {"unavailable": NO_CLOUDWATCH} and record["published"] == NOT_PUBLISHED


def test_an_expiry_that_differs_from_its_row_fails_the_live_check(run, server):
    """After the tests that read the shared server: it changes an item there."""
    client = endpoint_client(server)
    name = PREFIX + "disruption_events"
    key = client.scan(TableName=name, Limit=1)["Items"][0]["event_id"]
    client.update_item(
        TableName=name,
        Key={"event_id": key},
        UpdateExpression="SET expires_at = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    verdicts = run_suite(
        run[1],
        "plugin/suites/test_live.py",
        "-m",
        "live",
        "-k",
        "test_expiry_is_live",
        f"--endpoint-url={server}",
        f"--data-dir={run[2]}",
        f"--out-dir={run[1] / 'expiry'}",
        f"--table-prefix={PREFIX}",
        "--no-load",
    )
    message = verdicts["test_expiry_is_live[disruption_events]"]
    assert "1 items do not expire expires_at = end_time + 400 days" in message and "found 1" in message
