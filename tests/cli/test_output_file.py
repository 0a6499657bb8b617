"""``-o/--output FILE``: the report goes to the file, atomically; stdout stays empty.

"Atomically" is checked by making the run fail at a chosen point (the renderer raising halfway
through, or the final rename failing): the target is then neither created nor changed, and no
temporary file is left next to it.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from cli.formats import json_format
from permtable.errors import InputError

ANSI = re.compile(r"\x1b\[")

PARTNER = ("-g", "samples/partner-grants.yaml", "--apis", "samples/partner-apis.txt")
CUSTOMER = ("-g", "samples/customer-grants.yaml", "--apis", "samples/customer-apis.txt")

RUNS = {
    "can-call-partner": ("can-call", *PARTNER),
    "can-call-customer": ("can-call", *CUSTOMER),
    "missing-perms-partner": ("missing-perms", *PARTNER),
    "missing-perms-customer": ("missing-perms", *CUSTOMER),
    "explain-api": ("explain", "GET /v2/orders/customer-orders", "-g", "samples/customer-grants.yaml"),
    "explain-permission": ("explain", "bss:order:*"),
    "apis": ("apis", "--type", "customer"),
}
WARNING_FREE = ("can-call-partner", "missing-perms-partner", "explain-permission", "apis")


def _listing(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _summary_lines(stderr_lines: list[str]) -> list[str]:
    return [line for line in stderr_lines if not line.startswith("bsscheck: warning:")]


# --------------------------------------------------------------------------- the report in a file


@pytest.mark.parametrize("args", RUNS.values(), ids=RUNS.keys())
def test_json_file_holds_what_stdout_would_have(run_cli, tmp_path: Path, args):
    to_stdout = run_cli(*args, "--format", "json")
    target = tmp_path / "report.json"
    to_file = run_cli(*args, "--format", "json", "-o", str(target))
    assert to_file.code == to_stdout.code, to_file
    assert to_file.stdout == "", "the payload goes to the file only"
    assert json.loads(target.read_text(encoding="utf-8")) == to_stdout.json()
    summary = _summary_lines(to_file.stderr_lines)
    assert len(summary) == 1, to_file
    assert summary[0].startswith(f"bsscheck: wrote the json report to {target}")
    # Warnings still go to stderr, as without -o.
    assert [line for line in to_file.stderr_lines if "warning" in line] == [
        line for line in to_stdout.stderr_lines if "warning" in line
    ]


@pytest.mark.parametrize("name", WARNING_FREE)
def test_stderr_is_one_summary_line(run_cli, tmp_path: Path, name):
    target = tmp_path / "report.json"
    out = run_cli(*RUNS[name], "--format", "json", "-o", str(target))
    assert len(out.stderr_lines) == 1, out
    assert str(target) in out.stderr_lines[0]


def test_summary_line_counts_the_apis(run_cli, tmp_path: Path):
    target = tmp_path / "report.json"
    out = run_cli(*RUNS["can-call-partner"], "--format", "json", "-o", str(target))
    assert out.code == 1, "the exit code is the report's, -o or not"
    assert out.stderr_lines == [
        f"bsscheck: wrote the json report to {target}. 6 API(s): 5 callable, 1 not callable."
    ]


def test_explain_summary_line_does_not_claim_zero_apis(run_cli, tmp_path: Path):
    target = tmp_path / "report.json"
    out = run_cli("explain", "bss:order:*", "--format", "json", "-o", str(target))
    assert out.code == 0, out
    assert json.loads(target.read_text(encoding="utf-8"))["entries"], "control: APIs matched"
    assert "0 API(s)" not in out.stderr_lines[0], out


@pytest.mark.parametrize("name", WARNING_FREE)
def test_ascii_json_file_is_byte_identical_to_stdout(run_cli, tmp_path: Path, name):
    target = tmp_path / "report.json"
    to_stdout = run_cli(*RUNS[name], "--format", "json")
    run_cli(*RUNS[name], "--format", "json", "-o", str(target))
    assert to_stdout.stdout.isascii(), "control: nothing here depends on how non-ASCII text is written"
    assert target.read_bytes() == to_stdout.stdout.encode("utf-8")


def test_non_ascii_json_file_is_byte_identical_to_stdout(run_cli, tmp_path: Path):
    args = (*RUNS["can-call-customer"], "--lang", "zh")
    target = tmp_path / "report.json"
    to_stdout = run_cli(*args, "--format", "json")
    run_cli(*args, "--format", "json", "-o", str(target))
    assert not to_stdout.stdout.isascii(), "control: the report has Chinese text"
    assert target.read_bytes() == to_stdout.stdout.encode("utf-8")


def test_output_replaces_an_existing_file(run_cli, tmp_path: Path):
    target = tmp_path / "report.json"
    target.write_text("old report\n", encoding="utf-8")
    out = run_cli(*RUNS["apis"], "--format", "json", "-o", str(target))
    assert out.code == 0, out
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["total"] == 26
    assert _listing(tmp_path) == ["report.json"]


def test_relative_output_path_is_written_in_the_working_directory(
    run_cli, tmp_path: Path, root: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    grants = str(root / "samples" / "partner-grants.yaml")
    out = run_cli(
        "can-call", "-g", grants, "GET /v2/orders/customer-orders", "--format", "json", "-o", "out.json"
    )
    assert out.code == 0, out
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["summary"]["total"] == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_output_file_mode_follows_the_umask(run_cli, tmp_path: Path):
    previous = os.umask(0o022)
    try:
        target = tmp_path / "report.json"
        run_cli(*RUNS["apis"], "--format", "json", "-o", str(target))
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o644


# --------------------------------------------------------------------------- tables in a file


@pytest.mark.parametrize("args", RUNS.values(), ids=RUNS.keys())
def test_table_file_is_plain_text_like_stdout(run_cli, tmp_path: Path, args):
    target = tmp_path / "report.txt"
    to_stdout = run_cli(*args)
    to_file = run_cli(*args, "-o", str(target), "--format", "table")
    assert to_file.code == to_stdout.code, to_file
    assert to_file.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert not ANSI.search(text), "escape sequences in a report file"
    assert text == to_stdout.stdout
    assert _summary_lines(to_file.stderr_lines)[0].startswith(f"bsscheck: wrote the table report to {target}")


def test_table_file_has_no_escape_codes_even_with_force_color(run_cli, tmp_path: Path):
    target = tmp_path / "report.txt"
    out = run_cli(
        *RUNS["can-call-customer"], "-o", str(target), env={"FORCE_COLOR": "1", "TERM": "xterm-256color"}
    )
    assert out.code == 1, out
    assert not ANSI.search(target.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- atomic: failures


def _breaking_renderer(error: Exception):
    def render(self, record, stream):
        stream.write('{\n  "schema_version": 1,\n  "account": ')  # half a report ...
        raise error  # ... then the renderer fails

    return render


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputError("rendering failed on purpose"), 2),
        (RuntimeError("rendering failed on purpose"), 3),
    ],
    ids=["input-error", "internal-error"],
)
@pytest.mark.parametrize("existing", [None, "the previous report\n"], ids=["new-target", "existing-target"])
@pytest.mark.parametrize(
    ("view", "args"),
    [
        ("can_call", RUNS["can-call-partner"]),
        ("missing_perms", RUNS["missing-perms-customer"]),
        ("explain", RUNS["explain-permission"]),
        ("apis", RUNS["apis"]),
    ],
    ids=["can-call", "missing-perms", "explain", "apis"],
)
def test_a_failing_render_leaves_no_file_and_no_temporary(
    run_cli, tmp_path: Path, monkeypatch, error, code, existing, view, args
):
    target = tmp_path / "report.json"
    if existing is not None:
        target.write_text(existing, encoding="utf-8")
    before = _listing(tmp_path)
    monkeypatch.setattr(json_format.JsonFormat, view, _breaking_renderer(error))
    out = run_cli(*args, "--format", "json", "-o", str(target))
    assert out.code == code, out
    assert out.stdout == "", "nothing half-written goes to stdout either"
    assert _listing(tmp_path) == before, "no temporary file is left behind"
    if existing is None:
        assert not target.exists()
    else:
        assert target.read_text(encoding="utf-8") == existing
    assert "wrote" not in out.stderr


@pytest.mark.parametrize("existing", [None, "the previous report\n"], ids=["new-target", "existing-target"])
def test_a_failing_rename_leaves_no_file_and_no_temporary(run_cli, tmp_path: Path, monkeypatch, existing):
    target = tmp_path / "report.json"
    if existing is not None:
        target.write_text(existing, encoding="utf-8")
    before = _listing(tmp_path)

    def refuse(source, destination):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cli.output.os.replace", refuse)
    out = run_cli(*RUNS["can-call-partner"], "--format", "json", "-o", str(target))
    assert out.code == 2, out
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1 and str(target) in out.stderr_lines[0], out
    assert "Permission denied" in out.stderr_lines[0]
    assert _listing(tmp_path) == before
    if existing is None:
        assert not target.exists()
    else:
        assert target.read_text(encoding="utf-8") == existing


def test_unencodable_text_leaves_no_temporary(run_cli, tmp_path: Path):
    target = tmp_path / "report.txt"
    out = run_cli("can-call", "-g", "samples/partner-grants.yaml", "GET /v2/x\udcff", "-o", str(target))
    assert out.code in (0, 2), out
    assert [name for name in _listing(tmp_path) if name != "report.txt"] == []


def test_control_unencodable_text_goes_to_stdout(run_cli):
    out = run_cli("can-call", "-g", "samples/partner-grants.yaml", "GET /v2/x\udcff")
    assert out.code == 0, out
    assert "/v2/x" in out.stdout


# --------------------------------------------------------------------------- bad targets


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_missing_directory_is_an_input_error_naming_the_path(run_cli, tmp_path: Path, fmt):
    target = tmp_path / "no-such-directory" / "report"
    out = run_cli(*RUNS["can-call-partner"], "--format", fmt, "-o", str(target))
    assert out.code == 2, out
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1, out
    assert out.stderr_lines[0].startswith("bsscheck: error:")
    assert str(target) in out.stderr_lines[0]
    assert not target.parent.exists(), "the directory is not created"


def test_existing_directory_as_target_is_a_usage_error(run_cli, tmp_path: Path):
    out = run_cli(*RUNS["can-call-partner"], "--format", "json", "-o", str(tmp_path))
    assert out.code == 2, out
    assert out.stdout == ""
    assert str(tmp_path) in out.stderr
    assert _listing(tmp_path) == []


def test_input_error_with_output_creates_nothing(run_cli, tmp_path: Path):
    target = tmp_path / "report.json"
    out = run_cli("can-call", "-g", "samples/partner-grants.yaml", "FETCH /x", "-o", str(target))
    assert out.code == 2, out
    assert _listing(tmp_path) == []
