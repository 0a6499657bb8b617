"""``--format markdown``: a report for a pull-request comment, with every cell escaped.

The tests parse the Markdown the way GitHub's table extension does (a cell ends at a pipe not
preceded by a backslash) and look at code spans, so a broken row or a path read as emphasis
fails here rather than in a reviewer's browser.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"
PARTNER_GRANTS = "samples/partner-grants.yaml"

CELL_SPLIT = re.compile(r"(?<!\\)\|")  # GFM: `\|` is a pipe inside a cell, even in a code span
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def cells(line: str) -> list[str]:
    assert line.startswith("|") and line.endswith("|"), line
    return [cell.strip() for cell in CELL_SPLIT.split(line[1:-1])]


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table: its rows (header first, delimiter row dropped), each a list of cells."""
    found: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in markdown.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                found.append(current)
            row = cells(line)
            if not all(re.fullmatch(r":?-+:?", cell) for cell in row):
                current.append(row)
        else:
            current = None
    return found


def results_table(markdown: str) -> list[list[str]]:
    (table,) = [table for table in tables(markdown) if table[0][:2] == ["#", "API"]]
    return table


def code_spans(markdown: str) -> list[str]:
    spans = []
    for match in CODE_SPAN.finditer(markdown):
        content = match.group(2)
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        spans.append(content.replace("\\|", "|"))
    return spans


def outside_code(markdown: str) -> str:
    return CODE_SPAN.sub("", markdown)


def run_json(run_cli, *args: str) -> dict:
    out = run_cli(*args, "--format", "json")
    assert out.code in (0, 1), out
    return out.json()


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    "args",
    [
        ("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS),
        ("missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS),
        ("missing-perms", "-g", PARTNER_GRANTS),
        ("missing-perms", "-g", CUSTOMER_GRANTS),
    ],
    ids=["can-call", "missing-perms", "missing-perms-partner-all", "missing-perms-customer-all"],
)
def test_one_row_per_result_with_four_cells(run_cli, args):
    expected = run_json(run_cli, *args)["results"]
    out = run_cli(*args, "--format", "markdown")
    assert out.code == 1, out
    table = results_table(out.stdout)
    assert table[0] == ["#", "API", "Decision", "Why / fix"]
    rows = table[1:]
    assert len(rows) == len(expected)
    assert all(len(row) == 4 for row in rows), rows
    for number, (row, result) in enumerate(zip(rows, expected, strict=True), 1):
        assert row[0] == str(number)
        assert row[1].startswith(f"`{result['method']} {result['path']}`")


def test_can_call_lists_every_result_and_missing_perms_only_the_not_callable(run_cli):
    can = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "markdown")
    missing = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "markdown")
    assert len(results_table(can.stdout)) - 1 == 8
    rows = results_table(missing.stdout)[1:]
    assert [row[1] for row in rows] == [
        "`POST /v3/orders/customer-orders/pay`",
        "`POST /v2/orders/subscriptions/resources/renew`",
        "`GET /v2/accounts/customer-accounts/balances`",
    ]
    assert "DENIED" in rows[0][2] and "explicit Deny" in rows[0][2]
    assert "CONDITIONAL" in rows[1][2]
    # The wording is findings.reason()/fixes(): the same sentences as every other format.
    assert "**fix**: grant `bss:balance:view` (name: View account information)" in rows[2][3]
    assert "remove or narrow the Deny on `bss:order:pay`" in rows[0][3]


def test_heading_names_account_and_table_and_ends_with_the_summary(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "markdown")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("### ")
    assert "finance-pipeline" in lines[0] and "API Access Permission (Customer)" in lines[0]
    assert lines[-1].startswith("**8 API(s): 5 callable, 3 not callable**")
    assert out.stdout.endswith("\n") and not out.stdout.endswith("\n\n")


# --------------------------------------------------------------------------- escaping


def test_a_pipe_in_any_of_permissions_does_not_break_the_row(run_cli):
    # A near miss on the partner table: the suggestion's fix joins its any-of actions with " | ".
    out = run_cli(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "POST /v2/partners/sub-customer/query",
        "GET /v2/a`b|c",
        "--format",
        "markdown",
    )
    assert out.code == 1, out  # the near miss fails the default gate
    rows = results_table(out.stdout)[1:]
    assert [len(row) for row in rows] == [4, 4]
    assert "`BPC_ITEM_SUBCUSTSERV_010100` \\| `BPC_ITEM_SUBCUSTSERV_010500`" in rows[0][3]
    # An API with a backtick and a pipe: one code span, fenced with two backticks.
    assert rows[1][1] == "``GET /v2/a`b\\|c``"
    assert "GET /v2/a`b|c" in code_spans(out.stdout)


