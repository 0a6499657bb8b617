"""Reading YAML and JSON files into a tree that remembers where every value came from.

Grants and table files are small but hand-written, so mistakes must be reported with file, line
and column. PyYAML's composer gives positioned nodes without constructing Python objects (so no
tag is ever executed); we turn them into ``Node`` values ourselves, which lets us reject
duplicate keys, unknown tags and YAML 1.1 surprises (an unquoted ``no`` is a boolean, not a
permission) instead of silently accepting them.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from permtable.errors import EmptyInputError, InputError, Location
from permtable.files import DEFAULT_MAX_BYTES, read_text
from permtable.nodes import Node, ScalarKind, duplicate_key

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

# Hard bounds keep hostile files (alias bombs, absurd nesting) fast to refuse.
MAX_DEPTH = 64
MAX_NODES = 1_000_000

_SCALAR_TAGS: dict[str, ScalarKind] = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "other",
}
_MAPPING_TAG = "tag:yaml.org,2002:map"
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"


def load_document(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Node:
    """Read and parse one YAML or JSON file."""
    text = read_text(path, max_bytes)
    return parse_document(text, str(path), json_syntax=looks_like_json(str(path), text))


def looks_like_json(name: str, text: str) -> bool:
    """JSON by extension; for other names (stdin, .txt) by the first character."""
    lowered = name.lower()
    if lowered.endswith((".yaml", ".yml")):
        return False
    return lowered.endswith(".json") or text.lstrip()[:1] in ("{", "[")


def parse_document(text: str, name: str, json_syntax: bool = False) -> Node:
    """Parse text into a positioned Node tree; JSON is checked strictly before it is composed."""
    if not text.strip():
        raise EmptyInputError("file is empty", Location(name))
    if json_syntax:
        _check_json(text, name)
        from permtable.json_document import parse_json_document  # noqa: PLC0415  (JSON files only)

        return parse_json_document(text, name, MAX_DEPTH, MAX_NODES)
    import yaml  # noqa: PLC0415  (deferred: only commands that read files pay for it)

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if len(text) > _COMPOSABLE_UNCHECKED and not nests_within(text, _COMPOSABLE_UNCHECKED):
            _check_depth(yaml.parse(text, Loader=loader_class), name)
        root = yaml.compose(text, Loader=loader_class)
    except yaml.YAMLError as error:
        # libyaml (bundled in some PyYAML wheels) has a nesting limit of its own, with its own
        # message. Our limit is the contract: the error path re-reads the text with PyYAML's
        # pure-Python event parser (iterative, without such a limit), so a text nesting deeper
        # than MAX_DEPTH before the first error gets our message whichever wheel is installed.
        _check_depth_before_error(text, name, yaml)
        raise _yaml_error(error, text, name) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", Location(name)) from None
    if root is None:
        raise EmptyInputError("file is empty", Location(name))
    # Without an anchor (``&``) no node can be shared, and the converter need not track sharing.
    return _Converter(name, shared="&" in text).convert(root, 0)


def _yaml_error(error: Exception, text: str, name: str) -> InputError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return InputError(f"invalid YAML: {error}", Location(name))
    problem = getattr(error, "problem", None) or getattr(error, "context", None) or "invalid YAML"
    hint = "indent with spaces, not tabs" if _tab_at(text, mark.line) else None
    return InputError(f"invalid YAML: {problem}", Location(name, mark.line + 1, mark.column + 1), hint)


# Nesting takes at least a character a level, so a text this short cannot nest deep enough to
# overflow libyaml's composer (10,000 levels compose; 30,000 kill the interpreter): it is
# composed straight away and the converter refuses more than MAX_DEPTH levels. So is a longer
# text whose characters bound its nesting as low (``nests_within``); any other is walked first
# as events, which costs a grants file about as much as composing it.
_COMPOSABLE_UNCHECKED = 4096


def nests_within(text: str, levels: int) -> bool:
    """Whether a YAML text's characters alone show it nests no deeper than ``levels``, at C
    speed and without a copy of the text.

    A flow collection opens with ``[`` or ``{``: no more of them can be open at once than the
    text holds. Block collections nest by indentation, and cannot sit inside a flow one. Each
    nested block collection starts right of its parent's column, except a list that is a
    mapping's value, which may start at its key's column (its items then start right of it):
    so a block level takes at least one column in two, and block nesting is at most twice the
    longest line plus two. The longest line is bounded without splitting the text (a list of
    3,000,000 short lines would cost 170 MiB): a line of ``2 * block`` characters or more holds
    a whole aligned block of ``block`` characters, so if every such block holds a ``\n`` each
    line is shorter than ``2 * block``. YAML also breaks lines at ``\r`` and a few others, so
    its lines are never longer than these, and the answer is never wrongly yes.
    """
    flow = text.count("[") + text.count("{")
    block = (levels - flow) // 4  # 2 * (longest + 1) <= 4 * block <= levels - flow
    if block < 1:
        return False
    find = text.find
    return all(find("\n", start, start + block) >= 0 for start in range(0, len(text) - block + 1, block))


def _check_depth(events: Iterable[Any], name: str) -> None:
    """Refuse deep nesting from the event stream, before any recursive composer sees it.

    libyaml's composer recurses in C: a 200 kB file of nested brackets overflows the stack and
    kills the interpreter, which no ``except`` can catch. The event parser is iterative.
    """
    depth = 0
    for event in events:
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise InputError(
                    f"nesting deeper than {MAX_DEPTH} levels", Location(name, mark.line + 1, mark.column + 1)
                )
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            depth -= 1


def _check_depth_before_error(text: str, name: str, yaml: Any) -> None:
    """Raise our depth error if the text nests deeper than MAX_DEPTH before it breaks.

    Runs only when libyaml has refused the text, so valid files never pay for the slower parser.
    """
    try:
        _check_depth(yaml.parse(text, Loader=yaml.SafeLoader), name)
    except yaml.YAMLError:
        return  # broken before it got that deep: libyaml's own error is the one to report


def parse_embedded(text: str, at: Location, what: str) -> Node:
    """A JSON document that arrived as a string inside another one (IAM v5 and Organizations
    responses carry policies so): every value is located at the string itself.

    The string is usually one line of escaped JSON, so the string's own line is the most
    precise place to show; a syntax error also names its position inside the string.
    """
    try:
        value = json.loads(text, object_pairs_hook=_unique_pairs(at))
    except json.JSONDecodeError as error:
        raise InputError(
            f"{what} is not valid JSON: {error.msg} "
            f"(line {error.lineno}, column {error.colno} of the string)",
            at,
        ) from None
    except ValueError:
        raise InputError(f"{what} is not valid JSON: {number_too_long()}", at) from None
    except RecursionError:
        raise InputError(f"{what} is not valid JSON: nesting too deep to read", at) from None
    return node_from_plain(value, at.file or "<input>", at)


def number_too_long() -> str:
    """Why ``json.loads`` raised a plain ValueError: an integer longer than Python converts
    (``sys.set_int_max_str_digits``, 4,300 digits unless the environment says otherwise), in
    words for the file's author rather than Python's advice to a programmer."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
    return f"it holds an integer of more than {limit:,} digits"


def _unique_pairs(where: Location) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise InputError(f"duplicate key {key!r}", where, "each key may appear once")
            result[key] = value
        return result

    return pairs


def node_from_plain(value: Any, name: str, where: Location | None = None) -> Node:
    """Nodes for JSON values already read, every one located at ``where`` (the file ``name``
    alone unless given).

    For JSON that YAML refuses: the strict JSON reader has no positions to give.
    """
    where = where or Location(name)

    def build(value: Any, depth: int = 0) -> Node:
        if depth > MAX_DEPTH:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels", where)
        if isinstance(value, dict):
            return Node({key: build(item, depth + 1) for key, item in value.items()}, "map", where)
        if isinstance(value, list):
            return Node([build(item, depth + 1) for item in value], "seq", where)
        if isinstance(value, str):
            return Node(value, "str", where)
        if value is None:
            return Node(None, "null", where)
        if isinstance(value, bool):
            return Node(value, "bool", where)
        return Node(value, "int" if isinstance(value, int) else "float", where)

    return build(value)


def _tab_at(text: str, line_index: int) -> bool:
    lines = text.splitlines()
    return (
        line_index < len(lines)
        and "\t" in lines[line_index][: len(lines[line_index]) - len(lines[line_index].lstrip())]
    )


def _check_json(text: str, name: str) -> None:
    try:
        # Integers stay text here: the positioned reader decides what a long one is, where it
        # knows the line (Python refuses to convert one of more than 4,300 digits).
        json.loads(text, parse_int=str)
    except json.JSONDecodeError as error:
        hint = "remove the trailing comma" if _trailing_comma(text, error.pos) else None
        raise InputError(
            f"invalid JSON: {error.msg}", Location(name, error.lineno, error.colno), hint
        ) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", Location(name)) from None


def _trailing_comma(text: str, position: int) -> bool:
    """Python <= 3.12 reports the position after the comma, 3.13 the comma itself."""
    if text[position : position + 1] == ",":
        return text[position + 1 :].lstrip()[:1] in ("]", "}")
    return text[:position].rstrip().endswith(",") and text[position : position + 1] in ("]", "}")


class _Converter:
    """Turns composed YAML nodes into Nodes, enforcing our rules as it goes."""

    def __init__(self, name: str, shared: bool = True):
        self.name = name
        self.shared = shared
        self.count = 0  # values in the document as if every alias were written out
        # Aliases share composed nodes; each is converted once and its expanded size charged at
        # every use, so a "billion laughs" file is refused after a few thousand steps.
        self.memo: dict[int, tuple[Node, int, int]] = {}  # id -> (node, expanded size, height)

    def where(self, yaml_node: Any) -> Location:
        mark = yaml_node.start_mark
        return Location(self.name, mark.line + 1, mark.column + 1)

    def charge(self, size: int, yaml_node: Any) -> None:
        self.count += size
        if self.count > MAX_NODES:
            raise InputError(
                f"document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                self.where(yaml_node),
                "write the values out instead of repeating anchors",
            )

    def convert(self, yaml_node: Any, depth: int) -> Node:
        if not self.shared:
            self.charge(1, yaml_node)
            return self._convert_new(yaml_node, depth)
        key = id(yaml_node)
        if key in self.memo:
            node, size, height = self.memo[key]
            # A shared node reused deeper than its anchor nests deeper there too.
            if depth + height > MAX_DEPTH:
                raise InputError(f"nesting deeper than {MAX_DEPTH} levels", self.where(yaml_node))
            self.charge(size, yaml_node)
            return node
        start = self.count
        self.charge(1, yaml_node)
        node = self._convert_new(yaml_node, depth)
        self.memo[key] = (node, self.count - start, self._height(yaml_node))
        return node

    def _height(self, yaml_node: Any) -> int:
        if yaml_node.tag == _MAPPING_TAG:
            children = [value for _, value in yaml_node.value]
        elif yaml_node.tag == _SEQUENCE_TAG:
            children = list(yaml_node.value)
        else:
            return 0
        return 1 + max((self.memo[id(child)][2] for child in children), default=0)

    def _convert_new(self, yaml_node: Any, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels", self.where(yaml_node))
        where = self.where(yaml_node)
        tag = yaml_node.tag
        shape = type(yaml_node).__name__  # MappingNode, SequenceNode or ScalarNode
        if tag not in _SCALAR_TAGS and tag not in (_MAPPING_TAG, _SEQUENCE_TAG):
            raise InputError(
                f"tag {tag!r} is not allowed", where, "only plain YAML values are read; remove the tag"
            )
        expected = {"MappingNode": _MAPPING_TAG, "SequenceNode": _SEQUENCE_TAG}.get(shape)
        if expected is None and tag in (_MAPPING_TAG, _SEQUENCE_TAG):
            what = "a mapping" if tag == _MAPPING_TAG else "a list"
            raise InputError(f"a single value is tagged as {what}", where, "remove the tag")
        if expected is not None and tag != expected:
            # An explicit tag such as !!str on a list: the value is not what the tag says.
            what = "a mapping" if shape == "MappingNode" else "a list"
            raise InputError(f"tag {tag!r} cannot be applied to {what}", where, "remove the tag")
        if tag == _MAPPING_TAG:
            return self._mapping(yaml_node, depth, where)
        if tag == _SEQUENCE_TAG:
            return Node([self.convert(item, depth + 1) for item in yaml_node.value], "seq", where)
        if shape != "ScalarNode":
            raise InputError(f"tag {tag!r} cannot be applied to this value", where, "remove the tag")
        kind = _SCALAR_TAGS.get(tag)
        if kind is None:
            raise InputError(
                f"tag {tag!r} is not allowed",
                where,
                "only plain YAML values are read; remove the tag",
            )
        unquoted = not yaml_node.style  # libyaml reports plain style as '', PyYAML as None
        return Node(self._scalar_value(kind, yaml_node.value), kind, where, unquoted)

    @staticmethod
    def _scalar_value(kind: str, raw: str) -> Any:
        if kind == "null":
            return None
        if kind == "int":
            try:
                return int(raw.replace("_", ""), 0)
            except ValueError:
                return raw
        return raw

    def _mapping(self, yaml_node: Any, depth: int, where: Location) -> Node:
        result: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in yaml_node.value:
            key_where = self.where(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("merge keys (<<) are not supported", key_where, "write the keys out")
            if key_node.tag != "tag:yaml.org,2002:str" or type(key_node).__name__ != "ScalarNode":
                raise InputError(
                    f"mapping key {key_node.value!r} must be a string",
                    key_where,
                    "quote the key",
                )
            key = key_node.value
            if key in result:
                raise duplicate_key(key, result[key], key_where)
            keys[key] = key_where
            result[key] = self.convert(value_node, depth + 1)
        return Node(result, "map", where, False, keys)  # positional: the quicker way to build a record
