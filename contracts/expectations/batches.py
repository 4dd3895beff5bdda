"""What Great Expectations is handed: the suite's columns, values as DynamoDB compares them, personal ones hashed.

Numbers become one spelling per value (1042, 1042.0 and 1.042E+3 all read
`1042`), so a foreign key matches its parent as DynamoDB would match it.
Personal values are replaced by a keyed hash whose key is drawn for each run
and never written anywhere: equal values still match, and nothing GX stores
or renders can be traced back to a person.

A stage's batches are the tables of one SQLite database, so that a foreign
key is checked by GX as a query against its parent table.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from operator import itemgetter
from pathlib import Path

import pandas as pd

from contracts.keys import comparable_cells, per_distinct
from contracts.table import Table

# The frame's own index, kept beside the values so a failure names its row (and, before upload, its line).
ROW = "_row"


def comparable_values(values: pd.Series, attribute_type: str, secret: bytes | None) -> pd.Series:
    """Text GX can compare and store: canonical numbers, hashed when `secret` is given; missing stays None."""
    return per_distinct(values, lambda distinct: _comparable_text(distinct, attribute_type, secret))


def _comparable_text(distinct: pd.Series, attribute_type: str, secret: bytes | None) -> pd.Series:
    text = pd.Series([v if isinstance(v, str) else str(v) for v in distinct], dtype=object)
    if attribute_type == "N":
        numbers = comparable_cells(distinct, "N").map(itemgetter(1), na_action="ignore")
        # A cell that is no number is kept as written: it names no parent row, and pandera reports its type.
        text = numbers.where(numbers.notna(), text)
    if secret is not None:
        keyed = hashlib.blake2b(key=secret, digest_size=12)  # 24 hex digits
        text = pd.Series([_pseudonym(keyed, v) for v in text], dtype=object)
    return text


def _pseudonym(keyed, value: str) -> str:
    """`value` through `keyed`, a keyed BLAKE2b: a MAC, as HMAC is, at a third of HMAC-SHA256's cost."""
    digest = keyed.copy()
    digest.update(value.encode("utf-8"))
    return digest.hexdigest()


def batch_frame(
    table: Table, frame: pd.DataFrame | None, columns: tuple[str, ...], personal: frozenset[str], secret: bytes
) -> pd.DataFrame:
    """The columns of `columns` present in `frame`, as GX is to see them, indexed like `frame`.

    A table with no frame (it could not be read) is empty, so its children's foreign keys find no parent row.
    """
    if frame is None:
        return pd.DataFrame(columns=list(columns), dtype=object)
    present = [c for c in columns if c in frame.columns]
    return pd.DataFrame(
        {c: comparable_values(frame[c], table.attribute_type(c), secret if c in personal else None) for c in present},
        index=frame.index,
    )


def write_batches(batches: dict[str, pd.DataFrame], path: Path, indexed: dict[str, list[tuple[str, ...]]]) -> None:
    """Make the database at `path` hold exactly `batches`: one table each, every value as text, the row beside it.

    `indexed` names, per table, the columns to index: those the suites look
    rows up by (a key, a column a foreign key names), so that SQLite finds them
    in one index built once rather than in a temporary one built for each query.
    The file is rewritten in place rather than replaced, so a connection GX
    keeps open from an earlier run reads this run's tables.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as db, db:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            db.execute(f"DROP TABLE {quoted(name)}")
        for name, batch in batches.items():
            columns = [f"{quoted(ROW)} INTEGER PRIMARY KEY"] + [f"{quoted(c)} TEXT" for c in batch.columns]
            db.execute(f"CREATE TABLE {quoted(name)} ({', '.join(columns)})")
            marks = ", ".join("?" * (len(batch.columns) + 1))
            db.executemany(
                f"INSERT INTO {quoted(name)} VALUES ({marks})",
                zip(batch.index.tolist(), *(batch[c].tolist() for c in batch.columns)),
            )
            for number, key in enumerate(k for k in indexed.get(name, ()) if set(k) <= set(batch.columns)):
                db.execute(
                    f"CREATE INDEX {quoted(f'{name} {number}')} ON {quoted(name)} ({', '.join(map(quoted, key))})"
                )


def quoted(identifier: str) -> str:
    """A table or column name as SQL reads it whatever it holds."""
    return '"' + identifier.replace('"', '""') + '"'
