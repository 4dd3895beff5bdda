"""The text of a drafted contract module: pandera models, `Table`s, and a comment on every guess.

Comments hold column names and counts only: never a value of the export, so that a draft of
personal data can be shared. Value sets and ranges are declared for columns not guessed personal.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

from contracts.draft._keys import MAX_KEY_COLUMNS, SEPARATOR, WIDE_COLUMNS, Key
from contracts.draft._links import Link
from contracts.draft._profile import Column, Export
from contracts.dynamodb import MAX_GSIS_PER_TABLE
from contracts.table import NotATable

WIDTH = 160


@dataclass(frozen=True)
class Drafted:
    """One table as drafted: its export, the names chosen for it, its key and foreign keys."""

    export: Export
    name: str
    model: str
    constant: str
    fields: dict[str, str]  # column name -> Python identifier
    key: Key
    derived: str | None  # the column DeriveKey writes, when the key needs three or more columns
    links: tuple[Link, ...]

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (self.derived,) if self.derived else self.key.columns

    @property
    def indexed(self) -> tuple[Link, ...]:
        """The foreign keys a GSI is suggested for: not the hash key, which the table itself is queried by."""
        return tuple(link for link in self.links if link.column != self.key_columns[0])[:MAX_GSIS_PER_TABLE]


def render(drafts: list[Drafted], not_tables: list[NotATable]) -> str:
    """The module's text: imports, one model per table, the `Table`s, `TABLES` and `NOT_TABLES`."""
    body = [line for d in drafts for line in ["", "", *_model(d)]]
    body += [line for i, d in enumerate(drafts) for line in ["", ""][i > 0 :] + _table(d)]
    body += ["", "", _sequence("TABLES", [d.constant for d in drafts])]
    body += [_sequence("NOT_TABLES", [f"NotATable({_py(n.file)}, {_py(n.reason)})" for n in not_tables])]
    return "\n".join([*_docstring(len(drafts) + len(not_tables)), *_imports(drafts, bool(not_tables)), *body]) + "\n"


def _docstring(files: int) -> list[str]:
    return [
        f'"""Data contracts drafted by `dynamodb-contracts draft` from {files} CSV files: a start for a person to edit.',
        "",
        "Every declaration here was guessed from one export: types, empty cells, ranges and value sets from the",
        "values seen; each key from the fewest columns unique in every row; foreign keys from the values a column",
        "shares with another file's key; personal data from column names. A comment says what each guess rests on.",
        "Check them, then name this module in pytest.ini (contracts = ...) or with --contracts.",
        '"""',
    ]


def _imports(drafts: list[Drafted], not_tables: bool) -> list[str]:
    columns = [c for d in drafts for c in d.export.columns]
    typing = ["INT64"] * any(c.kind == "int" and c.nullable for c in columns) + ["Series"]
    table = (
        ["DeriveKey"] * any(d.derived for d in drafts)
        + ["DropExactCopies"] * any(_drops_copies(d) for d in drafts)
        + ["ForeignKey"] * any(d.links for d in drafts)
        + ["Index"] * any(d.indexed for d in drafts)
        + ["NotATable"] * not_tables
        + ["Table"] * bool(drafts)
    )
    lines = ["import pandera.pandas as pa", f"from pandera.typing import {', '.join(typing)}", ""] if drafts else []
    if any(c.pii for c in columns):
        lines.append("from contracts.formats import personal")
    return [*lines, f"from contracts.table import {', '.join(table)}"] if table else lines


def _drops_copies(d: Drafted) -> bool:
    return bool(d.key.exact_copies) or not d.key.unique


