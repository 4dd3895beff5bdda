"""How a table's CSV is read, and what an empty cell means.

Every cell is read as text, so nothing is reinterpreted on the way in (the
leading zeros of `004512` survive, `1042.0` stays visible as a defect). Each
row keeps the file line where its record starts in the frame index, offset so
that a frame made by hand (index 0, 1, ...) reads like a file whose header is
line 1: line = index + 2, also after a quoted value spanning several lines.

A file is refused by name before it is read if it is not a regular file, is a
symbolic link leading out of its folder, or is larger than its table's
`max_bytes`. It is then streamed: decoded a chunk of whole lines at a time
and parsed a block of rows at a time, so the bytes and the text of the whole
file are never held besides the frame.

An empty cell in an upstream export is an empty string wherever DynamoDB cares
(key and GSI key attributes, where AWS refuses it) and a missing value
elsewhere. In the fixers' output an empty cell always means the attribute is
left out of the item.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import stat
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from contracts.errors import UnreadableFile
from contracts.table import DEFAULT_MAX_BYTES, Table
from contracts.violations import SHOWN_EXAMPLES, shown_name, shown_names

# Left in a folder the fixers wrote, so that reading it again (to fix or check) knows what empty cells mean.
FIXERS_OUTPUT_MARKER = ".written-by-fixers"

# A cell may be far larger than csv's default 128 KiB; the item-size check, not the reader, decides.
csv.field_size_limit(64 * 1024 * 1024)

# Files the fixers write may hold personal data: only their owner reads them.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700

# OWASP, "CSV Injection": a cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def line_of(index: int) -> int:
    """The file line where a row's record starts: the header is line 1."""
    return int(index) + 2


def refuse_unsafe(path: Path, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse, by name and before reading it, what must not be read as a table's file."""
    name = path.name
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise UnreadableFile(
            name, None, f"is not in {folder}", "Export it, or correct Table.file in its contract."
        ) from None
    if stat.S_ISLNK(info.st_mode):
        if not path.resolve().is_relative_to(folder.resolve()):
            raise UnreadableFile(
                name,
                None,
                "is a symbolic link to a file outside the export folder",
                "Copy the file into the export folder; links out of it are not followed.",
            )
        try:
            info = path.stat()
        except FileNotFoundError:
            raise UnreadableFile(name, None, "is a symbolic link to nothing", "Replace the link by the file.") from None
    _refuse_kind(name, info, max_bytes)


def _refuse_kind(name: str, info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile(name, None, "is a folder, not a file", "Put the table's CSV file in its place.")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(
            name, None, "is not a regular file (a pipe, socket or device)", "Put the table's CSV file in its place."
        )
    if info.st_size > max_bytes:
        raise UnreadableFile(
            name,
            None,
            f"is {info.st_size} bytes, over the limit of {max_bytes}",
            "Check that it is the right file; if it is, raise max_bytes in the table's contract.",
        )


class _Undecodable(Exception):
    def __init__(self, line: int, byte: bytes):
        self.line, self.byte = line, byte


# Bytes read and decoded at once: large enough that reading stays in C, small beside a table.
_CHUNK = 1 << 20


class _Text:
    """The decoded lines of an open file, for the csv reader, decoded a chunk of whole lines at a time.

    `lines` counts the lines decoded so far, so a byte that does not decode,
    or the limit passed, is named by its line; `has_nul` says whether any of
    them holds a NUL. A byte that does not decode is raised only when the
    reader comes to its line, so what is wrong earlier in the file is
    reported first, as with a file read line by line.
    """

    def __init__(self, handle, name: str, encoding: str, max_bytes: int):
        self.handle, self.name, self.encoding, self.max_bytes = handle, name, encoding, max_bytes
        self.lines, self.has_nul = 0, False

    def __iter__(self) -> Iterator[str]:
        # newline="\n": lines end at "\n" only, as the file's bytes do; a lone "\r" is the csv reader's to judge.
        return itertools.chain.from_iterable(io.StringIO(text, newline="\n") for text in self._texts())

    def _texts(self) -> Iterator[str]:
        read, pending = 0, []  # pending: the start of a line not yet ended
        while True:
            block = self.handle.read(_CHUNK)
            if read + len(block) > self.max_bytes:
                raise UnreadableFile(
                    self.name,
                    self.lines + block.count(b"\n", 0, self.max_bytes - read) + 1,
                    f"the file grew past the limit of {self.max_bytes} bytes while read",
                    "Read the export when it is complete.",
                )
            ended, first = not block, read == 0
            read += len(block)
            if first and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8) :]  # a byte order mark is not part of the first column's name
            cut = len(block) if ended else block.rfind(b"\n") + 1
            if not ended and not cut:
                pending.append(block)
                continue
            chunk = b"".join([*pending, block[:cut]])
            pending = [block[cut:]]
            if chunk:
                yield from self._decoded(chunk)
            if ended:
                return

    def _decoded(self, chunk: bytes) -> Iterator[str]:
        try:
            text = chunk.decode(self.encoding)
        except UnicodeDecodeError as error:
            whole = chunk.rfind(b"\n", 0, error.start) + 1  # the lines before the one holding the byte
            if whole:
                yield from self._decoded(chunk[:whole])
            raise _Undecodable(self.lines + 1, chunk[error.start : error.start + 1]) from None
        self.lines += chunk.count(b"\n")
        self.has_nul = self.has_nul or "\0" in text
        yield text


