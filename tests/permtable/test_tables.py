"""The bundled tables against the seed pages they were transcribed from, and user table files.

The seeds are parsed here by a deliberately small, independent reader (no permtable code), so a
transcription slip in ``permtable/data/*.yaml`` shows up as a difference between two readings.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

import pytest
from pt_helpers import REPO, SEEDS, check_input_error, write_text

from permtable.apis import parse_api
from permtable.errors import InputError
from permtable.model import AccountType, Mode
from permtable.tables import (
    TableSet,
    bundled,
    bundled_table_from_yaml,
    compiled_table_text,
    load_table_file,
)

URL = re.compile(r"^(GET|POST|PUT|DELETE) ?(/\S*)")


@dataclass(frozen=True)
class SeedRow:
    description: str
    method: str
    path: str
    permissions: tuple[str, ...]
    menu_path: str | None = None  # partner
    name: str | None = None  # customer


def _cell(line: str) -> str:
    """A partner cell: the line without its trailing column separator."""
    line = line.strip()
    if line == "|":
        return ""
    return line[:-2].strip() if line.endswith(" |") else line


def _split_url(cell: str) -> tuple[str, str]:
    match = URL.match(cell)
    assert match, cell
    return match.group(1), match.group(2)


def partner_seed_rows() -> list[SeedRow]:
    lines = (SEEDS / "partner-en.txt").read_text("utf-8").splitlines()
    rows = []
    for number, line in enumerate(lines):
        if not URL.match(line):
            continue
        method, path = _split_url(_cell(line))
        actions = _cell(lines[number + 1])
        menu = _cell(lines[number + 2])
        rows.append(
            SeedRow(
                description=_cell(lines[number - 1]),
                method=method,
                path=path,
                permissions=tuple(actions.split("|")),
                menu_path=menu or None,
            )
        )
    return rows


def customer_seed_rows() -> list[SeedRow]:
    paragraphs = [line.strip() for line in (SEEDS / "customer-zh.txt").read_text("utf-8").splitlines()]
    paragraphs = [p for p in paragraphs if p]
    rows = []
    for number, paragraph in enumerate(paragraphs):
        if not URL.match(paragraph):
            continue
        method, path = _split_url(paragraph)
        rows.append(
            SeedRow(
                description=paragraphs[number - 1],
                method=method,
                path=path,
                permissions=(paragraphs[number + 1],),
                name=paragraphs[number + 2],
            )
        )
    return rows


PARTNER_ROWS = partner_seed_rows()
CUSTOMER_ROWS = customer_seed_rows()


def test_seed_reader_sees_every_row():
    # The counts the pages document (21 partner rows, 26 customer rows): the reader itself works.
    assert len(PARTNER_ROWS) == 21
    assert len(CUSTOMER_ROWS) == 26
    # Three customer URL cells lack the space after the method; the reader must still split them.
    raw = (SEEDS / "customer-zh.txt").read_text("utf-8")
    assert len(re.findall(r"^(?:GET|POST|PUT|DELETE)/", raw, re.M)) == 3


def test_partner_table_matches_the_seed_row_by_row():
    entries = bundled(AccountType.PARTNER).table.entries
    assert len(entries) == len(PARTNER_ROWS) == 21
    for position, (entry, row) in enumerate(zip(entries, PARTNER_ROWS, strict=True), 1):
        assert entry.index == position
        assert (entry.method, entry.path) == (row.method, row.path), position
        assert entry.permissions == row.permissions, position
        assert entry.description.en == row.description, position
        if row.menu_path is None:
            assert entry.menu_path is None, position
        else:
            assert entry.menu_path is not None and entry.menu_path.en == row.menu_path, position
        assert entry.permission_name is None


def test_customer_table_matches_the_seed_row_by_row():
    entries = bundled(AccountType.CUSTOMER).table.entries
    assert len(entries) == len(CUSTOMER_ROWS) == 26
    for position, (entry, row) in enumerate(zip(entries, CUSTOMER_ROWS, strict=True), 1):
        assert entry.index == position
        assert (entry.method, entry.path) == (row.method, row.path), position
        assert entry.permissions == row.permissions, position
        assert entry.description.zh == row.description, position
        assert entry.permission_name is not None
        assert row.name is not None
        assert entry.permission_name.zh == row.name.removesuffix("。"), position
        assert entry.menu_path is None


@pytest.mark.parametrize(
    ("text", "method", "path"),
    [
        ("GET/v2/accounts/customer-accounts/balances", "GET", "/v2/accounts/customer-accounts/balances"),
        ("POST/v2/orders/customer-orders/pay", "POST", "/v2/orders/customer-orders/pay"),
        ("POST/v3/payments/free-resources/query", "POST", "/v3/payments/free-resources/query"),
    ],
)
def test_space_less_url_cells_are_split_into_method_and_path(text, method, path):
    assert text in (SEEDS / "customer-zh.txt").read_text("utf-8")
    table = bundled(AccountType.CUSTOMER)
    (entry,) = [e for e in table.table.entries if e.path == path and e.method == method]
    # And the router finds the row when a user pastes the cell exactly as the page prints it.
    assert table.router.resolve(parse_api(text)) is entry


def test_modes_follow_the_pages():
    partner = bundled(AccountType.PARTNER).table
    customer = bundled(AccountType.CUSTOMER).table
    assert partner.mode is Mode.ANY
    assert customer.mode is Mode.ALL
    assert {entry.mode for entry in partner.entries} == {Mode.ANY}
    assert {entry.mode for entry in customer.entries} == {Mode.ALL}
    # The sentences the modes come from are in the seeds.
    assert "as long as one of its actions is supported" in (SEEDS / "partner-en.txt").read_text("utf-8")
    assert "只要有其中一条权限项为无权限即不可调用" in (SEEDS / "customer-zh.txt").read_text("utf-8")


def test_sources():
    partner = bundled(AccountType.PARTNER).table.source
    customer = bundled(AccountType.CUSTOMER).table.source
    assert customer.updated == "2023-06-14"
    assert "更新时间:2023-06-14" in (SEEDS / "customer-zh.txt").read_text("utf-8")
    assert partner.updated is None  # the partner page carries no date
    assert (partner.language, customer.language) == ("en", "zh")
    assert partner.title.en == (SEEDS / "partner-en.txt").read_text("utf-8").splitlines()[0]
    assert customer.title.zh == "API调用授权(客户)"
    assert customer.title.zh in (SEEDS / "customer-zh.txt").read_text("utf-8")
    assert partner.file == "bundled:partner" and customer.file == "bundled:customer"


def test_documented_oddities_are_kept():
    customer = bundled(AccountType.CUSTOMER).table
    apis = {entry.api for entry in customer.entries}
    assert "POST /v2/orders/suscriptions/resources/query" in apis
    assert "POST /v2/orders/subscriptions/resources/query" not in apis
    assert "POST /v2/orders/subscriptions/resources/autorenew/**" in apis
    assert "DELETE /v2/orders/subscriptions/resources/autorenew/{resource_id}" in apis


@pytest.mark.parametrize(
    ("account_type", "seed", "lang"),
    [(AccountType.PARTNER, "partner-en.txt", "en"), (AccountType.CUSTOMER, "customer-zh.txt", "zh")],
)
def test_scenario_texts_come_from_the_seed(account_type, seed, lang):
    text = (SEEDS / seed).read_text("utf-8")
    for entry in bundled(account_type).table.entries:
        for field in (entry.scenario, entry.sub_scenario):
            original = getattr(field, lang)
            assert original, entry.index
            assert original in text, (entry.index, original)


@pytest.mark.parametrize("account_type", list(AccountType))
def test_every_entry_has_both_languages(account_type):
    for entry in bundled(account_type).table.entries:
        for field in (entry.description, entry.scenario, entry.sub_scenario):
            assert field.en and field.en.strip(), entry.index
            assert field.zh and field.zh.strip(), entry.index


def test_permission_index():
    partner = bundled(AccountType.PARTNER).table
    # A code on an A|B row takes no menu path from that row; a code alone on a row takes it.
    assert partner.permissions["BPC_ITEM_SUBCUSTSERV_060100"].menu_path is None
    assert partner.permissions["BPC_ITEM_SALES_020100"].menu_path.en == (
        "Sales > Resellers > Reseller Management > My Resellers > View Resellers"
    )
    every_code = {code for row in PARTNER_ROWS for code in row.permissions}
    assert set(partner.permissions) == every_code
    customer = bundled(AccountType.CUSTOMER).table
    assert set(customer.permissions) == {row.permissions[0] for row in CUSTOMER_ROWS}
    order_view = customer.permissions["bss:order:view"]
    assert order_view.name.zh == "查看订单信息"
    assert order_view.apis == tuple(
        f"{row.method} {row.path}" for row in CUSTOMER_ROWS if row.permissions == ("bss:order:view",)
    )


# --------------------------------------------------------------------------- user table files

PARTNER_TABLE = """\
schema: 1
type: partner
mode: any
source:
  title: {en: "API Access Permission (Partner), newer edition"}
  site: "test"
  url: "https://example.invalid/partner"
  language: en
  updated: "2030-01-01"
