"""permtable.queries: explain and browse (can-call and missing-perms are covered elsewhere)."""

from __future__ import annotations

import pytest
from pt_helpers import check_input_error, write_grants

from permtable.apis import parse_api
from permtable.errors import InputError
from permtable.explain import explain
from permtable.listing import browse
from permtable.model import AccountType


def apis(report):
    return [(entry.api, table.account_type.value) for entry, table in report.entries]


def test_explain_an_api_listed_in_both_tables(tables):
    report = explain("GET /v2/promotions/benefits/coupons", tables)
    assert report.kind == "api" and report.matched
    assert apis(report) == [
        ("GET /v2/promotions/benefits/coupons", "partner"),
        ("GET /v2/promotions/benefits/coupons", "customer"),
    ]
    partner, customer = (entry for entry, _ in report.entries)
    assert partner.permissions == ("BPC_MENU_FINANCE_100100", "BPC_ITEM_SUBCUSTSERV_050101")
    assert customer.permissions == ("bss:coupon:view",)
    assert report.notes == ()


def test_explain_a_bare_path_lists_every_method(tables):
    report = explain("/v2/partners/sub-customers/budget", tables)
    assert apis(report) == [
        ("GET /v2/partners/sub-customers/budget", "partner"),
        ("POST /v2/partners/sub-customers/budget", "partner"),
    ]
    assert report.notes == (
        "not in the customer table: documented only for partner accounts, "
        "so customer accounts are not counted as able to call it",
    )


def test_explain_an_api_in_neither_table_needs_no_permission(tables):
    report = explain("GET /v2/bases/conversions", tables)
    assert report.notes == (
        "not in the partner table: partner accounts need no fine-grained permission for it",
        "not in the customer table: customer accounts need no fine-grained permission for it",
    )


def test_explain_an_unlisted_typo(tables):
    report = explain(
        "POST /v2/orders/subscriptions/resources/query", tables, account_type=AccountType.CUSTOMER
    )
    assert not report.matched
    assert [s.entry.api for s in report.suggestions] == ["POST /v2/orders/suscriptions/resources/query"]


def test_explain_a_permission_pattern(tables):
    report = explain("bss:order:*", tables)
    assert report.kind == "permission"
    assert [permission.code for permission, _ in report.permissions] == [
        "bss:order:view",
        "bss:order:update",
        "bss:order:pay",
    ]
    # Seed rows needing bss:order:view (4), bss:order:update (6) and bss:order:pay (2).
    assert len(report.entries) == 12
    assert {table.account_type for _, table in report.entries} == {AccountType.CUSTOMER}


def test_explain_a_partner_code_glob(tables):
    report = explain("BPC_ITEM_SUBCUSTSERV_0601*", tables)
    assert [permission.code for permission, _ in report.permissions] == ["BPC_ITEM_SUBCUSTSERV_060100"]
    assert [entry.api for entry, _ in report.entries] == [
        "GET /v2/orders/customer-orders",
        "GET /v2/orders/customer-orders/details/{order_id}",
    ]


def test_explain_an_unknown_code_suggests(tables):
    report = explain("bss:ordr:view", tables)
    assert not report.matched
    assert report.notes == ("no documented API needs bss:ordr:view; did you mean bss:order:view?",)


def test_explain_neither_api_nor_permission(tables):
    with pytest.raises(InputError) as caught:
        explain("hello", tables)
    check_input_error(caught.value, "<argument>")


def test_explain_with_grants(tmp_path, tables):
    path = write_grants(
        tmp_path,
        "p.yaml",
        {"type": "partner", "roles": [{"name": "R", "actions": ["BPC_ITEM_SUBCUSTSERV_060200"]}]},
    )
    from permtable.grants import load_grants

    grants = load_grants([str(path)])
    report = explain("GET /v2/orders/customer-orders/details/X1", tables, grants=grants)
    assert apis(report) == [("GET /v2/orders/customer-orders/details/{order_id}", "partner")]
    (result,) = report.decision.results
    assert result.callable and result.granted_by[0].name == "R"
    with pytest.raises(InputError) as caught:
        explain("GET /v2/x", tables, grants=grants, account_type=AccountType.CUSTOMER)
    check_input_error(caught.value, "p.yaml")


