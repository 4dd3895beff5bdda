"""Roll a run back: what the sync saved before it wrote (RollbackLog), and putting it back (rollback).

Before a sync writes a table, the live version of every item it will update
or delete and the key of every item it will create are saved in the run's
rollback folder, one JSON-lines file per table. A rollback puts the saved
items back, deletes the created ones and the tables the run created, and is
recorded so that a second rollback of the same run changes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from files.atomic import write_atomically
from loaders.deploy.batch import DEFAULT_BACKOFF, write_requests
from loaders.deploy.plan import TablePlan
from loaders.dynamodb.client import DEFAULT_WORKERS, is_aws
from loaders.dynamodb.endpoint import check_destroy_allowed
from loaders.dynamodb.items import Item, item_key
from loaders.dynamodb.tables import delete_table
from loaders.dynamodb.waiters import Wait

ROLLBACK_MANIFEST = "rollback.json"
# Written once a run is rolled back: a second rollback of it changes nothing and says when the first was.
ROLLED_BACK = "rolled-back.json"


class RollbackLog:
    """The rollback folder of one run: one JSON-lines file per table, written before the table is."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.manifest: dict[str, dict] = {}

    def save(self, plan: TablePlan, backup: str | None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.folder / f"{plan.name}.jsonl"
        key = plan.table.key
        # The saved items hold personal data: readable by the owner alone, written whole before they are needed.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            for update in plan.update:
                handle.write(json.dumps({"before": update.before}, ensure_ascii=False) + "\n")
            for item in plan.delete:
                handle.write(json.dumps({"before": item}, ensure_ascii=False) + "\n")
            for item in plan.create:
                handle.write(json.dumps({"created": item_key(item, plan.table)}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.manifest[plan.name] = {
            "key": list(key),
            "file": path.name,
            "backup": backup,
            "migrated": plan.migrate,
            "created_table": not plan.exists,
        }
        write_atomically(self.folder / ROLLBACK_MANIFEST, json.dumps({"tables": self.manifest}, indent=2) + "\n")


@dataclass(frozen=True)
class RolledBack:
    """What rolling a run back does to one table (or did: `rollback` returns the same)."""

    name: str
    restored: int  # items put back as they were before the run
    removed: int  # items the run created, deleted
    backup: str | None  # a migrated table: restore it from this backup (RestoreTableFromBackup)
    dropped: bool = False  # the run created the table: it is deleted, its items with it


def _saved(folder: Path, entry: dict) -> tuple[list[Item], list[Item]]:
    """The live items saved before the run changed them, and the keys of the items it created."""
    before, created = [], []
    with (folder / entry["file"]).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if "before" in record:
                before.append(record["before"])
            else:
                created.append(record["created"])
    return before, created


def _manifest(folder: Path) -> dict[str, dict]:
    """The tables the run saved; none when it wrote no table (it changed only alarms, say)."""
    path = folder / ROLLBACK_MANIFEST
    return json.loads(path.read_text(encoding="utf-8"))["tables"] if path.is_file() else {}


def rollback_steps(folder: Path) -> list[RolledBack]:
    """What rolling back the run saved in `folder` would do, table by table; nothing is sent."""
    steps = []
    for name, entry in _manifest(folder).items():
        if entry["migrated"]:
            steps.append(RolledBack(name, 0, 0, entry["backup"]))
            continue
        before, created = _saved(folder, entry)
        dropped = entry.get("created_table", False)
        steps.append(RolledBack(name, 0 if dropped else len(before), len(created), None, dropped))
    return steps


def rolled_back(folder: Path) -> dict | None:
    """The record of the rollback of this run, if it was applied: when, and what it did."""
    path = folder / ROLLED_BACK
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def dropping(steps: list[RolledBack], shown: int = 3) -> str:
    """The deletion a rollback makes, for the destroy guard's message: how many tables, and the first names."""
    names = [s.name for s in steps if s.dropped]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"delete the {len(names)} table{'s' * (len(names) != 1)} the run created ({', '.join(names[:shown])}{more})"


def rollback(
    client,
    folder: Path,
    *,
    workers: int = DEFAULT_WORKERS,
    backoff=DEFAULT_BACKOFF,
    wait: Wait = Wait(),
    allow_destroy: bool = False,
) -> list[RolledBack]:
    """Put back every item a run updated or deleted, delete every item it created and every table it created.

    A migrated table cannot take its old items back under its new key: its
    backup is named instead (RestoreTableFromBackup restores it). Deleting a
    table the run created lifts its deletion protection first, and is refused
    off this machine without `allow_destroy`, as a migration is. Once done, the
    rollback is recorded in `folder`: rolling the same run back again changes
    nothing and returns nothing.
    """
    if rolled_back(folder) is not None:
        return []
    steps = rollback_steps(folder)
    check_destroy_allowed(
        client.meta.endpoint_url if not is_aws(client) else None,
        any(s.dropped for s in steps),
        allow_destroy,
        dropping(steps),
    )
    manifest = _manifest(folder)
    for step in steps:
        entry = manifest[step.name]
        if step.backup is not None:
            continue
        if step.dropped:
            delete_table(client, step.name, wait=wait)
            continue
        before, created = _saved(folder, entry)
        requests = [{"DeleteRequest": {"Key": key}} for key in created] + [
            {"PutRequest": {"Item": item}} for item in before
        ]
        if requests:
            write_requests(client, step.name, requests, tuple(entry["key"]), workers=workers, backoff=backoff)
    record = {"rolled_back": datetime.now(UTC).isoformat(timespec="seconds"), "tables": [asdict(s) for s in steps]}
    write_atomically(folder / ROLLED_BACK, json.dumps(record, indent=2) + "\n")
    return steps
