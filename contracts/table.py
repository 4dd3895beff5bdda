"""What a table contract is: one declaration per table, from which everything else derives.

A `Table` binds a CSV file to a DynamoDB table. Its pandera model says which
columns exist, their types, patterns, ranges and accepted values, and which
hold personal data (`metadata={"pii": True}`). The rest of the declaration says
what pandera cannot: the key schema, the GSIs, the foreign keys, what to do with
duplicate keys, and the fixes that turn the upstream export into that shape.
Attribute types (S, N, SS, NS) are read from the model, never restated.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Literal

import pandera.pandas as pa

from contracts import dynamodb
from contracts.alarms import Alarms, alarm_name_problem, alarm_specs
from contracts.errors import ContractDeclarationError
from contracts.formats import UTC_TIMESTAMP

AttributeType = Literal["S", "N", "SS", "NS"]

# Files larger than this are refused before they are read: the frame of a file takes several times its size.
DEFAULT_MAX_BYTES = 1024**3


@dataclass(frozen=True)
class Index:
    """A global secondary index. Items without its key attributes stay out of it (sparse).

    `agent` and `question` say who queries the index and what for; `query_on`
    is the key attributes that query gives values for (the hash key unless
    declared). The live and performance suites prove each index by that query.
    """

    name: str
    hash_key: str
    range_key: str | None = None
    projection: Literal["ALL", "KEYS_ONLY"] = "ALL"
    agent: str = "any agent"
    question: str = ""
    query_on: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())

    @property
    def query_conditions(self) -> tuple[str, ...]:
        return self.query_on or (self.hash_key,)


OrphanPolicy = Literal["fail", "quarantine", "keep"]
ORPHAN_POLICIES: tuple[OrphanPolicy, ...] = ("fail", "quarantine", "keep")


@dataclass(frozen=True)
class ForeignKey:
    """`column` must name an existing row of `parent` (by its hash key unless `parent_column`).

    What to do with a row that points nowhere (an orphan), as data:
    `"fail"` blocks the table, `"quarantine"` sets the row aside with its
    reason, `"keep"` loads it and reports it as an orphan in the gate, the
    report and run.json (for exports whose parents are known to lag).
    """

    column: str
    parent: str
    parent_column: str | None = None
    on_orphan: OrphanPolicy = "fail"


# What to do with rows that share a primary key: one policy per table.
@dataclass(frozen=True)
class NoDuplicates:
    """A repeated key is an error: loading it would silently overwrite one row with another."""

    describe = "no duplicate keys allowed"


@dataclass(frozen=True)
class DropExactCopies:
    """Rows identical in every column are one item; a repeated key with other content is an error."""

    describe = "exact copies are dropped"


@dataclass(frozen=True)
class MergeIntoSet:
    """Rows that differ only in `column` become one item whose `into` is the set of those values.

    The model may declare `column`, the export's, which the merge takes away: declared a number (int or
    float), the set is a number set (NS); otherwise a string set (SS).
    """

    column: str
    into: str

    @property
    def describe(self) -> str:
        return f"rows differing only in {self.column} merge into the set {self.into}"


@dataclass(frozen=True)
class KeepLatest:
    """An event log: the row with the greatest `by` is the item; the earlier ones are merged away."""

    by: str

    @property
    def describe(self) -> str:
        return f"the row with the latest {self.by} is kept"


DuplicatePolicy = NoDuplicates | DropExactCopies | MergeIntoSet | KeepLatest


# Fixes a table declares: data, carried out by the fixers.
@dataclass(frozen=True)
class Rename:
    old: str
    new: str

    @property
    def writes(self) -> str:
        return self.new


@dataclass(frozen=True)
class Copy:
    """Fill `target` from `source` where `target` is missing."""

    source: str
    target: str

    @property
    def writes(self) -> str:
        return self.target


@dataclass(frozen=True)
class MapValues:
    """Fill `target` by looking `source` up in `mapping`; rows with an unmapped value are quarantined."""

    source: str
    target: str
    mapping: Mapping[str, str]

    @property
    def writes(self) -> str:
        return self.target


@dataclass(frozen=True)
class ParseTimestamps:
    """Rewrite values written as `source_format` in time zone `zone` as ISO 8601 UTC."""

    column: str
    source_format: str
    zone: str

    @property
    def writes(self) -> str:
        return self.column


@dataclass(frozen=True)
class DeriveKey:
    """Fill `target` with the values of `sources` joined by `separator`: a key for rows unique only on several columns.

    DynamoDB keys have at most two attributes; a row that only three or more
    columns tell apart needs one attribute that holds them all. A row missing
    any source value gets no key and is quarantined with that reason.
    """

    target: str
    sources: tuple[str, ...]
    separator: str = "#"

    @property
    def writes(self) -> str:
        return self.target


Fix = Rename | Copy | MapValues | ParseTimestamps | DeriveKey


@dataclass(frozen=True)
class Expiry:
    """Items expire `retention` after the timestamp in `from_column`: DynamoDB's Time to Live on `attribute`.

    The fixers write `attribute` into the fixed file as Unix epoch seconds (the
    only form TTL reads); the model does not declare it, the schema adds it as
    a nullable non-negative integer. A row whose `from_column` is blank gets
    no `attribute` (an empty cell, an attribute left out): it never expires,
    and the ledger counts such rows. The plan and the sync enable TTL on
    `attribute`; the live suite checks that it is enabled and that every
    item's value is the one its row gives.
    """

    attribute: str
    from_column: str
    retention: timedelta

    @property
    def writes(self) -> str:
        return self.attribute

    @property
    def describe(self) -> str:
        whole_days = self.retention % timedelta(days=1) == timedelta(0)
        retention = f"{self.retention.days} days" if whole_days else str(self.retention)
        return f"{self.attribute} = {self.from_column} + {retention}, in epoch seconds"


# What a sync does with live items that are not in the export (dlt's write dispositions, for a table):
# "mirror" deletes them, so the table equals the export; "upsert" keeps them and only adds and updates.
SyncPolicy = Literal["mirror", "upsert"]
# How a table is encrypted at rest: with a key DynamoDB owns, or with the account's AWS managed KMS key
# (aws/dynamodb), whose use CloudTrail records.
Encryption = Literal["AWS_OWNED", "AWS_MANAGED_KMS"]


@dataclass(frozen=True)
class Table:
    """The contract of one table, declared once in a contracts module (the sample's: `contracts/tables/`)."""

    name: str
    file: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    duplicates: DuplicatePolicy = field(default_factory=NoDuplicates)
    fixes: tuple[Fix, ...] = ()
    encodings: tuple[str, ...] = ("utf-8",)
    # Texts the export writes for a missing value besides an empty cell (R and many databases write NA); a cell
    # holding one exactly is read as empty, in every column.
    missing: tuple[str, ...] = ()
    sync: SyncPolicy = "mirror"
    # The circuit breaker: a sync deletes at most this share of the live items unless --allow-mass-delete,
    # so a truncated export cannot empty the table.
    max_delete_share: float = 0.10
    deletion_protection: bool = True
    point_in_time_recovery: bool = True
    encryption: Encryption = "AWS_MANAGED_KMS"
    # Items expire after a retention (DynamoDB's Time to Live); None keeps them until the export drops them.
    expiry: Expiry | None = None
    # The CloudWatch alarms of the table (contracts/alarms.py); the default fits the design's "Monitoring".
    alarms: Alarms = field(default_factory=Alarms)
    # A header-only file is an error unless the table may legitimately be empty.
    allow_empty: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    # Where the declaration stands (file:line), for messages; found when the Table is made.
    declared_at: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.declared_at:
            caller = sys._getframe(2)  # __post_init__ <- the dataclass __init__ <- the declaring module
            object.__setattr__(self, "declared_at", f"{caller.f_code.co_filename}:{caller.f_lineno}")
        problems = list(self._declaration_problems())
        if problems:
            raise ContractDeclarationError(self.name, problems, self.declared_at)

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema: the model's columns, coerced from text, keys unique."""
        schema = self.model.to_schema()
        # pandas' int64 has no missing value, so `Series[int]` with nullable=True would fail every blank cell
        # ("expected an integer"); a nullable integer column means pandas' nullable Int64.
        for name, column in schema.columns.items():
            if column.nullable and str(column.dtype) == "int64":
                schema = schema.update_column(name, dtype="Int64")
        if self.expiry is not None:
            # Derived by the fixers, never in the model: epoch seconds, absent where the source timestamp is.
            schema = schema.add_columns(
                {
                    self.expiry.attribute: pa.Column(
                        "Int64",
                        checks=pa.Check.ge(0),
                        nullable=True,
                        metadata={"format": f"Unix epoch seconds, {self.expiry.describe}"},
                    )
                }
            )
        schema.coerce = True
        schema.unique = list(self.key)
        return schema

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of the fixed file: the model's, but a merged column, which the merge takes away."""
        policy = self.duplicates
        merged_away = policy.column if isinstance(policy, MergeIntoSet) and policy.column != policy.into else None
        return tuple(c for c in self.schema.columns if c != merged_away)

    @property
    def pii(self) -> frozenset[str]:
        return frozenset(n for n, c in self.schema.columns.items() if (c.metadata or {}).get("pii"))

    @property
    def set_columns(self) -> frozenset[str]:
        if isinstance(self.duplicates, MergeIntoSet):
            return frozenset({self.duplicates.into})
        return frozenset()

    @property
    def index_keys(self) -> frozenset[str]:
        """Key attributes of the GSIs."""
        return frozenset(name for index in self.indexes for name in index.key)

    @property
    def key_columns(self) -> frozenset[str]:
        """Attributes DynamoDB requires to be present, typed and non-empty where given."""
        return frozenset(self.key) | self.index_keys

    @property
    def source_columns(self) -> frozenset[str]:
        """Every column name an export of this table may carry: the declared ones and those its fixes read."""
        names = set(self.columns)
        for fix in self.fixes:
            if isinstance(fix, DeriveKey):
                names.update(fix.sources)
            else:
                names.add(fix.old if isinstance(fix, Rename) else getattr(fix, "source", fix.writes))
        if isinstance(self.duplicates, MergeIntoSet):
            names.add(self.duplicates.column)
        return frozenset(names)

    def dtype(self, column: str) -> str:
        """The declared pandera dtype, lower case: int64, float64, str."""
        return str(self.schema.columns[column].dtype).lower()

    def attribute_type(self, column: str) -> AttributeType:
        if column in self.set_columns:
            merged = self.duplicates.column
            return "NS" if merged in self.schema.columns and self._numeric(merged) else "SS"
        return "N" if self._numeric(column) else "S"

    def _numeric(self, column: str) -> bool:
        return self.dtype(column).startswith(("int", "float", "uint"))

    def _declaration_problems(self):
        columns = set(self.model.to_schema().columns)
        for name in self.key:
            if name not in columns:
                yield f"key attribute {name!r} is not a column of the model"
        if not 1 <= len(self.key) <= 2:
            yield "a key is a hash key and at most one range key"
        if len(self.indexes) > dynamodb.MAX_GSIS_PER_TABLE:
            yield f"{len(self.indexes)} GSIs; DynamoDB allows {dynamodb.MAX_GSIS_PER_TABLE}"
        for problem in (
            dynamodb.table_name_problem(self.name),
            *(dynamodb.index_name_problem(i.name) for i in self.indexes),
        ):
            if problem:
                yield problem
        if len({i.name for i in self.indexes}) != len(self.indexes):
            yield "two GSIs share a name; DynamoDB refuses duplicate index names"
        for index in self.indexes:
            for name in index.key:
                if name not in columns:
                    yield f"GSI {index.name} key {name!r} is not a column of the model"
            if index.query_on and index.query_on != index.key[: len(index.query_on)]:
                yield f"GSI {index.name} is queried on {index.query_on}, which is not its hash key or its whole key"
        if not 0 <= self.max_delete_share <= 1:
            yield f"max_delete_share {self.max_delete_share} is not a share between 0 and 1"
        for fk in self.foreign_keys:
            if fk.column not in columns:
                yield f"foreign key column {fk.column!r} is not a column of the model"
            if fk.on_orphan not in ORPHAN_POLICIES:
                yield f"foreign key {fk.column}: on_orphan={fk.on_orphan!r}; choose one of {', '.join(ORPHAN_POLICIES)}"
        policy = self.duplicates
        if isinstance(policy, MergeIntoSet) and policy.into in self.key_columns:
            yield f"the set {policy.into!r} cannot be a key attribute; DynamoDB keys are S, N or B"
        if isinstance(policy, MergeIntoSet) and policy.into not in columns:
            yield f"merge target {policy.into!r} is not a column of the model"
        if isinstance(policy, KeepLatest) and policy.by not in columns:
            yield f"keep-latest column {policy.by!r} is not a column of the model"
        for fix in self.fixes:
            if fix.writes not in columns:
                yield f"fix {type(fix).__name__} writes {fix.writes!r}, which is not a column of the model"
            if isinstance(fix, DeriveKey) and len(fix.sources) < 2:
                yield f"DeriveKey {fix.target!r} joins {len(fix.sources)} column; it takes two or more (one column is a Rename)"
        yield from self._expiry_problems(columns)
        yield from self.alarms.problems()
        # The longest alarm name without a table prefix; the prefix is checked with the run's settings.
        longest = max(
            (s.name for s in alarm_specs(self.alarms, "", self.name, tuple(i.name for i in self.indexes))),
            key=len,
            default="",
        )
        if longest and (problem := alarm_name_problem(longest)):
            yield problem
        if self.max_bytes <= 0:
            yield f"max_bytes must be positive, not {self.max_bytes}"
        if "" in self.missing:
            yield "missing lists an empty text; an empty cell is always missing"
        if self.encodings[:1] != ("utf-8",):
            yield "encodings must start with utf-8, the encoding of the fixers' own output"

    def _expiry_problems(self, columns: set[str]):
        expiry = self.expiry
        if expiry is None:
            return
        source = self.model.to_schema().columns.get(expiry.from_column)
        if source is None:
            yield f"expiry from_column {expiry.from_column!r} is not a column of the model"
        elif (source.metadata or {}).get("format") != UTC_TIMESTAMP.described_as:
            yield (
                f"expiry from_column {expiry.from_column!r} is not a timestamp column; "
                "declare it with timestamp() (ISO 8601 UTC), or parse it with ParseTimestamps"
            )
        if expiry.attribute in columns:
            yield f"expiry attribute {expiry.attribute!r} is a column of the model; the fixers derive it, so leave it out"
        if expiry.attribute in set(self.key) | self.index_keys:
            yield f"expiry attribute {expiry.attribute!r} is a key attribute; an item's expiry cannot be its key"
        if any(fix.writes == expiry.attribute for fix in self.fixes):
            yield f"expiry attribute {expiry.attribute!r} is also written by a fix"
        limit = dynamodb.MAX_TTL_ATTRIBUTE_NAME_LENGTH
        if not 1 <= len(expiry.attribute) <= limit:
            yield f"expiry attribute name has {len(expiry.attribute)} characters; UpdateTimeToLive takes 1 to {limit}"
        if expiry.retention <= timedelta(0):
            yield f"expiry retention {expiry.retention} is not positive"


@dataclass(frozen=True)
class NotATable:
    """A CSV that sits in the export folder but is not loaded, and why."""

    file: str
    reason: str
