"""The pytest plugin of the data contracts, registered by the `pytest11` entry point in pyproject.toml.

Installed with the project, it is loaded before pytest reads the command
line, so every option works as pytest's own do (`--data-dir=PATH`). In other
projects' test suites it is a guest: it only registers its options, markers
and `contracts_*` fixtures. A run becomes the tool's when it names contracts,
an export or a rollback (`--contracts`, `--data-dir`, `--rollback`, or the ini
keys `contracts`, `data_dir`): then it reads the contracts into one frozen
`Settings`, collects its own suites (`plugin.suites`) and parametrises them
(and only them) by table, file, foreign key, GSI and query pattern, and writes
the summary into the terminal, report.html and run.json.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _pytest.junitxml import xml_key  # where record_testsuite_property finds the junit reporter

from contracts.errors import ContractError
from contracts.expectations import foreign_key_checks
from contracts.queries import query_patterns
from loaders.dynamodb.endpoint import shown
from pipeline.preflight import deployment_problem, export_problem
from pipeline.stages import OutDirBusy
from plugin.fixtures import (
    PUBLISH_FAILED,
    RUN,
    contracts_dataset,
    contracts_deployment,
    contracts_dynamodb,
    contracts_dynamodb_endpoint,
    contracts_gate_result,
    contracts_live_expectations,
    contracts_run_record,
    contracts_settings,
    explained,
    hold_out_dir,
    unwritable,
)
from plugin.interrupt import STOPPED_BY, stop_on_signals, stopped_line
from plugin.options import SETTINGS, addoption, is_run, make_settings
from plugin.rollback import rollback_problems, run_rollback
from plugin.rootdir import moved_setup
from plugin.suites import SUITES
from reporting.record import RunRecord
from reporting.redact import safe_metadata
from reporting.summary import render
from reporting.terminal import SHOWN_REASONS, summary_lines
from reporting.verdict import named, verdict

__all__ = [
    "contracts_dataset",
    "contracts_deployment",
    "contracts_dynamodb",
    "contracts_dynamodb_endpoint",
    "contracts_gate_result",
    "contracts_live_expectations",
    "contracts_run_record",
    "contracts_settings",
]

MARKERS = {
    "preupload": "contract checks on the CSVs, before anything is written to DynamoDB (pytest -m preupload)",
    "live": "checks of the tables in DynamoDB, over HTTP, after the sync (pytest -m live --html=report.html)",
    "performance": "GSI queries against the same question answered by a Scan; asserts read counts, records latencies",
    "protection": "live checks that need DynamoDB's protection and backup APIs (deletion protection, encryption, PITR), "
    "reported as not checked on a server without them (dynalite)",
}
MARKER_ORDER = ("preupload", "live", "performance")
# Whether one of the job's own checks is running: its assertion diffs are then told without values.
IN_OUR_CHECK = pytest.StashKey[bool]()
# The exit status of a --rollback run, which runs no test.
ROLLBACK_STATUS = pytest.StashKey[int]()
# Whether the endpoint fixture is up: the local server a run starts runs from then until its teardown.
ENDPOINT_UP = pytest.StashKey[bool]()
STAGE_OF_MARKER = {"preupload": "pre-upload checks", "live": "live checks", "performance": "performance checks"}


def pytest_addoption(parser: pytest.Parser) -> None:
    addoption(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    moved = moved_setup(config)
    if moved:
        raise pytest.UsageError(moved)
    if not is_run(config):
        return
    try:
        settings = make_settings(config)
    except ContractError as error:
        raise pytest.UsageError(str(error)) from None
    problems = settings.problems() or _export_problems(config, settings)
    if problems:
        # Refused before any fixture runs, so nothing is touched.
        raise pytest.UsageError("\n".join(problems))
    config.stash[SETTINGS] = settings
    config.stash[RUN] = RunRecord(
        registry=settings.registry,
        endpoint=_shown_endpoint(settings),
        target=_target(settings),
        run_id=settings.run_id,
        plan_only=settings.plan_only,
    )
    if config.args_source != pytest.Config.ArgsSource.ARGS and str(SUITES) not in config.args:
        # No test paths named: the run is the job's suites (beside the folder's own tests, if it has any).
        config.args.append(str(SUITES))


def _export_problems(config: pytest.Config, settings) -> list[str]:
    """An export folder that is not there, or that holds none of the files the contracts declare: say so at once.

    A rollback reads no export, but the run it names must be in the out dir.
    """
    if settings.rollback:
        return rollback_problems(config, settings)
    folder, registry = settings.data_dir, settings.registry
    if not folder.is_dir():
        return [f"--data-dir {folder} is not a folder: point it at the CSV export (ini: data_dir)"]
    files = {p.name for p in folder.glob("*.csv")}
    if files and not files & (registry.by_file.keys() | registry.not_tables_by_file.keys()):
        return [
            f"none of the {len(files)} CSV files in {folder} is declared by the contracts {registry.source}: name "
            "your contracts module with --contracts (ini: contracts), or draft one with `dynamodb-contracts draft "
            f"{folder}`"
        ]
    return []


def pytest_collection_finish(session: pytest.Session) -> None:
    """The preflight, once the tests are chosen and before any runs: the out dir is free and writable, the export
    holds CSV files and, when a selected test plans, syncs or checks live tables, the deployment answers.

    A fault stops the run at once (exit 4) with one line naming the cause and the remedy; run.json says so,
    unless the out dir is the fault. A run of the pre-upload checks alone needs no server.
    """
    config = session.config
    settings = config.stash.get(SETTINGS, None)
    ours = [item for item in session.items if _ours(item.path)]
    if settings is None or settings.rollback or not ours:
        return
    try:
        hold_out_dir(config, settings.out_dir)
    except OutDirBusy as busy:
        raise pytest.UsageError(str(busy)) from None
    except OSError as error:
        raise pytest.UsageError(unwritable(error, settings.out_dir)) from None
    live = any(item.get_closest_marker(marker) for item in ours for marker in ("live", "performance"))
    problem = export_problem(settings) or (deployment_problem(settings) if live else None)
    if problem:
        try:
            config.stash[RUN].refuse(settings.out_dir / "run.json", problem)
        except OSError:
            pass  # the refusal is on the terminal; a record that cannot be written adds nothing to it
        raise pytest.UsageError(problem)
    stop_on_signals(config)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> bool | None:
    """--rollback restores a deployment and stops: it is not a test run, so nothing is collected."""
    settings = session.config.stash.get(SETTINGS, None)
    if settings is None or not settings.rollback:
        return None
    session.config.stash[ROLLBACK_STATUS] = run_rollback(session.config, settings, _target(settings))
    return True


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


def _ours(path) -> bool:
    """Whether a test module is one of the job's suites: the plugin parametrises and shortens nothing else."""
    return Path(path).resolve().parent == SUITES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise the job's suites by table, file, foreign key, GSI and query pattern, with readable ids."""
    if not _ours(metafunc.definition.path) or SETTINGS not in metafunc.config.stash:
        return
    settings = metafunc.config.stash[SETTINGS]
    tables = settings.registry.tables
    names = metafunc.fixturenames
    if "table" in names:
        metafunc.parametrize("table", tables, ids=[t.name for t in tables])
    if "fk_check" in names:
        checks = foreign_key_checks(tables)
        metafunc.parametrize("fk_check", checks, ids=[c.label for c in checks])
    if "csv_file" in names:
        files = sorted(p.name for p in settings.data_dir.glob("*.csv")) if settings.data_dir.is_dir() else []
        metafunc.parametrize("csv_file", files, ids=files)
    if "ledger_table" in names:
        metafunc.parametrize("ledger_table", tables, ids=[t.name for t in tables])
    if "expiring_table" in names:
        expiring = [t for t in tables if t.expiry is not None]
        metafunc.parametrize("expiring_table", expiring, ids=[t.name for t in expiring])
    if "gsi" in names:
        pairs = [(t, i) for t in tables for i in t.indexes]
        metafunc.parametrize("gsi", pairs, ids=[f"{t.name}.{i.name}" for t, i in pairs])
    if "pattern" in names:
        patterns = query_patterns(tables)
        metafunc.parametrize("pattern", patterns, ids=[p.label for p in patterns])


