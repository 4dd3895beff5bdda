"""Errors named after the fault. Each carries where it is and what to do about it."""
from __future__ import annotations


class ContractError(Exception):
    """Base of every error this project raises on purpose."""


class ContractDeclarationError(ContractError):
    """A contract contradicts itself; raised when the declaration is made."""

    def __init__(self, table: str, problems: list[str]):
        self.table = table
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"contract for {table} is inconsistent:\n{lines}\nFix the declaration in contracts/tables/.")


class UnreadableFile(ContractError):
    """A file cannot be read as its contract declares (encoding, CSV structure)."""

    def __init__(self, file: str, line: int | None, problem: str, remedy: str):
        self.file, self.line, self.problem, self.remedy = file, line, problem, remedy
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {problem}. {remedy}")
