"""A broken rule, told the way a person fixing the data needs it."""

from __future__ import annotations

from dataclasses import dataclass

MASK = "<masked>"
SHOWN_EXAMPLES = 5
# A name from a file's header is shown with repr() (a trailing space or a BOM stays visible), cut at this length.
SHOWN_NAME_CHARS = 60


@dataclass(frozen=True)
class Violation:
    """One rule broken by `count` rows of a table, with the first few of them.

    `examples` are (file line, value) pairs; values of PII columns are masked
    when the violation is made, so no message or report can show them.
    """

    table: str
    file: str
    check: str
    column: str | None
    count: int
    expected: str
    remedy: str
    examples: tuple[tuple[int | None, str], ...] = ()

    def __str__(self) -> str:
        where = self.file + (f", column {self.column}" if self.column else "")
        text = f"{self.table} ({where}): {self.check}: {self.count} row{'s' if self.count != 1 else ''}. Expected {self.expected}."
        if self.examples:
            shown = "; ".join(
                (f"line {line}: {value}" if value else f"line {line}") if line else value
                for line, value in self.examples
            )
            more = f" (+{self.count - len(self.examples)} more)" if self.count > len(self.examples) else ""
            text += f"\n    first: {shown}{more}"
        return text + f"\n    to do: {self.remedy}"


def show(value, pii: bool) -> str:
    """A value as a message may show it."""
    if pii:
        return MASK
    return repr(value) if isinstance(value, str) else str(value)


def shown_name(name: str) -> str:
    """A column name from a file, as a message may show it."""
    if len(name) > SHOWN_NAME_CHARS:
        return repr(name[:SHOWN_NAME_CHARS]) + f"... ({len(name)} characters)"
    return repr(name)


def shown_names(names, limit: int) -> str:
    """The first `limit` names and how many more: a header of 10,000 columns makes a short message."""
    names = list(names)
    text = ", ".join(shown_name(n) for n in names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def report(violations: list[Violation]) -> str:
    """All violations, one block each, for a test failure or a log."""
    return "\n".join(str(v) for v in violations)
