"""``bsscheck table status``: the editions in use, their dates, sources and age, and the known
changes of later editions as notes with their pages."""

from __future__ import annotations

from datetime import date, datetime, timezone

from permtable.editions.status import known_later_changes
from permtable.model import TABLE_KINDS


def test_status_lists_every_edition_with_its_age_and_later_changes(run_cli):
    out = run_cli("table", "status", "--format", "json", env={"BSSCHECK_MAX_TABLE_AGE": None})
    assert out.code == 0, out
    report = out.json()
    editions = {item["kind"]: item for item in report["editions"]}
    assert list(editions) == ["partner", "customer", "identity"]
    today = datetime.now(timezone.utc).date()
    customer = editions["customer"]
    assert customer["file"] == "bundled:customer" and customer["bundled"] is True
    assert customer["age_days"] == (today - date(2023, 6, 14)).days and customer["stale"] is True
    assert editions["partner"]["updated"] is None and editions["partner"]["stale"] is True
    assert any("bss:renewal:update" in item["change"] for item in customer["later_changes"])
    assert report["summary"] == {"editions": 3, "stale": sum(item["stale"] for item in editions.values())}
    assert report["max_table_age"] == 365
    assert out.stderr_lines == []  # the view is the warning; no second one on stderr


def test_status_shows_a_given_edition_and_zero_flags_nothing(run_cli, tmp_path):
    done = run_cli(
        "table", "import", "tests/data/pages/customer-later-zh.html", "--type", "customer",
        "-o", str(tmp_path / "c.yaml"),
    )  # fmt: skip
    assert done.code == 0, done
    out = run_cli(
        "table", "status", "--table", str(tmp_path / "c.yaml"), "--max-table-age", "0", "--format", "json"
    )
    editions = {item["kind"]: item for item in out.json()["editions"]}
    assert editions["customer"]["file"] == str(tmp_path / "c.yaml")
    assert editions["customer"]["bundled"] is False and editions["customer"]["updated"] == "2025-09-10"
    assert not any(item["stale"] for item in editions.values())


def test_the_table_view_flags_old_and_undated_editions_and_says_how_to_refresh(run_cli):
    out = run_cli("table", "status", env={"BSSCHECK_MAX_TABLE_AGE": None, "COLUMNS": "200"})
    assert "customer table: bundled:customer  OLD" in out.stdout
    assert "partner table: bundled:partner  UNDATED" in out.stdout
    assert "page: https://support.huaweicloud.com/intl/zh-cn/api-oce/jac_00004.html" in out.stdout
    assert "bsscheck table import PAGE --type KIND -o FILE" in out.stdout


def test_every_known_later_change_names_a_huawei_page():
    changes = known_later_changes()
    assert set(changes) <= set(TABLE_KINDS) and changes
    for items in changes.values():
        for item in items:
            assert item.page.startswith("https://support.huaweicloud.com/"), item
