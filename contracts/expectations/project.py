"""The saved Great Expectations project under `<out>/gx/`: context, data sources, suites, definitions, checkpoints.

Each stage has a SQL data source named after it, reading the stage's SQLite
database with one table asset per declared table, and a checkpoint named
after it with one validation definition per table it checks. What is saved is
reused as it is when it already says what the contracts say, and rewritten
only where it does not: GX saves its whole project file for each asset or
batch definition added, and reads every saved object again when a checkpoint
runs, so rebuilding all of it for each run would cost more than the checks.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

DOCS_SITE = "local_site"
# The validation results the Data Docs index lists, newest first: the last few runs of both stages.
INDEX_RESULTS = 200
# The runs whose validation results and Data Docs pages are kept (prune_runs): an out dir reused night after
# night does not grow without end.
KEPT_RUNS = 5
# How GX names a run's time folder: 20261206T222452.103190Z.
RUN_TIME = re.compile(r"\d{8}T\d{6}\.\d+Z")

# The last context opened, kept for the next stage of the same run: opening one parses the whole project file.
_opened: dict[Path, object] = {}


def context(out_dir: Path):
    """The file-backed context in `out_dir/gx`, made on first use and set once.

    Set: no progress bars, no config variables file, a bounded Data Docs index.
    """
    out_dir = Path(out_dir).resolve()
    kept = _opened.get(out_dir)
    if kept is not None and Path(kept.root_directory, "great_expectations.yml").is_file():
        return kept
    _opened.clear()
    _opened[out_dir] = _open(out_dir)
    return _opened[out_dir]


def database(out_dir: Path, stage: str) -> Path:
    """The SQLite database of the stage's batches, among the project's uncommitted files."""
    return Path(out_dir).resolve() / "gx" / "uncommitted" / f"{stage}.db"


def prune_runs(out_dir: Path, kept: int = KEPT_RUNS) -> list[str]:
    """Delete the validation results and Data Docs pages of all but the `kept` latest runs; returns the runs removed.

    Both are folders `<suite name, split at dots>/<run name>/<run time>/` (GX's
    file stores); a run is as recent as its latest run time, and both stages
    of one job run share its run name.
    """
    root = Path(out_dir).resolve() / "gx" / "uncommitted"
    stores = [root / "validations", root / "data_docs" / DOCS_SITE / "validations"]
    runs: dict[str, list[Path]] = {}
    latest: dict[str, str] = {}
    for store in stores:
        for run_time in (p for p in store.rglob("*") if p.is_dir() and RUN_TIME.fullmatch(p.name)):
            name = run_time.parent.name
            runs.setdefault(name, []).append(run_time.parent)
            latest[name] = max(latest.get(name, ""), run_time.name)
    removed = sorted(latest, key=latest.get, reverse=True)[kept:]
    for name in removed:
        for folder in set(runs[name]):
            shutil.rmtree(folder, ignore_errors=True)
    return removed


def _open(out_dir: Path):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # its INFO lines are about its own set-up
    found = gx.get_context(mode="file", project_root_dir=out_dir)
    settings = found.variables
    sites = settings.data_docs_sites
    index = sites[DOCS_SITE]["site_index_builder"]
    bars = settings.progress_bars  # read back from the file as a dict
    if (
        not dict(bars or {}).get("globally", True)
        and settings.config_variables_file_path is None
        and index.get("validation_results_limit") == INDEX_RESULTS
    ):
        return found
    settings.progress_bars = ProgressBarsConfig(globally=False)
    # GX reads and parses the config variables file again at each look-up of a setting, hundreds of times
    # a run; the project uses no variable.
    settings.config_variables_file_path = None
    # The index page reads every result it lists: without a limit, each run's Data Docs take longer than the last.
    index["validation_results_limit"] = INDEX_RESULTS
    settings.data_docs_sites = sites
    settings.save()
    return gx.get_context(mode="file", project_root_dir=out_dir)


def data_source(context, stage: str, database: Path, table_names: list[str]):
    """The stage's SQLite data source with a table asset, and a whole-table batch definition, per table."""
    connection = f"sqlite:///{database}"
    if stage in context.data_sources.all():
        saved = context.data_sources.get(stage)
        if (
            saved.connection_string == connection
            and _assets(saved) == {name: name for name in table_names}
            and all([b.name for b in saved.get_asset(name).batch_definitions] == [stage] for name in table_names)
        ):
            return saved
        # What was saved for the stage names the old assets, which may be gone: it no longer loads.
        _forget(context, stage, set(_assets(saved)) | set(table_names))
    # One call, so the project file is written once rather than once per asset and batch definition.
    assets = [
        {"name": name, "type": "table", "table_name": name, "batch_definitions": [{"name": stage}]}
        for name in table_names
    ]
    return context.data_sources.add_or_update_sqlite(name=stage, connection_string=connection, assets=assets)


