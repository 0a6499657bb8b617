"""Finding the permission table in a page's text and cutting it into rows.

Two layouts are seen when a Huawei page is copied from a browser or saved as text:

- the *pipe* layout (English pages): one cell per line ending in `` |``. A row whose leading
  cells (scenario, sub-scenario) are spanned from the rows above starts with fewer cells, and the
  copy then ends the row with span markers: a line ``|`` for one spanned cell, ``||`` for two. A
  line ``|`` right after the Action cell is an empty Path cell.
- the *paragraph* layout (Chinese pages): one cell per non-empty paragraph, spanned cells simply
  absent.

In both, the URL cell (``GET /v2/...``) is the anchor: the cells before it in a row are
(scenario?, sub-scenario?, description), the cells after it the permission codes and the last
column. Every cell must find its place; one that does not is an input error naming its line,
never a dropped row.

Why one module of this size: the two layouts share their anchors, span rules and row cutting,
and splitting them would put one grammar in two places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from permtable.apis import METHODS
from permtable.errors import InputError, Location
from permtable.model import AccountType

PIPE = "pipe"
PARAGRAPH = "paragraph"
HTML = "html"
LAYOUT_NAMES = {
    PIPE: "one cell per line ending in ' |', as the English pages copy",
    PARAGRAPH: "one cell per paragraph, as the Chinese pages copy",
    HTML: "the HTML page, as a browser or curl saves it",
}

LEADING_COLUMNS = 3  # scenario, sub-scenario, description

URL_START = re.compile(r"(?:" + "|".join(sorted(METHODS)) + r")\s*/", re.IGNORECASE)
_SEPARATOR = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Header cells, compared after folding case and whitespace. The first four columns are the same
# in every edition; the last two name the account type's permission columns.
_COMMON_HEADERS: tuple[frozenset[str], ...] = (
    frozenset({"scenario", "场景"}),
    frozenset({"sub-scenario", "sub scenario", "subscenario", "子场景"}),
    frozenset({"api description", "description", "api", "api name", "接口名称", "接口描述", "接口"}),
    frozenset({"url", "api url", "uri", "接口url", "接口uri", "请求url"}),
)
_TYPE_HEADERS: dict[AccountType, tuple[frozenset[str], frozenset[str]]] = {
    AccountType.PARTNER: (
        frozenset({"action", "actions", "权限点", "操作", "操作项"}),
        frozenset({"path", "menu path", "路径", "菜单路径", "权限路径", "页面路径"}),
    ),
    AccountType.CUSTOMER: (
        frozenset(
            {
                "permission code",
                "permission codes",
                "权限码",
                "权限编码",
                "授权项(action)",
                "授权项 (action)",
                "授权项",
                "action",
            }
        ),
        frozenset(
            {"supported action", "permission name", "权限项名称", "权限名称", "授权项名称", "action name"}
        ),
    ),
}
# The China site's customer table with scope columns (策略授权参考, api-oce/jac_000053) adds two
# columns after the six: whether each action can be granted in an IAM project and in an
# enterprise project (√ or ×). Read from HTML pages; they do not change what a row requires.
SCOPE_HEADERS: tuple[frozenset[str], ...] = (
    frozenset({"iam项目(project)", "iam项目", "iamproject"}),
    frozenset({"企业项目(enterpriseproject)", "企业项目", "enterpriseproject"}),
)


def is_scope_header(text: str, position: int) -> bool:
    """The seventh (``position`` 0) or eighth (1) header of the scoped customer table."""
    return fold(text).replace(" ", "") in SCOPE_HEADERS[position]


HEADER_EXAMPLES = {
    AccountType.PARTNER: "Scenario | Sub-Scenario | API Description | URL | Action | Path",
    AccountType.CUSTOMER: (
        "Scenario | Sub-Scenario | API Description | URL | Permission Code | Supported Action, "
        "or 场景 子场景 接口名称 接口URL 权限码 权限项名称"
    ),
}

_TITLES: dict[AccountType, re.Pattern[str]] = {
    AccountType.PARTNER: re.compile(r"API\s.{0,60}\(\s*Partner\s*\)|API.{0,30}\((?:合作)?伙伴\)", re.I),
    AccountType.CUSTOMER: re.compile(r"API\s.{0,60}\(\s*Customer\s*\)|API.{0,30}\(客户\)", re.I),
}
_DATE = re.compile(
    r"(?:更新时间|发布时间|Updated\s+on|Last\s+updated|Updated|Update\s+time)\s*[::]?\s*"
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as the page shows it (stripped), with the line it is on."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Marker:
    """A pipe-layout line of only ``|``: an empty cell or cells spanned from above."""

    count: int
    line: int


@dataclass(frozen=True, slots=True)
class RawRow:
    """One table row with spanned cells already carried down from the rows above."""

    number: int
    line: int  # the row's first cell on the page
    scenario: Cell
    sub_scenario: Cell
    description: Cell
    url: Cell
    permissions: Cell
    last: Cell | None  # Path (partner) or permission name (customer); None = empty cell


@dataclass(frozen=True, slots=True)
class PageTable:
    """The table found in a page, and what the page says about it."""

    layout: str
    language: str
    account_type: AccountType
    title: Cell
    updated: str | None
    header_line: int
    rows: tuple[RawRow, ...]
    ignored_before: tuple[int, int] | None  # first and last line of text before the table
    ignored_after: tuple[int, int] | None  # likewise after it
    parts: int = 1  # HTML: the tables under one header the page splits the table into


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: \\r\\n, \\r and \\n each end one line."""
    return _LINE_BREAK.split(text.removeprefix("\ufeff"))


