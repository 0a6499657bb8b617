"""``--format github``: GitHub Actions workflow commands, and the job summary.

The commands are read back with a parser that undoes actions/toolkit's escaping
(packages/core/src/command.ts), so a name that could end a command early or forge a second
one fails here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.findings import message
from permtable.apis import read_api_file
from permtable.evaluate import EvaluationPolicy
from permtable.grants import load_grants
from permtable.queries import can_call
from permtable.tables import TableSet

ROOT = Path(__file__).resolve().parents[2]

CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"
PARTNER_GRANTS = "samples/partner-grants.yaml"
TYPO = "POST /v2/orders/subscriptions/resources/query"

COMMAND = re.compile(r"::(?P<name>[a-z]+)(?: (?P<properties>[^:]*))?::(?P<data>.*)")
SUMMARY = re.compile(r"bsscheck: \d+ API\(s\): \d+ callable, \d+ not callable.*\.")


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch):
    """Never write to a real job summary when the tests themselves run in GitHub Actions."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def typed_results(grants: str, apis: str):
    """The result records the library gives every format for these files."""
    report = can_call(read_api_file(apis), load_grants([grants]), TableSet(), EvaluationPolicy())
    return list(report.record().results)


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return unescape_data(value.replace("%3A", ":").replace("%2C", ","))


@dataclass(frozen=True)
class Command:
    name: str
    properties: dict[str, str]
    message: str
    raw: str


def parse(line: str) -> Command:
    match = COMMAND.fullmatch(line)
    assert match, f"not a workflow command: {line!r}"
    properties = {}
    for pair in (match["properties"] or "").split(",") if match["properties"] else []:
        key, _, value = pair.partition("=")
        assert key and key not in properties, line
        properties[key] = unescape_property(value)
    # What the runner would misread: a raw ':' or ',' inside a property, a stray '%'.
    assert not re.search(r"%(?!25|0D|0A|3A|2C)", match["properties"] or ""), line
    assert not re.search(r"%(?!25|0D|0A)", match["data"]), line
    return Command(match["name"], properties, unescape_data(match["data"]), line)


def commands(stdout: str) -> list[Command]:
    """Every line but the last is a command; the last is the plain one-line summary."""
    lines = stdout.splitlines()
    assert stdout.endswith("\n")
    assert SUMMARY.fullmatch(lines[-1]), lines[-1]
    return [parse(line) for line in lines[:-1]]


