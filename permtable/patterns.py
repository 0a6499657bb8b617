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

    An action without ``*`` (most of them) is matched by comparing strings: compiling a regular
    expression for each cost a one-API customer check more than evaluating it. Patterns with
    ``*``, and anything outside ASCII (where ``re`` applies Unicode case folding), use the
    regular expression; ``re`` caches it, so a fleet of files repeating a pattern compiles it once.
    """
    parts = text.split(":")
    if len(parts) != 3 or not all(parts):
        return None
    service, resource, action = parts
    regex = ":".join(
        (
            _segment_regex(service, service_ignore_case),
            _segment_regex(resource, True),
            _segment_regex(action, True),
        )
    )
    if "*" in text or not text.isascii():
        compiled = re.compile(regex)
        return ActionPattern(text, lambda permission: compiled.fullmatch(permission) is not None)
    rest = f"{resource}:{action}".lower()
    if service_ignore_case:
        service = service.lower()
    return ActionPattern(text, partial(_matches_exactly, service, service_ignore_case, rest, regex))


def _matches_exactly(service: str, service_ignore_case: bool, rest: str, regex: str, permission: str) -> bool:
    """An ASCII action without ``*`` against a permission code, as its regular expression would."""
    if not permission.isascii():
        return re.fullmatch(regex, permission) is not None  # Unicode case folding: leave it to re
    given_service, _, given_rest = permission.partition(":")
    if service_ignore_case:
        return given_service.lower() == service and given_rest.lower() == rest
    return given_service == service and given_rest.lower() == rest


def _segment_regex(text: str, ignore_case: bool) -> str:
    body = "[^:]*".join(re.escape(part) for part in text.split("*"))
    return f"(?i:{body})" if ignore_case else body


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
