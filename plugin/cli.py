"""`dynamodb-contracts`: the tool's own command, so that no one has to know pytest's rootdir rules.

    dynamodb-contracts run [--data-dir PATH] [--contracts MODULE_OR_FILE] [--preupload] [pytest options...]
    dynamodb-contracts draft EXPORT_DIR [-o data_contracts.py]
    dynamodb-contracts odcs [--contracts MODULE_OR_FILE] [-o DIR] [--region R] [--table-prefix P]
    dynamodb-contracts server start|stop|status [--path DIR] [--port N]

`run` runs the job's suites with the rootdir and ini file of the folder it is
started from, every path option in the `=` form and made absolute, and writes
report.html; the pytest form (`pytest -m preupload`) stays for CI. `odcs`
writes each table's contract as an Open Data Contract Standard v3.1.0
document (`DIR/<table>.odcs.yaml`, default build/odcs) for other tools.
`server` starts, stops or asks after a local dynalite on 127.0.0.1 that keeps
its tables in a folder between runs (default build/dynamodb-local, port 8000).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest
from _pytest.config.findpaths import determine_setup

from contracts.dynamodb import table_prefix_problem
from contracts.errors import ContractError
from contracts.registry import SAMPLE, is_path, load_registry
from plugin.options import PATH_OPTIONS
from plugin.suites import SUITES

JOB = "preupload or live or performance"
# This command imports the plugin (and through pandera, typeguard's plugin) before pytest starts, so pytest
# cannot rewrite their asserts and says so in a warnings summary on every run; nothing of theirs needs rewriting.
IMPORTED_FIRST = "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning"


def run_arguments(argv: list[str], cwd: Path) -> list[str]:
    """The pytest command line of `run`: its suites, the folder's rootdir and ini, the options with `=`."""
    parser = argparse.ArgumentParser(prog="dynamodb-contracts run", add_help=False)
    parser.add_argument("--preupload", action="store_true")
    for option in PATH_OPTIONS:
        parser.add_argument(option)
    known, rest = parser.parse_known_args(argv)
    rootpath, inipath, *_ = determine_setup(
        inifile=None, override_ini=None, args=[], rootdir_cmd_arg=None, invocation_dir=cwd
    )
    args = [str(SUITES), f"--rootdir={rootpath}", "-m", "preupload" if known.preupload else JOB, "-W", IMPORTED_FIRST]
    if inipath:
        args.append(f"--config-file={inipath}")
    for option in PATH_OPTIONS:
        value = getattr(known, option.lstrip("-").replace("-", "_"))
        if value is not None:
            # A module name stays as it is; a path is made absolute, so it means what it meant where the command ran.
            is_module = option == "--contracts" and not is_path(value)
            args.append(f"{option}={value if is_module else (cwd / value).resolve()}")
    if not any(a.startswith("--html") for a in rest):
        args += [f"--html={cwd / 'report.html'}", "--self-contained-html"]
    return args + rest


def contracts_setting(given: str | None, cwd: Path) -> tuple[str, Path]:
    """The contracts as a tool run would read them: the option (from `cwd`), else the ini's (from its folder), else the sample."""
    if given:
        return given, cwd
    _, inipath, inicfg, _ = determine_setup(
        inifile=None, override_ini=None, args=[], rootdir_cmd_arg=None, invocation_dir=cwd
    )
    value = inicfg.get("contracts")
    if inipath and value is not None and getattr(value, "value", value):
        return str(getattr(value, "value", value)), inipath.parent
    return SAMPLE, cwd


def odcs_command(argv: list[str], cwd: Path) -> int:
    """`dynamodb-contracts odcs`: write each table's contract as an ODCS v3.1.0 YAML document."""
    from contracts import odcs

    parser = argparse.ArgumentParser(prog="dynamodb-contracts odcs", description=odcs_command.__doc__)
    parser.add_argument(
        "--contracts",
        metavar="MODULE_OR_FILE",
        help="the contracts module or .py file (default: the ini's contracts, else the sample's)",
    )
    parser.add_argument(
        "-o", "--output-dir", type=Path, default=Path("build/odcs"), help="where to write (default: %(default)s)"
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        help="the tables' AWS region, for the documents' server (default: AWS_REGION, AWS_DEFAULT_REGION)",
    )
    parser.add_argument("--table-prefix", default="", help="the environment's table prefix, for the physical names")
    parser.add_argument("--contract-version", default="1.0.0", help="the documents' version (default: %(default)s)")
    parser.add_argument("--environment", help="the server's environment (prod, staging, ...)")
    args = parser.parse_args(argv)
    if not args.region:
        parser.error("no region: give --region, or set AWS_REGION (or AWS_DEFAULT_REGION)")
    try:
        registry = load_registry(*contracts_setting(args.contracts, cwd))
    except ContractError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    problem = table_prefix_problem(args.table_prefix, registry.names)
    if problem:
        parser.error(problem)
    target = odcs.Target(args.region, args.table_prefix, args.contract_version, args.environment)
    paths = odcs.write(registry, target, cwd / args.output_dir)
    print(
        f"Wrote {len(paths)} ODCS {odcs.API_VERSION} documents to {cwd / args.output_dir} from the contracts {registry.source}."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    command, rest = argv[0], argv[1:]
    if command == "run":
        return int(pytest.main(run_arguments(rest, Path.cwd())))
    if command == "draft":
        from contracts.draft import draft_command

        return draft_command(rest)
    if command == "odcs":
        return odcs_command(rest, Path.cwd())
    if command == "server":
        from plugin.deployment import server_command

        return server_command(rest, Path.cwd())
    print(f"dynamodb-contracts: unknown command {command!r}; see dynamodb-contracts --help", file=sys.stderr)
    return 2
