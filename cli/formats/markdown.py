"""Markdown output: a report to paste into a pull-request comment or a job summary.

Everything that comes from input files (role and policy names, file names, conditions) is
escaped, so a name cannot break a table row, start emphasis or inject HTML. API paths,
permission codes and grant patterns are shown as code spans: ``{order_id}``, ``**`` and
``bss:*:*`` then read exactly as written. Wording comes from cli.findings, as in every format.

Why one module of this size: one module per output format, and this format writes every view;
the escaping rules above are shared by all of them and belong in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TextIO

from cli.findings import api_text, edition, file_findings, fixes, grant_source, reason, unlisted_label
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
from cli.locations import display_path
from permtable.errors import Notice
from permtable.evaluate import Decision, GrantRef
from permtable.fleet.accounts import FailureRecord, Skipped
from permtable.fleet.matrix import MatrixRecord
from permtable.fleet.who_can import AccountAnswer, ListingRecord, WhoCanRecord
from permtable.grants_diff import GrantsDiffRecord
from permtable.missing import MissingPermsRecord
from permtable.model import AccountType
from permtable.reports import CanCallRecord, PermissionRecord, ResultRecord
from permtable.scan.model import CallSite, ScanRecord
from permtable.terraform.diff import TerraformDiffRecord
from permtable.validation import ValidationRecord

DECISION_LABELS = {
    Decision.ALLOWED: "allowed",
    Decision.IMPLICIT_DENY: "**DENIED**: not granted",
    Decision.EXPLICIT_DENY: "**DENIED**: explicit Deny",
    Decision.CONDITIONAL: "**CONDITIONAL**",
    Decision.UNKNOWN: "**UNKNOWN**: cannot be settled offline",
    Decision.BLOCKED_BY_SCP: "**DENIED**: blocked by an SCP",
    Decision.NOT_CHECKED: "not listed: no check",
}

# Punctuation that means something to GFM inline (emphasis, code, links, strikethrough, table
# cells); a backslash makes each literal. `<`, `>` and `&` become entities instead, so no HTML
# tag or entity is formed. Block markers matter only where a text starts a line: see text().
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_BLOCK_START = re.compile(r"^(\d{0,9}(?=[.)])|(?=[-+#=]))")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def text(value: str, starts_line: bool = True) -> str:
    """Plain text safe anywhere inline, including a table cell: no markup, HTML or row break.

    ``starts_line`` False: the text follows other text, so a leading '-' or '1.' is harmless.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", value)
    if starts_line:  # a list item or heading marker, should the text start a line
        escaped = _BLOCK_START.sub(r"\1\\", escaped, count=1)
    escaped = re.sub(r"[&<>]", lambda match: _HTML[match.group()], escaped)
    return _NEWLINE.sub("<br>", escaped)


def code(value: str) -> str:
    """A code span showing ``value`` literally, even in a table cell and with backticks inside."""
    if _NEWLINE.search(value) or not value.strip():
        return text(value)  # a code span cannot hold a line break; a blank one would vanish
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {value} " if value[0] in "` " or value[-1] in "` " else value
    # GFM splits table cells before inline parsing, so a pipe needs its backslash even here.
    content = padded.replace("|", "\\|")
    return f"{fence}{content}{fence}"


def with_code(value: str, literals: Iterable[str]) -> str:
    """Escaped ``value`` in which each occurrence of one of ``literals`` is a code span."""
    tokens = sorted({item for item in literals if item and not _NEWLINE.search(item)}, key=len, reverse=True)
    if not tokens:
        return text(value)
    pattern = re.compile("|".join(re.escape(token) for token in tokens))
    parts = []
    position = 0
    for match in pattern.finditer(value):
        parts.append(text(value[position : match.start()], starts_line=position == 0))
        parts.append(code(match.group()))
        position = match.end()
    parts.append(text(value[position:], starts_line=position == 0))
    return "".join(parts)


def _grants(result: ResultRecord) -> list[GrantRef]:
    grants = list(result.granted_by)
    for check in result.checks:
        grants.extend(check.allowed_by)
        grants.extend(check.denied_by)
    return grants


def grant_literals(grants: Iterable[GrantRef]) -> list[str]:
    """The machine names ``grant_source`` mentions: permission, pattern, file and line."""
    found = []
    for grant in grants:
        found.extend([grant.permission, grant.pattern or ""])
        if grant.file:
            found.append(f"{grant.file}:{grant.line}" if grant.line else grant.file)
    return found


def literals(result: ResultRecord) -> list[str]:
    """The machine names in a result's wording: APIs, permission codes, grant patterns, files."""
    found = [api_text(result), result.input]
    if result.entry:
        found.append(result.entry.api)
        found.extend(result.entry.permissions)
    found.extend(result.missing)
    for suggestion in result.suggestions:
        found.append(suggestion.api)
        found.extend(suggestion.permissions)
    if result.listed_for:
        found.append(result.listed_for.api)
        found.extend(result.listed_for.permissions)
    return found + grant_literals(_grants(result))


