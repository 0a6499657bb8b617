"""permtable.patterns: IAM action patterns (service:resource-type:action)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permtable.model import AccountType
from permtable.patterns import action_problem, compile_action, compile_code_glob
from permtable.tables import bundled

CUSTOMER_CODES = list(bundled(AccountType.CUSTOMER).table.permissions)


def matched(pattern: str) -> set[str]:
    compiled = compile_action(pattern)
    assert compiled is not None, pattern
    return {code for code in CUSTOMER_CODES if compiled.matches(code)}


def test_the_customer_codes_are_what_the_patterns_are_tested_against():
    assert set(CUSTOMER_CODES) == {
        "bss:discount:view",
        "bss:balance:view",
        "bss:coupon:view",
        "bss:order:view",
        "bss:order:update",
        "bss:order:pay",
        "bss:bill:view",
        "bss:billDetail:view",
        "bss:costanalysis:view",
        "bss:invoice:update",
    }


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("bss:*:*", set(CUSTOMER_CODES)),
        ("*:*:*", set(CUSTOMER_CODES)),
        ("bss:order:*", {"bss:order:view", "bss:order:update", "bss:order:pay"}),
        (
            "bss:*:view",
            {
                "bss:discount:view",
                "bss:balance:view",
                "bss:coupon:view",
                "bss:order:view",
                "bss:bill:view",
                "bss:billDetail:view",
                "bss:costanalysis:view",
            },
        ),
        ("bss:bill*:view", {"bss:bill:view", "bss:billDetail:view"}),
        ("bss:*Detail:view", {"bss:billDetail:view"}),
        ("bss:order:v*", {"bss:order:view"}),
        ("bss:ORDER:VIEW", {"bss:order:view"}),
        ("bss:billdetail:view", {"bss:billDetail:view"}),
        ("bss:BILL*:View", {"bss:bill:view", "bss:billDetail:view"}),
        ("b*:order:view", {"bss:order:view"}),
        ("bss:order:update", {"bss:order:update"}),
        ("ecs:*:*", set()),
        ("bss:*:list", set()),
        ("bss:orders:view", set()),
    ],
)
def test_patterns_against_the_customer_codes(pattern, expected):
    assert matched(pattern) == expected


def test_bill_star_does_not_match_order():
    pattern = compile_action("bss:bill*:view")
    assert pattern.matches("bss:bill:view")
    assert pattern.matches("bss:billDetail:view")
    assert not pattern.matches("bss:order:view")
    assert pattern.has_wildcard
    assert not compile_action("bss:bill:view").has_wildcard


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        ("bss:*", "bss:order:view"),  # two segments: no match and not even compiled (below)
        ("bss:*:view", "bss:order:x:view"),
        ("bss:order*", "bss:order:view"),
        ("*:view", "bss:order:view"),
        ("bss:*:*", "bss:order"),
        ("*:*:*", "a:b:c:d"),
        ("bss:o*w", "bss:order:view"),
    ],
)
def test_star_never_crosses_a_colon(pattern, code):
    compiled = compile_action(pattern)
    assert compiled is None or not compiled.matches(code)


def test_star_in_the_middle_of_three_segments_never_crosses():
    compiled = compile_action("bss:o*:*w")
    assert compiled.matches("bss:order:view")
    assert not compiled.matches("bss:order:x:view")


def test_service_is_compared_as_written():
    assert not compile_action("BSS:order:view").matches("bss:order:view")
    assert compile_action("bss:order:view").matches("bss:ORDER:View")


def test_regex_characters_are_literal():
    assert not compile_action("bss:ord.r:view").matches("bss:order:view")
    assert not compile_action("bss:order:vie[w]").matches("bss:order:view")
    assert compile_action("bss:a.b:view").matches("bss:a.b:view")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "bss",
        "bss:order",
        "bss:order:view:extra",
        "bss::view",
        ":order:view",
        "bss:order:",
        "::",
        "bss:*",
        "*",
    ],
)
def test_malformed_actions_are_rejected(text):
    assert compile_action(text) is None


_SEGMENT = st.text(
    alphabet=st.characters(blacklist_characters=":*", blacklist_categories=("Cs",)), min_size=1
)
# Segments IAM can hold: printable ASCII without spaces.
_ASCII_SEGMENT = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E).filter(lambda char: char not in ":*"),
    min_size=1,
)


@given(_ASCII_SEGMENT, _ASCII_SEGMENT, _ASCII_SEGMENT)
def test_an_exact_action_matches_itself_and_any_case_of_its_tail(service, resource, action):
    code = f"{service}:{resource}:{action}"
    compiled = compile_action(code)
    assert compiled is not None and compiled.problem is None
    assert compiled.matches(code)
    assert compiled.matches(f"{service}:{resource.swapcase()}:{action.upper()}")
    assert compile_action(f"{service}:*:*").matches(code)
    assert compile_action("*:*:*").matches(code)
    assert compile_action(f"{service}:*") is None
    # A fourth segment is never matched by a three-segment pattern.
    assert not compile_action("*:*:*").matches(f"{code}:x")


@given(_SEGMENT, _SEGMENT, _SEGMENT)
def test_an_allow_outside_printable_ascii_matches_nothing(service, resource, action):
    code = f"{service}:{resource}:{action}"
    compiled = compile_action(code)
    if compiled is None:  # a segment of spaces only: not service:resource:action at all
        assert not all(part.strip() for part in (service, resource, action))
        return
    if action_problem(code) is None:
        assert compiled.problem is None and compiled.matches(code)
        return
    assert compiled.problem and "IAM does not match it" in compiled.problem
    assert not compiled.matches(code)
    # ... nor the ASCII action it may look like, nor any permission of the customer table.
    looks_like = "".join(char for char in code if "!" <= char <= "~")
    assert not compiled.matches(looks_like)
    assert not any(compiled.matches(permission) for permission in CUSTOMER_CODES)


def test_partner_code_glob():
    glob = compile_code_glob("BPC_ITEM_SUBCUSTSERV_0101*")
    partner = bundled(AccountType.PARTNER).table.permissions
    assert {code for code in partner if glob.fullmatch(code)} == {
        "BPC_ITEM_SUBCUSTSERV_010118",
        "BPC_ITEM_SUBCUSTSERV_010119",
        "BPC_ITEM_SUBCUSTSERV_010100",
        "BPC_ITEM_SUBCUSTSERV_010115",
        "BPC_ITEM_SUBCUSTSERV_010105",
        "BPC_ITEM_SUBCUSTSERV_010111",
    }
    assert compile_code_glob("bpc_item_sales_020100").fullmatch("BPC_ITEM_SALES_020100")


# --------------------------------------------------------------------------- the string matcher


def regex_matches(pattern: str, permission: str, service_ignore_case: bool) -> bool:
    """The definition the string matcher must agree with: a regular expression per segment,
    ASCII case ignored; a pattern outside printable ASCII matches nothing."""
    import re

    if any(not "!" <= char <= "~" for char in pattern):
        return False

    def segment(text: str, ignore_case: bool) -> str:
        body = "[^:]*".join(re.escape(part) for part in text.split("*"))
        return f"(?ai:{body})" if ignore_case else body

    service, resource, action = pattern.split(":")
    regex = ":".join((segment(service, service_ignore_case), segment(resource, True), segment(action, True)))
    return re.fullmatch(regex, permission) is not None


# Letters whose Unicode case folding reaches ASCII (Kelvin sign, long s, dotted I, dotless i)
# sit beside ASCII ones: under ASCII case folding they never equal an ASCII letter.
ACTION_TEXT = st.text(alphabet="abBsSkKiI*:-\u212a\u017f\u0130\u0131", min_size=1, max_size=8)


@settings(max_examples=500)
@given(
    service=ACTION_TEXT.filter(lambda t: ":" not in t),
    resource=ACTION_TEXT.filter(lambda t: ":" not in t),
    action=ACTION_TEXT.filter(lambda t: ":" not in t),
    permission=ACTION_TEXT,
    service_ignore_case=st.booleans(),
)
def test_the_string_matcher_agrees_with_the_regular_expression(
    service, resource, action, permission, service_ignore_case
):
    pattern = f"{service}:{resource}:{action}"
    compiled = compile_action(pattern, service_ignore_case=service_ignore_case)
    assert compiled is not None
    assert compiled.matches(permission) == regex_matches(pattern, permission, service_ignore_case)


# --------------------------------------------------------------------------- look-alikes, invisibles

LOOK_ALIKES = [
    "bss:order:v\u0131ew",  # dotless i
    "bss:di\u017fcount:view",  # long s
    "bss:b\u0130ll*:view",  # dotted capital I
    "bss:order:\u212aey",  # Kelvin sign
    "bss:\uff4frder:view",  # fullwidth o
    "bss:\u043erder:view",  # Cyrillic o
]
INVISIBLES = [
    " bss:order:view ",
    "bss:order:view\u3000",
    "bss:order:view\u00a0",
    "\u200bbss:order:view",
    "bss:order:\u200dview",
    "bss:order:view\t",
    "bss:order:view\x7f",
    "bss:order:view\ufeff",
    "bss:order: view",
]


@pytest.mark.parametrize("text", LOOK_ALIKES + INVISIBLES)
def test_an_allow_with_a_look_alike_or_invisible_character_grants_nothing(text):
    compiled = compile_action(text)
    assert compiled is not None and compiled.problem
    assert not any(compiled.matches(permission) for permission in CUSTOMER_CODES)


@pytest.mark.parametrize("text", [*INVISIBLES, "bss:ｏrder:view", "bss:order:vieᵂ"])
def test_a_deny_is_read_generously(text):
    compiled = compile_action(text, service_ignore_case=True, generous=True)
    # Invisible characters dropped; compatibility forms (fullwidth o, modifier letter W) folded.
    assert compiled is not None and "read generously" in (compiled.problem or "")
    assert compiled.matches("bss:order:view")


@pytest.mark.parametrize("text", ["bss:order:v\u0131ew", "bss:di\u017fcount:view", "BSS:ORDER:\u212aey"])
def test_a_deny_with_unicode_case_look_alikes_matches_what_it_looks_like(text):
    compiled = compile_action(text, service_ignore_case=True, generous=True)
    looks_like = {"bss:order:v\u0131ew": "bss:order:view", "bss:di\u017fcount:view": "bss:discount:view"}
    assert compiled is not None
    assert compiled.matches(looks_like.get(text, "bss:order:key"))


@pytest.mark.parametrize("code", ["BPC_ITEM_ORDER_010101", "BPC_A", "BPC_1_2"])
def test_partner_code_shapes(code):
    from permtable.patterns import is_partner_code

    assert is_partner_code(code)


@pytest.mark.parametrize(
    "text", ["BPC_", "BPC_item", "bpc_ITEM", "BPC_ITEM-1", "BPC_ITEM ", "xBPC_A", "BPC_Ä"]
)
def test_not_partner_code_shapes(text):
    from permtable.patterns import is_partner_code

    assert not is_partner_code(text)
