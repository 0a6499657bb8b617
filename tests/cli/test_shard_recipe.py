"""The README's recipe for sharding a fleet audit: who-can (or matrix with its APIs given) on
each shard, then samples/shard/merge_reports.py, gives the report of one run over the fleet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MERGE = ROOT / "samples" / "shard" / "merge_reports.py"
# Shards by folder: an account's policy files stay with it (a shard holding only a policy file
# would count it as an account).
SHARDS = ("samples/fleet/customers", "samples/fleet/partners")
PAY = "POST /v3/orders/customer-orders/pay"


def _merge(tmp_path: Path, reports: list[str]) -> subprocess.CompletedProcess[str]:
    paths = []
    for number, report in enumerate(reports):
        path = tmp_path / f"shard-{number}.json"
        path.write_text(report, "utf-8")
        paths.append(str(path))
    return subprocess.run(
        [sys.executable, str(MERGE), *paths], capture_output=True, text=True, check=False, timeout=60
    )


@pytest.mark.parametrize(
    "question",
    [
        ["who-can", PAY],
        ["who-can", "GET /v2/orders/customer-orders"],
        ["matrix", PAY, "GET /v2/orders/customer-orders", "GET /v2/accounts/customer-accounts/balances"],
    ],
)
def test_merged_shards_equal_one_run(run_cli, tmp_path, question):
    whole = run_cli(*question, "-g", "samples/fleet", "--format", "json")
    shards = [run_cli(*question, "-g", shard, "--format", "json") for shard in SHARDS]
    merged = _merge(tmp_path, [shard.stdout for shard in shards])
    assert merged.returncode == 0, merged.stderr
    assert json.loads(merged.stdout) == whole.json()


def test_shards_of_different_questions_are_refused(run_cli, tmp_path):
    one = run_cli("who-can", PAY, "-g", SHARDS[0], "--format", "json")
    other = run_cli("who-can", "GET /v2/orders/customer-orders", "-g", SHARDS[1], "--format", "json")
    merged = _merge(tmp_path, [one.stdout, other.stdout])
    assert merged.returncode == 2
    assert "do not answer the same question" in merged.stderr
