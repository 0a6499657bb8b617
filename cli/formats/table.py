"""Human output: rich tables that also read well in plain CI logs.

Every answer ends with what to do next: the permission to grant and where (menu path or
permission name), or the listed API a suspected typo meant.

Why one module of this size: the architecture keeps one module per output format, and this
format draws every view (can-call, missing-perms, explain, apis, validate, scan, who-can, diff,
matrix); each view is a few short functions. It is the one module that imports rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.findings import (
    edition,
    fixes,
    grant_source,
    more_grants,
    reason,
    requirement,
    unlisted_label,
    where_to_grant,
)
from cli.fleet_text import (
    CELL_LEGEND,
    ChangeGroup,
    account_reasons,
    cell_label,
    diff_scope,
    diff_summary,
    grouped_changes,
    listing_for,
    listing_line,
    matrix_summary,
    principal_heading,
    shown_listings,
    terraform_summary,
    who_can_summary,
)
from cli.formats import ReportFormat
from cli.table_layout import (
    apply_widths,
    column_need,
    print_blocks,
    print_grid,
    widths_for,
)
from cli.terminal import make_console
from permtable.editions.check import TableCheckRecord
from permtable.editions.diff import PageRow, TableDiffRecord
from permtable.editions.status import TableStatusRecord
from permtable.evaluate import Decision, Unlisted
from permtable.explain import ExplainRecord
from permtable.fleet.matrix import MatrixRecord
from permtable.fleet.who_can import WhoCanRecord
from permtable.grants_diff import GrantsDiffRecord
from permtable.listing import ApisRecord
from permtable.missing import MissingPermsRecord
from permtable.model import AccountType
from permtable.reports import CanCallRecord, CheckSummary, ResultRecord, RowRecord
from permtable.scan.model import ScanRecord
from permtable.terraform.diff import TerraformDiffRecord
from permtable.validation import ValidationRecord

if TYPE_CHECKING:
    from permtable.identity_records import IdentityActionRecord

MAX_SITES = 5  # call sites listed per API; the rest are counted

DECISION_LABELS = {
    Decision.ALLOWED: ("allowed", "green"),
    Decision.IMPLICIT_DENY: ("DENIED: not granted", "red"),
    Decision.EXPLICIT_DENY: ("DENIED: explicit Deny", "bold red"),
    Decision.CONDITIONAL: ("CONDITIONAL", "yellow"),
    Decision.UNKNOWN: ("UNKNOWN: cannot be settled offline", "magenta"),
    Decision.BLOCKED_BY_SCP: ("DENIED: blocked by an SCP", "bold red"),
    Decision.NOT_CHECKED: ("not listed: no check", "cyan"),
}


def decision_text(decision: Decision, callable: bool, unlisted: Unlisted | None) -> Text:
    label, style = DECISION_LABELS[decision]
    if decision is Decision.NOT_CHECKED and not callable:
        label, style = unlisted_label(unlisted), "red"
    return Text(label, style=style)


def result_decision(result: ResultRecord) -> Text:
    return decision_text(result.decision, result.callable, result.unlisted_reason)


def result_details(result: ResultRecord, lang: str) -> Text:
    lines = Text(justify="default")

    def line(text: str, style: str = "") -> None:
        if lines:
            lines.append("\n")
        lines.append(text, style=style)

    entry = result.entry
    if entry:
        if entry.path != result.path:
            line(f"matches {entry.api}", "dim")
        line(f"requires {requirement(entry.mode, entry.permissions, entry.retiring)}")
        for grant in result.granted_by:
            line(f"{grant.permission} granted by {grant_source(grant)}", "green")
        if result.granted_by_omitted:
            line(more_grants(result.granted_by_omitted, "grant"), "green")
        for check in result.checks:
            for grant in check.denied_by:
                line(f"{check.permission} denied by {grant_source(grant)}", "red")
            if check.denied_by_omitted:
                line(more_grants(check.denied_by_omitted, f"Deny of {check.permission}"), "red")
        _identity_lines(result, line)
        for fix in fixes(result, lang):
            line(f"fix: {fix}", "bold")
    else:
        line(entry_absent_text(result), "dim")
        _identity_lines(result, line)
        for fix in fixes(result, lang):
            line(fix, "yellow")
    for note in result.notes:
        line(note, "dim")
    if result.count is not None:  # --unique
        line(f"named by {result.count} input(s), first at {_location_text(result)}", "dim")
    sites = result.call_sites
    for site in sites[:MAX_SITES]:
        line(f"called at {site.file}:{site.line}:{site.column} ({site.kind})", "dim")
    if len(sites) > MAX_SITES:
        line(f"called at {len(sites) - MAX_SITES} more place(s)", "dim")
    return lines


_CHANGE_STYLES = {"gained": "yellow", "lost": "red", "changed": "cyan"}


def _changes_grid(groups: list[ChangeGroup]) -> Table:
    """diff's changes, a row per API (or per group of APIs changed alike)."""
    grid = Table(expand=False, show_lines=True)
    grid.add_column("Change", no_wrap=True)
    grid.add_column("API", overflow="fold", ratio=2)
    grid.add_column("Because", overflow="fold", ratio=3)
    for group in groups:
        kind = Text(group.kind, style=_CHANGE_STYLES[group.kind])
        kind.append("\n" + group.transition.replace(" -> ", "\n-> "), style="dim")
        apis = "\n".join(group.apis)
        if len(group.apis) > 1:
            apis = f"{len(group.apis)} APIs:\n{apis}"
        grid.add_row(kind, apis, "\n".join(group.because))
    return grid


