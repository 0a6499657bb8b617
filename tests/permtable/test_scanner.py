"""The scanner: which files it reads, what it finds in each language, and nothing it guesses.

The fixture project (tests/scan_fixture) uses the SDKs and plain HTTP in many styles; every
finding is asserted exactly, as (method, path, file, line). Files a scan must never read (a
.gitignore'd file, virtual environments, node_modules, build output, binaries) are added to a
copy at test time, since a .gitignore'd file cannot be committed in the first place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from permtable.apis import METHODS, split_path
from permtable.errors import InputError
from permtable.model import AccountType
from permtable.operations import operation_map
from permtable.scan import refs_from_scan, scan_paths
from permtable.scan.paths import canonical, find_paths, is_bss_path
from permtable.scan.python_source import scan_python
from permtable.scan.text_source import scan_text
from permtable.scan.walker import LANGUAGES, gitignore_rule
from permtable.tables import TableSet

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "scan_fixture"

PAY = "/v3/orders/customer-orders/pay"
ORDERS = "/v2/orders/customer-orders"
DETAILS = "/v2/orders/customer-orders/details/{order_id}"
BALANCES = "/v2/accounts/customer-accounts/balances"
RENEW = "/v2/orders/subscriptions/resources/renew"
AUTORENEW = "/v2/orders/subscriptions/resources/autorenew/{resource_id}"
UNSUBSCRIBE = "/v2/orders/subscriptions/resources/unsubscribe"
RES_RECORDS = "/v2/bills/customer-bills/res-records/query"
USAGES = "/v2/payments/free-resources/usages/details/query"

# Every call site in the fixture: (method, path, file, line). None: the code does not say.
EXPECTED = {
    # app/orders.py: star import, builder chains, request objects; the docstring is prose
    ("GET", ORDERS, "app/orders.py", 20),  # ListCustomerOrdersRequest()
    ("GET", ORDERS, "app/orders.py", 22),  # client().list_customer_orders(request)
    ("POST", PAY, "app/orders.py", 27),  # client().pay_orders(PayOrdersRequest(body=body)): one site
    ("GET", DETAILS, "app/orders.py", 31),  # BssClient.new_builder().build().show_customer_order_details(
    ("GET", DETAILS, "app/orders.py", 32),  # ShowCustomerOrderDetailsRequest(order_id=order_id)
    # app/aliases.py: module alias, class aliases, an invoker
    ("GET", BALANCES, "app/aliases.py", 8),
    ("POST", RES_RECORDS, "app/aliases.py", 12),  # Details() is ListCustomerselfResourceRecordDetailsRequest
    ("POST", RENEW, "app/aliases.py", 16),  # bss.RenewalResourcesRequest()
    ("POST", RENEW, "app/aliases.py", 17),
    ("POST", "/v2/partners/sub-customers/users/check-identity", "app/aliases.py", 22),
    # app/intl_async.py: the international SDK's async client
    ("POST", "/v2/partners/sub-customers/query", "app/intl_async.py", 14),
    # app/rest.py: requests, a session, httpx, f-strings, concatenation, a route table
    ("GET", ORDERS, "app/rest.py", 12),  # requests.get(ENDPOINT + "/v2/...")
    ("GET", DETAILS, "app/rest.py", 16),  # f"{ENDPOINT}/v2/.../{order_id}?offset=0"
    ("GET", BALANCES, "app/rest.py", 20),  # session.get(BALANCES), BALANCES = ENDPOINT + "..."
    ("POST", PAY, "app/rest.py", 25),  # session.request("POST", url)
    ("POST", RENEW, "app/rest.py", 29),  # requests.request(method="POST", url=...)
    ("DELETE", AUTORENEW, "app/rest.py", 34),  # client.delete(... + resource_id)
    ("DELETE", AUTORENEW, "app/rest.py", 35),  # httpx.AsyncClient().delete(f"...")
    (None, RES_RECORDS, "app/rest.py", 40),  # session.request(verb, ...): not guessed
    ("POST", UNSUBSCRIBE, "app/rest.py", 44),  # ("POST", "/v2/...") in a route table
    ("GET", "/v2/orders/customer-orders/order-discounts", "app/rest.py", 45),
    # web/billing.js
    ("GET", ORDERS, "web/billing.js", 5),  # fetch(url): fetch's default method
    ("POST", PAY, "web/billing.js", 10),  # fetch(url, {method: "POST"})
    ("POST", RENEW, "web/billing.js", 17),  # axios.post(BASE + "/v2/...")
    ("POST", "/v2/orders/subscriptions/resources/to-on-demand", "web/billing.js", 19),  # a comment
    ("POST", "/v2/orders/subscriptions/resources/to-on-demand", "web/billing.js", 20),  # "POST /v2/..."
    # web/client.ts
    ("GET", "/v2/promotions/benefits/coupons", "web/client.ts", 7),  # this.http.get<unknown>(`...`)
    ("GET", "/v2/orders/customer-orders/refund-orders", "web/client.ts", 12),  # const url = ...; get(url)
    # gosvc/bss.go
    ("GET", BALANCES, "gosvc/bss.go", 11),  # http.Get(endpoint + "...")
    ("POST", UNSUBSCRIBE, "gosvc/bss.go", 16),  # url := ...; http.NewRequest("POST", url, ...)
    ("PUT", "/v2/orders/customer-orders/cancel", "gosvc/bss.go", 24),  # http.MethodPut
    # scripts/pay.sh
    ("POST", PAY, "scripts/pay.sh", 6),  # curl -X POST
    ("GET", BALANCES, "scripts/pay.sh", 10),  # curl's default
    ("POST", RENEW, "scripts/pay.sh", 13),  # curl --data-binary, URL on a continuation line
    # deploy/endpoints.yaml: the method key beside the URL
    ("GET", "/v2/bills/customer-bills/res-fee-records", "deploy/endpoints.yaml", 5),
    ("POST", "/v3/payments/free-resources/query", "deploy/endpoints.yaml", 7),
    (None, USAGES, "deploy/endpoints.yaml", 10),
}

# Files a scan must never read; each calls an API that appears nowhere else.
NEVER_READ = {
    "app/local_settings.py": "import huaweicloudsdkbss\nclient.list_provinces(None)\n",  # .gitignore
    "generated/client.py": "import huaweicloudsdkbss\nclient.list_cities(None)\n",  # .gitignore'd folder
    ".venv/lib/python3.12/site-packages/pkg/mod.py": "import huaweicloudsdkbss\nx.list_counties(None)\n",
    "env/lib/python3.12/site-packages/pkg/mod.py": "import huaweicloudsdkbss\nx.list_counties(None)\n",
    "node_modules/sdk/index.js": 'fetch("https://bss.myhuaweicloud.com/v2/systems/configs/cities")\n',
    "build/lib/app.py": "import huaweicloudsdkbss\nx.list_cities(None)\n",
    "dist/app.js": 'fetch("https://bss.myhuaweicloud.com/v2/systems/configs/cities")\n',
    "pkg.egg-info/x.py": "import huaweicloudsdkbss\nx.list_cities(None)\n",
}


def _sites(report) -> set[tuple[str | None, str, str, int]]:
    return {
        (api.method, api.path, Path(site.file).relative_to(report.paths[0]).as_posix(), site.line)
        for api in report.apis
        for site in api.sites
    }


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    for name, content in NEVER_READ.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(content, encoding="utf-8")
    (project / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (project / "web" / "logo.js").write_bytes(b"\x00\x01" + b'fetch("https://bss.myhuaweicloud.com/v2/x/y")')
    return project


def test_fixture_findings_are_exactly_the_expected_ones(tmp_path):
    project = _project_copy(tmp_path)
    report = scan_paths([str(project)])
    assert _sites(report) == EXPECTED
    assert report.files_scanned == 10


def test_fixture_findings_are_the_same_through_git(tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    project = _project_copy(tmp_path)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    subprocess.run([git, "init", "-q", str(project)], check=True, env=environment, timeout=60)
    report = scan_paths([str(project)])
    assert _sites(report) == EXPECTED


def test_skipped_files_say_why(tmp_path):
    project = _project_copy(tmp_path)
    report = scan_paths([str(project)])
    skipped = {Path(item.file).relative_to(project).as_posix(): item.reason for item in report.skipped}
    assert skipped == {
        "README.md": "documentation (prose, not code)",
        "docs/api-notes.md": "documentation (prose, not code)",
        ".venv": "virtual environment",
        "env": "virtual environment",
        "node_modules": "installed dependencies",
        "build": "build output",
        "dist": "build output",
        "pkg.egg-info": "build output",
        "web/logo.js": "binary file",
    }
    # .gitignore'd files are neither read nor listed, as git would have it.
    assert "app/local_settings.py" not in skipped and "generated" not in skipped


def test_every_site_has_a_column_and_evidence():
    report = scan_paths([str(FIXTURE)])
    for api in report.apis:
        for site in api.sites:
            assert site.column >= 1 and site.evidence, site
    orders = next(api for api in report.apis if api.method == "POST" and api.path == PAY)
    first = orders.sites[0]
    assert (Path(first.file).name, first.line, first.column, first.kind) == ("orders.py", 27, 12, "sdk-call")
    assert first.evidence == "return client().pay_orders(PayOrdersRequest(body=body))"


def test_a_path_without_a_method_is_reported_as_such_not_guessed():
    report = scan_paths([str(FIXTURE)])
    unknown = {(api.path, len(api.sites)) for api in report.unknown_method}
    assert unknown == {(RES_RECORDS, 1), (USAGES, 1)}
    # The same path called with a stated method elsewhere is a separate, known API.
    assert any(api.method == "POST" and api.path == RES_RECORDS for api in report.apis)
    notices = report.unknown_method_notices()
    assert [(Path(n.location.file or "").name, n.location.line) for n in notices] == [
        ("rest.py", 40),
        ("endpoints.yaml", 10),
    ]
    assert all("not guessed" in notice.message for notice in notices)


def test_sdk_operations_are_named_and_paths_canonical():
    report = scan_paths([str(FIXTURE)])
    operations = {api.api: api.operation for api in report.apis if api.method}
    assert operations[f"POST {PAY}"] == "pay_orders"
    assert operations[f"GET {DETAILS}"] == "show_customer_order_details"
    assert operations[f"DELETE {AUTORENEW}"] == "cancel_auto_renewal_resources"


def test_refs_from_scan_are_located_at_their_first_call_site():
    report = scan_paths([str(FIXTURE)])
    refs, notices = refs_from_scan(report)
    assert len(refs) == len(report.apis) - len(report.unknown_method)
    pay = next(ref for ref in refs if ref.api == f"POST {PAY}")
    assert pay.location == pay.sites[0].location
    assert [Path(site.file).name for site in pay.sites] == ["orders.py", "rest.py", "pay.sh", "billing.js"]
    assert pay.operation == "pay_orders"
    assert len(notices) == 2 and all("it was not checked" in notice.message for notice in notices)


# --------------------------------------------------------------------------- walking


def test_a_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as raised:
        scan_paths([str(tmp_path / "nope")])
    assert "no such file or directory" in str(raised.value)


def test_a_named_file_is_read_whatever_its_extension(tmp_path):
    script = tmp_path / "deploy-billing"
    script.write_text('curl -X PUT "https://bss.myhuaweicloud.com/v2/orders/customer-orders/cancel"\n')
    report = scan_paths([str(script)])
    assert [(api.method, api.path) for api in report.apis] == [("PUT", "/v2/orders/customer-orders/cancel")]


def test_files_over_the_size_limit_are_skipped(tmp_path):
    (tmp_path / "big.py").write_text("x = 1\n" * 100)
    report = scan_paths([str(tmp_path)], max_bytes=100)
    assert [item.reason for item in report.skipped] == ["larger than the size limit (600 > 100 bytes)"]


def test_extensionless_scripts_are_recognised_by_their_shebang(tmp_path):
    (tmp_path / "renew").write_text(
        '#!/bin/sh\ncurl -d @x "https://bss.myhuaweicloud.com/v2/orders/subscriptions/resources/renew"\n'
    )
    (tmp_path / "LICENSE").write_text("GET https://bss.myhuaweicloud.com/v2/orders/customer-orders\n")
    report = scan_paths([str(tmp_path)])
    assert [(api.method, api.path) for api in report.apis] == [("POST", RENEW)]


@pytest.mark.parametrize(
    ("line", "path", "is_dir", "ignored"),
    [
        ("*.log", "a/b/c.log", False, True),
        ("/build", "build", True, True),
        ("/build", "src/build", True, False),
        ("docs/", "docs", True, True),
        ("docs/", "docs", False, False),
        ("a/**/z.py", "a/b/c/z.py", False, True),
        ("**/tmp", "x/y/tmp", True, True),
        ("secret?.py", "secret1.py", False, True),
        ("[ab].py", "c.py", False, False),
        ("# comment", "# comment", False, False),
    ],
)
def test_gitignore_rules(line, path, is_dir, ignored):
    from permtable.scan.walker import _ignored

    rule = gitignore_rule(line)
    rules = [rule] if rule else []
    assert _ignored(rules, path, is_dir) is ignored


def test_gitignore_negation_re_includes(tmp_path):
    (tmp_path / ".gitignore").write_text("*.py\n!keep.py\n")
    (tmp_path / "drop.py").write_text("import huaweicloudsdkbss\nc.list_cities(None)\n")
    (tmp_path / "keep.py").write_text("import huaweicloudsdkbss\nc.list_provinces(None)\n")
    report = scan_paths([str(tmp_path)])
    assert [api.operation for api in report.apis] == ["list_provinces"]


# --------------------------------------------------------------------------- Python


def _python(source: str) -> set[tuple[str | None, str, int, str]]:
    return {(found.method, found.path, found.line, found.kind) for found in scan_python(source)}


SDK = "import huaweicloudsdkbss.v2 as bss\n"


@pytest.mark.parametrize(
    "importer",
    [
        "import huaweicloudsdkbss\n",
        "import huaweicloudsdkbss.v2\n",
        "import huaweicloudsdkbss.v2 as bss\n",
        "from huaweicloudsdkbss import v2\n",
        "from huaweicloudsdkbss.v2 import BssClient\n",
        "from huaweicloudsdkbssintl.v2.model import *\n",
        "try:\n    from huaweicloudsdkbssintl.v2 import BssintlClient\nexcept ImportError:\n    pass\n",
    ],
)
def test_any_sdk_import_makes_operation_names_count(importer):
    source = importer + "def f(whatever):\n    return whatever.list_customer_orders(None)\n"
    assert {(m, p, k) for m, p, _, k in _python(source)} == {("GET", ORDERS, "sdk-call")}


def test_without_an_sdk_import_operation_names_do_not_count():
    assert _python("def f(x):\n    return x.pay_orders(PayOrdersRequest())\n") == set()


@pytest.mark.parametrize("suffix", ["", "_async", "_invoker", "_async_invoker"])
def test_async_and_invoker_methods(suffix):
    found = _python(SDK + f"c.pay_orders{suffix}(r)\n")
    assert found == {("POST", PAY, 2, "sdk-call")}


def test_request_class_aliases_and_module_attributes():
    source = (
        "from huaweicloudsdkbss.v2 import PayOrdersRequest as Pay, ListCustomerOrdersRequest\n"
        "import huaweicloudsdkbss.v2.model as models\n"
        "a = Pay()\n"
        "b = ListCustomerOrdersRequest()\n"
        "c = models.ShowCustomerOrderDetailsRequest(order_id='x')\n"
        "d = Pay\n"  # a reference, not a construction
    )
    assert _python(source) == {
        ("POST", PAY, 3, "sdk-request"),
        ("GET", ORDERS, 4, "sdk-request"),
        ("GET", DETAILS, 5, "sdk-request"),
    }


@pytest.mark.parametrize(
    ("call", "method"),
    [
        ('requests.post(BASE + "/v3/orders/customer-orders/pay")', "POST"),
        ('session.request("post", f"{BASE}/v3/orders/customer-orders/pay")', "POST"),
        (
            'urllib.request.Request(BASE + "/v3/orders/customer-orders/pay", data=b"{}", method="POST")',
            "POST",
        ),
        ('client.do_http_request(method="POST", resource_path="/v3/orders/customer-orders/pay")', "POST"),
        (
            'responses.add(responses.POST, "https://bss.myhuaweicloud.com/v3/orders/customer-orders/pay")',
            "POST",
        ),
        ('requests.post(urljoin(BASE, "/v3/orders/customer-orders/pay"))', "POST"),
        ('requests.post("{}/v3/orders/customer-orders/pay".format(BASE))', "POST"),
        ('requests.post("%s/v3/orders/customer-orders/pay" % BASE)', "POST"),
        ('log.info("POST /v3/orders/customer-orders/pay")', "POST"),  # the text states it
        ('requests.request(verb, BASE + "/v3/orders/customer-orders/pay")', None),
        ('config.get("pay_url", "/v3/orders/customer-orders/pay")', None),  # a default, not a URL
    ],
)
def test_http_method_comes_from_the_call(call, method):
    found = _python(f"BASE = 'https://bss.myhuaweicloud.com'\n{call}\n")
    assert {(m, p) for m, p, _, _ in found} == {(method, PAY)}


def test_names_bound_to_paths_are_followed_and_consumed():
    source = (
        'BASE = "https://bss-intl.myhuaweicloud.com"\n'
        'PAY = BASE + "/v3/orders/customer-orders/pay"\n'
        'ORDERS = "/v2/orders/customer-orders"\n'
        "def f(s):\n"
        '    verb = "GET"\n'
        "    s.post(PAY)\n"
        "    s.request(verb, BASE + ORDERS)\n"
    )
    assert _python(source) == {("POST", PAY, 6, "http-call"), ("GET", ORDERS, 7, "http-call")}


def test_parameters_shadow_module_names():
    source = 'URL = "/v2/orders/customer-orders"\ndef f(URL):\n    return requests.get(URL)\n'
    # The module-level string is still a path; the call's URL is the parameter, unknown.
    assert _python(source) == {(None, ORDERS, 1, "string")}


def test_holes_become_placeholders_named_after_the_sdk_template():
    source = (
        'requests.get(f"{B}/v2/orders/customer-orders/details/{oid}")\n'
        'requests.get(B + "/v2/orders/customer-orders/details/" + oid)\n'
        'requests.get(B + "/v2/orders/customer-orders/details/{order_id}")\n'
    )
    report_paths = {canonical(m, p) for m, p, _, _ in _python(source)}
    assert report_paths == {(DETAILS, "show_customer_order_details")}


def test_docstrings_are_prose():
    source = '"""Calls GET /v2/orders/customer-orders."""\ndef f():\n    """POST /v3/orders/x/pay"""\n'
    assert _python(source) == set()


def test_route_tables_as_dicts():
    source = 'ROUTE = {"method": "PUT", "url": "/v2/orders/customer-orders/cancel"}\n'
    assert _python(source) == {("PUT", "/v2/orders/customer-orders/cancel", 1, "string")}


def test_columns_count_characters_not_bytes():
    (found,) = scan_python(SDK + 'x = "é"; c.pay_orders(r)\n')
    assert found.column == len('x = "é"; ') + 1


def test_invalid_python_is_read_as_text_with_a_warning(tmp_path):
    (tmp_path / "old.py").write_text(
        'print "x"\nrequests.post("https://bss.myhuaweicloud.com/v3/orders/customer-orders/pay")\n'
    )
    report = scan_paths([str(tmp_path)])
    assert [(api.method, api.path) for api in report.apis] == [("POST", PAY)]
    (warning,) = report.warnings
    assert "read as plain text" in warning.message and warning.location.line == 1


# --------------------------------------------------------------------------- other languages


def _text(source: str, language: str) -> set[tuple[str | None, str, int]]:
    return {(found.method, found.path, found.line) for found in scan_text(source, language)}


@pytest.mark.parametrize(
    ("source", "language", "expected"),
    [
        ('curl -X DELETE "$BSS/v2/orders/subscriptions/resources/autorenew/$ID"', "shell", "DELETE"),
        ("curl --request=PUT https://bss.myhuaweicloud.com/v2/orders/customer-orders/cancel", "shell", "PUT"),
        ("curl -I https://bss.myhuaweicloud.com/v2/orders/customer-orders", "shell", "HEAD"),
        ("curl --json '{}' https://bss.myhuaweicloud.com/v2/orders/customer-orders", "shell", "POST"),
        ("wget --post-data=x https://bss.myhuaweicloud.com/v2/orders/customer-orders", "shell", "POST"),
        ("http POST https://bss.myhuaweicloud.com/v2/orders/customer-orders", "shell", "POST"),
        ("echo https://bss.myhuaweicloud.com/v2/orders/customer-orders", "shell", None),
        ('fetch(url + "/v2/orders/customer-orders", options)', "javascript", None),
        ('fetch(url + "/v2/orders/customer-orders", { headers })', "javascript", "GET"),
        ('axios({ method: "delete", url: BASE + "/v2/orders/customer-orders" })', "javascript", "DELETE"),
        (
            'HttpRequest.newBuilder().uri(URI.create(B + "/v2/orders/customer-orders")).POST(body).build();',
            "java",
            "POST",
        ),
        ('new HttpPut(B + "/v2/orders/customer-orders");', "java", "PUT"),
        (
            'restTemplate.exchange(B + "/v2/orders/customer-orders", HttpMethod.PATCH, e, String.class);',
            "java",
            "PATCH",
        ),
        (
            'val r = Request.Builder().url("$base/v2/orders/customer-orders").post(body).build()',
            "kotlin",
            "POST",
        ),
        (
            'req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, base+"/v2/orders/x", nil)',
            "go",
            "DELETE",
        ),
        ('resp, _ := http.Post(base+"/v2/orders/customer-orders", "application/json", body)', "go", "POST"),
        (
            '{"method": "PUT", "url": "https://bss.myhuaweicloud.com/v2/orders/customer-orders"}',
            "json",
            "PUT",
        ),
    ],
)
def test_text_methods(source, language, expected):
    found = _text(source, language)
    assert len(found) == 1, found
    ((method, _, _),) = found
    assert method == expected


def test_text_paths_are_normalised():
    source = (
        "get(`${base}/v2/orders/customer-orders/details/${id}?x=1`)\n"
        'get(base + "/v2/orders/customer-orders/details/" + id)\n'
        'get(fmt.Sprintf("%s/v2/orders/customer-orders/details/%s", base, id))\n'
    )
    paths = {canonical(m, p)[0] for m, p, _ in _text(source, "javascript")}
    assert paths == {DETAILS}


@pytest.mark.parametrize(
    "source",
    [
        'get("https://ecs.myhuaweicloud.com/v2/orders/customer-orders")',  # another service's host
        'get("https://example.com/api/v2/orders/customer-orders")',  # /api/v2 is not /v2
        'get("/v2/{project_id}/servers")',  # not a BSS resource
        'get("/v1/orders-service/v2")',  # a path that does not start with a version
    ],
)
def test_other_services_are_left_alone(source):
    assert _text(source, "javascript") == set()


def test_yaml_method_must_be_in_the_same_mapping():
    source = (
        "- name: a\n"
        "  method: POST\n"
        "- name: b\n"
        "  url: https://bss.myhuaweicloud.com/v2/orders/customer-orders\n"
    )
    assert _text(source, "yaml") == {(None, ORDERS, 4)}


def test_shell_variables_are_followed_to_the_call():
    source = 'URL="$BSS/v3/orders/customer-orders/pay"\necho "$URL"\ncurl -X POST "$URL"\n'
    assert _text(source, "shell") == {("POST", PAY, 3)}


# --------------------------------------------------------------------------- recognising BSS paths


def test_every_bundled_table_path_is_recognised():
    tables = TableSet([])
    for account_type in AccountType:
        for entry in tables.get(account_type).table.entries:
            assert is_bss_path(split_path(entry.path)), entry.api
            assert [found.path for found in find_paths(f'"{entry.path}"')], entry.api


def test_every_sdk_operation_path_is_recognised():
    for operation in operation_map().operations.values():
        assert is_bss_path(split_path(operation.path)), operation.name


def test_the_scanner_finds_every_operation_of_the_map():
    operations = operation_map().operations
    calls = "".join(f"c.{name}(r)\n" for name in operations)
    requests_ = "".join(f"bss.{operation.request}()\n" for operation in operations.values())
    found_calls = {found.path for found in scan_python(SDK + calls)}
    found_requests = {(found.method, found.path) for found in scan_python(SDK + requests_)}
    assert len(found_requests) == len(operations) == 103
    assert found_requests == {(operation.method, operation.path) for operation in operations.values()}
    assert found_calls == {operation.path for operation in operations.values()}


def test_the_fixture_in_place_gives_the_same_findings():
    # In this checkout the scan asks git (when it is one); from an unpacked archive, the walker.
    report = scan_paths([str(FIXTURE)])
    assert _sites(report) == EXPECTED


# --------------------------------------------------------------------------- robustness

FRAGMENTS = [
    "import huaweicloudsdkbss\n",
    "requests.get(",
    "session.request(",
    '"POST", ',
    "method=",
    '"/v2/orders/customer-orders"',
    'f"{BASE}/v3/orders/customer-orders/pay/{x}"',
    '"https://bss.myhuaweicloud.com/v2/bills/customer-bills/res-fee-records?x=1"',
    " + ",
    " % ",
    ".format(x)",
    "c.pay_orders(",
    "PayOrdersRequest(",
    ")",
    "(",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "\n",
    "url = ",
    "url",
    "def f(url):\n    ",
    '"""doc GET /v2/orders/customer-orders"""\n',
    "curl -X PUT ",
    "${BASE}",
    "`",
    "'",
    "-",
    ": ",
    "method: POST\n",
    "  ",
    "\\\n",
    ";",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40),
    st.sampled_from(sorted(set(LANGUAGES.values()) | {"text"})),
)
def test_the_readers_never_fail_on_any_mix_of_code(parts, language):
    source = "".join(parts)
    for found in scan_text(source, language):
        assert found.path.startswith("/v") and found.line >= 1 and found.column >= 1
        assert found.method is None or found.method in METHODS
    try:
        findings = scan_python(source)
    except SyntaxError:
        return
    for found in findings:
        assert found.path.startswith("/v") and found.line >= 1 and found.column >= 1
        assert found.method is None or found.method in METHODS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_find_paths_never_fails_on_any_text(text):
    for found in find_paths(text):
        assert found.path.startswith("/v") and "\x00" not in found.path


def test_a_folder_git_ignores_is_still_scanned_when_named(tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True, env=environment, timeout=60)
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "client.py").write_text("import huaweicloudsdkbss\nc.list_cities(None)\n")
    assert [api.operation for api in scan_paths([str(tmp_path)]).apis] == []
    assert [api.operation for api in scan_paths([str(tmp_path / "generated")]).apis] == ["list_cities"]
