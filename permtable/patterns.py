"""IAM action patterns, compiled once.

Huawei IAM actions read ``service:resource-type:action``. ``*`` matches all or part of one
segment (``bss:*:*``, ``bss:order:*``, ``bss:*:view``, ``bss:bill*:view``) and never crosses a
colon. Resource type and action compare case-insensitively; the service name is compared as
written (IAM service names are lower case), and a pattern that matches no documented permission
is reported by the grants loader rather than guessed at.

"No case requirement" is read as ASCII case only: nothing in Huawei's documentation says Unicode
folding applies, and under it ``bss:order:vıew`` (dotless i), ``bss:diſcount:view`` (long s)
or a Kelvin sign would match real permissions. An Allow whose text holds anything but printable
ASCII (a space, NBSP, an ideographic space, a zero-width or control character, a look-alike
letter) grants nothing, and says why. A Deny is read generously instead, the safe direction:
such characters are dropped, compatibility forms folded (NFKC) and Unicode case ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial


@dataclass(frozen=True, slots=True)
class ActionPattern:
    """An IAM action or pattern as written, with its matcher (never compared)."""

    text: str
    _matcher: Callable[[str], bool] = field(repr=False, compare=False, hash=False)
    # Why the text as written cannot match (an Allow), or how it was read (a generous Deny).
    problem: str | None = field(default=None, compare=False)

    def matches(self, permission: str) -> bool:
        return self._matcher(permission)

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.text


@lru_cache(maxsize=65_536)
def compile_action(
    text: str, service_ignore_case: bool = False, generous: bool = False, case_sensitive: bool = False
) -> ActionPattern | None:
    """Compile ``service:resource:action``; None when the text does not have three segments.

    Whether IAM compares service names case-insensitively is not documented. Deny statements
    pass ``service_ignore_case=True`` and Allow statements do not, so whichever way IAM reads
    ``BSS:order:pay``, bsscheck errs towards "not callable", never towards a false "allowed".

    ``generous`` (Deny statements) reads a text with characters outside printable ASCII as the
    action it looks like (see the module's docstring); otherwise such a text never matches and
    ``problem`` says which character stopped it.

    ``case_sensitive`` compares resource type and action as written: identity policies (Version
    5.0) write actions in camel case (``costCenter:costDetail:listCostDetails``) and nothing
    documents that they fold case, so their Allows are read that way (stricter).

    An action without ``*`` (most of them) is matched by comparing strings: compiling a regular
    expression for each cost a one-API customer check more than evaluating it. Patterns with
    ``*`` use a regular expression; ``re`` caches it, so a fleet of files repeating a pattern
    compiles it once. The patterns themselves are remembered too (they are immutable): a large
    account repeats a few dozen action texts in 100,000 statements.
    """
    parts = text.split(":")
    if len(parts) != 3 or not all(part.strip() for part in parts):
        return None
    problem = action_problem(text)
    if problem is not None:
        if not generous:
            return ActionPattern(text, _never, f"contains {problem}: IAM does not match it as written")
        readable = _readable(text)
        parts = readable.split(":")
        if len(parts) != 3 or not all(parts):
            return ActionPattern(text, _never, f"contains {problem}")
        # Unicode case ("i") where the text is read generously.
        matcher = _regex_matcher(parts, service_ignore_case, "i")
        return ActionPattern(text, matcher, f"contains {problem}; read generously as {readable!r}")
    if "*" in text:
        return ActionPattern(text, _regex_matcher(parts, service_ignore_case, "" if case_sensitive else "ai"))
    service, resource, action = parts
    if case_sensitive:
        return ActionPattern(text, f"{service}:{resource}:{action}".__eq__)
    rest = f"{resource}:{action}".lower()  # ASCII text: str.lower folds ASCII case only
    if service_ignore_case:
        service = service.lower()
    return ActionPattern(text, partial(_matches_exactly, service, service_ignore_case, rest))


def every_action(text: str = "*") -> ActionPattern:
    """The lone ``*`` of identity policies and SCPs: every action of every service."""
    return ActionPattern(text, _always)


def _always(permission: str) -> bool:
    return True


def _regex_matcher(parts: list[str], service_ignore_case: bool, flags: str) -> Callable[[str], bool]:
    """A matcher for ``service:resource:action`` with ``*``: resource type and action compare
    under ``flags`` ("ai": ASCII case, "i": Unicode case), the service as written unless
    ``service_ignore_case``."""
    service, resource, action = parts
    regex = ":".join(
        (
            _segment_regex(service, flags if service_ignore_case else ""),
            _segment_regex(resource, flags),
            _segment_regex(action, flags),
        )
    )
    compiled = re.compile(regex)
    return lambda permission: compiled.fullmatch(permission) is not None


def _matches_exactly(service: str, service_ignore_case: bool, rest: str, permission: str) -> bool:
    """A printable-ASCII action without ``*`` against a permission code, ASCII case ignored."""
    if not permission.isascii():
        return False  # no ASCII text equals it under ASCII case folding
    given_service, _, given_rest = permission.partition(":")
    if service_ignore_case:
        return given_service.lower() == service and given_rest.lower() == rest
    return given_service == service and given_rest.lower() == rest


def action_problem(text: str) -> str | None:
    """The first character of ``text`` outside printable ASCII, described; None if there is none.

    IAM action codes are printable ASCII without spaces; anything else (a padding space, NBSP,
    U+3000, a zero-width or control character, a look-alike letter) means the text is not the
    action it looks like.
    """
    if text.isascii() and text.isprintable() and " " not in text:
        return None
    for position, char in enumerate(text, 1):
        if not "!" <= char <= "~":
            return f"{describe_character(char)} at character {position}"
    return None  # pragma: no cover  (some character above is outside the range)


def describe_character(char: str) -> str:
    import unicodedata  # noqa: PLC0415  (only a suspicious text pays for it)

    return f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character')})"


def _readable(text: str) -> str:
    """What a text looks like to a reader: invisible and space characters dropped, NFKC forms."""
    import unicodedata  # noqa: PLC0415

    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char)[0] not in "ZC")


def _segment_regex(text: str, flags: str) -> str:
    """One segment's expression; ``flags`` "ai" ignores ASCII case only, "i" Unicode case."""
    body = "[^:]*".join(re.escape(part) for part in text.split("*"))
    return f"(?{flags}:{body})" if flags else body


def _never(permission: str) -> bool:
    return False


# What permission codes look like (BPC_ITEM_..., bss:order:view), for checking tables.
PARTNER_CODE_SHAPE = r"BPC_[A-Z0-9_]+"
CUSTOMER_CODE_SHAPE = r"[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*"
_PARTNER_CODE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"  # not from string: it costs an import


def is_partner_code(text: str) -> bool:
    """Whether ``text`` has the shape of ``PARTNER_CODE_SHAPE`` (a string test: no regex to build)."""
    return len(text) > 4 and text.startswith("BPC_") and not text[4:].strip(_PARTNER_CODE_CHARACTERS)


def never_matching(text: str, problem: str | None = None) -> ActionPattern:
    """A pattern kept for reports that matches no IAM action (a partner code in a policy)."""
    return ActionPattern(text, _never, problem)


def compile_code_glob(text: str) -> re.Pattern[str]:
    """Partner codes have no IAM wildcards; ``explain``/``apis`` still accept ``*`` for browsing."""
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.IGNORECASE)
