"""Maintenance work orders and the engineers who carry them out."""

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import Format, ident, one_of, personal, timestamp
from contracts.table import ForeignKey, Index, Rename, Table
from contracts.tables.formats import airport, registration


class MaintenanceWorkOrders(pa.DataFrameModel):
    workorder_id: Series[str] = ident("WO", 5)
    aircraft_registration: Series[str] = registration()
    # ATA chapters are two-digit text: 05 is not 5.
    ata_chapter: Series[str] = Format(r"^\d{2}$", "a two-digit ATA chapter like 32").field()
    description: Series[str]
    priority: Series[str] = one_of("AOG", "HIGH", "MEDIUM", "LOW")
    status: Series[str] = one_of("OPEN", "IN_PROGRESS", "DEFERRED", "CLOSED")
    assigned_staff_id: Series[str] = ident("MS", 3)
    opened_at: Series[str] = timestamp()
    due_at: Series[str] = timestamp()


class MaintenanceStaff(pa.DataFrameModel):
    staff_id: Series[str] = ident("MS", 3)
    first_name: Series[str] = personal()
    last_name: Series[str] = personal()
    license_number: Series[str] = personal(Format(r"^GCAA-B1-\d{5}$", "a licence number like GCAA-B1-12345"))
    specialization: Series[str] = one_of("Avionics", "Airframe", "Powerplant", "Structures")
    base: Series[str] = airport()
    shift: Series[str] = one_of("DAY", "NIGHT")


MAINTENANCE_WORK_ORDERS = Table(
    name="MaintenanceWorkOrders",
    file="maintenance_work_orders.csv",
    model=MaintenanceWorkOrders,
    key=("workorder_id",),
    indexes=(
        Index(
            "aircraft-registration-index",
            "aircraft_registration",
            agent="maintenance",
            question="work orders of an aircraft",
        ),
    ),
    foreign_keys=(
        ForeignKey("aircraft_registration", "AircraftAvailability", "aircraft_registration"),
        ForeignKey("assigned_staff_id", "MaintenanceStaff"),
    ),
    # The maintenance system exports camelCase (D4).
    fixes=(Rename("aircraftRegistration", "aircraft_registration"),),
)

MAINTENANCE_STAFF = Table(
    name="MaintenanceStaff",
    file="maintenance_staff.csv",
    model=MaintenanceStaff,
    key=("staff_id",),
    foreign_keys=(ForeignKey("base", "airports"),),
)

TABLES = (MAINTENANCE_WORK_ORDERS, MAINTENANCE_STAFF)
