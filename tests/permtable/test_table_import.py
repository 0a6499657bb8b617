"""Importing a table from the text of Huawei's page.

The proof: importing the two seed pages reproduces the bundled, reviewed tables exactly (by the
same comparison ``bsscheck table diff`` makes), with exactly the normalisations the bundled files
document in their comments. Then layout variations the seeds do not show: rows added and
removed, changed menu paths and permissions, spans at the start and end of groups, Windows line
endings, navigation text around the table; and every way a page can fail to be placed, each an
error naming its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pt_helpers import REPO, SEEDS, check_input_error

from cli.plain import plain
from permtable.documents import parse_document
from permtable.editions.diff import diff_tables
from permtable.editions.page_import import ImportedTable, import_page, merge_into, table_file_text
from permtable.errors import InputError
from permtable.model import AccountType
from permtable.tables import bundled, bundled_table_text, table_from_node

PAGES = REPO / "tests" / "data" / "pages"
PARTNER, CUSTOMER = AccountType.PARTNER, AccountType.CUSTOMER
SEED_FILES = {PARTNER: SEEDS / "partner-en.txt", CUSTOMER: SEEDS / "customer-zh.txt"}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def seed_text(kind: AccountType) -> str:
    return read(SEED_FILES[kind])


def import_text(text: str, kind: AccountType, name: str = "page.txt", **options: str) -> ImportedTable:
    return import_page(text, name, kind, **options)


def loads_back(imported: ImportedTable):
    text = table_file_text(imported)
    return table_from_node(parse_document(text, "written.yaml"), "written.yaml")


def import_error(text: str, kind: AccountType = PARTNER) -> InputError:
    with pytest.raises(InputError) as caught:
        import_text(text, kind)
    check_input_error(caught.value, "page.txt")
    return caught.value


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the only line containing ``fragment``."""
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(numbers) == 1, (fragment, numbers)
    return numbers[0]


# --------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
def test_importing_a_seed_reproduces_the_bundled_table(kind):
    imported = import_text(seed_text(kind), kind)
    result = diff_tables(bundled(kind).table, imported.table)
    assert result.identical, plain(result.record(), "en")
    # The written file says the same once loaded by the strict loader.
    assert diff_tables(bundled(kind).table, loads_back(imported)).identical


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
def test_every_row_matches_the_bundle_field_by_field(kind):
    """Beyond the diff: same order, same documented text in every field."""
    imported = import_text(seed_text(kind), kind).table
    reference = bundled(kind).table
    lang = reference.source.language
    assert len(imported.entries) == len(reference.entries)
    for mine, theirs in zip(imported.entries, reference.entries, strict=True):
        assert (mine.index, mine.method, mine.path, mine.permissions) == (
            theirs.index,
            theirs.method,
            theirs.path,
            theirs.permissions,
        )
        for field in ("scenario", "sub_scenario", "description", "menu_path", "permission_name"):
            ours, bundle = getattr(mine, field), getattr(theirs, field)
            assert (ours is None) == (bundle is None), (mine.api, field)
            if ours is not None:
                assert getattr(ours, lang) == getattr(bundle, lang), (mine.api, field)
                other = "zh" if lang == "en" else "en"
                assert getattr(ours, other) is None, "an import holds no translation"


def test_seed_pages_give_title_date_layout_and_language():
    partner = import_text(seed_text(PARTNER), PARTNER)
    assert (partner.layout, partner.table.source.language) == ("pipe", "en")
    assert partner.table.source.title.en == "API Access Permission (Partner)"
    assert partner.table.source.updated is None
    customer = import_text(seed_text(CUSTOMER), CUSTOMER)
    assert (customer.layout, customer.table.source.language) == ("paragraph", "zh")
    assert customer.table.source.title.zh == "API调用授权(客户)"
    assert customer.table.source.updated == "2023-06-14"


def test_the_partner_seed_needs_no_normalisation():
    # partner.yaml: "Normalisations: none."
    assert import_text(seed_text(PARTNER), PARTNER).normalisations == ()


