"""AttributeValues (low-level client format) checked as DynamoDB checks them.

A value is `{type: content}` with exactly one of the types of "Naming rules
and data types" (Developer Guide); sets are not empty and hold no value twice
(`1` and `1.0` are one number); numbers follow
`contracts.dynamodb.number_problem`; maps and lists nest at most
`MAX_NESTING_DEPTH` levels ("Service, account, and table quotas in Amazon
DynamoDB"). The messages are DynamoDB's own ValidationException wording.
What a valid item weighs is `contracts.dynamodb.item_size`.
"""

from __future__ import annotations

from typing import Any

from contracts import dynamodb
from loaders.errors import RuleBroken

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "BOOL", "NULL")
_SET_WORDS = {"SS": "string", "NS": "number", "BS": "binary"}
_BINARY = (bytes, bytearray)
MALFORMED = "malformed AttributeValue"
_MALFORMED_REMEDY = (
    f"Write each value as {{type: content}} with exactly one type of {', '.join(TYPES)}, "
    "as the low-level client takes it (boto3's TypeSerializer makes them from Python values)."
)


def malformed(where: str, message: str) -> RuleBroken:
    return RuleBroken(MALFORMED, f"{where}: {message}", _MALFORMED_REMEDY)


def _number(text: Any, where: str) -> None:
    if type(text) is not str:
        raise malformed(where, f"a number is sent as its decimal text, not {type(text).__name__}")
    problem = dynamodb.number_problem(text)
    if problem:
        raise RuleBroken(
            "number DynamoDB cannot hold",
            f"{where} = {text!r}: {problem}",
            f"Store it as a string, or round it to {dynamodb.MAX_NUMBER_DIGITS} significant digits in the data.",
        )


def _binary(content: Any, where: str) -> None:
    if not isinstance(content, _BINARY) and type(content) is not str:
        raise malformed(where, f"binary content must be bytes, not {type(content).__name__}")


def check_value(value: Any, where: str, depth: int = 1) -> None:
    """Raise `RuleBroken` at the first rule one AttributeValue breaks."""
    if type(value) is not dict or len(value) != 1:
        raise _shape_problem(value, where)
    ((kind, content),) = value.items()
    if kind == "S" and type(content) is str or kind == "BOOL" and type(content) is bool:
        return
    if kind == "N":
        _number(content, where)
    elif kind == "B":
        _binary(content, where)
    elif kind in ("M", "L"):
        _check_container(kind, content, where, depth)
    elif kind in _SET_WORDS:
        _check_set(kind, content, where)
    elif kind == "NULL":
        if content is not True:
            raise malformed(
                where,
                "One or more parameter values were invalid: Null attribute value types must have the value of true",
            )
    elif kind not in TYPES:
        raise malformed(where, f"{kind!r} is not a DynamoDB data type; it takes exactly one of {', '.join(TYPES)}")
    else:
        raise malformed(where, f"{kind} content must not be {type(content).__name__}")


def _shape_problem(value: Any, where: str) -> RuleBroken:
    if type(value) is not dict:
        return malformed(
            where, f"an AttributeValue is a map of one data type to its content, not {type(value).__name__}"
        )
    if not value:
        return malformed(where, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    return malformed(
        where,
        "Supplied AttributeValue has more than one datatypes set, "
        f"must contain exactly one of the supported datatypes (found {', '.join(map(str, value))})",
    )


def _check_container(kind: str, content: Any, where: str, depth: int) -> None:
    if depth > dynamodb.MAX_NESTING_DEPTH:
        raise RuleBroken(
            f"nesting deeper than {dynamodb.MAX_NESTING_DEPTH} levels",
            f"{where}: Nesting Levels have exceeded supported limits (DynamoDB allows {dynamodb.MAX_NESTING_DEPTH})",
            "Flatten the document, or store the deepest part as a JSON string.",
        )
    if kind == "M":
        if type(content) is not dict:
            raise malformed(where, f"M content is a map of names to AttributeValues, not {type(content).__name__}")
        for name, inner in content.items():
            check_name(name, where)
            check_value(inner, f"{where}.{name}", depth + 1)
        return
    if type(content) is not list:
        raise malformed(where, f"L content is a list of AttributeValues, not {type(content).__name__}")
    for position, inner in enumerate(content):
        check_value(inner, f"{where}[{position}]", depth + 1)


def _check_set(kind: str, content: Any, where: str) -> None:
    if type(content) is not list:
        raise malformed(where, f"{kind} content is a list, not {type(content).__name__}")
    if not content:
        raise malformed(where, f"One or more parameter values were invalid: An {_SET_WORDS[kind]} set may not be empty")
    if kind == "SS":
        for text in content:
            if type(text) is not str:
                raise malformed(where, f"SS holds strings, not {type(text).__name__}")
    elif kind == "NS":
        for text in content:
            _number(text, where)
    else:
        for blob in content:
            _binary(blob, where)
    if len(dynamodb.comparable({kind: content})[1]) != len(content):
        raise RuleBroken(
            "set with a value twice",
            f"{where}: One or more parameter values were invalid: Input collection {content!r} of type {kind} "
            "contains duplicates" + (" (numbers are compared by value: 1 and 1.0 are one)" if kind == "NS" else ""),
            "Send each value of a set once.",
        )


# A character is at most 4 bytes in UTF-8: a name of this many characters cannot be over the limit.
_SHORT_NAME = dynamodb.MAX_ATTRIBUTE_NAME_BYTES // 4


def check_name(name: Any, where: str) -> None:
    """Refuse an attribute name that is not a string, empty or over-long ("Naming rules and data types")."""
    if type(name) is str and name and len(name) <= _SHORT_NAME:
        return
    if type(name) is not str:
        raise malformed(where, f"an attribute name is a string, not {type(name).__name__}")
    problem = dynamodb.attribute_name_problem(name)
    if problem:
        raise RuleBroken(
            "attribute name",
            f"{where}: {problem}",
            f"Name the attribute with 1 to {dynamodb.MAX_ATTRIBUTE_NAME_BYTES:,} bytes of UTF-8.",
        )


def check_attributes(item: Any, where: str) -> None:
    """Raise `RuleBroken` at the first name or value of an item (or a key) that DynamoDB would refuse."""
    if type(item) is not dict:
        raise malformed(where, f"an item is a map of attribute names to AttributeValues, not {type(item).__name__}")
    # Every item of the bulk load passes here: strings and numbers are checked inline.
    for name, value in item.items():
        check_name(name, where)
        if type(value) is dict and len(value) == 1:
            content = value.get("S")
            if type(content) is str:
                continue
            content = value.get("N")
            if type(content) is str and dynamodb.number_problem(content) is None:
                continue
        check_value(value, f"{where}.{name}")