def _identity_action_text(item: IdentityActionRecord) -> str:
    source = f" ({item.source})" if item.source else ""
    return f"identity policies: {item.api} needs {' + '.join(item.actions)}{source}"


def _identity_lines(result: ResultRecord, line: Callable[[str, str], None]) -> None:
    """The identity-policy side of a customer answer (accounts holding identity policies)."""
    identity = result.identity
    if identity is None:
        return
    if identity.actions:
        line(f"identity policies: requires {' + '.join(identity.actions)}", "")
    for check in identity.checks:
        for grant in check.allowed_by:
            line(f"{check.permission} granted by {grant_source(grant)}", "green")
        if check.allowed_by_omitted:
            line(more_grants(check.allowed_by_omitted, f"Allow of {check.permission}"), "green")
        for grant in check.denied_by:
            line(f"{check.permission} denied by {grant_source(grant)}", "red")
        if check.denied_by_omitted:
            line(more_grants(check.denied_by_omitted, f"Deny of {check.permission}"), "red")


def entry_absent_text(result: ResultRecord) -> str:
    """Why an API without a row is answered as it is (the findings' one wording)."""
    return reason(result)


def _header(console: Console, record: CanCallRecord, lang: str) -> None:
    account = record.account
    console.print(
        Text(f"Account {account.name} ({account.type}) from {', '.join(account.files)}", style="bold")
    )
    console.print(Text(f"Table: {edition(record.table, lang)}", style="dim"), soft_wrap=True)


def _location_text(result: ResultRecord) -> str:
    location = result.location
    if location is None:
        return "?"
    parts = [str(part) for part in (location.file, location.line, location.column) if part is not None]
    return ":".join(parts)


def _summary(console: Console, summary: CheckSummary) -> None:
    decisions = ", ".join(f"{count} {name}" for name, count in summary.decisions.items() if count)
    style = "green" if summary.not_callable == 0 else "red"
    inputs = f" named by {summary.inputs} input(s)" if summary.inputs is not None else ""  # --unique
    console.print(
        Text(
            f"{summary.total} API(s){inputs}: {summary.callable} callable, "
            f"{summary.not_callable} not callable ({decisions})",
            style=style,
        ),
        soft_wrap=True,
    )
    if summary.suspected_typos:
        console.print(
            Text(
                f"{summary.suspected_typos} API(s) look like typos of listed APIs: check them.",
                style="yellow",
            )
        )


