"""run.json: written when the run starts, so a killed run leaves a record that says it did not finish."""

import json
import tomllib

import pytest
from jsonschema import Draft202012Validator

from loaders.cloudwatch.alarms import AlarmPlan
from loaders.deploy.batch import LoadReport
from loaders.deploy.import_table import ImportCounts
from loaders.deploy.sync import TableSync
from reporting.quarantine import QuarantineReason
from reporting.record import RUN_SCHEMA, SCHEMA, RunRecord
from tests.pytest_run import ROOT, run_json_problems
from tests.sample import REGISTRY


def test_a_started_run_says_it_has_not_finished_until_it_does(tmp_path):
    path = tmp_path / "build" / "run.json"
    record = RunRecord(target="a local moto server (ephemeral)")
    record.note("test_schema[flights]", "flights", "passed")
    record.start(path)
    started = json.loads(path.read_text())
    assert started["finished"] is False and started["verdict"]["deploy"] is False
    assert started["run_id"] == record.run_id and started["started"].endswith("+00:00")
    assert started["verdict"]["reasons"] == [{"tables": [], "text": "the run did not finish"}]
    record.finish(path)
    done = json.loads(path.read_text())
    assert done["finished"] is True and done["verdict"] == {
        "deploy": True,
        "reasons": [],
        "blocked": [],
        "failing": [],
        "plan_only": False,
        "pending": [],
        "pending_alarms": [],
        "live_checked": False,
    }
    assert done["schema"] == 1 and done["ran"] == [] and done["refused"] is None
    assert (done["run_id"], done["started"]) == (started["run_id"], started["started"])
    assert done["figures"]["checks"] == {"passed": 1} and done["target"] == "a local moto server (ephemeral)"


