"""``bsscheck diff OLD NEW``: APIs gained, lost and changed by a grants change, with the cause.

samples/grants-change: old.yaml allows bss:order:view, bss:bill:view, bss:billDetail:view and
denies bss:order:pay; new.yaml allows bss:order:view, bss:bill:view, bss:balance:view and
bss:order:pay (policy Payments) and denies bss:coupon:*. Worked out over the 26 customer rows:
gained the balance row (4) and both pay rows (9, 11); lost the two bss:billDetail:view rows
(20, 22); changed the coupon row (5), not granted before and denied now.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

OLD = "samples/grants-change/old.yaml"
NEW = "samples/grants-change/new.yaml"

PARTNER = """type: partner
account: {name}
roles:
  - name: {role}
    actions: [{actions}]
"""


def changes(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (change["kind"], change["api"], change["old"]["decision"], change["new"]["decision"])
        for change in report["changes"]
    ]


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_sample_change_json(run_cli, shape_errors):
    out = run_cli("diff", OLD, NEW, "--format", "json")
    assert out.code == 1, out
    report = out.json()
    assert shape_errors(report, "diff-report") == []
    assert changes(report) == [
        ("gained", "GET /v2/accounts/customer-accounts/balances", "implicit_deny", "allowed"),
        ("gained", "POST /v2/orders/customer-orders/pay", "explicit_deny", "allowed"),
        ("gained", "POST /v3/orders/customer-orders/pay", "explicit_deny", "allowed"),
        ("lost", "GET /v2/bills/customer-bills/free-resources-usage-records", "allowed", "implicit_deny"),
        ("lost", "POST /v2/bills/customer-bills/res-records/query", "allowed", "implicit_deny"),
        ("changed", "GET /v2/promotions/benefits/coupons", "implicit_deny", "explicit_deny"),
    ]
    assert [change["entry"]["row"] for change in report["changes"]] == [4, 9, 11, 20, 22, 5]
    assert report["summary"] == {"checked": 26, "gained": 3, "lost": 2, "changed": 1, "unchanged": 20}
    assert report["scope"] == "table"
    (cause,) = report["changes"][1]["causes"]
    assert (cause["permission"], cause["old"], cause["new"]) == ("bss:order:pay", "explicit_deny", "allowed")
    assert [(g["name"], g["effect"], g["file"], g["line"]) for g in cause["added"]] == [
        ("Payments", "Allow", NEW, 16)
    ]
    assert [(g["name"], g["effect"], g["file"], g["line"]) for g in cause["removed"]] == [
        ("Guardrails", "Deny", OLD, 16)
    ]
    assert report["old"]["files"] == [OLD] and report["new"]["files"] == [NEW]
    assert report["warnings"] == []


def test_the_sample_change_table_names_each_cause(run_cli):
    out = run_cli("diff", OLD, NEW, env={"COLUMNS": "300"})
    assert out.code == 1
    lines = out.stdout.splitlines()
    assert lines[0] == f"Account billing-pipeline (customer): {OLD} -> {NEW}"
    assert "compared: every row of the customer table (26 APIs)" in lines[1]
    assert "bss:balance:view now allowed by policy 'BillingRead' statement 1 (bss:balance:view)" in out.stdout
    assert (
        f"bss:order:pay now allowed by policy 'Payments' statement 1 (bss:order:pay) [{NEW}:16]" in out.stdout
    )
    assert (
        f"bss:order:pay no longer denied by policy 'Guardrails' statement 1 (bss:order:pay) [{OLD}:16]"
        in (out.stdout)
    )
    assert "bss:billDetail:view no longer allowed by policy 'BillingRead'" in out.stdout
    assert "bss:coupon:view now denied by policy 'Guardrails' statement 1 (bss:coupon:*)" in out.stdout
    assert lines[-1] == "26 API(s) checked: 3 gained, 2 lost, 1 changed, 20 unchanged"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ((), 1),  # default: gained or lost
        (("--fail-on", "gained"), 1),
        (("--fail-on", "lost"), 1),
        (("--fail-on", "changed"), 1),
        (("--exit-zero",), 0),
        (("--fail-on", "gained", "--exit-zero"), 0),
    ],
)
def test_gates_on_the_sample(run_cli, options, code):
    assert run_cli("diff", OLD, NEW, *options, "--format", "json").code == code


@pytest.fixture
def partner_versions(tmp_path: Path) -> tuple[str, str]:
    old = write(
        tmp_path, "old.yaml", PARTNER.format(name="ops", role="Desk", actions="BPC_ITEM_SUBCUSTSERV_060100")
    )
    new = write(
        tmp_path,
        "new.yaml",
        PARTNER.format(name="ops", role="Desk", actions="BPC_ITEM_SUBCUSTSERV_060100, BPC_ITEM_SALES_020100"),
    )
    return old, new


def test_a_no_new_access_gate(run_cli, partner_versions):
    old, new = partner_versions
    out = run_cli("diff", old, new, "--fail-on", "gained", env={"COLUMNS": "300"})
    assert out.code == 1
    assert f"BPC_ITEM_SALES_020100 added to role 'Desk' [{new}:4]" in out.stdout
    assert re.search(r"│ gained +│ POST /v2/partners/indirect-partners/query", out.stdout)
    # The same change is no regression.
    assert run_cli("diff", old, new, "--fail-on", "lost").code == 0


def test_a_regression_gate(run_cli, partner_versions, shape_errors):
    old, new = partner_versions
    out = run_cli("diff", new, old, "--fail-on", "lost", "--format", "json")
    assert out.code == 1
    report = out.json()
    assert shape_errors(report, "diff-report") == []
    assert changes(report) == [
        ("lost", "POST /v2/partners/indirect-partners/query", "allowed", "implicit_deny")
    ]
    (cause,) = report["changes"][0]["causes"]
    assert [(g["permission"], g["source"], g["name"]) for g in cause["removed"]] == [
        ("BPC_ITEM_SALES_020100", "role", "Desk")
    ]
    assert run_cli("diff", new, old, "--fail-on", "gained").code == 0


def test_no_change_exits_0(run_cli, partner_versions, tmp_path):
    old, _ = partner_versions
    moved = write(
        tmp_path, "moved.yaml", "# same grants, other lines\n" + Path(old).read_text(encoding="utf-8")
    )
    out = run_cli("diff", old, moved)
    assert out.code == 0, out
    assert "No change in what the account can call." in out.stdout
    assert out.stdout.rstrip().endswith("21 API(s) checked: 0 gained, 0 lost, 0 changed, 21 unchanged")


def test_apis_narrow_the_comparison(run_cli, tmp_path):
    apis = write(tmp_path, "apis.txt", "GET /v2/orders/customer-orders\n# only reads\n")
    out = run_cli("diff", OLD, NEW, "--apis", apis, "--format", "json")
    assert out.code == 0
    report = out.json()
    assert report["scope"] == "apis"
    assert report["summary"] == {"checked": 1, "gained": 0, "lost": 0, "changed": 0, "unchanged": 1}
    stdin = run_cli(
        "diff", OLD, NEW, "--apis", "-", "--format", "json", input="POST /v3/orders/customer-orders/pay\n"
    )
    assert stdin.code == 1
    assert changes(stdin.json()) == [
        ("gained", "POST /v3/orders/customer-orders/pay", "explicit_deny", "allowed")
    ]
    assert stdin.json()["changes"][0]["location"] == {"file": "<stdin>", "line": 1, "column": 1}


def test_two_account_types_are_an_input_error(run_cli):
    out = run_cli("diff", "samples/partner-grants.yaml", NEW)
    assert out.code == 2
    assert out.stdout == ""
    assert out.stderr_lines == [
        f"bsscheck: error: {NEW}: is a customer grants file, but samples/partner-grants.yaml is partner "
        "(hint: diff compares two versions of one account: both files must be of one account type)"
    ]


def test_different_account_names_are_a_warning(run_cli, tmp_path):
    old = write(
        tmp_path, "a.yaml", PARTNER.format(name="ops-1", role="Desk", actions="BPC_ITEM_FINANCE_090100")
    )
    new = write(
        tmp_path, "b.yaml", PARTNER.format(name="ops-2", role="Desk", actions="BPC_ITEM_FINANCE_090100")
    )
    out = run_cli("diff", old, new)
    assert out.code == 0
    assert out.stderr_lines == [
        f"bsscheck: warning: {new}: the account names differ ('ops-1' in the old file, 'ops-2' in the new); "
        "compared as two versions of one account anyway"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("samples/grants-change", NEW), "samples/grants-change: is a directory, not a file"),
        ((OLD, NEW, "--fail-on", "more"), "Invalid value for '--fail-on'"),
    ],
)
def test_input_errors_exit_2(run_cli, args, message):
    out = run_cli("diff", *args)
    assert out.code == 2
    assert message in out.stderr


def test_markdown(run_cli):
    out = run_cli("diff", OLD, NEW, "--format", "markdown")
    assert out.code == 1
    assert out.stdout.startswith("### bsscheck diff: account billing-pipeline (customer)\n")
    rows = [line for line in out.stdout.splitlines() if line.startswith("| **")]
    assert len(rows) == 6
    assert rows[0].startswith("| **gained** | `GET /v2/accounts/customer-accounts/balances` |")
    assert "implicit\\_deny -&gt; allowed" in rows[0]
    assert out.stdout.rstrip().endswith("**26 API(s) checked: 3 gained, 2 lost, 1 changed, 20 unchanged**")


def test_markdown_escapes_a_role_name(run_cli, tmp_path):
    old = write(
        tmp_path, "old.yaml", PARTNER.format(name="x", role="'A | B'", actions="BPC_ITEM_FINANCE_090100")
    )
    new = write(
        tmp_path, "new.yaml", PARTNER.format(name="x", role="'A | B'", actions="BPC_ITEM_FINANCE_060100")
    )
    out = run_cli("diff", old, new, "--format", "markdown")
    assert out.code == 1
    rows = [line for line in out.stdout.splitlines() if line.startswith("| **")]
    assert [len(re.split(r"(?<!\\)\|", row)) for row in rows] == [6, 6]  # four cells each
    assert "role 'A \\| B'" in rows[0]
