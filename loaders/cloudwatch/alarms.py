"""The contracts' alarms in CloudWatch: what a plan would create or change, the sync that applies it, the
live read that finds drift, and the rollback of what a run created.

Every alarm the tool makes is named `DynamoDBContracts/<prefix><table>/...`
(`contracts.alarms`), so one DescribeAlarms by that name prefix reads them all
and the IAM policies can scope the rights to it. PutMetricAlarm replaces an
alarm of the same name, so applying a plan twice changes nothing the second
time. Alarms of the prefix that no contract declares are left alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.alarms import ALARM_ROOT, AlarmSpec, alarm_specs, user_errors_spec
from contracts.table import Table
from files.atomic import write_atomically

# In the rollback folder of a run: the alarms it created (deleted by a rollback) and those it changed, as they were.
ALARMS_FILE = "alarms.json"
# A missing data point is no breach: most periods have no throttling, no error and no run.
MISSING_DATA = "notBreaching"
# What a live alarm must still say to be the declared one; anything else CloudWatch reports (state, ARN) is not drift.
COMPARED = (
    "Namespace",
    "MetricName",
    "Statistic",
    "Dimensions",
    "Period",
    "EvaluationPeriods",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "ActionsEnabled",
    "AlarmActions",
)


def put_request(spec: AlarmSpec, topic: str | None) -> dict:
    """The PutMetricAlarm request of `spec`; with no topic the alarm has no action (it changes state, notifies no one)."""
    return {
        "AlarmName": spec.name,
        "AlarmDescription": spec.description,
        "Namespace": spec.namespace,
        "MetricName": spec.metric,
        "Statistic": spec.statistic,
        "Dimensions": [{"Name": name, "Value": value} for name, value in spec.dimensions],
        "Period": spec.period,
        "EvaluationPeriods": spec.evaluation_periods,
        "Threshold": spec.threshold,
        "ComparisonOperator": spec.comparison,
        "TreatMissingData": MISSING_DATA,
        "ActionsEnabled": topic is not None,
        "AlarmActions": [topic] if topic else [],
    }


def declared_alarms(tables: Iterable[Table], prefix: str, topic: str | None) -> dict[str, dict]:
    """Every alarm the contracts declare for this prefix, as PutMetricAlarm requests by name."""
    tables = list(tables)
    specs = [s for t in tables for s in alarm_specs(t.alarms, prefix, t.name, tuple(i.name for i in t.indexes))]
    account_wide = user_errors_spec(prefix, [t.alarms for t in tables])
    return {s.name: put_request(s, topic) for s in specs + ([account_wide] if account_wide else [])}


def live_alarms(cloudwatch, prefix: str) -> dict[str, dict]:
    """The metric alarms whose names start with the tool's root and `prefix`, by name."""
    found = {}
    for page in cloudwatch.get_paginator("describe_alarms").paginate(
        AlarmNamePrefix=f"{ALARM_ROOT}{prefix}", AlarmTypes=["MetricAlarm"]
    ):
        found.update({alarm["AlarmName"]: alarm for alarm in page["MetricAlarms"]})
    return found


def _comparable(alarm: dict, name: str):
    value = alarm.get(name)
    if name == "Dimensions":
        return sorted((d["Name"], d["Value"]) for d in value or [])
    if name == "AlarmActions":
        return sorted(value or [])
    if name == "Threshold":
        return float(value) if value is not None else None
    return value


def drift(wanted: dict, live: dict) -> list[str]:
    """How a live alarm differs from its PutMetricAlarm request: 'Threshold 1.0 -> 5.0', one entry per field."""
    return [
        f"{name} {_comparable(live, name)!r} -> {_comparable(wanted, name)!r}"
        for name in COMPARED
        if _comparable(live, name) != _comparable(wanted, name)
    ]


@dataclass
class AlarmPlan:
    """The alarms to create, to change (with what differs) and to leave, and the requests that would do it."""

    requests: dict[str, dict]
    create: list[str] = field(default_factory=list)
    change: dict[str, list[str]] = field(default_factory=dict)
    leave: list[str] = field(default_factory=list)
    before: dict[str, dict] = field(default_factory=dict)  # the live alarms the plan changes, as they are
    topic: str | None = None

    @property
    def changes_anything(self) -> bool:
        return bool(self.create or self.change)

    def notes(self) -> list[str]:
        """What the plan tells beside the counts: alarms without an action."""
        if self.topic:
            return []
        return ["alarms are created without actions: no --alarm-topic (ini alarm_topic) names an SNS topic to notify"]

    def summary(self) -> dict:
        return {
            "create": sorted(self.create),
            "change": {n: self.change[n] for n in sorted(self.change)},
            "leave": len(self.leave),
            "topic": self.topic,
            "notes": self.notes(),
        }


def plan_alarms(cloudwatch, tables: Iterable[Table], prefix: str, topic: str | None) -> AlarmPlan:
    """Read the prefix's alarms once (DescribeAlarms) and work out what a sync would change. Writes nothing."""
    wanted = declared_alarms(tables, prefix, topic)
    live = live_alarms(cloudwatch, prefix)
    plan = AlarmPlan(wanted, topic=topic)
    for name, request in wanted.items():
        if name not in live:
            plan.create.append(name)
        elif differences := drift(request, live[name]):
            plan.change[name] = differences
            plan.before[name] = {
                k: live[name][k] for k in ("AlarmName", "AlarmDescription", *COMPARED) if k in live[name]
            }
        else:
            plan.leave.append(name)
    return plan


def apply_alarms(cloudwatch, plan: AlarmPlan, rollback_folder: Path) -> list[str]:
    """PutMetricAlarm for each alarm the plan creates or changes, after saving what a rollback needs; their names."""
    touched = plan.create + list(plan.change)
    if not touched:
        return []
    rollback_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    saved = {"created": sorted(plan.create), "changed": plan.before}
    write_atomically(rollback_folder / ALARMS_FILE, json.dumps(saved, indent=2, default=str) + "\n")
    for name in touched:
        cloudwatch.put_metric_alarm(**plan.requests[name])
    return touched


# DeleteAlarms takes at most 100 names a request (Amazon CloudWatch API Reference).
DELETE_BATCH = 100


def _saved(rollback_folder: Path) -> dict:
    path = rollback_folder / ALARMS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if os.path.isfile(path) else {"created": [], "changed": {}}


def alarm_rollback_steps(rollback_folder: Path) -> tuple[list[str], list[str]]:
    """What rolling back the run saved in `rollback_folder` would do to alarms: (to delete, to put back). Nothing is sent."""
    saved = _saved(rollback_folder)
    return list(saved["created"]), sorted(saved["changed"])


def roll_back_alarms(cloudwatch, rollback_folder: Path) -> tuple[list[str], list[str]]:
    """Delete the alarms the run created and put back those it changed; (deleted, restored). Nothing saved: nothing done.

    Both are idempotent (DeleteAlarms ignores a name that is gone), so a rollback stopped midway is run again."""
    saved = _saved(rollback_folder)
    created = saved["created"]
    for start in range(0, len(created), DELETE_BATCH):
        cloudwatch.delete_alarms(AlarmNames=created[start : start + DELETE_BATCH])
    for before in saved["changed"].values():
        cloudwatch.put_metric_alarm(**before)
    return created, sorted(saved["changed"])
