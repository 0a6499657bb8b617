"""``--format junit``: well-formed JUnit XML that GitLab and Jenkins read as a test report.

One test case per API; a failure for each API that is not callable, carrying the rule id, the
reason and the fix; a suspected typo passes with a warning. Parsed with ElementTree, so a
malformed document fails the test rather than a CI server's report page.
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

PARTNER_GRANTS = "samples/partner-grants.yaml"
PARTNER_APIS = "samples/partner-apis.txt"
CUSTOMER_GRANTS = "samples/customer-grants.yaml"
CUSTOMER_APIS = "samples/customer-apis.txt"

PAY = "POST /v3/orders/customer-orders/pay"
RENEW = "POST /v2/orders/subscriptions/resources/renew"
BALANCES = "GET /v2/accounts/customer-accounts/balances"
TYPO = "POST /v2/orders/subscriptions/resources/query"
BUDGET = "POST /v2/partners/sub-customers/budget"

SAMPLES = {
    "partner": (PARTNER_GRANTS, PARTNER_APIS),
    "customer": (CUSTOMER_GRANTS, CUSTOMER_APIS),
}


def junit(run_cli, *args: str, code: int | None = 1) -> ET.Element:
    out = run_cli(*args, "--format", "junit")
    if code is not None:
        assert out.code == code, out
    assert out.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert out.stdout.endswith("</testsuites>\n")
    return ET.fromstring(out.stdout.encode("utf-8"))


def suite_of(root: ET.Element) -> ET.Element:
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    return suite


def cases_by_name(root: ET.Element) -> dict[str, ET.Element]:
    cases = suite_of(root).findall("testcase")
    by_name = {case.get("name", ""): case for case in cases}
    assert len(by_name) == len(cases)
    return by_name


def line_of(path: str | Path, text: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    numbers = [number for number, line in enumerate(lines, 1) if line.strip() == text]
    assert len(numbers) == 1
    return numbers[0]


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize("command", ["can-call", "missing-perms"])
@pytest.mark.parametrize("account", SAMPLES)
def test_counts_match_the_json_summary(run_cli, command, account):
    grants, apis = SAMPLES[account]
    record = run_cli(command, "-g", grants, "--apis", apis, "--format", "json").json()
    root = junit(run_cli, command, "-g", grants, "--apis", apis)
    suite = suite_of(root)
    cases = suite.findall("testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    extra = 1 if command == "missing-perms" else 0  # the "minimal fix" case
    assert len(cases) == len(record["results"]) + extra
    assert len(failed) == record["summary"]["not_callable"] > 0
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failed))
        assert (element.get("errors"), element.get("skipped")) == ("0", "0")
    assert suite.get("name") == f"bsscheck {command}: {record['account']['name']}"
    classname = f"bsscheck.{record['account']['type']}.{record['account']['name']}"
    assert {case.get("classname") for case in cases} == {classname}


# --------------------------------------------------------------------------- failures


def test_failures_carry_the_rule_the_reason_and_the_fix(run_cli):
    root = junit(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    cases = cases_by_name(root)
    expected = {PAY: "BSS002 denied", RENEW: "BSS003 conditional", BALANCES: "BSS001 not-callable"}
    failing = {name: case.find("failure") for name, case in cases.items() if case.find("failure") is not None}
    assert {name: failure.get("type") for name, failure in failing.items()} == expected
    balances = failing[BALANCES]
    for text in (balances.get("message", ""), balances.text or ""):
        assert "grant bss:balance:view (name: View account information)" in text
    assert "not granted" in (balances.text or "")
    assert "remove or narrow the Deny on bss:order:pay" in failing[PAY].get("message", "")
    assert "samples/customer-grants.yaml:14" in (failing[PAY].text or "")
    assert "--assume-conditions" in failing[RENEW].get("message", "")


def test_partner_failure_names_the_permission(run_cli):
    root = junit(run_cli, "can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS)
    failure = cases_by_name(root)[BUDGET].find("failure")
    assert failure is not None
    assert "BPC_ITEM_SUBCUSTSERV_010111" in failure.get("message", "")
    assert "menu path not documented by Huawei" in failure.get("message", "")


def test_a_near_miss_is_a_failure_of_its_own_rule(run_cli):
    root = junit(run_cli, "can-call", "-g", CUSTOMER_GRANTS, TYPO, code=1)
    case = cases_by_name(root)[TYPO]
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "BSS005 near-miss"
    assert suite_of(root).get("failures") == "1"
    assert "POST /v2/orders/suscriptions/resources/query" in (failure.text or "")


def test_a_plain_unlisted_api_is_a_passing_case(run_cli):
    root = junit(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "GET /v2/bases/conversions", code=0)
    case = cases_by_name(root)["GET /v2/bases/conversions"]
    assert case.find("failure") is None


def test_a_callable_api_is_a_plain_passing_case(run_cli):
    root = junit(run_cli, "can-call", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders", code=0)
    (case,) = suite_of(root).findall("testcase")
    assert list(case) == []


# --------------------------------------------------------------------------- files and lines


def test_apis_from_a_file_carry_file_and_line(run_cli):
    root = junit(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, BALANCES)
    cases = suite_of(root).findall("testcase")
    from_argument = cases[0]
    assert from_argument.get("name") == BALANCES
    assert from_argument.get("file") is None and from_argument.get("line") is None
    for case in cases[1:]:
        assert case.get("file") == CUSTOMER_APIS
        assert case.get("line") == str(line_of(CUSTOMER_APIS, case.get("name", "")))


def test_the_test_name_is_the_method_and_path_as_input(run_cli):
    # The partner sample names an order by a full URL with a concrete id and a query string.
    root = junit(run_cli, "can-call", "-g", PARTNER_GRANTS, "--apis", PARTNER_APIS)
    names = [case.get("name") for case in suite_of(root).findall("testcase")]
    assert "GET /v2/orders/customer-orders/details/CS2211221234ABCD" in names


def test_an_absolute_apis_file_outside_the_working_directory(run_cli, tmp_path):
    apis = tmp_path / "apis.txt"
    shutil.copyfile(ROOT / CUSTOMER_APIS, apis)
    root = junit(run_cli, "can-call", "-g", CUSTOMER_GRANTS, "--apis", str(apis))
    case = cases_by_name(root)[BALANCES]
    assert (case.get("file"), case.get("line")) == (str(apis), str(line_of(apis, BALANCES)))


# --------------------------------------------------------------------------- missing-perms


def test_missing_perms_adds_the_minimal_fix(run_cli):
    args = ("missing-perms", "-g", PARTNER_GRANTS)
    record = run_cli(*args, "--format", "json").json()
    cases = cases_by_name(junit(run_cli, *args))
    fix = cases.pop("minimal fix")
    assert fix.find("failure") is None
    assert set(cases) == {result["input"] for result in record["results"]}
    text = fix.findtext("system-out") or ""
    assert text.startswith("Grant these (smallest set):")
    for item in record["to_grant"]:
        assert item["permission"] in text
        assert (item["menu_path"] or "menu path not documented by Huawei") in text
        for api in item["unlocks"]:
            assert f"unlocks {api}" in text


def test_missing_perms_minimal_fix_for_a_customer_names_permissions_and_denies(run_cli):
    root = junit(run_cli, "missing-perms", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS)
    text = cases_by_name(root)["minimal fix"].findtext("system-out") or ""
    assert "bss:balance:view (name: View account information)" in text
    assert "Blocked by a Deny" in text and PAY in text


def test_missing_perms_with_nothing_missing(run_cli):
    root = junit(run_cli, "missing-perms", "-g", PARTNER_GRANTS, "GET /v2/orders/customer-orders", code=0)
    (case,) = suite_of(root).findall("testcase")
    assert case.get("name") == "minimal fix"
    assert "Nothing to grant" in (case.findtext("system-out") or "")
    assert suite_of(root).get("failures") == "0"


# --------------------------------------------------------------------------- hostile names


def test_xml_special_and_control_characters_give_well_formed_xml(run_cli, tmp_path):
    grants = tmp_path / "grants.yaml"
    grants.write_text(
        "type: customer\n"
        'account: "ops & <billing> \\"bot\\" \\x01 end"\n'
        "policies:\n"
        '  - name: "Guard & <rails> \\"x\\" \\x01 \\x1b"\n'
        "    document:\n"
        '      Version: "1.1"\n'
        "      Statement:\n"
        "        - Effect: Deny\n"
        '          Action: ["bss:order:pay"]\n',
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", str(grants), PAY, "GET /v2/bases/conversions", "--format", "junit")
    assert out.code == 1, out
    assert "\x01" not in out.stdout and "\x1b" not in out.stdout
    root = ET.fromstring(out.stdout.encode("utf-8"))  # raises on malformed XML
    suite = suite_of(root)
    assert suite.get("name") == 'bsscheck can-call: ops & <billing> "bot" \\x01 end'
    failure = cases_by_name(root)[PAY].find("failure")
    assert failure is not None
    assert 'Guard & <rails> "x" \\x01 \\x1b' in failure.get("message", "")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["policies"].startswith('Guard & <rails> "x" \\x01')


def test_a_partner_role_name_with_special_characters(run_cli, tmp_path):
    grants = tmp_path / "grants.yaml"
    grants.write_text(
        'type: partner\naccount: "a&b \\x02"\nroles:\n'
        '  - name: "<Order> & \\"desk\\" \\x01"\n    actions: [BPC_ITEM_SUBCUSTSERV_060100]\n',
        encoding="utf-8",
    )
    out = run_cli("can-call", "-g", str(grants), BUDGET, "--format", "junit")
    assert out.code == 1, out
    root = ET.fromstring(out.stdout.encode("utf-8"))
    properties = {p.get("name"): p.get("value") for p in suite_of(root).iter("property")}
    assert properties["roles"] == '<Order> & "desk" \\x01'
    assert suite_of(root).findall("testcase")[0].get("classname") == "bsscheck.partner.a&b \\x02"


def test_non_ascii_survives_a_file_and_stdout(run_cli, tmp_path):
    report = tmp_path / "report.xml"
    args = ("can-call", "-g", CUSTOMER_GRANTS, BALANCES, "--lang", "zh", "--format", "junit")
    out = run_cli(*args, "-o", str(report))
    assert out.code == 1 and out.stdout == "", out
    from_file = ET.parse(report).getroot()
    from_stdout = ET.fromstring(run_cli(*args).stdout.encode("utf-8"))
    message = from_file.find(".//failure").get("message", "")  # type: ignore[union-attr]
    assert message == from_stdout.find(".//failure").get("message")  # type: ignore[union-attr]
    assert any(ord(character) > 127 for character in message), "the zh name should be in the message"


def test_golden_customer_can_call_junit(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER_GRANTS, "--apis", CUSTOMER_APIS, TYPO, "--format", "junit")
    golden = GOLDEN / "customer-can-call.junit.xml"
    if os.environ.get("BSSCHECK_UPDATE_GOLDEN"):
        golden.write_text(out.stdout, encoding="utf-8")
    assert out.stdout == golden.read_text(encoding="utf-8"), (
        "JUnit output changed; if on purpose, rerun with BSSCHECK_UPDATE_GOLDEN=1 and review"
    )
