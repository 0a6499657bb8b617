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
FINDING_KINDS = (NOT_CALLABLE, DENIED, CONDITIONAL, UNLISTED)


def finding_kind(result: dict[str, Any]) -> str | None:
    """The kind of finding a result is, or None when there is nothing to report."""
    decision = result["decision"]
    if decision == "explicit_deny":
        return DENIED
    if decision == "conditional":
        return CONDITIONAL
    if decision == "implicit_deny":
        return NOT_CALLABLE
    if decision == "not_checked" and (not result["callable"] or result["suggestions"]):
        return UNLISTED
    return None
