"""``bsscheck explain``: an API's rows in both tables, what a permission unlocks, decision traces."""

from __future__ import annotations

import pytest

PARTNER_GRANTS = "samples/partner-grants.yaml"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"

EXPLAIN_KEYS = {
    "schema_version",
    "target",
    "kind",
    "matched",
    "entries",
    "permissions",
    "suggestions",
    "notes",
    "decision",
}


def test_api_in_both_tables_shows_both_rows(run_cli):
    out = run_cli("explain", "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 0, out
    record = out.json()
    assert set(record) == EXPLAIN_KEYS
    assert record["schema_version"] == 2
    assert (record["kind"], record["matched"], record["decision"]) == ("api", True, None)
    entries = record["entries"]
    assert [(e["table"], e["row"], e["api"]) for e in entries] == [
        ("partner", 14, "GET /v2/orders/customer-orders"),
        ("customer", 6, "GET /v2/orders/customer-orders"),
    ]
    partner, customer = entries
    assert partner["mode"] == "any"
    assert partner["permissions"] == ["BPC_ITEM_SUBCUSTSERV_060100", "BPC_ITEM_SUBCUSTSERV_060200"]
    assert partner["menu_path"] is None  # blank on the page: not invented
    assert customer["mode"] == "all"
    assert customer["permissions"] == ["bss:order:view"]
    assert customer["permission_name"] == "View order information"
    assert customer["source"]["updated"] == "2023-06-14"
    assert partner["source"]["url"].startswith("https://support.huaweicloud.com/")
    assert record["notes"] == []


def test_concrete_id_resolves_to_the_template_row(run_cli):
    out = run_cli("explain", "GET /v2/orders/customer-orders/details/CS2211221234ABCD", "--format", "json")
    assert out.code == 0, out
    assert [(e["table"], e["api"]) for e in out.json()["entries"]] == [
        ("partner", "GET /v2/orders/customer-orders/details/{order_id}"),
        ("customer", "GET /v2/orders/customer-orders/details/{order_id}"),
    ]


def test_bare_path_is_shown_under_every_listed_method(run_cli):
    out = run_cli("explain", "/v2/orders/customer-orders", "--format", "json")
    assert out.code == 0, out
    assert [(e["table"], e["api"]) for e in out.json()["entries"]] == [
        ("partner", "GET /v2/orders/customer-orders"),
        ("customer", "GET /v2/orders/customer-orders"),
    ]
    both = run_cli("explain", "/v2/customers/realname-auths/enterprise", "--format", "json").json()
    assert [(e["table"], e["api"]) for e in both["entries"]] == [
        ("partner", "POST /v2/customers/realname-auths/enterprise"),
        ("partner", "PUT /v2/customers/realname-auths/enterprise"),
    ]
    assert any("customer table" in note for note in both["notes"])


def test_bare_url_is_a_bare_path(run_cli):
    out = run_cli(
        "explain", "https://bss.myhuaweicloud.com/v2/orders/customer-orders/pay", "--format", "json"
    )
    assert out.code == 0, out
    assert [(e["table"], e["row"], e["api"]) for e in out.json()["entries"]] == [
        ("customer", 9, "POST /v2/orders/customer-orders/pay")
    ]


def test_permission_code_lists_what_it_unlocks(run_cli):
    out = run_cli("explain", "BPC_ITEM_SUBCUSTSERV_060100", "--format", "json")
    assert out.code == 0, out
    record = out.json()
    assert (record["kind"], record["matched"]) == ("permission", True)
    assert record["permissions"] == [
        {
            "permission": "BPC_ITEM_SUBCUSTSERV_060100",
            "table": "partner",
            "menu_path": None,
            "unlocks": [
                "GET /v2/orders/customer-orders",
                "GET /v2/orders/customer-orders/details/{order_id}",
            ],
        }
    ]
    assert [e["row"] for e in record["entries"]] == [14, 15]


def test_iam_action_lists_what_it_unlocks(run_cli):
    record = run_cli("explain", "bss:balance:view", "--format", "json").json()
    assert record["permissions"] == [
        {
            "permission": "bss:balance:view",
            "table": "customer",
            "name": "View account information",
            "unlocks": ["GET /v2/accounts/customer-accounts/balances"],
        }
    ]


def test_iam_pattern_matches_every_order_permission(run_cli):
    out = run_cli("explain", "bss:order:*", "--format", "json")
    assert out.code == 0, out
    record = out.json()
    assert [p["permission"] for p in record["permissions"]] == [
        "bss:order:view",
        "bss:order:update",
        "bss:order:pay",
    ]
    unlocks = {p["permission"]: p["unlocks"] for p in record["permissions"]}
    assert unlocks["bss:order:pay"] == [
        "POST /v2/orders/customer-orders/pay",
        "POST /v3/orders/customer-orders/pay",
    ]
    assert len(unlocks["bss:order:view"]) == 4
    assert len(unlocks["bss:order:update"]) == 6
    assert len(record["entries"]) == 12
    assert {e["table"] for e in record["entries"]} == {"customer"}


def test_iam_pattern_is_case_insensitive_in_resource_and_action(run_cli):
    record = run_cli("explain", "bss:ORDER:View", "--format", "json").json()
    assert [p["permission"] for p in record["permissions"]] == ["bss:order:view"]


def test_iam_pattern_with_a_wildcard_resource(run_cli):
    record = run_cli("explain", "bss:*:view", "--format", "json").json()
    assert [p["permission"] for p in record["permissions"]] == [
        "bss:discount:view",
        "bss:balance:view",
        "bss:coupon:view",
        "bss:order:view",
        "bss:bill:view",
        "bss:billDetail:view",
        "bss:costanalysis:view",
    ]


def test_partner_code_glob(run_cli):
    record = run_cli("explain", "BPC_ITEM_FINANCE_*", "--format", "json").json()
    assert [p["permission"] for p in record["permissions"]] == [
        "BPC_ITEM_FINANCE_090100",
        "BPC_ITEM_FINANCE_060100",
    ]


def test_unknown_api_exits_1_with_a_note(run_cli):
    out = run_cli("explain", "GET /v2/nothing/here", "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert (record["kind"], record["matched"], record["entries"]) == ("api", False, [])
    assert len(record["notes"]) == 2
    assert any("partner table" in note for note in record["notes"])
    assert any("customer table" in note for note in record["notes"])
    table = run_cli("explain", "GET /v2/nothing/here")
    assert table.code == 1, table
    assert "not in the partner table" in table.stdout


def test_typo_api_suggests_the_documented_spelling(run_cli):
    out = run_cli("explain", "POST /v2/orders/subscriptions/resources/query", "--format", "json")
    assert out.code == 1, out
    suggestions = out.json()["suggestions"]
    assert [s["api"] for s in suggestions] == ["POST /v2/orders/suscriptions/resources/query"]
    assert suggestions[0]["permissions"] == ["bss:order:view"]
    table = run_cli("explain", "POST /v2/orders/subscriptions/resources/query", env={"COLUMNS": "200"})
    assert "did you mean POST /v2/orders/suscriptions/resources/query?" in table.stdout


def test_unknown_permission_exits_1(run_cli):
    out = run_cli("explain", "BPC_ITEM_NOPE_000000", "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert (record["kind"], record["matched"], record["permissions"]) == ("permission", False, [])
    assert record["notes"] == ["no documented API needs BPC_ITEM_NOPE_000000"]


def test_unknown_permission_close_to_a_real_one_gets_did_you_mean(run_cli):
    out = run_cli("explain", "bss:ordr:view", "--format", "json")
    assert out.code == 1, out
    assert "did you mean bss:order:view?" in out.json()["notes"][0]


@pytest.mark.parametrize("target", ["hello", "", "   ", "GET"])
def test_garbage_target_is_an_input_error(run_cli, target):
    out = run_cli("explain", target, "--format", "json")
    assert out.code == 2, out
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1, out
    assert out.stderr_lines[0].startswith("bsscheck: error: ")
    assert "Traceback" not in out.stderr


def test_hello_error_names_the_target(run_cli):
    out = run_cli("explain", "hello")
    assert "'hello'" in out.stderr and "neither an API nor a permission" in out.stderr


def test_with_grants_json_has_the_decision_trace(run_cli):
    out = run_cli("explain", "GET /v2/orders/customer-orders", "-g", PARTNER_GRANTS, "--format", "json")
    assert out.code == 0, out
    record = out.json()
    assert [e["table"] for e in record["entries"]] == ["partner"], "the account's type picks its table"
    decision = record["decision"]
    assert set(decision) == {
        "schema_version",
        "account",
        "table",
        "options",
        "results",
        "summary",
        "warnings",
    }
    (result,) = decision["results"]
    assert result["decision"] == "allowed"
    assert [(g["permission"], g["name"]) for g in result["granted_by"]] == [
        ("BPC_ITEM_SUBCUSTSERV_060100", "Order desk")
    ]
    assert [c["permission"] for c in result["checks"]] == [
        "BPC_ITEM_SUBCUSTSERV_060100",
        "BPC_ITEM_SUBCUSTSERV_060200",
    ]
    assert [c["decision"] for c in result["checks"]] == ["allowed", "implicit_deny"]


def test_with_customer_grants_the_deny_is_traced(run_cli):
    out = run_cli("explain", "POST /v3/orders/customer-orders/pay", "-g", CUSTOMER_GRANTS, "--format", "json")
    assert out.code == 0, out  # explain exits on "matched", not on the decision
    result = out.json()["decision"]["results"][0]
    assert result["decision"] == "explicit_deny"
    assert result["checks"][0]["denied_by"][0]["name"] == "OrderGuardrails"
    assert "system role" in out.stderr


def test_with_grants_and_a_bare_path_traces_the_listed_method(run_cli):
    record = run_cli(
        "explain", "/v2/orders/customer-orders", "-g", CUSTOMER_GRANTS, "--format", "json"
    ).json()
    assert [r["method"] for r in record["decision"]["results"]] == ["GET"]


def test_with_grants_and_assume_conditions(run_cli):
    api = "POST /v2/orders/subscriptions/resources/renew"
    plain = run_cli("explain", api, "-g", CUSTOMER_GRANTS, "--format", "json").json()
    assumed = run_cli("explain", api, "-g", CUSTOMER_GRANTS, "--assume-conditions", "--format", "json").json()
    assert plain["decision"]["results"][0]["decision"] == "conditional"
    assert assumed["decision"]["results"][0]["decision"] == "allowed"


def test_with_grants_table_output_has_the_decision(run_cli):
    out = run_cli(
        "explain", "GET /v2/partners/sub-customers/budget", "-g", PARTNER_GRANTS, env={"COLUMNS": "200"}
    )
    assert out.code == 0, out
    assert "Decision for the account:" in out.stdout
    assert "DENIED: not granted" in out.stdout


def test_type_filter_for_an_api(run_cli):
    customer = run_cli(
        "explain", "GET /v2/orders/customer-orders", "--type", "customer", "--format", "json"
    ).json()
    assert [e["table"] for e in customer["entries"]] == ["customer"]
    partner = run_cli(
        "explain", "GET /v2/orders/customer-orders", "--type", "partner", "--format", "json"
    ).json()
    assert [e["table"] for e in partner["entries"]] == ["partner"]
    out = run_cli(
        "explain", "GET /v2/accounts/customer-accounts/balances", "--type", "partner", "--format", "json"
    )
    assert out.code == 1, out
    assert out.json()["entries"] == []


def test_type_filter_for_a_permission(run_cli):
    out = run_cli("explain", "bss:order:view", "--type", "partner", "--format", "json")
    assert out.code == 1, out
    assert out.json()["permissions"] == []


def test_type_contradicting_the_grants_is_an_input_error(run_cli):
    out = run_cli("explain", "GET /v2/orders/customer-orders", "--type", "partner", "-g", CUSTOMER_GRANTS)
    assert out.code == 2, out
    assert out.stdout == ""
    errors = [line for line in out.stderr_lines if line.startswith("bsscheck: error:")]
    assert len(errors) == 1 and "contradicts" in errors[0]


def test_lang_zh(run_cli):
    record = run_cli("explain", "GET /v2/orders/customer-orders", "--lang", "zh", "--format", "json").json()
    assert [e["description"] for e in record["entries"]] == ["查询订单列表", "查询订单列表"]
    assert record["entries"][1]["permission_name"] == "查看订单信息"


def test_table_format_for_an_api(run_cli):
    out = run_cli("explain", "GET /v2/orders/customer-orders", env={"COLUMNS": "200"})
    assert out.code == 0, out
    assert "partner (row 14)" in out.stdout
    assert "customer (row 6)" in out.stdout
    assert "not documented by Huawei" in out.stdout
    assert "View order information" in out.stdout


def test_table_format_for_a_permission(run_cli):
    out = run_cli("explain", "BPC_ITEM_SUBCUSTSERV_060100", env={"COLUMNS": "200"})
    assert out.code == 0, out
    assert "GET /v2/orders/customer-orders/details/{order_id}" in out.stdout
