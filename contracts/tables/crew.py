"""Crew, where they are rostered, and what they are qualified for."""

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import DATE, EMAIL, Format, date, ident, personal, timestamp
from contracts.table import ForeignKey, Index, MapValues, MergeIntoSet, Table
from contracts.tables.formats import CREW_POSITIONS, QUALIFICATIONS, airport


class CrewMembers(pa.DataFrameModel):
    crew_id: Series[str] = ident("CM", 4)
    # Text, not a number: the leading zeros of 004512 are part of it (D14).
    employee_number: Series[str] = Format(r"^\d{6}$", "a six-digit employee number").field(unique=True)
    first_name: Series[str] = personal()
    last_name: Series[str] = personal()
    email: Series[str] = personal(EMAIL)
    phone: Series[str] = personal()
    date_of_birth: Series[str] = personal(DATE)
    passport_number: Series[str] = personal()
    role: Series[str] = pa.Field(isin=list(CREW_POSITIONS.values()))
    base: Series[str] = airport()
    hire_date: Series[str] = date()


class CrewRoster(pa.DataFrameModel):
    roster_id: Series[str] = ident("RS", 5)
    crew_id: Series[str] = ident("CM", 4)
    flight_id: Series[int] = pa.Field(ge=1)
    position_id: Series[int] = pa.Field(isin=[int(k) for k in CREW_POSITIONS])
    position: Series[str] = pa.Field(isin=list(CREW_POSITIONS.values()))
    duty_start: Series[str] = timestamp()
    duty_end: Series[str] = timestamp()
    qualifications: Series[str] = Format(
        r'^\["[^"]+"(, "[^"]+")*\]$', 'a JSON list of codes like ["B787", "CRM"]'
    ).field()


class CrewQualifications(pa.DataFrameModel):
    qualification_id: Series[str] = ident("CQ", 4)
    crew_id: Series[str] = ident("CM", 4)
    qualification_code: Series[str] = pa.Field(isin=QUALIFICATIONS)
    valid_until: Series[str] = date()


class CrewDutyHistory(pa.DataFrameModel):
    duty_id: Series[str] = ident("CD", 5)
    crew_id: Series[str] = ident("CM", 4)
    duty_date: Series[str] = date()
    duty_hours: Series[float] = pa.Field(ge=0, le=24)
    rest_hours: Series[float] = pa.Field(ge=0)


CREW_MEMBERS = Table(
    name="CrewMembers",
    file="crew_members.csv",
    model=CrewMembers,
    key=("crew_id",),
    foreign_keys=(ForeignKey("base", "airports"),),
    # The HR system exports Windows-1252 (D13).
    encodings=("utf-8", "windows-1252"),
)

CREW_ROSTER = Table(
    name="CrewRoster",
    file="crew_roster_enriched.csv",
    model=CrewRoster,
    key=("roster_id",),
    indexes=(
        Index(
            "flight-position-index",
            "flight_id",
            "position",
            agent="crew_compliance",
            question="crew of a flight in a position",
            query_on=("flight_id", "position"),
        ),
    ),
    foreign_keys=(ForeignKey("crew_id", "CrewMembers"), ForeignKey("flight_id", "flights")),
    # The enrichment join repeats a roster row once per qualification (D5).
    duplicates=MergeIntoSet(column="qualification_code", into="qualifications"),
    fixes=(MapValues("position_id", "position", CREW_POSITIONS),),
)

CREW_QUALIFICATIONS = Table(
    name="crew_qualifications",
    file="crew_qualifications.csv",
    model=CrewQualifications,
    key=("qualification_id",),
    foreign_keys=(ForeignKey("crew_id", "CrewMembers"),),
)

CREW_DUTY_HISTORY = Table(
    name="crew_duty_history",
    file="crew_duty_history.csv",
    model=CrewDutyHistory,
    key=("duty_id",),
    foreign_keys=(ForeignKey("crew_id", "CrewMembers"),),
)

TABLES = (CREW_MEMBERS, CREW_ROSTER, CREW_QUALIFICATIONS, CREW_DUTY_HISTORY)
