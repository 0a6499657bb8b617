"""Comparing two tables the way a reviewer compares two editions of a page.

Rows are matched by API: method and path template, with placeholders compared by position, not
name (``{order_id}`` and ``{id}`` are the same segment; a renamed placeholder is a changed path,
not a removed and an added row). By default only what a page documents is compared: every text
in the page's own language (``source.language``), method, path, permissions, menu path or
permission name, and the table's type, mode, title and update date. Translations and the
``site``/``url`` strings are not on the page, so an imported table cannot reproduce them; they
are compared only with ``all_fields``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from permtable.apis import is_placeholder, split_path
from permtable.documents import load_document, parse_document
from permtable.errors import InputError, Location
from permtable.files import DEFAULT_MAX_BYTES
from permtable.identity_table import (
    bundled_identity,
    identity_table_from_node,
    identity_table_text,
    is_identity_table,
)
from permtable.model import IDENTITY_TYPE, LANGUAGES, TABLE_KINDS, AccountType, Entry, LocalText, Table
from permtable.nodes import Node
from permtable.tables import bundled, bundled_table_text, table_from_node
from permtable.values import HIDDEN, OMITTED_IF_EMPTY, shown_only_when

BUNDLED_PREFIX = "bundled:"
DIFF_SCHEMA_VERSION = 1

TEXT_FIELDS = ("scenario", "sub_scenario", "description")
LAST_FIELDS = ("menu_path", "permission_name")

ApiKey = tuple[str, tuple[str, ...]]


def api_key(method: str, path: str) -> ApiKey:
    """A row's identity: the method and the path with every placeholder reduced to its position."""
    return method, tuple("{}" if is_placeholder(segment) else segment for segment in split_path(path))


