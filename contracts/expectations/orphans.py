"""The foreign-key expectation: Great Expectations' query expectation, its failures reported like a column's.

Imported only when a suite is built or read (importing GX takes seconds).
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.expectations import UnexpectedRowsExpectation

from contracts.expectations.batches import ROW


class ExpectForeignKeyValuesToNameAParentRow(UnexpectedRowsExpectation):
    """No row of the batch is returned by `unexpected_rows_query`, which selects the orphans' rows and values.

    Its result carries the count and the first rows (and values, where the
    query selects them) under the names the column expectations use
    (`unexpected_count`, `partial_unexpected_list`,
    `partial_unexpected_index_list`), whatever the result format short of
    BOOLEAN_ONLY; so Data Docs show the failing values, and a failure is read
    back one way for every rule.
    """

    # The table's rows too, for the share of orphans; the row-count expectation asks for the same metric.
    metric_dependencies: ClassVar[tuple[str, ...]] = (*UnexpectedRowsExpectation.metric_dependencies, "table.row_count")

    def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None):
        result = super()._validate(metrics, runtime_configuration, execution_engine)
        if "result" not in result:
            return result
        shown = self._get_result_format(runtime_configuration)
        first = metrics["unexpected_rows_query.table"][: _partial_count(shown)]
        values = [value for row in first for name, value in row.items() if name != ROW]
        count, rows = metrics["unexpected_rows_query.row_count"], metrics["table.row_count"]
        result["result"] = {
            "observed_value": count,
            "element_count": rows,
            "unexpected_count": count,
            "unexpected_percent": 100 * count / rows if rows else None,
            "partial_unexpected_index_list": [{ROW: row[ROW]} for row in first],
            **({"partial_unexpected_list": values} if values else {}),
        }
        return result


def _partial_count(result_format) -> int:
    return int(result_format.get("partial_unexpected_count", 20)) if isinstance(result_format, dict) else 20
