"""A test-only contract whose merged column is declared a number, so the merge makes a number set (NS)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from contracts.table import MergeIntoSet, Table


class Turnarounds(pa.DataFrameModel):
    turnaround_id: Series[str] = pa.Field(str_matches=r"^TA\d{3}$")
    station: Series[str]
    # The export's column, one delay a row: the merge takes it away, and its type makes `delays` a number set.
    delay_minutes: Series[float]
    delays: Series[str] = pa.Field(nullable=True)


TURNAROUNDS = Table(
    name="turnarounds",
    file="turnarounds.csv",
    model=Turnarounds,
    key=("turnaround_id",),
    duplicates=MergeIntoSet(column="delay_minutes", into="delays"),
)
