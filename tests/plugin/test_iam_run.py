"""The whole job of `make run` under the generated least-privilege policies, on a server that enforces IAM.

A user holding only the load policy fixes, checks, plans, syncs and proves
the deployment (every test of `make run` passes); a user holding only the
check policy plans and checks it read-only, and its writes are refused by
the server with one clear line. Both sign with `--aws-profile`, the way a
team would point the tool at a role of its own.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from data import manifest
from loaders.deploy.staging import s3_client
from plugin.servers import MotoServer
from tests.iam_users import REQUESTS_PER_USER, make_users
from tests.pytest_run import ROOT, failures, run_suite, verdicts_of
from tests.sample import TABLES

PREFIX, REGION, ACCOUNT = "iam-", "us-east-1", "123456789012"
STAGING = ("iam-staging", "imports/")
IMPORT_THRESHOLD = 5000
SAMPLE = manifest.load()
# The requests made before IAM is enforced: the users, and the staging bucket (which must exist, as on AWS).
SETUP = 2 * REQUESTS_PER_USER + 1


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("iam-server") / "moto.log"
    with MotoServer(log, env={"INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP)}) as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="module")
def profiles(server, tmp_path_factory):
    """An AWS credentials file with one profile per role, as the environment of the runs."""
    keys = make_users(server, ("load", "check"), PREFIX, REGION, ACCOUNT, staging=STAGING)
    s3_client(server).create_bucket(Bucket=STAGING[0])
    path = tmp_path_factory.mktemp("aws") / "credentials"
    path.write_text(
        "".join(
            f"[{role}]\naws_access_key_id = {key['AccessKeyId']}\naws_secret_access_key = {key['SecretAccessKey']}\n"
            for role, key in keys.items()
        )
    )
    return {
        "AWS_SHARED_CREDENTIALS_FILE": str(path),
        "AWS_CONFIG_FILE": str(path.with_name("config")),
        "AWS_DEFAULT_REGION": REGION,
    }


def job(tmp, server, profiles, role: str, *options: str, prefix: str = PREFIX) -> dict[str, str | None]:
    return run_suite(
        tmp,
        f"--endpoint-url={server}",
        f"--aws-profile={role}",
        f"--table-prefix={prefix}",
        f"--out-dir={tmp / 'build'}",
        *options,
        env=profiles,
    )


@pytest.fixture(scope="module")
def loaded(server, profiles, tmp_path_factory):
    """`make run` itself, pointed at the server and signed by the load user."""
    tmp = tmp_path_factory.mktemp("load")
    options = (
        f"--endpoint-url={server} --aws-profile=load --table-prefix={PREFIX} --out-dir={tmp / 'build'} "
        f"--junitxml={tmp / 'junit.xml'}"
    )
    done = subprocess.run(
        ["make", "-s", "run", f"REPORT={tmp / 'report.html'}", f"RUN_ARGS={options}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **profiles},
    )
    assert (tmp / "junit.xml").exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return verdicts_of(tmp / "junit.xml"), tmp


def test_the_load_policy_suffices_for_the_whole_job(loaded):
    verdicts, tmp = loaded
    assert failures(verdicts) == {}
    assert len(verdicts) > 400, "the job ran its suites"
    record = json.loads((tmp / "build" / "run.json").read_text())
    assert record["verdict"]["deploy"] is True
    assert sorted(record["changes"]) == sorted(t.name for t in TABLES)
    # UpdateTimeToLive under the load policy: TTL on the one table that declares an expiry.
    assert {name: e["ttl"] for name, e in record["expiry"].items()} == {"disruption_events": "ENABLED"}
    # PutMetricAlarm and DescribeAlarms on the tool's alarm names, PutMetricData in its namespace.
    assert record["alarms"]["create"] and record["alarms"]["drift"] == {}
    assert sorted(record["published"]) == sorted(PREFIX + t.name for t in TABLES)


def test_the_load_policy_with_a_staging_place_imports_big_tables(server, profiles, tmp_path):
    # The sample's tables of 5,000 items or more are imported, the others written.
    big = {t.name for t in TABLES if SAMPLE.files[t.file].items >= IMPORT_THRESHOLD}
    assert len(big) > 1, "the threshold picks some of the sample's tables"
    verdicts = job(
        tmp_path,
        server,
        profiles,
        "load",
        "-m",
        "live",
        "-k",
        "test_item_count or test_table_is_active",
        f"--import-threshold={IMPORT_THRESHOLD}",
        f"--import-staging=s3://{STAGING[0]}/{STAGING[1]}",
        prefix="iam-import-",
    )
    assert failures(verdicts) == {}
    imports = json.loads((tmp_path / "build" / "run.json").read_text())["imports"]
    assert {name: counts["status"] for name, counts in imports.items()} == dict.fromkeys(big, "COMPLETED")


def test_the_check_policy_plans_and_checks_read_only(loaded, server, profiles, tmp_path):
    planned = job(tmp_path, server, profiles, "check", "-m", "live", "--plan")
    assert failures(planned) == {}
    plan = json.loads((tmp_path / "build" / "plan.json").read_text())
    assert plan["totals"]["create"] == plan["totals"]["update"] == plan["totals"]["delete"] == 0
    # A plan skips the live checks (nothing was applied): --no-load runs them against the deployment as it is.
    checked = job(tmp_path, server, profiles, "check", "-m", "live", "--no-load")
    assert failures(checked) == {}


def test_the_check_policy_cannot_write(loaded, server, profiles, tmp_path):
    # A prefix with no tables yet: the sync's first request is a CreateTable, which the server refuses.
    verdicts = run_suite(
        tmp_path,
        f"--endpoint-url={server}",
        "--aws-profile=check",
        "--table-prefix=other-",
        f"--out-dir={tmp_path / 'build'}",
        "-m",
        "live",
        "-k",
        "test_item_count and flights",
        env=profiles,
    )
    message = verdicts["test_item_count[flights]"]
    assert "not authorized to perform: dynamodb:CreateTable" in message
    assert (
        "Check --endpoint-url or --aws, the region and the credentials." in message and "partly written" not in message
    )
    assert "Traceback" not in message and "botocore" not in message
