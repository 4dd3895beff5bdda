"""`dynamodb-contracts`: the tool's own command, so that no one has to know pytest's rootdir rules.

    dynamodb-contracts run [--data-dir PATH] [--contracts MODULE_OR_FILE] [--preupload] [pytest options...]
    dynamodb-contracts draft EXPORT_DIR [-o data_contracts.py]

`run` runs the job's suites with the rootdir and ini file of the folder it is
started from, every path option in the `=` form and made absolute, and writes
report.html; the pytest form (`pytest -m preupload`) stays for CI.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from _pytest.config.findpaths import determine_setup

from contracts.registry import is_path
from plugin.options import PATH_OPTIONS
from plugin.suites import SUITES

JOB = "preupload or live or performance"


def run_arguments(argv: list[str], cwd: Path) -> list[str]:
    """The pytest command line of `run`: its suites, the folder's rootdir and ini, the options with `=`."""
    parser = argparse.ArgumentParser(prog="dynamodb-contracts run", add_help=False)
    parser.add_argument("--preupload", action="store_true")
    for option in PATH_OPTIONS:
        parser.add_argument(option)
    known, rest = parser.parse_known_args(argv)
    rootpath, inipath, *_ = determine_setup(inifile=None, override_ini=None, args=[], rootdir_cmd_arg=None, invocation_dir=cwd)
    args = [str(SUITES), f"--rootdir={rootpath}", "-m", "preupload" if known.preupload else JOB]
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
    print(f"dynamodb-contracts: unknown command {command!r}; see dynamodb-contracts --help", file=sys.stderr)
    return 2
