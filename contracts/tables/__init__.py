"""The sample's contracts: an airline-operations export (`data/README.md`), one module per domain.

This is a contracts module like any user's: it ends with `TABLES` and
`NOT_TABLES`, and the tool reads it through `contracts.registry` (it is the
default of `--contracts`). Order does not matter; the registry sorts parents first.
"""

from contracts.tables import cargo, crew, disruption, flights, maintenance, passengers, reference
from contracts.tables.not_tables import NOT_TABLES

TABLES = (
    reference.TABLES
    + flights.TABLES
    + passengers.TABLES
    + crew.TABLES
    + maintenance.TABLES
    + cargo.TABLES
    + disruption.TABLES
)

__all__ = ["TABLES", "NOT_TABLES"]
