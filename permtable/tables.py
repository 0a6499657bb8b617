"""Loading permission tables: the bundled ones (lazily, once) and newer editions users bring.

A table file replaces the bundled table of its type, so a user can follow Huawei's page
without waiting for a release. Table files go through the same positioned, strict reader as
grants: a malformed table could otherwise turn a required permission into "not listed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeVar

from permtable.apis import METHODS, is_placeholder, split_path
from permtable.documents import (
    DEFAULT_MAX_BYTES,
    Node,
    check_keys,
    expect_map,
    expect_str,
    expect_str_list,
    load_document,
    parse_document,
)
from permtable.errors import InputError, Location
from permtable.model import (
    LANGUAGES,
    AccountType,
    Entry,
    LocalText,
    Mode,
    Source,
    Table,
    build_permissions,
)
from permtable.patterns import PARTNER_CODE
from permtable.router import Router

TABLE_SCHEMA = 1
EXPECTED_MODE = {AccountType.PARTNER: Mode.ANY, AccountType.CUSTOMER: Mode.ALL}

_CUSTOMER_CODE = re.compile(r"[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*")

_TABLE_KEYS = ("schema", "type", "mode", "source", "entries")
_SOURCE_KEYS = ("title", "site", "url", "language", "updated")
_ENTRY_KEYS = (
    "scenario",
    "sub_scenario",
    "description",
    "method",
    "path",
    "permissions",
    "menu_path",
    "permission_name",
)


@dataclass(frozen=True)
class IndexedTable:
    """A table with its compiled router: what every evaluation works from."""

    table: Table
    router: Router


def bundled_table_text(account_type: AccountType) -> str:
    return (resources.files("permtable") / "data" / f"{account_type.value}.yaml").read_text("utf-8")


@cache
def bundled(account_type: AccountType) -> IndexedTable:
    """The bundled table of a type, parsed on first use (never at import time)."""
    name = f"bundled:{account_type.value}"
    table = table_from_node(parse_document(bundled_table_text(account_type), name), name)
    return IndexedTable(table, Router(table))


def load_table_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> IndexedTable:
    table = table_from_node(load_document(path, max_bytes), path)
    return IndexedTable(table, Router(table))


class TableSet:
    """The tables in force for a run: bundled unless a ``--table`` file replaced one."""

    def __init__(self, overrides: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES):
        self._tables: dict[AccountType, IndexedTable] = {}
        for path in overrides:
            indexed = load_table_file(path, max_bytes)
            kind = indexed.table.account_type
            if kind in self._tables:
                raise InputError(
                    f"a second {kind.value} table was given; only one table per account type applies",
                    Location(path),
                    f"drop one of the --table files ({self._tables[kind].table.source.file}, {path})",
                )
            self._tables[kind] = indexed

    def get(self, account_type: AccountType) -> IndexedTable:
        if account_type not in self._tables:
            self._tables[account_type] = bundled(account_type)
        return self._tables[account_type]

    def all(self) -> list[IndexedTable]:
        return [self.get(kind) for kind in AccountType]


# --------------------------------------------------------------------------- parsing


def table_from_node(root: Node, file: str) -> Table:
    mapping = check_keys(root, "table file", _TABLE_KEYS, required=_TABLE_KEYS)
    schema = mapping["schema"]
    if schema.kind != "int" or schema.value != TABLE_SCHEMA:
        raise InputError(
            f"unsupported table schema {schema.value!r}",
            schema.location,
            f"this bsscheck reads schema {TABLE_SCHEMA}",
        )
    account_type = _enum(AccountType, mapping["type"], "type")
    mode = _enum(Mode, mapping["mode"], "mode")
    if mode is not EXPECTED_MODE[account_type]:
        # The semantics are Huawei's, not a setting: a partner table read as "all" would
        # deny wrongly, a customer table read as "any" would allow wrongly.
        raise InputError(
            f"a {account_type.value} table has mode {EXPECTED_MODE[account_type].value}, not {mode.value}",
            mapping["mode"].location,
        )
    source = _source(mapping["source"], file)
    entries_node = mapping["entries"]
    if not entries_node.is_seq or not entries_node.value:
        raise InputError("entries must be a non-empty list", entries_node.location)
    entries = tuple(
        _entry(node, index, account_type, mode) for index, node in enumerate(entries_node.value, 1)
    )
    _check_duplicates(entries, entries_node.value)
    return Table(account_type, mode, source, entries, build_permissions(account_type, entries))


E = TypeVar("E", AccountType, Mode)


def _enum(enum_type: type[E], node: Node, what: str) -> E:
    text = expect_str(node, what)
    try:
        return enum_type(text)
    except ValueError:
        choices = ", ".join(member.value for member in enum_type)
        raise InputError(f"{what} must be one of {choices}, not {text!r}", node.location) from None


def _local_text(node: Node, what: str, allow_null: bool = False) -> LocalText | None:
    if allow_null and node.kind == "null":
        return None
    mapping = check_keys(node, what, LANGUAGES)
    values = {lang: expect_str(value, f"{what}.{lang}") for lang, value in mapping.items()}
    if not values:
        raise InputError(f"{what} needs an en or zh text", node.location)
    return LocalText(**values)


def _source(node: Node, file: str) -> Source:
    mapping = check_keys(node, "source", _SOURCE_KEYS, required=("title", "site", "language"))
    title = _local_text(mapping["title"], "source.title")
    assert title is not None
    url = mapping.get("url")
    updated = mapping.get("updated")
    language = expect_str(mapping["language"], "source.language")
    if language not in LANGUAGES:
        raise InputError(f"source.language must be en or zh, not {language!r}", mapping["language"].location)
    return Source(
        title=title,
        site=expect_str(mapping["site"], "source.site"),
        url=expect_str(url, "source.url") if url is not None and url.kind != "null" else None,
        language=language,
        updated=expect_str(updated, "source.updated")
        if updated is not None and updated.kind != "null"
        else None,
        file=file,
    )


def _entry(node: Node, index: int, account_type: AccountType, mode: Mode) -> Entry:
    what = f"entry {index}"
    required = ("scenario", "sub_scenario", "description", "method", "path", "permissions")
    mapping = check_keys(node, what, _ENTRY_KEYS, required=required)
    method_node = mapping["method"]
    method = expect_str(method_node, f"{what} method")
    if method not in METHODS:
        raise InputError(f"{what}: method {method!r} is not an upper-case HTTP method", method_node.location)
    path_node = mapping["path"]
    path = expect_str(path_node, f"{what} path")
    segments = split_path(path)
    if not path.startswith("/") or not segments or "/" + "/".join(segments) != path:
        raise InputError(
            f"{what}: path {path!r} must start with / and have no empty segments", path_node.location
        )
    if "**" in segments[:-1] or any("*" in s and s != "**" for s in segments):
        raise InputError(f"{what}: only a final ** segment may hold a wildcard", path_node.location)
    for segment in segments:
        if ("{" in segment or "}" in segment) and not is_placeholder(segment):
            raise InputError(f"{what}: malformed placeholder {segment!r}", path_node.location)
    codes = expect_str_list(mapping["permissions"], f"{what} permissions")
    if not codes:
        raise InputError(f"{what}: permissions must not be empty", mapping["permissions"].location)
    pattern = PARTNER_CODE if account_type is AccountType.PARTNER else _CUSTOMER_CODE
    for code, code_node in codes:
        if not pattern.fullmatch(code):
            raise InputError(
                f"{what}: {code!r} is not a {account_type.value} permission code",
                code_node.location,
                "partner codes look like BPC_ITEM_..., customer codes like bss:order:view",
            )
    menu_node = mapping.get("menu_path")
    name_node = mapping.get("permission_name")
    if account_type is AccountType.CUSTOMER and menu_node is not None and menu_node.kind != "null":
        raise InputError(f"{what}: menu_path belongs to partner tables", menu_node.location)
    if account_type is AccountType.PARTNER and name_node is not None and name_node.kind != "null":
        raise InputError(f"{what}: permission_name belongs to customer tables", name_node.location)
    return Entry(
        table=account_type,
        index=index,
        scenario=_required_text(mapping["scenario"], f"{what} scenario"),
        sub_scenario=_required_text(mapping["sub_scenario"], f"{what} sub_scenario"),
        description=_required_text(mapping["description"], f"{what} description"),
        method=method,
        path=path,
        permissions=tuple(code for code, _ in codes),
        mode=mode,
        menu_path=_local_text(menu_node, f"{what} menu_path", allow_null=True) if menu_node else None,
        permission_name=_local_text(name_node, f"{what} permission_name", allow_null=True)
        if name_node
        else None,
    )


def _required_text(node: Node, what: str) -> LocalText:
    text = _local_text(node, what)
    assert text is not None
    return text


def _check_duplicates(entries: tuple[Entry, ...], nodes: list[Node]) -> None:
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for entry, node in zip(entries, nodes, strict=True):
        shape = tuple("{}" if is_placeholder(s) else s for s in split_path(entry.path))
        key = (entry.method, shape)
        if key in seen:
            raise InputError(
                f"entry {entry.index} repeats the API of entry {seen[key]} ({entry.api})",
                node.location,
            )
        seen[key] = entry.index


def expect_mapping_root(node: Node, what: str) -> None:
    expect_map(node, what)
