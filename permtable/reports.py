"""The can-call report, and the records every question's report is shown through.

A report answers a question with the library's values (results, rows, grants). Its ``record()``
is how it is shown: frozen dataclasses shaped as the JSON report (``schema_version`` 1), which
every output format receives, so JSON, tables and the CI formats can never disagree about a
decision. Texts stay in both languages (``LocalText``) until a format picks one. The other
reports live with their questions (``missing``, ``explain``, ``listing``, ...) and build their
records from the ones here.

Records are ``@dataclass(frozen=True, slots=True, eq=False)``: they are compared by what they
show (``cli.plain``), never field by field, so Python need not write ``__eq__`` and
``__hash__`` for each of them. Those two are about a third of the cost of defining a record
class, and can-call defines a dozen of them on every start.

Why one module of this size (about 400 lines): the records here are the ones every report
shares (a row, a permission, an account, a result); splitting them would scatter one shape,
the v1 JSON report, over several files that always change together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, overload

from permtable.errors import Location, Notice
from permtable.evaluate import (
    DEFAULT_MAX_GRANTS,
    ApiResult,
    Decision,
    EvaluationPolicy,
    GrantRef,
    PermissionCheck,
    Unlisted,
    capped_grants,
)
from permtable.grants import Grants, Policy
from permtable.model import AccountType, Entry, LocalText, Mode, Permission, Table
from permtable.values import (
    OMITTED_IF_EMPTY,
    OMITTED_IF_NONE,
    OMITTED_IF_ZERO,
    SCHEMA_VERSION,
    shown,
    shown_only_when,
)

if TYPE_CHECKING:
    from permtable.identity_records import IdentityRecord  # a type only: built when identity matters
    from permtable.scan.model import CallSite  # a type only: importing scan loads the scanner
    from permtable.unmatched import OtherTypeRow, SuggestionRecord  # made only for unmatched APIs

T = TypeVar("T")
R = TypeVar("R")


# --------------------------------------------------------------------------- shared records


@dataclass(frozen=True, slots=True, eq=False)
class TableInfo:
    """The table a report was decided against, and its source."""

    title: LocalText
    site: str
    url: str | None
    language: str
    updated: str | None
    file: str
    type: AccountType

    @classmethod
    def of(cls, table: Table) -> TableInfo:
        source = table.source
        return cls(
            source.title, source.site, source.url, source.language, source.updated, source.file,
            table.account_type,
        )  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class RowRecord:
    """A documented row of a table, with the page it comes from."""

    shown_once: ClassVar[bool] = True  # one per row, shared by every result that reaches it

    table: AccountType
    row: int
    method: str
    path: str
    api: str
    scenario: LocalText
    sub_scenario: LocalText
    description: LocalText
    mode: Mode
    permissions: tuple[str, ...]
    menu_path: LocalText | None  # partner rows; None: Huawei documents none
    permission_name: LocalText | None  # customer rows
    # The page it comes from: its title, address and date (the table's other facts are shown
    # once, with the report).
    source: TableInfo = field(metadata=shown(items_without=("site", "language", "file", "type")))
    # Codes of ``permissions`` the page marks as to be taken offline (the key exists only then).
    retiring: tuple[str, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)

    @classmethod
    def of(cls, entry: Entry, table: Table, source: TableInfo | None = None) -> RowRecord:
        return cls(
            entry.table,
            entry.index,
            entry.method,
            entry.path,
            entry.api,
            entry.scenario,
            entry.sub_scenario,
            entry.description,
            entry.mode,
            entry.permissions,
            entry.menu_path or None,
            entry.permission_name or None,
            source or TableInfo.of(table),
            entry.retiring,
        )


@dataclass(frozen=True, slots=True, eq=False)
class PermissionRecord:
    """A permission and where it is granted: the menu path (partner) or its name (customer)."""

    shown_once: ClassVar[bool] = True  # one per permission of a row, shared like the row

    permission: str
    table: AccountType
    menu_path: LocalText | None = field(default=None, metadata=shown_only_when("table", AccountType.PARTNER))
    name: LocalText | None = field(default=None, metadata=shown_only_when("table", AccountType.CUSTOMER))
    # The APIs it unlocks, where the report says (a fix, an explained permission).
    unlocks: tuple[str, ...] | None = field(default=None, metadata=OMITTED_IF_NONE)

    @classmethod
    def of(cls, permission: Permission, unlocks: tuple[str, ...] | None = None) -> PermissionRecord:
        return cls(
            permission.code,
            permission.table,
            permission.menu_path or None,
            permission.name or None,
            unlocks,
        )


@dataclass(frozen=True, slots=True, eq=False)
class AccountInfo:
    """The account a report is about: its roles (partner) or policies (customer)."""

    name: str
    type: AccountType
    files: tuple[str, ...]
    roles: tuple[str, ...] = field(default=(), metadata=shown_only_when("type", AccountType.PARTNER))
    policies: tuple[PolicyInfo, ...] = field(
        default=(), metadata=shown_only_when("type", AccountType.CUSTOMER)
    )
    # Schema 2: system policies named without their document, and the SCPs bounding the account.
    system_policies: tuple[str, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)
    scps: tuple[PolicyInfo, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)

    @classmethod
    def of(cls, grants: Grants) -> AccountInfo:
        return cls(
            grants.account,
            grants.account_type,
            grants.files,
            tuple(role.name for role in grants.roles),
            tuple(PolicyInfo.of(policy) for policy in grants.policies),
            tuple(ref.name for ref in grants.system_policies),
            tuple(PolicyInfo.of(policy) for policy in grants.boundaries),
        )


@dataclass(frozen=True, slots=True, eq=False)
class PolicyInfo:
    name: str
    version: str
    statements: int
    # Where an export item came from ("policy 'Billing viewer' (id 9a3c...)"), and its file.
    origin: str | None = field(default=None, metadata=OMITTED_IF_NONE)
    file: str | None = field(
        default=None, metadata=shown(omitted_if=lambda record, value: record.origin is None)
    )

    @classmethod
    def of(cls, policy: Policy) -> PolicyInfo:
        return cls(policy.name, policy.version, len(policy.statements), policy.origin, policy.location.file)


class LazyRecords(Sequence[R], Generic[T, R]):
    """Records made when they are read, one at a time, from the values behind them.

    A report of 200,000 APIs keeps its 200,000 results, but never 200,000 records at once: the
    JSON writer and the table renderer take one, write it and drop it. Like the records it
    makes, it is compared by identity: what it shows is compared through ``cli.plain``.
    """

    __slots__ = ("_items", "_make")

    def __init__(self, items: Sequence[T], make: Callable[[T], R]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> list[R]: ...

    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self._make(item) for item in self._items[index]]
        return self._make(self._items[index])

    def __iter__(self) -> Iterator[R]:
        return map(self._make, self._items)

    def __repr__(self) -> str:
        return f"LazyRecords({len(self)} records)"


# --------------------------------------------------------------------------- an API's result


@dataclass(frozen=True, slots=True, eq=False)
class Requirement:
    mode: Mode
    permissions: tuple[str, ...]


def _no_count(record: ResultRecord, value: object) -> bool:
    return record.count is None


@dataclass(frozen=True, slots=True, eq=False)
class ResultRecord:
    """One API's answer as every format shows it."""

    input: str
    method: str
    path: str
    host: str | None
    operation: str | None
    location: Location | None
    call_sites: tuple[CallSite, ...] = field(metadata=shown(items_without=("evidence",)))
    callable: bool
    decision: Decision
    entry: RowRecord | None
    requires: Requirement | None
    checks: tuple[PermissionCheck, ...]
    granted_by: tuple[GrantRef, ...]
    missing: tuple[str, ...]
    menu_paths: tuple[PermissionRecord, ...]  # partner rows: where each permission is ticked
    permission_names: tuple[PermissionRecord, ...]  # customer rows: each permission's name
    suggestions: tuple[SuggestionRecord, ...]
    notes: tuple[str, ...]
    unlisted_reason: Unlisted | None
    listed_for: OtherTypeRow | None
    alternatives: tuple[ResultRecord, ...]
    # --unique: how many inputs named the endpoint, and the line of the first; absent otherwise.
    count: int | None = field(default=None, metadata=OMITTED_IF_NONE)
    first_line: int | None = field(default=None, metadata=shown(omitted_if=_no_count))
    # Customer accounts with identity policies or SCPs (schema 2): the identity-policy side of
    # the answer, and each SCP's verdict. Absent when the account holds neither.
    identity: IdentityRecord | None = field(default=None, metadata=OMITTED_IF_NONE)
    scp_checks: tuple[PermissionCheck, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)
    # The grants left out of ``granted_by`` (``EvaluationPolicy.max_grants``).
    granted_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)

    @property
    def denied_by(self) -> tuple[GrantRef, ...]:
        """The Denies that matched, in either model (as ``ApiResult.denied_by``)."""
        identity = self.identity.checks if self.identity is not None else ()
        return tuple(grant for check in (*self.checks, *identity) for grant in check.denied_by)

    @classmethod
    def of(
        cls, result: ApiResult, table: Table, rows: RowRecords | None = None, limit: int | None = None
    ) -> ResultRecord:
        """The record of ``result``, with at most ``limit`` grants in each list (None: all)."""
        ref, entry = result.ref, result.entry
        rows = rows or RowRecords(table)
        permissions = rows.permissions(entry) if entry else ()
        partner = table.account_type is AccountType.PARTNER
        granted, granted_omitted = capped_grants(result.granted_by, limit)
        location = ref.location
        return cls(
            input=ref.text,
            method=ref.method,
            path=ref.path,
            host=ref.host,
            operation=ref.operation,
            location=location,
            call_sites=ref.sites,
            callable=result.callable,
            decision=result.decision,
            entry=rows.row(entry) if entry else None,
            requires=Requirement(entry.mode, entry.permissions) if entry else None,
            checks=tuple(check.capped(limit) for check in result.checks),
            granted_by=granted,
            missing=result.missing,
            menu_paths=permissions if partner else (),
            permission_names=() if partner else permissions,
            suggestions=_suggestion_records(result),
            notes=result.notes,
            unlisted_reason=result.unlisted_kind,
            listed_for=_other_type_row(result),
            alternatives=tuple(
                cls.of(alternative, table, rows, limit) for alternative in result.alternatives
            ),
            count=result.count,
            first_line=location.line if location and result.count is not None else None,
            identity=_identity_record(result, limit),
            scp_checks=tuple(check.capped(limit) for check in result.boundary_checks),
            granted_by_omitted=granted_omitted,
        )


