"""What Great Expectations is handed: the suite's columns, values as DynamoDB compares them, personal ones hashed.

Numbers become one spelling per value (1042, 1042.0 and 1.042E+3 all read
`1042`), so a foreign key matches its parent as DynamoDB would match it.
Personal values are replaced by a keyed hash whose key is drawn for each run
and never written anywhere: equal values still match, and nothing GX stores
or renders can be traced back to a person.
"""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pandas as pd

from contracts import Table
from contracts.dynamodb import canonical_number
from contracts.keys import comparable

# The frame's own index, kept beside the values so a failure names its row (and, before upload, its line).
ROW = "_row"


def comparable_values(values: pd.Series, attribute_type: str, secret: bytes | None) -> pd.Series:
    """Text GX can compare and store: canonical numbers, hashed when `secret` is given; missing stays None."""
    if attribute_type == "N":
        numbers = comparable(values, "N").map(canonical_number, na_action="ignore")
        # A cell that is no number is kept as written: it names no parent row, and pandera reports its type.
        values = numbers.where(numbers.notna(), values.map(_text, na_action="ignore"))
    else:
        values = values.map(_text, na_action="ignore")
    if secret is not None:
        values = values.map(lambda v: _pseudonym(secret, v), na_action="ignore")
    return values.astype(object).where(values.notna(), None)


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


def _pseudonym(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def batch_frame(table: Table, frame: pd.DataFrame, columns: tuple[str, ...], personal: frozenset[str],
                secret: bytes) -> pd.DataFrame:
    """The columns of `columns` present in `frame`, as GX is to see them, indexed like `frame`."""
    present = [c for c in columns if c in frame.columns]
    return pd.DataFrame({c: comparable_values(frame[c], table.attribute_type(c), secret if c in personal else None)
                         for c in present}, index=frame.index)


def write_batch(batch: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    batch.to_csv(path, index_label=ROW)


def reader_options(columns: tuple[str, ...]) -> dict:
    """How GX reads a batch back: every value as text, only an empty cell as missing, the row as the index."""
    return {"dtype": {c: "str" for c in columns}, "keep_default_na": False, "na_values": "", "index_col": ROW}
