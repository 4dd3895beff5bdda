"""Alarms are declared with the contract: the default fits the design, and what CloudWatch refuses fails at declaration."""

import pandera.pandas as pa
import pytest
from pandera.typing import Series

from contracts.alarms import (
    ALARM_ROOT,
    MAX_ALARM_NAME_LENGTH,
    METRICS_NAMESPACE,
    Alarms,
    alarm_specs,
    user_errors_spec,
)
from contracts.errors import ContractDeclarationError
from contracts.table import Index, Table
from tests.sample import TABLES, TABLES_BY_NAME


class Events(pa.DataFrameModel):
    event_id: Series[str]
    kind: Series[str]


def specs(table: Table, prefix: str = "stage-"):
    return {s.name: s for s in alarm_specs(table.alarms, prefix, table.name, tuple(i.name for i in table.indexes))}


def test_every_sample_table_gets_the_default_alarms_without_declaring_them():
    assert all(t.alarms == Alarms() for t in TABLES)


def test_the_default_alarms_cover_the_design():
    flights = TABLES_BY_NAME["flights"]
    found = specs(flights)
    root = f"{ALARM_ROOT}stage-flights/"
    expected = {
        root + "ReadThrottleEvents",
        root + "WriteThrottleEvents",
        root + "Scans",
        root + "GsisNotActive",
        root + "UploadErrorRate",
        *(root + f"SystemErrors/{op}" for op in Alarms().system_error_operations),
        *(root + f"OnlineIndexThrottleEvents/{i.name}" for i in flights.indexes),
    }
    assert set(found) == expected
    assert found[root + "UploadErrorRate"].threshold == 0.001
    assert found[root + "UploadErrorRate"].namespace == METRICS_NAMESPACE
    assert found[root + "Scans"].dimensions == (("TableName", "stage-flights"), ("Operation", "Scan"))
    index = flights.indexes[0].name
    assert found[root + f"OnlineIndexThrottleEvents/{index}"].dimensions == (
        ("TableName", "stage-flights"),
        ("GlobalSecondaryIndexName", index),
    )


def test_a_threshold_of_none_declares_no_alarm():
    table = Table(
        name="events", file="e.csv", model=Events, key=("event_id",), alarms=Alarms(scans=None, upload_error_rate=None)
    )
    assert not any(name.endswith(("/Scans", "/UploadErrorRate")) for name in specs(table))


def test_user_errors_are_one_alarm_per_deployment_at_the_smallest_threshold():
    spec = user_errors_spec("stage-", [Alarms(user_errors=5), Alarms(), Alarms(user_errors=None)])
    assert (spec.name, spec.threshold, spec.dimensions) == (f"{ALARM_ROOT}stage-UserErrors", 5.0, ())
    assert user_errors_spec("stage-", [Alarms(user_errors=None)]) is None


@pytest.mark.parametrize(
    "alarms, problem",
    [
        (Alarms(scans=-1), "alarms.scans=-1: a threshold is a finite number, 0 or more"),
        (Alarms(throttled_requests=float("nan")), "alarms.throttled_requests=nan: a threshold is a finite number"),
        (Alarms(upload_error_rate=5), "alarms.upload_error_rate=5: a rate is a share between 0 and 1"),
        (Alarms(period=45), "alarms.period=45: CloudWatch takes 10, 30 or a multiple of 60 seconds"),
        (Alarms(evaluation_periods=0), "alarms.evaluation_periods=0: at least 1"),
        (Alarms(period=300, evaluation_periods=289), "alarms: 289 periods of 300 s exceed one day"),
        (
            Alarms(system_error_operations=()),
            "alarms.system_errors is set but system_error_operations names no operation",
        ),
    ],
    ids=[
        "a negative threshold",
        "no number",
        "a rate above 1",
        "a period CloudWatch refuses",
        "no evaluation period",
        "more than a day evaluated",
        "system errors of no operation",
    ],
)
def test_alarms_cloudwatch_would_refuse_fail_at_declaration(alarms, problem):
    with pytest.raises(ContractDeclarationError) as caught:
        Table(name="events", file="e.csv", model=Events, key=("event_id",), alarms=alarms)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_an_alarm_name_longer_than_cloudwatch_takes_fails_at_declaration():
    long_index = "i" * 230  # a valid GSI name (up to 255), but the alarm naming it is longer than 255
    with pytest.raises(ContractDeclarationError, match=f"CloudWatch takes 1 to {MAX_ALARM_NAME_LENGTH}"):
        Table(name="events", file="e.csv", model=Events, key=("event_id",), indexes=(Index(long_index, "kind"),))