def _suggestion_records(result: ApiResult) -> tuple[SuggestionRecord, ...]:
    if not result.suggestions:
        return ()
    from permtable.unmatched import SuggestionRecord  # noqa: PLC0415  (only an unmatched API)

    return tuple(SuggestionRecord.of(suggestion) for suggestion in result.suggestions)


def _other_type_row(result: ApiResult) -> OtherTypeRow | None:
    other = result.other_entry
    if other is None:
        return None
    from permtable.unmatched import OtherTypeRow  # noqa: PLC0415  (only the other type's API)

    return OtherTypeRow(other.table, other.api, other.mode, other.permissions, other.description)


def _identity_record(result: ApiResult, limit: int | None) -> IdentityRecord | None:
    """The identity side of a customer answer, for the results that have one."""
    if not result.identity_checks and result.identity_row is None:
        return None
    from permtable.identity_records import IdentityRecord  # noqa: PLC0415  (identity accounts only)

    return IdentityRecord.of(result, limit)


class RowRecords:
    """The records of one table's rows and their permissions, each made once: results that
    reach one row share its records (and so the formats show them once, not once a result)."""

    __slots__ = ("_rows", "_source", "_table")

    def __init__(self, table: Table) -> None:
        self._table = table
        self._source = TableInfo.of(table)
        self._rows: dict[int, tuple[Entry, RowRecord, tuple[PermissionRecord, ...]]] = {}

    def _made(self, entry: Entry) -> tuple[Entry, RowRecord, tuple[PermissionRecord, ...]]:
        made = self._rows.get(id(entry))
        if made is None or made[0] is not entry:
            permissions = tuple(
                PermissionRecord.of(self._table.permissions[code]) for code in entry.permissions
            )
            row = RowRecord.of(entry, self._table, self._source)
            made = self._rows[id(entry)] = (entry, row, permissions)
        return made

    def row(self, entry: Entry) -> RowRecord:
        return self._made(entry)[1]

    def permissions(self, entry: Entry) -> tuple[PermissionRecord, ...]:
        return self._made(entry)[2]


