"""Reading YAML and JSON files into a tree that remembers where every value came from.

Grants and table files are small but hand-written, so mistakes must be reported with file, line
and column. PyYAML's composer gives positioned nodes without constructing Python objects (so no
tag is ever executed); we turn them into ``Node`` values ourselves, which lets us reject
duplicate keys, unknown tags and YAML 1.1 surprises (an unquoted ``no`` is a boolean, not a
permission) instead of silently accepting them.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from permtable.errors import InputError, Location
from permtable.textdistance import closest

if TYPE_CHECKING:
    from pathlib import Path

# Hard bounds keep hostile files (alias bombs, absurd nesting, huge files) fast to refuse.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000

ScalarKind = Literal["str", "bool", "int", "float", "null", "other"]

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


def describe(node: Node) -> str:
    """How a value reads in an error message: its YAML type and its text."""
    names = {"map": "a mapping", "seq": "a list", "null": "an empty value"}
    if node.kind in names:
        return names[node.kind]
    article = "an" if node.kind[0] in "aeiou" else "a"
    return f"{article} {node.kind} ({node.value!r})"


# --------------------------------------------------------------------------- reading files


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, label: str | None = None) -> str:
    """A file's text as UTF-8 (a BOM is accepted); every failure is an InputError naming the file."""
    name = label or str(path)
    with open_binary(path, name) as handle:
        data = read_bytes(handle, max_bytes + 1, name)
    return decode(data, name, max_bytes)


# Every file this process has opened as an input, by identity (device, inode): the command
# line refuses to write a report over one of them (``--apis x -o x`` would destroy the list).
_INPUTS_READ: set[tuple[int, int]] = set()


def inputs_read() -> frozenset[tuple[int, int]]:
    """(device, inode) of every file read through ``open_binary`` so far in this process."""
    return frozenset(_INPUTS_READ)


def open_binary(path: str | Path, name: str) -> BinaryIO:
    """Open a file to read bytes; every failure is an InputError naming the file as ``name``."""
    # os.path rather than pathlib, which costs a start-up its import; "" is read as pathlib
    # reads it: the current directory.
    target = os.fspath(path) or "."
    try:
        if os.path.isdir(target):
            raise InputError("is a directory, not a file", Location(name))
        handle = open(target, "rb")
        status = os.fstat(handle.fileno())
        _INPUTS_READ.add((status.st_dev, status.st_ino))
        return handle
    except (OSError, ValueError, UnicodeError) as error:
        raise _read_error(error, name) from None


def standard_input() -> BinaryIO:
    """Standard input as bytes; closed (``<&-``) is an InputError, not a crash."""
    stream = sys.stdin
    if stream is None or getattr(stream, "closed", False):
        raise InputError(
            "standard input is closed",
            Location("<stdin>"),
            "pipe the input in (... | bsscheck ... -), or give a file name instead of -",
        )
    return stream.buffer


def read_bytes(handle: BinaryIO, size: int, name: str) -> bytes:
    """Up to ``size`` bytes (fewer only at the end); a failure is an InputError naming the file."""
    try:
        return handle.read(size)
    except (OSError, ValueError, UnicodeError) as error:
        raise _read_error(error, name) from None


def _read_error(error: Exception, name: str) -> InputError:
    where = Location(name)
    if isinstance(error, FileNotFoundError):
        return InputError("no such file", where)
    if isinstance(error, (ValueError, UnicodeError)):
        # A NUL byte or a lone surrogate in the name: no file can have it.
        return InputError("not a valid file name", where)
    if isinstance(error, PermissionError):
        return InputError("permission denied: cannot read the file", where)
    assert isinstance(error, OSError)
    return InputError(f"cannot read the file: {error.strerror or error}", where)


def _pure_parts(path: str) -> tuple[str, list[str]]:
    """A POSIX path as pathlib parses it: its root ("", "/" or "//") and its parts, without
    empty and "." parts (".." is kept: it may cross a symbolic link)."""
    root = ""
    if path.startswith("/"):
        stripped = path.lstrip("/")
        root = "//" if len(path) - len(stripped) == 2 else "/"
        path = stripped
    return root, [part for part in path.split("/") if part and part != "."]


