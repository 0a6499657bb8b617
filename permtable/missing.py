"""missing-perms as a library call: what an account lacks for some APIs, and the smallest set of
permissions whose grant fixes it (``permtable.cover``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from permtable.apis import ApiRef
from permtable.cover import FixPlan, plan_fixes
from permtable.errors import Notice
from permtable.evaluate import EvaluationPolicy
from permtable.grants import Grants
from permtable.queries import can_call, entry_refs
from permtable.reports import CanCallReport, permission_record, result_records
from permtable.tables import TableSet


@dataclass(frozen=True, slots=True)
class MissingPermsReport:
    """The answer of missing-perms: the can-call answer and the smallest fix."""

    checked: CanCallReport
    plan: FixPlan

    @property
    def nothing_missing(self) -> bool:
        return self.checked.all_callable

    def to_dict(self, lang: str) -> dict[str, object]:
        record = self.checked.to_dict(lang)
        table = self.checked.table
        record["results"] = result_records(
            [result for result in self.checked.results if not result.callable], table, lang
        )
        record["to_grant"] = [
            permission_record(fix.permission, lang, fix.unlocks) for fix in self.plan.to_grant
        ]
        record["minimal"] = self.plan.optimal
        record["blocked_by_deny"] = [
            {
                "api": result.entry.api if result.entry else result.ref.api,
                "input": result.ref.text,
                "denied_by": [grant.to_dict() for check in result.checks for grant in check.denied_by],
            }
            for result in self.plan.blocked_by_deny
        ]
        record["unlisted"] = [result.ref.text for result in self.plan.unlisted]
        return record


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
