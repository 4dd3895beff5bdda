"""The registry: the tables of one export, read once from a contracts module and handed down as a value.

A contracts module is any Python module or file that ends with
`TABLES = (Table(...), ...)` and, optionally, `NOT_TABLES = (NotATable(...), ...)`
for the files that sit in the export but are not loaded. The sample's is
`contracts.tables`; a user names theirs with `--contracts` (ini `contracts`).
Nothing below the plugin imports a contracts module: it is given a `Registry`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from contracts.errors import ContractDeclarationError, ContractError
from contracts.table import ForeignKey, NotATable, Table

_PROJECT = str(Path(__file__).resolve().parent.parent) + "/"
# The sample's airline contracts: the default when no --contracts is given.
SAMPLE = "contracts.tables"


class ContractsNotFound(ContractError):
    """The named contracts module cannot be found, or cannot be imported as written."""


def parent_key(fk: ForeignKey, parent: Table) -> str:
    """The parent column a foreign key points at: its hash key unless declared."""
    return fk.parent_column or parent.key[0]


@dataclass(frozen=True)
class Registry:
    """Every table of an export in load order (parents first), and the files that are not tables."""

    tables: tuple[Table, ...]
    not_tables: tuple[NotATable, ...] = ()
    source: str = ""  # the module or file the declarations came from, for messages

    @classmethod
    def of(cls, tables, not_tables=(), source: str = "") -> Registry:
        """The registry of these declarations, checked as a whole and put in load order."""
        tables, not_tables = tuple(tables), tuple(not_tables)
        _check(tables, not_tables, source)
        return cls(_load_order(tables, source), not_tables, source)

    @cached_property
    def by_name(self) -> dict[str, Table]:
        return {t.name: t for t in self.tables}

    @cached_property
    def by_file(self) -> dict[str, Table]:
        return {t.file: t for t in self.tables}

    @cached_property
    def not_tables_by_file(self) -> dict[str, NotATable]:
        return {n.file: n for n in self.not_tables}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def parent(self, fk: ForeignKey) -> Table:
        return self.by_name[fk.parent]

    def only(self, names) -> tuple[Table, ...]:
        """The tables named, in load order."""
        wanted = set(names)
        return tuple(t for t in self.tables if t.name in wanted)


def _check(tables: tuple[Table, ...], not_tables: tuple[NotATable, ...], source: str) -> None:
    where = source or "the registry"
    wrong = [f"{type(t).__name__} {t!r:.60} in TABLES is not a Table" for t in tables if not isinstance(t, Table)]
    wrong += [
        f"{type(n).__name__} {n!r:.60} in NOT_TABLES is not a NotATable"
        for n in not_tables
        if not isinstance(n, NotATable)
    ]
    if not tables:
        wrong.append("TABLES declares no table")
    if wrong:
        raise ContractDeclarationError(where, wrong)
    by_name = {t.name: t for t in tables}
    problems = []
    for kind, values in (
        ("table name", [t.name for t in tables]),
        ("file", [t.file for t in tables] + [n.file for n in not_tables]),
    ):
        seen = set()
        for value in values:
            if value in seen:
                problems.append(f"{kind} {value!r} is declared twice")
            seen.add(value)
    for table in tables:
        for fk in table.foreign_keys:
            parent = by_name.get(fk.parent)
            at = f" ({table.declared_at})" if table.declared_at else ""
            if parent is None:
                problems.append(f"{table.name}.{fk.column}{at} points at {fk.parent!r}, which is not a declared table")
            elif parent_key(fk, parent) not in parent.columns:
                problems.append(
                    f"{table.name}.{fk.column}{at} points at {fk.parent}.{fk.parent_column}, which is not a column"
                )
    if problems:
        raise ContractDeclarationError(where, problems)


def _load_order(tables: tuple[Table, ...], source: str) -> tuple[Table, ...]:
    by_name = {t.name: t for t in tables}
    graph = {t.name: {fk.parent for fk in t.foreign_keys if fk.parent != t.name} for t in tables}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise ContractDeclarationError(
            source or "the registry", [f"foreign keys form a cycle: {error.args[1]}"]
        ) from None
    return tuple(by_name[name] for name in order)


def is_path(spec: str) -> bool:
    """A contracts setting names a file (`my_contracts.py`, `dir/x.py`) or a dotted module (`contracts.tables`)."""
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def load_registry(spec: str, base: Path) -> Registry:
    """The registry declared by module or file `spec`; a relative file is taken from `base` (the ini file's folder).

    Whatever goes wrong is a `ContractError` of one paragraph naming the file,
    the line where it can be told, and the remedy: never a traceback.
    """
    module = _import_file(spec, base) if is_path(spec) else _import_module(spec, base)
    where = module.__file__ if is_path(spec) else spec
    if not hasattr(module, "TABLES"):
        raise ContractsNotFound(
            f"{where} declares no TABLES: end it with TABLES = (Table(...), ...) "
            "listing every table of the export (see `dynamodb-contracts draft`)"
        )
    return Registry.of(module.TABLES, getattr(module, "NOT_TABLES", ()), source=str(where))


def _import_file(spec: str, base: Path):
    path = (base / spec).resolve()
    if not path.is_file():
        raise ContractsNotFound(
            f"contracts {spec!r}: no file {path}; give the path of your contracts module "
            "(relative to the ini file's folder) or a dotted module name"
        )
    # A name of our own: a user's file called contracts.py must not replace this package in sys.modules.
    name = "_declared_contracts_" + hashlib.blake2b(str(path).encode(), digest_size=6).hexdigest()
    loader_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[name] = module
    try:
        loader_spec.loader.exec_module(module)
    except BaseException as error:
        del sys.modules[name]
        raise _unimportable(str(path), error) from None
    return module


def _import_module(spec: str, base: Path):
    added = str(base) not in sys.path
    if added:
        sys.path.insert(0, str(base))
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as error:
        if error.name and spec.startswith(error.name):
            raise ContractsNotFound(
                f"contracts {spec!r}: no such module on the path or in {base}; give a dotted module "
                "name that Python can import, or the path of a .py file"
            ) from None
        raise _unimportable(spec, error) from None
    except Exception as error:
        raise _unimportable(spec, error) from None
    finally:
        if added:
            sys.path.remove(str(base))


def _unimportable(where: str, error: BaseException) -> ContractError:
    if isinstance(error, ContractError):
        return error
    if isinstance(error, KeyboardInterrupt):
        raise error
    if isinstance(error, SyntaxError):
        return ContractsNotFound(f"{error.filename}:{error.lineno}: {error.msg}: the contracts module does not parse")
    # The innermost frame of the user's code (not a library's, not this project's) is the declaration that failed.
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if "site-packages" not in f.filename and not f.filename.startswith(_PROJECT)
    ]
    at = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else where
    return ContractsNotFound(
        f"{at}: {type(error).__name__}: {error} (importing the contracts {where}); fix the declaration there"
    )
