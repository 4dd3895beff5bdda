"""Each stage of the job: what it takes, what it returns. Nothing here knows about pytest."""

from __future__ import annotations

import fcntl
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pandas as pd
from botocore.exceptions import BotoCoreError, ClientError

from contracts.errors import ContractError
from contracts.expectations import GxResults, validate
from contracts.gate import GateResult
from contracts.gate import gate as gate_tables
from contracts.table import Table
from files.atomic import write_atomically
from fixers.dataset import Dataset, load_dataset
from loaders.cloudwatch.alarms import (
    ALARMS_FILE,
    AlarmPlan,
    alarm_rollback_steps,
    apply_alarms,
    plan_alarms,
    roll_back_alarms,
)
from loaders.cloudwatch.metrics import publish_figures
from loaders.deploy.iam import write_policies
from loaders.deploy.plan import Plan, plan_tables
from loaders.deploy.progress import ProgressFactory
from loaders.deploy.requested import REQUESTED_FILE, deployment_of, read_requested, remember
from loaders.deploy.rollback import ROLLBACK_MANIFEST, RolledBack, rollback, rolled_back
from loaders.deploy.staging import ensure_bucket, s3_client
from loaders.deploy.sync import SyncResult, apply_plan
from loaders.dynamodb.client import cloudwatch_client, make_client, profile_session
from loaders.dynamodb.items import FrameItems
from loaders.dynamodb.live import LiveTable, expected_digests, read_live, watched_columns
from loaders.dynamodb.readback import READ_BY_EXPORT, count_items, table_pages
from loaders.dynamodb.tables import describe, table_name
from loaders.rules.guard import install_guard
from pipeline.settings import Settings

ROLLBACK_FOLDER = "rollback"


class OutDirBusy(ContractError):
    """Another run holds the out dir: two runs writing one fixed/ would load rows neither gate checked."""


def lock_out_dir(out_dir: Path) -> IO:
    """Hold OUT/.lock for this run (released when the returned file is closed, or the process ends)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = (out_dir / ".lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutDirBusy(
            f"another run is using {out_dir}: wait until it ends, or give this one its own --out-dir"
        ) from None
    return handle


def read(settings: Settings) -> Dataset:
    """The tables to check: the fixers' output, or with `fix=False` the export as it is."""
    return load_dataset(
        settings.data_dir,
        settings.out_dir,
        settings.registry,
        fix=settings.fix,
        run_id=settings.run_id,
        started=settings.started,
    )


def ledger_counts(dataset: Dataset) -> dict[str, int] | None:
    """Items per table as the ledger accounts for them (None without a ledger: --no-fix).

    The raw file's records less the rows merged and set aside, never the fixed
    frame's length: the row count then compares the frame with a figure it
    was not measured from.
    """
    if dataset.ledger is None:
        return None
    return {
        name: entry.raw_rows - entry.merged - entry.quarantined
        for name, entry in dataset.ledger.tables.items()
        if entry.error is None
    }


def gate(settings: Settings, dataset: Dataset) -> GateResult:
    """Every pre-upload check of every table, once; GX's Data Docs go to OUT/gx/."""
    return gate_tables(
        settings.registry.tables,
        dataset.frames,
        dataset.errors,
        ledger_counts(dataset),
        settings.out_dir,
        dataset.refused,
        run_name=settings.run_id,
    )


def checked_items(settings: Settings, dataset: Dataset, result: GateResult) -> dict[str, FrameItems]:
    """The items of every table that passed the gate, made from the very frames the gate checked.

    Never read again from disk: what is loaded is exactly what was checked.
    """
    return {
        t.name: FrameItems(dataset.frames[t.name], t)
        for t in settings.registry.tables
        if t.name in dataset.frames and result.loadable(t.name)
    }


def watched(settings: Settings) -> dict[str, tuple[str, ...]]:
    """By contract name, the columns a read of a live table keeps for the live checks."""
    return {t.name: watched_columns(t, settings.registry.tables) for t in settings.registry.tables}


def connect(settings: Settings, endpoint_url: str | None):
    """A DynamoDB client for the endpoint (None: AWS) whose every request is held to AWS's rules first."""
    client = make_client(endpoint_url, aws=settings.aws, workers=settings.workers, profile=settings.aws_profile)
    install_guard(client)
    return client


