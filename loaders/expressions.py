"""Attribute names written bare in DynamoDB expressions, and which of them AWS refuses as reserved words.

moto accepts `position = :p` in a KeyConditionExpression; AWS answers
"Attribute name is a reserved keyword". An attribute name is any word of an
expression that is not a placeholder (`#name`, `:value`) and not syntax: the
functions (case-sensitive, always followed by `(`), the keywords AND, OR, NOT,
BETWEEN, IN, and in an UpdateExpression the clauses SET, REMOVE, ADD, DELETE
(keywords are case-insensitive). Each element of a document path (`a.b[0].c`)
is an attribute name.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from contracts.dynamodb import RESERVED_WORDS

EXPRESSION_PARAMETERS = (
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ConditionExpression",
    "UpdateExpression",
)
FUNCTIONS = frozenset({
    "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size",
    "if_not_exists", "list_append",
})
KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
UPDATE_CLAUSES = frozenset({"SET", "REMOVE", "ADD", "DELETE"})

_WORD = re.compile(r"[#:]?[A-Za-z_][A-Za-z0-9_]*")
# What can follow a clause keyword: the start of an operand, never an operator or a separator.
_OPERAND_START = re.compile(r"\s+[#A-Za-z_]")


def bare_names(expression: str, *, update: bool = False) -> list[str]:
    """The attribute names written without a `#` placeholder, in order."""
    names = []
    for match in _WORD.finditer(expression):
        word = match.group()
        if word[0] in "#:":
            continue
        rest = expression[match.end():]
        if word in FUNCTIONS and rest.lstrip().startswith("("):
            continue
        if word.upper() in KEYWORDS:
            continue
        if update and word.upper() in UPDATE_CLAUSES and _OPERAND_START.match(rest):
            continue
        names.append(word)
    return names


def reserved_names(expression: str, *, update: bool = False) -> list[str]:
    """The bare attribute names that are DynamoDB reserved words (case-insensitive)."""
    return [name for name in bare_names(expression, update=update) if name.upper() in RESERVED_WORDS]


# Parameters that hold items and keys: data, never expressions, and by far the bulk of a write.
DATA_PARAMETERS = frozenset({"Item", "Key", "Keys", "ExpressionAttributeValues", "ExclusiveStartKey"})


def expressions_in(params: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every expression parameter anywhere in a request, as (path, expression)."""
    if isinstance(params, dict):
        for key, value in params.items():
            if key in DATA_PARAMETERS:
                continue
            where = f"{path}.{key}" if path else key
            if key in EXPRESSION_PARAMETERS and isinstance(value, str):
                yield where, value
            else:
                yield from expressions_in(value, where)
    elif isinstance(params, list):
        for position, value in enumerate(params):
            yield from expressions_in(value, f"{path}[{position}]")
