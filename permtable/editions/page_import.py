"""Importing a table from the text of Huawei's page, so users can follow a newer edition.

``import_page`` reads the page as copied from a browser or saved as text (either layout), and
returns the table with every normalisation it applied; ``table_file_text`` writes it in the
bundled format and proves the result loads back, unchanged, through the strict table loader.
The bundled tables stay the reviewed source: the tests import the seed pages and compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from permtable.documents import parse_document
from permtable.editions.check import INFO, TableFinding, check_table
from permtable.editions.diff import api_key
from permtable.editions.html_page import looks_like_html, read_html_page
from permtable.editions.merge import MergeSummary, merge_translations
from permtable.editions.page import LAYOUT_NAMES, PageTable, language_of, read_page
from permtable.editions.rows import Normalisation, RowBuilder
from permtable.editions.writer import UNSTATED_SITE, table_yaml
from permtable.errors import InputError, Location, Notice
from permtable.model import AccountType, Entry, LocalText, Source, Table, build_permissions
from permtable.tables import EXPECTED_MODE, table_from_node

__all__ = [
    "LAYOUT_NAMES",
    "UNSTATED_SITE",
    "ImportedTable",
    "MergeSummary",
    "Normalisation",
    "import_page",
    "merge_into",
    "table_file_text",
]


@dataclass(frozen=True, slots=True)
class ImportedTable:
    """A table read from a page, with what the reading changed and noticed."""

    table: Table
    layout: str  # "pipe" or "paragraph"
    file: str
    row_lines: tuple[int, ...]  # the page line where each row starts
    normalisations: tuple[Normalisation, ...]
    notes: tuple[Notice, ...]  # where the table, title and date were found; what was skipped
    findings: tuple[TableFinding, ...] = ()  # what ``table validate`` would report, at page lines
    merge: MergeSummary | None = None

    @property
    def warnings(self) -> tuple[Notice, ...]:
        """Each normalisation, then each consistency finding (not info), as a notice at its page line."""
        normalised = [Notice(item.message, Location(self.file, item.line)) for item in self.normalisations]
        found = [self._notice(f) for f in self.findings if f.level != INFO]
        return (*normalised, *found)

    @property
    def infos(self) -> tuple[Notice, ...]:
        """Documented oddities the checks report as info (a menu path differing only in case)."""
        return tuple(self._notice(f) for f in self.findings if f.level == INFO)

    def _notice(self, finding: TableFinding) -> Notice:
        line = self.row_lines[finding.row - 1] if finding.row else None
        return Notice(finding.message, Location(self.file, line), finding.hint)


def import_page(
    text: str,
    file: str,
    account_type: AccountType,
    site: str | None = None,
    url: str | None = None,
) -> ImportedTable:
    """Read the ``account_type`` table from a page's text; InputError names the page line."""
    reader = read_html_page if looks_like_html(text) else read_page
    page = reader(text, file, account_type)
    mode = EXPECTED_MODE[account_type]
    builder = RowBuilder(account_type, mode, page.language, file)
    entries = tuple(builder.entry(raw) for raw in page.rows)
    _check_repeats(page, entries, file)
    title = page.title.text
    source = Source(
        title=LocalText(**{language_of(title): title}),
        site=site if site is not None and site.strip() else UNSTATED_SITE,
        url=url or None,
        language=page.language,
        updated=page.updated,
        file=file,
    )
    table = Table(account_type, mode, source, entries, build_permissions(account_type, entries))
    return ImportedTable(
        table=table,
        layout=page.layout,
        file=file,
        row_lines=tuple(raw.line for raw in page.rows),
        normalisations=tuple(builder.normalisations),
        notes=_notes(page, file),
        # In the paragraph layout an empty cell leaves no trace; the consistency checks (one
        # permission, one name) are what can still notice cells read out of place.
        findings=check_table(table),
    )


def merge_into(imported: ImportedTable, other: Table, source: str) -> ImportedTable:
    """Carry ``other``'s translations into an imported table (``--merge-from``)."""
    table, summary = merge_translations(imported.table, other, source)
    notes = list(imported.notes)
    notes.append(
        Notice(
            f"kept {summary.by_row + summary.by_text} {summary.language} translation(s) from {source} "
            f"({summary.by_row} of rows with the same API and text, {summary.by_text} of the same text "
            "on another row)"
        )
    )
    if summary.missing:
        listed = ", ".join(f"row {row} {field}" for row, field in summary.missing[:8])
        more = f" and {len(summary.missing) - 8} more" if len(summary.missing) > 8 else ""
        notes.append(
            Notice(
                f"{len(summary.missing)} text(s) have no {summary.language} translation: {listed}{more}",
                Location(imported.file),
                "new or changed texts: translate them in the written file",
            )
        )
    return replace(imported, table=table, merge=summary, notes=tuple(notes))


def _check_repeats(page: PageTable, entries: tuple[Entry, ...], file: str) -> None:
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for raw, entry in zip(page.rows, entries, strict=True):
        key = api_key(entry.method, entry.path)
        if key in seen:
            raise InputError(
                f"this row repeats the API of the row at line {seen[key]} ({entry.method} {entry.path})",
                Location(file, raw.url.line),
                "a table lists each API once; check the page",
            )
        seen[key] = raw.url.line


def _notes(page: PageTable, file: str) -> tuple[Notice, ...]:
    notes = [
        Notice(
            f"found the {page.account_type.value} table ({len(page.rows)} rows, layout: "
            f"{LAYOUT_NAMES[page.layout]}, language: {page.language}) titled {page.title.text!r}"
            + (f", updated {page.updated}" if page.updated else ", no update date on the page")
            + (f"; read from {page.parts} tables under the same header" if page.parts > 1 else ""),
            Location(file, page.header_line),
        )
    ]
    for what, span in (("before", page.ignored_before), ("after", page.ignored_after)):
        if span is not None:
            notes.append(
                Notice(
                    f"skipped the page's other text {what} the table (lines {span[0]}-{span[1]})",
                    Location(file),
                )
            )
    return tuple(notes)


_ENTRY_MESSAGE = re.compile(r"entry (\d+)\b")


def table_file_text(imported: ImportedTable) -> str:
    """The table file, proven to load back through ``table_from_node`` to the same table."""
    text = table_yaml(imported.table, imported.layout, imported.normalisations, imported.merge)
    try:
        loaded = table_from_node(parse_document(text, "<imported table>"), imported.file)
    except InputError as error:
        # The importer checks what the loader checks; if the loader still refuses a row, point
        # at that row on the page rather than at the generated YAML.
        match = _ENTRY_MESSAGE.search(error.message)
        line = imported.row_lines[int(match[1]) - 1] if match else None
        raise InputError(
            f"the imported table does not load: {error.message}",
            Location(imported.file, line),
            error.hint,
        ) from None
    if loaded.entries != imported.table.entries or replace(loaded.source, file="") != replace(
        imported.table.source, file=""
    ):
        raise AssertionError("the written table file does not read back as the imported table")
    return text
