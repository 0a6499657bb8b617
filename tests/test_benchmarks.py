"""benchmarks/run.py stays runnable: its inputs are valid and its answers are checked.

Nothing here is timed (speed is what the script reports, never what a test asserts); this only
keeps the script from rotting as bsscheck changes.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from permtable.apis import iter_api_lines
from permtable.errors import InputError
from permtable.grants import load_grants_file

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bsscheck_benchmarks", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows(bench, tmp_path_factory):
    return bench.table_rows(bench.bsscheck_command(), tmp_path_factory.mktemp("rows"))


def test_the_api_log_is_a_valid_api_list(bench, rows, tmp_path):
    log = bench.generate_api_log(tmp_path / "api.log", 3000, rows)
    text = log.path.read_text("utf-8")
    assert text.count("\n") == log.lines == 3000
    refs = list(iter_api_lines(text, str(log.path)))  # raises on any line that is not an API
    assert len(refs) == log.apis
    assert len(log.distinct) > 100
    forms = "\n".join(log.distinct)
    assert "https://" in forms and "{" in forms and "get " in forms  # URLs, templates, lower case


def test_the_grants_files_load(bench, rows, tmp_path):
    assert bench.generate_grants(tmp_path, 40, rows) == 40
    files = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    assert len(files) == 40
    types = set()
    for path in files:
        try:
            types.add(load_grants_file(str(path)).account_type.value)
        except InputError as error:  # pragma: no cover  (shown when it fails)
            pytest.fail(f"{path}: {error}")
    assert types == {"partner", "customer"}


def test_a_quick_run_checks_its_answers(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-timing"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WRONG ANSWER" not in done.stdout
    assert "endpoint(s) for" in done.stdout and "checked" in done.stdout


def test_the_bare_json_pipeline_reads_the_large_files_it_is_timed_on(bench, rows, tmp_path):
    """The reference beside the merged-JSON row reads the same files and does its little work:
    every code decided, and each statement's one code the table does not list counted."""
    scale = sys.modules["scale"]  # imported by run.py from beside it
    files = scale.write_large_grants(tmp_path, 2, rows, ".json")
    codes = scale.table_codes(rows, "customer")
    done = subprocess.run(
        [sys.executable, "-c", scale.BARE_JSON_PIPELINE, ",".join(codes), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer["decided"]) == set(codes)
    custom = sum(count for text, count in answer["unknown"].items() if text.startswith("bss:custom"))
    assert custom == 2 * scale.LARGE_POLICIES * scale.LARGE_STATEMENTS
