"""Properties of every loader a user's file or argument reaches: grants, documents, routes, tables.

The contract (permtable/errors.py): whatever a user writes ends in a value or an InputError; any
other exception is a bug, and the CLI turns it into a traceback and exit 3. These properties
throw random structures and random text at the loaders to hold them to it.

The bugs these properties found (explicit tags that do not fit their value, JSON integers past
Python's 4300-digit limit, policy file names no file can have) are fixed; the regression tests
at the end of this module keep them fixed, and the properties accept no other exception.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from pt_helpers import check_input_error

from permtable.apis import (
    METHODS,
    ApiRef,
    is_placeholder,
    iter_api_lines,
    join_segments,
    parse_api,
    path_segments,
    split_path,
)
from permtable.documents import parse_document
from permtable.errors import InputError
from permtable.grants import Effect, Grants, load_grants, load_grants_file
from permtable.model import AccountType, Table
from permtable.nodes import Node
from permtable.router import Router
from permtable.tables import EXPECTED_MODE, bundled, bundled_table_text, table_from_node
from permtable.unmatched import Suggestion

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def _only_input_errors(action: Callable[[], Any], text: str | None = None, json_syntax: bool = False) -> Any:
    """Run ``action``; return its value, or None after an InputError (which must read as one line)."""
    try:
        return action()
    except InputError as error:
        check_input_error(error, None)
        return None


def _check_tree(root: Node, name: str) -> None:
    """A parsed document is Nodes all the way down, each scalar holding a plain value."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        assert isinstance(node, Node), node
        if id(node) in seen:
            continue
        seen.add(id(node))
        assert node.location.file == name
        if node.kind == "map":
            assert isinstance(node.value, dict)
            assert all(isinstance(key, str) for key in node.value)
            stack.extend(node.value.values())
        elif node.kind == "seq":
            assert isinstance(node.value, list)
            stack.extend(node.value)
        elif node.kind == "str":
            assert isinstance(node.value, str), node
        elif node.kind == "null":
            assert node.value is None
        else:
            assert node.kind in ("bool", "int", "float", "other"), node
            assert isinstance(node.value, (str, bool, int, float)), node


# --------------------------------------------------------------------------- (a) grants loader

_KEY_NAMES = [
    "type",
    "account",
    "roles",
    "actions",
    "name",
    "policies",
    "document",
    "file",
    "Version",
    "Statement",
    "Depends",
    "Effect",
    "Action",
    "Condition",
    "Resource",
    "schema",
    "entries",
]
_WORDS = [
    "partner",
    "customer",
    "Partner",
    "1.0",
    "1.1",
    "Allow",
    "Deny",
    "allow",
    "bss:*:*",
    "bss:order:view",
    "BSS:order:pay",
    "bss:bill*:view",
    "*:*:*",
    "bss::view",
    "bss:order",
    "BPC_ITEM_SUBCUSTSERV_010118",
    "BPC_ITEM_FINANCE_090100",
    " BPC_ITEM_SUBCUSTSERV_060100 ",
    "",
    " ",
    "no",
    "yes",
    "~",
    "policy.json",
    "sub/policy.yaml",
    "grants.yaml",
    "missing.json",
    ".",
    "..",
    "/",
]
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(_WORDS),
)
_keys = st.one_of(st.sampled_from(_KEY_NAMES), st.text(max_size=12))
_anything = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=5)),
    max_leaves=20,
)


