"""Deciding whether an account can call an API, with the reason and its provenance.

IAM semantics for customer accounts: any matching Deny wins; else any matching Allow; else the
request is denied implicitly. A statement with a Condition (or a Resource restriction) depends on
the request and cannot be settled offline, so it yields ``conditional``, never a silent allow.
Partner accounts hold plain action codes through roles; there is no Deny.

Customer accounts may hold two models at once (Huawei: they take effect together): policies
(Version 1.1, ``bss:`` codes from the customer table) and identity policies (Version 5.0,
actions from the identity-action table). The call is allowed when either model allows it and no
explicit Deny in either matches; anything that could deny but cannot be settled offline (a
Condition, a system policy named without its document, an identity action Huawei does not
document) leaves the answer ``conditional`` or ``unknown``, never "allowed". Organizations SCPs
(``Grants.boundaries``) then bound the result: each must allow the API's identity action, and
their Denies also apply to the ``bss:`` codes (undocumented, so the stricter reading).

Grants are compiled once; each permission code's verdict is computed the first time an API
needs it and kept, so every further API needing that code is a dict lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING

from permtable.apis import ApiRef, join_segments
from permtable.grants import ACCOUNT_ACTIONS, Effect, Grants, Policy, PolicyModel, Statement
from permtable.model import AccountType, Entry, Mode, Table
from permtable.patterns import ActionPattern
from permtable.tables import IndexedTable
from permtable.values import OMITTED_IF_EMPTY, OMITTED_IF_NONE, OMITTED_IF_ZERO

if TYPE_CHECKING:
    # Types only: the identity-action table is read (and its module imported) only for accounts
    # holding identity policies or SCPs, or for an API the customer table does not list.
    from permtable.identity_table import IdentityTable
    from permtable.system_policies import SystemPolicyRef
    from permtable.unmatched import Suggestion


# Grants listed per permission in a report before "and N more": enough to see where access
# comes from, few enough that a 100,000-statement account reports in kilobytes.
DEFAULT_MAX_GRANTS = 20


class Decision(str, Enum):
    ALLOWED = "allowed"
    IMPLICIT_DENY = "implicit_deny"
    EXPLICIT_DENY = "explicit_deny"
    CONDITIONAL = "conditional"
    NOT_CHECKED = "not_checked"
    # What the files cannot settle: a system policy named without its document, an identity
    # action Huawei does not document. Never callable; the notes say what would settle it.
    UNKNOWN = "unknown"
    # The account's own grants would allow it (or fall short), but an SCP does not allow it.
    BLOCKED_BY_SCP = "blocked_by_scp"

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
    Decision.BLOCKED_BY_SCP: 1,
    Decision.IMPLICIT_DENY: 2,
    Decision.UNKNOWN: 3,
    Decision.CONDITIONAL: 4,
    Decision.NOT_CHECKED: 5,
    Decision.ALLOWED: 6,
}
# Best first: what one model's answer is worth when either model may allow a call.
_GRANT_RANK = {
    Decision.ALLOWED: 0,
    Decision.NOT_CHECKED: 0,
    Decision.CONDITIONAL: 1,
    Decision.UNKNOWN: 2,
    Decision.IMPLICIT_DENY: 3,
    Decision.BLOCKED_BY_SCP: 4,
    Decision.EXPLICIT_DENY: 5,
}
# Services whose identity actions authorise BSS APIs (Huawei's identity-policy reference).
BILLING_SERVICES = ("billing", "costCenter", "businessUnitCenter", "bss")
UNDOCUMENTED_ACTION = "(identity action not documented)"
UNDOCUMENTED_CODE = "(bss: code not documented)"


@dataclass(frozen=True, slots=True)
class Route:
    """Where an API leads in one account type's table; computed once, evaluated per account."""

    candidates: tuple[Entry | None, ...]  # the rows it can reach; None: an unlisted path
    suggestions: tuple[Suggestion, ...] = ()  # near misses, for an API no row matches
    other_entry: Entry | None = None  # the other type's row, for an API only that table lists
    # The rows among the candidates. Worked out once: a matrix asks it of every cell.
    listed: tuple[Entry, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "listed", tuple(entry for entry in self.candidates if entry is not None))


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
    # "role", "account", "policy", "identity_policy", "scp" or "system_policy"
    source: str
    name: str
    effect: str  # "Allow" or "Deny"; "unknown" for a system policy named without its document
    statement: int | None = None
    pattern: str | None = None
    condition: str | None = None
    file: str | None = None
    line: int | None = None
    # The export item the policy came from ("policy 'Billing viewer' (id 9a3c...)").
    origin: str | None = field(default=None, metadata=OMITTED_IF_NONE)

    @property
    def may_deny(self) -> bool:
        return self.effect != Effect.ALLOW.value


