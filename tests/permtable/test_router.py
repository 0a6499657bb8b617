"""permtable.router: resolving an API to its row, and suggesting rows for near misses."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pt_helpers import make_table, write_text

from cli.plain import plain
from permtable.apis import is_placeholder, parse_api, split_path
from permtable.model import AccountType
from permtable.router import Router
from permtable.tables import bundled, load_table_file
from permtable.unmatched import SuggestionRecord

P = AccountType.PARTNER
C = AccountType.CUSTOMER


def resolve(indexed, text):
    entry = indexed.router.resolve(parse_api(text))
    return entry.path if entry else None


# --------------------------------------------------------------------------- priorities


@pytest.fixture(scope="module")
def layered():
    return make_table(
        P,
        [
            ("GET", "/a/b/c", ["BPC_LITERAL"]),
            ("GET", "/a/{x}/c", ["BPC_PLACEHOLDER"]),
            ("GET", "/a/**", ["BPC_GLOB"]),
            ("GET", "/a/b/{y}/e", ["BPC_DEEP"]),
            ("POST", "/a/b/c", ["BPC_POST"]),
        ],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /a/b/c", "/a/b/c"),  # literal beats placeholder and **
        ("GET /a/z/c", "/a/{x}/c"),  # placeholder beats **
        ("GET /a/z/d", "/a/**"),  # ** takes what nothing else does
        ("GET /a/b/d", "/a/**"),  # the literal branch dead-ends: backtrack to **
        ("GET /a/b/q/e", "/a/b/{y}/e"),
        ("GET /a/b/c/e", "/a/b/{y}/e"),  # literal a/b, then placeholder: beats ** at segment 2
        ("GET /a/b/c/f", "/a/**"),
        ("GET /a/1/2/3/4", "/a/**"),
        ("GET /a", "/a/**"),  # ** also covers nothing more (the conservative reading)
        ("GET /a/{x}/c", "/a/{x}/c"),  # a template given as such matches its row
        ("GET /a/{anything}/c", "/a/{x}/c"),
        ("POST /a/b/c", "/a/b/c"),
        ("POST /a/z/c", None),  # methods never mix
        ("PUT /a/b/c", None),
        ("GET /b", None),
        ("GET /A/b/c", None),  # paths are case-sensitive
    ],
)
def test_literal_beats_placeholder_beats_glob(layered, text, expected):
    assert resolve(layered, text) == expected


def test_priority_does_not_depend_on_row_order():
    rows = [
        ("GET", "/a/**", ["BPC_GLOB"]),
        ("GET", "/a/{x}/c", ["BPC_PLACEHOLDER"]),
        ("GET", "/a/b/c", ["BPC_LITERAL"]),
    ]
    for ordering in (rows, rows[::-1], [rows[1], rows[0], rows[2]]):
        indexed = make_table(P, ordering)
        assert resolve(indexed, "GET /a/b/c") == "/a/b/c"
        assert resolve(indexed, "GET /a/q/c") == "/a/{x}/c"
        assert resolve(indexed, "GET /a/q/r") == "/a/**"


def test_priorities_through_a_table_file(tmp_path):
    rows = "".join(
        f"  - {{scenario: {{en: s}}, sub_scenario: {{en: s}}, description: {{en: d}}, "
        f"method: GET, path: '{path}', permissions: [{code}]}}\n"
        for path, code in [("/v9/**", "BPC_A"), ("/v9/{id}", "BPC_B"), ("/v9/fixed", "BPC_C")]
    )
    text = (
        "schema: 1\ntype: partner\nmode: any\nsource: {title: {en: t}, site: s, language: en}\nentries:\n"
        + rows
    )
    indexed = load_table_file(str(write_text(tmp_path, "t.yaml", text)))
    assert indexed.router.resolve(parse_api("GET /v9/fixed")).permissions == ("BPC_C",)
    assert indexed.router.resolve(parse_api("GET /v9/other")).permissions == ("BPC_B",)
    assert indexed.router.resolve(parse_api("GET /v9/other/more")).permissions == ("BPC_A",)


# --------------------------------------------------------------------------- bundled oddities

AUTORENEW = "/v2/orders/subscriptions/resources/autorenew"


@pytest.mark.parametrize(
    ("text", "method", "path"),
    [
        (f"POST {AUTORENEW}/123", "POST", f"{AUTORENEW}/**"),
        (f"POST {AUTORENEW}/123/extra/segments", "POST", f"{AUTORENEW}/**"),
        (f"POST {AUTORENEW}/{{resource_id}}", "POST", f"{AUTORENEW}/**"),
        (f"DELETE {AUTORENEW}/123", "DELETE", f"{AUTORENEW}/{{resource_id}}"),
        (f"DELETE {AUTORENEW}/{{resource_id}}", "DELETE", f"{AUTORENEW}/{{resource_id}}"),
    ],
)
def test_autorenew_rows(text, method, path):
    entry = bundled(C).router.resolve(parse_api(text))
    assert entry is not None
    assert (entry.method, entry.path) == (method, path)
    assert entry.permissions == ("bss:order:update",)


def test_delete_autorenew_needs_its_id_segment():
    assert bundled(C).router.resolve(parse_api(f"DELETE {AUTORENEW}/1/2")) is None


@pytest.mark.parametrize("account_type", [P, C])
@pytest.mark.parametrize(
    "text",
    [
        "GET /v2/orders/customer-orders/details/{order_id}",
        "GET /v2/orders/customer-orders/details/CS2211221234ABCD",
        "GET https://bss.myhuaweicloud.com/v2/orders/customer-orders/details/CS22?x=1",
    ],
)
def test_order_details_template_and_concrete_ids(account_type, text):
    entry = bundled(account_type).router.resolve(parse_api(text))
    assert entry is not None and entry.path == "/v2/orders/customer-orders/details/{order_id}"


def test_suscriptions_is_the_real_path():
    router = bundled(C).router
    assert router.resolve(parse_api("POST /v2/orders/suscriptions/resources/query")).path == (
        "/v2/orders/suscriptions/resources/query"
    )
    assert router.resolve(parse_api("POST /v2/orders/subscriptions/resources/query")) is None


# --------------------------------------------------------------------------- property


def _kinds(template: tuple[str, ...]) -> tuple[int, ...]:
    """Per template segment: 0 literal, 1 placeholder, 2 ``**`` (lower is more specific)."""
    return tuple(2 if s == "**" else 1 if is_placeholder(s) else 0 for s in template)


def _matches(template: tuple[str, ...], segments: tuple[str, ...]) -> bool:
    """An independent template matcher: ``{x}`` one segment, a final ``**`` zero or more."""
    if not template:
        return not segments
    head, rest = template[0], template[1:]
    if head == "**" and not rest:
        return True
    if not segments:
        return False
    if is_placeholder(head) or head == segments[0]:
        return _matches(rest, segments[1:])
    return False


_SEGMENT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="/"),
    min_size=1,
    max_size=12,
).filter(lambda s: not is_placeholder(s) and s not in (".", ".."))

_ENTRIES = [(kind, entry) for kind in (P, C) for entry in bundled(kind).table.entries]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), choice=st.sampled_from(_ENTRIES))
def test_concrete_paths_resolve_to_their_row_or_a_more_specific_one(data, choice):
    """For every row, fill each ``{placeholder}`` with arbitrary segment text (no '/', not itself
    a ``{...}``) and a final ``**`` with 1-3 such segments, percent-encode, and parse the result.

    Checked: the router returns an entry of the same method whose template matches the concrete
    path (by the independent matcher above), and that entry is either the row we started from
    or strictly more specific: its per-segment kind vector (literal 0 < placeholder 1 < ** 2) is
    lexicographically smaller. A less specific row, or none, would be a routing bug.
    """
    kind, entry = choice
    concrete: list[str] = []
    for segment in split_path(entry.path):
        if segment == "**":
            concrete.extend(data.draw(st.lists(_SEGMENT, min_size=1, max_size=3)))
        elif is_placeholder(segment):
            concrete.append(data.draw(_SEGMENT))
        else:
            concrete.append(segment)
    text = f"{entry.method} /" + "/".join(quote(segment, safe="") for segment in concrete)
    ref = parse_api(text)
    assert ref.segments == tuple(concrete)
    found = bundled(kind).router.resolve(ref)
    assert found is not None, text
    assert found.method == entry.method
    assert _matches(split_path(found.path), ref.segments), (text, found.api)
    if found is not entry:
        assert _kinds(split_path(found.path)) < _kinds(split_path(entry.path)), (text, found.api, entry.api)


_OVERLAPPING = make_table(
    P,
    [
        ("GET", "/a/b/c", ["BPC_1"]),
        ("GET", "/a/{x}/c", ["BPC_2"]),
        ("GET", "/a/**", ["BPC_3"]),
        ("GET", "/a/b/{y}/e", ["BPC_4"]),
        ("GET", "/{p}/b/c/d", ["BPC_5"]),
        ("GET", "/{p}/{q}/**", ["BPC_6"]),
        ("GET", "/**", ["BPC_7"]),
    ],
)
# Segment text drawn from the literals above, so substitutions often hit a more specific row.
_OVERLAP_SEGMENT = st.one_of(st.sampled_from(["a", "b", "c", "d", "e", "z"]), _SEGMENT)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), entry=st.sampled_from(_OVERLAPPING.table.entries))
def test_overlapping_templates_resolve_to_the_most_specific(data, entry):
    """The same property on a table built to overlap, plus exactness: the router's row is the
    lexicographically smallest kind vector among ALL rows whose template matches."""
    concrete: list[str] = []
    for segment in split_path(entry.path):
        if segment == "**":
            concrete.extend(data.draw(st.lists(_OVERLAP_SEGMENT, min_size=1, max_size=3)))
        elif is_placeholder(segment):
            concrete.append(data.draw(_OVERLAP_SEGMENT))
        else:
            concrete.append(segment)
    ref = parse_api("GET /" + "/".join(quote(segment, safe="") for segment in concrete))
    found = _OVERLAPPING.router.resolve(ref)
    assert found is not None
    assert _matches(split_path(found.path), ref.segments)
    assert found is entry or _kinds(split_path(found.path)) < _kinds(split_path(entry.path))
    candidates = [e for e in _OVERLAPPING.table.entries if _matches(split_path(e.path), ref.segments)]
    best = min(candidates, key=lambda e: _kinds(split_path(e.path)))
    assert found is best, (ref.path, found.path, best.path)


@pytest.mark.parametrize(("kind", "entry"), _ENTRIES, ids=[f"{k.value}-{e.index}" for k, e in _ENTRIES])
def test_every_documented_template_resolves_to_itself(kind, entry):
    assert bundled(kind).router.resolve(parse_api(entry.api)) is entry


# --------------------------------------------------------------------------- suggestions


def suggest(kind, text):
    return [(s.entry.api, s.reason) for s in bundled(kind).router.suggestions(parse_api(text))]


def test_subscriptions_spelling_suggests_the_documented_row():
    text = "POST /v2/orders/subscriptions/resources/query"
    assert bundled(C).router.resolve(parse_api(text)) is None
    assert suggest(C, text) == [
        ("POST /v2/orders/suscriptions/resources/query", "the documented path is spelt 'suscriptions'")
    ]


@pytest.mark.parametrize("kind", [P, C])
def test_case_only_difference(kind):
    text = "GET /V2/Orders/Customer-Orders"
    assert bundled(kind).router.resolve(parse_api(text)) is None
    assert suggest(kind, text) == [("GET /v2/orders/customer-orders", "differs only in letter case")]


@pytest.mark.parametrize("kind", [P, C])
def test_wrong_method_on_a_listed_path(kind):
    assert suggest(kind, "DELETE /v2/orders/customer-orders") == [
        ("GET /v2/orders/customer-orders", "listed for GET, not DELETE")
    ]


def test_wrong_method_with_a_concrete_id():
    assert suggest(P, "POST /v2/orders/customer-orders/details/CS1") == [
        ("GET /v2/orders/customer-orders/details/{order_id}", "listed for GET, not POST")
    ]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (P, "GET /v2/orders/custmer-orders", "GET /v2/orders/customer-orders"),  # deletion
        (P, "GET /v2/orders/customer-orderz", "GET /v2/orders/customer-orders"),  # substitution
        (C, "GET /v2/orders/customer-orderss", "GET /v2/orders/customer-orders"),  # insertion
        (
            C,
            "POST /v2/bills/customer-bills/res-record/query",
            "POST /v2/bills/customer-bills/res-records/query",
        ),
        (P, "POST /v2/partners/sub-customer", "POST /v2/partners/sub-customers"),
        (C, "GET /v1.0/abc/payments/intl-invoice", "GET /v1.0/{domain_id}/payments/intl-invoices"),
    ],
)
def test_one_character_typos(kind, text, expected):
    assert bundled(kind).router.resolve(parse_api(text)) is None
    found = suggest(kind, text)
    assert (expected, "1 character away from a listed path") in found


@pytest.mark.parametrize("kind", [P, C])
def test_missing_trailing_order_id(kind):
    assert suggest(kind, "GET /v2/orders/customer-orders/details") == [
        ("GET /v2/orders/customer-orders/details/{order_id}", "missing the {order_id} segment")
    ]


def test_missing_resource_id_on_delete_autorenew():
    found = dict(suggest(C, f"DELETE {AUTORENEW}"))
    assert found[f"DELETE {AUTORENEW}/{{resource_id}}"] == "missing the {resource_id} segment"
    assert found[f"POST {AUTORENEW}/**"] == "listed for POST, not DELETE"


def test_typo_before_a_glob():
    found = suggest(C, "POST /v2/orders/subscriptions/resources/autorenw/123")
    assert (f"POST {AUTORENEW}/**", "1 character away from a listed path") in found


def test_typo_with_wrong_method_says_so():
    found = suggest(P, "POST /v2/orders/custmer-orders")
    assert found == [
        ("GET /v2/orders/customer-orders", "1 character away from a listed path, and it is listed for GET")
    ]


@pytest.mark.parametrize("kind", [P, C])
@pytest.mark.parametrize(
    "text",
    [
        "GET /v9/nothing/here",
        "GET /v2/bases/conversions",
        "POST /v2/totally/different/path/query",
        "GET /v2/orders/xxxxxxxx-orders",  # too many edits for one segment
        "GET /v2/orders",
    ],
)
def test_far_off_paths_get_no_suggestion(kind, text):
    assert bundled(kind).router.resolve(parse_api(text)) is None
    assert suggest(kind, text) == []


def test_suggestions_are_unique_rows():
    router = Router(bundled(C).table)
    found = router.suggestions(parse_api("PUT /v2/orders/customer-orders"))
    indexes = [s.entry.index for s in found]
    assert len(indexes) == len(set(indexes))
    assert plain(SuggestionRecord.of(found[0]), "en")["api"] == "GET /v2/orders/customer-orders"
    assert plain(SuggestionRecord.of(found[0]), "zh")["description"] == "查询订单列表"


def test_near_misses_come_closest_first():
    """Every message names the first suggestion: it must be the closest one."""
    import re as _re

    from permtable.apis import parse_api as _parse
    from permtable.model import AccountType as _Type
    from permtable.tables import bundled as _bundled

    def distance(reason: str) -> int:
        found = _re.match(r"(\d+) characters? away", reason)
        return int(found[1]) if found else 0

    checked = 0
    for kind in _Type:
        indexed = _bundled(kind)
        for entry in indexed.table.entries:
            # A typo in the last literal segment: drop its second letter.
            segments = entry.path.split("/")
            last = next((i for i in range(len(segments) - 1, 0, -1) if segments[i][:1].isalpha()), None)
            if last is None or len(segments[last]) < 4:
                continue
            segments[last] = segments[last][0] + segments[last][2:]
            ref = _parse(f"{entry.method} {'/'.join(segments)}")
            if indexed.router.resolve(ref) is not None:
                continue
            near = [s.reason for s in indexed.router.suggestions(ref) if "listed for" not in s.reason]
            distances = [distance(reason) for reason in near]
            assert distances == sorted(distances), (ref.api, near)
            checked += 1
    assert checked > 20


def test_the_closer_near_miss_comes_first_whatever_the_row_order():
    table = make_table(
        AccountType.PARTNER,
        [
            ("GET", "/v2/orders/customer-ordezz", ["BPC_ITEM_A_000001"]),  # 2 characters away
            ("GET", "/v2/orders/customer-orderz", ["BPC_ITEM_A_000002"]),  # 1 character away
        ],
    )
    found = table.router.suggestions(parse_api("GET /v2/orders/customer-orders"))
    assert [suggestion.entry.path for suggestion in found] == [
        "/v2/orders/customer-orderz",
        "/v2/orders/customer-ordezz",
    ]
    assert found[0].reason.startswith("1 character away")
