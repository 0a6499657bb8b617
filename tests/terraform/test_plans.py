"""Terraform plans read as grants: creates, updates, deletes, replacements, unknown values,
modules, count and for_each, and every way a plan file can be wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from plans import (
    BOT_ID,
    DOMAIN,
    GROUP_ID,
    PAYER,
    VIEWER,
    VIEWER_ID,
    Res,
    plan,
    policy_json,
    sample_plan,
    sample_resources,
    write_plan,
)

from permtable.apis import parse_api
from permtable.errors import InputError
from permtable.evaluate import Decision, EvaluationPolicy
from permtable.grants_diff import ChangeKind
from permtable.tables import TableSet
from permtable.terraform.diff import PrincipalSelector, terraform_diff
from permtable.terraform.plan import load_plan

ROOT = Path(__file__).resolve().parents[2]
PAY = "POST /v2/orders/customer-orders/pay"
ORDERS = "GET /v2/orders/customer-orders"
BALANCES = "GET /v2/accounts/customer-accounts/balances"
CANCEL = "PUT /v2/orders/customer-orders/cancel"
APIS = [parse_api(text) for text in (PAY, ORDERS, BALANCES, CANCEL)]


def _diff(
    tmp_path: Path, document: dict, selectors: tuple[str, ...] = ()
) -> dict[str, dict[str, tuple[str, str, str]]]:
    """principal label -> API -> (change kind, old decision, new decision)."""
    path = write_plan(tmp_path / "plan.json", document)
    report = terraform_diff(
        path, TableSet(), EvaluationPolicy(), [PrincipalSelector.parse(s) for s in selectors], APIS
    )
    return {
        item.planned.principal.label: {
            change.new.ref.api: (change.kind.value, change.old.decision.value, change.new.decision.value)
            for change in item.diff.changes
        }
        for item in report.principals
    }


def _role(name: str, document: str, role_id: str | None, before: bool = True) -> Res:
    values = {"name": name, "type": "AX", "description": name, "policy": document}
    if role_id:
        values["id"] = role_id
    return Res("huaweicloud_identity_role", name.replace("-", "_"), values if before else None, values)


def _assignment(name: str, role: str, role_id: str | None, **scope: object) -> Res:
    values = {"group_id": GROUP_ID, "domain_id": DOMAIN, "project_id": None, "enterprise_project_id": None}
    values.update(scope)
    if role_id:
        values["role_id"] = role_id
    return Res(
        "huaweicloud_identity_group_role_assignment",
        name,
        values,
        values,
        references={
            "group_id": [
                "huaweicloud_identity_group.finance_ops.id",
                "huaweicloud_identity_group.finance_ops",
            ],
            "role_id": [f"huaweicloud_identity_role.{role}.id", f"huaweicloud_identity_role.{role}"],
        },
    )


GROUP = Res(
    "huaweicloud_identity_group",
    "finance_ops",
    {"name": "finance-ops", "id": GROUP_ID},
    {"name": "finance-ops", "id": GROUP_ID},
)


# --------------------------------------------------------------------------- the sample


def test_the_sample_plan_is_the_one_the_builder_writes():
    written = json.loads((ROOT / "samples/terraform/plan.json").read_text("utf-8"))
    assert written == json.loads(json.dumps(sample_plan()))


def test_the_sample_grants_pay_to_the_group_and_its_member(tmp_path):
    changes = _diff(tmp_path, sample_plan())
    assert changes["group:finance-ops"] == {PAY: ("gained", "implicit_deny", "allowed")}
    assert changes["user:billing-bot"] == {PAY: ("gained", "implicit_deny", "allowed")}
    # The new identity policy: balances gained; an API whose identity action is undocumented
    # becomes unknown (its statements may cover it), never allowed.
    auditors = changes["group:auditors"]
    assert auditors[BALANCES] == ("gained", "implicit_deny", "allowed")
    assert auditors[ORDERS] == ("changed", "implicit_deny", "unknown")


def test_principal_selects_and_a_missing_one_is_an_error(tmp_path):
    assert set(_diff(tmp_path, sample_plan(), ("group:finance-ops",))) == {"group:finance-ops"}
    assert set(_diff(tmp_path, sample_plan(), ("user:billing-bot",))) == {"user:billing-bot"}
    with pytest.raises(InputError, match="the plan has no group 'finance'"):
        _diff(tmp_path, sample_plan(), ("group:finance",))
    with pytest.raises(InputError, match="Partner Center roles are not managed by Terraform"):
        PrincipalSelector.parse("partner:ops")
    with pytest.raises(InputError, match="is not KIND:NAME"):
        PrincipalSelector.parse("finance-ops")


def test_the_grant_names_its_resources_and_tf_line(tmp_path):
    path = write_plan(tmp_path / "plan.json", sample_plan())
    (tmp_path / "main.tf").write_text((ROOT / "samples/terraform/main.tf").read_text("utf-8"), "utf-8")
    report = terraform_diff(
        path, TableSet(), EvaluationPolicy(), [PrincipalSelector.parse("group:finance-ops")], APIS
    )
    (item,) = report.principals
    (change,) = item.diff.changes
    (cause,) = change.causes
    (grant,) = cause.added
    assert grant.origin == (
        "huaweicloud_identity_role.order_payer via huaweicloud_identity_group_role_assignment.finance_ops_pay"
    )
    assert grant.file.endswith("main.tf") and grant.line == 42
    assert "huaweicloud_identity_group_role_assignment.finance_ops_pay" in item.planned.resources


# --------------------------------------------------------------------------- the kinds of change


def test_update_in_place_changes_the_policy(tmp_path):
    old = _role("order-viewer", VIEWER, VIEWER_ID)
    new_values = dict(old.after or {}, policy=PAYER)
    updated = Res("huaweicloud_identity_role", "order_viewer", old.before, new_values)
    document = plan([GROUP, updated, _assignment("view", "order_viewer", VIEWER_ID)])
    changes = _diff(tmp_path, document)["group:finance-ops"]
    assert changes[PAY] == ("gained", "implicit_deny", "allowed")
    assert changes[ORDERS] == ("lost", "allowed", "implicit_deny")


def test_delete_loses_what_the_assignment_gave(tmp_path):
    assignment = _assignment("view", "order_viewer", VIEWER_ID)
    deleted = Res(assignment.type, assignment.name, assignment.before, None, references=assignment.references)
    document = plan([GROUP, _role("order-viewer", VIEWER, VIEWER_ID), deleted])
    changes = _diff(tmp_path, document)["group:finance-ops"]
    assert changes[ORDERS] == ("lost", "allowed", "implicit_deny")
    assert changes[BALANCES] == ("lost", "allowed", "implicit_deny")


def test_replacement_with_a_new_id_follows_the_reference(tmp_path):
    role = _role("order-viewer", VIEWER, VIEWER_ID)
    replaced = Res(
        role.type,
        role.name,
        role.before,
        {**(role.after or {}), "policy": PAYER, "id": None},
        unknown=("id",),
        actions=("delete", "create"),
    )
    assignment = _assignment("view", "order_viewer", VIEWER_ID)
    reassigned = Res(
        assignment.type,
        assignment.name,
        assignment.before,
        {k: v for k, v in (assignment.after or {}).items() if k != "role_id"},
        unknown=("role_id", "id"),
        references=assignment.references,
        actions=("delete", "create"),
    )
    changes = _diff(tmp_path, plan([GROUP, replaced, reassigned]))["group:finance-ops"]
    assert changes[PAY] == ("gained", "implicit_deny", "allowed")
    assert changes[ORDERS] == ("lost", "allowed", "implicit_deny")


def test_a_policy_known_only_after_apply_is_unknown_never_allowed(tmp_path):
    role = Res(
        "huaweicloud_identity_role",
        "generated",
        None,
        {"name": "generated", "type": "AX", "description": "from a template"},
        unknown=("id", "policy"),
    )
    assignment = _assignment("generated", "generated", None)
    assignment = Res(
        assignment.type,
        assignment.name,
        None,
        assignment.after,
        unknown=("role_id", "id"),
        references=assignment.references,
    )
    changes = _diff(tmp_path, plan([GROUP, role, assignment]))["group:finance-ops"]
    assert {api: value[2] for api, value in changes.items()} == {api.api: "unknown" for api in APIS}


def test_an_assignment_whose_group_is_unknown_makes_every_group_unknown(tmp_path):
    other = Res(
        "huaweicloud_identity_group", "audit", {"name": "audit", "id": "g2"}, {"name": "audit", "id": "g2"}
    )
    assignment = Res(
        "huaweicloud_identity_group_role_assignment",
        "mystery",
        None,
        {"role_id": VIEWER_ID, "domain_id": DOMAIN, "project_id": None, "enterprise_project_id": None},
        unknown=("group_id", "id"),
    )
    changes = _diff(tmp_path, plan([GROUP, other, _role("order-viewer", VIEWER, VIEWER_ID), assignment]))
    for label in ("group:finance-ops", "group:audit"):
        assert changes[label][ORDERS] == ("changed", "implicit_deny", "unknown")


def test_project_and_enterprise_project_scopes_do_not_grant_bss(tmp_path):
    project = _assignment("in_project", "order_viewer", VIEWER_ID, domain_id=None, project_id="0a1b2c")
    ep = _assignment("in_ep", "order_viewer", VIEWER_ID, domain_id=None, enterprise_project_id="ep-1")
    everywhere = _assignment("all_projects", "order_viewer", VIEWER_ID, domain_id=None, project_id="all")
    for assignment, granted in ((project, False), (ep, False), (everywhere, True)):
        created = Res(
            assignment.type, assignment.name, None, assignment.after, references=assignment.references
        )
        changes = _diff(tmp_path, plan([GROUP, _role("order-viewer", VIEWER, VIEWER_ID), created]))
        assert (ORDERS in changes.get("group:finance-ops", {})) is granted, assignment.name


def test_modules_and_for_each_resolve_by_reference_and_key(tmp_path):
    teams = {
        key: Res(
            "huaweicloud_identity_group",
            "teams",
            None,
            {"name": f"team-{key}"},
            unknown=("id",),
            module="module.iam",
            index=key,
        )
        for key in ("finance", "audit")
    }
    roles = {
        key: Res(
            "huaweicloud_identity_role",
            "team_roles",
            None,
            {"name": f"role-{key}", "type": "AX", "description": key, "policy": document},
            unknown=("id",),
            module="module.iam",
            index=key,
        )
        for key, document in (("finance", PAYER), ("audit", VIEWER))
    }
    assignments = [
        Res(
            "huaweicloud_identity_group_role_assignment",
            "team_roles",
            None,
            {"domain_id": DOMAIN, "project_id": None, "enterprise_project_id": None},
            unknown=("group_id", "role_id", "id"),
            module="module.iam",
            index=key,
            references={
                "group_id": ["huaweicloud_identity_group.teams", "each.key"],
                "role_id": ["huaweicloud_identity_role.team_roles", "each.key"],
            },
        )
        for key in ("finance", "audit")
    ]
    document = plan([*teams.values(), *roles.values(), *assignments], modules={"module.iam": "./modules/iam"})
    changes = _diff(tmp_path, document)
    assert changes["group:team-finance"] == {PAY: ("gained", "implicit_deny", "allowed")}
    assert set(changes["group:team-audit"]) == {ORDERS, BALANCES}


def test_count_indexes_are_addresses_too(tmp_path):
    users = [
        Res(
            "huaweicloud_identity_user",
            "bots",
            {"name": f"bot-{i}", "id": f"u{i}"},
            {"name": f"bot-{i}", "id": f"u{i}"},
            index=i,
        )
        for i in range(2)
    ]
    membership = Res(
        "huaweicloud_identity_group_membership",
        "bots",
        None,
        {"group": GROUP_ID, "users": ["u0", "u1"]},
        unknown=("id",),
    )
    document = plan(
        [
            GROUP,
            _role("order-viewer", VIEWER, VIEWER_ID),
            _assignment("view", "order_viewer", VIEWER_ID),
            *users,
            membership,
        ]
    )
    changes = _diff(tmp_path, document)
    assert changes["user:bot-0"][ORDERS] == ("gained", "implicit_deny", "allowed")
    assert changes["user:bot-1"][ORDERS] == ("gained", "implicit_deny", "allowed")
    assert "group:finance-ops" not in {label for label, found in changes.items() if found}


def test_a_membership_known_only_after_apply_is_unknown_for_every_user(tmp_path):
    bot = Res(
        "huaweicloud_identity_user", "bot", {"name": "bot", "id": BOT_ID}, {"name": "bot", "id": BOT_ID}
    )
    membership = Res(
        "huaweicloud_identity_group_membership", "who", None, {"group": GROUP_ID}, unknown=("users", "id")
    )
    document = plan(
        [
            GROUP,
            bot,
            _role("order-viewer", VIEWER, VIEWER_ID),
            _assignment("view", "order_viewer", VIEWER_ID),
            membership,
        ]
    )
    assert _diff(tmp_path, document)["user:bot"][ORDERS] == ("changed", "implicit_deny", "unknown")


def test_identity_v5_attachment_and_detachment(tmp_path):
    reader = policy_json(
        {"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["billing:balance:view"]}]}
    )
    group = {"group_name": "auditors", "id": "g5"}
    policy = {"name": "reader", "policy_document": reader, "id": "p5"}
    attach = {"policy_id": "p5", "group_id": "g5", "id": "p5/g5"}
    document = plan(
        [
            Res("huaweicloud_identityv5_group", "auditors", group, group),
            Res("huaweicloud_identityv5_policy", "reader", policy, policy),
            Res("huaweicloud_identityv5_policy_group_attach", "a", attach, None),
        ]
    )
    assert _diff(tmp_path, document)["group:auditors"][BALANCES] == ("lost", "allowed", "implicit_deny")


def test_agency_domain_roles_by_name(tmp_path):
    role = _role("order-viewer", VIEWER, VIEWER_ID)
    agency_before = {"name": "ops", "delegated_domain_name": "partner", "domain_roles": [], "id": "a1"}
    agency_after = {**agency_before, "domain_roles": ["order-viewer", "BSS ReadonlyAccess", "ECS FullAccess"]}
    document = plan([role, Res("huaweicloud_identity_agency", "ops", agency_before, agency_after)])
    changes = _diff(tmp_path, document)["agency:ops"]
    assert PAY not in changes  # a read-only policy cannot plausibly pay, ECS FullAccess is not counted
    assert changes[ORDERS][2] == "unknown"  # custom allow, but BSS ReadonlyAccess's document is unknown


def test_a_plan_that_touches_no_iam_resource_reports_no_change(tmp_path):
    vpc = Res("huaweicloud_vpc", "main", None, {"name": "main", "cidr": "10.0.0.0/16"}, unknown=("id",))
    path = write_plan(tmp_path / "plan.json", plan([vpc]))
    report = terraform_diff(path, TableSet(), EvaluationPolicy())
    assert report.principals == () and report.count(ChangeKind.GAINED) == 0


def test_unknown_decisions_are_never_callable(tmp_path):
    path = write_plan(tmp_path / "plan.json", sample_plan())
    report = terraform_diff(path, TableSet(), EvaluationPolicy())
    for item in report.principals:
        for change in item.diff.changes:
            if change.new.decision is Decision.UNKNOWN:
                assert change.new.callable is False


# --------------------------------------------------------------------------- bad plan files


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"format_version": "1.2", "resource_changes": [', "invalid JSON"),
        ('{"format_version": "1.0", "values": {"root_module": {}}}', "is a Terraform state, not a plan"),
        ('{"format_version": "0.1", "resource_changes": []}', "format_version '0.1' is not supported"),
        ('{"type": "customer", "policies": []}', "no format_version"),
        ("[1, 2]", "no format_version"),
        ('{"format_version": "1.2", "resource_changes": [{"address": 3}]}', "lacks address"),
        ('{"format_version": "1.2", "resource_changes": {"a": 1}}', "resource_changes is not a list"),
    ],
)
def test_bad_plan_files_are_one_input_error(tmp_path, text, fragment):
    path = tmp_path / "plan.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as caught:
        load_plan(str(path))
    assert fragment in caught.value.message
    assert caught.value.location.file == str(path)


def test_a_broken_policy_inside_a_plan_names_the_resource(tmp_path):
    resources = sample_resources()
    broken = copy.deepcopy(resources)
    broken[3].after = {**(broken[3].after or {}), "policy": '{"Version": "1.1", "Statement": [}'}
    path = write_plan(tmp_path / "plan.json", plan(broken, modules={"module.ci_users": "./modules/ci_users"}))
    with pytest.raises(InputError, match=r"huaweicloud_identity_role\.order_payer\.policy is not valid JSON"):
        terraform_diff(path, TableSet(), EvaluationPolicy())


def test_a_role_id_from_a_variable_known_only_after_apply_is_unknown(tmp_path):
    assignment = Res(
        "huaweicloud_identity_group_role_assignment",
        "from_var",
        None,
        {"group_id": GROUP_ID, "domain_id": DOMAIN, "project_id": None, "enterprise_project_id": None},
        unknown=("role_id", "id"),
        references={"role_id": ["var.role_id"]},
    )
    changes = _diff(tmp_path, plan([GROUP, assignment]))["group:finance-ops"]
    assert changes[ORDERS] == ("changed", "implicit_deny", "unknown")


def test_a_role_id_the_plan_does_not_declare_is_unknown(tmp_path):
    assignment = Res(
        "huaweicloud_identity_group_role_assignment",
        "literal",
        None,
        {"group_id": GROUP_ID, "role_id": "not-in-plan", "domain_id": DOMAIN, "project_id": None},
        unknown=("id",),
    )
    path = write_plan(tmp_path / "plan.json", plan([GROUP, assignment]))
    report = terraform_diff(path, TableSet(), EvaluationPolicy(), (), APIS)
    (item,) = report.principals
    assert {change.new.decision for change in item.diff.changes} == {Decision.UNKNOWN}
    (ref,) = item.planned.after.system_policies
    assert 'data "huaweicloud_identity_role"' in (ref.settle or "")


# --------------------------------------------------------------------------- hostile plans

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TYPES = [
    "huaweicloud_identity_role",
    "huaweicloud_identity_group",
    "huaweicloud_identity_user",
    "huaweicloud_identity_agency",
    "huaweicloud_identity_group_role_assignment",
    "huaweicloud_identity_group_membership",
    "huaweicloud_identityv5_policy",
    "huaweicloud_identityv5_policy_group_attach",
]
_ATTRIBUTES = [
    "id",
    "name",
    "policy",
    "policy_document",
    "group_id",
    "role_id",
    "domain_id",
    "project_id",
    "users",
    "group",
    "domain_roles",
    "policy_id",
    "user_id_list",
    "group_name",
]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=6),
    st.just(GROUP_ID),
    st.just(VIEWER_ID),
    st.just(VIEWER),
    st.just("all"),
    st.lists(st.one_of(st.text(max_size=4), st.just(GROUP_ID), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_RESOURCES = st.builds(
    lambda kind, name, before, after, unknown, refs: Res(
        kind,
        name,
        before,
        after,
        unknown=tuple(unknown),
        references={key: [f"{t}.{n}" for t, n in value] for key, value in refs.items()},
    ),
    st.sampled_from(_TYPES),
    st.sampled_from(["a", "b"]),
    st.one_of(st.none(), st.dictionaries(st.sampled_from(_ATTRIBUTES), _VALUES, max_size=5)),
    st.one_of(st.none(), st.dictionaries(st.sampled_from(_ATTRIBUTES), _VALUES, max_size=5)),
    st.lists(st.sampled_from(_ATTRIBUTES), max_size=3),
    st.dictionaries(
        st.sampled_from(_ATTRIBUTES),
        st.lists(st.tuples(st.sampled_from(_TYPES), st.sampled_from(["a", "b"])), max_size=2),
        max_size=2,
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(resources=st.lists(_RESOURCES, max_size=6))
def test_hostile_plans_decide_or_fail_as_input_errors(tmp_path_factory, resources):
    """Any mix of IAM resources with odd values: an answer or one InputError, never a crash,
    and nothing becomes callable through a value the plan does not know."""
    seen: set[str] = set()
    unique = []
    for res in resources:
        if res.address not in seen and (res.before is not None or res.after is not None):
            seen.add(res.address)
            unique.append(res)
    path = write_plan(tmp_path_factory.mktemp("hostile") / "plan.json", plan(unique))
    try:
        report = terraform_diff(path, TableSet(), EvaluationPolicy(), (), APIS)
    except InputError as error:
        assert str(error)
        return
    for item in report.principals:
        for ref in item.planned.after.system_policies:
            assert ref.source in ("terraform", "system_policy")


def test_an_after_unknown_nested_past_the_recursion_limit_is_read(tmp_path):
    deep: object = True
    for _ in range(900):
        deep = [deep]
    change = {"actions": ["create"], "before": None, "after": {"name": "g"}, "after_unknown": {"id": deep}}
    document = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "huaweicloud_identity_group.g",
                "mode": "managed",
                "type": "huaweicloud_identity_group",
                "name": "g",
                "change": change,
            }
        ],
    }
    path = write_plan(tmp_path / "plan.json", document)
    (instance,) = load_plan(path).after
    assert "id" in instance.unknown
