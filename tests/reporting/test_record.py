"""run.json: written when the run starts, so a killed run leaves a record that says it did not finish."""
import json

import pytest

from reporting.record import RunRecord


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
    assert done["finished"] is True and done["verdict"] == {"deploy": True, "reasons": [], "blocked": [], "failing": []}
    assert (done["run_id"], done["started"]) == (started["run_id"], started["started"])
    assert done["figures"]["checks"] == {"passed": 1} and done["target"] == "a local moto server (ephemeral)"


def test_a_write_that_breaks_off_leaves_the_last_whole_record(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    record = RunRecord()
    record.start(path)
    before = path.read_text()

    def disk_full(descriptor):
        raise OSError("disk full")  # the new text is written to the temporary file, but never reaches the disk

    monkeypatch.setattr("fixers.atomic.os.fsync", disk_full)
    with pytest.raises(OSError, match="disk full"):
        record.finish(path)
    assert path.read_text() == before and json.loads(before)["finished"] is False
    assert list(tmp_path.iterdir()) == [path], "no partial file is left behind"


def test_two_runs_have_different_ids():
    assert RunRecord().run_id != RunRecord().run_id