def result_records(
    results: Sequence[ApiResult], table: Table, limit: int | None = DEFAULT_MAX_GRANTS
) -> LazyRecords[ApiResult, ResultRecord]:
    rows = RowRecords(table)
    return LazyRecords(results, lambda result: ResultRecord.of(result, table, rows, limit))


def decision_counts(decisions: Iterable[Decision]) -> dict[Decision, int]:
    """How many of each decision, every decision named (a count of 0 included)."""
    counted = Counter(decisions)
    return {decision: counted.get(decision, 0) for decision in Decision}


@dataclass(frozen=True, slots=True, eq=False)
class CheckSummary:
    total: int
    callable: int
    not_callable: int
    decisions: Mapping[Decision, int]
    suspected_typos: int
    other_account_type: int
    inputs: int | None = field(default=None, metadata=OMITTED_IF_NONE)  # --unique: inputs counted

    @classmethod
    def of(cls, results: Sequence[ApiResult]) -> CheckSummary:
        counted = any(result.count is not None for result in results)
        return cls(
            total=len(results),
            callable=sum(1 for result in results if result.callable),
            not_callable=sum(1 for result in results if not result.callable),
            decisions=decision_counts(result.decision for result in results),
            suspected_typos=sum(1 for result in results if result.suggestions),
            other_account_type=sum(1 for result in results if result.other_entry is not None),
            inputs=sum(result.count or 0 for result in results) if counted else None,
        )


@dataclass(frozen=True, slots=True, eq=False)
class CanCallRecord:
    """can-call as shown."""

    schema_version: int
    account: AccountInfo
    table: TableInfo
    options: EvaluationPolicy
    results: Sequence[ResultRecord]
    summary: CheckSummary
    warnings: tuple[Notice, ...]


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

    def record(self) -> CanCallRecord:
        return CanCallRecord(
            SCHEMA_VERSION,
            AccountInfo.of(self.grants),
            TableInfo.of(self.table),
            self.options,
            result_records(self.results, self.table, self.options.max_grants),
            CheckSummary.of(self.results),
            self.notices,
        )
