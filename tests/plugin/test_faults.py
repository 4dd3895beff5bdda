"""Faults during a live run, as a user meets them: the job run through the plugin, in a child process, on moto.

One moto server on 127.0.0.1 and a small export (the sample with fewer
bookings, their bags, connections and passengers: every table, every defect
kind the fixers meet, a tenth of the items). Each fault has its own table
prefix and out dir; a proxy in front of the server (`fault_proxy`) drops
connections, stalls answers or dies on a chosen request:

- the endpoint dies mid-sync: one clear line naming the endpoint and the
  remedy, run.json says nothing was deployed, and a rerun writes only what
  was missing and converges;
- connections dropped before and after the server acted, and one answer
  stalled past the client's read timeout (the real timeout, 30 s: the slow
  part of this module): retried, exact counts;
- an interrupt (SIGINT) mid-sync: run.json not finished, the out dir's lock
  released, a rerun writes only what was missing;
- a full out dir (RLIMIT_FSIZE: writes past the limit fail with EFBIG, as a
  full disk fails them with ENOSPC): one line naming the path and the remedy,
  and nothing goes live; a read-only one (root loses CAP_DAC_OVERRIDE in the
  child, so the mode bits hold as for any user) and one under a regular file
  are refused by the preflight, before the gate, in one line;
- a second run on an out dir in use is refused by the preflight in one line, and the first completes;
- every PutMetricData dropped: the figures are not published, which the
  terminal warns of in one line and run.json and report.html say, and the
  run still deploys and exits 0.

Every output a run leaves (terminal, report.html, junit, run.json, plan.json,
ledger.json, the GX folder, the server's log) is searched for the sample's
personal values and for canary credentials planted in the environment. A
secret in the endpoint URL itself is refused before a run starts
(tests/plugin/test_options.py), so it cannot reach these faults.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from loaders.dynamodb.client import client_config
from pipeline.stages import lock_out_dir
from plugin.servers import MotoServer
from tests.personal import leaked
from tests.plugin.fault_proxy import Die, Drop, FaultProxy, Request, Stall
from tests.pytest_run import ROOT, failures, live_subset, verdicts_of
from tests.sample import TABLES

RAW = ROOT / "data" / "raw"
KEPT_BOOKINGS = 800
KEPT_ROSTER_ROWS = 600
CHECKS = "test_item_count or test_items_equal_fixed_rows"
CANARIES = {
    "AWS_ACCESS_KEY_ID": "AKIACANARY7F3A9C0001",
    "AWS_SECRET_ACCESS_KEY": "canary-secret-7f3a9c-wJalrXUtnFEMI",
    "AWS_SESSION_TOKEN": "canary-session-7f3a9c-IQoJb3JpZ2lu",
    "GITHUB_TOKEN": "ghp_canary7f3a9cCANARYTOKEN0000",
}
# The files an out dir holds by design with personal data, readable by their owner alone: not outputs.
PRIVATE_FOLDERS = ("fixed", "quarantine", "rollback")
WRITE = "BatchWriteItem"
READ_TIMEOUT = client_config(local=True).read_timeout


def _lines(name: str) -> list[str]:
    return (RAW / name).read_text(encoding="latin-1").splitlines(keepends=True)


def _keep(export: Path, name: str, column: str, kept) -> list[list[str]]:
    """Rewrite `name` with the rows whose `column` is in `kept` (these files have no quoted field)."""
    header, *rows = _lines(name)
    position = header.rstrip("\r\n").split(",").index(column)
    chosen = [row for row in rows if row.rstrip("\r\n").split(",")[position] in kept]
    (export / name).write_text(header + "".join(chosen), encoding="latin-1")
    return [row.rstrip("\r\n").split(",") for row in chosen]


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """The sample with its first bookings only, and the bags, connections and passengers those and the others need."""
    folder = tmp_path_factory.mktemp("faults") / "export"
    shutil.copytree(RAW, folder)
    header, *rows = _lines("bookings.csv")
    bookings = {row.split(",")[0] for row in rows[:KEPT_BOOKINGS]}
    kept = _keep(folder, "bookings.csv", "booking_id", bookings)
    _keep(folder, "baggage.csv", "booking_id", bookings)
    _keep(folder, "passenger_connections.csv", "booking_id", bookings)
    people = {row[header.split(",").index("passenger_id")] for row in kept}
    for name in ("hotel_bookings.csv", "meal_vouchers.csv", "disrupted_passengers_scenario.csv"):
        first, *others = _lines(name)
        people |= {row.split(",")[first.split(",").index("passenger_id")] for row in others}
    _keep(folder, "passengers.csv", "passenger_id", people)
    roster = _lines("crew_roster_enriched.csv")
    (folder / "crew_roster_enriched.csv").write_text("".join(roster[: KEPT_ROSTER_ROWS + 1]), encoding="latin-1")
    return folder


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def server(logs):
    """This module's server logs where the leak search reads (tests/plugin/conftest.py's `admin` looks at it)."""
    with MotoServer(logs / "moto.log") as endpoint_url:
        yield endpoint_url


@dataclass
class Run:
    """One run of the live suite in a child process, and everything it left."""

    folder: Path
    out: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def verdicts(self) -> dict[str, str | None]:
        return verdicts_of(self.folder / "junit.xml")

    def json(self, name: str) -> dict:
        return json.loads((self.out / name).read_text(encoding="utf-8"))

    def outputs(self) -> dict[str, str]:
        """Every output of the run by name: the terminal, the reports and every file of the out dir but the private ones."""
        texts = {"stdout": self.stdout, "stderr": self.stderr}
        paths = [p for p in self.folder.rglob("*") if self.out not in p.parents]
        if self.out.is_dir():
            paths += [p for p in self.out.rglob("*") if p.relative_to(self.out).parts[0] not in PRIVATE_FOLDERS]
        return texts | {str(p): p.read_bytes().decode("utf-8", errors="replace") for p in sorted(paths) if p.is_file()}


def start(
    folder: Path, endpoint: str, prefix: str, export: Path, out: Path | None = None, preexec=None
) -> subprocess.Popen:
    """The live suite (counts and items) against `endpoint`, out dir `out` (`folder/out`), canaries in its environment."""
    folder.mkdir(parents=True, exist_ok=True)
    command = live_subset(
        CHECKS,
        f"--endpoint-url={endpoint}",
        f"--data-dir={export}",
        f"--out-dir={out or folder / 'out'}",
        f"--table-prefix={prefix}",
        f"--junitxml={folder / 'junit.xml'}",
        f"--html={folder / 'report.html'}",
        "--self-contained-html",
    )
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **CANARIES},
        preexec_fn=preexec,
    )


def finish(process: subprocess.Popen, folder: Path, out: Path | None = None) -> Run:
    stdout, stderr = process.communicate(timeout=600)
    return Run(folder, out or folder / "out", process.returncode, stdout, stderr)


def run(folder: Path, endpoint: str, prefix: str, export: Path, out: Path | None = None, preexec=None) -> Run:
    return finish(start(folder, endpoint, prefix, export, out, preexec), folder, out)


def live_counts(admin, prefix: str) -> dict[str, int]:
    """Items per table under `prefix`, counted by a plain client."""
    counts = {}
    for name in admin.list_tables()["TableNames"]:
        if name.startswith(prefix):
            pages = admin.get_paginator("scan").paginate(TableName=name, Select="COUNT")
            counts[name.removeprefix(prefix)] = sum(page["Count"] for page in pages)
    return counts


def ledger_counts(run: Run) -> dict[str, int]:
    return {name: entry["items"] for name, entry in run.json("ledger.json")["tables"].items()}


def assert_nothing_leaks(run: Run, *more: Run) -> None:
    for one in (run, *more):
        for name, text in one.outputs().items():
            canaries = [key for key, value in CANARIES.items() if value in text]
            assert not canaries, f"{name} holds the canary of {canaries}"
            found = leaked(text)
            assert not found, f"{name} holds {len(found)} personal values"


def assert_one_clear_line(verdict: str, *phrases: str) -> str:
    """The reason a fixture failed, as junit holds it: one line that says it all; no traceback, no repr of an object."""
    summary, _, reason = verdict.partition("\n")
    assert summary.startswith('failed on setup with "Failed: '), summary
    reason = reason.strip()
    assert "\n" not in reason, reason[:3000]
    for phrase in phrases:
        assert phrase in reason, f"{phrase!r} not in {reason!r}"
    for sign in ("Traceback", "Error(", "Settings(", "DataFrame", "object at 0x", "<class"):
        assert sign not in reason, f"{sign!r} in {reason!r}"
    return reason


def assert_refused_once(run: Run, *phrases: str) -> None:
    """Refused by the preflight, before any test: exit 4 and one line, printed once, no traceback."""
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout[-3000:] + run.stderr[-3000:]
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and all(phrase in errors[0] for phrase in phrases), errors
    assert not run.verdicts and "Traceback" not in run.stdout + run.stderr


def assert_converged(run: Run, admin, prefix: str) -> None:
    assert not failures(run.verdicts), sorted(failures(run.verdicts))
    assert len(run.verdicts) == 2 * len(TABLES)
    assert live_counts(admin, prefix) == ledger_counts(run)
    record = run.json("run.json")
    assert record["finished"] is True and record["verdict"]["deploy"] is True


# --- the endpoint dies mid-sync -------------------------------------------------------------------------------

DIE_AT = 60  # of about 360 batch writes


@pytest.fixture(scope="module")
def killed(tmp_path_factory, server, export, admin):
    folder = tmp_path_factory.mktemp("killed")
    with FaultProxy(server, lambda r: Die() if r.operation == WRITE and r.nth == DIE_AT else None) as proxy_url:
        first = run(folder / "first", proxy_url, "killed-", export)
    written = live_counts(admin, "killed-")
    again = run(folder / "again", server, "killed-", export)
    return first, proxy_url, written, again


def test_an_endpoint_that_dies_mid_sync_fails_the_run_in_one_line_naming_it_and_the_remedy(killed):
    first, proxy_url, _, _ = killed
    assert first.returncode == pytest.ExitCode.TESTS_FAILED, first.stdout[-3000:] + first.stderr[-3000:]
    errors = failures(first.verdicts)
    assert set(errors) == set(first.verdicts), "no table can be checked once the endpoint is gone"
    line = assert_one_clear_line(errors["test_item_count[flights]"], f"DynamoDB at {proxy_url}", "run again")
    assert "partly written" in line
    assert line in first.stdout


def test_the_record_of_a_run_whose_endpoint_died_says_why_it_was_not_deployed_and_what_it_wrote(killed):
    first, proxy_url, written, _ = killed
    record = first.json("run.json")
    assert record["verdict"]["deploy"] is False
    [reason] = record["verdict"]["reasons"]
    assert reason["text"].startswith(f"DynamoDB at {proxy_url}") and "partly written" in reason["text"]
    # The tables it says it synced are whole on the server; the others are not in its changes.
    ledger = ledger_counts(first)
    assert record["changes"] and all(
        written[name] == ledger[name] == counts["create"] for name, counts in record["changes"].items()
    )


def test_a_rerun_after_the_endpoint_died_writes_only_what_is_missing_and_loses_nothing(killed, admin):
    first, _, written, again = killed
    assert 0 < sum(written.values()) < sum(ledger_counts(first).values()), "the endpoint died mid-sync"
    plan = again.json("plan.json")["tables"]
    assert {name: plan[name]["create"] for name in plan} == {
        name: items - written.get(name, 0) for name, items in ledger_counts(again).items()
    }
    assert all(plan[name]["update"] == plan[name]["delete"] == 0 for name in plan)
    assert_converged(again, admin, "killed-")


def test_nothing_leaks_when_the_endpoint_dies(killed, logs):
    first, _, _, again = killed
    assert_nothing_leaks(first, again)
    assert not leaked((logs / "moto.log").read_text(encoding="utf-8", errors="replace"))


# --- connections dropped and an answer stalled; a second run on the same out dir ------------------------------
# Started before the other faults, in the background: its stall lasts the client's whole read timeout, which the
# other faults' runs use.

# (operation, nth request of it): the fault. Dropped after: the server acted, its answer is lost.
FLAKY = {
    (WRITE, 5): Drop(),
    (WRITE, 40): Drop(after=True),
    (WRITE, 90): Stall(READ_TIMEOUT + 1),
    (WRITE, 150): Drop(after=True),
    (WRITE, 200): Drop(),
    ("Scan", 3): Drop(),
    ("Scan", 30): Drop(after=True),
}


def flaky_rule(request: Request):
    return FLAKY.get((request.operation, request.nth))


@pytest.fixture(scope="module", autouse=True)
def flaky_started(tmp_path_factory, server, export):
    """The flaky run, started; and a second run on its out dir once it holds it (it writes run.json right after)."""
    folder = tmp_path_factory.mktemp("flaky")
    proxy = FaultProxy(server, flaky_rule)
    with proxy as proxy_url:
        first = start(folder / "first", proxy_url, "flaky-", export)
        deadline = time.monotonic() + 120
        while (
            not (folder / "first" / "out" / "run.json").exists()
            and first.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        second = run(folder / "second", server, "flaky-second-", export, folder / "first" / "out")
        yield first, folder / "first", second, proxy
        if first.poll() is None:  # a test stopped before it was awaited
            first.kill()
            first.wait()


@pytest.fixture(scope="module")
def flaky(flaky_started):
    first, folder, second, proxy = flaky_started
    return finish(first, folder), second, proxy.faults


def test_dropped_connections_and_a_stalled_answer_are_retried_to_exact_counts(flaky, admin):
    first, _, faults = flaky
    assert Counter(faults) == Counter((operation, fault) for (operation, _), fault in FLAKY.items()), (
        "every fault was met"
    )
    assert_converged(first, admin, "flaky-")
    retries = first.json("run.json")["retries"]
    assert sum(retries.values()) == sum(op == WRITE for op, _ in FLAKY), retries  # one per write that met a fault


def test_a_second_run_on_an_out_dir_in_use_is_refused_once_and_the_first_completes(flaky, admin):
    first, second, _ = flaky
    assert_refused_once(second, f"another run is using {first.out}", "its own --out-dir")
    assert "flaky-second-flights" not in admin.list_tables()["TableNames"]
    assert first.json("run.json")["finished"] is True


def test_nothing_leaks_under_dropped_connections(flaky):
    assert_nothing_leaks(*flaky[:2])


def test_the_search_finds_personal_values_where_they_are_kept_by_design_readable_by_the_owner_alone(flaky):
    """The folders the leak search leaves out hold personal data (so the search can fail), behind 0700."""
    first = flaky[0]
    assert leaked((first.out / "fixed" / "passengers.csv").read_text(encoding="utf-8"))
    private = [first.out / "fixed", first.out / "quarantine", Path(first.json("run.json")["rollback"])]
    assert [folder.stat().st_mode & 0o777 for folder in private] == [0o700] * len(PRIVATE_FOLDERS)


# --- an interrupt mid-sync ---------------------------------------------------------------------------------------

INTERRUPT_AT = 60


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory, server, export, admin):
    folder = tmp_path_factory.mktemp("interrupted")
    child: list[subprocess.Popen] = []

    def rule(request: Request):
        if request.operation == WRITE and request.nth == INTERRUPT_AT:
            child[0].send_signal(signal.SIGINT)
        return None

    with FaultProxy(server, rule) as proxy_url:
        child.append(start(folder / "first", proxy_url, "stopped-", export))
        first = finish(child[0], folder / "first")
    written, record = live_counts(admin, "stopped-"), first.json("run.json")
    lock_out_dir(first.out).close()  # raises OutDirBusy if the interrupted run still held it
    again = run(folder / "again", server, "stopped-", export, first.out)  # the same out dir
    return first, written, record, again


def test_an_interrupted_sync_says_so_and_leaves_a_record_that_did_not_finish(interrupted):
    first, written, record, _ = interrupted
    assert first.returncode == pytest.ExitCode.INTERRUPTED, first.stdout[-3000:] + first.stderr[-3000:]
    assert "the sync was interrupted: the tables are partly written. Run again: it converges" in first.stdout
    assert "Traceback" not in first.stdout + first.stderr
    assert record["finished"] is False and record["verdict"]["deploy"] is False
    assert 0 < sum(written.values()) < record["figures"]["items"]


def test_a_rerun_after_an_interrupt_writes_only_what_is_missing(interrupted, admin):
    _, written, _, again = interrupted
    plan = again.json("plan.json")["tables"]
    assert {name: plan[name]["create"] for name in plan} == {
        name: items - written.get(name, 0) for name, items in ledger_counts(again).items()
    }
    assert_converged(again, admin, "stopped-")


def test_nothing_leaks_when_interrupted(interrupted):
    first, _, _, again = interrupted
    assert_nothing_leaks(first, again)


# --- the figures cannot be published -----------------------------------------------------------------------------


def test_figures_that_cannot_be_published_are_a_warning_that_changes_neither_verdict_nor_exit_status(
    tmp_path, server, export
):
    # Every PutMetricData loses its connection: the figures, sent after the checks, cannot be published.
    with FaultProxy(server, lambda r: Drop() if r.operation == "PutMetricData" else None) as proxy_url:
        done = run(tmp_path, proxy_url, "unpublished-", export)
    assert done.returncode == pytest.ExitCode.OK, done.stdout[-3000:] + done.stderr[-3000:]
    assert not failures(done.verdicts)
    record = done.json("run.json")
    assert record["verdict"]["deploy"] is True
    assert record["published"].startswith(f"not published: CloudWatch at {proxy_url}: ")
    [warning] = [line for line in done.stdout.splitlines() if "not published" in line]
    assert warning == f"warning: the run's figures were {record['published']} (the verdict and exit status stand)"
    assert record["published"] in unescape((done.folder / "report.html").read_text(encoding="utf-8"))
    assert_nothing_leaks(done)


# --- an out dir that cannot be written --------------------------------------------------------------------------

# Over the small export's fixed files and reports, under the database GX keeps its batches in.
FILE_SIZE_LIMIT = 256 * 1024
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24


def full_disk() -> None:
    """In the child: any write past FILE_SIZE_LIMIT fails with EFBIG (instead of killing the process)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def without_override() -> None:
    """In the child: root loses the capabilities that ignore mode bits, so a folder's 0555 holds for it too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def read_only(folder: Path) -> tuple[Path, object]:
    out = folder / "readonly"
    out.mkdir()
    out.chmod(0o555)
    return out, without_override


def under_a_file(folder: Path) -> tuple[Path, object]:
    (folder / "a-file").write_text("not a folder\n", encoding="utf-8")
    return folder / "a-file" / "out", None


@pytest.mark.parametrize("make", [read_only, under_a_file], ids=["read-only", "under-a-regular-file"])
def test_an_out_dir_that_cannot_be_written_is_one_line_naming_it_and_nothing_goes_live(
    make, tmp_path, server, export, admin
):
    out, preexec = make(tmp_path)
    done = run(tmp_path / "run", server, "unwritable-", export, out, preexec)
    assert_refused_once(done, f"cannot write {out}", "--out-dir")
    assert not [name for name in admin.list_tables()["TableNames"] if name.startswith("unwritable-")]
    assert_nothing_leaks(done)


def test_a_full_out_dir_is_one_line_naming_the_file_and_nothing_goes_live(tmp_path, server, export, admin):
    done = run(tmp_path, server, "full-", export, preexec=full_disk)
    errors = failures(done.verdicts)
    assert set(errors) == set(done.verdicts)
    line = assert_one_clear_line(
        errors["test_item_count[flights]"], str(done.out), "Free space on its disk", "--out-dir"
    )
    assert line in done.stdout
    assert not [name for name in admin.list_tables()["TableNames"] if name.startswith("full-")]
    assert done.json("run.json")["verdict"]["deploy"] is False
    assert_nothing_leaks(done)
