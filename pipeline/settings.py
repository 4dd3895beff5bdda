"""What a run is asked to do, made once from the command line (or a caller) and never changed after."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from contracts.alarms import alarm_name_problem, alarm_specs
from contracts.dynamodb import table_prefix_problem
from contracts.registry import Registry
from fixers.run import overlap_problem
from loaders.deploy.import_table import IMPORT_MODES, IMPORT_THRESHOLD, LOCAL_STAGING, ImportPolicy, parse_staging
from loaders.dynamodb.client import DEFAULT_WORKERS
from loaders.dynamodb.endpoint import check_destroy_allowed, is_loopback, parse_endpoint
from loaders.dynamodb.export import EXPORT_THRESHOLD, ExportPolicy
from loaders.errors import DestroyRefused, UnsafeEndpoint

SERVERS = ("moto", "dynalite")
# arn:PARTITION:sns:REGION:ACCOUNT:NAME; a topic name is 1 to 256 letters, digits, - and _ (.fifo for a FIFO topic).
SNS_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")
# What new_run_id makes: --rollback takes nothing else, so no path can reach the folder it names.
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{4}")


def new_run_id() -> str:
    """Sortable and unique: the UTC start time and a random suffix, e.g. 20261125T150212Z-3f9a."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    out_dir: Path
    registry: Registry  # the tables of the export, from the contracts module
    fix: bool = True
    endpoint_url: str | None = None
    aws: bool = False
    aws_profile: str | None = None
    server: str = "moto"
    table_prefix: str = ""
    load: bool = True
    plan_only: bool = False
    detailed_exitcode: bool = False  # with plan_only: exit 0 with nothing to change, 2 with changes pending, 1 on error
    recreate: bool = False
    migrate: bool = False
    allow_destroy: bool = False
    allow_mass_delete: bool = False
    rollback: str | None = None  # a run id (RUN_ID)
    yes: bool = False  # roll back without asking
    workers: int = DEFAULT_WORKERS
    import_mode: str = "auto"  # which new tables ImportTable creates: auto (from import_threshold items), always, never
    import_threshold: int = IMPORT_THRESHOLD
    import_staging: str | None = None  # s3://BUCKET/PREFIX; on a local server, LOCAL_STAGING when not given
    export_threshold: int = EXPORT_THRESHOLD  # tables of at least this many items are read by export; 0: never
    alarm_topic: str | None = None  # the SNS topic ARN the alarms notify; None: alarms without actions
    run_id: str = field(default_factory=new_run_id)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def starts_server(self) -> bool:
        """Whether the run starts its own local server (no endpoint and not AWS)."""
        return not (self.aws or self.endpoint_url)

    @property
    def writes(self) -> bool:
        return self.load and not self.plan_only

    @property
    def local(self) -> bool:
        """Whether the deployment is a server on this machine (started by the run, or a loopback endpoint)."""
        return self.starts_server or (not self.aws and is_loopback(self.endpoint_url))

    def imports(self) -> ImportPolicy:
        """Which new tables ImportTable creates, and where their items are staged (call once `problems()` is empty)."""
        staging = self.import_staging or (LOCAL_STAGING if self.local else None)
        bucket, prefix = parse_staging(staging) if staging else (None, "")
        return ImportPolicy(self.import_mode, self.import_threshold, bucket, prefix)

    def exports(self) -> ExportPolicy:
        """Which tables are read whole by export, into the imports' staging place (call once `problems()` is empty)."""
        imports = self.imports()
        return ExportPolicy(self.export_threshold, imports.bucket, imports.prefix)

    def problems(self) -> list[str]:
        """Why these settings cannot run, each with what to do; empty when they can."""
        found = []
        if self.endpoint_url:
            try:
                parse_endpoint(self.endpoint_url)
            except UnsafeEndpoint as unsafe:
                found.append(str(unsafe))
        if self.aws and self.endpoint_url:
            found.append("--aws goes to AWS itself: drop --endpoint-url and unset AWS_ENDPOINT_URL(_DYNAMODB)")
        if self.server not in SERVERS:
            found.append(f"--server={self.server!r}: choose one of {', '.join(SERVERS)}")
        if self.workers < 1:
            found.append(f"--workers={self.workers}: at least 1 worker writes")
        for problem in (
            table_prefix_problem(self.table_prefix, self.registry.names),
            overlap_problem(self.data_dir, self.out_dir),
        ):
            if problem:
                found.append(problem)
        if (self.recreate or self.migrate) and not self.starts_server:
            try:
                check_destroy_allowed(self.endpoint_url, True, self.allow_destroy)
            except DestroyRefused as refused:
                found.append(f"{'--recreate' if self.recreate else '--migrate'}: {refused}")
        if self.import_mode not in IMPORT_MODES:
            found.append(f"--import={self.import_mode!r}: choose one of {', '.join(IMPORT_MODES)}")
        if self.import_threshold < 1:
            found.append(f"--import-threshold={self.import_threshold}: at least 1 item")
        if self.export_threshold < 0:
            found.append(
                f"--export-threshold={self.export_threshold}: at least 1 item, or 0 to read every table by Scan"
            )
        if self.import_staging:
            try:
                parse_staging(self.import_staging)
            except ValueError as wrong:
                found.append(str(wrong))
        elif self.import_mode == "always" and not self.local:
            found.append(
                "--import=always stages every new table's items in S3: give --import-staging=s3://BUCKET/PREFIX "
                "(a bucket in the tables' region that the load role may write and read)"
            )
        if self.import_mode == "always" and self.starts_server and self.server == "dynalite":
            found.append(
                "--import=always: dynalite has no ImportTable and serves no S3; use --server=moto, or --import=never"
            )
        if self.rollback and self.starts_server:
            found.append("--rollback restores a deployment that outlives the run: give --endpoint-url or --aws")
        if self.rollback and not RUN_ID.fullmatch(self.rollback):
            found.append(
                f"--rollback={self.rollback}: give a run id alone, such as 20261125T150212Z-3f9a; "
                "its saved items are looked up under the --out-dir's rollback/ folder"
            )
        if self.alarm_topic and not SNS_TOPIC_ARN.fullmatch(self.alarm_topic):
            found.append(
                f"--alarm-topic={self.alarm_topic!r}: give an SNS topic ARN, such as "
                "arn:aws:sns:us-east-1:123456789012:dynamodb-alarms"
            )
        for table in self.registry.tables:
            longest = max(
                (
                    s.name
                    for s in alarm_specs(
                        table.alarms, self.table_prefix, table.name, tuple(i.name for i in table.indexes)
                    )
                ),
                key=len,
                default="",
            )
            if longest and (problem := alarm_name_problem(longest)):
                found.append(f"--table-prefix={self.table_prefix!r} makes an invalid {problem}")
                break
        if self.detailed_exitcode and not self.plan_only:
            found.append("--detailed-exitcode says whether a plan has changes pending: add --plan")
        return found