def _or_anything(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right shape (so deep code is reached), sometimes anything at all."""
    # one_of would pick between the two evenly: weight the right shape 7 to 1.
    return st.integers(0, 7).flatmap(lambda pick: _anything if pick == 0 else strategy)


_VALID_CODES = [
    "bss:*:*",
    "bss:order:view",
    "BSS:order:pay",
    "bss:bill*:view",
    "*:*:*",
    "ecs:server:list",
    "BPC_ITEM_SUBCUSTSERV_010118",
    " BPC_ITEM_SUBCUSTSERV_060100 ",
]
_codes = st.integers(0, 5).flatmap(
    lambda pick: (
        st.sampled_from(_WORDS)
        if pick == 0
        else st.text(max_size=15)
        if pick == 1
        else st.sampled_from(_VALID_CODES)
    )
)
_statement = st.fixed_dictionaries(
    {
        "Effect": _or_anything(st.sampled_from(["Allow", "Deny", "Allow", "Deny", "allow"])),
        "Action": _or_anything(st.one_of(_codes, st.lists(_codes, max_size=4))),
    },
    optional={
        "Condition": _anything,
        "Resource": _anything,
        "Sid": _anything,
    },
)
_document = st.fixed_dictionaries(
    {
        "Version": _or_anything(st.sampled_from(["1.0", "1.1", "1.1", "1.2"])),
        "Statement": _or_anything(st.lists(_statement, max_size=3)),
    },
    optional={"Depends": _anything},
)
_policy_file = st.one_of(
    st.sampled_from(["policy.json", "sub/policy.yaml", "a\x00b.json", "\ud800.json"]),
    st.sampled_from(_WORDS),
    st.text(max_size=15),
)
_policy_item = st.one_of(
    st.fixed_dictionaries({"document": _or_anything(_document)}, optional={"name": _anything}),
    st.fixed_dictionaries({"file": _or_anything(_policy_file)}, optional={"name": _anything}),
    st.fixed_dictionaries({}, optional={"name": _anything, "document": _anything, "file": _anything}),
)
_role = st.fixed_dictionaries(
    {
        "name": _or_anything(st.text(min_size=1, max_size=15)),
        "actions": _or_anything(st.lists(_codes, max_size=4)),
    }
)
_grants_shaped = st.one_of(
    st.fixed_dictionaries(
        {"type": _or_anything(st.just("partner")), "roles": _or_anything(st.lists(_role, max_size=3))},
        optional={
            "account": _or_anything(st.text(max_size=15)),
            "actions": _or_anything(st.lists(_codes, max_size=4)),
        },
    ),
    st.fixed_dictionaries(
        {
            "type": _or_anything(st.just("customer")),
            "policies": _or_anything(st.lists(_policy_item, max_size=3)),
        },
        optional={"account": _or_anything(st.text(max_size=15))},
    ),
    _document,
)
_grants_data = st.one_of(_grants_shaped, _grants_shaped, _anything)


@pytest.fixture(scope="module")
def grants_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory whose policy files the generated grants may reference by name."""
    directory = tmp_path_factory.mktemp("grants")
    policy = {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["bss:order:view"]}]}
    (directory / "policy.json").write_text(json.dumps(policy), encoding="utf-8")
    (directory / "sub").mkdir()
    (directory / "sub" / "policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    return directory


def _dump_yaml(data: Any, unicode: bool) -> str:
    return yaml.safe_dump(data, allow_unicode=unicode, sort_keys=False)


def _dump_json(data: Any, indent: int | str | None) -> str:
    return json.dumps(data, indent=indent, ensure_ascii=indent is None)


def _check_grants(grants: Grants) -> None:
    assert grants.account_type in (AccountType.PARTNER, AccountType.CUSTOMER)
    assert isinstance(grants.account, str)
    for role in grants.roles:
        assert isinstance(role.name, str)
        assert all(isinstance(action, str) for action in role.actions), role
    for policy in grants.policies:
        assert isinstance(policy.name, str) and policy.version in ("1.0", "1.1")
        for statement in policy.statements:
            assert statement.effect in (Effect.ALLOW, Effect.DENY)
            assert all(isinstance(pattern.text, str) for pattern in statement.actions), statement
            assert statement.condition is None or isinstance(statement.condition, str)
    if grants.account_type is AccountType.PARTNER:
        assert not grants.policies
    else:
        assert not grants.roles
    for notice in grants.notices:
        assert "\n" not in str(notice)


def _summary(grants: Grants | None) -> object:
    """What a grants file means, without positions (which differ between YAML and JSON)."""
    if grants is None:
        return None
    return (
        grants.account_type,
        grants.account,
        [(role.name, role.actions) for role in grants.roles],
        [
            (
                policy.name,
                policy.version,
                [(s.effect, [p.text for p in s.actions], s.condition is None) for s in policy.statements],
            )
            for policy in grants.policies
        ],
    )


@PROPERTY
@given(
    data=_grants_data,
    unicode=st.booleans(),
    indent=st.sampled_from([None, 2, "\t"]),
)
@example(
    data={"type": "partner", "roles": [{"name": "r", "actions": ["BPC_ITEM_X"]}]}, unicode=True, indent=2
)
@example(
    data={"type": "customer", "policies": [{"file": "policy.json"}, {"file": "sub/policy.yaml"}]},
    unicode=False,
    indent=None,
)
@example(
    data={"type": "customer", "policies": [{"file": "a\x00b.json"}]}, unicode=True, indent=None
)  # was BUG-3
def test_grants_loader_returns_grants_or_input_error(grants_dir, data, unicode, indent):
    """Any structure as a YAML or JSON grants file: Grants with string actions, or InputError.

    The same structure written both ways means the same grants (or is refused both ways)."""
    yaml_path = grants_dir / "grants.yaml"
    json_path = grants_dir / "grants.json"
    yaml_path.write_text(_dump_yaml(data, unicode), encoding="utf-8")
    json_path.write_text(_dump_json(data, indent), encoding="utf-8")

    from_yaml = _only_input_errors(lambda: load_grants_file(str(yaml_path)))
    from_json = _only_input_errors(lambda: load_grants([str(json_path)]))
    for grants in (from_yaml, from_json):
        if grants is not None:
            _check_grants(grants)
    event(f"loaded: yaml={from_yaml is not None} json={from_json is not None}")
    # Both files are named grants.*, so the default account name (the stem) agrees too.
    assert _summary(from_yaml) == _summary(from_json)
    if from_yaml is not None and from_json is not None:
        merged = load_grants([str(yaml_path), str(json_path)])
        _check_grants(merged)
        assert merged.roles == from_yaml.roles + from_json.roles


# --------------------------------------------------------------------------- (b) documents

_YAML_TOKENS = [
    "\n",
    "\n  ",
    "\t",
    " ",
    "- ",
    ": ",
    ":",
    "? ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "&b",
    "*b",
    "!!str ",
    "!!int ",
    "!!map ",
    "!!seq ",
    "!!null ",
    "!!binary ",
    "!!python/object:os.system ",
    "!<tag:yaml.org,2002:str> ",
    "!local ",
    "<<: ",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "---\n",
    "...\n",
    "#",
    "|\n",
    ">-\n",
    '"',
    "'",
    '"\\u0041"',
    '"\\ud800"',
    '"\\x00"',
    "\\",
    "key",
    "type",
    "Statement",
    "no",
    "1e5",
    "0x1F",
    "1_000",
    "0o17",
    "1:30",
    ".nan",
    "2001-12-14",
    "null",
    "~",
    "9" * 30,
    "é",
    "中文",
    "\u2028",
    "\x85",
    "\x00",
    "\x1b",
    "\ufeff",
    "\U0001f600",
]
_JSON_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    '"a"',
    '"type"',
    '"\\u0000"',
    '"\\ud83d\\ude00"',
    '"\\ud800"',
    '"\\/"',
    '"\\t"',
    "\t",
    "\n",
    " ",
    "1",
    "-0",
    "1.5e300",
    "1e999",
    "NaN",
    "Infinity",
    "true",
    "null",
    '"' + "k" * 1100 + '"',
    "9" * 40,
]