def decision(result: ResultRecord) -> str:
    if result.decision is Decision.NOT_CHECKED:
        if not result.callable:
            return f"**{unlisted_label(result.unlisted_reason)}**"
        if result.suggestions:
            return "not listed: **suspected typo**"
    return DECISION_LABELS[result.decision]


def why(result: ResultRecord, lang: str) -> str:
    """The reason, then one line per fix, then the notes: the 'Why / fix' cell."""
    names = literals(result)
    lines = [with_code(reason(result), names)]
    lines.extend(f"**fix**: {with_code(fix, names)}" for fix in fixes(result, lang))
    lines.extend(f"_{with_code(note, names)}_" for note in result.notes)
    return "<br>".join(lines)


def row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _heading(record: CanCallRecord, command: str, lang: str) -> list[str]:
    account = record.account
    return [
        f"### bsscheck {command}: account {text(account.name)} ({text(account.type.value)}), "
        f"table {text(edition(record.table, lang))}",
        "",
        "Grants from " + ", ".join(code(name) for name in account.files) + ".",
        "",
    ]


def _results(results: Iterable[ResultRecord], lang: str) -> list[str]:
    lines = [row(["#", "API", "Decision", "Why / fix"]), row(["--:", "---", "---", "---"])]
    for number, result in enumerate(results, 1):
        api = code(api_text(result))
        if result.entry and result.entry.api != api_text(result):
            api += f"<br>matches {code(result.entry.api)}"
        if result.call_sites:
            api += "<br>called at " + _sites(result.call_sites)
        lines.append(row([str(number), api, decision(result), why(result, lang)]))
    lines.append("")
    return lines


MAX_SITES = 5


def _sites(sites: Sequence[CallSite]) -> str:
    """``file:line`` code spans, the first few; the count of the rest."""
    shown = ", ".join(code(f"{display_path(site.file)}:{site.line}") for site in sites[:MAX_SITES])
    rest = len(sites) - MAX_SITES
    return shown + (f" and {rest} more" if rest > 0 else "")


def _summary(record: CanCallRecord) -> list[str]:
    summary = record.summary
    decisions = ", ".join(f"{count} {name}" for name, count in summary.decisions.items() if count)
    lines = [
        f"**{summary.total} API(s): {summary.callable} callable, "
        f"{summary.not_callable} not callable** ({text(decisions)})"
    ]
    if summary.suspected_typos:
        lines += ["", f"{summary.suspected_typos} API(s) look like typos of listed APIs: check them."]
    return [*lines, ""]


def _change_rows(groups: list[ChangeGroup]) -> list[str]:
    """diff's changes as a table, a row per API (or per group of APIs changed alike)."""
    lines = [row(["Change", "API", "Old -> new", "Because"]), row(["---"] * 4)]
    for group in groups:
        because = "<br>".join(with_code(line, group.code) for line in group.because)
        apis = "<br>".join(code(api) for api in group.apis)
        lines.append(row([f"**{group.kind}**", apis, text(group.transition), because]))
    return lines


def _warnings(warnings: Sequence[Notice]) -> list[str]:
    if not warnings:
        return []
    lines = ["**Warnings about the input**", ""]
    for warning in warnings:
        location = warning.location
        where = ":".join(str(part) for part in (location.file, location.line) if part)
        item = f"- {code(where)}: " if where else "- "
        item += text(warning.message)
        if warning.hint:
            item += f" ({text(warning.hint)})"
        lines.append(item)
    return [*lines, ""]


def _where(item: PermissionRecord, lang: str) -> str:
    if item.table is AccountType.PARTNER:
        return (
            f"menu: {text(item.menu_path.get(lang))}"
            if item.menu_path
            else "_menu path not documented by Huawei_"
        )
    return f"name: {text(item.name.get(lang))}" if item.name else "_name not documented_"


def _to_grant(record: MissingPermsRecord, lang: str) -> list[str]:
    if not record.to_grant:
        return []
    title = "Grant these (smallest set)" if record.minimal else "Grant these (may not be minimal)"
    lines = [
        f"#### {title}",
        "",
        row(["Permission", "Where (menu path / permission name)", "Unlocks"]),
        row(["---", "---", "---"]),
    ]
    for item in record.to_grant:
        unlocks = "<br>".join(code(api) for api in item.unlocks or ())
        lines.append(row([code(item.permission), _where(item, lang), unlocks]))
    return [*lines, ""]


