"""Fleet audits: one API asked of many accounts (who-can), and many APIs of many accounts (matrix).

Partners run dozens of operator accounts and customers hundreds of IAM users, each described by
its own grants file. A fleet run names files and directories; every file found is one account,
checked against the table of its own type, so a folder may mix partner and customer accounts.

Each file is loaded on its own. A file that cannot be read does not stop the run: the reviewer
gets every broken file at once, with the answers for all the others, and the command line then
exits 2 (a broken input is never a pass). Tables and routers are built once per run; who-can
evaluates only the permissions of the one row it asks about.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from permtable.apis import ApiRef, split_path
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import ApiResult, Decision, EvaluationPolicy, Evaluator, Route, route
from permtable.files import DEFAULT_MAX_BYTES
from permtable.grants import Grants, load_grants_file, review_grants
from permtable.model import AccountType, Entry, Table
from permtable.reports import entry_record
from permtable.router import Suggestion
from permtable.tables import IndexedTable, TableSet
from permtable.values import SCHEMA_VERSION

GRANTS_SUFFIXES = (".yaml", ".yml", ".json")

# The three cells of a matrix. "callable" includes APIs the account type's table does not list
# (Huawei: no fine-grained check); the decision beside each cell keeps the distinction.
CALLABLE = "callable"
DENIED = "denied"
CONDITIONAL = "conditional"
CELLS = (CALLABLE, DENIED, CONDITIONAL)


# --------------------------------------------------------------------------- finding the files


@dataclass(frozen=True, slots=True)
class FleetFiles:
    """The grants files of a run, in a deterministic order."""

    files: tuple[str, ...]
    # Files named directly rather than found in a directory: always accounts, even when another
    # grants file also uses them as a policy file.
    named: frozenset[str]
    notices: tuple[Notice, ...] = ()


def _key(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def expand_paths(paths: Sequence[str]) -> FleetFiles:
    """Files as given; directories searched recursively for ``*.yaml``, ``*.yml``, ``*.json``.

    Inside a directory files come in path order (sorted by name, segment by segment), hidden files
    and directories (a leading '.') are skipped and symbolic links to directories are not
    followed. A file reached twice (named and found, or under two PATHs) counts once.
    """
    if not paths:
        raise InputError("no grants file or directory given", hint="pass one with -g/--grants PATH")
    files: list[str] = []
    named: set[str] = set()
    notices: list[Notice] = []
    seen: set[str] = set()
    for path in paths:
        if not path:
            raise InputError("empty grants path", hint="pass a grants file or a directory of them")
        if os.path.isdir(path):
            found = _walk(path)
            if not found:
                notices.append(
                    Notice(
                        "no grants files (*.yaml, *.yml, *.json) in this directory",
                        Location(path),
                    )
                )
        elif os.path.lexists(path):
            found = [path]
            named.add(_key(path))
        else:
            raise InputError("no such file or directory", Location(path))
        for file in found:
            key = _key(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    if not files:
        raise InputError(
            "no grants files found",
            Location(paths[0]),
            "a directory is searched recursively for *.yaml, *.yml and *.json files",
        )
    return FleetFiles(tuple(files), frozenset(named), tuple(notices))


def _walk(directory: str) -> list[str]:
    def refuse(error: OSError) -> None:
        where = Location(getattr(error, "filename", None) or directory)
        raise InputError(f"cannot read the directory: {error.strerror or error}", where)

    found: list[tuple[tuple[str, ...], str]] = []
    for folder, subfolders, names in os.walk(directory, onerror=refuse, followlinks=False):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        relative = os.path.relpath(folder, directory)
        parts = () if relative == os.curdir else tuple(relative.split(os.sep))
        for name in names:
            if name.startswith(".") or not name.lower().endswith(GRANTS_SUFFIXES):
                continue
            found.append(((*parts, name), os.path.join(folder, name)))
    found.sort()
    return [path for _, path in found]


# --------------------------------------------------------------------------- loading each account


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """A grants file that could not be read: reported, and the run exits 2."""

    file: str
    error: InputError

    @property
    def text(self) -> str:
        """The one-line message, always naming the file."""
        return str(self.error) if self.error.location.file else f"{self.file}: {self.error}"

    def to_dict(self) -> dict[str, object]:
        location = self.error.location
        return {
            "file": self.file,
            "message": self.error.message,
            "location": location.to_dict() if location.file else Location(self.file).to_dict(),
            "hint": self.error.hint,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found in a directory that is not an account of its own."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "reason": self.reason}


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Audited(Generic[T]):
    """One account and the answer computed for it."""

    account: str
    account_type: AccountType
    file: str
    answer: T


@dataclass(frozen=True, slots=True)
class FleetRun(Generic[T]):
    audited: tuple[Audited[T], ...]
    failures: tuple[LoadFailure, ...]
    skipped: tuple[Skipped, ...]
    notices: tuple[Notice, ...]

    @property
    def types(self) -> set[AccountType]:
        return {item.account_type for item in self.audited}


def audit_files(
    fleet: FleetFiles,
    tables: TableSet,
    answer: Callable[[Grants], T],
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[str], None] | None = None,
) -> FleetRun[T]:
    """Load every file as one account and compute ``answer`` for it.

    Only the answer and a few names are kept per account, so memory stays small for thousands of
    files. ``on_file`` is called after each file (a progress bar); the library never prints.
    A file found in a directory that another grants file of the run names as a policy
    (``policies: [{file: ...}]``) is a part of that account, not an account: it is skipped.
    """
    permissions = {kind: tables.get(kind).table.permissions for kind in AccountType}
    outcomes: list[tuple[str, Audited[T] | LoadFailure, list[Notice]]] = []
    policy_files: dict[str, str] = {}
    for file in fleet.files:
        notices: list[Notice] = []
        outcome: Audited[T] | LoadFailure
        try:
            grants = load_grants_file(file, max_bytes)
        except InputError as error:
            outcome = LoadFailure(file, error)
        else:
            for policy in grants.policies:
                used = policy.location.file
                if used is not None and used != file:
                    policy_files.setdefault(_key(used), file)
            own = grants.account_type
            other = own.other
            notices = review_grants(grants, permissions[own], permissions[other])
            outcome = Audited(grants.account, own, file, answer(grants))
        outcomes.append((file, outcome, notices))
        if on_file is not None:
            on_file(file)
    audited: list[Audited[T]] = []
    failures: list[LoadFailure] = []
    skipped: list[Skipped] = []
    all_notices: list[Notice] = list(fleet.notices)
    for file, outcome, notices in outcomes:
        key = _key(file) if policy_files else ""
        if key in policy_files and key not in fleet.named:
            skipped.append(Skipped(file, f"a policy file of {policy_files[key]}, not an account of its own"))
            continue
        all_notices.extend(notices)
        if isinstance(outcome, LoadFailure):
            failures.append(outcome)
        else:
            audited.append(outcome)
    return FleetRun(tuple(audited), tuple(failures), tuple(skipped), tuple(all_notices))


def _focused(indexed: IndexedTable, entries: Sequence[Entry]) -> IndexedTable:
    """The table with only the permissions ``entries`` need: an Evaluator built on it checks
    those codes and no others (the router, and so every row, stays the same)."""
    codes = {code for entry in entries for code in entry.permissions}
    table = indexed.table
    narrowed = replace(table, permissions={c: p for c, p in table.permissions.items() if c in codes})
    return IndexedTable(narrowed, indexed.router)


def _route(ref: ApiRef, tables: TableSet, kind: AccountType) -> Route:
    return route(ref, tables.get(kind), lambda: tables.get(kind.other))


def _errors_and_skipped(run: FleetRun[T]) -> dict[str, object]:
    return {
        "errors": [failure.to_dict() for failure in run.failures],
        "skipped": [item.to_dict() for item in run.skipped],
        "warnings": [notice.to_dict() for notice in run.notices],
    }


def _table_record(table: Table, lang: str) -> dict[str, object]:
    return table.source.to_dict(lang) | {"type": table.account_type.value}


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

    def to_dict(self, lang: str, options: EvaluationPolicy) -> dict[str, object]:
        return {
            "type": self.table.account_type.value,
            "listed": self.entry is not None,
            "entry": entry_record(self.entry, self.table, lang) if self.entry else None,
            "suggestions": [suggestion.to_dict(lang) for suggestion in self.suggestions],
            "note": self.note(options),
            "table": _table_record(self.table, lang),
        }


def account_answer_record(item: Audited[ApiResult]) -> dict[str, object]:
    result = item.answer
    return {
        "account": item.account,
        "file": item.file,
        "type": item.account_type.value,
        "callable": result.callable,
        "decision": result.decision.value,
        "granted_by": [grant.to_dict() for grant in result.granted_by],
        "denied_by": [grant.to_dict() for check in result.checks for grant in check.denied_by],
        "missing": list(result.missing),
        "unlisted_reason": result.unlisted_kind.value if result.unlisted_kind else None,
    }


def _decision_counts(decisions: Sequence[Decision]) -> dict[str, int]:
    counted = Counter(decision.value for decision in decisions)
    return {decision.value: counted.get(decision.value, 0) for decision in Decision}


@dataclass(frozen=True, slots=True)
class WhoCanReport:
    ref: ApiRef
    listings: tuple[Listing, ...]  # one per account type
    run: FleetRun[ApiResult]
    options: EvaluationPolicy

    @property
    def any_callable(self) -> bool:
        return any(item.answer.callable for item in self.run.audited)

    def to_dict(self, lang: str) -> dict[str, object]:
        ref = self.ref
        answers = [item.answer for item in self.run.audited]
        return {
            "schema_version": SCHEMA_VERSION,
            "api": {
                "input": ref.text,
                "method": ref.method,
                "path": ref.path,
                "host": ref.host,
                "operation": ref.operation,
                "tables": [listing.to_dict(lang, self.options) for listing in self.listings],
            },
            "options": {"strict": self.options.strict, "assume_conditions": self.options.assume_conditions},
            "accounts": [account_answer_record(item) for item in self.run.audited],
            "summary": {
                "accounts": len(answers),
                "callable": sum(1 for result in answers if result.callable),
                "not_callable": sum(1 for result in answers if not result.callable),
                "decisions": _decision_counts([result.decision for result in answers]),
                "errors": len(self.run.failures),
                "skipped": len(self.run.skipped),
            },
            **_errors_and_skipped(self.run),
        }


def who_can(
    ref: ApiRef,
    fleet: FleetFiles,
    tables: TableSet,
    options: EvaluationPolicy,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[str], None] | None = None,
) -> WhoCanReport:
    """Which accounts of the fleet can call ``ref``, each against its own type's table."""
    listings: dict[AccountType, Listing] = {}
    focused: dict[AccountType, IndexedTable] = {}
    # Routed once per account type, as can-call routes it (holes, near misses, the other
    # type's table), then decided per account.
    routes = {kind: _route(ref, tables, kind) for kind in AccountType}
    for kind, where in routes.items():
        indexed = tables.get(kind)
        entry = where.listed[0] if where.listed else None
        listings[kind] = Listing(indexed.table, entry, where.suggestions, where.other_entry)
        focused[kind] = _focused(indexed, where.listed)

    def answer(grants: Grants) -> ApiResult:
        kind = grants.account_type
        return Evaluator(focused[kind], grants, options).evaluate_route(routes[kind], ref)

    run = audit_files(fleet, tables, answer, max_bytes, on_file)
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