def _joined(tokens: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(tokens), st.text(max_size=5))
    return st.lists(piece, max_size=25).map("".join)


# Flow-style YAML from a small grammar, with tags, anchors and aliases in front of any node:
# random token soup is rarely well-formed enough to reach the converter.
_flow_scalar = st.one_of(
    st.sampled_from(["a", "b", "1", "no", "~", "1.5", "0x1F", "2001-12-14", '"q"', "''", "type", "*a"]),
    st.text(alphabet="abc019 é中", min_size=1, max_size=4).map(lambda t: t.strip() or "x"),
)
_PREFIXES = ["!!str ", "!!map ", "!!seq ", "!!int ", "!!float ", "!!null ", "!!bool ", "!!set ", "!!omap "]


@st.composite
def _flow_node(draw: st.DrawFn, depth: int = 0) -> str:
    """One flow-style node; about one in three carries a tag or an anchor in front."""
    shape = draw(st.sampled_from(["scalar", "scalar", "list", "map"] if depth < 3 else ["scalar"]))
    if shape == "list":
        body = "[" + ", ".join(draw(st.lists(_flow_node(depth + 1), max_size=3))) + "]"
    elif shape == "map":
        pairs = draw(st.lists(st.tuples(_flow_node(depth + 1), _flow_node(depth + 1)), max_size=3))
        body = "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"
    else:
        body = draw(_flow_scalar)
    prefix = draw(st.sampled_from([*_PREFIXES, "&a ", "&b ", "", "", "", "", "", "", "", "", "", ""]))
    return prefix + body


