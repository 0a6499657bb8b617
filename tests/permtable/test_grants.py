"""permtable.grants: reading Partner Center roles and IAM policies, strictly, with notices."""

from __future__ import annotations

import json
import os
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import check_input_error, stacked_aliases, write_grants, write_text

from cli.plain import plain
from permtable.apis import parse_api
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import Decision, EvaluationPolicy
from permtable.grants import ACCOUNT_ACTIONS, Effect, _Warnings, load_grants, review_grants
from permtable.model import AccountType
from permtable.queries import can_call
from permtable.reports import AccountInfo
from permtable.tables import bundled
from permtable.values import MAX_SIMILAR_WARNINGS

PARTNER_CODES = list(bundled(AccountType.PARTNER).table.permissions)
CUSTOMER_CODES = list(bundled(AccountType.CUSTOMER).table.permissions)


def load_error(tmp_path, name: str, text: str) -> InputError:
    path = write_text(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        load_grants([str(path)])
    check_input_error(caught.value, name)
    return caught.value


def customer_doc(statements: str) -> str:
    return (
        'type: customer\npolicies:\n  - name: P\n    document:\n      Version: "1.1"\n      Statement:\n'
        + statements
    )


# --------------------------------------------------------------------------- partner files


def test_partner_file(tmp_path):
    path = write_text(
        tmp_path,
        "ops.yaml",
        "type: partner\naccount: ops-bot\nroles:\n  - name: Desk\n"
        "    actions: [BPC_ITEM_SUBCUSTSERV_060100]\n"
        "actions:\n  - BPC_ITEM_FINANCE_090100\n",
    )
    grants = load_grants([str(path)])
    assert grants.account_type is AccountType.PARTNER
    assert grants.account == "ops-bot"
    assert grants.files == (str(path),)
    assert [(role.name, role.actions) for role in grants.roles] == [
        ("Desk", ("BPC_ITEM_SUBCUSTSERV_060100",)),
        (ACCOUNT_ACTIONS, ("BPC_ITEM_FINANCE_090100",)),
    ]
    assert grants.roles[0].location.line == 4
    assert plain(AccountInfo.of(grants), "en") == {
        "name": "ops-bot",
        "type": "partner",
        "files": [str(path)],
        "roles": ["Desk", ACCOUNT_ACTIONS],
    }


def test_account_defaults_to_the_file_stem(tmp_path):
    path = write_grants(tmp_path, "billing-bot.yaml", {"type": "partner", "roles": []})
    assert load_grants([str(path)]).account == "billing-bot"


@pytest.mark.parametrize("word", ["no", "yes", "off", "on", "NO", "False"])
def test_unquoted_yaml_booleans_in_actions(tmp_path, word):
    text = (
        f"type: partner\nroles:\n  - name: R\n    actions:\n      - BPC_ITEM_SALES_020100\n      - {word}\n"
    )
    error = load_error(tmp_path, "p.yaml", text)
    assert "must be a string" in error.message
    assert error.hint == f'quote it: "{word}"'
    assert error.location.line == 6


def test_unquoted_y_is_just_a_string(tmp_path):
    # PyYAML resolves y/n as strings; they are then simply unknown codes.
    path = write_text(tmp_path, "p.yaml", "type: partner\nactions: [y]\n")
    grants = load_grants([str(path)])
    assert grants.roles[0].actions == ("y",)


def test_numbers_in_actions_say_quote(tmp_path):
    error = load_error(tmp_path, "p.yaml", "type: partner\nactions: [BPC_A, 12345]\n")
    assert error.hint is not None and error.hint.startswith("quote it")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- type: partner\n", "a grants file must be a mapping, found a list"),
        ("account: x\n", "needs 'type: partner' or 'type: customer'"),
        ("type: reseller\nroles: []\n", "type must be partner or customer, not 'reseller'"),
        ("type: partner\n", "a partner grants file needs roles or actions"),
        ("type: partner\nrolse: []\n", "unknown key 'rolse' in a partner grants file"),
        ("type: partner\nroles: {name: x}\n", "roles must be a list, found a mapping"),
        ("type: partner\nroles:\n  - name: x\n", "role 1 is missing the required key 'actions'"),
        ("type: partner\nroles:\n  - {name: x, actions: BPC_A}\n", "must be a list of strings"),
        ("type: customer\n", "is missing the required key 'policies'"),
        (
            "type: customer\npolicies:\n  - name: P\n",
            "policy 1 needs exactly one of 'document', 'file' or 'system'",
        ),
        ("type: customer\npolicies:\n  - {file: a.json, document: {}}\n", "needs exactly one of"),
        (
            "type: customer\npolicies:\n  - {document: {Statement: []}}\n",
            "missing the required key 'Version'",
        ),
        (
            'type: customer\npolicies:\n  - {document: {Version: "1.1"}}\n',
            "missing the required key 'Statement'",
        ),
        (
            "type: customer\npolicies:\n  - {document: {Version: 1.1, Statement: []}}\n",
            "Version must be a string",
        ),
        ('type: customer\npolicies:\n  - {document: {Version: "2.0", Statement: []}}\n', "not '2.0'"),
        ("type: customer\npolicies:\n  - {document: 'x'}\n", "must be a mapping"),
    ],
)
def test_grants_file_errors(tmp_path, text, message):
    error = load_error(tmp_path, "g.yaml", text)
    assert message in error.message