@pytest.fixture
def hostile_grants(tmp_path: Path) -> Path:
    """A customer account whose names carry Markdown, HTML and a table's cell separator."""
    grants = tmp_path / "grants.yaml"
    grants.write_text(
        "type: customer\n"
        'account: "team|*ops*"\n'
        "policies:\n"
        '  - name: "No | pay <b>bold</b> & `tick` **x** _y_ [l](u)\\nnext"\n'
        "    document:\n"
        '      Version: "1.1"\n'
        "      Statement:\n"
        "        - Effect: Deny\n"
        '          Action: ["bss:order:pay"]\n'
        "        - Effect: Allow\n"
        '          Action: ["bss:*:view"]\n',
        encoding="utf-8",
    )
    return grants


def test_names_cannot_break_cells_or_create_markup(run_cli, hostile_grants):
    out = run_cli(
        "can-call",
        "-g",
        str(hostile_grants),
        "POST /v3/orders/customer-orders/pay",
        "GET /v2/orders/customer-orders/details/ABC",
        "--format",
        "markdown",
    )
    assert out.code == 1, out
    rows = results_table(out.stdout)[1:]
    assert [len(row) for row in rows] == [4, 4]
    why = rows[0][3]
    assert "No \\| pay" in why
    assert "<b>" not in out.stdout and "&lt;b&gt;bold&lt;/b&gt; &amp; " in why
    assert "\\`tick\\`" in why and "\\*\\*x\\*\\*" in why and "\\_y\\_" in why and "\\[l\\](u)" in why
    # The name is shown as grant_source() writes it: repr, so its newline reads as \n (escaped).
    assert "\\\\nnext" in why
    heading = out.stdout.splitlines()[0]
    assert "team\\|\\*ops\\*" in heading


def test_a_real_newline_becomes_br_and_never_ends_the_row(run_cli, tmp_path):
    folder = tmp_path / "line one\nline two"
    folder.mkdir()
    grants = folder / "grants.yaml"
    grants.write_text(
        "type: customer\naccount: a\npolicies:\n  - name: p\n    document:\n"
        '      Version: "1.1"\n      Statement:\n        - Effect: Deny\n'
        '          Action: ["bss:order:pay"]\n',
        encoding="utf-8",
    )
    out = run_cli(
        "can-call", "-g", str(grants), "POST /v3/orders/customer-orders/pay", "--format", "markdown"
    )
    (row,) = results_table(out.stdout)[1:]
    assert len(row) == 4
    assert "line one<br>line two" in row[3]


def test_paths_with_placeholders_and_wildcards_are_code(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--format", "markdown")
    spans = code_spans(out.stdout)
    assert "GET /v1.0/{domain_id}/customer/account-mgr/bill/monthly-sum" not in spans  # callable: not listed
    assert "POST /v2/orders/subscriptions/resources/autorenew/**" in spans
    assert "POST /v3/orders/customer-orders/pay" in spans
    can = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "--apis",
        CUSTOMER_APIS,
        "POST /v2/orders/subscriptions/resources/autorenew/abc",
        "--format",
        "markdown",
    )
    both = out.stdout + can.stdout
    spans = code_spans(both)
    assert "GET /v2/orders/customer-orders/details/{order_id}" in spans
    assert "POST /v2/orders/subscriptions/resources/autorenew/**" in spans
    rest = outside_code(both)
    assert "{order_id}" not in rest and "{domain_id}" not in rest and "autorenew" not in rest
    # Outside code, '**' is only our own bold markup: pairs on one line, never a path's wildcard.
    assert all(line.count("**") % 2 == 0 for line in rest.splitlines())
    assert "/**" not in rest


# --------------------------------------------------------------------------- missing-perms


