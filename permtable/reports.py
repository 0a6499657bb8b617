"""The can-call report and the records every question's report is built from: an API's result,
a table row, a permission, and their one conversion to plain data.

Every output format renders the dictionaries built here (``schema_version`` 1), so JSON, tables
and the CI formats can never disagree about a decision. The other reports live with their
questions (``missing``, ``explain``, ``listing``) and build on these records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from permtable.apis import ApiRef
from permtable.errors import Notice
from permtable.evaluate import ApiResult, Decision, EvaluationPolicy
from permtable.grants import Grants
from permtable.model import AccountType, Entry, Permission, Table
from permtable.values import SCHEMA_VERSION


def entry_record(entry: Entry, table: Table, lang: str) -> dict[str, object]:
    record = entry.to_dict(lang)
    record["source"] = {
        "title": table.source.title.get(lang),
        "url": table.source.url,
        "updated": table.source.updated,
    }
    return record


def _ref_record(ref: ApiRef) -> dict[str, object]:
    return {
        "input": ref.text,
        "method": ref.method,
        "path": ref.path,
        "host": ref.host,
        "operation": ref.operation,
        "location": ref.location.to_dict() if ref.location else None,
        "call_sites": [site.to_dict() for site in ref.sites],
    }


def result_record(result: ApiResult, table: Table, lang: str) -> dict[str, object]:
    entry = result.entry
    record = _ref_record(result.ref)
    record.update(
        {
            "callable": result.callable,
            "decision": result.decision.value,
            "entry": entry_record(entry, table, lang) if entry else None,
            "requires": {"mode": entry.mode.value, "permissions": list(entry.permissions)} if entry else None,
            "checks": [check.to_dict() for check in result.checks],
            "granted_by": [grant.to_dict() for grant in result.granted_by],
            "missing": list(result.missing),
            "menu_paths": [],
            "permission_names": [],
            "suggestions": [suggestion.to_dict(lang) for suggestion in result.suggestions],
            "notes": list(result.notes),
            "unlisted_reason": result.unlisted_kind.value if result.unlisted_kind else None,
            "listed_for": _other_type_record(result.other_entry, lang) if result.other_entry else None,
            "alternatives": [result_record(other, table, lang) for other in result.alternatives],
        }
    )
    if entry:
        permissions = [table.permissions[code] for code in entry.permissions]
        if table.account_type is AccountType.PARTNER:
            record["menu_paths"] = [p.to_dict(lang) for p in permissions]
        else:
            record["permission_names"] = [p.to_dict(lang) for p in permissions]
    if result.count is not None:
        # --unique: the keys exist only then, so reports without it are unchanged.
        location = result.ref.location
        record["count"] = result.count
        record["first_line"] = location.line if location else None
    return record


def _other_type_record(entry: Entry, lang: str) -> dict[str, object]:
    """The other account type's row for an API only that type's table lists."""
    return {
        "type": entry.table.value,
        "api": entry.api,
        "mode": entry.mode.value,
        "permissions": list(entry.permissions),
        "description": entry.description.get(lang),
    }


class RecordList(Sequence[dict[str, object]]):
    """Records made when they are read, one at a time, from the typed values behind them.

    A report of 200,000 APIs keeps its 200,000 results, but never 200,000 record dicts at once:
    the JSON writer and the table renderer take one, write it and drop it.
    """

    __slots__ = ("_items", "_make")

    def __init__(self, items: Sequence[Any], make: Callable[[Any], dict[str, object]]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> dict[str, object]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, object]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, object] | list[dict[str, object]]:
        if isinstance(index, slice):
            return [self._make(item) for item in self._items[index]]
        return self._make(self._items[index])

    def __iter__(self) -> Iterator[dict[str, object]]:
        return map(self._make, self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    # Compared by content, like a list, and so not hashable.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RecordList({len(self)} records)"


def result_records(results: Sequence[ApiResult], table: Table, lang: str) -> RecordList:
    return RecordList(results, lambda result: result_record(result, table, lang))


def summary_record(results: tuple[ApiResult, ...]) -> dict[str, object]:
    decisions = Counter(result.decision.value for result in results)
    record: dict[str, object] = {
        "total": len(results),
        "callable": sum(1 for result in results if result.callable),
        "not_callable": sum(1 for result in results if not result.callable),
        "decisions": {decision.value: decisions.get(decision.value, 0) for decision in Decision},
        "suspected_typos": sum(1 for result in results if result.suggestions),
        "other_account_type": sum(1 for result in results if result.other_entry is not None),
    }
    if any(result.count is not None for result in results):
        # --unique: the inputs counted into the ``total`` distinct endpoints.
        record["inputs"] = sum(result.count or 0 for result in results)
    return record


@dataclass(frozen=True, slots=True)
class CanCallReport:
    """The answer of can-call: one result per API, and the warnings about the inputs."""

    grants: Grants
    table: Table
    results: tuple[ApiResult, ...]
    notices: tuple[Notice, ...]
    options: EvaluationPolicy

    @property
    def all_callable(self) -> bool:
        return all(result.callable for result in self.results)

    def to_dict(self, lang: str) -> dict[str, object]:
        return {
            "schema_version": SCHEMA_VERSION,
            "account": self.grants.to_dict(),
            "table": self.table.source.to_dict(lang) | {"type": self.table.account_type.value},
            "options": {"strict": self.options.strict, "assume_conditions": self.options.assume_conditions},
            "results": result_records(self.results, self.table, lang),
            "summary": summary_record(self.results),
            "warnings": [notice.to_dict() for notice in self.notices],
        }


def permission_record(permission: Permission, lang: str, unlocks: tuple[str, ...]) -> dict[str, object]:
    record = permission.to_dict(lang)
    record["unlocks"] = list(unlocks)
    return record
