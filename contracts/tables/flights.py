"""Flights, the aircraft that fly them, and the airport resources they use."""

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import date, ident, one_of, timestamp
from contracts.table import ForeignKey, Index, ParseTimestamps, Table
from contracts.tables.formats import AIRCRAFT_TYPES, FLIGHT_NUMBER, airport, registration


class Flights(pa.DataFrameModel):
    flight_id: Series[int] = pa.Field(ge=1)
    flight_number: Series[str] = FLIGHT_NUMBER.field()
    origin: Series[str] = airport()
    destination: Series[str] = airport()
    scheduled_departure: Series[str] = timestamp()
    scheduled_arrival: Series[str] = timestamp()
    # A tail not yet assigned: the item stays out of aircraft-registration-index.
    aircraft_registration: Series[str] = registration(nullable=True)
    aircraft_type: Series[str] = pa.Field(isin=AIRCRAFT_TYPES)
    status: Series[str] = one_of("SCHEDULED", "DELAYED", "CANCELLED", "DEPARTED", "ARRIVED")


class AircraftAvailability(pa.DataFrameModel):
    aircraft_id: Series[str] = ident("AV", 4)
    aircraft_registration: Series[str] = registration()
    aircraft_type: Series[str] = pa.Field(isin=AIRCRAFT_TYPES)
    availability_date: Series[str] = date()
    availability_status: Series[str] = one_of("AVAILABLE", "MAINTENANCE", "AOG", "RESERVED")
    location: Series[str] = airport()


class AirportSlots(pa.DataFrameModel):
    slot_id: Series[str] = ident("SL", 4)
    airport_code: Series[str] = airport()
    slot_time: Series[str] = timestamp()
    slot_type: Series[str] = one_of("ARR", "DEP")
    flight_id: Series[int] = pa.Field(ge=1)


class GateAssignments(pa.DataFrameModel):
    gate_assignment_id: Series[str] = ident("GA", 4)
    flight_id: Series[int] = pa.Field(ge=1)
    airport_code: Series[str] = airport()
    gate: Series[str] = pa.Field(str_matches=r"^[A-Z]\d{1,2}$")
    assigned_at: Series[str] = timestamp()


class Notams(pa.DataFrameModel):
    notam_id: Series[str] = ident("NT", 3)
    airport_code: Series[str] = airport()
    effective_from: Series[str] = timestamp()
    effective_to: Series[str] = timestamp()
    text: Series[str]


FLIGHTS = Table(
    name="flights",
    file="flights.csv",
    model=Flights,
    key=("flight_id",),
    indexes=(
        Index("flight-number-date-index", "flight_number", "scheduled_departure"),
        Index("aircraft-registration-index", "aircraft_registration"),
    ),
    foreign_keys=(
        ForeignKey("aircraft_registration", "AircraftAvailability", "aircraft_registration"),
        ForeignKey("aircraft_type", "aircraft_types"),
        ForeignKey("origin", "airports"),
        ForeignKey("destination", "airports"),
    ),
    # The operations system exports some departures in AUH local time (D8).
    fixes=(ParseTimestamps("scheduled_departure", source_format="%d/%m/%Y %H:%M", zone="Asia/Dubai"),),
)

AIRCRAFT_AVAILABILITY = Table(
    name="AircraftAvailability",
    file="aircraft_availability.csv",
    model=AircraftAvailability,
    key=("aircraft_id",),
    foreign_keys=(ForeignKey("aircraft_type", "aircraft_types"), ForeignKey("location", "airports")),
)

AIRPORT_SLOTS = Table(
    name="airport_slots",
    file="airport_slots.csv",
    model=AirportSlots,
    key=("slot_id",),
    foreign_keys=(ForeignKey("airport_code", "airports"), ForeignKey("flight_id", "flights")),
)

GATE_ASSIGNMENTS = Table(
    name="gate_assignments",
    file="gate_assignments.csv",
    model=GateAssignments,
    key=("gate_assignment_id",),
    foreign_keys=(ForeignKey("flight_id", "flights"), ForeignKey("airport_code", "airports")),
)

NOTAMS = Table(
    name="notams",
    file="notams.csv",
    model=Notams,
    key=("notam_id",),
    foreign_keys=(ForeignKey("airport_code", "airports"),),
)

TABLES = (FLIGHTS, AIRCRAFT_AVAILABILITY, AIRPORT_SLOTS, GATE_ASSIGNMENTS, NOTAMS)
