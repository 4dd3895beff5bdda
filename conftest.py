"""The pytest plugin: command-line options, the settings they make, and the session fixtures.

`pytest -m preupload` fixes the export (unless --no-fix) and checks every table
against its contract. `pytest -m live` does the same, loads the tables that
pass into DynamoDB (a moto server started here, --endpoint-url, or --aws) and
checks what is live; `-m performance` compares GSI queries with scans. Options
are read once into a frozen `Settings`.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from contracts import TABLES
from contracts.errors import ContractError
from contracts.expectations import foreign_key_checks
from contracts.gate import gate
from contracts.queries import query_patterns
from fixers.dataset import Dataset, load_dataset
from loaders.client import make_client
from loaders.errors import DestroyRefused
from loaders.guard import install_guard
from loaders.load import load_tables
from loaders.progress import table_progress
from loaders.server import MotoServer
from loaders.tables import check_destroy_allowed
from reporting.record import RunRecord
from reporting.redact import safe_endpoint, safe_metadata
from reporting.summary import render

ROOT = Path(__file__).parent
RUN = pytest.StashKey[RunRecord]()
MARKER_ORDER = ("preupload", "live", "performance")
STAGE_OF_MARKER = {"preupload": "pre-upload checks", "live": "live checks", "performance": "performance checks"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    out_dir: Path
    fix: bool
    endpoint_url: str | None
    aws: bool
    table_prefix: str
    load: bool
    recreate: bool
    allow_destroy: bool
    workers: int


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "data contracts")
    group.addoption("--data-dir", type=Path, default=ROOT / "data" / "raw", help="folder of the CSV export to check (default: data/raw)")
    group.addoption("--out-dir", type=Path, default=ROOT / "build", help="where fixed files, quarantine and ledger.json go (default: build)")
    group.addoption("--no-fix", action="store_true", help="check the files as they are, without running the fixers")
    group = parser.getgroup("dynamodb", "where the live suite loads and checks")
    group.addoption("--endpoint-url", default=None,
                    help="a DynamoDB-compatible endpoint to use instead of starting a local moto server "
                         "(default: $AWS_ENDPOINT_URL_DYNAMODB or $AWS_ENDPOINT_URL)")
    group.addoption("--aws", action="store_true", help="use AWS itself, through the standard credential chain and region")
    group.addoption("--table-prefix", default="", help="prefix of every table name, e.g. staging- for staging-flights")
    group.addoption("--no-load", action="store_true", help="load nothing: check the deployment as it is")
    group.addoption("--recreate", action="store_true", help="delete and recreate each table before loading (loopback endpoints only)")
    group.addoption("--allow-destroy", action="store_true", help="allow --recreate against a non-loopback endpoint or AWS")
    group.addoption("--workers", type=int, default=8, help="parallel BatchWriteItem workers (default: 8)")


def _settings(config: pytest.Config) -> Settings:
    endpoint = config.getoption("--endpoint-url")
    from_environment = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
    if config.getoption("--aws") and (endpoint or from_environment):
        raise pytest.UsageError("--aws goes to AWS itself: drop --endpoint-url and unset AWS_ENDPOINT_URL(_DYNAMODB)")
    return Settings(
        data_dir=config.getoption("--data-dir").resolve(),
        out_dir=config.getoption("--out-dir").resolve(),
        fix=not config.getoption("--no-fix"),
        endpoint_url=endpoint or from_environment,
        aws=config.getoption("--aws"),
        table_prefix=config.getoption("--table-prefix"),
        load=not config.getoption("--no-load"),
        recreate=config.getoption("--recreate"),
        allow_destroy=config.getoption("--allow-destroy"),
        workers=config.getoption("--workers"),
    )


def pytest_configure(config: pytest.Config) -> None:
    settings = _settings(config)
    if settings.recreate and (settings.endpoint_url or settings.aws):
        # Refused before any fixture runs, so nothing is touched.
        try:
            check_destroy_allowed(settings.endpoint_url, settings.recreate, settings.allow_destroy)
        except DestroyRefused as refused:
            raise pytest.UsageError(str(refused)) from None
    config.stash[RUN] = RunRecord(endpoint=_shown_endpoint(settings))


def _shown_endpoint(settings: Settings) -> str:
    if settings.aws or settings.endpoint_url:
        return safe_endpoint(settings.endpoint_url)
    return "a moto server started on 127.0.0.1"


@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def run_record(pytestconfig: pytest.Config) -> RunRecord:
    """What the run learns, for the report's summary."""
    return pytestconfig.stash[RUN]


@pytest.fixture(scope="session")
def dataset(settings: Settings, run_record: RunRecord) -> Dataset:
    """The tables to check: the fixers' output, or with --no-fix the export as it is."""
    if not settings.data_dir.is_dir():
        pytest.exit(f"--data-dir {settings.data_dir} is not a folder; point it at the CSV export", returncode=4)
    with run_record.timed("fix" if settings.fix else "read"), explained(str(settings.data_dir)):
        data = load_dataset(settings.data_dir, settings.out_dir, fix=settings.fix)
    run_record.ledger = data.ledger
    return data


