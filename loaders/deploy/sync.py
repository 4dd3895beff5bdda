"""Apply a plan: change exactly what it lists, and keep what it changes so that it can be rolled back.

The order follows what AWS makes slow. Tables to migrate are backed up
(CreateBackup) and deleted; every missing table is created at once, with all
its GSIs, and waited for together; missing GSIs are added to several tables at
the same time (one per table at a time, as AWS requires). Before any item is
written, the live version of every item the sync will update or delete, and
the key of every item it will create, are saved under the rollback folder.
Then the items are written, parents before the tables that point at them,
the tables of one level at once within one bound on requests in flight. A new
table the plan creates by ImportTable is made and filled by its import in that
same order, its items staged in S3; its rollback entry is the keys it created,
as for any new table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from itertools import chain
from pathlib import Path

from botocore.exceptions import ClientError

from loaders.deploy.batch import DEFAULT_BACKOFF, LoadReport, write_requests
from loaders.deploy.import_table import NO_IMPORTS, ImportCounts, ImportPolicy, import_table
from loaders.deploy.plan import Plan, TablePlan
from loaders.deploy.progress import ProgressFactory, no_progress
from loaders.deploy.rollback import RollbackLog
from loaders.dynamodb.capacity import write_units
from loaders.dynamodb.client import DEFAULT_WORKERS, is_aws
from loaders.dynamodb.endpoint import check_destroy_allowed
from loaders.dynamodb.items import item_key
from loaders.dynamodb.protection import PROTECTIONS, back_up, enable_ttl, protect
from loaders.dynamodb.tables import add_gsi, create_table, delete_table, replace_gsi, wait_until_active
from loaders.dynamodb.waiters import Wait
from loaders.errors import ImportFailed


@dataclass
class TableSync:
    """What a sync did to one table."""

    name: str
    created_table: bool = False
    gsis_added: tuple[str, ...] = ()
    gsis_replaced: tuple[str, ...] = ()
    backup: str | None = None
    protected: tuple[str, ...] = ()  # protections given to a table that lacked them
    undeclared_gsis: tuple[str, ...] = ()  # GSIs the contract does not declare: kept, never deleted
    unprotected: dict[str, str] = field(default_factory=dict)  # protections that could not be given, and why
    ttl_enabled: str | None = None  # the expiry attribute TTL was turned on for
    ttl_refused: str | None = None  # why UpdateTimeToLive was refused (the live check names it)
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    write_units: int = 0  # by DynamoDB's rules, GSIs included (loaders.dynamodb.capacity); an import consumes none
    report: LoadReport | None = None
    imported: ImportCounts | None = None  # the import's own counts, when ImportTable created the table
    import_failure: str | None = None  # why the import failed (no item value in it): the table's live checks fail
    # Requests whose answer was lost and whose retry found them done as asked, described (loaders.dynamodb.tables).
    lost_answers: list[str] = field(default_factory=list)

    def actions(self) -> list[str]:
        done = ["table created"] if self.created_table else []
        done += ["table created by ImportTable"] if self.imported and not self.import_failure else []
        done += [f"GSI added: {n}" for n in self.gsis_added] + [f"GSI replaced: {n}" for n in self.gsis_replaced]
        done += [PROTECTIONS[kind] for kind in self.protected]
        done += [f"could not {PROTECTIONS[kind]} ({why})" for kind, why in self.unprotected.items()]
        done += [f"TTL enabled on {self.ttl_enabled}"] if self.ttl_enabled else []
        done += [f"could not enable TTL ({self.ttl_refused})"] if self.ttl_refused else []
        done += [f"undeclared GSI kept: {name}" for name in self.undeclared_gsis]
        done += [f"migrated; backup {self.backup}"] if self.backup else []
        return done + self.lost_answers


@dataclass
class SyncResult:
    tables: dict[str, TableSync] = field(default_factory=dict)  # by contract name
    rollback: Path | None = None


def _levels(plans: list[TablePlan]) -> list[list[TablePlan]]:
    """The plans in levels: a table's parents (its foreign keys) are in earlier levels."""
    by_name = {p.table.name: p for p in plans}
    sorter = TopologicalSorter(
        {
            name: {fk.parent for fk in p.table.foreign_keys if fk.parent in by_name and fk.parent != name}
            for name, p in by_name.items()
        }
    )
    sorter.prepare()
    levels = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=list(by_name).index)
        levels.append([by_name[name] for name in ready])
        sorter.done(*ready)
    return levels