def load_table_ref(ref: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    """A table file (a permission table or an identity-action table), or ``bundled:partner`` /
    ``bundled:customer`` / ``bundled:identity`` (the tables a check uses, as loaded for it)."""
    kind = bundled_kind(ref)
    if kind is None:
        return table_of_root(load_document(ref, max_bytes), ref)
    return bundled_identity().table if kind == IDENTITY_TYPE else bundled(AccountType(kind)).table


def table_ref_root(ref: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Node:
    """The located document of a table reference: what ``table validate`` points its findings
    into (for ``bundled:KIND``, the bundled YAML file)."""
    kind = bundled_kind(ref)
    if kind is None:
        return load_document(ref, max_bytes)
    text = identity_table_text() if kind == IDENTITY_TYPE else bundled_table_text(AccountType(kind))
    return parse_document(text, ref)


def bundled_kind(ref: str) -> str | None:
    """The kind a ``bundled:KIND`` reference names (partner, customer or identity); None for a
    file. An unknown kind is an input error listing the bundled tables."""
    if not ref.startswith(BUNDLED_PREFIX):
        return None
    name = ref[len(BUNDLED_PREFIX) :]
    if name not in TABLE_KINDS:
        choices = ", ".join(f"{BUNDLED_PREFIX}{kind}" for kind in TABLE_KINDS)
        raise InputError(f"no bundled table {name!r}", Location(ref), f"use {choices}")
    return name


def table_of_root(root: Node, ref: str) -> Table:
    """The table a located document holds: an identity-action table or a permission table."""
    if is_identity_table(root):
        return identity_table_from_node(root, ref).table
    return table_from_node(root, ref)


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class RowChange:
    """One API in both tables whose compared fields differ."""

    old: Entry
    new: Entry
    fields: tuple[FieldChange, ...]

    def record(self) -> RowChangeRecord:
        return RowChangeRecord(self.new.api, self.old.api, self.old.index, self.new.index, self.fields)


@dataclass(frozen=True, slots=True, eq=False)
class RowChangeRecord:
    api: str
    old_api: str
    old_row: int
    new_row: int
    fields: tuple[FieldChange, ...]


def _raw(text: LocalText | None, lang: str) -> str | None:
    if text is None:
        return None
    value: str | None = getattr(text, lang)
    return value


@dataclass(frozen=True, slots=True, eq=False)
class PageRow:
    """A row as its page documents it (texts in the page's language, blank ones None)."""

    table: AccountType = field(metadata=HIDDEN)
    api: str
    row: int
    method: str
    path: str
    scenario: str | None
    sub_scenario: str | None
    description: str | None
    permissions: tuple[str, ...]
    menu_path: str | None = field(metadata=shown_only_when("table", AccountType.PARTNER))
    permission_name: str | None = field(metadata=shown_only_when("table", AccountType.CUSTOMER))
    retiring: tuple[str, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)  # to be taken offline

    @classmethod
    def of(cls, entry: Entry, lang: str) -> PageRow:
        return cls(
            entry.table,
            entry.api,
            entry.index,
            entry.method,
            entry.path,
            _raw(entry.scenario, lang),
            _raw(entry.sub_scenario, lang),
            _raw(entry.description, lang),
            entry.permissions,
            _raw(entry.menu_path, lang),
            _raw(entry.permission_name, lang),
            entry.retiring,
        )


@dataclass(frozen=True, slots=True, eq=False)
class EditionInfo:
    """One side of a table diff: the file and the page it transcribes."""

    file: str
    type: str  # partner, customer or identity
    title: str
    language: str
    updated: str | None
    rows: int

    @classmethod
    def of(cls, table: Table) -> EditionInfo:
        source = table.source
        return cls(
            source.file,
            table.kind,
            source.title.get(source.language),
            source.language,
            source.updated,
            len(table.entries),
        )


@dataclass(frozen=True, slots=True, eq=False)
class TableDiffSummary:
    old_rows: int
    new_rows: int
    added: int
    removed: int
    changed: int
    table_fields: int


@dataclass(frozen=True, slots=True, eq=False)
class TableDiffRecord:
    """table diff as shown."""

    schema_version: int
    old: EditionInfo
    new: EditionInfo
    all_fields: bool
    identical: bool
    table: tuple[FieldChange, ...]
    added: tuple[PageRow, ...]
    removed: tuple[PageRow, ...]
    changed: tuple[RowChangeRecord, ...]
    summary: TableDiffSummary


@dataclass(frozen=True, slots=True)
class TableDiff:
    old: Table
    new: Table
    all_fields: bool
    table_changes: tuple[FieldChange, ...]
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    changed: tuple[RowChange, ...]

    @property
    def identical(self) -> bool:
        return not (self.table_changes or self.added or self.removed or self.changed)

    def record(self) -> TableDiffRecord:
        summary = TableDiffSummary(
            old_rows=len(self.old.entries),
            new_rows=len(self.new.entries),
            added=len(self.added),
            removed=len(self.removed),
            changed=len(self.changed),
            table_fields=len(self.table_changes),
        )
        return TableDiffRecord(
            DIFF_SCHEMA_VERSION,
            EditionInfo.of(self.old),
            EditionInfo.of(self.new),
            self.all_fields,
            self.identical,
            self.table_changes,
            tuple(PageRow.of(entry, self.new.source.language) for entry in self.added),
            tuple(PageRow.of(entry, self.old.source.language) for entry in self.removed),
            tuple(change.record() for change in self.changed),
            summary,
        )


def diff_tables(old: Table, new: Table, all_fields: bool = False) -> TableDiff:
    if old.identity != new.identity:
        identity, other = (old, new) if old.identity else (new, old)
        raise InputError(
            f"{identity.source.file} is an identity-action table and {other.source.file} a "
            f"{other.kind} table: their rows mean different things",
            Location(new.source.file),
            "compare tables of one kind (bundled:identity with an imported identity table)",
        )
    old_lang, new_lang = old.source.language, new.source.language
    # Translations: with --all-fields, every language that is not the documented one on both sides.
    extra = tuple(lang for lang in LANGUAGES if lang != old_lang or lang != new_lang) if all_fields else ()
    table_changes = _changes(_table_fields(old, old_lang, extra), _table_fields(new, new_lang, extra))
    old_rows = {api_key(entry.method, entry.path): entry for entry in old.entries}
    new_rows = {api_key(entry.method, entry.path): entry for entry in new.entries}
    changed = []
    for key, entry in new_rows.items():
        before = old_rows.get(key)
        if before is None:
            continue
        fields = _changes(_row_fields(before, old_lang, extra), _row_fields(entry, new_lang, extra))
        if fields:
            changed.append(RowChange(before, entry, fields))
    return TableDiff(
        old=old,
        new=new,
        all_fields=all_fields,
        table_changes=table_changes,
        added=tuple(entry for key, entry in new_rows.items() if key not in old_rows),
        removed=tuple(entry for key, entry in old_rows.items() if key not in new_rows),
        changed=tuple(changed),
    )


def _changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(name, old[name], new[name]) for name in old if old[name] != new[name])


def _table_fields(table: Table, lang: str, extra: tuple[str, ...]) -> dict[str, Any]:
    source = table.source
    fields: dict[str, Any] = {
        "type": table.kind,
        "mode": table.mode.value,
        "source.language": source.language,
        "source.title": source.title.get(lang),
        "source.updated": source.updated,
    }
    if extra:
        fields["source.site"] = source.site
        fields["source.url"] = source.url
        for other in extra:
            fields[f"source.title.{other}"] = _raw(source.title, other)
    return fields


def _row_fields(entry: Entry, lang: str, extra: tuple[str, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "path": entry.path,
        **{name: _raw(getattr(entry, name), lang) for name in TEXT_FIELDS},
        "permissions": entry.permissions,
        # A code Huawei marks as to be taken offline changes what satisfies the row.
        "retiring": entry.retiring,
        **{name: _raw(getattr(entry, name), lang) for name in LAST_FIELDS},
    }
    for other in extra:
        for name in (*TEXT_FIELDS, *LAST_FIELDS):
            fields[f"{name}.{other}"] = _raw(getattr(entry, name), other)
    return fields