def _unconditional(grant: GrantRef) -> bool:
    return grant.condition is None


def capped_grants(
    grants: tuple[GrantRef, ...], limit: int | None, decisive: Callable[[GrantRef], bool] = _unconditional
) -> tuple[tuple[GrantRef, ...], int]:
    """At most ``limit`` grants (None: all), the ``decisive`` ones first (by default the
    unconditional ones), and how many were left out. A list within the limit is kept as it is."""
    if limit is None or len(grants) <= limit:
        return grants, 0
    ordered = sorted(grants, key=lambda grant: not decisive(grant))
    return tuple(ordered[:limit]), len(grants) - limit


@dataclass(frozen=True, slots=True)
class PermissionCheck:
    """The verdict on one required permission."""

    permission: str
    decision: Decision
    allowed_by: tuple[GrantRef, ...] = ()
    denied_by: tuple[GrantRef, ...] = ()
    # What may apply but cannot be read offline: system policies without their document,
    # identity statements that may cover an undocumented action.
    unknown_by: tuple[GrantRef, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)
    # An SCP's verdict on an identity action (``ApiResult.boundary_checks``): the SCP's name.
    # Its decision is allowed, conditional, unknown, implicit_deny (it allows none of the
    # action) or explicit_deny.
    scp: str | None = field(default=None, metadata=OMITTED_IF_NONE)
    # How many grants a report left out of each list (``capped``); 0 in the evaluation itself.
    allowed_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)
    denied_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)
    unknown_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)

    def capped(self, limit: int | None) -> PermissionCheck:
        """The check as a report shows it: at most ``limit`` grants in each list (None: all),
        the decisive ones first (an unconditional Allow or Deny; an unreadable grant that may
        deny), each list's count of the rest beside it. An account repeating one permission in
        10,000 statements gets a report of 20 of them, not a report of 10,000 per API."""
        if limit is None or max(len(self.allowed_by), len(self.denied_by), len(self.unknown_by)) <= limit:
            return self
        allowed, allowed_omitted = capped_grants(self.allowed_by, limit)
        denied, denied_omitted = capped_grants(self.denied_by, limit)
        unknown, unknown_omitted = capped_grants(self.unknown_by, limit, lambda grant: grant.may_deny)
        return replace(
            self,
            allowed_by=allowed,
            denied_by=denied,
            unknown_by=unknown,
            allowed_by_omitted=allowed_omitted,
            denied_by_omitted=denied_omitted,
            unknown_by_omitted=unknown_omitted,
        )

    @property
    def blocks(self) -> bool:
        """An SCP verdict that keeps the API from being callable."""
        return self.decision in (Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY)

    @property
    def doubt(self) -> Decision | None:
        """Whether something besides the Allows could still deny: how that makes an allow read."""
        if any(grant.may_deny for grant in self.unknown_by):
            return Decision.UNKNOWN
        if self.denied_by:
            return Decision.CONDITIONAL  # a firm Deny would have made the check explicit_deny
        return None

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
    # Customer accounts holding identity policies: the identity actions the API needs (from the
    # identity-action table, ``identity_row``) and their verdicts.
    identity_checks: tuple[PermissionCheck, ...] = ()
    identity_row: Entry | None = None
    # With SCPs: each SCP's verdict on the API's identity action.
    boundary_checks: tuple[PermissionCheck, ...] = ()

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
    def missing_identity(self) -> tuple[str, ...]:
        """Identity actions to add in an identity policy (the other way to be allowed)."""
        if self.identity_row is None or self.decision is Decision.ALLOWED:
            return ()
        verdicts = {check.permission: check.decision for check in self.identity_checks}
        return tuple(
            action
            for action in self.identity_row.permissions
            if verdicts.get(action, Decision.IMPLICIT_DENY) is not Decision.ALLOWED
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """Permissions to add: for ``all`` rows each non-allowed one; for ``any`` rows, any one."""
        if self.entry is None or self.decision is Decision.ALLOWED:
            return ()
        if self.entry.mode is Mode.ANY:
            return self.entry.current  # never advise a code that is being taken offline
        current = self.entry.current
        if self.entry.replaced_by_one:
            # The current code is what to grant; a retiring code matters only for its Deny.
            return tuple(
                check.permission
                for check in self.checks
                if check.decision is not Decision.ALLOWED
                and (check.permission in current or check.decision is Decision.EXPLICIT_DENY)
            )
        return tuple(check.permission for check in self.checks if check.decision is not Decision.ALLOWED)

    @property
    def blocked_by_deny(self) -> bool:
        """A Deny matched in either model: no Allow can fix it."""
        return not self.callable and bool(self.denied_by)

    @property
    def granted_by(self) -> tuple[GrantRef, ...]:
        """Every grant that allowed a required permission, in either model."""
        return tuple(grant for check in (*self.checks, *self.identity_checks) for grant in check.allowed_by)

    @property
    def denied_by(self) -> tuple[GrantRef, ...]:
        return tuple(grant for check in (*self.checks, *self.identity_checks) for grant in check.denied_by)


@dataclass(frozen=True, slots=True)
class EvaluationPolicy:
    """How to read what cannot be settled offline; both default to the stricter answer."""

    strict: bool = False  # an API missing from the table counts as not callable
    assume_conditions: bool = False  # treat every Condition as satisfied
    # How many grants a report lists per permission (None: every one). Reporting only: the
    # decision always weighs every grant.
    max_grants: int | None = DEFAULT_MAX_GRANTS


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
        identity: Callable[[], IdentityTable] | None = None,
    ) -> None:
        table = indexed.table
        # The identity-action table, read only when the account holds identity policies or
        # SCPs, or for an API the customer table does not list.
        self._identity = identity or _bundled_identity
        self._identity_checks: dict[str, PermissionCheck] = {}
        self._boundary_checks: dict[str, tuple[PermissionCheck, ...]] = {}
        self._customer = table.account_type is AccountType.CUSTOMER
        self._two_models = self._customer and bool(
            grants.identity_policies
            or grants.boundaries
            or any(ref.identity for ref in grants.system_policies)
        )
        # The other account type's table, read only for an API the account's own table lacks.
        self._other = other
        if grants.account_type is not table.account_type:
            raise ValueError("grants and table are for different account types")
        self.indexed = indexed
        self.grants = grants
        self.options = options if options is not None else EvaluationPolicy()
        # Filled as codes are asked about: a one-API check needs one or two of the table's codes.
        self._checks: dict[str, PermissionCheck] = {}
        # decide_route's row decisions under policies, and the checks they weighed, by what a row
        # requires (its mode, codes and retiring codes).
        self._row_decisions: dict[
            tuple[Mode, tuple[str, ...], tuple[str, ...]], tuple[Decision, tuple[PermissionCheck, ...]]
        ] = {}
        # The verdicts for an API without a documented code or identity action: one per account.
        self._undocumented_identity_verdict: PermissionCheck | None = None
        self._undocumented_code_verdict: PermissionCheck | None = None
        self._index: StatementIndex | None = None  # customer accounts, built on the first check

    @property
    def table(self) -> Table:
        return self.indexed.table

    def check_permission(self, code: str) -> PermissionCheck:
        check = self._checks.get(code)
        if check is None:
            if self.grants.account_type is AccountType.PARTNER:
                check = _partner_check(self.grants, code, self.options)
            else:
                if self._index is None:
                    self._index = StatementIndex(self.grants)
                check = _customer_check(self.grants, code, self.options, self._index)
            self._checks[code] = check
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

    def decide_route(self, where: Route, ref: ApiRef) -> tuple[Decision, bool] | None:
        """``evaluate_route``'s decision and whether the API is callable, without the result
        that explains them, for the shapes nearly every cell of a matrix takes: a row of the
        account's own table reached by one route, or an API it does not list. None for an API
        that reaches several rows, which only ``evaluate_route`` decides (by the worst).

        A matrix asks every account about every row of the tables: building a result with its
        notes for each cell, to keep two fields, was 60% of the work per account (85% for an
        account holding identity policies). The branches here are ``evaluate_route``'s, in its
        order, and both models are weighed by the same ``_both_verdict``; a property test holds
        the two to the same answers on generated accounts, SCPs, options and APIs.
        """
        listed = where.listed
        if not listed:
            if where.other_entry is not None:
                return Decision.NOT_CHECKED, False  # the other type's API only
            if self._customer:
                row = self._identity().routed(ref)
                if row is not None:  # no code documented; identity policies may decide it
                    legacy_check = self._undocumented_code()
                    return self._both_decision(None, (legacy_check,), legacy_check.decision, row)
            if where.suggestions:
                return Decision.NOT_CHECKED, False  # a near miss of a listed API
            if self._two_models:
                return self._both_decision(None, (), Decision.NOT_CHECKED, None)
            return Decision.NOT_CHECKED, not self.options.strict
        if len(where.candidates) != 1:
            return None  # several rows reachable: decided by the worst, with notes
        entry = listed[0]
        # Rows that ask the same of an account are decided alike under policies: 47 rows ask
        # 22 things.
        requirement = (entry.mode, entry.permissions, entry.retiring)
        decided = self._row_decisions.get(requirement)
        if decided is None:
            checks = tuple(self.check_permission(code) for code in entry.permissions)
            decided = self._row_decisions[requirement] = (row_decision(entry, checks), checks)
        legacy, checks = decided
        if self._two_models:
            return self._both_decision(
                entry, checks, legacy, self._identity().row_for(entry.method, entry.path)
            )
        return legacy, legacy is Decision.ALLOWED

    def _both_decision(
        self, entry: Entry | None, checks: tuple[PermissionCheck, ...], legacy: Decision, row: Entry | None
    ) -> tuple[Decision, bool]:
        decision = self._both_verdict(entry, checks, legacy, row)[0]
        return decision, self._callable(decision, entry)

    # ----------------------------------------------------------------- customers: both models

    def check_identity(self, action: str) -> PermissionCheck:
        check = self._identity_checks.get(action)
        if check is None:
            check = self._identity_checks[action] = _identity_check(self.grants, action, self.options)
        return check

    def _both_models(
        self,
        ref: ApiRef,
        entry: Entry | None,
        checks: tuple[PermissionCheck, ...],
        legacy: Decision,
        row: Entry | None,
        notes: tuple[str, ...],
    ) -> ApiResult:
        """A customer API decided by policies and identity policies together, then bounded."""
        decision, unbounded, identity_checks, boundary = self._both_verdict(entry, checks, legacy, row)
        notes = (
            *notes,
            *_model_notes(entry, checks, legacy, row, identity_checks, self._identity(), self.grants),
        )
        if decision is not unbounded:
            notes = (*notes, *_boundary_notes(boundary))
        return ApiResult(
            ref,
            entry,
            decision,
            self._callable(decision, entry),
            checks,
            notes=notes,
            identity_checks=identity_checks,
            identity_row=row,
            boundary_checks=boundary,
        )

    def _both_verdict(
        self, entry: Entry | None, checks: tuple[PermissionCheck, ...], legacy: Decision, row: Entry | None
    ) -> tuple[Decision, Decision, tuple[PermissionCheck, ...], tuple[PermissionCheck, ...]]:
        """The decision under both models, bounded by the SCPs; the decision before the bound;
        the identity checks and the SCPs' checks it weighed. ``_both_models`` explains it,
        ``decide_route`` keeps the decision alone."""
        if self.grants.identity_policies:
            if row is not None:
                identity_checks = tuple(self.check_identity(action) for action in row.permissions)
            else:
                identity_checks = (self._undocumented_identity(),)
            identity = combine(Mode.ALL, [check.decision for check in identity_checks])
        else:
            identity_checks, identity = (), Decision.IMPLICIT_DENY
        unbounded = either_model(((legacy, checks), (identity, identity_checks)))
        if not self.grants.boundaries:
            return unbounded, unbounded, identity_checks, ()
        boundary = self._bounds(row, entry.permissions if entry is not None else ())
        return bound(unbounded, boundary), unbounded, identity_checks, boundary

    def _callable(self, decision: Decision, entry: Entry | None) -> bool:
        """Allowed, or not checked because no table lists the API (unless --strict)."""
        return decision is Decision.ALLOWED or (
            decision is Decision.NOT_CHECKED and entry is None and not self.options.strict
        )

    def _undocumented_identity(self) -> PermissionCheck:
        if self._undocumented_identity_verdict is None:
            self._undocumented_identity_verdict = _undocumented_identity_check(self.grants)
        return self._undocumented_identity_verdict

    def _undocumented_code(self) -> PermissionCheck:
        if self._undocumented_code_verdict is None:
            self._undocumented_code_verdict = _undocumented_code_check(self.grants)
        return self._undocumented_code_verdict

    def _bounds(self, row: Entry | None, codes: tuple[str, ...]) -> tuple[PermissionCheck, ...]:
        key = (row.api if row is not None else "") + "\n" + ",".join(codes)
        found = self._boundary_checks.get(key)
        if found is None:
            actions = row.permissions if row is not None else (UNDOCUMENTED_ACTION,)
            found = self._boundary_checks[key] = tuple(
                _boundary_check(scp, action, codes, self.options)
                for scp in self.grants.boundaries
                for action in actions
            )
        return found

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
        if self._customer:
            # Not in the customer table, but Huawei documents its identity action: then it is
            # checked (by identity policies), not free, whatever the account holds.
            row = self._identity().routed(ref)
            if row is not None:
                legacy_check = self._undocumented_code()
                return self._both_models(ref, None, (legacy_check,), legacy_check.decision, row, notes)
        if where.suggestions:
            # A typo of a listed API would read as "not listed, so callable": the strict reading
            # takes it for the API it nearly names, which this account has not been shown to hold.
            return ApiResult(
                ref, None, Decision.NOT_CHECKED, False, suggestions=where.suggestions, notes=notes
            )
        if self._two_models:
            # No check under policies; an identity Deny or an SCP may still cover it.
            return self._both_models(ref, None, (), Decision.NOT_CHECKED, None, notes)
        return ApiResult(ref, None, Decision.NOT_CHECKED, callable=not self.options.strict, notes=notes)

    def evaluate_entry(self, entry: Entry, ref: ApiRef, notes: tuple[str, ...] = ()) -> ApiResult:
        checks = tuple(self.check_permission(code) for code in entry.permissions)
        decision = row_decision(entry, checks)
        if entry.retiring:
            notes = (*notes, *_retiring_notes(entry, checks, decision))
        if self._two_models:
            row = self._identity().row_for(entry.method, entry.path)
            return self._both_models(ref, entry, checks, decision, row, notes)
        if decision is Decision.UNKNOWN:
            notes = (*notes, *_system_notes(checks, self.grants))
        if (
            self.options.assume_conditions
            and decision is Decision.ALLOWED
            and any(grant.condition for check in checks for grant in check.allowed_by)
        ):
            notes = (*notes, "allowed only if the statements' conditions hold (--assume-conditions)")
        return ApiResult(ref, entry, decision, decision is Decision.ALLOWED, checks, notes=notes)


