"""A later edition of a table, imported from its HTML page, changes the decisions it should.

The pages in tests/data/pages/*-later-*.html are the seed rows with the changes Huawei's later
editions are known to make (see build_later_editions.py, which a test here re-runs): new rows,
auto-renewal moved to bss:renewal:update, and unsubscribing given its own code beside the old
one marked 待下线 (to be taken offline).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT

PAGES = ROOT / "tests" / "data" / "pages"
UNSUBSCRIBE = "POST /v2/orders/subscriptions/resources/unsubscribe"
AUTORENEW_OFF = "DELETE /v2/orders/subscriptions/resources/autorenew/r-1"
STORED_VALUE = "GET /v2/promotions/benefits/stored-value-cards"


def test_the_committed_pages_are_what_the_script_builds():
    spec = importlib.util.spec_from_file_location("build_later_editions", PAGES / "build_later_editions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.all_pages().items():
        assert (PAGES / name).read_text(encoding="utf-8") == text, f"{name}: rerun the script"


@pytest.fixture
def later_customer(run_cli, tmp_path) -> str:
    out = tmp_path / "customer-later.yaml"
    done = run_cli(
        "table", "import", str(PAGES / "customer-later-zh.html"), "--type", "customer",
        "--merge-from", "bundled:customer", "-o", str(out),
    )  # fmt: skip
    assert done.code == 0, done
    return str(out)


def _grants(tmp_path: Path, *actions: str) -> str:
    path = tmp_path / f"grants-{len(actions)}-{abs(hash(actions))}.yaml"
    statement = {"Effect": "Allow", "Action": list(actions)}
    document = {"Version": "1.1", "Statement": [statement]}
    text = json.dumps({"type": "customer", "account": "a", "policies": [{"name": "p", "document": document}]})
    path.write_text(text, encoding="utf-8")
    return str(path)


def _result(run_cli, *args: str) -> dict:
    out = run_cli("can-call", *args, "--format", "json")
    assert out.code in (0, 1), out
    (result,) = out.json()["results"]
    return result


def test_table_diff_shows_each_change(run_cli, later_customer):
    out = run_cli("table", "diff", "bundled:customer", later_customer, "--format", "json")
    assert out.code == 1, out
    diff = out.json()
    assert sorted(row["api"] for row in diff["added"]) == [
        "GET /v2/accounts/customer-accounts/account-change-records",
        "GET /v2/orders/customer-orders/order-coupons",
        STORED_VALUE,
    ]
    changed = {
        change["api"]: {item["field"]: item for item in change["fields"]} for change in diff["changed"]
    }
    assert changed[UNSUBSCRIBE]["permissions"]["new"] == ["bss:unsubscribe:update", "bss:order:update"]
    assert changed[UNSUBSCRIBE]["retiring"]["new"] == ["bss:order:update"]
    for api in (
        "POST /v2/orders/subscriptions/resources/autorenew/**",
        "DELETE /v2/orders/subscriptions/resources/autorenew/{resource_id}",
    ):
        assert changed[api]["permissions"]["new"] == ["bss:renewal:update"]
    assert diff["summary"]["removed"] == 0


def test_the_old_code_still_unsubscribes_with_a_warning(run_cli, tmp_path, later_customer):
    old_code = _grants(tmp_path, "bss:order:update")
    bundled = _result(run_cli, "-g", old_code, UNSUBSCRIBE)
    later = _result(run_cli, "-g", old_code, UNSUBSCRIBE, "--table", later_customer)
    assert bundled["decision"] == later["decision"] == "allowed"
    assert not any("taken offline" in note for note in bundled["notes"])
    assert any(
        "allowed through bss:order:update, which Huawei marks as to be taken offline" in note
        and "bss:unsubscribe:update" in note
        for note in later["notes"]
    )
    assert later["entry"]["retiring"] == ["bss:order:update"]


def test_the_new_code_unsubscribes_only_in_the_later_edition(run_cli, tmp_path, later_customer):
    new_code = _grants(tmp_path, "bss:unsubscribe:update")
    assert _result(run_cli, "-g", new_code, UNSUBSCRIBE)["decision"] == "implicit_deny"
    later = _result(run_cli, "-g", new_code, UNSUBSCRIBE, "--table", later_customer)
    assert later["decision"] == "allowed" and later["notes"] == []


def test_auto_renewal_needs_the_renewal_code_in_the_later_edition(run_cli, tmp_path, later_customer):
    old_code = _grants(tmp_path, "bss:order:update")
    assert _result(run_cli, "-g", old_code, AUTORENEW_OFF)["decision"] == "allowed"
    later = _result(run_cli, "-g", old_code, AUTORENEW_OFF, "--table", later_customer)
    assert later["decision"] == "implicit_deny" and later["missing"] == ["bss:renewal:update"]


def test_a_row_the_later_edition_adds_is_checked(run_cli, tmp_path, later_customer):
    nothing_relevant = _grants(tmp_path, "bss:order:view")
    bundled = _result(run_cli, "-g", nothing_relevant, STORED_VALUE)
    assert bundled["decision"] == "not_checked" and bundled["callable"] is True
    later = _result(run_cli, "-g", nothing_relevant, STORED_VALUE, "--table", later_customer)
    assert later["decision"] == "implicit_deny" and later["missing"] == ["bss:coupon:view"]


def test_missing_perms_advises_the_current_code_not_the_retiring_one(run_cli, tmp_path, later_customer):
    none = _grants(tmp_path, "bss:order:view")
    out = run_cli("missing-perms", "-g", none, UNSUBSCRIBE, "--table", later_customer, "--format", "json")
    assert out.code == 1, out
    assert [item["permission"] for item in out.json()["to_grant"]] == ["bss:unsubscribe:update"]


def test_the_table_view_says_what_replaces_the_retiring_code(run_cli, tmp_path, later_customer):
    none = _grants(tmp_path, "bss:order:view")
    out = run_cli("can-call", "-g", none, UNSUBSCRIBE, "--table", later_customer)
    assert "requires bss:unsubscribe:update (or bss:order:update, to be taken offline)" in out.stdout
    assert "fix: grant bss:unsubscribe:update" in out.stdout


def test_the_later_partner_page_adds_rows_and_keeps_both_bulleted_menu_paths(run_cli, tmp_path):
    out_file = tmp_path / "partner-later.yaml"
    done = run_cli(
        "table", "import", str(PAGES / "partner-later-en.html"), "--type", "partner", "-o", str(out_file)
    )
    assert done.code == 0, done
    diff = run_cli("table", "diff", "bundled:partner", str(out_file), "--format", "json").json()
    assert sorted(row["api"] for row in diff["added"]) == [
        "GET /v2/products/incentive-discount-policies",
        "POST /v2/partners/sub-customers/new-customers-tags/batch-query",
    ]
    added = {row["api"]: row for row in diff["added"]}
    assert added["GET /v2/products/incentive-discount-policies"]["menu_path"] is None  # none invented
    (changed,) = diff["changed"]
    (menu,) = changed["fields"]
    assert menu["new"] == (
        "Sales > Customers > Customer Management > Customer List > Create Partner Customer; "
        "Sales > Customers > Customer Registration"
    )
