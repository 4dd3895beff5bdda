"""The sample's personal values, and a search for them in any output, for the tests that prove none leaks."""

from __future__ import annotations

import re
from functools import cache

from contracts.source import read_csv
from tests.pytest_run import ROOT

# A value as it may stand in a text: letters, digits and the marks of e-mails, phones and double names.
_WORD = re.compile(r"[\w.@+'-]+")


@cache
def personal_values() -> frozenset[str]:
    """Passport numbers, e-mails, full names, and first or last names of six letters or more, from passengers.csv."""
    passengers = read_csv(ROOT / "data" / "raw" / "passengers.csv")
    values = set(passengers["passport_number"]) | set(passengers["email"])
    values |= set(passengers["first_name"] + " " + passengers["last_name"])
    values |= {n for n in set(passengers["first_name"]) | set(passengers["last_name"]) if len(n) >= 6}
    return frozenset(values)


def leaked(text: str) -> set[str]:
    """The personal values found in `text`, as whole words (a name inside a longer word is not one)."""
    words = _WORD.findall(text)
    found = set(words) | {w.strip(".-'") for w in words}
    found |= {f"{a} {b}" for a, b in zip(words, words[1:])}
    return found & personal_values()
