"""``bsscheck can-call``: per-API decisions, exit codes, API input forms, languages, JSON shape.

The expected decisions below are worked out by hand from the bundled tables
(permtable/data/partner.yaml, customer.yaml) and the sample grants, not copied from output:

Partner (any one listed action suffices). The sample operator holds 010118 and 010119
(role "Customer onboarding"), 060100 (role "Order desk") and FINANCE_090100 (account actions).

Customer (every listed permission is needed; Deny wins; a Condition cannot be settled offline).
The sample user holds Allow bss:order:view, bss:bill*:view (so bss:bill:view and
bss:billDetail:view), bss:discount:view; Deny bss:order:pay; Allow bss:order:update only under
a Condition; a Version 1.0 system role that grants nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PARTNER_GRANTS = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"

DECISIONS = {
    "allowed",
    "implicit_deny",
    "explicit_deny",
    "conditional",
    "not_checked",
    "unknown",
    "blocked_by_scp",
}

# (line in the API file, input text, decision, callable, matched table row, missing permissions)
PARTNER_EXPECTED = [
    (2, "POST /v2/partners/sub-customers", "allowed", True, 3, []),
    (3, "POST /v2/customers/realname-auths/individual", "allowed", True, 4, []),
    (4, "GET /v2/orders/customer-orders", "allowed", True, 14, []),
    (
        6,
        "GET https://bss-intl.myhuaweicloud.com/v2/orders/customer-orders/details/CS2211221234ABCD?offset=0",
        "allowed",
        True,
        15,
        [],
    ),
    (
        7,
        "POST /v2/partners/sub-customers/budget",
        "implicit_deny",
        False,
        19,
        ["BPC_ITEM_SUBCUSTSERV_010111", "BPC_ITEM_SUBCUSTSERV_010503"],
    ),
    (8, "GET /v2/bills/partner-bills/postpaid-bill-summary", "allowed", True, 20, []),
]

CUSTOMER_EXPECTED = [
    (2, "GET /v2/orders/customer-orders", "allowed", True, 6, []),
    (3, "GET /v2/orders/customer-orders/details/CS2211221234ABCD", "allowed", True, 7, []),
    (4, "POST /v2/bills/customer-bills/res-records/query", "allowed", True, 22, []),
    (5, "GET /v1.0/0a1b2c3d4e5f/customer/account-mgr/bill/monthly-sum", "allowed", True, 23, []),
    (6, "POST /v3/orders/customer-orders/pay", "explicit_deny", False, 11, ["bss:order:pay"]),
    (7, "POST /v2/orders/subscriptions/resources/renew", "conditional", False, 14, ["bss:order:update"]),
    (8, "GET /v2/accounts/customer-accounts/balances", "implicit_deny", False, 4, ["bss:balance:view"]),
    (10, "GET /v2/bases/conversions", "not_checked", True, None, []),
]


def _check_expected(record: dict, expected: list, apis_file: str) -> None:
    results = record["results"]
    assert [r["input"] for r in results] == [row[1] for row in expected], "results must keep input order"
    for result, (line, text, decision, callable_, row, missing) in zip(results, expected, strict=True):
        assert result["decision"] == decision, text
        assert result["callable"] is callable_, text
        assert result["missing"] == missing, text
        assert result["location"] == {"file": apis_file, "line": line, "column": 1}, text
        if row is None:
            assert result["entry"] is None and result["requires"] is None, text
        else:
            assert result["entry"]["row"] == row, text


# --------------------------------------------------------------------------- the samples


def test_partner_samples_decisions_and_exit_code(run_cli):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    _check_expected(record, PARTNER_EXPECTED, PARTNER_APIS)
    assert record["summary"] == {
        "total": 6,
        "callable": 5,
        "not_callable": 1,
        "decisions": {
            "allowed": 5,
            "implicit_deny": 1,
            "explicit_deny": 0,
            "conditional": 0,
            "not_checked": 0,
            "unknown": 0,
            "blocked_by_scp": 0,
        },
        "suspected_typos": 0,
        "other_account_type": 0,
    }
    assert record["account"]["name"] == "ops-billing-bot"
    assert record["account"]["type"] == "partner"
    assert record["table"]["type"] == "partner"


def test_partner_samples_provenance(run_cli):
    record = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--format", "json").json()
    by_input = {r["input"]: r for r in record["results"]}
    create = by_input["POST /v2/partners/sub-customers"]
    assert [(g["permission"], g["source"], g["name"]) for g in create["granted_by"]] == [
        ("BPC_ITEM_SUBCUSTSERV_010118", "role", "Customer onboarding")
    ]
    assert create["granted_by"][0]["file"] == PARTNER_GRANTS
    assert create["menu_paths"] == [
        {
            "permission": "BPC_ITEM_SUBCUSTSERV_010118",
            "table": "partner",
            "menu_path": "Sales > Customers > Customer Management > Customer List > Create Partner Customer",
        }
    ]
    bill = by_input["GET /v2/bills/partner-bills/postpaid-bill-summary"]
    assert [(g["permission"], g["source"]) for g in bill["granted_by"]] == [
        ("BPC_ITEM_FINANCE_090100", "account")
    ]
    budget = by_input["POST /v2/partners/sub-customers/budget"]
    assert budget["granted_by"] == []
    assert budget["requires"] == {
        "mode": "any",
        "permissions": ["BPC_ITEM_SUBCUSTSERV_010111", "BPC_ITEM_SUBCUSTSERV_010503"],
    }
    # The budget row documents no menu path: it must say so (null), never invent one.
    assert [item["menu_path"] for item in budget["menu_paths"]] == [None, None]
    url = by_input[PARTNER_EXPECTED[3][1]]
    assert url["host"] == "bss-intl.myhuaweicloud.com"
    assert url["path"] == "/v2/orders/customer-orders/details/CS2211221234ABCD"
    assert url["entry"]["api"] == "GET /v2/orders/customer-orders/details/{order_id}"


def test_customer_samples_decisions_and_exit_code(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    _check_expected(record, CUSTOMER_EXPECTED, CUSTOMER_APIS)
    assert record["summary"]["decisions"] == {
        "allowed": 4,
        "implicit_deny": 1,
        "explicit_deny": 1,
        "conditional": 1,
        "not_checked": 1,
        "unknown": 0,
        "blocked_by_scp": 0,
    }
    assert (record["summary"]["callable"], record["summary"]["not_callable"]) == (5, 3)


def test_customer_samples_provenance(run_cli):
    record = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "json").json()
    by_input = {r["input"]: r for r in record["results"]}
    bill_detail = by_input["POST /v2/bills/customer-bills/res-records/query"]
    assert [(g["name"], g["pattern"], g["effect"]) for g in bill_detail["granted_by"]] == [
        ("BillingReadOnly", "bss:bill*:view", "Allow")
    ]
    assert bill_detail["granted_by"][0]["file"].endswith("customer-policy.json")
    pay = by_input["POST /v3/orders/customer-orders/pay"]
    denied = [grant for check in pay["checks"] for grant in check["denied_by"]]
    assert [(g["name"], g["statement"], g["effect"]) for g in denied] == [("OrderGuardrails", 1, "Deny")]
    assert pay["granted_by"] == []
    renew = by_input["POST /v2/orders/subscriptions/resources/renew"]
    assert renew["granted_by"] and renew["granted_by"][0]["condition"]
    assert "example-domain" in renew["granted_by"][0]["condition"]
    balance = by_input["GET /v2/accounts/customer-accounts/balances"]
    assert balance["permission_names"] == [
        {"permission": "bss:balance:view", "table": "customer", "name": "View account information"}
    ]
    assert balance["menu_paths"] == []


def test_samples_table_format_exit_codes_match_json(run_cli):
    for grants, apis in ((PARTNER_GRANTS, PARTNER_APIS), (CUSTOMER_GRANTS, CUSTOMER_APIS)):
        out = run_cli("can-call", "-g", grants, "--apis", apis)
        assert out.code == 1, out
        assert "DENIED" in out.stdout


# --------------------------------------------------------------------------- exit codes


def test_exit_0_when_every_api_is_callable(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "POST /v2/partners/sub-customers",
        "GET /v2/orders/customer-orders",
        "GET /v2/bills/partner-bills/postpaid-bill-summary",
        "--format",
        "json",
    )
    assert out.code == 0, out
    assert all(r["callable"] for r in out.json()["results"])


def test_exit_1_when_one_api_is_not_callable(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "GET /v2/orders/customer-orders",
        "GET /v2/partners/sub-customers/budget",
    )
    assert out.code == 1, out


def test_unlisted_api_is_callable_without_strict(run_cli):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "GET /v2/bases/conversions", "--format", "json")
    assert out.code == 0, out
    (result,) = out.json()["results"]
    assert (result["decision"], result["callable"], result["entry"]) == ("not_checked", True, None)
    assert out.json()["options"] == {"strict": False, "assume_conditions": False, "max_grants": 20}


def test_strict_makes_an_unlisted_api_not_callable(run_cli):
    out = run_cli(
        "can-call", "-g", PARTNER_GRANTS, "--strict", "GET /v2/bases/conversions", "--format", "json"
    )
    assert out.code == 1, out
    record = out.json()
    (result,) = record["results"]
    assert (result["decision"], result["callable"]) == ("not_checked", False)
    assert record["options"]["strict"] is True


def test_strict_table_output_says_not_listed(run_cli):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--strict", "GET /v2/bases/conversions")
    assert out.code == 1, out
    assert "NOT LISTED (--strict)" in out.stdout


def test_assume_conditions_allows_the_conditional_renew_api(run_cli):
    api = "POST /v2/orders/subscriptions/resources/renew"
    without = run_cli("can-call", "-g", CUSTOMER_GRANTS, api, "--format", "json")
    assert without.code == 1, without
    assert without.json()["results"][0]["decision"] == "conditional"

    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--assume-conditions", api, "--format", "json")
    assert out.code == 0, out
    record = out.json()
    (result,) = record["results"]
    assert (result["decision"], result["callable"], result["missing"]) == ("allowed", True, [])
    assert record["options"]["assume_conditions"] is True
    assert any("condition" in note for note in result["notes"]), "an assumed condition must be flagged"


def test_assume_conditions_does_not_lift_a_deny_or_a_missing_grant(run_cli):
    out = run_cli(
        "can-call", "-g", CUSTOMER_GRANTS, "--assume-conditions", "--apis", CUSTOMER_APIS, "--format", "json"
    )
    assert out.code == 1, out
    by_input = {r["input"]: r["decision"] for r in out.json()["results"]}
    assert by_input["POST /v3/orders/customer-orders/pay"] == "explicit_deny"
    assert by_input["GET /v2/accounts/customer-accounts/balances"] == "implicit_deny"
    assert by_input["POST /v2/orders/subscriptions/resources/renew"] == "allowed"


# --------------------------------------------------------------------------- API input forms


def test_apis_as_arguments_keep_their_order_and_location(run_cli):
    apis = [
        "GET /v2/bills/partner-bills/postpaid-bill-summary",
        "POST /v2/partners/sub-customers/budget",
        "GET /v2/orders/customer-orders",
    ]
    out = run_cli("can-call", "-g", PARTNER_GRANTS, *apis, "--format", "json")
    results = out.json()["results"]
    assert [r["input"] for r in results] == apis
    assert [r["location"]["file"] for r in results] == ["<argument 1>", "<argument 2>", "<argument 3>"]


def test_apis_from_standard_input(run_cli):
    text = "# from a pipe\nGET /v2/orders/customer-orders\n\nPOST /v2/partners/sub-customers/budget\n"
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", "-", "--format", "json", input=text)
    assert out.code == 1, out
    results = out.json()["results"]
    assert [(r["input"], r["decision"]) for r in results] == [
        ("GET /v2/orders/customer-orders", "allowed"),
        ("POST /v2/partners/sub-customers/budget", "implicit_deny"),
    ]
    assert [r["location"] for r in results] == [
        {"file": "<stdin>", "line": 2, "column": 1},
        {"file": "<stdin>", "line": 4, "column": 1},
    ]


def test_arguments_come_before_the_apis_file(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "GET /v2/partners/credit/consumption-quota",
        "--apis",
        PARTNER_APIS,
        "--format",
        "json",
    )
    inputs = [r["input"] for r in out.json()["results"]]
    assert inputs[0] == "GET /v2/partners/credit/consumption-quota"
    assert inputs[1:] == [row[1] for row in PARTNER_EXPECTED]


def test_apis_file_locations_with_indentation_and_comments(run_cli, tmp_path: Path):
    apis = tmp_path / "apis.txt"
    apis.write_text(
        "# header\n"
        "\n"
        "   GET /v2/orders/customer-orders   # trailing comment\n"
        "POST /v2/partners/sub-customers\r\n",
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", str(apis), "--format", "json")
    assert out.code == 0, out
    results = out.json()["results"]
    assert [r["input"] for r in results] == [
        "GET /v2/orders/customer-orders",
        "POST /v2/partners/sub-customers",
    ]
    assert [r["location"] for r in results] == [
        {"file": str(apis), "line": 3, "column": 4},
        {"file": str(apis), "line": 4, "column": 1},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "GET /v2/orders/customer-orders/details/CS2211221234ABCD",
        "get /v2/orders/customer-orders/details/CS2211221234ABCD",
        "GET/v2/orders/customer-orders/details/CS2211221234ABCD",
        "GET https://bss.myhuaweicloud.com/v2/orders/customer-orders/details/CS2211221234ABCD?offset=0&limit=10",
        "GET https://bss-intl.myhuaweicloud.com/v2/orders/customer-orders/details/CS1",
        "GET https://bss.myhuaweicloud.eu/v2/orders/customer-orders/details/CS1#top",
        "GET /v2/orders/customer-orders/details/{order_id}",
        "GET /v2/orders/customer-orders/details/CS1/",
    ],
)
def test_every_way_to_name_an_api_resolves_to_the_same_row(run_cli, text):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, text, "--format", "json")
    assert out.code == 0, out
    (result,) = out.json()["results"]
    assert result["input"] == text
    assert result["method"] == "GET"
    assert result["entry"]["api"] == "GET /v2/orders/customer-orders/details/{order_id}"
    assert result["decision"] == "allowed"
    assert "?" not in result["path"] and "://" not in result["path"]


def test_url_host_is_reported_and_query_dropped(run_cli):
    text = "GET https://bss-intl.myhuaweicloud.com/v1.0/0a1b2c/customer/account-mgr/bill/monthly-sum?cycle=2024-01"
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, text, "--format", "json")
    (result,) = out.json()["results"]
    assert result["host"] == "bss-intl.myhuaweicloud.com"
    assert result["path"] == "/v1.0/0a1b2c/customer/account-mgr/bill/monthly-sum"
    assert result["entry"]["api"] == "GET /v1.0/{domain_id}/customer/account-mgr/bill/monthly-sum"


def test_documented_glob_row_matches_a_concrete_resource(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "--assume-conditions",
        "POST /v2/orders/subscriptions/resources/autorenew/res-123",
        "--format",
        "json",
    )
    (result,) = out.json()["results"]
    assert result["entry"]["api"] == "POST /v2/orders/subscriptions/resources/autorenew/**"
    assert result["requires"]["permissions"] == ["bss:order:update"]


# Regression test for a bug found while writing these tests (since fixed): permtable.apis documents that a
# URL on a non-BSS host is 'accepted but reported', but BSS_HOSTS is never consulted: GET
# https://example.com/... is silently checked as a BSS API
def test_url_on_a_non_bss_host_is_reported(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "GET https://example.com/v2/orders/customer-orders",
        "--format",
        "json",
    )
    record = out.json()
    (result,) = record["results"]
    reported = " ".join(result["notes"]) + " " + json.dumps(record["warnings"]) + " " + out.stderr
    assert "example.com" in reported


def test_typo_of_documented_path_is_not_checked_but_suggests_the_listed_api(run_cli):
    # The documented path is spelt "suscriptions"; the natural spelling is not in the table.
    typo = "POST /v2/orders/subscriptions/resources/query"
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, typo, "--format", "json")
    record = out.json()
    (result,) = record["results"]
    assert result["decision"] == "not_checked"
    assert result["entry"] is None
    assert result["suggestions"], "a near miss must be flagged"
    suggestion = result["suggestions"][0]
    assert suggestion["api"] == "POST /v2/orders/suscriptions/resources/query"
    assert suggestion["permissions"] == ["bss:order:view"]
    assert "suscriptions" in suggestion["reason"]
    assert record["summary"]["suspected_typos"] == 1


def test_typo_is_flagged_in_table_output(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "POST /v2/orders/subscriptions/resources/query",
        env={"COLUMNS": "200"},
    )
    assert "did you mean POST /v2/orders/suscriptions/resources/query?" in out.stdout
    assert "bss:order:view" in out.stdout
    assert "look like typos" in out.stdout


def test_wrong_method_suggests_the_listed_method(run_cli):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "DELETE /v2/orders/customer-orders", "--format", "json")
    (result,) = out.json()["results"]
    assert result["decision"] == "not_checked"
    assert [s["api"] for s in result["suggestions"]] == ["GET /v2/orders/customer-orders"]


def test_api_listed_only_in_the_other_table_is_a_finding_of_its_own(run_cli):
    api = "GET /v2/accounts/customer-accounts/balances"
    out = run_cli("can-call", "-g", PARTNER_GRANTS, api, "--format", "json")
    assert out.code == 1, out
    (result,) = out.json()["results"]
    assert (result["decision"], result["callable"]) == ("not_checked", False)
    assert result["unlisted_reason"] == "other_account_type"
    assert result["listed_for"]["type"] == "customer"
    assert result["listed_for"]["permissions"] == ["bss:balance:view"]
    assert any("documented only for customer accounts" in note for note in result["notes"])
    assert out.json()["summary"]["other_account_type"] == 1
    # Its own kind: --fail-on without it lets the run pass; with it alone, the run fails.
    assert run_cli("can-call", "-g", PARTNER_GRANTS, api, "--fail-on", "not-callable").code == 0
    assert run_cli("can-call", "-g", PARTNER_GRANTS, api, "--fail-on", "other-account-type").code == 1
    assert run_cli("can-call", "-g", PARTNER_GRANTS, api, "--exit-zero").code == 0


def test_customer_account_cannot_call_a_partner_api(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "POST /v2/partners/sub-customers", "--format", "json")
    assert out.code == 1, out
    (result,) = out.json()["results"]
    assert result["callable"] is False and result["unlisted_reason"] == "other_account_type"
    assert result["listed_for"] == {
        "type": "partner",
        "api": "POST /v2/partners/sub-customers",
        "mode": "any",
        "permissions": ["BPC_ITEM_SUBCUSTSERV_010118"],
        "description": "Creating a customer",
    }


def test_a_near_miss_fails_the_default_gate_and_has_its_own_kind(run_cli):
    api = "GET /v2/orders/custmer-orders"
    out = run_cli("can-call", "-g", PARTNER_GRANTS, api, "--format", "json")
    assert out.code == 1, out
    (result,) = out.json()["results"]
    assert (result["callable"], result["unlisted_reason"]) == (False, "near_miss")
    assert [s["api"] for s in result["suggestions"]] == ["GET /v2/orders/customer-orders"]
    assert run_cli("can-call", "-g", PARTNER_GRANTS, api, "--fail-on", "not-callable").code == 0
    assert run_cli("can-call", "-g", PARTNER_GRANTS, api, "--fail-on", "near-miss").code == 1
    # A plainly unlisted API with no near miss stays callable, as Huawei documents.
    plain = run_cli("can-call", "-g", PARTNER_GRANTS, "GET /v2/bases/conversions", "--format", "json")
    assert plain.code == 0 and plain.json()["results"][0]["callable"] is True


def test_account_type_picks_the_table(run_cli):
    # GET /v2/promotions/benefits/coupons is in both tables with different permissions.
    api = "GET /v2/promotions/benefits/coupons"
    partner = run_cli("can-call", "-g", PARTNER_GRANTS, api, "--format", "json").json()["results"][0]
    customer = run_cli("can-call", "-g", CUSTOMER_GRANTS, api, "--format", "json").json()["results"][0]
    assert (partner["entry"]["table"], partner["requires"]["mode"]) == ("partner", "any")
    assert partner["requires"]["permissions"] == ["BPC_MENU_FINANCE_100100", "BPC_ITEM_SUBCUSTSERV_050101"]
    assert (customer["entry"]["table"], customer["requires"]["permissions"]) == (
        "customer",
        ["bss:coupon:view"],
    )


def test_bare_policy_json_is_a_customer_grants_file(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        "samples/customer-policy.json",
        "GET /v2/orders/customer-orders",
        "POST /v2/orders/customer-orders/pay",
        "--format",
        "json",
    )
    assert out.code == 1, out
    record = out.json()
    assert record["account"]["type"] == "customer"
    assert [r["decision"] for r in record["results"]] == ["allowed", "implicit_deny"]


def test_several_grants_files_are_merged(run_cli, tmp_path: Path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "type: partner\naccount: budget-bot\nroles:\n"
        "  - name: Budgets\n    actions: [BPC_ITEM_SUBCUSTSERV_010503]\n",
        encoding="utf-8",
    )
    out = run_cli(
        "can-call", "-g", PARTNER_GRANTS, "-g", str(extra), "--apis", PARTNER_APIS, "--format", "json"
    )
    assert out.code == 0, out
    record = out.json()
    assert record["account"]["files"] == [PARTNER_GRANTS, str(extra)]
    budget = record["results"][4]
    assert [(g["permission"], g["name"]) for g in budget["granted_by"]] == [
        ("BPC_ITEM_SUBCUSTSERV_010503", "Budgets")
    ]


# --------------------------------------------------------------------------- languages


def test_lang_zh_gives_chinese_customer_descriptions(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "GET /v2/orders/customer-orders",
        "--lang",
        "zh",
        "--format",
        "json",
    )
    record = out.json()
    entry = record["results"][0]["entry"]
    assert entry["description"] == "查询订单列表"
    assert entry["permission_name"] == "查看订单信息"
    assert record["results"][0]["permission_names"][0]["name"] == "查看订单信息"
    assert record["table"]["title"] == "API调用授权(客户)"
    assert "查询订单列表" in out.stdout, "JSON must keep Chinese text readable (ensure_ascii=False)"


def test_lang_en_gives_english_customer_descriptions(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "GET /v2/orders/customer-orders",
        "--lang",
        "en",
        "--format",
        "json",
    )
    entry = out.json()["results"][0]["entry"]
    assert entry["description"] == "Querying order lists"
    assert entry["permission_name"] == "View order information"


@pytest.mark.parametrize("variable", ["LANG", "LC_MESSAGES", "LC_ALL"])
def test_chinese_locale_makes_zh_the_default(run_cli, variable):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "GET /v2/orders/customer-orders",
        "--format",
        "json",
        env={variable: "zh_CN.UTF-8"},
    )
    assert out.json()["results"][0]["entry"]["description"] == "查询订单列表"


def test_lang_option_beats_the_locale(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "GET /v2/orders/customer-orders",
        "--lang",
        "en",
        "--format",
        "json",
        env={"LANG": "zh_CN.UTF-8"},
    )
    assert out.json()["results"][0]["entry"]["description"] == "Querying order lists"


def test_lc_all_overrides_lang(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "GET /v2/orders/customer-orders",
        "--format",
        "json",
        env={"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"},
    )
    assert out.json()["results"][0]["entry"]["description"] == "Querying order lists"


def test_default_language_is_english_without_a_locale(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "GET /v2/orders/customer-orders", "--format", "json")
    assert out.json()["results"][0]["entry"]["description"] == "Querying order lists"


def test_lang_zh_partner_rows_keep_the_documented_english_menu_path(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "POST /v2/partners/sub-customers",
        "--lang",
        "zh",
        "--format",
        "json",
    )
    result = out.json()["results"][0]
    assert result["entry"]["description"] == "创建客户"
    # No zh menu path is kept: the English one is shown rather than nothing.
    assert result["menu_paths"][0]["menu_path"].startswith("Sales > Customers")


# --------------------------------------------------------------------------- JSON shape


RESULT_KEYS = {
    "input",
    "method",
    "path",
    "host",
    "location",
    "callable",
    "decision",
    "entry",
    "requires",
    "checks",
    "granted_by",
    "missing",
    "menu_paths",
    "permission_names",
    "suggestions",
    "notes",
}


@pytest.mark.parametrize(
    ("grants", "apis"),
    [(PARTNER_GRANTS, PARTNER_APIS), (CUSTOMER_GRANTS, CUSTOMER_APIS)],
    ids=["partner", "customer"],
)
def test_json_shape(run_cli, grants, apis):
    record = run_cli("can-call", "-g", grants, "--apis", apis, "--format", "json").json()
    assert set(record) == {"schema_version", "account", "table", "options", "results", "summary", "warnings"}
    assert record["schema_version"] == 2
    assert set(record["summary"]) >= {"total", "callable", "not_callable", "decisions", "suspected_typos"}
    assert set(record["summary"]["decisions"]) == DECISIONS
    assert record["summary"]["total"] == len(record["results"])
    for result in record["results"]:
        assert set(result) >= RESULT_KEYS
        assert result["decision"] in DECISIONS
        assert isinstance(result["callable"], bool)
        assert result["callable"] == (result["decision"] in ("allowed", "not_checked"))
        assert set(result["location"]) == {"file", "line", "column"}
        if result["entry"] is not None:
            assert result["requires"]["permissions"] == result["entry"]["permissions"]
            assert set(result["missing"]) <= set(result["requires"]["permissions"])
            names = result["menu_paths"] or result["permission_names"]
            assert [item["permission"] for item in names] == result["requires"]["permissions"]
        for check in result["checks"]:
            assert check["decision"] in DECISIONS


def test_warnings_go_to_stderr_and_json_stays_parseable(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "json")
    record = json.loads(out.stdout)  # must parse even though a warning was emitted
    assert "warning" not in out.stdout.split("\n", 1)[0]
    assert len(out.stderr_lines) == 1, out
    line = out.stderr_lines[0]
    assert line.startswith("bsscheck: warning: ")
    assert "BSS Administrator" in line and "system role" in line and "Version 1.0" in line
    assert "samples/customer-grants.yaml:" in line
    assert [w["message"] for w in record["warnings"]] == [
        "policy 'BSS Administrator' is a system role (Version 1.0): it grants nothing to BSS APIs"
    ]


def test_warnings_in_table_format_go_to_stderr_only(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    assert "system role" in out.stderr
    assert "system role" not in out.stdout
    assert "warning" not in out.stdout


def test_system_role_grants_nothing(run_cli, tmp_path: Path):
    grants = tmp_path / "role-only.yaml"
    grants.write_text(
        "type: customer\npolicies:\n  - name: BSS Administrator\n    document:\n      Version: '1.0'\n"
        "      Statement:\n        - Effect: Allow\n          Action: ['bss:*:*']\n",
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", str(grants), "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 1, out
    assert out.json()["results"][0]["decision"] == "implicit_deny"
    assert "system role" in out.stderr


def test_unknown_permission_code_warns_with_did_you_mean(run_cli, tmp_path: Path):
    grants = tmp_path / "typo.yaml"
    grants.write_text(
        "type: partner\nroles:\n  - name: Orders\n    actions:\n      - BPC_ITEM_SUBCUSTSERV_06O100\n",
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", str(grants), "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 1, out
    record = json.loads(out.stdout)
    assert record["results"][0]["decision"] == "implicit_deny"
    assert len(out.stderr_lines) == 1, out
    assert out.stderr_lines[0].startswith("bsscheck: warning: ")
    assert "BPC_ITEM_SUBCUSTSERV_06O100" in out.stderr
    assert "did you mean BPC_ITEM_SUBCUSTSERV_060100?" in out.stderr
    assert str(grants) in out.stderr
    assert record["warnings"][0]["hint"] == "did you mean BPC_ITEM_SUBCUSTSERV_060100?"


def test_unknown_iam_action_warns_with_did_you_mean(run_cli, tmp_path: Path):
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:ordr:view"]}]}),
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", str(policy), "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 1, out
    json.loads(out.stdout)
    assert "bss:ordr:view" in out.stderr
    assert "did you mean bss:order:view?" in out.stderr


def test_partner_code_in_a_customer_policy_is_called_out(run_cli, tmp_path: Path):
    partner = tmp_path / "partner.yaml"
    partner.write_text("type: partner\nactions: ['bss:order:view']\n", encoding="utf-8")
    out = run_cli("can-call", "-g", str(partner), "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 1, out
    assert "other account type" in out.stderr


# --------------------------------------------------------------------------- --table and CliRunner


def test_table_file_replaces_the_bundled_table(run_cli, tmp_path: Path):
    bundled = Path("permtable/data/partner.yaml").read_text(encoding="utf-8")
    marker = (
        'path: "/v2/partners/sub-customers/budget"\n'
        '    permissions: ["BPC_ITEM_SUBCUSTSERV_010111", "BPC_ITEM_SUBCUSTSERV_010503"]'
    )
    # The POST budget row is the last of the three budget rows: edit that occurrence only.
    position = bundled.rindex(marker)
    edited = (
        bundled[:position]
        + 'path: "/v2/partners/sub-customers/budget"\n    permissions: ["BPC_ITEM_SUBCUSTSERV_060100"]'
        + bundled[position + len(marker) :]
    )
    table = tmp_path / "partner-next-edition.yaml"
    table.write_text(edited, encoding="utf-8")
    out = run_cli(
        "can-call", "-g", PARTNER_GRANTS, "--table", str(table), "--apis", PARTNER_APIS, "--format", "json"
    )
    assert out.code == 0, out
    record = out.json()
    assert record["table"]["file"] == str(table)
    budget = record["results"][4]
    assert budget["entry"]["api"] == "POST /v2/partners/sub-customers/budget"
    assert budget["requires"]["permissions"] == ["BPC_ITEM_SUBCUSTSERV_060100"]
    assert budget["decision"] == "allowed"
    bundled_run = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--format", "json")
    assert bundled_run.json()["table"]["file"] == "bundled:partner"


def test_click_runner_sees_the_command_return_value():
    """Through click alone the exit code is the command's return value; run() turns it into the status."""
    from click.testing import CliRunner

    from cli.main import main

    runner = CliRunner()
    args = ["can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--format", "json"]
    result = runner.invoke(main, args, standalone_mode=False, catch_exceptions=False)
    assert result.return_value == 1
    assert json.loads(result.stdout)["summary"]["not_callable"] == 1
    ok = runner.invoke(
        main,
        ["can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders"],
        standalone_mode=False,
        catch_exceptions=False,
    )
    assert ok.return_value == 0
    assert "allowed" in ok.stdout