# --------------------------------------------------------------------------- matrix


@dataclass(frozen=True, slots=True)
class Cell:
    decision: Decision
    callable: bool
    kind: str  # CALLABLE, DENIED or CONDITIONAL


def _make_cell(decision: Decision, callable: bool) -> Cell:
    if callable:
        kind = CALLABLE
    else:
        kind = CONDITIONAL if decision is Decision.CONDITIONAL else DENIED
    return Cell(decision, callable, kind)


# Ten possible cells, shared by every row: a matrix of thousands of accounts holds references.
_CELLS = {(decision, flag): _make_cell(decision, flag) for decision in Decision for flag in (True, False)}


def cell(decision: Decision, callable: bool) -> Cell:
    return _CELLS[decision, callable]


@dataclass(frozen=True, slots=True)
class Column:
    """One API of the matrix and its row in each account type's table (None: not listed)."""

    ref: ApiRef
    routes: tuple[tuple[AccountType, Route], ...]

    @property
    def entries(self) -> tuple[tuple[AccountType, Entry | None], ...]:
        """The first row each table lists the API at (None: not listed)."""
        return tuple((kind, where.listed[0] if where.listed else None) for kind, where in self.routes)

    def route(self, kind: AccountType) -> Route:
        return dict(self.routes)[kind]


