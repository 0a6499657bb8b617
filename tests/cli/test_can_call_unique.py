"""``bsscheck can-call --unique``: one result per endpoint, counted, from a streamed --apis file."""

from __future__ import annotations

import json

import pytest

CUSTOMER = ("-g", "samples/customer-grants.yaml")
LOG = "\n".join(
    [
        "# gateway log, replayed",
        "GET /v2/orders/customer-orders",
        "get https://bss-intl.myhuaweicloud.com/v2/orders/customer-orders?limit=10",
        "GET /v2/orders/customer-orders/details/CS1",
        "",
        "GET /v2/orders/customer-orders/details/CS2  # another order",
        "POST /v3/orders/customer-orders/pay",
        "GET /v2/orders/customer-orders",
        "GET /v2/bases/conversions",
        "",
    ]
)


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "api.log"
    path.write_text(LOG, "utf-8")
    return str(path)


def test_each_endpoint_once_with_its_count_and_first_line(run_cli, log):
    out = run_cli("can-call", *CUSTOMER, "--apis", log, "--unique", "--format", "json")
    assert out.code == 1, out  # the sample account is denied bss:order:pay
    record = out.json()
    assert [(r["input"], r["count"], r["first_line"]) for r in record["results"]] == [
        ("GET /v2/orders/customer-orders", 3, 2),
        ("GET /v2/orders/customer-orders/details/CS1", 2, 4),
        ("POST /v3/orders/customer-orders/pay", 1, 7),
        ("GET /v2/bases/conversions", 1, 9),
    ]
    assert record["results"][1]["location"] == {"file": log, "line": 4, "column": 1}
    assert record["summary"]["total"] == 4
    assert record["summary"]["inputs"] == 7


def test_the_results_are_those_of_can_call_for_the_first_inputs(run_cli, log):
    unique = run_cli("can-call", *CUSTOMER, "--apis", log, "--unique", "--format", "json").json()
    firsts = [r["input"] for r in unique["results"]]
    plain = run_cli("can-call", *CUSTOMER, *firsts, "--format", "json").json()
    strip = ("count", "first_line", "location")
    assert [{k: v for k, v in r.items() if k not in strip} for r in unique["results"]] == [
        {k: v for k, v in r.items() if k != "location"} for r in plain["results"]
    ]
    assert unique["warnings"] == plain["warnings"]


def test_without_unique_every_input_is_reported_and_nothing_is_counted(run_cli, log):
    record = run_cli("can-call", *CUSTOMER, "--apis", log, "--format", "json").json()
    assert len(record["results"]) == 7
    assert not any("count" in r or "first_line" in r for r in record["results"])
    assert "inputs" not in record["summary"]


def test_arguments_and_standard_input_are_counted_too(run_cli):
    out = run_cli(
        "can-call",
        *CUSTOMER,
        "GET /v2/orders/customer-orders",
        "--apis",
        "-",
        "--unique",
        "--format",
        "json",
        input="GET /v2/orders/customer-orders\nGET /v2/orders/customer-orders/details/X\n",
    )
    record = out.json()
    assert [(r["input"], r["count"], r["first_line"], r["location"]["file"]) for r in record["results"]] == [
        ("GET /v2/orders/customer-orders", 2, None, "<argument 1>"),
        ("GET /v2/orders/customer-orders/details/X", 1, 2, "<stdin>"),
    ]


def test_the_size_limit_does_not_apply_to_a_streamed_list(run_cli, tmp_path):
    grants = tmp_path / "grants.yaml"
    grants.write_text("type: partner\nactions: [BPC_ITEM_SUBCUSTSERV_060100]\n", "utf-8")
    path = tmp_path / "big.log"
    path.write_text("GET /v2/orders/customer-orders\n" * 100, "utf-8")  # 3,100 bytes
    refused = run_cli("can-call", "-g", str(grants), "--apis", str(path), "--max-file-size", "1K")
    assert refused.code == 2
    assert refused.stderr.startswith(f"bsscheck: error: {path}: file is larger than the 1,024-byte limit")
    streamed = run_cli(
        "can-call",
        "-g",
        str(grants),
        "--apis",
        str(path),
        "--max-file-size",
        "1K",
        "--unique",
        "--format",
        "json",
    )
    assert streamed.code == 0, streamed
    assert streamed.json()["results"][0]["count"] == 100


def test_a_grants_file_keeps_its_size_limit_with_unique(run_cli, log):
    out = run_cli("can-call", *CUSTOMER, "--apis", log, "--unique", "--max-file-size", "100")
    assert out.code == 2
    assert "samples/customer-grants.yaml" in out.stderr and "100-byte limit" in out.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("GET /v2/a\n" * 3 + "FETCH /x\n" + "GET /v2/a\n", ":4:1: unknown HTTP method 'FETCH'"),
        ("# only comments\n\n", "the API list has no APIs (only blank lines or comments)"),
        ("GET /v2/a\n\x00\n", "file contains NUL bytes"),
    ],
    ids=["bad-line", "no-apis", "binary"],
)
def test_input_errors_are_one_line_and_exit_2(run_cli, tmp_path, text, message):
    path = tmp_path / "api.log"
    path.write_text(text, "utf-8")
    out = run_cli("can-call", *CUSTOMER, "--apis", str(path), "--unique", "--format", "json")
    assert out.code == 2
    assert out.stdout == ""
    assert len(out.stderr_lines) == 1 and message in out.stderr, out


def test_the_table_shows_the_counts(run_cli, log):
    out = run_cli("can-call", "-v", *CUSTOMER, "--apis", log, "--unique")
    assert "Inputs" in out.stdout
    assert f"named by 3 input(s), first at {log}:2:1" in out.stdout
    assert "4 API(s) named by 7 input(s): " in out.stdout


def test_other_formats_render_unique_reports(run_cli, log):
    for fmt in ("sarif", "junit", "github", "markdown"):
        out = run_cli("can-call", *CUSTOMER, "--apis", log, "--unique", "--format", fmt)
        assert out.code == 1, (fmt, out)
    sarif = json.loads(run_cli("can-call", *CUSTOMER, "--apis", log, "--unique", "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"]
