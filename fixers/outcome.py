"""What a fixer returns, and the error it raises when it must not guess."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from contracts.errors import ContractError
from contracts.source import line_of
from contracts.violations import Violation


@dataclass(frozen=True)
class Change:
    """One kind of change a fixer made to one column, and on how many rows."""

    fixer: str
    column: str | None
    rows: int
    detail: str


@dataclass
class Outcome:
    frame: pd.DataFrame
    changes: list[Change] = field(default_factory=list)
    quarantined: pd.DataFrame | None = None  # the rows set aside, with a `reason` column
    merged: int = 0  # rows folded into another row by the declared duplicate policy


class FixerError(ContractError):
    """A fixer met data its declaration does not cover; it stops rather than guess."""

    def __init__(self, fixer: str, file: str, column: str | None, rows: list[int], problem: str, remedy: str):
        self.fixer, self.file, self.column, self.rows = fixer, file, column, rows
        self.problem, self.remedy = problem, remedy
        lines = ", ".join(str(line_of(r)) for r in rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        where = f"{file}" + (f", column {column}" if column else "") + (f", line {lines}" if rows else "")
        super().__init__(f"{fixer}: {where}: {problem}. {remedy}")

    def violation(self, table: str, rows_in_file: int) -> Violation:
        """The refusal as the gate reports a broken rule: one of the file's problems, beside the checks' own."""
        lines = tuple((line_of(r), "") for r in self.rows[:5])
        return Violation(
            table,
            self.file,
            f"{self.fixer} refused",
            self.column,
            len(self.rows) or rows_in_file,
            f"what the declared fix can resolve, found: {self.problem}",
            self.remedy,
            lines,
        )


def quarantine(frame: pd.DataFrame, mask: pd.Series, reasons: pd.Series | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split `frame` into the rows kept and the rows set aside with their reason."""
    aside = frame[mask].copy()
    aside["reason"] = reasons if isinstance(reasons, str) else reasons[mask]
    return frame[~mask], aside
