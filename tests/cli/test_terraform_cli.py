"""diff / can-call / missing-perms --terraform-plan through the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
PLAN = "samples/terraform/plan.json"
PAY = "POST /v2/orders/customer-orders/pay"


def test_diff_gates_on_what_the_plan_gains(run_cli):
    out = run_cli("diff", "--terraform-plan", PLAN, "--format", "json")
    assert out.code == 1, out
    record = out.json()
    gained = {
        (principal["kind"], principal["name"]): [
            c["api"] for c in principal["diff"]["changes"] if c["kind"] == "gained"
        ]
        for principal in record["principals"]
    }
    assert gained[("group", "finance-ops")] == [PAY, "POST /v3/orders/customer-orders/pay"]
    assert gained[("user", "billing-bot")] == [PAY, "POST /v3/orders/customer-orders/pay"]
    assert record["summary"]["gained"] == 5
    assert run_cli("diff", "--terraform-plan", PLAN, "--fail-on", "lost").code == 0


def test_golden_terraform_diff_json(run_cli, golden_json):
    out = run_cli("diff", "--terraform-plan", PLAN, "--principal", "group:finance-ops", "--format", "json")
    golden_json("terraform-diff.json", out.json())


def test_markdown_is_a_pull_request_comment(run_cli):
    out = run_cli("diff", "--terraform-plan", PLAN, "--format", "markdown")
    assert out.code == 1
    assert "#### group finance-ops (huaweicloud\\_identity\\_group.finance\\_ops)" in out.stdout
    assert "huaweicloud\\_identity\\_group\\_role\\_assignment.finance\\_ops\\_pay" in out.stdout
    assert out.stdout.rstrip().endswith("**3 of 3 principal(s) change: 5 API(s) gained, 0 lost, 21 changed**")


def test_the_tf_line_is_found_in_the_working_tree(run_cli, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "samples/terraform", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    out = run_cli(
        "diff", "--terraform-plan", "infra/plan.json", "--principal", "group:finance-ops", "--format", "json"
    )
    (principal,) = out.json()["principals"]
    grant = principal["diff"]["changes"][0]["causes"][0]["added"][0]
    assert (grant["file"], grant["line"]) == (str(Path("infra/main.tf")), 42)


def test_a_plan_without_iam_changes_is_no_change(run_cli, tmp_path):
    plan = json.loads((ROOT / PLAN).read_text("utf-8"))
    plan["resource_changes"] = [
        {
            "address": "huaweicloud_vpc.main",
            "mode": "managed",
            "type": "huaweicloud_vpc",
            "name": "main",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"name": "main"},
                "after_unknown": {"id": True},
            },
        }
    ]
    plan["prior_state"] = {}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), "utf-8")
    out = run_cli("diff", "--terraform-plan", str(path))
    assert out.code == 0, out
    assert "No change in what any principal can call." in out.stdout


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"format_version": "1.2", "resource_changes": [', "not a Terraform plan: invalid JSON"),
        (
            '{"format_version": "1.0", "terraform_version": "1.9.8", "values": {}}',
            "is a Terraform state, not a plan",
        ),
        ('{"format_version": "0.2", "resource_changes": []}', "is not supported"),
        ("type: customer\npolicies: []\n", "not a Terraform plan"),
        # Python converts at most 4,300 digits: said in the author's words, not Python's advice.
        ('{"format_version": "1.2", "x": ' + "9" * 5000 + "}", "holds an integer of more than 4,300 digits"),
    ],
)
def test_bad_plan_files_exit_2_with_one_line(run_cli, tmp_path, text, fragment):
    path = tmp_path / "plan.json"
    path.write_text(text, "utf-8")
    for args in (
        ("diff", "--terraform-plan", str(path)),
        ("can-call", "--terraform-plan", str(path), "--principal", "group:x", PAY),
    ):
        out = run_cli(*args)
        assert out.code == 2, out
        assert out.stderr.count("\n") == 1 and str(path) in out.stderr and fragment in out.stderr
        assert "Traceback" not in out.stderr and "sys.set_int_max_str_digits" not in out.stderr


def test_can_call_after_the_plan(run_cli):
    out = run_cli(
        "can-call", "--terraform-plan", PLAN, "--principal", "user:billing-bot", PAY, "--format", "json"
    )
    assert out.code == 0, out
    (result,) = out.json()["results"]
    assert result["granted_by"][0]["origin"].startswith("huaweicloud_identity_role.order_payer via")
    out = run_cli(
        "missing-perms",
        "--terraform-plan",
        PLAN,
        "--principal",
        "group:finance-ops",
        "PUT /v2/orders/customer-orders/cancel",
    )
    assert out.code == 1 and "bss:order:update" in out.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("can-call", "--terraform-plan", PLAN, PAY), "--terraform-plan needs --principal"),
        (
            (
                "can-call",
                "--terraform-plan",
                PLAN,
                "-g",
                "samples/customer-grants.yaml",
                "--principal",
                "group:finance-ops",
                PAY,
            ),
            "not both",
        ),
        (
            ("can-call", "--terraform-plan", PLAN, "--principal", "partner:ops", PAY),
            "Partner Center roles are not managed by Terraform",
        ),
        (
            ("can-call", "--terraform-plan", PLAN, "--principal", "group:nobody", PAY),
            "the plan has no group 'nobody'",
        ),
        (("diff", "--terraform-plan", PLAN, "old.yaml", "new.yaml"), "not both"),
        (("diff", "old.yaml"), "give OLD and NEW"),
    ],
)
def test_misuse_is_exit_2(run_cli, args, fragment):
    out = run_cli(*args)
    assert out.code == 2, out
    assert fragment in out.stderr


def test_sarif_points_at_the_resource_and_validates(run_cli, tmp_path, monkeypatch):
    from test_format_sarif import assert_valid_sarif

    shutil.copytree(ROOT / "samples/terraform", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    out = run_cli("diff", "--terraform-plan", "infra/plan.json", "--format", "sarif")
    assert out.code == 1, out
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["BSS030", "BSS031", "BSS032"]
    gained = [result for result in run["results"] if result["ruleId"] == "BSS030"]
    assert len(gained) == 5
    pay = next(
        r
        for r in gained
        if "group finance-ops gains POST /v2/orders/customer-orders/pay" in r["message"]["text"]
    )
    location = pay["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "infra/main.tf"}, "region": {"startLine": 42}}
    # One severity per kind of change, whatever the principal.
    assert {r["level"] for r in run["results"] if r["ruleId"] == "BSS032"} == {"warning"}


def test_github_annotations_and_job_summary(run_cli, tmp_path):
    summary = tmp_path / "summary.md"
    out = run_cli(
        "diff",
        "--terraform-plan",
        PLAN,
        "--principal",
        "group:finance-ops",
        "--format",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert out.code == 1, out
    lines = out.stdout.splitlines()
    assert lines[0].startswith("::error file=samples/terraform/main.tf,line=42,title=bsscheck BSS030")
    expected = "bsscheck: 1 of 1 principal(s) change: 2 API(s) gained, 0 lost, 0 changed"
    assert lines[-1] == expected + " (2 error(s), 0 warning(s) annotated)."
    assert "#### group finance-ops" in summary.read_text("utf-8")


def test_ci_formats_are_for_the_plan_only(run_cli):
    out = run_cli(
        "diff", "samples/grants-change/old.yaml", "samples/grants-change/new.yaml", "--format", "sarif"
    )
    assert out.code == 2 and "--format sarif applies to diff --terraform-plan" in out.stderr
