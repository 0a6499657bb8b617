"""JSON output: the records as they are (schema_version 1), for scripts and CI."""

from __future__ import annotations

import json
from typing import Any, TextIO


def _dump(record: dict[str, Any], stream: TextIO) -> None:
    # Readable UTF-8 where the stream can carry it; \u escapes (still valid JSON) elsewhere.
    # A stream without an encoding (the buffer behind --output) ends up in a UTF-8 file.
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    stream.write(json.dumps(record, ensure_ascii=encoding != "utf8", indent=2))
    stream.write("\n")


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
