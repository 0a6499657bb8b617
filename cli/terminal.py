"""The one place a rich Console is built, after options are parsed.

Markup, highlighting and emoji are off: permission codes and paths contain brackets and
colons that rich would otherwise reinterpret. Colour follows rich's own detection, which
honours NO_COLOR, a non-TTY stdout (CI logs) and COLUMNS for the width.
"""

from __future__ import annotations

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


def make_console(stream: TextIO) -> Console:
    if stream is not sys.stdout:
        # A report written to a file (--output) is plain text, whatever FORCE_COLOR says.
        return _Console(
            file=stream, markup=False, highlight=False, emoji=False, color_system=None, force_terminal=False
        )
    return _Console(file=stream, markup=False, highlight=False, emoji=False)
