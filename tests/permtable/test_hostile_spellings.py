"""Hostile spellings never turn "not callable" into "callable".

Each class an attacker (or a careless paste) can send, generated rather than listed:

- paths with dot segments and percent-encodings, normalised the way a real client and gateway
  do before routing (RFC 3986 §5.2.4, after decoding), so they are judged where they go;
- paths with ``{holes}`` where the table has literal segments;
- IAM actions with look-alike letters and invisible or space characters;
- Partner Center codes with the same.

The oracle is independent of the code under test: an account with no grants can call no listed
API, and a hostile spelling of an action grants nothing an honest spelling of nothing grants.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pt_helpers import write_grants

from permtable.apis import is_placeholder, parse_api, split_path
from permtable.errors import InputError
from permtable.evaluate import Decision, EvaluationPolicy
from permtable.grants import load_grants
from permtable.model import AccountType, Entry
from permtable.queries import can_call
from permtable.tables import TableSet, bundled

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

ENTRIES = {kind: bundled(kind).table.entries for kind in AccountType}
ALL_ENTRIES = [entry for kind in AccountType for entry in ENTRIES[kind]]
# Literal segments the tables use, for detours that leave through ".."
LITERALS = sorted({segment for entry in ALL_ENTRIES for segment in split_path(entry.path)} - {"**"})
LITERALS = [segment for segment in LITERALS if not is_placeholder(segment)]


def concrete_segments(entry: Entry, rng: random.Random) -> list[str]:
    """A real request path for a row: placeholders filled, ``**`` given one segment."""
    filled = []
    for segment in split_path(entry.path):
        if is_placeholder(segment) or segment == "**":
            filled.append(f"id{rng.randrange(10**6)}")
        else:
            filled.append(segment)
    return filled


def encode_some(segment: str, rng: random.Random) -> str:
    """Percent-encode some characters of a segment (a client may; a server decodes)."""
    return "".join(f"%{ord(char):02X}" if rng.random() < 0.3 and char.isascii() else char for char in segment)


DOT = [".", "%2e", "%2E"]
DOTDOT = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2E."]


def hostile_path(segments: list[str], rng: random.Random) -> str:
    """The same request written with detours: ``x/..`` and ``.`` inserted, encodings mixed."""
    out: list[str] = []
    for segment in segments:
        for _ in range(rng.randrange(3)):
            kind = rng.randrange(3)
            if kind == 0:
                out.append(rng.choice(DOT))
            else:
                # Go somewhere (possibly several levels) and come back.
                depth = rng.randrange(1, 4)
                out.extend(encode_some(rng.choice(LITERALS), rng) for _ in range(depth))
                out.extend(rng.choice(DOTDOT) for _ in range(depth))
        out.append(encode_some(segment, rng))
    if rng.random() < 0.3:
        out.append(rng.choice(DOT))
    return "/" + "/".join(out)


def no_grants(tmp_path: Path, kind: AccountType) -> str:
    grants: dict[str, object]
    if kind is AccountType.PARTNER:
        grants = {"type": "partner", "roles": []}
    else:
        grants = {
            "type": "customer",
            "policies": [{"name": "P", "document": {"Version": "1.1", "Statement": []}}],
        }
    return str(write_grants(tmp_path, f"{kind.value}-none.yaml", grants))


@pytest.fixture(scope="module")
def empty_accounts(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("accounts")
    return {kind: load_grants([no_grants(folder, kind)]) for kind in AccountType}


# --------------------------------------------------------------------------- paths


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(list(AccountType)))
def test_a_detour_through_dot_segments_reaches_the_row_it_ends_at(seed, kind, empty_accounts):
    rng = random.Random(seed)
    entry = rng.choice(ENTRIES[kind])
    segments = concrete_segments(entry, rng)
    honest = parse_api(f"{entry.method} /" + "/".join(segments))
    text = f"{entry.method} {hostile_path(segments, rng)}"
    ref = parse_api(text)
    assert ref.segments == honest.segments, text
    router = bundled(kind).router
    assert router.resolve(ref) is router.resolve(honest)
    (result,) = can_call([ref], empty_accounts[kind], TableSet(), EvaluationPolicy()).results
    assert result.entry is not None and not result.callable, (text, result.decision)


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_leaving_a_glob_row_through_dot_segments_is_not_judged_by_it(seed, tmp_path_factory):
    # The autorenew/** row needs bss:order:update; an account holding only that must not be
    # able to reach any other row by writing ".../autorenew/<detour>/../<elsewhere>".
    rng = random.Random(seed)
    folder = tmp_path_factory.mktemp("autorenew")
    grants = load_grants(
        [
            str(
                write_grants(
                    folder,
                    "g.yaml",
                    {
                        "type": "customer",
                        "policies": [
                            {
                                "name": "P",
                                "document": {
                                    "Version": "1.1",
                                    "Statement": [{"Effect": "Allow", "Action": ["bss:order:update"]}],
                                },
                            }
                        ],
                    },
                )
            )
        ]
    )
    target = rng.choice([e for e in ENTRIES[AccountType.CUSTOMER] if "bss:order:update" not in e.permissions])
    prefix = ["v2", "orders", "subscriptions", "resources", "autorenew"]
    climb = [rng.choice(DOTDOT) for _ in prefix]
    path = "/" + "/".join(prefix + climb + concrete_segments(target, rng))
    ref = parse_api(f"{target.method} {path}")
    (result,) = can_call([ref], grants, TableSet(), EvaluationPolicy()).results
    assert result.entry is not None and result.entry.api == target.api, path
    assert not result.callable


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(list(AccountType)))
def test_an_encoded_slash_stays_inside_its_segment(seed, kind):
    rng = random.Random(seed)
    entry = rng.choice([e for e in ENTRIES[kind] if any(is_placeholder(s) for s in split_path(e.path))])
    segments = concrete_segments(entry, rng)
    position = next(i for i, s in enumerate(split_path(entry.path)) if is_placeholder(s))
    segments[position] = f"A{rng.choice(['%2F', '%2f'])}B{rng.choice(['', '%2F..%2F', '%2F.'])}"
    ref = parse_api(f"{entry.method} /" + "/".join(segments))
    assert len(ref.segments) == len(segments)
    assert bundled(kind).router.resolve(ref) is not None


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(list(AccountType)))
def test_a_hole_is_never_an_unlisted_callable_path_when_a_row_fits(seed, kind, empty_accounts):
    rng = random.Random(seed)
    entry = rng.choice(ENTRIES[kind])
    segments = split_path(entry.path)
    if segments[-1] == "**":
        segments = (*segments[:-1], "x")
    holed = list(segments)
    for position in rng.sample(range(1, len(segments)), k=min(len(segments) - 1, rng.randrange(1, 3))):
        holed[position] = rng.choice(["{op}", "{param}", "{x}"])
    ref = parse_api(f"{entry.method} /" + "/".join(holed))
    candidates = bundled(kind).router.candidates(ref)
    assert entry in candidates, (ref.api, [c.api if c else None for c in candidates])
    (result,) = can_call([ref], empty_accounts[kind], TableSet(), EvaluationPolicy()).results
    assert not result.callable and result.decision is not Decision.NOT_CHECKED


SEPARATORS = ["/", "\\", "%2F", "%2f", "%5C", "\uff0f", "%EF%BC%8F"]


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(list(AccountType)))
def test_a_path_a_server_may_split_otherwise_is_decided_by_every_reading(seed, kind, empty_accounts):
    # Backslashes (WHATWG clients), %2F decoded before routing (gateways), ;parameters (servlet
    # containers) and a fullwidth solidus (NFKC): any of them may put the request on a listed row.
    rng = random.Random(seed)
    entry = rng.choice(ENTRIES[kind])
    segments = concrete_segments(entry, rng)
    pieces = [segment + (f";p{rng.randrange(10)}=1" if rng.random() < 0.3 else "") for segment in segments]
    text = pieces[0]
    for piece in pieces[1:]:
        separator = rng.choice(SEPARATORS)
        if separator != "/" and rng.random() < 0.3:  # a detour only a decoding server takes
            text += f"{separator}{rng.choice(LITERALS)}{separator}.."
        text += separator + piece
    ref = parse_api(f"{entry.method} /{text}")
    honest = parse_api(f"{entry.method} /" + "/".join(segments))
    reached = bundled(kind).router.candidates(ref)
    assert bundled(kind).router.resolve(honest) in reached, (text, ref.readings)
    (result,) = can_call([ref], empty_accounts[kind], TableSet(), EvaluationPolicy()).results
    assert not result.callable, text


# --------------------------------------------------------------------------- actions and codes

# Characters that make an action text something other than what it looks like.
INVISIBLE = [" ", "\u00a0", "\u3000", "\u200b", "\u200d", "\u2060", "\ufeff", "\t", "\x7f", "\u202e"]
LOOK_ALIKE = {
    "i": ["\u0131", "\u0456"],
    "s": ["\u017f", "\u0455"],
    "k": ["\u212a"],
    "o": ["\u043e", "\uff4f"],
}


def spoiled(code: str, rng: random.Random) -> str:
    """A code with one invisible character inserted, or one letter swapped for a look-alike."""
    swappable = [i for i, char in enumerate(code) if char.lower() in LOOK_ALIKE]
    if swappable and rng.random() < 0.5:
        position = rng.choice(swappable)
        return code[:position] + rng.choice(LOOK_ALIKE[code[position].lower()]) + code[position + 1 :]
    position = rng.randrange(len(code) + 1)
    return code[:position] + rng.choice(INVISIBLE) + code[position:]


def _policy(actions: list[str], effect: str = "Allow") -> dict[str, object]:
    return {"name": "P", "document": {"Version": "1.1", "Statement": [{"Effect": effect, "Action": actions}]}}


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), as_json=st.booleans())
def test_a_spoiled_allow_grants_nothing_and_says_why(seed, as_json, tmp_path_factory):
    rng = random.Random(seed)
    entry = rng.choice(ENTRIES[AccountType.CUSTOMER])
    actions = [spoiled(code, rng) for code in entry.permissions]
    folder = tmp_path_factory.mktemp("spoiled")
    name = "g.json" if as_json else "g.yaml"
    path = write_grants(folder, name, {"type": "customer", "policies": [_policy(actions)]})
    if as_json:  # JSON escapes keep every character exactly
        path.write_text(json.dumps(json.loads(path.read_text("utf-8"))), encoding="utf-8")
    try:
        grants = load_grants([str(path)])
    except InputError:
        return  # a character YAML itself refuses: an input error is never "callable"
    ref = parse_api(f"{entry.method} /" + "/".join(concrete_segments(entry, rng)))
    report = can_call([ref], grants, TableSet(), EvaluationPolicy())
    (result,) = report.results
    assert not result.callable, (actions, result.decision)
    texts = " ".join(str(notice) for notice in report.notices)
    assert "grants nothing" in texts, texts


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_a_spoiled_deny_still_denies(seed, tmp_path_factory):
    rng = random.Random(seed)
    entry = rng.choice(ENTRIES[AccountType.CUSTOMER])
    code = entry.permissions[0]
    denied = code[:1] + code[1:].replace("o", "\uff4f", 1) if "o" in code[1:] else code + "\u200b"
    folder = tmp_path_factory.mktemp("deny")
    statements = [
        {"Effect": "Allow", "Action": ["bss:*:*"]},
        {"Effect": "Deny", "Action": [rng.choice([denied, f" {code}", f"{code}\u3000"])]},
    ]
    document = {"Version": "1.1", "Statement": statements}
    path = write_grants(
        folder, "g.yaml", {"type": "customer", "policies": [{"name": "P", "document": document}]}
    )
    grants = load_grants([str(path)])
    ref = parse_api(f"{entry.method} /" + "/".join(concrete_segments(entry, rng)))
    report = can_call([ref], grants, TableSet(), EvaluationPolicy())
    (result,) = report.results
    assert result.decision is Decision.EXPLICIT_DENY, statements
    assert any("read generously" in str(notice) for notice in report.notices)


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_a_spoiled_partner_code_grants_nothing_and_says_why(seed, tmp_path_factory):
    rng = random.Random(seed)
    entry = rng.choice(ENTRIES[AccountType.PARTNER])
    codes = [
        code[:position] + rng.choice(INVISIBLE) + code[position:]
        for code in entry.permissions
        for position in [rng.randrange(len(code) + 1)]
    ]
    folder = tmp_path_factory.mktemp("partner")
    path = write_grants(folder, "g.json", {"type": "partner", "roles": [{"name": "R", "actions": codes}]})
    grants = load_grants([str(path)])
    ref = parse_api(f"{entry.method} /" + "/".join(concrete_segments(entry, rng)))
    report = can_call([ref], grants, TableSet(), EvaluationPolicy())
    assert not report.results[0].callable, codes
    assert sum("grants nothing" in str(notice) for notice in report.notices) == len(codes)


def test_quote_round_trip_helper_is_what_clients_send():
    # The generator's encodings are the ones urllib sends for these characters.
    assert quote(".") == "." and encode_some("ab", random.Random(0)) in {"ab", "%61b", "a%62", "%61%62"}