def test_a_write_that_breaks_off_leaves_the_last_whole_record(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    record = RunRecord()
    record.start(path)
    before = path.read_text()

    def disk_full(descriptor):
        raise OSError("disk full")  # the new text is written to the temporary file, but never reaches the disk

    monkeypatch.setattr("files.atomic.os.fsync", disk_full)
    with pytest.raises(OSError, match="disk full"):
        record.finish(path)
    assert path.read_text() == before and json.loads(before)["finished"] is False
    assert list(tmp_path.iterdir()) == [path], "no partial file is left behind"


def test_run_json_holds_each_import_s_counts_and_why_one_failed(tmp_path):
    record = RunRecord()
    record.synced["passengers"] = TableSync(
        "passengers", created=11407, imported=ImportCounts("COMPLETED", 11407, 11407, 11407, 0, 9.1)
    )
    record.synced["bookings"] = TableSync(
        "bookings",
        imported=ImportCounts("FAILED", 7914, 7914, 7900, 14),
        import_failure="bookings: the import arn:x ended FAILED: 7900 of 7914 staged items imported",
    )
    record.synced["flights"] = TableSync("flights", created=256)
    record.finish(tmp_path / "run.json")
    imports = json.loads((tmp_path / "run.json").read_text())["imports"]
    assert imports == {
        "passengers": {
            "status": "COMPLETED",
            "staged": 11407,
            "processed": 11407,
            "imported": 11407,
            "errors": 0,
            "seconds": 9.1,
            "failure": None,
        },
        "bookings": {
            "status": "FAILED",
            "staged": 7914,
            "processed": 7914,
            "imported": 7900,
            "errors": 14,
            "seconds": None,
            "failure": "bookings: the import arn:x ended FAILED: 7900 of 7914 staged items imported",
        },
    }


def test_the_record_says_which_stages_ran_and_whether_a_live_check_did(tmp_path):
    path = tmp_path / "run.json"
    record = RunRecord()
    record.note("test_schema[flights]", "flights", "passed")
    record.stages["gate"] += 1.0
    record.stages["fix"] += 1.0
    record.finish(path)
    pre_upload = json.loads(path.read_text())
    assert pre_upload["ran"] == ["fix", "gate"] and pre_upload["verdict"]["live_checked"] is False
    record.stages["live checks"] += 1.0
    record.finish(path)
    assert json.loads(path.read_text())["verdict"]["live_checked"] is True


def test_a_refused_run_says_why_and_that_it_may_not_be_deployed(tmp_path):
    path = tmp_path / "run.json"
    RunRecord().refuse(path, "nothing answers at http://127.0.0.1:9: start the server there")
    refused = json.loads(path.read_text())
    assert refused["refused"] == "nothing answers at http://127.0.0.1:9: start the server there"
    assert refused["finished"] is True and refused["started"] and refused["ran"] == []
    assert refused["verdict"]["deploy"] is False
    assert refused["verdict"]["reasons"] == [
        {
            "tables": [],
            "text": "refused before anything ran: nothing answers at http://127.0.0.1:9: start the server there",
        }
    ]


def test_the_schema_is_shipped_with_the_package_and_is_valid_draft_2020_12():
    assert (
        "run.schema.json"
        in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["reporting"]
    )
    schema = json.loads(RUN_SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"] == {"const": SCHEMA, "description": "The layout of this file."}


def test_a_written_record_follows_the_schema_and_a_changed_key_does_not(tmp_path):
    path = tmp_path / "run.json"
    record = RunRecord(registry=REGISTRY)
    record.synced["passengers"] = TableSync(
        "passengers", created=3, imported=ImportCounts("COMPLETED", 3, 3, 3, 0, 1.0)
    )
    record.ttl["disruption_events"] = "ENABLED"
    record.note("test_item_count[flights]", "flights", "failed", "flights holds 1 items")
    record.finish(path)
    body = json.loads(path.read_text())
    assert run_json_problems(body) == []
    expiry = REGISTRY.by_name["disruption_events"].expiry
    assert body["expiry"] == {
        "disruption_events": {
            "attribute": expiry.attribute,
            "retention_days": expiry.retention.days,
            "expired": None,
            "ttl": "ENABLED",
        }
    }
    body["verdict"]["deploy"] = "yes"
    body["extra"] = 1
    del body["expiry"]
    assert sorted(run_json_problems(body)) == [
        "(top): 'expiry' is a required property",
        "(top): Additional properties are not allowed ('extra' was unexpected)",
        "verdict/deploy: 'yes' is not of type 'boolean'",
    ]


def test_the_alarms_and_published_figures_follow_the_schema_and_an_unknown_figure_does_not(tmp_path):
    path = tmp_path / "run.json"
    record = RunRecord(registry=REGISTRY)
    record.alarms = AlarmPlan(
        {},
        create=["DynamoDBContracts/flights/Scans"],
        change={"DynamoDBContracts/flights/GsisNotActive": ["Threshold 5.0 -> 1.0"]},
        leave=["DynamoDBContracts/flights/UploadErrorRate"],
    )
    record.alarms_applied = ["DynamoDBContracts/flights/Scans"]
    record.published = {"flights": {"ItemsWritten": 3, "UploadErrorRate": 0.0}}
    record.finish(path)
    body = json.loads(path.read_text())
    assert run_json_problems(body) == []
    assert body["alarms"]["leave"] == 1 and body["alarms"]["notes"][0].startswith("alarms are created without actions")
    record.alarms = "not checked: this server has no CloudWatch"
    record.finish(path)
    assert json.loads(path.read_text())["alarms"] == {"unavailable": "not checked: this server has no CloudWatch"}
    body["published"]["flights"]["ItemsWriten"] = 1
    assert run_json_problems(body) == [f"published: {body['published']!r} is not valid under any of the given schemas"]


def test_the_figures_to_publish_are_the_run_s_per_deployed_table():
    """Written is created plus updated; upload errors are retries plus re-sends, their rate a share of what was sent."""
    record = RunRecord(registry=REGISTRY, blocked={"passengers": ["schema"]})
    record.synced["flights"] = TableSync(
        "flights",
        created=250,
        updated=6,
        deleted=4,
        unchanged=10,
        report=LoadReport("flights", 256, 11, 2, 2, 1.5, deleted=4),
    )
    record.quarantine["flights"] = [QuarantineReason("duplicate", 3, (4, 5, 6)), QuarantineReason("orphan", 1, (9,))]
    record.note("test_item_count[flights]", "flights", "failed", "holds 255 items")
    record.note("test_gsi[flights.aircraft-registration-index]", "flights", "passed")
    record.gsis_not_active["flights"] = 1
    figures = record.figures_to_publish("staging-")
    assert set(figures) == {f"staging-{t.name}" for t in REGISTRY.tables}
    assert figures["staging-flights"] == {
        "ItemsWritten": 256,
        "ItemsDeleted": 4,
        "ItemsUnchanged": 10,
        "RowsQuarantined": 4,
        "FailedChecks": 1,
        "Blocked": 0,
        "GsisNotActive": 1,
        "UploadErrors": 4,
        "UploadErrorRate": 4 / 264,
        "DurationSeconds": 1.5,
    }
    assert figures["staging-passengers"]["Blocked"] == 1 and figures["staging-passengers"]["ItemsWritten"] == 0
    assert figures["staging-passengers"]["UploadErrorRate"] == 0.0


def test_published_is_the_figures_or_why_none_were(tmp_path):
    path = tmp_path / "run.json"
    record = RunRecord(registry=REGISTRY)
    record.published = "not published: this server has no CloudWatch"
    record.finish(path)
    body = json.loads(path.read_text())
    assert body["published"] == "not published: this server has no CloudWatch" and run_json_problems(body) == []
    body["published"] = "published, sort of"
    assert run_json_problems(body) == ["published: 'published, sort of' is not valid under any of the given schemas"]
