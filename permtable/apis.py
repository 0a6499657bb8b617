"""Naming an API: the one parser every input goes through.

Users paste APIs in many shapes: ``GET /v2/x``, ``get/v2/x``, a full URL with host and query
string, a template with ``{order_id}`` or a concrete id. All of them become one ``ApiRef``. A
line that is not an API is an input error, never something silently skipped: a skipped line
would read as "nothing to check", which is a silent "allowed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from permtable.errors import InputError, Location
from permtable.files import (
    DEFAULT_MAX_BYTES,
    decode,
    iter_text_blocks,
    open_binary,
    read_bytes,
    standard_input,
)

if TYPE_CHECKING:
    from permtable.scan.model import CallSite

METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})

# Documented BSS endpoints; any other host is accepted but reported, since a BSS table cannot
# say anything about another service's APIs.
BSS_HOSTS = {
    "bss.myhuaweicloud.com": "China",
    "bss-intl.myhuaweicloud.com": "International",
    "bss.myhuaweicloud.eu": "Europe",
}

MAX_LINE_LENGTH = 8192

# Compiled here: every run parses an API. The others are compiled by ``re`` on first use (and
# cached there), so a run that never needs them never builds them.
_API_PATTERN = re.compile(r"(?P<method>[A-Za-z]+)(?P<space>\s*)(?P<target>(?:https?://|/)\S*)(?P<rest>.*)")
# Control characters are never printable, so printable text (nearly all) skips these two.
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f]"
_LINE_BREAK = r"\r\n|\r|\n"
_ANY_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
# A bare identifier: the shape of an SDK operation name (list_customer_orders, PayOrdersRequest).
IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"


@dataclass(frozen=True, slots=True)
class ApiRef:
    """An API as the user named it, normalised: upper-case method, path without host or query."""

    method: str
    path: str
    segments: tuple[str, ...]
    text: str  # what the user wrote, for reports
    host: str | None = None
    location: Location | None = None
    operation: str | None = None  # the SDK operation the user named, when they named one
    # Where the code calls it, when the API came from a scan (--from-source); the first is
    # ``location``.
    sites: tuple[CallSite, ...] = ()
    # Other segmentations a server may route the same request line to (``path_readings``);
    # the API is decided by the worst row any reading reaches.
    readings: tuple[tuple[str, ...], ...] = ()

    @property
    def api(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def holes(self) -> tuple[int, ...]:
        """Positions of ``{placeholder}`` segments: values the caller did not say."""
        return tuple(position for position, segment in enumerate(self.segments) if is_placeholder(segment))


def is_placeholder(segment: str) -> bool:
    return len(segment) > 2 and segment.startswith("{") and segment.endswith("}")


def split_path(path: str) -> tuple[str, ...]:
    return tuple(segment for segment in path.split("/") if segment)


def remove_dot_segments(segments: Iterable[str]) -> tuple[str, ...]:
    """RFC 3986 §5.2.4 over decoded segments: ``.`` goes, ``..`` takes the segment before it.

    urllib3, curl and OkHttp do this before a request leaves the client, and gateways do it
    again after decoding ``%2E``, so ``.../autorenew/../../customer-orders/pay`` is judged as
    the ``.../customer-orders/pay`` it reaches. A ``..`` at the root stays at the root.
    """
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    return tuple(kept)


def path_segments(raw_path: str) -> tuple[str, ...]:
    """A path as sent on the wire -> its decoded segments, as the server routes them.

    The path is split at literal ``/`` first and each segment decoded after, so ``%2F`` stays
    inside its segment (``details/CS%2F123`` is one ``{order_id}``); percent-encoded dots are
    dots, and dot segments are removed after decoding.
    """
    if "%" not in raw_path:
        return remove_dot_segments(split_path(raw_path))
    return remove_dot_segments(_unquoted(segment) for segment in split_path(raw_path))


_ENCODED_SEPARATOR = r"%2[fF]|%5[cC]"


def path_readings(raw_path: str, segments: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Other segmentations of ``raw_path`` (whose usual one is ``segments``) that a server may
    route, each with its dot segments removed after the change:

    - a backslash read as a slash (WHATWG URL parsers, so browsers, Node and OkHttp, send it so);
    - ``%2F`` and ``%5C`` decoded before the path is split (nginx and other gateways decode the
      whole path, then route and resolve ``..``);
    - ``;parameters`` cut from each segment (servlet containers do);
    - compatibility characters folded (NFKC: a fullwidth solidus is a slash to some servers).

    Each reading that differs from ``segments`` is returned; with all of them at once too. A
    path free of backslashes, ``%``, ``;`` and non-ASCII text (nearly all) has none, and costs nothing.
    """
    backslash = "\\" in raw_path
    encoded = "%" in raw_path and re.search(_ENCODED_SEPARATOR, raw_path) is not None
    parameters = ";" in raw_path
    unicode = not all(segment.isascii() for segment in segments)
    if not (backslash or encoded or parameters or unicode):
        return ()
    readings: dict[tuple[str, ...], None] = {}

    def read(text: str, decode_first: bool, cut: bool, fold: bool) -> None:
        # In the order a server applies them: decode, fold, then split (at either slash) and
        # cut parameters; a folding server is taken to decode the whole path first.
        decoded = decode_first or fold
        if decoded:
            text = _unquoted(text)
        if fold:
            import unicodedata  # noqa: PLC0415

            text = unicodedata.normalize("NFKC", text)
        text = text.replace("\\", "/")
        if cut:
            text = "/".join(segment.split(";", 1)[0] for segment in text.split("/"))
        reading = remove_dot_segments(split_path(text)) if decoded else path_segments(text)
        if reading and reading != segments:
            readings.setdefault(reading)

    if backslash:
        read(raw_path, False, False, False)
    if encoded:
        read(raw_path, True, False, False)
    if parameters:
        read(raw_path, False, True, False)
    if unicode:
        read(raw_path, False, False, True)
    read(raw_path, True, parameters, unicode)  # every change at once
    return tuple(readings)


