"""Run the project's own pytest suites in a child process, as a user would, and read the verdicts."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_suite(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, str | None]:
    """{test id: failure message, or None if it passed}. Options take `=` so paths outside the repo work."""
    report = tmp_path / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *args]
    environment = {**os.environ, **(env or {})}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=environment)
    if not report.exists():
        raise AssertionError(f"the suite did not run:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return verdicts_of(report)


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
    return {case.get("name"): skipped.get("message", "") for case in ET.parse(report).getroot().iter("testcase")
            if (skipped := case.find("skipped")) is not None}


def failures(verdicts: dict[str, str | None]) -> dict[str, str]:
    return {name: message for name, message in verdicts.items() if message is not None}
