"""What a result means for a person or a pipeline: its finding kind, its reason, its fix.

Every format (table, SARIF, JUnit, GitHub annotations, Markdown) phrases findings from these
functions, so a reason and its fix read the same wherever they are shown, and the gates
(``--fail-on``) classify results exactly as the SARIF rules do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# The kinds and the classification live in cli.finding_kinds (light: the gates load it on
# every run); the formats keep importing them from here.
from cli.finding_kinds import (
    BLOCKED_BY_SCP,
    CONDITIONAL,
    DENIED,
    FINDING_KINDS,
    NEAR_MISS,
    NOT_CALLABLE,
    OTHER_ACCOUNT_TYPE,
    UNKNOWN,
    UNLISTED,
    finding_kind,
)
from permtable.evaluate import Decision, Unlisted
from permtable.model import AccountType, Mode, current_codes, replaced_by_one

if TYPE_CHECKING:
    from permtable.evaluate import GrantRef
    from permtable.reports import PermissionRecord, ResultRecord, TableInfo
    from permtable.validation import FileCheckRecord, ValidationRecord

# Re-exported for the formats (explicitly, for type checkers).
__all__ = [
    "BLOCKED_BY_SCP",
    "CONDITIONAL",
    "DENIED",
    "FINDING_KINDS",
    "NEAR_MISS",
    "NOT_CALLABLE",
    "OTHER_ACCOUNT_TYPE",
    "UNKNOWN",
    "UNLISTED",
    "finding_kind",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of finding, with a stable id for SARIF and CI systems."""

    id: str
    kind: str
    name: str
    title: str
    help: str


RULES = {
    NOT_CALLABLE: Rule(
        "BSS001",
        NOT_CALLABLE,
        "PermissionNotGranted",
        "API not callable: permission not granted",
        "The account holds none of the permissions the API needs (partner: any one listed action; "
        "customer: every listed permission). Grant the permission named in the result, at the "
        "Partner Center menu path or as the IAM permission it names.",
    ),
    DENIED: Rule(
        "BSS002",
        DENIED,
        "ExplicitDeny",
        "API not callable: an IAM Deny statement matches",
        "A Deny statement in one of the account's IAM policies matches a permission the API needs. "
        "A Deny always wins over an Allow: remove or narrow the Deny.",
    ),
    CONDITIONAL: Rule(
        "BSS003",
        CONDITIONAL,
        "ConditionalGrant",
        "API callable only under an IAM Condition",
        "The permission is granted (or denied) only by statements with a Condition, which cannot be "
        "decided offline. Grant it without the condition, or check with --assume-conditions if the "
        "condition holds for your requests.",
    ),
    UNLISTED: Rule(
        "BSS004",
        UNLISTED,
        "UnlistedApi",
        "API not in the permission table (suspected typo, or --strict)",
        "The API is not in the account type's permission table, so no fine-grained permission is "
        "checked for it. When it is a near miss of a listed API, the path is probably misspelt and "
        "the real API needs the permission named in the suggestion.",
    ),
    NEAR_MISS: Rule(
        "BSS005",
        NEAR_MISS,
        "NearMissApi",
        "API not in the permission table but a near miss of a listed one",
        "The API is not in the account type's permission table, but it is a small edit away from "
        "one that is (a typo, another letter case, another method). Read as written it would need "
        "no permission, which is how a misspelt path passes a check. bsscheck counts it as not "
        "callable: correct the path to the listed API and grant what that API needs, or, if the "
        "path really is a different, unlisted API, leave near-miss out of --fail-on.",
    ),
    OTHER_ACCOUNT_TYPE: Rule(
        "BSS006",
        OTHER_ACCOUNT_TYPE,
        "OtherAccountTypeApi",
        "API documented only for the other account type",
        "The API is listed only in the other account type's permission table (a partner API asked "
        "of a customer account, or the reverse). It is not taken to be callable by this account: "
        "call it with an account of the type that lists it, holding the permission named there.",
    ),
    UNKNOWN: Rule(
        "BSS007",
        UNKNOWN,
        "UndecidableOffline",
        "API not callable as far as the files show: a grant that applies cannot be read",
        "A system policy is named without its document, or the API's identity-policy action is not "
        "documented, so what the account holds may grant or deny the API. bsscheck counts it as not "
        "callable. Export the system policy's document (the result names the KooCLI command), or "
        "give an identity-action table that lists the API with --table.",
    ),
    BLOCKED_BY_SCP: Rule(
        "BSS008",
        BLOCKED_BY_SCP,
        "BlockedByScp",
        "API not callable: an Organizations SCP blocks it",
        "A service control policy attached to the account's organisation path denies the API's "
        "identity action, or allows none of it. SCPs bound every grant of the account: change the "
        "SCP (or move the account) before granting anything else helps.",
    ),
}


UNLISTED_LABELS = {
    Unlisted.NEAR_MISS: "NEAR MISS of a listed API",
    Unlisted.OTHER_ACCOUNT_TYPE: "OTHER ACCOUNT TYPE's API",
}