def row_decision(entry: Entry, checks: tuple[PermissionCheck, ...]) -> Decision:
    """One decision for a row: its mode over its codes, except that a code Huawei marks as to
    be taken offline stands in for the one code that replaces it (either satisfies the row; a
    Deny of either denies it, the stricter reading of an undocumented case)."""
    decisions = [check.decision for check in checks]
    if not entry.replaced_by_one:
        return combine(entry.mode, decisions)
    if Decision.EXPLICIT_DENY in decisions:
        return Decision.EXPLICIT_DENY
    return combine(Mode.ANY, decisions)


def _retiring_notes(entry: Entry, checks: tuple[PermissionCheck, ...], decision: Decision) -> tuple[str, ...]:
    retiring = ", ".join(entry.retiring)
    if entry.mode is Mode.ALL and not entry.replaced_by_one:
        return (
            f"the table marks {retiring} as to be taken offline beside several current permissions; "
            "which one it stands for is not documented, so every listed permission is required",
        )
    granted = {check.permission for check in checks if check.decision is Decision.ALLOWED}
    if decision is Decision.ALLOWED and granted and not granted & set(entry.current):
        through = ", ".join(code for code in entry.retiring if code in granted)
        return (
            f"allowed through {through}, which Huawei marks as to be taken offline: grant "
            f"{' or '.join(entry.current)} before it is retired",
        )
    return ()


