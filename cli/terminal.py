"""The one place a rich Console is built, after options are parsed.

Markup, highlighting and emoji are off: permission codes and paths contain brackets and
colons that rich would otherwise reinterpret. Colour follows rich's own detection, which
honours NO_COLOR, a non-TTY stdout (CI logs) and COLUMNS for the width.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console


def make_console(stream: TextIO) -> Console:
    if stream is not sys.stdout:
        # A report written to a file (--output) is plain text, whatever FORCE_COLOR says.
        return Console(
            file=stream, markup=False, highlight=False, emoji=False, color_system=None, force_terminal=False
        )
    return Console(file=stream, markup=False, highlight=False, emoji=False)