# rich measures a table whole before drawing it, holding every row: a report of more rows than
# this is drawn as consecutive tables of this many rows with the same column widths, so memory
# stays bounded and the rows still line up.
TABLE_ROWS = 1000


def _results_table(results: Sequence[ResultRecord], first: int = 1) -> Table:
    grid = Table(expand=False)
    grid.add_column("#", justify="right", style="dim")
    grid.add_column("API")
    grid.add_column("Decision", no_wrap=True)
    if _counted(results):
        grid.add_column("Inputs", justify="right")
    for number, cells in enumerate(_result_cells(results), first):
        grid.add_row(str(number), *cells)
    return grid


def _counted(results: Sequence[ResultRecord]) -> bool:
    return bool(results) and results[0].count is not None  # --unique: how many inputs each


def _result_cells(results: Iterable[ResultRecord]) -> Iterable[list[str | Text]]:
    for result in results:
        cells: list[str | Text] = [Text(f"{result.method} {result.path}"), result_decision(result)]
        if result.count is not None:
            cells.append(str(result.count))
        yield cells


def _print_results_tables(console: Console, results: Sequence[ResultRecord]) -> None:
    """The results as one table, or consecutive tables of TABLE_ROWS rows with the same widths
    (decided from every row), or one block per API when the words cannot fit side by side."""
    if not results:
        return
    needs = [
        column_need("#", (str(len(results)),), no_wrap=True),
        column_need("API", (f"{result.method} {result.path}" for result in results), no_wrap=False),
        column_need("Decision", (result_decision(result).plain for result in results), no_wrap=True),
    ]
    if _counted(results):
        needs.append(column_need("Inputs", (str(result.count) for result in results), no_wrap=True))
    first = _results_table(results[:TABLE_ROWS])
    widths = widths_for(console, first, needs)
    if widths is None:
        headers = [str(column.header) for column in first.columns]
        rows = ([str(number), *cells] for number, cells in enumerate(_result_cells(results), 1))
        print_blocks(console, headers, rows)
        return
    for start in range(0, len(results), TABLE_ROWS):
        grid = first if start == 0 else _results_table(results[start : start + TABLE_ROWS], start + 1)
        apply_widths(grid, widths)
        console.print(grid)


# Detail blocks printed by one console.print: rich's cost is per call, and a report of 250,000
# APIs made 500,000 of them.
DETAIL_BATCH = 200


def _needs_detail(result: ResultRecord) -> bool:
    """Not callable, or callable only by a reading that cannot be checked offline."""
    return not result.callable or result.decision in (Decision.CONDITIONAL, Decision.UNKNOWN)


def _details(console: Console, results: Iterable[ResultRecord], lang: str, every: bool) -> None:
    """One block per API, numbered as in the table: what it needs, what granted or denied it,
    and what to do. The table already gave each API's decision, so the heading does not repeat
    it; callable APIs are detailed only when ``every`` (``-v``)."""
    batch: list[Text] = []
    left_out = 0
    for number, result in enumerate(results, 1):
        if not every and not _needs_detail(result):
            left_out += 1
            continue
        heading = Text(f"{number}. {result.method} {result.path}", style="bold")
        # The heading wraps at the console's width, as a plain print would wrap it ...
        batch.extend(heading.wrap(console, console.width))
        # ... and the details are soft-wrapped: the terminal wraps long lines; logs keep whole
        # paths, no padding.
        batch.extend(Text("   ") + line for line in result_details(result, lang).split("\n"))
        if len(batch) >= DETAIL_BATCH:
            console.print(Text("\n").join(batch), soft_wrap=True)
            batch = []
    if batch:
        console.print(Text("\n").join(batch), soft_wrap=True)
    if left_out:
        console.print(
            Text(f"{left_out} callable API(s) not detailed; -v shows what grants each.", style="dim"),
            soft_wrap=True,
        )


