"""Grants as Huawei holds them, through the command: IAM exports, identity policies, SCPs and
system policies named without their document, in every format that shows a decision."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
EXPORT = "samples/huawei-export/"
USER = f"{EXPORT}user-identity-policy.json"
FINANCE = f"{EXPORT}group-finance-ops.json"
AUDITORS = f"{EXPORT}group-auditors.json"
SCP = f"{EXPORT}scp-billing-guardrail.json"
APIS = f"{EXPORT}apis.txt"
ACCOUNT = ("-g", USER, "-g", FINANCE, "-g", AUDITORS, "--scp", SCP, "--apis", APIS)

# What the sample account is, decision by decision (samples/huawei-export/README.md explains why).
EXPECTED = {
    "GET /v2/accounts/customer-accounts/balances": ("allowed", True),
    "GET /v2/bills/customer-bills/monthly-sum": ("unknown", False),
    "GET /v2/orders/customer-orders": ("unknown", False),
    "POST /v2/orders/customer-orders/pay": ("unknown", False),
    "POST /v2/orders/suscriptions/resources/query": ("blocked_by_scp", False),
    "POST /v2/orders/subscriptions/resources/unsubscribe": ("explicit_deny", False),
    "GET /v2/costs/cost-analysed-bills/monthly-breakdown": ("unknown", False),
}


def test_the_sample_export_decides_as_documented(run_cli):
    out = run_cli("can-call", *ACCOUNT, "--format", "json")
    assert out.code == 1, out
    report = out.json()
    decided = {f"{r['method']} {r['path']}": (r["decision"], r["callable"]) for r in report["results"]}
    assert decided == EXPECTED
    assert report["account"]["scps"][0]["origin"] == "SCP 'billing-guardrail' (id p-4f6a8c0e2b4d6f8a0c2e)"
    balances = report["results"][0]
    # Either model may allow it: both answers are shown, each with where it came from.
    assert balances["identity"]["actions"] == ["billing:balance:view"]
    (identity_grant,) = balances["identity"]["checks"][0]["allowed_by"]
    assert identity_grant["source"] == "identity_policy"
    assert identity_grant["origin"] == "identity policy 'user-identity-policy' version v2"
    assert (
        balances["granted_by"][0]["origin"]
        == "policy 'finance-order-payer' (id 5d8a0f3c9b2e4c41a1f27e6a0c3d9b12)"
    )
    blocked = report["results"][4]
    (scp_check,) = blocked["scp_checks"]
    assert (scp_check["scp"], scp_check["decision"]) == ("billing-guardrail", "explicit_deny")
    assert scp_check["denied_by"][0]["pattern"] == "billing:subscription:*"


def test_golden_json(run_cli, golden_json):
    out = run_cli("can-call", *ACCOUNT, "--format", "json")
    golden_json("huawei-export-can-call.json", out.json())


def test_golden_sarif(run_cli, golden_json):
    out = run_cli("can-call", *ACCOUNT, "--format", "sarif")
    assert out.code == 1, out
    log = json.loads(out.stdout)
    log["runs"][0]["tool"]["driver"]["version"] = "VERSION"
    results = log["runs"][0]["results"]
    assert {result["ruleId"] for result in results} == {"BSS002", "BSS007", "BSS008"}
    golden_json("huawei-export-can-call.sarif", log)


@pytest.mark.parametrize(
    ("fmt", "needles"),
    [
        (
            "table",
            [
                "UNKNOWN: cannot be settled offline",
                "DENIED: blocked by an SCP",
                "identity policies: requires",
            ],
        ),
        ("markdown", ["**UNKNOWN**: cannot be settled offline", "**DENIED**: blocked by an SCP"]),
        ("github", ["BSS007", "BSS008", "blocked: SCP 'billing-guardrail' denies it"]),
        ("junit", ['type="BSS007 unknown"', 'type="BSS008 blocked-by-scp"']),
    ],
)
def test_every_format_names_the_new_decisions(run_cli, fmt, needles):
    out = run_cli("can-call", *ACCOUNT, "--format", fmt, env={"COLUMNS": "200"})
    assert out.code == 1, out
    for needle in needles:
        assert needle in out.stdout, (needle, out.stdout[:2000])


@pytest.mark.parametrize(("fail_on", "code"), [("blocked-by-scp", 1), ("unknown", 1), ("conditional", 0)])
def test_fail_on_names_the_new_kinds(run_cli, fail_on, code):
    out = run_cli("can-call", *ACCOUNT, "--fail-on", fail_on, "--format", "json")
    assert out.code == code, out


def test_scp_for_a_partner_account_is_refused(run_cli):
    out = run_cli(
        "can-call", "-g", "samples/partner-grants.yaml", "--scp", SCP, "GET /v2/partners/sub-customers"
    )
    assert out.code == 2
    assert "--scp applies to customer accounts" in out.stderr


def test_an_scp_given_as_grants_says_to_use_scp(run_cli):
    out = run_cli("can-call", "-g", SCP, "GET /v2/accounts/customer-accounts/balances")
    assert out.code == 2
    assert "pass it with --scp FILE" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_names_each_export_shape(run_cli):
    out = run_cli("validate", USER, FINANCE, AUDITORS, SCP, "--format", "json")
    kinds = {item["file"]: item["kind"] for item in out.json()["files"]}
    assert kinds == {
        USER: "iam-v5-policy-version",
        FINANCE: "iam-v3-roles",
        AUDITORS: "iam-v3-roles",
        SCP: "organizations-policy",
    }


def test_who_can_and_matrix_read_export_files(run_cli, tmp_path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    for name in (USER, FINANCE):
        shutil.copy(ROOT / name, fleet / Path(name).name)
    out = run_cli(
        "who-can", "GET /v2/accounts/customer-accounts/balances", "-g", str(fleet), "--format", "json"
    )
    assert out.code == 0, out
    answers = {Path(a["file"]).name: a["callable"] for a in out.json()["accounts"]}
    assert answers == {"user-identity-policy.json": True, "group-finance-ops.json": True}
    out = run_cli("matrix", "-g", str(fleet), "GET /v2/bills/customer-bills/monthly-sum", "--format", "json")
    assert out.code == 0, out
    decisions = {account["account"]: account["decisions"] for account in out.json()["accounts"]}
    # Only the identity policy holds billing:bill:view; the group's policy names no documented
    # code for it, and its Deny may cover the undocumented one.
    assert decisions == {"user-identity-policy": ["allowed"], "group-finance-ops": ["unknown"]}


def test_system_policy_by_name_gives_the_export_command(run_cli, tmp_path):
    grants = tmp_path / "g.yaml"
    grants.write_text('type: customer\npolicies:\n  - system: "BSS ReadonlyAccess"\n', "utf-8")
    out = run_cli(
        "can-call", "-g", str(grants), "GET /v2/accounts/customer-accounts/balances", "--format", "json"
    )
    assert out.code == 1
    (result,) = out.json()["results"]
    assert result["decision"] == "unknown"
    assert any(
        'hcloud IAM KeystoneListPermissions --display_name="BSS ReadonlyAccess"' in n for n in result["notes"]
    )
    assert result["checks"][0]["unknown_by"][0]["source"] == "system_policy"


def test_unknown_system_name_is_one_line_exit_2(run_cli, tmp_path):
    grants = tmp_path / "g.yaml"
    grants.write_text('type: customer\npolicies:\n  - system: "BSS FullAccess"\n', "utf-8")
    out = run_cli("can-call", "-g", str(grants), "GET /v2/accounts/customer-accounts/balances")
    assert out.code == 2
    assert out.stderr.count("\n") == 1
    assert f"{grants}:3:" in out.stderr and "did you mean 'Enterprise Project BSS FullAccess'?" in out.stderr


def test_the_readme_recipe_runs_as_a_process():
    """The README's export example, in a process of its own (streams and exit code as a shell sees them)."""
    done = subprocess.run(
        [sys.executable, "-m", "cli", "can-call", *ACCOUNT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "blocked by an SCP" in done.stdout


def test_missing_perms_emits_an_identity_policy_that_closes_the_gap(run_cli, tmp_path):
    grants = tmp_path / "g.yaml"
    grants.write_text(
        "type: customer\npolicies:\n  - {name: none, document: {Version: '1.1', Statement: []}}\n"
    )
    apis = ("GET /v2/accounts/customer-accounts/balances", "GET /v2/bills/customer-bills/monthly-sum")
    out = run_cli("missing-perms", "-g", str(grants), *apis, "--emit", "policy", "--model", "identity")
    assert out.code == 1, out
    document = json.loads(out.stdout)
    assert document["Version"] == "5.0"
    assert document["Statement"][0]["Action"] == ["billing:balance:view", "billing:bill:view"]
    assert "2 identity action(s) to grant" in out.stderr
    emitted = tmp_path / "identity.json"
    emitted.write_text(out.stdout, "utf-8")
    again = run_cli("missing-perms", "-g", str(grants), "-g", str(emitted), *apis, "--format", "json")
    assert again.code == 0, again
    assert again.json()["summary"]["not_callable"] == 0


def test_identity_emit_names_what_it_cannot_cover(run_cli, tmp_path):
    grants = tmp_path / "g.yaml"
    grants.write_text(
        "type: customer\npolicies:\n  - {name: none, document: {Version: '1.1', Statement: []}}\n"
    )
    out = run_cli(
        "missing-perms",
        "-g",
        str(grants),
        "GET /v2/orders/customer-orders",
        "--emit",
        "policy",
        "--model",
        "identity",
    )
    assert out.stdout == ""
    assert "not covered (identity action not documented" in out.stderr
    assert "GET /v2/orders/customer-orders" in out.stderr


def test_model_identity_is_for_customer_policies(run_cli):
    out = run_cli(
        "missing-perms",
        "-g",
        "samples/partner-grants.yaml",
        "--emit",
        "role",
        "--model",
        "identity",
        "GET /v2/x",
    )
    assert out.code == 2
    assert "--model identity applies to --emit policy" in out.stderr


def test_explain_shows_the_identity_action_and_its_page(run_cli):
    out = run_cli("explain", "GET /v2/bills/customer-bills/monthly-sum", "--format", "json")
    assert out.code == 0, out
    record = out.json()
    assert record["matched"] is True
    assert record["identity_actions"] == [
        {
            "api": "GET /v2/bills/customer-bills/monthly-sum",
            "actions": ["billing:bill:view"],
            "source": "https://support.huaweicloud.com/api-oce/mbc_00008.html",
        }
    ]
    assert any("customer accounts need it in an identity policy" in note for note in record["notes"])


def test_an_identity_table_given_with_table_replaces_the_bundled_one(run_cli, tmp_path):
    table = tmp_path / "identity.yaml"
    table.write_text(
        "schema: 1\ntype: identity\nsource: {title: {en: Mine}, site: mine, updated: '2026-10-01'}\n"
        "entries:\n  - {method: GET, path: /v2/orders/customer-orders, actions: ['billing:order:view']}\n",
        "utf-8",
    )
    policy = tmp_path / "ip.json"
    policy.write_text(
        json.dumps({"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": "billing:order:view"}]})
    )
    out = run_cli(
        "can-call",
        "-g",
        str(policy),
        "--table",
        str(table),
        "GET /v2/orders/customer-orders",
        "--format",
        "json",
    )
    assert out.code == 0, out
    # Without it, the bundled table does not know the action: unknown, not callable.
    out = run_cli("can-call", "-g", str(policy), "GET /v2/orders/customer-orders", "--format", "json")
    assert out.code == 1 and out.json()["results"][0]["decision"] == "unknown"


