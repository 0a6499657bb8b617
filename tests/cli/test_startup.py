"""What a one-API check loads: the start-up budget, kept by what is imported, not by a timer.

Speed is measured by benchmarks/run.py (README, Performance). These tests keep the causes of a
slow start from coming back unnoticed: modules only other commands need, standard-library
modules that click and PyYAML do not already load, and the other account type's table.
"""

from __future__ import annotations

import json

import pytest

PROBE = """
import contextlib, io, json, sys
before = set(sys.modules)
import click, yaml
baseline = set(sys.modules)
from cli.main import run
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        run(json.loads(sys.argv[1]))
    except SystemExit as done:
        code = done.code
from permtable.tables import bundled
print(json.dumps({
    "code": code,
    "added": sorted(set(sys.modules) - baseline),
    "baseline": sorted(baseline),
    "tables_read": bundled.cache_info().currsize,
}))
"""

# Only other commands or options need these; a one-API check must not pay for their import.
NOT_FOR_ONE_API = (
    "permtable.cover",  # missing-perms
    "permtable.operations",  # SDK operation names
    "permtable.unique",  # --unique
    "permtable.scan",  # scan, --from-source
    "permtable.fleet",  # who-can, matrix
    "cli.findings",  # the CI formats
    "cli.formats.table",  # rich
)
# Standard-library modules that cost a start-up more than the check itself. (dataclasses is
# not one: the value types are standard frozen dataclasses, and their cost is measured in
# benchmarks/run.py, within the start-up budget.)
HEAVY_STDLIB = (
    "pathlib",
    "tempfile",
    "importlib.resources",
    "urllib.parse",
    "traceback",
    "pkgutil",
)


@pytest.mark.parametrize(
    "args",
    [
        [
            "can-call",
            "--grants",
            "samples/partner-grants.yaml",
            "GET /v2/orders/customer-orders",
            "--format",
            "json",
        ],
        [
            "can-call",
            "--grants",
            "samples/customer-grants.yaml",
            "GET /v2/orders/customer-orders",
            "--format",
            "json",
        ],
    ],
    ids=["partner", "customer"],
)
def test_a_one_api_check_loads_only_what_it_needs(python_code, args):
    done = python_code(PROBE.replace("sys.argv[1]", repr(json.dumps(args))))
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    assert probe["code"] == 0
    added = probe["added"]
    assert [name for name in added if name.startswith(NOT_FOR_ONE_API)] == []
    assert [name for name in HEAVY_STDLIB if name in added] == []
    assert [name for name in added if name == "rich" or name.startswith("rich.")] == []
    # Both APIs are listed in the account's own table: the other table is never read.
    assert probe["tables_read"] == 1
