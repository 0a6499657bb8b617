"""Output formats: plain text in CI logs, width, colour, the JSON golden file, and import cost."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import machine_independent

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

PARTNER_GRANTS = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"

ANSI = re.compile(r"\x1b\[")
SGR = re.compile(r"\x1b\[([0-9;]*)m")

TABLE_RUNS = {
    "can-call": ("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS),
    "missing-perms": ("missing-perms", "-g", PARTNER_GRANTS),
    "explain-api": ("explain", "GET /v2/orders/customer-orders", "-g", PARTNER_GRANTS),
    "explain-permission": ("explain", "bss:order:*"),
    "apis": ("apis",),
}


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("args", TABLE_RUNS.values(), ids=TABLE_RUNS.keys())
@pytest.mark.parametrize("no_color", [None, "1"], ids=["default", "NO_COLOR"])
def test_table_output_to_a_non_tty_has_no_escape_sequences(run_cli, args, no_color):
    out = run_cli(*args, env={"NO_COLOR": no_color})
    assert out.code in (0, 1), out
    assert out.stdout.strip()
    assert not ANSI.search(out.stdout), "escape sequences in output meant for a log or a pipe"
    assert not ANSI.search(out.stderr)


def test_width_is_80_without_a_terminal_or_columns(run_subprocess):
    done = run_subprocess(*TABLE_RUNS["can-call"])
    lines = done.stdout.decode("utf-8").splitlines()
    drawn = [line for line in lines if line[:1] in "┏┃┡│└"]
    assert drawn and max(len(line) for line in drawn) <= 80
    # Detail lines are soft-wrapped: never broken or padded by us, so logs keep whole
    # lines (grep-able paths and grants), and no line ends in padding.
    assert not any(line != line.rstrip() for line in lines)
    grants = [line for line in lines if "granted by" in line]
    assert grants and all("[samples/" in line for line in grants)


def test_columns_widens_the_output(run_cli):
    narrow = run_cli(*TABLE_RUNS["can-call"], env={"COLUMNS": "80"})
    wide = run_cli(*TABLE_RUNS["can-call"], env={"COLUMNS": "200"})
    longest = max(len(line) for line in wide.stdout.splitlines())
    assert 100 < longest <= 200
    # At 200 columns the longest API fits on one line of the results table.
    api = "GET /v1.0/0a1b2c3d4e5f/customer/account-mgr/bill/monthly-sum"

    def table_rows(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("│")]

    assert any(api in line for line in table_rows(wide.stdout))
    assert not any(api in line for line in table_rows(narrow.stdout)), "control: at 80 columns it folds"


def test_markup_like_text_is_printed_literally(run_cli, tmp_path: Path):
    # Rich markup is off: a role name with [brackets] must come out as written.
    grants = tmp_path / "g.yaml"
    grants.write_text(
        "type: partner\nroles:\n  - name: '[bold]Orders[/bold] :smile:'\n"
        "    actions: [BPC_ITEM_SUBCUSTSERV_060100]\n",
        encoding="utf-8",
    )
    out = run_cli(
        "can-call", "-v", "-g", str(grants), "GET /v2/orders/customer-orders", env={"COLUMNS": "200"}
    )
    assert out.code == 0, out
    assert "[bold]Orders[/bold] :smile:" in out.stdout


# --------------------------------------------------------------------------- a real terminal


def _run_on_a_pty(args: tuple[str, ...], env: dict[str, str]) -> bytes:
    pty = pytest.importorskip("pty")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "NO_COLOR",
            "FORCE_COLOR",
            "TTY_COMPATIBLE",
            "TTY_INTERACTIVE",
            "COLUMNS",
            "LC_ALL",
            "LC_MESSAGES",
            "LANG",
        )
    }
    environment.update({"TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8", **env})
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            cwd=ROOT,
            env=environment,
            stdout=secondary,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
    finally:
        os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO once the child has closed its end
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    process.wait(timeout=120)
    return output


def _colour_codes(output: bytes) -> set[str]:
    """SGR parameters that set a colour (30-38, 40-48, 90-97, 100-107), ignoring bold/dim/reset."""
    colours = set()
    for params in SGR.findall(output.decode("utf-8", "replace")):
        for number in filter(None, params.split(";")):
            value = int(number)
            if 30 <= value <= 38 or 40 <= value <= 48 or 90 <= value <= 97 or 100 <= value <= 107:
                colours.add(number)
    return colours


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_tty_output_is_coloured(tmp_path):
    output = _run_on_a_pty(TABLE_RUNS["can-call"], {})
    assert _colour_codes(output), "control: on a terminal the decisions are coloured"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_color_on_a_tty_has_no_colour(tmp_path):
    output = _run_on_a_pty(TABLE_RUNS["can-call"], {"NO_COLOR": "1"})
    assert b"DENIED" in output
    # no-color.org: NO_COLOR removes colour; bold and dim (1, 2) may stay.
    assert _colour_codes(output) == set()


# --------------------------------------------------------------------------- JSON


def test_golden_partner_can_call_json(run_cli, golden_json):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS, "--format", "json")
    assert out.code == 1, out
    golden_json("partner-can-call.json", out.json())


def test_golden_is_stable_with_absolute_paths(run_cli):
    out = run_cli(
        "can-call", "-g", str(ROOT / PARTNER_GRANTS), "--apis", str(ROOT / PARTNER_APIS), "--format", "json"
    )
    expected = json.loads((GOLDEN / "partner-can-call.json").read_text(encoding="utf-8"))
    assert machine_independent(out.json()) == expected


def test_json_is_one_document_ending_in_a_newline(run_cli):
    out = run_cli("apis", "--format", "json", "--lang", "zh")
    assert out.stdout.endswith("}\n")
    json.loads(out.stdout)
    assert "查询订单列表" in out.stdout, "Chinese text is written as UTF-8, not \\u escapes"


@pytest.mark.parametrize(
    "args",
    [
        ("apis", "--type", "customer", "--lang", "zh", "--format", "json"),
        ("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--lang", "zh", "--format", "json"),
    ],
    ids=["apis", "can-call"],
)
# Regression test for a bug found while writing these tests (since fixed): JSON is written with
# ensure_ascii=False through sys.stdout's locale encoding, so on a non-UTF-8 stdout
# (PYTHONIOENCODING=ascii, a Windows code page, LANG=en_US.ISO-8859-1) Chinese text raises
# UnicodeEncodeError: traceback and exit 1 (read as 'findings') instead of JSON
def test_json_survives_a_non_utf8_stdout(run_subprocess, args):
    done = run_subprocess(*args, env={"PYTHONIOENCODING": "ascii"})
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1)
    json.loads(done.stdout.decode("utf-8"))


# Regression test for a bug found while writing these tests (since fixed): the table renderer crashes with
# UnicodeEncodeError (traceback, exit 1) when stdout cannot encode the Chinese descriptions, e.g.
# PYTHONIOENCODING=ascii
def test_table_survives_a_non_utf8_stdout(run_subprocess):
    done = run_subprocess("apis", "--type", "customer", "--lang", "zh", env={"PYTHONIOENCODING": "ascii"})
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0


# --------------------------------------------------------------------------- import cost


IMPORT_PROBE = """
import contextlib, io, json, sys
from cli.main import run
args = json.loads(sys.argv[1])
buffer = io.StringIO()
with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
    try:
        run(args)
    except SystemExit as done:
        code = done.code
