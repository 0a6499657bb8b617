"""GitHub Actions output: workflow commands that annotate the lines of the APIs file.

Each API that is not callable becomes an ``::error``, each suspected typo (a callable API that
is a near miss of a listed one) a ``::warning``, each warning about the input a ``::warning``
on the grants file. An API found in code (``--from-source``) is annotated at every line that
calls it. A one-line plain summary follows. When ``GITHUB_STEP_SUMMARY`` names a
file, the Markdown report is appended to it, so the job's summary page shows the full answer.

Commands are escaped exactly as actions/toolkit (packages/core/src/command.ts) does, so no
name from an input file can end a command early or forge another one.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import TextIO

from cli.finding_kinds import SEVERITY
from cli.findings import RULES, InputFinding, finding_kind, input_findings, message
from cli.fleet_text import AccessFinding, access_findings, terraform_summary
from cli.formats import ReportFormat, markdown
from cli.locations import display_path, file_location, finding_location
from permtable.errors import Notice
from permtable.missing import MissingPermsRecord
from permtable.reports import CanCallRecord, ResultRecord
from permtable.scan.model import ScanRecord
from permtable.terraform.diff import TerraformDiffRecord
from permtable.validation import ValidationRecord

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(name: str, properties: dict[str, object], text: str) -> str:
    """``::name key=value,...::text``; properties that are None or empty are left out."""
    pairs = [
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    ]
    return f"::{name}{' ' + ','.join(pairs) if pairs else ''}::{escape_data(text)}"


def _place(file: str, line: object, column: object) -> dict[str, object]:
    """Where an annotation goes: GitHub's file, line and col properties."""
    return {"file": display_path(file), "line": line, "col": column}


def _position(result: ResultRecord, record: CanCallRecord) -> dict[str, object]:
    where = finding_location(result, record)
    return {} if where is None else _place(where.file, where.line, where.column)


def _input_warning(warning: Notice) -> str:
    """The ``::warning`` for a warning about the input, at its file and line when it has one."""
    where = file_location(warning.location)
    properties = {} if where is None else _place(where.file, where.line, where.column)
    properties["title"] = "bsscheck: warning about the input"
    text = warning.message + (f" (hint: {warning.hint})" if warning.hint else "")
    return workflow_command("warning", properties, text)


def _annotations(record: CanCallRecord, lang: str) -> Iterator[tuple[str, str]]:
    """(level, command) for every warning about the input and every finding, in input order."""
    for warning in record.warnings:
        yield "warning", _input_warning(warning)
    for result in record.results:
        kind = finding_kind(result)
        if result.callable and kind is None:
            continue
        # One severity per kind (cli.finding_kinds); a finding is always an API counted not callable.
        level = SEVERITY[kind] if kind is not None else "error"
        rule = RULES[kind] if kind is not None else None
        title = f"bsscheck {rule.id}: {rule.title}" if rule else "bsscheck: API not callable"
        text = message(result, lang)
        if result.call_sites:
            # From a scan: every line that calls the API is annotated, not only the first.
            for site in result.call_sites:
                properties = {**_place(site.file, site.line, site.column), "title": title}
                yield level, workflow_command(level, properties, text)
            continue
        properties = {**_position(result, record), "title": title}
        yield level, workflow_command(level, properties, text)


def _summary(record: CanCallRecord, errors: int, warnings: int) -> str:
    summary = record.summary
    text = (
        f"bsscheck: {summary.total} API(s): {summary.callable} callable, {summary.not_callable} not callable"
    )
    if summary.suspected_typos:
        text += f", {summary.suspected_typos} suspected typo(s)"
    if isinstance(record, MissingPermsRecord):
        if record.to_grant:
            text += f"; grant {', '.join(item.permission for item in record.to_grant)}"
        if record.blocked_by_deny:
            text += f"; {len(record.blocked_by_deny)} blocked by a Deny"
    return f"{text} ({errors} error(s), {warnings} warning(s) annotated)."


