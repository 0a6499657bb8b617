"""Recognising a BSS API path inside a string, and normalising it as ``parse_api`` would.

Code writes paths in many shapes: a whole URL, ``BASE + "/v2/..."``, ``f"{BASE}/v2/.../{oid}"``,
``"/v2/.../%s" % oid``, ``` `${base}/v2/...` ```, ``fmt.Sprintf("%s/v2/...", base)``. Before the
regular expressions run, the Python reader turns every hole it knows (an f-string field, a
variable) into ``HOLE``; in other languages the common spellings of a hole (``${x}``, ``$X``,
``{x}``, ``%s``) are recognised as they stand. A segment holding a hole becomes the placeholder
``{param}``, which the router matches against any ``{placeholder}`` of a template.

Which strings are BSS paths: a URL on a BSS host always; otherwise a path whose first segment
is a version (``v2``, ``v1.0``) and whose second or third segment (the resource, which follows
an id such as ``{domain_id}`` in the ``v1.0`` APIs) is a resource BSS uses. The resource names
come from the SDK operation map plus the few the tables document and the SDKs lack; a test
checks every bundled table path is recognised. A URL on any other host belongs to another
service and is left alone.

Relative paths. Wrappers complete a path the code writes without its version or its leading
slash (``self.list(service, "", "accounts/customer-accounts/balances", nil)``). Such a string
counts only when it is a whole string literal, the file names BSS somewhere (the service the
wrapper is handed), and it is the exact tail of a documented BSS path: an SDK operation's or a
bundled table row's, after the version. A tail that several versions share is every one of
them (``complete_relative``): the scan reports each, so a gate checks them all rather than
pick one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

from permtable.apis import BSS_HOSTS, is_placeholder, join_segments, remove_dot_segments, split_path

if TYPE_CHECKING:
    from permtable.operations import Operation

HOLE = "\x00"
PARAM = "{param}"

# Resources the bundled tables document that no SDK operation uses.
TABLE_ONLY_RESOURCES = frozenset({"customer"})

_HOLE_TEXT = (
    r"(?:\$\{[^}\n]{0,200}\}|\$[A-Za-z_]\w*|\{[^{}/\s]{0,100}\}|%[sdvqx]|%\([^)\n]{0,100}\)[sd]|\x00)"
)
# Bounds on what is read as a path. Python's regex engine keeps state for every repetition of
# a group: an unbounded path pattern run over a generated 1.4 MB literal of one path took
# 360 MiB. No BSS path comes near these bounds (the longest documented has 9 segments); a
# longer run is not read as a path at all (never cut short: the lookahead below refuses a
# match that the text goes on from).
MAX_SEGMENTS = 64
MAX_SEGMENT_CHARS = 256
_SEGMENT_CHAR = rf"(?:[A-Za-z0-9._~\-]|%[0-9A-Fa-f]{{2}}|\*\*|{_HOLE_TEXT})"
_SEGMENT = rf"{_SEGMENT_CHAR}{{1,{MAX_SEGMENT_CHARS}}}"


def _segments(fewest: int) -> str:
    """``/segment`` repeated, then an optional ``/``, where the path does not go on."""
    return rf"(?:/{_SEGMENT}){{{fewest},{MAX_SEGMENTS}}}/?(?!/?{_SEGMENT_CHAR})"


_VERSION = r"v\d+(?:\.\d+)?"
# A path (optionally after a scheme and host, or after a hole standing for the base URL) that
# does not continue a longer path: ``/api/v2/orders`` is not ``/v2/orders``.
CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9_.~/\-])"
    rf"(?:(?P<scheme>https?)://(?P<host>(?:[A-Za-z0-9.\-]|{_HOLE_TEXT}){{1,{MAX_SEGMENT_CHARS}}})(?::\d+)?"
    rf"|(?P<lead>{_HOLE_TEXT}))?"
    rf"(?P<path>/{_VERSION}{_segments(0)})"
)
_HOLE_PATTERN = re.compile(_HOLE_TEXT)
METHOD_BEFORE = re.compile(r"(?<![A-Za-z0-9_])(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s*$")


@dataclass(frozen=True, slots=True)
class FoundPath:
    """A BSS path in a string: where it starts and ends in the string, and the normalised path."""

    start: int
    end: int
    path: str
    host: str | None
    method: str | None  # a method written right before it: "POST /v2/..."


@cache
def bss_resources() -> frozenset[str]:
    from permtable.operations import operation_map  # noqa: PLC0415

    names = set(TABLE_ONLY_RESOURCES)
    for operation in operation_map().operations.values():
        resource = _resource(split_path(operation.path))
        if resource:
            names.add(resource)
    return frozenset(names)


def _resource(segments: tuple[str, ...]) -> str | None:
    if len(segments) < 2 or not re.fullmatch(_VERSION, segments[0]):
        return None
    if len(segments) >= 3 and (
        is_placeholder(segments[1]) or segments[1] == PARAM or _looks_like_id(segments[1])
    ):
        return segments[2]
    return segments[1]


def _looks_like_id(segment: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F\-]{8,}", segment))


def is_bss_path(segments: tuple[str, ...]) -> bool:
    if len(segments) < 2 or not re.fullmatch(_VERSION, segments[0]):
        return False
    resources = bss_resources()
    return segments[1] in resources or (len(segments) >= 3 and segments[2] in resources)


def normalise(raw: str) -> tuple[str, ...]:
    """Path text (holes included) -> segments, each holed segment a ``{param}`` placeholder."""
    segments = []
    for segment in split_path(raw):
        if HOLE in segment or _HOLE_PATTERN.search(segment):
            segments.append(PARAM)
        else:
            segments.append(unquote(segment))
    # Where the request really goes: ``/v2/x/{param}/../pay`` is ``/v2/x/pay`` (parse_api's rule).
    return remove_dot_segments(segments)


def find_paths(text: str) -> Iterator[FoundPath]:
    """Every BSS path in ``text``, normalised."""
    for match in CANDIDATE.finditer(text):
        host = match["host"]
        host_known = host is not None and HOLE not in host and not _HOLE_PATTERN.search(host)
        if host_known and host.lower() not in BSS_HOSTS:
            continue  # another service's URL
        segments = normalise(match["path"])
        on_bss_host = host_known and host.lower() in BSS_HOSTS
        if not segments or not (on_bss_host or is_bss_path(segments)):
            continue
        before = METHOD_BEFORE.search(text[max(0, match.start() - 24) : match.start()])
        method = before[1] if before else None
        yield FoundPath(
            match.start(),
            match.end(),
            join_segments(segments),
            host.lower() if host_known else None,
            method,
        )


# A whole string literal that could be a relative BSS path: two segments at least, no scheme.
_RELATIVE = rf"/?(?:{_VERSION}/)?[a-z][a-z0-9\-]{{0,{MAX_SEGMENT_CHARS}}}{_segments(1)}"
RELATIVE_LITERAL = re.compile(rf"(?P<quote>[\"'`])(?P<path>{_RELATIVE})(?P=quote)")
_RELATIVE_PATH = re.compile(_RELATIVE)


@cache
def _known_templates() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Documented paths by their tail after the version: ``("accounts", "customer-accounts",
    "balances") -> (("v2", "accounts", ...),)``."""
    from permtable.model import AccountType  # noqa: PLC0415
    from permtable.operations import operation_map  # noqa: PLC0415
    from permtable.tables import bundled  # noqa: PLC0415

    paths = {operation.path for operation in operation_map().operations.values()}
    for account_type in AccountType:
        paths.update(entry.path for entry in bundled(account_type).table.entries)
    by_tail: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for path in paths:
        segments = split_path(path)
        if len(segments) >= 3 and re.fullmatch(_VERSION, segments[0]):
            by_tail.setdefault(segments[1:], set()).add(segments)
    return {tail: tuple(sorted(found)) for tail, found in by_tail.items()}


