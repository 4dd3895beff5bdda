"""Rows to items and back: the contract's types, nothing rounded, nothing invented."""

from decimal import Decimal

import pandas as pd
import pytest

from contracts.checks import check_columns, check_dynamodb_rules, check_primary_key, check_schema
from contracts.dynamodb import item_size, number_problem
from contracts.registry import Registry
from contracts.source import read_table, write_csv
from fixers.run import fix_table
from loaders.dynamodb.items import frame_to_items, item_key, item_to_row, row_to_item
from loaders.errors import ItemConversionError
from tests.number_sets import TURNAROUNDS
from tests.sample import TABLES_BY_NAME

# A fixed readings.csv, and the items it must become, both written out by hand: leading zeros kept, a number of
# 38 significant digits sent as its text, a merged column as a string set, an empty cell or set left out.
FIXED_READINGS = """reading_id,sensor,code,value,count,tags
R0001,S1,004512,3.14159265358979323846264338327950288,1042,"[""T0"", ""T4""]"
R0002,S2,,12345678901234567890123456789012345678,7,
R0003,S1,000001,,0,"[""T1""]"
R0004,S3,,0.5,,[]
"""
READINGS_ITEMS = [
    {
        "reading_id": {"S": "R0001"},
        "sensor": {"S": "S1"},
        "code": {"S": "004512"},
        "value": {"N": "3.14159265358979323846264338327950288"},
        "count": {"N": "1042"},
        "tags": {"SS": ["T0", "T4"]},
    },
    {
        "reading_id": {"S": "R0002"},
        "sensor": {"S": "S2"},
        "value": {"N": "12345678901234567890123456789012345678"},
        "count": {"N": "7"},
    },
    {
        "reading_id": {"S": "R0003"},
        "sensor": {"S": "S1"},
        "code": {"S": "000001"},
        "count": {"N": "0"},
        "tags": {"SS": ["T1"]},
    },
    {"reading_id": {"S": "R0004"}, "sensor": {"S": "S3"}, "value": {"N": "0.5"}},
]


def test_strings_keep_their_leading_zeros():
    crew = TABLES_BY_NAME["CrewMembers"]
    row = {"crew_id": "CM0001", "employee_number": "004512", "first_name": "Zoë"}
    item = row_to_item(row, crew)
    assert item["employee_number"] == {"S": "004512"}
    assert item["first_name"] == {"S": "Zoë"}


def test_numbers_are_sent_as_their_exact_decimal_text(readings_table):
    pi = "3.14159265358979323846264338327950288"  # 36 significant digits: a float would keep 17
    item = row_to_item({"reading_id": "R0001", "sensor": "S1", "value": pi, "count": "7"}, readings_table)
    assert item["value"] == {"N": pi}
    assert item["count"] == {"N": "7"}
    assert item_to_row(item)["value"] == Decimal(pi)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("1" * 39, "39 significant digits"),
        ("NaN", "not a finite decimal number"),
        ("Infinity", "not a finite decimal number"),
        ("1E+200", "outside DynamoDB"),
    ],
)
def test_numbers_dynamodb_cannot_hold_are_refused(readings_table, text, problem):
    with pytest.raises(ItemConversionError, match=problem) as caught:
        row_to_item({"reading_id": "R0001", "sensor": "S1", "value": text}, readings_table, line=12)
    assert (caught.value.table, caught.value.column, caught.value.line) == ("readings", "value", 12)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("9" * 38, None),
        ("-" + "9" * 38, None),
        ("0." + "0" * 36 + "1", None),  # 1E-37
        ("1" * 20 + "." + "1" * 18, None),
        ("1" * 39, "39 significant digits"),
        ("1" * 38 + ".1", "39 significant digits"),
        ("0" * 39, None),
    ],
)
def test_plain_numbers_are_judged_as_decimals_are(text, problem):
    """Plain digits are judged without a Decimal; at the limits the verdict is the same."""
    assert number_problem(text) == (problem and f"{problem}; DynamoDB keeps 38")


