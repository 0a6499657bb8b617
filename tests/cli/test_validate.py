"""`bsscheck validate`: files are recognised by shape, read strictly, reviewed against the tables."""

from __future__ import annotations

from pathlib import Path

import pytest


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_clean_samples_exit_0(run_cli):
    out = run_cli(
        "validate",
        "samples/partner-grants.yaml",
        "samples/customer-policy.json",
        "samples/partner-apis.txt",
        "samples/customer-apis.txt",
        "--format",
        "json",
    )
    assert out.code == 0, out
    kinds = {item["file"]: item["kind"] for item in out.json()["files"]}
    assert kinds == {
        "samples/partner-grants.yaml": "grants",
        "samples/customer-policy.json": "policy",
        "samples/partner-apis.txt": "api-list",
        "samples/customer-apis.txt": "api-list",
    }


def test_bundled_table_copy_is_recognised_as_a_table(run_cli, tmp_path):
    import permtable

    source = Path(permtable.__file__).parent / "data" / "customer.yaml"
    copy = _write(tmp_path, "customer.yaml", source.read_text(encoding="utf-8"))
    out = run_cli("validate", copy, "--format", "json")
    assert out.code == 0, out
    assert out.json()["files"][0]["kind"] == "table"


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        (
            "grants.yaml",
            "type: partner\nroles:\n  - name: R\n    actions: [BPC_ITEM_SUBCUSTSERV_01011]\n",
            "did you mean BPC_ITEM_SUBCUSTSERV_010111",
        ),
        (
            "policy.json",
            '{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["BPC_ITEM_SALES_020100"]}]}',
            "other account type",
        ),
        ("apis.txt", "POST /v2/orders/subscriptions/resources/query\n", "did you mean"),
        ("apis.txt", "# nothing yet\n", "no APIs"),
        (
            "role.yaml",
            "type: customer\npolicies:\n  - document:\n      Version: '1.0'\n"
            "      Statement: [{Effect: Allow, Action: ['bss:*:*']}]\n",
            "system role",
        ),
    ],
)
def test_findings_exit_1_and_name_the_line(run_cli, tmp_path, name, text, fragment):
    path = _write(tmp_path, name, text)
    out = run_cli("validate", path, "--format", "json")
    assert out.code == 1, out
    (item,) = out.json()["files"]
    assert item["status"] == "findings"
    texts = " ".join(finding["text"] for finding in item["findings"])
    assert fragment in texts
    assert path in texts


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("grants.yaml", "type: partner\nroles: [\n", "invalid YAML"),
        ("apis.txt", "GET /v2/ok\nFETCH /x\n", "unknown HTTP method"),
        ("notes.md", "# hello\n", "not a file bsscheck reads"),
        ("other.yaml", "name: x\n", "not a grants, IAM policy, IAM export, SCP, table or API list file"),
        (
            "policy.json",
            '{"Version": "1.1", "Statement": [{"Effect": "allow", "Action": "bss:*:*"}]}',
            '"Allow"',
        ),
    ],
)
def test_unreadable_files_exit_2_but_every_file_is_reported(run_cli, tmp_path, name, text, fragment):
    bad = _write(tmp_path, name, text)
    out = run_cli("validate", "samples/partner-grants.yaml", bad, "--format", "json")
    assert out.code == 2, out
    files = out.json()["files"]
    assert [item["status"] for item in files] == ["ok", "error"]
    assert fragment in files[1]["error"]["text"]
    assert bad in files[1]["error"]["text"]


def test_api_list_errors_carry_the_line(run_cli, tmp_path):
    bad = _write(tmp_path, "apis.txt", "# header\nGET /v2/orders/customer-orders\nGET\n")
    out = run_cli("validate", bad, "--format", "json")
    (item,) = out.json()["files"]
    assert item["error"]["location"]["line"] == 3


def test_table_output_lists_each_file_and_a_summary(run_cli, tmp_path):
    bad = _write(tmp_path, "apis.txt", "POST /v2/orders/subscriptions/resources/query\n")
    out = run_cli("validate", "samples/partner-grants.yaml", bad)
    assert out.code == 1
    assert "samples/partner-grants.yaml (grants): ok" in out.stdout
    assert "(api-list): findings" in out.stdout
    assert "2 file(s): 1 ok, 1 with findings, 0 with errors" in out.stdout


def test_no_files_is_a_usage_error(run_cli):
    out = run_cli("validate")
    assert out.code == 2


