"""A deployment that exists converges to the contracts and the export, run by run, as a user runs them.

One moto server and one table prefix, in order: the seed's old deployment is
planned (nothing written), synced (only the table with the wrong key is
blocked), migrated, and synced again (nothing written). Then an export with
bookings deleted, changed and added converges in one run that writes exactly
those, and is rolled back; and an export that lost 95% of its bookings trips
the circuit breaker.
"""

from __future__ import annotations

import csv
import json
import os
import pty
import shutil
import subprocess
import sys

import pytest

from contracts.alarms import ALARM_ROOT, alarm_name
from data import manifest
from loaders.cloudwatch.alarms import COMPARED, declared_alarms
from loaders.dynamodb.client import endpoint_client
from loaders.dynamodb.endpoint import shown
from tests.lineage import descendants
from tests.plugin import old_deployment
from tests.pytest_run import ROOT, failures, run_suite, skip_reasons
from tests.sample import TABLES, TABLES_BY_NAME

PREFIX = "ops-"
LIVE = "test_item_count or test_items_equal_fixed_rows or test_table_is_active or test_gsi or test_table_is_protected"
SAMPLE = manifest.load()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("sync")


def run(work, server, name: str, *options: str, data_dir=ROOT / "data" / "raw"):
    """The live suite (a subset: counts, items, GSIs, protection) against the shared server, out dir `work/name`."""
    verdicts = run_suite(
        work / name,
        "plugin/suites/test_live.py",
        "-m",
        "live",
        "-k",
        LIVE,
        f"--endpoint-url={server}",
        f"--data-dir={data_dir}",
        f"--out-dir={work / name}",
        f"--table-prefix={PREFIX}",
        *options,
    )
    return (
        verdicts,
        json.loads((work / name / "plan.json").read_text()),
        json.loads((work / name / "run.json").read_text()),
    )


