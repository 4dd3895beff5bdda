"""CSV files that sit beside the tables in the export folder but are not loaded."""

from contracts.table import NotATable

NOT_TABLES = (
    NotATable("crew_roster.csv", "the roster before enrichment; superseded by crew_roster_enriched.csv (CrewRoster)"),
    NotATable(
        "maintenance_roster.csv",
        "a shift roster, not the staff list; MaintenanceStaff is maintenance_staff.csv "
        "(the old upload script read this file by mistake)",
    ),
    NotATable("flights_backup_20260301.csv", "a stale snapshot of flights taken on 2026-03-01"),
    NotATable("bookings_sample.csv", "a 100-row sample of bookings.csv"),
    NotATable("weather_raw_metar.csv", "the raw METAR feed that weather.csv was parsed from"),
)
