"""The session fixtures: one per stage of the job, each calling the pipeline once and recording what it did."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as EndpointLost

from contracts.errors import ContractError
from contracts.expectations import GxResults
from contracts.gate import GateResult
from fixers.dataset import Dataset
from loaders.cloudwatch.alarms import AlarmPlan
from loaders.deploy.expiry import EXPIRED_NOTE
from loaders.deploy.plan import Plan
from loaders.dynamodb.client import read_only
from loaders.dynamodb.endpoint import scrub, shown
from loaders.dynamodb.live import LiveTable
from loaders.dynamodb.tables import table_name
from pipeline import stages
from pipeline.settings import Settings
from plugin.options import SETTINGS
from plugin.servers import DynaliteServer, MotoServer
from reporting.progress import plan_progress, read_progress, table_progress
from reporting.quarantine import quarantine_reasons
from reporting.record import RunRecord

RUN = pytest.StashKey[RunRecord]()
# The out dir's lock, held from the preflight (or the first fixture that writes there) to the end of the session.
OUT_DIR_LOCK = pytest.StashKey[object]()
# The CloudWatch client a run that synced publishes its figures with, once its checks have run.
PUBLISH_TO = pytest.StashKey[object]()
# Why they could not be published: a warning under the terminal summary, where it is not lost among the test results.
PUBLISH_FAILED = pytest.StashKey[str]()
SERVERS = {"moto": MotoServer, "dynalite": DynaliteServer}
ENDPOINT_REMEDY = "Check --endpoint-url or --aws, the region and the credentials."
OUT_DIR_REMEDY = "Free space on its disk or make it writable, or choose another --out-dir."
# Why a live check does not run with --plan: the deployment was left as it was, so it could only differ as the plan says.
PLAN_ONLY = "plan only: nothing was applied"


@contextmanager
def explained(where: str, endpoint_url: str | None = None, lost: str = ENDPOINT_REMEDY):
    """Fail with the error's own message, not a traceback from deep inside botocore; no secret of the URL in it.

    `lost` is the remedy when the endpoint stopped answering (refused, closed or
    timed-out connections); a request the server refused gets the usual one.
    """
    __tracebackhide__ = True
    try:
        yield
    except ContractError as error:
        raise pytest.fail.Exception(scrub(str(error), endpoint_url), pytrace=False) from None
    except (BotoCoreError, ClientError) as error:
        remedy = lost if isinstance(error, EndpointLost | HTTPClientError) else ENDPOINT_REMEDY
        raise pytest.fail.Exception(
            scrub(f"DynamoDB at {where}: {error}. {remedy}", endpoint_url), pytrace=False
        ) from None


def unwritable(error: OSError | sqlite3.Error, out_dir: Path) -> str:
    """One line on a write into the out dir that failed: the path, the system's reason, what to do."""
    # A failed rename names its destination second: the file meant, not the temporary one.
    path = getattr(error, "filename2", None) or getattr(error, "filename", None) or out_dir
    # sqlite's texts are fixed phrases ("disk I/O error"); an OSError's strerror is the system's own.
    reason = str(error) if isinstance(error, sqlite3.Error) else error.strerror or type(error).__name__
    return f"cannot write {path}: {reason}. {OUT_DIR_REMEDY}"


@contextmanager
def writing(out_dir: Path):
    """Fail in one line when the out dir cannot be written (full, read-only, not a folder): never a traceback,
    whose frames would show the run's objects. Every file the fixtures write is in the out dir."""
    __tracebackhide__ = True
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        raise pytest.fail.Exception(unwritable(error, out_dir), pytrace=False) from None


def hold_out_dir(config: pytest.Config, out_dir: Path) -> None:
    """Take the out dir's lock for this session, once: raises OutDirBusy when another run holds it, OSError when
    the folder cannot be made or written."""
    if OUT_DIR_LOCK not in config.stash:
        handle = stages.lock_out_dir(out_dir)
        config.stash[OUT_DIR_LOCK] = handle
        config.add_cleanup(handle.close)