STRICT_LABEL = "NOT LISTED (--strict)"


def unlisted_label(reason: Unlisted | None) -> str:
    """The short label of an unlisted API that is not callable: why it is not (no reason of
    its own: --strict counted it)."""
    return UNLISTED_LABELS[reason] if reason is not None else STRICT_LABEL


def api_text(result: ResultRecord) -> str:
    return f"{result.method} {result.path}"


def where_to_grant(item: PermissionRecord, lang: str) -> str:
    """Where a permission record (partner menu path or customer name) says to grant it."""
    if item.table is AccountType.PARTNER:
        return f"menu: {item.menu_path.get(lang)}" if item.menu_path else "menu path not documented by Huawei"
    return f"name: {item.name.get(lang)}" if item.name else "name not documented"


def how_to_grant(result: ResultRecord, code: str, lang: str) -> str:
    for item in (*result.menu_paths, *result.permission_names):
        if item.permission == code:
            return where_to_grant(item, lang)
    return ""


UNKNOWN_FIX = (
    "settle what the notes name: export a system policy's document (the notes give the KooCLI "
    "command) or give an identity-action table that lists the API with --table"
)
_POLICY_SOURCES = {"policy": "policy", "identity_policy": "identity policy", "scp": "SCP"}


def more_grants(count: int, what: str = "grant") -> str:
    """The line standing for the grants a report left out (``EvaluationPolicy.max_grants``)."""
    return f"... and {count:,} more {what}(s) like these (--all-grants lists every one)"


def grant_source(grant: GrantRef) -> str:
    if grant.source in _POLICY_SOURCES:
        kind = _POLICY_SOURCES[grant.source]
        text = f"{kind} {grant.name!r} statement {grant.statement} ({grant.pattern})"
    elif grant.source == "system_policy":
        text = f"system policy {grant.name!r} (document not given)"
    elif grant.source == "account":
        text = "account-level actions"
    else:
        text = f"role {grant.name!r}"
    if grant.condition:
        text += f" if {grant.condition}"
    if grant.origin:
        text += f"; {grant.origin}"
    if grant.file:
        text += f" [{grant.file}:{grant.line}]" if grant.line else f" [{grant.file}]"
    return text


def edition(table: TableInfo, lang: str) -> str:
    """Which edition of a table answered: title, site and date, as every view names it."""
    return f"{table.title.get(lang)}, {table.site} ({table.updated or 'no date on the page'})"


def requirement(
    mode: Mode, permissions: tuple[str, ...], retiring: tuple[str, ...] = (), any_of: str = "any of"
) -> str:
    """What a row requires, in one phrase: ``all of: A + B``, ``any of: A | B`` (``any_of``
    names that choice), or, for a code the page marks as to be taken offline beside the one that
    replaces it, ``B (or A, to be taken offline)``."""
    if replaced_by_one(mode, permissions, retiring):
        (current,) = current_codes(permissions, retiring)
        return f"{current} (or {', '.join(retiring)}, to be taken offline)"
    marked = [code + (" (to be taken offline)" if code in retiring else "") for code in permissions]
    if mode is Mode.ANY:
        return f"{any_of}: " + " | ".join(marked)
    return "all of: " + " + ".join(marked)


def fixes(result: ResultRecord, lang: str) -> list[str]:
    """What to do, one sentence per missing permission (empty when nothing is to be done)."""
    if result.callable:
        return []
    if result.decision is Decision.UNKNOWN:
        return [UNKNOWN_FIX]
    if result.decision is Decision.BLOCKED_BY_SCP:
        return ["change the SCP that blocks it (an SCP bounds every grant: granting more does not help)"]
    identity = result.identity
    if result.entry is None and identity is not None and identity.actions:
        return [f"grant {' and '.join(identity.missing or identity.actions)} in an identity policy"]
    if result.entry is None:
        other = result.listed_for
        if other:
            joiner = " or " if other.mode is Mode.ANY else " and "
            return [f"call it with a {other.type} account holding {joiner.join(other.permissions)}"]
        return [
            f"did you mean {s.api}? ({s.reason}; it needs {' | '.join(s.permissions)})"
            for s in result.suggestions
        ]
    checks = {check.permission: check.decision for check in result.checks}
    advice = []
    to_grant = []
    for code in result.missing:
        decision = checks.get(code, Decision.IMPLICIT_DENY)
        if decision is Decision.EXPLICIT_DENY:
            advice.append(f"remove or narrow the Deny on {code}; an Allow cannot override it")
        elif decision is Decision.CONDITIONAL:
            advice.append(
                f"{code} is granted only under a Condition that cannot be checked offline; grant it "
                "without the condition, or rerun with --assume-conditions if the condition holds"
            )
        else:
            to_grant.append(f"{code} ({how_to_grant(result, code, lang)})")
    if to_grant:
        any_mode = result.entry.mode is Mode.ANY and len(to_grant) > 1
        text = ("grant any one of: " if any_mode else "grant ") + "; ".join(to_grant)
        if identity is not None and identity.missing:
            text += f", or {' and '.join(identity.missing)} in an identity policy"
        advice.append(text)
    return advice