@dataclass(frozen=True, slots=True)
class MatrixReport:
    columns: tuple[Column, ...]
    run: FleetRun[tuple[Cell, ...]]
    options: EvaluationPolicy
    scope: str  # "tables" (every row of the account types present) or "apis" (as given)

    def to_dict(self, lang: str) -> dict[str, object]:
        rows = self.run.audited
        apis = []
        for index, column in enumerate(self.columns):
            cells = Counter(item.answer[index].kind for item in rows)
            apis.append(
                {
                    "input": column.ref.text,
                    "method": column.ref.method,
                    "path": column.ref.path,
                    "api": column.ref.api,
                    "listed_in": [
                        {"type": kind.value, "row": entry.index}
                        for kind, entry in column.entries
                        if entry is not None
                    ],
                    "cells": {cell: cells.get(cell, 0) for cell in CELLS},
                }
            )
        totals = Counter(cell.kind for item in rows for cell in item.answer)
        return {
            "schema_version": SCHEMA_VERSION,
            "scope": self.scope,
            "options": {"strict": self.options.strict, "assume_conditions": self.options.assume_conditions},
            "apis": apis,
            "accounts": [
                {
                    "account": item.account,
                    "file": item.file,
                    "type": item.account_type.value,
                    "cells": [cell.kind for cell in item.answer],
                    "decisions": [cell.decision.value for cell in item.answer],
                }
                for item in rows
            ],
            "summary": {
                "accounts": len(rows),
                "apis": len(self.columns),
                "cells": {cell: totals.get(cell, 0) for cell in CELLS},
                "errors": len(self.run.failures),
                "skipped": len(self.run.skipped),
            },
            **_errors_and_skipped(self.run),
        }


