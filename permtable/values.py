"""Constants shared across the library's rooms, depending on nothing of ours: a leaf, so that
importing one never pulls in evaluation or scanning (and no import cycle can form through it)."""

from __future__ import annotations

# The version of the JSON report records (``schema_version``); the v1 JSON Schema describes it.
SCHEMA_VERSION = 1
