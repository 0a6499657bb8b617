"""The questions bsscheck answers, as library calls: can-call, missing-perms, explain, apis.

Each returns a report record; none prints. The command line is one client of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from permtable.apis import BSS_HOSTS, IDENTIFIER, ApiRef, parse_api, split_path
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import ApiResult, Evaluator, Options
from permtable.grants import Grants, review_grants
from permtable.model import AccountType, Entry, Permission, Table
from permtable.patterns import compile_action, compile_code_glob
from permtable.reports import ApisReport, CanCallReport, ExplainReport, MissingPermsReport
from permtable.router import Suggestion
from permtable.tables import IndexedTable, TableSet

if TYPE_CHECKING:
    from permtable.unique import Tally

DEFAULT_OPTIONS = Options()


def other_type(account_type: AccountType) -> AccountType:
    return account_type.other


def can_call(
    refs: Sequence[ApiRef],
    grants: Grants,
    tables: TableSet,
    options: Options,
    notices: Sequence[Notice] = (),
) -> CanCallReport:
    """Decide every API; ``notices`` are warnings about the inputs (from a scan) to report first."""
    indexed = tables.get(grants.account_type)
    # The other type's table is read only when it can matter: for an API the account's own
    # table does not list, and for a grant naming a code its own table does not know.
    other_kind = other_type(grants.account_type)
    evaluator = Evaluator(indexed, grants, options, other=lambda: tables.get(other_kind))
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
    options: Options,
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


def missing_perms(
    refs: Sequence[ApiRef] | None,
    grants: Grants,
    tables: TableSet,
    options: Options,
    notices: Sequence[Notice] = (),
) -> MissingPermsReport:
    """What is missing for ``refs``; None checks every API of the account type's table."""
    if refs is None:
        refs = entry_refs(tables.get(grants.account_type).table)
    from permtable.cover import plan_fixes  # noqa: PLC0415  (only missing-perms needs the cover)

    checked = can_call(refs, grants, tables, options, notices)
    return MissingPermsReport(checked, plan_fixes(checked.results, checked.table))


# --------------------------------------------------------------------------- explain

_METHOD_LESS_PATH = r"(https?://\S+|/\S*)"


def explain(
    target: str,
    tables: TableSet,
    grants: Grants | None = None,
    account_type: AccountType | None = None,
    options: Options = DEFAULT_OPTIONS,
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
    text: str, tables: TableSet, types: list[AccountType], grants: Grants | None, options: Options
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
    listed_in = {table.account_type for _, table in entries}
    for kind in types:
        if kind in listed_in:
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
    return ExplainReport(text, "api", tuple(entries), (), tuple(_unique(suggestions)), tuple(notes), decision)


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


def matching_permissions(text: str, table: Table) -> list[Permission]:
    """Permissions of a table named by an exact code, an IAM pattern, or a partner-code glob."""
    if table.account_type is AccountType.CUSTOMER:
        pattern = compile_action(text)
        if pattern is None:
            return []
        return [p for code, p in table.permissions.items() if pattern.matches(code)]
    glob = compile_code_glob(text)
    return [p for code, p in table.permissions.items() if glob.fullmatch(code)]


def _unique(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen: set[tuple[str, int]] = set()
    unique = []
    for suggestion in suggestions:
        key = (suggestion.entry.table.value, suggestion.entry.index)
        if key not in seen:
            seen.add(key)
            unique.append(suggestion)
    return unique


# --------------------------------------------------------------------------- apis


def browse(
    tables: TableSet,
    account_type: AccountType | None = None,
    permission: str | None = None,
    search: str | None = None,
) -> ApisReport:
    types = [account_type] if account_type else list(AccountType)
    rows: list[tuple[Entry, Table]] = []
    needle = search.casefold() if search else None
    for kind in types:
        table = tables.get(kind).table
        wanted = {p.code for p in matching_permissions(permission, table)} if permission else None
        for entry in table.entries:
            if wanted is not None and not wanted.intersection(entry.permissions):
                continue
            if needle and needle not in _haystack(entry):
                continue
            rows.append((entry, table))
    return ApisReport(tuple(rows))


def _haystack(entry: Entry) -> str:
    texts = [entry.api, *entry.permissions]
    for text in (
        entry.scenario,
        entry.sub_scenario,
        entry.description,
        entry.menu_path,
        entry.permission_name,
    ):
        if text:
            texts.extend(value for value in (text.en, text.zh) if value)
    return "\n".join(texts).casefold()


def result_for(results: Sequence[ApiResult], ref: ApiRef) -> ApiResult | None:
    return next((result for result in results if result.ref is ref), None)
