"""Load fixed CSVs into DynamoDB, table by table, as their contracts declare them."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from contracts.source import read_table
from contracts.table import Table
from loaders.backoff import Backoff
from loaders.batch import DEFAULT_BACKOFF, LoadReport, write_items
from loaders.client import DEFAULT_WORKERS
from loaders.items import frame_to_items
from loaders.progress import ProgressFactory, no_progress
from loaders.tables import Wait, check_destroy_allowed, ensure_table, recreate_table, table_name


def load_tables(client, tables: Sequence[Table], fixed_dir: Path, prefix: str = "", workers: int = DEFAULT_WORKERS,
                progress: ProgressFactory | None = None, recreate: bool = False, *, allow_destroy: bool = False,
                backoff: Backoff = DEFAULT_BACKOFF, wait: Wait = Wait()) -> list[LoadReport]:
    """Ensure each table (and its GSIs), then write its fixed CSV (`fixed_dir / table.file`) into it.

    `tables` are the ones to load: the caller leaves out those whose
    pre-upload checks failed. Every file is read and converted before any
    table is touched, so a file that cannot become items changes nothing.
    With `recreate`, each table is deleted and created afresh, which
    `check_destroy_allowed` refuses for a non-local endpoint unless
    `allow_destroy`. Returns one `LoadReport` per table, in order.
    """
    check_destroy_allowed(client.meta.endpoint_url, recreate, allow_destroy)
    prepared = [(table, frame_to_items(read_table(Path(fixed_dir) / table.file, table, fixed=True), table)) for table in tables]
    reports = []
    for table, items in prepared:
        name = table_name(table, prefix)
        setup = (recreate_table if recreate else ensure_table)(client, table, name, wait=wait)
        with (progress or no_progress)(name, len(items)) as advance:
            report = write_items(client, name, items, table.key, workers=workers, backoff=backoff, progress=advance)
        reports.append(replace(report, setup=setup))
    return reports
