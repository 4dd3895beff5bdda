"""DynamoDB's own rules, as AWS enforces them. moto accepts much of what AWS refuses,
so the project checks these itself, on the data before loading and on every request.

Each limit names the page of the Amazon DynamoDB Developer Guide or API
Reference it comes from. Plain Python: contracts never import boto3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Context, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

# "Service, account, and table quotas in Amazon DynamoDB" (Developer Guide).
MAX_GSIS_PER_TABLE = 20
# NonKeyAttributes summed over every secondary index of a table; an attribute in two indexes counts twice.
MAX_PROJECTED_ATTRIBUTES = 100
MAX_ITEM_BYTES = 400 * 1024
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
MAX_NESTING_DEPTH = 32
MAX_EXPRESSION_BYTES = 4 * 1024
# "BatchWriteItem" (API Reference).
MAX_BATCH_WRITE_ITEMS = 25
MAX_BATCH_WRITE_BYTES = 16 * 1024 * 1024
# "Query" and "Scan" (API Reference): Limit and TotalSegments are at least 1.
MIN_LIMIT = 1
MAX_TOTAL_SEGMENTS = 1_000_000

# "Naming rules and data types" (Developer Guide).
MIN_NAME_LENGTH, MAX_NAME_LENGTH = 3, 255  # tables and indexes
NAME_CHARACTERS = "a-z, A-Z, 0-9, _ (underscore), - (dash) and . (dot)"
_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
MAX_ATTRIBUTE_NAME_BYTES = 64 * 1024 - 1
# Key attributes (of the table or an index) and attributes projected into an index.
MAX_KEY_ATTRIBUTE_NAME_BYTES = 255
# UpdateTimeToLive's TimeToLiveSpecification.AttributeName: 1 to 255 characters (API reference).
MAX_TTL_ATTRIBUTE_NAME_LENGTH = 255
KEY_ATTRIBUTE_TYPES = ("S", "N", "B")

# "Expression attribute names" and "Expression attribute values" (Developer Guide).
NAME_PLACEHOLDER = re.compile(r"#[A-Za-z0-9_]+")
VALUE_PLACEHOLDER = re.compile(r":[A-Za-z0-9_]+")

MAX_NUMBER_DIGITS = 38
# Magnitudes DynamoDB can hold: 1E-130 up to 9.999...E+125.
MIN_NUMBER_EXPONENT = -130
MAX_NUMBER_EXPONENT = 125

RESERVED_WORDS = frozenset(Path(__file__).with_name("dynamodb_reserved_words.txt").read_text(encoding="ascii").split())

# Wide enough never to round a number DynamoDB could hold, or one just too long for it.
_EXACT = Context(prec=1000)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# Digits with at most a sign and a point, 38 characters at most: at most 38 significant digits, a magnitude
# between 1E-37 and 1E+38. Most numbers of an export are such, and need no Decimal to be judged.
_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?")


@lru_cache(maxsize=65536)
def number_problem(text: str) -> str | None:
    """Why DynamoDB would refuse `text` as a number, or None if it can hold it exactly."""
    if len(text) <= MAX_NUMBER_DIGITS and _PLAIN.fullmatch(text):
        return None
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
        return f"magnitude 1E{exponent} is outside DynamoDB's 1E{MIN_NUMBER_EXPONENT} to 1E+{MAX_NUMBER_EXPONENT}"
    return None


def number_set_problem(texts: list[str]) -> str | None:
    """Why DynamoDB would refuse `texts` as the members of a number set (NS), or None.

    Each member must be a number it can hold, and none may be there twice: numbers are compared by value.
    """
    for text in texts:
        problem = number_problem(text)
        if problem:
            return f"a member: {problem}"
    if len(comparable({"NS": texts})[1]) != len(texts):
        return "a number twice (1 and 1.0 are one number)"
    return None


def significant_digits(value: Decimal) -> int:
    return len(value.normalize(_EXACT).as_tuple().digits)


@lru_cache(maxsize=65536)
def number_size(text: str) -> int:
    """Bytes AWS counts for a number: one per two significant digits, plus one."""
    return (significant_digits(Decimal(text)) + 1) // 2 + 1


def _text_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _binary(content: bytes | bytearray | str) -> bytes:
    # The low-level client also takes binary as text, and sends it as its UTF-8 bytes.
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes AWS counts for one AttributeValue (low-level client format, `{type: content}`) that DynamoDB accepts."""
    ((kind, content),) = value.items()
    if kind == "S":
        return _text_size(content)
    if kind == "N":
        return number_size(content)
    if kind == "B":
        return len(_binary(content))
    if kind == "SS":
        return sum(map(_text_size, content))
    if kind == "NS":
        return sum(map(number_size, content))
    if kind == "BS":
        return sum(len(_binary(blob)) for blob in content)
    if kind == "M":
        return 3 + item_size(content)  # maps and lists: 3 bytes of overhead, plus 1 per list element
    if kind == "L":
        return 3 + sum(1 + value_size(inner) for inner in content)
    return 1  # BOOL and NULL