def append_step_summary(view: str, record: object, lang: str) -> str | None:
    """Append the Markdown report to $GITHUB_STEP_SUMMARY; a warning command when that fails.

    The file is shared by every step of the job: open it for appending, never truncate it.
    """
    path = os.environ.get(STEP_SUMMARY)
    if not path:
        return None
    buffer = io.StringIO()
    markdown.FORMAT(lang).render(view, record, buffer)
    try:
        with open(path, "a", encoding="utf-8", newline="") as handle:
            if handle.tell() > 0:
                handle.write("\n")  # a blank line after what earlier steps wrote
            handle.write(buffer.getvalue())
    except OSError as error:
        reason = error.strerror or str(error)
        return workflow_command(
            "warning",
            {"title": "bsscheck: no job summary"},
            f"cannot append the Markdown report to {STEP_SUMMARY} ({path}): {reason}",
        )
    return None


class GithubFormat(ReportFormat):
    def _check(self, view: str, record: CanCallRecord, stream: TextIO) -> None:
        errors = warnings = 0
        for level, line in _annotations(record, self.lang):
            errors += level == "error"
            warnings += level == "warning"
            stream.write(line + "\n")
        failure = append_step_summary(view, record, self.lang)
        if failure:
            stream.write(failure + "\n")
        stream.write(_summary(record, errors, warnings) + "\n")

    def can_call(self, record: CanCallRecord, stream: TextIO) -> None:
        self._check("can_call", record, stream)

    def missing_perms(self, record: MissingPermsRecord, stream: TextIO) -> None:
        self._check("missing_perms", record, stream)

    def _annotate(
        self, view: str, record: object, findings: Iterable[InputFinding | AccessFinding], stream: TextIO
    ) -> tuple[int, int]:
        """An annotation per finding at its place, then the Markdown report in the job summary;
        the numbers of errors and warnings annotated."""
        errors = warnings = 0
        for finding in findings:
            errors += finding.level == "error"
            warnings += finding.level == "warning"
            properties = {
                **_place(finding.file, finding.line, finding.column),
                "title": f"bsscheck {finding.rule.id}: {finding.rule.title}",
            }
            stream.write(workflow_command(finding.level, properties, finding.text) + "\n")
        failure = append_step_summary(view, record, self.lang)
        if failure:
            stream.write(failure + "\n")
        return errors, warnings

    def validate(self, record: ValidationRecord, stream: TextIO) -> None:
        errors, warnings = self._annotate("validate", record, input_findings(record), stream)
        summary = record.summary
        stream.write(
            f"bsscheck: {summary.total} file(s): {summary.ok} ok, {summary.findings} with findings, "
            f"{summary.errors} with errors ({errors} error(s), {warnings} warning(s) annotated).\n"
        )

    def terraform_diff(self, record: TerraformDiffRecord, stream: TextIO) -> None:
        """An annotation per principal and changed API on the resource's .tf line, then the
        Markdown report in the job summary."""
        errors, warnings = self._annotate("terraform_diff", record, access_findings(record), stream)
        stream.write(
            f"bsscheck: {terraform_summary(record)} ({errors} error(s), {warnings} warning(s) annotated).\n"
        )

    def scan(self, record: ScanRecord, stream: TextIO) -> None:
        """A ``::notice`` on every line that calls a BSS API; a ``::warning`` where the method is unknown."""
        notices = warnings = 0
        unknown = set()
        for api in record.apis:
            for site in api.sites:
                properties = _place(site.file, site.line, site.column)
                if api.method:
                    notices += 1
                    operation = f" (SDK operation {api.operation})" if api.operation else ""
                    properties["title"] = "bsscheck BSS020: BSS API call"
                    text = f"calls {api.api}{operation}"
                    stream.write(workflow_command("notice", properties, text) + "\n")
                else:
                    warnings += 1
                    unknown.add((site.file, site.line, site.column))
                    properties["title"] = "bsscheck BSS021: BSS API path with no determinable HTTP method"
                    text = f"{api.path}: the code does not state the HTTP method; not checked"
                    stream.write(workflow_command("warning", properties, text) + "\n")
        for warning in record.warnings:
            where = file_location(warning.location)
            if where is not None and (where.file, where.line, where.column) in unknown:
                continue
            warnings += 1
            stream.write(_input_warning(warning) + "\n")
        failure = append_step_summary("scan", record, self.lang)
        if failure:
            stream.write(failure + "\n")
        summary = record.summary
        stream.write(
            f"bsscheck: {summary.apis} API(s) at {summary.sites} call site(s) in "
            f"{summary.files_scanned} file(s), {summary.unknown_method} with no determinable method "
            f"({notices} notice(s), {warnings} warning(s) annotated).\n"
        )


FORMAT = GithubFormat
