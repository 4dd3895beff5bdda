"""The smallest set of columns that tells an export's rows apart: the key a draft declares."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import prod

import numpy as np
import pandas as pd

from contracts.draft._profile import Column, Export

MAX_KEY_COLUMNS = 4
# Candidate sets are pruned on samples of these sizes (a set that repeats in a sample repeats in the file);
# only the survivors are checked on every row. Sets of three and four columns are tried among the best-ranked
# columns only, which keeps a wide file's search to a few hundred sets.
SAMPLES = (5_000, 50_000)
PAIR_COLUMNS = 24
WIDE_COLUMNS = 12
SEPARATOR = "#"


@dataclass(frozen=True)
class Key:
    """What the search found: the columns, whether they are unique, and what repeats."""

    columns: tuple[str, ...]
    rows: int
    unique: bool
    # Rows identical in every column to an earlier row: one item each, dropped by DropExactCopies.
    exact_copies: int = 0
    # Rows left whose key values repeat an earlier row's though other columns differ.
    repeats: int = 0
    # Whether some sets of three or four columns were not tried: more columns than WIDE_COLUMNS could be keys.
    partial: bool = False

    @property
    def derived(self) -> bool:
        """DynamoDB keys have at most two attributes: three or more columns are joined into one."""
        return len(self.columns) > 2


def rank(column: Column) -> tuple:
    """How good a key column is: an identifier first, then not personal, not a decimal, early in the file."""
    return (not column.id_like, column.pii, column.kind == "float", column.position)


def find_key(export: Export, seed: int = 0) -> Key:
    """The first set, in rank order, of the fewest non-null columns unique on the rows left once exact copies go."""
    kept = _first_of_each(export.columns, export.rows)
    rows = int(kept.sum())
    copies = export.rows - rows
    candidates = sorted(
        (c for c in export.columns if c.distinct and not c.nullable and (c.distinct > 1 or rows <= 1)), key=rank
    )
    if not rows or not candidates:
        placeholder = (candidates or sorted(export.columns, key=rank))[:1]
        return Key(tuple(c.name for c in placeholder), export.rows, unique=False, exact_copies=copies)
    codes = {c.name: c.codes[kept] for c in candidates}
    rng = np.random.default_rng(seed)
    samples = [np.sort(rng.choice(rows, size, replace=False)) for size in SAMPLES if size < rows]
    best = (0, ())
    for size in range(1, MAX_KEY_COLUMNS + 1):
        pool = candidates[: PAIR_COLUMNS if size <= 2 else WIDE_COLUMNS]
        for combo in combinations(pool, size):
            # Too few value combinations to be unique; pairs are still measured, as the best candidate if none is.
            if size > 2 and prod(c.distinct for c in combo) < rows:
                continue
            arrays = [codes[c.name] for c in combo]
            first = samples[0] if samples else slice(None)
            found = _distinct([a[first] for a in arrays])
            if found > best[0]:
                best = (found, combo)
            if found < len(arrays[0][first]) or any(_distinct([a[s] for a in arrays]) < len(s) for s in samples[1:]):
                continue
            if _unique(combo, arrays, rows):
                return Key(_ordered(combo), export.rows, unique=True, exact_copies=copies)
    combo = best[1] or candidates[:1]
    repeats = rows - _distinct([codes[c.name] for c in combo])
    return Key(
        _ordered(combo),
        export.rows,
        unique=False,
        exact_copies=copies,
        repeats=repeats,
        partial=len(candidates) > WIDE_COLUMNS,
    )


def _ordered(combo: tuple[Column, ...]) -> tuple[str, ...]:
    # Of two columns, the hash key is an identifier with the more distinct values: few values would crowd the
    # items into few partitions. A derived key joins its columns in file order, the order a person reads them in.
    if len(combo) == 2:
        chosen = sorted(combo, key=lambda c: (not c.id_like, -c.distinct, c.position))
    else:
        chosen = sorted(combo, key=lambda c: c.position)
    return tuple(c.name for c in chosen)


def _unique(combo: tuple[Column, ...], arrays: list[np.ndarray], rows: int) -> bool:
    if _distinct(arrays) != rows:
        return False
    if len(combo) <= 2 or not any(any(SEPARATOR in v for v in c.uniques) for c in combo):
        return True
    # A value holding the separator could make two different rows join into the same key.
    joined = pd.Series(combo[0].uniques[arrays[0]], dtype=object)
    for column, array in zip(combo[1:], arrays[1:]):
        joined = joined + SEPARATOR + column.uniques[array]
    return joined.is_unique


def _distinct(arrays: list[np.ndarray]) -> int:
    """How many distinct rows the columns' codes make together."""
    combined = _combined(arrays)
    return int(combined.max()) + 1 if len(combined) else 0


def _combined(arrays: list[np.ndarray]) -> np.ndarray:
    """One code per row, equal where the rows are equal in every array (codes of -1 for missing included)."""
    combined = pd.factorize(arrays[0])[0]
    for array in arrays[1:]:
        # Codes are below the row count after each factorize, so the product never overflows.
        combined = pd.factorize(combined.astype(np.int64) * (int(array.max()) + 2) + (array + 1))[0]
    return combined


def _first_of_each(columns: tuple[Column, ...], rows: int) -> np.ndarray:
    """Which rows are not exact copies of an earlier row."""
    if not columns or not rows:
        return np.ones(rows, dtype=bool)
    return ~pd.Series(_combined([c.codes for c in columns])).duplicated().to_numpy()
