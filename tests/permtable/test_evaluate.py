"""Evaluation: decisions, callability, what is missing and which grant decided, per API."""

from __future__ import annotations

import pytest
import yaml
from pt_helpers import CASES, FixedTables, make_table, write_grants, write_text

from cli.plain import plain
from permtable.apis import parse_api
from permtable.evaluate import Decision, EvaluationPolicy, Evaluator, Unlisted, combine
from permtable.grants import load_boundaries, load_grants
from permtable.model import AccountType, Mode
from permtable.queries import can_call
from permtable.tables import TableSet, bundled

CASE_KEYS = {
    "name",
    "file",
    "grants",
    "api",
    "options",
    "decision",
    "callable",
    "missing",
    "granted_by",
    "notes",
    "notices",
    "suggestions",
    "unlisted",
    "entry",
    "alternatives",
    "scps",
    "identity_missing",
}
EVALUATION_CASES = yaml.safe_load((CASES / "evaluation.yaml").read_text("utf-8"))


def test_the_case_file_is_well_formed():
    names = [case["name"] for case in EVALUATION_CASES]
    assert len(names) == len(set(names))
    assert len(names) >= 25
    for case in EVALUATION_CASES:
        assert set(case) <= CASE_KEYS, case["name"]
        assert {"name", "grants", "api", "decision", "callable"} <= set(case), case["name"]
        assert case["decision"] in {d.value for d in Decision}
    types = {case["grants"].get("type", "customer") for case in EVALUATION_CASES}
    assert types == {"partner", "customer"}
    for decision in Decision:
        assert any(case["decision"] == decision.value for case in EVALUATION_CASES), decision


@pytest.mark.parametrize("case", EVALUATION_CASES, ids=[case["name"] for case in EVALUATION_CASES])
def test_evaluation_case(case, tmp_path, tables):
    path = write_grants(tmp_path, case.get("file", f"{case['name']}.yaml"), case["grants"])
    grants = load_grants([str(path)])
    if "scps" in case:
        scp_files = [
            str(write_grants(tmp_path, f"scp-{index}.json", scp)) for index, scp in enumerate(case["scps"])
        ]
        grants = grants.bounded_by(load_boundaries(scp_files))
    options = EvaluationPolicy(**case.get("options", {}))
    report = can_call([parse_api(case["api"])], grants, tables, options)
    (result,) = report.results
    assert result.decision.value == case["decision"]
    assert result.callable is case["callable"]
    assert report.all_callable is case["callable"]
    if "missing" in case:
        assert list(result.missing) == case["missing"]
    if "identity_missing" in case:
        assert list(result.missing_identity) == case["identity_missing"]
    if "granted_by" in case:
        assert [grant.name for grant in result.granted_by] == case["granted_by"]
        assert all(grant.file == str(path) for grant in result.granted_by)
    for note in case.get("notes", []):
        assert any(note in text for text in result.notes), result.notes
    if "notes" not in case:
        assert result.notes == ()
    notices = [str(notice) for notice in report.notices]
    for notice in case.get("notices", []):
        assert any(notice in text for text in notices), notices
    if "suggestions" in case:
        assert sorted(s.entry.api for s in result.suggestions) == sorted(case["suggestions"])
    unlisted = result.unlisted_kind.value if result.unlisted_kind else None
    assert unlisted == case.get("unlisted"), unlisted
    if "entry" in case:
        assert result.entry is not None and result.entry.api == case["entry"]
    if "alternatives" in case:
        assert sorted(alt.entry.api for alt in result.alternatives if alt.entry) == sorted(
            case["alternatives"]
        )
    # Invariants every result keeps, whatever the case.
    assert result.callable == (
        result.decision is Decision.ALLOWED
        or (result.decision is Decision.NOT_CHECKED and not options.strict and unlisted is None)
    )
    # An API with {holes} is decided by its worst row: no row it may reach is better off.
    for alternative in result.alternatives:
        assert result.callable <= alternative.callable
    if result.entry is None:
        # Unlisted: not checked, unless the identity-action table documents it (then it is
        # decided by identity policies, never "no check").
        assert result.missing == ()
        assert (
            (result.decision is Decision.NOT_CHECKED)
            or result.identity_row is not None
            or (result.decision in (Decision.UNKNOWN, Decision.BLOCKED_BY_SCP))
        )
        if result.identity_row is not None:
            assert result.decision is not Decision.NOT_CHECKED
    else:
        assert result.entry.table is grants.account_type
        assert [check.permission for check in result.checks] == list(result.entry.permissions)


