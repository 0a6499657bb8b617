"""The wording of fleet reports (who-can, diff, matrix), shared by the table and Markdown formats.

Like cli.findings for single-account reports: one phrasing of a grant, a change and a cell,
whichever format shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cli.findings import Rule, grant_source, more_grants
from permtable.evaluate import Decision
from permtable.model import Mode

if TYPE_CHECKING:
    from permtable.evaluate import GrantRef
    from permtable.fleet.matrix import MatrixRecord
    from permtable.fleet.who_can import AccountAnswer, ListingRecord, WhoCanRecord
    from permtable.grants_diff import ChangeRecord, GrantsDiffRecord
    from permtable.terraform.diff import PrincipalDiffRecord, TerraformDiffRecord

# Matrix cells as people read them; the JSON and CSV cells are callable / denied / conditional.
CELL_LABELS = {
    Decision.ALLOWED: "yes",
    Decision.NOT_CHECKED: "yes*",
    Decision.IMPLICIT_DENY: "no",
    Decision.EXPLICIT_DENY: "DENY",
    Decision.CONDITIONAL: "cond",
    Decision.UNKNOWN: "unknown",
    Decision.BLOCKED_BY_SCP: "SCP",
}
CELL_LEGEND = (
    "yes: callable; yes*: not in the account type's table, no fine-grained check (callable); "
    "no*: not in the table, counted not callable (documented only for the other account type, "
    "a near miss of a listed API, or --strict); "
    "no: not granted; DENY: an IAM Deny matches; cond: depends on an IAM Condition (not callable); "
    "unknown: cannot be settled offline (not callable); SCP: blocked by an SCP"
)


def cell_label(cell: str, decision: Decision) -> str:
    if decision is Decision.NOT_CHECKED and cell != "callable":
        return "no*"
    return CELL_LABELS[decision]


def _where(grant: GrantRef) -> str:
    if not grant.file:
        return ""
    return f" [{grant.file}:{grant.line}]" if grant.line else f" [{grant.file}]"


def source_in(grant: GrantRef, account_file: str) -> str:
    """``grant_source``, naming only the line when the grant is in the account's own file."""
    if grant.file != account_file:
        return grant_source(grant)
    text = grant_source(replace(grant, file=None))
    return text + (f" [line {grant.line}]" if grant.line else "")


def account_reasons(account: AccountAnswer, listing: ListingRecord | None) -> list[str]:
    """Why one account can or cannot call the API: what grants, denies or is missing."""
    file = account.file
    lines = [f"{grant.permission} granted by {source_in(grant, file)}" for grant in account.granted_by]
    if account.granted_by_omitted:
        lines.append(more_grants(account.granted_by_omitted, "grant"))
    lines += [f"{grant.permission} denied by {source_in(grant, file)}" for grant in account.denied_by]
    if account.denied_by_omitted:
        lines.append(more_grants(account.denied_by_omitted, "Deny"))
    decision = account.decision
    if decision is Decision.NOT_CHECKED:
        if listing is not None and listing.note:
            lines.append(listing.note)
    elif decision is Decision.IMPLICIT_DENY:
        entry = listing.entry if listing else None
        if entry and entry.mode is Mode.ANY and len(account.missing) > 1:
            lines.append(f"holds none of {', '.join(account.missing)}")
        else:
            lines.append(f"not granted: {', '.join(account.missing)}")
    elif decision is Decision.CONDITIONAL and not account.granted_by:
        lines.append("depends on a conditional Deny")
    lines.extend(account.notes)  # unknown, blocked by an SCP: what the files cannot settle
    return lines


def listing_for(record: WhoCanRecord, account: AccountAnswer) -> ListingRecord | None:
    return next((item for item in record.api.tables if item.type is account.type), None)


