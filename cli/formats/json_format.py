"""JSON output: the records as they are (schema_version 1), for scripts and CI.

Written as it is made: the top-level keys one by one, and a list of records (results,
accounts, APIs) one record per line, so a report of any size is never held whole as text and
``grep`` finds one API's record on one line. The C encoder writes each record; the pretty
printer (pure Python, and so slow on large data) only the small top-level values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO


def _dump(record: Mapping[str, Any], stream: TextIO) -> None:
    # Readable UTF-8 where the stream can carry it; \u escapes (still valid JSON) elsewhere.
    # A stream without an encoding (the buffer behind --output) ends up in a UTF-8 file.
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    ascii_only = encoding != "utf8"
    stream.write("{")
    for number, (key, value) in enumerate(record.items()):
        stream.write(("," if number else "") + "\n  " + json.dumps(key, ensure_ascii=ascii_only) + ": ")
        if _is_record_list(value):
            _write_records(value, stream, ascii_only)
        else:
            text = json.dumps(value, ensure_ascii=ascii_only, indent=2, default=list)
            stream.write(text.replace("\n", "\n  "))
    stream.write("\n}\n" if record else "}\n")


def _is_record_list(value: Any) -> bool:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence) or not value:
        return False
    return isinstance(value[0], Mapping)


def _write_records(records: Sequence[Any], stream: TextIO, ascii_only: bool) -> None:
    stream.write("[")
    for number, item in enumerate(records):
        stream.write(("," if number else "") + "\n    ")
        stream.write(json.dumps(item, ensure_ascii=ascii_only, default=list))
    stream.write("\n  ]")


can_call = _dump
missing_perms = _dump
explain = _dump
apis = _dump
validate = _dump
scan = _dump
table_diff = _dump
table_validate = _dump
who_can = _dump
diff = _dump
matrix = _dump
