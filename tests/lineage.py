"""Which tables hang off a table by foreign keys, worked out in the tests from the declarations alone."""

from __future__ import annotations

from tests.sample import TABLES


def descendants(name: str, quarantine_only: bool = False) -> set[str]:
    """Tables reached from `name` by foreign keys (only `on_orphan="quarantine"` ones if asked), in load order."""
    reached = {name}
    for table in TABLES:
        for fk in table.foreign_keys:
            if (
                fk.parent in reached
                and fk.parent != table.name
                and (fk.on_orphan == "quarantine" or not quarantine_only)
            ):
                reached.add(table.name)
    return reached - {name}