def test_partner_missing_perms_lists_the_eight_permissions_to_grant_with_menu_paths(run_cli):
    expected = run_json(run_cli, "missing-perms", "-g", PARTNER_GRANTS)["to_grant"]
    assert len(expected) == 8
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "markdown")
    assert out.code == 1, out
    assert "#### Grant these (smallest set)" in out.stdout
    (grant,) = [table for table in tables(out.stdout) if table[0][0] == "Permission"]
    assert grant[0] == ["Permission", "Where (menu path / permission name)", "Unlocks"]
    rows = grant[1:]
    assert len(rows) == 8
    for row, item in zip(rows, expected, strict=True):
        assert row[0] == f"`{item['permission']}`"
        if item["menu_path"]:
            assert html.unescape(row[1]) == f"menu: {item['menu_path']}"
        else:
            assert row[1] == "_menu path not documented by Huawei_"
        assert row[2].split("<br>") == [f"`{api}`" for api in item["unlocks"]]
    documented = [item for item in expected if item["menu_path"]]
    assert documented, "control: some permissions have a documented menu path"
    assert "menu: Sales &gt; Resellers &gt; Reseller Management &gt; My Resellers &gt; View Resellers" in (
        out.stdout
    )


def test_missing_perms_lists_apis_blocked_by_a_deny(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "markdown")
    section = out.stdout.split("#### Blocked by a Deny", 1)[1].split("\n\n**")[0]
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert items == [
        "- `POST /v3/orders/customer-orders/pay`: policy 'OrderGuardrails' statement 1 (`bss:order:pay`) "
        "\\[`samples/customer-grants.yaml:14`\\]"
    ]
    (grant,) = [table for table in tables(out.stdout) if table[0][0] == "Permission"]
    assert [row[0] for row in grant[1:]] == ["`bss:balance:view`", "`bss:order:update`"]


def test_nothing_missing(run_cli):
    out = run_cli(
        "missing-perms", "-g", CUSTOMER_GRANTS, "GET /v2/orders/customer-orders", "--format", "markdown"
    )
    assert out.code == 0, out
    assert "Nothing missing: every API checked is callable." in out.stdout
    assert tables(out.stdout) == []


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
def test_exit_codes_do_not_depend_on_the_format(run_cli, command):
    args = (command, "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    assert run_cli(*args, "--format", "markdown").code == 1
    assert run_cli(*args, "--format", "markdown", "--exit-zero").code == 0
    for gate in (("--fail-on", "denied"), ("--fail-on", "unlisted"), ("--fail-on", "conditional")):
        assert run_cli(*args, *gate, "--format", "markdown").code == run_cli(*args, *gate).code


# --------------------------------------------------------------------------- golden file


def _normalise(text: str) -> str:
    """Absolute paths to the project become relative: the only machine-dependent text."""
    return text.replace(str(ROOT) + os.sep, "").replace(str(ROOT), ".")


GOLDEN_RUNS = {
    "customer-can-call.md": ("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS),
    "partner-missing-perms.md": ("missing-perms", "-g", PARTNER_GRANTS),
}


@pytest.mark.parametrize("name", GOLDEN_RUNS)
def test_golden_markdown(run_cli, name):
    out = run_cli(*GOLDEN_RUNS[name], "--format", "markdown")
    assert out.code == 1, out
    golden = GOLDEN / name
    if os.environ.get("BSSCHECK_UPDATE_GOLDEN"):
        golden.write_text(_normalise(out.stdout), encoding="utf-8", newline="\n")
    assert _normalise(out.stdout) == golden.read_text(encoding="utf-8"), (
        "Markdown output changed; if on purpose, rerun with BSSCHECK_UPDATE_GOLDEN=1 and review"
    )


def test_golden_markdown_is_stable_with_absolute_paths(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        str(ROOT / CUSTOMER_GRANTS),
        "--apis",
        str(ROOT / CUSTOMER_APIS),
        "--format",
        "markdown",
    )
    assert str(ROOT) in out.stdout, "control: absolute paths are shown as given"
    assert _normalise(out.stdout) == (GOLDEN / "customer-can-call.md").read_text(encoding="utf-8")


def test_golden_is_the_json_record_rendered(run_cli):
    """Control for the golden file: its rows are the JSON results, in order."""
    record = run_json(run_cli, *GOLDEN_RUNS["customer-can-call.md"])
    rows = results_table((GOLDEN / "customer-can-call.md").read_text(encoding="utf-8"))[1:]
    assert [row[1].split("<br>")[0] for row in rows] == [
        f"`{result['method']} {result['path']}`" for result in record["results"]
    ]
    assert record["summary"]["total"] == len(rows)
