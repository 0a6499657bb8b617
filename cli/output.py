"""Writing a report: warnings to stderr first, then the payload to stdout in the chosen format."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from cli.formats import render
from cli.messages import warn
from permtable.errors import Notice


def emit(view: str, output_format: str, record: dict[str, Any], notices: Iterable[Notice] = ()) -> None:
    warn(notices)
    render(output_format, view, record, sys.stdout)
    sys.stdout.flush()
