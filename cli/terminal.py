"""The one place a rich Console is built, after options are parsed.

Markup, highlighting and emoji are off: permission codes and paths contain brackets and
colons that rich would otherwise reinterpret. Colour follows rich's own detection, which
honours NO_COLOR, a non-TTY stdout (CI logs) and COLUMNS for the width.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from rich.console import Console


class _Console(Console):
    """rich's Console, but a reader that closes the pipe is left to cli.output to handle.

    rich (13.x and later) answers a broken pipe by exiting with status 1 itself, which would
    turn a passing run piped into ``head`` into a failing one; bsscheck's exit code reports the
    findings (see cli.output).
    """

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


# A report file (-o) is read in an editor or a browser, not an 80-column terminal: tables get
# this width unless COLUMNS names one.
FILE_WIDTH = 120


def file_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else FILE_WIDTH


def make_console(stream: TextIO) -> Console:
    if stream is not sys.stdout:
        # A report written to a file (--output) is plain text, whatever FORCE_COLOR says.
        return _Console(
            file=stream,
            markup=False,
            highlight=False,
            emoji=False,
            color_system=None,
            force_terminal=False,
            width=file_width(),
        )
    return _Console(file=stream, markup=False, highlight=False, emoji=False)
