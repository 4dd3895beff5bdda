"""What differs between the checked export and a live table, item by item, by digest (`loaders.dynamodb.live`).

The export's items are walked, never kept: the items to create are made again
from the checked frame when they are written, and whole items are kept only
for the updates and the deletes, which a rollback puts back. How a key or a
changed value is shown in the plan is here too, personal values masked, and the
circuit breaker that blocks a table whose deletes pass its contract's share.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contracts.dynamodb import comparable
from contracts.table import Table
from contracts.violations import MASK
from loaders.dynamodb.digests import Digest, key_digest
from loaders.dynamodb.items import Item
from loaders.dynamodb.live import expected_digests, read_live

if TYPE_CHECKING:
    from loaders.deploy.plan import TablePlan


def _differing(item: Item, live: Item) -> tuple[str, ...]:
    names = item.keys() | live.keys()
    return tuple(
        sorted(n for n in names if n not in item or n not in live or comparable(item[n]) != comparable(live[n]))
    )


class Creates:
    """The expected items a sync creates in a table, made again from the export each time they are walked:
    all of them (`keys` None: a new table) or those whose key digest `keys` holds."""

    def __init__(self, items: Iterable[Item], key: tuple[str, ...], keys: set[Digest] | None = None):
        self.items, self.key, self.keys = items, key, keys

    def __len__(self) -> int:
        return len(self.items) if self.keys is None else len(self.keys)

    def __iter__(self) -> Iterator[Item]:
        if self.keys is None:
            yield from self.items
        elif self.keys:
            yield from (item for item in self.items if key_digest(item, self.key) in self.keys)


@dataclass(frozen=True)
class Update:
    """An item whose live version differs: the new item, the live one (for rollback), and what differs."""

    item: Item
    before: Item
    attributes: tuple[str, ...]


def diff_items(
    plan: TablePlan,
    expected: Iterable[Item],
    pages: Iterable[list[Item]],
    description: dict | None = None,
    watched: tuple[str, ...] = (),
    digests: dict[Digest, Digest] | None = None,
) -> None:
    """Read the live table's `pages` into `plan.live` and classify every key of it and of `expected` into the plan.

    `digests` are `expected`'s (`loaders.dynamodb.live.expected_digests`), worked out here when not given.
    """
    key = plan.table.key
    if digests is None:
        digests = expected_digests(expected, plan.table, plan.name)
    live = plan.live = read_live(pages, plan.table, plan.name, description, digests, watched)
    plan.create = Creates(expected, key, digests.keys() - live.digests.keys())
    if live.differing:
        for item in expected:
            before = live.differing.get(key_digest(item, key))
            if before is not None:
                plan.update.append(Update(item, before, _differing(item, before)))
    plan.unchanged = live.count - live.unexpected - len(live.differing)
    if plan.table.sync == "mirror":
        plan.delete = live.stale
    else:
        plan.kept = live.unexpected


def trip_breaker(plan: TablePlan, allow_mass_delete: bool) -> None:
    """Block the table when the sync would delete more than the contract's share of its live items (a cut export)."""
    share = plan.table.max_delete_share
    if allow_mass_delete or not plan.delete or len(plan.delete) <= share * plan.live_count:
        return
    plan.blocked = (
        f"{plan.name}: the sync would delete {len(plan.delete)} of its {plan.live_count} live items "
        f"({len(plan.delete) / plan.live_count:.0%}), more than the {share:.0%} its contract allows (max_delete_share). "
        "Nothing of this table was written. If the export is complete, rerun with --allow-mass-delete; "
        "if it was cut short, export it again."
    )


# A value longer than this is cut in the plan's examples: they show what changes, not whole items.
SHOWN_VALUE_CHARS = 40


def shown_key(item: Item, table: Table) -> str:
    """An item's key as the plan shows it: `booking_id=BK0000001`, a personal value masked."""
    return "/".join(f"{n}={MASK if n in table.pii else next(iter(item[n].values()))}" for n in table.key if n in item)


def shown_value(value: dict | None, pii: bool) -> str:
    """An attribute value as the plan shows it, its type included (a number stored as a string is a change):
    `S '12C'`, `N 42`, `absent`; a personal value is masked, a long one cut."""
    if value is None:
        return "absent"
    ((kind, content),) = value.items()
    if pii:
        return f"{kind} {MASK}"
    text = (
        repr(content)
        if kind == "S"
        else content
        if kind == "N"
        else json.dumps(content, ensure_ascii=False, default=str)
    )
    if len(text) > SHOWN_VALUE_CHARS:
        text = text[:SHOWN_VALUE_CHARS] + "..."
    return f"{kind} {text}"