def _enable_ttl(client, plan: TablePlan, done: TableSync) -> None:
    """UpdateTimeToLive where the plan asks for it; sent once (AWS refuses another within the hour)."""
    if plan.enable_ttl is None:
        return
    done.ttl_refused = enable_ttl(client, plan.name, plan.enable_ttl)
    done.ttl_enabled = None if done.ttl_refused else plan.enable_ttl


def _set_up_tables(client, plans: list[TablePlan], result: SyncResult, run_id: str, wait: Wait, workers: int) -> None:
    for plan in plans:
        if plan.migrate:
            result.tables[plan.table.name].backup = back_up(client, plan.name, run_id)
            delete_table(client, plan.name, wait=wait, notes=result.tables[plan.table.name].lost_answers)
    created = [p for p in plans if (not p.exists or p.migrate) and not p.by_import]
    for plan in created:
        create_table(client, plan.table, plan.name, notes=result.tables[plan.table.name].lost_answers)
    for plan in created:
        wait_until_active(client, plan.name, wait)
        done = result.tables[plan.table.name]
        done.created_table = True
        if plan.table.point_in_time_recovery:
            # Deletion protection and encryption were given at creation; PITR can only be turned on afterwards.
            done.unprotected = protect(
                client, plan.table, plan.name, ("point-in-time recovery",), wait=wait, notes=done.lost_answers
            )
            done.protected = () if done.unprotected else ("point-in-time recovery",)
        _enable_ttl(client, plan, done)

    def alter(plan: TablePlan) -> None:
        # One table's changes in turn (AWS takes one index or table change at a time), several tables at once.
        done = result.tables[plan.table.name]
        for index in plan.replace_gsis:
            replace_gsi(client, plan.table, plan.name, index, wait=wait, notes=done.lost_answers)
        for index in plan.add_gsis:
            add_gsi(client, plan.table, plan.name, index, wait=wait, notes=done.lost_answers)
        done.gsis_added = tuple(i.name for i in plan.add_gsis)
        done.gsis_replaced = tuple(i.name for i in plan.replace_gsis)
        if plan.protect:
            done.unprotected = protect(client, plan.table, plan.name, plan.protect, wait=wait, notes=done.lost_answers)
            done.protected = tuple(kind for kind in plan.protect if kind not in done.unprotected)
        _enable_ttl(client, plan, done)

    altered = [
        p for p in plans if p.exists and not p.migrate and (p.add_gsis or p.replace_gsis or p.protect or p.enable_ttl)
    ]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(altered))), thread_name_prefix="alter") as pool:
        list(pool.map(alter, altered))


def _requests(plan: TablePlan, done: TableSync) -> Iterator[dict]:
    """The plan's puts and deletes, made as they are sent; each adds its write units (DynamoDB's rules) to `done`."""
    for item in chain(plan.create, (update.item for update in plan.update)):
        done.write_units += write_units(item, plan.table)
        yield {"PutRequest": {"Item": item}}
    for item in plan.delete:
        done.write_units += write_units(item, plan.table)
        yield {"DeleteRequest": {"Key": item_key(item, plan.table)}}


