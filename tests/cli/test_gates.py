"""Gates: which findings fail the run (``--fail-on``), and reporting without failing (``--exit-zero``).

One table of cases, each run through the real entry point for both commands that take gates.
The grants are the samples: the customer sample has an explicit Deny (the pay API), a
conditional Allow (the renew API), a missing permission (balances) and no grant at all for an
unlisted API; ``samples/customer-policy.json`` alone has no Deny and no Condition.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

CUSTOMER = "samples/customer-grants.yaml"  # Deny, Condition, missing permission, system role
POLICY_ONLY = "samples/customer-policy.json"  # Allows only: no Deny, no Condition
PARTNER = "samples/partner-grants.yaml"

ALLOWED = "GET /v2/orders/customer-orders"  # allowed by both customer files
PAY = "POST /v3/orders/customer-orders/pay"  # explicit_deny under CUSTOMER
RENEW = "POST /v2/orders/subscriptions/resources/renew"  # conditional under CUSTOMER
BALANCES = "GET /v2/accounts/customer-accounts/balances"  # implicit_deny: not granted
UNLISTED = "GET /v2/bases/conversions"  # not in the customer table: callable, not checked
TYPO = "POST /v2/orders/subscriptions/resources/query"  # near miss of the documented 'suscriptions'
PARTNER_ONLY = "POST /v2/partners/sub-customers"  # documented only for partner accounts

PARTNER_OK = "GET /v2/orders/customer-orders"  # held through the Order desk role
PARTNER_MISSING = "POST /v2/partners/sub-customers/budget"  # not held


@dataclass(frozen=True)
class Case:
    id: str
    grants: str
    apis: tuple[str, ...]
    options: tuple[str, ...]
    code: int
    # A callable unlisted API: missing-perms does not list it but --fail-on unlisted still sees it.
    callable_unlisted_only: bool = False


CASES = [
    # default: exit 1 iff some API is not callable (near misses and other-type APIs included)
    Case("default-all-callable", POLICY_ONLY, (ALLOWED, UNLISTED), (), 0),
    Case("default-not-granted", POLICY_ONLY, (ALLOWED, BALANCES), (), 1),
    Case("default-denied", CUSTOMER, (ALLOWED, PAY), (), 1),
    Case("default-conditional", CUSTOMER, (RENEW,), (), 1),
    Case("default-unlisted-is-callable", CUSTOMER, (UNLISTED,), (), 0),
    Case("default-near-miss-fails", CUSTOMER, (UNLISTED, TYPO), (), 1),
    Case("default-other-account-type-fails", POLICY_ONLY, (ALLOWED, PARTNER_ONLY), (), 1),
    Case("default-partner-asking-a-customer-api-fails", PARTNER, (PARTNER_OK, BALANCES), (), 1),
    Case("default-strict-unlisted", CUSTOMER, (UNLISTED,), ("--strict",), 1),
    Case("default-partner-ok", PARTNER, (PARTNER_OK,), (), 0),
    Case("default-partner-missing", PARTNER, (PARTNER_OK, PARTNER_MISSING), (), 1),
    Case("not-callable-is-the-default", POLICY_ONLY, (BALANCES,), ("--fail-on", "not-callable"), 1),
    Case("not-callable-passes", POLICY_ONLY, (ALLOWED, UNLISTED), ("--fail-on", "not-callable"), 0),
    Case("not-callable-counts-conditional", CUSTOMER, (RENEW,), ("--fail-on", "not-callable"), 1),
    # near-miss and other-account-type: kinds of their own, which not-callable does not cover
    Case(
        "not-callable-leaves-out-a-near-miss", POLICY_ONLY, (ALLOWED, TYPO), ("--fail-on", "not-callable"), 0
    ),
    Case(
        "not-callable-leaves-out-other-account-type",
        POLICY_ONLY,
        (PARTNER_ONLY,),
        ("--fail-on", "not-callable"),
        0,
    ),
    Case("near-miss-alone", POLICY_ONLY, (ALLOWED, TYPO), ("--fail-on", "near-miss"), 1),
    Case("near-miss-ignores-missing", POLICY_ONLY, (BALANCES, PARTNER_ONLY), ("--fail-on", "near-miss"), 0),
    Case("other-account-type-alone", POLICY_ONLY, (PARTNER_ONLY,), ("--fail-on", "other-account-type"), 1),
    Case("other-account-type-ignores-a-typo", POLICY_ONLY, (TYPO,), ("--fail-on", "other-account-type"), 0),
    Case("exit-zero-near-miss", POLICY_ONLY, (TYPO, PARTNER_ONLY), ("--exit-zero",), 0),
    # denied
    Case("denied-on-the-customer-sample", CUSTOMER, (ALLOWED, PAY, BALANCES), ("--fail-on", "denied"), 1),
    Case("denied-ignores-a-missing-grant", POLICY_ONLY, (ALLOWED, BALANCES), ("--fail-on", "denied"), 0),
    Case("denied-ignores-conditional", CUSTOMER, (RENEW, BALANCES), ("--fail-on", "denied"), 0),
    Case("denied-on-a-partner-account", PARTNER, (PARTNER_MISSING,), ("--fail-on", "denied"), 0),
    Case("denied-ignores-strict-unlisted", CUSTOMER, (UNLISTED,), ("--fail-on", "denied", "--strict"), 0),
    # conditional
    Case("conditional-on-the-renew-api", CUSTOMER, (ALLOWED, RENEW), ("--fail-on", "conditional"), 1),
    Case("conditional-ignores-deny-and-missing", CUSTOMER, (PAY, BALANCES), ("--fail-on", "conditional"), 0),
    Case("conditional-without-conditions", POLICY_ONLY, (BALANCES,), ("--fail-on", "conditional"), 0),
    Case(
        "conditional-assumed-is-allowed",
        CUSTOMER,
        (RENEW,),
        ("--fail-on", "conditional", "--assume-conditions"),
        0,
    ),
    # unlisted
    Case(
        "unlisted-fails-a-callable-api",
        CUSTOMER,
        (ALLOWED, UNLISTED),
        ("--fail-on", "unlisted"),
        1,
        callable_unlisted_only=True,
    ),
    Case(
        "unlisted-fails-a-suspected-typo",
        POLICY_ONLY,
        (TYPO,),
        ("--fail-on", "unlisted"),
        1,
        callable_unlisted_only=True,
    ),
    Case("unlisted-all-listed-and-callable", POLICY_ONLY, (ALLOWED,), ("--fail-on", "unlisted"), 0),
    Case("unlisted-ignores-deny-and-missing", CUSTOMER, (PAY, BALANCES, RENEW), ("--fail-on", "unlisted"), 0),
    Case("unlisted-with-strict", CUSTOMER, (UNLISTED,), ("--fail-on", "unlisted", "--strict"), 1),
    # repeated --fail-on combine (union)
    Case(
        "denied-or-unlisted-neither",
        POLICY_ONLY,
        (ALLOWED, BALANCES),
        ("--fail-on", "denied", "--fail-on", "unlisted"),
        0,
    ),
    Case(
        "denied-or-unlisted-denied",
        CUSTOMER,
        (PAY,),
        ("--fail-on", "denied", "--fail-on", "unlisted"),
        1,
    ),
    Case(
        "denied-or-unlisted-unlisted",
        POLICY_ONLY,
        (ALLOWED, UNLISTED),
        ("--fail-on", "denied", "--fail-on", "unlisted"),
        1,
        callable_unlisted_only=True,
    ),
    Case(
        "denied-or-conditional-neither",
        CUSTOMER,
        (BALANCES, UNLISTED),
        ("--fail-on", "denied", "--fail-on", "conditional"),
        0,
    ),
    Case(
        "denied-or-conditional-conditional",
        CUSTOMER,
        (RENEW,),
        ("--fail-on", "denied", "--fail-on", "conditional"),
        1,
    ),
    Case(
        "not-callable-and-unlisted",
        POLICY_ONLY,
        (ALLOWED, UNLISTED),
        ("--fail-on", "not-callable", "--fail-on", "unlisted"),
        1,
        callable_unlisted_only=True,
    ),
    Case(
        "repeating-a-kind-is-harmless",
        POLICY_ONLY,
        (BALANCES,),
        ("--fail-on", "denied", "--fail-on", "denied"),
        0,
    ),
    # --exit-zero: findings are reported, the run passes
    Case("exit-zero-with-every-finding", CUSTOMER, (PAY, RENEW, BALANCES, UNLISTED), ("--exit-zero",), 0),
    Case("exit-zero-beats-fail-on", CUSTOMER, (PAY, UNLISTED), ("--fail-on", "denied", "--exit-zero"), 0),
    Case("exit-zero-partner", PARTNER, (PARTNER_MISSING,), ("--exit-zero",), 0),
    Case("exit-zero-strict", CUSTOMER, (UNLISTED,), ("--strict", "--exit-zero"), 0),
]


def _params(command: str) -> list[object]:
    params = []
    for case in CASES:
        params.append(pytest.param(command, case, id=f"{command}-{case.id}"))
    return params


@pytest.mark.parametrize(("command", "case"), _params("can-call") + _params("missing-perms"))
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_gate(run_cli, command, case, fmt):
    out = run_cli(command, "-g", case.grants, *case.apis, *case.options, "--format", fmt)
    assert out.code == case.code, out
    assert out.stdout.strip(), "the report is printed whatever the exit code"
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
@pytest.mark.parametrize(
    "case", [case for case in CASES if not case.options or case.options == ("--strict",)], ids=lambda c: c.id
)
def test_default_gate_is_exactly_some_api_not_callable(run_cli, command, case):
    # Default: exit 1 if and only if the report says some API is not callable.
    out = run_cli(command, "-g", case.grants, *case.apis, *case.options, "--format", "json")
    assert out.code in (0, 1), out
    assert (out.code == 1) == (out.json()["summary"]["not_callable"] > 0)


def test_exit_zero_still_reports_the_findings(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER, PAY, BALANCES, "--exit-zero", "--format", "json")
    assert out.code == 0, out
    assert out.json()["summary"]["not_callable"] == 2


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
@pytest.mark.parametrize(
    "args",
    [
        ("-g", CUSTOMER, "FETCH /x"),
        ("-g", "samples/no-such-grants.yaml", ALLOWED),
        ("-g", CUSTOMER, "--apis", "samples/no-such-apis.txt"),
        ("-g", CUSTOMER, "-g", PARTNER, ALLOWED),
    ],
    ids=["bad-api", "missing-grants-file", "missing-apis-file", "mixed-account-types"],
)
@pytest.mark.parametrize("gate", [("--exit-zero",), ("--exit-zero", "--fail-on", "denied"), ()])
def test_input_errors_exit_2_whatever_the_gates(run_cli, command, args, gate):
    out = run_cli(command, *args, *gate)
    assert out.code == 2, out
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1 and out.stderr_lines[0].startswith("bsscheck: error:"), out


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
@pytest.mark.parametrize("value", ["typo", "deny", "NOT-CALLABLE", ""])
def test_unknown_fail_on_value_is_a_usage_error(run_cli, command, value):
    out = run_cli(command, "-g", POLICY_ONLY, ALLOWED, "--fail-on", value)
    assert out.code == 2, out
    assert out.stdout == ""
    assert "--fail-on" in out.stderr
    for kind in ("not-callable", "denied", "conditional", "unlisted", "near-miss", "other-account-type"):
        assert kind in out.stderr, "the error lists the valid kinds"


@pytest.mark.parametrize("command", ["explain", "apis"])
def test_gates_belong_to_the_check_commands_only(run_cli, command):
    target = ("bss:order:view",) if command == "explain" else ()
    out = run_cli(command, *target, "--exit-zero")
    assert out.code == 2, out


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("grants", [CUSTOMER, POLICY_ONLY, PARTNER])
def test_the_gates_and_the_formats_classify_alike(grants, strict):
    # The gates read typed results, the formats their records: one kind for each result.
    from cli.finding_kinds import finding_kind, result_kind
    from permtable.apis import parse_api
    from permtable.evaluate import EvaluationPolicy
    from permtable.grants import load_grants
    from permtable.queries import can_call
    from permtable.tables import TableSet

    apis = [
        ALLOWED,
        PAY,
        RENEW,
        BALANCES,
        UNLISTED,
        TYPO,
        PARTNER_ONLY,
        PARTNER_MISSING,
        "POST /v2/orders/{x}/pay",
    ]
    report = can_call(
        [parse_api(api) for api in apis], load_grants([grants]), TableSet(), EvaluationPolicy(strict)
    )
    records = report.record().results
    kinds = [result_kind(result) for result in report.results]
    assert kinds == [finding_kind(record) for record in records]
    assert len(set(kinds)) >= 3, "control: the APIs reach several kinds"