def fold(text: str) -> str:
    return " ".join(text.replace("(", "(").replace(")", ")").split()).casefold()


def language_of(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def read_page(text: str, file: str, account_type: AccountType) -> PageTable:
    """Find the table of ``account_type`` in the page's text and cut it into rows."""
    lines = split_lines(text)
    layout, header_line, body_start, language = _find_header(lines, file, account_type)
    title = page_title(lines[: header_line - 1], file, account_type)
    updated = page_date(lines[: header_line - 1])
    if layout == PIPE:
        tokens, body_end = _pipe_tokens(lines, body_start)
        _check_nothing_after(lines, body_end, file)
    else:
        tokens = [
            Cell(line.strip(), number)
            for number, line in enumerate(lines[body_start:], body_start + 1)
            if line.strip()
        ]
    rows, used = _assemble(tokens, layout, account_type, file, header_line)
    after = tokens[used:]
    if layout == PIPE:
        after_lines = _text_lines(lines, body_end, len(lines))
    else:
        after_lines = (after[0].line, after[-1].line) if after else None
    return PageTable(
        layout=layout,
        language=language,
        account_type=account_type,
        title=title,
        updated=updated,
        header_line=header_line,
        rows=tuple(rows),
        ignored_before=_text_lines(lines, 0, header_line - 1),
        ignored_after=after_lines,
    )


def _text_lines(lines: list[str], start: int, end: int) -> tuple[int, int] | None:
    """First and last non-blank line numbers (1-based) among lines[start:end]."""
    numbers = [number for number in range(start + 1, end + 1) if lines[number - 1].strip()]
    return (numbers[0], numbers[-1]) if numbers else None


# --------------------------------------------------------------------------- header


def _header_cell(line: str) -> tuple[str, bool]:
    stripped = line.strip()
    if stripped.endswith("|"):
        return stripped[:-1].strip(), True
    return stripped, False


def _find_header(lines: list[str], file: str, account_type: AccountType) -> tuple[str, int, int, str]:
    """Layout, header line (1-based), index of the first body line, and the table's language."""
    partial: InputError | None = None
    for index, line in enumerate(lines):
        first, piped = _header_cell(line)
        if fold(first) not in _COMMON_HEADERS[0]:
            continue
        cells: list[tuple[str, int]] = [(first, index + 1)]
        position = index + 1
        while len(cells) < 6 and position < len(lines):
            if lines[position].strip():
                text, cell_piped = _header_cell(lines[position])
                if cell_piped != piped:
                    break
                cells.append((text, position + 1))
            position += 1
        problem = header_problem(cells, account_type, file)
        if problem is not None:
            partial = partial or problem
            continue
        language = language_of(" ".join(text for text, _ in cells))
        if not piped:
            return PARAGRAPH, index + 1, position, language
        # A markdown-like separator usually follows the header of a pipe copy.
        while position < len(lines) and not lines[position].strip():
            position += 1
        if position < len(lines) and _SEPARATOR.fullmatch(lines[position].strip()):
            columns = len(lines[position].strip().strip("|").split("|"))
            if columns != 6:
                raise InputError(
                    f"the header separator has {columns} columns, the header 6",
                    Location(file, position + 1),
                    "copy the whole table",
                )
            position += 1
        return PIPE, index + 1, position, language
    if partial is not None:
        raise partial
    raise InputError(
        f"no {account_type.value} permission table found: no header row",
        Location(file),
        f"the table starts with the header {HEADER_EXAMPLES[account_type]}; copy the whole page",
    )


def header_problem(cells: list[tuple[str, int]], account_type: AccountType, file: str) -> InputError | None:
    if len(cells) < 6:
        last_line = cells[-1][1]
        return InputError(
            f"the table header starting at line {cells[0][1]} has {len(cells)} of its 6 cells",
            Location(file, last_line),
            f"expected {HEADER_EXAMPLES[account_type]}",
        )
    for (text, line), names in zip(cells[1:4], _COMMON_HEADERS[1:], strict=True):
        if fold(text) not in names:
            return InputError(
                f"unexpected table header cell {text!r}",
                Location(file, line),
                f"expected {HEADER_EXAMPLES[account_type]}",
            )
    fifth, sixth = fold(cells[4][0]), fold(cells[5][0])
    found = [kind for kind, (names, _) in _TYPE_HEADERS.items() if fifth in names]
    found_sixth = [kind for kind, (_, names) in _TYPE_HEADERS.items() if sixth in names]
    # "Action" heads the partner table's fifth column and the scoped customer table's: the
    # sixth column tells them apart.
    both = [kind for kind in found if kind in found_sixth]
    if both:
        found = found_sixth = both
    if not found or not found_sixth or found != found_sixth:
        wrong = cells[4] if not found else cells[5]
        return InputError(
            f"unexpected table header cell {wrong[0]!r}",
            Location(file, wrong[1]),
            f"expected {HEADER_EXAMPLES[account_type]}",
        )
    if found[0] is not account_type:
        return InputError(
            f"the columns {cells[4][0]!r} and {cells[5][0]!r} are those of the {found[0].value} table, "
            f"not the {account_type.value} table",
            Location(file, cells[4][1]),
            f"use --type {found[0].value}, or import the {account_type.value} page",
        )
    return None


# --------------------------------------------------------------------------- title and date


def page_title(lines: list[str], file: str, account_type: AccountType) -> Cell:
    """The page's title line: the table's own title, never a breadcrumb (``a > b > title``)."""
    others: list[tuple[AccountType, Cell]] = []
    for number, line in enumerate(lines, 1):
        text = " ".join(line.split())
        if not text or ">" in text or len(text) > 100:
            continue
        folded = text.replace("(", "(").replace(")", ")")
        for kind, pattern in _TITLES.items():
            if pattern.fullmatch(folded):
                if kind is account_type:
                    return Cell(text, number)
                others.append((kind, Cell(text, number)))
    if others:
        kind, cell = others[0]
        raise InputError(
            f"the page is titled {cell.text!r}: it documents the {kind.value} table, "
            f"not the {account_type.value} table",
            Location(file, cell.line),
            f"use --type {kind.value}",
        )
    example = (
        "API Access Permission (Partner)" if account_type is AccountType.PARTNER else "API调用授权(客户)"
    )
    raise InputError(
        "no page title found before the table",
        Location(file),
        f"copy the page from its title (a line such as {example!r}) to the end of the table",
    )


def page_date(lines: list[str]) -> str | None:
    for line in lines:
        match = _DATE.search(line)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


# --------------------------------------------------------------------------- body


def _pipe_tokens(lines: list[str], start: int) -> tuple[list[Cell | Marker], int]:
    """The table's cells and markers, and the index of the first line after the table."""
    tokens: list[Cell | Marker] = []
    position = start
    while position < len(lines):
        stripped = lines[position].strip()
        if stripped:
            if not stripped.endswith("|"):
                break
            body = stripped[:-1].strip()
            if not body.replace("|", "").strip():
                tokens.append(Marker(stripped.count("|"), position + 1))
            else:
                tokens.append(Cell(body, position + 1))
        position += 1
    return tokens, position


def _check_nothing_after(lines: list[str], end: int, file: str) -> None:
    """After a pipe table, navigation text is fine; another table row is not."""
    for number in range(end + 1, len(lines) + 1):
        text, piped = _header_cell(lines[number - 1])
        if URL_START.match(text) or (piped and text):
            raise InputError(
                f"a table cell after the end of the table (it ended at line {end}): {text!r}",
                Location(file, number),
                f"line {end + 1} does not end with ' |'; if a cell is split over several lines, join them",
            )


def _assemble(
    tokens: list[Cell | Marker], layout: str, account_type: AccountType, file: str, header_line: int
) -> tuple[list[RawRow], int]:
    """Rows from the tokens, and how many tokens they used (the rest follows the table)."""
    urls = [k for k, token in enumerate(tokens) if isinstance(token, Cell) and URL_START.match(token.text)]
    if not urls:
        raise InputError(
            "the table has no rows: no URL cell (such as 'GET /v2/...') after the header",
            Location(file, header_line),
        )
    rows: list[RawRow] = []
    leading = _leading_cells(tokens[: urls[0]], file, first=True, url=tokens[urls[0]])
    scenario: Cell | None = None
    sub_scenario: Cell | None = None
    used = len(tokens)
    for n, at in enumerate(urls):
        url = tokens[at]
        assert isinstance(url, Cell)
        end = urls[n + 1] if n + 1 < len(urls) else len(tokens)
        after = tokens[at + 1 : end]
        if not after or not isinstance(after[0], Cell):
            where = after[0].line if after else url.line
            raise InputError(
                "the permission cell of this row is empty or missing",
                Location(file, where),
                f"every row has the six cells {HEADER_EXAMPLES[account_type]}",
            )
        permissions = after[0]
        if layout == PIPE:
            last, rest, spans = _pipe_tail(after[1:], url, file)
        else:
            last, rest = _paragraph_tail(after[1:], account_type, url, file)
            spans = None
        if len(leading) == 3:
            scenario, sub_scenario = leading[0], leading[1]
        elif len(leading) == 2:
            sub_scenario = leading[0]
        assert scenario is not None and sub_scenario is not None
        if spans is not None and spans != LEADING_COLUMNS - len(leading):
            raise InputError(
                f"this row starts with {len(leading)} cell(s) before its URL, so "
                f"{LEADING_COLUMNS - len(leading)} spanned cell(s) should be marked at its end "
                f"('|' lines), but {spans} are",
                Location(file, leading[0].line),
                "a cell may be missing or split over lines; compare the row with the page",
            )
        rows.append(
            RawRow(
                number=len(rows) + 1,
                line=leading[0].line,
                scenario=scenario,
                sub_scenario=sub_scenario,
                description=leading[-1],
                url=url,
                permissions=permissions,
                last=last,
            )
        )
        if n + 1 < len(urls):
            leading = _leading_cells(rest, file, first=False, url=tokens[urls[n + 1]])
        else:
            used = end - len(rest)
            if layout == PIPE and rest:
                raise InputError(
                    f"cannot place the cell {_shown(rest[0])} after the last row",
                    Location(file, rest[0].line),
                    "each row has at most six cells, then '|' lines for spanned cells",
                )
    return rows, used


def _shown(token: Cell | Marker) -> str:
    return repr(token.text) if isinstance(token, Cell) else repr("|" * token.count)


def _leading_cells(tokens: list[Cell | Marker], file: str, first: bool, url: Cell | Marker) -> list[Cell]:
    for token in tokens:
        if isinstance(token, Marker):
            raise InputError(
                f"cannot place the line {_shown(token)} before a row's cells",
                Location(file, token.line),
                "'|' lines belong after a row's last cell (an empty Path, or spanned cells)",
            )
    cells = [token for token in tokens if isinstance(token, Cell)]
    if first and len(cells) != LEADING_COLUMNS:
        raise InputError(
            f"the first row has {len(cells)} cell(s) before its URL; it needs scenario, "
            "sub-scenario and description",
            Location(file, cells[0].line if cells else url.line),
            "cells cannot be spanned from above the first row",
        )
    if not cells:
        raise InputError(
            "this row has no description before its URL",
            Location(file, url.line),
            "a cell of the row above (an empty last cell?) or this row's description is missing; "
            "compare with the page",
        )
    if len(cells) > LEADING_COLUMNS:
        where = cells[0].line
        raise InputError(
            f"cannot place {len(cells)} cell(s) before the URL at line {url.line}: a row has at "
            "most scenario, sub-scenario and description before its URL",
            Location(file, where),
            "a cell may be split over several lines, or a row may lack its URL; compare with the page",
        )
    return cells


def _pipe_tail(
    tokens: list[Cell | Marker], url: Cell, file: str
) -> tuple[Cell | None, list[Cell | Marker], int]:
    """The Path cell, the tokens of the next row, and how many spanned cells were marked."""
    if not tokens:
        raise InputError(
            "the row ends after its permission cell: the last cell (Path) is missing",
            Location(file, url.line),
            "an empty cell is copied as a line '|'",
        )
    first = tokens[0]
    spans = 0
    if isinstance(first, Marker):
        last = None
        spans = first.count - 1  # the first '|' is the empty cell itself
    else:
        last = first
    position = 1
    while position < len(tokens) and isinstance(tokens[position], Marker):
        marker = tokens[position]
        assert isinstance(marker, Marker)
        spans += marker.count
        position += 1
    return last, tokens[position:], spans


_MENU_SEPARATOR = re.compile(r"\s>\s|>")


def _paragraph_tail(
    tokens: list[Cell | Marker], account_type: AccountType, url: Cell, file: str
) -> tuple[Cell | None, list[Cell | Marker]]:
    """The last cell of a paragraph row and the tokens that follow it.

    An empty cell leaves no paragraph. Customer rows always name the permission; a partner Path
    cell is recognised by its ``>`` separators, and a row without one has an empty Path.
    """
    if account_type is AccountType.PARTNER:
        if tokens and isinstance(tokens[0], Cell) and _MENU_SEPARATOR.search(tokens[0].text):
            return tokens[0], tokens[1:]
        return None, tokens
    if not tokens:
        raise InputError(
            "the row has no permission name (权限项名称) after its permission code",
            Location(file, url.line),
            "every customer row documents a permission name",
        )
    name = tokens[0]
    assert isinstance(name, Cell)
    return name, tokens[1:]