Tails = list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]


@cache
def _tails_by_start() -> dict[tuple[int, str | None], Tails]:
    """``_known_templates`` by (length, first segment; None for a placeholder, which any first
    segment may fill): a literal is compared with the few tails it could be, not with all."""
    index: dict[tuple[int, str | None], Tails] = {}
    for tail, templates in _known_templates().items():
        start = None if is_placeholder(tail[0]) else tail[0]
        index.setdefault((len(tail), start), []).append((tail, templates))
    return index


@cache
def _longest_template() -> int:
    """The most segments a documented path has, version included."""
    return max(len(template) for templates in _known_templates().values() for template in templates)


@lru_cache(maxsize=4096)
def complete_relative(raw: str) -> tuple[str, ...]:
    """The documented BSS paths a relative path names, most often one; () when none.

    ``accounts/customer-accounts/balances`` -> ``/v2/accounts/customer-accounts/balances``;
    ``v2/orders/customer-orders`` (no leading slash) -> ``/v2/orders/customer-orders``. A
    segment with a hole, or a value where the template has a placeholder, matches it.

    Remembered by text: a project's wrapper is handed the same few literals again and again."""
    if raw.count("/") > _longest_template() + 1 and "." not in raw:
        # Longer than every documented path (and no dot segment to shorten it): a hostile or
        # generated literal of thousands of segments is not split and decoded for nothing.
        return ()
    segments = normalise(raw)
    if len(segments) < 2 or any(segment in ("", "..", ".") for segment in segments):
        return ()
    version = segments[0] if re.fullmatch(_VERSION, segments[0]) else None
    tail = segments[1:] if version else segments
    if len(tail) < 2 or tail[0] not in bss_resources():
        return ()
    found = []
    index = _tails_by_start()
    for known_tail, templates in [*index.get((len(tail), tail[0]), ()), *index.get((len(tail), None), ())]:
        if not _tail_matches(tail, known_tail):
            continue
        for template in templates:
            if version is None or template[0] == version:
                found.append(join_segments((template[0], *tail)))
    return tuple(sorted(set(found)))