def combine(mode: Mode, decisions: list[Decision]) -> Decision:
    """One decision for a row from its permissions' decisions."""
    if mode is Mode.ANY:
        for outcome in (Decision.ALLOWED, Decision.CONDITIONAL, Decision.UNKNOWN, Decision.IMPLICIT_DENY):
            if outcome in decisions:
                return outcome
        return Decision.EXPLICIT_DENY
    for outcome in (Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY, Decision.UNKNOWN, Decision.CONDITIONAL):
        if outcome in decisions:
            return outcome
    return Decision.ALLOWED


def either_model(models: tuple[tuple[Decision, tuple[PermissionCheck, ...]], ...]) -> Decision:
    """One decision from models that each may allow a call: the best of them, unless a Deny in
    any matches (explicit_deny), or something that may deny cannot be settled (then an allow
    reads as conditional or unknown, never as allowed)."""
    decisions = [decision for decision, _ in models]
    if Decision.EXPLICIT_DENY in decisions:
        return Decision.EXPLICIT_DENY
    best = min(decisions, key=_GRANT_RANK.__getitem__)
    if _GRANT_RANK[best] == 0:
        doubts = {check.doubt for _, checks in models for check in checks} - {None}
        if Decision.UNKNOWN in doubts:
            return Decision.UNKNOWN
        if Decision.CONDITIONAL in doubts:
            return Decision.CONDITIONAL
    return best