@contextmanager
def explained(where: str):
    """Fail with the error's own message, not a traceback from deep inside botocore."""
    __tracebackhide__ = True
    try:
        yield
    except ContractError as error:
        raise pytest.fail.Exception(str(error), pytrace=False) from None
    except (BotoCoreError, ClientError) as error:
        hint = "Check --endpoint-url or --aws, the region and the credentials."
        raise pytest.fail.Exception(f"DynamoDB at {where}: {error}. {hint}", pytrace=False) from None


@pytest.fixture(scope="session")
def dynamodb_endpoint(settings: Settings):
    """The endpoint URL (None for AWS). By default a moto server on 127.0.0.1, always stopped."""
    if settings.aws or settings.endpoint_url:
        yield settings.endpoint_url
        return
    with explained("127.0.0.1"), MotoServer(settings.out_dir / "moto_server.log") as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="session")
def dynamodb(settings: Settings, dynamodb_endpoint, run_record: RunRecord):
    """A DynamoDB client whose every request is held to AWS's rules first."""
    run_record.endpoint = safe_endpoint(dynamodb_endpoint)
    with explained(run_record.endpoint):
        client = make_client(dynamodb_endpoint, aws=settings.aws, workers=settings.workers)
    install_guard(client)
    return client


@dataclass(frozen=True)
class Deployment:
    """What the live suite checks: which tables were meant to be loaded, under which names."""

    client: object
    prefix: str
    loaded: tuple[str, ...]

    def name(self, table) -> str:
        return self.prefix + table.name


@pytest.fixture(scope="session")
def deployment(settings: Settings, dataset: Dataset, dynamodb, run_record: RunRecord, pytestconfig) -> Deployment:
    """Load every table that passes the pre-upload gate (unless --no-load); a blocked table is named with why."""
    with run_record.timed("gate"):
        verdicts = gate(TABLES, dataset.frames, dataset.errors)
    run_record.blocked = {name: reasons for name, reasons in verdicts.items() if reasons}
    loadable = [t for t in TABLES if not verdicts[t.name]]
    if settings.load and loadable:
        capture = pytestconfig.pluginmanager.getplugin("capturemanager")
        # Progress goes to the terminal, not into a test's capture.
        with capture.global_and_fixture_disabled(), run_record.timed("load"), explained(run_record.endpoint):
            reports = load_tables(dynamodb, loadable, dataset.folder, settings.table_prefix, settings.workers,
                                  progress=table_progress, recreate=settings.recreate, allow_destroy=settings.allow_destroy)
        run_record.loads = {t.name: r for t, r in zip(loadable, reports, strict=False)}
    return Deployment(dynamodb, settings.table_prefix, tuple(t.name for t in loadable))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise the suites by table, file, foreign key, GSI and query pattern, with readable ids."""
    names = metafunc.fixturenames
    if "table" in names:
        metafunc.parametrize("table", TABLES, ids=[t.name for t in TABLES])
    if "fk_check" in names:
        checks = foreign_key_checks(TABLES)
        metafunc.parametrize("fk_check", checks, ids=[c.label for c in checks])
    if "csv_file" in names:
        data_dir = _settings(metafunc.config).data_dir
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
    if not _settings(config).fix:
        dropped = [i for i in items if "ledger_table" in getattr(i, "fixturenames", ())]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if i not in dropped]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Note each check's outcome against its table, for the summary's verdicts."""
    report = yield
    record = item.config.stash[RUN]
    table = _table_of(item)
    if table and (report.when == "call" or report.failed):
        record.outcomes[table].append(report.outcome)
    if report.when == "call":
        for marker, stage in STAGE_OF_MARKER.items():
            if item.get_closest_marker(marker):
                record.stages[stage] += report.duration
    return report


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    stages = config.stash[RUN].stage_times()
    if stages:
        terminalreporter.write_line("stages: " + " | ".join(f"{name} {seconds:.1f} s" for name, seconds in stages))


def pytest_sessionfinish(session: pytest.Session) -> None:
    record = session.config.stash.get(RUN, None)
    if record is not None and record.stages:
        record.write(_settings(session.config).out_dir / "run.json")


def pytest_metadata(metadata: dict, config: pytest.Config) -> None:
    """The report's environment: an allow-list, so no CI token or credential can show."""
    settings = _settings(config)
    safe_metadata(metadata, {"DynamoDB": _shown_endpoint(settings), "Table prefix": settings.table_prefix or "(none)"})


def pytest_html_report_title(report) -> None:
    report.title = "DynamoDB data contracts"


def pytest_html_results_summary(prefix: list, summary: list, postfix: list, session: pytest.Session) -> None:
    prefix.append(render(session.config.stash[RUN]))
