"""IAM action patterns, compiled once.

Huawei IAM actions read ``service:resource-type:action``. ``*`` matches all or part of one
segment (``bss:*:*``, ``bss:order:*``, ``bss:*:view``, ``bss:bill*:view``) and never crosses a
colon. Resource type and action compare case-insensitively; the service name is compared as
written (IAM service names are lower case), and a pattern that matches no documented permission
is reported by the grants loader rather than guessed at.
"""

from __future__ import annotations

import re

from permtable.records import field, record


@record
class ActionPattern:
    """An IAM action or pattern as written, with its compiled matcher (never compared)."""

    text: str
    _regex: re.Pattern[str] = field(repr=False, compare=False, hash=False)

    def matches(self, permission: str) -> bool:
        return self._regex.fullmatch(permission) is not None

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.text


def _segment(text: str, ignore_case: bool) -> str:
    body = "[^:]*".join(re.escape(part) for part in text.split("*"))
    return f"(?i:{body})" if ignore_case else body


def compile_action(text: str, service_ignore_case: bool = False) -> ActionPattern | None:
    """Compile ``service:resource:action``; None when the text does not have three segments.

    Whether IAM compares service names case-insensitively is not documented. Deny statements
    pass ``service_ignore_case=True`` and Allow statements do not, so whichever way IAM reads
    ``BSS:order:pay``, bsscheck errs towards "not callable", never towards a false "allowed".
    """
    parts = text.split(":")
    if len(parts) != 3 or not all(parts):
        return None
    service, resource, action = parts
    regex = ":".join(
        (_segment(service, service_ignore_case), _segment(resource, True), _segment(action, True))
    )
    return ActionPattern(text, re.compile(regex))


PARTNER_CODE = re.compile(r"BPC_[A-Z0-9_]+")
_NOTHING = re.compile(r"(?!)")


def never_matching(text: str) -> ActionPattern:
    """A pattern kept for reports that matches no IAM action (a partner code in a policy)."""
    return ActionPattern(text, _NOTHING)


def compile_code_glob(text: str) -> re.Pattern[str]:
    """Partner codes have no IAM wildcards; ``explain``/``apis`` still accept ``*`` for browsing."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.IGNORECASE)