def bound(decision: Decision, boundary: tuple[PermissionCheck, ...]) -> Decision:
    """A decision after the SCPs: blocked when any SCP denies or allows none of the action."""
    if decision is Decision.EXPLICIT_DENY or not boundary:
        return decision
    if any(check.blocks for check in boundary):
        return Decision.BLOCKED_BY_SCP
    if _GRANT_RANK[decision] <= _GRANT_RANK[Decision.CONDITIONAL]:
        verdicts = {check.decision for check in boundary}
        if Decision.UNKNOWN in verdicts:
            return Decision.UNKNOWN
        if Decision.CONDITIONAL in verdicts:
            return Decision.CONDITIONAL
    return decision


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


class StatementIndex:
    """The statements that may grant or deny ``bss:`` codes, found by pattern rather than by
    walking every statement for every code: statements are filed under each action text they
    hold, each distinct text is matched against a code once, and only the statements of the
    texts that match are visited. Cost per code: the distinct texts plus the matches, not the
    statements (an account of 100,000 statements repeats a few dozen texts).
    """

    def __init__(self, grants: Grants) -> None:
        # (text, effect, model) -> (a pattern compiled from it, the statements holding it): the
        # effect and the model decide how a text is compiled (a Deny is read generously).
        self._by_text: dict[tuple[str, Effect, PolicyModel], tuple[ActionPattern, list[int]]] = {}
        # Every statement that counts, in document order: (policy, statement).
        self._statements: list[tuple[Policy, Statement]] = []
        self._walked: list[int] = []  # NotAction statements: matched one by one
        for policy in grants.policies:
            if policy.is_system_role:
                continue  # BSS authenticates policies only; the loader already warned
            identity = policy.model is PolicyModel.IDENTITY
            for statement in policy.statements:
                if identity and statement.effect is Effect.ALLOW:
                    # Which bss: codes live on as aliases of identity actions is not documented:
                    # an identity policy's Allow of a bss: code is not counted, its Deny is.
                    continue
                position = len(self._statements)
                self._statements.append((policy, statement))
                if statement.not_action:
                    self._walked.append(position)
                    continue
                for pattern in statement.actions:
                    key = (pattern.text, statement.effect, policy.model)
                    filed = self._by_text.get(key)
                    if filed is None:
                        filed = self._by_text[key] = (pattern, [])
                    if not filed[1] or filed[1][-1] != position:
                        filed[1].append(position)

    def matching(self, code: str) -> list[tuple[Policy, Statement, str]]:
        """The statements that apply to ``code``, in document order, with the text that makes
        each apply (the first of its actions that matches, as ``Statement.pattern_for``)."""
        positions = set(self._walked)
        matched: set[tuple[str, Effect, PolicyModel]] = set()
        for key, (pattern, filed) in self._by_text.items():
            if pattern.matches(code):
                matched.add(key)
                positions.update(filed)
        found = []
        for position in sorted(positions):
            policy, statement = self._statements[position]
            if statement.not_action:
                text = statement.pattern_for(code)
                if text is not None:
                    found.append((policy, statement, text))
                continue
            # The first of its actions that matches, told by the texts matched above (each
            # text of an effect and model compiles alike) rather than by matching them again.
            effect, model = statement.effect, policy.model
            for pattern in statement.actions:
                if (pattern.text, effect, model) in matched:
                    found.append((policy, statement, pattern.text))
                    break
        return found


