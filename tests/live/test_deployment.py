"""The live suite: what is in DynamoDB is what the contracts and the fixed CSVs say, read back over HTTP."""
from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from contracts import TABLES_BY_NAME
from contracts.expectations import check_foreign_key
from contracts.violations import report
from loaders.items import item_to_row
from loaders.readback import count_items, query_index, scan_items
from loaders.tables import describe, key_names
from tests.live.expected import expected_answer, items_by_key, query_attributes, query_values, rows_by_key, rows_in_index

pytestmark = pytest.mark.live


@pytest.fixture(scope="session")
def scanned(deployment):
    """Every item of a table, scanned once per session."""
    cache = {}

    def items(table):
        if table.name not in cache:
            cache[table.name] = scan_items(deployment.client, deployment.name(table))
        return cache[table.name]

    return items


def fixed_frame(dataset, table):
    __tracebackhide__ = True
    if table.name not in dataset.frames:
        pytest.fail(f"{table.name}: {dataset.errors.get(table.name)}", pytrace=False)
    return dataset.frames[table.name]


def loaded(deployment, run_record, table):
    __tracebackhide__ = True
    if table.name not in deployment.loaded:
        reasons = "\n".join(run_record.blocked.get(table.name, ["not loaded"]))
        pytest.fail(f"{table.name} was not loaded: its pre-upload contract fails:\n{reasons}", pytrace=False)


def test_table_is_active(table, deployment, run_record):
    loaded(deployment, run_record, table)
    description = describe(deployment.client, deployment.name(table))
    assert description is not None, f"{deployment.name(table)} does not exist"
    assert description["TableStatus"] == "ACTIVE"
    assert key_names(description["KeySchema"]) == table.key


def test_item_count(table, deployment, dataset, run_record):
    """Counted by a paginated Scan with Select=COUNT: ItemCount lags by hours on AWS."""
    loaded(deployment, run_record, table)
    found = count_items(deployment.client, deployment.name(table))
    run_record.found[table.name] = found
    expected = len(fixed_frame(dataset, table))
    if dataset.ledger:
        assert dataset.ledger.tables[table.name].items == expected
    assert found == expected, f"{deployment.name(table)} holds {found} items; the fixed data has {expected}"


def test_gsi(gsi, deployment, dataset, run_record):
    """Exists, ACTIVE, declared keys, types and projection, and holds exactly the items carrying its keys."""
    table, index = gsi
    loaded(deployment, run_record, table)
    description = describe(deployment.client, deployment.name(table))
    live = {i["IndexName"]: i for i in description.get("GlobalSecondaryIndexes", [])}
    assert index.name in live, f"{index.name} is missing; found {sorted(live)}"
    status = live[index.name]["IndexStatus"]
    run_record.indexes.setdefault(table.name, {})[index.name] = status
    assert status == "ACTIVE"
    assert key_names(live[index.name]["KeySchema"]) == index.key
    types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    assert {k: types[k] for k in index.key} == {k: table.attribute_type(k) for k in index.key}
    assert live[index.name]["Projection"]["ProjectionType"] == index.projection
    expected = rows_in_index(fixed_frame(dataset, table), index)
    assert count_items(deployment.client, deployment.name(table), index.name) == expected


def test_items_equal_fixed_rows(table, deployment, dataset, scanned, run_record):
    """Every item read back equals its fixed row, types included; none missing, none extra."""
    loaded(deployment, run_record, table)
    expected = rows_by_key(fixed_frame(dataset, table), table)
    found = items_by_key(scanned(table), table)
    missing, extra = expected.keys() - found.keys(), found.keys() - expected.keys()
    assert not missing and not extra, f"missing keys {sorted(missing)[:5]}, unexpected keys {sorted(extra)[:5]}"
    differing = [key for key in expected if expected[key] != found[key]]
    if differing:
        key = differing[0]
        attributes = sorted(set(expected[key]) | set(found[key]))
        diff = {a: (expected[key].get(a), found[key].get(a)) for a in attributes if expected[key].get(a) != found[key].get(a)}
        shown = {a: ("<masked>", "<masked>") if a in table.pii else v for a, v in diff.items()}
        pytest.fail(f"{len(differing)} items differ from their fixed rows; first {key}: (expected, found) {shown}", pytrace=False)


def test_foreign_keys_live(fk_check, deployment, scanned, run_record):
    """The Great Expectations suites of the pre-upload gate, on the tables scanned back."""
    loaded(deployment, run_record, fk_check.table)
    loaded(deployment, run_record, fk_check.parent)
    child = pd.DataFrame([item_to_row(i) for i in scanned(fk_check.table)])
    parent = pd.DataFrame([item_to_row(i) for i in scanned(fk_check.parent)])
    violations = check_foreign_key(fk_check, child.reindex(columns=fk_check.table.columns), parent)
    if violations:
        pytest.fail(report(violations), pytrace=False)


def test_query_pattern(pattern, deployment, dataset, run_record):
    """The agents' query returns exactly what the fixed CSVs predict, in range-key order, reading only its matches."""
    table = TABLES_BY_NAME[pattern.table]
    loaded(deployment, run_record, table)
    frame = fixed_frame(dataset, table)
    values = query_values(frame, pattern)
    expected = expected_answer(frame, pattern, values)
    answer = query_index(deployment.client, deployment.name(table), pattern.index, query_attributes(values, table))
    rows = [item_to_row(i) for i in answer.items]
    assert answer.count == len(expected) > 0
    assert answer.scanned == answer.count, "the query read items it did not return: the index is not answering it"
    key = lambda r: tuple(r[k] for k in table.key)  # noqa: E731
    assert Counter(map(key, rows)) == Counter(map(key, expected))
    assert sorted(rows, key=key) == sorted(expected, key=key)
    if pattern.gsi.range_key:
        order = [r[pattern.gsi.range_key] for r in rows]
        assert order == sorted(order), f"not in {pattern.gsi.range_key} order"
