"""One Great Expectations checkpoint per stage over every table, its results as `Violation`s, and Data Docs.

The GX project lives in `<out>/gx/` (a file-backed Data Context): the suites,
the validation definitions and the two checkpoints (`preupload`, `live`) are
saved there, every run's validation results under `uncommitted/validations/`,
and Data Docs under `uncommitted/data_docs/local_site/`, made to work offline (`offline.py`).

A checkpoint hands every validation definition the same batch parameters, so
in-memory frames (one per table) cannot go through one checkpoint. Each
stage's batches are therefore written first, as GX is to see them
(`batches.py`), as the tables of `uncommitted/<stage>.db`, a SQLite database
read by a SQL data source named after the stage: a foreign key is then a query
against its parent's table, not a list of the parent's keys copied into every
result and page.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from contracts.errors import ContractError
from contracts.expectations import offline, project
from contracts.expectations.batches import ROW, batch_frame, write_batches
from contracts.expectations.beside import Beside, BesideStopped
from contracts.expectations.suites import (
    FOREIGN_KEY,
    KEY_PRESENT,
    KEY_UNIQUE,
    ROW_COUNT,
    ForeignKeyCheck,
    build_suite,
    foreign_key_checks,
    looked_up,
    personal_columns,
    rows_parameter,
    suite_columns,
)
from contracts.source import line_of
from contracts.table import Table
from contracts.violations import SHOWN_EXAMPLES, Violation, show

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no telemetry leaves the machine

STAGES = ("preupload", "live")
# What GX keeps of a failure: counts, the first rows and their values, no query listing them; a personal column
# keeps no value (see `_forget_personal_values`).
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": SHOWN_EXAMPLES,
    "unexpected_index_column_names": [ROW],
    "return_unexpected_index_query": False,
}
_VALUE_LISTS = ("partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list")


class CheckpointStopped(ContractError):
    """The process running a stage's checkpoint ended without its results."""


@dataclass(frozen=True)
class _Outcome:
    """One expectation's result, as much of it as the messages need."""

    rule: str
    column: str | None
    foreign_key: str | None
    success: bool
    count: int
    rows: tuple
    observed: int | None
    error: str | None


