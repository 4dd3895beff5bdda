"""The checks every table must pass before it is loaded, each returning `Violation`s.

dbt-style vocabulary: columns, schema (pandera: types, patterns, ranges,
accepted values, nullability), primary key, DynamoDB's own rules. Foreign keys
are checked by the Great Expectations suites in `contracts.expectations`.
All checks take a frame as `contracts.source` reads it: text cells, missing
values as None, the file line in the index.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from contracts import dynamodb
from contracts.keys import per_distinct
from contracts.source import line_of, parse_set
from contracts.table import NoDuplicates, Table
from contracts.violations import SHOWN_EXAMPLES, Violation, show, shown_name, shown_names

FIXERS_NOTE = "run the fixers (drop --no-fix)"
# Column names listed in one message, at most: a file of 10,000 columns must not make a megabyte of text.
SHOWN_COLUMNS = 10


def _remedy_for_table(table: Table, column: str | None = None) -> str:
    declared = [type(f).__name__ for f in table.fixes if f.writes == column]
    if declared:
        return f"{FIXERS_NOTE}: the contract declares {', '.join(declared)} for {column}"
    return f"correct the export, or declare a fix in the {table.name} contract ({table.declared_at or 'its contracts module'})"


def _violation(table: Table, check: str, column: str | None, rows: pd.Series, expected: str, remedy: str) -> Violation:
    """`rows`: the offending values, indexed by frame row."""
    pii = column in table.pii
    examples = tuple((line_of(i), show(v, pii)) for i, v in rows.head(SHOWN_EXAMPLES).items())
    return Violation(table.name, table.file, check, column, len(rows), expected, remedy, examples)


def check_encoding(table: Table, frame: pd.DataFrame) -> list[Violation]:
    """DynamoDB strings are UTF-8; an export in another declared encoding must be transcoded."""
    encoding = frame.attrs.get("encoding", "utf-8")
    if encoding == "utf-8":
        return []
    return [
        Violation(
            table.name,
            table.file,
            "encoding",
            None,
            len(frame),
            "UTF-8",
            f"the file is {encoding}; {FIXERS_NOTE}, which transcode it to UTF-8",
        )
    ]


def check_columns(table: Table, frame: pd.DataFrame) -> list[Violation]:
    """Every declared column present, nothing undeclared (it would be loaded unchecked).

    Names from the file are shown with repr(); the undeclared ones are named
    one violation each for the first few, then counted.
    """
    found = list(frame.columns)
    out = []
    # The expiry attribute is derived by the fixers, never exported: an export without it is not missing a column
    # (loaded with --no-fix, its items carry no expiry, which the live TTL check reports).
    derived = {table.expiry.attribute} if table.expiry else set()
    for column in table.columns:
        if column not in found and column not in derived:
            role = " (a key attribute)" if column in table.key_columns else ""
            out.append(
                Violation(
                    table.name,
                    table.file,
                    "missing column",
                    column,
                    len(frame),
                    f"a column {column}{role}",
                    _remedy_for_table(table, column) + f"; found columns: {shown_names(found, SHOWN_COLUMNS)}",
                )
            )
    undeclared = [c for c in found if c not in table.columns]
    for column in undeclared[:SHOWN_COLUMNS]:
        out.append(
            Violation(
                table.name,
                table.file,
                "undeclared column",
                shown_name(column),
                len(frame),
                f"only the declared columns ({', '.join(table.columns)})",
                f"declare {shown_name(column)} in the {table.name} model, or check that {table.file} is the right file for {table.name}",
            )
        )
    if len(undeclared) > SHOWN_COLUMNS:
        out.append(
            Violation(
                table.name,
                table.file,
                f"{len(undeclared) - SHOWN_COLUMNS} more undeclared columns",
                None,
                len(frame),
                "only the declared columns",
                f"check that {table.file} is the right file for {table.name}",
            )
        )
    return out


_TYPE_NAMES = {
    "int64": "an integer",
    "Int64": "an integer",
    "float64": "a number",
    "Float64": "a number",
    "str": "text",
}


def _in_words(name: str, stats: dict, described_as: str | None) -> str:
    """What a pandera check asks for, as a person says it (never `less_than_or_equal_to(250)`)."""
    low, high, value = stats.get("min_value"), stats.get("max_value"), stats.get("value")
    words = {
        "greater_than_or_equal_to": lambda: f"a value of at least {low}",
        "greater_than": lambda: f"a value above {low}",
        "less_than_or_equal_to": lambda: f"a value of at most {high}",
        "less_than": lambda: f"a value below {high}",
        "in_range": lambda: f"a value from {low} to {high}",
        "equal_to": lambda: f"the value {value!r}",
        "not_equal_to": lambda: f"any value but {value!r}",
        "isin": lambda: "one of " + ", ".join(map(str, stats.get("allowed_values", ()))),
        "notin": lambda: "none of " + ", ".join(map(str, stats.get("forbidden_values", ()))),
        "str_length": lambda: (
            f"text of {stats['exact_value']} characters"
            if stats.get("exact_value") is not None
            else f"text of {low or 0} to {high if high is not None else 'any number of'} characters"
        ),
        "str_startswith": lambda: f"text starting with {stats.get('string')!r}",
        "str_endswith": lambda: f"text ending with {stats.get('string')!r}",
        "str_matches": lambda: described_as or f"text matching the pattern {stats.get('pattern')}",
        "str_contains": lambda: described_as or f"text containing the pattern {stats.get('pattern')}",
    }
    return words[name]() if name in words else name.replace("_", " ")


def _expected(table: Table, column: str, check: str, check_number) -> str:
    """Say what a pandera check wanted, from the check object itself."""
    declared_column = table.schema.columns[column]
    if check_number is None or check_number != check_number:  # dtype coercion and nullability have no number
        if check == "not_nullable":
            return "a value in every row"
        dtype = str(declared_column.dtype)
        return _TYPE_NAMES.get(dtype, dtype)
    declared = declared_column.checks[int(check_number)]
    return _in_words(declared.name, declared.statistics or {}, (declared_column.metadata or {}).get("format"))


def check_schema(table: Table, frame: pd.DataFrame) -> list[Violation]:
    """The pandera schema on the declared columns present: types, formats, ranges, values, keys.

    Lazy validation collects every failure; key uniqueness is left to `check_primary_key`.
    """
    present = [c for c in table.columns if c in frame.columns]
    schema = table.schema.select_columns(present)
    schema.unique = None
    schema.strict = False
    try:
        schema.validate(frame[present], lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _schema_violations(table, errors.failure_cases)
    return []


def _schema_violations(table: Table, cases: pd.DataFrame) -> list[Violation]:
    cases = cases[cases["column"].isin(table.columns)]
    # A column whose values cannot be coerced also fails every check on its type: report the cause once.
    uncoercible = set(cases.loc[cases["check"].str.startswith("coerce_dtype"), "column"])
    cases = cases[~(cases["column"].isin(uncoercible) & ~cases["check"].str.startswith("coerce_dtype"))]
    out = []
    for (column, check, number), group in cases.groupby(["column", "check", "check_number"], sort=True, dropna=False):
        group = group.dropna(subset=["index"])
        values = pd.Series(list(group["failure_case"]), index=list(group["index"].astype(int)))
        remedy = _remedy_for_table(table, column)
        if check == "coerce_dtype('int64')" and values.astype(str).str.fullmatch(r"[+-]?\d+\.0*").all():
            remedy = f"{FIXERS_NOTE}: cast_integers writes whole numbers without the fraction"
        out.append(_violation(table, "schema", column, values, _expected(table, column, check, number), remedy))
    return out


def check_primary_key(table: Table, frame: pd.DataFrame) -> list[Violation]:
    """Every row has a key, and no two rows share one: BatchWriteItem would keep only the last."""
    key = [c for c in table.key if c in frame.columns]
    if len(key) < len(table.key):
        return []  # reported by check_columns
    out = check_blank_keys(table, frame)
    # A blank key is reported above as a blank key, not as a key that repeats.
    blank = (frame[key].isna() | (frame[key] == "")).any(axis=1)
    repeated = frame.duplicated(key, keep=False) & ~blank
    if repeated.any():
        policy = table.duplicates
        if isinstance(policy, NoDuplicates):
            remedy = (
                f"no policy is declared, so loading would silently overwrite rows: remove the duplicates, "
                f"or declare one in the {table.name} contract (DropExactCopies, MergeIntoSet, KeepLatest)"
            )
        else:
            remedy = f"declared policy: {policy.describe}; {FIXERS_NOTE}"
        keys = frame.loc[repeated, key].astype(str).agg("/".join, axis=1)
        out.append(_violation(table, "primary key", "/".join(key), keys, "each key once", remedy))
    return out


def check_blank_keys(table: Table, frame: pd.DataFrame) -> list[Violation]:
    """Every row has each part of its key: a blank cell is named a blank key, never a repeated one."""
    out = []
    for column in (c for c in table.key if c in frame.columns):
        missing = frame[column].isna() | (frame[column] == "")
        if missing.any():
            out.append(
                _violation(
                    table,
                    "primary key",
                    column,
                    frame.loc[missing, column].fillna(""),
                    "a key in every row, not a blank one",
                    "give every row its key, or remove rows that have none",
                )
            )
    return out


def check_dynamodb_rules(table: Table, frame: pd.DataFrame) -> list[Violation]:
    """What AWS refuses and moto accepts: bad numbers, empty key strings, items over 400 KB."""
    out = []
    for column in (c for c in table.columns if c in frame.columns):
        values = frame[column].dropna()
        kind = table.attribute_type(column)
        if column in table.key_columns:
            empty = values[values == ""]
            if len(empty):
                where = "the primary key" if column in table.key else "a GSI key"
                out.append(
                    _violation(
                        table,
                        "DynamoDB: empty string in a key",
                        column,
                        empty,
                        f"no empty strings in {where} (AWS refuses them)",
                        f"{FIXERS_NOTE}: leave_out_empty_index_keys leaves the attribute out"
                        if column not in table.key
                        else "give the row a key",
                    )
                )
                values = values[values != ""]
        if kind in ("N", "NS"):
            problem_of = dynamodb.number_problem if kind == "N" else _number_set_problem
            problems = per_distinct(values, lambda distinct, problem_of=problem_of: distinct.map(problem_of)).dropna()
            for problem, rows in problems.groupby(problems, sort=True):
                out.append(
                    _violation(
                        table,
                        "DynamoDB: number",
                        column,
                        values[rows.index],
                        f"{_NUMBERS_WANTED[kind]}, found {problem}",
                        "correct the export; NaN is left out by the fixers, anything else is not guessed",
                    )
                )
    oversized = _oversized_items(table, frame)
    if len(oversized):
        out.append(
            _violation(
                table,
                "DynamoDB: item size",
                None,
                oversized.astype(str) + " bytes",
                f"items of at most {dynamodb.MAX_ITEM_BYTES} bytes",
                "split the large attribute into another table or store it elsewhere (S3) and keep a pointer",
            )
        )
    return out


_NUMBERS_WANTED = {"N": "a number DynamoDB can store", "NS": "a set of numbers DynamoDB can store, each once"}


def _members(text: str) -> list[str] | None:
    """The members of a set cell, or None if it is not a JSON array of strings."""
    try:
        return parse_set(text)
    except ValueError:
        return None


def _number_set_problem(text: str) -> str | None:
    members = _members(text)
    return "not a JSON array of numbers' texts" if members is None else dynamodb.number_set_problem(members)


def _oversized_items(table: Table, frame: pd.DataFrame) -> pd.Series:
    """Exact item sizes over the limit; exact sizes are computed only where a cheap bound exceeds it."""
    columns = list(frame.columns)
    # A UTF-8 character is at most 4 bytes: with every column at its longest, no item of most tables comes near.
    longest = sum(
        max(map(len, filter(None, frame[column].to_numpy())), default=0) * 4 + len(column) + 2 for column in columns
    )
    if longest <= dynamodb.MAX_ITEM_BYTES:
        return pd.Series({}, dtype=object)
    bound = pd.Series(0, index=frame.index)
    for column in columns:
        bound += (frame[column].str.len() * 4 + len(column) + 2).fillna(0)
    suspects = frame[bound > dynamodb.MAX_ITEM_BYTES]
    sizes = {}
    for index, row in suspects.iterrows():
        item = {}
        for column, value in row.items():
            if value is None or column not in table.columns:
                continue
            kind = table.attribute_type(column)
            if kind == "N" and dynamodb.number_problem(value):
                continue
            if kind in ("SS", "NS"):
                value = _members(value)
                if value is None or (kind == "NS" and dynamodb.number_set_problem(value)):
                    continue  # no set AWS would take: the number check or the conversion to items names it
            item[column] = {kind: value}
        size = dynamodb.item_size(item)
        if size > dynamodb.MAX_ITEM_BYTES:
            sizes[index] = size
    return pd.Series(sizes, dtype=object)
