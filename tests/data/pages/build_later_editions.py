"""Build the constructed "later edition" HTML pages from the seed rows and the known changes.

Huawei has published later editions of both tables, which we hold only in part
(``HUAWEI-IAM-FACTS.md`` section 6, addresses there). These pages are the seed pages' rows with
exactly those documented changes applied, in the HTML structure of Huawei's doc pages, so the
import and the decisions it changes can be tested on a whole table. They are constructed test
pages, not copies of Huawei's: a text we do not know (a new row's description wording) is ours,
and no menu path is invented for a new partner row (its Path cell is empty, as the page would
have to say). The one bulleted Path cell is a layout variation, not a documented change.

Run from the repository root: ``python tests/data/pages/build_later_editions.py``; a test checks
the committed pages are what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "permtable")]

from huawei_html import page, rows_of  # noqa: E402

from permtable.editions.page import Cell, read_page  # noqa: E402
from permtable.model import AccountType  # noqa: E402

HERE = Path(__file__).resolve().parent
SEEDS = ROOT / "tests" / "data" / "seeds"


def _seed_rows(name: str, kind: AccountType) -> tuple[str, list[list[Cell | None]]]:
    seed = read_page((SEEDS / name).read_text(encoding="utf-8"), name, kind)
    return seed.title.text, rows_of(seed)


def _find(rows: list[list[Cell | None]], path: str) -> int:
    for index, row in enumerate(rows):
        url = row[3]
        if url is not None and url.text.replace(" ", "").endswith(path):
            return index
    raise KeyError(path)


def _add_after(rows: list[list[Cell | None]], path: str, description: str, url: str, codes: str, last: str | None):
    """A new row at the end of ``path``'s group: its scenario and sub-scenario cells span it."""
    index = _find(rows, path)
    above = rows[index]
    new_row: list[Cell | None] = [above[0], above[1], Cell(description, 0), Cell(url, 0), Cell(codes, 0)]
    new_row.append(Cell(last, 0) if last else None)
    rows.insert(index + 1, new_row)


def _set(rows: list[list[Cell | None]], path: str, column: int, text: str) -> None:
    rows[_find(rows, path)][column] = Cell(text, 0)


def customer_page() -> str:
    title, rows = _seed_rows("customer-zh.txt", AccountType.CUSTOMER)
    # Rows the later China-site edition adds (api-oce/jac_00005).
    _add_after(rows, "/v2/accounts/customer-accounts/balances", "查询收支明细",
               "GET /v2/accounts/customer-accounts/account-change-records", "bss:balance:view", "查看账户信息。")
    _add_after(rows, "/v2/promotions/benefits/coupons", "查询储值卡列表",
               "GET /v2/promotions/benefits/stored-value-cards", "bss:coupon:view", "查看优惠券、现金券、代金券。")
    _add_after(rows, "/v2/orders/customer-orders/refund-orders", "查询订单可用优惠券",
               "GET /v2/orders/customer-orders/order-coupons", "bss:order:view", "查看订单信息。")
    # Unsubscribing lists its own code, and the old one marked as to be taken offline.
    _set(rows, "/v2/orders/subscriptions/resources/unsubscribe", 4, "bss:unsubscribe:update\nbss:order:update(待下线)")
    _set(rows, "/v2/orders/subscriptions/resources/unsubscribe", 5, "退订包年/包月资源。")
    # Auto-renewal needs bss:renewal:update.
    for path in ("/v2/orders/subscriptions/resources/autorenew/**",
                 "/v2/orders/subscriptions/resources/autorenew/{resource_id}"):
        _set(rows, path, 4, "bss:renewal:update")
        _set(rows, path, 5, "设置自动续费。")
    return page(title, rows, "customer", "zh", "2025-09-10",
                notes=["bss:discount:view权限仅影响返回的折扣信息,不影响接口调用。"])  # fmt: skip


def partner_page() -> str:
    title, rows = _seed_rows("partner-en.txt", AccountType.PARTNER)
    # Rows the 2025-11 edition adds (api-bpconsole/jac_00003); no menu path is documented to us.
    _add_after(rows, "/v2/partners/sub-customers/query", "Querying customer tags in batches",
               "POST /v2/partners/sub-customers/new-customers-tags/batch-query", "BPC_ITEM_SUBCUSTSERV_010100", None)
    last = rows[-1]
    rows.append([Cell("Product management", 0), Cell("Querying incentive discount policies", 0),
                 Cell("Querying incentive discount policies", 0),
                 Cell("GET /v2/products/incentive-discount-policies", 0), Cell("BPC_ITEM_SALES_040100", 0), None])
    assert last is not rows[-1]
    # A layout variation: a Path cell listing two menu paths as bullets.
    index = _find(rows, "/v2/partners/sub-customers/users/check-identity")
    rows[index][5] = Cell(
        "Sales > Customers > Customer Management > Customer List > Create Partner Customer\n"
        "Sales > Customers > Customer Registration", 0
    )
    return page(title, rows, "partner", "en", "2025-11-20")  # fmt: skip


def identity_pages() -> dict[str, str]:
    """An API page for each row of the bundled identity-action table, half in each language,
    each carrying its address as Huawei's pages do (link rel=canonical); and the reference
    page, which lists actions without their APIs."""
    from huawei_html import api_page, reference_page

    from permtable.identity_table import bundled_identity

    table = bundled_identity()
    pages = {}
    for number, row in enumerate(table.rows, 1):
        language = "zh" if number % 2 else "en"
        title = f"API {number}" if language == "en" else f"接口 {number}"
        pages[f"identity/api-{number:02d}-{language}.html"] = api_page(
            title, row.api, row.permissions, language, "2025-11-27", table.page(row)
        )
    pages["identity/reference-zh.html"] = reference_page(
        [("billing:balance:view", "授予查看收支明细的权限"), ("billing:coupon:view", "授予查看优惠券的权限")],
        "2025-12-29",
    )
    return pages


PAGES = {"customer-later-zh.html": customer_page, "partner-later-en.html": partner_page}


def all_pages() -> dict[str, str]:
    return {**{name: build() for name, build in PAGES.items()}, **identity_pages()}


def main() -> None:
    for name, text in all_pages().items():
        (HERE / name).parent.mkdir(exist_ok=True)
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
