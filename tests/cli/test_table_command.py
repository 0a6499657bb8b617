"""`bsscheck table import | diff | validate` through the real entry point.

The proof the issue asks for, as a user runs it: importing each seed page and diffing it against
the bundled table exits 0; with --merge-from, --site and --url, even --all-fields finds nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = {"partner": "tests/data/seeds/partner-en.txt", "customer": "tests/data/seeds/customer-zh.txt"}
PAGES = Path("tests/data/pages")
BUNDLED_SOURCE = {
    "partner": (
        "Huawei Cloud International, Partner Center API Reference",
        "https://support.huaweicloud.com/intl/en-us/api-bpconsole/jac_00003.html",
    ),
    "customer": (
        "Huawei Cloud International (Chinese), Customer Operations Capability API Reference "
        "(客户运营能力 API参考)",
        "https://support.huaweicloud.com/intl/zh-cn/api-oce/jac_00004.html",
    ),
}


def no_traceback(out) -> None:
    assert "Traceback" not in out.stderr, out


@pytest.mark.parametrize("kind", ["partner", "customer"])
def test_importing_a_seed_and_diffing_it_against_the_bundle_exits_0(run_cli, tmp_path, kind):
    written = tmp_path / f"{kind}.yaml"
    out = run_cli("table", "import", SEEDS[kind], "--type", kind, "-o", str(written))
    assert out.code == 0, out
    assert out.stdout == ""
    assert f"bsscheck: wrote {written} ({kind} table" in out.stderr
    diff = run_cli("table", "diff", f"bundled:{kind}", str(written))
    assert diff.code == 0, diff
    assert "Identical." in diff.stdout
    record = run_cli("table", "diff", f"bundled:{kind}", str(written), "--format", "json")
    assert record.code == 0 and record.json()["identical"] is True
    # The file works wherever a table file does.
    assert run_cli("validate", str(written)).code == 0
    assert run_cli("table", "validate", str(written)).code == 0


@pytest.mark.parametrize("kind", ["partner", "customer"])
def test_with_merge_site_and_url_every_field_matches(run_cli, tmp_path, kind):
    written = tmp_path / f"{kind}.yaml"
    site, url = BUNDLED_SOURCE[kind]
    args = ("--merge-from", f"bundled:{kind}", "--site", site, "--url", url, "-o", str(written))
    out = run_cli("table", "import", SEEDS[kind], "--type", kind, *args)
    assert out.code == 0, out
    assert f"translation(s) from bundled:{kind}" in out.stderr
    assert run_cli("table", "diff", "--all-fields", f"bundled:{kind}", str(written)).code == 0
    # Without the merge, --all-fields sees the translations the page cannot hold.
    plain = tmp_path / "plain.yaml"
    assert run_cli("table", "import", SEEDS[kind], "--type", kind, "-o", str(plain)).code == 0
    assert run_cli("table", "diff", "--all-fields", f"bundled:{kind}", str(plain)).code == 1


def test_normalisations_are_warnings_on_stderr_one_line_each(run_cli):
    out = run_cli("table", "import", SEEDS["customer"], "--type", "customer")
    assert out.code == 0, out
    warnings = [line for line in out.stderr_lines if line.startswith("bsscheck: warning:")]
    assert len(warnings) == 28
    assert warnings[0] == (
        "bsscheck: warning: tests/data/seeds/customer-zh.txt:34: row 1: trailing '。' stripped from "
        "the permission name '查看折扣、价格信息。'"
    )
    assert (
        "bsscheck: warning: tests/data/seeds/customer-zh.txt:58: row 4: "
        "'GET/v2/accounts/customer-accounts/balances' has no space between method and path; "
        "read as method GET and path /v2/accounts/customer-accounts/balances"
    ) in warnings
    # The table itself goes to stdout, ready for a redirect.
    assert out.stdout.startswith("# Permission table imported by `bsscheck table import --type customer`")
    assert 'type: "customer"' in out.stdout


def test_partner_import_reports_the_documented_oddities_as_notes(run_cli):
    out = run_cli("table", "import", SEEDS["partner"], "--type", "partner")
    assert out.code == 0, out
    assert not [line for line in out.stderr_lines if "warning:" in line]
    assert any("differs only in letter case" in line and "note:" in line for line in out.stderr_lines)


def test_import_reads_standard_input(run_cli):
    text = (Path(SEEDS["partner"])).read_text(encoding="utf-8").replace("\n", "\r\n")
    out = run_cli("table", "import", "-", "--type", "partner", input=text)
    assert out.code == 0, out
    assert "<stdin>:5: found the partner table (21 rows" in out.stderr


def test_a_newer_page_diffs_with_exit_1_and_field_by_field_changes(run_cli, tmp_path):
    written = tmp_path / "partner-2024.yaml"
    assert (
        run_cli(
            "table", "import", str(PAGES / "partner-2024-en.txt"), "--type", "partner", "-o", str(written)
        ).code
        == 0
    )
    out = run_cli("table", "diff", "bundled:partner", str(written), "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert record["identical"] is False
    assert record["summary"] == {
        "old_rows": 21,
        "new_rows": 22,
        "added": 2,
        "removed": 1,
        "changed": 2,
        "table_fields": 1,
    }
    changed = {item["api"]: item["fields"] for item in record["changed"]}
    assert changed["POST /v2/partners/indirect-partners/query"] == [
        {
            "field": "menu_path",
            "old": "Sales > Resellers > Reseller Management > My Resellers > View Resellers",
            "new": "Sales > Resellers > Reseller List > View Resellers",
        }
    ]
    table = run_cli("table", "diff", "bundled:partner", str(written), env={"COLUMNS": "160"})
    assert table.code == 1
    for text in ("removed", "added", "changed", "menu_path", "permissions", "2 added, 1 removed, 2 changed"):
        assert text in table.stdout
    # The refreshed table is used with --table like any other.
    check = run_cli(
        "explain", "GET /v2/partners/credit/consumption-quota", "--table", str(written), "--format", "json"
    )
    assert check.code == 0, check
    (entry,) = [e for e in check.json()["entries"] if e["table"] == "partner"]
    assert entry["permissions"] == ["BPC_ITEM_ACCOUNT_010500", "BPC_ITEM_ACCOUNT_010600"]
    assert entry["source"]["updated"] == "2024-08-15"


def test_an_import_error_names_the_line_and_writes_nothing(run_cli, tmp_path):
    page = (
        Path(SEEDS["partner"])
        .read_text(encoding="utf-8")
        .replace("Querying the list of resellers |", "Querying the list\nof resellers |")
    )
    source = tmp_path / "page.txt"
    source.write_text(page, encoding="utf-8")
    target = tmp_path / "out.yaml"
    out = run_cli("table", "import", str(source), "--type", "partner", "-o", str(target))
    assert out.code == 2, out
    assert out.stdout == ""
    (line,) = out.stderr_lines
    assert line.startswith(f"bsscheck: error: {source}:68: a table cell after the end of the table")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source], "no temporary file left behind"
    no_traceback(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("table", "import", SEEDS["partner"], "--type", "customer"), "those of the partner table"),
        (("table", "import", SEEDS["partner"], "--type", "partner", "--url", "example.com"), "--url"),
        (
            ("table", "import", SEEDS["partner"], "--type", "partner", "--merge-from", "bundled:customer"),
            "gives a customer table",
        ),
        (("table", "import", "tests/data/pages/no-such-page.txt", "--type", "partner"), "no such file"),
        (("table", "diff", "bundled:partner", "bundled:reseller"), "no bundled table 'reseller'"),
        (("table", "diff", "bundled:partner", SEEDS["partner"]), "invalid YAML"),
        (("table", "validate", "samples/partner-grants.yaml"), "table file"),
    ],
)
def test_input_errors_exit_2_with_one_line(run_cli, args, message):
    out = run_cli(*args)
    assert out.code == 2, out
    (line,) = out.stderr_lines
    assert line.startswith("bsscheck: error:") and message in line, line
    no_traceback(out)


def test_type_is_required(run_cli):
    out = run_cli("table", "import", SEEDS["partner"])
    assert out.code == 2
    assert "--type" in out.stderr


def test_validate_exit_codes(run_cli, tmp_path):
    out = run_cli("table", "validate", "bundled:partner")
    assert out.code == 0, out
    assert "bundled:partner (partner table, 21 rows): ok" in out.stdout
    assert "info: row 5" in out.stdout
    text = (Path("permtable/data/customer.yaml")).read_text(encoding="utf-8")
    bad = tmp_path / "customer.yaml"
    bad.write_text(text.replace('["bss:balance:view"]', '["iam:users:list"]', 1), encoding="utf-8")
    out = run_cli("table", "validate", str(bad), "--format", "json")
    assert out.code == 1, out
    record = out.json()
    assert (record["schema_version"], record["status"], record["summary"]["error"]) == (1, "findings", 1)
    (finding,) = record["findings"]
    assert (finding["rule"], finding["row"], finding["location"]["file"]) == ("code-shape", 4, str(bad))


def test_the_group_documents_its_subcommands_and_exit_codes(run_cli):
    out = run_cli("table", "--help")
    assert out.code == 0
    for text in ("import", "diff", "validate", "Exit:"):
        assert text in out.stdout
    for sub in ("import", "diff", "validate"):
        help_text = run_cli("table", sub, "--help")
        assert help_text.code == 0 and "Exit:" in help_text.stdout
