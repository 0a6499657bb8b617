"""Fixtures for command-line tests: run ``bsscheck`` in-process through its real entry point.

``cli.main:run`` is what the console script (``cli.main:console``) runs. It owns the exit-code
mapping (InputError -> 2, click usage errors -> 2, a command's return value -> its exit code),
so every test goes through it rather than through ``click.testing.CliRunner`` in standalone
mode, which would swallow the commands' return values and report 0 for findings.

Every test runs from the project root with a clean, known environment (no locale, no colour
variables, COLUMNS=120), so sample paths in reports are the relative ones a newcomer types.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli.main import run

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"


def machine_independent(value: Any) -> Any:
    """File paths in a JSON value made relative to the project root, so a golden file holds
    on any machine."""
    if isinstance(value, dict):
        return {key: machine_independent(item) for key, item in value.items()}
    if isinstance(value, list):
        return [machine_independent(item) for item in value]
    if isinstance(value, str):
        return value.replace(str(ROOT) + os.sep, "").replace(str(ROOT), ".")
    return value


@pytest.fixture
def golden_json() -> Callable[[str, Any], None]:
    """``golden_json(name, value)``: ``value`` (made machine independent) equals
    ``golden/<name>``; BSSCHECK_UPDATE_GOLDEN=1 writes it first, to be reviewed."""

    def check(name: str, value: Any) -> None:
        actual = machine_independent(value)
        golden = GOLDEN / name
        if os.environ.get("BSSCHECK_UPDATE_GOLDEN"):
            golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        expected = json.loads(golden.read_text(encoding="utf-8"))
        assert actual == expected, (
            f"{name} changed; if on purpose, rerun with BSSCHECK_UPDATE_GOLDEN=1 and review"
        )

    return check


# Environment variables that change what bsscheck prints; each test starts without them.
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
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    # A test run on a GitHub runner must never append to the real job summary.
    "GITHUB_STEP_SUMMARY",
)


@dataclass(frozen=True)
class Outcome:
    """What one run of bsscheck produced."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def __str__(self) -> str:  # shown by pytest when an assertion about an Outcome fails
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in VOLATILE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "dumb")
    # rich asks the terminal on stdin/stdout/stderr for its width, so `pytest -s` in a narrow or
    # wide terminal would change the tables; a fixed width keeps text assertions deterministic.
    # Tests about width set COLUMNS themselves (or run a subprocess with no terminal at all).
    monkeypatch.setenv("COLUMNS", "120")
    # The bundled tables are older than the default --max-table-age, so every run would warn;
    # tests about other things are kept free of that warning, and tests about it unset this.
    monkeypatch.setenv("BSSCHECK_MAX_TABLE_AGE", "0")
    monkeypatch.chdir(ROOT)
    yield


RunCli = Callable[..., Outcome]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """``run_cli(*args, input=None, env=None)`` -> Outcome(code, stdout, stderr).

    ``input`` feeds standard input (for ``--apis -``); ``env`` sets variables (None removes one).
    """

    def invoke(
        *args: str, input: str | bytes | None = None, env: dict[str, str | None] | None = None
    ) -> Outcome:
        for name, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        capsys.readouterr()  # drop anything printed before this run
        try:
            run(list(args))
        except SystemExit as exit_request:
            code = exit_request.code
        else:
            pytest.fail("cli.main.run returned instead of exiting with a status")
        captured = capsys.readouterr()
        assert isinstance(code, int), f"exit status must be an int, got {code!r}"
        return Outcome(code, captured.out, captured.err)

    return invoke


def _run_subprocess(
    *args: str, env: dict[str, str] | None = None, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m cli ARGS`` in a fresh interpreter, from the project root."""
    environment = {key: value for key, value in os.environ.items() if key not in VOLATILE_ENV}
    environment["PYTHONIOENCODING"] = "utf-8"
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        env=environment,
        input=input if input is not None else b"",  # never a terminal on stdin
        capture_output=True,
        timeout=120,
        check=False,
    )


def _python_code(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a snippet in a fresh interpreter from the project root."""
    environment = {key: value for key, value in os.environ.items() if key not in VOLATILE_ENV}
    environment["PYTHONIOENCODING"] = "utf-8"
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# Test modules take these as fixtures rather than importing them: test modules are collected
# without packages (no tests/__init__.py), and fixtures work under every pytest import mode.


@pytest.fixture
def run_subprocess() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """``run_subprocess(*args, env=None, input=None)``: ``python -m cli ARGS`` in a fresh process."""
    return _run_subprocess


@pytest.fixture
def python_code() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``python_code(source, env=None)``: run a snippet in a fresh interpreter at the project root."""
    return _python_code


@pytest.fixture
def root() -> Path:
    return ROOT


def _shape_errors(report: dict[str, Any], shape: str) -> list[str]:
    from importlib import resources

    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schema = json.loads(resources.files("cli.schemas").joinpath("report-v2.schema.json").read_text("utf-8"))
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    validator = Draft202012Validator({"$ref": f"{schema['$id']}#/$defs/{shape}"}, registry=registry)
    top = Draft202012Validator(schema)
    return [error.message for error in (*validator.iter_errors(report), *top.iter_errors(report))]


@pytest.fixture
def shape_errors() -> Callable[[dict[str, Any], str], list[str]]:
    """``shape_errors(report, shape)``: what the v1 JSON Schema finds wrong with ``report`` as one
    of its ``$defs`` shapes (who-can-report, diff-report, ...) and as a whole; [] when it fits."""
    return _shape_errors
