"""Small things a user expects of a mature CLI: a misspelt command gets a suggestion, choices
take any case, -o's extension names the format (with a warning when it disagrees), and diff
reads a missing or empty side as an account with no grants."""

from __future__ import annotations

import json

import pytest

PARTNER = ("can-call", "-g", "samples/partner-grants.yaml", "GET /v2/orders/customer-orders")


@pytest.mark.parametrize(
    ("typed", "meant"), [("can-cal", "can-call"), ("who-cna", "who-can"), ("explian", "explain")]
)
def test_a_misspelt_command_gets_a_suggestion(run_cli, typed, meant):
    out = run_cli(typed, "x")
    assert out.code == 2
    assert f"No such command {typed!r}. Did you mean {meant!r}?" in out.stderr


def test_a_command_far_from_any_gets_no_guess(run_cli):
    out = run_cli("frobnicate")
    assert (
        out.code == 2 and "No such command 'frobnicate'." in out.stderr and "Did you mean" not in out.stderr
    )


@pytest.mark.parametrize("spelling", ["JSON", "Json", "json"])
def test_format_takes_any_case(run_cli, spelling):
    out = run_cli(*PARTNER, "--format", spelling)
    assert out.code == 0 and json.loads(out.stdout)["schema_version"] == 2


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("r.json", '{\n  "schema_version"'),
        ("r.sarif", '{\n  "$schema"'),
        ("r.sarif.json", '{\n  "$schema"'),
        ("r.xml", "<?xml"),
        ("r.md", "###"),
        ("r.txt", "Account"),
    ],
)
def test_the_output_file_extension_names_the_format(run_cli, tmp_path, name, starts):
    target = tmp_path / name
    out = run_cli(*PARTNER, "-o", str(target))
    assert out.code == 0, out.stderr
    assert target.read_text("utf-8").startswith(starts)
    assert "warning" not in out.stderr


def test_a_format_that_disagrees_with_the_extension_is_written_with_a_warning(run_cli, tmp_path):
    target = tmp_path / "report.sarif"
    out = run_cli(*PARTNER, "--format", "json", "-o", str(target))
    assert out.code == 0
    assert json.loads(target.read_text("utf-8"))["schema_version"] == 2
    assert "writing the json report to a file whose extension says sarif" in out.stderr


def test_an_extension_the_report_lacks_is_a_table_with_a_warning(run_cli, tmp_path):
    target = tmp_path / "who.sarif"
    out = run_cli("who-can", "GET /v2/orders/customer-orders", "-g", "samples/fleet", "-o", str(target))
    assert out.code == 0
    assert "this report has no sarif format; writing a table" in out.stderr
    assert "Who can call" in target.read_text("utf-8")


def test_github_annotations_in_a_file_are_warned_about(run_cli, tmp_path):
    out = run_cli(*PARTNER, "--format", "github", "-o", str(tmp_path / "notes"))
    assert out.code == 0
    assert "GitHub reads workflow annotations from a step's standard output" in out.stderr


@pytest.mark.parametrize("missing", ["/dev/null", "does-not-exist.yaml", "EMPTY"])
def test_diff_reads_a_missing_or_empty_side_as_no_grants(run_cli, tmp_path, missing):
    if missing == "EMPTY":
        missing = str(tmp_path / "empty.yaml")
        (tmp_path / "empty.yaml").write_text("\n", "utf-8")
    elif missing != "/dev/null":
        missing = str(tmp_path / missing)
    new = "samples/grants-change/new.yaml"
    added = run_cli("diff", missing, new, "--apis", "samples/customer-apis.txt", "--format", "json")
    assert added.code == 1, added.stderr
    kinds = {change["kind"] for change in added.json()["changes"]}
    assert kinds == {"gained"}
    assert "read as an account with no grants" in added.stderr
    deleted = run_cli("diff", new, missing, "--apis", "samples/customer-apis.txt", "--format", "json")
    assert {change["kind"] for change in deleted.json()["changes"]} == {"lost"}
    # The same as a diff against a real file that grants nothing.
    nothing = tmp_path / "nothing.yaml"
    nothing.write_text("type: customer\naccount: billing-pipeline\npolicies: []\n", "utf-8")
    real = run_cli("diff", str(nothing), new, "--apis", "samples/customer-apis.txt", "--format", "json")
    assert [c["api"] for c in real.json()["changes"]] == [c["api"] for c in added.json()["changes"]]


