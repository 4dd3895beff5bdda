"""The report's summary and what is kept out of it."""
from fixers.ledger import Ledger, TableEntry
from fixers.outcome import Change
from loaders.batch import LoadReport
from loaders.tables import TableSetup
from reporting.record import Latency, RunRecord
from reporting.redact import safe_endpoint, safe_metadata
from reporting.summary import render


def test_an_endpoint_is_shown_without_credentials():
    assert safe_endpoint("http://admin:s3cret@db.internal:8000/path?token=abc#x") == "http://db.internal:8000/path"
    assert safe_endpoint(None).startswith("AWS")


def test_the_environment_is_an_allow_list():
    metadata = {"Python": "3.11", "JENKINS_URL": "https://user:token@ci", "CI_JOB_TOKEN": "abc"}
    safe_metadata(metadata, {"DynamoDB": "a moto server started on 127.0.0.1"})
    assert set(metadata) == {"Python", "Packages", "DynamoDB"}
    assert "great_expectations" in metadata["Packages"]


def test_the_summary_shows_each_table_its_fixes_load_and_verdict():
    ledger = Ledger({"flights": TableEntry("flights", "flights.csv", 256, 256, 0, 0,
                                           [Change("parse_timestamps", "scheduled_departure", 12, "")])})
    record = RunRecord(endpoint="http://127.0.0.1:5000", ledger=ledger,
                       blocked={"passengers": ["passengers (passengers.csv, column email): schema: 1 row."]})
    setup = TableSetup("flights", created=False, indexes_added=("aircraft-registration-index",), undeclared_indexes=("old-index",))
    record.loads["flights"] = LoadReport("flights", 256, 11, 2, 0, 1, 0.5, setup)
    record.found["flights"] = 256
    record.outcomes["flights"] += ["passed", "passed", "failed"]
    record.latencies.append(Latency("flights.flight-number-date-index(flight_number)", 7, 1.5, 12.0, 7, 256))
    html = render(record)
    assert "parse_timestamps scheduled_departure ×12" in html
    assert "512 items/s, 2 retries" in html
    assert "GSI added: aircraft-registration-index" in html and "GSI not in the contract, left alone: old-index" in html
    assert "FAIL</span> (1 of 3 checks)" in html
    assert "NOT LOADED</span><br>passengers (passengers.csv, column email): schema: 1 row." in html
    assert "<td>7</td><td>1.5</td><td>12.0</td><td>7</td><td>256</td>" in html
