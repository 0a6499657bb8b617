"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run whose rules are the finding kinds of ``cli.findings`` (stable ids BSS001..BSS004) and
whose results are the findings: an API read from an ``--apis`` file is located at its line, an
API given as an argument at the grants file (the thing to change), and an explicit Deny also
points at the statements that deny it. Fingerprints leave out files and lines, so a finding
keeps its alert when the API list is reordered or the API moves from an argument to a file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from cli.finding_kinds import SEVERITY
from cli.findings import (
    INPUT_RULES,
    RULES,
    UNREADABLE,
    InputFinding,
    Rule,
    api_text,
    finding_kind,
    fixes,
    grant_source,
    input_findings,
    message,
    reason,
)
from cli.fleet_text import ACCESS_LEVELS, ACCESS_RULES, AccessFinding, access_findings
from cli.formats import ReportFormat
from cli.locations import finding_location, is_real_file, relative_path
from cli.plain import plain
from permtable import __version__
from permtable.errors import Notice
from permtable.evaluate import Decision
from permtable.missing import MissingPermsRecord
from permtable.reports import CanCallRecord, ResultRecord
from permtable.scan.model import ScanRecord
from permtable.terraform.diff import TerraformDiffRecord
from permtable.validation import ValidationRecord

Sarif = dict[str, Any]  # a piece of the SARIF log being written (its own JSON shape)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# partialFingerprints key; bump the suffix only if the hashed identity changes (that reopens
# every alert once).
FINGERPRINT_KEY = "bsscheck/v1"

LEVELS = SEVERITY  # one severity per kind, shared by every format (cli.finding_kinds)
RULE_ORDER = tuple(RULES)  # ruleIndex is the position in this order


def artifact_uri(name: str, cwd: Path | None = None) -> str:
    """A file name as a SARIF artifact URI.

    Inside the working directory: the relative posix path (what code scanning matches against
    the repository). Outside it: a relative path stays as given (posix, no leading ``./``); an
    absolute one becomes a ``file://`` URI, since ``C:/x`` would read as scheme ``C`` and SARIF
    asks for absolute locations as absolute URIs. Characters a URI cannot carry are
    percent-encoded.
    """
    inside = relative_path(name, cwd)
    if inside is not None:
        return quote(inside, safe="/")
    if os.path.isabs(name):
        return Path(os.path.abspath(name)).as_uri()
    posix = PurePath(name).as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/")


def _physical(file: str, line: int | None = None, column: int | None = None) -> Sarif:
    location: Sarif = {"artifactLocation": {"uri": artifact_uri(file)}}
    if line:
        region: Sarif = {"startLine": line}
        if column:
            region["startColumn"] = column
        location["region"] = region
    return location


def _rule_record(rule: Rule, level: str) -> Sarif:
    """A SARIF reportingDescriptor for one of our rules (findings, validate, scan)."""
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.help},
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": level},
        "properties": {"kind": rule.kind},
    }


def _fingerprint(record: CanCallRecord, result: ResultRecord, rule_id: str) -> str:
    account = record.account
    digest = hashlib.sha256()
    for part in (account.type.value, account.name, api_text(result), rule_id):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _locations(record: CanCallRecord, result: ResultRecord) -> list[Sarif]:
    where = finding_location(result, record)
    if where is None:
        return []
    return [{"physicalLocation": _physical(where.file, where.line, where.column)}]


def _related_locations(result: ResultRecord) -> list[Sarif]:
    """The statements behind a Deny (and behind a grant that only holds under a Condition)."""
    grants = list(result.denied_by)
    if result.decision is Decision.CONDITIONAL:
        grants += [grant for grant in result.granted_by if grant.condition]
    related: list[Sarif] = []
    seen = set()
    for grant in grants:
        file = grant.file
        key = (file, grant.line, grant.name, grant.statement)
        if file is None or not is_real_file(file) or key in seen:
            continue
        seen.add(key)
        related.append(
            {
                "id": len(related) + 1,
                "physicalLocation": _physical(file, grant.line),
                "message": {"text": grant_source(grant)},
            }
        )
    return related


def _other_call_sites(result: ResultRecord) -> list[Sarif]:
    """An API found in code: the result sits at its first call site; the others are related."""
    return [
        {
            "physicalLocation": _physical(site.file, site.line, site.column),
            "message": {"text": f"also calls {api_text(result)} ({site.kind})"},
        }
        for site in result.call_sites[1:]
    ]


