"""What a scan finds: the places that call an API, grouped by API."""

from __future__ import annotations

from dataclasses import dataclass

from permtable.errors import Location, Notice
from permtable.values import MAX_SIMILAR_WARNINGS, SCHEMA_VERSION

# How a call site was recognised. "sdk-call": a method of an SDK client
# (``client.pay_orders(...)``); "sdk-request": an SDK request class (``PayOrdersRequest(...)``);
# "http-call": a path handed to an HTTP call whose method is known (``requests.post(...)``);
# "string": a Python string holding a path outside any such call; "text": a match in a file
# that is not Python (JavaScript, Go, shell, YAML, ...).
SITE_KINDS = ("sdk-call", "sdk-request", "http-call", "string", "text")


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

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.kind)


@dataclass(frozen=True, slots=True)
class ScannedApi:
    """An API the code calls: its method (None when no call says which), path and call sites."""

    method: str | None
    path: str
    operation: str | None
    sites: tuple[CallSite, ...]

    @property
    def api(self) -> str | None:
        return f"{self.method} {self.path}" if self.method else None

    def record(self) -> ScannedApiRecord:
        return ScannedApiRecord(self.method, self.path, self.api, self.operation, self.sites)


@dataclass(frozen=True, slots=True, eq=False)
class ScannedApiRecord:
    method: str | None
    path: str
    api: str | None
    operation: str | None
    sites: tuple[CallSite, ...]


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file or folder the scan passed over on purpose, and why (documentation, binary, ...)."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanReport:
    paths: tuple[str, ...]
    apis: tuple[ScannedApi, ...]
    files_scanned: int
    skipped: tuple[SkippedFile, ...]
    warnings: tuple[Notice, ...]  # about files: not valid Python, read as text instead

    @property
    def unknown_method(self) -> tuple[ScannedApi, ...]:
        return tuple(api for api in self.apis if api.method is None)

    def unknown_method_notices(
        self, consequence: str = "it is reported without one, not guessed"
    ) -> list[Notice]:
        """A warning per call site of a path whose HTTP method the code does not state: the
        first MAX_SIMILAR_WARNINGS sites of each path, then one line counting the rest."""
        notices = []
        for api in self.unknown_method:
            hint = (
                f'read the code and list it with its method in an --apis file ("GET {api.path}", '
                f'"POST {api.path}", ...)'
            )
            for site in api.sites[:MAX_SIMILAR_WARNINGS]:
                notices.append(
                    Notice(
                        f"{api.path}: the HTTP method cannot be read from the code here; {consequence}",
                        site.location,
                        hint,
                    )
                )
            rest = len(api.sites) - MAX_SIMILAR_WARNINGS
            if rest > 0:
                notices.append(
                    Notice(
                        f"{rest:,} more site(s) of {api.path} where the HTTP method cannot be read "
                        "from the code (every site is in the report)",
                        api.sites[MAX_SIMILAR_WARNINGS].location,
                        hint,
                    )
                )
        return notices

    def notices(self) -> list[Notice]:
        return [*self.warnings, *self.unknown_method_notices()]

    def record(self) -> ScanRecord:
        summary = ScanSummary(
            apis=sum(1 for api in self.apis if api.method),
            unknown_method=len(self.unknown_method),
            sites=sum(len(api.sites) for api in self.apis),
            files_scanned=self.files_scanned,
            files_skipped=len(self.skipped),
        )
        return ScanRecord(
            SCHEMA_VERSION,
            self.paths,
            tuple(api.record() for api in self.apis),
            summary,
            self.skipped,
            tuple(self.notices()),
        )


@dataclass(frozen=True, slots=True, eq=False)
class ScanSummary:
    apis: int  # with a method
    unknown_method: int
    sites: int
    files_scanned: int
    files_skipped: int


@dataclass(frozen=True, slots=True, eq=False)
class ScanRecord:
    """scan as shown."""

    schema_version: int
    paths: tuple[str, ...]
    apis: tuple[ScannedApiRecord, ...]
    summary: ScanSummary
    skipped: tuple[SkippedFile, ...]
    warnings: tuple[Notice, ...]
