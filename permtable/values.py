"""What the library's records share, depending on nothing of ours: a leaf, so that importing one
never pulls in evaluation or scanning (and no import cycle can form through it).

Records (frozen dataclasses) are shown by one generic serializer (``cli.formats.plain``). Where
a field is shown under another name, or only sometimes, its ``metadata`` says so, built by
``shown`` below; every other field is shown as it is, under its own name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# The version of the JSON report records (``schema_version``); the v2 JSON Schema describes it.
# 2 added the decisions unknown and blocked_by_scp, and a result's identity and scp_checks.
SCHEMA_VERSION = 2
# Warnings of one kind shown one by one before the rest are counted in one line: a large
# account repeats one unknown code in thousands of statements, a large file one path at
# thousands of sites, and 190,000 warning lines hide the one that matters.
MAX_SIMILAR_WARNINGS = 20

# Field metadata keys the serializer reads.
SHOWN_AS = "bsscheck.shown_as"  # the name the field is shown under
OMITTED_IF = "bsscheck.omitted_if"  # (record, value) -> True: the field is left out of that record
ITEMS_WITHOUT = "bsscheck.items_without"  # fields left out of each record this field holds

Omission = Callable[[Any, Any], bool]


def shown(
    as_name: str | None = None, omitted_if: Omission | None = None, items_without: tuple[str, ...] = ()
) -> Mapping[str, object]:
    """``field(metadata=shown(...))``: how a field of a record is shown, where not as it is."""
    metadata: dict[str, object] = {}
    if as_name is not None:
        metadata[SHOWN_AS] = as_name
    if omitted_if is not None:
        metadata[OMITTED_IF] = omitted_if
    if items_without:
        metadata[ITEMS_WITHOUT] = frozenset(items_without)
    return metadata


def shown_only_when(attribute: str, wanted: object) -> Mapping[str, object]:
    """``field(metadata=shown_only_when("table", AccountType.PARTNER))``: a field that exists
    only in the records whose ``attribute`` is ``wanted`` (a partner row's menu path, a customer
    account's policies)."""

    def omitted(record: object, value: object) -> bool:
        return getattr(record, attribute) is not wanted

    return shown(omitted_if=omitted)


def _never_shown(record: object, value: object) -> bool:
    return True


def _none(record: object, value: object) -> bool:
    return value is None


def _empty(record: object, value: object) -> bool:
    return not value


def _zero(record: object, value: object) -> bool:
    return value == 0


HIDDEN = shown(omitted_if=_never_shown)  # the library's own use, never in a report
OMITTED_IF_NONE = shown(omitted_if=_none)  # a key that exists only when it has a value
OMITTED_IF_EMPTY = shown(omitted_if=_empty)  # a list that exists only when it holds something
OMITTED_IF_ZERO = shown(omitted_if=_zero)  # a count that exists only when something was counted
