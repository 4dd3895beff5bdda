"""The pytest plugin of the data contracts, registered by the `pytest11` entry point in pyproject.toml.

Installed with the project, it is loaded before pytest reads the command
line, so every option works as pytest's own do (`--data-dir PATH` or
`--data-dir=PATH`). It adds the options (`plugin.options`), makes them one
frozen `Settings` at start-up, registers the markers, provides one session
fixture per stage of the job (`plugin.fixtures`, which call `pipeline`),
parametrises the suites by table, file, foreign key, GSI and query pattern,
and writes the summary into the terminal, report.html and run.json.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from contracts import TABLES
from contracts.errors import ContractError
from contracts.expectations import foreign_key_checks
from contracts.queries import query_patterns
from loaders.endpoint import shown
from pipeline import stages
from plugin.fixtures import (
    RUN,
    dataset,
    deployment,
    dynamodb,
    dynamodb_endpoint,
    explained,
    gate_result,
    live_expectations,
    run_record,
    settings,
    unwritable,
)
from plugin.options import SETTINGS, addoption, make_settings
from reporting.record import RunRecord
from reporting.redact import safe_metadata
from reporting.summary import render
from reporting.terminal import summary_lines

__all__ = ["dataset", "deployment", "dynamodb", "dynamodb_endpoint", "gate_result", "live_expectations", "run_record", "settings"]

MARKERS = {
    "preupload": "contract checks on the CSVs, before anything is written to DynamoDB (pytest -m preupload)",
    "live": "checks of the tables in DynamoDB, over HTTP, after the sync (pytest -m live --html=report.html)",
    "performance": "GSI queries against the same question answered by a Scan; asserts read counts, records latencies",
    "protection": "live checks that need DynamoDB's protection and backup APIs (deletion protection, encryption, PITR), "
                  "which dynalite does not implement: its run deselects them",
}
MARKER_ORDER = ("preupload", "live", "performance")
STAGE_OF_MARKER = {"preupload": "pre-upload checks", "live": "live checks", "performance": "performance checks"}


def pytest_addoption(parser: pytest.Parser) -> None:
    addoption(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    settings = make_settings(config)
    problems = settings.problems()
    if problems:
        # Refused before any fixture runs, so nothing is touched.
        raise pytest.UsageError("\n".join(problems))
    config.stash[SETTINGS] = settings
    config.stash[RUN] = RunRecord(endpoint=_shown_endpoint(settings), target=_target(settings), run_id=settings.run_id)


def pytest_sessionstart(session: pytest.Session) -> None:
    """--rollback restores a deployment and stops: it is not a test run."""
    settings = session.config.stash[SETTINGS]
    if not settings.rollback:
        return
    try:
        client = stages.connect(settings, settings.endpoint_url)
        restored = stages.roll_back(client, settings, settings.rollback)
    except (OSError, ContractError, BotoCoreError, ClientError) as error:
        raise pytest.UsageError(f"--rollback={settings.rollback}: {error}") from None
    lines = [f"{r.name}: {r.restored} items put back, {r.removed} created items deleted" if r.backup is None
             else f"{r.name}: migrated; restore it from backup {r.backup} (RestoreTableFromBackup)" for r in restored]
    pytest.exit("rolled back run " + settings.rollback + ":\n  " + "\n  ".join(lines), returncode=0)


def _target(settings) -> str:
    """What the deployment is, as a person names it: never the ephemeral port of a server the run started."""
    prefix = f", prefix {settings.table_prefix}" if settings.table_prefix else ""
    if settings.aws:
        return "AWS" + prefix
    if settings.endpoint_url:
        return shown(settings.endpoint_url) + prefix
    return f"a local {settings.server} server (ephemeral)" + prefix


def _shown_endpoint(settings) -> str:
    if settings.starts_server:
        return f"a local {settings.server} server started on 127.0.0.1"
    return shown(settings.endpoint_url)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise the suites by table, file, foreign key, GSI and query pattern, with readable ids."""
    names = metafunc.fixturenames
    if "table" in names:
        metafunc.parametrize("table", TABLES, ids=[t.name for t in TABLES])
    if "fk_check" in names:
        checks = foreign_key_checks(TABLES)
        metafunc.parametrize("fk_check", checks, ids=[c.label for c in checks])
    if "csv_file" in names:
        data_dir = metafunc.config.stash[SETTINGS].data_dir
        files = sorted(p.name for p in data_dir.glob("*.csv")) if data_dir.is_dir() else []
        metafunc.parametrize("csv_file", files, ids=files)
    if "ledger_table" in names:
        metafunc.parametrize("ledger_table", TABLES, ids=[t.name for t in TABLES])
    if "gsi" in names:
        pairs = [(t, i) for t in TABLES for i in t.indexes]
        metafunc.parametrize("gsi", pairs, ids=[f"{t.name}.{i.name}" for t, i in pairs])
    if "pattern" in names:
        patterns = query_patterns()
        metafunc.parametrize("pattern", patterns, ids=[p.label for p in patterns])


