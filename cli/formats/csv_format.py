"""CSV output for ``matrix``: one row per account, one column per API, for spreadsheets.

Cells are ``callable``, ``denied`` or ``conditional``. Account names and file names come from
input files, so a value that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'``, as OWASP advises for CSV export.
"""

from __future__ import annotations

import csv
from typing import TextIO

from cli.formats import ReportFormat
from permtable.fleet.matrix import MatrixRecord

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


class CsvFormat(ReportFormat):
    def matrix(self, record: MatrixRecord, stream: TextIO) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["account", "file", "type", *(str(api.api) for api in record.apis)])
        for account in record.accounts:
            writer.writerow([safe(account.account), safe(account.file), account.type.value, *account.cells])


FORMAT = CsvFormat