def test_missing_policy_file_is_named(tmp_path):
    path = write_text(tmp_path, "g.yaml", "type: customer\npolicies:\n  - {file: policies/missing.json}\n")
    with pytest.raises(InputError) as caught:
        load_grants([str(path)])
    assert caught.value.message == "no such file"
    check_input_error(caught.value, "policies/missing.json")


def test_unknown_key_did_you_mean(tmp_path):
    error = load_error(tmp_path, "g.yaml", "type: customer\npolicys: []\n")
    assert error.hint == "did you mean 'policies'?"


def test_no_grants_file():
    with pytest.raises(InputError) as caught:
        load_grants([])
    assert "no grants file" in str(caught.value)


# --------------------------------------------------------------------------- IAM documents


@pytest.mark.parametrize(
    ("effect", "hint"),
    [("allow", 'write "Allow"'), ("DENY", 'write "Deny"'), ("Permit", None), ("allow ", None)],
)
def test_effect_must_be_exact(tmp_path, effect, hint):
    error = load_error(
        tmp_path, "g.yaml", customer_doc(f'        - {{Effect: "{effect}", Action: ["bss:order:view"]}}\n')
    )
    assert 'Effect must be exactly "Allow" or "Deny"' in error.message
    assert error.hint == hint
    assert error.location.line == 7


def test_statement_must_be_a_list(tmp_path):
    text = (
        'type: customer\npolicies:\n  - document:\n      Version: "1.1"\n      Statement:\n'
        "        Effect: Allow\n        Action: [bss:order:view]\n"
    )
    error = load_error(tmp_path, "g.yaml", text)
    assert "Statement must be a list, found a mapping" in error.message
    assert error.hint == "wrap the statement in [ ]"


def test_action_as_a_single_string(tmp_path):
    path = write_text(
        tmp_path, "g.yaml", customer_doc("        - {Effect: Allow, Action: 'bss:order:view'}\n")
    )
    grants = load_grants([str(path)])
    (statement,) = grants.policies[0].statements
    assert [pattern.text for pattern in statement.actions] == ["bss:order:view"]
    assert statement.effect is Effect.ALLOW and not statement.conditional


@pytest.mark.parametrize(
    "action", ["bss:order", "bss", "bss:order:view:x", "bss::view", "bpc_item_sales_020100"]
)
def test_malformed_actions(tmp_path, action):
    error = load_error(
        tmp_path, "g.yaml", customer_doc(f"        - {{Effect: Allow, Action: ['{action}']}}\n")
    )
    assert f"action {action!r} is not service:resource:action" in error.message


def test_condition_must_be_a_mapping(tmp_path):
    error = load_error(
        tmp_path,
        "g.yaml",
        customer_doc("        - {Effect: Allow, Action: [bss:order:view], Condition: [x]}\n"),
    )
    assert "Condition of statement 1 of policy 'P' must be a mapping" in error.message