def _assets(source) -> dict[str, str]:
    return {asset.name: asset.table_name for asset in source.assets}


def checkpoint(context, stage: str, source, suites: list, result_format: dict) -> tuple[object, list[str]]:
    """The stage's checkpoint over `suites`, each validated on its table's batch, and the suites saved anew.

    Saved parts are reused when they say the same; a suite not saved anew
    needs no new page in Data Docs.
    """
    import great_expectations as gx

    saved = _saved(context.checkpoints, stage)
    if (
        saved is not None
        and saved.result_format == result_format
        and len(saved.validation_definitions) == len(suites)
        and all(_same_definition(d, stage, source, suite) for d, suite in zip(saved.validation_definitions, suites))
    ):
        return saved, []
    rewritten = []
    definitions = []
    for suite in suites:
        saved_suite = _saved(context.suites, suite.name)
        if saved_suite is None or not _same_suite(saved_suite, suite):
            saved_suite = context.suites.add_or_update(suite)
            rewritten.append(suite.name)
        definitions.append(_validation_definition(context, stage, source, saved_suite))
    if saved is not None:
        context.checkpoints.delete(stage)
    return context.checkpoints.add(
        gx.Checkpoint(name=stage, validation_definitions=definitions, result_format=result_format)
    ), rewritten


def _same_definition(saved, stage: str, source, suite) -> bool:
    batch = source.get_asset(suite.name).get_batch_definition(stage)
    return saved.name == f"{suite.name} {stage}" and saved.data.id == batch.id and _same_suite(saved.suite, suite)


def _same_suite(saved, suite) -> bool:
    """Whether the saved suite says what `suite` says; GX's own equality also compares the ids a save gives."""

    def said(s) -> list:
        return [(type(e).__name__, e.dict(exclude={"id", "rendered_content"})) for e in s.expectations]

    return saved.meta == suite.meta and said(saved) == said(suite)


def _validation_definition(context, stage: str, source, suite):
    import great_expectations as gx

    name = f"{suite.name} {stage}"
    batch = source.get_asset(suite.name).get_batch_definition(stage)
    saved = _saved(context.validation_definitions, name)
    if saved is not None and _same_definition(saved, stage, source, suite):
        return saved
    if saved is not None:
        context.validation_definitions.delete(name)
    return context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))


def _saved(factory, name: str):
    """The saved object of that name, or None."""
    from great_expectations.exceptions import DataContextError

    try:
        return factory.get(name)
    except DataContextError:
        return None


def _forget(context, stage: str, table_names: set[str]) -> None:
    """Remove the stage's checkpoint and validation definitions through their stores, without loading them."""
    saved = [(context.checkpoint_store, stage)] + [
        (context.validation_definition_store, f"{name} {stage}") for name in table_names
    ]
    for store, name in saved:
        key = store.get_key(name=name, id=None)
        if store.has_key(key):
            store.remove_key(key)