# The code names BSS: the service as a string (``service = "bss"``), a BSS host, the SDK, or
# an identifier built on the name (``bssClient``, ``NewBssClient``, ``BSS_ENDPOINT``,
# ``get_bss``). Prose ("looks like BSS's") is not evidence, nor a word that merely contains the
# letters (``dbss``, Huawei's database security service).
_NAMES_BSS = re.compile(
    r"[\"'`]bss(?:intl)?[\"'`]|\bbss(?:-intl)?\.myhuaweicloud\.|sdkbss|services/bss|sdk\.bss"
    r"|(?<![A-Za-z0-9])(?:bss|Bss|BSS)(?=[A-Z_]|[a-z]{2})|[a-z0-9_]Bss|_(?:bss|BSS)(?![A-Za-z0-9])"
)


def names_bss(text: str) -> bool:
    """Whether relative paths in ``text`` may be BSS's: the wrapper must be told the service."""
    return _NAMES_BSS.search(text) is not None


def relative_paths(text: str) -> tuple[str, ...]:
    """``complete_relative`` for a whole string value (holes included) that is a relative path,
    and not an absolute one, which ``find_paths`` reads."""
    if _RELATIVE_PATH.fullmatch(text) is None or re.match(rf"/{_VERSION}/", text):
        return ()
    return complete_relative(text)


@cache
def _templates() -> tuple[tuple[Operation, tuple[str, ...]], ...]:
    """Every SDK operation with its path template split into segments, once."""
    from permtable.operations import operation_map  # noqa: PLC0415

    return tuple(
        (operation, tuple(split_path(operation.path))) for operation in operation_map().operations.values()
    )


def _tail_matches(given: tuple[str, ...], documented: tuple[str, ...]) -> bool:
    """A hole matches a placeholder only: standing for a literal segment would be a guess."""
    return all(
        mine == theirs or is_placeholder(theirs) for mine, theirs in zip(given, documented, strict=True)
    )


@lru_cache(maxsize=4096)
def canonical(method: str | None, path: str) -> tuple[str, str | None]:
    """Give ``{param}`` segments the names of the SDK template the path matches, and the
    operation when the method is known: ``/details/{param}`` -> ``/details/{order_id}``.

    Remembered: a large file names the same few paths at thousands of sites."""
    segments = split_path(path)
    for operation, template in _templates():
        if method is not None and operation.method != method:
            continue
        if len(template) != len(segments):
            continue
        named = []
        for given, documented in zip(segments, template, strict=True):
            if is_placeholder(documented):
                named.append(documented if given == PARAM else given)
            elif given == documented:
                named.append(given)
            else:
                break
        else:
            return "/" + "/".join(named), operation.name if method is not None else None
    return path, None