def _unquoted(text: str) -> str:
    from urllib.parse import unquote  # noqa: PLC0415  (a start-up need not pay for it)

    return unquote(text)


def join_segments(segments: Iterable[str]) -> str:
    """The path of decoded segments, as it goes on the wire: a ``/`` inside a segment is
    written ``%2F`` again, and a ``%`` that would start an escape ``%25``, so ``path_segments``
    reads it back (a lone ``%`` stays as written: it decodes to itself)."""
    return "/" + "/".join(_escape_segment(segment) for segment in segments)


def _escape_segment(segment: str) -> str:
    if "%" in segment:
        segment = re.sub(r"%(?=[0-9A-Fa-f]{2})", "%25", segment)
    return segment.replace("/", "%2F")


def parse_api(text: str, location: Location | None = None) -> ApiRef:
    """Parse one API name; raise InputError (with a hint) for anything that is not one."""
    where = location or Location("<argument>")
    stripped = text.strip()
    if len(stripped) > MAX_LINE_LENGTH:
        raise InputError(f"API name is longer than {MAX_LINE_LENGTH} characters", where)
    if not stripped.isprintable() and re.search(_CONTROL, stripped):
        raise InputError("API name contains control characters", where)
    if not stripped:
        raise InputError(
            "empty API name", where, 'write it as "METHOD /path", e.g. "GET /v2/orders/customer-orders"'
        )
    match = _API_PATTERN.fullmatch(stripped)
    if match is None and re.fullmatch(IDENTIFIER, stripped) and stripped.upper() not in METHODS:
        return _operation_ref(stripped, where)
    if match is None:
        words = stripped.split()
        if len(words) == 1 and words[0].upper() in METHODS:
            raise InputError(f"{stripped!r} has no path", where, 'write it as "METHOD /path"')
        if stripped.startswith(("/", "http://", "https://")):
            raise InputError(
                f"{stripped!r} has no HTTP method", where, 'write it as "METHOD /path", e.g. "GET /v2/..."'
            )
        raise InputError(
            f"{_shorten(stripped)!r} is not an API",
            where,
            'write it as "METHOD /path", e.g. "GET /v2/orders/customer-orders"',
        )
    method = match["method"].upper()
    if method not in METHODS:
        raise InputError(
            f"unknown HTTP method {match['method']!r}",
            where,
            f"use one of {', '.join(sorted(METHODS))}",
        )
    if match["rest"].strip():
        raise InputError(
            f"unexpected text after the path: {_shorten(match['rest'].strip())!r}",
            where,
            "one API per line; put comments on their own line after #",
        )
    target = match["target"]
    if target.startswith("/") and not match["space"] and target.startswith("//"):
        raise InputError(f"{stripped!r} is not an API", where, 'write it as "METHOD /path"')
    host = None
    if target.startswith(("http://", "https://")):
        from urllib.parse import urlsplit  # noqa: PLC0415  (a start-up need not pay for it)

        if not match["space"]:
            raise InputError(f"{_shorten(stripped)!r} needs a space between the method and the URL", where)
        try:
            parts = urlsplit(target)
            host = (parts.hostname or "").lower() or None
        except ValueError as error:
            raise InputError(f"malformed URL {_shorten(target)!r}: {error}", where) from None
        if host is None:
            raise InputError(f"URL {_shorten(target)!r} has no host", where)
        raw_path = parts.path or "/"
    else:
        raw_path = target.split("?", 1)[0].split("#", 1)[0]
    segments = path_segments(raw_path)
    if not segments:
        raise InputError(
            f"{_shorten(stripped)!r} has an empty path"
            + (" once its dot segments are removed" if split_path(raw_path) else ""),
            where,
            'write it as "METHOD /path"',
        )
    readings = path_readings(raw_path, segments)
    for reading in (segments, *readings):
        decoded = "/".join(reading)
        if not decoded.isprintable() and re.search(_ANY_CONTROL, decoded):
            # Checked again after decoding: %0A or %1B would otherwise reach reports and terminals.
            raise InputError("API path contains encoded control characters", where)
    return ApiRef(method, join_segments(segments), segments, stripped, host, location, readings=readings)


