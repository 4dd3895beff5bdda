"""The checks on small frames: what they report, and that personal data never appears in a message."""

import json

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from contracts.checks import check_columns, check_dynamodb_rules, check_primary_key, check_schema
from contracts.table import Table
from contracts.violations import MASK, report
from tests.number_sets import TURNAROUNDS
from tests.sample import TABLES_BY_NAME

PASSENGERS = TABLES_BY_NAME["passengers"]


def passengers(**changes):
    row = {
        "passenger_id": "PX0000001",
        "first_name": "Zoë",
        "last_name": "Haddad",
        "email": "zoe.haddad@example.com",
        "phone": "+971 50 123 4567",
        "date_of_birth": "1990-01-02",
        "passport_number": "N1234567",
        "nationality": "AE",
        "frequent_flyer_tier": "GOLD",
    }
    row.update(changes)
    return pd.DataFrame([row], dtype=object)


def test_a_clean_row_passes_every_check():
    frame = passengers()
    assert (
        check_columns(PASSENGERS, frame) + check_schema(PASSENGERS, frame) + check_primary_key(PASSENGERS, frame) == []
    )


def test_pii_values_are_masked_in_messages():
    frame = passengers(email="zoe.haddad(at)example", date_of_birth="02/01/1990")
    text = report(check_schema(PASSENGERS, frame))
    assert "zoe.haddad" not in text and "02/01/1990" not in text
    assert text.count(MASK) == 2
    assert "column email" in text and "line 2" in text


def test_non_pii_values_are_shown():
    text = report(check_schema(PASSENGERS, passengers(frequent_flyer_tier="DIAMOND")))
    assert "'DIAMOND'" in text and "frequent_flyer_tier" in text


def test_a_missing_column_says_which_columns_were_found():
    text = report(check_columns(PASSENGERS, passengers().drop(columns=["nationality"])))
    assert "missing column" in text and "column nationality" in text and "found columns: 'passenger_id'" in text


def test_dynamodb_rules_report_numbers_by_problem():
    table = TABLES_BY_NAME["business_impact_assessment"]
    frame = pd.DataFrame(
        {"assessment_id": ["BI001", "BI002", "BI003"], "estimated_cost": ["NaN", "1" * 39, "12.5"]}, dtype=object
    )
    violations = check_dynamodb_rules(table, frame)
    assert sorted(v.expected for v in violations) == [
        "a number DynamoDB can store, found 39 significant digits; DynamoDB keeps 38",
        "a number DynamoDB can store, found not a finite decimal number",
    ]


def turnarounds(*delays: str) -> pd.DataFrame:
    """Fixed turnarounds rows, one per `delays` cell."""
    return pd.DataFrame(
        {
            "turnaround_id": [f"TA{n:03d}" for n in range(1, len(delays) + 1)],
            "station": ["DXB"] * len(delays),
            "delays": list(delays),
        },
        dtype=object,
    )


def test_a_number_set_member_dynamodb_cannot_hold_is_a_violation_naming_the_column_and_the_rule():
    violations = check_dynamodb_rules(TURNAROUNDS, turnarounds('["5", "NaN"]', '["1", "1.0"]', '["2.5", "100"]'))
    assert [(v.column, v.check, v.count, v.examples) for v in violations] == [
        ("delays", "DynamoDB: number", 1, ((2, repr('["5", "NaN"]')),)),
        ("delays", "DynamoDB: number", 1, ((3, repr('["1", "1.0"]')),)),
    ]
    text = report(violations)
    assert "turnarounds.csv, column delays): DynamoDB: number: 1 row." in text
    assert "found a member: not a finite decimal number" in text
    assert "found a number twice (1 and 1.0 are one number)" in text


def test_a_number_set_is_sized_as_numbers_not_as_their_text():
    # 38 significant digits: 38 bytes as text, (38 + 1) // 2 + 1 = 20 as a number ("Item sizes", Developer Guide).
    members = [json.dumps(["1" + f"{n:036d}" + "1" for n in range(count)]) for count in (15_000, 25_000)]
    violations = check_dynamodb_rules(TURNAROUNDS, turnarounds(*members))
    # turnaround_id and TA002 (13 + 5), station and DXB (7 + 3), delays (6) and 25,000 members of 20 bytes.
    assert [(v.check, v.examples) for v in violations] == [("DynamoDB: item size", ((3, repr("500034 bytes")),))]


class _Bags(pa.DataFrameModel):
    bag_id: Series[str]
    weight_kg: Series[int] = pa.Field(le=32, nullable=True)


def test_a_range_is_said_in_words_and_a_nullable_integer_takes_blank_cells():
    bags = Table("bags", "bags.csv", _Bags, ("bag_id",))
    frame = pd.DataFrame({"bag_id": ["B1", "B2", "B3"], "weight_kg": ["20", None, "40"]}, index=[0, 1, 2], dtype=object)
    [violation] = check_schema(bags, frame)
    assert (violation.expected, violation.count) == ("a value of at most 32", 1)
    assert "less_than_or_equal_to" not in str(violation)


def test_a_blank_key_is_named_a_blank_key_not_a_repeated_one():
    bags = Table("bags", "bags.csv", _Bags, ("bag_id",))
    frame = pd.DataFrame({"bag_id": ["", "", "B3"], "weight_kg": ["1", "2", "3"]}, index=[0, 1, 2], dtype=object)
    [violation] = check_primary_key(bags, frame)
    assert violation.expected == "a key in every row, not a blank one" and violation.count == 2