def _entry_table(entry: RowRecord, lang: str) -> Table:
    grid = Table(show_header=False, box=None, padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows = [
        ("API", entry.api),
        ("Table", f"{entry.table} (row {entry.row})"),
        ("Scenario", f"{entry.scenario.get(lang)} / {entry.sub_scenario.get(lang)}"),
        ("Description", entry.description.get(lang)),
        (
            "Requires",
            requirement(entry.mode, entry.permissions, entry.retiring, any_of="any one of"),
        ),
    ]
    if entry.table is AccountType.PARTNER:
        rows.append(
            ("Menu path", entry.menu_path.get(lang) if entry.menu_path else "not documented by Huawei")
        )
    else:
        name = entry.permission_name.get(lang) if entry.permission_name else "not documented"
        rows.append(("Permission name", name))
    source = entry.source
    updated = source.updated or "no date on the page"
    rows.append(("Source", f"{source.title.get(lang)} ({updated}) {source.url or ''}"))
    for key, value in rows:
        grid.add_row(key, value)
    return grid


def _where_or_name(entry: RowRecord, lang: str) -> str:
    if entry.table is AccountType.PARTNER:
        return (
            f"menu: {entry.menu_path.get(lang)}" if entry.menu_path else "menu path not documented by Huawei"
        )
    return f"name: {entry.permission_name.get(lang)}" if entry.permission_name else "name not documented"


STATUS_STYLES = {"ok": "green", "findings": "yellow", "error": "red"}


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, (list, tuple)):
        return " | ".join(str(item) for item in value) if value else "(none)"
    return str(value)


def _row_summary(row: PageRow) -> str:
    partner = row.table is AccountType.PARTNER
    last = row.menu_path if partner else row.permission_name
    word = "menu" if partner else "name"
    return (
        f"row {row.row}: {_shown(row.scenario)} / {_shown(row.sub_scenario)} / {_shown(row.description)}\n"
        f"{' | '.join(row.permissions)}\n{word}: {_shown(last)}"
    )


TABLE_FINDING_STYLES = {"error": "red", "warning": "yellow", "info": "dim"}


# --------------------------------------------------------------------------- fleet: who-can, diff, matrix


def _fleet_errors(console: Console, record: WhoCanRecord | MatrixRecord) -> None:
    for item in record.skipped:
        console.print(Text(f"skipped {item.file}: {item.reason}", style="dim"), soft_wrap=True)
    for error in record.errors:
        console.print(Text(f"unreadable: {error.text}", style="red"), soft_wrap=True)


# Past this many accounts a rich table takes longer to draw than the fleet takes to check, and
# nobody reads it as a table: one line per account instead (json and csv hold everything).
MAX_TABLE_ROWS = 200
# Past this many accounts the matrix no longer fits a terminal: one line per API with counts.
MAX_MATRIX_COLUMNS = 12


def _who_can_lines(console: Console, record: WhoCanRecord) -> None:
    for number, account in enumerate(record.accounts, 1):
        line = Text(f"{number}. {account.account} ({account.type}) {account.file}  ")
        line.append_text(decision_text(account.decision, account.callable, account.unlisted_reason))
        reasons = account_reasons(account, listing_for(record, account))
        if reasons:
            line.append(f"  {'; '.join(reasons)}", style="dim")
        console.print(line, soft_wrap=True)


def _matrix_counts(console: Console, record: MatrixRecord) -> None:
    grid = Table(expand=False, title=f"{len(record.accounts)} accounts: how many can call each API")
    grid.add_column("API", overflow="fold")
    grid.add_column("Callable", justify="right", style="green")
    grid.add_column("Denied", justify="right", style="red")
    grid.add_column("Conditional", justify="right", style="yellow")
    for api in record.apis:
        cells = api.cells
        grid.add_row(api.api, str(cells["callable"]), str(cells["denied"]), str(cells["conditional"]))
    print_grid(console, grid)
    console.print(
        Text(
            f"More than {MAX_MATRIX_COLUMNS} accounts: counts per API; "
            "--format csv or json gives every cell.",
            style="dim",
        ),
        soft_wrap=True,
    )


