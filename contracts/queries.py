"""The agents' query patterns, one per GSI, derived from the indexes the contracts declare.

Who queries an index and what for is data on the `Index` itself (`agent`,
`question`, `query_on`); nothing here names a table or an index. The values to
query with are taken from the data, and the expected answer is computed from
the fixed CSVs, never written down.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.table import Index, Table


@dataclass(frozen=True)
class QueryPattern:
    """Query `index` of `table` with equality on its `query_conditions`."""

    contract: Table
    gsi: Index

    @property
    def table(self) -> str:
        return self.contract.name

    @property
    def index(self) -> str:
        return self.gsi.name

    @property
    def conditions(self) -> tuple[str, ...]:
        return self.gsi.query_conditions

    @property
    def agent(self) -> str:
        return self.gsi.agent

    @property
    def question(self) -> str:
        return self.gsi.question or f"{self.table} by {', '.join(self.conditions)}"

    @property
    def label(self) -> str:
        return f"{self.table}.{self.index}({','.join(self.conditions)})"


def query_patterns(tables: tuple[Table, ...]) -> tuple[QueryPattern, ...]:
    """One pattern per declared GSI, in table order."""
    return tuple(QueryPattern(table, index) for table in tables for index in table.indexes)