def test_diff_reads_an_empty_pipe_as_no_grants_and_reads_each_side_once(run_cli, monkeypatch):
    """A side given as a pipe (``<(git show ...)``) that carries nothing is an added file; the
    pipe can be read once only, so the check for emptiness must not read it first."""
    import os

    from permtable import documents

    reads: list[str] = []
    real = documents.read_text
    monkeypatch.setattr(
        documents, "read_text", lambda path, *a, **k: reads.append(str(path)) or real(path, *a, **k)
    )
    read_end, write_end = os.pipe()
    os.close(write_end)
    try:
        pipe = f"/dev/fd/{read_end}"
        new = "samples/grants-change/new.yaml"
        out = run_cli("diff", pipe, new, "--apis", "samples/customer-apis.txt", "--format", "json")
    finally:
        os.close(read_end)
    assert out.code == 1, out
    assert {change["kind"] for change in out.json()["changes"]} == {"gained"}
    assert f"{pipe}: is empty: read as an account with no grants" in out.stderr
    assert reads.count(new) == 1


def test_a_diff_side_cannot_be_standard_input(run_cli):
    out = run_cli("diff", "-", "samples/grants-change/new.yaml", input="type: customer\n")
    assert out.code == 2 and "a side of the diff cannot be standard input" in out.stderr


def test_an_empty_policy_file_a_side_names_is_still_an_error(run_cli, tmp_path):
    (tmp_path / "empty.json").write_text("", "utf-8")
    side = tmp_path / "side.yaml"
    side.write_text("type: customer\naccount: a\npolicies:\n  - file: empty.json\n", "utf-8")
    out = run_cli("diff", str(side), "samples/grants-change/new.yaml")
    assert out.code == 2, out
    assert "empty.json: file is empty" in out.stderr


def test_diff_with_both_sides_empty_is_an_input_error(run_cli):
    out = run_cli("diff", "/dev/null", "/dev/null")
    assert out.code == 2 and "both sides of the diff are missing or empty" in out.stderr


def test_a_finding_has_one_severity_in_every_format(run_cli):
    """The customer sample has a conditional API: an error in SARIF, GitHub and JUnit alike."""
    import xml.etree.ElementTree as ET

    args = ("can-call", "-g", "samples/customer-grants.yaml", "--apis", "samples/customer-apis.txt")
    sarif = run_cli(*args, "--format", "sarif").json()
    levels = {result["ruleId"]: result["level"] for result in sarif["runs"][0]["results"]}
    assert levels["BSS003"] == "error"
    github = run_cli(*args, "--format", "github").stdout
    conditional = [line for line in github.splitlines() if "BSS003" in line]
    assert conditional and all(line.startswith("::error ") for line in conditional)
    junit = ET.fromstring(run_cli(*args, "--format", "junit").stdout)
    failures = [failure.get("type") for failure in junit.iter("failure")]
    assert any(kind and kind.startswith("BSS003") for kind in failures)


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_the_command_list_shows_every_summary_whole(run_cli, width):
    out = run_cli("--help", env={"COLUMNS": width})
    commands = out.stdout.split("Commands:", 1)[1]
    assert "..." not in commands
    assert "explain" in commands and "IAM action." in commands.replace("\n", " ")


COMMAND_NAMES = [
    "can-call",
    "missing-perms",
    "explain",
    "apis",
    "validate",
    "scan",
    "table",
    "who-can",
    "diff",
    "matrix",
]


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_help_has_examples_and_those_on_the_samples_run(run_cli, tmp_path, command):
    import glob
    import shlex

    help_text = run_cli(command, "--help").stdout
    assert "Examples:" in help_text
    examples = [line.strip() for line in help_text.split("Examples:", 1)[1].splitlines() if line.strip()]
    assert examples and all(example.startswith("bsscheck ") for example in examples)
    ran = 0
    for example in examples:
        words = shlex.split(example)[1:]
        outputs = {words[index + 1] for index, word in enumerate(words[:-1]) if word == "-o"}
        # File names: words with a slash or a file extension, not an API ("POST /v3/...").
        inputs = [
            w
            for w in words
            if w not in outputs
            and " " not in w
            and ("/" in w or w.endswith((".yaml", ".json", ".txt", ".html")))
        ]
        # The examples written on the bundled samples run; the others name the user's files.
        if not all(glob.glob(word) for word in inputs):
            continue
        expanded = [
            str(tmp_path / word) if word in outputs else match
            for word in words
            for match in (sorted(glob.glob(word)) if "*" in word else [word])
        ]
        out = run_cli(*expanded)
        assert out.code in (0, 1), (example, out.stderr)
        ran += 1
    if command not in ("diff", "table"):  # their examples need files of the user's
        assert ran, f"no example of {command} runs on the samples"
