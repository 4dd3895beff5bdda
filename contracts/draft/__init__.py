"""Draft data contracts from an export: a module of guesses for a person to review and edit.

`draft_module(folder)` reads every CSV of the folder and returns the text of a contract module:
one pandera model and one `Table` per file, with types, empty cells, ranges, value sets, personal
data, the key and foreign keys inferred from the data, and a comment on what each guess rests on.
`write_draft` writes it without overwriting; `draft_command` is `dynamodb-contracts draft`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from contracts.draft._keys import Key, find_key
from contracts.draft._links import Link, find_links
from contracts.draft._profile import Export, identifier, read_export, table_name, words
from contracts.draft._render import Drafted, render, share
from contracts.errors import ContractError
from contracts.table import NotATable

__all__ = ["DraftExists", "NoExport", "draft_command", "draft_module", "draft_tables", "write_draft"]

# Module-level names of the drafted module that a class or constant must not take.
_MODULE_NAMES = frozenset(
    {
        "pa",
        "Series",
        "INT64",
        "personal",
        "DeriveKey",
        "DropExactCopies",
        "ForeignKey",
        "Index",
        "NotATable",
        "Table",
        "TABLES",
        "NOT_TABLES",
    }
)


class DraftExists(ContractError):
    """The draft would overwrite a file."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"{path} exists and is not overwritten: choose another --output, or move that file away first."
        )


class NoExport(ContractError):
    """The folder holds no CSV file to draft from."""

    def __init__(self, folder: Path):
        self.folder = folder
        super().__init__(f"{folder} holds no *.csv file: give the folder of the export.")


def draft_tables(data_dir: Path) -> tuple[list[Drafted], list[NotATable]]:
    """The tables drafted from every `*.csv` of `data_dir`, and the files that could not be read, with why."""
    paths = sorted(p for p in Path(data_dir).glob("*.csv") if p.is_file())
    if not paths:
        raise NoExport(Path(data_dir))
    exports, unread = [], []
    for path in paths:
        try:
            exports.append(read_export(path))
        except pd.errors.EmptyDataError:
            unread.append(NotATable(path.name, "empty: not even a header; drafted as not a table"))
        except (pd.errors.ParserError, UnicodeDecodeError) as error:
            unread.append(
                NotATable(path.name, f"pandas cannot read it as CSV ({type(error).__name__}); drafted as not a table")
            )
    keys = [find_key(export) for export in exports]
    taken: set[str] = set()
    names = [table_name(export.stem, taken) for export in exports]
    links = find_links(exports, keys, names)
    module_names = set(_MODULE_NAMES)
    drafts = []
    for export, key, name in zip(exports, keys, names):
        attributes: set[str] = set()
        fields = {column.name: identifier(column.name, attributes) for column in export.columns}
        derived = _derived_name(name, export, attributes) if key.derived else None
        drafts.append(
            Drafted(
                export,
                name,
                _class_name(export.stem, module_names),
                _constant(export.stem, module_names),
                fields,
                key,
                derived,
                tuple(link for link in links if link.table == name),
            )
        )
    return drafts, unread


def draft_module(data_dir: Path) -> str:
    """The text of a contract module drafted from every `*.csv` in `data_dir`, importable as written."""
    return render(*draft_tables(data_dir))


def write_draft(data_dir: Path, out: Path) -> Path:
    """Write the draft of `data_dir` to `out`, a new file: an existing one is never overwritten."""
    return _write(draft_module(data_dir), Path(out))


def _write(text: str, out: Path) -> Path:
    try:
        with out.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists, even if it appeared meanwhile
            handle.write(text)
    except FileExistsError:
        raise DraftExists(out) from None
    return out


def draft_command(argv: list[str]) -> int:
    """`dynamodb-contracts draft DATA_DIR [-o FILE]`: write the draft and print what it declares."""
    parser = argparse.ArgumentParser(prog="dynamodb-contracts draft", description=draft_command.__doc__)
    parser.add_argument("data_dir", metavar="DATA_DIR", type=Path, help="the export folder, holding the CSV files")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("data_contracts.py"),
        help="the module to write (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        if args.output.exists():
            raise DraftExists(args.output)  # before the export is read, which may take a while
        drafts, unread = draft_tables(args.data_dir)
        _write(render(drafts, unread), args.output)
    except ContractError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(summary(drafts, unread, args.output))
    return 0


def summary(drafts: list[Drafted], unread: list[NotATable], out: Path) -> str:
    """What the draft declares, in a few lines: column and table names and counts, never a value."""
    lines = [f"Drafted {out}: {len(drafts)} tables, {len(unread)} files not tables."]
    for d in drafts:
        lines.append(f"  {d.name} ({d.export.file}, {d.export.rows} rows): key {_describe_key(d.key, d.derived)}")
        lines += [f"    foreign key {_describe_link(link)}" for link in d.links]
    lines += [f"  {n.file}: {n.reason}" for n in unread]
    lines.append(
        f"Review every comment in it, then name it in pytest.ini (contracts = {out.name}) or with --contracts."
    )
    return "\n".join(lines)


def _describe_key(key: Key, derived: str | None) -> str:
    text = f"{derived} = {' # '.join(key.columns)}" if derived else ", ".join(key.columns)
    return text + ("" if key.unique else f" (NOT unique: repeats on {key.repeats} rows)")


def _describe_link(link: Link) -> str:
    return (
        f"{link.column} -> {link.parent}.{link.parent_column}: {link.orphans} orphan rows "
        f"({share(link.orphan_share)}), {link.confidence} confidence"
    )


def _class_name(stem: str, taken: set[str]) -> str:
    text = "".join(w.capitalize() for w in words(stem)) or "Export"
    return _unique(f"T{text}" if text[0].isdigit() else text, "Rows", taken)


def _constant(stem: str, taken: set[str]) -> str:
    text = "_".join(words(stem)).upper() or "EXPORT"
    return _unique(f"T_{text}" if text[0].isdigit() else text, "_TABLE", taken)


def _unique(text: str, suffix: str, taken: set[str]) -> str:
    name, n = text, 2
    if name in taken:
        name = f"{text}{suffix}"
    while name in taken:
        name, n = f"{text}{suffix}{n}", n + 1
    taken.add(name)
    return name


def _derived_name(table: str, export: Export, attributes: set[str]) -> str:
    taken = attributes | {c.name for c in export.columns}
    return identifier(f"{'_'.join(words(table))}_key", taken)
