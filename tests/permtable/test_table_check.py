"""``table validate``: consistency findings on tables the strict loader accepts.

Each case edits the bundled file's text (so the findings point at real lines) and names the
rule it expects; the bundled tables themselves pass, with the documented oddities as info.
"""

from __future__ import annotations

import pytest
from pt_helpers import check_input_error, write_text

from cli.plain import plain
from permtable.editions.check import check_table_ref
from permtable.errors import InputError
from permtable.model import AccountType
from permtable.tables import bundled_table_text

PARTNER, CUSTOMER = AccountType.PARTNER, AccountType.CUSTOMER


def edited(tmp_path, kind: AccountType, *pairs: tuple[str, str]) -> tuple[str, str]:
    text = bundled_table_text(kind)
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return str(write_text(tmp_path, f"{kind.value}.yaml", text)), text


def line_text(text: str, number: int | None) -> str:
    assert number is not None
    return text.splitlines()[number - 1]


def test_the_bundled_partner_table_passes_with_its_documented_oddities_as_info():
    check = check_table_ref("bundled:partner")
    assert not check.failing
    rules = [(f.level, f.rule, f.row) for f in check.findings]
    assert rules == [("info", "menu-path-case", 5), ("info", "empty-text", 20)]
    assert check.findings[0].location.file == "bundled:partner"
    line = line_text(bundled_table_text(PARTNER), check.findings[0].location.line)
    assert "menu_path" in line and "Real-name authentication synchronization" in line
    assert plain(check.record(), "en")["status"] == "ok"


def test_the_bundled_customer_table_is_clean():
    check = check_table_ref("bundled:customer")
    assert check.findings == ()
    assert plain(check.record(), "en")["summary"] == {"total": 0, "error": 0, "warning": 0, "info": 0}


CASES = [
    pytest.param(
        PARTNER,
        [
            (
                '["BPC_ITEM_SUBCUSTSERV_010100", "BPC_ITEM_SUBCUSTSERV_010500"]\n    menu_path: null',
                '["BPC_ITEM_SUBCUSTSERV_010100", "BPC_ITEM_SUBCUSTSERV_010500"]\n'
                '    menu_path: {en: "Sales > Customers"}',
            )
        ],
        ("warning", "ambiguous-menu-path", 8),
        'menu_path: {en: "Sales > Customers"}',
        id="menu-path-on-a-several-actions-row",
    ),
    pytest.param(
        PARTNER,
        [('["BPC_ITEM_ACCOUNT_010500"]', '["BPC_ITEM_ACCOUNT_1"]')],
        ("error", "code-shape", 12),
        '["BPC_ITEM_ACCOUNT_1"]',
        id="partner-code-shape",
    ),
    pytest.param(
        CUSTOMER,
        [('["bss:balance:view"]', '["iam:users:list"]')],
        ("error", "code-shape", 4),
        '["iam:users:list"]',
        id="customer-code-of-another-service",
    ),
    pytest.param(
        PARTNER,
        [('"/v2/partners/sub-customers/budget/query"', '"/v2/partners/sub-customers/Budget"')],
        ("error", "duplicate-row", 19),
        'path: "/v2/partners/sub-customers/budget"',
        id="duplicate-but-for-letter-case",
    ),
    pytest.param(
        PARTNER,
        [('scenario: {en: "Credit management", zh: "管理授信"}', 'scenario: {en: "-", zh: "管理授信"}')],
        ("error", "empty-text", 12),
        'scenario: {en: "-"',
        id="empty-scenario",
    ),
    pytest.param(
        PARTNER,
        [('scenario: {en: "Credit management", zh: "管理授信"}', 'scenario: {zh: "管理授信"}')],
        ("error", "empty-text", 12),
        'scenario: {zh: "管理授信"}',
        id="scenario-missing-in-the-page-language",
    ),
    pytest.param(
        CUSTOMER,
        [
            (
                'permission_name: {zh: "订单支付", en: "Pay orders"}',
                'permission_name: {zh: "支付订单", en: "Pay orders"}',
            )
        ],
        ("warning", "permission-name-conflict", 11),
        'permission_name: {zh: "订单支付", en: "Pay orders"}',
        id="one-code-two-names",
    ),
    pytest.param(
        PARTNER,
        [('["BPC_ITEM_SALES_020100"]', '["BPC_ITEM_SALES_020100", "BPC_ITEM_SALES_020100"]')],
        ("warning", "repeated-code", 11),
        '["BPC_ITEM_SALES_020100", "BPC_ITEM_SALES_020100"]',
        id="code-listed-twice",
    ),
    pytest.param(
        CUSTOMER,
        [('updated: "2023-06-14"', 'updated: "14 June 2023"')],
        ("warning", "source-date", None),
        None,
        id="date-shape",
    ),
    pytest.param(
        CUSTOMER,
        [
            (
                'path: "/v2/orders/subscriptions/resources/renew"',
                'path: "/v2/orders/subscriptions/resources/autorenew/x"',
            )
        ],
        ("info", "overlapping-rows", 16),
        "autorenew/**",
        id="wildcard-overlap",
    ),
]


@pytest.mark.parametrize(("kind", "pairs", "expected", "at"), CASES)
def test_findings(tmp_path, kind, pairs, expected, at):
    path, text = edited(tmp_path, kind, *pairs)
    check = check_table_ref(path)
    found = [(f.level, f.rule, f.row) for f in check.findings]
    assert expected in found, found
    finding = check.findings[found.index(expected)]
    assert finding.location.file == path
    if at is not None:
        assert at in line_text(text, finding.location.line)
    assert check.failing is (expected[0] != "info")
    assert "\n" not in str(finding)


def test_a_table_the_loader_refuses_is_an_input_error(tmp_path):
    path, _ = edited(tmp_path, PARTNER, ('mode: "any"', 'mode: "all"'))
    with pytest.raises(InputError) as caught:
        check_table_ref(path)
    check_input_error(caught.value, "partner.yaml")
    with pytest.raises(InputError):
        check_table_ref("bundled:nothing")
