"""AttributeValues (low-level client format) checked as DynamoDB checks them, and sized as AWS counts them.

One pass over an item both validates it and counts its bytes, so the guard
costs little on the bulk path. A value is `{type: content}` with exactly one
of the types of "Naming rules and data types" (Developer Guide); sets are
not empty and hold no value twice (`1` and `1.0` are one number); numbers
follow `contracts.dynamodb.number_problem`; maps and lists nest at most
`MAX_NESTING_DEPTH` levels ("Service, account, and table quotas in Amazon
DynamoDB"). The messages are DynamoDB's own ValidationException wording.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from contracts import dynamodb
from loaders.errors import RuleBroken

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "BOOL", "NULL")
_SET_WORDS = {"SS": "string", "NS": "number", "BS": "binary"}
_BINARY = (bytes, bytearray)
MALFORMED = "malformed AttributeValue"
_MALFORMED_REMEDY = (f"Write each value as {{type: content}} with exactly one type of {', '.join(TYPES)}, "
                     "as the low-level client takes it (boto3's TypeSerializer makes them from Python values).")


def malformed(where: str, message: str) -> RuleBroken:
    return RuleBroken(MALFORMED, f"{where}: {message}", _MALFORMED_REMEDY)


@lru_cache(maxsize=65536)
def number_facts(text: str) -> tuple[str | None, int, str]:
    """(why DynamoDB refuses it or None, the bytes AWS counts, one spelling per value) of a number's text."""
    problem = dynamodb.number_problem(text)
    if problem:
        return problem, len(text), text
    return None, dynamodb.number_size(text), dynamodb.canonical_number(Decimal(text))


def _number(text: Any, where: str) -> tuple[int, str]:
    if type(text) is not str:
        raise malformed(where, f"a number is sent as its decimal text, not {type(text).__name__}")
    problem, size, canonical = number_facts(text)
    if problem:
        raise RuleBroken("number DynamoDB cannot hold", f"{where} = {text!r}: {problem}",
                         "Store it as a string, or round it to 38 significant digits in the data.")
    return size, canonical


def _binary(content: Any, where: str) -> bytes:
    if isinstance(content, _BINARY):
        return bytes(content)
    if type(content) is str:
        return content.encode("utf-8")
    raise malformed(where, f"binary content must be bytes, not {type(content).__name__}")


def _text_bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def value_bytes(value: Any, where: str, depth: int = 1) -> int:
    """The bytes AWS counts for one AttributeValue; raises `RuleBroken` at the first rule it breaks."""
    if type(value) is not dict or len(value) != 1:
        raise _shape_problem(value, where)
    for kind, content in value.items():
        if kind == "S" and type(content) is str:
            return _text_bytes(content)
        if kind == "N":
            return _number(content, where)[0]
        if kind == "B":
            return len(_binary(content, where))
        if kind in ("M", "L"):
            return _container_bytes(kind, content, where, depth)
        if kind in _SET_WORDS:
            return _set_bytes(kind, content, where)
        if kind == "BOOL" and type(content) is bool:
            return 1
        if kind == "NULL":
            if content is True:
                return 1
            raise malformed(where, "One or more parameter values were invalid: Null attribute value types must have the value of true")
        if kind not in TYPES:
            raise malformed(where, f"{kind!r} is not a DynamoDB data type; it takes exactly one of {', '.join(TYPES)}")
        raise malformed(where, f"{kind} content must not be {type(content).__name__}")
    raise AssertionError("unreachable: a dict of one entry")


