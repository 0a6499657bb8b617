"""apis as a library call: the table rows, filtered by permission (code, IAM pattern or partner
code glob) and by text."""

from __future__ import annotations

from dataclasses import dataclass

from permtable.model import AccountType, Entry, Permission, Table
from permtable.patterns import compile_action, compile_code_glob
from permtable.reports import RowRecord
from permtable.tables import TableSet
from permtable.values import SCHEMA_VERSION


@dataclass(frozen=True, slots=True, eq=False)
class ApisSummary:
    total: int


@dataclass(frozen=True, slots=True, eq=False)
class ApisRecord:
    """apis as shown."""

    schema_version: int
    entries: tuple[RowRecord, ...]
    summary: ApisSummary


@dataclass(frozen=True, slots=True)
class ApisReport:
    """The answer of apis: the table rows that matched."""

    entries: tuple[tuple[Entry, Table], ...]

    def record(self) -> ApisRecord:
        rows = tuple(RowRecord.of(entry, table) for entry, table in self.entries)
        return ApisRecord(SCHEMA_VERSION, rows, ApisSummary(len(rows)))


def browse(
    tables: TableSet,
    account_type: AccountType | None = None,
    permission: str | None = None,
    search: str | None = None,
) -> ApisReport:
    types = [account_type] if account_type else list(AccountType)
    rows: list[tuple[Entry, Table]] = []
    needle = search.casefold() if search else None
    for kind in types:
        table = tables.get(kind).table
        wanted = {p.code for p in matching_permissions(permission, table)} if permission else None
        for entry in table.entries:
            if wanted is not None and not wanted.intersection(entry.permissions):
                continue
            if needle and needle not in _haystack(entry):
                continue
            rows.append((entry, table))
    return ApisReport(tuple(rows))


def _haystack(entry: Entry) -> str:
    texts = [entry.api, *entry.permissions]
    for text in (
        entry.scenario,
        entry.sub_scenario,
        entry.description,
        entry.menu_path,
        entry.permission_name,
    ):
        if text:
            texts.extend(value for value in (text.en, text.zh) if value)
    return "\n".join(texts).casefold()


def matching_permissions(text: str, table: Table) -> list[Permission]:
    """Permissions of a table named by an exact code, an IAM pattern, or a partner-code glob."""
    if table.account_type is AccountType.CUSTOMER:
        pattern = compile_action(text)
        if pattern is None:
            return []
        return [p for code, p in table.permissions.items() if pattern.matches(code)]
    glob = compile_code_glob(text)
    return [p for code, p in table.permissions.items() if glob.fullmatch(code)]
