"""Deciding whether an account can call an API, with the reason and its provenance.

IAM semantics for customer accounts: any matching Deny wins; else any matching Allow; else the
request is denied implicitly. A statement with a Condition (or a Resource restriction) depends on
the request and cannot be settled offline, so it yields ``conditional``, never a silent allow.
Partner accounts hold plain action codes through roles; there is no Deny.

Grants are compiled once; each permission code's verdict is computed the first time an API
needs it and kept, so every further API needing that code is a dict lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from permtable.apis import ApiRef, join_segments
from permtable.grants import ACCOUNT_ACTIONS, Effect, Grants, Statement
from permtable.model import AccountType, Entry, Mode, Table
from permtable.router import Suggestion
from permtable.tables import IndexedTable


class Decision(str, Enum):
    ALLOWED = "allowed"
    IMPLICIT_DENY = "implicit_deny"
    EXPLICIT_DENY = "explicit_deny"
    CONDITIONAL = "conditional"
    NOT_CHECKED = "not_checked"

    def __str__(self) -> str:
        return self.value


class Unlisted(str, Enum):
    """Why an API missing from the account's table is not read as "no check, callable"."""

    NEAR_MISS = "near_miss"  # a small edit away from a listed API: most likely a typo of it
    OTHER_ACCOUNT_TYPE = "other_account_type"  # documented only for the other account type

    def __str__(self) -> str:
        return self.value


# Worst first: how an API with {holes} is decided when its values could reach several rows.
_SEVERITY = {
    Decision.EXPLICIT_DENY: 0,
    Decision.IMPLICIT_DENY: 1,
    Decision.CONDITIONAL: 2,
    Decision.NOT_CHECKED: 3,
    Decision.ALLOWED: 4,
}


@dataclass(frozen=True, slots=True)
class Route:
    """Where an API leads in one account type's table; computed once, evaluated per account."""

    candidates: tuple[Entry | None, ...]  # the rows it can reach; None: an unlisted path
    suggestions: tuple[Suggestion, ...] = ()  # near misses, for an API no row matches
    other_entry: Entry | None = None  # the other type's row, for an API only that table lists

    @property
    def listed(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.candidates if entry is not None)


def route(ref: ApiRef, indexed: IndexedTable, other: Callable[[], IndexedTable] | None = None) -> Route:
    """Resolve ``ref`` once: its rows, and for an unlisted API its near misses and the other
    account type's row. ``other`` gives the other type's table, asked for only when the API
    is unlisted (None: not looked up)."""
    candidates = indexed.router.candidates(ref)
    if any(entry is not None for entry in candidates):
        return Route(candidates)
    other_entry = None
    if other is not None:
        other_entry = next((entry for entry in other().router.candidates(ref) if entry is not None), None)
    suggestions = () if other_entry is not None else tuple(indexed.router.suggestions(ref))
    return Route(candidates, suggestions, other_entry)


@dataclass(frozen=True, slots=True)
class GrantRef:
    """One held grant that matched a permission, and where it is written."""

    permission: str
    source: str  # "role", "account" or "policy"
    name: str
    effect: str  # "Allow" or "Deny"
    statement: int | None = None
    pattern: str | None = None
    condition: str | None = None
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class PermissionCheck:
    """The verdict on one required permission."""

    permission: str
    decision: Decision
    allowed_by: tuple[GrantRef, ...] = ()
    denied_by: tuple[GrantRef, ...] = ()

    @property
    def fixable_by_allow(self) -> bool:
        """An Allow cannot beat a Deny, even a conditional one."""
        return not self.denied_by