@pytest.mark.parametrize(
    ("text", "suggested", "reason_word"),
    [
        (
            "GET /v2/orders/customer-orders/details",
            "GET /v2/orders/customer-orders/details/{order_id}",
            "{order_id}",
        ),
        ("GET /V2/Orders/Customer-Orders", "GET /v2/orders/customer-orders", "letter case"),
        ("GET /v2/order/customer-orders", "GET /v2/orders/customer-orders", "1 character"),
        ("GET /v2/orders/custmer-ordrs", "GET /v2/orders/customer-orders", "2 characters"),
        ("POST /v2/orders/customer-orders", "GET /v2/orders/customer-orders", "listed for GET"),
    ],
    ids=["missing-id", "letter-case", "one-typo", "two-typos", "wrong-method"],
)
def test_near_misses_are_flagged(run_cli, text, suggested, reason_word):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, text, "--format", "json")
    (result,) = out.json()["results"]
    assert result["decision"] == "not_checked"
    assert [s["api"] for s in result["suggestions"]] == [suggested]
    assert reason_word in result["suggestions"][0]["reason"]


def test_far_from_everything_has_no_suggestion(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "GET /v2/bases/conversions", "--format", "json")
    assert out.json()["results"][0]["suggestions"] == []
    assert out.json()["summary"]["suspected_typos"] == 0


# Regression test for a bug found while writing these tests (since fixed): README ('Warnings (stderr,
# never a failure): ... a partner code in a customer policy or the reverse') promises a warning, but a
# BPC_ code in a customer policy's Action is rejected by the grants loader as 'not
# service:resource:action' (exit 2), so review_grants' 'belongs to the other account type' notice is
# unreachable for customer policies
def test_partner_code_in_a_customer_policy_is_a_warning(run_cli, tmp_path: Path):
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "Version": "1.1",
                "Statement": [
                    {"Effect": "Allow", "Action": ["BPC_ITEM_SUBCUSTSERV_060100", "bss:order:view"]}
                ],
            }
        ),
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", str(policy), "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 0, out
    assert out.json()["results"][0]["decision"] == "allowed"
    assert "BPC_ITEM_SUBCUSTSERV_060100" in out.stderr and "other account type" in out.stderr
