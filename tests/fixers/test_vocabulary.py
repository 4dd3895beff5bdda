"""What real data needs: a key derived from several columns, every reason a row is set aside, orphans kept and reported."""
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from contracts.gate import gate
from contracts.registry import Registry
from contracts.table import DeriveKey, ForeignKey, Table
from fixers.columns import derive_key
from fixers.orphans import quarantine_orphans


class Stations(pa.DataFrameModel):
    station_id: Series[str]


class Trips(pa.DataFrameModel):
    trip_key: Series[str]
    bike_id: Series[str]
    started_at: Series[str]
    start_station_id: Series[str]
    end_station_id: Series[str]


STATIONS = Table("stations", "stations.csv", Stations, ("station_id",))


def trips(on_orphan="quarantine") -> Table:
    return Table("trips", "trips.csv", Trips, ("trip_key",),
                 foreign_keys=(ForeignKey("start_station_id", "stations", on_orphan=on_orphan),
                               ForeignKey("end_station_id", "stations", on_orphan=on_orphan)),
                 fixes=(DeriveKey("trip_key", ("bike_id", "started_at", "start_station_id")),))


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, index=range(len(next(iter(columns.values())))), dtype=object)


def test_a_derived_key_joins_its_columns_and_a_row_missing_one_is_set_aside_with_the_column_named():
    raw = frame(bike_id=["B1", "B1", None], started_at=["t1", "t2", "t3"], start_station_id=["S1", "S1", "S2"])
    out = derive_key(raw, trips(), trips().fixes[0])
    assert list(out.frame["trip_key"]) == ["B1#t1#S1", "B1#t2#S1"]
    assert list(out.quarantined["reason"]) == ["no trip_key: bike_id blank"]


def test_a_row_pointing_nowhere_twice_is_set_aside_once_with_both_reasons():
    table = trips()
    rows = frame(trip_key=["k1", "k2"], bike_id=["B1", "B2"], started_at=["t", "t"],
                 start_station_id=["S9", "S1"], end_station_id=["S8", "S1"])
    out = quarantine_orphans(rows, table, {"stations": frame(station_id=["S1"])}, Registry.of((STATIONS, table)))
    assert list(out.frame["trip_key"]) == ["k2"]
    assert list(out.quarantined["reason"]) == ["start_station_id S9 has no row in stations; end_station_id S8 has no row in stations"]


def test_orphans_kept_by_declaration_load_and_are_reported_not_blocking(tmp_path):
    table = trips(on_orphan="keep")
    frames = {"stations": frame(station_id=["S1"]),
              "trips": frame(trip_key=["k1", "k2"], bike_id=["B1", "B2"], started_at=["t", "t"],
                             start_station_id=["S1", "S1"], end_station_id=["S1", "S7"])}
    result = gate(Registry.of((STATIONS, table)).tables, frames, {}, None, tmp_path)
    assert result.loadable("trips")
    assert result.kept_orphans() == {"trips": {"end_station_id": 1}}
    [kept] = result.kept["trips"]["trips.end_station_id->stations"]
    assert 'on_orphan="keep"' in kept.remedy