# --------------------------------------------------------------------------- all-of / any-of

TWO = ("bss:alpha:view", "bss:beta:view")


@pytest.fixture
def two_permission_customer_table():
    return make_table(
        AccountType.CUSTOMER,
        [
            ("GET", "/v9/both", TWO, "两者"),
            ("GET", "/v9/alpha", TWO[:1], "甲"),
        ],
    )


def _customer(tmp_path, *statements, name="g.yaml"):
    grants = {
        "type": "customer",
        "policies": [{"name": "P", "document": {"Version": "1.1", "Statement": list(statements)}}],
    }
    return load_grants([str(write_grants(tmp_path, name, grants))])


def test_all_of_one_missing_permission_blocks(tmp_path, two_permission_customer_table):
    tables = FixedTables(two_permission_customer_table)
    grants = _customer(tmp_path, {"Effect": "Allow", "Action": ["bss:alpha:view"]})
    report = can_call(
        [parse_api("GET /v9/both"), parse_api("GET /v9/alpha")], grants, tables, EvaluationPolicy()
    )
    both, alpha = report.results
    assert both.entry.mode is Mode.ALL
    assert both.decision is Decision.IMPLICIT_DENY and not both.callable
    assert both.missing == ("bss:beta:view",)
    assert [check.decision for check in both.checks] == [Decision.ALLOWED, Decision.IMPLICIT_DENY]
    assert alpha.decision is Decision.ALLOWED and alpha.callable and alpha.missing == ()


def test_all_of_every_permission_allows(tmp_path, two_permission_customer_table):
    tables = FixedTables(two_permission_customer_table)
    grants = _customer(tmp_path, {"Effect": "Allow", "Action": ["bss:alpha:view", "bss:beta:*"]})
    (result,) = can_call([parse_api("GET /v9/both")], grants, tables, EvaluationPolicy()).results
    assert result.decision is Decision.ALLOWED and result.callable and result.missing == ()
    assert [grant.pattern for grant in result.granted_by] == ["bss:alpha:view", "bss:beta:*"]


def test_all_of_deny_on_one_permission(tmp_path, two_permission_customer_table):
    tables = FixedTables(two_permission_customer_table)
    grants = _customer(
        tmp_path,
        {"Effect": "Allow", "Action": ["bss:*:view"]},
        {"Effect": "Deny", "Action": ["bss:beta:view"]},
    )
    (result,) = can_call([parse_api("GET /v9/both")], grants, tables, EvaluationPolicy()).results
    assert result.decision is Decision.EXPLICIT_DENY
    assert result.blocked_by_deny
    assert [d.statement for check in result.checks for d in check.denied_by] == [2]


def test_all_of_conditional_and_missing_is_a_denial(tmp_path, two_permission_customer_table):
    tables = FixedTables(two_permission_customer_table)
    grants = _customer(
        tmp_path, {"Effect": "Allow", "Action": ["bss:alpha:view"], "Condition": {"Bool": {"x": ["y"]}}}
    )
    (result,) = can_call([parse_api("GET /v9/both")], grants, tables, EvaluationPolicy()).results
    # One permission is held only under a condition, the other not at all: nothing to hope for.
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.missing == TWO


def test_any_of_one_action_is_enough(tmp_path):
    table = make_table(AccountType.PARTNER, [("GET", "/v9/x", ["BPC_A", "BPC_B", "BPC_C"])])
    tables = FixedTables(table)
    for held in ("BPC_A", "BPC_B", "BPC_C"):
        path = write_grants(
            tmp_path, f"{held}.yaml", {"type": "partner", "roles": [{"name": "R", "actions": [held]}]}
        )
        (result,) = can_call(
            [parse_api("GET /v9/x")], load_grants([str(path)]), tables, EvaluationPolicy()
        ).results
        assert result.decision is Decision.ALLOWED, held
        assert [grant.permission for grant in result.granted_by] == [held]
    path = write_grants(tmp_path, "none.yaml", {"type": "partner", "actions": ["BPC_D"]})
    (result,) = can_call(
        [parse_api("GET /v9/x")], load_grants([str(path)]), tables, EvaluationPolicy()
    ).results
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.missing == ("BPC_A", "BPC_B", "BPC_C")


