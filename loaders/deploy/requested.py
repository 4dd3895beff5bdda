"""Protections a sync requested, remembered across runs so that one the server never applied is not asked for again.

A server may accept a change and not apply it (moto ignores UpdateTable's
SSESpecification for a table it did not create; dynalite takes CreateTable's
DeletionProtectionEnabled and SSESpecification and shows neither, and refuses
an UpdateTable asking for them again). Without a memory every run
would plan the same request as if it were new; with it the plan reports
"requested in run <id>, still not applied by the server". The memory is
`OUT/requested.json`, beside the rollback folder: the deployment it is about
(`deployment`: endpoint, region, profile) and {table name (prefix included):
{protection: the run that first requested it}}; a run against another
deployment ignores it and starts it anew. Nothing is sent to the server for
it, so it needs no permission beyond the sync's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from files.atomic import write_atomically
from loaders.deploy.plan import Plan
from loaders.dynamodb.protection import GIVEN_AT_CREATION, declared_protection

if TYPE_CHECKING:
    from loaders.deploy.sync import TableSync

REQUESTED_FILE = "requested.json"
Requested = Mapping[str, Mapping[str, str]]


def deployment_of(client, profile: str | None = None) -> str:
    """Which deployment a client talks to, as the memory names it: `https://dynamodb.eu-west-1.amazonaws.com
    (eu-west-1, profile prod)`."""
    return f"{client.meta.endpoint_url} ({client.meta.region_name}" + (f", profile {profile})" if profile else ")")


def read_requested(path: Path, deployment: str) -> dict[str, dict[str, str]]:
    """What earlier runs on `deployment` requested and the plan found still missing; empty when no run has."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return saved["tables"] if saved.get("deployment") == deployment else {}


def remember(path: Path, deployment: str, plan: Plan, synced: Mapping[str, TableSync], run_id: str) -> None:
    """Update `path` after a sync: a protection this run asked for (`synced`, by contract name: given to a table
    that lacked it, or declared in the CreateTable that made it) is remembered with `run_id`, one still
    unapplied keeps the run that first asked, one the plan no longer finds missing is forgotten; tables this
    plan did not look at keep their entries."""
    tables = read_requested(path, deployment)
    for table_plan in plan.tables:
        if table_plan.blocked:
            continue
        done = synced.get(table_plan.table.name)
        asked = () if done is None else done.protected
        if done is not None and done.created_table:
            asked += tuple(k for k in declared_protection(table_plan.table) if k in GIVEN_AT_CREATION)
        entry = dict(table_plan.unapplied) | {kind: run_id for kind in asked}
        if entry:
            tables[table_plan.name] = entry
        else:
            tables.pop(table_plan.name, None)
    if tables or path.exists():
        write_atomically(
            path, json.dumps({"deployment": deployment, "tables": tables}, indent=2, sort_keys=True) + "\n"
        )
