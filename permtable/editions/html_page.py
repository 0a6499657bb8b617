"""Reading a Huawei documentation page as a browser or ``curl`` saves it (HTML).

Huawei's doc pages put the permission table in a ``<table>`` among navigation, a breadcrumb,
an "Updated on" line, notes and a feedback form. Its scenario and sub-scenario cells span the
rows of their group (``rowspan``), a cell may span columns (``colspan``), and a cell may hold
several paragraphs or a bulleted list (two menu paths). This module turns the page into what
the text layouts give: the title, the date, and the table's rows with spans carried down, each
cell with the page line it starts on. Parsing uses the standard library's ``html.parser``,
which never fetches or runs anything the page refers to.

The rest of the import (rows into entries, normalisations, checks) is shared with the text
layouts, so a table imported from HTML obeys exactly the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from permtable.editions.page import (
    HTML,
    Cell,
    PageTable,
    RawRow,
    fold,
    header_problem,
    is_scope_header,
    language_of,
    page_date,
    page_title,
)
from permtable.errors import InputError, Location
from permtable.model import AccountType

_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<div|<table|<!--)", re.IGNORECASE)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "button", "select", "textarea"})
# Elements that end a line of text (in a cell: a new line of the cell; outside: a new block).
_BLOCKS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "section", "article", "header", "footer", "nav", "aside", "main", "pre", "blockquote",
        "caption", "title", "form", "figure", "figcaption", "tr", "table", "thead", "tbody",
    }
)  # fmt: skip
_BULLET = re.compile(r"^[•·●▪◦‣∙-]\s+")
_WHITESPACE = re.compile(r"\s+")
MAX_SPAN = 1000  # a rowspan or colspan larger than any table: the page is not what it claims
# Columns a row is written out to: the permission tables have 6 or 8. A hostile page of 20,000
# cells each spanning 1,000 columns would otherwise make 60 million cells (660 MiB from a
# 1.4 MB file); past this a row is cut, and no longer has a permission table's shape.
MAX_COLUMNS = 64


def _flat(parts: list[str]) -> str:
    """Text pieces of one line as a reader sees them: runs of white space as one space."""
    return _WHITESPACE.sub(" ", "".join(parts)).strip()


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text.removeprefix("\ufeff"))) or "<table" in text[:200_000].lower()


@dataclass(slots=True)
class _RawCell:
    line: int
    rowspan: int
    colspan: int
    lines: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def break_line(self) -> None:
        text = _BULLET.sub("", _flat(self.current))
        if text:
            self.lines.append(text)
        self.current = []

    def text(self) -> str:
        self.break_line()
        return "\n".join(self.lines)


@dataclass(slots=True)
class _RawTable:
    line: int
    rows: list[list[_RawCell]] = field(default_factory=list)
    cell: _RawCell | None = None


@dataclass(frozen=True, slots=True)
class HtmlTable:
    """A table with spans expanded: a spanned cell is the same Cell in every row it covers."""

    line: int
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    blocks: tuple[Cell, ...]  # text outside tables, a block per line of text, in page order
    tables: tuple[HtmlTable, ...]
    table_positions: tuple[int, ...]  # how many blocks come before each table
    heading: Cell | None = None  # the first h1: a doc page's topic title
    address: str | None = None  # the page's own address (link rel=canonical, og:url), if saved


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Cell] = []
        self.block: list[str] = []
        self.block_line = 1
        self.open_tables: list[_RawTable] = []
        self.done: list[tuple[int, _RawTable]] = []
        self.skipping = 0
        self.heading: Cell | None = None
        self.in_heading = False
        self.address: str | None = None

    # ------------------------------------------------------------------ text outside tables

    def end_block(self) -> None:
        text = _flat(self.block)
        if text:
            self.blocks.append(Cell(text, self.block_line))
        self.block = []

    # ------------------------------------------------------------------ events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if self.skipping:
            return
        line = self.getpos()[0]
        table = self.open_tables[-1] if self.open_tables else None
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "").lower() == "canonical" and values.get("href"):
            self.address = self.address or values["href"]
        elif tag == "meta" and values.get("property") == "og:url" and values.get("content"):
            self.address = self.address or values["content"]
        if tag == "h1" and self.heading is None and table is None:
            self.end_block()
            self.in_heading = True
        if tag == "table":
            self._close_cell()
            self.end_block()
            self.open_tables.append(_RawTable(line))
            return
        if table is None:
            if tag in _BLOCKS or tag == "br":
                self.end_block()
            return
        if tag == "tr":
            self._close_cell()
            table.rows.append([])
        elif tag in ("td", "th"):
            self._close_cell()
            if not table.rows:
                table.rows.append([])
            table.cell = _RawCell(line, _span(values.get("rowspan")), _span(values.get("colspan")))
            table.rows[-1].append(table.cell)
        elif table.cell is not None and (tag in _BLOCKS or tag == "br"):
            table.cell.break_line()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/>: no end tag follows

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        table = self.open_tables[-1] if self.open_tables else None
        if tag == "table" and table is not None:
            self._close_cell()
            self.open_tables.pop()
            self.done.append((len(self.blocks), table))
            return
        if table is None:
            if tag in _BLOCKS:
                if tag == "h1" and self.in_heading:
                    text = _flat(self.block)
                    if text:
                        self.heading = Cell(text, self.block_line)
                    self.in_heading = False
                self.end_block()
            return
        if tag in ("td", "th", "tr"):
            self._close_cell()
        elif table.cell is not None and tag in _BLOCKS:
            table.cell.break_line()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.open_tables:
            cell = self.open_tables[-1].cell
            if cell is not None:
                cell.current.append(data)
            return
        if not self.block and data.strip():
            self.block_line = self.getpos()[0]
        self.block.append(data)

    def _close_cell(self) -> None:
        if self.open_tables:
            self.open_tables[-1].cell = None


def _span(value: str | None) -> int:
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SPAN)


def parse_html(text: str) -> HtmlDocument:
    parser = _PageParser()
    parser.feed(text.removeprefix("\ufeff"))
    parser.close()
    parser.end_block()
    while parser.open_tables:  # a page cut off inside a table: keep what was read
        parser._close_cell()
        parser.done.append((len(parser.blocks), parser.open_tables.pop()))
    parser.done.sort(key=lambda item: item[1].line)
    return HtmlDocument(
        blocks=tuple(parser.blocks),
        tables=tuple(_expanded(table) for _, table in parser.done),
        table_positions=tuple(position for position, _ in parser.done),
        heading=parser.heading,
        address=parser.address,
    )


def _expanded(table: _RawTable) -> HtmlTable:
    """Rows with every rowspan and colspan written out, as the table is drawn."""
    rows: list[tuple[Cell, ...]] = []
    carried: dict[int, tuple[Cell, int]] = {}  # column -> (cell, rows it still covers)
    for raw_row in table.rows:
        row: list[Cell] = []
        for raw in raw_row:
            _take_carried(row, carried)
            if len(row) >= MAX_COLUMNS:
                break
            cell = Cell(raw.text(), raw.line)
            for _ in range(min(raw.colspan, MAX_COLUMNS - len(row))):
                if raw.rowspan > 1:
                    carried[len(row)] = (cell, raw.rowspan - 1)
                row.append(cell)
        # Spans from above cover the columns after this row's own cells too; a column no cell
        # and no span covers (a row short of cells) is an empty cell.
        while any(column >= len(row) for column in carried):
            _take_carried(row, carried)
            if any(column > len(row) for column in carried) and len(row) not in carried:
                row.append(Cell("", raw_row[-1].line if raw_row else table.line))
        if row:
            rows.append(tuple(row))
    return HtmlTable(table.line, tuple(rows))


def _take_carried(row: list[Cell], carried: dict[int, tuple[Cell, int]]) -> None:
    while len(row) in carried:
        cell, left = carried.pop(len(row))
        if left > 1:
            carried[len(row)] = (cell, left - 1)
        row.append(cell)


# --------------------------------------------------------------------------- the permission table


def read_html_page(text: str, file: str, account_type: AccountType) -> PageTable:
    """The ``account_type`` permission table of an HTML page, as the text layouts read it.

    A page may split the table into several ``<table>`` elements under one header (a table per
    scenario): every one of them is read, in page order. Reading only the first would leave
    rows out, and a missing row reads as "no check needed"."""
    document = parse_html(text)
    problem: InputError | None = None
    parts: list[tuple[HtmlTable, int, int]] = []
    for table, before in zip(document.tables, document.table_positions, strict=True):
        for index, row in enumerate(table.rows):
            if not row or fold(row[0].text) not in ("scenario", "场景"):
                continue
            cells = _distinct(row)
            found = header_problem([(cell.text, cell.line) for cell in cells[:6]], account_type, file)
            if found is None and len(cells) != 6 and not _scoped(cells, account_type):
                found = InputError(
                    f"the table header has {len(cells)} cells: {' | '.join(cell.text for cell in cells)}",
                    Location(file, cells[0].line),
                    "the permission table has six columns (the customer table may add IAM项目 and 企业项目)",
                )
            if found is not None:
                problem = problem or found
                continue
            parts.append((table, before, index))
            break
    if parts:
        return _page_table(document, parts, file, account_type)
    if problem is not None:
        raise problem
    raise InputError(
        f"no {account_type.value} permission table found in the HTML page: no table with the header "
        "Scenario | Sub-Scenario | ... (场景 | 子场景 | ...)",
        Location(file),
        "save the whole page (the browser's 'Save page as', or curl -o) and import that file",
    )


def _scoped(cells: list[Cell], account_type: AccountType) -> bool:
    """The customer table with its two scope columns (IAM project, enterprise project)."""
    return (
        account_type is AccountType.CUSTOMER
        and len(cells) == 8
        and is_scope_header(cells[6].text, 0)
        and is_scope_header(cells[7].text, 1)
    )


def _distinct(row: tuple[Cell, ...]) -> list[Cell]:
    """A header row's cells, a colspan's copies once."""
    cells: list[Cell] = []
    for cell in row:
        if not cells or cell is not cells[-1]:
            cells.append(cell)
    return cells


def _page_table(
    document: HtmlDocument,
    parts: list[tuple[HtmlTable, int, int]],
    file: str,
    account_type: AccountType,
) -> PageTable:
    first, before, header_index = parts[0]
    header = first.rows[header_index]
    leading = list(document.blocks[:before])
    title = page_title([block.text for block in leading], file, account_type)
    title_cell = Cell(title.text, leading[title.line - 1].line)
    updated = page_date([block.text for block in leading])
    rows: list[RawRow] = []
    for table, _, index in parts:
        part_header = table.rows[index]
        width = len(part_header)  # 6, or 8 with the scope columns, which do not change a requirement
        above: tuple[Cell, ...] = part_header
        for row in table.rows[index + 1 :]:
            if all(not cell.text for cell in row):
                continue
            # The row starts at its own first cell, not at a cell spanned down from above.
            own = [cell.line for cell, over in zip(row, above, strict=False) if cell is not over]
            above = row
            if len(row) != width:
                raise InputError(
                    f"a table row has {len(row)} cells where the header has {width}",
                    Location(file, row[0].line),
                    "the page's table is not the permission table's shape; save the page again",
                )
            scenario, sub_scenario, description, url, permissions, last = row[:6]
            rows.append(
                RawRow(
                    number=len(rows) + 1,
                    line=min(own or [cell.line for cell in row]),
                    scenario=scenario,
                    sub_scenario=sub_scenario,
                    description=description,
                    url=url,
                    permissions=permissions,
                    last=last if last.text else None,
                )
            )
    if not rows:
        raise InputError("the table has no rows after its header", Location(file, header[0].line))
    after = document.blocks[parts[-1][1] :]
    return PageTable(
        layout=HTML,
        language=language_of(" ".join(cell.text for cell in header)),
        account_type=account_type,
        title=title_cell,
        updated=updated,
        header_line=header[0].line,
        rows=tuple(rows),
        ignored_before=(leading[0].line, leading[-1].line) if leading else None,
        ignored_after=(after[0].line, after[-1].line) if after else None,
        parts=len(parts),
    )