def _shape_problem(value: Any, where: str) -> RuleBroken:
    if type(value) is not dict:
        return malformed(where, f"an AttributeValue is a map of one data type to its content, not {type(value).__name__}")
    if not value:
        return malformed(where, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    return malformed(where, "Supplied AttributeValue has more than one datatypes set, "
                            f"must contain exactly one of the supported datatypes (found {', '.join(map(str, value))})")


def _container_bytes(kind: str, content: Any, where: str, depth: int) -> int:
    if depth > dynamodb.MAX_NESTING_DEPTH:
        raise RuleBroken("nesting deeper than 32 levels",
                         f"{where}: Nesting Levels have exceeded supported limits (DynamoDB allows {dynamodb.MAX_NESTING_DEPTH})",
                         "Flatten the document, or store the deepest part as a JSON string.")
    # Maps and lists: 3 bytes of overhead, 1 per list element, plus names and nested values.
    size = 3
    if kind == "M":
        if type(content) is not dict:
            raise malformed(where, f"M content is a map of names to AttributeValues, not {type(content).__name__}")
        for name, inner in content.items():
            size += name_bytes(name, where) + value_bytes(inner, f"{where}.{name}", depth + 1)
        return size
    if type(content) is not list:
        raise malformed(where, f"L content is a list of AttributeValues, not {type(content).__name__}")
    for position, inner in enumerate(content):
        size += 1 + value_bytes(inner, f"{where}[{position}]", depth + 1)
    return size


def _set_bytes(kind: str, content: Any, where: str) -> int:
    if type(content) is not list:
        raise malformed(where, f"{kind} content is a list, not {type(content).__name__}")
    if not content:
        raise malformed(where, f"One or more parameter values were invalid: An {_SET_WORDS[kind]} set may not be empty")
    if kind == "SS":
        for text in content:
            if type(text) is not str:
                raise malformed(where, f"SS holds strings, not {type(text).__name__}")
        distinct, size = set(content), sum(_text_bytes(text) for text in content)
    elif kind == "NS":
        facts = [_number(text, where) for text in content]
        distinct, size = {canonical for _, canonical in facts}, sum(bytes_ for bytes_, _ in facts)
    else:
        blobs = [_binary(blob, where) for blob in content]
        distinct, size = set(blobs), sum(len(blob) for blob in blobs)
    if len(distinct) != len(content):
        raise RuleBroken("set with a value twice",
                         f"{where}: One or more parameter values were invalid: Input collection {content!r} of type {kind} "
                         "contains duplicates" + (" (numbers are compared by value: 1 and 1.0 are one)" if kind == "NS" else ""),
                         "Send each value of a set once.")
    return size


# A character is at most 4 bytes in UTF-8: a name of this many characters cannot be over the limit.
_SHORT_NAME = dynamodb.MAX_ATTRIBUTE_NAME_BYTES // 4


def name_bytes(name: Any, where: str) -> int:
    """The bytes of an attribute name; refuses an empty or over-long one ("Naming rules and data types")."""
    if type(name) is not str:
        raise malformed(where, f"an attribute name is a string, not {type(name).__name__}")
    problem = dynamodb.attribute_name_problem(name)
    if problem:
        raise RuleBroken("attribute name", f"{where}: {problem}", "Name the attribute with 1 to 65,535 bytes of UTF-8.")
    return _text_bytes(name)


def item_bytes(item: Any, where: str) -> int:
    """The bytes AWS counts for an item (or a key), validating every name and value on the way."""
    if type(item) is not dict:
        raise malformed(where, f"an item is a map of attribute names to AttributeValues, not {type(item).__name__}")
    size = 0
    # Every item of the bulk load passes here: names, strings and numbers are checked inline.
    for name, value in item.items():
        if type(name) is str and name and len(name) <= _SHORT_NAME:
            size += len(name) if name.isascii() else len(name.encode("utf-8"))
        else:
            size += name_bytes(name, where)
        if type(value) is dict and len(value) == 1:
            content = value.get("S")
            if type(content) is str:
                size += len(content) if content.isascii() else len(content.encode("utf-8"))
                continue
            content = value.get("N")
            if type(content) is str:
                facts = number_facts(content)
                if facts[0] is None:
                    size += facts[1]
                    continue
        size += value_bytes(value, f"{where}.{name}")
    return size


def key_part(value: dict) -> tuple[str, Any]:
    """A validated key value as (type, content) that compares as DynamoDB compares keys: 1 and 1.0 are one number."""
    (kind, content), = value.items()
    if kind == "N":
        return kind, number_facts(content)[2]
    if kind == "B":
        return kind, _binary(content, "")
    return kind, content


def key_bytes(kind: str, content: Any) -> int:
    """Bytes of a key value as the key size limits count them (numbers are never over them)."""
    if kind == "S":
        return _text_bytes(content)
    if kind == "B":
        return len(content)
    return 0