def plan(work, server, name: str, *options: str, data_dir=ROOT / "data" / "raw") -> subprocess.CompletedProcess:
    """`--plan` of the same live subset, as a user types it: its exit status and what it printed."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "plugin/suites/test_live.py",
            "-m",
            "live",
            "-k",
            LIVE,
            "--plan",
            f"--endpoint-url={server}",
            f"--data-dir={data_dir}",
            f"--out-dir={work / name}",
            f"--table-prefix={PREFIX}",
            *options,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def snapshot(client) -> dict:
    """Every table under the prefix: its GSIs, its protection and its items."""
    out = {}
    for name in sorted(n for n in client.list_tables()["TableNames"] if n.startswith(PREFIX)):
        description = client.describe_table(TableName=name)["Table"]
        items = [i for page in client.get_paginator("scan").paginate(TableName=name) for i in page["Items"]]
        out[name] = (
            sorted(i["IndexName"] for i in description.get("GlobalSecondaryIndexes", [])),
            description.get("DeletionProtectionEnabled"),
            sorted(json.dumps(i, sort_keys=True) for i in items),
        )
    return out


def changes(plan: dict, name: str) -> dict:
    return {k: plan["tables"][name][k] for k in ("create", "update", "delete")}


@pytest.fixture(scope="module")
def old(admin):
    return old_deployment.build(admin, PREFIX)


@pytest.fixture(scope="module")
def planned(old, admin, work, server):
    before = snapshot(admin)
    done = plan(work, server, "plan", "--detailed-exitcode")
    return before, snapshot(admin), json.loads((work / "plan" / "plan.json").read_text()), done


def test_the_plan_of_the_old_deployment_lists_every_action(planned, old, work):
    _, _, plan, _ = planned
    blocked = plan["tables"]["MaintenanceWorkOrders"]["blocked"]
    assert "(('work_order_id', 'S'),)" in blocked and "(('workorder_id', 'S'),)" in blocked and "--migrate" in blocked
    for table in TABLES:
        entry = plan["tables"][table.name]
        if table.name == "MaintenanceWorkOrders":
            continue
        ttl = [f"enable TTL on {table.expiry.attribute}"] if table.expiry else []
        if table.name not in old:
            create = (
                f"create table with {len(table.indexes)} GSI{'s' * (len(table.indexes) != 1)}"
                if table.indexes
                else "create table"
            )
            assert entry["actions"] == [create, *ttl]
            assert changes(plan, table.name) == {"create": SAMPLE.files[table.file].items, "update": 0, "delete": 0}
            continue
        fixed = old_deployment.fixed_keys(work / "plan", table.name)
        ttl = [f"enable TTL on {table.expiry.attribute}"] if table.expiry else []
        assert (
            entry["actions"]
            == [f"add GSI {i.name}" for i in table.indexes]
            + ["enable deletion protection", "enable point-in-time recovery"]
            + ttl
        ), table.name
        assert entry["create"] == len(fixed - old[table.name]), table.name
        assert entry["delete"] == len(old[table.name] - fixed), table.name
        assert entry["update"] + entry["unchanged"] == len(fixed & old[table.name]), table.name
    # A number stored as a string is a change: every old table with a number besides its key has updates.
    numbered = [
        n
        for n in old
        if n != "MaintenanceWorkOrders"
        and any(
            TABLES_BY_NAME[n].attribute_type(c) == "N"
            for c in TABLES_BY_NAME[n].columns
            if c not in TABLES_BY_NAME[n].key
        )
    ]
    assert numbered and all(plan["tables"][name]["update"] > 0 for name in numbered)


def test_the_plan_writes_nothing(planned):
    before, after, _, _ = planned
    assert after == before


def test_a_plan_that_blocks_a_table_is_an_error_that_names_the_table_without_a_traceback(planned):
    *_, done = planned
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"plan: {PREFIX}MaintenanceWorkOrders: BLOCKED:" in done.stdout
    assert "DO NOT DEPLOY to " in done.stdout and "  MaintenanceWorkOrders: not loaded: table" in done.stdout
    # The old deployment has none of the declared alarms: each is one to create.
    alarms = len(declared_alarms(TABLES, PREFIX, None))
    assert f"pending in 29 tables, {alarms} alarm changes pending, nothing applied" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr and "Deployment(" not in done.stdout


@pytest.fixture(scope="module")
def synced(planned, work, server):
    return run(work, server, "sync")


def test_a_plain_run_blocks_only_the_table_with_the_wrong_key_and_converges_the_rest(synced, work):
    verdicts, plan, record = synced
    assert failures(verdicts) == {}
    skipped = skip_reasons(work / "sync" / "junit.xml")
    assert skipped and all("MaintenanceWorkOrders" in test for test in skipped), sorted(skipped)
    assert skipped["test_item_count[MaintenanceWorkOrders]"].startswith(
        "blocked: MaintenanceWorkOrders is blocked by the plan: "
    )
    assert record["verdict"]["blocked"] == ["MaintenanceWorkOrders"] and record["verdict"]["deploy"] is False
    others = [t for t in TABLES if t.name != "MaintenanceWorkOrders"]
    assert all(verdicts[f"test_item_count[{t.name}]"] is None for t in others)
    assert record["finished"] is True and record["changes_applied"] is True
    deleted = {name: counts["delete"] for name, counts in record["changes"].items() if counts["delete"]}
    assert deleted == {name: plan["tables"][name]["delete"] for name in deleted}
    assert deleted, "the orphans and the old roster rows are gone"


@pytest.fixture(scope="module")
def migrated(synced, work, server):
    return run(work, server, "migrate", "--migrate")


def test_migrate_backs_up_and_rebuilds_only_the_table_with_the_wrong_key(migrated, admin):
    verdicts, plan, record = migrated
    assert not failures(verdicts)
    assert [
        name for name, entry in plan["tables"].items() if any(a.startswith("back up") for a in entry["actions"])
    ] == ["MaintenanceWorkOrders"]
    backups = admin.list_backups(TableName=PREFIX + "MaintenanceWorkOrders")["BackupSummaries"]
    assert len(backups) == 1 and backups[0]["BackupName"].startswith(PREFIX + "MaintenanceWorkOrders-")
    assert any(a.startswith("migrated; backup arn:") for a in record["actions"]["MaintenanceWorkOrders"])


@pytest.fixture(scope="module")
def rerun(migrated, work, server):
    return run(work, server, "rerun")


def test_a_rerun_after_convergence_writes_nothing(rerun):
    """No item, no table action (TTL among them) and no alarm changes."""
    verdicts, plan, record = rerun
    assert not failures(verdicts)
    assert {k: plan["totals"][k] for k in ("create", "update", "delete")} == {"create": 0, "update": 0, "delete": 0}
    assert all(entry["actions"] == [] for entry in plan["tables"].values())
    assert (record["alarms"]["create"], record["alarms"]["change"], record["alarms"]["applied"]) == ([], {}, [])


def _bookings(path):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def changed_export(rerun, work):
    """20 bookings deleted (none that a bag or a connection points at), 10 changed, 5 added."""
    export = work / "changed-export"
    shutil.copytree(ROOT / "data" / "raw", export)
    header, rows = _bookings(export / "bookings.csv")
    referenced = set()
    for file in ("baggage.csv", "passenger_connections.csv"):
        with (export / file).open(encoding="utf-8", newline="") as handle:
            referenced |= {row["booking_id"] for row in csv.DictReader(handle)}
    flights = {row["flight_id"] for row in csv.DictReader((export / "flights.csv").open(encoding="utf-8"))}
    loadable = [r for r in rows if r["booking_id"] not in referenced and r["flight_id"] in flights]
    deleted = {r["booking_id"] for r in loadable[-20:]}
    kept = [r for r in rows if r["booking_id"] not in deleted]
    for row in loadable[:10]:
        row["seat_number"] = "1A" if row["seat_number"] != "1A" else "2A"
    kept += [dict(loadable[0], booking_id=f"BK900000{n}") for n in range(5)]
    _write(export / "bookings.csv", header, kept)
    return export


@pytest.fixture(scope="module")
def planned_changes(rerun, changed_export, admin, work, server):
    """On the converged deployment: a plan of the changed export, with and without the detailed exit code, and
    one of the export it holds."""
    before = snapshot(admin)
    plain = plan(work, server, "plan-changes", data_dir=changed_export)
    detailed = plan(work, server, "plan-changes-detailed", "--detailed-exitcode", data_dir=changed_export)
    unchanged = plan(work, server, "plan-unchanged", "--detailed-exitcode")
    return before, snapshot(admin), plain, detailed, unchanged


def test_a_plan_of_a_valid_export_passes_and_prints_the_changes(planned_changes, work, server):
    before, after, plain, _, _ = planned_changes
    assert plain.returncode == 0, plain.stdout[-3000:] + plain.stderr[-3000:]
    assert after == before
    assert f"plan: {PREFIX}bookings: create 5, update 10, delete 20, unchanged" in plain.stdout
    assert "  updates change seat_number (10); first booking_id=" in plain.stdout
    assert (
        f"PLAN for {shown(server)}, prefix {PREFIX}: 35 item changes pending in 1 table, nothing applied"
        in plain.stdout
    )
    assert "plan only: nothing was applied" in plain.stdout and " failed" not in plain.stdout
    written = json.loads((work / "plan-changes" / "plan.json").read_text())["tables"]["bookings"]
    assert written["attributes"] == {"seat_number": 10}
    assert all(set(example["changes"]) == {"seat_number"} for example in written["examples"]["update"])


def test_the_detailed_exit_code_tells_changes_pending_from_nothing_to_do(planned_changes):
    *_, detailed, unchanged = planned_changes
    assert detailed.returncode == 2, detailed.stdout[-3000:] + detailed.stderr[-3000:]
    assert unchanged.returncode == 0, unchanged.stdout[-3000:] + unchanged.stderr[-3000:]
    assert "nothing to change, nothing applied" in unchanged.stdout


# Changed by hand before the changed run (its Threshold), and deleted: the run restores both, its rollback undoes that.
TAMPERED, REMOVED = alarm_name(PREFIX, "bookings", "Scans"), alarm_name(PREFIX, "bookings", "ReadThrottleEvents")


def alarms_of(cloudwatch) -> dict:
    """Every alarm of the prefix: its threshold, by name."""
    pages = cloudwatch.get_paginator("describe_alarms").paginate(AlarmNamePrefix=ALARM_ROOT + PREFIX)
    return {a["AlarmName"]: a["Threshold"] for page in pages for a in page["MetricAlarms"]}


@pytest.fixture(scope="module")
def tampered(planned_changes, server):
    """After the plans above, TAMPERED's Threshold changed by hand and REMOVED deleted; the CloudWatch client."""
    cloudwatch = endpoint_client(server, service="cloudwatch")
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[TAMPERED])["MetricAlarms"]
    kept = ("AlarmName", *(name for name in COMPARED if name != "Threshold"))
    cloudwatch.put_metric_alarm(**{k: alarm[k] for k in kept}, Threshold=5000.0)
    cloudwatch.delete_alarms(AlarmNames=[REMOVED])
    return cloudwatch


