"""What `data/generate.py` made, read from the manifest it writes beside the export (`data/manifest.json`).

Tests take the sample's counts and the lines of its planted defects from here
instead of restating them. Every figure in the manifest is counted by the
generator from the rows it wrote, so a test comparing the fixers' ledger with
the manifest compares two independent countings of the same export.

    from data import manifest
    sample = manifest.load()
    sample.files["baggage.csv"].items        # 6205 bags after fixing
    sample.defects["D7"].quarantined.lines   # the lines of the orphan bookings
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "manifest.json"


@dataclass(frozen=True)
class Lines:
    """Rows of one file, by their file line (the header is line 1), and the column that marks them."""

    column: str | None
    lines: tuple[int, ...]

    @property
    def rows(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class Defect:
    """A planted defect: its file, column and lines, and what fixing it folds or sets aside.

    `keys` is, for a defect of repeated keys (D5, D6), how many key values the
    repeated rows share; `merged` the rows the fix folds into another row;
    `quarantined` the rows it sets aside, if any.
    """

    id: str
    what: str
    file: str
    column: str | None
    lines: tuple[int, ...]
    keys: int | None
    merged: int
    quarantined: Lines | None

    @property
    def rows(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class File:
    """One CSV of the export: its data rows and encoding, and what fixing must leave of it if it is a table."""

    name: str
    rows: int
    encoding: str
    items: int
    merged: int
    quarantined: int


@dataclass(frozen=True)
class Manifest:
    seed: int
    scale: int
    files: dict[str, File]
    defects: dict[str, Defect]


def _lines(runs: list[list[int]]) -> tuple[int, ...]:
    return tuple(line for first, last in runs for line in range(first, last + 1))


def _defect(defect_id: str, body: dict) -> Defect:
    aside = body["quarantined"]
    return Defect(
        id=defect_id,
        what=body["what"],
        file=body["file"],
        column=body["column"],
        lines=_lines(body["lines"]),
        keys=body["keys"],
        merged=body["merged"],
        quarantined=Lines(aside["column"], _lines(aside["lines"])) if aside else None,
    )


def load(path: Path = MANIFEST) -> Manifest:
    """The manifest at `path` (default: the committed one, `data/manifest.json`)."""
    body = json.loads(Path(path).read_text(encoding="utf-8"))
    return Manifest(
        seed=body["seed"],
        scale=body["scale"],
        files={name: File(name=name, **entry) for name, entry in body["files"].items()},
        defects={defect_id: _defect(defect_id, entry) for defect_id, entry in body["defects"].items()},
    )


# Recording a manifest: what the generators use to write the layout `load` reads.


def lines_where(rows: list[list], planted) -> list[int]:
    """The file lines of the rows for which planted(row) holds (the header is line 1)."""
    return [i + 2 for i, row in enumerate(rows) if planted(row)]


def repeated(rows: list[list], column: int) -> tuple[list[int], int]:
    """The lines of rows whose value in `column` is also another row's, and how many such values there are."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[column]] = counts.get(row[column], 0) + 1
    return lines_where(rows, lambda row: counts[row[column]] > 1), sum(1 for n in counts.values() if n > 1)


def exact_copies(rows: list[list]) -> list[int]:
    """The lines of rows equal to an earlier row."""
    seen, lines = set(), []
    for line, row in enumerate(rows, 2):
        if tuple(row) in seen:
            lines.append(line)
        seen.add(tuple(row))
    return lines


def ranges(lines: list[int]) -> list[list[int]]:
    """Ascending lines as [first, last] runs: 2, 3, 4, 9 is [[2, 4], [9, 9]]."""
    runs: list[list[int]] = []
    for line in lines:
        if runs and runs[-1][1] == line - 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    return runs


def defect(
    what: str,
    file: str,
    column: str | None,
    lines: list[int],
    keys: int | None = None,
    merged: int = 0,
    quarantined: tuple[str, list[int]] | None = None,
) -> dict:
    """One planted defect as the manifest records it; `quarantined` is (column, lines) of the rows set aside."""
    aside = None
    if quarantined:
        aside = {"column": quarantined[0], "rows": len(quarantined[1]), "lines": ranges(quarantined[1])}
    return {
        "what": what,
        "file": file,
        "column": column,
        "rows": len(lines),
        "keys": keys,
        "merged": merged,
        "quarantined": aside,
        "lines": ranges(lines),
    }


def outcomes(files: dict[str, list[list]], defects: dict[str, dict], encodings: dict[str, str] | None = None) -> dict:
    """Per file: its rows, its encoding, and what fixing must leave of it (items, merged, quarantined), from the defects."""
    found = {}
    for name in sorted(files):
        mine = [d for d in defects.values() if d["file"] == name]
        merged = sum(d["merged"] for d in mine)
        quarantined = sum(d["quarantined"]["rows"] for d in mine if d["quarantined"])
        found[name] = {
            "rows": len(files[name]),
            "encoding": (encodings or {}).get(name, "utf-8"),
            "items": len(files[name]) - merged - quarantined,
            "merged": merged,
            "quarantined": quarantined,
        }
    return found


def dump(manifest: dict) -> str:
    """The manifest as JSON with one file or defect per line, so that a change reads as a one-line diff."""
    parts = []
    for key, value in manifest.items():
        if isinstance(value, dict):
            entries = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            parts.append(f"  {json.dumps(key)}: {{\n{entries}\n  }}")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
