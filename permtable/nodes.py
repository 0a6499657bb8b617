"""The positioned value every document reader returns: one value of a file with its place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from permtable.errors import InputError, Location

ScalarKind = Literal["str", "bool", "int", "float", "null", "other"]


@dataclass(frozen=True, slots=True)
class Node:
    """One value of a document with its position; mappings hold Nodes, lists hold Nodes."""

    value: Any
    kind: str  # "map", "seq", or a ScalarKind
    location: Location
    # A scalar written without quotes: YAML may have read a number or a date into it.
    unquoted: bool = field(default=False, compare=False)
    # Where each key of a mapping is written (errors about a key point at the key itself).
    key_locations: dict[str, Location] | None = field(default=None, compare=False, hash=False)

    @property
    def is_map(self) -> bool:
        return self.kind == "map"

    @property
    def is_seq(self) -> bool:
        return self.kind == "seq"

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if self.kind == "map" else None

    def plain(self) -> Any:
        """The value as plain Python data (for Conditions we keep but never interpret)."""
        if self.kind == "map":
            return {key: node.plain() for key, node in self.value.items()}
        if self.kind == "seq":
            return [node.plain() for node in self.value]
        return self.value


def duplicate_key(key: str, first: Node, where: Location) -> InputError:
    """A mapping that names ``key`` twice: YAML and JSON readers refuse it with one message."""
    return InputError(
        f"duplicate key {key!r} (first at line {first.location.line})",
        where,
        "each key may appear once; merge the two values",
    )