def _open(path: Path, max_bytes: int):
    # O_NONBLOCK: a pipe put in the file's place after the check must not hang the read.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        _refuse_kind(path.name, os.fstat(descriptor), max_bytes)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb", buffering=1024 * 1024)


def read_csv(
    path: Path,
    encodings: tuple[str, ...] = ("utf-8",),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    missing_unless: Iterable[str] | None = None,
    header_names: frozenset[str] | None = None,
    markers: tuple[str, ...] = (),
) -> pd.DataFrame:
    """All cells as text. `frame.attrs["encoding"]` says how it was read.

    Empty cells are empty strings; with `missing_unless`, they are missing
    values in every column not named there. A cell that is one of `markers`
    (a table's declared `missing` texts) is an empty cell. With `header_names`, a first line
    naming none of them is refused as no header (without showing it: it is
    then a row of data). UTF-8 goes first in every declaration: it is strict,
    so text that decodes as UTF-8 is UTF-8, and the fixers' own output reads
    back unchanged.
    """
    failures = []
    for encoding in encodings:
        try:
            with _open(path, max_bytes) as handle:
                header, columns, index = _parse(_Text(handle, path.name, encoding, max_bytes), path.name, header_names)
        except _Undecodable as error:
            failures.append((encoding, error))
            continue
        except (OSError, MemoryError) as error:
            raise UnreadableFile(path.name, None, *_problem_and_remedy(error)) from None
        return _frame(header, columns, index, encoding, missing_unless, markers)
    tried = " or ".join(e for e, _ in failures)
    error = failures[-1][1]
    raise UnreadableFile(
        path.name,
        error.line,
        f"byte 0x{error.byte.hex()} is not valid {tried}",
        "Declare the file's real encoding in its contract (Table.encodings) or repair the export.",
    )


def count_records(path: Path) -> int:
    """The data records of a CSV file, counted from its bytes alone: line ends outside double quotes, less the header.

    Counted apart from the csv reader (`read_csv`), so that the ledger's raw
    rows are a second reading of the file: a row the reader lost or invented
    shows as a difference. Split at the quotes, a chunk's pieces lie
    alternately outside and inside a quoted value; an escaped quote ("") is
    two splits and changes nothing. A last line without its line end is a
    record all the same.
    """
    ends, quoted, last = 0, False, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            for piece in chunk.split(b'"'):
                if not quoted:
                    ends += piece.count(b"\n")
                quoted = not quoted
            quoted = not quoted  # one more piece than quotes
            last = chunk[-1:]
    records = ends + (last != b"\n")
    return max(records - 1, 0)


def _problem_and_remedy(error: OSError | MemoryError) -> tuple[str, str]:
    if isinstance(error, MemoryError):
        return (
            "there is not enough memory to read it",
            "Split the export, run where there is more memory, or lower the table's max_bytes to refuse such files.",
        )
    return f"it cannot be read ({error.strerror or type(error).__name__})", "Check the file's permissions and the disk."


def _parse(
    text: _Text, name: str, header_names: frozenset[str] | None
) -> tuple[list[str], list[list[str]], np.ndarray]:
    """The header, the cells column by column, and each row's index; the rows themselves are never all held."""
    # strict: a quote left open fails at the end of the file instead of swallowing every line after it.
    reader = csv.reader(text, strict=True)
    ends = array("q")  # the line each row ends on: the next one starts on the line after
    header_end = 0
    try:
        header = next(reader, None)
        if header is None:
            raise UnreadableFile(name, None, "the file is empty", "Export the header row at least.")
        _check_header(header, name, header_names)
        header_end = reader.line_num
        columns, block = _Columns(len(header)), []
        for row in reader:
            start = (ends[-1] if ends else header_end) + 1
            if len(row) != len(header):
                raise UnreadableFile(
                    name,
                    start,
                    f"{len(row)} fields where the header has {len(header)}",
                    "Quote values that contain commas, or repair the export.",
                )
            if text.has_nul and any("\0" in value for value in row):
                line, position = _nul_line(start, row)
                raise UnreadableFile(
                    name,
                    line,
                    "a NUL byte in a value",
                    "Remove it from the export: no text value holds one.",
                    column=shown_name(header[position]),
                )
            block.append(row)
            ends.append(reader.line_num)
            if len(block) == _ROWS:
                columns.add(block)
                block = []
        columns.add(block)
    except csv.Error as error:
        raise UnreadableFile(
            name,
            (ends[-1] if ends else header_end) + 1,
            f"not valid CSV from this line on ({error})",
            "Repair the export's quoting.",
        ) from None
    starts = (
        np.concatenate(([header_end], np.frombuffer(ends, dtype=np.int64)[:-1])) + 1 if ends else np.empty(0, np.int64)
    )
    return header, columns.values, starts - 2


