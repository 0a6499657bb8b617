"""Streaming API lists and counting them by endpoint (``can-call --unique``).

The streamed reader must number lines exactly as the whole-file reader does and refuse the same
files with the same messages; the counter must report each endpoint once, at its first input,
with a result equal to what can-call gives that input.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import write_grants, write_text

from cli.plain import plain
from permtable import files
from permtable.apis import iter_api_file_blocks, iter_api_lines, parse_api
from permtable.errors import InputError, Location
from permtable.evaluate import EvaluationPolicy
from permtable.grants import load_grants
from permtable.model import AccountType
from permtable.queries import can_call, can_call_unique, endpoint_key, quick_endpoint_key
from permtable.tables import bundled
from permtable.unique import UniqueApis

ALLOW_ORDER_VIEW = {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:order:view"]}]}
CUSTOMER_GRANTS = {
    "type": "customer",
    "account": "acct",
    "policies": [{"name": "read-orders", "document": ALLOW_ORDER_VIEW}],
}


def lines_of(path) -> list[tuple[int, str]]:
    """(number, line) of every line the streamed reader gives."""
    return [
        (number, line)
        for first, lines in iter_api_file_blocks(str(path))
        for number, line in enumerate(lines, first)
    ]


def whole_file_lines(text: str) -> list[tuple[int, str]]:
    """(number, line) as the whole-file reader numbers them (iter_api_lines)."""
    return list(enumerate(re.split(r"\r\n|\r|\n", text), 1))


# --------------------------------------------------------------------------- the streamed reader

_LINE_TEXT = st.sampled_from(["GET /v2/x", "# note", "", "  ", "POST /v2/y  # c", "é 中", "get/v2/z/1"])
_BREAK = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_LINE_TEXT, _BREAK), max_size=30),
    st.booleans(),
    st.sampled_from([1, 2, 3, 5, 8, 64]),
)
def test_streamed_lines_are_numbered_as_the_whole_file_reader_numbers_them(
    tmp_path_factory, items, trailing_break, block_bytes
):
    text = "".join(line + brk for line, brk in items)
    if not trailing_break and items:
        text = text[: -len(items[-1][1])]
    path = tmp_path_factory.mktemp("s") / "apis.txt"
    path.write_bytes(text.encode("utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "STREAM_BLOCK_BYTES", block_bytes)
        streamed = lines_of(path)
    # Blocks may end differently, but the non-blank lines and their numbers must agree.
    expected = [(n, line) for n, line in whole_file_lines(text) if line.strip()]
    assert [(n, line) for n, line in streamed if line.strip()] == expected


def test_streamed_lines_give_the_same_apis_as_the_whole_file(tmp_path, monkeypatch):
    text = "\ufeffGET /v2/a\r\n# c\rPOST /v2/b  # why\n\n  get https://bss.myhuaweicloud.com/v2/c?x=1\n"
    path = tmp_path / "apis.txt"
    path.write_bytes(text.encode("utf-8"))
    whole = [(ref.api, ref.location) for ref in iter_api_lines(text.removeprefix("\ufeff"), str(path))]
    counter = UniqueApis(lambda ref: ref.api)
    monkeypatch.setattr(files, "STREAM_BLOCK_BYTES", 4)
    counter.add_file(str(path))
    assert [(t.ref.api, t.ref.location) for t in counter.tallies()] == whole


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"\xff\xfeG\x00E\x00T\x00", "file is UTF-16; only UTF-8 is read", None),
        (b"G\x00E\x00T\x00 \x00/\x00x\x00\n\x00", "file looks like UTF-16 (without a BOM)", None),
        (b"GET /v2/a\n" * 5 + b"GET /v2/\x00\n", "file contains NUL bytes", None),
        (b"GET /v2/a\n" * 7 + b"GET /v2/\xe9t\xe9\n", "not valid UTF-8 (byte 0xe9)", 8),
    ],
    ids=["utf16-bom", "utf16-no-bom", "nul", "latin1-line-8"],
)
def test_streamed_files_are_refused_as_whole_files_are(tmp_path, monkeypatch, data, message, line):
    path = tmp_path / "apis.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as whole:
        files.decode(data, str(path))
    monkeypatch.setattr(files, "STREAM_BLOCK_BYTES", 16)  # the bad byte lies in a later block
    with pytest.raises(InputError) as streamed:
        lines_of(path)
    assert message in streamed.value.message
    assert (streamed.value.message, streamed.value.location, streamed.value.hint) == (
        whole.value.message,
        whole.value.location,
        whole.value.hint,
    )
    assert streamed.value.location.line == line


def test_a_line_without_end_is_refused_past_the_stream_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "STREAM_BLOCK_BYTES", 64)
    monkeypatch.setattr(files, "MAX_STREAM_LINE_BYTES", 256)
    path = tmp_path / "apis.txt"
    path.write_text("GET /v2/a\n# " + "x" * 1000, "utf-8")
    with pytest.raises(InputError, match="line longer than 256 bytes") as error:
        lines_of(path)
    assert error.value.location == Location(str(path), 2)


def test_missing_files_and_folders_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        lines_of(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        lines_of(tmp_path)


# --------------------------------------------------------------------------- counting endpoints


@pytest.fixture
def customer(tmp_path, tables):
    grants = load_grants([str(write_grants(tmp_path, "grants.yaml", CUSTOMER_GRANTS))])
    return grants, tables


def test_every_way_of_naming_one_row_is_one_endpoint(customer, tmp_path):
    grants, tables = customer
    text = "\n".join(
        [
            "GET /v2/orders/customer-orders/details/{order_id}",
            "# a comment",
            "get /v2/orders/customer-orders/details/CS1",
            "GET/v2/orders/customer-orders/details/CS2/",
            "GET https://bss-intl.myhuaweicloud.com/v2/orders/customer-orders/details/CS3?offset=0",
            "GET /v2/orders/customer-orders/details/CS1  # seen before",
            "GET /v2/bases/conversions/1",
            "GET /v2/bases/conversions/2",
            "GET https://example.com/v2/orders/customer-orders/details/CS4",
            "",
        ]
    )
    path = write_text(tmp_path, "log.txt", text)
    counter = UniqueApis(endpoint_key(tables.get(AccountType.CUSTOMER)))
    counter.add_file(str(path))
    tallies = counter.tallies()
    assert [(t.ref.text, t.count, t.ref.location.line) for t in tallies] == [
        ("GET /v2/orders/customer-orders/details/{order_id}", 5, 1),
        ("GET /v2/bases/conversions/1", 1, 7),  # not in the table: one endpoint per path
        ("GET /v2/bases/conversions/2", 1, 8),
        ("GET https://example.com/v2/orders/customer-orders/details/CS4", 1, 9),  # another host
    ]
    assert counter.inputs == 8
    report = can_call_unique(tallies, grants, tables, EvaluationPolicy())
    each = can_call([t.ref for t in tallies], grants, tables, EvaluationPolicy())
    assert [r.count for r in report.results] == [5, 1, 1, 1]
    # Each result is the one can-call gives its first input, counted.
    assert [r.ref for r in report.results] == [r.ref for r in each.results]
    assert [r.decision for r in report.results] == [r.decision for r in each.results]
    assert [r.notes for r in report.results] == [r.notes for r in each.results]
    summary = plain(report.record(), "en")["summary"]
    assert summary["total"] == 4 and summary["inputs"] == 8
    first = plain(report.record(), "en")["results"][0]
    assert (first["count"], first["first_line"]) == (5, 1)


def test_records_without_unique_have_no_count(customer):
    grants, tables = customer
    counter = UniqueApis(endpoint_key(tables.get(AccountType.CUSTOMER)))
    counter.add_lines(["GET /v2/orders/customer-orders"], "x.txt")
    record = can_call([t.ref for t in counter.tallies()], grants, tables, EvaluationPolicy()).record()
    record = plain(record, "en")
    assert "count" not in record["results"][0] and "first_line" not in record["results"][0]
    assert "inputs" not in record["summary"]


def test_a_bad_line_is_an_error_at_its_first_line(tables):
    counter = UniqueApis(endpoint_key(tables.get(AccountType.PARTNER)))
    with pytest.raises(InputError) as error:
        counter.add_lines(["GET /v2/a", "GET /v2/a", "FETCH /x", "FETCH /x"], "log.txt")
    assert error.value.location == Location("log.txt", 3, 1)


def test_forgetting_line_texts_keeps_the_counts(tables, monkeypatch):
    import permtable.unique

    monkeypatch.setattr(permtable.unique, "TEXT_CACHE_LIMIT", 2)
    counter = UniqueApis(endpoint_key(tables.get(AccountType.PARTNER)))
    lines = [f"GET /v2/orders/customer-orders/details/CS{n % 7}" for n in range(50)] + ["POST /v2/x"] * 3
    counter.add_lines(lines, "log.txt")
    assert [(t.ref.text, t.count) for t in counter.tallies()] == [
        ("GET /v2/orders/customer-orders/details/CS0", 50),
        ("POST /v2/x", 3),
    ]


# --------------------------------------------------------------------------- the quick key

_ROWS = [(entry.method, entry.path) for kind in AccountType for entry in bundled(kind).table.entries]
_HOSTS = [
    "",
    "https://bss.myhuaweicloud.com",
    "https://bss-intl.myhuaweicloud.com",
    "https://bss.myhuaweicloud.eu",
    "https://BSS.myhuaweicloud.com",
    "https://evil.example.com",
    "http://bss.myhuaweicloud.com",
]
_FILLERS = [
    "CS2611011234", "x", "..", ".", "%2F", "a%20b", "{order_id}", "", "ＣＳ１", "Pay", "ok_1-2",
    "a..b", "x.", ".x", "v1.0", "a.b.c", "%2e%2e",
]  # fmt: skip


@st.composite
def log_lines(draw) -> str:
    method, path = draw(st.sampled_from(_ROWS))
    segments = [
        draw(st.sampled_from(_FILLERS))
        if segment.startswith("{") or (draw(st.booleans()) and draw(st.booleans()))
        else segment
        for segment in path.strip("/").split("/")
    ]
    method = draw(st.sampled_from([method, method.lower(), "GET", "POST"]))
    query = draw(st.sampled_from(["", "?offset=1", "?a=b&c=%2F", "?"]))
    trailing = draw(st.sampled_from(["", "/"]))
    return f"{method} {draw(st.sampled_from(_HOSTS))}/{'/'.join(segments)}{trailing}{query}"


@given(log_lines())
@settings(max_examples=500)
def test_the_quick_key_agrees_with_parsing_whenever_it_answers(line):
    for kind in AccountType:
        indexed = bundled(kind)
        quick = quick_endpoint_key(indexed)(line)
        if quick is not None:
            assert quick == endpoint_key(indexed)(parse_api(line)), line


# The plain-line pattern as it was first written, one group per segment: the quick key checks the
# same thing as a run of characters and a few substring tests, and must accept exactly as much.
_NESTED_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)+")
_PATH_PARTS = ["/", ".", "..", "a", "Z9", "-", "_", "v1", "%", "é", " "]


@given(st.lists(st.sampled_from(_PATH_PARTS), max_size=10))
@settings(max_examples=2000)
def test_the_quick_key_reads_a_path_as_plain_exactly_when_segment_groups_would(parts):
    path = "/" + "".join(parts)
    quick = quick_endpoint_key(bundled(AccountType.CUSTOMER))
    # /v2/orders/customer-orders/details/{order_id} takes any plain last segment.
    line = f"GET /v2/orders/customer-orders/details{path}"
    plain = _NESTED_PLAIN_PATH.fullmatch(path) is not None and path.count("/") == 1
    assert (quick(line) is not None) == plain, line


def test_the_quick_key_answers_plain_lines_and_leaves_the_rest():
    indexed = bundled(AccountType.CUSTOMER)
    quick = quick_endpoint_key(indexed)
    assert quick("GET https://bss.myhuaweicloud.com/v2/orders/customer-orders/details/CS1?x=1") is not None
    for line in (
        "GET https://evil.example.com/v2/orders/customer-orders/details/CS1",  # a foreign host: a note
        "get /v2/orders/customer-orders",  # parse_api's reading of the method, not ours
        "GET /v2/orders/customer-orders/",  # a trailing slash
        "GET /v2/orders/x/../customer-orders",  # a dot segment
        "GET /v2/orders/unlisted-thing",  # unlisted: its own spelling, via parse_api
    ):
        assert quick(line) is None, line
