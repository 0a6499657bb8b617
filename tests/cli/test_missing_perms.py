"""``bsscheck missing-perms``: what is missing, the smallest fix, and whether the fix really works.

The round trips are the point: grant exactly what ``to_grant`` says, run again, and nothing
may be missing. A plan that is too small fails them; the minimality checks below catch one
that is too big.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

PARTNER_GRANTS = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"

TOP_LEVEL = {
    "schema_version",
    "account",
    "table",
    "options",
    "results",
    "summary",
    "warnings",
    "to_grant",
    "minimal",
    "blocked_by_deny",
    "unlisted",
}


def _table_apis(run_cli, account_type: str) -> list[str]:
    record = run_cli("apis", "--type", account_type, "--format", "json").json()
    return [entry["api"] for entry in record["entries"]]


# --------------------------------------------------------------------------- whole table


def test_partner_without_apis_checks_every_row_of_the_partner_table(run_cli):
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert set(record) >= TOP_LEVEL
    assert record["summary"]["total"] == 21
    # Held: 010118 (rows 1-3), 010119 (rows 4-7), 060100 (rows 14-15), FINANCE_090100 (row 20).
    assert (record["summary"]["callable"], record["summary"]["not_callable"]) == (10, 11)
    assert [r["input"] for r in record["results"]] == [
        "POST /v2/partners/sub-customers/query",
        "POST /v2/partners/sub-customers/freeze",
        "POST /v2/partners/sub-customers/unfreeze",
        "POST /v2/partners/indirect-partners/query",
        "GET /v2/partners/credit/consumption-quota",
        "GET /v2/promotions/benefits/coupons",
        "POST /v2/partners/sub-customers/on-demand-resources/query",
        "GET /v2/partners/sub-customers/budget",
        "POST /v2/partners/sub-customers/budget/query",
        "POST /v2/partners/sub-customers/budget",
        "GET /v1.0/{domain_id}/payments/intl-invoices",
    ]
    assert all(not r["callable"] for r in record["results"]), "only blocked APIs are listed"
    assert record["blocked_by_deny"] == []
    assert record["unlisted"] == []


def test_partner_fix_plan_is_minimal(run_cli):
    record = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json").json()
    assert record["minimal"] is True
    codes = [item["permission"] for item in record["to_grant"]]
    assert len(codes) == len(set(codes))
    # Four single-action rows force their code; four "A|B" groups need one code each:
    # query {010100|010500}, freeze+unfreeze {010501|010115}, coupons {MENU_FINANCE_100100|050101},
    # the three budget rows {010111|010503}. Eight is the minimum.
    assert len(codes) == 8
    forced = {
        "BPC_ITEM_SALES_020100",
        "BPC_ITEM_ACCOUNT_010500",
        "BPC_ITEM_SUBCUSTSERV_010105",
        "BPC_ITEM_FINANCE_060100",
    }
    assert forced <= set(codes)
    groups = [
        {"BPC_ITEM_SUBCUSTSERV_010100", "BPC_ITEM_SUBCUSTSERV_010500"},
        {"BPC_ITEM_SUBCUSTSERV_010501", "BPC_ITEM_SUBCUSTSERV_010115"},
        {"BPC_MENU_FINANCE_100100", "BPC_ITEM_SUBCUSTSERV_050101"},
        {"BPC_ITEM_SUBCUSTSERV_010111", "BPC_ITEM_SUBCUSTSERV_010503"},
    ]
    for group in groups:
        assert len(group & set(codes)) == 1, group


def test_partner_to_grant_entries_carry_menu_path_and_unlocks(run_cli):
    record = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json").json()
    by_code = {item["permission"]: item for item in record["to_grant"]}
    for item in record["to_grant"]:
        assert set(item) >= {"permission", "menu_path", "unlocks"}
        assert "name" not in item
        assert item["table"] == "partner"
        assert item["unlocks"], item
    assert by_code["BPC_ITEM_SALES_020100"]["menu_path"] == (
        "Sales > Resellers > Reseller Management > My Resellers > View Resellers"
    )
    assert by_code["BPC_ITEM_SALES_020100"]["unlocks"] == ["POST /v2/partners/indirect-partners/query"]
    budget = next(
        item
        for code, item in by_code.items()
        if code in ("BPC_ITEM_SUBCUSTSERV_010111", "BPC_ITEM_SUBCUSTSERV_010503")
    )
    assert budget["unlocks"] == [
        "GET /v2/partners/sub-customers/budget",
        "POST /v2/partners/sub-customers/budget/query",
        "POST /v2/partners/sub-customers/budget",
    ]
    # Huawei documents no menu path for the budget codes: null, never an invented path.
    assert budget["menu_path"] is None
    # Every blocked API is unlocked by some grant.
    unlocked = {api for item in record["to_grant"] for api in item["unlocks"]}
    assert unlocked == {r["entry"]["api"] for r in record["results"]}


def test_customer_without_apis_checks_every_row_of_the_customer_table(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert record["summary"]["total"] == 26
    assert record["summary"]["decisions"] == {
        "allowed": 14,
        "implicit_deny": 4,
        "explicit_deny": 2,
        "conditional": 6,
        "not_checked": 0,
        "unknown": 0,
        "blocked_by_scp": 0,
    }
    assert {item["permission"] for item in record["to_grant"]} == {
        "bss:balance:view",
        "bss:coupon:view",
        "bss:order:update",  # held only under a Condition: an unconditional grant fixes it
        "bss:costanalysis:view",
        "bss:invoice:update",
    }
    assert record["minimal"] is True
    assert "system role" in out.stderr


def test_customer_to_grant_entries_carry_name_and_unlocks(run_cli):
    record = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--format", "json").json()
    by_code = {item["permission"]: item for item in record["to_grant"]}
    for item in record["to_grant"]:
        assert set(item) >= {"permission", "name", "unlocks"}
        assert "menu_path" not in item
        assert item["name"], item
    assert by_code["bss:balance:view"]["name"] == "View account information"
    assert by_code["bss:balance:view"]["unlocks"] == ["GET /v2/accounts/customer-accounts/balances"]
    assert len(by_code["bss:order:update"]["unlocks"]) == 6
    assert "bss:order:pay" not in by_code, "an Allow cannot beat a Deny: do not advise one"


def test_customer_names_in_chinese(run_cli):
    record = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--lang", "zh", "--format", "json").json()
    by_code = {item["permission"]: item for item in record["to_grant"]}
    assert by_code["bss:balance:view"]["name"] == "查看账户信息"
    assert by_code["bss:invoice:update"]["name"] == "申请发票、查看信息"


def test_customer_blocked_by_deny_lists_the_pay_apis(run_cli):
    record = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--format", "json").json()
    blocked = record["blocked_by_deny"]
    assert [item["api"] for item in blocked] == [
        "POST /v2/orders/customer-orders/pay",
        "POST /v3/orders/customer-orders/pay",
    ]
    for item in blocked:
        assert [(g["name"], g["effect"], g["permission"], g["statement"]) for g in item["denied_by"]] == [
            ("OrderGuardrails", "Deny", "bss:order:pay", 1)
        ]
        assert item["denied_by"][0]["file"] == CUSTOMER_GRANTS


def test_customer_sample_api_list(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert [r["input"] for r in record["results"]] == [
        "POST /v3/orders/customer-orders/pay",
        "POST /v2/orders/subscriptions/resources/renew",
        "GET /v2/accounts/customer-accounts/balances",
    ]
    assert sorted(item["permission"] for item in record["to_grant"]) == [
        "bss:balance:view",
        "bss:order:update",
    ]
    assert [item["api"] for item in record["blocked_by_deny"]] == ["POST /v3/orders/customer-orders/pay"]
    # The renew API is unlocked by the order:update grant, the balance API by balance:view.
    unlocks = {item["permission"]: item["unlocks"] for item in record["to_grant"]}
    assert unlocks["bss:order:update"] == ["POST /v2/orders/subscriptions/resources/renew"]


def test_partner_sample_api_list(run_cli):
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert [r["input"] for r in record["results"]] == ["POST /v2/partners/sub-customers/budget"]
    assert len(record["to_grant"]) == 1
    assert record["to_grant"][0]["permission"] in (
        "BPC_ITEM_SUBCUSTSERV_010111",
        "BPC_ITEM_SUBCUSTSERV_010503",
    )
    assert record["to_grant"][0]["unlocks"] == ["POST /v2/partners/sub-customers/budget"]


def test_nothing_missing_exits_0(run_cli):
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 0, out
    record = out.json()
    assert record["results"] == [] and record["to_grant"] == [] and record["blocked_by_deny"] == []
    table = run_cli("missing-perms", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders")
    assert table.code == 0, table
    assert "Nothing missing" in table.stdout


def test_strict_lists_unlisted_apis_with_nothing_to_grant(run_cli):
    out = run_cli(
        "missing-perms",
        "-g",
        PARTNER_GRANTS,
        "--strict",
        "GET /v2/bases/conversions",
        "GET /v2/orders/customer-orders",
        "--format",
        "json",
    )
    assert out.code == 1, out
    record = out.json()
    assert record["unlisted"] == ["GET /v2/bases/conversions"]
    assert record["to_grant"] == []
    without = run_cli("missing-perms", "-g", PARTNER_GRANTS, "GET /v2/bases/conversions", "--format", "json")
    assert without.code == 0, without


def test_assume_conditions_drops_the_conditional_grant_from_the_plan(run_cli):
    record = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--assume-conditions", "--format", "json").json()
    assert "bss:order:update" not in {item["permission"] for item in record["to_grant"]}
    assert record["summary"]["decisions"]["conditional"] == 0


# --------------------------------------------------------------------------- round trips


def test_partner_round_trip_granting_to_grant_fixes_everything(run_cli, tmp_path: Path):
    record = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json").json()
    to_grant = [item["permission"] for item in record["to_grant"]]
    grants = yaml.safe_load(Path(PARTNER_GRANTS).read_text(encoding="utf-8"))
    grants["roles"].append({"name": "Everything missing-perms asked for", "actions": to_grant})
    fixed = tmp_path / "partner-fixed.yaml"
    fixed.write_text(yaml.safe_dump(grants, sort_keys=False), encoding="utf-8")

    out = run_cli("missing-perms", "-g", str(fixed), "--format", "json")
    assert out.code == 0, out
    again = out.json()
    assert again["results"] == [] and again["to_grant"] == []
    assert again["summary"]["callable"] == 21
    assert run_cli("can-call", "-g", str(fixed), "--apis", PARTNER_APIS).code == 0


def test_partner_round_trip_is_tight(run_cli, tmp_path: Path):
    """Dropping any one planned grant leaves something missing: the plan has no spare code."""
    record = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json").json()
    to_grant = [item["permission"] for item in record["to_grant"]]
    base = yaml.safe_load(Path(PARTNER_GRANTS).read_text(encoding="utf-8"))
    for dropped in to_grant:
        grants = json.loads(json.dumps(base))
        grants["roles"].append({"name": "almost", "actions": [code for code in to_grant if code != dropped]})
        path = tmp_path / f"without-{dropped}.yaml"
        path.write_text(yaml.safe_dump(grants, sort_keys=False), encoding="utf-8")
        assert run_cli("missing-perms", "-g", str(path), "--format", "json").code == 1, dropped


def test_customer_round_trip_granting_to_grant_fixes_everything_but_the_deny(run_cli, tmp_path: Path):
    record = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--format", "json").json()
    to_grant = [item["permission"] for item in record["to_grant"]]
    denied = {item["api"] for item in record["blocked_by_deny"]}
    grants = yaml.safe_load(Path(CUSTOMER_GRANTS).read_text(encoding="utf-8"))
    grants["policies"][0]["file"] = str(Path("samples", grants["policies"][0]["file"]).resolve())
    grants["policies"].append(
        {
            "name": "What missing-perms asked for",
            "document": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": to_grant}]},
        }
    )
    fixed = tmp_path / "customer-fixed.yaml"
    fixed.write_text(yaml.safe_dump(grants, sort_keys=False, allow_unicode=True), encoding="utf-8")

    # The Deny still blocks the pay APIs: an Allow cannot beat it.
    everything = run_cli("missing-perms", "-g", str(fixed), "--format", "json")
    assert everything.code == 1, everything
    assert {item["api"] for item in everything.json()["blocked_by_deny"]} == denied
    assert everything.json()["to_grant"] == []

    apis = [api for api in _table_apis(run_cli, "customer") if api not in denied]
    assert len(apis) == 24
    out = run_cli("missing-perms", "-g", str(fixed), *apis, "--format", "json")
    assert out.code == 0, out
    assert out.json()["results"] == []
    assert run_cli("can-call", "-g", str(fixed), *apis).code == 0


# --------------------------------------------------------------------------- table format


def test_table_format_prints_the_partner_menu_path(run_cli):
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, env={"COLUMNS": "250"})
    assert out.code == 1, out
    assert "Sales > Resellers > Reseller Management > My Resellers > View Resellers" in out.stdout
    assert "Partner Information > Basic Information > Consumption Quota > View Quota" in out.stdout
    assert "menu path not documented by Huawei" in out.stdout
    assert "smallest set" in out.stdout


def test_table_format_prints_customer_names_and_the_deny(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, env={"COLUMNS": "250"})
    assert out.code == 1, out
    assert "View account information" in out.stdout
    assert "Blocked by a Deny" in out.stdout
    assert "OrderGuardrails" in out.stdout
    assert "system role" in out.stderr and "system role" not in out.stdout


def test_a_hole_gets_a_fix_for_every_row_it_can_reach(run_cli, tmp_path):
    grants = tmp_path / "none.yaml"
    grants.write_text("type: partner\nroles: []\n", encoding="utf-8")
    out = run_cli(
        "missing-perms", "-g", str(grants), "POST /v2/partners/sub-customers/{op}", "--format", "json"
    )
    assert out.code == 1, out
    record = out.json()
    (result,) = record["results"]
    reached = {result["entry"]["api"], *(alt["entry"]["api"] for alt in result["alternatives"])}
    assert reached == {
        "POST /v2/partners/sub-customers/query",
        "POST /v2/partners/sub-customers/freeze",
        "POST /v2/partners/sub-customers/unfreeze",
        "POST /v2/partners/sub-customers/budget",
    }
    unlocked = {api for item in record["to_grant"] for api in item["unlocks"]}
    assert unlocked == reached, "the smallest set covers every row the hole can reach"