def test_customer_normalisations_are_exactly_those_the_bundle_documents():
    text = seed_text(CUSTOMER)
    imported = import_text(text, CUSTOMER)
    splits = [n for n in imported.normalisations if n.kind == "method-path-space"]
    stops = [n for n in imported.normalisations if n.kind == "trailing-full-stop"]
    assert len(imported.normalisations) == len(splits) + len(stops)
    # customer.yaml, comment (a): rows 4, 9, 19; comment (b): rows 1, 3-26.
    assert [n.row for n in splits] == [4, 9, 19]
    assert [n.row for n in stops] == [1, *range(3, 27)]
    # The documented texts are the ones the bundle's row comments quote.
    bundle = bundled_table_text(CUSTOMER)
    quoted_splits = re.findall(r'# documented as "([^"]+)" without a space', bundle)
    quoted_stops = re.findall(r'# documented as "([^"]+)" \(trailing 。 stripped\)', bundle)
    assert [n.documented for n in splits] == quoted_splits
    assert [n.documented for n in stops] == quoted_stops
    # Each normalisation points at the page line that holds the documented text.
    lines = text.splitlines()
    for item in imported.normalisations:
        assert lines[item.line - 1].strip() == item.documented
    warnings = [str(w) for w in imported.warnings]
    assert warnings[0].startswith("page.txt:34: row 1: trailing '。' stripped")
    assert any("'GET/v2/accounts/customer-accounts/balances' has no space" in w for w in warnings)


def test_written_file_is_reproducible_quoted_and_self_describing():
    imported = import_text(seed_text(CUSTOMER), CUSTOMER)
    text = table_file_text(imported)
    assert text == table_file_text(import_text(seed_text(CUSTOMER), CUSTOMER, name="elsewhere.txt"))
    # Every string is quoted: only `schema` and nulls are plain scalars.
    plain = []
    for node in _scalars(yaml.compose(text)):
        if node.style != '"':
            plain.append(node.value)
    assert set(plain) <= {"1", "null"}, plain
    header = [line for line in text.splitlines() if line.startswith("#")]
    joined = " ".join(line.lstrip("# ") for line in header)
    assert '"API调用授权(客户)" (updated 2023-06-14' in joined
    assert "rows 4, 9, 19" in joined and "rows 1, 3-26" in joined
    assert not re.search(r"20(2[4-9]|[3-9]\d)-\d\d-\d\d", text), "no import date in the file"
    assert text.count("# documented as") == 28 + 0  # one comment line per normalised field...
    assert '# split from "POST/v3/payments/free-resources/query"' in text


def _scalars(node):
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for _, value in node.value:  # keys are the schema's own names
            yield from _scalars(value)


def test_the_partner_file_says_it_has_no_normalisations():
    text = table_file_text(import_text(seed_text(PARTNER), PARTNER))
    assert "# Normalisations: none" in text
    assert "--site and --url" in text


# --------------------------------------------------------------------------- copies of a page


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_and_old_mac_line_endings(kind, newline):
    text = seed_text(kind).replace("\n", newline)
    assert diff_tables(bundled(kind).table, import_text(text, kind).table).identical


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
def test_byte_order_mark_trailing_spaces_and_blank_lines(kind):
    lines = seed_text(kind).splitlines()
    text = "\ufeff" + "\n\n".join(line + "  \t" for line in lines)
    imported = import_text(text, kind)
    assert diff_tables(bundled(kind).table, imported.table).identical
    assert not [n for n in imported.normalisations if n.kind == "whitespace"]


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
def test_navigation_text_before_and_after_the_table_is_skipped(kind):
    before = "Huawei Cloud\nDocumentation\nSearch\nAPI Reference > API Invoking Methods\n"
    after = "\nPrevious topic: Making an API Request\nNext topic: Authentication\nChatbot\n"
    imported = import_text(before + seed_text(kind) + after, kind)
    assert diff_tables(bundled(kind).table, imported.table).identical
    notes = " ".join(str(note) for note in imported.notes)
    assert "skipped the page's other text before the table (lines 1-" in notes
    assert "skipped the page's other text after the table" in notes


