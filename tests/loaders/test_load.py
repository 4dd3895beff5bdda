"""load_tables: fixed CSVs in, tables as the contracts declare them out, one report per table."""
import io
import json
from decimal import Decimal

import pandas as pd
import pytest

from contracts.source import write_csv
from loaders.errors import ItemConversionError
from loaders.items import item_to_row
from loaders.load import load_tables
from loaders.progress import table_progress


def as_stored(row: dict, numbers: tuple[str, ...] = (), sets: tuple[str, ...] = ()) -> dict:
    """A fixed CSV row as it must read back, typed here by hand: numbers as Decimal, sets from their JSON array,
    empty cells left out."""
    typed = {}
    for column, text in row.items():
        if text is None:
            continue
        typed[column] = Decimal(text) if column in numbers else frozenset(json.loads(text)) if column in sets else text
    return typed


@pytest.fixture
def fixed_dir(tmp_path, readings_table, stations_table, make_rows):
    write_csv(pd.DataFrame(make_rows(120)), tmp_path / readings_table.file)
    write_csv(pd.DataFrame([{"sensor": f"S{i}", "site": site, "installed": "2026-03-14"}
                            for i in range(7) for site in ("AUH", "LHR")]), tmp_path / stations_table.file)
    return tmp_path


def test_every_table_is_loaded_and_reads_back_as_its_fixed_csv(
        client, prefix, fixed_dir, readings_table, stations_table, scan, make_rows, fast_backoff, fast_wait):
    reports = load_tables(client, [readings_table, stations_table], fixed_dir, prefix=prefix, workers=4,
                          backoff=fast_backoff, wait=fast_wait)

    assert [(r.table, r.items, r.setup.created) for r in reports] == [
        (f"{prefix}readings", 120, True), (f"{prefix}stations", 14, True)]
    readings = sorted((item_to_row(i) for i in scan(f"{prefix}readings")), key=lambda r: r["reading_id"])
    assert readings == [as_stored(r, numbers=("value", "count"), sets=("tags",)) for r in make_rows(120)]
    stations = sorted((item_to_row(i) for i in scan(f"{prefix}stations")), key=lambda r: (r["sensor"], r["site"]))
    assert stations == [{"sensor": f"S{i}", "site": site, "installed": "2026-03-14"} for i in range(7) for site in ("AUH", "LHR")]


def test_loading_again_changes_nothing(client, prefix, fixed_dir, readings_table, scan, fast_backoff, fast_wait):
    load_tables(client, [readings_table], fixed_dir, prefix=prefix, backoff=fast_backoff, wait=fast_wait)
    before = scan(f"{prefix}readings")
    [report] = load_tables(client, [readings_table], fixed_dir, prefix=prefix, backoff=fast_backoff, wait=fast_wait)
    assert not report.setup.created
    assert sorted(map(str, scan(f"{prefix}readings"))) == sorted(map(str, before))


def test_only_the_tables_given_are_loaded(client, admin, prefix, fixed_dir, readings_table, fast_backoff, fast_wait):
    load_tables(client, [readings_table], fixed_dir, prefix=prefix, backoff=fast_backoff, wait=fast_wait)
    names = admin.list_tables()["TableNames"]
    assert f"{prefix}readings" in names and f"{prefix}stations" not in names


def test_a_file_that_cannot_become_items_touches_no_table(client, admin, prefix, fixed_dir, readings_table,
                                                          stations_table, fast_wait):
    write_csv(pd.DataFrame([{"reading_id": "R0001", "sensor": "S1", "count": "many"}]), fixed_dir / readings_table.file)
    with pytest.raises(ItemConversionError, match="readings.count, line 2"):
        load_tables(client, [stations_table, readings_table], fixed_dir, prefix=prefix, wait=fast_wait)
    assert not [n for n in admin.list_tables()["TableNames"] if n.startswith(prefix)]


def test_progress_is_reported_per_table(client, prefix, fixed_dir, readings_table, fast_backoff, fast_wait):
    stream = io.StringIO()
    load_tables(client, [readings_table], fixed_dir, prefix=prefix, backoff=fast_backoff, wait=fast_wait,
                progress=lambda name, total: table_progress(name, total, stream=stream, interactive=False))
    assert stream.getvalue().splitlines() == [f"{prefix}readings: 120/120 items written"]
