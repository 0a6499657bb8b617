"""explain as a library call: the rows an API names in both tables, or what a permission code or
pattern unlocks, and with grants the whole decision trace."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from permtable.apis import IDENTIFIER, parse_api
from permtable.errors import InputError, Location
from permtable.evaluate import EvaluationPolicy
from permtable.grants import Grants
from permtable.identity_records import IdentityActionRecord, identity_action_records
from permtable.identity_table import IdentityTable
from permtable.listing import matching_permissions
from permtable.model import AccountType, Entry, Permission, Table
from permtable.patterns import compile_action
from permtable.queries import can_call
from permtable.reports import (
    CanCallRecord,
    CanCallReport,
    PermissionRecord,
    RowRecord,
)
from permtable.tables import TableSet
from permtable.unmatched import Suggestion, SuggestionRecord
from permtable.values import OMITTED_IF_EMPTY, SCHEMA_VERSION

DEFAULT_OPTIONS = EvaluationPolicy()


@dataclass(frozen=True, slots=True)
class ExplainReport:
    """The answer of explain: the rows an API or a permission names, and a decision trace."""

    target: str
    kind: str  # "api" or "permission"
    entries: tuple[tuple[Entry, Table], ...]
    permissions: tuple[tuple[Permission, Table], ...]
    suggestions: tuple[Suggestion, ...]
    notes: tuple[str, ...]
    decision: CanCallReport | None  # with grants: the full decision trace for the account
    # The identity-action table's rows for the APIs shown (customer side), and the table.
    identity_rows: tuple[Entry, ...] = ()
    identity: IdentityTable | None = None

    @property
    def matched(self) -> bool:
        return bool(self.entries or self.permissions or self.identity_rows)

    def record(self) -> ExplainRecord:
        return ExplainRecord(
            SCHEMA_VERSION,
            self.target,
            self.kind,
            self.matched,
            tuple(RowRecord.of(entry, table) for entry, table in self.entries),
            tuple(PermissionRecord.of(permission, permission.apis) for permission, _ in self.permissions),
            tuple(SuggestionRecord.of(suggestion) for suggestion in self.suggestions),
            self.notes,
            self.decision.record() if self.decision else None,
            identity_action_records(self.identity_rows, self.identity) if self.identity is not None else (),
        )


@dataclass(frozen=True, slots=True, eq=False)
class ExplainRecord:
    """explain as shown."""

    schema_version: int
    target: str
    kind: str  # "api" or "permission"
    matched: bool
    entries: tuple[RowRecord, ...]
    permissions: tuple[PermissionRecord, ...]  # each with the APIs it unlocks
    suggestions: tuple[SuggestionRecord, ...]
    notes: tuple[str, ...]
    decision: CanCallRecord | None
    # Schema 2: the identity-policy action Huawei documents for each customer API shown.
    identity_actions: tuple[IdentityActionRecord, ...] = field(default=(), metadata=OMITTED_IF_EMPTY)


_METHOD_LESS_PATH = r"(https?://\S+|/\S*)"


def explain(
    target: str,
    tables: TableSet,
    grants: Grants | None = None,
    account_type: AccountType | None = None,
    options: EvaluationPolicy = DEFAULT_OPTIONS,
) -> ExplainReport:
    """Explain an API (its rows in both tables) or a permission code or pattern (what it unlocks)."""
    if grants is not None:
        if account_type is not None and account_type is not grants.account_type:
            raise InputError(
                f"--type {account_type.value} contradicts the {grants.account_type.value} grants file",
                Location(grants.files[0]),
            )
        account_type = grants.account_type
    types = [account_type] if account_type else list(AccountType)
    text = target.strip()
    if _looks_like_api(text):
        return _explain_api(text, tables, types, grants, options)
    return _explain_permission(text, tables, types)


def _looks_like_api(text: str) -> bool:
    from permtable.operations import lookup as lookup_operation  # noqa: PLC0415  (explain only)

    first = text.split(None, 1)[0] if text.split() else ""
    if re.fullmatch(IDENTIFIER, text) and lookup_operation(text) is not None:
        return True  # an SDK operation name: list_customer_orders, ListCustomerOrdersRequest
    return "/" in text or first.upper() in {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}


def _explain_api(
    text: str, tables: TableSet, types: list[AccountType], grants: Grants | None, options: EvaluationPolicy
) -> ExplainReport:
    where = Location("<argument>")
    if re.fullmatch(_METHOD_LESS_PATH, text):
        # A bare path: show it under every method it is listed for.
        refs = [parse_api(f"{method} {text}", where) for method in ("GET", "POST", "PUT", "DELETE", "PATCH")]
    else:
        refs = [parse_api(text, where)]
    entries: list[tuple[Entry, Table]] = []
    suggestions: list[Suggestion] = []
    for kind in types:
        indexed = tables.get(kind)
        for ref in refs:
            # Every row the API can reach: one, or several for a {hole} where rows differ.
            for entry in indexed.router.candidates(ref):
                if entry is not None and (entry, indexed.table) not in entries:
                    entries.append((entry, indexed.table))
        if not any(table is indexed.table for _, table in entries):
            suggestions.extend(indexed.router.suggestions(refs[0]))
    notes: list[str] = []
    identity = tables.identity() if AccountType.CUSTOMER in types else None
    identity_rows: list[Entry] = []
    if identity is not None:
        for entry, table in entries:
            row = (
                identity.row_for(entry.method, entry.path)
                if table.account_type is AccountType.CUSTOMER
                else None
            )
            if row is not None:
                identity_rows.append(row)
        for ref in refs:
            row = identity.routed(ref)
            if row is not None and row not in identity_rows:
                identity_rows.append(row)
    listed_in = {table.account_type for _, table in entries}
    for kind in types:
        if kind in listed_in:
            continue
        if kind is AccountType.CUSTOMER and identity_rows:
            actions = " and ".join(identity_rows[0].permissions)
            notes.append(
                "not in the customer table, but Huawei documents the identity-policy action "
                f"{actions} for it: "
                "customer accounts need it in an identity policy"
            )
            continue
        if kind.other in listed_in:
            notes.append(
                f"not in the {kind.value} table: documented only for {kind.other.value} accounts, "
                f"so {kind.value} accounts are not counted as able to call it"
            )
        else:
            notes.append(
                f"not in the {kind.value} table: {kind.value} accounts need no fine-grained permission for it"
            )
    decision = None
    if grants is not None:
        router = tables.get(grants.account_type).router
        matched = [ref for ref in refs if any(router.candidates(ref))] or refs[:1]
        decision = can_call(matched, grants, tables, options)
    if identity_rows:
        suggestions = [s for s in suggestions if s.entry.table is not AccountType.CUSTOMER]
    return ExplainReport(
        text,
        "api",
        tuple(entries),
        (),
        tuple(_unique(suggestions)),
        tuple(notes),
        decision,
        tuple(identity_rows),
        identity,
    )


def _explain_permission(text: str, tables: TableSet, types: list[AccountType]) -> ExplainReport:
    found: list[tuple[Permission, Table]] = []
    for kind in types:
        table = tables.get(kind).table
        for permission in matching_permissions(text, table):
            found.append((permission, table))
    entries = tuple(
        (entry, table)
        for permission, table in found
        for entry in table.entries
        if permission.code in entry.permissions
    )
    entries = tuple(dict.fromkeys(entries))
    notes = []
    identity = tables.identity() if AccountType.CUSTOMER in types else None
    identity_rows: tuple[Entry, ...] = ()
    if identity is not None:
        pattern = compile_action(text.strip(), case_sensitive=True) if text.strip() != "*" else None
        if pattern is not None:
            identity_rows = tuple(
                row for row in identity.rows if any(pattern.matches(action) for action in row.permissions)
            )
    if identity_rows:
        return ExplainReport(text, "permission", entries, tuple(found), (), (), None, identity_rows, identity)
    if not found:
        if ":" not in text and not text.upper().startswith("BPC_"):
            raise InputError(
                f"{text!r} is neither an API nor a permission",
                Location("<argument>"),
                'give "METHOD /path", a code like BPC_ITEM_..., or an IAM action like bss:order:view',
            )
        from permtable.textdistance import closest  # noqa: PLC0415

        codes = [code for kind in types for code in tables.get(kind).table.permissions]
        near = closest(text, codes)
        notes.append(f"no documented API needs {text}" + (f"; did you mean {near[0]}?" if near else ""))
    return ExplainReport(text, "permission", entries, tuple(found), (), tuple(notes), None)


def _unique(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Each suggested API once: an API both tables list is one suggestion, not two alike."""
    seen: set[str] = set()
    unique = []
    for suggestion in suggestions:
        key = suggestion.entry.api
        if key not in seen:
            seen.add(key)
            unique.append(suggestion)
    return unique
