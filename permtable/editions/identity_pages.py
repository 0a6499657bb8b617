"""Importing the identity-action table from Huawei's API pages, as a browser or curl saves them.

Huawei documents the identity-policy action (``billing:...``) an API needs on the API's own
page: its "Authorization" (授权信息) section holds a table headed Action | Description | Access
Level | Resource Type | Condition Key | Alias (授权项 | 描述 | 访问级别 | ...), and its "URI"
section names the API. The identity-policy reference page (身份策略授权参考, api-oce/jac_000054)
lists the same actions without saying which API each one authorises, so it cannot build this
table on its own: importing it is refused with that reason, rather than guessed from names.

Several pages make one table: one row per API, every listed action required (the page says
"the permission listed below is required"; with several, the stricter reading: all of them).
The file is written in the bundled identity format and proven to load back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from permtable.editions.html_page import HtmlDocument, HtmlTable, looks_like_html, parse_html
from permtable.editions.page import URL_START, Cell, fold, language_of, page_date
from permtable.editions.rows import check_path
from permtable.editions.writer import comment_text, quote
from permtable.errors import InputError, Location, Notice
from permtable.identity_table import IDENTITY_ACTION_SHAPE, IdentityTable, identity_table_from_node
from permtable.model import IDENTITY_TYPE

_ACTION_HEADERS = frozenset({"action", "actions", "授权项", "授权项(action)", "操作(action)", "操作"})
_DESCRIPTION_HEADERS = frozenset({"description", "描述"})
_LEVEL_HEADERS = frozenset({"access level", "访问级别"})
_URI_HEADINGS = frozenset({"uri", "url", "请求uri", "request uri"})
_URL = re.compile(r"(?P<method>[A-Za-z]+)\s*(?P<path>/[^\s?]*)(?P<query>\?\S*)?")
_ACTION = re.compile(IDENTITY_ACTION_SHAPE)
UNSTATED = "(not stated: give --site)"


@dataclass(frozen=True, slots=True)
class IdentityPage:
    """One API page: the API it documents and the identity actions it requires."""

    file: str
    title: str | None
    address: str | None  # the page's own address, when the saved page carries it
    updated: str | None
    language: str
    method: str
    path: str
    actions: tuple[str, ...]
    line: int  # where the action table starts
    notes: tuple[Notice, ...]


@dataclass(frozen=True, slots=True)
class ImportedIdentityTable:
    table: IdentityTable
    pages: tuple[IdentityPage, ...]
    text: str  # the table file, proven to load back to ``table``


def read_identity_page(text: str, file: str) -> IdentityPage:
    """The API and the identity actions of one saved API page; InputError names the line."""
    if not looks_like_html(text):
        raise InputError(
            "an identity-action page is read as HTML: this file is not an HTML page",
            Location(file),
            "save the API's page with the browser's 'Save page as' (HTML), or curl -o page.html URL",
        )
    document = parse_html(text)
    found = _action_table(document)
    if found is None:
        raise InputError(
            "no identity-policy action table in this page (a table headed Action | Description | "
            "Access Level, or 授权项 | 描述 | 访问级别)",
            Location(file),
            "save the page of an API whose Authorization section lists its identity-policy action",
        )
    table, header_index = found
    actions = _actions(table, header_index, file)
    uri = _uri(document, file)
    if uri is None:
        raise InputError(
            "the page lists identity actions but names no API (no URI section): it is the "
            "identity-policy reference, which does not say which API each action authorises",
            Location(file, table.line),
            "import the pages of the APIs themselves (each names its URI and its action), several at once",
        )
    cell, method, path, query = uri
    notes = []
    if query:
        where = Location(file, cell.line)
        notes.append(Notice(f"the URI's query {query!r} is not part of the path: read as {path}", where))
    header = table.rows[header_index]
    return IdentityPage(
        file=file,
        title=document.heading.text if document.heading else None,
        address=document.address,
        updated=page_date([block.text for block in document.blocks]),
        language=language_of(" ".join(c.text for c in header)),
        method=method,
        path=path,
        actions=actions,
        line=table.line,
        notes=tuple(notes),
    )


def _action_table(document: HtmlDocument) -> tuple[HtmlTable, int] | None:
    for table in document.tables:
        for index, row in enumerate(table.rows):
            heads = [fold(cell.text) for cell in row]
            if (
                len(heads) >= 3
                and heads[0] in _ACTION_HEADERS
                and heads[1] in _DESCRIPTION_HEADERS
                and any(head in _LEVEL_HEADERS for head in heads)
            ):
                return table, index
    return None


def _actions(table: HtmlTable, header_index: int, file: str) -> tuple[str, ...]:
    actions: list[str] = []
    for row in table.rows[header_index + 1 :]:
        text = row[0].text.strip() if row else ""
        if not text:
            continue
        for action in text.split():
            if not _ACTION.fullmatch(action):
                raise InputError(
                    f"{action!r} is not an identity-policy action",
                    Location(file, row[0].line),
                    "identity actions look like billing:balance:view",
                )
            if action not in actions:
                actions.append(action)
    if not actions:
        raise InputError("the identity-policy action table has no rows", Location(file, table.line))
    return tuple(actions)


def _uri(document: HtmlDocument, file: str) -> tuple[Cell, str, str, str | None] | None:
    """The API of the URI section: the block after a 'URI' heading that reads 'METHOD /path'."""
    blocks = document.blocks
    for index, block in enumerate(blocks[:-1]):
        if fold(block.text) not in _URI_HEADINGS:
            continue
        following = blocks[index + 1]
        match = _URL.fullmatch(" ".join(following.text.split()))
        if match is None or not URL_START.match(following.text):
            raise InputError(
                f"cannot read {following.text!r} after the URI heading as an HTTP method and a path",
                Location(file, following.line),
                "the URI section reads like 'GET /v2/accounts/customer-accounts/balances'",
            )
        # The rules a permission table's path obeys: no empty segment, no stray wildcard or brace.
        check_path(match["path"], Location(file, following.line))
        return following, match["method"].upper(), match["path"], match["query"]
    return None


def import_identity_pages(
    pages: Sequence[tuple[str, str]], site: str | None = None, url: str | None = None
) -> ImportedIdentityTable:
    """One identity-action table from ``(text, file)`` API pages: one row per API."""
    read = [read_identity_page(text, file) for text, file in pages]
    seen: dict[str, IdentityPage] = {}
    for page in read:
        api = f"{page.method} {page.path}"
        if api in seen:
            raise InputError(
                f"this page documents {api} again (first in {seen[api].file})",
                Location(page.file, page.line),
                "give each API's page once",
            )
        seen[api] = page
    if url is not None and len(read) > 1:
        raise InputError(
            "--url names one page; several pages were given",
            Location(read[1].file),
            "each page's own address is read from the saved page (its canonical link)",
        )
    text = identity_table_text(read, site, url)
    # Proven to load back through the strict loader, as a table file is read with --table.
    from permtable.documents import parse_document  # noqa: PLC0415

    table = identity_table_from_node(parse_document(text, "<imported identity table>"), "<imported>")
    written = [(row.method, row.path, row.permissions) for row in table.rows]
    if written != [(page.method, page.path, page.actions) for page in read]:
        raise AssertionError("the written identity table does not read back as the imported pages")
    return ImportedIdentityTable(table, tuple(read), text)


def identity_table_text(pages: Sequence[IdentityPage], site: str | None, url: str | None) -> str:
    languages = {page.language for page in pages}
    language = "zh" if languages == {"zh"} else "en"
    dates = sorted(page.updated for page in pages if page.updated)
    title = "身份策略授权(接口页面)" if language == "zh" else "Identity-policy actions of API pages"
    lines = [
        "# Identity-policy actions (Version 5.0 documents) Huawei documents for BSS APIs, imported by",
        f"# bsscheck table import from {len(pages)} API page(s); each entry names its page. An API",
        "# missing here has no documented identity action: bsscheck reads its decision as unknown.",
        "schema: 1",
        f"type: {quote(IDENTITY_TYPE)}",
        "source:",
        f"  title: {{{language}: {quote(title)}}}",
        f"  site: {quote(site or UNSTATED)}",
    ]
    if url:
        lines.append(f"  url: {quote(url)}")
    lines.append(f"  language: {quote(language)}")
    if dates:
        lines.append(f"  updated: {quote(dates[-1])}   # the latest of the pages' dates")
    lines.append("entries:")
    for page in pages:
        source = url or page.address or page.file
        about = " ".join(part for part in (page.title, f"({page.updated})" if page.updated else None) if part)
        lines += [
            f"  - method: {quote(page.method)}",
            f"    path: {quote(page.path)}",
            "    actions: [" + ", ".join(quote(action) for action in page.actions) + "]",
            f"    source: {quote(source)}" + (f"   # {comment_text(about)}" if about else ""),
        ]
    return "\n".join(lines) + "\n"