@dataclass
class GxResults:
    """A stage's checkpoint run: failures per table as `Violation`s, and where its Data Docs are."""

    stage: str
    docs_index: Path
    success: bool
    tables: dict[str, Table]
    frames: dict[str, pd.DataFrame]
    row_counts: dict[str, int] | None
    outcomes: dict[str, list[_Outcome]] = field(default_factory=dict)

    def violations(self, table_name: str) -> list[Violation]:
        """Every failed expectation of the table's suite (nothing for a table that had no frame)."""
        table = self.tables[table_name]
        checks = [c for c in foreign_key_checks(tuple(self.tables.values())) if c.table.name == table_name]
        out = [v for check in checks for v in self.foreign_key(check)]
        out += self.row_count(table_name)
        for outcome in self._failed(table_name, KEY_PRESENT, KEY_UNIQUE):
            out.append(self._key_violation(table, outcome))
        return out

    def foreign_key(self, check: ForeignKeyCheck) -> list[Violation]:
        """Rows whose foreign key names no row of the parent."""
        table, fk = check.table, check.fk
        if table.name not in self.frames:
            return []
        if fk.parent not in self.frames:
            return [
                Violation(
                    table.name,
                    table.file,
                    "foreign key",
                    fk.column,
                    len(self.frames[table.name]),
                    f"every {fk.column} to be a {check.parent_column} of {fk.parent}",
                    f"the parent table {fk.parent} could not be read; see its failure",
                )
            ]
        child, parent = self.frames[table.name], self.frames[fk.parent]
        if fk.column not in child.columns or check.parent_column not in parent.columns:
            missing = fk.column if fk.column not in child.columns else f"{fk.parent}.{check.parent_column}"
            return [
                Violation(
                    table.name,
                    table.file,
                    "foreign key",
                    fk.column,
                    len(child),
                    f"a column {missing}",
                    "see the missing-column failure of the same table",
                )
            ]
        out = []
        for outcome in self._failed(table.name, FOREIGN_KEY):
            if outcome.foreign_key != check.label:
                continue
            remedy = (
                'declare on_orphan="quarantine" and run the fixers'
                if fk.on_orphan == "fail"
                else "run the fixers (drop --no-fix); they quarantine these rows"
            ) + f", or add the missing {fk.parent} rows"
            out.append(
                Violation(
                    table.name,
                    table.file,
                    "foreign key",
                    fk.column,
                    outcome.count,
                    f"every {fk.column} to be a {check.parent_column} of {fk.parent}",
                    remedy,
                    self._examples(table, fk.column, outcome.rows),
                )
            )
        return out

    def row_count(self, table_name: str) -> list[Violation]:
        """The table holds exactly the items the ledger accounts for."""
        table = self.tables[table_name]
        out = []
        for outcome in self._failed(table_name, ROW_COUNT):
            expected = self.row_counts[table_name]
            where = f"{table.file} as fixed" if self.stage == "preupload" else "the live table"
            out.append(
                Violation(
                    table.name,
                    table.file,
                    "row count",
                    None,
                    abs(outcome.observed - expected),
                    f"{expected} items as the ledger says ({where} has {outcome.observed})",
                    "compare build/ledger.json with the data; a partial load or a lost row shows here",
                )
            )
        return out

    def _failed(self, table_name: str, *rules: str) -> list[_Outcome]:
        return [o for o in self.outcomes.get(table_name, ()) if o.rule in rules and not o.success]

    def _key_violation(self, table: Table, outcome: _Outcome) -> Violation:
        frame = self.frames[table.name]
        missing = [c for c in table.key if c not in frame.columns]
        if missing:
            return Violation(
                table.name,
                table.file,
                "primary key",
                missing[0],
                len(frame),
                f"a column {missing[0]}",
                "see the missing-column failure of the same table",
            )
        if outcome.rule == KEY_PRESENT:
            return Violation(
                table.name,
                table.file,
                "primary key",
                outcome.column,
                outcome.count,
                "a key in every row",
                "give every row its key, or remove rows that have none",
                self._examples(table, outcome.column, outcome.rows),
            )
        column = "/".join(table.key)
        return Violation(
            table.name,
            table.file,
            "primary key",
            column,
            outcome.count,
            "each key once",
            f"remove the duplicates, or declare a duplicate policy in the {table.name} contract and run the fixers",
            self._examples(table, table.key, outcome.rows),
        )

    def _examples(self, table: Table, column, rows: tuple) -> tuple:
        """(line, value) of the first failing rows, read from the frame the caller gave; personal values masked."""
        frame = self.frames[table.name]
        columns = (column,) if isinstance(column, str) else tuple(column)
        pii = any(c in table.pii for c in columns)
        out = []
        for row in rows[:SHOWN_EXAMPLES]:
            value = "/".join(str(frame.at[row, c]) for c in columns) if len(columns) > 1 else frame.at[row, columns[0]]
            shown = show(value, pii)
            if self.stage == "preupload":
                out.append((line_of(row), shown))
            else:
                key = "/".join(show(frame.at[row, k], k in table.pii) for k in table.key)
                out.append((None, f"item {key}: {shown}"))
        return tuple(out)


def validate(
    stage: str,
    frames: dict[str, pd.DataFrame],
    row_counts: dict[str, int] | None,
    out_dir: Path,
    tables,
    *,
    meanwhile: Callable[[], None] | None = None,
    run_name: str | None = None,
) -> GxResults:
    """Run the stage's checkpoint over every table that has a frame, then build Data Docs.

    `frames` are read as `contracts.source` reads them (before upload: text,
    None for missing, the file line = index + 2) or built from items read back
    (`loaders.dynamodb.items.item_to_row`). `row_counts` are the ledger's items per
    table; a table it has no count for (no ledger: `--no-fix`; or a fixer
    refused the table, so the ledger has no figure) gets no row count check.
    `meanwhile` is work of the caller's, done while the checkpoint runs: in
    another process when the tables hold `BESIDE_ROWS` rows or more, else
    after it. `run_name` (the job's run id) names the results and their Data
    Docs pages; those of the last `project.KEPT_RUNS` runs are kept.
    """
    if stage not in STAGES:
        raise ValueError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    tables = tuple(tables)
    checked = tuple(t.name for t in tables if t.name in frames)
    beside = meanwhile is not None and sum(len(f) for f in frames.values()) >= BESIDE_ROWS
    with Beside((__name__, "great_expectations")) if beside else nullcontext() as other:
        database = project.database(Path(out_dir), stage)
        secret = secrets.token_bytes(32)
        write_batches(
            {
                t.name: batch_frame(
                    t, frames.get(t.name), suite_columns(t, tables), personal_columns(t, tables), secret
                )
                for t in tables
            },
            database,
            {t.name: looked_up(t, tables) for t in tables},
        )
        parameters = {rows_parameter(name): int(count) for name, count in (row_counts or {}).items()}
        run = (Path(out_dir), stage, database, tables, checked, frozenset(row_counts or ()), parameters, run_name)
        if other is None:
            success, outcomes, index = _checkpoint(*run)
            if meanwhile is not None:
                meanwhile()
        else:
            other.call(_checkpoint, *run)
            meanwhile()
            try:
                success, outcomes, index = other.result()
            except BesideStopped as error:
                raise CheckpointStopped(
                    f"the {stage} checkpoint's process stopped: {error}; when it was killed (-9), "
                    "it is most often for lack of memory: run where there is more, or split the export"
                ) from None
    return GxResults(stage, index, success, {t.name: t for t in tables}, frames, row_counts, outcomes)


