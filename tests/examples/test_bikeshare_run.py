"""The bike-share example run as a user runs it: the project installed by pip, a folder outside the repository that
holds only the export, a contracts module and a pytest.ini, then `pytest -m preupload`, `pytest -m live` and an
unchanged rerun that writes nothing, then a changed export that the next run brings live exactly.

The live runs go to a dynalite server this test starts and keeps between them (a deployment that outlives a run);
dynalite has no protection APIs, so `protection` is deselected, as `make test` does for its dynalite pass.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from data import manifest
from plugin.servers import DynaliteServer
from tests.pytest_run import ROOT, failures, verdicts_of

EXAMPLE = ROOT / "examples" / "bikeshare"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, str]:
    """The project installed by pip (not editable) into a folder of its own, first on the path of the runs."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {**os.environ, "PYTHONPATH": str(target)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A user's folder: the export, the contracts module and the pytest.ini, nothing of the repository."""
    user = tmp_path_factory.mktemp("user")
    subprocess.run(
        [sys.executable, str(EXAMPLE / "generate.py"), "--out", str(user / "export")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in ("bikeshare_contracts.py", "pytest.ini"):
        shutil.copy(EXAMPLE / name, user / name)
    return user


def run(folder: Path, env: dict[str, str], *args: str) -> tuple[dict[str, str | None], subprocess.CompletedProcess]:
    report = folder / "junit.xml"
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", f"--junitxml={report}", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return verdicts_of(report), done


def test_the_plugin_the_runs_load_is_the_installed_copy(installed):
    done = subprocess.run(
        [sys.executable, "-c", "import plugin.suites; print(plugin.suites.SUITES)"],
        env=installed,
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    )
    assert not done.stdout.strip().startswith(str(ROOT)), done.stdout


def test_preupload_live_and_an_unchanged_rerun_from_a_users_folder(installed, folder, tmp_path):
    expected = manifest.load(folder / "export" / "manifest.json")
    verdicts, _ = run(folder, installed, "-m", "preupload")
    assert verdicts and not failures(verdicts), failures(verdicts)
    assert (folder / "build" / "ledger.json").exists(), "the folder's pytest.ini (out_dir = build) was read"
    assert not any("[flights" in name or "[passengers" in name for name in verdicts), "the sample's tables leaked in"

    with DynaliteServer(tmp_path / "dynalite.log") as endpoint:
        live = ("-m", "(live or performance) and not protection", f"--endpoint-url={endpoint}")
        verdicts, _ = run(folder, installed, *live)
        assert verdicts and not failures(verdicts), failures(verdicts)
        first = json.loads((folder / "build" / "run.json").read_text())
        items = {name: f.items for name, f in expected.files.items()}
        assert sum(c["create"] for c in first["changes"].values()) == sum(items.values())
        assert first["orphans_kept"] == {"trips": {"member_id": expected.defects["B8"].rows}}

        verdicts, _ = run(folder, installed, *live)
        assert verdicts and not failures(verdicts), failures(verdicts)
        again = json.loads((folder / "build" / "run.json").read_text())
        written = {name: c["create"] + c["update"] + c["delete"] for name, c in again["changes"].items()}
        assert written == dict.fromkeys(first["changes"], 0), "an unchanged rerun writes nothing"

        change_the_export(folder / "export")
        verdicts, _ = run(folder, installed, *live)
        # The live suite compares every item with the fixed export, so passing means the deployment equals it.
        assert verdicts and not failures(verdicts), failures(verdicts)
        changed = json.loads((folder / "build" / "run.json").read_text())["changes"]
    written = {name: {k: n for k, n in c.items() if k != "unchanged" and n} for name, c in changed.items()}
    assert {name: w for name, w in written.items() if w} == {
        name: {k: n for k, n in c.items() if n} for name, c in CHANGES.items()
    }, "exactly the night's changes"
    assert (folder / "export").is_dir() and not (folder / "export" / "run.json").exists()


# The night's changes made by change_the_export, as the plan must count them.
CHANGES = {
    "members": {"create": 2, "update": 3, "delete": 0},
    "station_status": {"create": 0, "update": 0, "delete": 4},
}


def change_the_export(export: Path) -> None:
    """Three members change plan, two join, and four status reports are withdrawn: what a next night's export holds."""

    def rewrite(name: str, edit) -> None:
        with (export / name).open(newline="") as f:
            rows = list(csv.DictReader(f))
        fields = list(rows[0])
        with (export / name).open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(edit(rows))

    def members(rows):
        for row in [r for r in rows if r["plan"] == "annual"][:3]:
            row["plan"] = "monthly"
        joined = {"name": "New Member", "plan": "day", "joined_on": "2026-05-11"}
        return rows + [{**joined, "member_id": f"MB999999{n}", "email": f"new{n}@example.org"} for n in (1, 2)]

    rewrite("members.csv", members)
    rewrite("station_status.csv", lambda rows: rows[4:])
