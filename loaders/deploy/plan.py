"""What a sync will change, worked out before anything is written (terraform's plan).

Every table is read whole (paginated, parallel Scan segments for large ones, strongly consistent) and each
live item is compared with the item the checked export makes, types included: a number stored as a string is
an update. Both sides are compared by digest (`loaders.deploy.diff`), a page at a time. Each key is `create`,
`update`, `delete` (live, not in the export, and the contract mirrors the export), `kept` (live, not in the
export, and the contract only upserts) or `unchanged`. Table-level problems are found here too, before any
write: a key schema that differs (DynamoDB cannot change a key) or a GSI with other keys blocks that table
unless `migrate`; a delete of more than the contract's share of the live items trips the circuit breaker and
blocks the table unless `allow_mass_delete`. A blocked table is never written; the others go on. Planning
only reads: it works through a read-only client.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

from contracts.table import Index, Table
from loaders.deploy.diff import Creates, Update, diff_items, shown_key, shown_value, trip_breaker
from loaders.deploy.expiry import expired_items, plan_ttl
from loaders.deploy.import_table import NO_IMPORTS, ImportPolicy
from loaders.deploy.progress import ProgressFactory, no_progress
from loaders.dynamodb.export import NO_EXPORTS, ExportPolicy
from loaders.dynamodb.items import Item
from loaders.dynamodb.live import LiveTable, expected_digests
from loaders.dynamodb.protection import PROTECTIONS, missing_protection
from loaders.dynamodb.readback import READ_BY_EXPORT, table_pages
from loaders.dynamodb.schema import compare_schema
from loaders.dynamodb.tables import describe, table_name
from loaders.errors import DuplicateItemKey, KeySchemaMismatch, StagingMissing

EXAMPLES = 5


@dataclass
class TablePlan:
    """What a sync will do to one table."""

    table: Table
    name: str
    exists: bool
    actions: list[str] = field(default_factory=list)
    create: Iterable[Item] = ()  # sized: a list, or the export's items to create (`Creates`)
    update: list[Update] = field(default_factory=list)
    delete: list[Item] = field(default_factory=list)  # whole live items, so a rollback can put them back
    kept: int = 0
    unchanged: int = 0
    live_count: int = 0
    blocked: str | None = None
    migrate: bool = False
    add_gsis: tuple[Index, ...] = ()
    replace_gsis: tuple[Index, ...] = ()
    undeclared_gsis: tuple[str, ...] = ()
    protect: tuple[str, ...] = ()  # protections the contract declares and the live table lacks
    enable_ttl: str | None = None  # the expiry attribute to turn TTL on for: declared, and not on live
    expired: int = 0  # items of the export already past their expiry: DynamoDB deletes them once TTL is on
    # Protections the table lacks that an earlier run requested (loaders.deploy.requested): {kind: that run's id}.
    # The server accepted them and does not show them: reported, not requested again.
    unapplied: dict[str, str] = field(default_factory=dict)
    by_import: bool = False  # a new table created by ImportTable, holding `create`, instead of CreateTable and writes
    # The read of the live table, when it exists and keeps its key: the live checks reuse it if nothing is written.
    live: LiveTable | None = None
    read_units: float = 0.0  # what reading the live table cost
    read_note: str | None = None  # how the live table was read, when not by a plain Scan (loaders.dynamodb.readback)

    @property
    def writes(self) -> int:
        return len(self.create) + len(self.update) + len(self.delete)

    @property
    def changes_anything(self) -> bool:
        return bool(self.writes or self.actions)

    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.create),
            "update": len(self.update),
            "delete": len(self.delete),
            "unchanged": self.unchanged,
            "kept": self.kept,
        }

    def _keys(self, items) -> list[str]:
        return [shown_key(item, self.table) for item in islice(items, EXAMPLES)]

    def changed_attributes(self) -> dict[str, int]:
        """How many updates change each attribute, the most changed first."""
        return dict(Counter(a for u in self.update for a in u.attributes).most_common())

    def update_examples(self) -> list[dict]:
        """A few updates: the key, and each attribute that changes as (live, new), personal values masked."""
        return [
            {
                "key": shown_key(u.item, self.table),
                "changes": {
                    a: [
                        shown_value(u.before.get(a), a in self.table.pii),
                        shown_value(u.item.get(a), a in self.table.pii),
                    ]
                    for a in u.attributes
                },
            }
            for u in self.update[:EXAMPLES]
        ]

    def unapplied_notes(self) -> list[str]:
        """One line per protection requested before and still missing."""
        return [
            f"{kind} requested in run {run}, still not applied by the server (not requested again)"
            for kind, run in self.unapplied.items()
        ]

    def summary(self) -> dict:
        """The plan of this table as plan.json holds it: counts, actions, the attributes that change, a few
        examples, personal data masked."""
        return {
            "name": self.name,
            **self.counts(),
            "actions": list(self.actions),
            "expired": self.expired,
            "unapplied": self.unapplied_notes(),
            "blocked": self.blocked,
            "read": self.read_note,
            "attributes": self.changed_attributes(),
            "examples": {
                "create": self._keys(self.create),
                "update": self.update_examples(),
                "delete": self._keys(self.delete),
            },
        }


@dataclass
class Plan:
    tables: list[TablePlan]

    def by_table(self) -> dict[str, TablePlan]:
        return {p.table.name: p for p in self.tables}

    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(("create", "update", "delete", "unchanged", "kept"), 0)
        for plan in self.tables:
            if plan.blocked is None:
                for name, count in plan.counts().items():
                    totals[name] += count
        return totals


def plan_table(
    client,
    table: Table,
    name: str,
    expected: Iterable[Item],
    *,
    migrate: bool = False,
    recreate: bool = False,
    allow_mass_delete: bool = False,
    imports: ImportPolicy = NO_IMPORTS,
    now: float | None = None,
    requested: Mapping[str, str] | None = None,
    watched: tuple[str, ...] = (),
    exports: ExportPolicy = NO_EXPORTS,
    s3=None,
) -> TablePlan:
    """Read the live table and compare it with `expected` (sized, and walked more than once); writes nothing.

    `migrate` lets a table or GSI whose keys differ be rebuilt; `recreate`
    rebuilds every existing table (backed up first) whatever its keys;
    `imports` says which missing tables are created by ImportTable. Items of
    `expected` whose expiry is before `now` (the clock unless given) are
    counted as `expired`. `requested` holds the protections earlier runs
    requested ({kind: run id}): still missing, they are reported as
    unapplied instead of planned again. The live read keeps the `watched`
    columns of each item for the live checks (`loaders.dynamodb.live`). A
    big table is read by export when `exports` chooses it (through `s3`).
    """
    description = describe(client, name)
    plan = TablePlan(table, name, exists=description is not None)
    try:
        # Before anything is written, and for a new table too: a repeated key would lose an item.
        digests = expected_digests(expected, table, name)
    except DuplicateItemKey as repeated:
        plan.blocked = str(repeated)
        return plan
    plan.expired = expired_items(table, expected, time.time() if now is None else now)
    if description is None:
        plan.by_import = imports.chooses(len(expected))
        plan.actions.append(
            "create table"
            + (f" with {len(table.indexes)} GSI{'s' * (len(table.indexes) != 1)}" if table.indexes else "")
            + (" by ImportTable" if plan.by_import else "")
        )
        plan.create = Creates(expected, table.key)
        plan_ttl(client, plan, new=True)
        if plan.by_import and imports.bucket is None:
            reason = (
                "and --import=always" if imports.mode == "always" else f"reach --import-threshold={imports.threshold}"
            )
            plan.blocked = str(StagingMissing(name, len(expected), reason))
        return plan
    schema = compare_schema(table, description)
    plan.undeclared_gsis = schema.undeclared
    plan.actions += [f"undeclared GSI kept: {name}" for name in schema.undeclared]
    if schema.key_found is not None or recreate:
        if not (migrate or recreate):
            plan.blocked = str(KeySchemaMismatch(name, None, schema.key_declared, schema.key_found))
            return plan
        plan.migrate = True
        was = f" (was {schema.key_found})" if schema.key_found else ""
        plan.actions.append(f"back up, delete and recreate with key {schema.key_declared}{was}")
        plan.create = Creates(expected, table.key)
        plan.live_count = int(description.get("ItemCount", 0))
        plan_ttl(client, plan, new=True)
        return plan
    if schema.differing:
        if not migrate:
            index, want, have = schema.differing[0]
            plan.blocked = str(KeySchemaMismatch(name, index.name, want, have))
            return plan
        plan.replace_gsis = tuple(index for index, _, _ in schema.differing)
        plan.actions += [f"replace GSI {index.name} (was {have})" for index, _, have in schema.differing]
    plan.add_gsis = schema.missing
    plan.actions += [f"add GSI {index.name}" for index in schema.missing]
    missing = missing_protection(client, table, name, description)
    plan.unapplied = {kind: (requested or {})[kind] for kind in missing if kind in (requested or {})}
    plan.protect = tuple(kind for kind in missing if kind not in plan.unapplied)
    plan.actions += [PROTECTIONS[kind] for kind in plan.protect]
    plan_ttl(client, plan, new=False)
    pages, plan.read_note = table_pages(client, name, description, exports, s3, expected=len(expected))
    diff_items(plan, expected, pages, description, watched, digests)
    plan.live_count = plan.live.count
    plan.live.by_export = plan.read_note == READ_BY_EXPORT
    plan.read_units = plan.live.read_units
    trip_breaker(plan, allow_mass_delete)
    return plan


def plan_tables(
    client,
    tables: list[Table],
    expected: Mapping[str, Iterable[Item]],
    prefix: str = "",
    *,
    migrate: bool = False,
    recreate: bool = False,
    allow_mass_delete: bool = False,
    imports: ImportPolicy = NO_IMPORTS,
    parallel: int = 4,
    now: float | None = None,
    requested: Mapping[str, Mapping[str, str]] | None = None,
    watched: Mapping[str, tuple[str, ...]] | None = None,
    exports: ExportPolicy = NO_EXPORTS,
    s3=None,
    progress: ProgressFactory | None = None,
) -> Plan:
    """Plan every table, several at once (each reads its own table); the order of `tables` is kept.

    `requested`: by DynamoDB table name, the protections earlier runs requested (loaders.deploy.requested).
    `watched`: by contract name, the columns the live read keeps for the live checks. `exports` and `s3`: which
    big tables are read by export, and where. `progress("plan", total)` is told the export's items planned so far,
    a table at a time.
    """
    total, done, counting = sum(len(expected[t.name]) for t in tables), 0, threading.Lock()

    def one(table: Table, advance) -> TablePlan:
        nonlocal done
        name = table_name(table, prefix)
        planned = plan_table(
            client,
            table,
            name,
            expected[table.name],
            migrate=migrate,
            recreate=recreate,
            allow_mass_delete=allow_mass_delete,
            imports=imports,
            now=now,
            requested=(requested or {}).get(name),
            watched=(watched or {}).get(table.name, ()),
            exports=exports,
            s3=s3,
        )
        with counting:
            done += len(expected[table.name])
            advance(done)
        return planned

    with (
        ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="plan") as pool,
        (progress or no_progress)("plan", total) as advance,
    ):
        return Plan(list(pool.map(one, tables, [advance] * len(tables))))
