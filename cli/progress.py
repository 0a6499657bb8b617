"""A progress bar on stderr for fleet runs over many files, for a person watching a terminal.

Only when stderr is a terminal (not a CI log, not a pipe, not TERM=dumb) and the run has more
than MIN_FILES files; rich is imported only then, so machine formats and small runs never pay
for it. The bar is transient: it leaves nothing behind in the terminal or in the report.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TextIO, TypeVar

MIN_FILES = 50

Tick = Callable[[str], None]
T = TypeVar("T")


def wanted(total: int, stream: TextIO | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    if total <= MIN_FILES or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def scan_with_progress(scan: Callable[[Callable[[int], Tick | None]], T]) -> T:
    """Run ``scan``, which learns its number of files only once it has listed them: the bar
    (when wanted) starts then, and is gone when the scan returns."""
    with ExitStack() as stack:
        return scan(lambda total: stack.enter_context(file_progress(total, "scan")))


@contextmanager
def file_progress(total: int, what: str, stream: TextIO | None = None) -> Iterator[Tick | None]:
    """Yields a callback to call once per file, or None when no bar is shown."""
    if not wanted(total, stream):
        yield None
        return
    # Imported here: only a person at a terminal pays for rich.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(
        file=stream if stream is not None else sys.stderr, markup=False, highlight=False, emoji=False
    )
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(what, total=total)

        def tick(_file: str) -> None:
            progress.advance(task)

        yield tick
