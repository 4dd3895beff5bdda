"""The terminal summary: the verdict, why, and the figures, in a few lines."""

from fixers.ledger import Ledger, TableEntry
from loaders.deploy.plan import Plan, TablePlan
from loaders.deploy.sync import TableSync
from reporting.record import RunRecord
from reporting.terminal import summary_lines
from tests.sample import REGISTRY


def test_a_blocked_run_says_do_not_deploy_and_why_then_the_figures():
    record = RunRecord(
        registry=REGISTRY,
        target="a local moto server (ephemeral)",
        finished=True,
        ledger=Ledger({"flights": TableEntry("flights", "flights.csv", 260, 256, 1, 3)}),
        blocked={"passengers": ["passengers (passengers.csv, column email): schema: 1 row.\n    to do: fix it"]},
        synced={"flights": TableSync("flights", created=256)},
        capacity={"flights": {"write_units": 256.0, "read_units": 0.0}},
    )
    record.note("test_item_count[passengers]", "passengers", "failed", "passengers was not loaded")
    record.stages["sync"] = 2.25
    assert summary_lines(record) == [
        "DO NOT DEPLOY to a local moto server (ephemeral): 1 table blocked: passengers",
        "  passengers: not loaded: passengers (passengers.csv, column email): schema: 1 row.",
        f"tables {len(REGISTRY.tables)} (1 loaded, 1 blocked) | items 256 | changes applied: 256 create, 0 update, 0 delete, 0 unchanged"
        " | quarantined 3 | capacity 256 WCU, 0 RCU",
        "stages: sync 2.2 s",
    ]


def test_many_reasons_are_cut_to_five_and_point_at_where_the_others_are():
    record = RunRecord(registry=REGISTRY, finished=True)
    for n in range(7):
        record.note(f"test_file_is_declared[extra{n}.csv]", None, "failed", f"extra{n}.csv is not declared")
    lines = summary_lines(record, "/tmp/report.html")
    assert lines[0] == "DO NOT DEPLOY: see why below"
    assert lines[1:7] == [f"  test_file_is_declared[extra{n}.csv]: extra{n}.csv is not declared" for n in range(5)] + [
        "  and 2 more: see /tmp/report.html"
    ]
    assert summary_lines(record)[6] == "  and 2 more: see run.json", "without a report, run.json has them all"


def test_a_pre_upload_run_says_no_live_check_ran_and_names_no_deployment():
    record = RunRecord(registry=REGISTRY, target="a local moto server (ephemeral)", finished=True)
    record.note("test_schema[flights]", "flights", "passed")
    record.stages["gate"] = 1.0
    tables = len(REGISTRY.tables)
    assert (
        summary_lines(record)[0]
        == f"DEPLOY: all {tables} tables pass the pre-upload checks; no live check ran, nothing was loaded"
    )
    record.stages["live checks"] = 1.0
    record.synced["flights"] = TableSync("flights", created=256)
    assert summary_lines(record)[0] == f"DEPLOY to a local moto server (ephemeral): all {tables} tables pass"


def test_a_plan_says_for_what_it_plans_and_what_is_pending():
    record = RunRecord(
        registry=REGISTRY,
        target="AWS, prefix staging-",
        finished=True,
        plan_only=True,
        plan=Plan(
            [TablePlan(REGISTRY.by_name["flights"], "staging-flights", exists=True, update=[None] * 4, unchanged=252)]
        ),
    )
    record.note("test_item_count[flights]", "flights", "skipped")
    lines = summary_lines(record)
    assert lines[0] == "PLAN for AWS, prefix staging-: 4 item changes pending in 1 table, nothing applied"
    assert "changes planned, not applied: 0 create, 4 update, 0 delete, 252 unchanged" in lines[1]