# Rows parsed before their cells are added to the columns: few enough that the rows die young (the garbage
# collector would otherwise walk every one of them, again and again, as the columns grow).
_ROWS = 256


def _nul_line(start: int, cells: list[str]) -> tuple[int, int]:
    """The physical line of the first NUL among `cells` of a record starting on line `start`, and its cell's position."""
    for position, value in enumerate(cells):
        if "\0" in value:
            return start + value[: value.index("\0")].count("\n"), position
        start += value.count("\n")
    raise ValueError("no NUL in these cells")


# Rows from which a column is judged mostly repeats or mostly distinct.
_SAMPLE = 65_536


class _Columns:
    """The cells column by column, one string per distinct value in the columns that are mostly repeats.

    The reader makes a new string for every cell: an export's memory would
    then be mostly copies of a status, a date or a parent's key. A column
    whose first rows are mostly distinct (an id, an email) keeps its cells as
    read, with no table of its values beside it.
    """

    def __init__(self, width: int):
        self.values: list[list[str]] = [[] for _ in range(width)]
        self.seen: list[dict[str, str] | None] = [{} for _ in range(width)]
        self.sampled = False

    def add(self, rows: list[list[str]]) -> None:
        for values, seen, cells in zip(self.values, self.seen, zip(*rows)):
            values.extend(cells if seen is None else map(seen.setdefault, cells, cells))
        if not self.sampled and self.values and len(self.values[0]) >= _SAMPLE:
            self.seen = [
                None if seen is None or len(seen) > len(values) // 2 else seen
                for values, seen in zip(self.values, self.seen)
            ]
            self.sampled = True


def _check_header(header: list[str], name: str, header_names: frozenset[str] | None) -> None:
    if header_names is not None and not header_names.intersection(header):
        expected = shown_names(sorted(header_names), SHOWN_EXAMPLES)
        raise UnreadableFile(
            name,
            1,
            f"no header: none of the {len(header)} fields of line 1 names a column of the table",
            f"Export the header row first (columns such as {expected}).",
        )
    if any("\0" in cell for cell in header):
        raise UnreadableFile(name, _nul_line(1, header)[0], "a NUL byte in the header", "Remove it from the export.")
    repeated = sorted({n for n in header if header.count(n) > 1}) if len(set(header)) < len(header) else []
    if repeated:
        raise UnreadableFile(
            name,
            1,
            f"the header names {shown_names(repeated, SHOWN_EXAMPLES)} more than once",
            "Give every column its own name in the export.",
        )


def _frame(header, columns, index, encoding, missing_unless, markers) -> pd.DataFrame:
    keep_empty = set(header) if missing_unless is None else set(missing_unless)
    data = {}
    for name, values in zip(header, columns, strict=True):
        cells = np.array(values, dtype=object) if values else np.empty(0, dtype=object)
        values.clear()  # each column is held once: as the list while read, then as the array
        if markers:
            cells[np.isin(cells, markers)] = ""
        if name not in keep_empty:
            cells[cells == ""] = None
        data[name] = cells
    # dtype=object: pandas 3 would infer its string dtype, whose missing value is NaN, not None.
    frame = pd.DataFrame(data, index=pd.Index(index, dtype="int64"), columns=header, dtype=object, copy=False)
    frame.attrs["encoding"] = encoding
    return frame


def is_fixers_output(folder: Path) -> bool:
    return (folder / FIXERS_OUTPUT_MARKER).exists()


def read_table(
    path: Path, table: Table, *, fixed: bool, folder: Path | None = None, max_bytes: int | None = None
) -> pd.DataFrame:
    """The table's file as the checks and fixers take it, refused by name if it must not be read.

    `folder` is the export the file belongs to (a link may not lead out of
    it); `max_bytes` overrides the table's declared limit. An export's empty
    cells are empty strings in key attributes and missing elsewhere; in the
    fixers' output (`fixed`) they are all missing.
    """
    limit = table.max_bytes if max_bytes is None else max_bytes
    refuse_unsafe(path, path.parent if folder is None else folder, limit)
    # The fixers write a missing value as an empty cell: in their output a marker is a value.
    frame = read_csv(
        path,
        table.encodings,
        max_bytes=limit,
        missing_unless=() if fixed else table.key_columns,
        header_names=table.source_columns,
        markers=() if fixed else table.missing,
    )
    _refuse_no_rows(path, table, frame)
    return frame


