"""who-can: one API asked of every account of a fleet, each against its own type's table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from permtable.apis import ApiRef
from permtable.errors import Location, Notice
from permtable.evaluate import (
    DEFAULT_MAX_GRANTS,
    ApiResult,
    Decision,
    EvaluationPolicy,
    Evaluator,
    GrantRef,
    Unlisted,
    capped_grants,
)
from permtable.files import DEFAULT_MAX_BYTES
from permtable.fleet.accounts import (
    Audited,
    FailureRecord,
    FleetFiles,
    FleetRun,
    Skipped,
    audit_files,
    failure_records,
    focused_table,
    route_in,
)
from permtable.grants import Grants
from permtable.model import AccountType, Entry, Table
from permtable.reports import LazyRecords, RowRecord, TableInfo, decision_counts
from permtable.tables import IndexedTable, TableSet
from permtable.unmatched import Suggestion, SuggestionRecord
from permtable.values import OMITTED_IF_EMPTY, OMITTED_IF_ZERO, SCHEMA_VERSION

# --------------------------------------------------------------------------- who-can


@dataclass(frozen=True, slots=True)
class Listing:
    """How one account type's table lists the API asked about."""

    table: Table
    entry: Entry | None
    suggestions: tuple[Suggestion, ...]

    # The other account type's row, for an API only that type's table lists.
    other_entry: Entry | None = None

    def note(self, options: EvaluationPolicy) -> str | None:
        if self.entry is not None:
            return None
        kind = self.table.account_type.value
        if self.other_entry is not None:
            return (
                f"documented only for {self.other_entry.table.value} accounts: "
                f"{kind} accounts are not counted as able to call it"
            )
        if self.suggestions:
            return (
                f"not in the {kind} table, but a near miss of {self.suggestions[0].entry.api}: "
                f"{kind} accounts are not counted as able to call it"
            )
        if options.strict:
            return f"not in the {kind} table; --strict counts it as not callable for {kind} accounts"
        return f"not in the {kind} table: {kind} accounts need no fine-grained permission for it"

    def record(self, options: EvaluationPolicy) -> ListingRecord:
        return ListingRecord(
            self.table.account_type,
            self.entry is not None,
            RowRecord.of(self.entry, self.table) if self.entry else None,
            tuple(SuggestionRecord.of(suggestion) for suggestion in self.suggestions),
            self.note(options),
            TableInfo.of(self.table),
        )


@dataclass(frozen=True, slots=True, eq=False)
class ListingRecord:
    type: AccountType
    listed: bool
    entry: RowRecord | None
    suggestions: tuple[SuggestionRecord, ...]
    note: str | None
    table: TableInfo


@dataclass(frozen=True, slots=True, eq=False)
class AskedApi:
    """The API who-can asked about, and how each account type's table lists it."""

    input: str
    method: str
    path: str
    host: str | None
    operation: str | None
    tables: tuple[ListingRecord, ...]


@dataclass(frozen=True, slots=True, eq=False)
class AccountAnswer:
    """One account's answer to who-can."""

    account: str
    file: str
    type: AccountType
    callable: bool
    decision: Decision
    granted_by: tuple[GrantRef, ...]
    denied_by: tuple[GrantRef, ...]
    missing: tuple[str, ...]
    unlisted_reason: Unlisted | None
    # Schema 2: why an answer is unknown or blocked by an SCP (the result's notes).
    notes: tuple[str, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)
    # The grants left out of the lists above (``EvaluationPolicy.max_grants``).
    granted_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)
    denied_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)

    @classmethod
    def of(
        cls, grants: Grants, file: str, result: ApiResult, limit: int | None = DEFAULT_MAX_GRANTS
    ) -> AccountAnswer:
        """What the report keeps of one account's answer: made as soon as the file is read, so
        an account's grants and full provenance are dropped before the next file."""
        granted, granted_omitted = capped_grants(result.granted_by, limit)
        denied, denied_omitted = capped_grants(result.denied_by, limit)
        return cls(
            grants.account,
            file,
            grants.account_type,
            result.callable,
            result.decision,
            granted,
            denied,
            result.missing or result.missing_identity,  # an API only identity policies decide
            result.unlisted_kind,
            result.notes if result.decision in (Decision.UNKNOWN, Decision.BLOCKED_BY_SCP) else (),
            granted_omitted,
            denied_omitted,
        )