def _results(record: CanCallRecord, lang: str) -> list[Sarif]:
    results = []
    seen: Counter[str] = Counter()
    for result in record.results:
        kind = finding_kind(result)
        if kind is None:
            continue
        rule = RULES[kind]
        fingerprint = _fingerprint(record, result, rule.id)
        seen[fingerprint] += 1  # the same API listed twice: two findings, told apart stably
        item: Sarif = {
            "ruleId": rule.id,
            "ruleIndex": RULE_ORDER.index(kind),
            "kind": "fail",
            "level": LEVELS[kind],
            "message": {"text": message(result, lang)},
            "locations": _locations(record, result),
            "partialFingerprints": {FINGERPRINT_KEY: f"{fingerprint}:{seen[fingerprint]}"},
            "properties": {
                "api": api_text(result),
                "input": result.input,
                "matched": result.entry.api if result.entry else None,
                "decision": result.decision.value,
                "callable": result.callable,
                "reason": reason(result),
                "fixes": fixes(result, lang),
                "missing": list(result.missing),
                "how_to_grant": plain(result.menu_paths or result.permission_names, lang),
                "suggestions": plain(result.suggestions, lang),
                "notes": list(result.notes),
            },
        }
        related = _related_locations(result) + _other_call_sites(result)
        for number, location in enumerate(related, 1):
            location["id"] = number
        if related:
            item["relatedLocations"] = related
        results.append(item)
    return results


def _notifications(warnings: Sequence[Notice]) -> list[Sarif]:
    notifications = []
    for warning in warnings:
        text = warning.message + (f" (hint: {warning.hint})" if warning.hint else "")
        notification: Sarif = {"level": "warning", "message": {"text": text}}
        where = warning.location
        if where.file is not None and is_real_file(where.file):
            notification["locations"] = [
                {"physicalLocation": _physical(where.file, where.line, where.column)}
            ]
        notifications.append(notification)
    return notifications


def sarif_log(record: CanCallRecord, view: str, lang: str) -> Sarif:
    """The SARIF log for a can-call or missing-perms record."""
    properties: Sarif = {
        "view": view.replace("_", "-"),
        "account": {"name": record.account.name, "type": record.account.type.value},
        "table": plain(record.table, lang),
        "options": plain(record.options, lang),
        "summary": plain(record.summary, lang),
    }
    if isinstance(record, MissingPermsRecord):
        properties["to_grant"] = plain(record.to_grant, lang)
        properties["minimal"] = record.minimal
        properties["blocked_by_deny"] = plain(record.blocked_by_deny, lang)
        properties["unlisted"] = list(record.unlisted)
    rules = [_rule_record(RULES[kind], LEVELS[kind]) for kind in RULE_ORDER]
    return _log(rules, _results(record, lang), properties, _notifications(record.warnings))


