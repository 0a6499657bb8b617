"""apis as a library call: the table rows, filtered by permission (code, IAM pattern or partner
code glob) and by text."""

from __future__ import annotations

from dataclasses import dataclass, field

from permtable.identity_records import IdentityActionRecord, identity_action_records
from permtable.identity_table import IdentityTable
from permtable.model import AccountType, Entry, Permission, Table
from permtable.patterns import compile_action, compile_code_glob
from permtable.reports import RowRecord
from permtable.tables import TableSet
from permtable.values import OMITTED_IF_EMPTY, SCHEMA_VERSION


@dataclass(frozen=True, slots=True, eq=False)
class ApisSummary:
    total: int


@dataclass(frozen=True, slots=True, eq=False)
class ApisRecord:
    """apis as shown."""

    schema_version: int
    entries: tuple[RowRecord, ...]
    summary: ApisSummary
    # Schema 2: the identity-policy action Huawei documents for listed customer APIs.
    identity_actions: tuple[IdentityActionRecord, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)


@dataclass(frozen=True, slots=True)
class ApisReport:
    """The answer of apis: the table rows that matched."""

    entries: tuple[tuple[Entry, Table], ...]
    identity: IdentityTable | None = None  # for the identity actions of customer rows

    def record(self) -> ApisRecord:
        rows = tuple(RowRecord.of(entry, table) for entry, table in self.entries)
        identity_rows: list[Entry] = []
        if self.identity is not None:
            for entry, _ in self.entries:
                row = (
                    self.identity.row_for(entry.method, entry.path)
                    if entry.table is AccountType.CUSTOMER
                    else None
                )
                if row is not None:
                    identity_rows.append(row)
        actions = identity_action_records(identity_rows, self.identity) if self.identity is not None else ()
        return ApisRecord(SCHEMA_VERSION, rows, ApisSummary(len(rows)), actions)


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
    identity = tables.identity() if AccountType.CUSTOMER in types else None
    return ApisReport(tuple(rows), identity)


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
