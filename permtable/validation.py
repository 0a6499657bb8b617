"""Checking input files without evaluating anything: what ``bsscheck validate`` and the
pre-commit hook run when a grants, policy, table or API list file changes.

Each file is recognised by its shape, read with the same strict loaders the checks use, and
reviewed against the tables: a file that loads but names unknown permissions, or lists an API
that is a near miss of a documented one, has findings even though nothing is broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from permtable.apis import iter_api_lines
from permtable.documents import load_document, looks_like_json
from permtable.errors import InputError, Location, Notice
from permtable.exports import Shape, recognise
from permtable.files import DEFAULT_MAX_BYTES, read_text
from permtable.grants import grants_from_node, load_boundaries, review_grants
from permtable.identity_table import identity_table_from_node, is_identity_table
from permtable.model import AccountType
from permtable.nodes import Node
from permtable.tables import TableSet, table_from_node
from permtable.values import SCHEMA_VERSION

API_LIST_SUFFIXES = (".txt", ".list", ".apis")
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class FileCheck:
    file: str
    # "grants", "policy", "identity-policy", an IAM export shape ("iam-v3-roles", ...),
    # "organizations-policy", "table", "api-list" or "unknown"
    kind: str
    error: InputError | None = None
    findings: tuple[Notice, ...] = field(default=())

    @property
    def status(self) -> str:
        return "error" if self.error else ("findings" if self.findings else "ok")


@dataclass(frozen=True, slots=True, eq=False)
class MessageRecord:
    """A warning, finding or error about an input, with its one-line text."""

    message: str
    location: Location
    hint: str | None
    text: str

    @classmethod
    def of(cls, problem: Notice | InputError) -> MessageRecord:
        return cls(problem.message, problem.location, problem.hint, str(problem))


@dataclass(frozen=True, slots=True, eq=False)
class FileCheckRecord:
    file: str
    kind: str
    status: str  # "ok", "findings" or "error"
    error: MessageRecord | None
    findings: tuple[MessageRecord, ...]


@dataclass(frozen=True, slots=True, eq=False)
class ValidationSummary:
    total: int
    ok: int
    findings: int
    errors: int


@dataclass(frozen=True, slots=True, eq=False)
class ValidationRecord:
    """validate as shown."""

    schema_version: int
    files: tuple[FileCheckRecord, ...]
    summary: ValidationSummary


@dataclass(frozen=True, slots=True)
class ValidationReport:
    checks: tuple[FileCheck, ...]

    def record(self) -> ValidationRecord:
        statuses = [check.status for check in self.checks]
        files = tuple(
            FileCheckRecord(
                check.file,
                check.kind,
                check.status,
                MessageRecord.of(check.error) if check.error is not None else None,
                tuple(MessageRecord.of(finding) for finding in check.findings),
            )
            for check in self.checks
        )
        summary = ValidationSummary(
            len(self.checks), statuses.count("ok"), statuses.count("findings"), statuses.count("error")
        )
        return ValidationRecord(SCHEMA_VERSION, files, summary)


def validate_files(
    paths: Sequence[str], tables: TableSet, max_bytes: int = DEFAULT_MAX_BYTES
) -> ValidationReport:
    return ValidationReport(tuple(validate_file(path, tables, max_bytes) for path in paths))


def validate_file(path: str, tables: TableSet, max_bytes: int = DEFAULT_MAX_BYTES) -> FileCheck:
    kind = "unknown"
    try:
        if Path(path).is_dir():
            raise InputError("is a directory, not a file", Location(path))
        if path.lower().endswith(API_LIST_SUFFIXES):
            kind = "api-list"
            return FileCheck(path, kind, findings=_check_api_list(path, tables, max_bytes))
        if not path.lower().endswith(DOCUMENT_SUFFIXES):
            raise InputError(
                "not a file bsscheck reads",
                Location(path),
                "grants, policies and tables are .yaml, .yml or .json; API lists are .txt, .list or .apis",
            )
        root = load_document(path, max_bytes)
        if root.is_map and "entries" in root.value and "schema" in root.value:
            kind = "table"
            if is_identity_table(root):
                identity_table_from_node(root, path)
            else:
                table_from_node(root, path)
            return FileCheck(path, kind)
        shape = _shape_of(root, path)
        kind = shape.value
        if shape is Shape.ORGANIZATIONS_POLICY:
            load_boundaries([path], max_bytes)
            return FileCheck(path, kind)
        grants = grants_from_node(root, path, shape, max_bytes)
        own = tables.get(grants.account_type).table
        other = tables.get(grants.account_type.other).table
        return FileCheck(
            path, kind, findings=tuple(review_grants(grants, own.permissions, other.permissions))
        )
    except InputError as error:
        return FileCheck(path, kind, error=error)


def _shape_of(root: Node, path: str) -> Shape:
    """The shape the file was recognised as (validate reports it as the file's kind)."""
    try:
        return recognise(root)
    except InputError as error:
        if not root.is_map or "grants file needs" in error.message:
            raise InputError(
                "not a grants, IAM policy, IAM export, SCP, table or API list file",
                Location(path),
                "grants files start with 'type: partner|customer'; "
                "API lists are .txt files with one API per line",
            ) from None
        raise


def _check_api_list(path: str, tables: TableSet, max_bytes: int) -> tuple[Notice, ...]:
    text = read_text(Path(path), max_bytes, label=path)
    if looks_like_json(path, text) and text.lstrip()[:1] == "{":
        raise InputError("looks like JSON, not an API list", Location(path), "one API per line")
    findings: list[Notice] = []
    refs = list(iter_api_lines(text, path))
    if not refs:
        findings.append(Notice("the API list has no APIs (only blank lines or comments)", Location(path)))
    for ref in refs:
        indexed = [tables.get(kind) for kind in AccountType]
        if any(item.router.resolve(ref) for item in indexed):
            continue
        for item in indexed:
            for suggestion in item.router.suggestions(ref):
                findings.append(
                    Notice(
                        f"{ref.api} is not in the {item.table.account_type.value} table: {suggestion.reason}",
                        ref.location or Location(path),
                        f"did you mean {suggestion.entry.api}?",
                    )
                )
    return tuple(findings)
