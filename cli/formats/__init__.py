"""Output formats: one module per format, each a class behind one small interface.

A format (``report_format`` builds it) is built with the language chosen for the run and
renders the typed record of one report (``permtable``'s ``...Record`` dataclasses) to a text
stream: ``render(view, record, stream)`` calls the method named for the view (``can_call``,
``missing_perms``, ``explain``, ``apis``, ``validate``, ``scan``, ...). Modules are imported
only when chosen, so machine formats never pay for rich.
"""

from __future__ import annotations

import importlib
from typing import Any, TextIO

ALL_VIEWS = (
    "can_call",
    "missing_perms",
    "explain",
    "apis",
    "validate",
    "scan",
    "table_diff",
    "table_validate",
    "table_status",
    "who_can",
    "diff",
    "matrix",
    "terraform_diff",
)
CHECK_VIEWS = ("can_call", "missing_perms")
CI_VIEWS = (*CHECK_VIEWS, "validate")

# Format name -> (module under cli.formats, the views it renders). CI formats report findings,
# so they exist for the commands that check an account and for validate.
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "table": ("table", ALL_VIEWS),
    "json": ("json_format", ALL_VIEWS),
    "github": ("github", (*CI_VIEWS, "scan", "terraform_diff")),
    "markdown": ("markdown", (*CI_VIEWS, "scan", "who_can", "diff", "matrix", "terraform_diff")),
    "sarif": ("sarif", (*CI_VIEWS, "scan", "terraform_diff")),
    "junit": ("junit", CI_VIEWS),
    # An API list that --apis reads back: only a scan produces one.
    "text": ("text", ("scan",)),
    # A spreadsheet of accounts by APIs: only the matrix is a grid.
    "csv": ("csv_format", ("matrix",)),
}


# What a report file's name says its format is (``-o report.sarif`` without ``--format``).
EXTENSIONS = {
    ".json": "json",
    ".sarif": "sarif",
    ".xml": "junit",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".txt": "text",
}


def format_of_file(name: str) -> str | None:
    """The format a file name's extension names, or None (``x.sarif.json`` is SARIF)."""
    lowered = name.lower()
    if lowered.endswith(".sarif.json"):
        return "sarif"
    dot = lowered.rfind(".")
    return EXTENSIONS.get(lowered[dot:]) if dot > lowered.rfind("/") else None


def format_names(view: str) -> list[str]:
    return [name for name, (_, views) in FORMATS.items() if view in views]


class ReportFormat:
    """The interface every format implements: a method per view it renders, each taking that
    view's record and the stream, and the language texts are shown in."""

    def __init__(self, lang: str, verbose: bool = False) -> None:
        self.lang = lang
        # The table view details every API, not only those that are not callable; the machine
        # formats always hold everything.
        self.verbose = verbose

    def render(self, view: str, record: Any, stream: TextIO) -> None:
        getattr(self, view)(record, stream)


def report_format(name: str, view: str, lang: str, verbose: bool = False) -> ReportFormat:
    module_name, views = FORMATS[name]
    if view not in views:
        raise ValueError(f"format {name} does not render {view}")
    module = importlib.import_module(f"cli.formats.{module_name}")
    chosen: ReportFormat = module.FORMAT(lang, verbose)
    return chosen