def test_runs_of_white_space_in_a_cell_are_collapsed_and_reported():
    text = replace_once(
        seed_text(PARTNER), "Querying the list of resellers |", "Querying the  list\u00a0of resellers |"
    )
    imported = import_text(text, PARTNER)
    assert imported.table.entries[10].description.en == "Querying the list of resellers"
    (item,) = imported.normalisations
    assert (item.kind, item.row, item.field) == ("whitespace", 11, "description")
    assert item.line == line_of(text, "Querying the  list")


def test_lower_case_method_is_read_and_reported():
    text = replace_once(
        seed_text(PARTNER),
        "GET /v2/partners/credit/consumption-quota |",
        "get /v2/partners/credit/consumption-quota |",
    )
    imported = import_text(text, PARTNER)
    assert imported.table.entries[11].method == "GET"
    assert [n.kind for n in imported.normalisations] == ["method-case"]


# --------------------------------------------------------------------------- newer editions


def test_a_newer_partner_page_with_rows_added_removed_and_changed():
    imported = import_text(read(PAGES / "partner-2024-en.txt"), PARTNER, name="partner-2024-en.txt")
    table = imported.table
    assert table.source.updated == "2024-08-15"
    assert table.source.title.en == "API Access Permission (Partner)"
    result = diff_tables(bundled(PARTNER).table, table)
    assert [c.field for c in result.table_changes] == ["source.updated"]
    assert [e.api for e in result.removed] == ["POST /v2/bases/verificationcode/send"]
    assert [e.api for e in result.added] == [
        "PUT /v2/partners/sub-customers/{customer_id}",
        "GET /v1.0/{domain_id}/payments/intl-invoices/{invoice_id}",
    ]
    changes = {c.new.api: [(f.field, f.old, f.new) for f in c.fields] for c in result.changed}
    assert changes == {
        "POST /v2/partners/indirect-partners/query": [
            (
                "menu_path",
                "Sales > Resellers > Reseller Management > My Resellers > View Resellers",
                "Sales > Resellers > Reseller List > View Resellers",
            )
        ],
        "GET /v2/partners/credit/consumption-quota": [
            (
                "permissions",
                ("BPC_ITEM_ACCOUNT_010500",),
                ("BPC_ITEM_ACCOUNT_010500", "BPC_ITEM_ACCOUNT_010600"),
            )
        ],
    }
    by_api = {entry.api: entry for entry in table.entries}
    # Added at the end of a spanned group: scenario and sub-scenario carried down.
    added = by_api["PUT /v2/partners/sub-customers/{customer_id}"]
    assert (added.scenario.en, added.sub_scenario.en) == ("Customer management", "Customer management")
    assert added.menu_path is not None
    # The table ends inside a spanned group, on a row whose Path is empty ('|' then '||').
    last = table.entries[-1]
    assert last.api == "GET /v1.0/{domain_id}/payments/intl-invoices/{invoice_id}"
    assert (last.scenario.en, last.sub_scenario.en, last.menu_path) == (
        "Invoice Management",
        "Invoice Management",
        None,
    )
    # The row after the removed one still belongs to its group.
    creating = by_api["POST /v2/partners/sub-customers"]
    assert (creating.index, creating.sub_scenario.en) == (2, "Customer registration")


def test_a_newer_chinese_customer_page():
    imported = import_text(read(PAGES / "customer-2024-zh.txt"), CUSTOMER)
    result = diff_tables(bundled(CUSTOMER).table, imported.table)
    assert [(c.field, c.old, c.new) for c in result.table_changes] == [
        ("source.updated", "2023-06-14", "2024-03-20")
    ]
    assert [e.api for e in result.removed] == ["GET /v2/orders/customer-orders/order-discounts"]
    assert [e.api for e in result.added] == ["POST /v2/payments/free-resources/query"]
    changes = {c.new.api: [(f.field, f.old, f.new) for f in c.fields] for c in result.changed}
    assert changes == {
        "POST /v2/orders/customer-orders/pay": [("permission_name", "订单支付", "支付订单")],
        "POST /v2/bills/customer-bills/res-records/query": [
            ("permissions", ("bss:billDetail:view",), ("bss:bill:view",))
        ],
    }
    added = next(e for e in imported.table.entries if e.api == "POST /v2/payments/free-resources/query")
    assert (added.scenario.zh, added.sub_scenario.zh, added.description.zh) == (
        "管理交易",
        "管理资源包",
        "查询资源包列表",
    )
    # The navigation text after the last row is skipped, not read as cells.
    assert imported.table.entries[-1].permission_name.zh == "申请发票、查看信息"