loaded = sorted(name for name in sys.modules if name == "rich" or name.startswith("rich.")
                or name.startswith("cli.commands.") or name.startswith("cli.formats."))
print(json.dumps({"code": code, "loaded": loaded, "output": buffer.getvalue()[:200]}))
"""


def _probe(args: list[str]) -> dict[str, Any]:
    environment = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "NO_COLOR")}
    environment["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, json.dumps(args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders", "--format", "json"],
        ["missing-perms", "-g", CUSTOMER_GRANTS, "--format", "json"],
        ["explain", "bss:order:view", "--format", "json"],
        ["apis", "--format", "json"],
    ],
    ids=["can-call", "missing-perms", "explain", "apis"],
)
def test_json_output_never_imports_rich(args):
    probe = _probe(args)
    assert probe["code"] in (0, 1), probe
    assert probe["output"].startswith("{")
    assert not [name for name in probe["loaded"] if name == "rich" or name.startswith("rich.")], probe[
        "loaded"
    ]
    assert "cli.formats.table" not in probe["loaded"]


def test_table_output_does_import_rich():
    probe = _probe(["can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders"])
    assert probe["code"] == 0
    assert "rich" in probe["loaded"], "control: the probe would see rich if it were loaded"


def test_only_the_command_being_run_is_imported():
    probe = _probe(["apis", "--format", "json"])
    commands = [name for name in probe["loaded"] if name.startswith("cli.commands.")]
    assert commands == ["cli.commands.apis"]


def test_detail_blocks_printed_in_batches_read_as_printed_one_by_one(run_cli, tmp_path, monkeypatch):
    # Long enough for several batches, with paths long enough to wrap their headings at 60
    # columns. The reference prints each heading and each block with a call of its own.
    from rich.text import Text

    from cli.formats import table

    def one_print_each(console, results, lang, every):
        assert every  # -v: every API is detailed
        for number, result in enumerate(results, 1):
            heading = Text(f"{number}. {result.method} {result.path}", style="bold")
            console.print(heading)
            lines = [Text("   ") + line for line in table.result_details(result, lang).split("\n")]
            console.print(Text("\n").join(lines), soft_wrap=True)

    apis = tmp_path / "apis.txt"
    lines = ["GET /v2/orders/customer-orders/details/" + "X" * (1 + index % 90) for index in range(450)]
    apis.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ("can-call", "-v", "-g", "samples/partner-grants.yaml", "--apis", str(apis))
    outputs = []
    for env in ({"COLUMNS": "60"}, {"COLUMNS": "60", "FORCE_COLOR": "1"}):
        batched = run_cli(*args, env=env)
        with monkeypatch.context() as patch:
            patch.setattr(table, "_details", one_print_each)
            reference = run_cli(*args, env=env)
        assert batched.code == reference.code == 0
        assert batched.stdout == reference.stdout
        outputs.append(batched.stdout)
    plain = outputs[0]
    # Detail headings, not the numbered blocks of the stacked results ("1. API: GET ...").
    headings = [line for line in plain.splitlines() if line.split(".", 1)[0].isdigit() and "API:" not in line]
    assert len(headings) == 450
