"""Value formats any contract may use, each with the words a message shows instead of its regular expression.

A `Format` is a pattern and how a person names it; `Format.field(...)` is a
pandera field that requires it and carries the name in the column's metadata,
so a violation reads "expected an e-mail address", not a regex. A contracts
module declares its own formats the same way (the sample's airline ones are in
`contracts/tables/formats.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

PII = {"pii": True}


def _field(metadata: dict | None = None, **kwargs):
    return pa.Field(metadata=metadata or None, **kwargs)


@dataclass(frozen=True)
class Format:
    """A regular expression and how a message names it ("an e-mail address")."""

    pattern: str
    described_as: str

    def field(self, **kwargs):
        metadata = {**(kwargs.pop("metadata", None) or {}), "format": self.described_as}
        return _field(metadata, str_matches=self.pattern, **kwargs)


UTC_TIMESTAMP = Format(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$",
    "ISO 8601 UTC like 2026-03-14T06:35:00Z",
)
DATE = Format(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "a date like 2026-03-14")
COUNTRY = Format(r"^[A-Z]{2}$", "an ISO 3166 country code like AE")
EMAIL = Format(r"^[^@\s]+@[^@\s]+\.[a-z]+$", "an e-mail address")


def ident(prefix: str, digits: int, **kwargs):
    """A field holding identifiers like `BK0000001`."""
    return Format(rf"^{prefix}\d{{{digits}}}$", f"an identifier like {prefix}{'1'.zfill(digits)}").field(**kwargs)


def one_of(*values: str, **kwargs):
    return pa.Field(isin=list(values), **kwargs)


def timestamp(**kwargs):
    """ISO 8601 in UTC, `2026-03-14T06:35:00Z`: strings that sort in time order."""
    return UTC_TIMESTAMP.field(**kwargs)


def date(**kwargs):
    return DATE.field(**kwargs)


def personal(fmt: Format | None = None, **kwargs):
    """Personal data: masked in every message, log and report; `fmt` is the format it must have, if any."""
    metadata = {**(kwargs.pop("metadata", None) or {}), **PII}
    return fmt.field(metadata=metadata, **kwargs) if fmt else _field(metadata, **kwargs)
