"""Writing the fix as grants: an IAM policy (customer) or a Partner Center role (partner).

The output is in the formats bsscheck reads, so the round trip is checkable: adding the
emitted file with another ``-g`` makes ``missing-perms`` report nothing missing, except APIs
blocked by a Deny, which no Allow can fix.
"""

from __future__ import annotations

import json

from permtable.errors import InputError
from permtable.missing import MissingPermsReport
from permtable.model import AccountType

EMIT_KINDS = ("policy", "role")
_KIND_FOR = {AccountType.CUSTOMER: "policy", AccountType.PARTNER: "role"}


def emitted_grants(kind: str, report: MissingPermsReport, lang: str) -> str:
    """The minimal grants as text; empty when nothing can be granted."""
    account_type = report.checked.grants.account_type
    if _KIND_FOR[account_type] != kind:
        raise InputError(
            f"--emit {kind} does not apply to a {account_type.value} account",
            hint=f"use --emit {_KIND_FOR[account_type]}",
        )
    if not report.plan.to_grant:
        return ""
    return _policy(report) if kind == "policy" else _role(report, lang)


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
