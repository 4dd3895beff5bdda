"""Run the project's own pytest suites in a child process, as a user would, and read the verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from reporting.record import RUN_SCHEMA

ROOT = Path(__file__).resolve().parents[1]


def child_pytest(*args: str) -> list[str]:
    """The command of a child pytest run as a user types it, quiet and in the tests' own order."""
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args]


def live_subset(checks: str, *args: str) -> list[str]:
    """The command of a child run of the live suite's checks named by `checks` (a -k expression)."""
    return child_pytest("plugin/suites/test_live.py", "-m", "live", "-k", checks, *args)


def run_suite(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, str | None]:
    """{test id: failure message, or None if it passed}. Options take `=` so paths outside the repo work.

    The run.json the suite wrote in its `--out-dir` is held to the shipped JSON Schema: every run the
    self-tests make checks the schema against what the tool really writes.
    """
    report = tmp_path / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *args]
    environment = {**os.environ, **(env or {})}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=environment)
    if not report.exists():
        raise AssertionError(f"the suite did not run:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    # A run refused before any test (the preflight, exit 4) has a junit file and no verdict: "no failure" would pass.
    if done.returncode == pytest.ExitCode.USAGE_ERROR:
        raise AssertionError(f"the suite was refused:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    out_dirs = [Path(a.split("=", 1)[1]) for a in args if a.startswith("--out-dir=")]
    if out_dirs and (out_dirs[-1] / "run.json").exists():
        assert_valid_run_json(out_dirs[-1] / "run.json")
    return verdicts_of(report)


@cache
def _run_schema() -> Draft202012Validator:
    schema = json.loads(RUN_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def run_json_problems(body: dict) -> list[str]:
    """Where `body` breaks run.json's schema: each problem as `path: message`."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in _run_schema().iter_errors(body)]


def assert_valid_run_json(path: Path) -> None:
    __tracebackhide__ = True
    problems = run_json_problems(json.loads(path.read_text(encoding="utf-8")))
    if problems:
        raise AssertionError(f"{path} does not follow {RUN_SCHEMA.name}:\n" + "\n".join(problems[:10]))


def verdicts_of(report: Path) -> dict[str, str | None]:
    """{test id: failure or error message, or None if it passed}, from a junit XML report."""
    verdicts = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("name")
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        verdicts[name] = None if failure is None else (failure.get("message", "") + "\n" + (failure.text or ""))
    return verdicts


def skip_reasons(report: Path) -> dict[str, str]:
    """{test id: why it was skipped}, from a junit XML report."""
    return {
        case.get("name"): skipped.get("message", "")
        for case in ET.parse(report).getroot().iter("testcase")
        if (skipped := case.find("skipped")) is not None
    }


def failures(verdicts: dict[str, str | None]) -> dict[str, str]:
    return {name: message for name, message in verdicts.items() if message is not None}
