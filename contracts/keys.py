"""Cells of a column as DynamoDB compares their values (`contracts.dynamodb.comparable`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from contracts.dynamodb import comparable, number_problem


def _number(text) -> tuple[str, str] | None:
    if text is None or text is pd.NA or number_problem(str(text)):
        return None
    return comparable({"N": str(text)})


def comparable_cells(values: pd.Series, attribute_type: str) -> pd.Series:
    """Values ready for equality tests: a number as `dynamodb.comparable` gives it (so never equal to a string), any
    other value as written; a number DynamoDB could not hold becomes missing."""
    if attribute_type == "N":
        return values.map(_number, na_action="ignore").astype(object)
    return values.astype(object)


def per_distinct(values: pd.Series, work) -> pd.Series:
    """`work` done once per distinct value, its result put back in every row; a missing value stays None.

    `work` takes the distinct values as a Series and returns one result for
    each, in order. A column repeats a few values many times (a status, a
    parent's key), so this is what most per-value work costs.
    """
    codes, found = pd.factorize(values.to_numpy(dtype=object))
    results = work(pd.Series(found, dtype=object)).to_numpy(dtype=object)
    return pd.Series(np.append(results, None)[codes], index=values.index, dtype=object)  # a missing value's code is -1
