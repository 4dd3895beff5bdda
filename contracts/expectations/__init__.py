"""Great Expectations suites built from the contracts: the rules that look beyond one file.

Where each rule sits:

- pandera (`contracts.checks`) checks what one file can tell by itself:
  columns, types, formats, ranges, accepted values, nullability, key presence
  and uniqueness with the declared duplicate policy, DynamoDB's rules. It
  reports every failing row of a file in one pass and decides whether a table
  may be loaded.
- Great Expectations checks what needs more than one file or the ledger:
  every foreign key against its parent's keys, every table's row count against
  the ledger, before upload and again on the tables read back from DynamoDB.
  A stage's tables are the tables of one SQLite database, read by a GX SQL
  data source, so a foreign key is a query against its parent's table.
  The suites also hold the key rule, so the read-back is shown to have one
  item per key. The suites, every run's results and the Data Docs built from
  them stay under `<out>/gx/` as the audit trail.

`validate(stage, frames, row_counts, out_dir)` runs a stage's checkpoint and
returns `GxResults`; GX is imported only then (its import takes seconds).
"""

from contracts.expectations.run import STAGES, GxResults, validate
from contracts.expectations.suites import ForeignKeyCheck, build_suite, foreign_key_checks

__all__ = ["STAGES", "ForeignKeyCheck", "GxResults", "build_suite", "foreign_key_checks", "validate"]
