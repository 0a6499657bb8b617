"""What a Terraform plan changes in who can call which BSS API: the grants diff per principal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from permtable.apis import ApiRef
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import EvaluationPolicy
from permtable.files import DEFAULT_MAX_BYTES
from permtable.grants_diff import ChangeKind, GrantsDiffRecord, GrantsDiffReport, diff_grants
from permtable.reports import TableInfo
from permtable.tables import TableSet
from permtable.terraform.locations import BlockFinder
from permtable.terraform.plan import Plan, load_plan
from permtable.terraform.principals import PlannedGrants, PrincipalKind, planned_grants
from permtable.values import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class PrincipalSelector:
    """``--principal KIND:NAME``: a group, user or agency by name, address or id."""

    kind: str
    name: str

    @classmethod
    def parse(cls, text: str) -> PrincipalSelector:
        kind, _, name = text.partition(":")
        kinds = [member.value for member in PrincipalKind]
        if kind == "partner":
            raise InputError(
                "Partner Center roles are not managed by Terraform: a plan holds no partner account",
                Location("<argument>"),
                "check partner accounts with -g GRANTS",
            )
        if kind not in kinds or not name:
            raise InputError(
                f"--principal {text!r} is not KIND:NAME",
                Location("<argument>"),
                f"KIND is one of {', '.join(kinds)}, e.g. group:finance-ops",
            )
        return cls(kind, name)


@dataclass(frozen=True, slots=True)
class PrincipalDiff:
    planned: PlannedGrants
    diff: GrantsDiffReport


@dataclass(frozen=True, slots=True)
class TerraformDiffReport:
    plan: Plan
    principals: tuple[PrincipalDiff, ...]
    notices: tuple[Notice, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(item.diff.count(kind) for item in self.principals)

    @property
    def changed(self) -> tuple[PrincipalDiff, ...]:
        return tuple(item for item in self.principals if item.diff.changes)

    def record(self) -> TerraformDiffRecord:
        principals = tuple(
            PrincipalDiffRecord(
                item.planned.principal.kind,
                item.planned.principal.name,
                item.planned.principal.key,
                item.planned.resources,
                item.diff.record(),
            )
            for item in self.principals
        )
        table = self.principals[0].diff.table if self.principals else None
        summary = TerraformDiffSummary(
            principals=len(self.principals),
            changed=len(self.changed),
            gained=self.count(ChangeKind.GAINED),
            lost=self.count(ChangeKind.LOST),
            changes=self.count(ChangeKind.CHANGED),
        )
        return TerraformDiffRecord(
            SCHEMA_VERSION,
            PlanInfo(self.plan.file, self.plan.terraform_version, len(self.plan.changes)),
            TableInfo.of(table) if table is not None else None,
            principals,
            summary,
            self.notices,
        )


@dataclass(frozen=True, slots=True, eq=False)
class PlanInfo:
    file: str
    terraform_version: str | None
    resources: int  # managed resource instances in the plan


@dataclass(frozen=True, slots=True, eq=False)
class PrincipalDiffRecord:
    kind: PrincipalKind
    name: str
    key: str
    resources: tuple[str, ...]  # the addresses of the resources that shape its grants
    diff: GrantsDiffRecord


@dataclass(frozen=True, slots=True, eq=False)
class TerraformDiffSummary:
    principals: int
    changed: int  # principals whose access changes
    gained: int
    lost: int
    changes: int  # same callability, another reason


@dataclass(frozen=True, slots=True, eq=False)
class TerraformDiffRecord:
    """diff --terraform-plan as shown."""

    schema_version: int
    plan: PlanInfo
    table: TableInfo | None
    principals: tuple[PrincipalDiffRecord, ...]
    summary: TerraformDiffSummary
    warnings: tuple[Notice, ...]


def selected(planned: Sequence[PlannedGrants], selectors: Sequence[PrincipalSelector]) -> list[PlannedGrants]:
    """The principals ``--principal`` names (all without it); one it names but the plan lacks is
    an error, since a typo would otherwise pass a gate with "no change"."""
    if not selectors:
        return list(planned)
    chosen: list[PlannedGrants] = []
    for selector in selectors:
        found = [item for item in planned if item.principal.matches(selector.kind, selector.name)]
        if not found:
            known = ", ".join(item.principal.label for item in planned) or "none"
            raise InputError(
                f"the plan has no {selector.kind} {selector.name!r}",
                Location("<argument>"),
                f"principals in the plan: {known}",
            )
        chosen.extend(item for item in found if item not in chosen)
    return chosen


def terraform_diff(
    plan_file: str,
    tables: TableSet,
    options: EvaluationPolicy,
    selectors: Sequence[PrincipalSelector] = (),
    refs: Sequence[ApiRef] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> TerraformDiffReport:
    plan = load_plan(plan_file, max_bytes)
    planned = selected(planned_grants(plan, BlockFinder(plan)), selectors)
    principals = tuple(
        PrincipalDiff(item, diff_grants(item.before, item.after, tables, options, refs)) for item in planned
    )
    # Both sides of a principal carry its label as the account name, so diff_grants never
    # warns that names differ; its review notices repeat across principals sharing a policy.
    notices = dict.fromkeys(notice for item in principals for notice in item.diff.notices)
    return TerraformDiffReport(plan, principals, tuple(notices))


def planned_account(
    plan_file: str, selector: PrincipalSelector, max_bytes: int = DEFAULT_MAX_BYTES
) -> PlannedGrants:
    """One principal's grants after the plan (``can-call --terraform-plan --principal``): the
    first the selector names (``selected`` refuses one it names none of)."""
    plan = load_plan(plan_file, max_bytes)
    return selected(planned_grants(plan, BlockFinder(plan)), [selector])[0]