_flow_yaml = _flow_node()


@st.composite
def _spliced_yaml(draw: st.DrawFn) -> str:
    """A dumped random structure with tokens spliced in at random places."""
    text = yaml.safe_dump(draw(_anything), allow_unicode=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.one_of(st.sampled_from(_YAML_TOKENS), _flow_yaml)) + text[at:]
    return text


@PROPERTY
@given(
    text=st.sampled_from(["text", "yaml-soup", "json-soup", "flow", "flow", "spliced"]).flatmap(
        lambda kind: {
            "text": st.text(),
            "yaml-soup": _joined(_YAML_TOKENS),
            "json-soup": _joined(_JSON_TOKENS),
            "flow": _flow_yaml,
            "spliced": _spliced_yaml(),
        }[kind]
    ),
    json_syntax=st.booleans(),
)
@example(text="a: 1\n", json_syntax=False)
@example(text='{"a": [1, {"b": null}]}', json_syntax=True)
@example(text="&a [*a]", json_syntax=False)
@example(text="!!map 0", json_syntax=False)  # was BUG-1
@example(text="{!!str [a]: 1}", json_syntax=False)  # was BUG-1
def test_parse_document_returns_nodes_or_input_error(text, json_syntax):
    """Random text, YAML or JSON: a well-formed Node tree, or one InputError naming the file."""
    name = "doc.json" if json_syntax else "doc.yaml"
    try:
        root = parse_document(text, name, json_syntax=json_syntax)
    except InputError as error:
        check_input_error(error, name)
        return
    _check_tree(root, name)


# --------------------------------------------------------------------------- (c) router

_TABLE_SEGMENTS = sorted(
    {s for kind in AccountType for e in bundled(kind).table.entries for s in split_path(e.path)}
)
_segment = st.one_of(
    st.sampled_from(_TABLE_SEGMENTS),
    st.sampled_from(
        ["{x}", "{order_id}", "**", "*", "%2F", "a%2Fb", "%7Bx%7D", "{", "}", "{}", "..", ".", "中文"]
    ),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="?#/"
        ),
        min_size=1,
        max_size=8,
    ),
)
_api_text = st.builds(
    lambda method, segments: f"{method} /" + "/".join(segments),
    st.sampled_from([*sorted(METHODS), "get", "Post", "delete"]),
    st.lists(_segment, min_size=1, max_size=8),
)


def _template_matches(template: str, method: str, ref: ApiRef) -> bool:
    """Brute force: literal segments equal, a placeholder takes any one, a final ** the rest."""
    if method != ref.method:
        return False
    parts = split_path(template)
    given_segments = ref.segments
    if parts and parts[-1] == "**":
        parts = parts[:-1]
        given_segments = given_segments[: len(parts)] if len(given_segments) >= len(parts) else ()
        if len(ref.segments) < len(parts):
            return False
    if len(given_segments) != len(parts):
        return False
    return all(is_placeholder(t) or t == g for t, g in zip(parts, given_segments, strict=True))


@PROPERTY
@given(text=_api_text)
@example(text="GET /v2/orders/customer-orders/details/{order_id}")
@example(text="POST /v2/orders/subscriptions/resources/autorenew/%2F/**")
def test_router_resolves_deterministically_and_agrees_with_brute_force(text):
    """Any API: resolve is deterministic (same answer twice, and from a freshly built router),
    agrees with a brute-force template match, and suggestions never raise."""
    try:
        ref = parse_api(text)
    except InputError:
        ref = None
    assume(ref is not None)
    assert ref is not None
    for kind in AccountType:
        indexed = bundled(kind)
        entry = indexed.router.resolve(ref)
        assert indexed.router.resolve(ref) is entry
        assert Router(indexed.table).resolve(ref) is entry
        matching = [e for e in indexed.table.entries if _template_matches(e.path, e.method, ref)]
        if entry is None:
            assert not matching, (ref.api, [e.api for e in matching])
        else:
            assert entry in matching, (ref.api, entry.api)
        suggestions = indexed.router.suggestions(ref)
        assert all(isinstance(s, Suggestion) and s.entry in indexed.table.entries for s in suggestions)
        assert len({s.entry.index for s in suggestions}) == len(suggestions)
        assert all("\n" not in s.reason for s in suggestions)
        assert indexed.router.suggestions(ref) == suggestions


