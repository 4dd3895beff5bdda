"""Values as DynamoDB compares them: numbers by value (1042 equals 1042.0), strings as written."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from contracts.dynamodb import number_problem


def _number(text) -> Decimal | None:
    if text is None or text is pd.NA or number_problem(str(text)):
        return None
    return Decimal(str(text))


def comparable(values: pd.Series, attribute_type: str) -> pd.Series:
    """Values ready for equality tests; numbers that DynamoDB could not hold become missing."""
    if attribute_type == "N":
        return values.map(_number, na_action="ignore").astype(object)
    return values.astype(object)
