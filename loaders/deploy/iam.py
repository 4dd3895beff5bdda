"""Least-privilege IAM policies for the three roles of a run, derived from the contracts.

Each role may do only what its stage does, and only to the declared tables
(under the run's table prefix) and their indexes:

- `load`: create the tables and their GSIs, read their state, turn on
  point-in-time recovery, take a backup, tag them, and write, delete and
  read items (a sync reads what is there to decide what to change);
- `check` (the live suite): read the tables' state and their items;
- `plan`: read the tables' state and their items, change nothing.

Only tables whose contract declares an expiry get the Time to Live rights:
all three roles read the setting (DescribeTimeToLive), the load role turns
it on (UpdateTimeToLive).

Every role reads the contracts' alarms (cloudwatch:DescribeAlarms); the
load role also puts and deletes them (a rollback deletes those its run
created). These rights are scoped to the alarm names the tool makes,
`DynamoDBContracts/<prefix>*` (ARN `arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}`).
The load role publishes the run's figures (cloudwatch:PutMetricData, which
takes no resource narrower than "*") under the tool's namespace only, by the
`cloudwatch:namespace` condition: only a run that synced publishes, and the
check and plan roles never sync.

No role may delete a table: `--recreate` needs `dynamodb:DeleteTable` granted
separately, for that run only. ARNs follow the Service Authorization
Reference for Amazon DynamoDB: `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}`
and `.../table/${TableName}/index/${IndexName}`.

When a run may create tables by ImportTable, the load role may also import
into the declared tables, stage objects under the staging prefix (the bucket
must exist), and write the import's CloudWatch logs, as AWS's "Requesting a
table import in DynamoDB" lists; a bucket encrypted with a customer-managed
KMS key needs `kms:Decrypt` and `kms:GenerateDataKey` on it besides.

When a run may read big tables by export (`loaders.dynamodb.export`), every
role, since each reads whole tables, may export the declared tables and follow
the export (`.../table/${TableName}/export/*`), and may write, read and delete
objects under the staging prefix's `exports/` only: the export writes with the
caller's rights (`s3:PutObject`, `s3:PutObjectAcl`, `s3:AbortMultipartUpload`,
as "Requesting a table export in DynamoDB" lists), the run reads its manifests
and data files, lists its folder and deletes it once read.
"""

from __future__ import annotations

import json
from pathlib import Path

from contracts.alarms import ALARM_ROOT, METRICS_NAMESPACE
from contracts.table import Table
from files.atomic import write_atomically
from loaders.dynamodb.export import EXPORTS_FOLDER
from loaders.dynamodb.tables import table_name

POLICY_VERSION = "2012-10-17"

_READ_STATE = ("DescribeTable", "DescribeContinuousBackups", "ListTagsOfResource")
_READ_ITEMS = ("GetItem", "BatchGetItem", "Query", "Scan")
_READ_INDEXES = ("Query", "Scan")
_MANAGE = ("CreateTable", "UpdateTable", "UpdateContinuousBackups", "CreateBackup", "TagResource")
_WRITE_ITEMS = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")

# role: actions on the tables that declare an expiry
TTL_ACTIONS: dict[str, tuple[str, ...]] = {
    "load": ("DescribeTimeToLive", "UpdateTimeToLive"),
    "check": ("DescribeTimeToLive",),
    "plan": ("DescribeTimeToLive",),
}

# role: actions on the alarms of the prefix, and whether it publishes the run's figures
ALARM_ACTIONS: dict[str, tuple[tuple[str, ...], bool]] = {
    "load": (("DescribeAlarms", "PutMetricAlarm", "DeleteAlarms"), True),
    "check": (("DescribeAlarms",), False),
    "plan": (("DescribeAlarms",), False),
}

# role: (actions on the tables, actions on their indexes)
ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "load": (_MANAGE + _READ_STATE + _WRITE_ITEMS + _READ_ITEMS, _READ_INDEXES),
    "check": (_READ_STATE + _READ_ITEMS, _READ_INDEXES),
    "plan": (_READ_STATE + _READ_ITEMS, _READ_INDEXES),
}


def table_arn(name: str, region: str, account: str, partition: str = "aws") -> str:
    return f"arn:{partition}:dynamodb:{region}:{account}:table/{name}"


