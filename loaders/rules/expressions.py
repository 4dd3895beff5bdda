"""Attribute names written bare in DynamoDB expressions, and which of them AWS refuses as reserved words.

moto accepts `position = :p` in a KeyConditionExpression; AWS answers
"Attribute name is a reserved keyword". An attribute name is any word of an
expression that is not a placeholder (`#name`, `:value`) and not syntax: the
functions (case-sensitive, always followed by `(`), the keywords AND, OR, NOT,
BETWEEN, IN (keywords are case-insensitive). Each element of a document path
(`a.b[0].c`) is an attribute name. Only the expressions of the requests the
tool sends are read: Query's and Scan's.
"""

from __future__ import annotations

import re

from contracts.dynamodb import MAX_EXPRESSION_BYTES, NAME_PLACEHOLDER, RESERVED_WORDS, VALUE_PLACEHOLDER
from loaders.errors import RuleBroken
from loaders.rules.attribute_values import check_value

EXPRESSION_PARAMETERS = (
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
FUNCTIONS = frozenset(
    {
        "attribute_exists",
        "attribute_not_exists",
        "attribute_type",
        "begins_with",
        "contains",
        "size",
    }
)
KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})

_WORD = re.compile(r"[#:]?[A-Za-z_][A-Za-z0-9_]*")


def bare_names(expression: str) -> list[str]:
    """The attribute names written without a `#` placeholder, in order."""
    names = []
    for match in _WORD.finditer(expression):
        word = match.group()
        if word[0] in "#:":
            continue
        rest = expression[match.end() :]
        if word in FUNCTIONS and rest.lstrip().startswith("("):
            continue
        if word.upper() in KEYWORDS:
            continue
        names.append(word)
    return names


def reserved_names(expression: str) -> list[str]:
    """The bare attribute names that are DynamoDB reserved words (case-insensitive)."""
    return [name for name in bare_names(expression) if name.upper() in RESERVED_WORDS]


# Parameters of the legacy API, which AWS refuses beside expressions in one request.
LEGACY_PARAMETERS = (
    "AttributesToGet",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "Expected",
    "AttributeUpdates",
    "ConditionalOperator",
)
_REMEDY_NAMES = "Define every #name the expressions use in ExpressionAttributeNames, and no other."
_REMEDY_VALUES = "Define every :value the expressions use in ExpressionAttributeValues, and no other."


def check_expressions(scope: dict, where: str = "") -> None:
    """Refuse (`RuleBroken`) what AWS refuses in the expressions of one Query or Scan.

    "Expression attribute names", "Expression attribute values" and
    "Reserved words in DynamoDB" (Developer Guide): every `#name` and
    `:value` an expression uses is defined, every one defined is used, no
    reserved word is written bare, no expression is empty or over 4 KB.
    """
    at = f"{where}." if where else ""
    expressions = [(name, scope[name]) for name in EXPRESSION_PARAMETERS if scope.get(name) is not None]
    names, values = scope.get("ExpressionAttributeNames"), scope.get("ExpressionAttributeValues")
    if not expressions and names is None and values is None:
        return
    legacy = [name for name in LEGACY_PARAMETERS if scope.get(name) is not None]
    if expressions and legacy:
        raise RuleBroken(
            "expressions mixed with legacy parameters",
            f"{where or 'the request'}: Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} "
            f"Expression parameters: {{{', '.join(name for name, _ in expressions)}}}",
            f"Write {', '.join(legacy)} as expressions.",
        )
    used_names, used_values = set(), set()
    for parameter, expression in expressions:
        used = _check_expression(f"{at}{parameter}", parameter, expression, names or {}, values or {})
        used_names |= used[0]
        used_values |= used[1]
    _check_placeholders(
        f"{at}ExpressionAttributeNames", names, used_names, NAME_PLACEHOLDER, _REMEDY_NAMES, bool(expressions)
    )
    value_expressions = [name for name, _ in expressions if name != "ProjectionExpression"]
    _check_placeholders(
        f"{at}ExpressionAttributeValues",
        values,
        used_values,
        VALUE_PLACEHOLDER,
        _REMEDY_VALUES,
        bool(value_expressions),
    )
    for placeholder, name in (names or {}).items():
        if type(name) is not str or not name:
            raise RuleBroken(
                "undefined or unused placeholder",
                f"{at}ExpressionAttributeNames: ExpressionAttributeNames contains invalid value: "
                f"Empty attribute name for key {placeholder}",
                _REMEDY_NAMES,
            )
    for placeholder, value in (values or {}).items():
        check_value(value, f"{at}ExpressionAttributeValues[{placeholder}]")


def _check_expression(where: str, parameter: str, expression: object, names: dict, values: dict) -> tuple[set, set]:
    if type(expression) is not str or not expression.strip():
        raise RuleBroken(
            "empty expression",
            f"{where}: Invalid {parameter}: The expression can not be empty;",
            f"Leave {parameter} out, or write a condition in it.",
        )
    if len(expression.encode("utf-8")) > MAX_EXPRESSION_BYTES:
        raise RuleBroken(
            f"expression over {MAX_EXPRESSION_BYTES // 1024} KB",
            f"{where} is {len(expression.encode('utf-8'))} bytes; DynamoDB allows {MAX_EXPRESSION_BYTES}",
            "Split the request, or shorten the names with #placeholders.",
        )
    words = reserved_names(expression)
    if words:
        raise RuleBroken(
            "reserved word in an expression",
            f"{where} {expression!r} uses {', '.join(words)} bare: Invalid {parameter}: "
            f"Attribute name is a reserved keyword; reserved keyword: {words[0]}",
            "Write #name in the expression and pass ExpressionAttributeNames={'#name': '...'}.",
        )
    used_names = set(NAME_PLACEHOLDER.findall(expression))
    used_values = set(VALUE_PLACEHOLDER.findall(expression))
    for name in sorted(used_names):
        if name not in names:
            raise RuleBroken(
                "undefined or unused placeholder",
                f"{where}: Invalid {parameter}: An expression attribute name used in the document path "
                f"is not defined; attribute name: {name}",
                _REMEDY_NAMES,
            )
    for value in sorted(used_values):
        if value not in values:
            raise RuleBroken(
                "undefined or unused placeholder",
                f"{where}: Invalid {parameter}: An expression attribute value used in expression "
                f"is not defined; attribute value: {value}",
                _REMEDY_VALUES,
            )
    return used_names, used_values


def _check_placeholders(
    where: str, defined: dict | None, used: set, pattern, remedy: str, has_expressions: bool
) -> None:
    if defined is None:
        return
    parameter = where.rsplit(".", 1)[-1]
    if type(defined) is not dict or not defined:
        raise RuleBroken("undefined or unused placeholder", f"{where}: {parameter} must not be empty", remedy)
    if not has_expressions:
        raise RuleBroken(
            "undefined or unused placeholder",
            f"{where}: {parameter} can only be specified when using expressions",
            remedy,
        )
    for placeholder in defined:
        if type(placeholder) is not str or not pattern.fullmatch(placeholder):
            raise RuleBroken(
                "undefined or unused placeholder",
                f"{where}: {parameter} contains invalid key: Syntax error; key: {placeholder!r}",
                remedy,
            )
    unused = sorted(set(defined) - used)
    if unused:
        raise RuleBroken(
            "undefined or unused placeholder",
            f"{where}: Value provided in {parameter} unused in expressions: keys: {{{', '.join(unused)}}}",
            remedy,
        )
