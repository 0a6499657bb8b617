"""The one place a rich Console is built, after options are parsed.

Markup, highlighting and emoji are off: permission codes and paths contain brackets and
colons that rich would otherwise reinterpret. Colour follows rich's own detection, which
honours NO_COLOR, a non-TTY stdout (CI logs) and COLUMNS for the width.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console


def make_console(stream: TextIO) -> Console:
    return Console(file=stream, markup=False, highlight=False, emoji=False)