def test_a_broken_identity_table_is_one_line(run_cli, tmp_path):
    table = tmp_path / "identity.yaml"
    table.write_text(
        "schema: 1\ntype: identity\nsource: {title: {en: Mine}, site: mine}\n"
        "entries:\n  - {method: GET, path: /v2/x, actions: ['billing order view']}\n",
        "utf-8",
    )
    out = run_cli("can-call", "-g", "samples/customer-grants.yaml", "--table", str(table), "GET /v2/x")
    assert out.code == 2
    assert f"{table}:5:" in out.stderr and "is not an identity-policy action" in out.stderr


def test_diff_names_the_identity_statement_that_gains_an_api(run_cli, tmp_path):
    def policy(name: str, actions: list[str]) -> str:
        path = tmp_path / name
        path.write_text(json.dumps({"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": actions}]}))
        return str(path)

    old = policy("old.json", ["billing:balance:view"])
    new = policy("new.json", ["billing:balance:view", "billing:bill:view"])
    apis = tmp_path / "apis.txt"
    apis.write_text("GET /v2/bills/customer-bills/monthly-sum\nGET /v2/accounts/customer-accounts/balances\n")
    out = run_cli("diff", old, new, "--apis", str(apis), "--format", "json")
    assert out.code == 1, out
    (change,) = out.json()["changes"]
    assert (change["kind"], change["api"]) == ("gained", "GET /v2/bills/customer-bills/monthly-sum")
    (cause,) = change["causes"]
    assert cause["permission"] == "billing:bill:view"
    assert cause["added"][0]["source"] == "identity_policy"


