"""The statement index answers which statements apply to a code as walking every statement would.

``StatementIndex.matching`` files statements by their action texts and matches each distinct
text once; the text it reports for a statement is read from the texts that matched. Both
shortcuts are checked here against ``Statement.pattern_for`` on every statement.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import IAM_ACTION_FORMS, write_grants

from permtable.evaluate import StatementIndex
from permtable.grants import Effect, Grants, PolicyModel, load_grants
from permtable.model import AccountType
from permtable.tables import bundled

_CODES = sorted(bundled(AccountType.CUSTOMER).table.permissions)[:8]
_ACTIONS = [*_CODES, *IAM_ACTION_FORMS, "billing:*:*", "billing:order:view"]


@st.composite
def _statements(draw: st.DrawFn, identity: bool) -> dict[str, object]:
    # NotAction belongs to identity policies (Version 5.0) only.
    key = "NotAction" if identity and draw(st.integers(0, 2)) == 0 else "Action"
    statement: dict[str, object] = {
        "Effect": draw(st.sampled_from(["Allow", "Deny"])),
        key: draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=4, unique=True)),
    }
    if draw(st.booleans()) and draw(st.booleans()):
        statement["Condition"] = {"StringEquals": {"g:DomainName": ["example"]}}
    return statement


@st.composite
def _accounts(draw: st.DrawFn) -> dict[str, object]:
    policies = []
    for number in range(draw(st.integers(1, 4))):
        identity = draw(st.integers(0, 3)) == 0
        version = "5.0" if identity else "1.1"
        statements = draw(st.lists(_statements(identity), min_size=1, max_size=6))
        policies.append(
            {"name": f"policy-{number}", "document": {"Version": version, "Statement": statements}}
        )
    return {"type": "customer", "account": "generated", "policies": policies}


def _walked(grants: Grants, code: str) -> list[tuple[str, int, str]]:
    """Every statement that applies, found by asking each one, in document order."""
    found = []
    for policy in grants.policies:
        if policy.is_system_role:
            continue
        for statement in policy.statements:
            if policy.model is PolicyModel.IDENTITY and statement.effect is Effect.ALLOW:
                continue  # an identity policy's Allow of a bss: code is not counted
            text = statement.pattern_for(code)
            if text is not None:
                found.append((policy.name, statement.index, text))
    return found


@given(_accounts())
@settings(max_examples=300, deadline=None)
def test_the_index_finds_the_statements_and_texts_walking_them_finds(account):
    with tempfile.TemporaryDirectory() as folder:
        grants = load_grants([str(write_grants(Path(folder), "grants.yaml", account))])
    index = StatementIndex(grants)
    for code in [*_CODES, "bss:custom1:view", "bss:order:pay", "billing:order:view"]:
        indexed = [(policy.name, statement.index, text) for policy, statement, text in index.matching(code)]
        assert indexed == _walked(grants, code), code
