"""Which edition answered, and a warning when it is old: --max-table-age.

The bundled customer table is the 2023-06-14 edition and the partner page shows no date, so
with the default threshold (365 days) both warn, once, on stderr, naming the page to refresh
and the command that imports it. The other tests run with BSSCHECK_MAX_TABLE_AGE=0.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from permtable.edition_age import stale_editions
from permtable.model import AccountType, LocalText, Source
from permtable.tables import bundled_table_text

CUSTOMER_API = "GET /v2/orders/customer-orders"


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _warnings(out) -> list[str]:
    return [line for line in out.stderr_lines if "table in use" in line]


def test_the_old_bundled_customer_table_warns_once(run_cli):
    details = "GET /v2/orders/customer-orders/details/x"
    out = run_cli(
        "can-call", "-g", "samples/customer-grants.yaml", CUSTOMER_API, details,
        "--format", "json", env={"BSSCHECK_MAX_TABLE_AGE": None},
    )  # fmt: skip
    assert out.code in (0, 1), out
    (warning,) = _warnings(out)
    days = (_today() - date(2023, 6, 14)).days
    assert warning.startswith("bsscheck: warning: bundled:customer: the customer table in use (")
    assert f"2023-06-14) is {days:,} days old" in warning
    assert "https://support.huaweicloud.com/intl/zh-cn/api-oce/jac_00004.html" in warning
    assert "bsscheck table import PAGE --type customer -o FILE" in warning
    assert out.json()["table"]["updated"] == "2023-06-14"  # stdout is the report alone


def test_an_undated_partner_table_warns_that_its_age_is_unknown(run_cli):
    out = run_cli(
        "can-call", "-g", "samples/partner-grants.yaml", CUSTOMER_API, env={"BSSCHECK_MAX_TABLE_AGE": None}
    )
    (warning,) = _warnings(out)
    assert "the partner table in use (API Access Permission (Partner)) shows no date" in warning


@pytest.mark.parametrize("how", ["option", "environment"])
def test_zero_never_warns(run_cli, how):
    args = ["can-call", "-g", "samples/customer-grants.yaml", CUSTOMER_API]
    env: dict[str, str | None] = {"BSSCHECK_MAX_TABLE_AGE": None}
    if how == "option":
        args += ["--max-table-age", "0"]
    else:
        env["BSSCHECK_MAX_TABLE_AGE"] = "0"
    assert _warnings(run_cli(*args, env=env)) == []


def test_a_recent_imported_edition_does_not_warn_until_the_threshold(run_cli, tmp_path):
    recent = (_today() - timedelta(days=10)).isoformat()
    page = tmp_path / "customer.yaml"
    text = bundled_table_text(AccountType.CUSTOMER)
    page.write_text(text.replace('updated: "2023-06-14"', f'updated: "{recent}"'), encoding="utf-8")
    base = ("can-call", "-g", "samples/customer-grants.yaml", CUSTOMER_API, "--table", str(page))
    assert _warnings(run_cli(*base, env={"BSSCHECK_MAX_TABLE_AGE": None})) == []
    (warning,) = _warnings(run_cli(*base, "--max-table-age", "5", env={"BSSCHECK_MAX_TABLE_AGE": None}))
    assert f"{page}: the customer table in use" in warning and "10 days old" in warning


def test_a_fleet_warns_once_for_each_table_it_used(run_cli):
    out = run_cli("who-can", CUSTOMER_API, "-g", "samples/fleet", env={"BSSCHECK_MAX_TABLE_AGE": None})
    warnings = _warnings(out)
    assert len(warnings) == 2, out
    assert {"bundled:customer", "bundled:partner"} == {line.split(": ")[2] for line in warnings}


def test_the_table_view_names_the_edition(run_cli):
    out = run_cli("can-call", "-g", "samples/customer-grants.yaml", CUSTOMER_API)
    assert (
        "Table: API Access Permission (Customer), Huawei Cloud International (Chinese), "
        "Customer Operations Capability API Reference (客户运营能力 API参考) (2023-06-14)"
    ) in out.stdout


def _source(updated: str | None) -> Source:
    return Source(LocalText(en="t"), "site", None, "en", updated, "f")


def test_the_threshold_is_exclusive():
    today = date(2026, 12, 1)
    editions = {"customer": _source("2025-12-01"), "partner": _source("2025-11-30")}
    assert [stale.kind for stale in stale_editions(editions, today, 365)] == ["partner"]
    assert stale_editions({"customer": _source("not a date")}, today, 365)[0].age_days is None


def test_each_hint_names_a_command_that_runs():
    """``table import`` requires --type; the identity-action table is imported from the pages
    of its APIs, never from the reference page its source names (that import is refused)."""
    from permtable.identity_table import bundled_identity

    today = date(2030, 1, 1)
    editions = {"customer": _source("2020-01-01"), "identity": bundled_identity().source}
    hints = {stale.kind: stale.hint for stale in stale_editions(editions, today, 365)}
    assert "run bsscheck table import PAGE --type customer -o FILE" in hints["customer"]
    assert "save the page of each API" in hints["identity"]
    assert "run bsscheck table import API_PAGE... --type identity -o FILE" in hints["identity"]
    assert "jac_000054" not in hints["identity"]