def _log(
    rules: list[Sarif], results: list[Sarif], properties: Sarif, notifications: list[Sarif] | None = None
) -> Sarif:
    """A SARIF log of one run of bsscheck: its rules, results and properties."""
    invocation: Sarif = {"executionSuccessful": True}
    if notifications is not None:
        invocation["toolExecutionNotifications"] = notifications
    run: Sarif = {
        "tool": {"driver": {"name": "bsscheck", "version": __version__, "rules": rules}},
        "invocations": [invocation],
        "results": results,
        "properties": properties,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _finding_result(finding: InputFinding | AccessFinding, index: int, identity: str) -> Sarif:
    """A result of validate or diff --terraform-plan, at its place, fingerprinted by ``identity``."""
    return {
        "ruleId": finding.rule.id,
        "ruleIndex": index,
        "level": finding.level,
        "message": {"text": finding.text},
        "locations": [{"physicalLocation": _physical(finding.file, finding.line, finding.column)}],
        "partialFingerprints": {FINGERPRINT_KEY: hashlib.sha256(identity.encode()).hexdigest()},
    }


def _write(log: Sarif, stream: TextIO) -> None:
    # Readable UTF-8 where the stream can carry it; \u escapes (still valid JSON) elsewhere.
    # A stream without an encoding (the buffer behind --output) ends up in a UTF-8 file.
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    stream.write(json.dumps(log, ensure_ascii=encoding != "utf8", indent=2))
    stream.write("\n")


# --------------------------------------------------------------------------- scan

SCAN_RULES = (
    Rule(
        "BSS020",
        "api-call",
        "BssApiCall",
        "BSS API call found",
        "This line calls a BSS API (an SDK client method, an SDK request class, or an HTTP call to a "
        "BSS path). Check that the account running this code may call it: bsscheck can-call "
        "--from-source with the account's grants file.",
    ),
    Rule(
        "BSS021",
        "unknown-method",
        "UnknownHttpMethod",
        "BSS API path with no determinable HTTP method",
        "This line holds a BSS API path, but the code does not state the HTTP method it is called "
        "with (a variable, a parameter). bsscheck does not guess it, so the API is not checked: list "
        "it with its method in an --apis file.",
    ),
)
SCAN_LEVELS = {"api-call": "note", "unknown-method": "warning"}


class SarifFormat(ReportFormat):
    def can_call(self, record: CanCallRecord, stream: TextIO) -> None:
        _write(sarif_log(record, "can_call", self.lang), stream)

    def missing_perms(self, record: MissingPermsRecord, stream: TextIO) -> None:
        _write(sarif_log(record, "missing_perms", self.lang), stream)

    def validate(self, record: ValidationRecord, stream: TextIO) -> None:
        order = list(INPUT_RULES)
        results = [
            _finding_result(
                finding, order.index(finding.rule.kind), f"{finding.rule.id}|{finding.file}|{finding.text}"
            )
            for finding in input_findings(record)
        ]
        rules = [
            _rule_record(INPUT_RULES[kind], "error" if kind == UNREADABLE else "warning") for kind in order
        ]
        properties: Sarif = {"view": "validate", "summary": plain(record.summary, self.lang)}
        _write(_log(rules, results, properties), stream)

    def terraform_diff(self, record: TerraformDiffRecord, stream: TextIO) -> None:
        """One result per principal and changed API, at the .tf line of the resource responsible."""
        order = list(ACCESS_RULES)
        results = [
            _finding_result(
                finding,
                order.index(finding.rule.kind),
                f"{finding.rule.id}|{finding.principal}|{finding.api}",
            )
            for finding in access_findings(record)
        ]
        rules = [_rule_record(ACCESS_RULES[kind], ACCESS_LEVELS[kind]) for kind in order]
        properties: Sarif = {
            "view": "terraform-diff",
            "plan": plain(record.plan, self.lang),
            "summary": plain(record.summary, self.lang),
        }
        _write(_log(rules, results, properties, _notifications(record.warnings)), stream)

    def scan(self, record: ScanRecord, stream: TextIO) -> None:
        """One result per call site, at the line that makes the call."""
        results = []
        seen: Counter[str] = Counter()
        unknown_sites = set()
        for api in record.apis:
            index = 0 if api.method else 1
            rule = SCAN_RULES[index]
            for site in api.sites:
                if not api.method:
                    unknown_sites.add((site.file, site.line, site.column))
                    text = f"{api.path}: a BSS API path, called with an HTTP method the code does not state"
                else:
                    operation = f" (SDK operation {api.operation})" if api.operation else ""
                    text = f"calls {api.api}{operation}"
                identity = "|".join((rule.id, api.api or api.path, site.file, site.evidence))
                digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
                seen[digest] += 1  # the same line twice in one file: told apart by its order
                results.append(
                    {
                        "ruleId": rule.id,
                        "ruleIndex": index,
                        "kind": "informational" if api.method else "review",
                        "level": SCAN_LEVELS[rule.kind],
                        "message": {"text": text},
                        "locations": [{"physicalLocation": _physical(site.file, site.line, site.column)}],
                        "partialFingerprints": {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"},
                        "properties": {
                            "api": api.api,
                            "method": api.method,
                            "path": api.path,
                            "operation": api.operation,
                            "kind": site.kind,
                            "evidence": site.evidence,
                        },
                    }
                )
        shown = [
            warning
            for warning in record.warnings
            if (warning.location.file, warning.location.line, warning.location.column) not in unknown_sites
        ]
        rules = [_rule_record(rule, SCAN_LEVELS[rule.kind]) for rule in SCAN_RULES]
        properties: Sarif = {
            "view": "scan",
            "summary": plain(record.summary, self.lang),
            "skipped": plain(record.skipped, self.lang),
        }
        _write(_log(rules, results, properties, _notifications(shown)), stream)


FORMAT = SarifFormat
