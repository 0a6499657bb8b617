"""Value types and constants shared across the library's rooms, depending on nothing of ours
but ``errors``: a leaf, so that importing one of them never pulls in evaluation or scanning
(and no import cycle can form through them)."""

from __future__ import annotations

from dataclasses import dataclass

from permtable.errors import Location

# The version of the JSON report records (``schema_version``); the v1 JSON Schema describes it.
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class CallSite:
    """One place in one file that calls (or names) an API."""

    file: str
    line: int
    column: int
    kind: str
    evidence: str = ""  # the source line, shortened: what a reviewer needs to recognise it

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "kind": self.kind}

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.kind)
