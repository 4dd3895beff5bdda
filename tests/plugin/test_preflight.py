"""The preflight: a fault of the run's surroundings stops it before the gate, with exit 4 and one line, once.

Each run is the plugin in a child process started at the repository's root, as a user starts it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pipeline.stages import lock_out_dir
from tests.pytest_run import ROOT
from tests.sample import REGISTRY


def tool_run(*args: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL") and k not in drop} | (
        env or {}
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


def refused_once(done: subprocess.CompletedProcess, *phrases: str) -> str:
    """The run stopped before any test ran, with exit 4 and one line naming the cause and the remedy."""
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-3000:] + done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, errors
    for phrase in phrases:
        assert phrase in errors[0], (phrase, errors[0])
    assert errors[0].count(phrases[0]) == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert " passed" not in done.stdout and " failed" not in done.stdout and " error" not in done.stdout
    return errors[0]


def test_an_export_without_csv_files_is_refused_before_the_gate_and_run_json_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    done = tool_run("-m", "preupload", f"--data-dir={tmp_path / 'empty'}", f"--out-dir={tmp_path / 'out'}")
    refused_once(done, f"--data-dir {tmp_path / 'empty'} holds no CSV file", "point it at the export")
    record = json.loads((tmp_path / "out" / "run.json").read_text())
    assert record["refused"].startswith(f"--data-dir {tmp_path / 'empty'} holds no CSV file")
    assert record["verdict"]["deploy"] is False and record["ran"] == [], "nothing ran"


def test_nothing_listening_on_the_endpoint_is_refused_before_the_gate(tmp_path):
    done = tool_run(
        "-m",
        "live",
        "--endpoint-url=http://127.0.0.1:9",
        f"--out-dir={tmp_path / 'out'}",
        f"--junitxml={tmp_path / 'junit.xml'}",
    )
    refused_once(done, "nothing answers at http://127.0.0.1:9", "start the server there, or correct --endpoint-url")
    record = json.loads((tmp_path / "out" / "run.json").read_text())
    assert record["ran"] == [] and not (tmp_path / "out" / "fixed").exists(), "the gate did not run"
    junit = (tmp_path / "junit.xml").read_text()
    assert '<property name="verdict" value="DO NOT DEPLOY" />' in junit and "nothing answers at" in junit


def test_a_pre_upload_run_needs_no_server_and_says_no_live_check_ran(tmp_path):
    done = tool_run(
        "-m",
        "preupload",
        "-k",
        "test_file_is_declared",
        "--endpoint-url=http://127.0.0.1:9",
        f"--out-dir={tmp_path / 'out'}",
        f"--junitxml={tmp_path / 'junit.xml'}",
    )
    assert done.returncode == pytest.ExitCode.OK, done.stdout[-3000:] + done.stderr[-3000:]
    tables = len(REGISTRY.tables)
    assert (
        f"DEPLOY: all {tables} tables pass the pre-upload checks; no live check ran, nothing was loaded" in done.stdout
    )
    assert "report.html" not in done.stdout, "no report was asked for"
    record = json.loads((tmp_path / "out" / "run.json").read_text())
    assert record["schema"] == 1 and record["verdict"]["live_checked"] is False and "gate" not in record["ran"]
    junit = (tmp_path / "junit.xml").read_text()
    assert f'<property name="run_id" value="{record["run_id"]}" />' in junit
    assert (
        '<property name="verdict" value="DEPLOY" />' in junit
        and '<property name="live_checked" value="false" />' in junit
    )


def test_aws_without_credentials_is_refused_before_the_gate(tmp_path):
    nothing = str(tmp_path / "none")
    env = {
        "AWS_SHARED_CREDENTIALS_FILE": nothing,
        "AWS_CONFIG_FILE": nothing,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": "eu-west-1",
    }
    done = tool_run(
        "-m",
        "live",
        "--aws",
        f"--out-dir={tmp_path / 'out'}",
        env=env,
        drop=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"),
    )
    refused_once(done, "no AWS credentials found for --aws", "Configure them as for the AWS CLI")


def test_a_staging_bucket_that_does_not_exist_is_refused_before_the_gate(tmp_path, server):
    done = tool_run(
        "-m",
        "live",
        f"--endpoint-url={server}",
        "--import-staging=s3://no-such-staging/x",
        f"--out-dir={tmp_path / 'out'}",
    )
    refused_once(done, f"the staging bucket no-such-staging does not exist at {server}", "create it")


def test_an_out_dir_in_use_is_refused_once_and_left_alone(tmp_path):
    out = tmp_path / "out"
    held = lock_out_dir(out)
    try:
        done = tool_run("-m", "preupload", f"--out-dir={out}")
    finally:
        held.close()
    refused_once(done, f"another run is using {out}", "give this one its own --out-dir")
    assert sorted(p.name for p in out.iterdir()) == [".lock"], "the other run's out dir is not written"


def test_an_out_dir_that_cannot_be_made_is_refused_once(tmp_path):
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    done = tool_run("-m", "preupload", f"--out-dir={tmp_path / 'a-file' / 'out'}")
    refused_once(done, f"cannot write {tmp_path / 'a-file' / 'out'}", "choose another --out-dir")


def test_the_tools_own_command_refuses_in_one_line_with_no_warnings_summary(tmp_path):
    """`dynamodb-contracts run` imports the plugin before pytest starts; pytest's warning about that is not the user's."""
    (tmp_path / "empty").mkdir()
    command = [
        sys.executable,
        "-c",
        "import sys; from plugin.cli import main; sys.exit(main())",
        "run",
        f"--data-dir={tmp_path / 'empty'}",
        f"--out-dir={tmp_path / 'out'}",
        f"--html={tmp_path / 'report.html'}",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    refused_once(done, f"--data-dir {tmp_path / 'empty'} holds no CSV file")
    assert "warning" not in done.stdout.lower(), done.stdout
