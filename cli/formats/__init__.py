"""Output formats: one module per format, all rendering the same plain records.

A format module provides one function per view (``can_call``, ``missing_perms``, ``explain``,
``apis``), each taking the report's record and a text stream. Modules are imported only when
chosen, so machine formats never pay for rich.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, TextIO

# Format name -> module under cli.formats.
FORMATS = {
    "table": "table",
    "json": "json_format",
}
FORMAT_NAMES = list(FORMATS)

Record = dict[str, Any]


class Renderer(Protocol):
    def can_call(self, record: Record, stream: TextIO) -> None: ...
    def missing_perms(self, record: Record, stream: TextIO) -> None: ...
    def explain(self, record: Record, stream: TextIO) -> None: ...
    def apis(self, record: Record, stream: TextIO) -> None: ...


def renderer(name: str) -> Renderer:
    module: Renderer = importlib.import_module(f"cli.formats.{FORMATS[name]}")  # type: ignore[assignment]
    return module


def render(name: str, view: str, record: Record, stream: TextIO) -> None:
    getattr(renderer(name), view)(record, stream)
