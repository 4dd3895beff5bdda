"""Cargo shipments and the flights they are loaded on."""

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import Format, ident, one_of
from contracts.table import Copy, ForeignKey, Index, Table
from contracts.tables.formats import airport


class CargoShipments(pa.DataFrameModel):
    shipment_id: Series[str] = ident("SH", 5)
    awb_number: Series[str] = Format(r"^607-\d{8}$", "an air waybill number like 607-12345678").field()
    origin: Series[str] = airport()
    destination: Series[str] = airport()
    weight_kg: Series[float] = pa.Field(gt=0)
    pieces: Series[int] = pa.Field(ge=1)
    commodity: Series[str] = one_of("GENERAL", "PERISHABLE", "PHARMA", "DANGEROUS_GOODS", "LIVE_ANIMALS", "VALUABLES")


class CargoFlightAssignments(pa.DataFrameModel):
    assignment_id: Series[str] = ident("CA", 5)
    flight_id: Series[int] = pa.Field(ge=1)
    shipment_id: Series[str] = ident("SH", 5)
    sequence_number: Series[int] = pa.Field(ge=1)
    # The agents load cargo in this order; the export has only sequence_number (D1).
    loading_priority: Series[int] = pa.Field(ge=1)
    uld_position: Series[str] = Format(r"^\d{1,2}[LRC]$", "a ULD position like 12L").field()
    weight_kg: Series[float] = pa.Field(gt=0)


CARGO_SHIPMENTS = Table(
    name="CargoShipments",
    file="cargo_shipments.csv",
    model=CargoShipments,
    key=("shipment_id",),
    foreign_keys=(ForeignKey("origin", "airports"), ForeignKey("destination", "airports")),
)

CARGO_FLIGHT_ASSIGNMENTS = Table(
    name="CargoFlightAssignments",
    file="cargo_flight_assignments.csv",
    model=CargoFlightAssignments,
    key=("assignment_id",),
    indexes=(
        Index(
            "flight-loading-index",
            "flight_id",
            "loading_priority",
            agent="cargo",
            question="cargo of a flight in loading-priority order",
        ),
        Index("shipment-index", "shipment_id"),
    ),
    foreign_keys=(ForeignKey("flight_id", "flights"), ForeignKey("shipment_id", "CargoShipments")),
    fixes=(Copy("sequence_number", "loading_priority"),),
)

TABLES = (CARGO_SHIPMENTS, CARGO_FLIGHT_ASSIGNMENTS)
