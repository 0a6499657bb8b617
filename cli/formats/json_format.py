"""JSON output: the records as they are (schema_version 1), for scripts and CI."""

from __future__ import annotations

import json
from typing import Any, TextIO


def _dump(record: dict[str, Any], stream: TextIO) -> None:
    stream.write(json.dumps(record, ensure_ascii=False, indent=2))
    stream.write("\n")


can_call = _dump
missing_perms = _dump
explain = _dump
apis = _dump
