"""``cli.main:console``, the installed command: ``run``, then an exit without teardown.

The quick exit must lose nothing: every byte of the payload, the exit code, and the teardown
itself when something asked for it (an ``atexit`` handler, as coverage tools register).
"""

from __future__ import annotations

import json

import pytest

PARTNER_GRANTS = "samples/partner-grants.yaml"


def test_a_large_payload_arrives_whole(run_subprocess, run_cli):
    done = run_subprocess("apis", "--format", "json")
    assert done.returncode == 0, done.stderr
    in_process = run_cli("apis", "--format", "json")
    assert done.stdout.decode("utf-8") == in_process.stdout
    assert len(json.loads(done.stdout)["entries"]) == 47


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders", "--format", "json"), 0),
        (("can-call", "-g", PARTNER_GRANTS, "POST /v2/partners/sub-customers/budget", "--format", "json"), 1),
        (("can-call", "-g", "no-such-file.yaml", "GET /v2/orders/customer-orders"), 2),
        (("--version",), 0),
        (("no-such-command",), 2),
    ],
    ids=["callable", "not-callable", "input-error", "version", "usage-error"],
)
def test_exit_codes_and_messages_are_those_of_run(run_subprocess, run_cli, args, code):
    done = run_subprocess(*args)
    in_process = run_cli(*args)
    assert done.returncode == in_process.code == code, done.stderr
    assert done.stdout.decode("utf-8") == in_process.stdout
    assert done.stderr.decode("utf-8").replace("cli", "bsscheck") == in_process.stderr.replace(
        "cli", "bsscheck"
    )


def test_an_atexit_handler_gets_the_normal_exit(python_code):
    done = python_code(
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown ran', flush=True))\n"
        "sys.argv = ['bsscheck', '--version']\n"
        "from cli.main import console\n"
        "console()\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "teardown ran"


def test_without_one_the_process_skips_the_teardown(python_code):
    # An object whose finaliser would print during a normal interpreter shutdown.
    done = python_code(
        "import sys\n"
        "class Loud:\n"
        "    def __del__(self):\n"
        "        print('finalised', flush=True)\n"
        "keep = Loud()\n"
        "sys.argv = ['bsscheck', '--version']\n"
        "from cli.main import console\n"
        "console()\n"
    )
    assert done.returncode == 0, done.stderr
    assert "bsscheck" in done.stdout and "finalised" not in done.stdout
