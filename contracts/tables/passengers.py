"""Passengers, their bookings and bags, and what a disruption owes them."""

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import COUNTRY, DATE, EMAIL, Format, date, ident, one_of, personal, timestamp
from contracts.table import Copy, DropExactCopies, ForeignKey, Index, KeepLatest, Table
from contracts.tables.formats import airport

BAG_STATUSES = ("CHECKED_IN", "LOADED", "IN_TRANSIT", "ARRIVED", "DELIVERED", "MISHANDLED")


class Passengers(pa.DataFrameModel):
    passenger_id: Series[str] = ident("PX", 7)
    first_name: Series[str] = personal()
    last_name: Series[str] = personal()
    email: Series[str] = personal(EMAIL)
    phone: Series[str] = personal()
    date_of_birth: Series[str] = personal(DATE)
    passport_number: Series[str] = personal()
    nationality: Series[str] = COUNTRY.field()
    frequent_flyer_tier: Series[str] = one_of("NONE", "BRONZE", "SILVER", "GOLD", "PLATINUM")


class Bookings(pa.DataFrameModel):
    booking_id: Series[str] = ident("BK", 7)
    flight_id: Series[int] = pa.Field(ge=1)
    passenger_id: Series[str] = ident("PX", 7)
    booking_class: Series[str] = one_of("Economy", "Business", "First")
    seat_number: Series[str] = Format(r"^\d{1,2}[A-K]$", "a seat like 12A").field()
    booking_status: Series[str] = one_of("CONFIRMED", "CHECKED_IN", "CANCELLED")
    fare_amount: Series[float] = pa.Field(ge=0)
    booked_at: Series[str] = timestamp()


class Baggage(pa.DataFrameModel):
    baggage_id: Series[str] = ident("BG", 7)
    booking_id: Series[str] = ident("BK", 7)
    tag_number: Series[str] = Format(r"^EY\d{6}$", "a bag tag like EY123456").field()
    weight_kg: Series[float] = pa.Field(gt=0, le=100)
    baggage_status: Series[str] = one_of(*BAG_STATUSES)
    # The agents query `status`; the export calls it baggage_status (D3).
    status: Series[str] = one_of(*BAG_STATUSES)
    event_time: Series[str] = timestamp()
    location: Series[str] = airport()


class PassengerConnections(pa.DataFrameModel):
    connection_id: Series[str] = ident("PC", 4)
    booking_id: Series[str] = ident("BK", 7)
    inbound_flight_id: Series[int] = pa.Field(ge=1)
    outbound_flight_id: Series[int] = pa.Field(ge=1)
    min_connect_minutes: Series[int] = pa.Field(ge=0)


class HotelBookings(pa.DataFrameModel):
    hotel_booking_id: Series[str] = ident("HB", 4)
    passenger_id: Series[str] = ident("PX", 7)
    event_id: Series[str] = ident("EV", 3)
    hotel_name: Series[str]
    check_in: Series[str] = date()
    nights: Series[int] = pa.Field(ge=1, le=14)


class MealVouchers(pa.DataFrameModel):
    voucher_id: Series[str] = ident("MV", 4)
    passenger_id: Series[str] = ident("PX", 7)
    event_id: Series[str] = ident("EV", 3)
    amount: Series[float] = pa.Field(gt=0)
    currency: Series[str] = one_of("AED")
    issued_at: Series[str] = timestamp()


class DisruptedPassengersScenario(pa.DataFrameModel):
    passenger_id: Series[str] = ident("PX", 7)
    event_id: Series[str] = ident("EV", 3)
    original_flight_id: Series[int] = pa.Field(ge=1)
    rebooking_status: Series[str] = one_of("PENDING", "REBOOKED", "REFUNDED")
    priority_score: Series[int] = pa.Field(ge=0, le=100)
    compensation_eligible: Series[str] = one_of("Y", "N")


PASSENGERS = Table(
    name="passengers",
    file="passengers.csv",
    model=Passengers,
    key=("passenger_id",),
    duplicates=DropExactCopies(),
)

BOOKINGS = Table(
    name="bookings",
    file="bookings.csv",
    model=Bookings,
    key=("booking_id",),
    indexes=(Index("flight-id-index", "flight_id"),),
    foreign_keys=(
        ForeignKey("flight_id", "flights", on_orphan="quarantine"),
        ForeignKey("passenger_id", "passengers"),
    ),
)

BAGGAGE = Table(
    name="Baggage",
    file="baggage.csv",
    model=Baggage,
    key=("baggage_id",),
    indexes=(Index("booking-index", "booking_id"),),
    foreign_keys=(ForeignKey("booking_id", "bookings", on_orphan="quarantine"), ForeignKey("location", "airports")),
    duplicates=KeepLatest(by="event_time"),
    fixes=(Copy("baggage_status", "status"),),
)

PASSENGER_CONNECTIONS = Table(
    name="passenger_connections",
    file="passenger_connections.csv",
    model=PassengerConnections,
    key=("connection_id",),
    foreign_keys=(
        ForeignKey("booking_id", "bookings"),
        ForeignKey("inbound_flight_id", "flights"),
        ForeignKey("outbound_flight_id", "flights"),
    ),
)

HOTEL_BOOKINGS = Table(
    name="hotel_bookings",
    file="hotel_bookings.csv",
    model=HotelBookings,
    key=("hotel_booking_id",),
    foreign_keys=(ForeignKey("passenger_id", "passengers"), ForeignKey("event_id", "disruption_events")),
)

MEAL_VOUCHERS = Table(
    name="meal_vouchers",
    file="meal_vouchers.csv",
    model=MealVouchers,
    key=("voucher_id",),
    foreign_keys=(ForeignKey("passenger_id", "passengers"), ForeignKey("event_id", "disruption_events")),
)

DISRUPTED_PASSENGERS_SCENARIO = Table(
    name="disrupted_passengers_scenario",
    file="disrupted_passengers_scenario.csv",
    model=DisruptedPassengersScenario,
    key=("passenger_id", "event_id"),
    foreign_keys=(
        ForeignKey("passenger_id", "passengers"),
        ForeignKey("event_id", "disruption_events"),
        ForeignKey("original_flight_id", "flights"),
    ),
)

TABLES = (
    PASSENGERS,
    BOOKINGS,
    BAGGAGE,
    PASSENGER_CONNECTIONS,
    HOTEL_BOOKINGS,
    MEAL_VOUCHERS,
    DISRUPTED_PASSENGERS_SCENARIO,
)