@pytest.fixture(scope="module")
def planned_alarms(tampered, work, server) -> subprocess.CompletedProcess:
    """A plan of the export the deployment already holds: only the alarms changed by hand differ."""
    return plan(work, server, "plan-alarms", "--detailed-exitcode")


def test_alarms_to_restore_are_changes_pending_for_the_detailed_exit_code(planned_alarms):
    assert planned_alarms.returncode == 2, planned_alarms.stdout[-3000:] + planned_alarms.stderr[-3000:]
    assert "plan: alarms: create 1, change 1, leave " in planned_alarms.stdout
    assert f"  {TAMPERED}: Threshold 5000.0 -> " in planned_alarms.stdout
    assert f"prefix {PREFIX}: 2 alarm changes pending, nothing applied" in planned_alarms.stdout


@pytest.fixture(scope="module")
def changed(planned_alarms, tampered, changed_export, admin, work, server):
    before, alarms_before = snapshot(admin), alarms_of(tampered)
    return before, run(work, server, "changed", data_dir=changed_export), alarms_before, alarms_of(tampered)


def test_the_run_restores_an_alarm_changed_or_removed_by_hand(changed):
    _, (_, _, record), before, after = changed
    assert before[TAMPERED] == 5000.0 and REMOVED not in before
    assert record["alarms"]["create"] == [REMOVED] and list(record["alarms"]["change"]) == [TAMPERED]
    assert record["alarms"]["change"][TAMPERED] == [
        f"Threshold 5000.0 -> {float(TABLES_BY_NAME['bookings'].alarms.scans)!r}"
    ]
    assert sorted(record["alarms"]["applied"]) == sorted([REMOVED, TAMPERED]) and record["alarms"]["drift"] == {}
    assert after[TAMPERED] == TABLES_BY_NAME["bookings"].alarms.scans and REMOVED in after


