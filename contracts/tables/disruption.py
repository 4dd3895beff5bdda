"""Disruptions, the recovery options weighed against them, and the rules that bound them."""

from datetime import timedelta

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import Format, ident, one_of, timestamp
from contracts.table import Expiry, ForeignKey, Table
from contracts.tables.formats import airport, registration


class Weather(pa.DataFrameModel):
    weather_id: Series[str] = ident("WX", 5)
    airport_code: Series[str] = airport()
    observation_time: Series[str] = timestamp()
    metar: Series[str] = Format(r"^[A-Z]{4} \d{6}Z ", "a METAR report starting like OMAA 141200Z").field()
    wind_speed_kt: Series[int] = pa.Field(ge=0, le=200)
    visibility_m: Series[int] = pa.Field(ge=0, le=10000)
    temperature_c: Series[int] = pa.Field(ge=-60, le=60)
    conditions: Series[str] = one_of("CLEAR", "HAZE", "SANDSTORM", "FOG", "RAIN", "THUNDERSTORM")


class DisruptionEvents(pa.DataFrameModel):
    event_id: Series[str] = ident("EV", 3)
    event_type: Series[str] = one_of("SANDSTORM", "FOG", "ATC_STRIKE", "TECHNICAL", "CREW_SHORTAGE", "RUNWAY_CLOSURE")
    airport_code: Series[str] = airport()
    start_time: Series[str] = timestamp()
    end_time: Series[str] = timestamp()
    severity: Series[str] = one_of("LOW", "MEDIUM", "HIGH", "CRITICAL")
    description: Series[str]


class RecoveryScenarios(pa.DataFrameModel):
    scenario_id: Series[str] = ident("SC", 3)
    event_id: Series[str] = ident("EV", 3)
    scenario_name: Series[str]
    strategy: Series[str]
    total_delay_minutes: Series[int] = pa.Field(ge=0)
    estimated_cost: Series[float] = pa.Field(ge=0)
    passengers_rebooked: Series[int] = pa.Field(ge=0)


class RecoveryActions(pa.DataFrameModel):
    action_id: Series[str] = ident("RA", 3)
    scenario_id: Series[str] = ident("SC", 3)
    action_type: Series[str] = one_of("DELAY", "CANCEL", "SWAP_AIRCRAFT", "REASSIGN_CREW", "REBOOK_PAX")
    sequence: Series[int] = pa.Field(ge=1)
    description: Series[str]
    action_status: Series[str] = one_of("PLANNED", "EXECUTED", "ROLLED_BACK")


class BusinessImpactAssessment(pa.DataFrameModel):
    assessment_id: Series[str] = ident("BI", 3)
    event_id: Series[str] = ident("EV", 3)
    # Not yet estimated for some events: the attribute is left out (D12).
    estimated_cost: Series[float] = pa.Field(ge=0, nullable=True)
    passengers_affected: Series[int] = pa.Field(ge=0)
    flights_affected: Series[int] = pa.Field(ge=0)
    revenue_at_risk: Series[float] = pa.Field(ge=0)
    assessed_at: Series[str] = timestamp()


class SafetyConstraints(pa.DataFrameModel):
    constraint_id: Series[str] = ident("SF", 3)
    constraint_type: Series[str] = one_of("CREW_DUTY", "MAINTENANCE", "WEATHER_MINIMA", "SLOT", "WEIGHT")
    description: Series[str]
    regulation: Series[str]
    limit_value: Series[float]
    unit: Series[str] = one_of("hours", "minutes", "metres", "kg", "percent")


class AircraftSwapOptions(pa.DataFrameModel):
    swap_id: Series[str] = ident("SW", 3)
    flight_id: Series[int] = pa.Field(ge=1)
    current_registration: Series[str] = registration()
    replacement_registration: Series[str] = registration()
    feasibility_score: Series[float] = pa.Field(ge=0, le=1)
    notes: Series[str]


class InboundFlightImpact(pa.DataFrameModel):
    impact_id: Series[str] = ident("IM", 3)
    flight_id: Series[int] = pa.Field(ge=1)
    inbound_flight_id: Series[int] = pa.Field(ge=1)
    delay_minutes: Series[int] = pa.Field(ge=0)
    affected_connections: Series[int] = pa.Field(ge=0)


WEATHER = Table(
    name="Weather",
    file="weather.csv",
    model=Weather,
    key=("weather_id",),
    foreign_keys=(ForeignKey("airport_code", "airports"),),
)

# An event is kept 400 days after it ended: a year-on-year comparison of the same season still finds it.
EVENT_RETENTION = timedelta(days=400)

DISRUPTION_EVENTS = Table(
    name="disruption_events",
    file="disruption_events.csv",
    model=DisruptionEvents,
    key=("event_id",),
    foreign_keys=(ForeignKey("airport_code", "airports"),),
    expiry=Expiry(attribute="expires_at", from_column="end_time", retention=EVENT_RETENTION),
)

RECOVERY_SCENARIOS = Table(
    name="recovery_scenarios",
    file="recovery_scenarios.csv",
    model=RecoveryScenarios,
    key=("scenario_id",),
    foreign_keys=(ForeignKey("event_id", "disruption_events"),),
)

RECOVERY_ACTIONS = Table(
    name="recovery_actions",
    file="recovery_actions.csv",
    model=RecoveryActions,
    key=("action_id",),
    foreign_keys=(ForeignKey("scenario_id", "recovery_scenarios"),),
)

BUSINESS_IMPACT_ASSESSMENT = Table(
    name="business_impact_assessment",
    file="business_impact_assessment.csv",
    model=BusinessImpactAssessment,
    key=("assessment_id",),
    foreign_keys=(ForeignKey("event_id", "disruption_events"),),
)

SAFETY_CONSTRAINTS = Table(
    name="safety_constraints",
    file="safety_constraints.csv",
    model=SafetyConstraints,
    key=("constraint_id",),
)

AIRCRAFT_SWAP_OPTIONS = Table(
    name="aircraft_swap_options",
    file="aircraft_swap_options.csv",
    model=AircraftSwapOptions,
    key=("swap_id",),
    foreign_keys=(
        ForeignKey("flight_id", "flights"),
        ForeignKey("replacement_registration", "AircraftAvailability", "aircraft_registration"),
    ),
)

INBOUND_FLIGHT_IMPACT = Table(
    name="inbound_flight_impact",
    file="inbound_flight_impact.csv",
    model=InboundFlightImpact,
    key=("impact_id",),
    foreign_keys=(ForeignKey("flight_id", "flights"), ForeignKey("inbound_flight_id", "flights")),
)

TABLES = (
    WEATHER,
    DISRUPTION_EVENTS,
    RECOVERY_SCENARIOS,
    RECOVERY_ACTIONS,
    BUSINESS_IMPACT_ASSESSMENT,
    SAFETY_CONSTRAINTS,
    AIRCRAFT_SWAP_OPTIONS,
    INBOUND_FLIGHT_IMPACT,
)
