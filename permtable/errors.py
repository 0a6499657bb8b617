"""The one exception family for mistakes in what a user gave us.

Every user error carries where it happened (file, line, column) and, where we can tell, what to
do about it, so the command line can print exactly one helpful line and exit 2. Anything that
is not an ``InputError`` is a bug and is allowed to show its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


def one_line(text: str) -> str:
    """Fold every kind of line break (\\r, U+2028, ...): a multi-line message breaks CI log
    parsers and our one-line-per-message contract, and user text (role names) may hold any."""
    return " ".join(text.splitlines())


@dataclass(frozen=True, slots=True)
class Location:
    """Where something came from: a file (or ``<stdin>``, ``<argument>``) and a 1-based position."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class InputError(Exception):
    """A problem with user input: a file, an API name, an option value."""

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location.file else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return one_line(text)

    def __reduce__(self) -> tuple[type[InputError], tuple[str, Location, str | None]]:
        # Whole across processes (a fleet read in parallel): the default keeps the message only.
        return (type(self), (self.message, self.location, self.hint))


class EmptyInputError(InputError):
    """A file that holds nothing (empty, or white space only): an input error, except where a
    missing side means "no grants" (``bsscheck diff`` of an added or deleted file)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning that does not stop the run: unknown permission codes, ignored system roles."""

    message: str
    location: Location = Location()
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location.file else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return one_line(text)
