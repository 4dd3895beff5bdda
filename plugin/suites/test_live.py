"""The live suite: what is in DynamoDB is what the contracts and the fixed CSVs say, read back over HTTP."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from contracts.alarms import alarm_name
from contracts.violations import report
from loaders.dynamodb.items import item_to_row
from loaders.dynamodb.readback import query_index
from loaders.dynamodb.schema import key_names
from plugin.suites.blocked import loaded
from plugin.suites.expected import (
    difference,
    differing_items,
    expected_answer,
    key_of,
    live_difference,
    query_attributes,
    query_values,
    rows_in_index,
    shown_keys,
    typed_rows,
)

pytestmark = pytest.mark.live


def fixed_frame(contracts_dataset, table):
    __tracebackhide__ = True
    if table.name not in contracts_dataset.frames:
        pytest.fail(f"{table.name}: {contracts_dataset.errors.get(table.name)}", pytrace=False)
    return contracts_dataset.frames[table.name]


STALE_REMEDY = (
    'the contract mirrors the export (sync="mirror"), so a plain run, without --no-load or --plan, '
    "deletes them; if the export was cut short, export it again"
)


def live(contracts_deployment, table):
    """The one read of the table the contracts_deployment fixture made: its items, GSI counts and description."""
    return contracts_deployment.live[table.name]


def test_table_is_active(table, contracts_deployment, contracts_run_record):
    loaded(contracts_deployment, contracts_run_record, table, root=True)
    description = live(contracts_deployment, table).description
    assert description is not None, f"{contracts_deployment.name(table)} does not exist"
    assert description["TableStatus"] == "ACTIVE"
    assert key_names(description["KeySchema"]) == table.key


# Protections and the API that answers for each: a server without it cannot say, so the check is not made.
PROTECTION_API = {
    "deletion protection": "DeletionProtectionEnabled in DescribeTable",
    "encryption": "UpdateTable SSESpecification",
    "point-in-time recovery": "DescribeContinuousBackups",
}
NO_SUCH_API = "UnknownOperationException"


@pytest.mark.protection
def test_table_is_protected_as_declared(table, contracts_deployment, contracts_run_record):
    """Deletion protection, encryption at rest and point-in-time recovery, as the contract declares.

    A protection the server has no API for is not checked, and says so; one the server accepted and did
    not apply says that too (a skip with the reason), rather than failing as if the tool had not asked.
    """
    loaded(contracts_deployment, contracts_run_record, table)
    name = contracts_deployment.name(table)
    synced = contracts_run_record.synced.get(table.name)
    refused = synced.unprotected if synced is not None else {}
    lacking = [kind for kind, why in refused.items() if not why.startswith(NO_SUCH_API)]
    if lacking:
        pytest.fail(
            f"{name}: " + "; ".join(f"could not give {kind}: {refused[kind]}" for kind in lacking), pytrace=False
        )
    description = live(contracts_deployment, table).description
    try:
        backups = contracts_deployment.client.describe_continuous_backups(TableName=name)[
            "ContinuousBackupsDescription"
        ]
    except ClientError as error:
        if error.response["Error"]["Code"] != NO_SUCH_API:
            raise
        backups = None
    found = {
        "deletion protection": description.get("DeletionProtectionEnabled"),
        "encryption": (
            description.get("SSEDescription", {}).get("Status") == "ENABLED"
            and description.get("SSEDescription", {}).get("SSEType") == "KMS"
        ),
        "point-in-time recovery": None
        if backups is None
        else backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus") == "ENABLED",
    }
    declared = {
        "deletion protection": table.deletion_protection,
        "encryption": table.encryption == "AWS_MANAGED_KMS",
        "point-in-time recovery": table.point_in_time_recovery,
    }
    # Asked for in this run: given to a table that lacked it, or declared in the CreateTable that made the table;
    # or in an earlier run, as the plan found (not asked again).
    given = set(synced.protected) | (set(declared) if synced.created_table else set()) if synced is not None else set()
    planned = contracts_deployment.plan.by_table().get(table.name) if contracts_deployment.plan else None
    asked_in = {kind: contracts_run_record.run_id for kind in given} | (planned.unapplied if planned else {})
    unanswered, ignored, wrong = [], [], []
    for kind, wanted in declared.items():
        if (kind in refused or found[kind] is None) and wanted:
            unanswered.append(kind)
        elif bool(found[kind]) != wanted:
            (ignored if wanted and kind in asked_in else wrong).append(kind)
    if wrong:
        pytest.fail(
            f"{name}: "
            + "; ".join(
                f"{kind} is {'on' if found[kind] else 'off'}, the contract declares it "
                f"{'on' if declared[kind] else 'off'}"
                for kind in wrong
            ),
            pytrace=False,
        )
    reasons = [f"not checked: this server has no {PROTECTION_API[kind]} ({kind})" for kind in unanswered]
    reasons += [
        f"{kind} requested in run {asked_in[kind]} and accepted by the server, which does not show it applied"
        for kind in ignored
    ]
    if reasons:
        pytest.skip("; ".join(reasons))


def test_expiry_is_live(expiring_table, contracts_deployment, contracts_dataset, contracts_run_record):
    """TTL is on for the declared attribute, and every item's expiry is its row's timestamp plus the retention.

    The expected value is worked out here from the fixed row's source column, not read from the column the
    fixers wrote. A server without UpdateTimeToLive (dynalite, whose DescribeTimeToLive always answers
    DISABLED) cannot say: the check is skipped as not checked.
    """
    table, expiry = expiring_table, expiring_table.expiry
    loaded(contracts_deployment, contracts_run_record, table)
    name = contracts_deployment.name(table)
    synced = contracts_run_record.synced.get(table.name)
    refused = synced.ttl_refused if synced is not None else None
    if refused and not refused.startswith(NO_SUCH_API):
        pytest.fail(f"{name}: could not enable TTL on {expiry.attribute}: {refused}", pytrace=False)
    epoch = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
    wrong = []
    columns = live(contracts_deployment, table).columns
    found = dict(zip(zip(*(columns[k] for k in table.key)), columns[expiry.attribute], strict=True))
    for row in typed_rows(fixed_frame(contracts_dataset, table), table):
        key, source = key_of(row, table), row.get(expiry.from_column)
        want = (
            None
            if source is None
            else int(
                (datetime.fromisoformat(source.replace("Z", "+00:00")) + expiry.retention - epoch)
                / timedelta(seconds=1)
            )
        )
        got = found.get(key)
        if (None if got is None else int(got)) != want:
            wrong.append((key, want, got))
    if wrong:
        key, want, got = wrong[0]
        pytest.fail(
            f"{name}: {len(wrong)} items do not expire {expiry.describe}; first {key}: expected {want}, found {got}"
            + ("; run the fixers (drop --no-fix), which derive it" if got is None else ""),
            pytrace=False,
        )
    ttl = contracts_deployment.client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    contracts_run_record.ttl[table.name] = ttl.get("TimeToLiveStatus", "DISABLED")
    if ttl.get("TimeToLiveStatus") == "ENABLING" and ttl.get("AttributeName") == expiry.attribute:
        pytest.skip(f"TTL on {expiry.attribute} is ENABLING: AWS takes up to an hour to turn it on")
    if refused:
        pytest.skip(
            f"not checked: this server has no UpdateTimeToLive (TTL on {expiry.attribute}); "
            f"its DescribeTimeToLive answers {ttl.get('TimeToLiveStatus')}"
        )
    assert (ttl.get("TimeToLiveStatus"), ttl.get("AttributeName")) == ("ENABLED", expiry.attribute), (
        f"{name}: TTL is {ttl.get('TimeToLiveStatus')} on {ttl.get('AttributeName')}; the contract declares it on {expiry.attribute}"
    )


def test_item_count(table, contracts_deployment, contracts_dataset, contracts_run_record):
    """Counted from one full paginated Scan: ItemCount lags by hours on AWS."""
    loaded(contracts_deployment, contracts_run_record, table)
    found = live(contracts_deployment, table).count
    contracts_run_record.found[table.name] = found
    expected = len(fixed_frame(contracts_dataset, table))
    if table.sync == "upsert":
        assert found >= expected, (
            f"{contracts_deployment.name(table)} holds {found} items; the fixed data has {expected}"
        )
        return
    extra = f" ({found - expected} more than the export: {STALE_REMEDY})" if found > expected else ""
    assert found == expected, (
        f"{contracts_deployment.name(table)} holds {found} items; the fixed data has {expected}{extra}"
    )


def test_gsi(gsi, contracts_deployment, contracts_dataset, contracts_run_record):
    """Exists, ACTIVE, declared keys, types and projection, and holds exactly the items carrying its keys."""
    table, index = gsi
    loaded(contracts_deployment, contracts_run_record, table)
    description = live(contracts_deployment, table).description
    indexes = {i["IndexName"]: i for i in description.get("GlobalSecondaryIndexes", [])}
    assert index.name in indexes, f"{index.name} is missing; found {sorted(indexes)}"
    status = indexes[index.name]["IndexStatus"]
    contracts_run_record.indexes.setdefault(table.name, {})[index.name] = status
    assert status == "ACTIVE"
    assert key_names(indexes[index.name]["KeySchema"]) == index.key
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    assert {k: types[k] for k in index.key} == {k: table.attribute_type(k) for k in index.key}
    assert indexes[index.name]["Projection"]["ProjectionType"] == index.projection
    carrying = live(contracts_deployment, table).carrying[index.name]
    assert live(contracts_deployment, table).index_counts[index.name] == carrying, (
        "the index does not hold every item carrying its keys"
    )
    expected = rows_in_index(fixed_frame(contracts_dataset, table), index)
    if table.sync == "mirror":
        assert carrying == expected


def test_items_equal_fixed_rows(table, contracts_deployment, contracts_dataset, contracts_run_record):
    """Every item read back equals its fixed row, types included; none missing, none extra."""
    loaded(contracts_deployment, contracts_run_record, table)
    found = live_difference(fixed_frame(contracts_dataset, table), table, live(contracts_deployment, table))
    if found.missing:
        pytest.fail(
            f"{found.missing} items of the export are not live, first keys {shown_keys(found.missing_keys, table)}",
            pytrace=False,
        )
    if found.extra and table.sync == "mirror":
        pytest.fail(
            f"{found.extra} live items are not in the export, first keys {shown_keys(found.extra_keys, table)}: "
            f"{STALE_REMEDY}",
            pytrace=False,
        )
    if found.differing:
        pytest.fail(
            differing_items(found.differing, *found.first, table, (" from its fixed row", " from their fixed rows")),
            pytrace=False,
        )


def test_foreign_keys_live(fk_check, contracts_deployment, contracts_run_record, contracts_live_expectations):
    """The Great Expectations suites of the pre-upload gate, on the tables read back."""
    loaded(contracts_deployment, contracts_run_record, fk_check.table)
    loaded(contracts_deployment, contracts_run_record, fk_check.parent)
    violations = contracts_live_expectations.foreign_key(fk_check)
    kept = contracts_run_record.kept_orphans.get(fk_check.table.name, {}).get(fk_check.fk.column, 0)
    if fk_check.fk.on_orphan == "keep" and sum(v.count for v in violations) == kept:
        return  # the orphans the gate reported and the contract keeps: no more, no fewer
    if violations:
        pytest.fail(report(violations), pytrace=False)


def test_query_pattern(pattern, contracts_deployment, contracts_dataset, contracts_run_record):
    """The agents' query returns exactly what the fixed CSVs predict, in range-key order."""
    table = pattern.contract
    loaded(contracts_deployment, contracts_run_record, table)
    frame = fixed_frame(contracts_dataset, table)
    values = query_values(frame, pattern)
    expected = expected_answer(frame, pattern, values)
    answer = query_index(
        contracts_deployment.client, contracts_deployment.name(table), pattern.index, query_attributes(values, table)
    )
    rows = [item_to_row(i) for i in answer.items]
    if not expected:
        pytest.fail(f"{pattern.label}: the fixed CSVs predict no item for {values}", pytrace=False)
    key = lambda r: tuple(r[k] for k in table.key)  # noqa: E731
    repeated = [k for k, n in Counter(map(key, rows)).items() if n > 1]
    if answer.count != len(rows) or repeated:
        pytest.fail(
            f"the query answered Count {answer.count} with {len(rows)} items"
            + (f", keys repeated: {shown_keys(repeated, table)}" if repeated else ""),
            pytrace=False,
        )
    # Compared here, not with assert: pytest's diff of two lists of rows would print every personal value.
    differs = difference({key(r): r for r in expected}, {key(r): r for r in rows}, table)
    if differs:
        pytest.fail(f"the query's answer is not what the fixed CSVs predict: {differs}", pytrace=False)
    if pattern.gsi.range_key:
        order = [r[pattern.gsi.range_key] for r in rows]
        assert order == sorted(order), f"not in {pattern.gsi.range_key} order"


def test_alarms_are_as_declared(table, contracts_deployment):
    """The table's CloudWatch alarms, read back (DescribeAlarms), have the declared metric, dimensions, threshold and actions."""
    if contracts_deployment.plan_only:
        pytest.skip("--plan: nothing was applied, so no alarm is read back")
    drift = contracts_deployment.alarm_drift
    if isinstance(drift, str):
        pytest.skip(drift)
    root = alarm_name(contracts_deployment.prefix, table.name) + "/"
    drifted = {name: differences for name, differences in drift.items() if name.startswith(root)}
    if drifted:
        pytest.fail(
            f"{contracts_deployment.name(table)}: alarms differ from the contract (a plain run restores them): "
            + "; ".join(f"{name}: {', '.join(d)}" for name, d in sorted(drifted.items())),
            pytrace=False,
        )
