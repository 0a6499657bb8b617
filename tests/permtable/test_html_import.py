"""Importing a table from Huawei's page saved as HTML (a browser's "Save page as", or curl).

The proof is the same as for the text layouts: a page built in the structure of Huawei's doc
pages from the seed rows imports to exactly the bundled table. Then what the seeds do not show:
bulleted menu paths, colspans, spans reaching the end of the table, scripts and forms around
the table, Chinese partner and English customer headers, and pages that hold no such table.
"""

from __future__ import annotations

import html

import pytest
from huawei_html import page, page_of, rows_of
from pt_helpers import SEEDS, check_input_error

from cli.plain import plain
from permtable.editions.diff import diff_tables
from permtable.editions.html_page import looks_like_html, parse_html
from permtable.editions.page import HTML, Cell, read_page
from permtable.editions.page_import import import_page, table_file_text
from permtable.errors import InputError
from permtable.model import AccountType
from permtable.tables import bundled

PARTNER, CUSTOMER = AccountType.PARTNER, AccountType.CUSTOMER
SEED_FILES = {PARTNER: SEEDS / "partner-en.txt", CUSTOMER: SEEDS / "customer-zh.txt"}


def seed_page(kind: AccountType):
    return read_page(SEED_FILES[kind].read_text(encoding="utf-8"), "seed.txt", kind)


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
def test_an_html_page_of_the_seed_rows_imports_to_the_bundled_table(kind):
    seed = seed_page(kind)
    text = page_of(seed, kind.value)
    assert looks_like_html(text)
    imported = import_page(text, "page.html", kind)
    assert imported.layout == HTML
    result = diff_tables(bundled(kind).table, imported.table)
    assert result.identical, plain(result.record(), "en")
    # The same normalisations as the text import, at the HTML page's lines.
    from_text = import_page(SEED_FILES[kind].read_text(encoding="utf-8"), "seed.txt", kind)
    assert [(n.row, n.kind, n.documented) for n in imported.normalisations] == [
        (n.row, n.kind, n.documented) for n in from_text.normalisations
    ]
    assert imported.table.source.updated == bundled(kind).table.source.updated
    table_file_text(imported)  # writes and loads back unchanged


def test_rowspans_are_carried_down_and_lines_point_into_the_html():
    seed = seed_page(PARTNER)
    text = page_of(seed, "partner")
    imported = import_page(text, "page.html", PARTNER)
    lines = text.splitlines()
    for entry, line in zip(imported.table.entries, imported.row_lines, strict=True):
        # The row's first own cell: a group's scenario, else its sub-scenario or description.
        texts = (entry.scenario, entry.sub_scenario, entry.description)
        assert any(html.escape(text.get("en")) in lines[line - 1] for text in texts), (entry.path, line)
        assert lines[line - 2] == "<tr>"
    # The first group's scenario cell spans its rows; every row of the group carries it.
    first = imported.table.entries[0].scenario
    assert sum(1 for entry in imported.table.entries[:7] if entry.scenario == first) == 7
    assert text.count('rowspan="') >= 5


def _small_rows(last: str = "Sales > Customers > Customer List") -> list[list[Cell | None]]:
    scenario = Cell("Customer management", 1)
    sub = Cell("Querying customers", 2)
    query = Cell("POST /v2/partners/sub-customers/query", 4)
    freeze = Cell("POST /v2/partners/sub-customers/freeze", 8)
    return [
        [scenario, sub, Cell("Querying customers", 3), query,
         Cell("BPC_ITEM_SUBCUSTSERV_010100|BPC_ITEM_SUBCUSTSERV_010500", 5), Cell(last, 6)],
        [scenario, sub, Cell("Freezing a customer account", 7), freeze,
         Cell("BPC_ITEM_SUBCUSTSERV_010501", 9), None],
    ]  # fmt: skip


