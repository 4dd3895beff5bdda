"""Great Expectations suites built from the contracts: foreign keys and ledger row counts.

Nothing here is declared by hand: each `ForeignKey` of a table becomes an
`ExpectColumnValuesToBeInSet` against its parent's keys, and the ledger's item
count becomes an `ExpectTableRowCountToEqual`. The same suites run on the CSVs
before loading and on the tables scanned back from DynamoDB.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from contracts import TABLES_BY_NAME, ForeignKey, Table, parent_key
from contracts.dynamodb import canonical_number
from contracts.keys import comparable
from contracts.source import line_of
from contracts.violations import SHOWN_EXAMPLES, Violation, show

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no telemetry leaves the machine


@dataclass(frozen=True)
class ForeignKeyCheck:
    table: Table
    fk: ForeignKey

    @property
    def parent(self) -> Table:
        return TABLES_BY_NAME[self.fk.parent]

    @property
    def parent_column(self) -> str:
        return parent_key(self.fk, self.parent)

    @property
    def label(self) -> str:
        """`bookings.flight_id->flights`; the parent column is named when it is not the parent's key."""
        target = self.fk.parent if self.fk.parent_column is None else f"{self.fk.parent}.{self.parent_column}"
        return f"{self.table.name}.{self.fk.column}->{target}"


def foreign_key_checks(tables) -> list[ForeignKeyCheck]:
    return [ForeignKeyCheck(t, fk) for t in tables for fk in t.foreign_keys]


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # its INFO lines are about its own set-up
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context, context.data_sources.add_pandas("contracts")


def _canonical(values: pd.Series, attribute_type: str) -> pd.Series:
    """Values GX can compare and serialise: numbers as plain decimal strings."""
    values = comparable(values, attribute_type)
    if attribute_type == "N":
        return values.map(canonical_number, na_action="ignore").astype(object)
    return values


def _validate(name: str, frame: pd.DataFrame, expectations: list):
    import great_expectations as gx

    context, source = _context()
    asset = source.add_dataframe_asset(f"{name}-{len(source.assets)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SHOWN_EXAMPLES}
    return batch.validate(suite, result_format=result_format)


def check_foreign_key(check: ForeignKeyCheck, child: pd.DataFrame, parent: pd.DataFrame) -> list[Violation]:
    """Every value of the child column names a row of the parent."""
    import great_expectations.expectations as gxe

    table, fk = check.table, check.fk
    if fk.column not in child.columns or check.parent_column not in parent.columns:
        missing = fk.column if fk.column not in child.columns else f"{fk.parent}.{check.parent_column}"
        return [Violation(table.name, table.file, "foreign key", fk.column, len(child), f"a column {missing}",
                          "see the missing-column failure of the same table")]
    kind = table.attribute_type(fk.column)
    # dbt's `relationships` test: left-join the child to the parent keys; a missing match is an orphan.
    values = _canonical(child[fk.column], kind).dropna()
    keys = pd.Series(1, index=pd.Index(_canonical(parent[check.parent_column], kind).dropna().unique()))
    parent_column = f"{fk.parent}.{check.parent_column}"
    frame = pd.DataFrame({fk.column: values, parent_column: values.map(keys)})
    expectation = gxe.ExpectColumnValuesToNotBeNull(column=parent_column)
    result = _validate(check.label, frame, [expectation]).results[0]
    if result.success:
        return []
    indexes = result.result.get("partial_unexpected_index_list") or []
    pii = fk.column in table.pii
    examples = tuple((line_of(i), show(child.at[i, fk.column], pii)) for i in indexes[:SHOWN_EXAMPLES])
    remedy = ("declare on_orphan=\"quarantine\" and run the fixers" if fk.on_orphan == "fail"
              else "run the fixers (drop --no-fix); they quarantine these rows") + f", or add the missing {fk.parent} rows"
    return [Violation(table.name, table.file, "foreign key", fk.column, int(result.result["unexpected_count"]),
                      f"every {fk.column} to be a {check.parent_column} of {fk.parent}", remedy, examples)]


def check_row_count(table: Table, frame: pd.DataFrame, expected: int, source: str) -> list[Violation]:
    """The table holds exactly the items the ledger accounts for."""
    import great_expectations.expectations as gxe

    result = _validate(f"{table.name}.rows", frame, [gxe.ExpectTableRowCountToEqual(value=expected)]).results[0]
    if result.success:
        return []
    return [Violation(table.name, table.file, "row count", None, abs(int(result.result["observed_value"]) - expected),
                      f"{expected} items as the ledger says ({source} has {result.result['observed_value']})",
                      "compare build/ledger.json with the data; a partial load or a lost row shows here")]
