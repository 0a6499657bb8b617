"""Comparing two tables: rows matched by API, fields compared as the page documents them.

The tables here are the bundled ones, changed one field at a time with ``dataclasses.replace``,
so each test says exactly which difference it expects to see, and no other.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pt_helpers import check_input_error, write_text

from cli.plain import plain
from permtable.editions.diff import api_key, diff_tables, load_table_ref
from permtable.errors import InputError
from permtable.model import AccountType, LocalText, Mode, Table
from permtable.tables import bundled, bundled_table_text

PARTNER, CUSTOMER = AccountType.PARTNER, AccountType.CUSTOMER


def table(kind: AccountType) -> Table:
    return bundled(kind).table


def with_entry(base: Table, index: int, **changes: object) -> Table:
    entries = list(base.entries)
    entries[index - 1] = replace(entries[index - 1], **changes)
    return replace(base, entries=tuple(entries))


def fields_of(result) -> dict[str, list[tuple[str, object, object]]]:
    return {c.new.api: [(f.field, f.old, f.new) for f in c.fields] for c in result.changed}


@pytest.mark.parametrize("kind", [PARTNER, CUSTOMER], ids=str)
@pytest.mark.parametrize("all_fields", [False, True])
def test_a_table_is_identical_to_itself(kind, all_fields):
    result = diff_tables(table(kind), table(kind), all_fields)
    assert result.identical
    record = plain(result.record(), "en")
    assert (record["identical"], record["added"], record["removed"], record["changed"], record["table"]) == (
        True,
        [],
        [],
        [],
        [],
    )


def test_placeholders_are_compared_by_position_not_name():
    assert api_key("GET", "/v2/orders/{order_id}") == api_key("GET", "/v2/orders/{id}")
    assert api_key("GET", "/v2/orders/{id}") != api_key("POST", "/v2/orders/{id}")
    assert api_key("GET", "/v2/orders/{id}") != api_key("GET", "/v2/orders/details")
    base = table(CUSTOMER)
    renamed = with_entry(base, 7, path="/v2/orders/customer-orders/details/{id}")
    result = diff_tables(base, renamed)
    assert (result.added, result.removed) == ((), ())
    assert fields_of(result) == {
        "GET /v2/orders/customer-orders/details/{id}": [
            (
                "path",
                "/v2/orders/customer-orders/details/{order_id}",
                "/v2/orders/customer-orders/details/{id}",
            )
        ]
    }


def test_a_changed_method_is_a_removed_and_an_added_row():
    base = table(PARTNER)
    result = diff_tables(base, with_entry(base, 13, method="POST"))
    assert [e.api for e in result.removed] == ["GET /v2/promotions/benefits/coupons"]
    assert [e.api for e in result.added] == ["POST /v2/promotions/benefits/coupons"]
    assert not result.changed


def test_rows_added_and_removed_keep_document_order():
    base = table(PARTNER)
    fewer = replace(base, entries=base.entries[:5] + base.entries[7:])
    result = diff_tables(base, fewer)
    assert [e.index for e in result.removed] == [6, 7]
    back = diff_tables(fewer, base)
    assert [e.index for e in back.added] == [6, 7]
    assert not back.removed and not back.changed


def test_every_documented_field_is_compared_field_by_field():
    base = table(PARTNER)
    changed = with_entry(
        base,
        11,
        scenario=LocalText(en="Reseller administration", zh="管理云经销商"),
        description=LocalText(en="Listing resellers", zh="查询云经销商列表"),
        permissions=("BPC_ITEM_SALES_020100", "BPC_ITEM_SALES_020200"),
        menu_path=LocalText(en="Sales > Resellers"),
    )
    assert fields_of(diff_tables(base, changed)) == {
        "POST /v2/partners/indirect-partners/query": [
            ("scenario", "Reseller management", "Reseller administration"),
            ("description", "Querying the list of resellers", "Listing resellers"),
            ("permissions", ("BPC_ITEM_SALES_020100",), ("BPC_ITEM_SALES_020100", "BPC_ITEM_SALES_020200")),
            (
                "menu_path",
                "Sales > Resellers > Reseller Management > My Resellers > View Resellers",
                "Sales > Resellers",
            ),
        ]
    }


def test_a_removed_menu_path_and_a_changed_permission_name():
    partner = table(PARTNER)
    assert fields_of(diff_tables(partner, with_entry(partner, 1, menu_path=None))) == {
        "POST /v2/partners/sub-customers/users/check-identity": [
            (
                "menu_path",
                "Sales > Customers > Customer Management > Customer List > Create Partner Customer",
                None,
            )
        ]
    }
    customer = table(CUSTOMER)
    renamed = with_entry(customer, 9, permission_name=LocalText(zh="支付订单", en="Pay orders"))
    assert fields_of(diff_tables(customer, renamed)) == {
        "POST /v2/orders/customer-orders/pay": [("permission_name", "订单支付", "支付订单")]
    }


def test_translations_site_and_url_are_compared_only_with_all_fields():
    base = table(CUSTOMER)
    retranslated = with_entry(base, 1, description=LocalText(zh="查询按需产品价格", en="Pay-per-use prices"))
    moved = replace(retranslated, source=replace(base.source, site="elsewhere", url=None))
    assert diff_tables(base, moved).identical
    result = diff_tables(base, moved, all_fields=True)
    assert [(c.field, c.new) for c in result.table_changes] == [
        ("source.site", "elsewhere"),
        ("source.url", None),
    ]
    assert fields_of(result) == {
        "POST /v2/bills/ratings/on-demand-resources": [
            ("description.en", "Querying pay-per-use product price", "Pay-per-use prices")
        ]
    }


def test_the_documented_text_is_not_hidden_by_a_translation():
    """A row whose page text is gone but whose translation remains is a change, not a fallback."""
    base = table(PARTNER)
    only_zh = with_entry(base, 2, description=LocalText(zh="发送验证码"))
    assert fields_of(diff_tables(base, only_zh)) == {
        "POST /v2/bases/verificationcode/send": [("description", "Sending a verification code", None)]
    }


def test_table_fields_type_mode_title_date_and_language():
    base = table(CUSTOMER)
    newer = replace(
        base, source=replace(base.source, updated="2024-03-20", title=LocalText(zh="API调用授权"))
    )
    result = diff_tables(base, newer)
    assert [(c.field, c.old, c.new) for c in result.table_changes] == [
        ("source.title", "API调用授权(客户)", "API调用授权"),
        ("source.updated", "2023-06-14", "2024-03-20"),
    ]
    other = diff_tables(base, table(PARTNER))
    assert [c.field for c in other.table_changes] == [
        "type",
        "mode",
        "source.language",
        "source.title",
        "source.updated",
    ]
    # The APIs in both tables are compared (each side in its own page's language).
    assert {c.new.api for c in other.changed} == {
        "GET /v2/promotions/benefits/coupons",
        "GET /v2/orders/customer-orders",
        "GET /v2/orders/customer-orders/details/{order_id}",
        "GET /v1.0/{domain_id}/payments/intl-invoices",
    }
    assert replace(base, mode=Mode.ANY).mode is Mode.ANY  # the loader, not the diff, guards modes


def test_the_record_is_plain_json_with_schema_version_1():
    base = table(PARTNER)
    changed = with_entry(base, 12, permissions=("BPC_ITEM_ACCOUNT_010500", "BPC_ITEM_ACCOUNT_010600"))
    record = diff_tables(base, replace(changed, entries=changed.entries[1:])).record()
    record = plain(record, "en")
    assert json.loads(json.dumps(record)) == record
    assert record["schema_version"] == 1
    assert set(record) >= {
        "old",
        "new",
        "all_fields",
        "identical",
        "table",
        "added",
        "removed",
        "changed",
        "summary",
    }
    (removed,) = record["removed"]
    assert removed == {
        "api": "POST /v2/partners/sub-customers/users/check-identity",
        "row": 1,
        "method": "POST",
        "path": "/v2/partners/sub-customers/users/check-identity",
        "scenario": "Customer management",
        "sub_scenario": "Customer registration",
        "description": "Verifying customer registration information",
        "permissions": ["BPC_ITEM_SUBCUSTSERV_010118"],
        "menu_path": "Sales > Customers > Customer Management > Customer List > Create Partner Customer",
    }
    (change,) = record["changed"]
    assert change == {
        "api": "GET /v2/partners/credit/consumption-quota",
        "old_api": "GET /v2/partners/credit/consumption-quota",
        "old_row": 12,
        "new_row": 12,  # a row keeps its number in its own table
        "fields": [
            {
                "field": "permissions",
                "old": ["BPC_ITEM_ACCOUNT_010500"],
                "new": ["BPC_ITEM_ACCOUNT_010500", "BPC_ITEM_ACCOUNT_010600"],
            }
        ],
    }
    assert record["summary"] == {
        "old_rows": 21,
        "new_rows": 20,
        "added": 0,
        "removed": 1,
        "changed": 1,
        "table_fields": 0,
    }
    assert record["identical"] is False


def test_table_references(tmp_path):
    assert load_table_ref("bundled:customer") is table(CUSTOMER)
    copy = write_text(tmp_path, "partner.yaml", bundled_table_text(PARTNER))
    assert diff_tables(table(PARTNER), load_table_ref(str(copy)), all_fields=True).identical
    with pytest.raises(InputError) as caught:
        load_table_ref("bundled:reseller")
    assert "bundled:partner, bundled:customer" in check_input_error(caught.value, "bundled:reseller")
    with pytest.raises(InputError) as caught:
        load_table_ref(str(tmp_path / "missing.yaml"))
    check_input_error(caught.value, "missing.yaml")
