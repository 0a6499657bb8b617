"""Where a finding points: the API's line in an ``--apis`` file, else the account's grants file.

SARIF, JUnit and GitHub annotations all place findings; they share these rules so a finding is
at the same place in every report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from permtable.errors import Location
    from permtable.reports import CanCallRecord, ResultRecord


@dataclass(frozen=True, slots=True)
class Where:
    file: str  # as the user named it
    line: int | None = None
    column: int | None = None


def is_real_file(name: str | None) -> bool:
    """Whether a location names a file on disk (not ``<argument 1>`` or ``<stdin>``)."""
    return bool(name) and not str(name).startswith("<")


def relative_path(name: str, cwd: Path | None = None) -> str | None:
    """The path relative to the working directory (posix), or None when it lies outside it.

    No symlinks are resolved: a path is shown the way the user's checkout names it.
    """
    base = os.path.abspath(cwd or Path.cwd())
    try:
        relative = os.path.relpath(os.path.abspath(name), base)
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return PurePath(relative).as_posix()


def display_path(name: str) -> str:
    """Relative to the working directory when inside it, else as given; always with '/'."""
    return relative_path(name) or PurePath(name).as_posix()


def file_location(location: Location | None) -> Where | None:
    """The file and line a result (its ``--apis`` line) or a warning points at, if a real file."""
    if location is None or location.file is None or not is_real_file(location.file):
        return None
    line = location.line
    return Where(location.file, line, location.column if line else None)


def finding_location(result: ResultRecord, record: CanCallRecord) -> Where | None:
    """Where to report a finding: the API's line, else the first grants file (no line)."""
    where = file_location(result.location)
    if where is not None:
        return where
    files = record.account.files
    return Where(files[0]) if files else None
