"""IAM action patterns, compiled once.

Huawei IAM actions read ``service:resource-type:action``. ``*`` matches all or part of one
segment (``bss:*:*``, ``bss:order:*``, ``bss:*:view``, ``bss:bill*:view``) and never crosses a
colon. Resource type and action compare case-insensitively; the service name is compared as
written (IAM service names are lower case), and a pattern that matches no documented permission
is reported by the grants loader rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from permtable.records import field, record


@record
class ActionPattern:
    """An IAM action or pattern as written, with its matcher (never compared)."""

    text: str
    _matcher: Callable[[str], bool] = field(repr=False, compare=False, hash=False)

    def matches(self, permission: str) -> bool:
        return self._matcher(permission)

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.text


def compile_action(text: str, service_ignore_case: bool = False) -> ActionPattern | None:
    """Compile ``service:resource:action``; None when the text does not have three segments.

    Whether IAM compares service names case-insensitively is not documented. Deny statements
    pass ``service_ignore_case=True`` and Allow statements do not, so whichever way IAM reads
    ``BSS:order:pay``, bsscheck errs towards "not callable", never towards a false "allowed".

    The matcher works on strings: compiling a regular expression per action cost a customer
    check more than evaluating it. Text outside ASCII (where case-insensitive matching follows
    Unicode case folding, as ``re`` does it) goes to the regular expression.
    """
    parts = text.split(":")
    if len(parts) != 3 or not all(parts):
        return None
    ignore_case = (service_ignore_case, True, True)
    regex = ":".join(_segment_regex(part, fold) for part, fold in zip(parts, ignore_case, strict=True))
    if not text.isascii():
        return ActionPattern(text, _regex_matcher(regex))
    globs = tuple(
        (tuple((part.lower() if fold else part).split("*")), fold)
        for part, fold in zip(parts, ignore_case, strict=True)
    )
    return ActionPattern(text, partial(_matches_globs, globs, regex))


def _matches_globs(globs: tuple[tuple[tuple[str, ...], bool], ...], regex: str, permission: str) -> bool:
    if not permission.isascii():
        return re.fullmatch(regex, permission) is not None
    segments = permission.split(":")
    if len(segments) != 3:
        return False
    return all(
        _glob_matches(pieces, segment.lower() if fold else segment)
        for (pieces, fold), segment in zip(globs, segments, strict=True)
    )


def _glob_matches(pieces: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` is the pieces of a glob joined by any runs of characters (``*``).

    Leftmost matching of each middle piece is enough: a later match never leaves more room.
    """
    if len(pieces) == 1:
        return text == pieces[0]
    first, last = pieces[0], pieces[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in pieces[1:-1]:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _segment_regex(text: str, ignore_case: bool) -> str:
    body = "[^:]*".join(re.escape(part) for part in text.split("*"))
    return f"(?i:{body})" if ignore_case else body


def _regex_matcher(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda permission: compiled.fullmatch(permission) is not None


def _never(permission: str) -> bool:
    return False


# What permission codes look like (BPC_ITEM_..., bss:order:view), for checking tables.
PARTNER_CODE_SHAPE = r"BPC_[A-Z0-9_]+"
CUSTOMER_CODE_SHAPE = r"[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*"
_PARTNER_CODE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"  # not from string: it costs an import


def is_partner_code(text: str) -> bool:
    """Whether ``text`` has the shape of ``PARTNER_CODE_SHAPE`` (a string test: no regex to build)."""
    return len(text) > 4 and text.startswith("BPC_") and not text[4:].strip(_PARTNER_CODE_CHARACTERS)


def never_matching(text: str) -> ActionPattern:
    """A pattern kept for reports that matches no IAM action (a partner code in a policy)."""
    return ActionPattern(text, _never)


def compile_code_glob(text: str) -> re.Pattern[str]:
    """Partner codes have no IAM wildcards; ``explain``/``apis`` still accept ``*`` for browsing."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.IGNORECASE)
