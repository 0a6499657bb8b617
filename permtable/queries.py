"""The question bsscheck is for, as a library call: can this account call these APIs?

``can_call`` (and ``can_call_unique`` for counted endpoints) returns a ``CanCallReport``; none
prints. The other questions live beside it, each with its report: ``missing`` (missing-perms),
``explain``, ``listing`` (apis). The command line is one client of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from permtable.apis import BSS_HOSTS, ApiRef, is_placeholder, split_path
from permtable.errors import Notice
from permtable.evaluate import EvaluationPolicy, Evaluator
from permtable.grants import Grants, review_grants
from permtable.model import AccountType, Table
from permtable.reports import CanCallReport
from permtable.tables import IndexedTable, TableSet

if TYPE_CHECKING:
    from permtable.unique import Tally


def can_call(
    refs: Sequence[ApiRef],
    grants: Grants,
    tables: TableSet,
    options: EvaluationPolicy,
    notices: Sequence[Notice] = (),
) -> CanCallReport:
    """Decide every API; ``notices`` are warnings about the inputs (from a scan) to report first."""
    indexed = tables.get(grants.account_type)
    # The other type's table is read only when it can matter: for an API the account's own
    # table does not list, and for a grant naming a code its own table does not know.
    other_kind = grants.account_type.other
    evaluator = Evaluator(
        indexed,
        grants,
        options,
        other=lambda: tables.get(other_kind, answering=False),
        identity=tables.identity,
    )
    results = []
    for ref in refs:
        notes: tuple[str, ...] = ()
        if ref.host is not None and ref.host not in BSS_HOSTS:
            notes += (
                f"host {ref.host} is not a BSS endpoint ({', '.join(BSS_HOSTS)}); "
                "its path was checked against the BSS table anyway",
            )
        results.append(evaluator.evaluate(ref, notes))
    reviewed = review_grants(grants, indexed.table.permissions, _Codes(tables, other_kind))
    return CanCallReport(grants, indexed.table, tuple(results), (*notices, *reviewed), options)


# A line ``parse_api`` would read without any rewriting: an upper-case method, a BSS host or
# none, plain path segments (dots only inside one, as in ``v1.0``: never a dot segment; no
# escape, placeholder, empty or trailing segment) and any query. Its segments are the path's;
# ``quick_endpoint_key`` routes them straight away. The pattern takes the path's characters
# as one run, and ``key`` checks where its dots and slashes are: a pattern of nested segment
# groups says the same at twice the cost, on every distinct line of a log.
_PLAIN_LINE = (
    r"(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) "
    r"(?:https://(?:bss\.myhuaweicloud\.com|bss-intl\.myhuaweicloud\.com|bss\.myhuaweicloud\.eu))?"
    r"(/[A-Za-z0-9_./\-]+)(?:\?[^\s#]*)?"
)


def quick_endpoint_key(indexed: IndexedTable) -> Callable[[str], Hashable | None]:
    """``endpoint_key`` of a plain line without parsing it, or None (then the line is parsed).

    A log of a million lines with a fresh id on each is a million distinct texts for a few
    dozen rows: routing a plain line's segments costs a fraction of ``parse_api``. Only a
    listed row is answered here; anything else (unlisted, a foreign host, an odd spelling) is
    left to ``parse_api``, which warns and normalises as it always does."""
    router = indexed.router
    # Compiled here, not at import: only --unique reads lines this way.
    fullmatch = re.compile(_PLAIN_LINE).fullmatch
    # A segment that is no literal of any template routes as every such segment does (only a
    # placeholder or ``**`` takes it): routes are remembered by the path with those segments
    # masked, so a million fresh ids in a dozen rows are a dozen walks of the router.
    literals = {
        segment: segment
        for entry in indexed.table.entries
        for segment in split_path(entry.path)
        if not is_placeholder(segment) and segment != "**"
    }
    masked = literals.get  # a segment, or None for one that is no literal
    routed: dict[tuple[str | None, ...], Hashable | None] = {}
    unrouted = object()  # not routed yet (None is an answer: not a listed row)

    def key(text: str) -> Hashable | None:
        plain = fullmatch(text)
        if plain is None:
            return None
        path = plain[2]
        # Whole plain segments only: none empty (``//``, a trailing ``/``), none starting or
        # ending with a dot (``.``, ``..``, ``.x``, ``x.``), no two dots together.
        if "//" in path or "/." in path or "./" in path or ".." in path or path[-1] in "./":
            return None
        method = plain[1]
        shape = (method, *map(masked, path.split("/")))
        found = routed.get(shape, unrouted)
        if found is unrouted:
            entry = router.resolve_segments(method, tuple(path[1:].split("/")))
            found = routed[shape] = (entry.index, None) if entry is not None else None
        return found

    return key


def endpoint_key(indexed: IndexedTable) -> Callable[[ApiRef], Hashable]:
    """What makes two inputs the same endpoint for ``--unique``: the table row they resolve to,
    else their method and path; a host that is not a BSS endpoint keeps its inputs apart (their
    results carry a note about it). Inputs with one key get one and the same answer."""

    def key(ref: ApiRef) -> Hashable:
        candidates = indexed.router.candidates(ref)
        foreign = ref.host if ref.host is not None and ref.host not in BSS_HOSTS else None
        if len(candidates) == 1 and candidates[0] is not None:
            return (candidates[0].index, foreign)
        # Unlisted, or {holes} reaching several rows: its own spelling is its endpoint.
        return (ref.api, foreign)

    return key


def can_call_unique(
    tallies: Sequence[Tally],
    grants: Grants,
    tables: TableSet,
    options: EvaluationPolicy,
    notices: Sequence[Notice] = (),
) -> CanCallReport:
    """can-call once per endpoint (``UniqueApis``): each result is its first input's, counted."""
    report = can_call([tally.ref for tally in tallies], grants, tables, options, notices)
    results = tuple(
        replace(result, count=tally.count) for result, tally in zip(report.results, tallies, strict=True)
    )
    return replace(report, results=results)


class _Codes:
    """The permission codes of a table, read only when first asked about (``in``)."""

    def __init__(self, tables: TableSet, account_type: AccountType):
        self._tables = tables
        self._account_type = account_type

    def __contains__(self, code: object) -> bool:
        return code in self._tables.get(self._account_type).table.permissions


def entry_refs(table: Table) -> list[ApiRef]:
    """Every row of a table as an API reference (its documented template)."""
    return [
        ApiRef(entry.method, entry.path, split_path(entry.path), entry.api, None, None)
        for entry in table.entries
    ]
