"""The one line that tells what a report written to a file holds (``-o FILE``), per view.

Printed on stderr after the report is written, so a CI log says what the file holds without
opening it. Each view's record has its own summary; the line is chosen by the view, never
guessed from the record's shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cli import fleet_text

if TYPE_CHECKING:
    from permtable.editions.check import TableCheckRecord
    from permtable.editions.diff import TableDiffRecord
    from permtable.explain import ExplainRecord
    from permtable.listing import ApisRecord
    from permtable.reports import CanCallRecord
    from permtable.scan.model import ScanRecord
    from permtable.validation import ValidationRecord


def _check(record: CanCallRecord) -> str:
    summary = record.summary
    return f"{summary.total} API(s): {summary.callable} callable, {summary.not_callable} not callable."


def _explain(record: ExplainRecord) -> str:
    return f"{len(record.entries)} table row(s) matched."


def _apis(record: ApisRecord) -> str:
    return f"{record.summary.total} API(s)."


def _validate(record: ValidationRecord) -> str:
    summary = record.summary
    return f"{summary.total} file(s): {summary.findings} with findings, {summary.errors} with errors."


def _scan(record: ScanRecord) -> str:
    summary = record.summary
    return (
        f"{summary.apis} API(s) at {summary.sites} call site(s) in {summary.files_scanned} "
        f"file(s), {summary.unknown_method} path(s) with no determinable method."
    )


def _table_diff(record: TableDiffRecord) -> str:
    summary = record.summary
    return (
        f"{summary.added} row(s) added, {summary.removed} removed, {summary.changed} changed, "
        f"{summary.table_fields} table field(s) changed."
    )


def _table_validate(record: TableCheckRecord) -> str:
    summary = record.summary
    return f"{summary.total} finding(s): {summary.error} error(s), {summary.warning} warning(s)."


SUMMARIES: dict[str, Callable[[Any], str]] = {
    "can_call": _check,
    "missing_perms": _check,
    "explain": _explain,
    "apis": _apis,
    "validate": _validate,
    "scan": _scan,
    "table_diff": _table_diff,
    "table_validate": _table_validate,
    "who_can": lambda record: fleet_text.who_can_summary(record) + ".",
    "diff": lambda record: fleet_text.diff_summary(record) + ".",
    "matrix": lambda record: fleet_text.matrix_summary(record) + ".",
    "terraform_diff": lambda record: fleet_text.terraform_summary(record) + ".",
}


def summary_line(view: str, record: object) -> str:
    return SUMMARIES[view](record)