def test_conditions_are_kept_verbatim(tmp_path):
    path = write_text(
        tmp_path,
        "g.yaml",
        customer_doc(
            "        - {Effect: Allow, Action: [bss:order:view],\n"
            "           Condition: {StringEquals: {'g:UserName': [李]}}}\n"
        ),
    )
    (statement,) = load_grants([str(path)]).policies[0].statements
    assert statement.conditional
    assert json.loads(statement.condition) == {"Condition": {"StringEquals": {"g:UserName": ["李"]}}}


def test_bare_iam_policy_json_is_a_customer_grants_file(tmp_path):
    path = write_text(
        tmp_path,
        "FinanceReadOnly.json",
        json.dumps({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:bill*:view"]}]}),
    )
    grants = load_grants([str(path)])
    assert grants.account_type is AccountType.CUSTOMER
    assert grants.account == "FinanceReadOnly"
    (policy,) = grants.policies
    assert policy.name == "FinanceReadOnly" and policy.version == "1.1"
    assert policy.statements[0].location.file == str(path)


def test_bare_system_role_json(tmp_path):
    path = write_text(
        tmp_path,
        "BSSAdmin.json",
        json.dumps(
            {
                "Version": "1.0",
                "Statement": [{"Effect": "Allow", "Action": ["bss:*:*"]}],
                "Depends": [{"catalog": "BASE"}],
            }
        ),
    )
    grants = load_grants([str(path)])
    assert grants.policies[0].is_system_role
    (notice,) = grants.notices
    assert "system role (Version 1.0)" in notice.message
    assert notice.location.file == str(path)


def test_policy_file_is_relative_to_the_grants_file(tmp_path, monkeypatch):
    write_text(
        tmp_path,
        "conf/policies/ReadOnly.json",
        json.dumps({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "bss:order:view"}]}),
    )
    grants_path = write_text(
        tmp_path,
        "conf/customer.yaml",
        "type: customer\npolicies:\n  - file: policies/ReadOnly.json\n"
        "  - name: Named\n    file: ./policies/ReadOnly.json\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    grants = load_grants([os.path.relpath(grants_path, elsewhere)])
    assert [policy.name for policy in grants.policies] == ["ReadOnly", "Named"]
    assert os.path.samefile(
        grants.policies[0].statements[0].location.file, tmp_path / "conf/policies/ReadOnly.json"
    )


def test_errors_in_a_referenced_policy_name_that_file(tmp_path):
    write_text(
        tmp_path, "bad.json", '{"Version": "1.1", "Statement": [{"Effect": "allow", "Action": "bss:a:b"}]}'
    )
    path = write_text(tmp_path, "g.yaml", "type: customer\npolicies:\n  - file: bad.json\n")
    with pytest.raises(InputError) as caught:
        load_grants([str(path)])
    check_input_error(caught.value, "bad.json")
    assert caught.value.hint == 'write "Allow"'


# --------------------------------------------------------------------------- merging


def test_merging_two_partner_files(tmp_path, tables):
    first = write_grants(
        tmp_path,
        "a.yaml",
        {"type": "partner", "account": "bot", "roles": [{"name": "A", "actions": ["BPC_ITEM_SALES_020100"]}]},
    )
    second = write_grants(
        tmp_path, "b.yaml", {"type": "partner", "account": "bot", "actions": ["BPC_ITEM_FINANCE_090100"]}
    )
    grants = load_grants([str(first), str(second)])
    assert grants.files == (str(first), str(second))
    assert grants.account == "bot"
    assert [role.name for role in grants.roles] == ["A", ACCOUNT_ACTIONS]
    report = can_call(
        [
            parse_api("POST /v2/partners/indirect-partners/query"),
            parse_api("GET /v2/bills/partner-bills/postpaid-bill-summary"),
        ],
        grants,
        tables,
        EvaluationPolicy(),
    )
    assert [result.decision for result in report.results] == [Decision.ALLOWED, Decision.ALLOWED]
    assert [result.granted_by[0].file for result in report.results] == [str(first), str(second)]


def test_merging_customer_files_keeps_every_policy_and_notice(tmp_path):
    first = write_grants(
        tmp_path, "Role.json", {"Version": "1.0", "Statement": [{"Effect": "Allow", "Action": ["bss:*:*"]}]}
    )
    second = write_grants(
        tmp_path,
        "user.yaml",
        {
            "type": "customer",
            "account": "u",
            "policies": [
                {
                    "name": "Deny pay",
                    "document": {
                        "Version": "1.1",
                        "Statement": [{"Effect": "Deny", "Action": ["bss:order:pay"]}],
                    },
                }
            ],
        },
    )
    grants = load_grants([str(first), str(second)])
    assert grants.account == "Role + u"
    assert [policy.name for policy in grants.policies] == ["Role", "Deny pay"]
    assert len(grants.notices) == 1


def test_types_must_agree(tmp_path):
    partner = write_grants(tmp_path, "p.yaml", {"type": "partner", "roles": []})
    customer = write_grants(tmp_path, "c.json", {"Version": "1.1", "Statement": []})
    with pytest.raises(InputError) as caught:
        load_grants([str(partner), str(customer)])
    text = check_input_error(caught.value, "c.json")
    assert "is a customer grants file, but" in text and "p.yaml" in text


# --------------------------------------------------------------------------- review notices


def _review(grants):
    own = bundled(grants.account_type).table.permissions
    other = bundled(
        AccountType.CUSTOMER if grants.account_type is AccountType.PARTNER else AccountType.PARTNER
    ).table.permissions
    return review_grants(grants, own, other)


def test_unknown_partner_code_did_you_mean(tmp_path):
    path = write_grants(
        tmp_path,
        "p.yaml",
        {
            "type": "partner",
            "roles": [{"name": "R", "actions": ["BPC_ITEM_SALES_02010", "BPC_ITEM_SALES_020100"]}],
        },
    )
    (notice,) = _review(load_grants([str(path)]))
    assert notice.message == "'BPC_ITEM_SALES_02010' in role 'R' is not a permission in the table"
    assert notice.hint == "did you mean BPC_ITEM_SALES_020100?"
    assert notice.location.file == str(path) and notice.location.line is not None
    assert "\n" not in str(notice)


def test_unknown_customer_action_did_you_mean(tmp_path):
    path = write_grants(
        tmp_path,
        "c.yaml",
        {
            "type": "customer",
            "policies": [
                {
                    "name": "P",
                    "document": {
                        "Version": "1.1",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["bss:ordr:view", "bss:*:*", "ecs:*:*", "bss:nothing:*"],
                            }
                        ],
                    },
                }
            ],
        },
    )
    notices = _review(load_grants([str(path)]))
    assert [notice.message for notice in notices] == [
        "'bss:ordr:view' in statement 1 of policy 'P' is not a permission in the table",
        "'bss:nothing:*' in statement 1 of policy 'P' is not a permission in the table",
    ]
    assert notices[0].hint == "did you mean bss:order:view?"


