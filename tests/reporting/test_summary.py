"""The report's summary and what is kept out of it."""

import re
from html import unescape

from fixers.ledger import Ledger, TableEntry
from fixers.outcome import Change
from loaders.cloudwatch.alarms import AlarmPlan, declared_alarms
from loaders.deploy.batch import LoadReport
from loaders.deploy.import_table import ImportCounts
from loaders.deploy.sync import TableSync
from loaders.dynamodb.endpoint import shown
from reporting.quarantine import QuarantineReason
from reporting.record import Latency, RunRecord
from reporting.redact import safe_metadata
from reporting.summary import render
from tests.sample import REGISTRY


def test_an_endpoint_is_shown_without_credentials():
    assert shown("http://admin:s3cret@db.internal:8000/path?token=abc#x") == "http://***@db.internal:8000/path"
    assert shown(None).startswith("AWS")


def test_the_environment_is_an_allow_list():
    metadata = {"Python": "3.11", "JENKINS_URL": "https://user:token@ci", "CI_JOB_TOKEN": "abc"}
    safe_metadata(metadata, {"DynamoDB": "a moto server started on 127.0.0.1"})
    assert set(metadata) == {"Python", "Packages", "DynamoDB"}
    assert "great_expectations" in metadata["Packages"]


def live_run() -> RunRecord:
    ledger = Ledger(
        {
            "flights": TableEntry(
                "flights", "flights.csv", 256, 256, 0, 0, [Change("parse_timestamps", "scheduled_departure", 12, "")]
            )
        }
    )
    record = RunRecord(
        registry=REGISTRY,
        endpoint="http://admin:s3cret@127.0.0.1:49947",
        target="AWS us-east-1, prefix staging-",
        ledger=ledger,
        blocked={
            "passengers": ["passengers (passengers.csv, column email): schema: 1 row.\n    first: line 2: <masked>"]
        },
        finished=True,
        gx_docs="gx/data_docs/local_site/index.html",
    )
    record.synced["flights"] = TableSync(
        "flights",
        created_table=True,
        gsis_added=("aircraft-registration-index",),
        undeclared_gsis=("old-index",),
        created=250,
        updated=6,
        report=LoadReport("flights", 256, 11, 2, 0, 0.5),
    )
    record.found["flights"] = 256
    record.note("test_item_count[flights]", "flights", "passed")
    record.note("test_gsi[flights.aircraft-registration-index]", "flights", "passed")
    record.note("test_items_equal_fixed_rows[flights]", "flights", "failed", "flights: line 5 differs")
    record.note("test_item_count[passengers]", "passengers", "failed", "passengers was not loaded")
    record.capacity["flights"] = {"write_units": 256.0, "read_units": 12.5}
    record.quarantine["bookings"] = [QuarantineReason("flight_id 9003 has no row in flights", 2, (6202, 6535))]
    record.latencies.append(Latency("flights.flight-number-date-index(flight_number)", 7, 1.5, 12.0, 7, 256))
    record.stages["fix"] = 0.5
    return record


def cells(html: str) -> str:
    """The page's text with tags dropped, cells separated by `|`."""
    return re.sub(r"(\s*\|\s*)+", "|", re.sub(r"<[^>]+>", "|", html))


def test_the_verdict_and_the_tables_that_stop_it_come_first():
    html = render(live_run())
    assert html.index("DO NOT DEPLOY") < html.index("<h2>Tables</h2>")
    text = cells(html)
    assert (
        "|to AWS us-east-1, prefix staging-|1 table blocked: passengers · checks failed in 1 more table: flights|"
        in text
    )
    assert "|flights|: flights: line 5 differs (1 of 3 checks failed)|" in text
    assert "|passengers|: not loaded: passengers (passengers.csv, column email): schema: 1 row.|" in text
    assert "127.0.0.1:49947" not in html[: html.index("endpoint:")], "an ephemeral port is not the deployment"


def test_the_figures_say_what_changed_what_it_cost_and_how_long_it_took():
    text = cells(render(live_run()))
    assert "|changes applied|256|250 create · 6 update · 0 delete · 0 unchanged|" in text
    assert "|capacity|256 WCU|12 RCU|" in text
    assert "|checks|2 passed|2 failed|" in text
    assert "|time|0.5 s|fix 0.5|" in text


def test_the_sections_follow_in_the_order_a_release_manager_reads():
    html = render(live_run())
    headings = re.findall(r"<h2>([^<(]+)", html)
    assert [h.strip() for h in headings] == [
        "Tables",
        "Changes in DynamoDB",
        "Alarms",
        "Figures published",
        "Quarantined rows, by reason",
        "Files that are not tables",
        "Queries: GSI against Scan with a filter",
    ]
    assert html.index("<svg") < html.index("<h2>Tables</h2>"), "the pictures are on the first screen"


def test_the_details_show_fixes_changes_quarantine_reasons_and_files_left_out():
    html = render(live_run())
    text = cells(html)
    assert "parse_timestamps scheduled_departure ×12" in html
    assert "512 requests/s, 2 retries" in html
    assert (
        "|flights|250|6|0|0|table created|GSI added: aircraft-registration-index|undeclared GSI kept: old-index|256|12.5|"
        in text
    )
    assert "|bookings|bookings.csv|flight_id 9003 has no row in flights|2|6202, 6535|" in text
    assert "|crew_roster.csv|the roster before enrichment" in text
    assert "|flights.flight-number-date-index(flight_number)|7|1.5|12.0|7|256|" in text
    assert '<a href="gx/data_docs/local_site/index.html">Great Expectations Data Docs</a>' in html


