"""matrix: every account of a fleet by every API asked (or every row of their tables)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import overload

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


# Every cell a matrix can hold, numbered: an account's row of cells is kept as the bytes of
# their numbers (CellRow).
_CELL_LIST = tuple(_make_cell(decision, flag) for decision in Decision for flag in (True, False))
_CELL_NUMBERS = {(cell.decision, cell.callable): number for number, cell in enumerate(_CELL_LIST)}
_KINDS = tuple(cell.kind for cell in _CELL_LIST)
_DECISIONS = tuple(cell.decision for cell in _CELL_LIST)


class CellRow(Sequence[Cell]):
    """One account's cells, one per column, as the bytes of their numbers in ``_CELL_LIST``.

    A fleet of 100,000 accounts by the tables' 43 APIs is 4.3 million cells. As tuples of Cell
    references they were pickled by worker processes, unpickled, pickled again to disk for the
    report and read back twice (counts, then rows): 2.8 s of a 25.8 s matrix. As bytes each of
    those steps copies one string, and the counts are taken in C. A sequence of Cells to its
    readers; a plain class, as it holds no fields of its own to compare or show.
    """

    __slots__ = ("codes",)

    def __init__(self, codes: bytes) -> None:
        self.codes = codes

    @classmethod
    def of(cls, decided: Iterable[tuple[Decision, bool]]) -> CellRow:
        return cls(bytes(_CELL_NUMBERS[pair] for pair in decided))

    def __reduce__(self) -> tuple[type[CellRow], tuple[bytes]]:
        return CellRow, (self.codes,)

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, index: int) -> Cell: ...

    @overload
    def __getitem__(self, index: slice) -> CellRow: ...

    def __getitem__(self, index: int | slice) -> Cell | CellRow:
        if isinstance(index, slice):
            return CellRow(self.codes[index])
        return _CELL_LIST[self.codes[index]]

    def __iter__(self) -> Iterator[Cell]:
        return map(_CELL_LIST.__getitem__, self.codes)

    def picked(self, columns: Sequence[int]) -> CellRow:
        """The cells of ``columns`` only, in that order."""
        codes = self.codes
        return CellRow(bytes(codes[index] for index in columns))

    def kinds(self) -> tuple[str, ...]:
        return tuple(map(_KINDS.__getitem__, self.codes))

    def decisions(self) -> tuple[Decision, ...]:
        return tuple(map(_DECISIONS.__getitem__, self.codes))


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
    run: FleetRun[CellRow]
    options: EvaluationPolicy
    scope: str  # "tables" (every row of the account types present) or "apis" (as given)

    def record(self) -> MatrixRecord:
        rows = self.run.audited
        # One pass over the answers (read from disk for a large fleet): (column, cell number)
        # pairs counted in C, then each column's counts by kind.
        pairs = Counter[tuple[int, int]]()
        for item in rows:
            pairs.update(enumerate(item.answer.codes))
        counts = [Counter[str]() for _ in self.columns]
        for (index, number), accounts in pairs.items():
            counts[index][_KINDS[number]] += accounts
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
    def of(cls, item: Audited[CellRow]) -> MatrixRow:
        return cls(item.account, item.file, item.account_type, item.answer.kinds(), item.answer.decisions())


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

    def answer(grants: Grants) -> CellRow:
        kind = grants.account_type
        evaluator = Evaluator(tables.get(kind), grants, options, identity=tables.identity)
        decided = []
        for ref, where in rows[kind]:
            quick = evaluator.decide_route(where, ref)
            if quick is None:
                result = evaluator.evaluate_route(where, ref)
                quick = result.decision, result.callable
            decided.append(quick)
        return CellRow.of(decided)

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
        if len(keep) < len(columns):
            columns = [columns[index] for index in keep]
            audited = LazyRecords(run.audited, lambda item: replace(item, answer=item.answer.picked(keep)))
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