def test_customer_code_in_a_partner_role(tmp_path):
    path = write_grants(
        tmp_path, "p.yaml", {"type": "partner", "roles": [{"name": "R", "actions": ["bss:order:view"]}]}
    )
    (notice,) = _review(load_grants([str(path)]))
    assert "belongs to the other account type's table" in notice.message


def test_system_roles_are_not_reviewed_but_noticed(tmp_path):
    path = write_grants(
        tmp_path,
        "r.json",
        {"Version": "1.0", "Statement": [{"Effect": "Allow", "Action": ["bss:typo:view"]}]},
    )
    notices = _review(load_grants([str(path)]))
    assert len(notices) == 1 and "system role" in notices[0].message


def test_partner_code_in_a_customer_policy_is_named_as_such(tmp_path):
    path = write_grants(
        tmp_path,
        "c.yaml",
        {
            "type": "customer",
            "policies": [
                {
                    "name": "P",
                    "document": {
                        "Version": "1.1",
                        "Statement": [{"Effect": "Allow", "Action": ["BPC_ITEM_SALES_020100"]}],
                    },
                }
            ],
        },
    )
    # The first version refused the file with a generic "not service:resource:action" error;
    # now it loads, grants nothing, and the review names the mix-up.
    grants = load_grants([str(path)])
    (notice,) = _review(grants)
    assert notice.message == (
        "'BPC_ITEM_SALES_020100' in statement 1 of policy 'P' belongs to the other account type's "
        "table and grants nothing here"
    )
    assert notice.location.file == str(path)
    (statement,) = grants.policies[0].statements
    assert not any(pattern.matches(code) for pattern in statement.actions for code in CUSTOMER_CODES)
    assert not any(pattern.matches(code) for pattern in statement.actions for code in PARTNER_CODES)


