"""The contracts' alarms on moto's CloudWatch (same port as DynamoDB): planned, applied once, drift found, rolled back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from contracts.alarms import ALARM_ROOT, METRICS_NAMESPACE
from loaders.cloudwatch.alarms import (
    ALARMS_FILE,
    apply_alarms,
    declared_alarms,
    live_alarms,
    plan_alarms,
    roll_back_alarms,
)
from loaders.cloudwatch.metrics import publish_figures
from loaders.dynamodb.client import FAKE_CREDENTIALS, cloudwatch_client
from tests.loaders.conftest import READINGS, STATIONS

TABLES = (READINGS, STATIONS)


@pytest.fixture(scope="module")
def cloudwatch(moto_endpoint):
    return cloudwatch_client(moto_endpoint)


@pytest.fixture
def alarm_prefix(cloudwatch):
    """A table prefix of this test's own; its alarms are deleted afterwards."""
    mine = f"a{uuid.uuid4().hex[:8]}-"
    yield mine
    names = list(live_alarms(cloudwatch, mine))
    if names:
        cloudwatch.delete_alarms(AlarmNames=names)


@pytest.fixture(scope="module")
def topic(moto_endpoint) -> str:
    sns = boto3.client("sns", endpoint_url=moto_endpoint, region_name="us-east-1", **FAKE_CREDENTIALS)
    return sns.create_topic(Name="contracts-alarms")["TopicArn"]


def test_a_first_plan_creates_every_declared_alarm_and_a_second_sync_changes_nothing(
    cloudwatch, alarm_prefix, topic, tmp_path
):
    plan = plan_alarms(cloudwatch, TABLES, alarm_prefix, topic)
    assert sorted(plan.create) == sorted(declared_alarms(TABLES, alarm_prefix, topic)) and not plan.change
    assert f"{ALARM_ROOT}{alarm_prefix}readings/OnlineIndexThrottleEvents/code-index" in plan.create
    assert apply_alarms(cloudwatch, plan, tmp_path / "run") == plan.create
    again = plan_alarms(cloudwatch, TABLES, alarm_prefix, topic)
    assert (again.create, again.change, sorted(again.leave)) == ([], {}, sorted(plan.create))
    assert apply_alarms(cloudwatch, again, tmp_path / "rerun") == []
    live = live_alarms(cloudwatch, alarm_prefix)[f"{ALARM_ROOT}{alarm_prefix}stations/UploadErrorRate"]
    assert (live["Namespace"], live["Threshold"], live["AlarmActions"]) == (
        METRICS_NAMESPACE,
        STATIONS.alarms.upload_error_rate,
        [topic],
    )


def test_without_a_topic_the_alarms_have_no_action_and_the_plan_says_so(cloudwatch, alarm_prefix, tmp_path):
    plan = plan_alarms(cloudwatch, (STATIONS,), alarm_prefix, None)
    assert plan.notes() == [
        "alarms are created without actions: no --alarm-topic (ini alarm_topic) names an SNS topic to notify"
    ]
    apply_alarms(cloudwatch, plan, tmp_path)
    assert all(
        a["AlarmActions"] == [] and not a["ActionsEnabled"] for a in live_alarms(cloudwatch, alarm_prefix).values()
    )


def test_an_alarm_changed_or_removed_by_hand_is_drift_the_next_plan_names_and_the_sync_restores(
    cloudwatch, alarm_prefix, topic, tmp_path
):
    apply_alarms(cloudwatch, plan_alarms(cloudwatch, (STATIONS,), alarm_prefix, topic), tmp_path / "first")
    scans, throttled = (f"{ALARM_ROOT}{alarm_prefix}stations/{m}" for m in ("Scans", "ReadThrottleEvents"))
    tampered = {**declared_alarms((STATIONS,), alarm_prefix, topic)[scans], "Threshold": 5000.0, "AlarmActions": []}
    cloudwatch.put_metric_alarm(**tampered)
    cloudwatch.delete_alarms(AlarmNames=[throttled])
    plan = plan_alarms(cloudwatch, (STATIONS,), alarm_prefix, topic)
    assert plan.create == [throttled]
    assert set(plan.change) == {scans}
    assert {f"Threshold 5000.0 -> {float(STATIONS.alarms.scans)}", f"AlarmActions [] -> {[topic]!r}"} <= set(
        plan.change[scans]
    )
    apply_alarms(cloudwatch, plan, tmp_path / "second")
    assert not plan_alarms(cloudwatch, (STATIONS,), alarm_prefix, topic).changes_anything


def test_a_rollback_deletes_the_alarms_the_run_created_and_puts_back_those_it_changed(
    cloudwatch, alarm_prefix, tmp_path
):
    apply_alarms(cloudwatch, plan_alarms(cloudwatch, (READINGS,), alarm_prefix, None), tmp_path / "first")
    before = live_alarms(cloudwatch, alarm_prefix)
    scans = f"{ALARM_ROOT}{alarm_prefix}readings/Scans"
    cloudwatch.put_metric_alarm(**{**declared_alarms((READINGS,), alarm_prefix, None)[scans], "Threshold": 7.0})
    plan = plan_alarms(cloudwatch, (READINGS, STATIONS), alarm_prefix, None)
    apply_alarms(cloudwatch, plan, tmp_path / "second")
    saved = json.loads((tmp_path / "second" / ALARMS_FILE).read_text())
    assert set(saved["created"]) == set(plan.create) and set(saved["changed"]) == {scans}
    deleted, restored = roll_back_alarms(cloudwatch, tmp_path / "second")
    assert set(deleted) == set(plan.create) and restored == [scans]
    after = live_alarms(cloudwatch, alarm_prefix)
    assert set(after) == set(before) and after[scans]["Threshold"] == 7.0


def test_the_runs_figures_are_published_under_one_namespace_per_table(cloudwatch):
    table = f"f{uuid.uuid4().hex[:8]}-readings"
    at = datetime.now(UTC)
    sent = publish_figures(cloudwatch, {table: {"ItemsWritten": 42, "UploadErrorRate": 0.0, "GsisNotActive": 0}}, at)
    assert sent == 3
    stats = cloudwatch.get_metric_statistics(
        Namespace=METRICS_NAMESPACE,
        MetricName="ItemsWritten",
        Dimensions=[{"Name": "TableName", "Value": table}],
        StartTime=at - timedelta(minutes=5),
        EndTime=at + timedelta(minutes=5),
        Period=60,
        Statistics=["Sum"],
    )
    assert [p["Sum"] for p in stats["Datapoints"]] == [42.0]


def test_a_figure_that_is_not_published_is_refused(cloudwatch):
    with pytest.raises(ValueError, match=r"figures \['ItemsWriten'\] are not among those published"):
        publish_figures(cloudwatch, {"t": {"ItemsWriten": 1}}, datetime.now(UTC))