def _operation_ref(name: str, where: Location) -> ApiRef:
    """An SDK operation name (list_customer_orders, ListCustomerOrdersRequest) as its API."""
    from permtable import operations  # noqa: PLC0415  (the map loads only when a name is used)

    operation = operations.lookup(name)
    if operation is None:
        near = operations.suggest(name)
        hint = (
            f"did you mean {near[0]}?"
            if near
            else 'write the API as "METHOD /path", or an SDK operation name'
        )
        raise InputError(f"{name!r} is neither an API nor a BSS SDK operation", where, hint)
    segments = split_path(operation.path)
    return ApiRef(operation.method, "/" + "/".join(segments), segments, name, None, where, operation.name)


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- API list files


def iter_api_lines(text: str, name: str) -> Iterator[ApiRef]:
    """APIs of a list file: one per line, ``#`` comments and blank lines ignored."""
    # Only \n, \r\n and \r end a line: str.splitlines() would also split at U+2028 or \x1c
    # inside a comment and shift every later line number.
    for number, line in enumerate(re.split(_LINE_BREAK, text), 1):
        content = line.split("#", 1)[0].strip() if "#" in line else line.strip()
        if not content:
            continue
        yield parse_api(content, Location(name, number, len(line) - len(line.lstrip()) + 1))


def read_api_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[ApiRef]:
    """Read an API list file, or standard input for ``-``."""
    if path == "-":
        data = read_bytes(standard_input(), max_bytes + 1, "<stdin>")
        return list(iter_api_lines(decode(data, "<stdin>", max_bytes), "<stdin>"))
    from permtable.files import read_text  # noqa: PLC0415

    return list(iter_api_lines(read_text(path, max_bytes, label=path), path))


def iter_api_file_blocks(path: str) -> Iterator[tuple[int, list[str]]]:
    """The lines of an API list file (standard input for ``-``), streamed in blocks.

    Yields (number of the block's first line, the block's lines without their line breaks),
    numbered as ``iter_api_lines`` numbers them. Memory stays bounded by the block size, so a
    log of any size can be read (``can-call --unique``); the checks are those of
    ``files.iter_text_blocks``.
    """
    name = "<stdin>" if path == "-" else path
    handle = standard_input() if path == "-" else open_binary(path, name)
    try:
        number = 1
        for text in iter_text_blocks(handle, name):
            lines = re.split(_LINE_BREAK, text) if "\r" in text else text.split("\n")
            if text.endswith(("\n", "\r")):
                lines.pop()  # the empty text after the block's last line break
            yield number, lines
            number += len(lines)
    finally:
        if path != "-":
            handle.close()