def test_partner_code_in_a_customer_policy_grants_nothing(tmp_path, tables):
    document = {
        "Version": "1.1",
        "Statement": [{"Effect": "Allow", "Action": ["BPC_ITEM_SUBCUSTSERV_060100"]}],
    }
    path = write_grants(tmp_path, "Mixed.json", document)
    report = can_call(
        [parse_api("GET /v2/orders/customer-orders")], load_grants([str(path)]), tables, EvaluationPolicy()
    )
    assert report.results[0].decision is Decision.IMPLICIT_DENY
    assert any("other account type" in notice.message for notice in report.notices)


def test_role_and_account_actions_are_read_alike(tmp_path, tables):
    padded = " BPC_ITEM_SALES_020100 "
    role = write_grants(
        tmp_path, "role.yaml", {"type": "partner", "roles": [{"name": "R", "actions": [padded]}]}
    )
    account = write_grants(tmp_path, "account.yaml", {"type": "partner", "actions": [padded]})
    ref = parse_api("POST /v2/partners/indirect-partners/query")
    decisions = [
        can_call([ref], load_grants([str(path)]), tables, EvaluationPolicy()).results[0].decision
        for path in (role, account)
    ]
    assert decisions[0] is decisions[1]


# --------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tab.yaml", "type: partner\nroles:\n\t- name: x\n"),
        ("dup.yaml", "type: partner\ntype: customer\n"),
        ("comma.json", '{"Version": "1.1", "Statement": [],}'),
        ("tag.yaml", "type: !!python/object:os.system partner\n"),
        ("long.yaml", "type: partner\nactions:\n  - " + "x" * 5000 + ": y\n"),
        ("multi.yaml", "type: partner\nroles:\n  - name: |\n      two\n      lines\n    actions: [no]\n"),
        ("newline-key.yaml", 'type: partner\n"ro\\nles": []\n'),
        ("effect.yaml", customer_doc('        - {Effect: "al\\nlow", Action: [bss:a:b]}\n')),
    ],
)
def test_every_input_error_is_one_line_naming_the_file(tmp_path, name, content):
    load_error(tmp_path, name, content)


@pytest.mark.parametrize("name", ["Desk\rOps", "Desk\u2028Ops"], ids=["cr", "u2028"])
def test_notices_are_one_line_whatever_the_role_name(tmp_path, name):
    path = write_grants(
        tmp_path, "p.json", {"type": "partner", "roles": [{"name": name, "actions": ["BPC_NOPE"]}]}
    )
    (notice,) = _review(load_grants([str(path)]))
    assert len(str(notice).splitlines()) == 1, str(notice)


def test_a_condition_nested_through_aliases_is_an_input_error(tmp_path):
    anchors = "".join(f"  - {item}\n" for item in stacked_aliases())
    text = (
        "Version: '1.1'\nDepends:\n" + anchors + "Statement:\n  - Effect: Allow\n"
        "    Action: [bss:order:view]\n    Condition:\n      StringEquals:\n        k: *x29\n"
    )
    load_error(tmp_path, "stacked.yaml", text)


def _repeated_typos(tmp_path, statements):
    """A customer account repeating two codes the table does not list in every statement."""
    statement = {"Effect": "Allow", "Action": ["bss:ordr:view", "bss:nothing:view"]}
    document = {"Version": "1.1", "Statement": [statement] * statements}
    path = write_grants(
        tmp_path, "c.json", {"type": "customer", "policies": [{"name": "P", "document": document}]}
    )
    return load_grants([str(path)])


