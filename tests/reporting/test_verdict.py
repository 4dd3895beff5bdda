"""The verdict: deploy only a finished run whose checks ran and passed, with one line per table that stops it."""

from loaders.cloudwatch.alarms import AlarmPlan
from loaders.deploy.plan import Plan, TablePlan
from loaders.deploy.sync import TableSync
from reporting.record import RunRecord
from reporting.verdict import figures, in_short, verdict
from tests.sample import REGISTRY


def finished(**fields) -> RunRecord:
    record = RunRecord(registry=REGISTRY, finished=True, **fields)
    record.note("test_schema[flights]", "flights", "passed")
    return record


def test_a_finished_run_whose_checks_passed_may_be_deployed():
    decision = verdict(finished())
    assert decision.deploy and decision.word == "DEPLOY" and decision.reasons == ()


def test_a_blocked_table_is_named_with_the_first_line_of_its_first_reason():
    record = finished(
        blocked={
            "passengers": [
                "passengers (passengers.csv, column email): schema: 1 row.\n    first: line 2: <masked>",
                "a second reason",
            ]
        }
    )
    record.note("test_item_count[passengers]", "passengers", "failed", "passengers was not loaded")
    decision = verdict(record)
    assert not decision.deploy and decision.word == "DO NOT DEPLOY"
    assert [(r.tables, r.text) for r in decision.reasons] == [
        (("passengers",), "not loaded: passengers (passengers.csv, column email): schema: 1 row.")
    ]
    assert (decision.blocked, decision.failing) == (("passengers",), ())


def test_a_table_with_failed_checks_is_named_with_its_first_failure_and_how_many():
    record = finished()
    record.note("test_schema[airports]", "airports", "passed")
    record.note(
        "test_columns[airports]", "airports", "failed", "\nairports (airports.csv): columns: 1 row.\n    to do: add it"
    )
    record.note("test_primary_key[airports]", "airports", "failed", "second failure")
    assert [(r.tables, r.text) for r in verdict(record).reasons] == [
        (("airports",), "airports (airports.csv): columns: 1 row. (2 of 3 checks failed)")
    ]


def test_a_failed_check_of_no_table_is_named_by_its_test():
    record = finished()
    record.note(
        "test_file_is_declared[extra.csv]", None, "failed", "extra.csv is neither a table nor declared as not one"
    )
    assert [(r.tables, r.text) for r in verdict(record).reasons] == [
        ((), "test_file_is_declared[extra.csv]: extra.csv is neither a table nor declared as not one")
    ]


def test_tables_failing_for_the_same_reason_share_one_line_after_the_blocked_parent():
    record = finished(blocked={"airports": ["airports (airports.csv, column latitude): schema: 1 row."]})
    for child, checks in (("notams", 1), ("flights", 2)):
        for n in range(checks):
            record.note(
                f"test_foreign_keys_live[{child}.{n}->airports]",
                child,
                "failed",
                "airports was not loaded: its contract fails:",
            )
    record.note("test_schema[Baggage]", "Baggage", "failed", "Baggage (baggage.csv): schema: 1 row.")
    decision = verdict(record)
    assert [(r.tables, r.text) for r in decision.reasons] == [
        (("airports",), "not loaded: airports (airports.csv, column latitude): schema: 1 row."),
        (("notams", "flights"), "airports was not loaded: its contract fails (3 checks failed in 2 tables)"),
        (("Baggage",), "Baggage (baggage.csv): schema: 1 row. (1 of 1 checks failed)"),
    ]
    assert (
        in_short(record, decision)
        == "1 table blocked: airports · checks failed in 3 more tables: notams, flights, Baggage"
    )


def test_a_run_that_did_not_finish_or_checked_nothing_is_not_deployed():
    unfinished = RunRecord(registry=REGISTRY)
    unfinished.note("test_schema[flights]", "flights", "passed")
    assert [r.text for r in verdict(unfinished).reasons] == ["the run did not finish"]
    assert [r.text for r in verdict(RunRecord(registry=REGISTRY, finished=True)).reasons] == ["no check ran"]