@PROPERTY
@given(text=st.lists(st.one_of(_api_text, st.text(max_size=30), st.just("# c")), max_size=5).map("\n".join))
def test_api_lists_yield_refs_or_one_input_error(text):
    refs = _only_input_errors(lambda: list(iter_api_lines(text, "apis.txt")))
    for ref in refs or []:
        assert ref.location is not None and ref.location.file == "apis.txt"
        assert ref.path == join_segments(ref.segments)
        assert path_segments(ref.path) == ref.segments  # the path is the wire form of its segments


# --------------------------------------------------------------------------- (d) table loader

_BUNDLED_DATA = {kind: yaml.safe_load(bundled_table_text(kind)) for kind in AccountType}
_table_scalars = st.one_of(
    _scalars,
    st.sampled_from(
        [
            *sorted(METHODS),
            "get",
            "/v2/x/{y}",
            "/v2/x/**",
            "/a/**/b",
            "/a/{b",
            "//a",
            "/a/",
            "a",
            "/v2/orders/customer-orders",
            "BPC_ITEM_X",
            "bss:order:view",
            "any",
            "all",
            "partner",
            "customer",
            "en",
            "zh",
            1,
            2,
        ]
    ),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@st.composite
def _mutated_table(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(list(AccountType)))
    data = copy.deepcopy(_BUNDLED_DATA[kind])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))))
        mutation = draw(st.sampled_from(["drop", "retype", "scalar", "duplicate", "add-key"]))
        if mutation == "duplicate":
            entries = data.get("entries") if isinstance(data, dict) else None
            if isinstance(entries, list) and entries:
                item = copy.deepcopy(draw(st.sampled_from(entries)))
                if isinstance(item, dict) and draw(st.booleans()):
                    item["method"] = draw(st.sampled_from(sorted(METHODS)))  # sometimes no longer a duplicate
                entries.insert(draw(st.integers(0, len(entries))), item)
            continue
        if not path:
            if mutation in ("retype", "scalar"):
                data = draw(_table_scalars) if mutation == "scalar" else [data]
            continue
        parent, last = _get(data, path[:-1]), path[-1]
        value = parent[last]
        if mutation == "drop":
            del parent[last]
        elif mutation == "retype":
            parent[last] = draw(
                st.sampled_from([[value], {"x": value}, str(value), None, 1, True, 1.5, [], {}])
            )
        elif mutation == "scalar":
            parent[last] = draw(_table_scalars)
        elif isinstance(value, dict):
            value[draw(_keys)] = draw(_table_scalars)
    return data


def _check_table(table: Table) -> None:
    assert table.account_type in (AccountType.PARTNER, AccountType.CUSTOMER)
    assert table.mode is EXPECTED_MODE[table.account_type]
    assert table.entries
    assert set(table.permissions) == {code for e in table.entries for code in e.permissions}
    router = Router(table)
    for index, entry in enumerate(table.entries, 1):
        assert entry.index == index and entry.table is table.account_type
        assert entry.method in METHODS
        assert entry.path.startswith("/") and entry.path == "/" + "/".join(split_path(entry.path))
        assert entry.permissions and all(isinstance(code, str) and code for code in entry.permissions)
        for text in (entry.scenario, entry.sub_scenario, entry.description):
            assert text and all(v is None or isinstance(v, str) for v in (text.en, text.zh))
        try:
            ref = parse_api(entry.api)
        except InputError:
            continue  # a path the parser normalises differently (spaces, %xx): not a table bug
        if ref.path == entry.path:
            assert router.resolve(ref) is not None, entry.api


@PROPERTY
@given(data=_mutated_table(), as_json=st.booleans())
def test_mutated_tables_load_or_raise_input_error(data, as_json):
    """The bundled tables with keys dropped, types changed, entries duplicated, values replaced:
    a valid Table or an InputError, never anything else."""
    text = json.dumps(data, ensure_ascii=False) if as_json else yaml.safe_dump(data, allow_unicode=True)
    name = "table.json" if as_json else "table.yaml"
    table = _only_input_errors(lambda: table_from_node(parse_document(text, name, as_json), name))
    event(f"loaded={table is not None}")
    if table is not None:
        _check_table(table)


def test_unmutated_bundled_tables_pass_the_table_checks():
    for kind in AccountType:
        text = yaml.safe_dump(_BUNDLED_DATA[kind], allow_unicode=True)
        _check_table(table_from_node(parse_document(text, "t.yaml"), "t.yaml"))


