"""The call styles of projects that wrap BSS themselves: relative paths, request helpers, class
and module constants, holes with a few values, and methods that belong to another request."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permtable.apis import is_placeholder, split_path
from permtable.model import AccountType
from permtable.operations import operation_map
from permtable.scan.paths import PARAM, complete_relative, names_bss, relative_paths
from permtable.scan.python_source import MAX_ALTERNATIVES, scan_python
from permtable.scan.text_source import scan_text
from permtable.scan.wrappers import verb_in_name
from permtable.tables import bundled

BASE = 'BASE = "https://bss.myhuaweicloud.com"\n'
PAY = "/v3/orders/customer-orders/pay"
ORDERS = "/v2/orders/customer-orders"
BALANCES = "/v2/accounts/customer-accounts/balances"
FREEZE = "/v2/partners/sub-customers/freeze"
UNFREEZE = "/v2/partners/sub-customers/unfreeze"


def _python(source: str) -> set[tuple[str | None, str, int]]:
    return {(found.method, found.path, found.line) for found in scan_python(source)}


def _text(source: str, language: str) -> set[tuple[str | None, str, int]]:
    return {(found.method, found.path, found.line) for found in scan_text(source, language)}


# --------------------------------------------------------------------------- helper names


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("get", "GET"),
        ("_post", "POST"),
        ("do_get", "GET"),
        ("_get_json", "GET"),
        ("postJson", "POST"),
        ("httpDelete", "DELETE"),
        ("doPOST", "POST"),
        ("HttpPut", "PUT"),
        ("send_async_patch", "PATCH"),
        # A name with any other word fixes nothing: a getter, a step, a request of any kind.
        ("get_orders", None),
        ("getBssClient", None),
        ("post_process", None),
        ("request", None),
        ("list", None),
        ("get_post", None),
        ("", None),
    ],
)
def test_a_helper_name_fixes_a_method_only_when_it_says_nothing_else(name, method):
    assert verb_in_name(name) == method


# --------------------------------------------------------------------------- relative paths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accounts/customer-accounts/balances", (BALANCES,)),
        ("v2/orders/customer-orders", (ORDERS,)),
        # A tail two versions share is both: the gate checks every one.
        ("orders/customer-orders/pay", ("/v2/orders/customer-orders/pay", PAY)),
        ("v3/orders/customer-orders/pay", (PAY,)),
        # A hole stands for a placeholder, never for a literal segment.
        ("orders/customer-orders/details/\x00", ("/v2/orders/customer-orders/details/{param}",)),
        ("orders/customer-orders/\x00", ()),
        ("accounts/settings/profile", ()),
        ("orders", ()),
        ("v3/accounts/customer-accounts/balances", ()),
        ("orders/customer-orders/../customer-orders", (ORDERS,)),
    ],
)
def test_relative_paths_complete_to_documented_paths(text, expected):
    assert complete_relative(text) == expected


def test_every_documented_path_is_found_from_its_tail():
    paths = {operation.path for operation in operation_map().operations.values()}
    for account_type in AccountType:
        paths.update(entry.path for entry in bundled(account_type).table.entries)
    for path in paths:
        segments = split_path(path)
        if len(segments) < 3 or segments[1] in ("{domain_id}",) or is_placeholder(segments[1]):
            continue
        tail = "/".join(PARAM if is_placeholder(segment) else segment for segment in segments[1:])
        completed = complete_relative(tail)
        named = {"/".join(("", segments[0], *tail.split("/")))}
        assert named & set(completed), (path, completed)


SEGMENTS = [
    "orders",
    "customer-orders",
    "accounts",
    "pay",
    "details",
    "x1",
    "\x00",
    "..",
    "v2",
    "v3",
    "bills",
]


@given(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6))
@settings(max_examples=300)
def test_a_completion_is_always_a_documented_path(parts):
    known = {operation.path for operation in operation_map().operations.values()}
    for account_type in AccountType:
        known.update(entry.path for entry in bundled(account_type).table.entries)
    templates = [split_path(path) for path in known]
    for completed in complete_relative("/".join(parts)):
        segments = split_path(completed)
        assert any(
            len(template) == len(segments)
            and all(
                mine == theirs or is_placeholder(theirs)
                for mine, theirs in zip(segments, template, strict=True)
            )
            for template in templates
        ), completed


def test_absolute_paths_are_not_read_again_as_relative():
    assert relative_paths(ORDERS) == ()
    assert relative_paths("see accounts/customer-accounts/balances") == ()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('service = "bss"', True),
        ("c := v2.NewBssClient(h)", True),
        ("BSS_ENDPOINT = x", True),
        ("def get_bss(): ...", True),
        ("https://bss-intl.myhuaweicloud.com", True),
        ("# routes that look like BSS's", False),
        ("dbss = DbssClient()", False),
        ("DBSS_KEY = 1", False),
    ],
)
def test_what_counts_as_the_code_naming_bss(text, names):
    assert names_bss(text) is names


def test_relative_paths_need_the_file_to_name_bss():
    call = 'c.list(service, "", "accounts/customer-accounts/balances", nil)\n'
    assert _text('const service = "bss"\n' + call, "go") == {(None, BALANCES, 2)}
    assert _text('const service = "shop"\n' + call, "go") == set()
    python = 'x = send("accounts/customer-accounts/balances")\n'
    assert _python('SERVICE = "bss"\n' + python) == {(None, BALANCES, 2)}
    assert _python('SERVICE = "shop"\n' + python) == set()


# --------------------------------------------------------------------------- text: methods


def test_a_method_inside_a_nested_call_belongs_to_that_call():
    source = 'http.get(`${base}/v2/orders/customer-orders`, { headers: sign("POST", token) });\n'
    assert _text(source, "typescript") == {("GET", ORDERS, 1)}
    # At the call's own level it still counts.
    source = 'client.request("POST", `${base}/v3/orders/customer-orders/pay`, { headers: h });\n'
    assert _text(source, "typescript") == {("POST", PAY, 1)}
    # An options object handed to the call holds its method key.
    source = 'fetch(`${base}/v3/orders/customer-orders/pay`, { method: "POST", body });\n'
    assert _text(source, "typescript") == {("POST", PAY, 1)}
    source = 'fetch(`${base}/v2/orders/customer-orders`, { headers: { meta: { method: "POST" } } });\n'
    assert _text(source, "typescript") != {("POST", ORDERS, 1)}


@pytest.mark.parametrize(
    ("definition", "language", "method"),
    [
        (
            'func (c *C) send(path string) error {\n\treturn c.Request("PUT", c.url + path, nil)\n}\n',
            "go",
            "PUT",
        ),
        ("function send(path) {\n  return axios.post(BASE + path);\n}\n", "javascript", "POST"),
        (
            "  private send(path: string): Promise<R> {\n    return this.http.delete<R>(BASE + path);\n  }\n",
            "typescript",
            "DELETE",
        ),
        (
            "  public Response send(String path) throws IOException {\n"
            "    return client.execute(new HttpPost(base + path));\n  }\n",
            "java",
            None,  # `new HttpPost(` is not stated as a method word in the body: not guessed
        ),
        # Two methods in the body: the helper fixes none.
        (
            'func (c *C) send(m, path string) error {\n\tif m == "" {\n'
            '\t\treturn c.Request("GET", path, nil)\n\t}\n\treturn c.Request("POST", path, nil)\n}\n',
            "go",
            None,
        ),
    ],
)
def test_a_helper_defined_in_the_file_lends_its_method(definition, language, method):
    call = 'send("orders/customer-orders", "bss")\n'
    found = _text(definition + call, language)
    line = definition.count("\n") + 1
    assert found == {(method, ORDERS, line)}


def test_a_variable_is_followed_only_within_its_block():
    source = (
        "func a(c *C) {\n"
        '\tpath := c.base + "/v3/orders/customer-orders/pay"\n'
        '\tc.Request("POST", path, nil)\n'
        "}\n"
        "func (c *C) b(path string) {\n"
        '\tc.Request("GET", path, nil)\n'
        "}\n"
    )
    assert _text(source, "go") == {("POST", PAY, 3)}


def test_a_two_way_template_hole_is_both_apis():
    source = 'axios.post(`${base}/v2/partners/sub-customers/${f ? "freeze" : "unfreeze"}`, body);\n'
    assert _text(source, "typescript") == {("POST", FREEZE, 1), ("POST", UNFREEZE, 1)}


# --------------------------------------------------------------------------- Python: helpers


@pytest.mark.parametrize(
    ("helper", "call", "method"),
    [
        # The name fixes it.
        ("", 's._post(BASE + "/v3/orders/customer-orders/pay", {})', "POST"),
        # The body fixes it.
        (
            "def send(s, url):\n    return s.request('POST', url)\n",
            'send(s, BASE + "/v3/orders/customer-orders/pay")',
            "POST",
        ),
        # A default method, overridden or not.
        (
            "def call(s, url, method='GET'):\n    return s.request(method, url)\n",
            'call(s, BASE + "/v3/orders/customer-orders/pay", "POST")',
            "POST",
        ),
        (
            "def call(s, url, method='POST'):\n    return s.request(method, url)\n",
            'call(s, url=BASE + "/v3/orders/customer-orders/pay")',
            "POST",
        ),
        # A method parameter without a default, not given: unknown.
        (
            "def call(s, url, method):\n    return s.request(method, url)\n",
            'call(s, BASE + "/v3/orders/customer-orders/pay", verb)',
            None,
        ),
        # Defined twice: which one runs is not known.
        (
            "def send(s, url):\n    return s.post(url)\n"
            "if X:\n    def send(s, url):\n        return s.get(url)\n",
            'send(s, BASE + "/v3/orders/customer-orders/pay")',
            None,
        ),
        # A method of a class, called through self: self is not an argument.
        (
            "class A:\n    def send(self, path):\n        return self.s.post(BASE + path)\n"
            "    def pay(self):\n        return self.send('/v3/orders/customer-orders/pay')\n",
            "",
            "POST",
        ),
    ],
)
def test_python_helpers_lend_their_method(helper, call, method):
    found = _python(BASE + helper + call + "\n")
    assert {(m, p) for m, p, _ in found} == {(method, PAY)}


# --------------------------------------------------------------------------- Python: values


def test_class_constants_through_self_cls_and_the_class_name():
    source = (
        "class Api:\n"
        '    ROOT = "https://bss.myhuaweicloud.com"\n'
        '    PAY = "/v3/orders/customer-orders/pay"\n'
        "    def __init__(self):\n"
        '        self.orders = self.ROOT + "/v2/orders/customer-orders"\n'
        "    def a(self, s):\n"
        "        return s.post(self.ROOT + self.PAY)\n"
        "    @classmethod\n"
        "    def b(cls, s):\n"
        "        return s.get(cls.ROOT + Api.PAY)\n"
        "    def c(self, s):\n"
        "        return s.get(self.orders)\n"
    )
    assert _python(source) == {("POST", PAY, 7), ("GET", PAY, 10), ("GET", ORDERS, 12)}


def test_a_class_body_name_is_not_visible_bare_in_its_methods():
    source = (
        "class Api:\n"
        '    PAY = "/v3/orders/customer-orders/pay"\n'
        "    def a(self, s):\n"
        "        return s.post(PAY)\n"  # a NameError in Python: not the class's PAY
    )
    assert ("POST", PAY, 4) not in _python(source)


def test_straight_line_code_sees_the_last_binding():
    source = (
        BASE + "def f(s):\n"
        '    url = BASE + "/v2/orders/customer-orders"\n'
        "    s.get(url)\n"
        '    url = BASE + "/v3/orders/customer-orders/pay"\n'
        "    s.post(url)\n"
    )
    assert _python(source) == {("GET", ORDERS, 4), ("POST", PAY, 6)}


def test_a_name_bound_in_branches_is_any_of_its_values():
    source = (
        BASE + "def f(s, frozen):\n"
        "    if frozen:\n"
        '        op = "freeze"\n'
        "    else:\n"
        '        op = "unfreeze"\n'
        '    s.post(f"{BASE}/v2/partners/sub-customers/{op}")\n'
        '    s.post(BASE + "/v2/partners/sub-customers/" + ("freeze" if frozen else "unfreeze"))\n'
        '    for step in ["freeze", "unfreeze"]:\n'
        '        s.post(f"{BASE}/v2/partners/sub-customers/{step}")\n'
    )
    assert _python(source) == {
        (method, path, line) for line in (7, 8, 10) for method, path in (("POST", FREEZE), ("POST", UNFREEZE))
    }


def test_a_value_unknown_in_one_branch_makes_a_hole():
    source = (
        BASE + "def f(s, frozen, other):\n"
        '    op = "freeze"\n'
        "    if frozen:\n"
        "        op = other\n"
        '    s.post(f"{BASE}/v2/partners/sub-customers/{op}")\n'
    )
    assert _python(source) == {("POST", "/v2/partners/sub-customers/{param}", 6)}


def test_too_many_combinations_become_holes():
    holes = "".join(f"/{{'a{i}' if x else 'b{i}'}}" for i in range(5))  # 2**5 > MAX_ALTERNATIVES
    assert 2**5 > MAX_ALTERNATIVES
    found = _python(BASE + f'requests.get(f"{{BASE}}/v2/orders{holes}")\n')
    assert found == {("GET", "/v2/orders/{param}/{param}/{param}/{param}/{param}", 2)}


def test_a_name_built_from_itself_does_not_loop():
    source = BASE + "def f(s):\n    url = BASE + '/v2/orders/customer-orders'\n"
    source += "".join("    url = url + '?a=1'\n" if i % 2 else "    url = url + ''\n" for i in range(30))
    source += "    s.get(url)\n"
    # Found at the call; the literal is not reported again at each line extending it.
    assert _python(source) == {("GET", ORDERS, 34)}
    looping = BASE + "def f(s, c):\n    while c:\n        url = url + '/v2/orders/customer-orders'\n"
    looping += "    s.get(url)\n"
    assert {(m, p) for m, p, _ in _python(looping)} == {("GET", ORDERS)}


def test_long_rebinding_chains_and_branching_names_stay_linear():
    # 300 straight rebindings: each read once (in text order, so never deeper than one step).
    source = BASE + "def f(s):\n    url = BASE + '/v2/orders/customer-orders'\n"
    source += "    url = url + ''\n" * 300 + "    s.get(url)\n"
    assert _python(source) == {("GET", ORDERS, 304)}
    # 40 names, each bound in two branches to the one before: 2**40 paths if read naively.
    chain = BASE + "def f(s, c):\n    a0 = '/v2/orders/customer-orders'\n"
    for i in range(1, 40):
        chain += f"    if c:\n        a{i} = a{i - 1}\n    else:\n        a{i} = a{i - 1} + ''\n"
    chain += "    s.get(BASE + a39)\n"
    assert ("GET", ORDERS) in {(m, p) for m, p, _ in _python(chain)}


def test_a_reader_bug_is_not_passed_off_as_unparsable_python(tmp_path, monkeypatch):
    """A file that parses and then breaks the reader is a bug: it must surface, not become a
    "cannot be parsed as Python" warning (only what ast.parse raises is one)."""
    from permtable.scan import scanner

    (tmp_path / "client.py").write_text(
        'import requests\nrequests.get("/v2/orders/customer-orders")\n', "utf-8"
    )

    def broken(*args, **kwargs):
        raise ValueError("a bug in the reader")

    monkeypatch.setattr(scanner, "scan_python", broken)
    with pytest.raises(ValueError, match="a bug in the reader"):
        scanner.scan_paths([str(tmp_path)])
    # A file ast.parse refuses is still a warning, and read as text.
    (tmp_path / "client.py").write_text('def (:\nrequests.get("/v2/orders/customer-orders")\n', "utf-8")
    monkeypatch.undo()
    report = scanner.scan_paths([str(tmp_path)])
    assert any("read as plain text" in notice.message for notice in report.warnings)
    assert [api.path for api in report.apis] == ["/v2/orders/customer-orders"]
