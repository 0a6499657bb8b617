"""The text reader's bracket index answers as the walk back it replaced did.

``enclosing`` used to walk back up to SCAN_BACK characters from each string; a file of 120,000
strings in one function body took that walk 120,000 times. The index answers from one pass; the
old walk is kept here as the reference and compared on generated texts, near and past the
SCAN_BACK horizon.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from permtable.scan.text_source import SCAN_BACK, _Text

_BRACKETS = re.compile(r"[()\[\]{};]")


def walk_back(text: str, offset: int) -> tuple[int, int] | None:
    """The former implementation, verbatim in its logic."""
    pairs = {")": "(", "]": "[", "}": "{"}
    depth: list[str] = []
    limit = max(0, offset - SCAN_BACK)
    marks = [match.start() for match in _BRACKETS.finditer(text, limit, offset)]
    for position in reversed(marks):
        char = text[position]
        if char in pairs:
            depth.append(char)
        elif char == ";":
            if not depth:
                return None
        elif depth:
            depth.pop()
        else:
            return position, _Text(text, "go")._closer(position)
    return None


_PIECES = st.sampled_from(["(", ")", "[", "]", "{", "}", ";", "x", "ab", '"s"', " ", "\n"])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=300), offsets=st.lists(st.integers(min_value=0), max_size=30))
def test_the_index_answers_as_the_walk_back(pieces, offsets):
    text = "".join(pieces)
    reader = _Text(text, "go")
    for offset in [*(o % (len(text) + 1) for o in offsets), 0, len(text)]:
        assert reader.enclosing(offset) == walk_back(text, offset), (text, offset)


@settings(max_examples=30, deadline=None)
@given(filler=st.integers(min_value=SCAN_BACK - 50, max_value=SCAN_BACK + 50), inner=st.booleans())
def test_the_horizon_is_the_same(filler, inner):
    """An opener just inside or just past SCAN_BACK characters back."""
    text = "f(" + ("{x}" if inner else "") + "a" * filler + '"s")'
    reader = _Text(text, "go")
    offset = len(text) - 4
    assert reader.enclosing(offset) == walk_back(text, offset)


def test_a_huge_body_is_indexed_once():
    body = "".join(f'\tdo(c, "orders/{n}")\n' for n in range(20_000))
    text = "func run() {\n" + body + "}\n"
    reader = _Text(text, "go")
    starts = [match.start() for match in re.finditer(r'"orders', text)]
    answers = [reader.enclosing(start) for start in starts]
    assert all(answer is not None and text[answer[0]] == "(" for answer in answers)
    assert reader._brackets is not None and len(reader._brackets[0]) == text.count("(") * 2 + 2


_NAME_PIECES = st.sampled_from(
    [
        "get",
        "Http",
        "$x",
        "_a",
        "1",
        "9b",
        " ",
        "\n",
        "<T>",
        "<A, B>",
        "<",
        ">",
        "?.",
        ".",
        "(",
        ")",
        ",",
        "é",
    ]
)


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(_NAME_PIECES, max_size=40), cut=st.integers(min_value=0, max_value=40))
def test_call_name_reads_as_the_pattern_it_replaced(pieces, cut):
    from permtable.scan.text_source import _CALL_NAME, call_name

    text = "".join(pieces) + "("
    end = len(text) - 1
    low = min(cut, end)
    match = _CALL_NAME.search(text, low, end)
    assert call_name(text, low, end) == (match[1] if match else ""), (text, low)
