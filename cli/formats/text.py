"""``--format text`` for ``scan``: an API list that ``--apis`` reads back.

One ``METHOD /path`` per line, its first call site after a ``#`` (a comment to ``--apis``).
A path whose method the code does not state is a ``# unknown-method`` comment line: it stays
visible in the file without becoming an API nobody called, and ``--apis`` skips it.
"""

from __future__ import annotations

from typing import TextIO

from cli.formats import ReportFormat
from cli.locations import display_path
from permtable.errors import one_line
from permtable.scan.model import ScannedApiRecord, ScanRecord


def _where(api: ScannedApiRecord) -> str:
    # The first call, as can-call --from-source locates it (not where a request object is built).
    first = min(api.sites, key=lambda site: site.kind == "sdk-request")
    more = len(api.sites) - 1
    return f"{display_path(first.file)}:{first.line}" + (f" (+{more} more)" if more else "")


class TextFormat(ReportFormat):
    def scan(self, record: ScanRecord, stream: TextIO) -> None:
        summary = record.summary
        paths = one_line(" ".join(record.paths))
        stream.write(
            f"# bsscheck scan {paths}: {summary.apis} API(s) and {summary.unknown_method} path(s) "
            f"with no determinable method at {summary.sites} call site(s) "
            f"in {summary.files_scanned} file(s)\n"
        )
        for api in record.apis:
            if api.method:
                stream.write(f"{api.api}  # {_where(api)}\n")
        for api in record.apis:
            if not api.method:
                stream.write(f"# unknown-method {api.path}  ({_where(api)})\n")


FORMAT = TextFormat