def _terminal(config: pytest.Config):
    """The terminal reporter, and a context in which it writes past pytest's capture (from inside a fixture)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    return reporter, (capture.global_and_fixture_disabled if capture else nullcontext)


@pytest.fixture(scope="session")
def contracts_settings(pytestconfig: pytest.Config) -> Settings:
    """The run's options and contracts, made once when pytest starts."""
    if SETTINGS not in pytestconfig.stash:
        pytest.fail(
            "the dynamodb-data-contracts fixtures need the run's contracts: name them with --contracts "
            "(ini: contracts)",
            pytrace=False,
        )
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def contracts_run_record(pytestconfig: pytest.Config, contracts_settings: Settings) -> RunRecord:
    """What the run learns, for the report's summary and run.json."""
    return pytestconfig.stash[RUN]


@pytest.fixture(scope="session")
def contracts_dataset(
    contracts_settings: Settings, contracts_run_record: RunRecord, pytestconfig: pytest.Config
) -> Dataset:
    """The tables to check: the fixers' output, or with --no-fix the export as it is."""
    settings, record = contracts_settings, contracts_run_record
    with writing(settings.out_dir), explained(str(settings.out_dir)):
        hold_out_dir(pytestconfig, settings.out_dir)
        # Written now, so that a run killed later leaves a run.json that says it did not finish.
        record.start(settings.out_dir / "run.json")
    with record.timed("fix" if settings.fix else "read"), writing(settings.out_dir), explained(str(settings.data_dir)):
        data = stages.read(settings)
    record.ledger = data.ledger
    if settings.fix:
        record.quarantine = quarantine_reasons(settings.out_dir, settings.registry.tables)
    return data


@pytest.fixture(scope="session")
def contracts_gate_result(
    contracts_settings: Settings, contracts_dataset: Dataset, contracts_run_record: RunRecord
) -> GateResult:
    """Every pre-upload check of every table, run once: the loader's verdict and the pre-upload tests' results."""
    settings, record = contracts_settings, contracts_run_record
    with record.timed("gate"), writing(settings.out_dir), explained(str(settings.out_dir)):
        found = stages.gate(settings, contracts_dataset)
    record.blocked.update({name: reasons for name, reasons in found.verdicts().items() if reasons})
    record.kept_orphans = found.kept_orphans()
    record.data_docs["pre-upload"] = found.expectations.docs_index
    return found


@pytest.fixture(scope="session")
def contracts_dynamodb_endpoint(contracts_settings: Settings):
    """The endpoint URL (None for AWS). By default a local server on 127.0.0.1, always stopped."""
    settings = contracts_settings
    if not settings.starts_server:
        yield settings.endpoint_url
        return
    server = SERVERS[settings.server](settings.out_dir / f"{settings.server}.log")
    with writing(settings.out_dir), explained("127.0.0.1"), server as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="session")
def contracts_dynamodb(contracts_settings: Settings, contracts_dynamodb_endpoint, contracts_run_record: RunRecord):
    """A DynamoDB client whose every request is held to AWS's rules first."""
    settings, record = contracts_settings, contracts_run_record
    record.endpoint = shown(contracts_dynamodb_endpoint)
    with writing(settings.out_dir), explained(record.endpoint, settings.endpoint_url):
        client = stages.connect(settings, contracts_dynamodb_endpoint)
        stages.write_iam_policies(settings, client)
    return client


@dataclass(frozen=True)
class Deployment:
    """What the live suite checks: the tables meant to be live, under which names, and one read of each."""

    client: object
    prefix: str
    loaded: tuple[str, ...]
    live: dict[str, LiveTable] = field(default_factory=dict)
    plan: Plan | None = None
    plan_only: bool = False  # --plan: nothing was applied or read back, so no live check compares
    # The declared alarms as read back after the sync: {alarm name: what differs} for those that drifted or are
    # missing, or why they could not be read (a server without CloudWatch).
    alarm_drift: dict[str, list[str]] | str = field(default_factory=dict)

    def name(self, table) -> str:
        return table_name(table, self.prefix)