def _blocked_by_deny(record: MissingPermsRecord) -> list[str]:
    if not record.blocked_by_deny:
        return []
    lines = [
        "#### Blocked by a Deny",
        "",
        "An extra Allow cannot fix these: remove or narrow the Deny.",
        "",
    ]
    for item in record.blocked_by_deny:
        sources = "; ".join(grant_source(grant) for grant in item.denied_by)
        names = [item.api, *grant_literals(item.denied_by)]
        lines.append(f"- {code(item.api)}: {with_code(sources, names)}")
    return [*lines, ""]


def _unlisted(record: MissingPermsRecord) -> list[str]:
    if not record.unlisted:
        return []
    lines = ["#### Not in the table", "", "Counted by --strict; there is no permission to grant.", ""]
    lines.extend(f"- {code(item)}" for item in record.unlisted)
    return [*lines, ""]


def _write(lines: list[str], stream: TextIO) -> None:
    stream.write("\n".join(lines).rstrip("\n") + "\n")


STATUS_LABELS = {"ok": "ok", "findings": "**findings**", "error": "**error**"}


# --------------------------------------------------------------------------- fleet: who-can, diff, matrix
# (the class below renders every view with these helpers)


def _fleet_problems(errors: Sequence[FailureRecord], skipped: Sequence[Skipped]) -> list[str]:
    lines = []
    if errors:
        lines += ["**Unreadable grants files** (their accounts are not in the report)", ""]
        lines += [f"- {code(error.file)}: {text(error.text, starts_line=False)}" for error in errors]
        lines.append("")
    if skipped:
        lines += ["Skipped:", ""]
        lines += [f"- {code(item.file)}: {text(item.reason, starts_line=False)}" for item in skipped]
        lines.append("")
    return lines


def _account_decision(account: AccountAnswer) -> str:
    if account.decision is Decision.NOT_CHECKED and not account.callable:
        return f"**{unlisted_label(account.unlisted_reason)}**"
    return DECISION_LABELS[account.decision]


def _reason_literals(account: AccountAnswer, listing: ListingRecord | None) -> list[str]:
    grants = [*account.granted_by, *account.denied_by]
    found = [*account.missing, *(grant.permission for grant in grants)]
    found += [grant.pattern or "" for grant in grants]
    found += [grant.file or "" for grant in grants if grant.file != account.file]
    if listing and listing.entry:
        found += listing.entry.permissions
    return found


def _listing_literals(listing: ListingRecord) -> list[str]:
    found = [suggestion.api for suggestion in listing.suggestions]
    for suggestion in listing.suggestions:
        found += suggestion.permissions
    if listing.entry:
        found += [listing.entry.api, *listing.entry.permissions]
    return found


# A pull-request comment scrolls sideways, but past this many accounts a grid is unreadable.
MAX_MATRIX_COLUMNS = 20


