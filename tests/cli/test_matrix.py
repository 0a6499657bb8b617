"""``bsscheck matrix``: accounts by APIs in table, json, csv and markdown; the progress bar helper.

Cells worked out by hand from the bundled tables and samples/fleet (tests/permtable/test_fleet.py
lists each account's grants).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cli import progress

FLEET = "samples/fleet"
PAY_V3 = "POST /v3/orders/customer-orders/pay"
ORDERS = "GET /v2/orders/customer-orders"
BUDGET = "GET /v2/partners/sub-customers/budget"

PARTNER = """type: partner
account: {name}
roles:
  - name: Desk
    actions: [{actions}]
"""


@pytest.fixture
def apis_file(tmp_path: Path) -> str:
    path = tmp_path / "apis.txt"
    path.write_text(f"{PAY_V3}\n{ORDERS}\n# partner budgets\n{BUDGET}\n", encoding="utf-8")
    return str(path)


EXPECTED = {
    "auditor": ["denied", "callable", "denied"],
    "finance-bot": ["callable", "callable", "denied"],
    "treasury": ["conditional", "callable", "denied"],
    "ops-a": ["denied", "callable", "denied"],
    "ops-b": ["denied", "denied", "callable"],
}


def test_json_cells(run_cli, apis_file, shape_errors):
    out = run_cli("matrix", "-g", FLEET, "--apis", apis_file, "--format", "json")
    assert out.code == 0, out
    report = out.json()
    assert shape_errors(report, "matrix-report") == []
    assert [api["api"] for api in report["apis"]] == [PAY_V3, ORDERS, BUDGET]
    assert {account["account"]: account["cells"] for account in report["accounts"]} == EXPECTED
    auditor = report["accounts"][0]
    assert auditor["decisions"] == ["explicit_deny", "allowed", "not_checked"]
    assert report["apis"][0]["listed_in"] == [{"type": "customer", "row": 11}]
    assert report["apis"][1]["listed_in"] == [{"type": "partner", "row": 14}, {"type": "customer", "row": 6}]
    assert report["apis"][0]["cells"] == {"callable": 1, "denied": 3, "conditional": 1}
    assert report["summary"] == {
        "accounts": 5,
        "apis": 3,
        "cells": {"callable": 6, "denied": 8, "conditional": 1},
        "errors": 0,
        "skipped": 1,
    }


def test_csv_parses_with_the_csv_module(run_cli, apis_file):
    out = run_cli("matrix", "-g", FLEET, "--apis", apis_file, "--format", "csv")
    assert out.code == 0, out
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["account", "file", "type", PAY_V3, ORDERS, BUDGET]
    assert {row[0]: row[3:] for row in rows[1:]} == EXPECTED
    assert rows[1][:3] == ["auditor", "samples/fleet/customers/auditor.yaml", "customer"]
    assert "\r" not in out.stdout


def test_csv_quotes_commas_and_defuses_formulas(run_cli, tmp_path):
    (tmp_path / "a.yaml").write_text(
        PARTNER.format(name="'=HYPERLINK(\"x\")'", actions="BPC_ITEM_FINANCE_090100")
    )
    (tmp_path / "b.yaml").write_text(
        PARTNER.format(name="'ops, \"east\"'", actions="BPC_ITEM_FINANCE_090100")
    )
    out = run_cli("matrix", "-g", str(tmp_path), ORDERS, "--format", "csv")
    assert out.code == 0, out
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert [row[0] for row in rows[1:]] == ['\'=HYPERLINK("x")', 'ops, "east"']


def test_table_puts_apis_down_and_accounts_across(run_cli, apis_file):
    out = run_cli("matrix", "-g", FLEET, "--apis", apis_file)
    assert out.code == 0, out
    rows = {
        line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
        for line in out.stdout.splitlines()
        if line.startswith("│")
    }
    assert rows == {
        PAY_V3: ["DENY", "yes", "cond", "no*", "no*", "1/5"],
        ORDERS: ["yes", "yes", "yes", "yes", "no", "4/5"],
        BUDGET: ["no*", "no*", "no*", "no", "yes", "1/5"],
    }
    assert "1: auditor (customer) samples/fleet/customers/auditor.yaml" in out.stdout
    assert "5: ops-b (partner) samples/fleet/partners/ops-b.yaml" in out.stdout
    assert "5 account(s) x 3 API(s): 6 callable, 8 denied, 1 conditional" in out.stdout


def test_whole_tables_by_default(run_cli, shape_errors):
    partners = run_cli("matrix", "-g", f"{FLEET}/partners", "--format", "json").json()
    assert len(partners["apis"]) == 21 and partners["scope"] == "tables"
    mixed = run_cli("matrix", "-g", FLEET, "--format", "json").json()
    assert len(mixed["apis"]) == 43
    assert shape_errors(mixed, "matrix-report") == []
    # ops-a holds 010118, 010119 and 060100: rows 1-7, 14 and 15 of the partner table.
    ops_a = next(account for account in mixed["accounts"] if account["account"] == "ops-a")
    partner_rows = {api["api"]: cell for api, cell in zip(mixed["apis"], ops_a["cells"], strict=True)}
    callable_partner = [api["api"] for api in mixed["apis"][:21] if partner_rows[api["api"]] == "callable"]
    assert len(callable_partner) == 9


def test_markdown_escapes_account_names(run_cli, tmp_path):
    (tmp_path / "a.yaml").write_text(
        PARTNER.format(name="'east | west'", actions="BPC_ITEM_SUBCUSTSERV_060100")
    )
    (tmp_path / "b.yaml").write_text(PARTNER.format(name="'*bold*'", actions="BPC_ITEM_FINANCE_090100"))
    out = run_cli("matrix", "-g", str(tmp_path), ORDERS, PAY_V3, "--format", "markdown")
    assert out.code == 0, out
    table = [line for line in out.stdout.splitlines() if line.startswith("|")]
    assert table[0] == "| API | east \\| west | \\*bold\\* | Callable by |"
    assert table[2] == "| `GET /v2/orders/customer-orders` | yes | no | 1/2 |"
    assert table[3] == "| `POST /v3/orders/customer-orders/pay` | no\\* | no\\* | 0/2 |"
    assert {len(re.split(r"(?<!\\)\|", line)) for line in table} == {6}


def test_many_accounts_are_counted_per_api(run_cli, tmp_path):
    for number in range(25):
        actions = "BPC_ITEM_SUBCUSTSERV_060100" if number < 10 else "BPC_ITEM_FINANCE_090100"
        (tmp_path / f"op-{number:02d}.yaml").write_text(PARTNER.format(name=f"op-{number}", actions=actions))
    table = run_cli("matrix", "-g", str(tmp_path), ORDERS)
    assert table.code == 0
    assert re.search(r"│ GET /v2/orders/customer-orders +│ +10 │ +15 │ +0 │", table.stdout)
    assert "--format csv or json gives every cell" in table.stdout
    markdown = run_cli("matrix", "-g", str(tmp_path), ORDERS, "--format", "markdown")
    assert "| `GET /v2/orders/customer-orders` | 10 | 15 | 0 |" in markdown.stdout
    rows = list(
        csv.reader(io.StringIO(run_cli("matrix", "-g", str(tmp_path), ORDERS, "--format", "csv").stdout))
    )
    assert len(rows) == 26


def test_a_broken_file_exits_2_after_the_matrix(run_cli, tmp_path):
    (tmp_path / "a.yaml").write_text(PARTNER.format(name="a", actions="BPC_ITEM_SUBCUSTSERV_060100"))
    (tmp_path / "b.json").write_text('{"type": "partner", "actions": ["x",]}')
    out = run_cli("matrix", "-g", str(tmp_path), ORDERS, "--format", "csv")
    assert out.code == 2
    (line,) = out.stderr_lines
    assert line.startswith(f"bsscheck: error: {tmp_path / 'b.json'}:1:")
    assert list(csv.reader(io.StringIO(out.stdout)))[1][:4] == [
        "a",
        str(tmp_path / "a.yaml"),
        "partner",
        "callable",
    ]


def test_a_typo_in_the_api_list_is_warned_about(run_cli):
    out = run_cli("matrix", "-g", f"{FLEET}/customers", "POST /v2/orders/subscriptions/resources/query")
    assert out.code == 0
    assert any(
        "near miss of POST /v2/orders/suscriptions/resources/query" in line for line in out.stderr_lines
    )
    cells = run_cli(
        "matrix",
        "-g",
        f"{FLEET}/customers",
        "POST /v2/orders/subscriptions/resources/query",
        "--format",
        "json",
    ).json()
    assert {cell for account in cells["accounts"] for cell in account["cells"]} == {"denied"}


def test_csv_is_only_for_the_matrix(run_cli):
    out = run_cli("who-can", ORDERS, "-g", FLEET, "--format", "csv")
    assert out.code == 2
    assert "Invalid value for '--format'" in out.stderr


# --------------------------------------------------------------------------- progress bar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_a_terminal_and_many_files(monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    assert not progress.wanted(1000, io.StringIO())
    assert not progress.wanted(progress.MIN_FILES, FakeTerminal())
    assert progress.wanted(progress.MIN_FILES + 1, FakeTerminal())
    monkeypatch.setenv("TERM", "dumb")
    assert not progress.wanted(1000, FakeTerminal())
    with progress.file_progress(1000, "who-can", io.StringIO()) as tick:
        assert tick is None


def test_progress_bar_draws_on_a_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    terminal = FakeTerminal()
    with progress.file_progress(60, "who-can", terminal) as tick:
        assert tick is not None
        for number in range(60):
            tick(f"file-{number}")
    assert "who-can" in terminal.getvalue()


def test_strict_makes_an_unlisted_api_a_denied_cell(run_cli, shape_errors):
    args = ("matrix", "GET /v2/bases/conversions", ORDERS, "-g", f"{FLEET}/partners", "--format", "json")
    plain, strict = run_cli(*args), run_cli(*args, "--strict")
    assert plain.code == strict.code == 0, (plain, strict)
    for report, unlisted_cell in ((plain.json(), "callable"), (strict.json(), "denied")):
        for account in report["accounts"]:
            # In neither table, and no near miss of a listed API.
            assert account["cells"][0] == unlisted_cell and account["decisions"][0] == "not_checked"
        assert shape_errors(report, "matrix-report") == []
    # Listed APIs are answered the same either way.
    assert [a["cells"][1] for a in plain.json()["accounts"]] == [
        a["cells"][1] for a in strict.json()["accounts"]
    ]