def listing_line(listing: ListingRecord, lang: str) -> str:
    entry = listing.entry
    if entry is None:
        line = listing.note or ""
        for suggestion in listing.suggestions:
            line += f"; did you mean {suggestion.api}? ({suggestion.reason})"
        return line
    permissions = entry.permissions
    word = "" if len(permissions) == 1 else ("any one of " if entry.mode is Mode.ANY else "all of ")
    return (
        f"{listing.type} table row {entry.row} ({entry.api}): {entry.description.get(lang)}; "
        f"requires {word}{', '.join(permissions)}"
    )


def shown_listings(record: WhoCanRecord) -> list[ListingRecord]:
    """The tables of the account types in the report (every table when it has no account)."""
    present = {account.type for account in record.accounts}
    listings = list(record.api.tables)
    return [listing for listing in listings if listing.type in present] or listings


def who_can_summary(record: WhoCanRecord) -> str:
    summary = record.summary
    decisions = ", ".join(f"{count} {name}" for name, count in summary.decisions.items() if count)
    text = f"{summary.accounts} account(s): {summary.callable} can call it, {summary.not_callable} cannot"
    if decisions:
        text += f" ({decisions})"
    return text + _tail(summary.skipped, summary.errors)


def _tail(skipped: int, errors: int) -> str:
    text = ""
    if skipped:
        text += f"; {skipped} file(s) skipped (policy files of other accounts)"
    if errors:
        text += f"; {errors} file(s) unreadable (see the errors)"
    return text


# --------------------------------------------------------------------------- diff


def grant_change(grant: GrantRef, added: bool) -> str:
    """One grant that appeared (``added``) or disappeared, as a sentence."""
    permission = grant.permission
    if grant.source in ("role", "account"):
        holder = f"role {grant.name!r}" if grant.source == "role" else "the account's own actions"
        return f"{permission} {'added to' if added else 'removed from'} {holder}{_where(grant)}"
    verb = "allowed" if grant.effect == "Allow" else "denied"
    return f"{permission} {'now' if added else 'no longer'} {verb} by {grant_source(grant)}"


def cause_lines(change: ChangeRecord) -> list[str]:
    lines = []
    for cause in change.causes:
        sentences = [grant_change(grant, True) for grant in cause.added]
        sentences += [grant_change(grant, False) for grant in cause.removed]
        if not sentences and cause.new is Decision.UNKNOWN:
            sentences = [
                f"{cause.permission}: {cause.old} -> unknown: a grant that cannot be settled offline may "
                "cover it (an undocumented identity action, or a value known only after apply)"
            ]
        elif not sentences:
            sentences = [f"{cause.permission}: {cause.old} -> {cause.new}"]
        lines.extend(sentences)
    return lines


def transition(change: ChangeRecord) -> str:
    return f"{change.old.decision} -> {change.new.decision}"


def diff_scope(record: GrantsDiffRecord) -> str:
    summary = record.summary
    if record.scope == "table":
        return f"every row of the {record.table.type} table ({summary.checked} APIs)"
    return f"the {summary.checked} API(s) given"


def diff_summary(record: GrantsDiffRecord) -> str:
    summary = record.summary
    return (
        f"{summary.checked} API(s) checked: {summary.gained} gained, {summary.lost} lost, "
        f"{summary.changed} changed, {summary.unchanged} unchanged"
    )


def terraform_summary(record: TerraformDiffRecord) -> str:
    summary = record.summary
    if not summary.changed:
        return f"no change in what {summary.principals} principal(s) can call"
    return (
        f"{summary.changed} of {summary.principals} principal(s) change: {summary.gained} API(s) gained, "
        f"{summary.lost} lost, {summary.changes} changed"
    )


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    """Changes shown as one row of a diff: one API, or (``grouped_changes(..., group=True)``)
    "changed" APIs with the same transition and cause together (an identity policy can make
    twenty APIs unknown at once)."""

    kind: str
    apis: tuple[str, ...]
    transition: str
    because: tuple[str, ...]
    code: tuple[str, ...]  # what the Markdown sets as code in ``because``: codes, patterns, file:line


