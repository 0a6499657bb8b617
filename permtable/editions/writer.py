"""Writing an imported table in the bundled format (schema 1), reviewable like the bundled files.

Every string is double-quoted (an unquoted ``no`` or ``0755`` would not be text), the header
comment names the page and lists every normalisation, and each changed field carries a comment
with the page's text. Nothing in the file depends on when or from where it was imported, so
importing the same page twice gives the same bytes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from permtable.editions.merge import MergeSummary, other_language
from permtable.editions.page import LAYOUT_NAMES
from permtable.editions.rows import KIND_DESCRIPTIONS, METHOD_PATH_SPACE, Normalisation
from permtable.model import AccountType, Entry, LocalText, Source, Table
from permtable.tables import TABLE_SCHEMA

WIDTH = 96


def _printable(character: str) -> bool:
    """What YAML may hold as is: printable, and not a line break (U+2028 and U+2029 are)."""
    point = ord(character)
    return (
        0x20 <= point <= 0x7E
        or (0xA0 <= point <= 0xD7FF and character not in "\u2028\u2029")
        or (0xE000 <= point <= 0xFFFD and point != 0xFEFF)
        or 0x10000 <= point <= 0x10FFFF
    )


def _escape(character: str) -> str:
    point = ord(character)
    if character == "\t":
        return "\\t"
    if point <= 0xFF:
        return f"\\x{point:02x}"
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def quote(text: str) -> str:
    """A YAML double-quoted scalar; line breaks and non-printable characters are escaped."""
    out = ['"']
    for character in text:
        if character in '"\\':
            out.append("\\" + character)
        else:
            out.append(character if _printable(character) else _escape(character))
    out.append('"')
    return "".join(out)


def comment_text(text: str) -> str:
    """Text safe inside a YAML comment: a line break there would end the comment."""
    return "".join(character if _printable(character) else _escape(character) for character in text)


def row_ranges(rows: Iterable[int]) -> str:
    """1, 3-26: the compact list the bundled files use."""
    numbers = sorted(set(rows))
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if number is not None and previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = number
    return ", ".join(parts)


def _local(text: LocalText | None, language: str) -> str:
    if text is None:
        return "null"
    order = (language, other_language(language))
    items = [f"{lang}: {quote(value)}" for lang in order if (value := getattr(text, lang)) is not None]
    return "{" + ", ".join(items) + "}"


def _comment(lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    for paragraph in lines:
        indent = len(paragraph) - len(paragraph.lstrip(" "))
        wrapped = textwrap.wrap(
            paragraph.strip(),
            WIDTH - 2,
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + 4 if indent else 0),
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.extend(f"# {comment_text(line)}".rstrip() for line in wrapped or [""])
    return out


def header_comment(
    table: Table,
    layout: str,
    normalisations: Sequence[Normalisation],
    merge: MergeSummary | None,
) -> list[str]:
    source = table.source
    language = source.language
    title = source.title.get(language)
    date = f"updated {source.updated}" if source.updated else "the page shows no update date"
    kind = table.account_type
    semantics = (
        "A partner operator may call an API when it holds ANY ONE of the listed actions (mode: any)."
        if kind is AccountType.PARTNER
        else "A customer account may call an API only when it holds ALL listed permission codes (mode: all)."
    )
    last = (
        "menu_path is the row's Path cell (null where the page leaves it empty)."
        if kind is AccountType.PARTNER
        else "permission_name is the row's permission name (null where the page leaves it empty)."
    )
    lines = [
        f"Permission table imported by `bsscheck table import --type {kind.value}` from the page "
        f'"{title}" ({date}; layout: {LAYOUT_NAMES[layout]}). One entry per table row '
        f"({len(table.entries)} rows), in page order. Scenario and sub-scenario cells that the page "
        f"spans over several rows are repeated on every row they cover. {semantics} {last}",
        f"The `{language}` texts are the page's text. " + _translation_note(merge, language),
    ]
    if source.site == UNSTATED_SITE or source.url is None:
        lines.append(
            "The page does not state its site or address: give them with --site and --url "
            "(table diff compares them only with --all-fields)."
        )
    lines.extend(_normalisation_lines(normalisations))
    return _comment(lines)


UNSTATED_SITE = "not stated on the page"


def _translation_note(merge: MergeSummary | None, language: str) -> str:
    other = other_language(language)
    if merge is None:
        return (
            f"No `{other}` translations are given (keep those of an existing table with "
            "--merge-from FILE or --merge-from bundled:TYPE)."
        )
    note = (
        f"The `{other}` texts are translations carried over from {merge.source} (--merge-from), "
        f"only where the documented text is unchanged: {merge.by_row} from the row with the same API, "
        f"{merge.by_text} from another row with the same text."
    )
    if merge.missing:
        rows = row_ranges(row for row, _ in merge.missing)
        note += f" {len(merge.missing)} text(s) have no translation (rows {rows})."
    return note


def _normalisation_lines(normalisations: Sequence[Normalisation]) -> list[str]:
    if not normalisations:
        return ["Normalisations: none; every cell is transcribed as the page shows it."]
    lines = ["Normalisations (each affected field carries a comment with the page's text):"]
    kinds: dict[str, list[int]] = {kind: [] for kind in KIND_DESCRIPTIONS}
    for item in normalisations:
        kinds[item.kind].append(item.row)
    present = [(kind, rows) for kind, rows in kinds.items() if rows]
    for letter, (kind, rows) in zip("abcdefgh", present, strict=False):
        lines.append(f"  ({letter}) {KIND_DESCRIPTIONS[kind]}: rows {row_ranges(rows)}")
    return lines


def _source_lines(source: Source) -> list[str]:
    title_lang = "zh" if source.title.zh is not None and source.title.en is None else "en"
    return [
        "source:",
        f"  title: {_local(source.title, title_lang)}",
        f"  site: {quote(source.site)}",
        f"  url: {quote(source.url) if source.url else 'null'}",
        f"  language: {quote(source.language)}",
        f"  updated: {quote(source.updated) if source.updated else 'null'}",
    ]


def _entry_lines(entry: Entry, language: str, notes: Sequence[Normalisation]) -> list[str]:
    comments: dict[str, list[str]] = {}
    for note in notes:
        if note.field == "url":
            comments.setdefault("method", []).append(note.comment)
            if note.kind == METHOD_PATH_SPACE:
                comments.setdefault("path", []).append(f"split from {quote(note.documented)}")
        else:
            comments.setdefault(note.field, []).append(note.comment)
    fields = [
        ("scenario", _local(entry.scenario, language)),
        ("sub_scenario", _local(entry.sub_scenario, language)),
        ("description", _local(entry.description, language)),
        ("method", quote(entry.method)),
        ("path", quote(entry.path)),
        ("permissions", "[" + ", ".join(quote(code) for code in entry.permissions) + "]"),
    ]
    if entry.retiring:
        fields.append(("retiring", "[" + ", ".join(quote(code) for code in entry.retiring) + "]"))
    if entry.table is AccountType.PARTNER:
        fields.append(("menu_path", _local(entry.menu_path, language)))
    else:
        fields.append(("permission_name", _local(entry.permission_name, language)))
    lines = []
    for number, (key, value) in enumerate(fields):
        prefix = "  - " if number == 0 else "    "
        line = f"{prefix}{key}: {value}"
        if key in comments:
            line += "   # " + comment_text("; ".join(comments[key]))
        lines.append(line)
    return lines


def table_yaml(
    table: Table,
    layout: str,
    normalisations: Sequence[Normalisation] = (),
    merge: MergeSummary | None = None,
) -> str:
    language = table.source.language
    lines = header_comment(table, layout, normalisations, merge)
    lines += [
        f"schema: {TABLE_SCHEMA}",
        f"type: {quote(table.account_type.value)}",
        f"mode: {quote(table.mode.value)}",
        *_source_lines(table.source),
        "entries:",
    ]
    by_row: dict[int, list[Normalisation]] = {}
    for item in normalisations:
        by_row.setdefault(item.row, []).append(item)
    for entry in table.entries:
        lines.extend(_entry_lines(entry, language, by_row.get(entry.index, [])))
    return "\n".join(lines) + "\n"