def export_staging(client, settings: Settings, expected: dict[str, FrameItems]):
    """The S3 client big tables are exported through, or None when no table is read by export.

    On a local server the default staging bucket is made when a table is big
    enough to be exported: the export writes into it.
    """
    exports = settings.exports()
    if not any(exports.chooses(len(items)) for items in expected.values()):
        return None
    s3 = s3_client(None if settings.aws else client.meta.endpoint_url, profile=settings.aws_profile)
    if settings.local and not settings.import_staging:
        ensure_bucket(s3, exports.bucket)
    return s3


def plan(client, settings: Settings, expected: dict[str, FrameItems], progress: ProgressFactory | None = None) -> Plan:
    """Read every table that may be loaded and work out what a sync would change. Writes nothing to a table."""
    tables = list(settings.registry.only(expected))
    return plan_tables(
        client,
        tables,
        expected,
        settings.table_prefix,
        migrate=settings.migrate or settings.recreate,
        recreate=settings.recreate,
        allow_mass_delete=settings.allow_mass_delete,
        imports=settings.imports(),
        requested=read_requested(settings.out_dir / REQUESTED_FILE, deployment_of(client, settings.aws_profile)),
        watched=watched(settings),
        exports=settings.exports(),
        s3=export_staging(client, settings, expected),
        progress=progress,
    )