@pytest.mark.parametrize(
    ("mode", "decisions", "expected"),
    [
        (Mode.ANY, [Decision.IMPLICIT_DENY, Decision.ALLOWED], Decision.ALLOWED),
        (Mode.ANY, [Decision.IMPLICIT_DENY, Decision.CONDITIONAL], Decision.CONDITIONAL),
        (Mode.ANY, [Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY], Decision.IMPLICIT_DENY),
        (Mode.ANY, [Decision.EXPLICIT_DENY], Decision.EXPLICIT_DENY),
        (Mode.ALL, [Decision.ALLOWED, Decision.ALLOWED], Decision.ALLOWED),
        (Mode.ALL, [Decision.ALLOWED, Decision.CONDITIONAL], Decision.CONDITIONAL),
        (Mode.ALL, [Decision.CONDITIONAL, Decision.IMPLICIT_DENY], Decision.IMPLICIT_DENY),
        (Mode.ALL, [Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY], Decision.EXPLICIT_DENY),
    ],
)
def test_combine(mode, decisions, expected):
    assert combine(mode, decisions) is expected
    assert combine(mode, decisions[::-1]) is expected


# --------------------------------------------------------------------------- provenance


def test_partner_provenance(tmp_path, tables):
    text = """\
type: partner
account: bot
roles:
  - name: Order desk
    actions: [BPC_ITEM_SUBCUSTSERV_060100]
  - name: Order desk 2
    actions:
      - BPC_ITEM_SUBCUSTSERV_060200
actions: [BPC_ITEM_SUBCUSTSERV_060100]
"""
    path = write_text(tmp_path, "partner.yaml", text)
    (result,) = can_call(
        [parse_api("GET /v2/orders/customer-orders")], load_grants([str(path)]), tables, EvaluationPolicy()
    ).results
    records = [
        (g.permission, g.source, g.name, g.effect, g.file, g.line, g.statement) for g in result.granted_by
    ]
    assert records == [
        ("BPC_ITEM_SUBCUSTSERV_060100", "role", "Order desk", "Allow", str(path), 4, None),
        ("BPC_ITEM_SUBCUSTSERV_060100", "account", "(account actions)", "Allow", str(path), 9, None),
        ("BPC_ITEM_SUBCUSTSERV_060200", "role", "Order desk 2", "Allow", str(path), 6, None),
    ]


def test_customer_provenance(tmp_path, tables):
    write_text(
        tmp_path,
        "policies/ReadOnly.json",
        '{\n  "Version": "1.1",\n  "Statement": [\n    {"Effect": "Allow", "Action": ["bss:ecs:x"]},\n'
        '    {"Effect": "Allow", "Action": ["bss:order:*", "bss:bill:view"]}\n  ]\n}\n',
    )
    text = """\
type: customer
policies:
  - file: policies/ReadOnly.json
  - name: Guard
    document:
      Version: "1.1"
      Statement:
        - Effect: Deny
          Action: bss:order:pay
          Condition: {Bool: {"g:MFAPresent": ["false"]}}
"""
    grants_path = write_text(tmp_path, "customer.yaml", text)
    grants = load_grants([str(grants_path)])
    report = can_call(
        [parse_api("GET /v2/orders/customer-orders"), parse_api("POST /v3/orders/customer-orders/pay")],
        grants,
        tables,
        EvaluationPolicy(),
    )
    view, pay = report.results
    (grant,) = view.granted_by
    assert (grant.source, grant.name, grant.statement, grant.pattern, grant.effect) == (
        "policy",
        "ReadOnly",
        2,
        "bss:order:*",
        "Allow",
    )
    assert grant.file == str(tmp_path / "policies/ReadOnly.json")
    assert grant.line == 5
    assert grant.condition is None
    assert pay.decision is Decision.CONDITIONAL
    (deny,) = pay.checks[0].denied_by
    assert (deny.name, deny.statement, deny.effect, deny.file, deny.line) == (
        "Guard",
        1,
        "Deny",
        str(grants_path),
        8,
    )
    assert '"g:MFAPresent"' in deny.condition
    assert pay.granted_by[0].name == "ReadOnly"
    record = plain(grant, "en")
    assert record["name"] == "ReadOnly" and record["statement"] == 2 and record["file"] == grant.file


