"""GSI queries against the same question answered by a Scan with a filter.

Latencies (a query's median of several runs, one Scan) go to the report; the assertions are on
what each one finds and reads, which does not depend on the machine: both find the
matches the fixed CSV predicts, and the scan reads the whole table.
"""

from __future__ import annotations

from statistics import median

import pytest

from loaders.dynamodb.readback import query_index, scan_filtered
from plugin.suites.blocked import loaded
from plugin.suites.expected import expected_answer, query_attributes, query_values
from reporting.record import Latency

pytestmark = pytest.mark.performance

QUERY_RUNS = 5
# A Scan reads the whole table, and on AWS every run costs the table's read units: one run is its figure.
SCAN_RUNS = 1


def test_query_and_filtered_scan_find_the_same_matches(
    pattern, contracts_deployment, contracts_dataset, contracts_run_record
):
    table = pattern.contract
    loaded(contracts_deployment, contracts_run_record, table)
    frame = contracts_dataset.frames[table.name]
    values = query_values(frame, pattern)
    matches = len(expected_answer(frame, pattern, values))
    conditions = query_attributes(values, table)
    name = contracts_deployment.name(table)
    queries = [query_index(contracts_deployment.client, name, pattern.index, conditions) for _ in range(QUERY_RUNS)]
    scans = [scan_filtered(contracts_deployment.client, name, conditions) for _ in range(SCAN_RUNS)]
    contracts_run_record.latencies.append(
        Latency(
            pattern=f"{pattern.label}: {pattern.question} ({pattern.agent})",
            matches=matches,
            query_ms=median(q.seconds for q in queries) * 1000,
            scan_ms=median(s.seconds for s in scans) * 1000,
            query_read=queries[0].scanned,
            scan_read=scans[0].scanned,
        )
    )
    assert all(q.count == matches for q in queries), "the query does not return the rows the fixed CSV predicts"
    assert all(s.count == matches for s in scans), "the scan and the query disagree"
    assert scans[0].scanned == contracts_deployment.live[table.name].count, "a filtered scan reads the whole table"