def _customer_check(
    grants: Grants, code: str, options: EvaluationPolicy, index: StatementIndex
) -> PermissionCheck:
    allows: list[GrantRef] = []
    denies: list[GrantRef] = []
    for policy, statement, pattern in index.matching(code):
        grant = _statement_ref(code, statement, pattern, policy)
        (denies if statement.effect is Effect.DENY else allows).append(grant)
    unknowns = tuple(
        _opaque_ref(code, ref) for ref in grants.system_policies if ref.permission.could_touch(code)
    )
    decision = _iam_decision(allows, denies, options, unknowns)
    return PermissionCheck(code, decision, tuple(allows), tuple(denies), unknowns)


def _identity_check(grants: Grants, action: str, options: EvaluationPolicy) -> PermissionCheck:
    """An identity action against the identity policies held."""
    allows: list[GrantRef] = []
    denies: list[GrantRef] = []
    for policy in grants.identity_policies:
        for statement in policy.statements:
            pattern = statement.pattern_for(action)
            if pattern is not None:
                grant = _statement_ref(action, statement, pattern, policy)
                (denies if statement.effect is Effect.DENY else allows).append(grant)
    unknowns = _opaque_identity(grants, action)
    decision = _iam_decision(allows, denies, options, unknowns)
    return PermissionCheck(action, decision, tuple(allows), tuple(denies), unknowns)


def _opaque_identity(grants: Grants, action: str) -> tuple[GrantRef, ...]:
    """Grants that may hold identity statements but cannot be read (Terraform values unknown
    until apply): they may allow or deny any identity action."""
    return tuple(_opaque_ref(action, ref) for ref in grants.system_policies if ref.identity)


def _opaque_ref(permission: str, ref: SystemPolicyRef) -> GrantRef:
    """A grant that cannot be read, as the grant that may decide ``permission``."""
    return GrantRef(
        permission, ref.source, ref.name, "unknown", file=ref.location.file, line=ref.location.line
    )


