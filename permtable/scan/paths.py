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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

from permtable.apis import BSS_HOSTS, is_placeholder, join_segments, remove_dot_segments, split_path

HOLE = "\x00"
PARAM = "{param}"

# Resources the bundled tables document that no SDK operation uses.
TABLE_ONLY_RESOURCES = frozenset({"customer"})

_HOLE_TEXT = (
    r"(?:\$\{[^}\n]{0,200}\}|\$[A-Za-z_]\w*|\{[^{}/\s]{0,100}\}|%[sdvqx]|%\([^)\n]{0,100}\)[sd]|\x00)"
)
_SEGMENT = rf"(?:[A-Za-z0-9._~\-]|%[0-9A-Fa-f]{{2}}|\*\*|{_HOLE_TEXT})+"
_VERSION = r"v\d+(?:\.\d+)?"
# A path (optionally after a scheme and host, or after a hole standing for the base URL) that
# does not continue a longer path: ``/api/v2/orders`` is not ``/v2/orders``.
CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9_.~/\-])"
    rf"(?:(?P<scheme>https?)://(?P<host>(?:[A-Za-z0-9.\-]|{_HOLE_TEXT})+)(?::\d+)?|(?P<lead>{_HOLE_TEXT}))?"
    rf"(?P<path>/{_VERSION}(?:/{_SEGMENT})*/?)"
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


def canonical(method: str | None, path: str) -> tuple[str, str | None]:
    """Give ``{param}`` segments the names of the SDK template the path matches, and the
    operation when the method is known: ``/details/{param}`` -> ``/details/{order_id}``."""
    from permtable.operations import operation_map  # noqa: PLC0415

    segments = split_path(path)
    for operation in operation_map().operations.values():
        if method is not None and operation.method != method:
            continue
        template = split_path(operation.path)
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
