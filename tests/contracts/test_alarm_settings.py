"""The run's alarm settings: an SNS topic ARN, and alarm names the table prefix keeps within CloudWatch's limit."""

from pathlib import Path

import pytest

from contracts.alarms import MAX_ALARM_NAME_LENGTH
from pipeline.settings import Settings
from tests.sample import REGISTRY


def settings(**given) -> Settings:
    return Settings(data_dir=Path("/nonexistent/data"), out_dir=Path("/nonexistent/out"), registry=REGISTRY, **given)


@pytest.mark.parametrize(
    "topic", ["arn:aws:sns:us-east-1:123456789012:dynamodb-alarms", "arn:aws-cn:sns:cn-north-1:123456789012:a.fifo"]
)
def test_an_sns_topic_arn_is_accepted(topic):
    assert not [p for p in settings(alarm_topic=topic).problems() if "alarm" in p]


def test_a_topic_that_is_no_sns_arn_is_refused_with_an_example():
    assert any(
        p.startswith("--alarm-topic='my-topic': give an SNS topic ARN")
        for p in settings(alarm_topic="my-topic").problems()
    )


def test_a_prefix_that_makes_an_alarm_name_too_long_is_refused():
    problems = settings(table_prefix="p" * 200).problems()
    assert any(f"CloudWatch takes 1 to {MAX_ALARM_NAME_LENGTH}" in p for p in problems), problems
