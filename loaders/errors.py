"""Errors of the loaders, named after the fault; each says what to do about it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.errors import ContractError


def key_label(key: Mapping[str, Any]) -> str:
    """An item's key (client format) for messages: `flight_id=1042`, `passenger_id=PX001/event_id=EV01`."""
    return "/".join(f"{name}={next(iter(value.values()))}" for name, value in key.items())


class LoaderError(ContractError):
    """Base of the errors raised while talking to DynamoDB."""


class ServerDidNotStart(LoaderError):
    """A local DynamoDB server never answered; carries the tail of its log and what to do."""

    def __init__(
        self, name: str, command: list[str], log_path, state: str, log_tail: str, exit_code: int | None, remedy: str
    ):
        self.command, self.log_path, self.log_tail, self.exit_code, self.remedy = (
            command,
            log_path,
            log_tail,
            exit_code,
            remedy,
        )
        super().__init__(f"the {name} ({' '.join(command)}) {state}. Last lines of {log_path}:\n{log_tail}\n{remedy}")


class UnsafeEndpoint(LoaderError):
    """An endpoint URL that could be read two ways, or carries secrets; `shown` is the URL without them."""

    def __init__(self, shown: str, problem: str):
        self.shown, self.problem = shown, problem
        super().__init__(f"refusing the endpoint URL {shown}: {problem}. Give it as http(s)://host:port, nothing else.")


class ClientSetupError(LoaderError):
    """A client cannot be made as asked (no region, no credentials)."""


class ItemConversionError(LoaderError):
    """A row cannot become a DynamoDB item."""

    def __init__(self, table: str, column: str, line: int | None, problem: str, remedy: str):
        self.table, self.column, self.line, self.problem, self.remedy = table, column, line, problem, remedy
        where = f"{table}.{column}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {problem}. {remedy}")


class DuplicateItemKey(LoaderError):
    """Two items of one load share a primary key: the second would silently overwrite the first."""

    def __init__(self, table: str, keys: list[dict]):
        self.table, self.keys = table, keys
        shown = ", ".join(key_label(k) for k in keys[:10]) + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
        super().__init__(
            f"{table}: {len(keys)} keys occur more than once in one load ({shown}). "
            "Declare a duplicate policy in the contract and run the fixers; the loader never drops items silently."
        )


class ItemsNotWritten(LoaderError):
    """Items DynamoDB did not accept after the last attempt, each named by its key."""

    def __init__(self, table: str, keys: list[dict], attempts: int, last_error: str | None = None):
        self.table, self.keys, self.attempts, self.last_error = table, keys, attempts, last_error
        listed = "\n".join(f"  - {key_label(k)}" for k in keys)
        cause = f" (last error: {last_error})" if last_error else ""
        super().__init__(
            f"{table}: {len(keys)} items were not written after {attempts} attempts{cause}:\n{listed}\n"
            "Run the load again (it is idempotent), with fewer --workers if the table is throttled."
        )


class KeySchemaMismatch(LoaderError):
    """A table or index that exists has other keys than its contract declares."""

    def __init__(self, table: str, index: str | None, declared, found):
        self.table, self.index, self.declared, self.found = table, index, declared, found
        what = f"GSI {index} of {table}" if index else f"table {table}"
        super().__init__(
            f"{what} exists with key {found}, but the contract declares {declared}. "
            "DynamoDB cannot change a key in place: rerun with --migrate, which backs the table up (CreateBackup) "
            "and recreates " + ("that index" if index else "it") + " with the contract's key "
            "(add --allow-destroy if the endpoint is not local), or load under another --table-prefix."
        )


class NotAsAsked(LoaderError):
    """A create or delete the server reports as already done, finding something other than was asked.

    `retried`: botocore had sent the request before (its answer lost), so the
    first try may have been done; otherwise another client got there first.
    """

    def __init__(self, table: str, operation: str, found: str, retried: bool):
        self.table, self.operation, self.found, self.retried = table, operation, found, retried
        how = (
            "its answer was lost and botocore's retry was told it was already done"
            if retried
            else "the server says it was already done by another client since the plan was made"
        )
        super().__init__(
            f"{table}: {operation} was sent, {how}, but {found}. "
            "Check who else changes it, then rerun: the plan compares it with the contract again."
        )


class TableNotReady(LoaderError):
    """A table or one of its indexes did not become ACTIVE in time, or kept being busy."""