@dataclass(frozen=True, slots=True, eq=False)
class WhoCanSummary:
    accounts: int
    callable: int
    not_callable: int
    decisions: Mapping[Decision, int]
    errors: int
    skipped: int


@dataclass(frozen=True, slots=True, eq=False)
class WhoCanRecord:
    """who-can as shown."""

    schema_version: int
    api: AskedApi
    options: EvaluationPolicy
    accounts: Sequence[AccountAnswer]
    summary: WhoCanSummary
    errors: tuple[FailureRecord, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[Notice, ...]


@dataclass(frozen=True, slots=True)
class WhoCanReport:
    ref: ApiRef
    listings: tuple[Listing, ...]  # one per account type
    run: FleetRun[AccountAnswer]
    options: EvaluationPolicy

    @property
    def any_callable(self) -> bool:
        return any(item.answer.callable for item in self.run.audited)

    def record(self) -> WhoCanRecord:
        ref = self.ref
        asked = AskedApi(
            ref.text,
            ref.method,
            ref.path,
            ref.host,
            ref.operation,
            tuple(listing.record(self.options) for listing in self.listings),
        )
        decisions: list[Decision] = []
        callable_count = 0
        for item in self.run.audited:  # one pass: a large fleet's answers are read from disk
            decisions.append(item.answer.decision)
            callable_count += item.answer.callable
        summary = WhoCanSummary(
            accounts=len(decisions),
            callable=callable_count,
            not_callable=len(decisions) - callable_count,
            decisions=decision_counts(decisions),
            errors=len(self.run.failures),
            skipped=len(self.run.skipped),
        )
        return WhoCanRecord(
            SCHEMA_VERSION,
            asked,
            self.options,
            LazyRecords(self.run.audited, _answer_of),
            summary,
            failure_records(self.run),
            self.run.skipped,
            self.run.notices,
        )


def _answer_of(item: Audited[AccountAnswer]) -> AccountAnswer:
    return item.answer


def who_can(
    ref: ApiRef,
    fleet: FleetFiles,
    tables: TableSet,
    options: EvaluationPolicy,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[str], None] | None = None,
    jobs: int | None = 1,
) -> WhoCanReport:
    """Which accounts of the fleet can call ``ref``, each against its own type's table."""
    listings: dict[AccountType, Listing] = {}
    focused: dict[AccountType, IndexedTable] = {}
    # Routed once per account type, as can-call routes it (holes, near misses, the other
    # type's table), then decided per account.
    routes = {kind: route_in(ref, tables, kind) for kind in AccountType}
    for kind, where in routes.items():
        indexed = tables.get(kind)
        entry = where.listed[0] if where.listed else None
        listings[kind] = Listing(indexed.table, entry, where.suggestions, where.other_entry)
        focused[kind] = focused_table(indexed, where.listed)

    def answer(grants: Grants) -> AccountAnswer:
        kind = grants.account_type
        result = Evaluator(focused[kind], grants, options, identity=tables.identity).evaluate_route(
            routes[kind], ref
        )
        return AccountAnswer.of(grants, grants.files[0] if grants.files else "", result, options.max_grants)

    # Each file's review warns only about the permissions this API needs.
    focus = {
        kind: frozenset(code for entry in where.listed for code in entry.permissions)
        for kind, where in routes.items()
    }
    run = audit_files(fleet, tables, answer, max_bytes, on_file, focus, jobs)
    typos = [
        Notice(
            f"{ref.text} is not in the {kind.value} table, but a near miss of "
            f"{listing.suggestions[0].entry.api} ({listing.suggestions[0].reason}): "
            f"{kind.value} accounts are not counted as able to call it",
            ref.location or Location(),
        )
        for kind, listing in listings.items()
        if listing.suggestions and kind in run.types
    ]
    run = replace(run, notices=(*run.notices, *typos))
    return WhoCanReport(ref, tuple(listings.values()), run, options)
