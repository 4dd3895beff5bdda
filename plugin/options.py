"""The command-line options, their pytest.ini fallbacks, and the one frozen `Settings` made from them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contracts.registry import SAMPLE, load_registry
from loaders.deploy.import_table import IMPORT_MODES, IMPORT_THRESHOLD
from loaders.dynamodb.client import DEFAULT_WORKERS
from loaders.dynamodb.export import EXPORT_THRESHOLD
from pipeline.settings import SERVERS, Settings

SETTINGS = pytest.StashKey[Settings]()

# Where the export and the output go when neither the command line nor pytest.ini says: relative to the rootdir.
INI_PATHS = {"data_dir": ("--data-dir", "data/raw"), "out_dir": ("--out-dir", "build")}
# The options and ini keys that make a pytest run this tool's run: without one of them the plugin is only a guest.
RUN_OPTIONS = ("--contracts", "--data-dir", "--rollback")
RUN_INI_KEYS = ("contracts", "data_dir")
# Options whose value is a path: written with a space, pytest reads the value as a test path before any plugin loads.
PATH_OPTIONS = ("--contracts", "--data-dir", "--out-dir")


def addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "data contracts")
    group.addoption(
        "--contracts",
        default=None,
        metavar="MODULE_OR_FILE",
        help="the module (dotted name) or .py file declaring the export's tables as TABLES and NOT_TABLES "
        f"(ini: contracts, relative to the ini file; default: the sample's, {SAMPLE})",
    )
    parser.addini("contracts", "default of --contracts", default=None)
    group.addoption(
        "--data-dir", default=None, help="folder of the CSV export to check (ini: data_dir; default data/raw)"
    )
    group.addoption(
        "--out-dir",
        default=None,
        help="where fixed/, quarantine/, ledger.json, plan.json, run.json and rollback/ go (ini: out_dir; default build)",
    )
    group.addoption("--no-fix", action="store_true", help="check the files as they are, without running the fixers")
    for name, (option, default) in INI_PATHS.items():
        parser.addini(name, f"default of {option}, relative to the ini file (default {default})", default=None)
    group = parser.getgroup("dynamodb", "where the live suite loads and checks")
    group.addoption(
        "--endpoint-url",
        default=None,
        help="a DynamoDB-compatible endpoint to use instead of starting a local server "
        "(default: $AWS_ENDPOINT_URL_DYNAMODB or $AWS_ENDPOINT_URL)",
    )
    group.addoption(
        "--aws", action="store_true", help="use AWS itself, through the standard credential chain and region"
    )
    group.addoption(
        "--aws-profile",
        default=None,
        help="sign with this profile of the AWS config files, for --aws or an --endpoint-url, also a local one "
        "that enforces IAM (ini: aws_profile; default: the standard chain for AWS, fake keys for 127.0.0.1)",
    )
    parser.addini("aws_profile", "default of --aws-profile", default=None)
    group.addoption(
        "--server",
        default=None,
        choices=SERVERS,
        help="the local server started when there is no endpoint (ini: dynamodb_server; default moto)",
    )
    parser.addini("dynamodb_server", "default of --server", default="moto")
    group.addoption("--table-prefix", default="", help="prefix of every table name, e.g. staging- for staging-flights")
    group.addoption(
        "--plan",
        action="store_true",
        help="show what a sync would change and write plan.json; change nothing, and skip the live checks",
    )
    group.addoption(
        "--detailed-exitcode",
        action="store_true",
        help="with --plan, exit as terraform's plan -detailed-exitcode: 0 nothing to change, 2 changes pending, 1 an error",
    )
    group.addoption(
        "--no-load", action="store_true", help="load nothing and plan nothing: check the deployment as it is"
    )
    group.addoption(
        "--migrate",
        action="store_true",
        help="back up, delete and recreate a table (or replace a GSI) whose keys differ from the contract",
    )
    group.addoption("--recreate", action="store_true", help="back up, delete and recreate every table before loading")
    group.addoption(
        "--allow-destroy",
        action="store_true",
        help="allow --migrate, --recreate or a --rollback that deletes tables against a non-loopback endpoint or AWS",
    )
    group.addoption(
        "--allow-mass-delete",
        action="store_true",
        help="let a sync delete more than a table's max_delete_share of its live items",
    )
    group.addoption(
        "--rollback",
        default=None,
        metavar="RUN_ID",
        help="restore the tables as they were before run RUN_ID (from OUT/rollback/RUN_ID), then stop",
    )
    group.addoption(
        "--yes",
        action="store_true",
        help="--rollback without asking for confirmation (needed when stdin is not a terminal)",
    )
    group.addoption(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"BatchWriteItem requests in flight (default {DEFAULT_WORKERS})",
    )
    group.addoption(
        "--import",
        dest="import_mode",
        default=None,
        choices=IMPORT_MODES,
        help="create new tables by ImportTable from S3: auto (those of at least --import-threshold items), "
        "always, never (ini: import_mode; default auto)",
    )
    parser.addini("import_mode", "default of --import", default="auto")
    group.addoption(
        "--import-threshold",
        type=int,
        default=None,
        metavar="N",
        help=f"items from which --import=auto imports a new table (ini: import_threshold; default {IMPORT_THRESHOLD})",
    )
    parser.addini("import_threshold", "default of --import-threshold", default=str(IMPORT_THRESHOLD))
    group.addoption(
        "--import-staging",
        default=None,
        metavar="s3://BUCKET/PREFIX",
        help="where imported tables' items are staged (ini: import_staging); on a local server, "
        "a bucket on the same endpoint by default; on AWS it must be given",
    )
    parser.addini("import_staging", "default of --import-staging", default="")
    group.addoption(
        "--export-threshold",
        type=int,
        default=None,
        metavar="N",
        help="items (DescribeTable's ItemCount) from which a table is read whole by ExportTableToPointInTime "
        "into the staging place instead of a Scan; it needs point-in-time recovery and takes minutes; "
        f"0: never (ini: export_threshold; default {EXPORT_THRESHOLD})",
    )
    parser.addini("export_threshold", "default of --export-threshold", default=str(EXPORT_THRESHOLD))
    group.addoption(
        "--alarm-topic",
        default=None,
        metavar="SNS_TOPIC_ARN",
        help="the SNS topic the contracts' CloudWatch alarms notify (ini: alarm_topic); "
        "without one the alarms are made without actions, and the plan says so",
    )
    parser.addini("alarm_topic", "default of --alarm-topic", default="")


def _path(config: pytest.Config, name: str) -> Path:
    option, default = INI_PATHS[name]
    given = config.getoption(option)
    if given is not None:
        return Path(given).resolve()  # relative to where pytest was started, as any path on a command line
    base = config.inipath.parent if config.inipath else config.rootpath
    return (base / (config.getini(name) or default)).resolve()


def is_run(config: pytest.Config) -> bool:
    """Whether this pytest run is the tool's: it names contracts, an export or a rollback, on the command line or in the ini file."""
    return any(config.getoption(option) for option in RUN_OPTIONS) or any(config.getini(key) for key in RUN_INI_KEYS)


