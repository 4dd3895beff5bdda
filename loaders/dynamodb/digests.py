"""A short digest per item and per key, so that a table is compared with its export without holding either whole.

Two items get one digest exactly when DynamoDB holds them equal
(`contracts.dynamodb.comparable`: the type counts, numbers by value, sets
whatever their order). A 128-bit BLAKE2b digest makes a collision between
two different items of one table far less likely than a lost write; it holds
16 bytes where a client-format item holds kilobytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from contracts.dynamodb import comparable

Digest = bytes
DIGEST_BYTES = 16


def _canonical(value: Any) -> Any:
    # A frozenset's order differs from one set to another: sorted, its text is one per value.
    if isinstance(value, frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, tuple):
        return tuple(_canonical(v) for v in value)
    return value


def _digest(pairs: Iterable[tuple[str, Any]]) -> Digest:
    text = repr(sorted((name, _canonical(comparable(value))) for name, value in pairs))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


def item_digest(item: Mapping[str, Mapping[str, Any]]) -> Digest:
    """The digest of a whole item in client format."""
    return _digest(item.items())


def key_digest(item: Mapping[str, Mapping[str, Any]], key: tuple[str, ...]) -> Digest:
    """The digest of an item's primary key (`key` names its attributes)."""
    return _digest((name, item[name]) for name in key)
