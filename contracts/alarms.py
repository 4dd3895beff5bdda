"""What a table is watched for: the CloudWatch alarms its contract declares, and the figures a run publishes.

A contract declares `alarms=Alarms(...)`, or takes the default, which fits
the design's "Monitoring" section: throttled reads and writes, system errors,
user errors, a scan count on the table, online index throttling per GSI, and
on the run's own figures "a GSI is not ACTIVE" and "the upload error rate is
above 0.1%". A threshold of None declares no such alarm.

From the declaration and the deployed table name `alarm_specs` derives every
alarm as plain data; `loaders/` turns each into a PutMetricAlarm request.
The AWS/DynamoDB metrics and their dimensions are those of "DynamoDB Metrics
and dimensions" (Developer Guide); the limits are PutMetricAlarm's (Amazon
CloudWatch API Reference). Plain Python: contracts never import boto3.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# The namespace of the figures a run publishes, and the first part of every alarm name the tool makes:
# the IAM policies scope the alarm rights to names starting with it and the table prefix.
METRICS_NAMESPACE = "DynamoDBContracts"
ALARM_ROOT = METRICS_NAMESPACE + "/"
DYNAMODB_NAMESPACE = "AWS/DynamoDB"

# PutMetricAlarm: AlarmName is 1 to 255 characters; Period is 10, 30 or a multiple of 60 seconds;
# EvaluationPeriods is at least 1, and EvaluationPeriods x Period at most one day for periods under an hour.
MIN_ALARM_NAME_LENGTH, MAX_ALARM_NAME_LENGTH = 1, 255
MAX_EVALUATED_SECONDS = 86_400

# The run's figures, each published per table (dimension TableName) under METRICS_NAMESPACE: name -> unit.
FIGURES: dict[str, str] = {
    "ItemsWritten": "Count",
    "ItemsDeleted": "Count",
    "ItemsUnchanged": "Count",
    "RowsQuarantined": "Count",
    "FailedChecks": "Count",
    "Blocked": "Count",
    "GsisNotActive": "Count",
    "UploadErrors": "Count",
    "UploadErrorRate": "None",
    "DurationSeconds": "Seconds",
}


@dataclass(frozen=True)
class Alarms:
    """The alarms of one table: thresholds per period (None: no such alarm).

    `system_error_operations` names the operations whose SystemErrors are
    watched: DynamoDB publishes that metric per table and operation only.
    UserErrors is published per account and region, not per table, so the
    deployment has one such alarm, at the smallest threshold its tables declare.
    """

    throttled_requests: float | None = 1  # ReadThrottleEvents, and WriteThrottleEvents, per period
    system_errors: float | None = 1
    system_error_operations: tuple[str, ...] = ("GetItem", "Query", "BatchWriteItem")
    user_errors: float | None = 10
    scans: float | None = 100  # Scan requests on the table per period: an agent scanning where it should query
    index_throttling: float | None = 1  # OnlineIndexThrottleEvents of each GSI per period
    gsi_not_active: bool = True  # the run's figure GsisNotActive is 1 or more
    upload_error_rate: float | None = 0.001  # the run's figure UploadErrorRate (0.001 is 0.1%)
    period: int = 300
    evaluation_periods: int = 1

    def problems(self) -> Iterable[str]:
        """Why CloudWatch would refuse these alarms, or they could never fire."""
        thresholds = {
            "throttled_requests": self.throttled_requests,
            "system_errors": self.system_errors,
            "user_errors": self.user_errors,
            "scans": self.scans,
            "index_throttling": self.index_throttling,
            "upload_error_rate": self.upload_error_rate,
        }
        for name, value in thresholds.items():
            if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                yield f"alarms.{name}={value!r}: a threshold is a finite number, 0 or more (PutMetricAlarm Threshold)"
        if self.upload_error_rate is not None and self.upload_error_rate > 1:
            yield f"alarms.upload_error_rate={self.upload_error_rate}: a rate is a share between 0 and 1 (0.001 is 0.1%)"
        if not (self.period in (10, 30) or (self.period > 0 and self.period % 60 == 0)):
            yield f"alarms.period={self.period}: CloudWatch takes 10, 30 or a multiple of 60 seconds (PutMetricAlarm Period)"
        if self.evaluation_periods < 1:
            yield f"alarms.evaluation_periods={self.evaluation_periods}: at least 1 (PutMetricAlarm EvaluationPeriods)"
        elif self.period < 3600 and self.period * self.evaluation_periods > MAX_EVALUATED_SECONDS:
            yield (
                f"alarms: {self.evaluation_periods} periods of {self.period} s exceed one day, "
                "the most an alarm evaluates (PutMetricAlarm EvaluationPeriods)"
            )
        if self.system_errors is not None and not self.system_error_operations:
            yield "alarms.system_errors is set but system_error_operations names no operation"


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm as data: what PutMetricAlarm is asked for, less the actions (the run's --alarm-topic)."""

    name: str
    namespace: str
    metric: str
    statistic: str
    dimensions: tuple[tuple[str, str], ...]
    threshold: float
    comparison: str
    period: int
    evaluation_periods: int
    description: str


