"""Helpers for the permtable tests: files on disk, small hand-made tables, error checks.

A plain module with a name of its own (tests/permtable has no __init__.py: a package named
``permtable`` there would shadow the library), imported by the test modules directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from permtable.errors import InputError
from permtable.model import (
    AccountType,
    Entry,
    LocalText,
    Mode,
    Source,
    Table,
    build_permissions,
)
from permtable.router import Router
from permtable.tables import IndexedTable, TableSet

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "data" / "seeds"
CASES = Path(__file__).resolve().parent / "cases"

MODES = {AccountType.PARTNER: Mode.ANY, AccountType.CUSTOMER: Mode.ALL}


def write_text(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# What generated IAM statements write beside a table's codes: a wildcard over every segment, a
# segment or part of one, another case, a code no table lists, another service's action.
IAM_ACTION_FORMS = (
    "bss:*:*",
    "bss:order:*",
    "bss:*:view",
    "bss:bill*:view",
    "BSS:Order:View",
    "bss:custom1:view",
    "ecs:*:*",
)


def write_grants(directory: Path, name: str, grants: object) -> Path:
    """Write a grants mapping as YAML (``*.yaml``) or JSON (``*.json``), by the name's suffix."""
    if name.endswith(".json"):
        text = json.dumps(grants, indent=2)
    else:
        text = yaml.safe_dump(grants, sort_keys=False, allow_unicode=True)
    return write_text(directory, name, text)


def make_entry(
    account_type: AccountType,
    index: int,
    method: str,
    path: str,
    permissions: Sequence[str],
    menu_path: str | None = None,
    name: str | None = None,
) -> Entry:
    text = LocalText(en=f"row {index}", zh=f"第{index}行")
    return Entry(
        table=account_type,
        index=index,
        scenario=text,
        sub_scenario=text,
        description=text,
        method=method,
        path=path,
        permissions=tuple(permissions),
        mode=MODES[account_type],
        menu_path=LocalText(en=menu_path) if menu_path else None,
        permission_name=LocalText(zh=name) if name else None,
    )


def make_table(
    account_type: AccountType,
    rows: Iterable[tuple],
) -> IndexedTable:
    """A table built in memory from rows ``(method, path, permissions[, menu_path_or_name])``."""
    entries = []
    for index, row in enumerate(rows, 1):
        method, path, permissions, *extra = row
        label = extra[0] if extra else None
        if account_type is AccountType.PARTNER:
            entries.append(make_entry(account_type, index, method, path, permissions, menu_path=label))
        else:
            entries.append(make_entry(account_type, index, method, path, permissions, name=label))
    source = Source(LocalText(en="test table"), "tests", None, "en", None, "<memory>")
    table = Table(
        account_type,
        MODES[account_type],
        source,
        tuple(entries),
        build_permissions(account_type, tuple(entries)),
    )
    return IndexedTable(table, Router(table))


class FixedTables(TableSet):
    """A TableSet whose tables are given in memory (bundled for the types not given)."""

    def __init__(self, *indexed: IndexedTable):
        super().__init__()
        for item in indexed:
            self._tables[item.table.account_type] = item


def check_input_error(error: InputError, file_name: str | None) -> str:
    """Every user error reads as one line and, when a file is involved, names it."""
    text = str(error)
    assert "\n" not in text and "\r" not in text, text
    assert len(text.splitlines()) == 1, text
    if file_name is not None:
        assert file_name in text, text
    return text


def stacked_aliases(levels: int = 30, depth: int = 60) -> list[str]:
    """Anchors each nesting ``depth`` lists around the previous one: shallow as written, deep
    once the aliases are followed (levels * depth)."""
    items = ["&x0 " + "[" * depth + "1" + "]" * depth]
    for level in range(1, levels):
        items.append(f"&x{level} " + "[" * depth + f"*x{level - 1}" + "]" * depth)
    return items