entries:
  - scenario: {en: "Orders"}
    sub_scenario: {en: "Orders"}
    description: {en: "Querying orders"}
    method: GET
    path: /v2/orders/customer-orders
    permissions: [BPC_ITEM_NEW_000001]
    menu_path: {en: "Sales > Orders"}
  - scenario: {en: "Orders"}
    sub_scenario: {en: "Orders"}
    description: {en: "Querying a new thing"}
    method: POST
    path: /v9/new/{thing_id}/query
    permissions: [BPC_ITEM_NEW_000001, BPC_ITEM_NEW_000002]
"""


def test_load_user_table_file(tmp_path):
    path = write_text(tmp_path, "partner-2030.yaml", PARTNER_TABLE)
    indexed = load_table_file(str(path))
    table = indexed.table
    assert table.account_type is AccountType.PARTNER
    assert table.source.updated == "2030-01-01"
    assert table.source.file == str(path)
    assert [entry.api for entry in table.entries] == [
        "GET /v2/orders/customer-orders",
        "POST /v9/new/{thing_id}/query",
    ]
    assert table.entries[1].permissions == ("BPC_ITEM_NEW_000001", "BPC_ITEM_NEW_000002")
    assert table.entries[1].menu_path is None
    assert table.permissions["BPC_ITEM_NEW_000001"].menu_path.en == "Sales > Orders"
    assert indexed.router.resolve(parse_api("POST /v9/new/42/query")) is table.entries[1]


def test_table_set_override_replaces_only_its_type(tmp_path):
    path = write_text(tmp_path, "partner-2030.yaml", PARTNER_TABLE)
    tables = TableSet([str(path)])
    partner = tables.get(AccountType.PARTNER)
    assert partner.table.source.file == str(path)
    assert len(partner.table.entries) == 2
    # The bundled rows are gone: a bundled-only partner API is now unlisted.
    assert partner.router.resolve(parse_api("POST /v2/partners/sub-customers")) is None
    assert tables.get(AccountType.CUSTOMER) is bundled(AccountType.CUSTOMER)
    assert [item.table.account_type for item in tables.all()] == list(AccountType)
    # The bundled table itself is untouched for everybody else.
    assert len(TableSet().get(AccountType.PARTNER).table.entries) == 21


def _entry(**overrides: str | None) -> str:
    """One entry of a table file, as YAML lines; a None value leaves the key out."""
    fields: dict[str, str | None] = {
        "scenario": "{en: S}",
        "sub_scenario": "{en: T}",
        "description": "{en: D}",
        "method": "GET",
        "path": "/v2/x",
        "permissions": "[BPC_ITEM_X_1]",
    }
    fields.update(overrides)
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not None]
    return "  - " + "\n    ".join(lines) + "\n"


def _table(mode: str = "any", type_: str = "partner", entries: str | None = None) -> str:
    return (
        f"schema: 1\ntype: {type_}\nmode: {mode}\n"
        "source: {title: {en: T}, site: s, language: en}\n"
        "entries:\n" + (entries if entries is not None else _entry())
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("mode.yaml", _table(mode="all"), "a partner table has mode any, not all"),
        (
            "mode-c.yaml",
            _table(mode="any", type_="customer", entries=_entry(permissions="[bss:x:view]")),
            "a customer table has mode all, not any",
        ),
        (
            "dup.yaml",
            _table(entries=_entry(path="/v2/x/{a}") + _entry(path="/v2/x/{b}")),
            "entry 2 repeats the API of entry 1",
        ),
        ("method.yaml", _table(entries=_entry(method="get")), "is not an upper-case HTTP method"),
        ("method2.yaml", _table(entries=_entry(method="FETCH")), "'FETCH' is not an upper-case HTTP method"),
        ("missing.yaml", _table(entries=_entry(permissions=None)), "missing the required key 'permissions'"),
        (
            "code.yaml",
            _table(entries=_entry(permissions="[bss:order:view]")),
            "is not a partner permission code",
        ),
        ("path.yaml", _table(entries=_entry(path="/v2/x/")), "must start with / and have no empty segments"),
        ("glob.yaml", _table(entries=_entry(path="/v2/**/x")), "only a final ** segment"),
        ("empty.yaml", _table(entries="  []\n"), "entries must be a non-empty list"),
    ],
)
def test_table_file_errors(tmp_path, name, text, message):
    path = write_text(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        load_table_file(str(path))
    assert message in caught.value.message
    check_input_error(caught.value, name)


def test_unknown_key_gets_a_did_you_mean(tmp_path):
    text = _table().replace("permissions:", "permisions:")
    path = write_text(tmp_path, "typo.yaml", text)
    with pytest.raises(InputError) as caught:
        load_table_file(str(path))
    error = caught.value
    assert "unknown key 'permisions'" in error.message
    assert error.hint == "did you mean 'permissions'?"
    assert error.location.line == text.splitlines().index("    permisions: [BPC_ITEM_X_1]") + 1
    check_input_error(error, "typo.yaml")


def test_two_table_files_of_one_type(tmp_path):
    first = write_text(tmp_path, "a-partner.yaml", PARTNER_TABLE)
    second = write_text(tmp_path, "b-partner.yaml", PARTNER_TABLE)
    with pytest.raises(InputError) as caught:
        TableSet([str(first), str(second)])
    assert caught.value.location.file == str(second)
    text = check_input_error(caught.value, "b-partner.yaml")
    assert "a-partner.yaml" in text
    assert "second partner table" in text


def test_a_partner_and_a_customer_table_together(tmp_path):
    partner = write_text(tmp_path, "p.yaml", PARTNER_TABLE)
    customer = write_text(
        tmp_path,
        "c.yaml",
        _table(mode="all", type_="customer", entries=_entry(permissions="[bss:thing:view]")),
    )
    tables = TableSet([str(partner), str(customer)])
    assert tables.get(AccountType.CUSTOMER).table.source.file == str(customer)
    assert tables.get(AccountType.PARTNER).table.source.file == str(partner)


# --------------------------------------------------------------------------- the generated JSON form


@pytest.mark.parametrize("kind", list(AccountType), ids=lambda kind: kind.value)
def test_the_generated_json_tables_are_current(kind):
    """permtable/data/<type>.json is what bsscheck reads; the reviewed YAML is the source."""
    committed = (REPO / "permtable" / "data" / f"{kind.value}.json").read_text("utf-8")
    assert committed == compiled_table_text(kind), (
        f"permtable/data/{kind.value}.json is out of date: run python scripts/build_tables.py"
    )


@pytest.mark.parametrize("kind", list(AccountType), ids=lambda kind: kind.value)
def test_the_bundled_table_read_from_json_equals_the_yaml(kind):
    from_json = bundled(kind).table
    from_yaml = bundled_table_from_yaml(kind)
    assert from_json == from_yaml
    assert from_json.entries == from_yaml.entries  # every field of every row, in order
    assert from_json.permissions == from_yaml.permissions
    assert from_json.source.file == f"bundled:{kind.value}"


def test_the_build_script_checks_the_json_tables():
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_tables.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
