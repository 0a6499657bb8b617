"""``bsscheck apis``: browsing the bundled tables."""

from __future__ import annotations

import pytest


def _apis(run_cli, *args):
    out = run_cli("apis", *args, "--format", "json")
    return out, out.json()


def test_lists_every_row_of_both_tables(run_cli):
    out, record = _apis(run_cli)
    assert out.code == 0, out
    assert set(record) == {"schema_version", "entries", "summary", "identity_actions"}
    assert record["schema_version"] == 2
    # Customer rows whose identity action Huawei documents, each with its page.
    identity = {item["api"]: item["actions"] for item in record["identity_actions"]}
    assert identity["GET /v2/accounts/customer-accounts/balances"] == ["billing:balance:view"]
    assert all(
        item["source"].startswith("https://support.huaweicloud.com/") for item in record["identity_actions"]
    )
    listed = {entry["api"] for entry in record["entries"] if entry["table"] == "customer"}
    assert set(identity) <= listed
    assert record["summary"]["total"] == 47 == len(record["entries"])
    tables = [entry["table"] for entry in record["entries"]]
    assert tables == ["partner"] * 21 + ["customer"] * 26, "partner rows first, each table in document order"
    assert [entry["row"] for entry in record["entries"]] == list(range(1, 22)) + list(range(1, 27))


def test_entry_fields(run_cli):
    _, record = _apis(run_cli)
    for entry in record["entries"]:
        assert set(entry) >= {
            "table",
            "row",
            "method",
            "path",
            "api",
            "scenario",
            "sub_scenario",
            "description",
            "mode",
            "permissions",
            "menu_path",
            "permission_name",
            "source",
        }
        assert entry["api"] == f"{entry['method']} {entry['path']}"
        assert entry["mode"] == ("any" if entry["table"] == "partner" else "all")
        assert entry["permissions"]
        if entry["table"] == "customer":
            assert entry["permission_name"], entry
            assert entry["menu_path"] is None


@pytest.mark.parametrize(
    ("account_type", "total", "first", "last"),
    [
        (
            "partner",
            21,
            "POST /v2/partners/sub-customers/users/check-identity",
            "GET /v1.0/{domain_id}/payments/intl-invoices",
        ),
        (
            "customer",
            26,
            "POST /v2/bills/ratings/on-demand-resources",
            "GET /v1.0/{domain_id}/payments/intl-invoices",
        ),
    ],
)
def test_type_filter(run_cli, account_type, total, first, last):
    out, record = _apis(run_cli, "--type", account_type)
    assert out.code == 0, out
    assert record["summary"]["total"] == total
    assert {entry["table"] for entry in record["entries"]} == {account_type}
    assert (record["entries"][0]["api"], record["entries"][-1]["api"]) == (first, last)


def test_documented_oddities_are_kept(run_cli):
    _, record = _apis(run_cli, "--type", "customer")
    apis = [entry["api"] for entry in record["entries"]]
    assert "POST /v2/orders/suscriptions/resources/query" in apis
    assert "POST /v2/orders/subscriptions/resources/autorenew/**" in apis
    # Rows documented without a space ("GET/v2/...") are split into method and path.
    assert "GET /v2/accounts/customer-accounts/balances" in apis
    assert "POST /v3/payments/free-resources/query" in apis


def test_permission_filter_exact_code(run_cli):
    out, record = _apis(run_cli, "--permission", "bss:order:view")
    assert out.code == 0, out
    assert [entry["api"] for entry in record["entries"]] == [
        "GET /v2/orders/customer-orders",
        "GET /v2/orders/customer-orders/details/{order_id}",
        "GET /v2/orders/customer-orders/refund-orders",
        "POST /v2/orders/suscriptions/resources/query",
    ]


def test_permission_filter_partner_code_on_an_any_row(run_cli):
    _, record = _apis(run_cli, "--permission", "BPC_ITEM_SUBCUSTSERV_010503")
    assert [entry["api"] for entry in record["entries"]] == [
        "GET /v2/partners/sub-customers/budget",
        "POST /v2/partners/sub-customers/budget/query",
        "POST /v2/partners/sub-customers/budget",
    ]


@pytest.mark.parametrize(
    ("pattern", "total"),
    [("bss:order:*", 12), ("bss:bill*:view", 6), ("bss:*:*", 26), ("BPC_ITEM_FINANCE_*", 2)],
)
def test_permission_filter_patterns(run_cli, pattern, total):
    out, record = _apis(run_cli, "--permission", pattern)
    assert out.code == 0, out
    assert record["summary"]["total"] == total


def test_permission_filter_with_type(run_cli):
    out, record = _apis(run_cli, "--permission", "bss:order:view", "--type", "partner")
    assert out.code == 1, out
    assert record["entries"] == []


@pytest.mark.parametrize("text", ["ORDERS", "orders", "Orders"])
def test_search_is_case_insensitive(run_cli, text):
    out, record = _apis(run_cli, "--search", text)
    assert out.code == 0, out
    assert record["summary"]["total"] == 15
    assert all("orders" in entry["api"].lower() for entry in record["entries"])


def test_search_chinese_text(run_cli):
    out, record = _apis(run_cli, "--search", "订单支付")
    assert out.code == 0, out
    assert [entry["api"] for entry in record["entries"]] == [
        "POST /v2/orders/customer-orders/pay",
        "POST /v3/orders/customer-orders/pay",
    ]


def test_search_in_english_finds_rows_shown_in_chinese(run_cli):
    out, record = _apis(run_cli, "--search", "cost analysis", "--lang", "zh")
    assert out.code == 0, out
    assert [entry["api"] for entry in record["entries"]] == ["POST /v4/costs/cost-analysed-bills/query"]
    assert record["entries"][0]["permission_name"] == "查看成本分析"


def test_search_menu_path(run_cli):
    _, record = _apis(run_cli, "--search", "view resellers")
    assert [entry["api"] for entry in record["entries"]] == ["POST /v2/partners/indirect-partners/query"]


def test_search_permission_code(run_cli):
    _, record = _apis(run_cli, "--search", "bss:costanalysis")
    assert record["summary"]["total"] == 1


def test_no_match_exits_1(run_cli):
    out, record = _apis(run_cli, "--search", "zzz-no-such-thing")
    assert out.code == 1, out
    assert record["entries"] == [] and record["summary"]["total"] == 0
    table = run_cli("apis", "--search", "zzz-no-such-thing")
    assert table.code == 1, table
    assert "0 API(s)" in table.stdout


def test_lang_zh_descriptions(run_cli):
    _, record = _apis(run_cli, "--lang", "zh", "--type", "customer")
    assert record["entries"][0]["description"] == "查询按需产品价格"


def test_table_format(run_cli):
    out = run_cli("apis", env={"COLUMNS": "250"})
    assert out.code == 0, out
    assert "47 API(s)" in out.stdout
    assert "POST /v2/orders/suscriptions/resources/query" in out.stdout
    assert "BPC_ITEM_SUBCUSTSERV_060100" in out.stdout
