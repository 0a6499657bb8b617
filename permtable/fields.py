"""Reading values out of a document's ``Node`` tree with the schema's expectations: the type a
key must have, the keys a mapping may and must hold, each failure an ``InputError`` at the
value's position with a hint."""

from __future__ import annotations

import re
from collections.abc import Iterable

from permtable.errors import InputError
from permtable.nodes import Node
from permtable.textdistance import closest


def describe(node: Node) -> str:
    """How a value reads in an error message: its YAML type and its text."""
    names = {"map": "a mapping", "seq": "a list", "null": "an empty value"}
    if node.kind in names:
        return names[node.kind]
    article = "an" if node.kind[0] in "aeiou" else "a"
    return f"{article} {node.kind} ({node.value!r})"


def expect_map(node: Node, what: str) -> dict[str, Node]:
    if not node.is_map:
        raise InputError(f"{what} must be a mapping, found {describe(node)}", node.location)
    return node.value  # type: ignore[no-any-return]


# What YAML 1.2 and JSON read as numbers although YAML 1.1 (PyYAML) keeps them as text: "1e3".
# Every such text starts with a sign, a dot or a digit: others never reach the expression, which
# ``re`` compiles (and caches) on first use.
_NUMBER_LIKE = r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+"
_NUMBER_START = "+-.0123456789"


def expect_str(node: Node, what: str, allow_empty: bool = False) -> str:
    if node.kind != "str":
        hint = None
        if node.kind == "null":
            hint = 'give a value, or quote it ("~" or an empty value is null in YAML)'
        elif node.kind in ("bool", "int", "float", "other"):
            hint = f'quote it: "{node.value}"'
        raise InputError(f"{what} must be a string, found {describe(node)}", node.location, hint)
    if node.unquoted and node.value[:1] in _NUMBER_START and re.fullmatch(_NUMBER_LIKE, node.value):
        # Other YAML readers (and JSON) take this for a number; make the intent explicit.
        raise InputError(
            f"{what} must be a string, found {node.value!r}, which reads as a number in YAML 1.2",
            node.location,
            f'quote it: "{node.value}"',
        )
    text: str = node.value
    if not allow_empty and not text.strip():
        raise InputError(f"{what} must not be empty", node.location)
    return text


def expect_str_list(node: Node, what: str, allow_single: bool = False) -> list[tuple[str, Node]]:
    """A list of strings with each item's node (for positions); a lone string if allowed."""
    if allow_single and node.kind == "str":
        return [(expect_str(node, what), node)]
    if not node.is_seq:
        raise InputError(f"{what} must be a list of strings, found {describe(node)}", node.location)
    return [(expect_str(item, f"{what} item"), item) for item in node.value]


def check_keys(
    node: Node,
    what: str,
    allowed: Iterable[str],
    required: Iterable[str] = (),
) -> dict[str, Node]:
    """Reject unknown keys (with a did-you-mean) and missing required keys."""
    mapping = expect_map(node, what)
    allowed = list(allowed)
    for key, value in mapping.items():
        if key not in allowed:
            suggestions = closest(key, allowed)
            hint = f"did you mean {suggestions[0]!r}?" if suggestions else f"known keys: {', '.join(allowed)}"
            where = (node.key_locations or {}).get(key, value.location)
            raise InputError(f"unknown key {key!r} in {what}", where, hint)
    for key in required:
        if key not in mapping:
            raise InputError(f"{what} is missing the required key {key!r}", node.location)
    return mapping
