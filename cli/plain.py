"""One serializer for every record: frozen dataclasses to JSON's plain values.

Field names are the keys unless a field's metadata says otherwise (``permtable.values.shown``);
enums become their values, texts in two languages (``LocalText``) the language chosen for this
run, tuples and other sequences lists. A record's plan (its fields, names and omissions) is
worked out once per class, so a report of 200,000 results pays for ``dataclasses.fields`` once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from permtable.model import LocalText
from permtable.values import ITEMS_WITHOUT, OMITTED_IF, SHOWN_AS

Plan = tuple[tuple[str, str, Callable[[Any, Any], bool] | None, frozenset[str]], ...]
_NOTHING: frozenset[str] = frozenset()
_plans: dict[type, Plan] = {}


def plan(record_type: type) -> Plan:
    """(attribute, key, omission, fields left out of its items) for each field, in order."""
    found = _plans.get(record_type)
    if found is None:
        found = tuple(
            (
                field.name,
                field.metadata.get(SHOWN_AS, field.name),
                field.metadata.get(OMITTED_IF),
                field.metadata.get(ITEMS_WITHOUT, _NOTHING),
            )
            for field in fields(record_type)
        )
        _plans[record_type] = found
    return found


def shown_fields(record: object) -> list[tuple[str, Any, frozenset[str]]]:
    """The record's (key, value, fields left out of the value's items) as shown, the values not
    yet converted: what the JSON writer streams one by one."""
    shown = []
    for attribute, key, omitted_if, items_without in plan(type(record)):
        value = getattr(record, attribute)
        if omitted_if is None or not omitted_if(record, value):
            shown.append((key, value, items_without))
    return shown


def plain(value: Any, lang: str, without: frozenset[str] = _NOTHING) -> Any:
    """``value`` as JSON's plain values (dict, list, str, int, float, bool, None)."""
    if value is None or (isinstance(value, (bool, int, float)) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, LocalText):
        return value.get(lang)
    if is_dataclass(value):
        shown = {}
        for attribute, key, omitted_if, items_without in plan(type(value)):
            if attribute in without:
                continue
            item = getattr(value, attribute)
            if omitted_if is None or not omitted_if(value, item):
                shown[key] = plain(item, lang, items_without)
        return shown
    if isinstance(value, Mapping):
        return {plain(key, lang): plain(item, lang) for key, item in value.items()}
    if isinstance(value, (Sequence, frozenset, set)):
        return [plain(item, lang, without) for item in value]
    raise TypeError(f"no plain form for {type(value).__name__}")