def _table_of(item: pytest.Item) -> str | None:
    params = getattr(item, "callspec", None)
    if params is None:
        return None
    for name, value in params.params.items():
        if name in ("table", "ledger_table", "expiring_table"):
            return value.name
        if name == "fk_check":
            return value.table.name
        if name == "gsi":
            return value[0].name
        if name == "pattern":
            return value.table
    return None


def _stage(item: pytest.Item) -> int:
    if not _ours(item.path):
        return -1
    return next((n for n, marker in enumerate(MARKER_ORDER) if item.get_closest_marker(marker)), -1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Self-tests first, then pre-upload, live and performance checks, in the order the job does them.

    With --no-fix there is no ledger, so the ledger checks are deselected (not skipped); so are the expiry
    checks when no table declares an expiry (pytest would otherwise report an empty parameter set as skipped).
    """
    if SETTINGS not in config.stash:
        return
    items.sort(key=_stage)
    if not any(t.expiry for t in config.stash[SETTINGS].registry.tables):
        unused = [i for i in items if _ours(i.path) and "expiring_table" in getattr(i, "fixturenames", ())]
        if unused:
            config.hook.pytest_deselected(items=unused)
            items[:] = [i for i in items if i not in unused]
    if not config.stash[SETTINGS].fix:
        dropped = [i for i in items if _ours(i.path) and "ledger_table" in getattr(i, "fixturenames", ())]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if i not in dropped]


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    """Note when the endpoint is up, for the line on a stopped run."""
    value = yield
    if fixturedef.argname == "contracts_dynamodb_endpoint":
        request.config.stash[ENDPOINT_UP] = True
    return value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A request a live check makes that the server refuses (access denied, say) fails with one line, not botocore's traceback.

    While one of the job's own checks runs, its assertions print no compared value (pytest_assertrepr_compare).
    """
    if not _ours(item.path):
        return (yield)
    item.config.stash[IN_OUR_CHECK] = True
    try:
        if not any(item.get_closest_marker(marker) for marker in ("live", "performance")):
            return (yield)
        with explained(item.config.stash[RUN].endpoint, item.config.stash[SETTINGS].endpoint_url):
            return (yield)
    except KeyboardInterrupt:
        record = item.config.stash[RUN]
        # A check's own work (not a stage's fixture) was under way: the stage is its marker's.
        record.interrupted = record.interrupted or next(
            (stage for marker, stage in STAGE_OF_MARKER.items() if item.get_closest_marker(marker)), None
        )
        raise
    finally:
        item.config.stash[IN_OUR_CHECK] = False


def _described(value) -> str:
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    size = f" of {len(value)}" if hasattr(value, "__len__") else ""
    return f"a {type(value).__name__}{size}"


def pytest_assertrepr_compare(config: pytest.Config, op: str, left, right) -> list[str] | None:
    """In the job's own checks a failed comparison shows the shapes compared, never the values: an item or a row
    may hold personal data, which every message of the job masks. The checks name what differs themselves."""
    if not config.stash.get(IN_OUR_CHECK, False):
        return None
    return [f"{_described(left)} {op} {_described(right)} (values not shown: they may hold personal data)"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Note each check's outcome against its table, for the summary's verdicts."""
    report = yield
    record = item.config.stash.get(RUN, None)
    if record is None or not _ours(item.path):
        return report
    if report.when == "call" or report.failed:
        record.note(item.name, _table_of(item), report.outcome, str(call.excinfo.value) if call.excinfo else "")
    if report.when == "call":
        for marker, stage in STAGE_OF_MARKER.items():
            if item.get_closest_marker(marker):
                record.stages[stage] += report.duration
    return report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The verdict, the reasons, the figures and the stage times, in a few lines (a run of the job only); then a
    failure to publish the figures, as a warning."""
    record = config.stash.get(RUN, None)
    if record is not None and record.stages:
        report = getattr(config.option, "htmlpath", None)
        # Where the reasons the terminal leaves out are: the report asked for, else run.json (always written).
        for line in summary_lines(record, report or str(config.stash[SETTINGS].out_dir / "run.json")):
            terminalreporter.write_line(line)
    if PUBLISH_FAILED in config.stash:
        terminalreporter.write_line(
            f"warning: the run's figures were {config.stash[PUBLISH_FAILED]} (the verdict and exit status stand)",
            yellow=True,
        )


# Before junitxml's and pytest-html's own sessionfinish, which write their files.
@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    """run.json says whether the run finished: an interrupted run leaves `finished: false`.

    With --detailed-exitcode the exit status is the plan's, as terraform's: 0 nothing to change, 2 changes
    pending (items, table actions or alarms), 1 an error (whatever pytest would have answered instead). The
    junit file's properties carry the run id and the verdict.
    """
    record = session.config.stash.get(RUN, None)
    if record is None:
        return
    if ROLLBACK_STATUS in session.config.stash:
        session.exitstatus = session.config.stash[ROLLBACK_STATUS]
        return
    if record.stages:
        _finish(session, record, exitstatus)
        # The checks of a blocked table are skipped, not failed: the run fails all the same, as the README says.
        if session.exitstatus == pytest.ExitCode.OK and verdict(record).blocked:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if session.config.stash[SETTINGS].detailed_exitcode:
        session.exitstatus = _plan_status(session, record)
    _junit_properties(session.config, record)


def _junit_properties(config: pytest.Config, record: RunRecord) -> None:
    """The run id and the verdict as the junit file's testsuite properties, as `record_testsuite_property` adds them.

    That fixture is for a test to call; the verdict is known only at the end of the session, so the same
    reporter (junitxml's, kept in the config's stash) is given them here.
    """
    xml = config.stash.get(xml_key, None)
    if xml is None:
        return
    decision = verdict(record)
    xml.add_global_property("run_id", record.run_id)
    xml.add_global_property("verdict", decision.word)
    xml.add_global_property("deploy", str(decision.deploy).lower())
    xml.add_global_property("live_checked", str(decision.live_checked).lower())
    for reason in decision.reasons[:SHOWN_REASONS]:
        xml.add_global_property("reason", (named(reason.tables) + ": " if reason.tables else "") + reason.text)


def _plan_status(session: pytest.Session, record: RunRecord) -> int:
    if session.exitstatus != pytest.ExitCode.OK:
        return 1
    if record.plan is None:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            "no plan was made, so --detailed-exitcode cannot tell whether changes are pending: run the live suite (-m live)"
        )
        return 1
    decision = verdict(record)
    if not decision.deploy:
        return 1
    return 2 if decision.pending or decision.pending_alarms else 0


def _finish(session: pytest.Session, record: RunRecord, exitstatus) -> None:
    settings = session.config.stash[SETTINGS]
    path = settings.out_dir / "run.json"
    try:
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            # The server is named only if it was started: a stop in the fix or the gate comes before it.
            started = settings.starts_server and session.config.stash.get(ENDPOINT_UP, False)
            server = settings.server if started else None
            # A stop in the live checks comes after their progress dots, which no newline has ended yet.
            if session.config.get_terminal_writer().width_of_current_line:
                session.config.get_terminal_writer().line()
            session.config.pluginmanager.get_plugin("terminalreporter").write_line(
                stopped_line(record, session.config.stash.get(STOPPED_BY, None), server)
            )
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
    settings = config.stash.get(SETTINGS, None)
    if settings is None:
        return
    safe_metadata(metadata, {"DynamoDB": _shown_endpoint(settings), "Table prefix": settings.table_prefix or "(none)"})


@pytest.hookimpl(optionalhook=True)
def pytest_html_report_title(report) -> None:
    # pytest-html hands this hook no config but its report's own; another project's report keeps its title.
    config = getattr(report, "_config", None)
    if config is not None and config.stash.get(SETTINGS, None) is not None:
        report.title = "DynamoDB data contracts"


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(prefix: list, summary: list, postfix: list, session: pytest.Session) -> None:
    record = session.config.stash.get(RUN, None)
    if record is None:
        return
    report = getattr(session.config.option, "htmlpath", None)
    if record.data_docs and report:
        # One Data Docs site holds both checkpoints' results; the link is relative, so the folder can be moved whole.
        docs = next(iter(record.data_docs.values()))
        record.gx_docs = os.path.relpath(docs, Path(report).resolve().parent)
    prefix.append(render(record))
