"""Bad input never prints a traceback: exit 2, one line on stderr naming the place, nothing on stdout.

Each case is (files to create, command line, kind, texts the message must contain). ``{dir}``
in arguments and expected texts stands for the case's temporary directory. ``input`` errors
are bsscheck's own (``bsscheck: error: FILE:LINE:COL: ...``, exactly one line); ``usage``
errors are click's (``Usage: ...`` and ``Error: ...``), also exit 2.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARTNER_GRANTS = "samples/partner-grants.yaml"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"

PARTNER_OK = "type: partner\nactions: [BPC_ITEM_SUBCUSTSERV_010118]\n"


def _customer(statement: str, version: str = '"1.1"') -> str:
    return (
        "type: customer\n"
        "policies:\n"
        "  - name: p\n"
        "    document:\n"
        f"      Version: {version}\n"
        "      Statement:\n"
        f"{statement}"
    )


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    expect: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    kind: str = "input"
    stdin: str | None = None
    dirs: tuple[str, ...] = ()


CASES = [
    Case(
        "missing grants file",
        ("can-call", "-g", "{dir}/missing.yaml", "GET /x"),
        ("{dir}/missing.yaml", "no such file"),
    ),
    Case(
        "directory as grants",
        ("can-call", "-g", "{dir}/adir", "GET /x"),
        ("adir", "is a directory"),
        dirs=("adir",),
    ),
    Case(
        "YAML syntax error",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:4:2:", "invalid YAML"),
        files={
            "g.yaml": "type: partner\nactions:\n  - BPC_ITEM_SUBCUSTSERV_010118\n"
            " - BPC_ITEM_SUBCUSTSERV_010119\n"
        },
    ),
    Case(
        "unclosed flow list",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:3:", "invalid YAML"),
        files={"g.yaml": "type: partner\nactions: [a, b\nroles: []\n"},
    ),
    Case(
        "tab indentation",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:3:1:", "tabs"),
        files={"g.yaml": "type: partner\nactions:\n\t- BPC_ITEM_SUBCUSTSERV_010118\n"},
    ),
    Case(
        "duplicate key",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:3:1:", "duplicate key 'account'", "line 2"),
        files={"g.yaml": "type: partner\naccount: a\naccount: b\nactions: [BPC_ITEM_SUBCUSTSERV_010118]\n"},
    ),
    Case(
        "unquoted no as an action",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:9:15:", "must be a string", "quote it"),
        files={"g.yaml": _customer("        - Effect: Allow\n          Action:\n            - no\n")},
    ),
    Case(
        "unquoted no as a partner action",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:2:11:", "must be a string"),
        files={"g.yaml": "type: partner\nactions: [no]\n"},
    ),
    Case(
        "Effect allow in lower case",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:7:19:", '"Allow"', 'write "Allow"'),
        files={"g.yaml": _customer('        - Effect: allow\n          Action: ["bss:order:view"]\n')},
    ),
    Case(
        "unknown top-level key",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:2:", "rolez", "did you mean 'roles'?"),
        files={"g.yaml": "type: partner\nrolez: []\nactions: [BPC_ITEM_SUBCUSTSERV_010118]\n"},
    ),
    Case(
        "unknown statement key",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:8:", "Actions"),
        files={"g.yaml": _customer('        - Effect: Allow\n          Actions: ["bss:order:view"]\n')},
    ),
    Case(
        "unknown account type",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:1:7:", "reseller"),
        files={"g.yaml": "type: reseller\nactions: [BPC_ITEM_SUBCUSTSERV_010118]\n"},
    ),
    Case(
        "grants file is a list",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:1:1:", "mapping"),
        files={"g.yaml": "- type: partner\n"},
    ),
    Case(
        "unsupported policy Version",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:5:16:", "1.2"),
        files={
            "g.yaml": _customer('        - Effect: Allow\n          Action: ["bss:order:view"]\n', '"1.2"')
        },
    ),
    Case(
        "action without three segments",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:", "bss:order", "service:resource:action"),
        files={"g.yaml": _customer('        - Effect: Allow\n          Action: ["bss:order"]\n')},
    ),
    Case(
        "YAML tag",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:2:", "tag"),
        files={"g.yaml": "type: partner\nactions: !!python/object:os.system [BPC_ITEM_SUBCUSTSERV_010118]\n"},
    ),
    Case(
        "policy file that does not exist",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("nope.json", "no such file"),
        files={"g.yaml": "type: customer\npolicies:\n  - name: p\n    file: nope.json\n"},
    ),
    Case(
        "partner and customer grants together",
        ("can-call", "-g", PARTNER_GRANTS, "-g", CUSTOMER_GRANTS, "GET /x"),
        ("samples/customer-grants.yaml", "customer grants file", "samples/partner-grants.yaml is partner"),
    ),
    Case(
        "bad line in an --apis file",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "{dir}/apis.txt"),
        ("{dir}/apis.txt:3:1:", "'this is not an api' is not an API"),
        files={"apis.txt": "# list\nGET /v2/orders/customer-orders\nthis is not an api\n"},
    ),
    Case(
        "trailing text on an --apis line",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "{dir}/apis.txt"),
        ("{dir}/apis.txt:1:1:", "unexpected text after the path"),
        files={"apis.txt": "GET /v2/orders/customer-orders extra words\n"},
    ),
    Case(
        "bad line on standard input",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "-"),
        ("<stdin>:2:1:", "FETCH"),
        stdin="GET /v2/orders/customer-orders\nFETCH /x\n",
    ),
    Case(
        "FETCH method argument",
        ("can-call", "-g", PARTNER_GRANTS, "FETCH /x"),
        ("<argument 1>", "unknown HTTP method 'FETCH'"),
    ),
    Case(
        "second argument is bad",
        ("can-call", "-g", PARTNER_GRANTS, "GET /x", "/v2/orders"),
        ("<argument 2>", "no HTTP method"),
    ),
    Case("method without a path", ("can-call", "-g", PARTNER_GRANTS, "GET"), ("<argument 1>", "has no path")),
    Case("empty API argument", ("can-call", "-g", PARTNER_GRANTS, " "), ("<argument 1>", "empty API name")),
    Case("no APIs given", ("can-call", "-g", PARTNER_GRANTS), ("no APIs to check",)),
    Case(
        "--apis file with only comments",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "{dir}/apis.txt"),
        ("apis.txt", "the API list has no APIs"),
        files={"apis.txt": "# nothing yet\n\n"},
    ),
    Case(
        "empty standard input",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "-"),
        ("<stdin>", "the API list has no APIs"),
        stdin="",
    ),
    Case(
        "missing --apis file",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "{dir}/nope.txt"),
        ("{dir}/nope.txt", "no such file"),
    ),
    Case(
        "unknown --format",
        ("can-call", "-g", PARTNER_GRANTS, "--format", "xml", "GET /x"),
        ("--format", "xml"),
        kind="usage",
    ),
    Case("unknown --lang", ("apis", "--lang", "fr"), ("--lang", "fr"), kind="usage"),
    Case("unknown --type", ("apis", "--type", "reseller"), ("--type",), kind="usage"),
    Case("missing -g", ("can-call", "GET /x"), ("--grants",), kind="usage"),
    Case("missing -g for missing-perms", ("missing-perms",), ("--grants",), kind="usage"),
    Case("explain without a target", ("explain",), ("TARGET",), kind="usage"),
    Case("unknown command", ("can-cal", "-g", PARTNER_GRANTS), ("can-cal",), kind="usage"),
    Case(
        "unknown option",
        ("can-call", "-g", PARTNER_GRANTS, "--stricter", "GET /x"),
        ("--stricter",),
        kind="usage",
    ),
    Case(
        "bad --table file",
        ("can-call", "-g", PARTNER_GRANTS, "--table", "{dir}/t.yaml", "GET /x"),
        ("{dir}/t.yaml:1:1:", "missing the required key 'mode'"),
        files={"t.yaml": "schema: 1\ntype: partner\n"},
    ),
    Case(
        "--table with the wrong mode",
        ("apis", "--table", "{dir}/t.yaml"),
        ("{dir}/t.yaml:3:7:", "mode"),
        files={"t.yaml": "schema: 1\ntype: customer\nmode: any\nsource: {}\nentries: []\n"},
    ),
    Case(
        "two tables of one type",
        ("apis", "--table", "permtable/data/partner.yaml", "--table", "permtable/data/partner.yaml"),
        ("second partner table",),
    ),
    Case("missing --table file", ("apis", "--table", "{dir}/nope.yaml"), ("{dir}/nope.yaml", "no such file")),
    Case(
        "empty grants file",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml", "empty"),
        files={"g.yaml": ""},
    ),
    Case(
        "grants file with only comments",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml", "empty"),
        files={"g.yaml": "# nothing here yet\n"},
    ),
    Case(
        "JSON with a trailing comma",
        ("can-call", "-g", "{dir}/p.json", "GET /x"),
        ("{dir}/p.json:4:", "invalid JSON", "trailing comma"),
        files={
            "p.json": '{\n  "Version": "1.1",\n  "Statement": [\n'
            '    {"Effect": "Allow", "Action": ["bss:order:view"],}\n  ]\n}\n'
        },
    ),
    Case(
        "binary grants file",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml", "binary"),
        files={"g.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"},
    ),
    Case(
        "Latin-1 grants file",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml:2:", "UTF-8"),
        files={"g.yaml": b"type: partner\naccount: caf\xe9\nactions: [BPC_ITEM_SUBCUSTSERV_010118]\n"},
    ),
    Case(
        "UTF-16 grants file",
        ("can-call", "-g", "{dir}/g.yaml", "GET /x"),
        ("{dir}/g.yaml", "UTF-16"),
        files={"g.yaml": PARTNER_OK.encode("utf-16")},
    ),
    Case(
        "binary --apis file",
        ("can-call", "-g", PARTNER_GRANTS, "--apis", "{dir}/apis.txt"),
        ("{dir}/apis.txt", "binary"),
        files={"apis.txt": b"GET /x\n\x00\x01\x02"},
    ),
    Case(
        "bad grants for missing-perms",
        ("missing-perms", "-g", "{dir}/g.yaml"),
        ("{dir}/g.yaml:3:1:", "duplicate"),
        files={"g.yaml": "type: partner\nactions: [BPC_ITEM_SUBCUSTSERV_010118]\nactions: []\n"},
    ),
    Case(
        "bad grants for explain",
        ("explain", "GET /v2/orders/customer-orders", "-g", "{dir}/g.yaml"),
        ("{dir}/g.yaml", "empty"),
        files={"g.yaml": "\n"},
    ),
    Case(
        "--type contradicting the grants",
        ("explain", "GET /x", "--type", "customer", "-g", PARTNER_GRANTS),
        ("contradicts",),
    ),
]


def _materialise(case: Case, directory: Path) -> tuple[list[str], list[str]]:
    for name in case.dirs:
        (directory / name).mkdir()
    for name, content in case.files.items():
        target = directory / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    args = [arg.replace("{dir}", str(directory)) for arg in case.args]
    expect = [text.replace("{dir}", str(directory)) for text in case.expect]
    return args, expect


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_exits_2_with_one_clear_message(run_cli, tmp_path: Path, case: Case):
    args, expect = _materialise(case, tmp_path)
    out = run_cli(*args, input=case.stdin)
    assert out.code == 2, out
    assert out.stdout == "", "nothing on stdout when nothing was decided"
    assert "Traceback" not in out.stderr
    if case.kind == "input":
        assert len(out.stderr_lines) == 1, out
        line = out.stderr_lines[0]
        assert line.startswith("bsscheck: error: "), out
        assert len(line) > len("bsscheck: error: ") + 5
    else:
        assert "Usage: bsscheck" in out.stderr, out
        assert "Error:" in out.stderr, out
    for text in expect:
        assert text in out.stderr, f"{text!r} missing from: {out.stderr}"


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_errors_are_the_same_in_every_format(run_cli, fmt):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "FETCH /x", "--format", fmt)
    assert out.code == 2 and out.stdout == ""
    assert out.stderr_lines == [
        "bsscheck: error: <argument 1>: unknown HTTP method 'FETCH' "
        "(hint: use one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT)"
    ]


def test_bare_command_shows_help_on_stderr_and_exits_2(run_cli):
    out = run_cli()
    assert out.code == 2, out
    assert out.stdout == ""
    assert "Usage: bsscheck" in out.stderr
    for name in ("can-call", "missing-perms", "explain", "apis"):
        assert name in out.stderr


def test_help_and_version_exit_0_on_stdout(run_cli):
    out = run_cli("--help")
    assert out.code == 0 and "Usage: bsscheck" in out.stdout and out.stderr == ""
    for name in ("can-call", "missing-perms", "explain", "apis"):
        sub = run_cli(name, "--help")
        assert sub.code == 0, sub
        assert f"Usage: bsscheck {name}" in sub.stdout
        assert "Exit:" in sub.stdout
    version = run_cli("--version")
    assert version.code == 0 and version.stdout.startswith("bsscheck, version ")


def test_warning_does_not_precede_an_error_on_stdout(run_cli):
    # The sample customer grants carry a system-role warning; the bad API still wins with exit 2.
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "FETCH /x", "--format", "json")
    assert out.code == 2 and out.stdout == ""
    assert any(line.startswith("bsscheck: error: ") for line in out.stderr_lines)


# --------------------------------------------------------------------------- real processes


@pytest.mark.parametrize(
    "args",
    [
        ("can-call", "-g", "no/such/grants.yaml", "GET /x"),
        ("can-call", "-g", PARTNER_GRANTS, "FETCH /x"),
        ("explain", "hello"),
        ("can-call", "-g", PARTNER_GRANTS, "--format", "xml", "GET /x"),
    ],
    ids=["missing-file", "bad-method", "garbage-target", "bad-format"],
)
def test_python_m_cli_errors_have_no_traceback(run_subprocess, args):
    done = run_subprocess(*args)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert done.stdout == b""
    assert "Traceback" not in stderr
    assert stderr.strip()


def test_python_m_cli_yaml_error_is_one_line(run_subprocess, tmp_path: Path):
    grants = tmp_path / "g.yaml"
    grants.write_text("type: partner\naccount: a\naccount: b\nactions: []\n", encoding="utf-8")
    done = run_subprocess("missing-perms", "-g", str(grants))
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2
    assert stderr.splitlines() == [
        f"bsscheck: error: {grants}:3:1: duplicate key 'account' (first at line 2) "
        "(hint: each key may appear once; merge the two values)"
    ]


def test_python_m_cli_runs_the_samples(run_subprocess):
    done = run_subprocess(
        "can-call", "-g", PARTNER_GRANTS, "--apis", "samples/partner-apis.txt", "--format", "json"
    )
    assert done.returncode == 1, done.stderr
    record = json.loads(done.stdout.decode("utf-8"))
    assert record["summary"]["not_callable"] == 1
    assert b"Traceback" not in done.stderr
    ok = run_subprocess("can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders")
    assert ok.returncode == 0, ok.stderr
    assert b"allowed" in ok.stdout


def test_python_m_cli_reads_apis_from_a_pipe(run_subprocess):
    done = run_subprocess(
        "can-call",
        "-g",
        PARTNER_GRANTS,
        "--apis",
        "-",
        "--format",
        "json",
        input=b"GET /v2/orders/customer-orders\n",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["location"]["file"] == "<stdin>"


def _run_with_closed_stdout(root: Path, *args: str) -> tuple[int, str]:
    """Run ``python -m cli ARGS`` whose reader has already gone away (``bsscheck ... | head``)."""
    import os
    import subprocess
    import sys

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LC_", "LANG", "COLUMNS", "NO_COLOR", "FORCE_COLOR"))
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        cwd=root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the interpreter has started and written anything
    stderr = process.stderr.read().decode("utf-8", "replace")
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_broken_pipe_prints_no_traceback(root, fmt):
    _, stderr = _run_with_closed_stdout(root, "apis", "--format", fmt)
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr


# Regression test for a bug found while writing these tests (since fixed): click's own EPIPE handler
# (sys.exit(1)) runs before cli.main.run's BrokenPipeError branch, so `bsscheck apis | head -1` exits 1
# ('findings / nothing matched') instead of the intended 0; run()'s BrokenPipeError handler is dead code
def test_broken_pipe_exit_code_is_not_a_finding(root):
    code, stderr = _run_with_closed_stdout(root, "apis", "--format", "json")
    assert code == 0, stderr


# --------------------------------------------------------------------------- malformed URLs


@pytest.mark.parametrize(
    "args",
    [
        ("can-call", "-g", PARTNER_GRANTS, "GET https://[bss/v2/orders/customer-orders"),
        ("can-call", "-g", PARTNER_GRANTS, "GET http://[oops]/v2/orders/customer-orders"),
        ("missing-perms", "-g", PARTNER_GRANTS, "GET https://[::1/v2/orders"),
        ("explain", "https://[::1/v2/orders/customer-orders"),
        ("explain", "GET http://[bss]/v2/orders/customer-orders"),
    ],
    ids=["unclosed-bracket", "bad-ipv6-literal", "missing-perms", "explain-bare-url", "explain-api"],
)
# Regression test for a bug found while writing these tests (since fixed): permtable.apis.parse_api calls
# urllib.parse.urlsplit without catching its ValueError ('Invalid IPv6 URL', "'oops' does not appear to be
# an IPv4 or IPv6 address"), so a URL with a bracketed host escapes the error boundary: traceback and exit
# 1 ('not callable') instead of 'bsscheck: error: <argument 1>: ...' and exit 2
def test_malformed_url_is_an_input_error(run_cli, args):
    out = run_cli(*args)
    assert out.code == 2, out
    assert len(out.stderr_lines) == 1 and out.stderr_lines[0].startswith("bsscheck: error: ")


# Regression test for a bug found while writing these tests (since fixed): same urlsplit ValueError, from
# an --apis file line
def test_malformed_url_in_an_apis_file_names_the_line(run_cli, tmp_path: Path):
    apis = tmp_path / "apis.txt"
    apis.write_text(
        "GET /v2/orders/customer-orders\nGET http://[oops]/v2/orders/customer-orders\n", encoding="utf-8"
    )
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", str(apis))
    assert out.code == 2, out
    assert f"{apis}:2:1:" in out.stderr


# --------------------------------------------------------------------------- properties


def _assert_contained(out) -> None:
    """Exit 0/1 with JSON on stdout, or exit 2 with one error line (or click's usage text)."""
    assert out.code in (0, 1, 2), out
    assert "Traceback" not in out.stderr
    if out.code == 2:
        assert out.stdout == ""
        errors = [line for line in out.stderr_lines if not line.startswith("bsscheck: warning: ")]
        assert len(errors) == 1 and errors[0].startswith("bsscheck: error: "), out
    else:
        json.loads(out.stdout)


ANY_TEXT = st.characters(blacklist_categories=("Cs",))
API_LIKE = st.one_of(
    st.text(ANY_TEXT, max_size=60),
    st.builds(
        "{} {}".format,
        st.sampled_from(["GET", "get", "POST", "DELETE", "FETCH", ""]),
        st.text(alphabet="/{}[]*?#%.:@-_abvx09 \t~\\é订", max_size=50),
    ),
    st.builds("GET https://{}".format, st.text(ANY_TEXT, max_size=40)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=API_LIKE)
def test_any_api_argument_is_decided_or_rejected_cleanly(run_cli, text):
    _assert_contained(run_cli("can-call", "-g", CUSTOMER_GRANTS, "--format", "json", "--", text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=API_LIKE)
def test_any_explain_target_is_answered_or_rejected_cleanly(run_cli, target):
    _assert_contained(run_cli("explain", "--format", "json", "--", target))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30), option=st.sampled_from(["--search", "--permission"]))
def test_any_apis_filter_lists_or_finds_nothing(run_cli, text, option):
    out = run_cli("apis", option, text, "--format", "json")
    assert out.code in (0, 1), out
    assert (out.code == 0) == bool(out.json()["entries"])