def line_of(path: Path, api: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (number,) = [number for number, line in enumerate(lines, 1) if line.strip() == api]
    return number


# --------------------------------------------------------------------------- annotations


def test_the_customer_sample_gives_three_errors_on_the_api_lines(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "github")
    assert out.code == 1, out
    errors = [command for command in commands(out.stdout) if command.name == "error"]
    not_callable = [result for result in typed_results(CUSTOMER_GRANTS, CUSTOMER_APIS) if not result.callable]
    # The message is findings.message(): the wording every format shares.
    assert [error.message for error in errors] == [message(result, "en") for result in not_callable]
    apis = ROOT / CUSTOMER_APIS
    expected = [
        ("POST /v3/orders/customer-orders/pay", "BSS002", "denied by policy 'OrderGuardrails'"),
        ("POST /v2/orders/subscriptions/resources/renew", "BSS003", "granted only under a Condition"),
        ("GET /v2/accounts/customer-accounts/balances", "BSS001", "not granted"),
    ]
    assert len(errors) == 3, out.stdout
    for error, (api, rule, words) in zip(errors, expected, strict=True):
        assert error.properties["file"] == CUSTOMER_APIS
        assert error.properties["line"] == str(line_of(apis, api))
        assert error.properties["col"] == "1"
        assert error.properties["title"].startswith(f"bsscheck {rule}: ")
        assert error.message.startswith(f"{api}: ") and words in error.message
    assert "Deny statement" in errors[0].properties["title"]
    assert "Condition" in errors[1].properties["title"]
    assert errors[2].properties["title"] == "bsscheck BSS001: API not callable: permission not granted"
    assert "Fix: remove or narrow the Deny on bss:order:pay" in errors[0].message
    assert "Fix: grant bss:balance:view (name: View account information)" in errors[2].message
    # The raw line escapes ':' in the title, as the toolkit does.
    assert "title=bsscheck BSS001%3A API not callable%3A permission not granted::" in errors[2].raw


def test_the_summary_line_follows_the_commands(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "github")
    last = out.stdout.splitlines()[-1]
    assert last.startswith("bsscheck: 8 API(s): 5 callable, 3 not callable")
    assert "3 error(s)" in last


def test_a_near_miss_is_an_error_of_its_own_rule(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, TYPO, "--format", "github")
    assert out.code == 1, out
    parsed = commands(out.stdout)
    (typo,) = [command for command in parsed if "BSS005" in command.properties.get("title", "")]
    assert typo.name == "error"
    assert typo.message.startswith(f"{TYPO}: ")
    assert "did you mean POST /v2/orders/suscriptions/resources/query?" in typo.message
    # An argument has no file line: the annotation goes on the grants file, without a line.
    assert typo.properties["file"] == CUSTOMER_GRANTS
    assert "line" not in typo.properties and "col" not in typo.properties
    # Left out of --fail-on, it is still annotated, and the run passes.
    passing = run_cli("can-call", "-g", CUSTOMER_GRANTS, TYPO, "--format", "github", "--fail-on", "denied")
    assert passing.code == 0 and "BSS005" in passing.stdout


def test_input_warnings_are_annotated_on_the_grants_file(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "GET /v2/orders/customer-orders", "--format", "github")
    assert out.code == 0, out
    (warning,) = commands(out.stdout)
    assert warning.name == "warning"
    assert warning.properties["file"] == CUSTOMER_GRANTS
    assert warning.properties["line"] == "24"
    assert "system role" in warning.message


def test_a_typo_in_an_apis_file_points_at_its_line(run_cli, tmp_path):
    apis = tmp_path / "apis.txt"
    apis.write_text(f"# pipeline\n\n{TYPO}\n", encoding="utf-8")
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", str(apis), "--format", "github")
    (typo,) = [command for command in commands(out.stdout) if "BSS005" in command.properties["title"]]
    assert typo.name == "error" and typo.properties["line"] == "3"


def test_strict_makes_an_unlisted_api_an_error(run_cli):
    out = run_cli(
        "can-call", "-g", CUSTOMER_GRANTS, "GET /v2/bases/conversions", "--strict", "--format", "github"
    )
    assert out.code == 1, out
    (error,) = [command for command in commands(out.stdout) if command.name == "error"]
    assert error.properties["title"].startswith("bsscheck BSS004: ")


def test_absolute_paths_become_relative_to_the_working_directory(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        str(ROOT / CUSTOMER_GRANTS),
        "--apis",
        str(ROOT / CUSTOMER_APIS),
        "--format",
        "github",
    )
    files = {command.properties["file"] for command in commands(out.stdout)}
    assert files == {CUSTOMER_APIS, CUSTOMER_GRANTS}


def test_missing_perms_without_apis_annotates_the_grants_file(run_cli):
    expected = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "json").json()["results"]
    out = run_cli("missing-perms", "-g", PARTNER_GRANTS, "--format", "github")
    assert out.code == 1, out
    errors = commands(out.stdout)
    assert [error.name for error in errors] == ["error"] * len(expected) == ["error"] * 11
    assert all(
        error.properties["file"] == PARTNER_GRANTS and "line" not in error.properties for error in errors
    )
    assert "BPC_ITEM_SALES_020100" in out.stdout.splitlines()[-1], "the summary names what to grant"


def test_commands_come_from_stdin_api_lists_without_a_file(run_cli):
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "--apis",
        "-",
        "--format",
        "github",
        input="GET /v2/accounts/customer-accounts/balances\n",
    )
    (error,) = [command for command in commands(out.stdout) if command.name == "error"]
    assert error.properties["file"] == CUSTOMER_GRANTS and "line" not in error.properties


# --------------------------------------------------------------------------- escaping