class TableFormat(ReportFormat):
    def can_call(self, record: CanCallRecord, stream: TextIO) -> None:
        console = make_console(stream)
        _header(console, record, self.lang)
        _print_results_tables(console, record.results)
        _details(console, record.results, self.lang, self.verbose)
        _summary(console, record.summary)

    def missing_perms(self, record: MissingPermsRecord, stream: TextIO) -> None:
        console = make_console(stream)
        _header(console, record, self.lang)
        if not record.results:
            console.print(Text("Nothing missing: every API checked is callable.", style="green"))
            return
        _print_results_tables(console, record.results)
        _details(console, record.results, self.lang, self.verbose)
        if record.to_grant:
            title = "Grant these (smallest set)" if record.minimal else "Grant these (may not be minimal)"
            grid = Table(title=title, title_justify="left", show_lines=True)
            grid.add_column("Permission", no_wrap=True)
            grid.add_column("Where to grant it, and what it unlocks", overflow="fold")
            for item in record.to_grant:
                where = where_to_grant(item, self.lang)
                unlocks = "\n".join(f"unlocks {api}" for api in item.unlocks or ())
                grid.add_row(item.permission, f"{where}\n{unlocks}")
            print_grid(console, grid)
        if record.blocked_by_deny:
            console.print(
                Text(
                    "Blocked by a Deny (an extra Allow cannot fix these; remove or narrow the Deny):",
                    style="bold red",
                )
            )
            for blocked in record.blocked_by_deny:
                sources = "; ".join(grant_source(grant) for grant in blocked.denied_by)
                console.print(Text(f"  {blocked.api}: {sources}"), soft_wrap=True)
        if record.unlisted:
            console.print(
                Text("Not in the table (counted by --strict; no permission to grant):", style="bold")
            )
            for text in record.unlisted:
                console.print(Text(f"  {text}"), soft_wrap=True)
        _summary(console, record.summary)

    def explain(self, record: ExplainRecord, stream: TextIO) -> None:
        console = make_console(stream)
        lang = self.lang
        if record.kind == "permission" and record.permissions:
            grid = Table(title=f"What {record.target} unlocks", show_lines=True)
            grid.add_column("Permission", no_wrap=True)
            grid.add_column("Table")
            grid.add_column("Where / name")
            grid.add_column("APIs", no_wrap=True, overflow="fold")
            for item in record.permissions:
                text = item.menu_path if item.table is AccountType.PARTNER else item.name
                where = text.get(lang) if text else "not documented by Huawei"
                grid.add_row(item.permission, item.table.value, where, "\n".join(item.unlocks or ()))
            print_grid(console, grid)
        else:
            for entry in record.entries:
                print_grid(console, _entry_table(entry, lang))
                console.print()
        for action in record.identity_actions:
            console.print(Text(_identity_action_text(action)), soft_wrap=True)
        for suggestion in record.suggestions:
            console.print(Text(f"did you mean {suggestion.api}? ({suggestion.reason})", style="yellow"))
        for note in record.notes:
            console.print(Text(note, style="dim"))
        if record.decision:
            console.print(Text("Decision for the account:", style="bold"))
            self.can_call(record.decision, stream)

    def validate(self, record: ValidationRecord, stream: TextIO) -> None:
        console = make_console(stream)
        for item in record.files:
            heading = Text(f"{item.file} ({item.kind}): ", style="bold")
            heading.append(item.status, style=STATUS_STYLES[item.status])
            console.print(heading, soft_wrap=True)
            if item.error:
                console.print(Text(f"   error: {item.error.text}", style="red"), soft_wrap=True)
            for finding in item.findings:
                console.print(Text(f"   {finding.text}", style="yellow"), soft_wrap=True)
        summary = record.summary
        console.print(
            Text(
                f"{summary.total} file(s): {summary.ok} ok, {summary.findings} with findings, "
                f"{summary.errors} with errors",
                style="dim",
            )
        )

    def apis(self, record: ApisRecord, stream: TextIO) -> None:
        console = make_console(stream)
        grid = Table(show_lines=True)
        grid.add_column("API")
        grid.add_column("Details")
        identity = {item.api: item.actions for item in record.identity_actions}
        for entry in record.entries:
            details = Text(f"{entry.table} row {entry.row}: {entry.description.get(self.lang)}")
            where = _where_or_name(entry, self.lang)
            needs = requirement(entry.mode, entry.permissions, entry.retiring)
            details.append(f"\nrequires {needs}\n{where}", style="dim")
            actions = identity.get(entry.api) if entry.table is AccountType.CUSTOMER else None
            if actions:
                details.append(f"\nidentity policies: {' + '.join(actions)}", style="dim")
            grid.add_row(entry.api, details)
        print_grid(console, grid)
        console.print(Text(f"{record.summary.total} API(s)", style="dim"))
        editions = {(entry.table, entry.source.file): entry.source for entry in record.entries}
        for (kind, _), info in editions.items():
            console.print(
                Text(f"{kind.value} table: {edition(info, self.lang)}", style="dim"), soft_wrap=True
            )

    def scan(self, record: ScanRecord, stream: TextIO) -> None:
        console = make_console(stream)
        grid = Table(expand=False)
        grid.add_column("API / SDK operation", overflow="fold", ratio=1)
        grid.add_column("Called at", overflow="fold", ratio=1)
        for api in record.apis:
            name = Text(api.api) if api.api else Text(f"? {api.path}", style="yellow")
            if api.operation:
                name.append(f"\n{api.operation}", style="dim")
            sites = [f"{site.file}:{site.line} ({site.kind})" for site in api.sites[:MAX_SITES]]
            if len(api.sites) > MAX_SITES:
                sites.append(f"and {len(api.sites) - MAX_SITES} more")
            grid.add_row(name, "\n".join(sites))
        if record.apis:
            print_grid(console, grid)
        summary = record.summary
        console.print(
            Text(
                f"{summary.apis} API(s) at {summary.sites} call site(s) in {summary.files_scanned} "
                f"file(s); {summary.files_skipped} skipped",
                style="dim",
            ),
            soft_wrap=True,
        )
        if summary.unknown_method:
            console.print(
                Text(
                    f"{summary.unknown_method} path(s) (marked ?) with no HTTP method the code states: "
                    "not guessed, so not checked; list them with their method in an --apis file.",
                    style="yellow",
                ),
                soft_wrap=True,
            )

    # ----------------------------------------------------------------------- bsscheck table

    def table_diff(self, record: TableDiffRecord, stream: TextIO) -> None:
        console = make_console(stream)
        old, new = record.old, record.new
        compared = (
            "all fields"
            if record.all_fields
            else "documented fields (--all-fields adds translations, site, url)"
        )
        console.print(
            Text(
                f"A: {old.file} ({old.type}, {old.rows} rows)  B: {new.file} ({new.type}, "
                f"{new.rows} rows); compared: {compared}",
                style="dim",
            ),
            soft_wrap=True,
        )
        if record.table:
            grid = Table(title="Table", title_justify="left")
            grid.add_column("Field", no_wrap=True)
            grid.add_column("A", overflow="fold")
            grid.add_column("B", overflow="fold")
            for field_change in record.table:
                grid.add_row(field_change.field, _shown(field_change.old), _shown(field_change.new))
            print_grid(console, grid)
        if record.added or record.removed or record.changed:
            grid = Table(title="Rows", title_justify="left")
            grid.add_column("Change", no_wrap=True)
            grid.add_column("API", overflow="fold")
            grid.add_column("Field", no_wrap=True)
            grid.add_column("A", overflow="fold")
            grid.add_column("B", overflow="fold")
            for row in record.removed:
                grid.add_row(
                    Text("removed", style="red"), row.api, "", _row_summary(row), "", end_section=True
                )
            for row in record.added:
                grid.add_row(
                    Text("added", style="green"), row.api, "", "", _row_summary(row), end_section=True
                )
            for change in record.changed:
                api = change.api
                if change.old_api != api:
                    api = f"{change.old_api} -> {api}"
                fields = change.fields
                for number, item in enumerate(fields):
                    first = number == 0
                    grid.add_row(
                        Text("changed", style="yellow") if first else "",
                        f"{api} (row {change.old_row} -> {change.new_row})" if first else "",
                        item.field,
                        _shown(item.old),
                        _shown(item.new),
                        end_section=number == len(fields) - 1,
                    )
            print_grid(console, grid)
        summary = record.summary
        if record.identical:
            console.print(Text("Identical.", style="green"))
        else:
            console.print(
                Text(
                    f"{summary.added} added, {summary.removed} removed, {summary.changed} changed, "
                    f"{summary.table_fields} table field(s) changed",
                    style="yellow",
                )
            )

    def table_validate(self, record: TableCheckRecord, stream: TextIO) -> None:
        console = make_console(stream)
        heading = Text(f"{record.file} ({record.type} table, {record.rows} rows): ", style="bold")
        heading.append(record.status, style=STATUS_STYLES[record.status])
        console.print(heading, soft_wrap=True)
        for finding in record.findings:
            console.print(
                Text(f"   {finding.text}", style=TABLE_FINDING_STYLES[finding.level]), soft_wrap=True
            )
        summary = record.summary
        console.print(
            Text(
                f"{summary.total} finding(s): {summary.error} error(s), {summary.warning} warning(s), "
                f"{summary.info} info",
                style="dim",
            )
        )

    def table_status(self, record: TableStatusRecord, stream: TextIO) -> None:
        console = make_console(stream)
        for number, item in enumerate(record.editions):
            if number:
                console.print()
            heading = Text(f"{item.kind} table: {item.file}", style="bold")
            if item.stale:
                heading.append("  OLD" if item.age_days is not None else "  UNDATED", style="yellow")
            console.print(heading, soft_wrap=True)
            if item.age_days is None:
                age = "no date on the page: its age cannot be checked"
            else:
                age = f"updated {item.updated}, {item.age_days:,} days ago"
            lines = [f"{item.title.get(self.lang)}", f"site: {item.site}", age]
            if item.url:
                lines.append(f"page: {item.url}")
            for line in lines:
                console.print(Text(f"  {line}"), soft_wrap=True)
            if item.later_changes:
                word = "since the bundled edition" if item.bundled else "in editions Huawei published"
                console.print(Text(f"  Known changes {word} (notes, not used in decisions):", style="dim"))
                for change in item.later_changes:
                    console.print(Text(f"  - {change.change} ({change.page})", style="dim"), soft_wrap=True)
        threshold = (
            f"older than {record.max_table_age} days or undated" if record.max_table_age else "never (0)"
        )
        summary = f"{record.summary.editions} edition(s); {record.summary.stale} flagged ({threshold})"
        console.print(Text(summary, style="yellow" if record.summary.stale else "green"), soft_wrap=True)
        if record.summary.stale:
            console.print(
                Text(
                    "Refresh one: save its page, bsscheck table import PAGE --type KIND -o FILE, "
                    "review with bsscheck table diff bundled:KIND FILE, then pass --table FILE.",
                    style="dim",
                ),
                soft_wrap=True,
            )

    # ----------------------------------------------------------------------- fleet

    def who_can(self, record: WhoCanRecord, stream: TextIO) -> None:
        console = make_console(stream)
        api = record.api
        console.print(Text(f"Who can call {api.method} {api.path}", style="bold"), soft_wrap=True)
        for listing in shown_listings(record):
            console.print(Text(f"  {listing_line(listing, self.lang)}", style="dim"), soft_wrap=True)
        if len(record.accounts) > MAX_TABLE_ROWS:
            _who_can_lines(console, record)
        elif record.accounts:
            grid = Table(expand=False)
            grid.add_column("#", justify="right", style="dim")
            grid.add_column("Account", overflow="fold")
            grid.add_column("Type", no_wrap=True)
            grid.add_column("Decision", no_wrap=True)
            grid.add_column("Granted by / why not", overflow="fold")
            for number, account in enumerate(record.accounts, 1):
                name = Text(account.account)
                name.append(f"\n{account.file}", style="dim")
                reasons = "\n".join(account_reasons(account, listing_for(record, account)))
                shown = decision_text(account.decision, account.callable, account.unlisted_reason)
                grid.add_row(str(number), name, account.type.value, shown, reasons)
            print_grid(console, grid)
        _fleet_errors(console, record)
        style = "red" if record.summary.callable else "green"
        console.print(Text(who_can_summary(record), style=style), soft_wrap=True)
        for listing in shown_listings(record):
            console.print(
                Text(f"{listing.type.value} table: {edition(listing.table, self.lang)}", style="dim"),
                soft_wrap=True,
            )

    def diff(self, record: GrantsDiffRecord, stream: TextIO) -> None:
        console = make_console(stream)
        old, new = record.old, record.new
        console.print(
            Text(
                f"Account {new.name} ({new.type}): {', '.join(old.files)} -> {', '.join(new.files)}",
                style="bold",
            ),
            soft_wrap=True,
        )
        console.print(
            Text(f"Table: {edition(record.table, self.lang)}; compared: {diff_scope(record)}", style="dim"),
            soft_wrap=True,
        )
        if record.changes:
            print_grid(console, _changes_grid(grouped_changes(record.changes)))
        else:
            console.print(Text("No change in what the account can call.", style="green"))
        console.print(Text(diff_summary(record), style="bold"), soft_wrap=True)

    def terraform_diff(self, record: TerraformDiffRecord, stream: TextIO) -> None:
        console = make_console(stream)
        plan = record.plan
        version = f" (Terraform {plan.terraform_version})" if plan.terraform_version else ""
        console.print(Text(f"Terraform plan {plan.file}{version}", style="bold"), soft_wrap=True)
        if record.table is not None:
            console.print(Text(f"Table: {edition(record.table, self.lang)}", style="dim"), soft_wrap=True)
        for principal in record.principals:
            if not principal.diff.changes:
                continue
            console.print()
            console.print(Text(principal_heading(principal), style="bold"), soft_wrap=True)
            print_grid(console, _changes_grid(grouped_changes(principal.diff.changes, group=True)))
        if not record.summary.changed:
            console.print(Text("No change in what any principal can call.", style="green"))
        console.print(Text(terraform_summary(record), style="bold"), soft_wrap=True)

    def matrix(self, record: MatrixRecord, stream: TextIO) -> None:
        console = make_console(stream)
        accounts = list(record.accounts)
        if len(accounts) > MAX_MATRIX_COLUMNS:
            _matrix_counts(console, record)
        elif accounts and record.apis:
            grid = Table(expand=False)
            grid.add_column("API", overflow="fold")
            for number in range(1, len(accounts) + 1):
                grid.add_column(str(number), justify="center", no_wrap=True)
            grid.add_column("Callable by", justify="right", no_wrap=True)
            styles = {"callable": "green", "denied": "red", "conditional": "yellow"}
            for index, api in enumerate(record.apis):
                cells = [(account.cells[index], account.decisions[index]) for account in accounts]
                grid.add_row(
                    api.api,
                    *(Text(cell_label(cell, decision), style=styles[cell]) for cell, decision in cells),
                    f"{api.cells['callable']}/{len(accounts)}",
                )
            print_grid(console, grid)
            for number, account in enumerate(accounts, 1):
                console.print(
                    Text(f"{number}: {account.account} ({account.type}) {account.file}", style="dim"),
                    soft_wrap=True,
                )
            console.print(Text(CELL_LEGEND, style="dim"), soft_wrap=True)
        _fleet_errors(console, record)
        console.print(Text(matrix_summary(record), style="bold"), soft_wrap=True)


FORMAT = TableFormat
