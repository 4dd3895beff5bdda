"""A difference planted in a personal column reaches no output: the live checks' failures mask it, pytest's own
assertion diffs included.

A contracts file of one small table with a personal column and a GSI (so its query pattern compares whole rows):
synced into moto, then every item's e-mail is changed behind the tool's back, and the same checks run again with
--no-load. Both the export's values and the planted one are searched for in the terminal, junit and report.html.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.pytest_run import ROOT, failures, live_subset, verdicts_of

CONTRACTS = """
import pandera.pandas as pa
from pandera.typing import Series

from contracts.formats import EMAIL, ident, personal
from contracts.table import Index, Table


class Riders(pa.DataFrameModel):
    rider_id: Series[str] = ident("RD", 3)
    city: Series[str]
    email: Series[str] = personal(EMAIL)


TABLES = (Table(name="riders", file="riders.csv", model=Riders, key=("rider_id",),
                indexes=(Index(name="city-index", hash_key="city", agent="support", question="the riders of a city",
                               query_on=("city",)),)),)
"""
EMAILS = (
    "amira.haddad@example.org",
    "bruno.keller@example.org",
    "chiara.rossi@example.org",
    "dmitri.orlov@example.org",
)
PLANTED = "planted.zq7x@example.net"
CHECKS = "test_items_equal_fixed_rows or test_query_pattern"


def run(tmp_path, server, name: str, *options: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    folder = tmp_path / name
    command = live_subset(
        CHECKS,
        f"--contracts={tmp_path / 'riders_contracts.py'}",
        f"--data-dir={tmp_path / 'export'}",
        f"--out-dir={folder / 'out'}",
        f"--endpoint-url={server}",
        "--table-prefix=masked-",
        f"--junitxml={folder / 'junit.xml'}",
        f"--html={folder / 'report.html'}",
        "--self-contained-html",
        *options,
    )
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    outputs = {"stdout": done.stdout, "stderr": done.stderr}
    outputs |= {
        p.name: p.read_text(encoding="utf-8") for p in (folder / "junit.xml", folder / "report.html") if p.exists()
    }
    return done, outputs


@pytest.fixture
def planted(tmp_path, server, admin):
    (tmp_path / "riders_contracts.py").write_text(CONTRACTS, encoding="utf-8")
    (tmp_path / "export").mkdir()
    rows = [f"RD00{n},{'Dubai' if n < 4 else 'Paris'},{email}" for n, email in enumerate(EMAILS, start=1)]
    (tmp_path / "export" / "riders.csv").write_text("rider_id,city,email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    synced, _ = run(tmp_path, server, "sync")
    assert synced.returncode == 0, synced.stdout[-3000:] + synced.stderr[-3000:]
    for item in admin.scan(TableName="masked-riders")["Items"]:
        admin.update_item(
            TableName="masked-riders",
            Key={"rider_id": item["rider_id"]},
            UpdateExpression="SET email = :e",
            ExpressionAttributeValues={":e": {"S": PLANTED}},
        )
    done, outputs = run(tmp_path, server, "check", "--no-load")
    return done, outputs, failures(verdicts_of(tmp_path / "check" / "junit.xml"))


def test_a_difference_in_a_personal_column_fails_the_checks_and_shows_no_value(planted):
    done, outputs, failed = planted
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout[-3000:] + done.stderr[-3000:]
    assert set(failed) == {"test_items_equal_fixed_rows[riders]", "test_query_pattern[riders.city-index(city)]"}, (
        sorted(failed)
    )
    assert {"junit.xml", "report.html"} <= outputs.keys()
    for name, text in outputs.items():
        shown = [value for value in (*EMAILS, PLANTED) if value in text]
        assert not shown, f"{name} shows {shown}"
    assert "<masked>" in outputs["stdout"]


def test_a_failed_comparison_in_the_jobs_own_checks_shows_shapes_and_elsewhere_pytests_diff(pytestconfig):
    import plugin

    assert plugin.pytest_assertrepr_compare(pytestconfig, "==", [1], [2]) is None, (
        "this test is not one of the job's checks"
    )
    pytestconfig.stash[plugin.IN_OUR_CHECK] = True
    try:
        lines = plugin.pytest_assertrepr_compare(pytestconfig, "==", [{"email": EMAILS[0]}], [{"email": PLANTED}, {}])
    finally:
        pytestconfig.stash[plugin.IN_OUR_CHECK] = False
    assert lines == ["a list of 1 == a list of 2 (values not shown: they may hold personal data)"]
