"""The kinds of finding a result can be, and which one it is.

Kept apart from cli.findings (rules, reasons, fixes) so that the gates and the ``--fail-on``
option, which every check needs, do not load what only the CI formats use.
"""

from __future__ import annotations

from typing import Any

NOT_CALLABLE = "not-callable"
DENIED = "denied"
CONDITIONAL = "conditional"
UNLISTED = "unlisted"
# An API the table does not list, read strictly: a small edit away from a listed one (a typo
# would otherwise pass as "no check needed"), or documented only for the other account type.
NEAR_MISS = "near-miss"
OTHER_ACCOUNT_TYPE = "other-account-type"
FINDING_KINDS = (NOT_CALLABLE, DENIED, CONDITIONAL, UNLISTED, NEAR_MISS, OTHER_ACCOUNT_TYPE)
# Kinds with a --fail-on choice of their own: ``not-callable`` does not cover them.
OWN_KINDS = (NEAR_MISS, OTHER_ACCOUNT_TYPE)

_UNLISTED_KINDS = {"near_miss": NEAR_MISS, "other_account_type": OTHER_ACCOUNT_TYPE}


def finding_kind(result: dict[str, Any]) -> str | None:
    """The kind of finding a result is, or None when there is nothing to report."""
    decision = result["decision"]
    if decision == "explicit_deny":
        return DENIED
    if decision == "conditional":
        return CONDITIONAL
    if decision == "implicit_deny":
        return NOT_CALLABLE
    reason = result.get("unlisted_reason")
    if decision == "not_checked" and reason in _UNLISTED_KINDS:
        return _UNLISTED_KINDS[reason]
    if decision == "not_checked" and (not result["callable"] or result["suggestions"]):
        return UNLISTED
    return None