class MarkdownFormat(ReportFormat):
    def can_call(self, record: CanCallRecord, stream: TextIO) -> None:
        lines = _heading(record, "can-call", self.lang)
        lines += _results(record.results, self.lang)
        lines += _warnings(record.warnings)
        lines += _summary(record)
        _write(lines, stream)

    def missing_perms(self, record: MissingPermsRecord, stream: TextIO) -> None:
        lines = _heading(record, "missing-perms", self.lang)
        if record.results:
            lines += _results(record.results, self.lang)
        else:
            lines += ["Nothing missing: every API checked is callable.", ""]
        lines += _to_grant(record, self.lang)
        lines += _blocked_by_deny(record)
        lines += _unlisted(record)
        lines += _warnings(record.warnings)
        lines += _summary(record)
        _write(lines, stream)

    def validate(self, record: ValidationRecord, stream: TextIO) -> None:
        lines = ["### bsscheck validate", "", row(("File", "Kind", "Status", "Problems")), row(("---",) * 4)]
        for item in record.files:
            problems = "<br>".join(
                f"{finding.rule.id}: {text(finding.text, starts_line=False)}"
                for finding in file_findings(item)
            )
            lines.append(row((code(item.file), item.kind, STATUS_LABELS[item.status], problems or "-")))
        summary = record.summary
        lines += [
            "",
            f"**{summary.total} file(s): {summary.ok} ok, {summary.findings} with findings, "
            f"{summary.errors} with errors**",
        ]
        _write(lines, stream)

    def scan(self, record: ScanRecord, stream: TextIO) -> None:
        summary = record.summary
        paths = ", ".join(code(path) for path in record.paths)
        lines = [f"### bsscheck scan: {paths}", ""]
        known = [api for api in record.apis if api.method]
        unknown = [api for api in record.apis if not api.method]
        if known:
            lines += [row(("API", "SDK operation", "Called at")), row(("---",) * 3)]
            for api in known:
                operation = code(api.operation) if api.operation else "-"
                lines.append(row((code(str(api.api)), operation, _sites(api.sites))))
            lines.append("")
        else:
            lines += ["No BSS API call found.", ""]
        if unknown:
            lines += [
                "**Paths with no determinable HTTP method** (not guessed; list them with their method)",
                "",
            ]
            lines += [f"- {code(api.path)} at {_sites(api.sites)}" for api in unknown]
            lines.append("")
        lines.append(
            f"**{summary.apis} API(s) at {summary.sites} call site(s) in {summary.files_scanned} "
            f"file(s)**, {summary.unknown_method} path(s) with no determinable method, "
            f"{summary.files_skipped} skipped"
        )
        _write(lines, stream)

    def who_can(self, record: WhoCanRecord, stream: TextIO) -> None:
        api = record.api
        lines = [f"### bsscheck who-can: {code(api.method + ' ' + api.path)}", ""]
        lines += [
            f"- {with_code(listing_line(listing, self.lang), _listing_literals(listing))}"
            for listing in shown_listings(record)
        ]
        lines.append("")
        if record.accounts:
            lines += [
                row(["#", "Account", "Type", "Decision", "Granted by / why not"]),
                row(["--:", *["---"] * 4]),
            ]
            for number, account in enumerate(record.accounts, 1):
                listing = listing_for(record, account)
                names = _reason_literals(account, listing)
                reasons = "<br>".join(with_code(line, names) for line in account_reasons(account, listing))
                name = f"{text(account.account)}<br>{code(account.file)}"
                lines.append(
                    row([str(number), name, account.type.value, _account_decision(account), reasons or "-"])
                )
            lines.append("")
        lines += _fleet_problems(record.errors, record.skipped)
        lines += _warnings(record.warnings)
        lines.append(f"**{text(who_can_summary(record))}**")
        _write(lines, stream)

    def diff(self, record: GrantsDiffRecord, stream: TextIO) -> None:
        new = record.new
        old_files = ", ".join(code(f) for f in record.old.files)
        files = f"{old_files} -> {', '.join(code(f) for f in new.files)}"
        lines = [
            f"### bsscheck diff: account {text(new.name)} ({new.type})",
            "",
            f"{files}; compared: {text(diff_scope(record), starts_line=False)}.",
            "",
        ]
        if record.changes:
            lines += [*_change_rows(grouped_changes(record.changes)), ""]
        else:
            lines += ["No change in what the account can call.", ""]
        lines += _warnings(record.warnings)
        lines.append(f"**{text(diff_summary(record))}**")
        _write(lines, stream)

    def terraform_diff(self, record: TerraformDiffRecord, stream: TextIO) -> None:
        """A pull-request comment or step summary: per principal, what the plan changes."""
        plan = record.plan
        lines = [f"### bsscheck: what {code(display_path(plan.file))} changes in BSS access", ""]
        changed = [principal for principal in record.principals if principal.diff.changes]
        for principal in changed:
            lines += [f"#### {text(principal_heading(principal))}", ""]
            lines += [*_change_rows(grouped_changes(principal.diff.changes, group=True)), ""]
        if not changed:
            lines += ["No change in what any principal can call.", ""]
        lines += _warnings(record.warnings)
        lines.append(f"**{text(terraform_summary(record))}**")
        _write(lines, stream)

    def matrix(self, record: MatrixRecord, stream: TextIO) -> None:
        accounts = list(record.accounts)
        lines = ["### bsscheck matrix", ""]
        if len(accounts) > MAX_MATRIX_COLUMNS:
            lines += [row(["API", "Callable", "Denied", "Conditional"]), row(["---", "--:", "--:", "--:"])]
            for api in record.apis:
                cells = api.cells
                lines.append(
                    row(
                        [
                            code(api.api),
                            str(cells["callable"]),
                            str(cells["denied"]),
                            str(cells["conditional"]),
                        ]
                    )
                )
            lines += [
                "",
                f"More than {MAX_MATRIX_COLUMNS} accounts: counts per API; "
                "`--format csv` or `json` gives every cell.",
                "",
            ]
        elif accounts and record.apis:
            header = ["API", *(text(account.account) for account in accounts), "Callable by"]
            lines += [row(header), row(["---", *[":-:"] * len(accounts), "--:"])]
            for index, api in enumerate(record.apis):
                labels = [text(cell_label(a.cells[index], a.decisions[index])) for a in accounts]
                lines.append(row([code(api.api), *labels, f"{api.cells['callable']}/{len(accounts)}"]))
            lines += [
                "",
                "Accounts: "
                + "; ".join(f"{text(a.account)} ({a.type}, {code(a.file)})" for a in accounts)
                + ".",
                "",
                text(CELL_LEGEND) + ".",
                "",
            ]
        lines += _fleet_problems(record.errors, record.skipped)
        lines += _warnings(record.warnings)
        lines.append(f"**{text(matrix_summary(record))}**")
        _write(lines, stream)


FORMAT = MarkdownFormat
