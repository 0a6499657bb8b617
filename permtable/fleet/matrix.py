"""matrix: every account of a fleet by every API asked (or every row of their tables)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from permtable.apis import ApiRef, split_path
from permtable.errors import Location, Notice
from permtable.evaluate import Decision, EvaluationPolicy, Evaluator, Route
from permtable.files import DEFAULT_MAX_BYTES
from permtable.fleet.accounts import (
    Audited,
    FailureRecord,
    FleetFiles,
    FleetRun,
    Skipped,
    audit_files,
    failure_records,
    route_in,
)
from permtable.grants import Grants
from permtable.model import AccountType, Entry
from permtable.reports import LazyRecords
from permtable.tables import TableSet
from permtable.values import SCHEMA_VERSION

# (Huawei: no fine-grained check); the decision beside each cell keeps the distinction.
CALLABLE = "callable"
DENIED = "denied"
CONDITIONAL = "conditional"
CELLS = (CALLABLE, DENIED, CONDITIONAL)


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

    def record(self) -> MatrixRecord:
        rows = self.run.audited
        # One pass over the answers (read from disk for a large fleet): each column's counts.
        counts = [Counter[str]() for _ in self.columns]
        for item in rows:
            for index, found in enumerate(item.answer):
                counts[index][found.kind] += 1
        apis = []
        for index, column in enumerate(self.columns):
            cells = counts[index]
            apis.append(
                MatrixColumn(
                    column.ref.text,
                    column.ref.method,
                    column.ref.path,
                    column.ref.api,
                    tuple(ListedIn(kind, entry.index) for kind, entry in column.entries if entry is not None),
                    {cell: cells.get(cell, 0) for cell in CELLS},
                )
            )
        totals = sum(counts, Counter[str]())
        summary = MatrixSummary(
            accounts=len(rows),
            apis=len(self.columns),
            cells={cell: totals.get(cell, 0) for cell in CELLS},
            errors=len(self.run.failures),
            skipped=len(self.run.skipped),
        )
        return MatrixRecord(
            SCHEMA_VERSION,
            self.scope,
            self.options,
            tuple(apis),
            LazyRecords(rows, MatrixRow.of),
            summary,
            failure_records(self.run),
            self.run.skipped,
            self.run.notices,
        )


@dataclass(frozen=True, slots=True, eq=False)
class ListedIn:
    type: AccountType
    row: int


@dataclass(frozen=True, slots=True, eq=False)
class MatrixColumn:
    """One API of the matrix: where the tables list it, and how many accounts got each cell."""

    input: str
    method: str
    path: str
    api: str
    listed_in: tuple[ListedIn, ...]
    cells: Mapping[str, int]


@dataclass(frozen=True, slots=True, eq=False)
class MatrixRow:
    """One account of the matrix: its cell and decision for each API, in column order."""

    account: str
    file: str
    type: AccountType
    cells: tuple[str, ...]
    decisions: tuple[Decision, ...]

    @classmethod
    def of(cls, item: Audited[tuple[Cell, ...]]) -> MatrixRow:
        return cls(
            item.account,
            item.file,
            item.account_type,
            tuple(cell.kind for cell in item.answer),
            tuple(cell.decision for cell in item.answer),
        )


@dataclass(frozen=True, slots=True, eq=False)
class MatrixSummary:
    accounts: int
    apis: int
    cells: Mapping[str, int]
    errors: int
    skipped: int


@dataclass(frozen=True, slots=True, eq=False)
class MatrixRecord:
    """matrix as shown."""

    schema_version: int
    scope: str
    options: EvaluationPolicy
    apis: tuple[MatrixColumn, ...]
    accounts: Sequence[MatrixRow]
    summary: MatrixSummary
    errors: tuple[FailureRecord, ...]
    skipped: tuple[Skipped, ...]
    warnings: tuple[Notice, ...]


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
    jobs: int | None = 1,
) -> MatrixReport:
    """Every account by every API. ``refs`` None: the rows of the tables of the account types
    present in the fleet (an API in both tables is one column)."""
    scope = "tables" if refs is None else "apis"
    unique: dict[tuple[str, str], ApiRef] = {}
    for ref in _table_refs(tables) if refs is None else refs:
        unique.setdefault((ref.method, ref.path), ref)
    columns = [
        Column(ref, tuple((kind, route_in(ref, tables, kind)) for kind in AccountType))
        for ref in unique.values()
    ]
    rows = {kind: [(column.ref, column.route(kind)) for column in columns] for kind in AccountType}

    def answer(grants: Grants) -> tuple[Cell, ...]:
        kind = grants.account_type
        evaluator = Evaluator(tables.get(kind), grants, options, identity=tables.identity)
        cells = []
        for ref, where in rows[kind]:
            result = evaluator.evaluate_route(where, ref)
            cells.append(cell(result.decision, result.callable))
        return tuple(cells)

    # Each file's review warns only about the permissions these APIs need.
    focus = {
        kind: frozenset(
            code for _, where in rows[kind] for entry in where.listed for code in entry.permissions
        )
        for kind in AccountType
    }
    run = audit_files(fleet, tables, answer, max_bytes, on_file, focus, jobs)
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
        audited = LazyRecords(
            run.audited, lambda item: replace(item, answer=tuple(item.answer[i] for i in keep))
        )
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