def item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """Bytes AWS counts for an item (or a key) in the low-level client format: every name and value ("Item sizes and
    formats", Developer Guide)."""
    return sum(_text_size(name) + value_size(value) for name, value in item.items())


@lru_cache(maxsize=65536)
def _number_value(text: str) -> str:
    """One spelling per value: 1042, 1042.0 and 1.042E+3 all give '1042'; -0 and 0 give '0' (equal by value)."""
    value = Decimal(text)
    return "0" if value.is_zero() else format(value.normalize(_EXACT), "f")


def comparable(value: Mapping[str, Any]) -> tuple[str, Any]:
    """An AttributeValue (low-level client format) as DynamoDB compares values: equal exactly when DynamoDB holds them
    equal. The type counts (the number 7 is not the string "7"), numbers by value (1042, 1042.0 and 1.042E+3 are one),
    binary by its bytes, sets whatever their order, maps whatever the order of their names."""
    ((kind, content),) = value.items()
    if kind == "N":
        return kind, _number_value(content)
    if kind == "NS":
        return kind, frozenset(map(_number_value, content))
    if kind == "SS":
        return kind, frozenset(content)
    if kind == "B":
        return kind, _binary(content)
    if kind == "BS":
        return kind, frozenset(map(_binary, content))
    if kind == "M":
        return kind, frozenset((name, comparable(inner)) for name, inner in content.items())
    if kind == "L":
        return kind, tuple(map(comparable, content))
    return kind, content


@lru_cache(maxsize=1024)
def name_problem(kind: str, name: str) -> str | None:
    """Why DynamoDB would refuse `name` as the name of a table or an index (`kind`), or None."""
    if not MIN_NAME_LENGTH <= len(name) <= MAX_NAME_LENGTH:
        return (
            f"{kind} name {name!r} has {len(name)} characters; "
            f"DynamoDB takes {MIN_NAME_LENGTH} to {MAX_NAME_LENGTH} (Naming rules and data types)"
        )
    if not _NAME.fullmatch(name):
        bad = "".join(sorted(set(_NAME.sub("", name))))
        return (
            f"{kind} name {name!r} contains {bad!r}; DynamoDB takes only {NAME_CHARACTERS} "
            "(Naming rules and data types)"
        )
    return None


def table_name_problem(name: str) -> str | None:
    """Why DynamoDB would refuse `name` as a table name, or None."""
    return name_problem("table", name)


def index_name_problem(name: str) -> str | None:
    """Why DynamoDB would refuse `name` as an index name, or None."""
    return name_problem("index", name)


def table_prefix_problem(prefix: str, table_names: Iterable[str]) -> str | None:
    """Why a table prefix cannot be used: the first prefixed table name DynamoDB would refuse, or None."""
    for name in table_names:
        problem = table_name_problem(f"{prefix}{name}")
        if problem:
            return f"--table-prefix={prefix!r} makes an invalid {problem}"
    return None


def attribute_name_problem(name: str, *, key: bool = False) -> str | None:
    """Why DynamoDB would refuse `name` as an attribute name (`key`: of a key or projected attribute), or None."""
    if not name:
        return "an attribute name must not be empty (Naming rules and data types)"
    limit = MAX_KEY_ATTRIBUTE_NAME_BYTES if key else MAX_ATTRIBUTE_NAME_BYTES
    # A character is at most 4 bytes in UTF-8: most names need no encoding to be known short enough.
    if len(name) * 4 > limit and len(name.encode("utf-8")) > limit:
        what = "a key or projected attribute name" if key else "an attribute name"
        return f"{what} is {len(name.encode('utf-8'))} bytes; DynamoDB allows {limit} (Naming rules and data types)"
    return None
