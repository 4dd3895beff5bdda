"""What one export file holds, column by column: the facts a draft contract is guessed from."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

Kind = Literal["int", "float", "str"]

# A text column with at most this many distinct values, each seen in several rows, is drafted as a value set.
MAX_VALUE_SET = 12
VALUE_SET_MIN_ROWS = 20

_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")  # `1042.0` counts: the fixers write it as 1042
_LEADING_ZERO = re.compile(r"^[+-]?0\d")  # `0042` is a code, not a number: the zeros would be lost
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_WHOLE_NUMBER = r"^([+-]?(?:0|[1-9]\d*))\.0*$"
_NOT_A_NUMBER = ("NaN", "nan", "NAN")
# Texts that tools write for a missing value (R: NA; databases: NULL; spreadsheets: #N/A). One is drafted as the
# file's `missing` text only where it stands among numbers, as a value could not: in a text column "NA" may be Namibia.
_MISSING_TEXTS = ("NA", "N/A", "NULL", "null", "None", "#N/A")
_INT64 = (-(2**63), 2**63 - 1)

# Words in a column name that suggest personal data. `name` alone is personal only for a person's name:
# hotel_name or airport_name are not.
_PERSONAL_PARTS = (
    "email",
    "phone",
    "passport",
    "birth",
    "address",
    "surname",
    "firstname",
    "lastname",
    "fullname",
    "givenname",
    "familyname",
    "postcode",
    "postalcode",
    "iban",
    "creditcard",
    "cardnumber",
)
_PERSONAL_WORDS = frozenset({"dob", "ssn", "zip", "mobile", "tel", "telephone", "gender", "nin"})
_PERSONS = frozenset(
    {
        "first",
        "last",
        "full",
        "given",
        "family",
        "middle",
        "maiden",
        "passenger",
        "customer",
        "contact",
        "person",
        "employee",
        "crew",
        "guest",
        "user",
        "staff",
        "pax",
        "traveller",
        "traveler",
    }
)
_ID_WORDS = frozenset({"id", "key", "code", "no", "number", "ref", "uuid", "guid"})
# Names a field must not take: the class body reads them (a field named `int` would hide the type).
_USED_IN_CLASS = frozenset({"pa", "Series", "INT64", "personal", "str", "int", "float"})


@dataclass(frozen=True)
class Column:
    """One column of an export: its inferred type and the statistics a draft declares."""

    name: str
    position: int
    kind: Kind
    nullable: bool
    pii: bool
    distinct: int
    low: int | float | None = None
    high: int | float | None = None
    values: tuple[str, ...] = ()
    whole_fractions: bool = False
    # Per row, the index of its value in `uniques` (-1 where missing); `uniques` are the distinct values as text,
    # whole numbers written without a fraction, so that `1042.0` and `1042` compare equal.
    codes: np.ndarray = field(default=None, repr=False, compare=False)
    uniques: np.ndarray = field(default=None, repr=False, compare=False)

    @property
    def id_like(self) -> bool:
        parts = words(self.name)
        return bool(parts) and (parts[-1] in _ID_WORDS or parts[-1].endswith("id"))


@dataclass(frozen=True)
class Export:
    """One CSV file of the export."""

    file: str
    rows: int
    columns: tuple[Column, ...]
    encoding: str = "utf-8"
    # The texts the file writes for a missing value, read as empty cells in every column; and in how many
    # number columns each was seen, the evidence a draft gives.
    missing: tuple[str, ...] = ()
    missing_seen_in: int = 0

    @property
    def stem(self) -> str:
        return Path(self.file).stem


def read_export(path: Path) -> Export:
    """Profile every column of the CSV at `path`, read as text; empty cells are missing."""
    try:
        frame, encoding = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Exports from Windows tools are often Windows-1252; the contract then declares it as a fallback.
        frame, encoding = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="windows-1252"), "windows-1252"
    missing, seen_in = _missing_texts(frame)
    if missing:
        frame = frame.mask(frame.isin(missing), "")
    columns = tuple(
        _column(str(name), position, frame.iloc[:, position]) for position, name in enumerate(frame.columns)
    )
    return Export(path.name, len(frame), columns, encoding, missing, seen_in)


def _missing_texts(frame: pd.DataFrame) -> tuple[tuple[str, ...], int]:
    """The missing-value texts standing in columns whose other values are all numbers, and how many such columns."""
    found, columns = set(), 0
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        marked = values.isin(_MISSING_TEXTS)
        if not marked.any():
            continue
        rest = values[~marked & (values != "")].unique()
        if len(rest) and _kind(np.asarray(rest, dtype=object)) != "str":
            found.update(values[marked].unique())
            columns += 1
    return tuple(sorted(found)), columns


def _column(name: str, position: int, values: pd.Series) -> Column:
    raw_codes, raw = pd.factorize(values.to_numpy(dtype=object))
    raw = np.asarray(raw, dtype=object)
    kind = _kind(raw[(raw != "") & ~np.isin(raw, _NOT_A_NUMBER)])
    missing = (raw == "") | (np.isin(raw, _NOT_A_NUMBER) if kind != "str" else False)
    present = pd.Series(raw[~missing], dtype=object)
    normal = present.str.replace(_WHOLE_NUMBER, r"\1", regex=True).to_numpy(dtype=object)
    codes, uniques = pd.factorize(normal)
    to_code = np.full(len(raw), -1, dtype=np.int64)
    to_code[~missing] = codes
    row_codes = to_code[raw_codes] if len(raw_codes) else np.empty(0, dtype=np.int64)
    pii = guess_pii(name)
    column = Column(
        name,
        position,
        kind,
        bool((row_codes < 0).any()),
        pii,
        len(uniques),
        codes=row_codes,
        uniques=np.asarray(uniques, dtype=object),
    )
    if kind != "str" and len(uniques):
        numbers = [int(v) for v in uniques] if kind == "int" else [float(v) for v in uniques]
        whole = kind == "int" and bool(present.str.contains(".", regex=False).any())
        return replace(column, low=min(numbers), high=max(numbers), whole_fractions=whole)
    rows = len(values)
    if (
        kind == "str"
        and not pii
        and 0 < len(present) <= MAX_VALUE_SET
        and rows >= max(VALUE_SET_MIN_ROWS, 3 * len(present))
    ):
        return replace(column, values=tuple(sorted(present)))
    return column


def _kind(texts: np.ndarray) -> Kind:
    if not len(texts):
        return "str"
    series = pd.Series(texts, dtype=object)
    if series.str.match(_INTEGER).all() and not series.str.match(_LEADING_ZERO).any():
        numbers = [int(t.split(".")[0]) for t in texts]
        return "int" if _INT64[0] <= min(numbers) and max(numbers) <= _INT64[1] else "str"
    if series.str.match(_DECIMAL).all() and not series.str.match(_LEADING_ZERO).any():
        return "float"
    return "str"


def words(name: str) -> list[str]:
    """The lower-case words of a column or file name: `inboundFlightID` and `inbound_flight_id` give the same."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def guess_pii(name: str) -> bool:
    """Whether a column's name suggests it holds personal data; a guess for a person to confirm."""
    parts = words(name)
    joined = "".join(parts)
    if any(part in joined for part in _PERSONAL_PARTS) or _PERSONAL_WORDS & set(parts):
        return True
    return "name" in parts and (parts == ["name"] or bool(_PERSONS & set(parts)))


def identifier(name: str, taken: set[str]) -> str:
    """A Python identifier for a column, unique in `taken` (which it joins), safe as a DataFrameModel field."""
    text = name if name.isidentifier() and name.isascii() else "_".join(words(name)) or "column"
    if text[0].isdigit():
        text = f"c_{text}"
    if keyword.iskeyword(text) or text.startswith("_") or hasattr(pa.DataFrameModel, text) or text in _USED_IN_CLASS:
        text = f"{text.strip('_')}_"
    unique, n = text, 2
    while unique in taken:
        unique, n = f"{text}_{n}", n + 1
    taken.add(unique)
    return unique


def table_name(stem: str, taken: set[str]) -> str:
    """A DynamoDB table name from a file stem: 3 to 255 characters of [A-Za-z0-9_.-], unique in `taken`."""
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_") or "table"
    if len(text) < 3:
        text = f"{text}_table"
    text, unique, n = text[:250], text[:250], 2
    while unique in taken:
        unique, n = f"{text}_{n}", n + 1
    taken.add(unique)
    return unique