def test_an_english_customer_page_in_the_pipe_layout():
    imported = import_text(read(PAGES / "customer-en.txt"), CUSTOMER)
    table = imported.table
    assert (imported.layout, table.source.language, table.source.updated) == ("pipe", "en", "2024-08-15")
    assert table.source.title.en == "API Access Permission (Customer)"
    assert [e.api for e in table.entries] == [
        "POST /v2/bills/ratings/on-demand-resources",
        "POST /v2/bills/ratings/period-resources/subscribe-rate",
        "GET /v2/accounts/customer-accounts/balances",
        "GET /v2/orders/customer-orders",
        "POST /v3/orders/customer-orders/pay",
        "POST /v2/orders/subscriptions/resources/renew",
    ]
    last = table.entries[-1]
    assert (last.scenario.en, last.sub_scenario.en) == (
        "Managing transactions",
        "Managing yearly/monthly resources",
    )
    assert last.permission_name.en == "Place orders, cancel orders, and modify recipient information"
    kinds = [(n.row, n.kind) for n in imported.normalisations]
    assert (3, "method-path-space") in kinds
    assert [row for row, kind in kinds if kind == "trailing-full-stop"] == [1, 2, 3, 4, 5, 6]
    # Every English permission name agrees with the bundle's translation of the same API.
    reference = {e.api: e for e in bundled(CUSTOMER).table.entries}
    for entry in table.entries:
        assert entry.permission_name.en == reference[entry.api].permission_name.en


# --------------------------------------------------------------------------- spans, built rows


def pipe_page(rows: list[list[str]], kind: AccountType = PARTNER) -> str:
    """A pipe-layout page: each row lists its cells, leading spanned cells omitted; the span
    markers a browser copy puts at the row's end are added here. '' is an empty last cell."""
    header = (
        ["Scenario", "Sub-Scenario", "API Description", "URL", "Action", "Path"]
        if kind is PARTNER
        else ["Scenario", "Sub-Scenario", "API Description", "URL", "Permission Code", "Supported Action"]
    )
    title = "API Access Permission (Partner)" if kind is PARTNER else "API Access Permission (Customer)"
    lines = [title, *(f"{cell} |" for cell in header), "---|---|---|---|---|---|"]
    for cells in rows:
        spanned = 6 - len(cells)
        lines += [f"{cell} |" if cell else "|" for cell in cells]
        if spanned:
            lines.append("|" * spanned)
    return "\n".join(lines) + "\n"


def test_spans_at_the_start_and_the_end_of_groups():
    page = pipe_page(
        [
            ["A", "A1", "first", "GET /a/1", "BPC_ITEM_X_000001", "Menu > One"],
            ["second", "GET /a/2", "BPC_ITEM_X_000001", ""],  # empty Path, both spanned
            ["A2", "third", "GET /a/3", "BPC_ITEM_X_000002", "Menu > Two"],  # new sub-scenario only
            ["B", "B1", "fourth", "GET /b/1", "BPC_ITEM_X_000003|BPC_ITEM_X_000004", ""],  # one-row group
            ["C", "C1", "fifth", "GET /c/1", "BPC_ITEM_X_000005", ""],
            ["sixth", "GET /c/2", "BPC_ITEM_X_000005", "Menu > Three"],  # the table ends in a span
        ]
    )
    table = import_text(page, PARTNER).table
    got = [
        (
            e.scenario.en,
            e.sub_scenario.en,
            e.description.en,
            e.api,
            e.permissions,
            e.menu_path and e.menu_path.en,
        )
        for e in table.entries
    ]
    assert got == [
        ("A", "A1", "first", "GET /a/1", ("BPC_ITEM_X_000001",), "Menu > One"),
        ("A", "A1", "second", "GET /a/2", ("BPC_ITEM_X_000001",), None),
        ("A", "A2", "third", "GET /a/3", ("BPC_ITEM_X_000002",), "Menu > Two"),
        ("B", "B1", "fourth", "GET /b/1", ("BPC_ITEM_X_000003", "BPC_ITEM_X_000004"), None),
        ("C", "C1", "fifth", "GET /c/1", ("BPC_ITEM_X_000005",), None),
        ("C", "C1", "sixth", "GET /c/2", ("BPC_ITEM_X_000005",), "Menu > Three"),
    ]


