"""Writing a report: warnings to stderr first, then the payload to stdout in the chosen format."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from cli.formats import render
from cli.messages import warn
from permtable.errors import Notice


def emit(view: str, output_format: str, record: dict[str, Any], notices: Iterable[Notice] = ()) -> None:
    warn(notices)
    try:
        render(output_format, view, record, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, grep -q) stopped early. The decision is made and the exit code
        # still tells it; point stdout at /dev/null so the interpreter's final flush is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
