"""DynamoDB's own rules, as AWS enforces them. moto accepts much of what AWS refuses,
so the project checks these itself, on the data before loading and on every request.

Plain Python: contracts never import boto3.
"""
from __future__ import annotations

import re
from decimal import Context, Decimal
from functools import lru_cache
from pathlib import Path

MAX_GSIS_PER_TABLE = 20
MAX_ITEM_BYTES = 400 * 1024
MAX_BATCH_WRITE_ITEMS = 25
MAX_BATCH_WRITE_BYTES = 16 * 1024 * 1024
MAX_NUMBER_DIGITS = 38
# Magnitudes DynamoDB can hold: 1E-130 up to 9.999...E+125.
MIN_NUMBER_EXPONENT = -130
MAX_NUMBER_EXPONENT = 125

RESERVED_WORDS = frozenset(
    Path(__file__).with_name("dynamodb_reserved_words.txt").read_text(encoding="ascii").split()
)

# Wide enough never to round a number DynamoDB could hold, or one just too long for it.
_EXACT = Context(prec=1000)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@lru_cache(maxsize=65536)
def number_problem(text: str) -> str | None:
    """Why DynamoDB would refuse `text` as a number, or None if it can hold it exactly."""
    if not _NUMBER.match(text):
        return "not a finite decimal number"
    value = Decimal(text)
    if value.is_zero():
        return None
    digits = significant_digits(value)
    if digits > MAX_NUMBER_DIGITS:
        return f"{digits} significant digits; DynamoDB keeps {MAX_NUMBER_DIGITS}"
    exponent = value.adjusted()
    if not MIN_NUMBER_EXPONENT <= exponent <= MAX_NUMBER_EXPONENT:
        return f"magnitude 1E{exponent} is outside DynamoDB's 1E-130 to 1E+125"
    return None


def significant_digits(value: Decimal) -> int:
    return len(value.normalize(_EXACT).as_tuple().digits)


def canonical_number(value: Decimal) -> str:
    """One spelling per value: 1042, 1042.0 and 1.042E+3 all give '1042'."""
    return format(value.normalize(_EXACT), "f")


def number_size(text: str) -> int:
    """Bytes AWS counts for a number: one per two significant digits, plus one."""
    return (significant_digits(Decimal(text)) + 1) // 2 + 1


def item_size(item: dict[str, tuple[str, object]]) -> int:
    """Bytes AWS counts for an item given as {name: (type, text-or-strings)}."""
    size = 0
    for name, (kind, value) in item.items():
        size += len(name.encode("utf-8"))
        if kind == "N":
            size += number_size(value)
        elif kind == "SS":
            size += sum(len(v.encode("utf-8")) for v in value)
        else:
            size += len(str(value).encode("utf-8"))
    return size


# Table names: 3 to 255 characters of a-z, A-Z, 0-9, _ - . ("Naming rules and data types", DynamoDB Developer Guide).
TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


def table_name_problem(name: str) -> str | None:
    """Why DynamoDB would refuse `name` as a table name, or None."""
    if TABLE_NAME.match(name):
        return None
    return f"table names are 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.' (got {len(name)} characters: {name!r})"
