"""One serializer for every record: frozen dataclasses to JSON's plain values.

Field names are the keys unless a field's metadata says otherwise (``permtable.values.shown``);
enums become their values, texts in two languages (``LocalText``) the language chosen for this
run, tuples and other sequences lists. A record's plan (its fields, names and omissions) is
worked out once per class, so a report of 200,000 results pays for ``dataclasses.fields`` once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from permtable.model import LocalText
from permtable.values import ITEMS_WITHOUT, OMITTED_IF, SHOWN_AS

# How a field's value is shown, read from its annotation once per class: as it is (a JSON
# scalar), as a list (a tuple of scalars), or converted (anything else).
AS_IS, AS_LIST, CONVERTED = 0, 1, 2
_SCALARS = {"str", "int", "bool", "float", "None"}

Plan = tuple[tuple[str, str, Callable[[Any, Any], bool] | None, frozenset[str], int], ...]
_NOTHING: frozenset[str] = frozenset()
_plans: dict[type, Plan] = {}


def _how(annotation: object) -> int:
    # Annotations are strings (postponed evaluation); only the plainest are recognised, and
    # anything else is converted, which is always right, just slower.
    if not isinstance(annotation, str):
        return CONVERTED
    parts = {part.strip() for part in annotation.split("|")}
    if parts <= _SCALARS:
        return AS_IS
    if annotation.replace(" ", "") in ("tuple[str,...]", "tuple[int,...]"):
        return AS_LIST
    return CONVERTED


def plan(record_type: type) -> Plan:
    """(attribute, key, omission, fields left out of its items, how) for each field, in order."""
    found = _plans.get(record_type)
    if found is None:
        found = tuple(
            (
                field.name,
                field.metadata.get(SHOWN_AS, field.name),
                field.metadata.get(OMITTED_IF),
                field.metadata.get(ITEMS_WITHOUT, _NOTHING),
                _how(field.type),
            )
            for field in fields(record_type)
        )
        _plans[record_type] = found
    return found


def shown_fields(record: object) -> list[tuple[str, Any, frozenset[str]]]:
    """The record's (key, value, fields left out of the value's items) as shown, the values not
    yet converted: what the JSON writer streams one by one."""
    shown = []
    for attribute, key, omitted_if, items_without, _ in plan(type(record)):
        value = getattr(record, attribute)
        if omitted_if is None or not omitted_if(record, value):
            shown.append((key, value, items_without))
    return shown


def plain(value: Any, lang: str, without: frozenset[str] = _NOTHING) -> Any:
    """``value`` as JSON's plain values (dict, list, str, int, float, bool, None)."""
    return _converter(type(value))(value, lang, without)


def _converter(kind: type) -> Converter:
    convert = _converters.get(kind)
    if convert is None:
        convert = _converters[kind] = _converter_for(kind)
    return convert


# One converter per type, chosen once: a report of 200,000 results converts millions of values,
# and a chain of isinstance checks per value cost more than the JSON encoding itself.
Converter = Callable[[Any, str, frozenset[str]], Any]
_converters: dict[type, Converter] = {}


def _as_is(value: Any, lang: str, without: frozenset[str]) -> Any:
    return value


def _enum(value: Enum, lang: str, without: frozenset[str]) -> Any:
    return value.value


def _text(value: LocalText, lang: str, without: frozenset[str]) -> str:
    return value.get(lang)


def _record(value: Any, lang: str, without: frozenset[str]) -> dict[str, Any]:
    shown = {}
    for attribute, key, omitted_if, items_without, how in plan(type(value)):
        if without and attribute in without:
            continue
        item = getattr(value, attribute)
        if omitted_if is not None and omitted_if(value, item):
            continue
        if how == AS_IS:
            shown[key] = item
        elif how == AS_LIST:
            shown[key] = list(item)
        else:
            shown[key] = plain(item, lang, items_without)
    return shown


# Records that stand for a table row or permission (``shown_once`` on their class) recur in
# thousands of results: each is converted once per language and reused. The cache keeps the
# record itself, so an id is never reused while its entry lives; it is bounded by the tables'
# size (a few hundred rows), not by the report's. What plain returns is never changed by its
# callers (the JSON writer encodes it; SARIF embeds it), so sharing it is safe.
_shown_once: dict[tuple[int, str, frozenset[str]], tuple[object, dict[str, Any]]] = {}
_SHOWN_ONCE_LIMIT = 8192


def _record_once(value: Any, lang: str, without: frozenset[str]) -> dict[str, Any]:
    key = (id(value), lang, without)
    hit = _shown_once.get(key)
    if hit is not None and hit[0] is value:
        return hit[1]
    shown = _record(value, lang, without)
    if len(_shown_once) < _SHOWN_ONCE_LIMIT:
        _shown_once[key] = (value, shown)
    return shown


def _mapping(value: Mapping[Any, Any], lang: str, without: frozenset[str]) -> dict[Any, Any]:
    return {plain(key, lang): plain(item, lang) for key, item in value.items()}


def _sequence(value: Iterable[Any], lang: str, without: frozenset[str]) -> list[Any]:
    # The items of a list are nearly always of one type (a matrix row's 43 decisions, a
    # report's results): its converter is looked up again only when the type changes.
    shown = []
    kind: type | None = None
    convert: Converter = _as_is
    for item in value:
        if type(item) is not kind:
            kind = type(item)
            convert = _converter(kind)
        shown.append(convert(item, lang, without))
    return shown


def _converter_for(kind: type) -> Converter:
    if issubclass(kind, Enum):
        return _enum
    if kind is type(None) or issubclass(kind, (str, bool, int, float)):
        return _as_is
    if kind is LocalText:
        return _text
    if is_dataclass(kind):
        return _record_once if getattr(kind, "shown_once", False) else _record
    if issubclass(kind, Mapping):
        return _mapping
    if issubclass(kind, (Sequence, frozenset, set)):
        return _sequence
    raise TypeError(f"no plain form for {kind.__name__}")
