"""permtable.cover: the smallest set of permissions to grant, checked against a brute-force oracle."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import FixedTables, make_table, write_grants

from cli.plain import plain
from permtable.apis import parse_api
from permtable.cover import minimum_cover, plan_fixes
from permtable.evaluate import EvaluationPolicy
from permtable.grants import load_grants
from permtable.missing import missing_perms
from permtable.model import AccountType
from permtable.queries import can_call
from permtable.tables import bundled

PARTNER = bundled(AccountType.PARTNER).table
CUSTOMER = bundled(AccountType.CUSTOMER).table
PARTNER_CODES = sorted(PARTNER.permissions)


def _documented(table, code: str) -> bool:
    permission = table.permissions[code]
    return bool(permission.menu_path or permission.name)


def oracle(requirements: list[frozenset[str]], codes: list[str]) -> tuple[int, int]:
    """Brute force over all subsets of ``codes`` by increasing size: (optimal size, fewest
    undocumented codes among the optimal sets)."""
    bit = {code: 1 << position for position, code in enumerate(codes)}
    masks = [sum(bit[code] for code in requirement) for requirement in requirements]
    for size in range(len(codes) + 1):
        best = None
        for subset in combinations(codes, size):
            picked = sum(bit[code] for code in subset)
            if all(mask & picked for mask in masks):
                undocumented = sum(1 for code in subset if not _documented(PARTNER, code))
                best = undocumented if best is None else min(best, undocumented)
        if best is not None:
            return size, best
    raise AssertionError("unreachable: the set of all codes hits every non-empty requirement")


REQUIREMENTS = st.lists(
    st.frozensets(st.sampled_from(PARTNER_CODES), min_size=1, max_size=6),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(REQUIREMENTS)
def test_minimum_cover_agrees_with_brute_force(requirements):
    chosen, optimal = minimum_cover(requirements, PARTNER)
    size, undocumented = oracle(requirements, PARTNER_CODES)
    assert optimal is True
    assert len(chosen) == len(set(chosen)) == size
    for requirement in requirements:
        assert requirement & set(chosen), requirement
    assert set(chosen) <= set().union(*requirements)
    # Ties go to codes with a documented menu path: no optimal set has fewer undocumented codes.
    assert sum(1 for code in chosen if not _documented(PARTNER, code)) == undocumented


@given(
    st.lists(st.frozensets(st.sampled_from(PARTNER_CODES), min_size=1, max_size=4), min_size=1, max_size=5)
)
def test_minimum_cover_is_deterministic(requirements):
    first = minimum_cover(requirements, PARTNER)
    assert minimum_cover(list(reversed(requirements)), PARTNER) == first


def test_empty_requirements():
    assert minimum_cover([], PARTNER) == ([], True)


def test_ties_prefer_a_documented_menu_path():
    # BPC_B is alone on a row with a Path cell; BPC_A comes first in table order but has none.
    table = make_table(
        AccountType.PARTNER,
        [
            ("GET", "/v9/pair", ["BPC_A", "BPC_B"]),
            ("GET", "/v9/b", ["BPC_B"], "Sales > B"),
            ("GET", "/v9/a-too", ["BPC_A", "BPC_C"]),
        ],
    ).table
    assert minimum_cover([frozenset({"BPC_A", "BPC_B"})], table) == (["BPC_B"], True)
    # Size still comes first: BPC_A hits both requirements alone.
    assert minimum_cover([frozenset({"BPC_A", "BPC_B"}), frozenset({"BPC_A", "BPC_C"})], table) == (
        ["BPC_A"],
        True,
    )


def test_ties_on_the_bundled_table():
    # 010118 has a documented Path; 010100 does not.
    chosen, _ = minimum_cover(
        [frozenset({"BPC_ITEM_SUBCUSTSERV_010100", "BPC_ITEM_SUBCUSTSERV_010118"})], PARTNER
    )
    assert chosen == ["BPC_ITEM_SUBCUSTSERV_010118"]


# --------------------------------------------------------------------------- plan_fixes


def _load(tmp_path, name, grants):
    return load_grants([str(write_grants(tmp_path, name, grants))])


def _policy(*statements):
    return {
        "type": "customer",
        "policies": [{"name": "P", "document": {"Version": "1.1", "Statement": list(statements)}}],
    }


def test_customer_rows_force_every_missing_code(tmp_path, tables):
    grants = _load(tmp_path, "c.yaml", _policy({"Effect": "Allow", "Action": ["bss:order:view"]}))
    refs = [
        parse_api("GET /v2/orders/customer-orders"),  # allowed
        parse_api("PUT /v2/orders/customer-orders/cancel"),  # bss:order:update
        parse_api("GET /v2/accounts/customer-accounts/balances"),  # bss:balance:view
        parse_api("POST /v2/orders/subscriptions/resources/renew"),  # bss:order:update again
    ]
    report = missing_perms(refs, grants, tables, EvaluationPolicy())
    plan = report.plan
    assert {fix.permission.code for fix in plan.to_grant} == {"bss:order:update", "bss:balance:view"}
    unlocks = {fix.permission.code: fix.unlocks for fix in plan.to_grant}
    assert unlocks["bss:order:update"] == (
        "PUT /v2/orders/customer-orders/cancel",
        "POST /v2/orders/subscriptions/resources/renew",
    )
    assert plan.optimal and plan.blocked_by_deny == () and plan.unlisted == ()
    assert not report.nothing_missing


def test_customer_all_of_row_forces_both_codes(tmp_path):
    table = make_table(AccountType.CUSTOMER, [("GET", "/v9/both", ["bss:a:view", "bss:b:view"])])
    tables = FixedTables(table)
    grants = _load(tmp_path, "c.yaml", _policy())
    report = missing_perms([parse_api("GET /v9/both")], grants, tables, EvaluationPolicy())
    assert [fix.permission.code for fix in report.plan.to_grant] == ["bss:a:view", "bss:b:view"]
    grants = _load(tmp_path, "c2.yaml", _policy({"Effect": "Allow", "Action": ["bss:b:view"]}))
    report = missing_perms([parse_api("GET /v9/both")], grants, tables, EvaluationPolicy())
    assert [fix.permission.code for fix in report.plan.to_grant] == ["bss:a:view"]


def test_partner_rows_take_one_code_for_several_rows(tmp_path, tables):
    grants = _load(tmp_path, "p.yaml", {"type": "partner", "roles": []})
    refs = [
        parse_api("GET /v2/orders/customer-orders"),
        parse_api("GET /v2/orders/customer-orders/details/X"),
        parse_api("GET /v2/partners/sub-customers/budget"),
        parse_api("POST /v2/partners/sub-customers/budget/query"),
    ]
    plan = missing_perms(refs, grants, tables, EvaluationPolicy()).plan
    codes = [fix.permission.code for fix in plan.to_grant]
    assert len(codes) == 2
    assert codes[0] in {"BPC_ITEM_SUBCUSTSERV_060100", "BPC_ITEM_SUBCUSTSERV_060200"}
    assert codes[1] in {"BPC_ITEM_SUBCUSTSERV_010111", "BPC_ITEM_SUBCUSTSERV_010503"}
    assert plan.to_grant[0].unlocks == (
        "GET /v2/orders/customer-orders",
        "GET /v2/orders/customer-orders/details/{order_id}",
    )


def test_rows_blocked_by_a_deny_are_not_covered(tmp_path, tables):
    grants = _load(
        tmp_path,
        "c.yaml",
        _policy(
            {"Effect": "Allow", "Action": ["bss:order:view"]}, {"Effect": "Deny", "Action": ["bss:order:pay"]}
        ),
    )
    refs = [
        parse_api("POST /v2/orders/customer-orders/pay"),
        parse_api("POST /v3/orders/customer-orders/pay"),
        parse_api("GET /v2/bills/customer-bills/res-fee-records"),
    ]
    report = missing_perms(refs, grants, tables, EvaluationPolicy())
    plan = report.plan
    assert [result.ref.api for result in plan.blocked_by_deny] == [
        "POST /v2/orders/customer-orders/pay",
        "POST /v3/orders/customer-orders/pay",
    ]
    assert [fix.permission.code for fix in plan.to_grant] == ["bss:bill:view"]
    record = plain(report.record(), "en")
    assert [item["api"] for item in record["blocked_by_deny"]] == [
        "POST /v2/orders/customer-orders/pay",
        "POST /v3/orders/customer-orders/pay",
    ]
    assert record["blocked_by_deny"][0]["denied_by"][0]["statement"] == 2


def test_strict_unlisted_apis_are_listed_not_granted(tmp_path, tables):
    grants = _load(tmp_path, "p.yaml", {"type": "partner", "roles": []})
    refs = [parse_api("GET /v2/bases/conversions"), parse_api("POST /v2/partners/sub-customers")]
    loose = missing_perms(refs, grants, tables, EvaluationPolicy()).plan
    strict = missing_perms(refs, grants, tables, EvaluationPolicy(strict=True)).plan
    assert loose.unlisted == ()
    assert [result.ref.text for result in strict.unlisted] == ["GET /v2/bases/conversions"]
    assert [fix.permission.code for fix in strict.to_grant] == ["BPC_ITEM_SUBCUSTSERV_010118"]
    assert [fix.permission.code for fix in loose.to_grant] == ["BPC_ITEM_SUBCUSTSERV_010118"]


def test_plan_fixes_ignores_callable_results(tmp_path, tables):
    grants = _load(tmp_path, "p.yaml", {"type": "partner", "actions": ["BPC_ITEM_SUBCUSTSERV_010118"]})
    report = can_call([parse_api("POST /v2/partners/sub-customers")], grants, tables, EvaluationPolicy())
    plan = plan_fixes(report.results, report.table)
    assert plan.to_grant == () and plan.blocked_by_deny == () and plan.unlisted == ()


# --------------------------------------------------------------------------- round trips


def test_round_trip_partner_with_no_roles(tmp_path, tables):
    grants = _load(tmp_path, "p.yaml", {"type": "partner", "roles": []})
    before = missing_perms(None, grants, tables, EvaluationPolicy())
    assert len(before.checked.results) == 21
    codes = [fix.permission.code for fix in before.plan.to_grant]
    # Every row needs one of its codes; independent A|B pairs plus single-code rows.
    assert len(codes) == 12
    assert not before.nothing_missing
    grants = _load(tmp_path, "p2.yaml", {"type": "partner", "roles": [{"name": "Fix", "actions": codes}]})
    after = missing_perms(None, grants, tables, EvaluationPolicy())
    assert after.nothing_missing
    assert after.plan.to_grant == ()
    assert all(result.callable for result in after.checked.results)


@pytest.mark.parametrize("statement", [{"Effect": "Allow", "Action": ["ecs:*:*"]}, None])
def test_round_trip_customer_with_an_empty_ish_policy(tmp_path, tables, statement):
    document = _policy(statement) if statement else _policy()
    grants = _load(tmp_path, "c.yaml", document)
    before = missing_perms(None, grants, tables, EvaluationPolicy())
    codes = [fix.permission.code for fix in before.plan.to_grant]
    assert set(codes) == set(CUSTOMER.permissions)
    assert len(codes) == 10
    fixed = _policy(*([statement] if statement else []), {"Effect": "Allow", "Action": codes})
    after = missing_perms(None, _load(tmp_path, "c2.yaml", fixed), tables, EvaluationPolicy())
    assert after.nothing_missing
    assert after.plan.to_grant == ()


def test_round_trip_partial_partner(tmp_path, tables):
    start = {"type": "partner", "roles": [{"name": "Orders", "actions": ["BPC_ITEM_SUBCUSTSERV_060200"]}]}
    refs = [
        parse_api(text)
        for text in (
            "GET /v2/orders/customer-orders",
            "POST /v2/partners/sub-customers/freeze",
            "POST /v2/partners/sub-customers/unfreeze",
            "GET /v2/bases/x",
        )
    ]
    before = missing_perms(refs, _load(tmp_path, "p.yaml", start), tables, EvaluationPolicy(strict=False))
    codes = [fix.permission.code for fix in before.plan.to_grant]
    assert len(codes) == 1 and codes[0] in {"BPC_ITEM_SUBCUSTSERV_010501", "BPC_ITEM_SUBCUSTSERV_010115"}
    start["roles"].append({"name": "Fix", "actions": codes})
    after = missing_perms(refs, _load(tmp_path, "p2.yaml", start), tables, EvaluationPolicy())
    assert after.nothing_missing
