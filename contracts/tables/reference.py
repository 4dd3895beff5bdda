"""Reference data other tables point at."""

import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import COUNTRY, Format, one_of
from contracts.table import Table
from contracts.tables.formats import AIRCRAFT_TYPES, IATA, ICAO


class Airports(pa.DataFrameModel):
    airport_code: Series[str] = IATA.field()
    icao_code: Series[str] = ICAO.field()
    name: Series[str]
    city: Series[str]
    country: Series[str] = COUNTRY.field()
    timezone: Series[str] = Format(r"^[A-Za-z_]+/[A-Za-z_/]+$", "an IANA time zone like Asia/Dubai").field()
    latitude: Series[float] = pa.Field(ge=-90, le=90)
    longitude: Series[float] = pa.Field(ge=-180, le=180)


class AircraftTypes(pa.DataFrameModel):
    type_code: Series[str] = pa.Field(isin=AIRCRAFT_TYPES)
    manufacturer: Series[str] = one_of("Boeing", "Airbus")
    seats: Series[int] = pa.Field(gt=0)
    range_km: Series[int] = pa.Field(gt=0)


AIRPORTS = Table(name="airports", file="airports.csv", model=Airports, key=("airport_code",))
AIRCRAFT_TYPE_TABLE = Table(name="aircraft_types", file="aircraft_types.csv", model=AircraftTypes, key=("type_code",))

TABLES = (AIRPORTS, AIRCRAFT_TYPE_TABLE)