def _show_plan(reporter, the_plan: Plan) -> None:
    for table_plan in the_plan.tables:
        counts = table_plan.counts()
        if table_plan.blocked:
            reporter.write_line(f"plan: {table_plan.name}: BLOCKED: {table_plan.blocked.splitlines()[0]}")
        elif table_plan.changes_anything:
            changes = ", ".join(f"{kind} {n:,}" for kind, n in counts.items() if n)
            actions = "; ".join(table_plan.actions)
            reporter.write_line(f"plan: {table_plan.name}: {changes}" + (f"; {actions}" if actions else ""))
            if table_plan.update:
                attributes = ", ".join(f"{a} ({n})" for a, n in table_plan.changed_attributes().items())
                first = table_plan.update_examples()[0]
                example = ", ".join(f"{a} {was} -> {new}" for a, (was, new) in first["changes"].items())
                reporter.write_line(f"  updates change {attributes}; first {first['key']}: {example}")
        if table_plan.expired and not table_plan.blocked:
            reporter.write_line(f"plan: {table_plan.name}: {table_plan.expired} items {EXPIRED_NOTE}")
        for note in table_plan.unapplied_notes() + ([table_plan.read_note] if table_plan.read_note else []):
            reporter.write_line(f"plan: {table_plan.name}: {note}")
    totals = the_plan.totals()
    reporter.write_line(
        "plan: " + ", ".join(f"{kind} {n:,}" for kind, n in totals.items()) + f" items in {len(the_plan.tables)} tables"
    )


def _show_alarm_plan(reporter, alarms: AlarmPlan | str | None) -> None:
    if isinstance(alarms, str) or alarms is None:
        reporter.write_line(f"plan: alarms: {alarms or 'not planned'}")
        return
    reporter.write_line(
        f"plan: alarms: create {len(alarms.create)}, change {len(alarms.change)}, leave {len(alarms.leave)}"
    )
    for name, differences in alarms.change.items():
        reporter.write_line(f"  {name}: {'; '.join(differences)}")
    for note in alarms.notes():
        reporter.write_line(f"plan: {note}")


@pytest.fixture(scope="session")
def contracts_deployment(
    contracts_settings: Settings,
    contracts_dataset: Dataset,
    contracts_gate_result: GateResult,
    contracts_dynamodb,
    contracts_run_record: RunRecord,
    pytestconfig: pytest.Config,
):
    """Plan, then sync every table that passes the gate and is not blocked by the plan; read each back once.

    With --plan the client refuses every write; with --no-load nothing is planned or written. Once the
    session's checks have run, a run that synced publishes its figures (run.json's `published`).
    """
    with writing(contracts_settings.out_dir):
        deployment = _deploy(
            contracts_settings,
            contracts_dataset,
            contracts_gate_result,
            contracts_dynamodb,
            contracts_run_record,
            pytestconfig,
        )
    yield deployment
    # Every check has run, and the server the run started is still up: a run that synced publishes its figures.
    cloudwatch = pytestconfig.stash.get(PUBLISH_TO, None)
    if cloudwatch is not None and contracts_run_record.interrupted is None:
        _publish(cloudwatch, contracts_settings, contracts_run_record, pytestconfig)


def _publish(cloudwatch, settings: Settings, record: RunRecord, config: pytest.Config) -> None:
    """The run's figures to CloudWatch, into run.json's `published`; a refusal or a lost endpoint is one line there
    and, at the end of the terminal summary, a warning.

    The figures are about a run that already happened, so a failure to publish changes neither its verdict nor
    its exit status.
    """
    try:
        record.published = stages.publish(cloudwatch, settings, record.figures_to_publish(settings.table_prefix))
    except (BotoCoreError, ClientError) as error:
        record.published = scrub(f"not published: CloudWatch at {record.endpoint}: {error}", settings.endpoint_url)
        config.stash[PUBLISH_FAILED] = record.published