def _table_of(item: pytest.Item) -> str | None:
    params = getattr(item, "callspec", None)
    if params is None:
        return None
    for name, value in params.params.items():
        if name in ("table", "ledger_table"):
            return value.name
        if name == "fk_check":
            return value.table.name
        if name == "gsi":
            return value[0].name
        if name == "pattern":
            return value.table
    return None


def _stage(item: pytest.Item) -> int:
    return next((n for n, marker in enumerate(MARKER_ORDER) if item.get_closest_marker(marker)), -1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Self-tests first, then pre-upload, live and performance checks, in the order the job does them.

    With --no-fix there is no ledger, so the ledger checks are deselected (not skipped).
    """
    items.sort(key=_stage)
    if not config.stash[SETTINGS].fix:
        dropped = [i for i in items if "ledger_table" in getattr(i, "fixturenames", ())]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if i not in dropped]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A request a live check makes that the server refuses (access denied, say) fails with one line, not botocore's traceback."""
    if not any(item.get_closest_marker(marker) for marker in ("live", "performance")):
        return (yield)
    with explained(item.config.stash[RUN].endpoint, item.config.stash[SETTINGS].endpoint_url):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Note each check's outcome against its table, for the summary's verdicts."""
    report = yield
    record = item.config.stash[RUN]
    if report.when == "call" or report.failed:
        record.note(item.name, _table_of(item), report.outcome, str(call.excinfo.value) if call.excinfo else "")
    if report.when == "call":
        for marker, stage in STAGE_OF_MARKER.items():
            if item.get_closest_marker(marker):
                record.stages[stage] += report.duration
    return report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The verdict, the reasons, the figures and the stage times, in a few lines (a run of the job only)."""
    record = config.stash[RUN]
    if record.stages:
        for line in summary_lines(record):
            terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    """run.json says whether the run finished: an interrupted run leaves `finished: false`."""
    record = session.config.stash.get(RUN, None)
    if record is None or not record.stages:
        return
    path = session.config.stash[SETTINGS].out_dir / "run.json"
    try:
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            record.write(path)
        else:
            record.finish(path)
    except OSError as error:
        # The disk filled up during the run: say so in one line rather than in an internal error's traceback.
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(unwritable(error, path.parent))
        # A run whose record says "not finished" must not pass a CI gate either.
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_metadata(metadata: dict, config: pytest.Config) -> None:
    """The report's environment: an allow-list, so no CI token or credential can show."""
    settings = config.stash[SETTINGS]
    safe_metadata(metadata, {"DynamoDB": _shown_endpoint(settings), "Table prefix": settings.table_prefix or "(none)"})


@pytest.hookimpl(optionalhook=True)
def pytest_html_report_title(report) -> None:
    report.title = "DynamoDB data contracts"


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(prefix: list, summary: list, postfix: list, session: pytest.Session) -> None:
    record = session.config.stash[RUN]
    report = getattr(session.config.option, "htmlpath", None)
    if record.data_docs and report:
        # One Data Docs site holds both checkpoints' results; the link is relative, so the folder can be moved whole.
        docs = next(iter(record.data_docs.values()))
        record.gx_docs = os.path.relpath(docs, Path(report).resolve().parent)
    prefix.append(render(record))