def test_explain_an_identity_action_lists_the_apis_it_authorises(run_cli):
    out = run_cli("explain", "billing:subscription:*", "--format", "json")
    assert out.code == 0, out
    apis = [item["api"] for item in out.json()["identity_actions"]]
    assert apis == [
        "POST /v2/orders/suscriptions/resources/query",
        "POST /v2/orders/subscriptions/resources/unsubscribe",
        "DELETE /v2/orders/subscriptions/resources/autorenew/{resource_id}",
    ]
    missing = run_cli("explain", "billing:nope:view", "--format", "json")
    assert missing.code == 1 and missing.json()["matched"] is False


def test_an_identity_deny_is_named_and_blocks_the_fix_plan(run_cli, tmp_path):
    """A Deny in an identity policy over a policy's Allow: the message names the statement, and
    missing-perms lists the API as blocked by a Deny (no grant fixes it)."""
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:balance:view"]}]})
    )
    deny = tmp_path / "deny.json"
    deny.write_text(
        json.dumps({"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["billing:balance:view"]}]})
    )
    api = "GET /v2/accounts/customer-accounts/balances"
    out = run_cli("can-call", "-g", str(policy), "-g", str(deny), api, "--format", "github")
    assert out.code == 1
    assert "denied by identity policy 'deny' statement 1 (billing:balance:view)" in out.stdout
    out = run_cli("missing-perms", "-g", str(policy), "-g", str(deny), api, "--format", "json")
    record = out.json()
    assert record["to_grant"] == []
    (blocked,) = record["blocked_by_deny"]
    assert blocked["api"] == api and blocked["denied_by"][0]["source"] == "identity_policy"
