"""The identity-action table imported from saved API pages, with the table lifecycle.

tests/data/pages/identity/ holds an API page (HTML, Huawei's structure) for each row of the
bundled identity-action table, half in Chinese, and the identity-policy reference page, which
lists actions without their APIs (build_later_editions.py writes them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from permtable.identity_table import bundled_identity
from tests.cli.conftest import ROOT

IDENTITY = ROOT / "tests" / "data" / "pages" / "identity"
API_PAGES = sorted(str(path) for path in IDENTITY.glob("api-*.html"))
BALANCES = "GET /v2/accounts/customer-accounts/balances"


@pytest.fixture
def imported(run_cli, tmp_path) -> str:
    out = tmp_path / "identity.yaml"
    done = run_cli("table", "import", *API_PAGES, "--type", "identity", "--site", "tests", "-o", str(out))
    assert done.code == 0, done
    assert done.stderr_lines[-1] == f"bsscheck: wrote {out} (identity table, {len(API_PAGES)} row(s))"
    return str(out)


def test_the_api_pages_import_to_the_bundled_identity_rows(run_cli, imported):
    from permtable.documents import load_document
    from permtable.identity_table import identity_table_from_node

    table = identity_table_from_node(load_document(imported), imported)
    bundled = bundled_identity()
    assert len(API_PAGES) == len(bundled.rows) == 9
    assert [(row.api, row.permissions) for row in table.rows] == [
        (row.api, row.permissions) for row in bundled.rows
    ]
    # Each row names its page: the address the saved page carries (its canonical link).
    assert [table.page(row) for row in table.rows] == [bundled.page(row) for row in bundled.rows]
    diff = run_cli("table", "diff", "bundled:identity", imported, "--format", "json").json()
    assert (diff["added"], diff["removed"], diff["changed"]) == ([], [], [])
    assert diff["old"]["type"] == diff["new"]["type"] == "identity"


def test_the_imported_table_validates_and_answers_with_table(run_cli, imported):
    check = run_cli("table", "validate", imported, "--format", "json")
    assert check.code == 0, check
    assert check.json()["type"] == "identity"
    user = "samples/huawei-export/user-identity-policy.json"
    answer = run_cli("can-call", "-g", user, BALANCES, "--table", imported, "--format", "json").json()
    (result,) = answer["results"]
    assert result["decision"] == "allowed"
    status = run_cli("table", "status", "--table", imported, "--format", "json").json()
    identity = next(item for item in status["editions"] if item["kind"] == "identity")
    assert identity["file"] == imported and identity["updated"] == "2025-11-27"


def test_a_changed_page_changes_the_decision(run_cli, tmp_path):
    """An edition where the balance API needs billing:bill:view instead: an identity policy
    holding billing:balance:view alone no longer calls it, and table diff says why."""
    page = next(path for path in API_PAGES if "api-01-" in path)
    changed = tmp_path / "api-01.html"
    changed.write_text(
        Path(page).read_text(encoding="utf-8").replace("billing:balance:view", "billing:bill:view")
    )
    table = tmp_path / "identity.yaml"
    assert run_cli("table", "import", str(changed), "--type", "identity", "-o", str(table)).code == 0
    policy = tmp_path / "policy.json"
    document = {"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["billing:balance:view"]}]}
    policy.write_text(
        json.dumps({"type": "customer", "account": "a", "policies": [{"name": "p", "document": document}]}),
        encoding="utf-8",
    )
    before = run_cli("can-call", "-g", str(policy), BALANCES, "--format", "json").json()["results"][0]
    after = run_cli("can-call", "-g", str(policy), BALANCES, "--table", str(table), "--format", "json")
    assert before["decision"] == "allowed"
    assert after.json()["results"][0]["decision"] == "implicit_deny"
    diff = run_cli("table", "diff", "bundled:identity", str(table), "--format", "json").json()
    (change,) = diff["changed"]
    assert change["api"] == BALANCES
    assert change["fields"] == [
        {"field": "permissions", "old": ["billing:balance:view"], "new": ["billing:bill:view"]}
    ]
    assert len(diff["removed"]) == 8  # the other APIs' pages were not given


def test_the_reference_page_is_refused_with_the_reason(run_cli):
    out = run_cli("table", "import", str(IDENTITY / "reference-zh.html"), "--type", "identity")
    assert out.code == 2
    (line,) = out.stderr_lines
    assert "names no API (no URI section): it is the identity-policy reference" in line
    assert "import the pages of the APIs themselves" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tests/data/seeds/customer-zh.txt",), "an identity-action page is read as HTML"),
        (("tests/data/pages/customer-later-zh.html",), "no identity-policy action table in this page"),
        ((API_PAGES[0], API_PAGES[0]), "documents GET /v2/accounts/customer-accounts/balances again"),
        ((API_PAGES[0], API_PAGES[1], "--url", "https://example.com/x"), "--url names one page"),
    ],
)
def test_pages_that_cannot_make_the_table_are_errors(run_cli, args, message):
    out = run_cli("table", "import", *args, "--type", "identity")
    assert out.code == 2, out
    (line,) = out.stderr_lines
    assert line.startswith("bsscheck: error: ") and message in line


def test_one_page_per_permission_table_and_no_mixing_kinds(run_cli, imported):
    two = run_cli("table", "import", API_PAGES[0], API_PAGES[1], "--type", "customer")
    assert two.code == 2 and "a customer table is imported from one page; 2 were given" in two.stderr
    mixed = run_cli("table", "diff", "bundled:customer", imported)
    assert (
        mixed.code == 2
        and "is an identity-action table and bundled:customer a customer table" in mixed.stderr
    )


def test_a_query_in_the_uri_is_not_part_of_the_path(run_cli, tmp_path):
    page = tmp_path / "page.html"
    text = Path(API_PAGES[0]).read_text(encoding="utf-8")
    uri = "<p>GET /v2/accounts/customer-accounts/balances"
    page.write_text(text.replace(uri + "</p>", uri + "?limit={limit}</p>"), encoding="utf-8")
    out = run_cli("table", "import", str(page), "--type", "identity")
    assert out.code == 0, out
    assert 'path: "/v2/accounts/customer-accounts/balances"' in out.stdout
    assert "the URI's query '?limit={limit}' is not part of the path" in out.stderr


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v2/accounts//balances", "has an empty segment or a trailing '/'"),
        ("/v2/accounts/{account_id/balances", "malformed placeholder '{account_id'"),
        ("/v2/accounts/*/balances", "has a wildcard other than a final '**'"),
    ],
)
def test_a_uri_path_obeys_the_rules_of_a_table_path(run_cli, tmp_path, path, message):
    """The path of an API page's URI is checked as a permission table's URL cell is, at its line:
    the table loader would accept some of these, and a row that no request reaches matches none."""
    page = tmp_path / "page.html"
    text = Path(API_PAGES[0]).read_text(encoding="utf-8")
    uri = "<p>GET /v2/accounts/customer-accounts/balances</p>"
    assert uri in text
    page.write_text(text.replace(uri, f"<p>GET {path}</p>"), encoding="utf-8")
    out = run_cli("table", "import", str(page), "--type", "identity")
    assert out.code == 2, out
    (line,) = out.stderr_lines
    assert line.startswith(f"bsscheck: error: {page}:") and message in line
