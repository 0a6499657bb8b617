"""who-can: one API asked of every account of a fleet, each against its own type's table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from permtable.apis import ApiRef
from permtable.errors import Location, Notice
from permtable.evaluate import ApiResult, Decision, EvaluationPolicy, Evaluator
from permtable.files import DEFAULT_MAX_BYTES
from permtable.fleet.accounts import (
    Audited,
    FleetFiles,
    FleetRun,
    audit_files,
    errors_and_skipped,
    focused_table,
    route_in,
    table_record,
)
from permtable.grants import Grants
from permtable.model import AccountType, Entry, Table
from permtable.reports import entry_record
from permtable.router import Suggestion
from permtable.tables import IndexedTable, TableSet
from permtable.values import SCHEMA_VERSION

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
            "table": table_record(self.table, lang),
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
            **errors_and_skipped(self.run),
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
    routes = {kind: route_in(ref, tables, kind) for kind in AccountType}
    for kind, where in routes.items():
        indexed = tables.get(kind)
        entry = where.listed[0] if where.listed else None
        listings[kind] = Listing(indexed.table, entry, where.suggestions, where.other_entry)
        focused[kind] = focused_table(indexed, where.listed)

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