def alarm_name(prefix: str, table: str, *parts: str) -> str:
    """DynamoDBContracts/<prefix><table>/<metric>[/<index or operation>]; a table name never holds a slash."""
    return "/".join((f"{ALARM_ROOT}{prefix}{table}", *parts))


def user_errors_alarm_name(prefix: str) -> str:
    return f"{ALARM_ROOT}{prefix}UserErrors"


def alarm_name_problem(name: str) -> str | None:
    if not MIN_ALARM_NAME_LENGTH <= len(name) <= MAX_ALARM_NAME_LENGTH:
        return (
            f"alarm name {name[:60]!r}... has {len(name)} characters; CloudWatch takes "
            f"{MIN_ALARM_NAME_LENGTH} to {MAX_ALARM_NAME_LENGTH} (PutMetricAlarm AlarmName)"
        )
    return None


def alarm_specs(alarms: Alarms, prefix: str, table: str, indexes: tuple[str, ...]) -> list[AlarmSpec]:
    """Every alarm of one table deployed as `prefix + table`, whose GSIs are `indexes`; not the deployment's UserErrors."""
    deployed = f"{prefix}{table}"
    on_table = (("TableName", deployed),)

    def spec(
        parts: tuple[str, ...],
        namespace: str,
        metric: str,
        statistic: str,
        dimensions,
        threshold: float,
        comparison: str,
        description: str,
    ) -> AlarmSpec:
        return AlarmSpec(
            alarm_name(prefix, table, *parts),
            namespace,
            metric,
            statistic,
            dimensions,
            float(threshold),
            comparison,
            alarms.period,
            alarms.evaluation_periods,
            description,
        )

    found = []
    if alarms.throttled_requests is not None:
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            found.append(
                spec(
                    (metric,),
                    DYNAMODB_NAMESPACE,
                    metric,
                    "Sum",
                    on_table,
                    alarms.throttled_requests,
                    "GreaterThanOrEqualToThreshold",
                    f"{deployed}: requests throttled",
                )
            )
    if alarms.system_errors is not None:
        for operation in alarms.system_error_operations:
            found.append(
                spec(
                    ("SystemErrors", operation),
                    DYNAMODB_NAMESPACE,
                    "SystemErrors",
                    "Sum",
                    on_table + (("Operation", operation),),
                    alarms.system_errors,
                    "GreaterThanOrEqualToThreshold",
                    f"{deployed}: {operation} answered with HTTP 500",
                )
            )
    if alarms.scans is not None:
        # SuccessfulRequestLatency's SampleCount is the number of successful requests of that operation.
        found.append(
            spec(
                ("Scans",),
                DYNAMODB_NAMESPACE,
                "SuccessfulRequestLatency",
                "SampleCount",
                on_table + (("Operation", "Scan"),),
                alarms.scans,
                "GreaterThanThreshold",
                f"{deployed}: more scans than declared; agents should query",
            )
        )
    if alarms.index_throttling is not None:
        for index in indexes:
            found.append(
                spec(
                    ("OnlineIndexThrottleEvents", index),
                    DYNAMODB_NAMESPACE,
                    "OnlineIndexThrottleEvents",
                    "Sum",
                    on_table + (("GlobalSecondaryIndexName", index),),
                    alarms.index_throttling,
                    "GreaterThanOrEqualToThreshold",
                    f"{deployed}: GSI {index} throttled while being built",
                )
            )
    if alarms.gsi_not_active:
        found.append(
            spec(
                ("GsisNotActive",),
                METRICS_NAMESPACE,
                "GsisNotActive",
                "Maximum",
                on_table,
                1,
                "GreaterThanOrEqualToThreshold",
                f"{deployed}: a GSI is not ACTIVE after the run",
            )
        )
    if alarms.upload_error_rate is not None:
        found.append(
            spec(
                ("UploadErrorRate",),
                METRICS_NAMESPACE,
                "UploadErrorRate",
                "Maximum",
                on_table,
                alarms.upload_error_rate,
                "GreaterThanThreshold",
                f"{deployed}: upload error rate above the declared share",
            )
        )
    return found


def user_errors_spec(prefix: str, declared: Iterable[Alarms]) -> AlarmSpec | None:
    """The deployment's one UserErrors alarm (an account-wide metric), at the smallest declared threshold."""
    declared = [a for a in declared if a.user_errors is not None]
    if not declared:
        return None
    thresholds = [a.user_errors for a in declared]
    shortest = min(declared, key=lambda a: a.period)
    return AlarmSpec(
        user_errors_alarm_name(prefix),
        DYNAMODB_NAMESPACE,
        "UserErrors",
        "Sum",
        (),
        float(min(thresholds)),
        "GreaterThanOrEqualToThreshold",
        shortest.period,
        shortest.evaluation_periods,
        "requests refused with HTTP 400 in this account and region",
    )
