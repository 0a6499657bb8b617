"""missing-perms as a library call: what an account lacks for some APIs, and the smallest set of
permissions whose grant fixes it (``permtable.cover``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from permtable.apis import ApiRef
from permtable.cover import FixPlan, plan_fixes
from permtable.errors import Notice
from permtable.evaluate import EvaluationPolicy, GrantRef, capped_grants
from permtable.grants import Grants
from permtable.queries import can_call, entry_refs
from permtable.reports import CanCallRecord, CanCallReport, PermissionRecord, result_records
from permtable.tables import TableSet
from permtable.values import OMITTED_IF_ZERO


@dataclass(frozen=True, slots=True, eq=False)
class BlockedByDeny:
    """An API no Allow can fix: a Deny matches a permission it needs."""

    api: str
    input: str
    denied_by: tuple[GrantRef, ...]
    denied_by_omitted: int = field(default=0, metadata=OMITTED_IF_ZERO)


@dataclass(frozen=True, slots=True, eq=False)
class MissingPermsRecord(CanCallRecord):
    """missing-perms as shown: the APIs not callable, and the smallest fix."""

    to_grant: tuple[PermissionRecord, ...]
    minimal: bool  # the fix is proven smallest (exact search), not a greedy approximation
    blocked_by_deny: tuple[BlockedByDeny, ...]
    unlisted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MissingPermsReport:
    """The answer of missing-perms: the can-call answer and the smallest fix."""

    checked: CanCallReport
    plan: FixPlan

    @property
    def nothing_missing(self) -> bool:
        return self.checked.all_callable

    def record(self) -> MissingPermsRecord:
        checked = self.checked.record()
        limit = self.checked.options.max_grants
        not_callable = [result for result in self.checked.results if not result.callable]
        return MissingPermsRecord(
            checked.schema_version,
            checked.account,
            checked.table,
            checked.options,
            result_records(not_callable, self.checked.table, limit),
            checked.summary,
            checked.warnings,
            to_grant=tuple(PermissionRecord.of(fix.permission, fix.unlocks) for fix in self.plan.to_grant),
            minimal=self.plan.optimal,
            blocked_by_deny=tuple(
                BlockedByDeny(
                    result.entry.api if result.entry else result.ref.api,
                    result.ref.text,
                    *capped_grants(result.denied_by, limit),
                )
                for result in self.plan.blocked_by_deny
            ),
            unlisted=tuple(result.ref.text for result in self.plan.unlisted),
        )


def missing_perms(
    refs: Sequence[ApiRef] | None,
    grants: Grants,
    tables: TableSet,
    options: EvaluationPolicy,
    notices: Sequence[Notice] = (),
) -> MissingPermsReport:
    """What is missing for ``refs``; None checks every API of the account type's table."""
    if refs is None:
        refs = entry_refs(tables.get(grants.account_type).table)
    checked = can_call(refs, grants, tables, options, notices)
    return MissingPermsReport(checked, plan_fixes(checked.results, checked.table))