def _deploy(
    settings: Settings,
    dataset: Dataset,
    gate_result: GateResult,
    dynamodb,
    run_record: RunRecord,
    pytestconfig: pytest.Config,
) -> Deployment:
    expected = stages.checked_items(settings, dataset, gate_result)
    reporter, terminal = _terminal(pytestconfig)
    run_json = settings.out_dir / "run.json"

    def table_done(name, sync) -> None:
        # run.json as the sync goes: a run killed midway leaves the tables it finished, and finished: false.
        run_record.synced[name] = sync
        run_record.write(run_json)

    the_plan, done = None, None
    cloudwatch = stages.watch(settings, dynamodb.meta.endpoint_url)
    if settings.load:
        with (
            terminal(),
            run_record.timed("plan"),
            explained(run_record.endpoint, settings.endpoint_url),
            read_only(dynamodb),
        ):
            the_plan = stages.plan(dynamodb, settings, expected, progress=plan_progress)
        stages.write_plan(the_plan, settings, settings.out_dir / "plan.json")
        run_record.plan = the_plan
        run_record.write(run_json)
        run_record.blocked.update({p.table.name: [p.blocked] for p in the_plan.tables if p.blocked})
        with explained(run_record.endpoint, settings.endpoint_url):
            run_record.alarms = stages.plan_watch(cloudwatch, settings, list(settings.registry.tables))
        run_record.write(run_json)
        with terminal():
            _show_plan(reporter, the_plan)
            _show_alarm_plan(reporter, run_record.alarms)
    if settings.writes and the_plan is not None:
        saved = settings.out_dir / stages.ROLLBACK_FOLDER / settings.run_id
        stopped = (
            "The sync stopped with the tables partly written: run again once the endpoint answers; it converges, "
            f"and what was changed so far is saved under {saved}."
        )
        with terminal(), run_record.timed("sync"), explained(run_record.endpoint, settings.endpoint_url, stopped):
            try:
                done = stages.apply(dynamodb, settings, the_plan, progress=table_progress, on_table_done=table_done)
            except KeyboardInterrupt:
                reporter.write_line(
                    "the sync was interrupted: the tables are partly written. Run again: it converges, "
                    f"and what was changed so far is saved under {saved}."
                )
                raise
        # Tables with nothing to write still had their table actions (GSIs, protection) done, or tried.
        run_record.synced.update(done.tables)
        run_record.rollback = done.rollback
        if isinstance(run_record.alarms, AlarmPlan):
            with explained(run_record.endpoint, settings.endpoint_url):
                run_record.alarms_applied = stages.apply_watch(cloudwatch, settings, run_record.alarms)
    checked = [t for t in settings.registry.tables if t.name in expected and t.name not in run_record.blocked]
    live = {}
    if not settings.plan_only:
        with (
            terminal(),
            run_record.timed("read back"),
            explained(run_record.endpoint, settings.endpoint_url),
            read_only(dynamodb) if not settings.writes else nullcontext(),
        ):
            live = stages.verify(dynamodb, settings, the_plan, done, expected, checked, progress=read_progress)
        run_record.gsis_not_active = {
            t.name: stages.gsis_not_active(t, live[t.name]) for t in checked if t.name in live
        }
    if settings.writes and the_plan is not None:
        # The run synced: its figures are published at the end of the session, once every check has run.
        pytestconfig.stash[PUBLISH_TO] = cloudwatch
    drift: dict[str, list[str]] | str = {}
    if not settings.plan_only:
        with explained(run_record.endpoint, settings.endpoint_url):
            read_back = stages.plan_watch(cloudwatch, settings, list(settings.registry.tables))
        drift = (
            read_back
            if isinstance(read_back, str)
            else {**{name: ["missing"] for name in read_back.create}, **read_back.change}
        )
        run_record.alarm_drift = drift
    planned = the_plan.by_table() if the_plan else {}
    # With --plan nothing is read back: the plan's reads are the run's.
    counted = planned.keys() if settings.plan_only else live.keys()
    for name in (t.name for t in settings.registry.tables if t.name in counted):
        synced = run_record.synced.get(name)
        read = (live[name].read_units if name in live else 0.0) + (planned[name].read_units if name in planned else 0.0)
        run_record.capacity[name] = {"write_units": synced.write_units if synced else 0, "read_units": read}
    return Deployment(
        dynamodb, settings.table_prefix, tuple(t.name for t in checked), live, the_plan, settings.plan_only, drift
    )


@pytest.fixture(scope="session")
def contracts_live_expectations(
    contracts_settings: Settings,
    contracts_dataset: Dataset,
    contracts_deployment: Deployment,
    contracts_run_record: RunRecord,
) -> GxResults:
    """The gate's Great Expectations suites on the tables as read back."""
    if contracts_deployment.plan_only:
        pytest.skip(PLAN_ONLY)
    with contracts_run_record.timed("live checks"), writing(contracts_settings.out_dir):
        found = stages.check_live(contracts_settings, contracts_dataset, contracts_deployment.live)
    contracts_run_record.data_docs["live"] = found.docs_index
    return found
