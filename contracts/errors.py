"""Errors named after the fault. Each carries where it is and what to do about it."""

from __future__ import annotations


class ContractError(Exception):
    """Base of every error this project raises on purpose."""


class ContractDeclarationError(ContractError):
    """A contract contradicts itself; raised when the declaration is made."""

    def __init__(self, table: str, problems: list[str], declared_at: str = ""):
        self.table, self.problems, self.declared_at = table, problems, declared_at
        lines = "\n".join(f"  - {p}" for p in problems)
        at = f" ({declared_at})" if declared_at else ""
        super().__init__(
            f"contract for {table}{at} is inconsistent:\n{lines}\n"
            f"Fix the declaration {'at ' + declared_at if declared_at else 'in its contracts module'}."
        )


class UnreadableFile(ContractError):
    """A file cannot be read as its contract declares (what it is, its size, encoding, CSV structure)."""

    def __init__(self, file: str, line: int | None, problem: str, remedy: str, column: str | None = None):
        self.file, self.line, self.column, self.problem, self.remedy = file, line, column, problem, remedy
        where = file + (f", line {line}" if line else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {problem}. {remedy}")


def failure_message(file: str, doing: str, error: Exception) -> str:
    """One line about any error met while `doing` something to `file`.

    Only this project's errors are shown with their text: the text of any
    other error may carry cell values (a KeyError names the missing key, a
    pandas error prints the frame), so only its kind is told.
    """
    if isinstance(error, ContractError):
        return str(error)
    if isinstance(error, MemoryError):
        return (
            f"{file}: not enough memory to {doing} it. Split the export, run where there is more memory, "
            "or lower the table's max_bytes so that such a file is refused before it is read."
        )
    if isinstance(error, OSError):
        return f"{file}: cannot {doing} it ({error.strerror or type(error).__name__}). Check the disk, the folder and its permissions."
    return (
        f"{file}: {type(error).__name__} while trying to {doing} it, which nothing declared explains; the table is blocked. "
        "Check the file against its contract (header, key columns), and report the case if it holds."
    )