def _table_refs(tables: TableSet) -> list[ApiRef]:
    """Every row of both tables as a reference, partner rows first; one per method and path."""
    refs: dict[tuple[str, str], ApiRef] = {}
    for kind in AccountType:
        for entry in tables.get(kind).table.entries:
            ref = ApiRef(entry.method, entry.path, split_path(entry.path), entry.api)
            refs.setdefault((ref.method, ref.path), ref)
    return list(refs.values())


def matrix(
    refs: Sequence[ApiRef] | None,
    fleet: FleetFiles,
    tables: TableSet,
    options: EvaluationPolicy,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[str], None] | None = None,
) -> MatrixReport:
    """Every account by every API. ``refs`` None: the rows of the tables of the account types
    present in the fleet (an API in both tables is one column)."""
    scope = "tables" if refs is None else "apis"
    unique: dict[tuple[str, str], ApiRef] = {}
    for ref in _table_refs(tables) if refs is None else refs:
        unique.setdefault((ref.method, ref.path), ref)
    columns = [
        Column(ref, tuple((kind, _route(ref, tables, kind)) for kind in AccountType))
        for ref in unique.values()
    ]
    rows = {kind: [(column.ref, column.route(kind)) for column in columns] for kind in AccountType}

    def answer(grants: Grants) -> tuple[Cell, ...]:
        kind = grants.account_type
        evaluator = Evaluator(tables.get(kind), grants, options)
        cells = []
        for ref, where in rows[kind]:
            result = evaluator.evaluate_route(where, ref)
            cells.append(cell(result.decision, result.callable))
        return tuple(cells)

    run = audit_files(fleet, tables, answer, max_bytes, on_file)
    notices: list[Notice] = []
    if refs is None:
        # Keep the columns some account's own table lists; drop the rest from every row.
        present = run.types
        keep = [
            index
            for index, column in enumerate(columns)
            if any(entry is not None and kind in present for kind, entry in column.entries)
        ]
        columns = [columns[index] for index in keep]
        audited = tuple(replace(item, answer=tuple(item.answer[i] for i in keep)) for item in run.audited)
        run = replace(run, audited=audited)
    else:
        for column in columns:
            for kind, where in column.routes:
                if where.suggestions and kind in run.types:
                    near = where.suggestions[0]
                    notices.append(
                        Notice(
                            f"{column.ref.text} is not in the {kind.value} table, but a near miss of "
                            f"{near.entry.api} ({near.reason}): {kind.value} accounts are not counted "
                            "as able to call it",
                            column.ref.location or Location(),
                        )
                    )
    run = replace(run, notices=(*run.notices, *notices))
    return MatrixReport(tuple(columns), run, options, scope)
