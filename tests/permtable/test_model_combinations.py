"""No mix of policies, identity policies, SCPs and system policies reads as callable where any
one documented rule says it is not.

Hypothesis builds accounts from all four; a rule-by-rule oracle written apart from the
evaluator (fnmatch over the few lower-case actions generated) lists every reason the API
cannot be called. A "callable" answer with any such reason is the worst bug bsscheck can have.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permtable.apis import parse_api
from permtable.evaluate import EvaluationPolicy
from permtable.grants import load_boundaries, load_grants
from permtable.queries import can_call
from permtable.tables import TableSet

# API -> (bss: codes from the customer table or None, identity action or None)
APIS = {
    "GET /v2/accounts/customer-accounts/balances": (("bss:balance:view",), "billing:balance:view"),
    "GET /v2/orders/customer-orders": (("bss:order:view",), None),
    "GET /v2/bills/customer-bills/monthly-sum": (None, "billing:bill:view"),
    "GET /v2/made-up/unlisted-endpoint": ((), None),
}
LEGACY_ACTIONS = ["bss:balance:view", "bss:order:view", "bss:*:*", "bss:order:*", "bss:bill:view", "ecs:*:*"]
IDENTITY_ACTIONS = [
    "billing:balance:view",
    "billing:bill:view",
    "billing:*:*",
    "billing:order:*",
    "*",
    "ecs:*:*",
]
SYSTEM = ["BSS ReadonlyAccess", "BSS FinanceAccess", "BSS Administrator"]
CONDITION = {"StringEquals": {"g:UserName": ["bot"]}}


def _statement(actions: list[str], identity: bool) -> st.SearchStrategy[dict[str, object]]:
    keys = ["Action", "NotAction"] if identity else ["Action"]
    return st.builds(
        lambda effect, key, chosen, conditional: {
            "Effect": effect,
            key: chosen,
            **({"Condition": CONDITION} if conditional else {}),
        },
        st.sampled_from(["Allow", "Deny"]),
        st.sampled_from(keys),
        st.lists(st.sampled_from(actions), min_size=1, max_size=2, unique=True),
        st.booleans(),
    )


def _document(version: str, actions: list[str]) -> st.SearchStrategy[dict[str, object]]:
    identity = version == "5.0"
    return st.builds(
        lambda statements: {"Version": version, "Statement": statements},
        st.lists(_statement(actions, identity), min_size=1, max_size=3),
    )


ACCOUNTS = st.fixed_dictionaries(
    {
        "legacy": st.lists(_document("1.1", LEGACY_ACTIONS), max_size=2),
        "identity": st.lists(_document("5.0", IDENTITY_ACTIONS), max_size=2),
        "system": st.lists(st.sampled_from(SYSTEM), max_size=1),
        "scps": st.lists(_document("5.0", [*IDENTITY_ACTIONS, "bss:order:*"]), max_size=2),
        "api": st.sampled_from(sorted(APIS)),
    }
)


def _applies(statement: dict[str, object], action: str) -> bool:
    if "NotAction" in statement:
        return not any(fnmatchcase(action, pattern) for pattern in statement["NotAction"])  # type: ignore[attr-defined]
    return any(fnmatchcase(action, pattern) for pattern in statement["Action"])  # type: ignore[attr-defined]


def _may_touch_billing(statement: dict[str, object]) -> bool:
    if "NotAction" in statement:
        return True
    return any(p == "*" or p.split(":")[0] in ("billing", "bss", "*") for p in statement["Action"])  # type: ignore[attr-defined]


def _firmly_allowed(documents: list[dict[str, object]], action: str) -> bool:
    return any(
        s["Effect"] == "Allow" and "Condition" not in s and _applies(s, action)
        for document in documents
        for s in document["Statement"]  # type: ignore[attr-defined]
    )


def _denied(documents: list[dict[str, object]], action: str) -> bool:
    return any(
        s["Effect"] == "Deny" and _applies(s, action)
        for document in documents
        for s in document["Statement"]  # type: ignore[attr-defined]
    )


def reasons_not_callable(account: dict[str, object]) -> list[str]:
    """Every documented (or chosen-strict) rule that says the API cannot be called."""
    codes, action = APIS[account["api"]]  # type: ignore[index]
    legacy, identity, scps = account["legacy"], account["identity"], account["scps"]
    reasons = []
    listed = codes is None or bool(codes) or action is not None
    # A Deny in any model wins (conditional ones may apply: not callable offline either).
    for code in codes or ():
        if _denied(legacy, code) or _denied(identity, code):  # type: ignore[arg-type]
            reasons.append(f"a Deny covers {code}")
    if action is not None and _denied(identity, action):  # type: ignore[arg-type]
        reasons.append(f"an identity Deny covers {action}")
    if action is None and any(
        s["Effect"] == "Deny" and _may_touch_billing(s)
        for d in identity  # type: ignore[attr-defined]
        for s in d["Statement"]
    ):
        reasons.append("an identity Deny may cover the undocumented action")
    if listed:
        by_policies = bool(codes) and all(_firmly_allowed(legacy, code) for code in codes)  # type: ignore[arg-type]
        by_identity = action is not None and _firmly_allowed(identity, action)  # type: ignore[arg-type]
        if not (by_policies or by_identity):
            reasons.append("no model firmly allows it")
    if codes is None and any(
        s["Effect"] == "Deny" and _may_touch_billing(s)
        for d in legacy  # type: ignore[attr-defined]
        for s in d["Statement"]
    ):
        reasons.append("a policy Deny may cover its undocumented bss: code")
    for name in account["system"]:  # type: ignore[attr-defined]
        if name != "BSS Administrator" and (codes is None or any(_read_or_any(name, c) for c in codes)):
            reasons.append(f"{name} is named without its document")
    for index, scp in enumerate(scps):  # type: ignore[arg-type]
        if action is not None:
            if not _firmly_allowed([scp], action) or _denied([scp], action):
                reasons.append(f"SCP {index} does not firmly allow {action}")
        else:
            allows_all = any(
                s["Effect"] == "Allow" and "Condition" not in s and "*" in s.get("Action", [])
                for s in scp["Statement"]
            )
            touches = any(s["Effect"] == "Deny" and _may_touch_billing(s) for s in scp["Statement"])
            if not allows_all or touches:
                reasons.append(f"SCP {index} may not allow the undocumented action")
        for code in codes or ():
            if _denied([scp], code):
                reasons.append(f"SCP {index} denies {code}")
    return reasons


def _read_or_any(name: str, code: str) -> bool:
    return name != "BSS ReadonlyAccess" or code.endswith(":view")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(account=ACCOUNTS)
def test_callable_only_when_no_rule_says_otherwise(tmp_path_factory, account):
    directory = tmp_path_factory.mktemp("combo")
    policies: list[dict[str, object]] = [
        {"name": f"P{index}", "document": document} for index, document in enumerate(account["legacy"])
    ]
    policies += [
        {"name": f"I{index}", "document": document} for index, document in enumerate(account["identity"])
    ]
    policies += [{"system": name} for name in account["system"]]
    if not policies:
        policies = [{"name": "empty", "document": {"Version": "1.1", "Statement": []}}]
    grants_file = directory / "grants.json"
    grants_file.write_text(json.dumps({"type": "customer", "policies": policies}), "utf-8")
    grants = load_grants([str(grants_file)])
    scp_files = []
    for index, scp in enumerate(account["scps"]):
        path = directory / f"scp{index}.json"
        path.write_text(json.dumps(scp), "utf-8")
        scp_files.append(str(path))
    if scp_files:
        grants = grants.bounded_by(load_boundaries(scp_files))
    (result,) = can_call([parse_api(account["api"])], grants, TableSet(), EvaluationPolicy()).results
    reasons = reasons_not_callable(account)
    if result.callable:
        assert reasons == [], (result.decision, reasons)