def test_names_and_paths_are_escaped_and_stay_on_one_line(run_cli, tmp_path, monkeypatch):
    # A folder and a policy whose names carry every character the toolkit escapes.
    folder = tmp_path / "ci,50%:run\nx"
    folder.mkdir()
    grants = folder / "grants.yaml"
    grants.write_text(
        "type: customer\n"
        "account: a\n"
        "policies:\n"
        '  - name: "Deny, 100%: no\\npay\\r"\n'
        "    document:\n"
        '      Version: "1.1"\n'
        "      Statement:\n"
        "        - Effect: Deny\n"
        '          Action: ["bss:order:pay"]\n',
        encoding="utf-8",
    )
    apis = folder / "apis.txt"
    apis.write_text("POST /v3/orders/customer-orders/pay\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    relative_folder = "ci,50%:run\nx"
    args = ("can-call", "-g", f"{relative_folder}/grants.yaml", "--apis", f"{relative_folder}/apis.txt")
    out = run_cli(*args, "--format", "github")
    assert out.code == 1, out
    lines = out.stdout.splitlines()
    assert len(lines) == 2, "one command and the summary: nothing leaked onto a new line"
    (error,) = commands(out.stdout)
    assert error.name == "error"
    # Properties: ':' and ',' escaped too, so the file name survives whole.
    assert "file=ci%2C50%25%3Arun%0Ax/apis.txt,line=1,col=1,title=" in error.raw
    assert error.properties["file"] == f"{relative_folder}/apis.txt"
    # Data: '%' and line breaks escaped; ':' and ',' stay as they are.
    (result,) = typed_results(f"{relative_folder}/grants.yaml", f"{relative_folder}/apis.txt")
    assert error.message == message(result, "en")
    assert repr("Deny, 100%: no\npay\r") in error.message  # grant_source() shows names with repr
    assert "'Deny, 100%25: no\\npay\\r'" in error.raw
    assert f"[{relative_folder}/grants.yaml:8]" in error.message  # a real newline, from the folder
    assert "[ci,50%25:run%0Ax/grants.yaml:8]" in error.raw


def test_escaping_matches_the_toolkit_order():
    """'%' first: an escape sequence in the input is itself escaped, never decoded."""
    from cli.formats.github import escape_data, escape_property, workflow_command

    assert escape_data("100%0A\r\n:,") == "100%250A%0D%0A:,"
    assert escape_property("a:b,c%3A\n") == "a%3Ab%2Cc%253A%0A"
    assert workflow_command("error", {"file": "f", "line": None, "title": ""}, "m") == "::error file=f::m"
    assert workflow_command("warning", {}, "m") == "::warning::m"


# --------------------------------------------------------------------------- job summary


def test_step_summary_is_appended_and_existing_content_kept(run_cli, tmp_path):
    summary = tmp_path / "step_summary.md"
    summary.write_text("## Earlier step\n\nits summary\n", encoding="utf-8")
    args = ("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    markdown = run_cli(*args, "--format", "markdown").stdout
    out = run_cli(*args, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert out.code == 1, out
    assert summary.read_text(encoding="utf-8") == "## Earlier step\n\nits summary\n\n" + markdown
    # A second step (or run) appends again: never truncated.
    run_cli("missing-perms", *args[1:], "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    content = summary.read_text(encoding="utf-8")
    assert content.startswith(
        "## Earlier step\n\nits summary\n\n" + markdown + "\n### bsscheck missing-perms"
    )
    assert "#### Blocked by a Deny" in content


def test_step_summary_into_a_new_file(run_cli, tmp_path):
    summary = tmp_path / "new.md"
    out = run_cli(
        "missing-perms", "-g", PARTNER_GRANTS, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert out.code == 1, out
    assert summary.read_text(encoding="utf-8").startswith("### bsscheck missing-perms")
    assert "#### Grant these (smallest set)" in summary.read_text(encoding="utf-8")


def test_no_step_summary_variable_writes_no_file(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = run_cli(
        "can-call",
        "-g",
        str(ROOT / CUSTOMER_GRANTS),
        "--apis",
        str(ROOT / CUSTOMER_APIS),
        "--format",
        "github",
        env={"GITHUB_STEP_SUMMARY": None},
    )
    assert out.code == 1, out
    assert list(tmp_path.iterdir()) == []
    assert "###" not in out.stdout


@pytest.mark.parametrize("where", ["a directory", "a missing folder"])
def test_an_unwritable_step_summary_is_a_warning_not_a_crash(run_cli, tmp_path, where):
    target = tmp_path if where == "a directory" else tmp_path / "missing" / "summary.md"
    out = run_cli(
        "can-call",
        "-g",
        CUSTOMER_GRANTS,
        "--apis",
        CUSTOMER_APIS,
        "--format",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(target)},
    )
    assert out.code == 1, out
    assert "Traceback" not in out.stderr
    parsed = commands(out.stdout)
    (warning,) = [command for command in parsed if "GITHUB_STEP_SUMMARY" in command.message]
    assert warning.name == "warning"
    assert len([command for command in parsed if command.name == "error"]) == 3


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
def test_exit_codes_do_not_depend_on_the_format(run_cli, command):
    args = (command, "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    assert run_cli(*args, "--format", "github").code == 1
    assert run_cli(*args, "--format", "github", "--exit-zero").code == 0
    for gate in (("--fail-on", "denied"), ("--fail-on", "unlisted"), ("--fail-on", "conditional")):
        assert run_cli(*args, *gate, "--format", "github").code == run_cli(*args, *gate).code
    assert (
        run_cli(command, "-g", CUSTOMER_GRANTS, "GET /v2/orders/customer-orders", "--format", "github").code
        == 0
    )