def test_the_figures_sum_changes_and_capacity_over_tables():
    record = finished(
        synced={
            "flights": TableSync("flights", created=250, updated=6),
            "airports": TableSync("airports", updated=1, deleted=2, unchanged=42),
        },
        capacity={
            "flights": {"write_units": 256.0, "read_units": 0.5},
            "airports": {"write_units": 3.0, "read_units": 1.0},
        },
    )
    f = figures(record)
    assert f.changes == {"create": 250, "update": 7, "delete": 2, "unchanged": 42}
    assert (f.write_units, f.read_units) == (259.0, 1.5)
    assert f.items is None and f.found is None, "no ledger and nothing counted live: no figure, not zero"


def planned(*plans: TablePlan, **fields) -> RunRecord:
    record = finished(plan=Plan(list(plans)), plan_only=True, **fields)
    record.note("test_item_count[flights]", "flights", "skipped")
    return record


def test_a_plan_says_what_it_would_change_and_that_nothing_was_applied():
    flights, airports = REGISTRY.by_name["flights"], REGISTRY.by_name["airports"]
    record = planned(
        TablePlan(flights, "flights", exists=True, create=[{}] * 3, actions=["add GSI flight-number-date-index"]),
        TablePlan(airports, "airports", exists=True, unchanged=45),
    )
    decision = verdict(record)
    assert decision.deploy and decision.word == "PLAN" and decision.pending == ("flights",)
    assert in_short(record, decision) == "3 item changes and 1 table action pending in 1 table, nothing applied"


def test_a_plan_with_nothing_to_change_says_so():
    record = planned(TablePlan(REGISTRY.by_name["airports"], "airports", exists=True, unchanged=45))
    decision = verdict(record)
    assert decision.word == "PLAN" and decision.pending == ()
    assert in_short(record, decision) == "nothing to change, nothing applied"


def test_alarms_to_create_or_change_are_pending_even_when_no_item_is():
    alarms = AlarmPlan(
        {},
        create=["DynamoDBContracts/airports/Scans"],
        change={"DynamoDBContracts/airports/UserErrors": ["Threshold"]},
        leave=["DynamoDBContracts/airports/ReadThrottleEvents"],
    )
    record = planned(TablePlan(REGISTRY.by_name["airports"], "airports", exists=True, unchanged=45), alarms=alarms)
    decision = verdict(record)
    assert decision.word == "PLAN" and decision.pending == ()
    assert decision.pending_alarms == ("DynamoDBContracts/airports/Scans", "DynamoDBContracts/airports/UserErrors")
    assert in_short(record, decision) == "2 alarm changes pending, nothing applied"
    record.plan.tables[0].update = [None]
    assert (
        in_short(record, verdict(record))
        == "1 item change pending in 1 table, 2 alarm changes pending, nothing applied"
    )


def test_alarms_a_plan_leaves_alone_or_could_not_read_are_not_pending():
    airports = TablePlan(REGISTRY.by_name["airports"], "airports", exists=True, unchanged=45)
    for alarms in (
        AlarmPlan({}, leave=["DynamoDBContracts/airports/Scans"]),
        "not checked: this server has no CloudWatch",
    ):
        record = planned(airports, alarms=alarms)
        assert (
            verdict(record).pending_alarms == ()
            and in_short(record, verdict(record)) == "nothing to change, nothing applied"
        )


def test_a_run_that_applies_its_alarms_has_none_pending():
    record = finished(alarms=AlarmPlan({}, create=["DynamoDBContracts/airports/Scans"]))
    assert verdict(record).pending_alarms == ()


def test_a_plan_that_blocks_a_table_is_not_to_be_deployed_and_still_says_what_is_pending():
    bookings = REGISTRY.by_name["bookings"]
    record = planned(
        TablePlan(bookings, "bookings", exists=True, delete=[{}] * 9, blocked="bookings: the sync would delete 9"),
        TablePlan(REGISTRY.by_name["airports"], "airports", exists=True, update=[None] * 2),
        blocked={"bookings": ["bookings: the sync would delete 9"]},
    )
    decision = verdict(record)
    assert not decision.deploy and decision.word == "DO NOT DEPLOY" and decision.pending == ("airports",)
    assert (
        in_short(record, decision) == "1 table blocked: bookings · 2 item changes pending in 1 table, nothing applied"
    )


def test_a_refused_run_is_not_deployed_and_says_why_alone():
    record = RunRecord(registry=REGISTRY, refused="--data-dir /x holds no CSV file: point it at the export")
    decision = verdict(record)
    assert not decision.deploy
    assert [r.text for r in decision.reasons] == [
        "refused before anything ran: --data-dir /x holds no CSV file: point it at the export"
    ]
