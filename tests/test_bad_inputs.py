"""The bad-inputs corpus: every hostile or broken file a user can hand bsscheck, one file per case.

``tests/bad_inputs/cases.yaml`` lists the cases (its header documents the fields). Each case runs
twice through the real entry point, in-process: once through its command (``can-call`` with the
file as grants, policy, table or API list) and once through ``bsscheck validate FILE --format
json``. An input error must be exactly one ``bsscheck: error:`` line naming the file (and line),
exit 2, print nothing on stdout and never a traceback; a documented warning must not become an
error. Files that would be awkward to commit (other encodings, NUL bytes, 11 MB, symlink loops)
are generated into ``tmp_path``. Known bugs stay in the corpus as strict xfails.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import run

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
MANIFEST = CORPUS / "cases.yaml"

API = "GET /v2/orders/customer-orders"
PARTNER_GRANTS = "samples/partner-grants.yaml"
DEFAULT_COMMANDS = {
    "grants": ("can-call", "-g", "{file}", API),
    "policy": ("can-call", "-g", "{file}", API),
    "apis": ("can-call", "-g", PARTNER_GRANTS, "--apis", "{file}"),
    "table": ("can-call", "--table", "{file}", "-g", PARTNER_GRANTS, API),
}
FIELDS = {
    "id",
    "file",
    "role",
    "command",
    "expect_exit",
    "stderr_contains",
    "expect_line",
    "names_file",
    "output",
    "max_seconds",
    "marker",
    "generate",
    "validate_exit",
    "validate_contains",
    "validate_args",
    "validate_line",
    "xfail",
    "validate_xfail",
    "description",
}
REQUIRED = {"id", "file", "role", "expect_exit", "stderr_contains", "description"}

# Environment variables that change what bsscheck prints (as in tests/cli/conftest.py).
VOLATILE_ENV = (
    "LC_ALL",
    "LC_MESSAGES",
    "LANG",
    "LANGUAGE",
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "GITHUB_STEP_SUMMARY",
)

# --------------------------------------------------------------------------- generated files

# A valid partner grants file that can call API: what the encoding cases re-encode.
GRANTS = "type: partner\naccount: ops-billing-bot\nactions:\n  - BPC_ITEM_SUBCUSTSERV_060100\n"
DEPTH = 100_000


def _oversize() -> bytes:
    line = b"# " + b"x" * 1021 + b"\n"  # 1 KiB comment lines
    return GRANTS.encode() + line * (11 * 1024)


def _long_line() -> bytes:
    line = "GET /v2/" + "a" * (10_000 - len("GET /v2/"))
    assert len(line) == 10_000
    return f"{API}\n{line}\n".encode()


def generated(kind: str) -> bytes:
    """The bytes of a generated regular file (see `generate` in cases.yaml)."""
    if kind == "oversize":
        return _oversize()
    if kind == "long-line":
        return _long_line()
    if kind == "utf16-bom":
        return b"\xff\xfe" + GRANTS.encode("utf-16-le")
    if kind == "utf16-no-bom":
        return GRANTS.encode("utf-16-le")
    if kind == "latin1":
        text = "type: partner\nactions: [BPC_ITEM_SUBCUSTSERV_060100]\naccount: opérations-facturation\n"
        return text.encode("latin-1")
    texts = {
        "nul-bytes": GRANTS.replace("ops-billing", "ops\x00billing"),
        "deep-flow": "type: partner\nactions: " + "[" * DEPTH + "]" * DEPTH + "\n",
        "deep-block": "type: partner\nactions:\n  " + "- " * DEPTH + "x\n",
        "deep-json": '{"type": "partner", "actions": ' + "[" * DEPTH + "]" * DEPTH + "}\n",
        "escape-char": f"{API}\nGET /v2/orders/\x1b[31mcustomer-orders\n",
        "line-separator": f"# Orders\u2028and order details\n{API}\nFETCH /x\n",
    }
    return texts[kind].encode("utf-8")


# generate kinds that make a regular file from generated(); SPECIAL kinds make something else
CONTENTS = {
    "utf16-bom",
    "utf16-no-bom",
    "latin1",
    "nul-bytes",
    "oversize",
    "deep-flow",
    "deep-block",
    "deep-json",
    "long-line",
    "escape-char",
    "line-separator",
}
SPECIAL = {"substitute", "directory", "missing", "symlink-loop", "unreadable"}


def materialise(case: dict[str, Any], tmp_path: Path) -> str:
    """The path to pass to bsscheck: the committed file, or one generated into tmp_path."""
    kind = case.get("generate")
    if kind is None:
        return f"tests/bad_inputs/{case['file']}"
    target = tmp_path / case["file"]
    if kind in CONTENTS:
        target.write_bytes(generated(kind))
    elif kind == "substitute":
        text = (CORPUS / case["file"]).read_text("utf-8")
        target.write_text(text.replace("@TMP@", str(tmp_path)), "utf-8")
    elif kind == "directory":
        target.mkdir()
    elif kind == "symlink-loop":
        other = tmp_path / f"{target.stem}-2{target.suffix}"
        target.symlink_to(other.name)
        other.symlink_to(target.name)
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("running as root: mode 000 does not stop root from reading the file")
        target.write_text(GRANTS, "utf-8")
        target.chmod(0)
    else:
        assert kind == "missing"
    return str(target)


# --------------------------------------------------------------------------- the manifest


def load_cases() -> list[dict[str, Any]]:
    """Read cases.yaml and refuse a manifest that disagrees with the corpus directory."""
    cases = yaml.safe_load(MANIFEST.read_text("utf-8"))["cases"]
    ids = [case["id"] for case in cases]
    duplicates = {item for item in ids if ids.count(item) > 1}
    if duplicates:
        raise ValueError(f"cases.yaml: duplicate ids {sorted(duplicates)}")
    committed = set()
    for case in cases:
        where = f"cases.yaml: case {case.get('id')!r}"
        if unknown := set(case) - FIELDS:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        if missing := REQUIRED - set(case):
            raise ValueError(f"{where}: missing fields {sorted(missing)}")
        if case["role"] not in DEFAULT_COMMANDS:
            raise ValueError(f"{where}: role must be one of {sorted(DEFAULT_COMMANDS)}")
        if case["expect_exit"] not in (0, 1, 2):
            raise ValueError(f"{where}: expect_exit must be 0, 1 or 2")
        if case["expect_exit"] != 2 and "validate_exit" not in case:
            raise ValueError(f"{where}: a case that does not exit 2 needs validate_exit")
        kind = case.get("generate")
        if kind is not None and kind not in CONTENTS and kind not in SPECIAL:
            raise ValueError(f"{where}: unknown generate kind {kind!r}")
        if kind is None or kind == "substitute":
            if not (CORPUS / case["file"]).is_file():
                raise ValueError(f"{where}: corpus file {case['file']} does not exist")
            committed.add(case["file"])
        elif (CORPUS / case["file"]).exists():
            raise ValueError(f"{where}: generated, but {case['file']} is also committed")
    orphans = {path.name for path in CORPUS.iterdir()} - committed - {MANIFEST.name}
    if orphans:
        raise ValueError(f"tests/bad_inputs: files no case uses: {sorted(orphans)}")
    return cases


def _help_mentions(command: str, option: str) -> bool:
    """Whether ``bsscheck COMMAND --help`` documents OPTION (asked once, at collection time)."""
    result = subprocess.run(
        [sys.executable, "-m", "cli", command, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return option in result.stdout


CASES = load_cases()
MAX_FILE_SIZE = {command: _help_mentions(command, "--max-file-size") for command in ("can-call", "validate")}


def _params() -> list[Any]:
    params = []
    for case in CASES:
        for mode in ("command", "validate"):
            args = _arguments(case, mode, "{file}")
            marks = []
            reason = case.get("xfail")
            if mode == "validate" and "validate_xfail" in case:
                reason = case["validate_xfail"]
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            elif "--max-file-size" in args and not MAX_FILE_SIZE[args[0]]:
                marks.append(pytest.mark.xfail(strict=True, reason="option pending: --max-file-size"))
            label = "validate" if mode == "validate" else args[0]
            params.append(pytest.param(case, mode, id=f"{case['id']}-{label}", marks=marks))
    return params


def _arguments(case: dict[str, Any], mode: str, path: str) -> list[str]:
    if mode == "validate":
        return ["validate", path, "--format", "json", *case.get("validate_args", [])]
    command = case.get("command") or DEFAULT_COMMANDS[case["role"]]
    return [argument.replace("{file}", path) for argument in command]


# --------------------------------------------------------------------------- running bsscheck


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def __str__(self) -> str:
        timing = f"exit {self.code} in {self.seconds:.2f}s"
        return f"{timing}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture
def bsscheck(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run ``cli.main.run`` (the console script) in-process from the project root."""
    for name in VOLATILE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("BSSCHECK_MAX_TABLE_AGE", "0")  # the bundled tables' age is tested elsewhere
    monkeypatch.chdir(ROOT)

    def invoke(*args: str) -> Outcome:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
        capsys.readouterr()
        started = time.monotonic()
        try:
            run(list(args))
        except SystemExit as exit_request:
            code = exit_request.code
        else:
            pytest.fail("cli.main.run returned instead of exiting")
        seconds = time.monotonic() - started
        captured = capsys.readouterr()
        assert isinstance(code, int), f"exit status must be an int, got {code!r}"
        return Outcome(code, captured.out, captured.err, seconds)

    return invoke


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize(("case", "mode"), _params())
def test_bad_input(bsscheck: Callable[..., Outcome], tmp_path: Path, case: dict[str, Any], mode: str):
    path = materialise(case, tmp_path)
    args = _arguments(case, mode, path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    if mode == "command" and case.get("output"):
        args += ["-o", str(out_dir / "report.txt")]

    outcome = bsscheck(*args)

    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome
    assert "internal error" not in outcome.stderr, outcome
    if "max_seconds" in case:
        assert outcome.seconds < case["max_seconds"], outcome
    if "marker" in case:
        assert not (tmp_path / case["marker"]).exists(), "a YAML tag ran code"
    assert list(out_dir.iterdir()) == [], "an output or temporary file was left behind"
    if mode == "validate":
        _check_validate(case, path, outcome)
    else:
        _check_command(case, path, outcome)


def _named(case: dict[str, Any], path: str, line: int | None) -> str:
    """The location the message must name: FILE: or FILE:LINE:."""
    shown = case.get("names_file", path)
    return f"{shown}:{line}:" if line is not None else f"{shown}:"


def _check_command(case: dict[str, Any], path: str, outcome: Outcome) -> None:
    assert outcome.code == case["expect_exit"], outcome
    fragments = case["stderr_contains"]
    if case["expect_exit"] == 2:
        assert outcome.stdout == "", outcome
        assert len(outcome.stderr_lines) == 1, outcome
        line = outcome.stderr_lines[0]
        assert line.startswith("bsscheck: error: "), outcome
        assert _named(case, path, case.get("expect_line")) in line, outcome
        for fragment in fragments:
            assert fragment in line, f"{fragment!r} missing from: {line}"
        return
    # Accepted, or a documented warning: a report on stdout, never an error line.
    assert API in outcome.stdout, outcome
    assert "bsscheck: error" not in outcome.stderr, outcome
    if not fragments:
        assert outcome.stderr == "", outcome
        return
    warnings = [line for line in outcome.stderr_lines if line.startswith("bsscheck: warning: ")]
    assert warnings == outcome.stderr_lines, outcome
    matching = [line for line in warnings if all(fragment in line for fragment in fragments)]
    assert matching, outcome
    assert any(_named(case, path, case.get("expect_line")) in line for line in matching), outcome


def _check_validate(case: dict[str, Any], path: str, outcome: Outcome) -> None:
    expected = case.get("validate_exit", 2)
    assert outcome.code == expected, outcome
    assert outcome.stderr == "", outcome
    report = json.loads(outcome.stdout)
    (check,) = report["files"]
    assert check["file"] == path
    fragments = case.get("validate_contains", case["stderr_contains"])
    if expected == 2:
        assert check["status"] == "error", outcome
        texts = [check["error"]["text"]]
        location = check["error"]["location"]
    elif expected == 1:
        assert check["status"] == "findings", outcome
        texts = [finding["text"] for finding in check["findings"]]
        texts = [text for text in texts if all(fragment in text for fragment in fragments)]
        assert texts, outcome
        location = next(finding["location"] for finding in check["findings"] if finding["text"] == texts[0])
    else:
        assert check["status"] == "ok", outcome
        return
    for fragment in fragments:
        assert fragment in texts[0], f"{fragment!r} missing from: {texts[0]}"
    assert case.get("names_file", path) in location["file"], outcome
    line = case.get("validate_line", case.get("expect_line"))
    assert _named(case, path, line) in texts[0], outcome
    if line is not None:
        assert location["line"] == line, outcome
