"""How a table's CSV is read, and what an empty cell means.

Every cell is read as text, so nothing is reinterpreted on the way in (the
leading zeros of `004512` survive, `1042.0` stays visible as a defect). Rows
keep their position in the file as the frame index: line = index + 2.

An empty cell in an upstream export is an empty string wherever DynamoDB cares
(key and GSI key attributes, where AWS refuses it) and a missing value
elsewhere. In the fixers' output an empty cell always means the attribute is
left out of the item.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from contracts.errors import UnreadableFile
from contracts.table import Table

# Left in a folder the fixers wrote, so that reading it again (to fix or check) knows what empty cells mean.
FIXERS_OUTPUT_MARKER = ".written-by-fixers"

# A cell may be far larger than csv's default 128 KiB; the item-size check, not the reader, decides.
csv.field_size_limit(64 * 1024 * 1024)


def line_of(index: int) -> int:
    """The file line of a row: the header is line 1."""
    return int(index) + 2


def read_text(path: Path, encodings: tuple[str, ...] = ("utf-8",)) -> tuple[str, str]:
    """The file's text and the first declared encoding that explains every byte.

    UTF-8 goes first in every declaration: it is strict, so text that decodes
    as UTF-8 is UTF-8, and the fixers' own output reads back unchanged.
    """
    data = path.read_bytes()
    failures = []
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            failures.append((encoding, error))
    encoding, error = failures[-1]
    line = data[: error.start].count(b"\n") + 1
    byte = data[error.start : error.start + 1].hex()
    tried = " or ".join(e for e, _ in failures)
    raise UnreadableFile(
        path.name,
        line,
        f"byte 0x{byte} is not valid {tried}",
        "Declare the file's real encoding in its contract (Table.encodings) or repair the export.",
    )


def read_csv(path: Path, encodings: tuple[str, ...] = ("utf-8",)) -> pd.DataFrame:
    """All cells as text, empty cells as empty strings. `frame.attrs["encoding"]` says how it was read."""
    text, encoding = read_text(path, encodings)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise UnreadableFile(path.name, reader.line_num, f"not valid CSV ({error})", "Repair the export's quoting.") from None
    if not rows:
        raise UnreadableFile(path.name, None, "the file is empty", "Export the header row at least.")
    header, body = rows[0], rows[1:]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise UnreadableFile(path.name, 1, f"the header names {', '.join(repeated)} more than once",
                             "Give every column its own name in the export.")
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise UnreadableFile(
                path.name,
                number,
                f"{len(row)} fields where the header has {len(header)}",
                "Quote values that contain commas, or repair the export.",
            )
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.attrs["encoding"] = encoding
    return frame


def as_exported(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """An upstream export: empty cells are empty strings in key attributes, missing elsewhere."""
    out = frame.copy()
    for column in out.columns:
        if column not in table.key_columns:
            out[column] = out[column].mask(out[column] == "", None)
    return out


def as_fixed(frame: pd.DataFrame) -> pd.DataFrame:
    """The fixers' output: an empty cell is an attribute left out."""
    return frame.mask(frame == "", None)


def is_fixers_output(folder: Path) -> bool:
    return (folder / FIXERS_OUTPUT_MARKER).exists()


def read_table(path: Path, table: Table, *, fixed: bool) -> pd.DataFrame:
    frame = read_csv(path, table.encodings)
    return as_fixed(frame) if fixed else as_exported(frame, table)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, missing values as empty cells, lists as JSON arrays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False, name=None):
            writer.writerow(_cell(v) for v in row)


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return json.dumps(sorted(value), ensure_ascii=False)
    return str(value)


def parse_set(text: str) -> list[str]:
    """A string-set cell of the fixed output."""
    values = json.loads(text)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{text!r} is not a JSON array of strings")
    return values
