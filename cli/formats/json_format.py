"""JSON output: the records as they are (schema_version 1), for scripts and CI.

Written as it is made: the top-level keys one by one, and a list of records (results,
accounts, APIs) one record per line, so a report of any size is never held whole as text and
``grep`` finds one API's record on one line. The C encoder writes each record; the pretty
printer (pure Python, and so slow on large data) only the small top-level values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import is_dataclass
from typing import Any, TextIO

from cli.formats import ReportFormat
from cli.plain import plain, shown_fields


class JsonFormat(ReportFormat):
    def write(self, record: Any, stream: TextIO) -> None:
        """Any view: the record as it is, one generic serializer for all of them."""
        # Readable UTF-8 where the stream can carry it; \u escapes (still valid JSON) elsewhere.
        # A stream without an encoding (the buffer behind --output) ends up in a UTF-8 file.
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
        ascii_only = encoding != "utf8"
        fields = shown_fields(record)
        stream.write("{")
        for number, (key, value, items_without) in enumerate(fields):
            stream.write(("," if number else "") + "\n  " + json.dumps(key, ensure_ascii=ascii_only) + ": ")
            if _is_record_list(value):
                stream.write("[")
                for position, item in enumerate(value):
                    stream.write(("," if position else "") + "\n    ")
                    stream.write(json.dumps(plain(item, self.lang, items_without), ensure_ascii=ascii_only))
                stream.write("\n  ]")
            else:
                shown = plain(value, self.lang, items_without)
                text = json.dumps(shown, ensure_ascii=ascii_only, indent=2)
                stream.write(text.replace("\n", "\n  "))
        stream.write("\n}\n" if fields else "}\n")

    can_call = missing_perms = explain = apis = validate = scan = write
    table_diff = table_validate = table_status = who_can = diff = matrix = terraform_diff = write


def _is_record_list(value: Any) -> bool:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        return False
    return is_dataclass(value[0])


FORMAT = JsonFormat