def _model(d: Drafted) -> list[str]:
    lines = [f"class {d.model}(pa.DataFrameModel):", f"    {_py(f'{d.export.file}: {d.export.rows} rows.')}", ""]
    linked = {link.column for link in d.links}
    for column in d.export.columns:
        lines += _field(
            column, d.fields[column.name], d.export.rows, column.name in linked or column.name in d.key.columns
        )
    if d.derived:
        lines += _comment(
            f"Written by the DeriveKey fix from {len(d.key.columns)} columns joined by {SEPARATOR}: the key.", 4
        )
        lines.append(f"    {d.derived}: Series[str]")
    return lines


def _field(column: Column, attribute: str, rows: int, identifies: bool) -> list[str]:
    args, notes = [], []
    if attribute != column.name:
        args.append(f"alias={_py(column.name)}")
    if column.nullable:
        args.append("nullable=True")
    annotation = column.kind
    if column.kind == "int" and column.nullable:
        annotation = "INT64"
        notes.append(
            "INT64 is pandas' nullable Int64 (capital I): numpy's int64 has no missing value, so empty cells could not be coerced."
        )
    if column.whole_fractions:
        notes.append("Some values are written like 1042.0; the fixers write them as integers.")
    if column.low is not None and not column.pii:
        if identifies or column.id_like:
            args.append(f"ge={column.low!r}")
            notes.append("Lower bound observed in the export; no upper bound, as identifiers grow.")
        else:
            args += [f"ge={column.low!r}", f"le={column.high!r}"]
            notes.append("Range observed in the export: widen it to what the data may hold.")
    if column.values and not identifies:
        args.append(f"isin={_py(list(column.values))}")
        notes.append(f"The {len(column.values)} values seen in {rows} rows: add any other the data may hold.")
    if column.pii:
        notes.append("PII guessed from the name: review")
    maker = "personal" if column.pii else "pa.Field"
    value = f" = {maker}({', '.join(args)})" if args or column.pii else ""
    line = f"    {attribute}: Series[{annotation}]{value}"
    if len(line) > WIDTH:
        # One argument a line; a value set too long for its line, one value a line.
        lines = [
            f"        {a}," if len(a) <= WIDTH - 9 else f"        isin=[\n{_values(column.values)}        ],"
            for a in args
        ]
        line = "\n".join([f"    {attribute}: Series[{annotation}] = {maker}(", *lines, "    )"])
    return [comment for note in notes for comment in _comment(note, 4)] + [line]


def _table(d: Drafted) -> list[str]:
    lines = [
        f"{d.constant} = Table(",
        f"    name={_py(d.name)},",
        f"    file={_py(d.export.file)},",
        f"    model={d.model},",
    ]
    lines += _comment(_key_note(d.key), 4) + [f"    key={_py(d.key_columns)},"]
    if d.indexed:
        lines += _comment(
            "Suggested, one per foreign key: a GSI finds a parent's rows without a scan. Keep those an agent queries.",
            4,
        )
        lines += [
            "    indexes=(",
            *(f"        Index({_py(name)}, hash_key={_py(link.column)})," for name, link in _index_names(d.indexed)),
            "    ),",
        ]
    if d.links:
        lines.append("    foreign_keys=(")
        for link in d.links:
            lines += _comment(_link_note(link), 8)
            lines.append(
                f"        ForeignKey({_py(link.column)}, {_py(link.parent)}, parent_column={_py(link.parent_column)}),"
            )
        lines.append("    ),")
    if _drops_copies(d):
        lines += _comment("Suggested: rows identical in every column are one item.", 4) + [
            "    duplicates=DropExactCopies(),"
        ]
    if d.derived:
        lines.append(
            f"    fixes=(DeriveKey(target={_py(d.derived)}, sources={_py(d.key.columns)}, separator={_py(SEPARATOR)}),),"
        )
    if d.export.missing:
        texts = " and ".join(d.export.missing)
        seen = d.export.missing_seen_in
        lines += _comment(
            f"The file writes {texts} for a missing value (seen in {seen} number column{'s' * (seen != 1)}): "
            "read as an empty cell in every column.",
            4,
        )
        lines.append(f"    missing={_py(d.export.missing)},")
    if d.export.encoding != "utf-8":
        lines += _comment(f"The file is not UTF-8; it read as {d.export.encoding}.", 4)
        lines.append(f"    encodings={_py(('utf-8', d.export.encoding))},")
    return [*lines, ")"]