@dataclass(frozen=True, slots=True)
class ApiResult:
    """The answer for one API the user asked about."""

    ref: ApiRef
    entry: Entry | None
    decision: Decision
    callable: bool
    checks: tuple[PermissionCheck, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    notes: tuple[str, ...] = ()
    # With --unique: how many inputs named this endpoint (``ref`` is the first). None: not
    # counted, every input is a result of its own.
    count: int | None = None
    # An API the account's table does not list but the other type's table does: its row there.
    other_entry: Entry | None = None
    # An API with {holes} that could reach several rows: ``entry`` is the worst of them, these
    # are the others (each decided the same way), so what to grant covers every value.
    alternatives: tuple[ApiResult, ...] = ()

    @property
    def unlisted_kind(self) -> Unlisted | None:
        """Why an API the table does not list is a finding, or None (listed, or plainly unlisted)."""
        if self.entry is not None:
            return None
        if self.other_entry is not None:
            return Unlisted.OTHER_ACCOUNT_TYPE
        if self.suggestions:
            return Unlisted.NEAR_MISS
        return None

    @property
    def missing(self) -> tuple[str, ...]:
        """Permissions to add: for ``all`` rows each non-allowed one; for ``any`` rows, any one."""
        if self.entry is None or self.decision is Decision.ALLOWED:
            return ()
        if self.entry.mode is Mode.ANY:
            return self.entry.permissions
        return tuple(check.permission for check in self.checks if check.decision is not Decision.ALLOWED)

    @property
    def blocked_by_deny(self) -> bool:
        return not self.callable and any(check.denied_by for check in self.checks)

    @property
    def granted_by(self) -> tuple[GrantRef, ...]:
        return tuple(grant for check in self.checks for grant in check.allowed_by)

    @property
    def denied_by(self) -> tuple[GrantRef, ...]:
        return tuple(grant for check in self.checks for grant in check.denied_by)


@dataclass(frozen=True, slots=True)
class EvaluationPolicy:
    """How to read what cannot be settled offline; both default to the stricter answer."""

    strict: bool = False  # an API missing from the table counts as not callable
    assume_conditions: bool = False  # treat every Condition as satisfied


class Evaluator:
    """Answers can-call questions for one account against one table.

    A service, not a value: it caches one check per permission code, so it is a plain class.
    """

    def __init__(
        self,
        indexed: IndexedTable,
        grants: Grants,
        options: EvaluationPolicy | None = None,
        other: Callable[[], IndexedTable] | None = None,
    ) -> None:
        table = indexed.table
        # The other account type's table, read only for an API the account's own table lacks.
        self._other = other
        if grants.account_type is not table.account_type:
            raise ValueError("grants and table are for different account types")
        self.indexed = indexed
        self.grants = grants
        self.options = options if options is not None else EvaluationPolicy()
        self._compute = _partner_check if table.account_type is AccountType.PARTNER else _customer_check
        # Filled as codes are asked about: a one-API check needs one or two of the table's codes.
        self._checks: dict[str, PermissionCheck] = {}

    @property
    def table(self) -> Table:
        return self.indexed.table

    def check_permission(self, code: str) -> PermissionCheck:
        check = self._checks.get(code)
        if check is None:
            check = self._checks[code] = self._compute(self.grants, code, self.options)
        return check

    def route(self, ref: ApiRef) -> Route:
        return route(ref, self.indexed, self._other)

    def evaluate(self, ref: ApiRef, notes: tuple[str, ...] = ()) -> ApiResult:
        return self.evaluate_route(self.route(ref), ref, notes)

    def evaluate_route(self, where: Route, ref: ApiRef, notes: tuple[str, ...] = ()) -> ApiResult:
        listed = where.listed
        if not listed:
            return self._unlisted(where, ref, notes)
        if len(where.candidates) == 1:
            return self.evaluate_entry(listed[0], ref, notes)
        # A {hole} whose value decides the row: every row it can reach is decided, and the
        # worst answers for the API, so no value the caller may send is called callable wrongly.
        results = [self.evaluate_entry(entry, ref) for entry in listed]
        worst = min(results, key=lambda result: (result.callable, _SEVERITY[result.decision]))
        causes = []
        if ref.holes:
            causes.append(", ".join(dict.fromkeys(ref.segments[position] for position in ref.holes)))
        if ref.readings:
            read_as = " or ".join(join_segments(reading) for reading in ref.readings)
            causes.append(f"a server reading the path as {read_as}")
        reach = ", ".join(entry.api for entry in listed)
        unlisted = " or an unlisted path" if None in where.candidates else ""
        note = (
            f"{' and '.join(causes)} could make this any of {len(listed)} listed "
            f"API{'s' if len(listed) > 1 else ''} ({reach}){unlisted}; "
            f"decided by the worst: {worst.entry.api if worst.entry else ref.api}"
        )
        others = tuple(result for result in results if result is not worst)
        return replace(worst, notes=(*notes, note, *worst.notes), alternatives=others)

    def _unlisted(self, where: Route, ref: ApiRef, notes: tuple[str, ...]) -> ApiResult:
        kind = self.table.account_type
        if where.other_entry is not None:
            # Huawei documents the API for the other type only; nothing says this type may call
            # it, so the strict reading is that it cannot.
            other = where.other_entry
            needs = (" or " if other.mode is Mode.ANY else " and ").join(other.permissions)
            note = (
                f"documented only for {other.table.value} accounts ({other.api} needs {needs} there): "
                f"a {kind.value} account is not taken to be able to call it"
            )
            return ApiResult(ref, None, Decision.NOT_CHECKED, False, notes=(*notes, note), other_entry=other)
        if where.suggestions:
            # A typo of a listed API would read as "not listed, so callable": the strict reading
            # takes it for the API it nearly names, which this account has not been shown to hold.
            return ApiResult(
                ref, None, Decision.NOT_CHECKED, False, suggestions=where.suggestions, notes=notes
            )
        return ApiResult(ref, None, Decision.NOT_CHECKED, callable=not self.options.strict, notes=notes)

    def evaluate_entry(self, entry: Entry, ref: ApiRef, notes: tuple[str, ...] = ()) -> ApiResult:
        checks = tuple(self.check_permission(code) for code in entry.permissions)
        decision = combine(entry.mode, [check.decision for check in checks])
        if (
            self.options.assume_conditions
            and decision is Decision.ALLOWED
            and any(grant.condition for check in checks for grant in check.allowed_by)
        ):
            notes = (*notes, "allowed only if the statements' conditions hold (--assume-conditions)")
        return ApiResult(ref, entry, decision, decision is Decision.ALLOWED, checks, notes=notes)


def combine(mode: Mode, decisions: list[Decision]) -> Decision:
    """One decision for a row from its permissions' decisions."""
    if mode is Mode.ANY:
        for outcome in (Decision.ALLOWED, Decision.CONDITIONAL, Decision.IMPLICIT_DENY):
            if outcome in decisions:
                return outcome
        return Decision.EXPLICIT_DENY
    for outcome in (Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY, Decision.CONDITIONAL):
        if outcome in decisions:
            return outcome
    return Decision.ALLOWED


def _partner_check(grants: Grants, code: str, options: EvaluationPolicy) -> PermissionCheck:
    holders = tuple(
        GrantRef(
            permission=code,
            source="account" if role.name == ACCOUNT_ACTIONS else "role",
            name=role.name,
            effect="Allow",
            file=role.location.file,
            line=role.location.line,
        )
        for role in grants.roles
        if code in role.actions
    )
    return PermissionCheck(code, Decision.ALLOWED if holders else Decision.IMPLICIT_DENY, allowed_by=holders)


def _customer_check(grants: Grants, code: str, options: EvaluationPolicy) -> PermissionCheck:
    allows: list[GrantRef] = []
    denies: list[GrantRef] = []
    for policy in grants.policies:
        if policy.is_system_role:
            continue  # BSS authenticates policies only; the loader already warned
        for statement in policy.statements:
            pattern = next((p for p in statement.actions if p.matches(code)), None)
            if pattern is None:
                continue
            grant = _statement_ref(code, statement, pattern.text)
            (denies if statement.effect is Effect.DENY else allows).append(grant)
    return PermissionCheck(code, _iam_decision(allows, denies, options), tuple(allows), tuple(denies))


def _iam_decision(allows: list[GrantRef], denies: list[GrantRef], options: EvaluationPolicy) -> Decision:
    firm_deny = any(d.condition is None or options.assume_conditions for d in denies)
    if firm_deny:
        return Decision.EXPLICIT_DENY
    firm_allow = any(a.condition is None or options.assume_conditions for a in allows)
    if denies:
        # Only conditional Denies matched: they may or may not apply to the real request.
        return Decision.CONDITIONAL if allows else Decision.IMPLICIT_DENY
    if firm_allow:
        return Decision.ALLOWED
    return Decision.CONDITIONAL if allows else Decision.IMPLICIT_DENY


def _statement_ref(code: str, statement: Statement, pattern: str) -> GrantRef:
    return GrantRef(
        permission=code,
        source="policy",
        name=statement.policy,
        effect=statement.effect.value,
        statement=statement.index,
        pattern=pattern,
        condition=statement.condition,
        file=statement.location.file,
        line=statement.location.line,
    )