# Rows from which the checkpoint runs in another process: below, starting one (it imports GX, about 3 s of a
# core) costs more than running the checkpoint and the caller's work one after the other. The checkpoint's time
# is mostly SQLite's and GX's, the caller's (the pandera checks) pandas': on two cores, one each. GX is then
# imported by that process only.
BESIDE_ROWS = 500_000


def _checkpoint(
    out_dir: Path,
    stage: str,
    database: Path,
    tables: tuple[Table, ...],
    checked: tuple[str, ...],
    counted: frozenset[str],
    parameters: dict[str, int],
    run_name: str | None = None,
) -> tuple[bool, dict[str, list[_Outcome]], Path]:
    """The stage's checkpoint over the `checked` tables of `database`, run in this process or in another.

    Returns its success, each suite's outcomes and the Data Docs index.
    """
    context = project.context(out_dir)
    source = project.data_source(context, stage, database, [t.name for t in tables])
    suites = [build_suite(t, tables, ledger=t.name in counted) for t in tables if t.name in checked]
    checkpoint, rewritten = project.checkpoint(context, stage, source, suites, RESULT_FORMAT)
    from great_expectations.core.run_identifier import RunIdentifier

    # The time given: without it GX reads one out of the run name, and 20261207T001234Z-3f9a is no date it can use.
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
    result = checkpoint.run(expectation_parameters=parameters, run_id=run_id)
    outcomes = {}
    for identifier, suite_result in result.run_results.items():
        table = next(t for t in tables if t.name == suite_result.suite_name)
        outcomes[table.name] = [_outcome(r) for r in suite_result.results]
        _forget_personal_values(context, identifier, suite_result, personal_columns(table, tables))
    # Before the index is built, which lists what the store holds.
    project.prune_runs(Path(out_dir))
    docs = context.build_data_docs(
        site_names=[project.DOCS_SITE], resource_identifiers=_docs_resources(result, rewritten)
    )
    index = Path(docs[project.DOCS_SITE].removeprefix("file://"))
    offline.make_offline(index.parent)
    return bool(result.success), outcomes, index


def _outcome(result) -> _Outcome:
    config = result.expectation_config
    details = result.result or {}
    info = result.exception_info or {}
    rows = tuple(entry[ROW] for entry in details.get("partial_unexpected_index_list") or ())
    return _Outcome(
        rule=config.meta["rule"],
        column=config.kwargs.get("column"),
        foreign_key=config.meta.get("foreign_key"),
        success=bool(result.success),
        count=int(details.get("unexpected_count") or 0),
        rows=rows,
        observed=details.get("observed_value"),
        error=info.get("exception_message") if info.get("raised_exception") else None,
    )


def _forget_personal_values(context, identifier, suite_result, personal: frozenset[str]) -> None:
    """Drop the value lists GX kept for personal columns (hashes already) before Data Docs render them."""
    changed = False
    for result in suite_result.results:
        if result.expectation_config.kwargs.get("column") in personal and result.result:
            for name in _VALUE_LISTS:
                changed |= result.result.pop(name, None) is not None
    if changed:
        context.validation_results_store.set(identifier, suite_result)


def _docs_resources(result, rewritten: list[str]) -> list:
    """This run's validation results, and the pages of the suites saved anew (the others are already rendered)."""
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    return list(result.run_results) + [ExpectationSuiteIdentifier(name=name) for name in rewritten]