def test_an_export_with_rows_deleted_changed_and_added_converges_writing_only_those(changed):
    _, (verdicts, plan, record), *_ = changed
    assert not failures(verdicts)
    assert changes(plan, "bookings") == {"create": 5, "update": 10, "delete": 20}
    assert all(changes(plan, t.name) == {"create": 0, "update": 0, "delete": 0} for t in TABLES if t.name != "bookings")
    assert record["changes"]["bookings"] == {
        "create": 5,
        "update": 10,
        "delete": 20,
        "unchanged": plan["tables"]["bookings"]["unchanged"],
    }


def roll_back(work, server, *options: str, answer: str | None = None) -> subprocess.CompletedProcess:
    """`pytest --rollback=...` of the changed run's out dir; with `answer`, typed at a terminal."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        f"--endpoint-url={server}",
        f"--out-dir={work / 'changed'}",
        f"--table-prefix={PREFIX}",
        *options,
    ]
    if answer is None:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    terminal, typing = pty.openpty()
    try:
        os.write(terminal, answer.encode() + b"\n")
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, stdin=typing)
    finally:
        os.close(terminal)
        os.close(typing)


@pytest.fixture(scope="module")
def rolled_back(changed, admin, work, server):
    """The changed run rolled back as a user would: by a path, by an unknown id, unasked, declined, with --yes, twice."""
    before, (_, _, record), *_ = changed
    run_id = record["run_id"]
    after_run = snapshot(admin)
    refused = {
        "path": roll_back(work, server, f"--rollback={os.path.relpath(work / 'changed' / 'rollback' / run_id, ROOT)}"),
        "unknown": roll_back(work, server, "--rollback=20200101T000000Z-0000"),
        "unasked": roll_back(work, server, f"--rollback={run_id}"),
        "declined": roll_back(work, server, f"--rollback={run_id}", answer="n"),
    }
    untouched = snapshot(admin)
    first = roll_back(work, server, f"--rollback={run_id}", "--yes")
    restored = snapshot(admin)
    alarms = alarms_of(endpoint_client(server, service="cloudwatch"))
    second = roll_back(work, server, f"--rollback={run_id}", "--yes")
    return run_id, before, after_run, refused, untouched, first, restored, second, snapshot(admin), alarms


def test_rollback_refuses_in_one_line_what_it_cannot_do_and_changes_nothing(rolled_back):
    run_id, _, after_run, refused, untouched, *_ = rolled_back
    assert untouched == after_run
    for done in (refused["path"], refused["unknown"], refused["unasked"]):
        assert done.returncode == 4 and done.stdout == ""
        [line] = [line for line in done.stderr.splitlines() if line.strip()]
        assert line.startswith("ERROR: --rollback=")
    assert "give a run id alone, such as" in refused["path"].stderr
    assert f"holds no run of that id; the runs it can roll back are {run_id} " in refused["unknown"].stderr
    assert "there is no terminal to confirm on: add --yes" in refused["unasked"].stderr


def test_rollback_shows_what_it_will_do_and_asks_first(rolled_back):
    _, _, _, refused, *_ = rolled_back
    declined = refused["declined"]
    assert declined.returncode == 1
    assert f"{PREFIX}bookings: put back 30 items as they were, delete 5 items the run created" in declined.stdout
    assert "Roll back? [y/N]" in declined.stdout and "was not rolled back: nothing was changed" in declined.stdout
    assert "  alarms: delete 1 the run created, put back 1 it changed" in declined.stdout


def test_rollback_returns_the_tables_to_their_state_before_the_run_and_says_so_once(rolled_back):
    _, before, _, _, _, first, restored, *_ = rolled_back
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert (first.stdout + first.stderr).count(f"{PREFIX}bookings: 30 items put back, 5 created items deleted") == 1
    assert restored == before


def test_rollback_returns_the_alarms_to_their_state_before_the_run(rolled_back, changed):
    *_, first, _, _, _, alarms = rolled_back
    assert "  alarms: 1 deleted, which the run created; 1 put back as they were" in first.stdout
    assert alarms == changed[2], "the alarm changed by hand has its old threshold again, the one removed is gone again"


def test_a_second_rollback_of_the_same_run_changes_nothing_and_says_so(rolled_back):
    run_id, *_, restored, second, after, _ = rolled_back
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert f"run {run_id} was already rolled back at " in second.stdout and "items put back" not in second.stdout
    assert after == restored


@pytest.fixture(scope="module")
def truncated(rolled_back, work, admin, server):
    """Run after the rollback test: the tables hold the converged sample again."""
    export = work / "truncated-export"
    shutil.copytree(ROOT / "data" / "raw", export)
    header, rows = _bookings(export / "bookings.csv")
    _write(export / "bookings.csv", header, rows[: len(rows) // 20])
    before = snapshot(admin)
    return before, run(work, server, "truncated", data_dir=export)


def test_an_export_that_lost_most_bookings_trips_the_breaker_and_deletes_nothing(truncated, admin):
    before, (verdicts, plan, _) = truncated
    blocked = plan["tables"]["bookings"]["blocked"]
    share = TABLES_BY_NAME["bookings"].max_delete_share
    assert f"more than the {share:.0%} its contract allows" in blocked and "--allow-mass-delete" in blocked
    assert snapshot(admin)[PREFIX + "bookings"] == before[PREFIX + "bookings"]
    spared = [t for t in TABLES if t.name != "bookings" and t.name not in descendants("bookings")]
    assert all(verdicts[f"test_item_count[{t.name}]"] is None for t in spared)
