"""The contracts of a city bike-share network's export: stations, bikes, members, trips and station status.

The export is made by `generate.py` beside this file; README.md says what it
holds and which defects these contracts find and fix.
"""

import pandera.pandas as pa
from pandera.typing import INT64, Series

from contracts.formats import EMAIL, UTC_TIMESTAMP, Format, date, ident, one_of, personal, timestamp
from contracts.table import DeriveKey, DropExactCopies, ForeignKey, Index, KeepLatest, MergeIntoSet, Table

# A nullable integer column is declared Series[INT64]: pandera.typing's name for pandas' Int64Dtype (a missing value is
# <NA>; plain int refuses a missing value when coercing). Series[pd.Int64Dtype] is the same type but needs pandas
# imported here, and Series["Int64"] works at run time but is a string annotation that linters read as an undefined
# name (ruff F821).


class Stations(pa.DataFrameModel):
    station_id: Series[str] = ident("ST", 5)
    name: Series[str]
    latitude: Series[float] = pa.Field(ge=-90, le=90)
    longitude: Series[float] = pa.Field(ge=-180, le=180)
    capacity: Series[int] = pa.Field(ge=1)
    # In the export only (one row per dock); the merge folds it into docks. Declared int, so docks is a number set.
    dock: Series[int] | None = pa.Field(ge=1)
    # The number set, in the fixed file a JSON array of the station's dock numbers: ["3", "4", "7"].
    docks: Series[str] = Format(r'^\["\d+"(, "\d+")*\]$', 'a JSON list of dock numbers like ["3", "4"]').field()


class Bikes(pa.DataFrameModel):
    bike_id: Series[str] = ident("BK", 6)
    kind: Series[str] = one_of("classic", "electric")
    home_station_id: Series[str] = ident("ST", 5)
    status: Series[str] = one_of("available", "in_use", "maintenance")
    # A classic bike has no battery: the attribute is left out of its item.
    battery_pct: Series[INT64] = pa.Field(ge=0, le=100, nullable=True)
    # Odometer reading at the last service; none yet for a new bike.
    last_service_km: Series[float] = pa.Field(ge=0, nullable=True)
    updated_at: Series[str] = timestamp()


class Members(pa.DataFrameModel):
    member_id: Series[str] = ident("MB", 7)
    name: Series[str] = personal()
    email: Series[str] = personal(EMAIL)
    plan: Series[str] = one_of("annual", "monthly", "day")
    joined_on: Series[str] = date()


class Trips(pa.DataFrameModel):
    # No column is unique on its own: the key is derived from the three that are together.
    trip_key: Series[str] = pa.Field(str_matches=r"^BK\d{6}#MB\d{7}#" + UTC_TIMESTAMP.pattern.removeprefix("^"))
    bike_id: Series[str] = ident("BK", 6)
    member_id: Series[str] = ident("MB", 7)
    started_at: Series[str] = timestamp()
    ended_at: Series[str] = timestamp()
    start_station_id: Series[str] = ident("ST", 5)
    end_station_id: Series[str] = ident("ST", 5)
    duration_s: Series[int] = pa.Field(ge=0)
    fare: Series[float] = pa.Field(ge=0)


class StationStatus(pa.DataFrameModel):
    station_id: Series[str] = ident("ST", 5)
    reported_at: Series[str] = timestamp()
    # Missing while the station's sensor is offline.
    bikes_available: Series[INT64] = pa.Field(ge=0, nullable=True)
    docks_available: Series[INT64] = pa.Field(ge=0, nullable=True)


STATIONS = Table(
    name="stations",
    file="stations.csv",
    model=Stations,
    key=("station_id",),
    # The export repeats a station once per dock.
    duplicates=MergeIntoSet(column="dock", into="docks"),
)

BIKES = Table(
    name="bikes",
    file="bikes.csv",
    model=Bikes,
    key=("bike_id",),
    indexes=(
        Index(
            name="home-station-index",
            hash_key="home_station_id",
            agent="fleet operations",
            question="the bikes based at a station",
            query_on=("home_station_id",),
        ),
    ),
    foreign_keys=(ForeignKey("home_station_id", "stations"),),
    # A bike that changed during the week is exported again: the newest row is the bike.
    duplicates=KeepLatest(by="updated_at"),
)

MEMBERS = Table(
    name="members",
    file="members.csv",
    model=Members,
    key=("member_id",),
)

TRIPS = Table(
    name="trips",
    file="trips.csv",
    model=Trips,
    key=("trip_key",),
    indexes=(
        Index(
            name="member-trips-index",
            hash_key="member_id",
            range_key="started_at",
            agent="member app",
            question="a member's rides, latest first",
            query_on=("member_id",),
        ),
        Index(
            name="start-station-time-index",
            hash_key="start_station_id",
            range_key="started_at",
            agent="rebalancing planner",
            question="rides leaving a station in a time window",
            query_on=("start_station_id", "started_at"),
        ),
    ),
    foreign_keys=(
        ForeignKey("bike_id", "bikes"),
        # Members erased on request leave their trips behind: the rides happened, so they are loaded and reported.
        ForeignKey("member_id", "members", on_orphan="keep"),
        ForeignKey("start_station_id", "stations"),
        # A trip ending at a station the network does not list cannot be placed on the map: set aside.
        ForeignKey("end_station_id", "stations", on_orphan="quarantine"),
    ),
    # The export retries a page after a timeout, writing its rows twice.
    duplicates=DropExactCopies(),
    fixes=(DeriveKey(target="trip_key", sources=("bike_id", "member_id", "started_at"), separator="#"),),
)

STATION_STATUS = Table(
    name="station_status",
    file="station_status.csv",
    model=StationStatus,
    key=("station_id", "reported_at"),
    foreign_keys=(ForeignKey("station_id", "stations"),),
)

TABLES = (STATIONS, BIKES, MEMBERS, TRIPS, STATION_STATUS)
NOT_TABLES = ()