class DestroyRefused(LoaderError):
    """--recreate, --migrate or a rollback that deletes tables, asked against an endpoint where that needs --allow-destroy."""

    def __init__(self, endpoint: str, what: str = "delete and recreate tables"):
        self.endpoint = endpoint
        super().__init__(
            f"refusing to {what} at {endpoint}: it is not a local (loopback) endpoint. "
            "Nothing was touched. Add --allow-destroy if deleting those tables is really meant."
        )


class RequestRefusedByAWS(LoaderError):
    """A request AWS would refuse (with a ValidationException), stopped before any byte of it is sent.

    `detail` gives AWS's own wording where it has one, after the place in the
    request (`RequestItems[flights][3].Item.flight_id`).
    """

    error_code = "ValidationException"

    def __init__(self, operation: str, rule: str, detail: str, remedy: str):
        self.operation, self.rule, self.detail, self.remedy = operation, rule, detail, remedy
        super().__init__(f"{operation} refused ({rule}): {detail}. AWS would reject this request. {remedy}")


class WriteRefused(LoaderError):
    """A request that would change the deployment, sent while the run may only read (--plan)."""

    def __init__(self, operation: str):
        self.operation = operation
        super().__init__(
            f"{operation} refused: this run only plans and may not change the deployment. "
            "Run again without --plan to apply the plan."
        )


class RuleBroken(Exception):
    """Raised inside the guard's rules at the first rule a request breaks; the guard reports it as `RequestRefusedByAWS`."""

    def __init__(self, rule: str, detail: str, remedy: str):
        super().__init__(rule, detail, remedy)
        self.rule, self.detail, self.remedy = rule, detail, remedy


class StagingMissing(LoaderError):
    """A table is to be created by ImportTable, and no S3 location was given to stage its items in."""

    def __init__(self, table: str, items: int, reason: str):
        self.table, self.items = table, items
        super().__init__(
            f"{table}: {items:,} items {reason}, so it is created by ImportTable, which reads them from S3; "
            "no staging location was given. Give --import-staging=s3://BUCKET/PREFIX (a bucket in the table's "
            "region that the load role may write and read), or --import=never to write it with BatchWriteItem."
        )


class ImportFailed(LoaderError):
    """An ImportTable job ended other than COMPLETED, with errors, or with fewer items than were staged."""

    def __init__(
        self,
        table: str,
        import_arn: str,
        status: str,
        *,
        staged: int,
        processed: int,
        imported: int,
        errors: int,
        failure: str | None,
        log_group: str | None,
        source: str,
    ):
        self.table, self.import_arn, self.status = table, import_arn, status
        self.staged, self.processed, self.imported, self.errors = staged, processed, imported, errors
        self.failure, self.log_group, self.source = failure, log_group, source
        reason = f"; AWS says {failure}" if failure else ""
        logs = (
            f"Each item error is in the CloudWatch log group {log_group}."
            if log_group
            else "The server reported no CloudWatch log group for this import."
        )
        super().__init__(
            f"{table}: the import {import_arn} ended {status}: {imported} of {staged} staged items imported, "
            f"{processed} processed, {errors} errors{reason}. {logs} The staged items are kept in {source}. "
            f"The import created {table}: delete it before importing again (an import only creates new tables), "
            "or load the table with BatchWriteItem."
        )


class ExportFailed(LoaderError):
    """An export of a table to S3 (ExportTableToPointInTime) ended FAILED; carries AWS's FailureCode and FailureMessage."""

    def __init__(self, table: str, export_arn: str, code: str | None, message: str | None):
        self.table, self.export_arn, self.code, self.message = table, export_arn, code, message
        reason = ": ".join(filter(None, (code, message))) or "no reason given"
        super().__init__(
            f"{table}: the export {export_arn} to S3 FAILED ({reason}). Check that the staging bucket "
            "exists and that the role may write to it (s3:PutObject, s3:PutObjectAcl), or set "
            "--export-threshold=0 to read the table by Scan."
        )


class ExportUnreadable(LoaderError):
    """A COMPLETED export whose files are not as AWS's "DynamoDB table export output format" describes them."""

    def __init__(self, table: str, export_arn: str, problem: str):
        self.table, self.export_arn, self.problem = table, export_arn, problem
        super().__init__(
            f"{table}: the export {export_arn} cannot be read: {problem}. Its items were not read; "
            "set --export-threshold=0 to read the table by Scan."
        )
