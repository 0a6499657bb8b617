"""The JSON Schema of the v1 JSON output: shipped in the package, valid, and true to real output.

The schema is loaded the way a consumer would load it, from the installed package ``cli.schemas``.
Every command's real ``--format json`` output on both samples must validate, against the
top-level schema and against the one report shape it is; mutated copies of real output (a
required key dropped, a wrong decision, a string where a boolean belongs) must not.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from permtable.evaluate import Decision

SCHEMA_FILE = "report-v2.schema.json"
SHAPES = (
    "can-call-report",
    "missing-perms-report",
    "explain-report",
    "apis-report",
    "scan-report",
    "who-can-report",
    "diff-report",
    "matrix-report",
    "terraform-diff-report",
)

PARTNER = ("-g", "samples/partner-grants.yaml", "--apis", "samples/partner-apis.txt")
CUSTOMER = ("-g", "samples/customer-grants.yaml", "--apis", "samples/customer-apis.txt")
EXPORT = "samples/huawei-export/"
# A user's identity policy and two groups' IAM exports, bounded by an SCP (identity policies,
# unknown and SCP-blocked decisions, identity and scp_checks keys).
HUAWEI_EXPORT = (
    *("-g", f"{EXPORT}user-identity-policy.json", "-g", f"{EXPORT}group-finance-ops.json"),
    *("-g", f"{EXPORT}group-auditors.json", "--scp", f"{EXPORT}scp-billing-guardrail.json"),
    *("--apis", f"{EXPORT}apis.txt"),
)

# (id, arguments, the report shape it is, expected exit code)
RUNS = [
    ("can-call-partner", ("can-call", *PARTNER), "can-call-report", 1),
    ("can-call-huawei-export", ("can-call", *HUAWEI_EXPORT), "can-call-report", 1),
    (
        "diff-terraform-plan",
        ("diff", "--terraform-plan", "samples/terraform/plan.json"),
        "terraform-diff-report",
        1,
    ),
    (
        "can-call-terraform-plan",
        (
            "can-call",
            "--terraform-plan",
            "samples/terraform/plan.json",
            "--principal",
            "user:billing-bot",
            "--apis",
            "samples/customer-apis.txt",
        ),
        "can-call-report",
        1,
    ),
    ("missing-perms-huawei-export", ("missing-perms", *HUAWEI_EXPORT), "missing-perms-report", 1),
    ("can-call-customer", ("can-call", *CUSTOMER), "can-call-report", 1),
    (
        "can-call-customer-zh-strict",
        ("can-call", *CUSTOMER, "--lang", "zh", "--strict"),
        "can-call-report",
        1,
    ),
    ("can-call-customer-assume", ("can-call", *CUSTOMER, "--assume-conditions"), "can-call-report", 1),
    (
        "can-call-typo-and-foreign-host",
        (
            "can-call",
            "-g",
            "samples/customer-grants.yaml",
            "POST /v2/orders/subscriptions/resources/query",
            "GET https://example.com/v2/orders/customer-orders",
        ),
        "can-call-report",
        1,
    ),
    (
        "can-call-other-account-type-and-holes",
        (
            "can-call",
            "-g",
            "samples/customer-grants.yaml",
            "POST /v2/partners/sub-customers",
            "POST /v2/orders/{kind}/pay",
            "GET /v2/orders/customer-orders/details/CS%2F123",
        ),
        "can-call-report",
        1,
    ),
    (
        "can-call-partner-hole",
        ("can-call", "-g", "samples/partner-grants.yaml", "POST /v2/partners/sub-customers/{op}"),
        "can-call-report",
        1,
    ),
    (
        "can-call-unique",
        ("can-call", *CUSTOMER, "--unique", "GET /v2/orders/customer-orders"),
        "can-call-report",
        1,
    ),
    ("missing-perms-partner", ("missing-perms", *PARTNER), "missing-perms-report", 1),
    (
        "missing-perms-partner-whole-table",
        ("missing-perms", "-g", "samples/partner-grants.yaml"),
        "missing-perms-report",
        1,
    ),
    ("missing-perms-customer", ("missing-perms", *CUSTOMER), "missing-perms-report", 1),
    (
        "missing-perms-customer-strict-unlisted",
        ("missing-perms", "-g", "samples/customer-grants.yaml", "--strict", "GET /v2/bases/conversions"),
        "missing-perms-report",
        1,
    ),
    (
        "missing-perms-nothing-missing",
        ("missing-perms", "-g", "samples/customer-policy.json", "GET /v2/orders/customer-orders"),
        "missing-perms-report",
        0,
    ),
    (
        "explain-api-customer-grants",
        ("explain", "GET /v2/orders/customer-orders", "-g", "samples/customer-grants.yaml"),
        "explain-report",
        0,
    ),
    (
        "explain-api-partner-grants",
        ("explain", "POST /v2/partners/sub-customers/budget", "-g", "samples/partner-grants.yaml"),
        "explain-report",
        0,
    ),
    ("explain-api-both-tables", ("explain", "GET /v2/orders/customer-orders"), "explain-report", 0),
    ("explain-bare-path", ("explain", "/v2/orders/customer-orders"), "explain-report", 0),
    ("explain-iam-pattern", ("explain", "bss:order:*"), "explain-report", 0),
    ("explain-partner-pattern", ("explain", "BPC_ITEM_FINANCE_*"), "explain-report", 0),
    ("explain-partner-code", ("explain", "BPC_ITEM_SUBCUSTSERV_060100"), "explain-report", 0),
    (
        "explain-no-match-with-suggestion",
        ("explain", "POST /v2/orders/subscriptions/resources/query"),
        "explain-report",
        1,
    ),
    ("apis-all", ("apis",), "apis-report", 0),
    ("apis-customer-search", ("apis", "--type", "customer", "--search", "order"), "apis-report", 0),
    (
        "apis-partner-permission-zh",
        ("apis", "--type", "partner", "--permission", "BPC_ITEM_SUBCUSTSERV_*", "--lang", "zh"),
        "apis-report",
        0,
    ),
    ("apis-nothing", ("apis", "--search", "no-such-text-anywhere"), "apis-report", 1),
    ("scan-fixture", ("scan", "tests/scan_fixture"), "scan-report", 0),
    ("scan-nothing-found", ("scan", "samples"), "scan-report", 0),
    (
        "can-call-from-source",
        ("can-call", "-g", "samples/customer-grants.yaml", "--from-source", "tests/scan_fixture"),
        "can-call-report",
        1,
    ),
    (
        "missing-perms-from-source",
        ("missing-perms", "-g", "samples/partner-grants.yaml", "--from-source", "tests/scan_fixture"),
        "missing-perms-report",
        1,
    ),
    (
        "who-can-mixed-fleet",
        ("who-can", "POST /v3/orders/customer-orders/pay", "-g", "samples/fleet"),
        "who-can-report",
        0,
    ),
    (
        "who-can-strict-zh",
        ("who-can", "GET /v2/orders/customer-orders", "-g", "samples/fleet", "--strict", "--lang", "zh"),
        "who-can-report",
        0,
    ),
    (
        "who-can-typo",
        ("who-can", "POST /v2/orders/subscriptions/resources/query", "-g", "samples/fleet/customers"),
        "who-can-report",
        0,
    ),
    (
        "diff-sample",
        ("diff", "samples/grants-change/old.yaml", "samples/grants-change/new.yaml"),
        "diff-report",
        1,
    ),
    (
        "diff-no-change",
        ("diff", "samples/grants-change/old.yaml", "samples/grants-change/old.yaml"),
        "diff-report",
        0,
    ),
    ("matrix-fleet", ("matrix", "-g", "samples/fleet"), "matrix-report", 0),
    (
        "matrix-apis",
        ("matrix", "-g", "samples/fleet", "--apis", "samples/partner-apis.txt", "--assume-conditions"),
        "matrix-report",
        0,
    ),
]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("cli.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def shape_validator(schema: dict[str, Any]) -> Callable[[str], Any]:
    """A validator for one report shape, reached by reference as a consumer would."""
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))

    def make(shape: str) -> Any:
        return Draft202012Validator({"$ref": f"{schema['$id']}#/$defs/{shape}"}, registry=registry)

    return make


def _report(run_cli: Any, args: tuple[str, ...], code: int | None = None) -> dict[str, Any]:
    out = run_cli(*args, "--format", "json")
    if code is not None:
        assert out.code == code, out
    else:
        assert out.code in (0, 1), out
    report: dict[str, Any] = out.json()
    return report


def _errors(validator: Any, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


# --------------------------------------------------------------------------- the schema itself


def test_schema_is_a_valid_draft_2020_12_schema(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_defines_the_documented_records(schema):
    for name in ("result", "entry", "grant", "permission-record", "warning", *SHAPES):
        assert name in schema["$defs"], name


def test_schema_ships_as_package_data():
    names = {entry.name for entry in resources.files("cli.schemas").iterdir()}
    assert SCHEMA_FILE in names


def test_required_keys_match_the_readme(schema):
    # The README's "JSON output (schema version 2)" lists these keys; the schema requires them all.
    defs = schema["$defs"]
    assert set(defs["check-report"]["required"]) == {
        "schema_version",
        "account",
        "table",
        "options",
        "results",
        "summary",
        "warnings",
    }
    assert set(defs["missing-perms-report"]["required"]) == {
        "to_grant",
        "minimal",
        "blocked_by_deny",
        "unlisted",
    }
    assert set(defs["explain-report"]["required"]) == {
        "schema_version",
        "target",
        "kind",
        "matched",
        "entries",
        "permissions",
        "suggestions",
        "notes",
        "decision",
    }
    assert set(defs["apis-report"]["required"]) == {"schema_version", "entries", "summary"}
    assert set(defs["result"]["required"]) == {
        "input",
        "method",
        "path",
        "host",
        "operation",
        "location",
        "callable",
        "decision",
        "entry",
        "requires",
        "checks",
        "granted_by",
        "missing",
        "menu_paths",
        "permission_names",
        "suggestions",
        "notes",
        "call_sites",
        "unlisted_reason",
        "listed_for",
        "alternatives",
    }
    assert set(defs["grant"]["required"]) == {
        "permission",
        "source",
        "name",
        "effect",
        "statement",
        "pattern",
        "condition",
        "file",
        "line",
    }
    assert set(defs["entry"]["required"]) == {
        "table",
        "row",
        "method",
        "path",
        "api",
        "scenario",
        "sub_scenario",
        "description",
        "mode",
        "permissions",
        "menu_path",
        "permission_name",
        "source",
    }
    assert defs["decision"]["enum"] == [decision.value for decision in Decision]


# --------------------------------------------------------------------------- real output validates


@pytest.mark.parametrize(("args", "shape", "code"), [run[1:] for run in RUNS], ids=[run[0] for run in RUNS])
def test_real_output_validates(run_cli, validator, shape_validator, args, shape, code):
    report = _report(run_cli, args, code)
    assert _errors(validator, report) == []
    assert _errors(shape_validator(shape), report) == []
    # ... and it is that shape only: the four shapes can be told apart.
    for other in SHAPES:
        if other != shape:
            assert _errors(shape_validator(other), report), f"a {shape} also validates as a {other}"


def test_control_the_runs_cover_every_decision_and_grant_source(run_cli):
    # The positive runs above are only as good as the variety of records they contain.
    decisions: set[str] = set()
    sources: set[str] = set()
    runs = (
        ("can-call", *PARTNER),
        ("can-call", *CUSTOMER),
        ("can-call", *CUSTOMER, "--strict"),
        ("can-call", *HUAWEI_EXPORT),
        ("can-call", *HUAWEI_EXPORT, "DELETE /v2/orders/subscriptions/resources/autorenew/r-1"),
    )
    for args in runs:
        for result in _report(run_cli, args)["results"]:
            decisions.add(result["decision"])
            checks = [*result["checks"], *(result.get("identity") or {}).get("checks", [])]
            sources.update(grant["source"] for grant in result["granted_by"])
            sources.update(grant["source"] for check in checks for grant in check["denied_by"])
            sources.update(grant["source"] for check in checks for grant in check["allowed_by"])
            sources.update(
                grant["source"] for check in result.get("scp_checks", []) for grant in check["denied_by"]
            )
    assert decisions == {decision.value for decision in Decision}
    assert sources == {"role", "account", "policy", "identity_policy", "scp"}


def test_explain_with_grants_carries_a_can_call_report(run_cli, shape_validator):
    report = _report(
        run_cli, ("explain", "POST /v3/orders/customer-orders/pay", "-g", "samples/customer-grants.yaml")
    )
    assert report["decision"] is not None
    assert _errors(shape_validator("can-call-report"), report["decision"]) == []


def test_new_top_level_keys_are_allowed(run_cli, validator):
    # "Keys are stable within a schema version; new keys may be added."
    for args in (("can-call", *CUSTOMER), ("missing-perms", *PARTNER), ("explain", "bss:order:*"), ("apis",)):
        report = _report(run_cli, args)
        report["added_in_a_later_v1"] = {"anything": [1, "two", None]}
        assert _errors(validator, report) == [], args


# --------------------------------------------------------------------------- broken output is rejected

Mutation = Callable[[dict[str, Any]], None]


def _first(results: list[dict[str, Any]], decision: str) -> dict[str, Any]:
    return next(result for result in results if result["decision"] == decision)


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(report: dict[str, Any]) -> None:
        target: Any = report
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple[Any, ...]) -> Mutation:
    def mutate(report: dict[str, Any]) -> None:
        target: Any = report
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _deny_grant(report: dict[str, Any]) -> dict[str, Any]:
    grant: dict[str, Any] = _first(report["results"], "explicit_deny")["checks"][0]["denied_by"][0]
    return grant


# (id, arguments, mutation): every mutation must make the report invalid.
WHO_CAN = ("who-can", "POST /v3/orders/customer-orders/pay", "-g", "samples/fleet")
DIFF = ("diff", "samples/grants-change/old.yaml", "samples/grants-change/new.yaml")
MATRIX = ("matrix", "-g", "samples/fleet")

NEGATIVE = [
    # required top-level keys
    *[
        (f"can-call-without-{key}", ("can-call", *CUSTOMER), _drop((key,)))
        for key in ("schema_version", "account", "table", "options", "results", "summary", "warnings")
    ],
    *[
        (f"missing-perms-without-{key}", ("missing-perms", *CUSTOMER), _drop((key,)))
        for key in ("to_grant", "minimal", "blocked_by_deny", "unlisted", "results", "summary")
    ],
    *[
        (f"explain-without-{key}", ("explain", "bss:order:*"), _drop((key,)))
        for key in ("target", "kind", "matched", "entries", "permissions", "decision")
    ],
    *[(f"apis-without-{key}", ("apis",), _drop((key,))) for key in ("schema_version", "entries", "summary")],
    # required nested keys
    ("result-without-decision", ("can-call", *CUSTOMER), _drop(("results", 0, "decision"))),
    ("result-without-callable", ("can-call", *PARTNER), _drop(("results", 0, "callable"))),
    ("result-without-missing", ("can-call", *PARTNER), _drop(("results", 0, "missing"))),
    ("entry-without-row", ("can-call", *PARTNER), _drop(("results", 0, "entry", "row"))),
    ("entry-without-source", ("apis",), _drop(("entries", 0, "source"))),
    ("grant-without-effect", ("can-call", *CUSTOMER), _drop(("results", 0, "granted_by", 0, "effect"))),
    ("warning-without-hint", ("can-call", *CUSTOMER), _drop(("warnings", 0, "hint"))),
    (
        "summary-without-a-decision-count",
        ("can-call", *CUSTOMER),
        _drop(("summary", "decisions", "conditional")),
    ),
    # wrong decision values
    ("decision-maybe", ("can-call", *CUSTOMER), _set(("results", 0, "decision"), "maybe")),
    ("decision-maybe-partner", ("can-call", *PARTNER), _set(("results", 0, "decision"), "maybe")),
    ("decision-uppercase", ("can-call", *CUSTOMER), _set(("results", 0, "decision"), "ALLOWED")),
    ("check-decision-maybe", ("can-call", *CUSTOMER), _set(("results", 0, "checks", 0, "decision"), "maybe")),
    (
        "missing-perms-decision-maybe",
        ("missing-perms", *CUSTOMER),
        _set(("results", 0, "decision"), "maybe"),
    ),
    (
        "explain-nested-decision-maybe",
        ("explain", "GET /v2/orders/customer-orders", "-g", "samples/customer-grants.yaml"),
        _set(("decision", "results", 0, "decision"), "maybe"),
    ),
    # wrong types
    ("callable-as-string", ("can-call", *CUSTOMER), _set(("results", 0, "callable"), "true")),
    ("callable-as-integer", ("can-call", *CUSTOMER), _set(("results", 0, "callable"), 1)),
    ("schema-version-1", ("can-call", *CUSTOMER), _set(("schema_version",), 1)),
    ("schema-version-as-string", ("apis",), _set(("schema_version",), "1")),
    ("summary-total-as-string", ("can-call", *CUSTOMER), _set(("summary", "total"), "8")),
    ("summary-negative-count", ("can-call", *CUSTOMER), _set(("summary", "callable"), -1)),
    ("row-as-string", ("apis",), _set(("entries", 0, "row"), "1")),
    ("permissions-as-string", ("apis",), _set(("entries", 0, "permissions"), "bss:order:view")),
    ("minimal-as-string", ("missing-perms", *CUSTOMER), _set(("minimal",), "yes")),
    ("matched-as-string", ("explain", "bss:order:*"), _set(("matched",), "true")),
    ("explain-decision-as-string", ("explain", "bss:order:*"), _set(("decision",), "allowed")),
    ("host-as-number", ("can-call", *CUSTOMER), _set(("results", 0, "host"), 0)),
    ("line-zero", ("can-call", *CUSTOMER), _set(("results", 0, "location", "line"), 0)),
    ("unknown-method", ("can-call", *CUSTOMER), _set(("results", 0, "method"), "FETCH")),
    ("unknown-account-type", ("can-call", *CUSTOMER), _set(("account", "type"), "reseller")),
    ("unknown-kind", ("explain", "bss:order:*"), _set(("kind",), "pattern")),
    ("to-grant-without-unlocks", ("missing-perms", *PARTNER), _drop(("to_grant", 0, "unlocks"))),
    # closed records: a misspelt key inside a record is caught
    ("result-with-an-extra-key", ("can-call", *CUSTOMER), _set(("results", 0, "callabel"), True)),
    ("entry-with-an-extra-key", ("apis",), _set(("entries", 0, "menu"), None)),
    # what the records mean
    ("allowed-but-not-callable", ("can-call", *CUSTOMER), _set(("results", 0, "callable"), False)),
    (
        "denied-but-callable",
        ("can-call", *CUSTOMER),
        lambda report: _first(report["results"], "explicit_deny").__setitem__("callable", True),
    ),
    (
        "not-checked-with-an-entry",
        ("can-call", *CUSTOMER),
        lambda report: _first(report["results"], "not_checked").__setitem__(
            "entry", copy.deepcopy(report["results"][0]["entry"])
        ),
    ),
    (
        "deny-effect-misspelt",
        ("can-call", *CUSTOMER),
        lambda report: _deny_grant(report).__setitem__("effect", "deny"),
    ),
    ("partner-entry-with-mode-all", ("can-call", *PARTNER), _set(("results", 0, "entry", "mode"), "all")),
    ("partner-account-without-roles", ("can-call", *PARTNER), _drop(("account", "roles"))),
    ("missing-perms-result-callable", ("missing-perms", *CUSTOMER), _set(("results", 0, "callable"), True)),
    (
        "explain-matched-but-empty",
        ("explain", "POST /v2/orders/subscriptions/resources/query"),
        _set(("matched",), True),
    ),
    # fleet reports
    *[
        (f"who-can-without-{key}", WHO_CAN, _drop((key,)))
        for key in ("api", "accounts", "summary", "errors", "skipped", "warnings")
    ],
    ("who-can-allowed-but-not-callable", WHO_CAN, _set(("accounts", 1, "callable"), False)),
    ("who-can-deny-without-the-deny", WHO_CAN, _set(("accounts", 0, "denied_by"), [])),
    ("who-can-account-with-an-extra-key", WHO_CAN, _set(("accounts", 0, "acount"), "x")),
    ("who-can-listed-without-entry", WHO_CAN, _set(("api", "tables", 1, "entry"), None)),
    ("diff-gained-but-callable-before", DIFF, _set(("changes", 0, "old", "callable"), True)),
    ("diff-unknown-kind", DIFF, _set(("changes", 0, "kind"), "granted")),
    ("diff-without-changes", DIFF, _drop(("changes",))),
    ("matrix-unknown-cell", MATRIX, _set(("accounts", 0, "cells", 0), "maybe")),
    ("matrix-scope-misspelt", MATRIX, _set(("scope",), "table")),
]


@pytest.mark.parametrize(
    ("args", "mutate"), [case[1:] for case in NEGATIVE], ids=[case[0] for case in NEGATIVE]
)
def test_broken_output_is_rejected(run_cli, validator, args, mutate):
    report = _report(run_cli, args)
    assert _errors(validator, report) == [], "control: the real output is valid"
    broken = copy.deepcopy(report)
    mutate(broken)
    assert json.dumps(broken) != json.dumps(report), "control: the mutation changed something"
    assert not validator.is_valid(broken)


def test_a_missing_perms_report_without_its_fix_is_not_a_can_call_report(run_cli, shape_validator):
    # missing-perms is the can-call document plus the fix; without one of the fix keys it is
    # neither shape, rather than passing as a can-call report with extra keys.
    report = _report(run_cli, ("missing-perms", *PARTNER))
    del report["minimal"]
    assert not shape_validator("missing-perms-report").is_valid(report)
    assert not shape_validator("can-call-report").is_valid(report)
