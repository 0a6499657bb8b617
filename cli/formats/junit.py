"""JUnit XML output, for the test report views of GitLab, Jenkins and other CI servers.

One test case per API: it fails when the API is not callable, with the finding's rule id, its
reason and its fix; a suspected typo that is callable passes with a warning in its output.
Built with ElementTree, never by pasting strings, and with the characters XML 1.0 cannot
carry (most control characters) replaced, so any account, role or policy name gives a
well-formed document.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from cli.findings import (
    RULES,
    api_text,
    file_findings,
    finding_kind,
    fixes,
    grant_source,
    message,
    reason,
    where_to_grant,
)
from cli.formats import ReportFormat
from cli.locations import display_path, file_location
from permtable.missing import MissingPermsRecord
from permtable.reports import CanCallRecord, ResultRecord
from permtable.validation import ValidationRecord

# Everything outside XML 1.0's Char production: C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """Text XML 1.0 can carry: each character it cannot becomes a visible ``\\xNN`` escape."""
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", str(value))


def _element(
    parent: ET.Element | None, tag: str, text: str | None = None, **attributes: object
) -> ET.Element:
    clean = {name: xml_text(value) for name, value in attributes.items() if value is not None}
    element = ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)
    if text is not None:
        element.text = xml_text(text)
    return element


def _where(result: ResultRecord) -> tuple[str | None, int | None]:
    where = file_location(result.location)
    return (display_path(where.file), where.line) if where else (None, None)


def _failure_text(result: ResultRecord, rule_id: str, title: str, lang: str) -> str:
    lines = [api_text(result)]
    if result.input != api_text(result):
        lines.append(f"as written: {result.input}")
    file, line = _where(result)
    if file:
        lines.append(f"at {file}:{line}" if line else f"at {file}")
    if result.entry and result.entry.api != api_text(result):
        lines.append(f"matches {result.entry.api}")
    lines.append(f"reason: {reason(result)}")
    lines.extend(f"fix: {fix}" for fix in fixes(result, lang))
    lines.extend(f"note: {note}" for note in result.notes)
    lines.append(f"rule: {rule_id} {title}")
    return "\n".join(lines)


def _testcase(parent: ET.Element, record: CanCallRecord, result: ResultRecord, lang: str) -> bool:
    """Add the API's test case; True when it is a failure."""
    account = record.account
    file, line = _where(result)
    case = _element(
        parent,
        "testcase",
        classname=f"bsscheck.{account.type}.{account.name}",
        name=api_text(result),
        file=file,
        line=line if file else None,
    )
    kind = finding_kind(result)
    rule = RULES[kind] if kind else None
    if not result.callable:
        rule_id, title = (rule.id, rule.title) if rule else ("", "not callable")
        _element(
            case,
            "failure",
            _failure_text(result, rule_id, title, lang),
            message=message(result, lang),
            type=f"{rule_id} {kind}" if rule else "not-callable",
        )
        return True
    notes = [f"note: {note}" for note in result.notes]
    if rule is not None:  # callable, yet a finding: a suspected typo
        warning = f"warning: {rule.id} {rule.title}\n{message(result, lang)}"
        _element(case, "system-out", "\n".join([warning, *notes]))
    elif notes:
        _element(case, "system-out", "\n".join(notes))
    return False


def _to_grant_text(record: MissingPermsRecord, lang: str) -> str:
    lines = []
    if record.to_grant:
        heading = "Grant these (smallest set):" if record.minimal else "Grant these (may not be minimal):"
        lines.append(heading)
        for item in record.to_grant:
            lines.append(f"  {item.permission} ({where_to_grant(item, lang)})")
            lines.extend(f"    unlocks {api}" for api in item.unlocks or ())
    if record.blocked_by_deny:
        lines.append("Blocked by a Deny (an extra Allow cannot fix these; remove or narrow the Deny):")
        for blocked in record.blocked_by_deny:
            sources = "; ".join(grant_source(grant) for grant in blocked.denied_by)
            lines.append(f"  {blocked.api}: {sources}")
    if record.unlisted:
        lines.append("Not in the table (counted by --strict; no permission to grant):")
        lines.extend(f"  {text}" for text in record.unlisted)
    if not lines:
        lines.append("Nothing to grant: every API checked is callable.")
    return "\n".join(lines)


def _document(record: CanCallRecord, command: str, lang: str) -> ET.Element:
    account = record.account
    suite_name = f"bsscheck {command}: {account.name}"
    root = _element(None, "testsuites", name=suite_name)
    suite = _element(root, "testsuite", name=suite_name)
    properties = _element(suite, "properties")
    table = record.table
    for name, value in (
        ("account", account.name),
        ("account.type", account.type.value),
        ("grants", ", ".join(account.files)),
        ("roles", ", ".join(account.roles)),
        ("policies", ", ".join(policy.name for policy in account.policies)),
        ("table", f"{table.title.get(lang)} ({table.updated or 'no date on the page'})"),
    ):
        if not value:
            continue
        _element(properties, "property", name=name, value=value)
    failures = sum(_testcase(suite, record, result, lang) for result in record.results)
    tests = len(record.results)
    if isinstance(record, MissingPermsRecord):
        case = _element(
            suite, "testcase", classname=f"bsscheck.{account.type}.{account.name}", name="minimal fix"
        )
        _element(case, "system-out", _to_grant_text(record, lang))
        tests += 1
    for element in (root, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
        element.set("skipped", "0")
    return root


def _write(root: ET.Element, stream: TextIO) -> None:
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8":
        # Character references keep the document exact on any ASCII-compatible stream.
        text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(text)
    stream.write("\n")


class JunitFormat(ReportFormat):
    def can_call(self, record: CanCallRecord, stream: TextIO) -> None:
        _write(_document(record, "can-call", self.lang), stream)

    def missing_perms(self, record: MissingPermsRecord, stream: TextIO) -> None:
        _write(_document(record, "missing-perms", self.lang), stream)

    def validate(self, record: ValidationRecord, stream: TextIO) -> None:
        """One test case per file; a failure carries every problem found in it."""
        summary = record.summary
        failures = summary.findings + summary.errors
        attributes = {"tests": str(summary.total), "failures": str(failures), "errors": "0", "skipped": "0"}
        root = _element(None, "testsuites", name="bsscheck validate", **attributes)
        suite = _element(root, "testsuite", name="bsscheck validate", **attributes)
        for item in record.files:
            case = _element(suite, "testcase", classname=f"bsscheck.validate.{item.kind}", name=item.file)
            problems = file_findings(item)
            if problems:
                first = problems[0]
                _element(
                    case,
                    "failure",
                    "\n".join(f"{problem.rule.id} {problem.text}" for problem in problems),
                    message=first.text,
                    type=f"{first.rule.id} {first.rule.kind}",
                )
        _write(root, stream)


FORMAT = JunitFormat