def test_span_markers_written_one_per_line():
    # '|' '|' '|' after the Action: an empty Path and two spanned cells, as '|' '||' would be.
    page = pipe_page([["A", "A1", "first", "GET /a/1", "BPC_ITEM_X_000001", "M > N"]])
    page += "second |\nGET /a/2 |\nBPC_ITEM_X_000001 |\n|\n|\n|\n"
    entries = import_text(page, PARTNER).table.entries
    assert (entries[1].sub_scenario.en, entries[1].menu_path) == ("A1", None)


def test_a_customer_table_in_the_pipe_layout_built_row_by_row():
    page = pipe_page(
        [
            ["S", "T", "one", "GET /x", "bss:order:view", "View order information."],
            ["two", "PUT /x", "bss:order:view,bss:order:update", "Update orders."],
        ],
        CUSTOMER,
    )
    entries = import_text(page, CUSTOMER).table.entries
    assert entries[1].permissions == ("bss:order:view", "bss:order:update")
    assert entries[1].permission_name.en == "Update orders"


# --------------------------------------------------------------------------- errors name the line


PIPE_ERRORS = [
    pytest.param(
        "Creating a customer |\nPOST /v2/partners/sub-customers |\nBPC_ITEM_SUBCUSTSERV_010118 |\n"
        "Sales > Customers > Customer Management > Customer List > Create Partner Customer |\n||\n",
        "Creating a customer |\nPOST /v2/partners/sub-customers |\nBPC_ITEM_SUBCUSTSERV_010118 |\n"
        "Sales > Customers > Customer Management > Customer List > Create Partner Customer |\n",
        "Creating a customer |",
        "2 spanned cell(s) should be marked",
        id="span-markers-missing",
    ),
    pytest.param(
        "Querying the list of resellers |",
        "Querying the list\nof resellers |",
        "of resellers |",
        "a table cell after the end of the table",
        id="cell-split-over-lines",
    ),
    pytest.param(
        "Querying customer budget |\n",
        "",
        "Managing Customers' Budgets |",
        "spanned cell(s) should be marked",
        id="description-missing",
    ),
    pytest.param(
        "BPC_ITEM_SALES_020100 |",
        "BPC-ITEM-SALES |",
        "BPC-ITEM-SALES |",
        "'BPC-ITEM-SALES' is not a partner permission code",
        id="bad-code",
    ),
    pytest.param(
        "API Description |",
        "API Descriptions |",
        "API Descriptions |",
        "unexpected table header cell 'API Descriptions'",
        id="header-misspelt",
    ),
    pytest.param(
        "GET /v2/orders/customer-orders/details/{order_id} |",
        "GET /v2/orders/customer-orders/{order_id} |",
        "GET /v2/orders/customer-orders/{order_id} |",
        None,
        id="not-a-duplicate",
    ),
    pytest.param(
        "GET /v2/promotions/benefits/coupons |",
        "GET /v2/orders/customer-orders |",
        "GET /v2/orders/customer-orders |\nBPC_ITEM_SUBCUSTSERV_060100|BPC_ITEM_SUBCUSTSERV_060200",
        "repeats the API of the row at line",
        id="duplicate-row",
    ),
    pytest.param(
        "GET /v2/partners/credit/consumption-quota |",
        "GET /v2/partners/credit//consumption-quota |",
        "GET /v2/partners/credit//consumption-quota |",
        "empty segment",
        id="bad-path",
    ),
    pytest.param(
        "Verifying customer registration information |\n",
        "",
        "Customer management |",
        "the first row has 2 cell(s) before its URL",
        id="first-row-short",
    ),
    pytest.param(
        "Chatbot",
        "Chatbot\nGET /v2/extra |",
        "GET /v2/extra |",
        "a table cell after the end of the table",
        id="row-after-the-table",
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "message"), PIPE_ERRORS)
def test_what_cannot_be_placed_is_an_error_naming_its_line(old, new, at, message):
    text = replace_once(seed_text(PARTNER), old, new)
    if message is None:
        import_text(text, PARTNER)  # the control: a changed path is not an error
        return
    error = import_error(text)
    assert message in error.message
    first_line = at.splitlines()[0]
    expected = [n for n, line in enumerate(text.splitlines(), 1) if line == first_line]
    assert error.location.line in expected, (error, expected)


