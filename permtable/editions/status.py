"""``table status``: which editions answer, how old they are, and what later ones change.

A report names the edition that answered; this view puts the editions side by side with their
dates, sources and age, and lists the changes Huawei's later editions are known to make (from
``data/later_changes.yaml``, each with the page stating it). The notes never change a decision:
to use a later edition, import its page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from permtable.documents import parse_document
from permtable.edition_age import edition_age, is_stale
from permtable.editions.diff import BUNDLED_PREFIX
from permtable.errors import InputError
from permtable.fields import check_keys, expect_str
from permtable.model import IDENTITY_TYPE, TABLE_KINDS, AccountType, LocalText
from permtable.tables import TableSet
from permtable.values import OMITTED_IF_EMPTY

STATUS_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class LaterChange:
    """A change a later edition of a page makes, as Huawei's page states it."""

    change: str
    page: str


@dataclass(frozen=True, slots=True, eq=False)
class EditionRecord:
    """One table in use: where it comes from, its date and age, and what later editions change."""

    kind: str
    file: str  # bundled:KIND or the --table file
    bundled: bool
    title: LocalText
    site: str
    url: str | None
    language: str
    updated: str | None
    age_days: int | None  # None: the page shows no date
    stale: bool  # older than the threshold, or undated (its age cannot be checked)
    later_changes: tuple[LaterChange, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)


@dataclass(frozen=True, slots=True)
class StatusSummary:
    editions: int
    stale: int


@dataclass(frozen=True, slots=True, eq=False)
class TableStatusRecord:
    schema_version: int
    max_table_age: int  # days; 0: no edition counts as stale
    editions: tuple[EditionRecord, ...]
    summary: StatusSummary


def table_status(tables: TableSet, today: date, max_age_days: int) -> TableStatusRecord:
    """The partner, customer and identity-action editions ``tables`` answers from."""
    sources = {kind.value: tables.get(kind).table.source for kind in AccountType}
    sources[IDENTITY_TYPE] = tables.identity().source
    later = known_later_changes()
    editions = []
    for kind, source in sources.items():
        age = edition_age(source, today)
        stale = is_stale(age, max_age_days)
        bundled = source.file.startswith(BUNDLED_PREFIX)
        editions.append(
            EditionRecord(
                kind, source.file, bundled, source.title, source.site, source.url, source.language,
                source.updated, age, stale, later.get(kind, ()),
            )
        )  # fmt: skip
    return TableStatusRecord(
        STATUS_SCHEMA_VERSION,
        max_age_days,
        tuple(editions),
        StatusSummary(len(editions), sum(edition.stale for edition in editions)),
    )


@cache
def known_later_changes() -> dict[str, tuple[LaterChange, ...]]:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "later_changes.yaml")
    with open(path, encoding="utf-8") as handle:
        root = parse_document(handle.read(), "bundled:later_changes")
    fields = check_keys(root, "later changes", ("schema", "changes"), required=("schema", "changes"))
    if fields["schema"].value != 1:
        raise InputError("later changes: schema must be 1", fields["schema"].location)
    found: dict[str, list[LaterChange]] = {}
    for number, node in enumerate(fields["changes"].value, 1):
        item = check_keys(
            node, f"change {number}", ("kind", "page", "change"), required=("kind", "page", "change")
        )
        kind = expect_str(item["kind"], f"change {number} kind")
        if kind not in TABLE_KINDS:
            raise InputError(f"change {number}: unknown kind {kind!r}", item["kind"].location)
        found.setdefault(kind, []).append(
            LaterChange(
                expect_str(item["change"], f"change {number} change"), expect_str(item["page"], "page")
            )
        )
    return {kind: tuple(changes) for kind, changes in found.items()}
