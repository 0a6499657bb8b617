"""The kinds of finding a result can be, and which one it is.

Kept apart from cli.findings (rules, reasons, fixes) so that the gates and the ``--fail-on``
option, which every check needs, do not load what only the CI formats use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from permtable.evaluate import ApiResult, Decision, Unlisted

if TYPE_CHECKING:
    from permtable.reports import ResultRecord

NOT_CALLABLE = "not-callable"
DENIED = "denied"
CONDITIONAL = "conditional"
UNLISTED = "unlisted"
# An API the table does not list, read strictly: a small edit away from a listed one (a typo
# would otherwise pass as "no check needed"), or documented only for the other account type.
NEAR_MISS = "near-miss"
OTHER_ACCOUNT_TYPE = "other-account-type"
# What the files cannot settle (a system policy without its document, an undocumented identity
# action), and what an Organizations SCP blocks.
UNKNOWN = "unknown"
BLOCKED_BY_SCP = "blocked-by-scp"
FINDING_KINDS = (
    NOT_CALLABLE,
    DENIED,
    CONDITIONAL,
    UNKNOWN,
    BLOCKED_BY_SCP,
    UNLISTED,
    NEAR_MISS,
    OTHER_ACCOUNT_TYPE,
)
# The one severity of each kind, used by every format (SARIF level, GitHub annotation, JUnit
# failure). Every finding kind is an API that is counted not callable, so every one is an error;
# warnings are about the inputs (the grants, the API list), never about an API's answer.
SEVERITY: dict[str, str] = dict.fromkeys(FINDING_KINDS, "error")
# Kinds with a --fail-on choice of their own: ``not-callable`` does not cover them.
OWN_KINDS = (NEAR_MISS, OTHER_ACCOUNT_TYPE)

_DECIDED_KINDS = {
    Decision.EXPLICIT_DENY: DENIED,
    Decision.CONDITIONAL: CONDITIONAL,
    Decision.IMPLICIT_DENY: NOT_CALLABLE,
    Decision.UNKNOWN: UNKNOWN,
    Decision.BLOCKED_BY_SCP: BLOCKED_BY_SCP,
}
_UNLISTED_KINDS = {Unlisted.NEAR_MISS: NEAR_MISS, Unlisted.OTHER_ACCOUNT_TYPE: OTHER_ACCOUNT_TYPE}


def kind_of(
    decision: Decision, callable: bool, unlisted: Unlisted | None, suspected_typo: bool
) -> str | None:
    """The kind of finding a result is, or None when there is nothing to report."""
    decided = _DECIDED_KINDS.get(decision)
    if decided is not None:
        return decided
    if decision is not Decision.NOT_CHECKED:
        return None
    if unlisted is not None:
        return _UNLISTED_KINDS[unlisted]
    return UNLISTED if not callable or suspected_typo else None


def result_kind(result: ApiResult) -> str | None:
    """``kind_of`` a typed result (the gates)."""
    return kind_of(result.decision, result.callable, result.unlisted_kind, bool(result.suggestions))


def finding_kind(record: ResultRecord) -> str | None:
    """``kind_of`` a result record (the formats, which receive records)."""
    return kind_of(record.decision, record.callable, record.unlisted_reason, bool(record.suggestions))
