"""The agents' query patterns: which GSI answers which question.

The three patterns of the seed are declared here; every other GSI gets a
pattern on its hash key, so each index is proven by a query. The values to
query with are taken from the data, and the expected answer is computed from
the fixed CSVs, never written down.
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts import TABLES, TABLES_BY_NAME, Index, Table


@dataclass(frozen=True)
class QueryPattern:
    """Query `index` of `table` with equality on `conditions` (its hash key, optionally its range key)."""

    agent: str
    question: str
    table: str
    index: str
    conditions: tuple[str, ...]

    @property
    def contract(self) -> Table:
        return TABLES_BY_NAME[self.table]

    @property
    def gsi(self) -> Index:
        return next(i for i in self.contract.indexes if i.name == self.index)

    @property
    def label(self) -> str:
        return f"{self.table}.{self.index}({','.join(self.conditions)})"


SEED_PATTERNS = (
    QueryPattern("crew_compliance", "crew of a flight in a position", "CrewRoster", "flight-position-index", ("flight_id", "position")),
    QueryPattern("maintenance", "work orders of an aircraft", "MaintenanceWorkOrders", "aircraft-registration-index", ("aircraft_registration",)),
    QueryPattern("cargo", "cargo of a flight in loading-priority order", "CargoFlightAssignments", "flight-loading-index", ("flight_id",)),
)


def query_patterns(tables: tuple[Table, ...] = TABLES) -> tuple[QueryPattern, ...]:
    """The seed's patterns, then one on the hash key of every GSI they do not already cover."""
    covered = {(p.table, p.index) for p in SEED_PATTERNS}
    derived = tuple(
        QueryPattern("any agent", f"{table.name} by {index.hash_key}", table.name, index.name, (index.hash_key,))
        for table in tables for index in table.indexes if (table.name, index.name) not in covered
    )
    return SEED_PATTERNS + derived
