"""A table's protection and lifetime as its contract declares them: deletion protection, encryption at rest,
point-in-time recovery, TTL, and the backup a migration takes first.

A refusal (an endpoint without the operation, a role without the permission)
is returned, not raised: the table's data is still synced, and the live
checks name what is missing.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from contracts.table import Table
from loaders.dynamodb.tables import lost_answer, wait_until_active, when_not_busy
from loaders.dynamodb.waiters import Wait


def refusal(error: ClientError) -> str:
    """What the server answered, as one line: its error code and message."""
    return f"{error.response['Error']['Code']}: {error.response['Error'].get('Message', '')}".rstrip(": ")


# What a table's protection can lack, and the action that gives it (UpdateTable, UpdateContinuousBackups).
PROTECTIONS = {
    "deletion protection": "enable deletion protection",
    "encryption": "encrypt with the AWS managed KMS key",
    "point-in-time recovery": "enable point-in-time recovery",
}


# What a CreateTable request declares (loaders.dynamodb.schema.create_table_request); point-in-time recovery can only
# be turned on once the table exists.
GIVEN_AT_CREATION = ("deletion protection", "encryption")


def declared_protection(table: Table) -> tuple[str, ...]:
    """The protections the contract declares (keys of PROTECTIONS)."""
    declared = {
        "deletion protection": table.deletion_protection,
        "encryption": table.encryption == "AWS_MANAGED_KMS",
        "point-in-time recovery": table.point_in_time_recovery,
    }
    return tuple(kind for kind, wanted in declared.items() if wanted)


def missing_protection(client, table: Table, name: str, description: dict) -> tuple[str, ...]:
    """What the contract declares for the table's protection and the live table lacks (keys of PROTECTIONS)."""
    missing = []
    if table.deletion_protection and not description.get("DeletionProtectionEnabled"):
        missing.append("deletion protection")
    sse = description.get("SSEDescription") or {}
    if table.encryption == "AWS_MANAGED_KMS" and not (
        sse.get("Status") in ("ENABLED", "ENABLING") and sse.get("SSEType") == "KMS"
    ):
        missing.append("encryption")
    if table.point_in_time_recovery and not point_in_time_recovery_enabled(client, name):
        missing.append("point-in-time recovery")
    return tuple(missing)


def point_in_time_recovery_enabled(client, name: str) -> bool:
    """Whether PITR is on; an endpoint without the backup API (DescribeContinuousBackups refused) has none."""
    try:
        backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    except ClientError:
        return False
    return backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus") == "ENABLED"


def protect(
    client, table: Table, name: str, missing: tuple[str, ...], *, wait: Wait = Wait(), notes: list[str] | None = None
) -> dict[str, str]:
    """Give the table the protection its contract declares and it lacks, one change per request.

    Returns {protection: why it could not be given} (an endpoint without the
    operation, a role without the permission): the table's data is still
    synced, and the live checks name what is missing. An UpdateTable whose
    answer was lost, and whose retry is refused, is accepted when the table
    now has the protection (a line in `notes`).
    """

    def update(kind: str, **change):
        retried: list[bool] = []
        try:
            when_not_busy(lambda: client.update_table(TableName=name, **change), wait, retried)
        except ClientError:
            if not retried or kind in missing_protection(client, table, name, wait_until_active(client, name, wait)):
                raise
            if notes is not None:
                notes.append(lost_answer("UpdateTable", f"{kind} already given"))
        wait_until_active(client, name, wait)

    steps = {
        "deletion protection": lambda: update("deletion protection", DeletionProtectionEnabled=True),
        "encryption": lambda: update("encryption", SSESpecification={"Enabled": True, "SSEType": "KMS"}),
        "point-in-time recovery": lambda: client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        ),
    }
    failed = {}
    for kind in missing:
        try:
            steps[kind]()
        except ClientError as error:
            failed[kind] = refusal(error)
    return failed


def time_to_live(client, name: str) -> dict:
    """The table's TimeToLiveDescription: TimeToLiveStatus (ENABLING, ENABLED, DISABLING, DISABLED) and AttributeName."""
    return client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]


def ttl_enabled(description: dict, attribute: str) -> bool:
    """Whether TTL is on (or being turned on, which AWS takes up to an hour to finish) for `attribute`."""
    return (
        description.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and description.get("AttributeName") == attribute
    )


def enable_ttl(client, name: str, attribute: str) -> str | None:
    """Turn TTL on for `attribute` with UpdateTimeToLive; returns why it could not be, or None.

    An endpoint without the operation or a role without the permission is
    answered here, not raised: the table's data is still synced, and the live
    checks name what is missing (as for protection).
    """
    try:
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
        )
    except ClientError as error:
        return refusal(error)
    return None


def back_up(client, name: str, run_id: str) -> str:
    """An on-demand backup of the table (CreateBackup), named after the run; returns its ARN."""
    # Backup names allow 3-255 characters of [a-zA-Z0-9_.-] (CreateBackup API reference).
    backup = client.create_backup(TableName=name, BackupName=f"{name}-{run_id}"[:255])
    return backup["BackupDetails"]["BackupArn"]