def test_a_merged_number_column_is_a_number_set_from_the_fixers_to_the_items_read_back(tmp_path):
    raw = pd.DataFrame(
        {
            "turnaround_id": ["TA001"] * 4 + ["TA002", "TA003"],
            "station": ["DXB"] * 4 + ["AUH", "DOH"],
            "delay_minutes": ["15", "5", "15.0", "100", "2.50", None],
        },
        dtype=object,
    )
    fixed = write_csv(fix_table(TURNAROUNDS, raw, {}, Registry((TURNAROUNDS,))).frame, tmp_path / TURNAROUNDS.file)
    assert (tmp_path / TURNAROUNDS.file).read_text(encoding="utf-8") == (
        'turnaround_id,station,delays\nTA001,DXB,"[""5"", ""15"", ""100""]"\nTA002,AUH,"[""2.50""]"\nTA003,DOH,[]\n'
    )
    checks = (check_columns, check_schema, check_primary_key, check_dynamodb_rules)
    assert [v for check in checks for v in check(TURNAROUNDS, fixed)] == []
    items = frame_to_items(fixed, TURNAROUNDS)
    assert items == [
        {"turnaround_id": {"S": "TA001"}, "station": {"S": "DXB"}, "delays": {"NS": ["5", "15", "100"]}},
        {"turnaround_id": {"S": "TA002"}, "station": {"S": "AUH"}, "delays": {"NS": ["2.50"]}},
        {"turnaround_id": {"S": "TA003"}, "station": {"S": "DOH"}},
    ]
    assert [item_to_row(item).get("delays") for item in items] == [
        frozenset({Decimal(5), Decimal(15), Decimal(100)}),
        frozenset({Decimal("2.5")}),
        None,
    ]


@pytest.mark.parametrize(
    "cell, problem",
    [
        ('["5", "NaN"]', "a member: not a finite decimal number"),
        ('["1", "1.0"]', r"a number twice \(1 and 1.0 are one number\)"),
    ],
    ids=["a member that is no number", "one number twice"],
)
def test_a_number_set_dynamodb_cannot_hold_is_refused(cell, problem):
    with pytest.raises(ItemConversionError, match=problem) as caught:
        row_to_item({"turnaround_id": "TA001", "station": "DXB", "delays": cell}, TURNAROUNDS, line=4)
    assert (caught.value.table, caught.value.column, caught.value.line) == ("turnarounds", "delays", 4)


def test_an_empty_set_is_left_out_as_aws_refuses_it(readings_table):
    assert "tags" not in row_to_item({"reading_id": "R0001", "sensor": "S1", "tags": "[]"}, readings_table)


def test_a_set_with_a_repeated_value_is_refused(readings_table):
    with pytest.raises(ItemConversionError, match="repeats a value"):
        row_to_item({"reading_id": "R0001", "sensor": "S1", "tags": '["T0", "T0"]'}, readings_table)


def test_an_undeclared_column_is_refused_not_guessed(readings_table):
    with pytest.raises(ItemConversionError, match="not declared in the contract"):
        row_to_item({"reading_id": "R0001", "sensor": "S1", "colour": "red"}, readings_table)


def test_a_fixed_csv_becomes_items_with_empty_cells_left_out(tmp_path, readings_table):
    (tmp_path / readings_table.file).write_text(FIXED_READINGS, encoding="utf-8")
    items = frame_to_items(read_table(tmp_path / readings_table.file, readings_table, fixed=True), readings_table)
    assert items == READINGS_ITEMS


def test_a_bad_cell_is_named_by_its_file_line(tmp_path, readings_table):
    write_csv(
        pd.DataFrame(
            [
                {"reading_id": "R0001", "sensor": "S1", "count": "1"},
                {"reading_id": "R0002", "sensor": "S1", "count": "1.0.0"},
            ]
        ),
        tmp_path / "r.csv",
    )
    with pytest.raises(ItemConversionError, match=r"readings.count, line 3"):
        frame_to_items(read_table(tmp_path / "r.csv", readings_table, fixed=True), readings_table)


def test_items_read_back_typed_by_their_attribute_types():
    item = {"reading_id": {"S": "R0001"}, "code": {"S": "004512"}, "count": {"N": "7"}, "tags": {"SS": ["T4", "T0"]}}
    assert item_to_row(item) == {
        "reading_id": "R0001",
        "code": "004512",
        "count": Decimal(7),
        "tags": frozenset({"T0", "T4"}),
    }


def test_item_key_takes_the_declared_key(stations_table):
    item = row_to_item({"sensor": "S1", "site": "AUH", "installed": "2026-03-14"}, stations_table)
    assert item_key(item, stations_table) == {"sensor": {"S": "S1"}, "site": {"S": "AUH"}}


def test_item_size_counts_as_aws_does():
    item = {"name": {"S": "Zoë"}, "n": {"N": "123.45"}, "tags": {"SS": ["a", "bc"]}}
    # Names and strings in UTF-8 bytes (Zoë is 4), a number 1 byte per 2 significant digits plus 1 (5 digits: 4).
    assert item_size(item) == (4 + 4) + (1 + 4) + (4 + 1 + 2)
    assert item_size({"m": {"M": {"a": {"BOOL": True}}}}) == 1 + 3 + 1 + 1
