"""Comparing two versions of one account's grants: which APIs the change gains, loses or alters.

Change reviews ask "does this grant anything new?". Both versions are evaluated against the same
table, API by API, and each change is explained by the permissions of the row whose verdict
moved, with the grants (role, or policy statement) that appeared or disappeared for them.
Grants are compared by what they say (source, name, effect, statement, pattern, condition),
never by file or line, which differ between two versions of a file by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from permtable.apis import ApiRef
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import (
    DEFAULT_MAX_GRANTS,
    ApiResult,
    Decision,
    EvaluationPolicy,
    Evaluator,
    GrantRef,
    PermissionCheck,
    capped_grants,
)
from permtable.grants import Grants, review_grants
from permtable.model import AccountType, Table
from permtable.queries import entry_refs
from permtable.reports import AccountInfo, RowRecord, TableInfo
from permtable.tables import TableSet
from permtable.values import OMITTED_IF_ZERO, SCHEMA_VERSION


class ChangeKind(str, Enum):
    GAINED = "gained"  # not callable before, callable now
    LOST = "lost"  # callable before, not callable now
    CHANGED = "changed"  # callable or not as before, for another reason (e.g. not granted -> Deny)

    def __str__(self) -> str:
        return self.value


CHANGE_KINDS = tuple(kind.value for kind in ChangeKind)


def grant_key(grant: GrantRef) -> tuple[object, ...]:
    """What a grant says, without where it is written."""
    return (grant.source, grant.name, grant.effect, grant.statement, grant.pattern, grant.condition)


@dataclass(frozen=True, slots=True)
class Cause:
    """A permission of the row whose verdict changed, and the grants that came and went for it."""

    permission: str
    old: PermissionCheck
    new: PermissionCheck
    added: tuple[GrantRef, ...]
    removed: tuple[GrantRef, ...]

    def record(self, limit: int | None = DEFAULT_MAX_GRANTS) -> CauseRecord:
        added, added_omitted = capped_grants(self.added, limit)
        removed, removed_omitted = capped_grants(self.removed, limit)
        return CauseRecord(
            self.permission,
            self.old.decision,
            self.new.decision,
            added,
            removed,
            added_omitted,
            removed_omitted,
        )


@dataclass(frozen=True, slots=True, eq=False)
class CauseRecord:
    permission: str
    old: Decision
    new: Decision
    added: tuple[GrantRef, ...]
    removed: tuple[GrantRef, ...]
    # The grants left out of the lists above (``EvaluationPolicy.max_grants``).
    added_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)
    removed_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)


def _grants_of(check: PermissionCheck) -> tuple[GrantRef, ...]:
    return (*check.allowed_by, *check.denied_by)


def _cause(old: PermissionCheck, new: PermissionCheck) -> Cause:
    before = {grant_key(grant) for grant in _grants_of(old)}
    after = {grant_key(grant) for grant in _grants_of(new)}
    added = tuple(grant for grant in _grants_of(new) if grant_key(grant) not in before)
    removed = tuple(grant for grant in _grants_of(old) if grant_key(grant) not in after)
    return Cause(old.permission, old, new, added, removed)


@dataclass(frozen=True, slots=True)
class AccessChange:
    kind: ChangeKind
    old: ApiResult
    new: ApiResult
    causes: tuple[Cause, ...]

    def record(self, table: Table, limit: int | None = DEFAULT_MAX_GRANTS) -> ChangeRecord:
        entry = self.new.entry
        return ChangeRecord(
            self.kind,
            entry.api if entry else self.new.ref.api,
            self.new.ref.text,
            self.new.ref.location,
            RowRecord.of(entry, table) if entry else None,
            Verdict(self.old.callable, self.old.decision),
            Verdict(self.new.callable, self.new.decision),
            tuple(cause.record(limit) for cause in self.causes),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Verdict:
    callable: bool
    decision: Decision


@dataclass(frozen=True, slots=True, eq=False)
class ChangeRecord:
    kind: ChangeKind
    api: str
    input: str
    location: Location | None
    entry: RowRecord | None
    old: Verdict
    new: Verdict
    causes: tuple[CauseRecord, ...]


def compare(old: ApiResult, new: ApiResult) -> AccessChange | None:
    """The change between two verdicts on one API, or None when the decision is the same."""
    if old.decision is new.decision and old.callable == new.callable:
        return None
    if not old.callable and new.callable:
        kind = ChangeKind.GAINED
    elif old.callable and not new.callable:
        kind = ChangeKind.LOST
    else:
        kind = ChangeKind.CHANGED
    causes = [
        _cause(before, after)
        for before, after in zip(old.checks, new.checks, strict=True)
        if before.decision is not after.decision
    ]
    # Identity policies: one side may hold none (no checks), which reads as not granted.
    old_identity = {check.permission: check for check in old.identity_checks}
    new_identity = {check.permission: check for check in new.identity_checks}
    for action in dict.fromkeys((*old_identity, *new_identity)):
        before = old_identity.get(action) or PermissionCheck(action, Decision.IMPLICIT_DENY)
        after = new_identity.get(action) or PermissionCheck(action, Decision.IMPLICIT_DENY)
        if before.decision is not after.decision:
            causes.append(_cause(before, after))
    return AccessChange(kind, old, new, tuple(causes))


@dataclass(frozen=True, slots=True)
class GrantsDiffReport:
    old: Grants
    new: Grants
    table: Table
    scope: str  # "table": every row of the account type's table; "apis": the APIs given
    checked: int
    changes: tuple[AccessChange, ...]
    notices: tuple[Notice, ...]
    options: EvaluationPolicy

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind is kind)

    def record(self) -> GrantsDiffRecord:
        summary = DiffSummary(
            checked=self.checked,
            gained=self.count(ChangeKind.GAINED),
            lost=self.count(ChangeKind.LOST),
            changed=self.count(ChangeKind.CHANGED),
            unchanged=self.checked - len(self.changes),
        )
        return GrantsDiffRecord(
            SCHEMA_VERSION,
            AccountInfo.of(self.old),
            AccountInfo.of(self.new),
            TableInfo.of(self.table),
            self.options,
            self.scope,
            tuple(change.record(self.table, self.options.max_grants) for change in self.changes),
            summary,
            self.notices,
        )


@dataclass(frozen=True, slots=True, eq=False)
class DiffSummary:
    checked: int
    gained: int
    lost: int
    changed: int
    unchanged: int


@dataclass(frozen=True, slots=True, eq=False)
class GrantsDiffRecord:
    """diff as shown."""

    schema_version: int
    old: AccountInfo
    new: AccountInfo
    table: TableInfo
    options: EvaluationPolicy
    scope: str
    changes: tuple[ChangeRecord, ...]
    summary: DiffSummary
    warnings: tuple[Notice, ...]


def no_grants(like: Grants, file: str, why: str) -> Grants:
    """The side of a diff that holds nothing: a grants file added or deleted in a change (its
    other version missing or empty), read as the same account with no grants at all. ``why``
    says what the file is ("does not exist")."""
    notice = Notice(
        f"{why}: read as an account with no grants; every API the other side can call is a change",
        Location(file),
    )
    return Grants(like.account_type, like.account, (file,), notices=(notice,), boundaries=like.boundaries)


def diff_grants(
    old: Grants,
    new: Grants,
    tables: TableSet,
    options: EvaluationPolicy,
    refs: Sequence[ApiRef] | None = None,
) -> GrantsDiffReport:
    """Evaluate ``refs`` (None: every row of the account type's table) for both versions.

    Changes come gained first, then lost, then changed, each in table (or input) order.
    """
    if old.account_type is not new.account_type:
        raise InputError(
            f"is a {new.account_type.value} grants file, but {old.files[0]} is {old.account_type.value}",
            Location(new.files[0]),
            "diff compares two versions of one account: both files must be of one account type",
        )
    kind: AccountType = old.account_type
    indexed = tables.get(kind)
    other = tables.get(kind.other, answering=False).table
    scope = "table" if refs is None else "apis"
    checked = entry_refs(indexed.table) if refs is None else list(refs)
    # Routed as can-call routes: an API of the other type's table, or a near miss, is answered
    # alike in both versions (not callable), so it is never a change.
    before = Evaluator(
        indexed, old, options, other=lambda: tables.get(kind.other, answering=False), identity=tables.identity
    )
    after = Evaluator(
        indexed, new, options, other=lambda: tables.get(kind.other, answering=False), identity=tables.identity
    )
    changes = []
    for ref in checked:
        change = compare(before.evaluate(ref), after.evaluate(ref))
        if change is not None:
            changes.append(change)
    order = list(ChangeKind)
    changes.sort(key=lambda change: order.index(change.kind))  # stable: table order within a kind
    notices: list[Notice] = []
    if old.account != new.account:
        notices.append(
            Notice(
                f"the account names differ ({old.account!r} in the old file, {new.account!r} in the new); "
                "compared as two versions of one account anyway",
                Location(new.files[0]),
            )
        )
    for grants in (old, new):
        notices.extend(review_grants(grants, indexed.table.permissions, other.permissions))
    return GrantsDiffReport(
        old, new, indexed.table, scope, len(checked), tuple(changes), tuple(notices), options
    )