def _key_note(key: Key) -> str:
    copies = (
        f" {key.exact_copies} rows are exact copies of another row and were left out of the search."
        if key.exact_copies
        else ""
    )
    if not key.rows:
        return "The file has no rows: this key is a placeholder; choose it."
    if not key.unique:
        tried = (
            f" (sets of three and four were tried among the {WIDE_COLUMNS} best-ranked columns only)"
            if key.partial
            else ""
        )
        return (
            f"No set of up to {MAX_KEY_COLUMNS} columns without empty cells is unique{tried}: the best candidate still repeats on "
            f"{key.repeats} of {key.rows} rows with different content. Choose the key, or a duplicate policy "
            f"(MergeIntoSet, KeepLatest).{copies}"
        )
    if len(key.columns) == 1:
        return f"Unique in all {key.rows} rows, with no empty cell.{copies}"
    if len(key.columns) == 2:
        return f"No single column is unique; these two are together in all {key.rows} rows: hash key, then range key.{copies}"
    return (
        f"Only {len(key.columns)} columns together are unique in all {key.rows} rows; DynamoDB keys have at most two "
        f"attributes, so DeriveKey joins them into one.{copies}"
    )


def _link_note(link: Link) -> str:
    sure = f"{link.confidence} confidence: {link.coverage:.1%} of its distinct values are keys of {link.parent}" + (
        ", and the names are alike" if link.named_alike else ", though the names are not alike"
    )
    if not link.orphans:
        return f"Every one of the {link.rows} rows with a value names a row of {link.parent}; {sure}."
    return (
        f"{link.orphans} of {link.rows} rows with a value ({share(link.orphan_share)}) name no row of {link.parent}: "
        f'declare on_orphan="keep" to load and report them, or "quarantine" to set them aside; {sure}.'
    )


def _values(values: tuple[str, ...]) -> str:
    return "".join(f"            {_py(v)},\n" for v in values)


def share(fraction: float) -> str:
    """A share as a percentage that does not round a few rows to nothing: 3 rows of 7917 are 0.038%."""
    percent = fraction * 100
    if not percent or percent >= 0.1:
        return f"{percent:.1f}%"
    return f"{percent:.2g}%" if percent >= 0.01 else "<0.01%"


def _index_names(links: tuple[Link, ...]) -> list[tuple[str, Link]]:
    # DynamoDB index names: 3 to 255 characters of [A-Za-z0-9_.-], unique in the table.
    named, taken = [], set()
    for link in links:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", link.column)[:240]
        name, n = f"{stem}-index", 2
        while name in taken:
            name, n = f"{stem}-{n}-index", n + 1
        taken.add(name)
        named.append((name, link))
    return named


def _comment(text: str, indent: int) -> list[str]:
    if not text:
        return []
    return [f"{' ' * indent}# {line}" for line in textwrap.wrap(text, WIDTH - indent - 2)]


def _sequence(name: str, items: list[str]) -> str:
    one_line = f"{name} = ({', '.join(items)}{',' if len(items) == 1 else ''})"
    return one_line if len(one_line) <= WIDTH else "\n".join([f"{name} = (", *(f"    {item}," for item in items), ")"])


def _py(value: str | tuple[str, ...] | list[str]) -> str:
    """A Python literal in double quotes, as the contracts are written: JSON's string escapes are Python's too."""
    if isinstance(value, tuple):
        return f"({', '.join(map(_py, value))}{',' if len(value) == 1 else ''})"
    if isinstance(value, list):
        return f"[{', '.join(map(_py, value))}]"
    return json.dumps(value, ensure_ascii=False)