def contracts_spec(config: pytest.Config) -> tuple[str, Path]:
    """The contracts setting and the folder a relative file is taken from (where it was given)."""
    given = config.getoption("--contracts")
    if given:
        return given, config.invocation_params.dir
    base = config.inipath.parent if config.inipath else config.rootpath
    return config.getini("contracts") or SAMPLE, base


def make_settings(config: pytest.Config) -> Settings:
    """The run's settings, from the command line, then pytest.ini, then the environment."""
    environment = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL")
    return Settings(
        data_dir=_path(config, "data_dir"),
        out_dir=_path(config, "out_dir"),
        registry=load_registry(*contracts_spec(config)),
        fix=not config.getoption("--no-fix"),
        endpoint_url=config.getoption("--endpoint-url") or environment,
        aws=config.getoption("--aws"),
        aws_profile=config.getoption("--aws-profile") or config.getini("aws_profile") or None,
        server=config.getoption("--server") or config.getini("dynamodb_server"),
        table_prefix=config.getoption("--table-prefix"),
        load=not config.getoption("--no-load"),
        plan_only=config.getoption("--plan"),
        detailed_exitcode=config.getoption("--detailed-exitcode"),
        recreate=config.getoption("--recreate"),
        migrate=config.getoption("--migrate"),
        allow_destroy=config.getoption("--allow-destroy"),
        allow_mass_delete=config.getoption("--allow-mass-delete"),
        rollback=config.getoption("--rollback"),
        yes=config.getoption("--yes"),
        workers=config.getoption("--workers"),
        import_mode=config.getoption("import_mode") or config.getini("import_mode"),
        import_threshold=_threshold(config, "import_threshold"),
        import_staging=config.getoption("--import-staging") or config.getini("import_staging") or None,
        export_threshold=_threshold(config, "export_threshold"),
        alarm_topic=config.getoption("--alarm-topic") or config.getini("alarm_topic") or None,
    )


def _threshold(config: pytest.Config, name: str) -> int:
    """The option `--import-threshold` or `--export-threshold`, else its ini key `name`, as a whole number of items."""
    given = config.getoption(name)
    if given is not None:
        return given
    try:
        return int(config.getini(name))
    except ValueError:
        raise pytest.UsageError(
            f"{name} = {config.getini(name)!r} in the ini file: give a whole number of items"
        ) from None