def test_browse(tables):
    assert len(browse(tables).entries) == 21 + 26
    assert len(browse(tables, AccountType.PARTNER).entries) == 21
    assert [
        entry.api for entry, _ in browse(tables, AccountType.CUSTOMER, permission="bss:bill*:view").entries
    ] == [
        "POST /v3/payments/free-resources/query",
        "GET /v2/bills/customer-bills/free-resources-usage-records",
        "POST /v2/payments/free-resources/usages/details/query",
        "POST /v2/bills/customer-bills/res-records/query",
        "GET /v1.0/{domain_id}/customer/account-mgr/bill/monthly-sum",
        "GET /v2/bills/customer-bills/res-fee-records",
    ]
    # Search reads both languages and the codes, case-insensitively.
    found = browse(tables, search="AUTORENEW")
    assert [entry.method for entry, _ in found.entries] == ["POST", "DELETE"]
    assert [entry.api for entry, _ in browse(tables, search="余额").entries] == [
        "GET /v2/accounts/customer-accounts/balances"
    ]
    assert browse(tables, search="no such words anywhere").entries == ()


# --------------------------------------------------------------------------- the other table, lazily


def _loaded(tables):
    return sorted(kind.value for kind in tables._tables)


def test_can_call_reads_the_other_table_only_when_it_can_matter(tmp_path, tables):
    from permtable.evaluate import EvaluationPolicy
    from permtable.grants import load_grants
    from permtable.queries import can_call

    partner = load_grants(
        [
            str(
                write_grants(
                    tmp_path,
                    "p.yaml",
                    {"type": "partner", "roles": [{"name": "r", "actions": ["BPC_ITEM_SUBCUSTSERV_060100"]}]},
                )
            )
        ]
    )
    listed = can_call([parse_api("GET /v2/orders/customer-orders")], partner, tables, EvaluationPolicy())
    assert listed.results[0].callable and listed.notices == ()
    assert _loaded(tables) == ["partner"], "a listed API and known codes need no other table"
    unlisted = can_call(
        [parse_api("GET /v2/accounts/customer-accounts/balances")], partner, tables, EvaluationPolicy()
    )
    assert unlisted.results[0].notes == (
        "documented only for customer accounts (GET /v2/accounts/customer-accounts/balances needs "
        "bss:balance:view there): a partner account is not taken to be able to call it",
    )
    assert unlisted.results[0].callable is False
    assert _loaded(tables) == ["customer", "partner"]


def test_a_code_of_the_other_type_is_still_named(tmp_path):
    from permtable.evaluate import EvaluationPolicy
    from permtable.grants import load_grants
    from permtable.queries import can_call
    from permtable.tables import TableSet

    grants = load_grants(
        [
            str(
                write_grants(
                    tmp_path,
                    "p.yaml",
                    {"type": "partner", "roles": [{"name": "r", "actions": ["bss:order:view"]}]},
                )
            )
        ]
    )
    tables = TableSet()
    report = can_call([parse_api("GET /v2/orders/customer-orders")], grants, tables, EvaluationPolicy())
    assert [notice.message for notice in report.notices] == [
        "'bss:order:view' in role 'r' belongs to the other account type's table and grants nothing here"
    ]
    customer = load_grants(
        [
            str(
                write_grants(
                    tmp_path,
                    "c.yaml",
                    {
                        "type": "customer",
                        "policies": [
                            {
                                "document": {
                                    "Version": "1.1",
                                    "Statement": [
                                        {"Effect": "Allow", "Action": ["BPC_ITEM_SUBCUSTSERV_060100"]}
                                    ],
                                }
                            }
                        ],
                    },
                )
            )
        ]
    )
    report = can_call([parse_api("GET /v2/orders/customer-orders")], customer, TableSet(), EvaluationPolicy())
    assert [notice.message for notice in report.notices] == [
        "'BPC_ITEM_SUBCUSTSERV_060100' in statement 1 of policy 'policy 1' belongs to the other account "
        "type's table and grants nothing here"
    ]
