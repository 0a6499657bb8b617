"""Positioned Nodes for JSON files, read by JSON's own rules.

JSON used to go through PyYAML's composer (JSON is YAML): correct, but every value became a
composed YAML node first and then a Node, about 10 microseconds a value. IAM exports, Terraform
plans and merged policy sets are JSON and can hold hundreds of thousands of values. This reader
walks the text once, with ``json``'s C string scanner for strings, and builds the same Nodes the
YAML path built (same kinds, values, lines and columns; a test compares the two on generated
documents), several times faster.

It runs only after ``json.loads`` has accepted the text, so the only errors it reports are our
own rules: nesting depth, duplicate keys, the value budget.
"""

from __future__ import annotations

import json.decoder
import json.scanner
import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C scanner when built
from typing import Any

from permtable.errors import InputError, Location
from permtable.nodes import Node, duplicate_key

# The decoder's own compiled patterns: reading a JSON file compiles no expression of its own
# (each would cost start-up a tenth of a millisecond). JSON's whitespace, and its numbers.
_WHITESPACE: re.Pattern[str] = json.decoder.WHITESPACE  # type: ignore[attr-defined]
_NUMBER: re.Pattern[str] = json.scanner.NUMBER_RE  # type: ignore[attr-defined]
# Python's decoder also accepts NaN and Infinity; YAML read them as text, and so do we.
_NOT_NUMBERS = ("NaN", "Infinity", "-Infinity")
# YAML kept a boolean as written ("true") and null as None; so do we. (kind, value, length)
_LITERALS: dict[str, tuple[str, Any, int]] = {
    "t": ("bool", "true", 4),
    "f": ("bool", "false", 5),
    "n": ("null", None, 4),
}


def parse_json_document(text: str, name: str, max_depth: int, max_nodes: int) -> Node:
    """The Node tree of a JSON text ``json.loads`` accepted."""
    if "\r" in text:
        # Raw carriage returns can only be whitespace in valid JSON; YAML counts a lone CR or a
        # CR LF as one line break, and so do we.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = _Reader(text, name, max_depth, max_nodes)
    node, _ = reader.value(reader.skip(0), 0)
    return node


class _Reader:
    __slots__ = (
        "count",
        "line",
        "line_start",
        "max_depth",
        "max_nodes",
        "name",
        "scanned_to",
        "space",
        "text",
    )

    def __init__(self, text: str, name: str, max_depth: int, max_nodes: int):
        self.text = text
        self.name = name
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.count = 0
        # Positions only move forward, so the line is kept as a running count.
        self.line = 1
        self.line_start = 0
        self.scanned_to = 0
        # Whitespace is skipped by the pattern's bound match, called in place: a method of our
        # own around it cost a tenth of the reading time (two calls a value). It always matches
        # (the pattern accepts no whitespace at all), hence the narrower type.
        self.space: Callable[[str, int], re.Match[str]] = _WHITESPACE.match  # type: ignore[assignment]

    def skip(self, position: int) -> int:
        return self.space(self.text, position).end()

    def where(self, position: int) -> Location:
        text = self.text
        breaks = text.count("\n", self.scanned_to, position)
        if breaks:
            self.line += breaks
            self.line_start = text.rfind("\n", 0, position) + 1
        self.scanned_to = position
        return Location(self.name, self.line, position - self.line_start + 1)

    def value(self, position: int, depth: int) -> tuple[Node, int]:
        self.count += 1
        where = self.where(position)
        if self.count > self.max_nodes:
            raise InputError(f"document has more than {self.max_nodes:,} values", where)
        if depth > self.max_depth:
            raise InputError(f"nesting deeper than {self.max_depth} levels", where)
        text = self.text
        first = text[position]
        if first == '"':
            string, end = scanstring(text, position + 1, True)
            return Node(string, "str", where), end
        if first == "{":
            return self.mapping(position, depth, where)
        if first == "[":
            return self.sequence(position, depth, where)
        literal = _LITERALS.get(first)
        if literal is not None:
            kind, parsed, length = literal
            return Node(parsed, kind, where, True), position + length
        for word in _NOT_NUMBERS:
            if text.startswith(word, position):
                return Node(word, "other", where, True), position + len(word)
        match = _NUMBER.match(text, position)
        assert match is not None  # json.loads accepted the text
        raw = match.group()
        _, fraction, exponent = match.groups()
        if fraction is None and exponent is None:
            try:
                number: int | str = int(raw)
            except ValueError:
                # Longer than Python converts (4,300 digits): YAML kept such an integer as
                # written, and so do we. No permission is a number, so nothing is granted by it.
                number = raw
            return Node(number, "int", where, True), match.end()
        # What YAML 1.1 (the reader this one replaces) resolves to a float: a dot is required,
        # and an exponent needs its sign. Anything else JSON calls a number is kept as written.
        yaml_float = fraction is not None and (exponent is None or exponent[1] in "+-")
        return Node(raw, "float" if yaml_float else "other", where, True), match.end()

    def mapping(self, position: int, depth: int, where: Location) -> tuple[Node, int]:
        text, space = self.text, self.space
        result: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        position = space(text, position + 1).end()
        if text[position] == "}":
            return Node(result, "map", where, False, keys), position + 1
        while True:
            key_where = self.where(position)
            key, position = scanstring(text, position + 1, True)
            if key in result:
                raise duplicate_key(key, result[key], key_where)
            keys[key] = key_where
            position = space(text, space(text, position).end() + 1).end()  # past the colon
            result[key], position = self.value(position, depth + 1)
            position = space(text, position).end()
            if text[position] == "}":
                return Node(result, "map", where, False, keys), position + 1
            position = space(text, position + 1).end()  # past the comma

    def sequence(self, position: int, depth: int, where: Location) -> tuple[Node, int]:
        text, space = self.text, self.space
        items: list[Node] = []
        position = space(text, position + 1).end()
        if text[position] == "]":
            return Node(items, "seq", where), position + 1
        while True:
            item, position = self.value(position, depth + 1)
            items.append(item)
            position = space(text, position).end()
            if text[position] == "]":
                return Node(items, "seq", where), position + 1
            position = space(text, position + 1).end()  # past the comma
