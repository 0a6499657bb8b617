"""Accounts with thousands of statements: every decision weighs every grant, the report lists
the first few per permission with a count of the rest, and repeated warnings are counted."""

from __future__ import annotations

import json

from permtable.evaluate import DEFAULT_MAX_GRANTS
from permtable.values import MAX_SIMILAR_WARNINGS

STATEMENTS = 150


def _account(tmp_path, deny_last: bool = False, conditional_first: bool = False):
    statements = []
    for index in range(STATEMENTS):
        statement = {"Effect": "Allow", "Action": ["bss:order:view", "bss:ordr:view"]}
        if conditional_first and index < 30:
            statement["Condition"] = {"StringEquals": {"g:DomainName": ["x"]}}
        statements.append(statement)
    if deny_last:
        statements.append({"Effect": "Deny", "Action": ["bss:order:view"]})
    document = {"Version": "1.1", "Statement": statements}
    path = tmp_path / "big.json"
    path.write_text(
        json.dumps({"type": "customer", "account": "big", "policies": [{"name": "P", "document": document}]}),
        "utf-8",
    )
    return str(path)


API = "GET /v2/orders/customer-orders"


def test_json_lists_the_first_grants_and_counts_the_rest(run_cli, tmp_path):
    out = run_cli("can-call", "-g", _account(tmp_path), API, "--format", "json")
    report = out.json()
    (result,) = report["results"]
    (check,) = result["checks"]
    assert result["decision"] == "allowed"
    assert len(check["allowed_by"]) == DEFAULT_MAX_GRANTS
    assert check["allowed_by_omitted"] == STATEMENTS - DEFAULT_MAX_GRANTS
    assert len(result["granted_by"]) == DEFAULT_MAX_GRANTS
    assert result["granted_by_omitted"] == STATEMENTS - DEFAULT_MAX_GRANTS
    assert report["options"]["max_grants"] == DEFAULT_MAX_GRANTS
    # --all-grants: every one, and no count.
    everything = run_cli("can-call", "-g", _account(tmp_path), API, "--format", "json", "--all-grants").json()
    (check,) = everything["results"][0]["checks"]
    assert len(check["allowed_by"]) == STATEMENTS and "allowed_by_omitted" not in check
    assert everything["options"]["max_grants"] is None


def test_the_decision_weighs_a_deny_past_the_listed_grants(run_cli, tmp_path):
    out = run_cli("can-call", "-g", _account(tmp_path, deny_last=True), API, "--format", "json")
    (result,) = out.json()["results"]
    assert result["decision"] == "explicit_deny" and out.code == 1
    (check,) = result["checks"]
    assert len(check["denied_by"]) == 1 and "denied_by_omitted" not in check


def test_unconditional_grants_are_listed_first(run_cli, tmp_path):
    out = run_cli("can-call", "-g", _account(tmp_path, conditional_first=True), API, "--format", "json")
    (result,) = out.json()["results"]
    assert result["decision"] == "allowed"
    assert all("condition" not in grant or grant["condition"] is None for grant in result["granted_by"])


def test_the_table_says_how_many_more(run_cli, tmp_path):
    out = run_cli("can-call", "-v", "-g", _account(tmp_path), API)
    assert out.stdout.count("bss:order:view granted by") == DEFAULT_MAX_GRANTS
    assert f"... and {STATEMENTS - DEFAULT_MAX_GRANTS} more grant(s)" in out.stdout
    assert "--all-grants" in out.stdout


def test_a_repeated_unknown_code_is_warned_about_a_few_times_and_counted(run_cli, tmp_path):
    out = run_cli("can-call", "-g", _account(tmp_path), API, "--format", "json")
    typos = [line for line in out.stderr.splitlines() if "'bss:ordr:view'" in line]
    assert len(typos) == MAX_SIMILAR_WARNINGS + 1
    assert f"{STATEMENTS - MAX_SIMILAR_WARNINGS} more use(s) of 'bss:ordr:view'" in typos[-1]
    assert "did you mean bss:order:view?" in typos[0]
    warnings = [item["message"] for item in out.json()["warnings"] if "bss:ordr:view" in item["message"]]
    assert len(warnings) == MAX_SIMILAR_WARNINGS + 1


def test_who_can_caps_too(run_cli, tmp_path):
    _account(tmp_path)
    out = run_cli("who-can", API, "-g", str(tmp_path), "--format", "json")
    assert out.code == 0, out.stderr
    (account,) = out.json()["accounts"]
    assert len(account["granted_by"]) == DEFAULT_MAX_GRANTS
    assert account["granted_by_omitted"] == STATEMENTS - DEFAULT_MAX_GRANTS


def test_who_can_warns_only_about_what_bears_on_the_api(run_cli, tmp_path):
    document = {
        "Version": "1.1",
        "Statement": [
            {"Effect": "Allow", "Action": ["bss:ordr:view"]},  # a near miss of the code the API needs
            {"Effect": "Allow", "Action": ["bss:invoce:update"]},  # a typo unrelated to it
            {"Effect": "Allow", "Action": ["bss:coupon:view"]},
            {"Effect": "Deny", "Action": ["bss:coupon:view"]},  # shadows an unrelated Allow
        ],
    }
    grants = {"type": "customer", "account": "a", "policies": [{"name": "P", "document": document}]}
    (tmp_path / "a.json").write_text(json.dumps(grants), "utf-8")
    fleet = run_cli("who-can", API, "-g", str(tmp_path), "--format", "json")
    messages = [item["message"] for item in fleet.json()["warnings"]]
    assert any("bss:ordr:view" in message for message in messages)
    assert not any("bss:invoce:update" in message or "never takes effect" in message for message in messages)
    # can-call on the same file reviews everything.
    single = run_cli("can-call", "-g", str(tmp_path / "a.json"), API, "--format", "json")
    messages = [item["message"] for item in single.json()["warnings"]]
    assert any("bss:invoce:update" in message for message in messages)
    assert any("never takes effect" in message for message in messages)


def test_jobs_do_not_change_the_report(run_cli):
    one = run_cli("who-can", API, "-g", "samples/fleet", "--format", "json", "--jobs", "1")
    two = run_cli("who-can", API, "-g", "samples/fleet", "--format", "json", "--jobs", "2")
    assert (one.code, one.stdout) == (two.code, two.stdout)
    refused = run_cli("who-can", API, "-g", "samples/fleet", "--jobs", "0")
    assert refused.code == 2 and "--jobs" in refused.stderr