# --------------------------------------------------------------------------- regressions (bugs)


def _assert_only_input_error(action: Callable[[], Any]) -> None:
    """The contract: a value or an InputError; any other exception propagates and fails."""
    try:
        action()
    except InputError as error:
        check_input_error(error, None)


@pytest.mark.parametrize(
    "text",
    [
        "{!!str [a]: 1}",  # TypeError: unhashable type: 'list' (_mapping: key in result)
        "? !!str {a: b}\n: 1",  # TypeError: unhashable type: 'list'
        "!!map 0",  # ValueError: not enough values to unpack (the scalar read as key-value pairs)
        "a: !!map x",  # ValueError: not enough values to unpack
        "!!seq ab",  # AttributeError: 'str' object has no attribute 'start_mark'
    ],
)
def test_bug1_collection_tags_on_scalars_and_str_tagged_keys_crash_the_parser(text):
    _assert_only_input_error(lambda: parse_document(text, "doc.yaml"))


def test_bug1_collection_tag_on_a_scalar_in_a_grants_file(tmp_path):
    path = tmp_path / "grants.yaml"
    path.write_text("type: !!map partner\nroles: []\n", encoding="utf-8")
    _assert_only_input_error(lambda: load_grants_file(str(path)))


# Found by these properties and fixed in documents.py (the converter now checks the node's shape
# against its tag) while this module was written: keep them fixed.
@pytest.mark.parametrize(
    "text",
    [
        "a: !!map [1, 2]",
        "a: !!seq {b: 1}",
        "!!int [1]",
        "a: !!str [1]",
        "a: !!str {b: c}",
        "a: !!float [1]",
        "a: !!null [1]",
    ],
)
def test_scalar_tags_on_collections_are_input_errors(text):
    with pytest.raises(InputError, match="tag") as caught:
        parse_document(text, "doc.yaml")
    check_input_error(caught.value, "doc.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "type: !!str [partner]\nroles: []\n",
        "type: partner\naccount: !!str {a: b}\nactions: [X]\n",
        "type: partner\nactions: [!!str [a]]\n",
        'Version: "1.1"\nStatement: [{Effect: !!str [Allow], Action: "bss:*:*"}]\n',
    ],
)
def test_str_tagged_lists_in_grants_files_are_input_errors(tmp_path, text):
    path = tmp_path / "grants.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_grants_file(str(path))
    check_input_error(caught.value, "grants.yaml")


def test_str_tagged_list_in_a_table_is_an_input_error():
    text = bundled_table_text(AccountType.PARTNER).replace('method: "POST"', "method: !!str [POST]", 1)
    with pytest.raises(InputError, match="tag"):
        table_from_node(parse_document(text, "t.yaml"), "t.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "1" * 4301,
        '{"a": ' + "9" * 5000 + "}",
        '{"Version": "1.1", "Statement": [], "x": -' + "1" * 4400 + "}",
    ],
    ids=["bare", "in-a-mapping", "negative"],
)
def test_bug2_json_integers_over_the_digit_limit(text):
    _assert_only_input_error(lambda: parse_document(text, "doc.json", json_syntax=True))


def test_bug2_grants_file_with_a_huge_json_integer(tmp_path):
    path = tmp_path / "policy.json"
    big = "9" * 5000
    path.write_text(
        '{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "bss:*:*", '
        f'"Condition": {{"NumericLessThan": {{"x": {big}}}}}}}]}}',
        encoding="utf-8",
    )
    # Read now, as YAML read it (the digits kept as written): the Condition still cannot be
    # settled offline, so the Allow it restricts is conditional, never a plain grant.
    (statement,) = load_grants_file(str(path)).policies[0].statements
    assert statement.conditional and big in (statement.condition or "")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("grants.yaml", 'type: customer\npolicies:\n  - file: "a\\0b.json"\n'),
        ("grants.json", '{"type": "customer", "policies": [{"file": "a\\u0000b.json"}]}'),
        ("grants.json", '{"type": "customer", "policies": [{"file": "\\ud800.json"}]}'),
    ],
    ids=["yaml-nul", "json-nul", "json-lone-surrogate"],
)
def test_bug3_policy_file_paths_python_cannot_open(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _assert_only_input_error(lambda: load_grants_file(str(path)))