def test_a_bulleted_cell_of_two_menu_paths_keeps_both():
    rows = _small_rows("Sales > Customers > Customer List\nSales > Customers > Customer Groups")
    text = page("API Access Permission (Partner)", rows, "partner", "en", "2025-11-20")
    assert "<li" in text
    imported = import_page(text, "page.html", PARTNER)
    menu = imported.table.entries[0].menu_path
    assert menu is not None
    assert menu.get("en") == "Sales > Customers > Customer List; Sales > Customers > Customer Groups"
    assert [n.kind for n in imported.normalisations] == ["list-joined"]
    assert imported.table.entries[1].menu_path is None  # an empty cell is "not documented"
    assert imported.table.source.updated == "2025-11-20"


def test_a_colspan_fills_every_column_it_covers():
    text = page("API Access Permission (Partner)", _small_rows(), "partner", "en")
    text = text.replace(
        '<td class="cellrowborder" rowspan="2" valign="top" width="16.67%" headers="mcps1.3.4.2.7.1.1 "><p',
        '<td class="cellrowborder" rowspan="2" colspan="2" valign="top" headers="x"><p',
        1,
    )
    # The sub-scenario cell the colspan now covers is removed from the page.
    start = text.index('headers="mcps1.3.4.2.7.1.2 "')
    cell_start = text.rindex("<td", 0, start)
    cell_end = text.index("</td>", start) + len("</td>")
    text = text[:cell_start] + text[cell_end:]
    imported = import_page(text, "page.html", PARTNER)
    first = imported.table.entries[0]
    assert first.scenario == first.sub_scenario
    assert first.scenario.get("en") == "Customer management"


def test_scripts_forms_and_navigation_around_the_table_are_skipped():
    text = page("API Access Permission (Partner)", _small_rows(), "partner", "en")
    assert 'var t = "<table>"' in text and "<textarea>" in text
    imported = import_page(text, "page.html", PARTNER)
    assert len(imported.table.entries) == 2
    notes = " ".join(note.message for note in imported.notes)
    assert "skipped the page's other text before the table" in notes
    assert "after the table" in notes


@pytest.mark.parametrize(
    ("kind", "language", "title"),
    [(PARTNER, "zh", "API调用授权(伙伴)"), (CUSTOMER, "en", "API Access Permission (Customer)")],
)
def test_chinese_partner_and_english_customer_headers(kind, language, title):
    if kind is PARTNER:
        rows = _small_rows("销售 > 客户 > 客户管理")
    else:
        name = Cell("View order information.", 6)
        rows = [[Cell("Managing transactions", 1), Cell("Managing orders", 2), Cell("Querying orders", 3),
                 Cell("GET/v2/orders/customer-orders", 4), Cell("bss:order:view", 5), name]]  # fmt: skip
    imported = import_page(page(title, rows, kind.value, language, "2025-12-01"), "page.html", kind)
    assert imported.table.source.language == language
    assert imported.table.entries[0].method in ("GET", "POST")
    if kind is CUSTOMER:
        assert imported.table.entries[0].permission_name.get("en") == "View order information"
        assert {n.kind for n in imported.normalisations} == {"method-path-space", "trailing-full-stop"}


def _error(text: str, kind: AccountType = PARTNER) -> InputError:
    with pytest.raises(InputError) as caught:
        import_page(text, "page.html", kind)
    check_input_error(caught.value, "page.html")
    return caught.value


def test_a_page_without_the_table_is_an_error_naming_the_file():
    error = _error(
        "<!DOCTYPE html><html><body><h1>API Access Permission (Partner)</h1><p>x</p></body></html>"
    )
    assert "no partner permission table found in the HTML page" in error.message


def test_the_other_account_types_page_is_named():
    url = Cell("GET /v2/orders/customer-orders", 4)
    rows = [[Cell("Managing transactions", 1), Cell("Managing orders", 2), Cell("Querying orders", 3),
             url, Cell("bss:order:view", 5), Cell("View orders", 6)]]  # fmt: skip
    text = page("API Access Permission (Customer)", rows, "customer", "en")
    error = _error(text, PARTNER)
    assert "customer table" in error.message
    assert error.location.line == next(
        number for number, line in enumerate(text.splitlines(), 1) if "Permission Code" in line
    )