def policy(
    role: str,
    prefix: str,
    region: str,
    account: str,
    tables: tuple[Table, ...],
    partition: str = "aws",
    staging: tuple[str, str] | None = None,
    exports: tuple[str, str] | None = None,
) -> dict:
    """The IAM policy document of `role` ("load", "check" or "plan"); `staging` (bucket, prefix) when imports may
    run, `exports` (bucket, prefix: the same staging place) when tables may be read by export."""
    table_actions, index_actions = ROLES[role]
    if exports is not None:
        table_actions += ("ExportTableToPointInTime",)
    arns = [table_arn(table_name(t, prefix), region, account, partition) for t in tables]
    statements = [_statement("Tables", table_actions, arns)]
    indexed = [f"{arn}/index/*" for arn, t in zip(arns, tables, strict=True) if t.indexes]
    if indexed:
        statements.append(_statement("Indexes", index_actions, indexed))
    expiring = [arn for arn, t in zip(arns, tables, strict=True) if t.expiry is not None]
    if expiring:
        statements.append(_statement("TimeToLive", TTL_ACTIONS[role], expiring))
    statements += _alarm_statements(role, prefix, region, account, partition)
    if role == "load" and staging is not None:
        statements += _import_statements(arns, staging, region, account, partition)
    if exports is not None:
        statements += _export_statements(arns, exports, partition)
    return {"Version": POLICY_VERSION, "Statement": statements}


def alarm_arn(name: str, region: str, account: str, partition: str = "aws") -> str:
    return f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}"


def _alarm_statements(role: str, prefix: str, region: str, account: str, partition: str) -> list[dict]:
    actions, publishes = ALARM_ACTIONS[role]
    statements = [
        _statement(
            "Alarms", actions, [alarm_arn(f"{ALARM_ROOT}{prefix}*", region, account, partition)], service="cloudwatch"
        )
    ]
    if publishes:
        # PutMetricData takes no resource narrower than "*" (the Service Authorization Reference, CloudWatch).
        statements.append(
            {
                **_statement("Figures", ("PutMetricData",), ["*"], service="cloudwatch"),
                "Condition": {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
            }
        )
    return statements


def _import_statements(
    arns: list[str], staging: tuple[str, str], region: str, account: str, partition: str
) -> list[dict]:
    bucket, key_prefix = staging
    return [
        _statement("Import", ("ImportTable",), arns),
        _statement("ImportStatus", ("DescribeImport",), [f"{arn}/import/*" for arn in arns]),
        _statement(
            "Staging",
            ("PutObject", "GetObject", "DeleteObject", "AbortMultipartUpload"),
            [f"arn:{partition}:s3:::{bucket}/{key_prefix}*"],
            service="s3",
        ),
        {
            **_statement("StagingList", ("ListBucket",), [f"arn:{partition}:s3:::{bucket}"], service="s3"),
            "Condition": {"StringLike": {"s3:prefix": [f"{key_prefix}*"]}},
        },
        _statement(
            "ImportLogs",
            ("CreateLogGroup", "CreateLogStream", "DescribeLogStreams", "PutLogEvents", "PutRetentionPolicy"),
            [f"arn:{partition}:logs:{region}:{account}:log-group:/aws-dynamodb/*"],
            service="logs",
        ),
        # DescribeLogGroups takes no resource narrower than "*" (the Service Authorization Reference, CloudWatch Logs).
        _statement("ImportLogGroups", ("DescribeLogGroups",), ["*"], service="logs"),
    ]


def _export_statements(arns: list[str], exports: tuple[str, str], partition: str) -> list[dict]:
    bucket, key_prefix = exports
    folder = f"{key_prefix}{EXPORTS_FOLDER}"
    return [
        _statement("ExportStatus", ("DescribeExport",), [f"{arn}/export/*" for arn in arns]),
        _statement(
            "ExportFiles",
            ("PutObject", "PutObjectAcl", "AbortMultipartUpload", "GetObject", "DeleteObject"),
            [f"arn:{partition}:s3:::{bucket}/{folder}*"],
            service="s3",
        ),
        {
            **_statement("ExportList", ("ListBucket",), [f"arn:{partition}:s3:::{bucket}"], service="s3"),
            "Condition": {"StringLike": {"s3:prefix": [f"{folder}*"]}},
        },
    ]


def _statement(sid: str, actions: tuple[str, ...], resources: list[str], service: str = "dynamodb") -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted({f"{service}:{a}" for a in actions}), "Resource": resources}


def write_policies(
    out_dir: Path,
    tables: tuple[Table, ...],
    prefix: str,
    region: str,
    account: str,
    staging: tuple[str, str] | None = None,
    exports: tuple[str, str] | None = None,
) -> list[Path]:
    """Write `iam-<role>.json` for every role into `out_dir`; returns the paths, in the order of `ROLES`."""
    paths = []
    for role in ROLES:
        path = Path(out_dir) / f"iam-{role}.json"
        document = policy(role, prefix, region, account, tables, staging=staging, exports=exports)
        write_atomically(path, json.dumps(document, indent=2) + "\n")
        paths.append(path)
    return paths
