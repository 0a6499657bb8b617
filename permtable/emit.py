"""Writing the fix as grants: an IAM policy (customer) or a Partner Center role (partner).

The output is in the formats bsscheck reads, so the round trip is checkable: adding the
emitted file with another ``-g`` makes ``missing-perms`` report nothing missing, except APIs
blocked by a Deny, which no Allow can fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from permtable.errors import InputError
from permtable.evaluate import Decision
from permtable.identity_table import IdentityTable
from permtable.missing import MissingPermsReport
from permtable.model import AccountType

EMIT_KINDS = ("policy", "role")
# The authorisation model of an emitted customer policy: a Version 1.1 policy of bss: codes,
# or a Version 5.0 identity policy of the identity actions Huawei documents.
MODELS = ("policy", "identity")
_KIND_FOR = {AccountType.CUSTOMER: "policy", AccountType.PARTNER: "role"}


@dataclass(frozen=True, slots=True)
class Emitted:
    """The fix as grants-file text, and the APIs it cannot cover (stated on stderr)."""

    text: str
    granted: tuple[str, ...] = ()  # the identity actions an identity policy allows
    uncovered: tuple[str, ...] = ()


def emitted_grants(
    kind: str,
    report: MissingPermsReport,
    lang: str,
    model: str = "policy",
    identity: IdentityTable | None = None,
) -> Emitted:
    """The minimal grants as text; empty when nothing can be granted."""
    account_type = report.checked.grants.account_type
    if _KIND_FOR[account_type] != kind:
        raise InputError(
            f"--emit {kind} does not apply to a {account_type.value} account",
            hint=f"use --emit {_KIND_FOR[account_type]}",
        )
    if model == "identity":
        if kind != "policy" or identity is None:
            raise InputError("--model identity applies to --emit policy (customer accounts)")
        return _identity_policy(report, identity)
    if not report.plan.to_grant:
        return Emitted("")
    return Emitted(_policy(report) if kind == "policy" else _role(report, lang))


def _identity_policy(report: MissingPermsReport, identity: IdentityTable) -> Emitted:
    """An identity policy allowing the documented identity action of every API not callable.

    APIs whose identity action Huawei does not document cannot be covered, and APIs denied
    explicitly or blocked by an SCP are not fixed by an Allow: both are returned as uncovered.
    """
    actions: list[str] = []
    uncovered: list[str] = []
    for result in report.checked.results:
        if result.callable:
            continue
        row = result.identity_row
        if row is None and result.entry is not None:
            row = identity.row_for(result.entry.method, result.entry.path)
        blocked = result.decision in (Decision.EXPLICIT_DENY, Decision.BLOCKED_BY_SCP)
        if row is None or blocked:
            uncovered.append(result.ref.api)
            continue
        actions.extend(action for action in row.permissions if action not in actions)
    if not actions:
        return Emitted("", (), tuple(uncovered))
    document = {"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    return Emitted(json.dumps(document, indent=2) + "\n", tuple(actions), tuple(uncovered))


def _policy(report: MissingPermsReport) -> str:
    document = {
        "Version": "1.1",
        "Statement": [
            {"Effect": "Allow", "Action": [fix.permission.code for fix in report.plan.to_grant]},
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _quoted(text: str) -> str:
    # JSON strings are valid YAML double-quoted scalars: safe for any account name.
    return json.dumps(text, ensure_ascii=False)


def _role(report: MissingPermsReport, lang: str) -> str:
    account = report.checked.grants.account
    lines = [
        f"# The smallest set of Partner Center actions missing for account {account}, found by",
        "# bsscheck missing-perms. Tick each action in a Partner Center role at the menu path",
        "# shown (Huawei documents none for some actions) and assign the role to the account.",
        "# Check the result: bsscheck missing-perms -g <the account's grants> -g <this file>",
        "type: partner",
        f"account: {_quoted(account)}",
        "roles:",
        f"  - name: {_quoted('missing actions (bsscheck)')}",
        "    actions:",
    ]
    for fix in report.plan.to_grant:
        menu = fix.permission.menu_path.get(lang) if fix.permission.menu_path else "menu path not documented"
        comment = f"{menu}; unlocks {', '.join(fix.unlocks)}"
        lines.append(f"      - {_quoted(fix.permission.code)}  # {' '.join(comment.splitlines())}")
    return "\n".join(lines) + "\n"