def _undocumented_identity_check(grants: Grants) -> PermissionCheck:
    """The identity verdict for an API whose identity action Huawei does not document: every
    statement that could cover a billing action may apply, so none of them settles anything."""
    touching = tuple(
        _statement_ref(UNDOCUMENTED_ACTION, statement, _pattern_text(statement), policy)
        for policy in grants.identity_policies
        for statement in policy.statements
        if could_touch_billing(statement)
    ) + _opaque_identity(grants, UNDOCUMENTED_ACTION)
    decision = Decision.UNKNOWN if touching else Decision.IMPLICIT_DENY
    return PermissionCheck(UNDOCUMENTED_ACTION, decision, unknown_by=touching)


def _undocumented_code_check(grants: Grants) -> PermissionCheck:
    """The policy verdict for an API the customer table does not list but the identity-action
    table does: no bss: code is documented for it, so no policy can be shown to grant it."""
    touching = [
        _statement_ref(UNDOCUMENTED_CODE, statement, _pattern_text(statement), policy)
        for policy in grants.policies
        if policy.model is PolicyModel.POLICY
        for statement in policy.statements
        if could_touch_billing(statement)
    ]
    touching.extend(
        _opaque_ref(UNDOCUMENTED_CODE, ref) for ref in grants.system_policies if not ref.permission.is_role
    )
    decision = Decision.UNKNOWN if touching else Decision.IMPLICIT_DENY
    return PermissionCheck(UNDOCUMENTED_CODE, decision, unknown_by=tuple(touching))


def _boundary_check(
    scp: Policy, action: str, codes: tuple[str, ...], options: EvaluationPolicy
) -> PermissionCheck:
    """One SCP against an identity action (and, for its Denies, the API's bss: codes).

    For an undocumented action only an Allow of every action (``*``) is known to cover it; any
    other statement that may cover a billing action leaves the verdict unknown.
    """
    allows: list[GrantRef] = []
    denies: list[GrantRef] = []
    unknowns: list[GrantRef] = []
    for statement in scp.statements:
        deny = statement.effect is Effect.DENY
        if action != UNDOCUMENTED_ACTION:
            pattern = statement.pattern_for(action)
            if pattern is not None:
                (denies if deny else allows).append(_statement_ref(action, statement, pattern, scp))
        elif not deny and not statement.not_action and any(p.text == "*" for p in statement.actions):
            allows.append(_statement_ref(action, statement, "*", scp))
        elif could_touch_billing(statement):
            unknowns.append(_statement_ref(action, statement, _pattern_text(statement), scp))
        if deny:
            for code in codes:
                pattern = statement.pattern_for(code)
                if pattern is not None:
                    denies.append(_statement_ref(code, statement, pattern, scp))
    decision = _iam_decision(allows, denies, options)
    if decision is not Decision.EXPLICIT_DENY and (
        any(grant.may_deny for grant in unknowns) or (unknowns and decision is Decision.IMPLICIT_DENY)
    ):
        decision = Decision.UNKNOWN
    return PermissionCheck(action, decision, tuple(allows), tuple(denies), tuple(unknowns), scp.name)


def could_touch_billing(statement: Statement) -> bool:
    """Whether a statement may apply to some action of a billing service."""
    if statement.not_action:
        return True
    for pattern in statement.actions:
        service = pattern.text.partition(":")[0]
        if pattern.text == "*" or service == "*":
            return True
        regex = ".*".join(re.escape(part) for part in service.split("*"))
        if any(re.fullmatch(regex, known, re.IGNORECASE) for known in BILLING_SERVICES):
            return True
    return False


def _pattern_text(statement: Statement) -> str:
    texts = ", ".join(pattern.text for pattern in statement.actions)
    return f"NotAction [{texts}]" if statement.not_action else texts


def _iam_decision(
    allows: list[GrantRef],
    denies: list[GrantRef],
    options: EvaluationPolicy,
    unknowns: tuple[GrantRef, ...] = (),
) -> Decision:
    firm_deny = any(d.condition is None or options.assume_conditions for d in denies)
    if firm_deny:
        return Decision.EXPLICIT_DENY
    if unknowns:
        return Decision.UNKNOWN  # a document we cannot read may grant it, or deny it
    firm_allow = any(a.condition is None or options.assume_conditions for a in allows)
    if denies:
        # Only conditional Denies matched: they may or may not apply to the real request.
        return Decision.CONDITIONAL if allows else Decision.IMPLICIT_DENY
    if firm_allow:
        return Decision.ALLOWED
    return Decision.CONDITIONAL if allows else Decision.IMPLICIT_DENY