def test_a_row_short_of_cells_is_an_error_at_its_line():
    text = page("API Access Permission (Partner)", _small_rows(), "partner", "en")
    cell = text.index('headers="mcps1.3.4.2.7.1.6 ">')
    start = text.rindex("<td", 0, cell)
    end = text.index("</td>", cell) + len("</td>")
    broken = text[:start] + text[end:]
    # The first row lost its Path cell: the second row's spans no longer line up, and the
    # importer says which row, rather than reading cells out of place.
    with pytest.raises(InputError) as caught:
        import_page(broken, "page.html", PARTNER)
    assert caught.value.location.file == "page.html" and caught.value.location.line is not None


def test_parse_html_expands_spans_like_a_browser_draws_them():
    document = parse_html(
        "<table><tr><td rowspan=3>a</td><td colspan=2>b</td></tr>"
        "<tr><td>c</td><td rowspan=2>d</td></tr><tr><td>e</td></tr></table>"
    )
    (table,) = document.tables
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["a", "b", "b"],
        ["a", "c", "d"],
        ["a", "e", "d"],
    ]


def test_rows_of_keeps_spans_as_the_same_cell():
    rows = rows_of(seed_page(CUSTOMER))
    assert rows[1][0] is rows[0][0]


def test_the_customer_table_with_scope_columns_imports_to_the_same_table():
    """The China site's 策略授权参考 layout: 授权项(Action) and 授权项名称, then IAM项目 and
    企业项目 columns of √ and ×, which do not change what a row requires."""
    seed = seed_page(CUSTOMER)
    text = page(seed.title.text, rows_of(seed), "customer", "zh", seed.updated, scope=True)
    assert "企业项目 (Enterprise Project)" in text and "<p" in text
    imported = import_page(text, "page.html", CUSTOMER)
    result = diff_tables(bundled(CUSTOMER).table, imported.table)
    assert result.identical, plain(result.record(), "en")


def test_scope_columns_on_a_partner_page_are_refused():
    rows = [[*row, Cell("√", 0), Cell("×", 0)] for row in _small_rows()]
    headers = ("Scenario", "Sub-Scenario", "API Description", "URL", "Action", "Path", "IAM Project", "X")
    error = _error(page("API Access Permission (Partner)", rows, "partner", "en", headers=headers))
    assert error.message.startswith("the table header has 8 cells")


def test_a_table_split_into_several_html_tables_is_read_whole():
    """A page that splits the table (one <table> per scenario, each with the header): every
    part is read. Importing only the first would leave rows out, each read as "no check"."""
    seed = seed_page(PARTNER)
    rows = rows_of(seed)
    text = page(seed.title.text, rows, "partner", "en")
    # Close the table after row 10 and open a new one with the same header.
    header = text[text.index("<thead") : text.index("</thead>") + len("</thead>")]
    tenth = [n for n, line in enumerate(text.split("\n")) if line == "</tr>"][9]
    lines = text.split("\n")
    lines.insert(tenth + 1, f"</tbody></table>\n<p>More APIs:</p>\n<table>{header}<tbody>")
    split = "\n".join(lines)
    assert split.count("<thead") == 2
    imported = import_page(split, "page.html", PARTNER)
    result = diff_tables(bundled(PARTNER).table, imported.table)
    assert result.identical, plain(result.record(), "en")
    assert "read from 2 tables under the same header" in imported.notes[0].message


def test_a_page_of_huge_colspans_is_expanded_in_bounded_memory():
    """20,000 cells of colspan=1000 in a row: written out whole that is 60 million cells. Rows
    stop at MAX_COLUMNS; the page is refused as it was, without the memory."""
    import tracemalloc

    from permtable.editions.html_page import MAX_COLUMNS

    row = "<tr>" + "<td colspan=1000>x</td>" * 20_000 + "</tr>"
    text = f"<!DOCTYPE html><html><body><h1>API Access Permission (Partner)</h1><table>{row * 3}</table>"
    tracemalloc.start()
    try:
        (table,) = parse_html(text).tables
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [len(cells) for cells in table.rows] == [MAX_COLUMNS] * 3
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB"
    with pytest.raises(InputError) as caught:
        import_page(text, "page.html", PARTNER)
    assert "no partner permission table found in the HTML page" in caught.value.message
