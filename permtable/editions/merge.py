"""Keeping a table's translations when its page is imported again.

A page documents one language; the other is a translation the project (or a user) keeps. A
translation belongs to a text, so it is carried only where the documented text is unchanged:
first from the row with the same API, then from any row of the same field with that exact text
(a new row in an existing scenario gets the scenario's translation). Whatever has no translation
is listed, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from permtable.editions.diff import api_key
from permtable.errors import InputError, Location
from permtable.model import LANGUAGES, Entry, LocalText, Table, build_permissions

_FIELDS = ("scenario", "sub_scenario", "description", "menu_path", "permission_name")


@dataclass(frozen=True, slots=True)
class MergeSummary:
    """What ``--merge-from`` carried over, and which texts are left without a translation."""

    source: str
    language: str  # the translated language
    by_row: int
    by_text: int
    title: bool
    missing: tuple[tuple[int, str], ...]  # (row, field)


def other_language(language: str) -> str:
    (other,) = [lang for lang in LANGUAGES if lang != language]
    return other


def _raw(text: LocalText | None, lang: str) -> str | None:
    if text is None:
        return None
    value: str | None = getattr(text, lang)
    return value


def merge_translations(table: Table, other: Table, source: str) -> tuple[Table, MergeSummary]:
    """``table`` with the other-language texts of ``other`` wherever the documented text matches."""
    if other.account_type is not table.account_type:
        raise InputError(
            f"--merge-from gives a {other.account_type.value} table; the page is the "
            f"{table.account_type.value} table",
            Location(source),
            f"merge from bundled:{table.account_type.value} or a {table.account_type.value} table file",
        )
    lang = table.source.language
    target = other_language(lang)
    by_key = {api_key(entry.method, entry.path): entry for entry in other.entries}
    dictionary: dict[str, dict[str, set[str]]] = {field: {} for field in _FIELDS}
    for entry in other.entries:
        for field in _FIELDS:
            text: LocalText | None = getattr(entry, field)
            original, translation = _raw(text, lang), _raw(text, target)
            if original is not None and translation is not None:
                dictionary[field].setdefault(original, set()).add(translation)
    translated = {field: _has_any(other, field, target) for field in _FIELDS}
    by_row = by_text = 0
    missing: list[tuple[int, str]] = []
    entries: list[Entry] = []
    for entry in table.entries:
        match = by_key.get(api_key(entry.method, entry.path))
        updates: dict[str, Any] = {}
        for field in _FIELDS:
            original = _raw(getattr(entry, field), lang)
            if original is None:
                continue
            translation = None
            if match is not None and _raw(getattr(match, field), lang) == original:
                translation = _raw(getattr(match, field), target)
                by_row += translation is not None
            if translation is None:
                candidates = dictionary[field].get(original, set())
                if len(candidates) == 1:
                    (translation,) = candidates
                    by_text += 1
            if translation is None:
                if translated[field]:
                    missing.append((entry.index, field))
                continue
            updates[field] = LocalText(**{lang: original, target: translation})
        entries.append(replace(entry, **updates) if updates else entry)
    title = table.source.title
    title_lang = "zh" if title.zh is not None and title.en is None else "en"
    title_target = other_language(title_lang)
    carried_title = False
    other_title = other.source.title
    if _raw(other_title, title_lang) == _raw(title, title_lang) and _raw(other_title, title_target):
        title = LocalText(
            **{title_lang: _raw(title, title_lang), title_target: _raw(other_title, title_target)}
        )
        carried_title = True
    merged = Table(
        table.account_type,
        table.mode,
        replace(table.source, title=title),
        tuple(entries),
        build_permissions(table.account_type, tuple(entries)),
    )
    return merged, MergeSummary(source, target, by_row, by_text, carried_title, tuple(missing))


def _has_any(table: Table, field: str, lang: str) -> bool:
    """Whether ``table`` translates ``field`` at all (the bundled partner table gives no zh menu
    paths: their absence is not a gap worth listing)."""
    return any(_raw(getattr(entry, field), lang) is not None for entry in table.entries)