def test_unlisted_with_strict_and_the_other_table(tmp_path, tables):
    path = write_grants(tmp_path, "p.yaml", {"type": "partner", "roles": []})
    grants = load_grants([str(path)])
    refs = [parse_api("GET /v2/orders/customer-orders/order-discounts"), parse_api("GET /v2/nothing")]
    loose = can_call(refs, grants, tables, EvaluationPolicy())
    strict = can_call(refs, grants, tables, EvaluationPolicy(strict=True))
    # Documented only for customers: not callable by a partner account, --strict or not; a
    # plainly unlisted API is callable unless --strict.
    assert [r.callable for r in loose.results] == [False, True]
    assert [r.callable for r in strict.results] == [False, False]
    assert all(r.decision is Decision.NOT_CHECKED for r in (*loose.results, *strict.results))
    assert loose.results[0].notes and "documented only for customer accounts" in loose.results[0].notes[0]
    assert loose.results[0].unlisted_kind is Unlisted.OTHER_ACCOUNT_TYPE
    assert loose.results[0].other_entry is not None
    assert loose.results[0].other_entry.api == "GET /v2/orders/customer-orders/order-discounts"
    assert loose.results[1].notes == () and loose.results[1].unlisted_kind is None


def test_evaluator_refuses_grants_of_the_other_type(tmp_path):
    path = write_grants(tmp_path, "p.yaml", {"type": "partner", "roles": []})
    with pytest.raises(ValueError):
        Evaluator(bundled(AccountType.CUSTOMER), load_grants([str(path)]))


def test_report_records(tmp_path, tables):
    path = write_grants(
        tmp_path,
        "p.yaml",
        {"type": "partner", "roles": [{"name": "R", "actions": ["BPC_ITEM_SALES_020100"]}]},
    )
    report = can_call(
        [parse_api("POST /v2/partners/indirect-partners/query"), parse_api("GET /v2/orders/customer-orders")],
        load_grants([str(path)]),
        tables,
        EvaluationPolicy(),
    )
    record = plain(report.record(), "en")
    assert record["summary"]["total"] == 2
    assert record["summary"]["callable"] == 1
    assert record["summary"]["decisions"]["allowed"] == 1
    assert record["summary"]["decisions"]["implicit_deny"] == 1
    first, second = record["results"]
    assert first["menu_paths"] == [
        {
            "permission": "BPC_ITEM_SALES_020100",
            "table": "partner",
            "menu_path": "Sales > Resellers > Reseller Management > My Resellers > View Resellers",
        }
    ]
    # A documented blank Path cell stays blank: never invented.
    assert [item["menu_path"] for item in second["menu_paths"]] == [None, None]
    assert second["missing"] == ["BPC_ITEM_SUBCUSTSERV_060100", "BPC_ITEM_SUBCUSTSERV_060200"]
    assert record["table"]["type"] == "partner"


def test_table_override_is_used_for_evaluation(tmp_path):
    table_text = (
        "schema: 1\ntype: customer\nmode: all\nsource: {title: {zh: t}, site: s, language: zh}\nentries:\n"
        "  - {scenario: {zh: s}, sub_scenario: {zh: s}, description: {zh: d}, method: GET, "
        "path: /v2/orders/customer-orders, permissions: [bss:order:view, bss:order:list]}\n"
    )
    tables = TableSet([str(write_text(tmp_path, "c.yaml", table_text))])
    grants = _customer(tmp_path, {"Effect": "Allow", "Action": ["bss:order:view"]})
    (result,) = can_call(
        [parse_api("GET /v2/orders/customer-orders")], grants, tables, EvaluationPolicy()
    ).results
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.missing == ("bss:order:list",)


def test_a_role_whose_name_starts_with_a_parenthesis_is_still_a_role(tmp_path, tables):
    grants = {"type": "partner", "roles": [{"name": "(EU) Finance", "actions": ["BPC_ITEM_FINANCE_090100"]}]}
    path = write_grants(tmp_path, "p.yaml", grants)
    report = can_call(
        [parse_api("GET /v2/bills/partner-bills/postpaid-bill-summary")],
        load_grants([str(path)]),
        tables,
        EvaluationPolicy(),
    )
    (grant,) = report.results[0].granted_by
    assert grant.name == "(EU) Finance"
    assert grant.source == "role"