SHADOWED = """\
type: customer
policies:
  - name: P
    document:
      Version: "1.1"
      Statement:
        - {Effect: Deny, Action: ["bss:order:*"]}
        - {Effect: Allow, Action: ["bss:order:view", "bss:order:pay"]}
        - {Effect: Allow, Action: []}
        - {Effect: Allow, Action: ["bss:order:view", "bss:bill:view"]}
        - {Effect: Deny, Action: ["bss:bill:view"], Condition: {Bool: {"g:MFAPresent": ["true"]}}}
        - {Effect: Allow, Action: ["bss:bill:view"]}
"""


def test_statements_that_can_never_apply_are_findings(run_cli, tmp_path):
    path = _write(tmp_path, "grants.yaml", SHADOWED)
    out = run_cli("validate", path, "--format", "json")
    assert out.code == 1, out
    texts = [finding["text"] for finding in out.json()["files"][0]["findings"]]
    never = [text for text in texts if "never" in text]
    # Statement 2 is wholly shadowed by the Deny; statement 3 has no actions. Statement 4 still
    # allows bss:bill:view, and statement 6 is only conditionally denied: neither is reported.
    assert len(never) == 2, texts
    assert f"{path}:8:" in never[0] and "statement 2" in never[0] and "statement 1" in never[0]
    assert f"{path}:9:" in never[1] and "has no actions" in never[1]


def test_a_role_without_actions_is_a_finding(run_cli, tmp_path):
    path = _write(tmp_path, "grants.yaml", "type: partner\nroles:\n  - name: Empty\n    actions: []\n")
    out = run_cli("validate", path, "--format", "json")
    assert out.code == 1
    (finding,) = out.json()["files"][0]["findings"]
    assert "role 'Empty' has no actions" in finding["text"]


def test_max_file_size_applies_to_validated_files(run_cli, tmp_path):
    out = run_cli("validate", "samples/partner-grants.yaml", "--max-file-size", "100", "--format", "json")
    assert out.code == 2
    assert "100-byte limit" in out.json()["files"][0]["error"]["text"]


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        ("bss:order:v\\u0131ew", "U+0131 (LATIN SMALL LETTER DOTLESS I)"),
        ("bss:di\\u017fcount:view", "U+017F (LATIN SMALL LETTER LONG S)"),
        ("bss:b\\u0130ll*:view", "U+0130"),
        (" bss:order:view ", "U+0020 (SPACE) at character 1"),
        ("bss:order:view\\u3000", "U+3000 (IDEOGRAPHIC SPACE)"),
        ("bss:order:view\\u00a0", "U+00A0 (NO-BREAK SPACE)"),
        ("bss:order:\\u200bview", "U+200B (ZERO WIDTH SPACE)"),
        ("bss:order:view\\u0007", "U+0007 (a control character)"),
    ],
)
def test_an_allow_that_is_not_the_action_it_looks_like_is_a_finding(run_cli, tmp_path, action, fragment):
    # JSON escapes carry each character exactly, whatever the editor shows.
    policy = _write(
        tmp_path,
        "policy.json",
        '{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["' + action + '"]}]}',
    )
    out = run_cli("validate", policy, "--format", "json")
    assert out.code == 1, out
    (finding,) = out.json()["files"][0]["findings"]
    assert fragment in finding["text"] and "grants nothing" in finding["text"], finding["text"]
    assert finding["location"]["line"] == 1
    # can-call says it too, and does not count the Allow.
    check = run_cli("can-call", "-g", policy, "GET /v2/orders/customer-orders", "--format", "json")
    assert check.code == 1 and check.json()["results"][0]["callable"] is False
    assert any(fragment in warning["message"] for warning in check.json()["warnings"])


def test_a_partner_code_with_a_stray_space_is_a_finding(run_cli, tmp_path):
    grants = _write(
        tmp_path,
        "partner.yaml",
        'type: partner\nroles:\n  - name: Orders\n    actions: ["BPC_ITEM_SUBCUSTSERV_060100 "]\n',
    )
    out = run_cli("validate", grants, "--format", "json")
    assert out.code == 1, out
    (finding,) = out.json()["files"][0]["findings"]
    assert "U+0020 (SPACE) at character 28" in finding["text"] and "grants nothing" in finding["text"]
    check = run_cli("can-call", "-g", grants, "GET /v2/orders/customer-orders", "--format", "json")
    assert check.json()["results"][0]["callable"] is False
