"""A contract that contradicts itself fails when it is declared, naming what is wrong."""

from datetime import timedelta

import pandera.pandas as pa
import pytest
from pandera.typing import Series

from contracts.dynamodb import table_prefix_problem
from contracts.errors import ContractDeclarationError
from contracts.formats import timestamp
from contracts.table import Copy, Expiry, ForeignKey, Index, MergeIntoSet, Table
from tests.number_sets import TURNAROUNDS
from tests.sample import TABLES, TABLES_BY_NAME


class Tiny(pa.DataFrameModel):
    workorder_id: Series[str]
    aircraft_registration: Series[str]


def test_a_key_that_is_not_a_column_fails_at_declaration():
    with pytest.raises(ContractDeclarationError, match="key attribute 'work_order_id' is not a column of the model"):
        Table(name="MaintenanceWorkOrders", file="x.csv", model=Tiny, key=("work_order_id",))


def test_index_fix_and_policy_targets_must_be_columns():
    with pytest.raises(ContractDeclarationError) as caught:
        Table(
            name="Tiny",
            file="x.csv",
            model=Tiny,
            key=("workorder_id",),
            indexes=(Index("reg-index", "registration"),),
            foreign_keys=(ForeignKey("staff_id", "MaintenanceStaff"),),
            duplicates=MergeIntoSet("code", "codes"),
            fixes=(Copy("a", "b"),),
            encodings=("windows-1252",),
        )
    assert caught.value.problems == [
        "GSI reg-index key 'registration' is not a column of the model",
        "foreign key column 'staff_id' is not a column of the model",
        "merge target 'codes' is not a column of the model",
        "fix Copy writes 'b', which is not a column of the model",
        "encodings must start with utf-8, the encoding of the fixers' own output",
    ]


def test_more_gsis_than_dynamodb_allows_fail_at_declaration():
    indexes = tuple(Index(f"index-{n}", "aircraft_registration") for n in range(21))
    with pytest.raises(ContractDeclarationError, match="21 GSIs; DynamoDB allows 20"):
        Table(name="Tiny", file="x.csv", model=Tiny, key=("workorder_id",), indexes=indexes)


def test_table_and_index_names_dynamodb_refuses_fail_at_declaration():
    with pytest.raises(ContractDeclarationError) as caught:
        Table(
            name="work orders",
            file="x.csv",
            model=Tiny,
            key=("workorder_id",),
            indexes=(Index("by", "aircraft_registration"), Index("by", "aircraft_registration")),
        )
    assert caught.value.problems == [
        "table name 'work orders' contains ' '; DynamoDB takes only a-z, A-Z, 0-9, _ (underscore), - (dash) and . (dot) "
        "(Naming rules and data types)",
        "index name 'by' has 2 characters; DynamoDB takes 3 to 255 (Naming rules and data types)",
        "index name 'by' has 2 characters; DynamoDB takes 3 to 255 (Naming rules and data types)",
        "two GSIs share a name; DynamoDB refuses duplicate index names",
    ]


@pytest.mark.parametrize(
    "prefix, problem",
    [
        ("staging-", None),
        ("bad name!", "--table-prefix='bad name!' makes an invalid table name 'bad name!airports' contains ' !'"),
        ("x" * 250, "has 258 characters; DynamoDB takes 3 to 255"),
    ],
)
def test_a_table_prefix_is_checked_with_every_declared_table(prefix, problem):
    found = table_prefix_problem(prefix, (table.name for table in TABLES))
    assert found == problem if problem is None else problem in found


def test_attribute_types_and_personal_columns_follow_the_models():
    assert TABLES_BY_NAME["CrewRoster"].attribute_type("qualifications") == "SS"
    assert TABLES_BY_NAME["flights"].attribute_type("flight_id") == "N"
    assert TABLES_BY_NAME["CrewMembers"].attribute_type("employee_number") == "S"
    assert {"first_name", "passport_number"} <= TABLES_BY_NAME["passengers"].pii


def test_a_set_cannot_be_a_key():
    with pytest.raises(ContractDeclarationError, match="the set 'aircraft_registration' cannot be a key attribute"):
        Table(
            name="T",
            file="x.csv",
            model=Tiny,
            key=("workorder_id",),
            indexes=(Index("reg-index", "aircraft_registration"),),
            duplicates=MergeIntoSet("code", "aircraft_registration"),
        )


def test_a_merged_column_declared_a_number_makes_a_number_set_and_is_no_column_of_the_fixed_file():
    assert TURNAROUNDS.attribute_type("delays") == "NS"
    assert TURNAROUNDS.columns == ("turnaround_id", "station", "delays")
    assert "delay_minutes" in TURNAROUNDS.source_columns


class Events(pa.DataFrameModel):
    event_id: Series[str]
    ended: Series[str] = timestamp()
    note: Series[str]


def test_an_expiry_is_a_derived_number_column_of_the_fixed_file():
    table = Table(
        name="events",
        file="e.csv",
        model=Events,
        key=("event_id",),
        expiry=Expiry("expires_at", "ended", timedelta(days=30)),
    )
    assert table.columns[-1] == "expires_at" and table.attribute_type("expires_at") == "N"
    assert table.schema.columns["expires_at"].nullable


@pytest.mark.parametrize(
    "expiry, problem",
    [
        (
            Expiry("expires_at", "finished", timedelta(days=1)),
            "expiry from_column 'finished' is not a column of the model",
        ),
        (Expiry("expires_at", "note", timedelta(days=1)), "expiry from_column 'note' is not a timestamp column"),
        (Expiry("note", "ended", timedelta(days=1)), "expiry attribute 'note' is a column of the model"),
        (Expiry("expires_at", "ended", timedelta(0)), "expiry retention 0:00:00 is not positive"),
        (
            Expiry("x" * 256, "ended", timedelta(days=1)),
            "expiry attribute name has 256 characters; UpdateTimeToLive takes 1 to 255",
        ),
    ],
    ids=[
        "a source that is no column",
        "a source that is no timestamp",
        "an attribute the model declares",
        "no retention",
        "a name UpdateTimeToLive refuses",
    ],
)
def test_an_expiry_that_cannot_work_fails_at_declaration(expiry, problem):
    with pytest.raises(ContractDeclarationError) as caught:
        Table(name="events", file="e.csv", model=Events, key=("event_id",), expiry=expiry)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_an_expiry_cannot_be_a_key_attribute():
    with pytest.raises(ContractDeclarationError, match="expiry attribute 'expires_at' is a key attribute"):
        Table(
            name="events",
            file="e.csv",
            model=Events,
            key=("event_id",),
            indexes=(Index("by-expiry", "expires_at"),),
            expiry=Expiry("expires_at", "ended", timedelta(days=1)),
        )
