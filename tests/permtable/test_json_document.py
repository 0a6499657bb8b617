"""permtable.json_document: JSON read by its own rules gives the Nodes the YAML path gave.

The oracle is PyYAML reading the same text (JSON is YAML), as bsscheck read JSON before:
kinds, values, lines, columns, quoting and key positions must all agree.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permtable.documents import parse_document
from permtable.errors import InputError, Location
from permtable.nodes import Node

# Characters YAML counts as line breaks, or refuses, are escaped by ensure_ascii anyway; the
# alphabet keeps to the Basic Multilingual Plane (YAML could not read surrogate-pair escapes).
_TEXT = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=12)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=25,
)
_LAYOUTS = st.sampled_from([None, 0, 1, 2, "\t", " \n "])
# Whitespace on either side of commas and colons, as hand-written and minified files have it.
_SEPARATORS = st.sampled_from([None, (",", ":"), (" , ", " : "), (" ,", "  :  "), ("\t,\t", "\t:")])


def _as_yaml_read_it(node: Node) -> tuple[object, ...]:
    """A comparable form of a tree from the YAML path, where an unquoted non-number is text."""
    kind = "other" if node.kind == "str" and node.unquoted else node.kind
    return _shape(node, kind, _as_yaml_read_it)


def _as_read(node: Node) -> tuple[object, ...]:
    return _shape(node, node.kind, _as_read)


def _shape(node: Node, kind: str, again) -> tuple[object, ...]:
    if node.kind == "map":
        value: object = [(key, node.key_locations[key], again(item)) for key, item in node.value.items()]
    elif node.kind == "seq":
        value = [again(item) for item in node.value]
    else:
        value = node.value
    return (kind, node.location, node.unquoted, value)


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, layout=_LAYOUTS, separators=_SEPARATORS, carriage_returns=st.booleans())
def test_json_reader_matches_the_yaml_reading_of_the_same_text(value, layout, separators, carriage_returns):
    if isinstance(value, dict) or isinstance(value, list):
        pass
    else:
        value = [value]  # a document is a container in practice; scalars are covered below
    text = json.dumps(value, indent=layout, separators=separators)
    if carriage_returns:
        text = text.replace("\n", "\r\n")
    yaml_text = text.replace("\t", " ")  # YAML refuses tab indentation; columns are unchanged
    assert _as_read(parse_document(text, "d.json", json_syntax=True)) == _as_yaml_read_it(
        parse_document(yaml_text, "d.json", json_syntax=False)
    )


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("1", "int", 1),
        ("-0", "int", 0),
        ("1.5", "float", "1.5"),
        ("1.5e-07", "float", "1.5e-07"),
        ("1.5e07", "other", "1.5e07"),  # YAML 1.1 wants the exponent's sign
        ("1e5", "other", "1e5"),
        ("NaN", "other", "NaN"),  # Python's decoder accepts these; they are never strings
        ("-Infinity", "other", "-Infinity"),
        ("true", "bool", "true"),
        ("null", "null", None),
    ],
)
def test_json_scalars_keep_the_kinds_yaml_gave(raw, kind, value):
    node = parse_document(f'{{"a": {raw}}}', "d.json", json_syntax=True).get("a")
    assert (node.kind, node.value, node.unquoted) == (kind, value, True)


def test_an_integer_longer_than_python_converts_is_kept_as_written_as_yaml_kept_it():
    """Python refuses to convert an integer of more than 4,300 digits; the YAML path kept one
    as its text, and JSON reads it so too, located, where it used to refuse the whole file."""
    long, negative = "9" * 5000, "-" + "1" * 4400
    text = '{"a": [' + long + ", " + negative + '],\n "b": 12}'
    read = parse_document(text, "d.json", json_syntax=True)
    assert _as_read(read) == _as_yaml_read_it(parse_document(text, "d.json", json_syntax=False))
    first, second = read.get("a").value
    assert (first.kind, first.value, first.location) == ("int", long, Location("d.json", 1, 8))
    assert (second.kind, second.value) == ("int", negative)
    assert read.get("b").value == 12


def test_json_positions_survive_text_yaml_could_not_read():
    """A surrogate-pair escape and a 2,000-character key: YAML refused both, and the fallback
    located every value at the file alone. Now each keeps its line and column."""
    key = "k" * 2000
    text = '{\n  "emoji": "\\ud83d\\ude00",\n  "' + key + '": "v"\n}'
    root = parse_document(text, "d.json", json_syntax=True)
    assert root.get("emoji").value == "\U0001f600"
    assert root.get("emoji").location == Location("d.json", 2, 12)
    assert root.key_locations[key] == Location("d.json", 3, 3)


def test_duplicate_key_is_located_at_the_second_key():
    with pytest.raises(InputError) as caught:
        parse_document('{"a": 1,\n "b": {"c": 1,\n   "c": 2}}', "d.json", json_syntax=True)
    assert caught.value.message == "duplicate key 'c' (first at line 2)"
    assert caught.value.location == Location("d.json", 3, 4)


def test_nesting_beyond_the_limit_is_refused_at_the_level_that_crosses_it():
    text = "[" * 70 + "]" * 70
    with pytest.raises(InputError) as caught:
        parse_document(text, "d.json", json_syntax=True)
    assert caught.value.message == "nesting deeper than 64 levels"
    assert caught.value.location == Location("d.json", 1, 66)
