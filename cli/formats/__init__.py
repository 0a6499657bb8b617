"""Output formats: one module per format, all rendering the same plain records.

A format module provides one function per view it renders (``can_call``, ``missing_perms``,
``explain``, ``apis``, ``validate``, ``scan``), each taking the report's record and a text
stream. Modules are imported only when chosen, so machine formats never pay for rich.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, TextIO

ALL_VIEWS = (
    "can_call",
    "missing_perms",
    "explain",
    "apis",
    "validate",
    "scan",
    "table_diff",
    "table_validate",
    "who_can",
    "diff",
    "matrix",
)
CHECK_VIEWS = ("can_call", "missing_perms")
CI_VIEWS = (*CHECK_VIEWS, "validate")

# Format name -> (module under cli.formats, the views it renders). CI formats report findings,
# so they exist for the commands that check an account and for validate.
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "table": ("table", ALL_VIEWS),
    "json": ("json_format", ALL_VIEWS),
    "github": ("github", (*CI_VIEWS, "scan")),
    "markdown": ("markdown", (*CI_VIEWS, "scan", "who_can", "diff", "matrix")),
    "sarif": ("sarif", (*CI_VIEWS, "scan")),
    "junit": ("junit", CI_VIEWS),
    # An API list that --apis reads back: only a scan produces one.
    "text": ("text", ("scan",)),
    # A spreadsheet of accounts by APIs: only the matrix is a grid.
    "csv": ("csv_format", ("matrix",)),
}


def format_names(view: str) -> list[str]:
    return [name for name, (_, views) in FORMATS.items() if view in views]


Record = dict[str, Any]


class View(Protocol):
    def __call__(self, record: Record, stream: TextIO) -> None: ...


def renderer(name: str, view: str) -> View:
    module_name, views = FORMATS[name]
    if view not in views:
        raise ValueError(f"format {name} does not render {view}")
    function: View = getattr(importlib.import_module(f"cli.formats.{module_name}"), view)
    return function


def render(name: str, view: str, record: Record, stream: TextIO) -> None:
    renderer(name, view)(record, stream)