_SOURCES = {
    PolicyModel.POLICY: "policy",
    PolicyModel.IDENTITY: "identity_policy",
    PolicyModel.SCP: "scp",
    PolicyModel.ROLE: "policy",
}


def _statement_ref(code: str, statement: Statement, pattern: str, policy: Policy | None = None) -> GrantRef:
    return GrantRef(
        permission=code,
        source=_SOURCES[policy.model] if policy is not None else "policy",
        name=statement.policy,
        effect=statement.effect.value,
        statement=statement.index,
        pattern=pattern,
        condition=statement.condition,
        file=statement.location.file,
        line=statement.location.line,
        origin=policy.origin if policy is not None else None,
    )


# --------------------------------------------------------------------------- notes
# What the files cannot settle, and what would settle it: the same words reach every format.


def _bundled_identity() -> IdentityTable:
    from permtable.identity_table import bundled_identity  # noqa: PLC0415  (see TYPE_CHECKING above)

    return bundled_identity()


def _system_notes(checks: tuple[PermissionCheck, ...], grants: Grants) -> list[str]:
    """What a grant that cannot be read may do, and what settles it."""
    from permtable.system_policies import export_command  # noqa: PLC0415  (named system policies only)

    names: dict[tuple[str, str], list[str]] = {}
    for check in checks:
        for grant in check.unknown_by:
            if grant.source in ("system_policy", "terraform"):
                names.setdefault((grant.source, grant.name), []).append(check.permission)
    settles = {ref.name: ref.settle for ref in grants.system_policies}
    notes = []
    for (source, name), codes in names.items():
        reached = ", ".join(dict.fromkeys(codes))
        if source == "system_policy":
            notes.append(
                f"system policy {name!r} is named without its document and may grant or deny {reached}: "
                f"export it with {export_command(name)} and pass that file with -g"
            )
        else:
            notes.append(
                f"{name} may grant or deny {reached}: {settles.get(name) or 'known only after apply'}"
            )
    return notes


def _model_notes(
    entry: Entry | None,
    checks: tuple[PermissionCheck, ...],
    legacy: Decision,
    row: Entry | None,
    identity_checks: tuple[PermissionCheck, ...],
    identity: IdentityTable,
    grants: Grants,
) -> list[str]:
    notes = _system_notes((*checks, *identity_checks), grants)
    edition = identity.source.updated or "undated"
    if row is None:
        for check in identity_checks:
            relevant = any(grant.may_deny for grant in check.unknown_by) or legacy not in (
                Decision.ALLOWED,
                Decision.NOT_CHECKED,
            )
            if check.unknown_by and relevant:
                statements = "; ".join(_statement_text(grant) for grant in check.unknown_by)
                notes.append(
                    f"Huawei does not document the identity action for this API (identity-action table "
                    f"of {edition}), so identity policies cannot be read for it; statements that may apply: "
                    f"{statements}. Give a table that lists it with --table FILE (type: identity)"
                )
    elif entry is None:
        actions = " and ".join(row.permissions)
        notes.append(
            f"not in the customer table in use, but Huawei documents the identity action {actions} "
            f"for it (identity-action table of {edition}): identity policies holding it can call it"
        )
        if legacy is Decision.UNKNOWN:
            denies = [grant for check in checks for grant in check.unknown_by if grant.may_deny]
            text = "no bss: code is documented for it, so policies (Version 1.1) cannot be shown to grant it"
            if denies:
                text += "; these may deny its undocumented code: " + "; ".join(map(_statement_text, denies))
            notes.append(text + ". Give a newer customer table with --table FILE if Huawei lists it there")
    return notes


def _boundary_notes(boundary: tuple[PermissionCheck, ...]) -> list[str]:
    notes = []
    for check in boundary:
        scp = f"SCP {check.scp!r}"
        if check.decision is Decision.EXPLICIT_DENY:
            denies = "; ".join(_statement_text(grant) for grant in check.denied_by)
            notes.append(f"blocked by {scp}: {denies}")
        elif check.decision is Decision.IMPLICIT_DENY:
            notes.append(f"blocked by {scp}: no statement of it allows {check.permission}")
        elif check.decision is Decision.UNKNOWN:
            statements = "; ".join(_statement_text(grant) for grant in check.unknown_by)
            notes.append(f"{scp} may block it: {statements} may cover {check.permission}")
        elif check.decision is Decision.CONDITIONAL:
            notes.append(f"{scp} allows {check.permission} only under a Condition")
    return notes


def _statement_text(grant: GrantRef) -> str:
    where = f"{grant.name!r} statement {grant.statement}" if grant.statement else repr(grant.name)
    text = f"{where} ({grant.effect} {grant.pattern})" if grant.pattern else where
    return text + (f" [{grant.file}:{grant.line}]" if grant.file and grant.line else "")
