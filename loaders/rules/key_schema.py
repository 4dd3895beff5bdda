"""A table's key schema as the guard checks items and keys against it, learnt from DynamoDB's own answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from loaders.dynamodb.schema import key_names


@dataclass(frozen=True)
class KeySchema:
    """What a table's items must carry: the table key, the index keys, and their declared types."""

    key: tuple[str, ...]
    indexes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @cached_property
    def key_roles(self) -> tuple[tuple[str, str | None, bool], ...]:
        """(attribute, index name or None for the table key, whether it is a partition key) for every key attribute."""
        return tuple((name, None, position == 0) for position, name in enumerate(self.key)) + tuple(
            (name, index, position == 0) for index, names in self.indexes.items() for position, name in enumerate(names)
        )

    def start_key(self, index: str | None) -> tuple[str, ...]:
        """The attributes of an ExclusiveStartKey: the table key, plus the index key when reading an index."""
        return tuple(dict.fromkeys(self.key + (self.indexes.get(index, ()) if index else ())))

    @classmethod
    def from_description(cls, description: dict) -> KeySchema:
        indexes = {i["IndexName"]: key_names(i["KeySchema"]) for i in description.get("GlobalSecondaryIndexes", [])}
        types = {d["AttributeName"]: d["AttributeType"] for d in description.get("AttributeDefinitions", [])}
        return cls(key_names(description["KeySchema"]), indexes, types)
