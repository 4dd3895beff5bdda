"""A protection requested in one run and still not shown in the next is reported, not planned again as new.

On moto, whose UpdateTable accepts SSESpecification for a table it did not create and ignores it: a small table
made beforehand without encryption, synced twice on one out dir.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from loaders.dynamodb.schema import key_schema
from tests.plugin.test_masked_diffs import CONTRACTS
from tests.pytest_run import ROOT, failures, live_subset, skip_reasons, verdicts_of

PREFIX = "asked-"
CHECKS = "test_item_count or test_table_is_protected"


def run(tmp_path, server) -> tuple[subprocess.CompletedProcess, dict, dict, dict[str, str]]:
    """The live subset on the shared out dir; its output, run.json, plan.json and the skip reasons."""
    command = live_subset(
        CHECKS,
        f"--contracts={tmp_path / 'riders_contracts.py'}",
        f"--data-dir={tmp_path / 'export'}",
        f"--out-dir={tmp_path / 'out'}",
        f"--endpoint-url={server}",
        f"--table-prefix={PREFIX}",
        f"--junitxml={tmp_path / 'junit.xml'}",
    )
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert not failures(verdicts_of(tmp_path / "junit.xml")), done.stdout[-3000:]

    def read(name: str) -> dict:
        return json.loads((tmp_path / "out" / name).read_text(encoding="utf-8"))

    return done, read("run.json"), read("plan.json"), skip_reasons(tmp_path / "junit.xml")


@pytest.fixture
def two_runs(tmp_path, server, admin):
    (tmp_path / "riders_contracts.py").write_text(CONTRACTS, encoding="utf-8")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "riders.csv").write_text(
        "rider_id,city,email\nRD001,Dubai,someone@example.org\n", encoding="utf-8"
    )
    admin.create_table(
        TableName=f"{PREFIX}riders",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=key_schema(("rider_id",)),
        AttributeDefinitions=[{"AttributeName": "rider_id", "AttributeType": "S"}],
    )
    return run(tmp_path, server), run(tmp_path, server)


def test_encryption_moto_ignored_is_reported_by_the_next_plan_with_the_run_that_asked(two_runs):
    (_, first_record, first_plan, first_skips), (second, record, plan, skips) = two_runs
    asked = first_record["run_id"]
    assert "encrypt with the AWS managed KMS key" in first_plan["tables"]["riders"]["actions"]
    assert (
        f"encryption requested in run {asked} and accepted by the server"
        in first_skips["test_table_is_protected_as_declared[riders]"]
    )
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert record["run_id"] != asked
    entry = plan["tables"]["riders"]
    assert "encrypt with the AWS managed KMS key" not in entry["actions"]
    note = f"encryption requested in run {asked}, still not applied by the server (not requested again)"
    assert entry["unapplied"] == [note]
    assert f"plan: {PREFIX}riders: {note}" in second.stdout
    assert (
        f"encryption requested in run {asked} and accepted by the server"
        in skips["test_table_is_protected_as_declared[riders]"]
    )