def test_a_duplicate_row_names_both_lines():
    text = replace_once(
        seed_text(PARTNER), "GET /v2/promotions/benefits/coupons |", "GET /v2/orders/customer-orders |"
    )
    error = import_error(text)
    first = text.splitlines().index("GET /v2/orders/customer-orders |") + 1
    assert f"row at line {first}" in error.message


PARAGRAPH_ERRORS = [
    pytest.param(
        "bss:discount:view\n\n查看折扣、价格信息。\n\n查询包年",
        "bss:discount:view\n\n查询包年",
        "POST /v2/bills/ratings/period-resources/subscribe-rate",
        "this row has no description before its URL",
        id="name-missing",
    ),
    pytest.param(
        "bss:balance:view",
        "bss-balance-view",
        "bss-balance-view",
        "is not a customer permission code",
        id="bad-code",
    ),
    pytest.param(
        "查询汇总账单\n",
        "多余\n\n更多\n\n再多\n\n查询汇总账单\n",
        "多余",
        "cannot place 4 cell(s) before",
        id="extra-cells",
    ),
    pytest.param("权限项名称", "权限名字", "权限名字", "unexpected table header cell", id="header"),
    pytest.param(
        "查询订单详情\n\nGET /v2/orders/customer-orders/details/{order_id}\n\nbss:order:view\n",
        "查询订单详情\n\nGET /v2/orders/customer-orders/details/{order_id}\n\n查看订单信息\n",
        "查看订单信息",
        "is not a customer permission code",
        id="code-missing",
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "message"), PARAGRAPH_ERRORS)
def test_paragraph_layout_errors_name_their_line(old, new, at, message):
    text = replace_once(seed_text(CUSTOMER), old, new)
    error = import_error(text, CUSTOMER)
    assert message in error.message, error
    lines = text.splitlines()
    expected = [n for n, line in enumerate(lines, 1) if line.strip() == at]
    assert error.location.line in expected, (error, expected)


def test_a_missing_name_that_shifts_cells_is_caught_by_the_consistency_checks():
    """In the paragraph layout an empty cell leaves no trace. When the next row starts a new
    scenario, the counts still fit; the shifted text then shows as one permission with two names."""
    text = replace_once(
        seed_text(CUSTOMER),
        "bss:order:view\n\n查看订单信息。\n\n取消待支付订单",
        "bss:order:view\n\n取消待支付订单",
    )
    # Row 7 (查询订单详情) lost its name; the next row (取消待支付订单) now lacks a description.
    error = import_error(text, CUSTOMER)
    assert "no description" in error.message
    shifted = replace_once(
        seed_text(CUSTOMER),
        "bss:order:view\n\n查看订单信息。\n\n管理包年/包月资源",
        "bss:order:view\n\n管理包年/包月资源",
    )
    imported = import_text(shifted, CUSTOMER)
    warnings = [str(w) for w in imported.warnings if "has the permission name" in str(w)]
    assert warnings and "bss:order:view has the permission name '管理包年/包月资源'" in warnings[0]


def test_the_title_must_match_the_type():
    page = seed_text(CUSTOMER).replace("权限码", "Action").replace("权限项名称", "Path")
    error = import_error(page, PARTNER)
    assert "titled 'API调用授权(客户)'" in error.message and error.hint == "use --type customer"


def test_the_columns_must_match_the_type():
    error = import_error(seed_text(PARTNER), CUSTOMER)
    assert "those of the partner table, not the customer table" in error.message
    assert error.location.line == line_of(seed_text(PARTNER), "Action |")