def beside(file: str, relative: str) -> str:
    """``str(pathlib.Path(file).parent / relative)``: a path written relative to a file's folder.

    The messages name files exactly as pathlib would; pathlib itself is not imported, because
    its import costs a start-up more than the rest of a one-API check does.
    """
    if os.name != "posix":
        from pathlib import Path  # noqa: PLC0415

        return str(Path(file).parent / relative)
    root, parts = _pure_parts(relative)
    if not root:
        root, folder = _pure_parts(file)
        parts = folder[:-1] + parts
    return root + "/".join(parts) or "."


def file_stem(path: str) -> str:
    """``pathlib.Path(path).stem``, without importing pathlib (see ``beside``)."""
    if os.name != "posix":
        from pathlib import Path  # noqa: PLC0415

        return Path(path).stem
    parts = _pure_parts(path)[1]
    name = parts[-1] if parts else ""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def decode(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    where = Location(name)
    if len(data) > max_bytes:
        raise InputError(
            f"file is larger than the {max_bytes:,}-byte limit",
            where,
            "split it, or raise the limit with --max-file-size",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16; only UTF-8 is read", where, "save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        if _looks_utf16(data):
            raise InputError(
                "file looks like UTF-16 (without a BOM); only UTF-8 is read", where, "save it as UTF-8"
            )
        raise InputError("file contains NUL bytes: it looks binary, not text", where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
            Location(name, line),
            "save the file as UTF-8",
        ) from None


# Streaming (``iter_text_blocks``): how much is read at a time, and the longest line accepted,
# so that memory stays bounded whatever the file's size.
STREAM_BLOCK_BYTES = 1024 * 1024
MAX_STREAM_LINE_BYTES = 1024 * 1024


def iter_text_blocks(handle: BinaryIO, name: str) -> Iterator[str]:
    """A file's UTF-8 text in blocks of whole lines, for files too large to hold (API logs).

    The checks are ``decode``'s, with the same messages and lines (a BOM is accepted, UTF-16,
    NUL bytes and invalid UTF-8 are refused), made block by block: an error late in a file is
    found when its block is read. No size limit applies; a line longer than
    MAX_STREAM_LINE_BYTES is refused instead. Every block but the last ends with a line break,
    and no block splits a ``\r\n`` or a character.
    """
    carry = b""
    head = b""  # the file's first bytes, to tell UTF-16 from a binary file
    newlines = 0  # b"\n" before the current block: decode's line numbers count them
    started = False
    while True:
        block = read_bytes(handle, STREAM_BLOCK_BYTES, name)
        data = carry + block if carry else block
        if not started:
            if block and len(data) < 4:
                carry = data  # a pipe may give fewer bytes than a BOM needs
                continue
            started = True
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise InputError("file is UTF-16; only UTF-8 is read", Location(name), "save it as UTF-8")
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            head = data[:4096]
        if not block:
            if data:
                yield _decode_block(data, name, head, newlines)
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            cut = data.rfind(b"\r", 0, len(data) - 1)  # a final \r may be half of a \r\n
        if cut < 0:
            if len(data) > MAX_STREAM_LINE_BYTES:
                raise InputError(
                    f"line longer than {MAX_STREAM_LINE_BYTES:,} bytes", Location(name, newlines + 1)
                )
            carry = data
            continue
        part, carry = data[: cut + 1], data[cut + 1 :]
        yield _decode_block(part, name, head, newlines)
        newlines += part.count(b"\n")


def _decode_block(data: bytes, name: str, head: bytes, newlines: int) -> str:
    if b"\x00" in data:
        if _looks_utf16(head):
            raise InputError(
                "file looks like UTF-16 (without a BOM); only UTF-8 is read",
                Location(name),
                "save it as UTF-8",
            )
        raise InputError("file contains NUL bytes: it looks binary, not text", Location(name))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = newlines + data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
            Location(name, line),
            "save the file as UTF-8",
        ) from None


_SURROGATE_PAIR = r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"


def _astral_escape(match: re.Match[str]) -> str:
    high, low = int(match[2], 16), int(match[3], 16)
    code_point = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    return f"{match[1]}\\U{code_point:08X}"


def _looks_utf16(data: bytes) -> bool:
    """Mostly-ASCII UTF-16 text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    odd, even = sample[1::2], sample[0::2]
    return max(odd.count(0) / len(odd), even.count(0) / max(len(even), 1)) > 0.9


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
        raise InputError("file is empty", Location(name))
    if json_syntax:
        _check_json(text, name)
        # JSON strings cannot hold raw tabs, so tabs are only whitespace: spaces keep the
        # columns and let the YAML composer (which refuses tab indentation) read the file.
        text = text.replace("\t", " ")
        # YAML reads \ud83d\ude00 as two lone surrogates and fails; its \U escape is the same
        # character, so the file keeps its line numbers.
        if "\\u" in text:  # no escape, nothing to rewrite (and no expression to compile)
            text = re.sub(_SURROGATE_PAIR, _astral_escape, text)
    import yaml  # noqa: PLC0415  (deferred: only commands that read files pay for it)

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if len(text) > _COMPOSABLE_UNCHECKED:
            _check_depth(yaml.parse(text, Loader=loader_class), name)
        root = yaml.compose(text, Loader=loader_class)
    except yaml.YAMLError as error:
        # libyaml (bundled in some PyYAML wheels) has a nesting limit of its own, with its own
        # message. Our limit is the contract: the error path re-reads the text with PyYAML's
        # pure-Python event parser (iterative, without such a limit), so a text nesting deeper
        # than MAX_DEPTH before the first error gets our message whichever wheel is installed.
        _check_depth_before_error(text, name, yaml)
        if json_syntax:
            # Valid JSON that YAML refuses (surrogate-pair escapes, keys over 1024 characters):
            # read it with json alone, at the cost of line numbers inside it.
            return _from_json(text, name)
        raise _yaml_error(error, text, name) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", Location(name)) from None
    if root is None:
        raise InputError("file is empty", Location(name))
    return _Converter(name, json_syntax).convert(root, 0)


def _yaml_error(error: Exception, text: str, name: str) -> InputError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return InputError(f"invalid YAML: {error}", Location(name))
    problem = getattr(error, "problem", None) or getattr(error, "context", None) or "invalid YAML"
    hint = "indent with spaces, not tabs" if _tab_at(text, mark.line) else None
    return InputError(f"invalid YAML: {problem}", Location(name, mark.line + 1, mark.column + 1), hint)


# Nesting takes at least a character a level, so a text this short cannot nest deep enough to
# overflow libyaml's composer (10,000 levels compose; 30,000 kill the interpreter): it is
# composed straight away and the converter refuses more than MAX_DEPTH levels. Longer texts
# are walked first as events, which costs a grants file about as much as composing it.
_COMPOSABLE_UNCHECKED = 4096


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


def _from_json(text: str, name: str) -> Node:
    where = Location(name)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise InputError(f"duplicate key {key!r}", where, "each key may appear once")
            result[key] = value
        return result

    try:
        return node_from_plain(json.loads(text, object_pairs_hook=pairs), name)
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", where) from None


def node_from_plain(value: Any, name: str) -> Node:
    """Nodes for JSON values already read, every one located at the file ``name`` alone.

    For JSON that YAML refuses: the strict JSON reader has no positions to give.
    """
    where = Location(name)

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
        json.loads(text)
    except json.JSONDecodeError as error:
        hint = "remove the trailing comma" if _trailing_comma(text, error.pos) else None
        raise InputError(
            f"invalid JSON: {error.msg}", Location(name, error.lineno, error.colno), hint
        ) from None
    except ValueError as error:
        # Python refuses integers of more than 4300 digits; no grants file needs one.
        raise InputError(f"invalid JSON: {error}", Location(name)) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", Location(name)) from None


def _trailing_comma(text: str, position: int) -> bool:
    """Python <= 3.12 reports the position after the comma, 3.13 the comma itself."""
    if text[position : position + 1] == ",":
        return text[position + 1 :].lstrip()[:1] in ("]", "}")
    return text[:position].rstrip().endswith(",") and text[position : position + 1] in ("]", "}")


class _Converter:
    """Turns composed YAML nodes into Nodes, enforcing our rules as it goes."""

    def __init__(self, name: str, json_syntax: bool):
        self.name = name
        self.json_syntax = json_syntax
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
        if self.json_syntax and kind == "str" and unquoted:
            # In JSON an unquoted value is never a string (YAML 1.1 reads 1e5 as text).
            kind = "other"
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
                first = result[key].location
                raise InputError(
                    f"duplicate key {key!r} (first at line {first.line})",
                    key_where,
                    "each key may appear once; merge the two values",
                )
            keys[key] = key_where
            result[key] = self.convert(value_node, depth + 1)
        return Node(result, "map", where, False, keys)  # positional: the quicker way to build a record


# --------------------------------------------------------------------------- schema helpers


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


def iter_items(node: Node) -> Iterator[Node]:
    yield from node.value
