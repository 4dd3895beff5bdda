"""A corpus of bad exports: each is the sample export with one defect.

Every case checks that the damaged table is blocked with a message naming
file, line, column and what to do, that no personal value of the sample
appears in any message or in the ledger, and that every table the defect
does not reach is fixed with the counts of the untouched export (and, where
the case is gated, passes the gate).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from contracts.gate import gate
from contracts.source import read_csv
from contracts.table import Table
from fixers import run as fixers_run
from fixers.dataset import LEDGER, load_dataset
from tests import personal
from tests.lineage import descendants
from tests.pytest_run import ROOT
from tests.sample import REGISTRY, TABLES, TABLES_BY_FILE, TABLES_BY_NAME

RAW = ROOT / "data" / "raw"


def text(name: str) -> str:
    return (RAW / name).read_text(encoding="utf-8")


def rewrite(export: Path, name: str, data: str | bytes) -> None:
    """Replace a file of the copy (never write through the hard link into data/raw)."""
    path = export / name
    path.unlink()
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def edit_line(name: str, number: int, change: Callable[[str], str]) -> Callable:
    def mutate(export, monkeypatch):
        lines = text(name).splitlines(keepends=True)
        lines[number - 1] = change(lines[number - 1])
        rewrite(export, name, "".join(lines))

    return mutate


def set_cell(name: str, number: int, column: str, value: str) -> Callable:
    """Set one cell of an unquoted line."""
    position = text(name).splitlines()[0].split(",").index(column)

    def change(line: str) -> str:
        cells = line.rstrip("\n").split(",")
        cells[position] = value
        return ",".join(cells) + "\n"

    return edit_line(name, number, change)


def whole_file(name: str, change: Callable[[str], str | bytes]) -> Callable:
    def mutate(export, monkeypatch):
        rewrite(export, name, change(text(name)))

    return mutate


def fail_on(target: str, where: str, error: Exception) -> Callable:
    """A fault: `where` (a function of fixers.run) raises `error` for the table of `target`."""

    def mutate(export, monkeypatch):
        original = getattr(fixers_run, where)

        def faulty(*args, **kwargs):
            if any(
                (isinstance(a, Table) and a.file == target) or (isinstance(a, Path) and a.name == target) for a in args
            ):
                raise error
            return original(*args, **kwargs)

        monkeypatch.setattr(fixers_run, where, faulty)

    return mutate


def read_fault(target: str, error: OSError) -> Callable:
    def mutate(export, monkeypatch):
        original = os.open

        def faulty(path, *args, **kwargs):
            if Path(path).name == target and Path(path).parent == export:
                raise error
            return original(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", faulty)

    return mutate


@dataclass(frozen=True)
class Case:
    id: str
    file: str | None  # the damaged table's file; None: the export must pass as if untouched
    mutate: Callable
    says: tuple[str, ...] = ()  # in the table's first reason: file, line, column, remedy
    gated: bool = False  # run the gate (the defect is found by a check, or blocking must be shown)
    extra: dict = field(default_factory=dict)


def headerless(content: str) -> str:
    return content.split("\n", 1)[1]


def multiline_notam(content: str) -> str:
    return content.replace("CRANE ERECTED", "CRANE\nERECTED", 1)


def symlink_out(export, monkeypatch):
    outside = export.parent / "secret.csv"
    outside.write_text("PX1000001,Deepa,Hussain,deepa.hussain1@example.org\n", encoding="utf-8")
    (export / "weather.csv").unlink()
    (export / "weather.csv").symlink_to(outside)


def symlink_in(export, monkeypatch):
    (export / "sub").mkdir()
    (export / "sub" / "weather.csv").write_bytes((RAW / "weather.csv").read_bytes())
    (export / "weather.csv").unlink()
    (export / "weather.csv").symlink_to(Path("sub") / "weather.csv")


def folder_in_place(export, monkeypatch):
    (export / "weather.csv").unlink()
    (export / "weather.csv").mkdir()


def pipe_in_place(export, monkeypatch):
    (export / "weather.csv").unlink()
    os.mkfifo(export / "weather.csv")


def over_the_limit(export, monkeypatch):
    (export / "weather.csv").unlink()
    with (export / "weather.csv").open("wb") as handle:
        handle.truncate(TABLES_BY_NAME["Weather"].max_bytes + 1)  # sparse: no disk space used


def missing(export, monkeypatch):
    (export / "weather.csv").unlink()


def wide(content: str) -> str:
    lines = content.splitlines()
    extra = [f"c{i}" for i in range(10_000)]
    return (
        "\n".join([",".join([lines[0], *extra])] + [",".join([line, *[""] * len(extra)]) for line in lines[1:]]) + "\n"
    )


def frame_in_error(export, monkeypatch):
    passengers = read_csv(RAW / "passengers.csv")
    fail_on("passengers.csv", "fix_table", ValueError(f"cannot fix\n{passengers}"))(export, monkeypatch)


def repeated_passenger(content: str) -> str:
    lines = content.splitlines(keepends=True)
    copy = lines[1].replace("PLATINUM", "GOLD") if "PLATINUM" in lines[1] else lines[1].replace(",ID,", ",AE,")
    return "".join(lines[:3] + [copy] + lines[3:])


def roster_conflict(content: str) -> str:
    lines = content.splitlines(keepends=True)
    return "".join(lines[:2] + [lines[2].replace(",1,", ",2,", 1)] + lines[3:])


def byte_on_line(name: str, number: int, old: bytes, new: bytes) -> Callable:
    def mutate(export, monkeypatch):
        lines = (RAW / name).read_bytes().split(b"\n")
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        rewrite(export, name, b"\n".join(lines))

    return mutate


CASES = [
    # What the file is, before it is read.
    Case(
        "headerless passengers",
        "passengers.csv",
        whole_file("passengers.csv", headerless),
        ("passengers.csv, line 1: no header", "Export the header row"),
        gated=True,
    ),
    Case(
        "header replaced by a row",
        "passengers.csv",
        whole_file("passengers.csv", lambda t: t.replace(t.splitlines()[0], t.splitlines()[5], 1)),
        ("passengers.csv, line 1: no header",),
    ),
    Case(
        "empty file",
        "passengers.csv",
        whole_file("passengers.csv", lambda t: ""),
        ("passengers.csv: the file is empty", "Export the header row"),
    ),
    Case(
        "header only",
        "notams.csv",
        whole_file("notams.csv", lambda t: t.splitlines()[0] + "\n"),
        ("notams.csv, line 2: a header and no rows", "allow_empty=True"),
    ),
    Case("file missing", "weather.csv", missing, ("weather.csv: is not in", "Export it")),
    Case(
        "a folder in its place",
        "weather.csv",
        folder_in_place,
        ("weather.csv: is a folder", "Put the table's CSV file"),
    ),
    Case("a named pipe in its place", "weather.csv", pipe_in_place, ("weather.csv: is not a regular file",)),
    Case(
        "a symbolic link out of the export",
        "weather.csv",
        symlink_out,
        ("weather.csv: is a symbolic link to a file outside",),
    ),
    Case(
        "over the size limit",
        "weather.csv",
        over_the_limit,
        (f"weather.csv: is {TABLES_BY_NAME['Weather'].max_bytes + 1} bytes, over the limit", "max_bytes"),
    ),
    Case(
        "unreadable",
        "weather.csv",
        read_fault("weather.csv", PermissionError(errno.EACCES, "Permission denied")),
        ("weather.csv", "cannot be read (Permission denied)", "permissions"),
    ),
    Case(
        "read error of the disk",
        "weather.csv",
        read_fault("weather.csv", OSError(errno.EIO, "Input/output error")),
        (
            "weather.csv",
            "cannot be read (Input/output error)",
        ),
    ),
    # Bytes and encodings.
    Case(
        "byte not UTF-8",
        "passengers.csv",
        byte_on_line("passengers.csv", 7, b"PX", b"P\xff"),
        ("passengers.csv, line 7: byte 0xff is not valid utf-8",),
    ),
    Case(
        "UTF-16 file",
        "weather.csv",
        whole_file("weather.csv", lambda t: t.encode("utf-16")),
        ("weather.csv, line 1: byte 0xff is not valid utf-8", "Table.encodings"),
    ),
    Case(
        "byte windows-1252 does not define",
        "crew_members.csv",
        byte_on_line("crew_members.csv", 4, b"CM", b"C\x81"),
        ("crew_members.csv, line 4: byte 0x81 is not valid utf-8 or windows-1252",),
    ),
    Case(
        "NUL byte in a value",
        "notams.csv",
        set_cell("notams.csv", 5, "notam_id", "NT\0005"),
        ("notams.csv, line 5, column 'notam_id': a NUL byte", "Remove it"),
    ),
    Case(
        "NUL byte in the header",
        "notams.csv",
        edit_line("notams.csv", 1, lambda s: s.replace("text", "te\0xt")),
        ("notams.csv, line 1: a NUL byte in the header",),
    ),
    # CSV structure.
    Case(
        "a field too many",
        "weather.csv",
        edit_line("weather.csv", 9, lambda s: s.rstrip("\n") + ",extra\n"),
        ("weather.csv, line 9: 9 fields where the header has 8", "Quote values"),
    ),
    Case(
        "a field too few",
        "weather.csv",
        edit_line("weather.csv", 9, lambda s: s.rsplit(",", 1)[0] + "\n"),
        ("weather.csv, line 9: 7 fields where the header has 8",),
    ),
    Case(
        "a blank line",
        "weather.csv",
        edit_line("weather.csv", 9, lambda s: "\n" + s),
        ("weather.csv, line 9: 0 fields",),
    ),
    Case(
        "an unterminated quote",
        "weather.csv",
        edit_line("weather.csv", 30, lambda s: s[: s.rindex(",")] + ',"' + s[s.rindex(",") + 1 :]),
        ("weather.csv, line 30: not valid CSV from this line on (unexpected end of data)", "quoting"),
    ),
    Case(
        "bad row after a multi-line value",
        "notams.csv",
        lambda e, m: rewrite(e, "notams.csv", multiline_notam(text("notams.csv")).replace("NT010,", "NT010,x,", 1)),
        ("notams.csv, line 12: 6 fields where the header has 5",),
    ),
    Case(
        "bad value after a multi-line value",
        "notams.csv",
        lambda e, m: rewrite(e, "notams.csv", multiline_notam(text("notams.csv")).replace("NT010,", "NT-10,", 1)),
        ("notams.csv, column notam_id", "line 12: 'NT-10'"),
        gated=True,
    ),
    Case(
        "a column named twice",
        "weather.csv",
        edit_line("weather.csv", 1, lambda s: s.replace("metar", "conditions")),
        ("weather.csv, line 1: the header names 'conditions' more than once", "its own name"),
    ),
    Case(
        "trailing space in a header name",
        "weather.csv",
        edit_line("weather.csv", 1, lambda s: s.replace("metar", "metar ")),
        ("weather.csv, column metar): missing column", "'metar '"),
        gated=True,
    ),
    Case(
        "10,000 undeclared columns",
        "weather.csv",
        whole_file("weather.csv", wide),
        ("weather.csv, column 'c0'): undeclared column",),
        gated=True,
        extra={"max_chars": 5_000},
    ),
    # What the fixers meet and refuse to guess.
    Case(
        "key column renamed under a duplicate policy",
        "passengers.csv",
        edit_line("passengers.csv", 1, lambda s: s.replace("passenger_id", "pax_id")),
        ("resolve_duplicates: passengers.csv, column passenger_id", "Rename"),
        gated=True,
    ),
    Case(
        "key column in other case",
        "passengers.csv",
        edit_line("passengers.csv", 1, lambda s: s.replace("passenger_id", "Passenger_ID")),
        ("column passenger_id", "the declared policy (exact copies are dropped)"),
    ),
    Case(
        "keep-latest column missing",
        "baggage.csv",
        edit_line("baggage.csv", 1, lambda s: s.replace("event_time", "time")),
        ("baggage.csv, column event_time", "cannot be applied"),
    ),
    Case(
        "a key repeated with other content",
        "passengers.csv",
        whole_file("passengers.csv", repeated_passenger),
        ("drop_exact_copies: passengers.csv, column passenger_id, line 2, 4", "Declare how to resolve"),
    ),
    Case(
        "rows of one roster id differing",
        "crew_roster_enriched.csv",
        whole_file("crew_roster_enriched.csv", roster_conflict),
        ("merge_into_set: crew_roster_enriched.csv, column roster_id, line", "differ in more than qualification_code"),
    ),
    Case(
        "a departure in another format",
        "flights.csv",
        set_cell("flights.csv", 6, "scheduled_departure", "March 11 2026 9am"),
        ("parse_timestamps: flights.csv, column scheduled_departure, line 6", "Declare their format"),
    ),
    Case(
        "a fraction in an integer",
        "cargo_flight_assignments.csv",
        set_cell("cargo_flight_assignments.csv", 4, "flight_id", "1004.5"),
        ("cast_integers: cargo_flight_assignments.csv, column flight_id, line 4", "cannot be cut off"),
    ),
    Case(
        "old and new name both present",
        "maintenance_work_orders.csv",
        edit_line("maintenance_work_orders.csv", 1, lambda s: s.replace("priority", "aircraft_registration")),
        ("rename_column: maintenance_work_orders.csv, column aircraft_registration", "Drop one of the two"),
    ),
    Case(
        "no source for a derived column",
        "cargo_flight_assignments.csv",
        edit_line("cargo_flight_assignments.csv", 1, lambda s: s.replace("sequence_number", "seq")),
        ("copy_column: cargo_flight_assignments.csv, column sequence_number", "must carry sequence_number"),
    ),
    # Faults while fixing.
    Case(
        "out of memory while fixing",
        "passengers.csv",
        fail_on("passengers.csv", "fix_table", MemoryError()),
        ("passengers.csv: not enough memory to fix it", "max_bytes"),
    ),
    Case(
        "out of memory while reading",
        "weather.csv",
        read_fault("weather.csv", MemoryError()),
        ("weather.csv: there is not enough memory",),
    ),
    Case(
        "disk full while writing",
        "notams.csv",
        fail_on("notams.csv", "write_csv", OSError(errno.ENOSPC, "No space left on device")),
        ("fixed/notams.csv: cannot write it (No space left on device)",),
    ),
    Case(
        "a fixer error holding the frame",
        "passengers.csv",
        frame_in_error,
        ("passengers.csv: ValueError while trying to fix it", "the table is blocked"),
    ),
    Case(
        "a KeyError naming a passenger",
        "passengers.csv",
        fail_on("passengers.csv", "fix_table", KeyError("Deepa Hussain S3518474")),
        ("passengers.csv: KeyError",),
    ),
    # What only the checks find.
    Case(
        "a malformed email (personal data)",
        "passengers.csv",
        set_cell("passengers.csv", 8, "email", "not-an-email"),
        ("passengers.csv, column email", "line 8: <masked>"),
        gated=True,
    ),
    Case(
        "a repeated key without a policy",
        "weather.csv",
        edit_line("weather.csv", 5, lambda s: "WX00001" + s[7:]),
        ("weather.csv, column weather_id", "each key once"),
        gated=True,
    ),
    Case(
        "an empty key",
        "weather.csv",
        set_cell("weather.csv", 5, "weather_id", ""),
        ("weather.csv, column weather_id", "line 5"),
        gated=True,
    ),
    Case(
        "a number of 39 digits",
        "cargo_shipments.csv",
        set_cell("cargo_shipments.csv", 3, "weight_kg", "1" * 39),
        ("cargo_shipments.csv, column weight_kg", "39 significant digits"),
        gated=True,
    ),
    Case(
        "an item over 400 KB",
        "notams.csv",
        edit_line("notams.csv", 5, lambda s: s.replace("U/S", "U/S " + "X" * 410_000)),
        ("notams.csv): DynamoDB: item size", "line 5"),
        gated=True,
    ),
    # BK1006201 (line 6202) is one of the bookings of a flight that does not exist (D7): it is quarantined.
    Case(
        "a formula in a quarantined row",
        None,
        set_cell("bookings.csv", 6202, "seat_number", '=HYPERLINK("http://x")'),
        extra={"quarantine_formula": "bookings.csv"},
    ),
    # Not defects: read as the untouched export.
    Case("a UTF-8 byte order mark", None, whole_file("weather.csv", lambda t: "\ufeff" + t)),
    Case("Windows line ends", None, whole_file("weather.csv", lambda t: t.replace("\n", "\r\n"))),
    Case("a symbolic link inside the export", None, symlink_in),
]


@pytest.fixture(scope="module")
def untouched(tmp_path_factory):
    """Items per table after fixing the untouched export."""
    dataset = load_dataset(RAW, tmp_path_factory.mktemp("untouched"), REGISTRY, fix=True)
    assert dataset.errors == {}
    return {name: entry.items for name, entry in dataset.ledger.tables.items()}


@pytest.fixture(scope="module")
def personal_values():
    return personal.personal_values()


def export_copy(tmp_path: Path) -> Path:
    """The sample export, hard-linked (each case replaces the file it damages)."""
    export = tmp_path / "export"
    export.mkdir()
    for path in RAW.iterdir():
        os.link(path, export / path.name)
    return export


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_bad_file_blocks_only_its_table(case, tmp_path, monkeypatch, untouched, personal_values):
    export = export_copy(tmp_path)
    case.mutate(export, monkeypatch)
    dataset = load_dataset(export, tmp_path / "out", REGISTRY, fix=True)
    monkeypatch.undo()
    damaged = TABLES_BY_FILE[case.file].name if case.file else None
    verdicts = gate(TABLES, dataset.frames, dataset.errors, None, tmp_path / "out").verdicts() if case.gated else None
    messages = list(dataset.errors.values()) + [r for reasons in (verdicts or {}).values() for r in reasons]
    messages.append((tmp_path / "out" / LEDGER).read_text(encoding="utf-8"))

    leaked = {v for v in personal_values for m in messages if v in m}
    assert not leaked, f"personal data in a message: {len(leaked)} values"
    unfixed = {damaged, *descendants(damaged, quarantine_only=True)} if damaged in dataset.errors else set()
    for name, items in untouched.items():
        if name not in unfixed and name != damaged:
            assert (dataset.ledger.tables[name].error, dataset.ledger.tables[name].items) == (None, items), name
    if verdicts is None:
        assert set(dataset.errors) == unfixed
        reason = dataset.errors.get(damaged)
    else:
        blocked = {damaged, *descendants(damaged, quarantine_only=False)} if damaged else set()
        assert {name for name, reasons in verdicts.items() if reasons} == blocked
        reason = verdicts[damaged][0] if damaged else None
    if damaged:
        assert reason is not None
        for phrase in case.says:
            assert phrase in reason, f"{phrase!r} not in:\n{reason}"
        assert len(reason) < case.extra.get("max_chars", 2_000)
    if "quarantine_formula" in case.extra:
        quarantined = (tmp_path / "out" / "quarantine" / case.extra["quarantine_formula"]).read_text(encoding="utf-8")
        assert "'=HYPERLINK" in quarantined and ",=HYPERLINK" not in quarantined


def test_a_headerless_passengers_file_blocks_what_points_at_it_with_the_parents_reason(tmp_path):
    """Which tables are blocked is the case 'headerless passengers' above; here, what each of them is told."""
    export = export_copy(tmp_path)
    rewrite(export, "passengers.csv", headerless(text("passengers.csv")))
    dataset = load_dataset(export, tmp_path / "out", REGISTRY, fix=True)
    verdicts = gate(TABLES, dataset.frames, dataset.errors, None, tmp_path / "out").verdicts()
    reason = verdicts["passengers"]
    assert len(reason) == 1 and "\n" not in reason[0] and reason[0].startswith("passengers.csv, line 1: no header")
    children = descendants("passengers", quarantine_only=False)
    assert children, "some table points at passengers"
    for name in children:
        assert len(verdicts[name]) == 1 and reason[0] in verdicts[name][0], name