PARTNER_HEADER = (
    "Scenario |\nSub-Scenario |\nAPI Description |\nURL |\nAction |\nPath |\n---|---|---|---|---|---|\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nothing here\n", "no partner permission table found"),
        ("API Access Permission (Partner)\nScenario |\nSub-Scenario |\n", "has 2 of its 6 cells"),
        (
            PARTNER_HEADER,
            "no page title",
        ),
        (
            "API Access Permission (Partner)\n" + PARTNER_HEADER + "Feedback\n",
            "the table has no rows",
        ),
    ],
)
def test_pages_without_a_usable_table(text, message):
    assert message in import_error(text).message


# --------------------------------------------------------------------------- source and merge


def test_site_and_url_fill_the_source():
    imported = import_text(
        seed_text(PARTNER), PARTNER, site="Huawei Cloud Europe", url="https://example.eu/page"
    )
    assert (imported.table.source.site, imported.table.source.url) == (
        "Huawei Cloud Europe",
        "https://example.eu/page",
    )
    assert loads_back(imported).source.url == "https://example.eu/page"


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
def test_merging_the_bundle_gives_back_every_field_of_the_bundle(kind):
    reference = bundled(kind).table
    imported = import_text(seed_text(kind), kind, site=reference.source.site, url=reference.source.url)
    merged = merge_into(imported, reference, f"bundled:{kind.value}")
    assert diff_tables(reference, merged.table, all_fields=True).identical
    assert diff_tables(reference, loads_back(merged), all_fields=True).identical
    assert merged.merge is not None and merged.merge.missing == ()
    assert f"from bundled:{kind.value} (--merge-from)" in " ".join(table_file_text(merged).split("\n# "))


def test_merge_keeps_translations_only_for_unchanged_texts():
    imported = import_text(read(PAGES / "customer-2024-zh.txt"), CUSTOMER)
    merged = merge_into(imported, bundled(CUSTOMER).table, "bundled:customer")
    by_api = {entry.api: entry for entry in merged.table.entries}
    # A changed name loses its translation; the new row gets its group's translations by text.
    paid = by_api["POST /v2/orders/customer-orders/pay"]
    assert (paid.permission_name.zh, paid.permission_name.en) == ("支付订单", None)
    added = by_api["POST /v2/payments/free-resources/query"]
    assert (added.scenario.en, added.sub_scenario.en) == (
        "Managing transactions",
        "Managing resource packages",
    )
    assert added.description.en is None
    assert sorted(merged.merge.missing) == [(9, "permission_name"), (21, "description")]
    assert any("2 text(s) have no en translation" in str(note) for note in merged.notes)


def test_merge_refuses_a_table_of_the_other_type():
    imported = import_text(seed_text(PARTNER), PARTNER)
    with pytest.raises(InputError, match="gives a customer table"):
        merge_into(imported, bundled(CUSTOMER).table, "bundled:customer")


# --------------------------------------------------------------------------- any page


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "truncate", "swap"]),
        st.integers(min_value=0),
        st.integers(min_value=0),
        st.sampled_from(
            ["|", "||", "", "GET /x |", "POST/v2/y", "bss:a:b", "A|B |", "Scenario |", "场景", "x\u2028y |"]
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from([PARTNER, CUSTOMER]), edits=_EDITS)
def test_a_damaged_page_imports_or_is_an_input_error(kind, edits):
    """Deleted, inserted, cut and swapped lines: the import either works, and its file loads
    back, or stops with an InputError naming the page; never another exception."""
    lines = seed_text(kind).splitlines()
    for operation, first, second, text in edits:
        at = first % len(lines)
        if operation == "delete" and len(lines) > 1:
            del lines[at]
        elif operation == "insert":
            lines.insert(at, text)
        elif operation == "truncate":
            lines[at] = lines[at][: second % (len(lines[at]) + 1)]
        else:
            other = second % len(lines)
            lines[at], lines[other] = lines[other], lines[at]
    try:
        imported = import_text("\n".join(lines), kind)
    except InputError as error:
        check_input_error(error, "page.txt")
        return
    loads_back(imported)
