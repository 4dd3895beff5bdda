"""report.html opened in headless Chromium as a release manager would: what is on the first screen.

The reports come from real runs of the pre-upload suite in a child process:
one on the sample export, which passes, and one on a copy with one table broken.
"""

from __future__ import annotations

import shutil
import struct

import pytest

from contracts.queries import query_patterns
from reporting.record import Latency, RunRecord
from reporting.screenshot import FIRST_SCREEN, INSTALL, ChromiumMissing, screenshot
from reporting.summary import render
from tests.pytest_run import ROOT, failures, run_suite
from tests.reporting.first_screen import first_screen
from tests.sample import REGISTRY, TABLES

# A table no other table points at, so that it alone is blocked.
BROKEN_TABLE, BROKEN_FILE, BROKEN_COLUMN, BROKEN_VALUE = "Weather", "weather.csv", "temperature_c", "124"


def preupload_report(tmp_path, data_dir) -> tuple[dict, object]:
    verdicts = run_suite(
        tmp_path,
        "plugin/suites/test_preupload.py",
        "-m",
        "preupload",
        "-p",
        "no:randomly",
        f"--data-dir={data_dir}",
        f"--out-dir={tmp_path / 'build'}",
        f"--html={tmp_path / 'report.html'}",
        "--self-contained-html",
    )
    return verdicts, tmp_path


@pytest.fixture(scope="module")
def passing(tmp_path_factory):
    verdicts, tmp = preupload_report(tmp_path_factory.mktemp("passing"), ROOT / "data" / "raw")
    assert not failures(verdicts), "the sample export must pass its pre-upload checks"
    return tmp


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("failing")
    export = tmp / "export"
    shutil.copytree(ROOT / "data" / "raw", export)
    lines = (export / BROKEN_FILE).read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index(BROKEN_COLUMN)] = BROKEN_VALUE  # hotter than anywhere on Earth
    lines[1] = ",".join(first)
    (export / BROKEN_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdicts, tmp = preupload_report(tmp, export)
    assert {name.split("[")[1].rstrip("]") for name in failures(verdicts)} == {BROKEN_TABLE}
    return tmp


def seen(page, scratch) -> dict:
    try:
        return first_screen(page, scratch)
    except ChromiumMissing as missing:
        pytest.fail(f"{missing}; `make test` installs it where missing", pytrace=False)


def test_the_first_screen_of_a_passing_run_shows_the_verdict_the_figures_and_a_picture(passing, tmp_path):
    screen = seen(passing / "report.html", tmp_path)
    text = " ".join(screen["text"])
    assert "DEPLOY" in screen["text"] and "DO NOT DEPLOY" not in text
    for figure in ("tables", "items", "quarantined rows", "checks", "time"):
        assert figure in screen["text"], f"the figure {figure!r} is not on the first screen"
    [rows] = [p for p in screen["pictures"] if p["label"].startswith("Where each table's raw rows went")]
    assert rows["shown"] > 300, "the rows picture must be mostly on the first screen"
    assert {"items", "merged into another item", "quarantined"} <= set(rows["texts"])
    assert TABLES[0].name in rows["texts"]


def test_the_first_screen_of_a_failing_run_names_the_table_and_why(failing, tmp_path):
    screen = seen(failing / "report.html", tmp_path)
    text = " ".join(screen["text"])
    assert "DO NOT DEPLOY" in screen["text"]
    assert f"1 table blocked: {BROKEN_TABLE}" in text
    assert f"{BROKEN_TABLE} ({BROKEN_FILE}, column {BROKEN_COLUMN}): schema: 1 row." in text
    assert any(p["label"].startswith("Where each table's raw rows went") and p["shown"] > 0 for p in screen["pictures"])


def test_each_query_pattern_is_drawn_with_its_figures_on_the_first_screen(tmp_path):
    """The live suite's latencies, as the performance suite records them, in the summary of a page."""
    record = RunRecord(registry=REGISTRY, finished=True)
    patterns = query_patterns(TABLES)
    for n, p in enumerate(patterns):
        record.latencies.append(Latency(f"{p.label}: {p.question} ({p.agent})", 7, 2.0 + n, 40.0 + n, 7, 700 + n))
    page = tmp_path / "summary.html"
    page.write_text(
        f"<!DOCTYPE html><html><body><div class=summary>{render(record)}</div></body></html>", encoding="utf-8"
    )
    [queries] = [p for p in seen(page, tmp_path)["pictures"] if p["label"].startswith("Each query pattern")]
    assert queries["shown"] > 300
    assert {"time, ms", "items read", "GSI query", "Scan with a filter"} <= set(queries["texts"])
    for n, pattern in enumerate(patterns):
        assert any(t.startswith(pattern.label) for t in queries["texts"]), f"{pattern.label} is not drawn"
        assert f"{2.0 + n:.1f} ms · {(40.0 + n) / (2.0 + n):.1f}× faster" in queries["texts"]
        assert f"{700 + n}" in queries["texts"]


def test_a_screenshot_of_the_passing_report_is_kept_in_the_out_dir(passing):
    png = passing / "build" / "report.png"
    try:
        screenshot(passing / "report.html", png)
    except ChromiumMissing as missing:
        pytest.fail(f"{missing}; `make test` installs it where missing", pytrace=False)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == FIRST_SCREEN


def test_without_chromium_the_screenshot_names_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ChromiumMissing, match=f"Chromium is not installed: run `{INSTALL}`"):
        screenshot(tmp_path / "report.html", tmp_path / "report.png")
