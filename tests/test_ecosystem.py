"""The GitHub Action, the pre-commit hook and `python -m cli`, exercised for real."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def _hooks() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def action_env(tmp_path: Path) -> dict[str, str]:
    """What the runner provides, with a bsscheck shim in place of the installed venv."""
    runner_temp = tmp_path / "runner"
    bin_dir = runner_temp / "bsscheck-venv" / "bin"
    bin_dir.mkdir(parents=True)
    shim = bin_dir / "bsscheck"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("INPUT_", "GITHUB_"))}
    env.update(
        RUNNER_TEMP=str(runner_temp),
        GITHUB_OUTPUT=str(output),
        PYTHONPATH=str(ROOT),
        INPUT_COMMAND="can-call",
        INPUT_GRANTS="",
        INPUT_APIS="",
        INPUT_FILES="",
        INPUT_FORMAT="github",
        INPUT_OUTPUT="",
        INPUT_FAIL_ON="",
        INPUT_ARGS="",
    )
    return env


def _run_step(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (step,) = [step for step in _action()["runs"]["steps"] if step.get("id") == "run"]
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_action_inputs_are_passed_through_the_environment_only():
    action = _action()
    assert action["runs"]["using"] == "composite"
    for step in action["runs"]["steps"]:
        # An input spliced into the script would let a workflow inject shell code.
        assert "${{ inputs." not in step["run"], step["name"]
    inputs = set(action["inputs"])
    assert {"command", "grants", "apis", "format", "fail-on", "output"} <= inputs


def test_action_runs_can_call_and_reports_the_exit_code(action_env, tmp_path):
    action_env.update(
        INPUT_GRANTS="samples/customer-grants.yaml\n",
        INPUT_APIS="samples/customer-apis.txt",
        INPUT_FORMAT="json",
        INPUT_OUTPUT=str(tmp_path / "report.json"),
    )
    done = _run_step(action_env)
    assert done.returncode == 1, done.stderr
    assert "exit-code=1" in Path(action_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["not_callable"] == 3


def test_action_fail_on_and_args_reach_the_command(action_env):
    action_env.update(
        INPUT_GRANTS="samples/customer-grants.yaml",
        INPUT_APIS="samples/customer-apis.txt",
        INPUT_FORMAT="json",
        INPUT_FAIL_ON="unlisted\n",
        INPUT_ARGS="--assume-conditions\n",
    )
    done = _run_step(action_env)
    report = json.loads(done.stdout)
    assert report["options"]["assume_conditions"] is True
    # GET /v2/bases/conversions is not in the table: --fail-on unlisted fails the step.
    assert done.returncode == 1
    assert "exit-code=1" in Path(action_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")


def test_action_validate_with_files(action_env):
    action_env.update(
        INPUT_COMMAND="validate",
        INPUT_FILES="samples/partner-grants.yaml\nsamples/partner-apis.txt\n",
        INPUT_FORMAT="json",
    )
    done = _run_step(action_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"] == {"total": 2, "ok": 2, "findings": 0, "errors": 0}


def test_action_reports_input_errors_as_exit_2(action_env):
    action_env.update(
        INPUT_GRANTS="no/such/grants.yaml", INPUT_APIS="samples/partner-apis.txt", INPUT_FORMAT="json"
    )
    done = _run_step(action_env)
    assert done.returncode == 2
    assert "no/such/grants.yaml" in done.stderr
    assert "exit-code=2" in Path(action_env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- pre-commit


def test_pre_commit_hook_runs_bsscheck_validate():
    (hook,) = _hooks()
    assert hook["id"] == "bsscheck-validate"
    assert hook["entry"].split() == ["bsscheck", "validate"]
    assert hook["pass_filenames"] is True
    assert hook["language"] == "python"


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("bsscheck/billing-bot.yaml", True),
        ("grants/partner.yml", True),
        ("policies/finance.json", True),
        ("ci/bsscheck/apis.txt", True),
        ("samples/partner-grants.yaml", True),
        ("samples/customer-apis.txt", True),
        (".github/workflows/ci.yml", False),
        ("docker-compose.yaml", False),
        ("README.md", False),
        ("grants/notes.md", False),
    ],
)
def test_pre_commit_hook_default_files_pattern(path, selected):
    (hook,) = _hooks()
    assert bool(re.search(hook["files"], path)) is selected


def test_pre_commit_hook_command_checks_the_samples():
    # What pre-commit would run on the samples it selects: the sample customer grants carry a
    # deliberate system role (a finding), everything else is clean.
    (hook,) = _hooks()
    selected = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "samples").iterdir()
        if re.search(hook["files"], str(path.relative_to(ROOT)))
    )
    assert "samples/partner-grants.yaml" in selected
    done = subprocess.run(
        [sys.executable, "-m", "cli", "validate", "--format", "json", *selected],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    report = json.loads(done.stdout)
    statuses = {item["file"]: item["status"] for item in report["files"]}
    assert statuses.pop("samples/customer-grants.yaml") == "findings"
    assert set(statuses.values()) == {"ok"}
    assert done.returncode == 1


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_check_sample_script_reports_missing_permissions(tmp_path):
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "bsscheck"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{shim_dir}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(ROOT))
    workdir = tmp_path / "work"
    shutil.copytree(ROOT / "samples", workdir / "samples")
    done = subprocess.run(
        ["bash", "samples/ci-check.sh"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "BPC_ITEM_SUBCUSTSERV_010111" in done.stderr
    assert (
        json.loads((workdir / "bsscheck-report.json").read_text(encoding="utf-8"))["summary"]["not_callable"]
        == 1
    )


def test_action_from_source_and_scan(action_env):
    action_env.update(
        INPUT_GRANTS="samples/customer-grants.yaml",
        INPUT_FROM_SOURCE="samples/billing-app\n",
        INPUT_FORMAT="json",
    )
    done = _run_step(action_env)
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)["results"]
    assert all(result["call_sites"] for result in results) and len(results) == 5
    action_env.update(
        INPUT_COMMAND="scan", INPUT_GRANTS="", INPUT_FROM_SOURCE="", INPUT_FILES="samples/billing-app\n"
    )
    done = _run_step(action_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["apis"] == 5


# --------------------------------------------------------------------------- dependency floors


def _declared_floors() -> dict[str, str]:
    import tomllib  # Python 3.11+; the floors test is skipped on 3.10, the others are not

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    floors = {}
    for requirement in project["dependencies"]:
        name, _, version = requirement.partition(">=")
        floors[name.strip().lower()] = version.strip()
    return floors


def test_ci_tests_the_oldest_declared_dependency_versions():
    pytest.importorskip("tomllib")
    pins = {}
    for line in (ROOT / ".ci" / "oldest-constraints.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    floors = _declared_floors()
    assert set(pins) == set(floors), "every run-time dependency has its floor pinned, and only those"
    for name, floor in floors.items():
        # "13" and "13.0.0" are one version: compare them padded.
        padded = [int(part) for part in floor.split(".")] + [0] * 3
        pinned = [int(part) for part in pins[name].split(".")] + [0] * 3
        assert padded[:3] == pinned[:3], (name, floor, pins[name])
    assert ".ci/oldest-constraints.txt" in (ROOT / ".ci" / "run").read_text("utf-8")