def apply_plan(
    client,
    plan: Plan,
    *,
    run_id: str,
    rollback_dir: Path,
    workers: int = DEFAULT_WORKERS,
    backoff=DEFAULT_BACKOFF,
    wait: Wait = Wait(),
    progress: ProgressFactory | None = None,
    allow_destroy: bool = False,
    on_table_done: Callable[[str, TableSync], None] | None = None,
    s3=None,
    imports: ImportPolicy = NO_IMPORTS,
    on_tables_set_up: Callable[[SyncResult], None] | None = None,
) -> SyncResult:
    """Carry out `plan` for every table it does not block; returns what was done, by contract name.

    A plan that deletes a table (a migration) is refused before anything is
    sent unless the endpoint is on this machine or `allow_destroy`. Tables the
    plan creates by ImportTable are staged through `s3` in `imports.bucket`; an
    import that fails is recorded on its table (`import_failure`), not raised,
    and the other tables go on. `on_tables_set_up(result)` is told what was
    done to the tables (created, altered, protected) before any item is written.
    """
    todo = [p for p in plan.tables if p.blocked is None]
    check_destroy_allowed(
        client.meta.endpoint_url if not is_aws(client) else None, any(p.migrate for p in todo), allow_destroy
    )
    result = SyncResult(
        tables={p.table.name: TableSync(p.name, unchanged=p.unchanged, undeclared_gsis=p.undeclared_gsis) for p in todo}
    )
    _set_up_tables(client, todo, result, run_id, wait, workers)
    if on_tables_set_up is not None:
        on_tables_set_up(result)
    writing = [p for p in todo if p.writes]
    # A table the run created is logged even when empty: rolling the run back deletes it.
    logged = [p for p in todo if p.writes or not p.exists]
    if logged:
        log = RollbackLog(rollback_dir / run_id)
        for table_plan in logged:
            log.save(table_plan, result.tables[table_plan.table.name].backup)
        result.rollback = log.folder
    # One bound on requests in flight across the tables written at once.
    in_flight = threading.BoundedSemaphore(max(1, workers))

    def load_by_import(table_plan: TablePlan, done: TableSync) -> None:
        with (progress or no_progress)(table_plan.name, len(table_plan.create)) as advance:
            try:
                # Staged in a shuffled order (loaders.deploy.staging): the new table's items are held once.
                report = import_table(
                    client,
                    s3,
                    table_plan.table,
                    table_plan.name,
                    list(table_plan.create),
                    bucket=imports.bucket,
                    key_prefix=imports.prefix,
                    table_wait=wait,
                )
            except ImportFailed as failed:
                done.imported, done.import_failure = ImportCounts.of_failure(failed), str(failed)
                return
            except (
                ClientError
            ) as refused:  # S3 or DynamoDB refused staging or the import (access, a limit): this table alone
                done.imported = ImportCounts("NOT STARTED", 0, 0, 0, 0)
                done.import_failure = f"{table_plan.name}: the import could not be made: {refused}"
                return
            advance(len(table_plan.create))
        done.imported, done.created = report.counts(), report.imported_items
        done.protected, done.unprotected = report.protected, report.unprotected
        _enable_ttl(client, table_plan, done)

    def write(table_plan: TablePlan) -> None:
        done = result.tables[table_plan.table.name]
        if table_plan.by_import:
            load_by_import(table_plan, done)
            if on_table_done is not None:
                on_table_done(table_plan.table.name, done)
            return
        with (progress or no_progress)(table_plan.name, table_plan.writes) as advance:
            report = write_requests(
                client,
                table_plan.name,
                _requests(table_plan, done),
                table_plan.table.key,
                workers=workers,
                backoff=backoff,
                progress=advance,
                limit=in_flight,
            )
        done.created, done.updated, done.deleted = (
            len(table_plan.create),
            len(table_plan.update),
            len(table_plan.delete),
        )
        done.report = report
        if on_table_done is not None:
            on_table_done(table_plan.table.name, done)

    for level in _levels(writing):
        with ThreadPoolExecutor(max_workers=len(level), thread_name_prefix="sync") as pool:
            list(pool.map(write, level))
    return result