def write_plan(the_plan: Plan, settings: Settings, path: Path) -> None:
    """plan.json: per table the counts, the table actions and a few example keys (personal data masked)."""
    body = {
        "run_id": settings.run_id,
        "totals": the_plan.totals(),
        "tables": {p.table.name: p.summary() for p in the_plan.tables},
    }
    write_atomically(path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def apply(
    client, settings: Settings, the_plan: Plan, progress: ProgressFactory | None = None, on_table_done=None
) -> SyncResult:
    """Change exactly what the plan lists, saving what it changes under OUT/rollback/RUN_ID first.

    Tables the plan creates by ImportTable are staged through S3 at the same
    endpoint (AWS's own with --aws); a given --import-staging bucket must
    exist, and a local server's default one is created if it is missing.
    """
    imports, s3 = settings.imports(), None
    if any(p.by_import and p.blocked is None for p in the_plan.tables):
        s3 = s3_client(None if settings.aws else client.meta.endpoint_url, profile=settings.aws_profile)
        if settings.local and not settings.import_staging:
            ensure_bucket(s3, imports.bucket)

    def remembered(result: SyncResult) -> None:
        remember(
            settings.out_dir / REQUESTED_FILE,
            deployment_of(client, settings.aws_profile),
            the_plan,
            result.tables,
            settings.run_id,
        )

    done = apply_plan(
        client,
        the_plan,
        run_id=settings.run_id,
        rollback_dir=settings.out_dir / ROLLBACK_FOLDER,
        workers=settings.workers,
        progress=progress,
        allow_destroy=settings.allow_destroy,
        on_table_done=on_table_done,
        s3=s3,
        imports=imports,
        # As soon as the tables are set up too: a sync stopped while writing items keeps what it asked for.
        on_tables_set_up=remembered,
    )
    remembered(done)  # an import gives its table's protections only when it completes
    return done


def gsis_not_active(table: Table, live: LiveTable) -> int:
    """How many of the GSIs `table` declares are missing from its read-back description or not ACTIVE."""
    statuses = {
        i["IndexName"]: i.get("IndexStatus") for i in (live.description or {}).get("GlobalSecondaryIndexes", [])
    }
    return sum(1 for index in table.indexes if statuses.get(index.name) != "ACTIVE")


# Tables read at once by the live checks: each read waits on round trips that the others can use.
PARALLEL_READS = 4


def verify(
    client,
    settings: Settings,
    the_plan: Plan | None,
    done: SyncResult | None,
    expected: dict[str, FrameItems],
    tables: list[Table] | None = None,
    progress: ProgressFactory | None = None,
) -> dict[str, LiveTable]:
    """Read each table once for the live checks, several at once, reusing the plan's read where the sync wrote nothing.

    A read keeps whole only the items that differ from `expected` (the checked
    items), so that a failing check can show them. `progress("read back",
    total)` is told the items read so far, of about `total` (the checked
    items, or for a table not loaded its ItemCount: hints).
    """
    plans = the_plan.by_table() if the_plan else {}
    # Only item writes change what a read finds: a table action (a GSI, a protection, TTL) leaves the items as read,
    # and the GSIs are counted and the table described anew here anyway.
    written = {name for name, p in plans.items() if p.writes} if done else set()
    chosen = list(tables if tables is not None else settings.registry.tables)
    columns, exports, s3 = watched(settings), settings.exports(), export_staging(client, settings, expected)
    read, counting = 0, threading.Lock()

    def reused(table: Table) -> bool:
        table_plan = plans.get(table.name)
        return table_plan is not None and table_plan.live is not None and table.name not in written

    def one(table: Table, description: dict | None, advance) -> LiveTable:
        name = table_name(table, settings.table_prefix)
        if description is None:
            return LiveTable(name, None)

        def on_page(count: int) -> None:
            nonlocal read
            with counting:
                read += count
                advance(read)

        if reused(table):
            live = plans[table.name].live
            live.reused = True
        else:
            if table.name in plans:
                plans[table.name].live = None  # stale once the sync wrote the table: not held beside the new read
            items = expected.get(table.name)
            pages, note = table_pages(client, name, description, exports, s3, on_page, len(items or ()))
            digests = expected_digests(items, table, name) if items is not None else None
            live = read_live(pages, table, name, description, digests, columns[table.name])
            live.by_export = note == READ_BY_EXPORT
        live.description = description
        live_indexes = {i["IndexName"] for i in description.get("GlobalSecondaryIndexes", [])}
        live.index_counts = {i.name: count_items(client, name, i.name) for i in table.indexes if i.name in live_indexes}
        return live

    with ThreadPoolExecutor(max_workers=PARALLEL_READS, thread_name_prefix="verify") as pool:
        descriptions = list(pool.map(lambda t: describe(client, table_name(t, settings.table_prefix)), chosen))
        # ItemCount lags (by hours on AWS; dynalite keeps none): right after a sync, the items written say more.
        total = sum(
            max(int(d.get("ItemCount", 0)), len(expected.get(t.name, ())))
            for t, d in zip(chosen, descriptions)
            if d is not None and not reused(t)
        )
        with progress("read back", total) if progress and total else nullcontext(lambda done: None) as advance:
            return {
                table.name: live
                for table, live in zip(chosen, pool.map(one, chosen, descriptions, [advance] * len(chosen)))
            }


def check_live(settings: Settings, dataset: Dataset, live: dict[str, LiveTable]) -> GxResults:
    """The Great Expectations suites of the gate, run on the columns they read of the items read back (foreign keys,
    row counts)."""
    frames = {
        name: pd.DataFrame(table.columns, dtype=object) for name, table in live.items() if table.description is not None
    }
    counts = ledger_counts(dataset)
    return validate(
        "live",
        frames,
        {n: counts[n] for n in frames} if counts is not None else None,
        settings.out_dir,
        settings.registry.tables,
        run_name=settings.run_id,
    )


# Why alarms are not planned, applied or checked on a server that answers no CloudWatch request (dynalite).
NO_CLOUDWATCH = "not checked: this server has no CloudWatch"


def watch(settings: Settings, endpoint_url: str | None):
    """A CloudWatch client for the deployment's endpoint (None: AWS), made like the DynamoDB one."""
    return cloudwatch_client(None if settings.aws else endpoint_url, aws=settings.aws, profile=settings.aws_profile)


def plan_watch(cloudwatch, settings: Settings, tables: list[Table]) -> AlarmPlan | str:
    """The alarms of `tables` to create, change or leave; on a local server without CloudWatch, why not.

    Only a server on this machine may lack CloudWatch: against AWS or another endpoint any error is raised.
    """
    try:
        return plan_alarms(cloudwatch, tables, settings.table_prefix, settings.alarm_topic)
    except (BotoCoreError, ClientError) as error:
        if not _lacks_cloudwatch(settings, error):
            raise
        return NO_CLOUDWATCH


# What a DynamoDB server without an API answers for one of its operations (dynalite: HTTP 400).
NO_SUCH_OPERATION = "UnknownOperationException"


def _lacks_cloudwatch(settings: Settings, error: BotoCoreError | ClientError) -> bool:
    """Whether `error` says the server has no CloudWatch: only a local server may, and only by answering that it has
    no such operation. A refusal (403), a lost connection or any other error is no such answer: it is raised."""
    code = error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else ""
    return settings.local and code == NO_SUCH_OPERATION


# What run.json's `published` says when the server answers no CloudWatch request (dynalite).
NOT_PUBLISHED = "not published: this server has no CloudWatch"


def publish(cloudwatch, settings: Settings, figures: dict[str, dict[str, float]]) -> dict[str, dict[str, float]] | str:
    """PutMetricData of the run's figures (by deployed table) under the tool's namespace, stamped now; what was
    published, or on a local server without CloudWatch why nothing was. Any other error is raised."""
    try:
        publish_figures(cloudwatch, figures, datetime.now(UTC))
    except (BotoCoreError, ClientError) as error:
        if not _lacks_cloudwatch(settings, error):
            raise
        return NOT_PUBLISHED
    return figures


def apply_watch(cloudwatch, settings: Settings, the_plan: AlarmPlan) -> list[str]:
    """PutMetricAlarm for what the alarm plan lists; what it replaces or creates is saved in the run's rollback folder."""
    return apply_alarms(cloudwatch, the_plan, rollback_folder(settings, settings.run_id))


# The account moto and dynalite answer for; AWS's is asked of STS.
LOCAL_ACCOUNT = "123456789012"


def write_iam_policies(settings: Settings, client) -> list[Path]:
    """The least-privilege policies of a run's three roles (load, check, plan), for this prefix, into the out dir."""
    account = LOCAL_ACCOUNT
    if settings.aws:
        sts = profile_session(settings.aws_profile).client("sts", region_name=client.meta.region_name)
        account = sts.get_caller_identity()["Account"]
    imports = settings.imports()
    # The import's rights only where this run may import: a staging place, and not --import=never.
    staging = (imports.bucket, imports.prefix) if imports.mode != "never" and imports.bucket else None
    # The export's rights only where this run may read a big table by export: a staging place and a threshold.
    exports = settings.exports()
    exporting = (exports.bucket, exports.prefix) if exports.bucket and exports.threshold else None
    return write_policies(
        settings.out_dir,
        settings.registry.tables,
        settings.table_prefix,
        client.meta.region_name,
        account,
        staging,
        exporting,
    )


def rollback_folder(settings: Settings, run_id: str) -> Path:
    """Where run `run_id` saved what it changed: OUT/rollback/RUN_ID."""
    return settings.out_dir / ROLLBACK_FOLDER / run_id


def saved_changes(folder: Path) -> bool:
    """Whether a run saved anything to roll back in `folder`: tables it wrote, or alarms it created or changed."""
    return (folder / ROLLBACK_MANIFEST).is_file() or (folder / ALARMS_FILE).is_file()


def restorable_runs(settings: Settings) -> list[str]:
    """The ids of the runs whose changes are saved in the out dir and not yet rolled back, oldest first."""
    folder = settings.out_dir / ROLLBACK_FOLDER
    if not folder.is_dir():
        return []
    return sorted(run.name for run in folder.iterdir() if saved_changes(run) and rolled_back(run) is None)


@dataclass(frozen=True)
class Undone:
    """What a rollback did: each table's step, the alarms it deleted (the run created them) and those it put back."""

    tables: list[RolledBack]
    alarms_deleted: list[str]
    alarms_restored: list[str]


def roll_back(client, settings: Settings, run_id: str, cloudwatch=None) -> Undone:
    """Return the tables and the alarms to their state before run `run_id`, from OUT/rollback/RUN_ID.

    The alarms go first: their rollback is idempotent, and the tables' rollback records the run as rolled back.
    `cloudwatch` is needed only when the run changed alarms.
    """
    folder = rollback_folder(settings, run_id)
    if rolled_back(folder) is not None:
        return Undone([], [], [])
    deleted, restored = [], []
    if any(alarm_rollback_steps(folder)):
        deleted, restored = roll_back_alarms(cloudwatch or watch(settings, client.meta.endpoint_url), folder)
    steps = rollback(client, folder, workers=settings.workers, allow_destroy=settings.allow_destroy)
    return Undone(steps, deleted, restored)