def test_a_table_created_by_importtable_shows_the_import_s_own_counts():
    record = live_run()
    record.synced["passengers"] = TableSync(
        "passengers", created=11407, imported=ImportCounts("COMPLETED", 11407, 11407, 11407, 0, 9.1)
    )
    text = cells(render(record))
    assert (
        "|created 11,407, updated 0, deleted 0, unchanged 0|ImportTable COMPLETED in 9.1 s: 11,407 staged, "
        "11,407 processed, 11,407 imported, 0 errors|table created by ImportTable|"
    ) in text


def test_no_credential_reaches_the_summary():
    html = render(live_run())
    assert "s3cret" not in html and "admin" not in html
    assert "endpoint: http://***@127.0.0.1:49947" in html


def test_a_run_that_did_not_get_far_says_what_was_not_run():
    text = cells(render(RunRecord(registry=REGISTRY, finished=True)))
    assert "|DO NOT DEPLOY|" in text and "no check ran" in text
    assert "|Changes in DynamoDB|not run|" in text and "|Quarantined rows|not run|" in text
    assert "|Queries: GSI against Scan with a filter|not run|" in text


def test_capacity_in_whole_units_reads_without_a_decimal():
    record = live_run()
    record.capacity["flights"] = {"write_units": 11407.0, "read_units": 3.0}
    assert "|11,407|3|" in cells(render(record))


def test_a_pre_upload_run_names_no_deployment_and_says_no_live_check_ran():
    record = RunRecord(registry=REGISTRY, target="a local moto server (ephemeral)", finished=True)
    record.note("test_schema[flights]", "flights", "passed")
    text = cells(render(record))
    tables = len(REGISTRY.tables)
    assert f"|DEPLOY|all {tables} tables pass the pre-upload checks; no live check ran, nothing was loaded|" in text
    assert "moto" not in text


def text_of(record: RunRecord) -> str:
    """The summary's text, cells separated by `|`, with HTML's escapes read (`&gt;` is `>`)."""
    return unescape(cells(render(record)))


def with_alarms(record: RunRecord) -> RunRecord:
    """flights' alarms planned on a deployment where one was missing and one had another threshold; both applied."""
    flights = REGISTRY.by_name["flights"]
    requests = declared_alarms([flights], "staging-", None)
    scans, gsis = "DynamoDBContracts/staging-flights/Scans", "DynamoDBContracts/staging-flights/GsisNotActive"
    record.alarms = AlarmPlan(
        requests, create=[scans], change={gsis: ["Threshold 5.0 -> 1.0"]}, leave=sorted(set(requests) - {scans, gsis})
    )
    record.alarms_applied = [scans, gsis]
    record.alarm_drift = {}
    record.published = {
        "staging-flights": {
            "ItemsWritten": 256,
            "ItemsDeleted": 0,
            "ItemsUnchanged": 0,
            "RowsQuarantined": 0,
            "FailedChecks": 1,
            "Blocked": 0,
            "GsisNotActive": 0,
            "UploadErrors": 2,
            "UploadErrorRate": 2 / 258,
            "DurationSeconds": 0.5,
        }
    }
    return record


def test_the_alarms_show_metric_threshold_what_the_plan_did_and_the_drift():
    text = text_of(with_alarms(live_run()))
    assert (
        "|DynamoDBContracts/staging-flights/Scans|AWS/DynamoDB SuccessfulRequestLatency (SampleCount, "
        "TableName=staging-flights, Operation=Scan)|> 100 in 1 × 300 s|created|none|" in text
    )
    assert (
        "|DynamoDBContracts/staging-flights/GsisNotActive|DynamoDBContracts GsisNotActive (Maximum, "
        "TableName=staging-flights)|≥ 1 in 1 × 300 s|changed: Threshold 5.0 -> 1.0|none|" in text
    )
    assert "|DynamoDBContracts/staging-flights/UploadErrorRate|" in text and "|> 0.001 in 1 × 300 s|left|none|" in text
    assert (
        "alarms: 1 created, 1 changed, " in text
        and ", 0 drifted after the run · notify no one (no --alarm-topic)|" in text
    )


def test_an_alarm_that_drifted_says_how_and_a_plan_says_what_it_would_do():
    record = with_alarms(live_run())
    record.alarm_drift = {"DynamoDBContracts/staging-flights/Scans": ["missing"]}
    assert "|> 100 in 1 × 300 s|created|missing|" in text_of(record)
    record.alarms_applied, record.plan_only = [], True
    text = text_of(record)
    assert "|> 100 in 1 × 300 s|to create|–|" in text and "|to change: Threshold 5.0 -> 1.0|–|" in text


def test_the_published_figures_are_one_row_per_deployed_table():
    text = text_of(with_alarms(live_run()))
    assert "|1 tables × 10 figures, namespace DynamoDBContracts, dimension TableName|" in text
    assert "|staging-flights|256|0|0|0|1|0|0|2|0.78%|0.5|" in text


def test_without_cloudwatch_or_a_sync_the_sections_say_why():
    record = live_run()
    assert "|Alarms (CloudWatch)|not planned (" in text_of(record)
    assert "|Figures published (CloudWatch)|nothing published: this run did not sync" in text_of(record)
    record.alarms, record.published = (
        "not checked: this server has no CloudWatch",
        "not published: this server has no CloudWatch",
    )
    text = text_of(record)
    assert "|Alarms (CloudWatch)|not checked: this server has no CloudWatch|" in text
    assert "|Figures published (CloudWatch)|not published: this server has no CloudWatch|" in text