def test_a_repeated_warning_is_kept_a_few_times_and_counted_in_bounded_memory(tmp_path):
    grants = _repeated_typos(tmp_path, 20_000)
    own = bundled(AccountType.CUSTOMER).table.permissions
    other = bundled(AccountType.PARTNER).table.permissions
    tracemalloc.start()
    notices = review_grants(grants, own, other)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    messages = [notice.message for notice in notices]
    assert len(messages) == 2 * (MAX_SIMILAR_WARNINGS + 1)
    assert messages[0] == "'bss:ordr:view' in statement 1 of policy 'P' is not a permission in the table"
    counted = f"{20_000 - MAX_SIMILAR_WARNINGS:,} more use(s) of 'bss:ordr:view', which is not a permission"
    assert f"{counted} in the table" in messages
    # Kept, 40,000 warnings would take megabytes; the review holds 42 and a count per code.
    assert peak < 512 * 1024, peak


def test_a_focused_review_keeps_the_warnings_that_bear_on_the_question(tmp_path):
    grants = _repeated_typos(tmp_path, 30)
    own = bundled(AccountType.CUSTOMER).table.permissions
    other = bundled(AccountType.PARTNER).table.permissions
    messages = [notice.message for notice in review_grants(grants, own, other, focus={"bss:order:view"})]
    assert len(messages) == MAX_SIMILAR_WARNINGS + 1
    assert all("'bss:ordr:view'" in message for message in messages)
    assert messages[-1].startswith(f"{30 - MAX_SIMILAR_WARNINGS:,} more use(s) of 'bss:ordr:view'")


def _grouped_as_first_written(items, focus):
    """The review's grouping before it counted as it went: every occurrence kept, then filtered
    by focus, then each kind's first MAX_SIMILAR_WARNINGS shown and one line counting the rest."""
    kept = [
        item
        for item in items
        if isinstance(item, Notice) or focus is None or any(code in focus for code in item[3])
    ]
    seen: dict[str, int] = {}
    for item in kept:
        if not isinstance(item, Notice):
            seen[item[0]] = seen.get(item[0], 0) + 1
    shown: dict[str, int] = {}
    result = []
    for item in kept:
        if isinstance(item, Notice):
            result.append(item)
            continue
        key, notice, summary, _ = item
        count = shown[key] = shown.get(key, 0) + 1
        if count <= MAX_SIMILAR_WARNINGS:
            result.append(notice)
        elif count == MAX_SIMILAR_WARNINGS + 1:
            result.append(
                Notice(f"{seen[key] - MAX_SIMILAR_WARNINGS:,} more {summary}", notice.location, notice.hint)
            )
    return result


_EVENTS = st.one_of(
    st.integers(0, 2),  # a warning said once
    st.tuples(st.sampled_from("ab"), st.sampled_from([(), ("x",), ("y",), ("x", "y")])),  # a repeat
)


@given(
    # Runs of one event, so kinds pass MAX_SIMILAR_WARNINGS (20) and get counted.
    st.lists(st.tuples(_EVENTS, st.integers(1, 30)), max_size=8),
    st.sampled_from([None, {"x"}, {"y"}, set()]),
)
@settings(max_examples=300)
def test_warnings_count_as_they_go_and_show_what_grouping_every_occurrence_showed(runs, focus):
    warnings = _Warnings(focus)
    items: list[object] = []
    expanded = [event for event, times in runs for _ in range(times)]
    for number, event in enumerate(expanded, 1):
        where = Location("g.yaml", number)
        if isinstance(event, int):
            notice = Notice(f"plain {event}", where)
            warnings.add(notice)
            items.append(notice)
            continue
        key, codes = event
        notice = Notice(f"{key} at {number}", where, f"hint {key}")
        if warnings.wanted(key, codes):
            warnings.repeat(key, notice, f"use(s) of {key}")
        items.append((key, notice, f"use(s) of {key}", codes))
    assert warnings.shown() == _grouped_as_first_written(items, focus)