def reason(result: ResultRecord) -> str:
    """Why the result is what it is, in one sentence."""
    decision = result.decision
    identity = result.identity
    if result.entry is None and identity is not None and identity.actions:
        needs = f"needs {' and '.join(identity.actions)} (identity policies; not in the customer table)"
        if decision is Decision.BLOCKED_BY_SCP:
            return f"{needs}: {blocked_text(result)}"
        return f"{needs}: {_DECIDED.get(decision, 'not granted')}"
    if result.entry is None:
        other = result.listed_for
        if other:
            return f"documented only in the {other.type} table: not callable by this account type"
        if result.suggestions and not result.callable:
            return "not in the permission table, but a near miss of a listed API: counted as not callable"
        if result.callable:
            return "not in the permission table: no fine-grained permission is checked"
        return "not in the permission table; --strict counts it as not callable"
    entry = result.entry
    permissions = entry.permissions
    if len(permissions) == 1:
        needs = f"needs {permissions[0]}"
    elif entry.retiring:
        needs = f"needs {requirement(entry.mode, permissions, entry.retiring)}"
    else:
        word = "any one of" if entry.mode is Mode.ANY else "all of"
        needs = f"needs {word} {', '.join(permissions)}"
    if decision is Decision.ALLOWED:
        return f"{needs}: granted"
    if decision is Decision.EXPLICIT_DENY:
        denied = [grant_source(grant) for grant in result.denied_by]
        return f"{needs}: denied by {'; '.join(denied)}"
    if decision is Decision.CONDITIONAL:
        return f"{needs}: granted only under a Condition"
    if decision is Decision.BLOCKED_BY_SCP:
        return f"{needs}: {blocked_text(result)}"
    if decision in _DECIDED:
        return f"{needs}: {_DECIDED[decision]}"
    return f"{needs}: not granted"


def blocked_text(result: ResultRecord) -> str:
    """Which SCPs block the API, and how."""
    parts = []
    for check in result.scp_checks:
        if check.decision is Decision.EXPLICIT_DENY:
            statements = ", ".join(
                f"statement {grant.statement} ({grant.pattern})" for grant in check.denied_by
            )
            parts.append(f"SCP {check.scp!r} denies it ({statements})")
        elif check.decision is Decision.IMPLICIT_DENY:
            parts.append(f"SCP {check.scp!r} allows no {check.permission}")
    return "blocked: " + "; ".join(parts) if parts else "blocked by an SCP"


_DECIDED = {
    Decision.ALLOWED: "granted",
    Decision.CONDITIONAL: "granted only under a Condition",
    Decision.UNKNOWN: "cannot be settled offline (counted as not callable)",
    Decision.BLOCKED_BY_SCP: "blocked by an SCP",
    Decision.EXPLICIT_DENY: "denied by an explicit Deny",
}


def message(result: ResultRecord, lang: str) -> str:
    """One line: the API, why, and what to do."""
    parts = [f"{api_text(result)}: {reason(result)}"]
    parts.extend(fixes(result, lang))
    return ". Fix: ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


# --------------------------------------------------------------------------- validate

UNREADABLE = "unreadable"
SUSPICIOUS = "suspicious"
INPUT_RULES = {
    UNREADABLE: Rule(
        "BSS010",
        UNREADABLE,
        "UnreadableInput",
        "Input file cannot be read or parsed",
        "bsscheck could not read or parse this grants, policy, table or API list file; nothing in "
        "it was checked. The message names the line and column and how to fix it.",
    ),
    SUSPICIOUS: Rule(
        "BSS011",
        SUSPICIOUS,
        "SuspiciousInput",
        "Input file has a likely mistake",
        "The file loads, but something in it cannot do what its author meant: an unknown or "
        "misspelt permission code, a code of the other account type, a system role, a statement "
        "that never applies, or an API that is a near miss of a documented one.",
    ),
}


@dataclass(frozen=True, slots=True)
class InputFinding:
    """One problem ``validate`` found in one file, wherever it is shown."""

    rule: Rule
    level: str  # "error" or "warning"
    file: str
    line: int | None
    column: int | None
    text: str  # the one-line message, with its location and hint


def input_findings(record: ValidationRecord) -> list[InputFinding]:
    return [finding for item in record.files for finding in file_findings(item)]


def file_findings(item: FileCheckRecord) -> list[InputFinding]:
    """What ``validate`` found in one file: its error (unreadable), then its findings."""
    problems = [(item.error, UNREADABLE, "error")] if item.error else []
    problems += [(finding, SUSPICIOUS, "warning") for finding in item.findings]
    found = []
    for problem, kind, level in problems:
        location = problem.location
        found.append(
            InputFinding(
                INPUT_RULES[kind],
                level,
                location.file or item.file,
                location.line,
                location.column if location.line else None,
                problem.text,
            )
        )
    return found
