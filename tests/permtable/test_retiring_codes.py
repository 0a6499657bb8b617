"""Codes a page marks as to be taken offline (待下线): read, stored, and weighed strictly.

A customer row listing one current code and an old one marked so is satisfied by either (the
old one with a note); a Deny of either denies; a row with several current codes stays all-of,
retiring code included, because which code the old one stands for is not documented.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pt_helpers import FixedTables, check_input_error, make_table, write_grants

from permtable.apis import parse_api
from permtable.editions.page import Cell, RawRow
from permtable.editions.rows import RowBuilder
from permtable.errors import InputError
from permtable.evaluate import Decision, EvaluationPolicy
from permtable.grants import load_grants
from permtable.model import AccountType, Mode, Table, build_permissions
from permtable.queries import can_call
from permtable.router import Router
from permtable.tables import IndexedTable

CUSTOMER = AccountType.CUSTOMER


def _table(*rows: tuple[str, str, tuple[str, ...], tuple[str, ...]]) -> FixedTables:
    plain = make_table(CUSTOMER, [(method, path, codes) for method, path, codes, _ in rows])
    entries = tuple(
        replace(entry, retiring=retiring)
        for entry, (*_, retiring) in zip(plain.table.entries, rows, strict=True)
    )
    table = Table(CUSTOMER, Mode.ALL, plain.table.source, entries, build_permissions(CUSTOMER, entries))
    return FixedTables(IndexedTable(table, Router(table)))


TABLE = _table(
    ("POST", "/v9/unsubscribe", ("bss:unsubscribe:update", "bss:order:update"), ("bss:order:update",)),
    ("POST", "/v9/two", ("bss:alpha:view", "bss:beta:view", "bss:old:view"), ("bss:old:view",)),
)


def _decide(tmp_path, api: str, *statements: dict):
    document = {"Version": "1.1", "Statement": list(statements)}
    grants = {"type": "customer", "policies": [{"name": "P", "document": document}]}
    loaded = load_grants([str(write_grants(tmp_path, "g.yaml", grants))])
    (result,) = can_call([parse_api(api)], loaded, TABLE, EvaluationPolicy()).results
    return result


@pytest.mark.parametrize(
    ("actions", "decision", "noted"),
    [
        (["bss:unsubscribe:update"], Decision.ALLOWED, False),
        (["bss:order:update"], Decision.ALLOWED, True),
        (["bss:unsubscribe:update", "bss:order:update"], Decision.ALLOWED, False),
        (["bss:order:view"], Decision.IMPLICIT_DENY, False),
    ],
)
def test_either_the_current_or_the_retiring_code_satisfies_the_row(tmp_path, actions, decision, noted):
    result = _decide(tmp_path, "POST /v9/unsubscribe", {"Effect": "Allow", "Action": actions})
    assert result.decision is decision
    assert any("to be taken offline" in note for note in result.notes) is noted
    if decision is not Decision.ALLOWED:
        assert result.missing == ("bss:unsubscribe:update",)  # never the retiring code


def test_a_deny_of_the_retiring_code_denies_the_row(tmp_path):
    result = _decide(
        tmp_path,
        "POST /v9/unsubscribe",
        {"Effect": "Allow", "Action": ["bss:unsubscribe:update"]},
        {"Effect": "Deny", "Action": ["bss:order:update"]},
    )
    assert result.decision is Decision.EXPLICIT_DENY
    assert result.missing == ("bss:order:update",)  # what to change: that Deny


def test_with_several_current_codes_every_code_is_required(tmp_path):
    without_old = _decide(
        tmp_path, "POST /v9/two", {"Effect": "Allow", "Action": ["bss:alpha:view", "bss:beta:view"]}
    )
    assert without_old.decision is Decision.IMPLICIT_DENY
    assert any("every listed permission is required" in note for note in without_old.notes)
    everything = _decide(tmp_path, "POST /v9/two", {"Effect": "Allow", "Action": ["bss:*:view"]})
    assert everything.decision is Decision.ALLOWED


BOTH = ("bss:unsubscribe:update", "bss:order:update")


def _row(codes: str) -> RawRow:
    cell = Cell("x", 3)
    return RawRow(1, 3, cell, cell, cell, Cell("POST /v9/unsubscribe", 3), Cell(codes, 4), Cell("name", 5))


@pytest.mark.parametrize(
    ("cell", "permissions", "retiring"),
    [
        ("bss:unsubscribe:update\nbss:order:update(待下线)", BOTH, ("bss:order:update",)),
        ("bss:unsubscribe:update|bss:order:update (to be offline)", BOTH, ("bss:order:update",)),
        ("bss:a:view(待下线)、bss:b:view", ("bss:a:view", "bss:b:view"), ("bss:a:view",)),
        ("bss:order:update", ("bss:order:update",), ()),
    ],
)  # fmt: skip
def test_the_importer_reads_the_marks(cell, permissions, retiring):
    entry = RowBuilder(CUSTOMER, Mode.ALL, "zh", "page.html").entry(_row(cell))
    assert (entry.permissions, entry.retiring) == (permissions, retiring)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("bss:order:update(仅限中国站)", "cannot read the note '(仅限中国站)' in the permission cell"),
        ("(待下线) bss:order:update", "the note '(待下线)' follows no permission code"),
    ],
)
def test_a_note_that_is_not_a_retirement_is_an_error_at_its_line(cell, message):
    with pytest.raises(InputError) as caught:
        RowBuilder(CUSTOMER, Mode.ALL, "zh", "page.html").entry(_row(cell))
    check_input_error(caught.value, "page.html")
    assert caught.value.message == message and caught.value.location.line == 4


def test_a_table_file_naming_a_retiring_code_it_does_not_list_is_refused(tmp_path):
    from permtable.tables import load_table_file

    text = tmp_path / "t.yaml"
    text.write_text(
        "schema: 1\ntype: customer\nmode: all\nsource:\n  title: {en: t}\n  site: s\n  language: en\n"
        "entries:\n  - scenario: {en: a}\n    sub_scenario: {en: a}\n    description: {en: a}\n"
        "    method: POST\n    path: /v9/x\n    permissions: [bss:a:view]\n    retiring: [bss:b:view]\n"
        "    permission_name: null\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_table_file(str(text))
    assert "retiring code 'bss:b:view' is not among its permissions" in caught.value.message
    assert caught.value.location.line == 15
