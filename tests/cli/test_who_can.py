"""``bsscheck who-can``: accounts of a fleet that can call one API, exit codes, formats, errors.

Decisions are worked out by hand from the bundled tables and samples/fleet (see
tests/permtable/test_fleet.py for the grants of each account).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FLEET = "samples/fleet"
PAY_V3 = "POST /v3/orders/customer-orders/pay"
ORDERS = "GET /v2/orders/customer-orders"

PARTNER = """type: partner
account: {name}
roles:
  - name: {role}
    actions: [{actions}]
"""


def accounts(report: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {item["account"]: (item["decision"], item["callable"]) for item in report["accounts"]}


def test_who_can_pay_orders_json(run_cli, shape_errors):
    out = run_cli("who-can", PAY_V3, "-g", FLEET, "--format", "json")
    assert out.code == 0, out
    report = out.json()
    assert shape_errors(report, "who-can-report") == []
    assert accounts(report) == {
        "auditor": ("explicit_deny", False),
        "finance-bot": ("allowed", True),
        "treasury": ("conditional", False),
        "ops-a": ("not_checked", False),
        "ops-b": ("not_checked", False),
    }
    assert [item["file"] for item in report["accounts"]] == [
        "samples/fleet/customers/auditor.yaml",
        "samples/fleet/customers/finance-bot.json",
        "samples/fleet/customers/treasury.yaml",
        "samples/fleet/partners/ops-a.yaml",
        "samples/fleet/partners/ops-b.yaml",
    ]
    finance = report["accounts"][1]
    assert [(g["permission"], g["name"], g["statement"], g["pattern"]) for g in finance["granted_by"]] == [
        ("bss:order:pay", "PayAndView", 1, "bss:order:*")
    ]
    auditor = report["accounts"][0]
    assert [(g["name"], g["effect"]) for g in auditor["denied_by"]] == [("NoPayments", "Deny")]
    tables = {item["type"]: item for item in report["api"]["tables"]}
    assert tables["customer"]["listed"] and tables["customer"]["entry"]["row"] == 11
    assert not tables["partner"]["listed"]
    assert tables["partner"]["note"] == (
        "documented only for customer accounts: partner accounts are not counted as able to call it"
    )
    assert report["accounts"][3]["unlisted_reason"] == "other_account_type"
    assert report["summary"] == {
        "accounts": 5,
        "callable": 1,
        "not_callable": 4,
        "decisions": {
            "allowed": 1,
            "implicit_deny": 0,
            "explicit_deny": 1,
            "conditional": 1,
            "not_checked": 2,
            "unknown": 0,
            "blocked_by_scp": 0,
        },
        "errors": 0,
        "skipped": 1,
    }
    assert report["skipped"] == [
        {
            "file": "samples/fleet/customers/policies/read-only.json",
            "reason": "a policy file of samples/fleet/customers/auditor.yaml, not an account of its own",
        }
    ]


def test_who_can_table_says_who_and_through_what(run_cli):
    out = run_cli("who-can", ORDERS, "-g", FLEET, env={"COLUMNS": "250"})
    assert out.code == 0, out
    assert "Who can call GET /v2/orders/customer-orders" in out.stdout
    assert "partner table row 14" in out.stdout and "customer table row 6" in out.stdout
    assert "BPC_ITEM_SUBCUSTSERV_060100 granted by role 'Order desk'" in out.stdout
    assert "holds none of BPC_ITEM_SUBCUSTSERV_060100, BPC_ITEM_SUBCUSTSERV_060200" in out.stdout
    assert "DENIED: not granted" in out.stdout
    assert "5 account(s): 4 can call it, 1 cannot (4 allowed, 1 implicit_deny)" in out.stdout
    assert out.stderr == ""


def test_a_type_whose_table_does_not_list_the_api_is_said_so(run_cli):
    out = run_cli("who-can", "GET /v2/bills/partner-bills/postpaid-bill-summary", "-g", FLEET)
    assert out.code == 0, out
    assert "\n  documented only for partner accounts: customer accounts are not counted" in out.stdout
    assert "OTHER ACCOUNT TYPE's API" in out.stdout
    # A partner-only run does not talk about the customer table.
    partners = run_cli(
        "who-can",
        "GET /v2/bills/partner-bills/postpaid-bill-summary",
        "-g",
        f"{FLEET}/partners",
        env={"COLUMNS": "250"},
    )
    assert "customer table" not in partners.stdout
    assert "BPC_ITEM_FINANCE_090100 granted by role 'Finance | Reports' [line 6]" in partners.stdout


@pytest.mark.parametrize(
    ("api", "paths", "code"),
    [
        (PAY_V3, (FLEET,), 1),  # finance-bot (and every partner account) can pay
        (PAY_V3, (f"{FLEET}/customers/auditor.yaml", f"{FLEET}/customers/treasury.yaml"), 0),
        ("GET /v2/partners/credit/consumption-quota", (f"{FLEET}/partners",), 0),  # nobody holds it
        ("GET /v2/partners/sub-customers/budget", (f"{FLEET}/partners",), 1),  # ops-b does
    ],
)
def test_fail_if_any_guards_a_sensitive_api(run_cli, api, paths, code):
    args = [arg for path in paths for arg in ("-g", path)]
    assert run_cli("who-can", api, *args).code == 0
    out = run_cli("who-can", api, *args, "--fail-if-any", "--format", "json")
    assert out.code == code, out
    assert out.json()["summary"]["callable"] > 0 if code else out.json()["summary"]["callable"] == 0


def test_a_conditional_grant_is_not_callable_unless_assumed(run_cli):
    paths = ("-g", f"{FLEET}/customers/treasury.yaml")
    assert run_cli("who-can", PAY_V3, *paths, "--fail-if-any").code == 0
    assumed = run_cli("who-can", PAY_V3, *paths, "--fail-if-any", "--assume-conditions", "--format", "json")
    assert assumed.code == 1
    assert accounts(assumed.json()) == {"treasury": ("allowed", True)}


def test_strict_counts_an_unlisted_api_as_not_callable(run_cli, shape_errors):
    out = run_cli(
        "who-can", PAY_V3, "-g", f"{FLEET}/partners", "--strict", "--fail-if-any", "--format", "json"
    )
    assert out.code == 0, out
    assert accounts(out.json()) == {"ops-a": ("not_checked", False), "ops-b": ("not_checked", False)}
    assert shape_errors(out.json(), "who-can-report") == []


def test_the_api_may_be_two_words_or_an_sdk_operation(run_cli):
    two_words = run_cli("who-can", "POST", "/v3/orders/customer-orders/pay", "-g", FLEET, "--format", "json")
    operation = run_cli("who-can", "list_customer_orders", "-g", FLEET, "--format", "json")
    assert two_words.code == 0 and operation.code == 0
    assert two_words.json()["api"]["path"] == "/v3/orders/customer-orders/pay"
    assert operation.json()["api"]["operation"] == "list_customer_orders"
    assert accounts(operation.json())["ops-b"] == ("implicit_deny", False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((ORDERS, PAY_V3, "-g", FLEET), "who-can takes one API, got 2"),
        (("FETCH /x", "-g", FLEET), "unknown HTTP method 'FETCH'"),
        ((ORDERS, "-g", "samples/no-such-dir"), "samples/no-such-dir: no such file or directory"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(run_cli, args, message):
    out = run_cli("who-can", *args)
    assert out.code == 2
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1
    assert message in out.stderr


def test_a_typo_is_flagged_for_the_types_present(run_cli):
    out = run_cli("who-can", "POST /v2/orders/subscriptions/resources/query", "-g", f"{FLEET}/customers")
    assert out.code == 0
    (warning,) = out.stderr_lines
    assert warning.startswith(
        "bsscheck: warning: <argument 1>: POST /v2/orders/subscriptions/resources/query"
    )
    assert "near miss of POST /v2/orders/suscriptions/resources/query" in warning
    assert "NEAR MISS of a listed API" in out.stdout


# --------------------------------------------------------------------------- broken files


@pytest.fixture
def broken_fleet(tmp_path: Path) -> Path:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "a.yaml").write_text(
        PARTNER.format(name="a", role="Desk", actions="BPC_ITEM_SUBCUSTSERV_060100"), "utf-8"
    )
    (tmp_path / "team" / "b.yaml").write_text(
        "type: partner\naccount: b\nroles:\n  - name: x\n    actions: no\n"
    )
    (tmp_path / "team" / "c.yaml").write_text(
        PARTNER.format(name="c", role="Other", actions="BPC_ITEM_FINANCE_090100"), "utf-8"
    )
    return tmp_path


def test_a_broken_file_in_a_directory_is_reported_after_the_others(run_cli, broken_fleet):
    out = run_cli("who-can", ORDERS, "-g", str(broken_fleet), env={"COLUMNS": "250"})
    assert out.code == 2, out
    broken = str(broken_fleet / "team" / "b.yaml")
    (line,) = out.stderr_lines
    assert line == (
        f"bsscheck: error: {broken}:5:14: role 'x' actions must be a list of strings, found a bool ('no')"
    )
    assert "│ 1 │ a " in out.stdout and "│ 2 │ c " in out.stdout
    assert f"unreadable: {broken}:5:14" in out.stdout
    assert "2 account(s): 1 can call it, 1 cannot" in out.stdout
    assert "1 file(s) unreadable" in out.stdout
    assert "Traceback" not in out.stderr


def test_a_broken_file_is_in_the_json_errors(run_cli, broken_fleet, shape_errors):
    out = run_cli("who-can", ORDERS, "-g", str(broken_fleet), "--fail-if-any", "--format", "json")
    assert out.code == 2  # a broken input is never a pass, whatever the answer
    report = out.json()
    assert shape_errors(report, "who-can-report") == []
    assert accounts(report) == {"a": ("allowed", True), "c": ("implicit_deny", False)}
    (error,) = report["errors"]
    assert error["file"] == str(broken_fleet / "team" / "b.yaml")
    assert error["location"]["line"] == 5
    assert report["summary"]["errors"] == 1


def test_markdown_escapes_names_that_would_break_a_table(run_cli, tmp_path):
    (tmp_path / "x.yaml").write_text(
        PARTNER.format(name="'a|b <i>'", role="'Ops | *all*'", actions="BPC_ITEM_SUBCUSTSERV_060100"), "utf-8"
    )
    out = run_cli("who-can", ORDERS, "-g", str(tmp_path), "--format", "markdown")
    assert out.code == 0, out
    (row,) = [line for line in out.stdout.splitlines() if line.startswith("| 1 |")]
    assert "a\\|b &lt;i&gt;" in row
    assert "role 'Ops \\| \\*all\\*'" in row
    # Every row of the table has as many cells as the header.
    table = [line for line in out.stdout.splitlines() if line.startswith("|")]
    cells = {len(line.replace("\\|", "").split("|")) for line in table}
    assert len(cells) == 1


def test_markdown_of_the_sample(run_cli):
    out = run_cli("who-can", PAY_V3, "-g", FLEET, "--format", "markdown")
    assert out.code == 0
    assert out.stdout.startswith("### bsscheck who-can: `POST /v3/orders/customer-orders/pay`\n")
    assert (
        "| 2 | finance-bot<br>`samples/fleet/customers/finance-bot.json` | customer | allowed |" in out.stdout
    )


def test_output_file_and_summary_line(run_cli, tmp_path):
    target = tmp_path / "who.json"
    out = run_cli("who-can", PAY_V3, "-g", FLEET, "--format", "json", "-o", str(target))
    assert out.code == 0
    assert out.stdout == ""
    assert json.loads(target.read_text("utf-8"))["summary"]["accounts"] == 5
    assert out.stderr_lines == [
        f"bsscheck: wrote the json report to {target}. 5 account(s): 1 can call it, 4 cannot "
        "(1 allowed, 1 explicit_deny, 1 conditional, 2 not_checked); 1 file(s) skipped "
        "(policy files of other accounts)."
    ]


def test_many_accounts_print_one_line_each(run_cli, tmp_path):
    for number in range(205):
        actions = "BPC_ITEM_SUBCUSTSERV_060100" if number % 2 else "BPC_ITEM_FINANCE_090100"
        (tmp_path / f"op-{number:03d}.yaml").write_text(
            PARTNER.format(name=f"op-{number:03d}", role="R", actions=actions), "utf-8"
        )
    out = run_cli("who-can", ORDERS, "-g", str(tmp_path))
    assert out.code == 0
    assert "┃" not in out.stdout  # no rich table past 200 rows
    assert f"2. op-001 (partner) {tmp_path / 'op-001.yaml'}  allowed" in out.stdout
    assert "205 account(s): 102 can call it, 103 cannot" in out.stdout


JSON_PROBE = """
import contextlib, io, json, sys
from cli.main import run
buffer = io.StringIO()
with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
    try:
        run(json.loads(sys.argv[1]))
    except SystemExit as done:
        code = done.code
loaded = sorted(m for m in sys.modules if m == "rich" or m.startswith("rich."))
print(json.dumps({"code": code, "rich": loaded}))
"""


@pytest.mark.parametrize("command", ["who-can", "matrix", "diff"])
def test_json_runs_over_many_files_never_import_rich(tmp_path, root, command):
    import subprocess
    import sys

    for number in range(60):  # more than the progress bar's threshold; stderr is not a terminal
        (tmp_path / f"op-{number:02d}.yaml").write_text(
            PARTNER.format(name=f"op-{number}", role="R", actions="BPC_ITEM_SUBCUSTSERV_060100"), "utf-8"
        )
    args = {
        "who-can": ["who-can", ORDERS, "-g", str(tmp_path)],
        "matrix": ["matrix", "-g", str(tmp_path)],
        "diff": ["diff", str(tmp_path / "op-01.yaml"), str(tmp_path / "op-02.yaml")],
    }[command]
    done = subprocess.run(
        [sys.executable, "-c", JSON_PROBE, json.dumps([*args, "--format", "json"])],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    assert probe == {"code": 0, "rich": []}