def refuse_written(path: Path, table: Table, frame: pd.DataFrame, *, max_bytes: int | None = None) -> None:
    """Refuse the frame `write_csv` returned for the table's file at `path` where `read_table` would refuse the file.

    So a table is checked from the frame its file was written from, never
    read again, and still blocked by name as a read would block it.
    """
    refuse_unsafe(path, path.parent, table.max_bytes if max_bytes is None else max_bytes)
    _refuse_no_rows(path, table, frame)


def _refuse_no_rows(path: Path, table: Table, frame: pd.DataFrame) -> None:
    if frame.empty and not table.allow_empty:
        raise UnreadableFile(
            path.name,
            2,
            "a header and no rows",
            f"Export the rows, or declare allow_empty=True in the {table.name} contract if it may be empty.",
        )


def private_folder(folder: Path) -> None:
    """Make `folder` (and its parents), readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    folder.chmod(PRIVATE_FOLDER)


def write_csv(frame: pd.DataFrame, path: Path, *, neutralise_formulas: bool = False) -> pd.DataFrame:
    """UTF-8, missing values as empty cells, lists as JSON arrays; readable by the owner only.

    Returns the frame as `read_csv` reads the file back with every empty cell
    missing (`read_table(..., fixed=True)`): each cell text or None, the index
    giving each row's line in the written file. With `neutralise_formulas`
    (for files people open in a spreadsheet, such as the quarantine), a cell
    that a spreadsheet would run as a formula gets a leading single quote, as
    OWASP's "CSV Injection" page advises.
    """
    header = [_neutral_cell(name) if neutralise_formulas else _cell(name) for name in frame.columns]
    columns = [
        _written(frame.iloc[:, position].to_numpy(dtype=object), neutralise_formulas)
        for position in range(frame.shape[1])
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)  # an existing file keeps its mode through O_CREAT
    # csv quotes a cell holding the line terminator but not a lone "\r", which a reader takes for a line break:
    # a file with one has every cell quoted (None then as "", which reads back as empty all the same).
    breaks = [_line_breaks(values) for values in [header, *columns]]
    lone_return = any(r for r, _ in breaks)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL if lone_return else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for first in range(0, len(frame), _WRITTEN_ROWS):
            writer.writerows(zip(*(c[first : first + _WRITTEN_ROWS].tolist() for c in columns)))
    spanning = [values for values, (_, newline) in zip(columns, breaks[1:], strict=True) if newline]
    written = pd.DataFrame(
        dict(enumerate(columns)), index=_lines_written(header, spanning, len(frame)), dtype=object, copy=False
    )
    written.columns = header
    written.attrs["encoding"] = "utf-8"
    return written


# Rows handed to the csv writer at once: the rows of a large file are never all made at the same time.
_WRITTEN_ROWS = 65_536


def _written(values: np.ndarray, neutralise_formulas: bool) -> np.ndarray:
    """A column's cells as written and read back: text, None for an empty cell."""
    if not neutralise_formulas and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        out = values.copy()
        out[pd.isna(values) | (values == "")] = None
        return out
    cell = _neutral_cell if neutralise_formulas else _cell
    return np.array([cell(v) or None for v in values], dtype=object)


def _line_breaks(values) -> tuple[bool, bool]:
    """Whether any of the cells holds a "\r", and a "\n"; one pass over the column's text."""
    text = "".join(filter(None, values))
    return "\r" in text, "\n" in text


def _lines_written(header: list[str], spanning: list[np.ndarray], rows: int) -> pd.Index:
    """Each row's index as `read_csv` numbers it: from the line its record starts on, the line breaks of the
    columns in `spanning` (those that hold any) counted."""
    lines = np.ones(rows, dtype=np.int64)
    for values in spanning:
        lines += np.fromiter((v.count("\n") if v else 0 for v in values), dtype=np.int64, count=rows)
    header_lines = 1 + sum(name.count("\n") for name in header)
    starts = np.concatenate(([header_lines + 1], header_lines + 1 + np.cumsum(lines)[:-1])) if rows else lines
    return pd.Index(starts - 2, dtype="int64")


def _neutral_cell(value) -> str:
    text = _cell(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        # A list keeps its order (a number set's is numeric, which text sorting would undo); a set has none.
        return json.dumps(list(value) if isinstance(value, (list, tuple)) else sorted(value), ensure_ascii=False)
    return str(value)


def parse_set(text: str) -> list[str]:
    """A set cell of the fixed output: a string set's strings, or a number set's numbers as their texts."""
    values = json.loads(text)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{text!r} is not a JSON array of strings")
    return values