def grouped_changes(changes: Iterable[ChangeRecord], group: bool = False) -> list[ChangeGroup]:
    groups: list[ChangeGroup] = []
    index: dict[tuple[str, tuple[str, ...]], int] = {}
    for change in changes:
        kind = change.kind.value
        made = ChangeGroup(kind, (change.api,), transition(change), tuple(cause_lines(change)), _code(change))
        key = (made.transition, made.because)
        if not group or kind != "changed" or key not in index:
            if group and kind == "changed":
                index[key] = len(groups)
            groups.append(made)
            continue
        known = groups[index[key]]
        groups[index[key]] = ChangeGroup(
            kind, (*known.apis, change.api), known.transition, known.because, (*known.code, *made.code)
        )
    return groups


def _code(change: ChangeRecord) -> tuple[str, ...]:
    names = []
    for cause in change.causes:
        names.append(cause.permission)
        for grant in (*cause.added, *cause.removed):
            names += [grant.pattern or "", f"{grant.file}:{grant.line}"]
    return tuple(names)


# What a plan changes, as findings of CI formats (SARIF, GitHub): one rule and one level per
# kind of change, matching diff's default gate (gained and lost fail it).
ACCESS_RULES = {
    "gained": Rule(
        "BSS030",
        "gained",
        "AccessGained",
        "A principal gains a BSS API",
        "After this change a principal can call a BSS API it could not call before. Review that the "
        "grant is intended; the finding points at the resource responsible.",
    ),
    "lost": Rule(
        "BSS031",
        "lost",
        "AccessLost",
        "A principal loses a BSS API",
        "After this change a principal can no longer call a BSS API it could call before. Check that "
        "nothing relies on it; the finding points at the resource responsible.",
    ),
    "changed": Rule(
        "BSS032",
        "changed",
        "AccessChanged",
        "A principal's answer for a BSS API changes for another reason",
        "The API stays callable (or not), for another reason: not granted becomes denied, or an answer "
        "becomes unknown because a grant cannot be settled until apply.",
    ),
}
ACCESS_LEVELS = {"gained": "error", "lost": "error", "changed": "warning"}


@dataclass(frozen=True, slots=True)
class AccessFinding:
    """What a plan changes for one principal and API, as a CI format shows it (the fields of
    ``findings.InputFinding``, so one piece of each format serves both)."""

    rule: Rule
    level: str
    principal: str
    api: str
    text: str
    file: str
    line: int | None
    column: int | None = None  # a resource block is located by its line


def access_findings(record: TerraformDiffRecord) -> list[AccessFinding]:
    """One finding per principal and changed API, at the .tf line of the grant responsible
    (the plan file where no block was found)."""
    found = []
    for principal in record.principals:
        label = f"{principal.kind.value} {principal.name}"
        for change in principal.diff.changes:
            kind = change.kind.value
            grants = [
                grant
                for cause in change.causes
                for grant in (cause.removed if kind == "lost" else cause.added)
                or cause.added
                or cause.removed
            ]
            where = next((grant for grant in grants if grant.file and grant.line), None)
            verb = {"gained": "gains", "lost": "loses", "changed": "changes on"}[kind]
            because = "; ".join(cause_lines(change))
            text = f"{label} {verb} {change.api} ({transition(change)})" + (f": {because}" if because else "")
            found.append(
                AccessFinding(
                    ACCESS_RULES[kind],
                    ACCESS_LEVELS[kind],
                    label,
                    change.api,
                    text,
                    where.file if where and where.file else record.plan.file,
                    where.line if where else None,
                )
            )
    return found


def principal_heading(principal: PrincipalDiffRecord) -> str:
    return f"{principal.kind.value} {principal.name} ({principal.key})"


# --------------------------------------------------------------------------- matrix


def matrix_summary(record: MatrixRecord) -> str:
    summary = record.summary
    cells = summary.cells
    return (
        f"{summary.accounts} account(s) x {summary.apis} API(s): {cells['callable']} callable, "
        f"{cells['denied']} denied, {cells['conditional']} conditional"
        + _tail(summary.skipped, summary.errors)
    )
