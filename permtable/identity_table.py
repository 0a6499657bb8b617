"""The identity-action table: which identity-policy action (``billing:...``) each API needs.

Identity policies (Version 5.0) authorise BSS APIs with other names than the ``bss:`` codes of
the customer table. Huawei documents the action per API on each API's page; the bundled table
holds only those documented mappings, each with its page. An API it lacks is not "free" under
identity policies: its action is unknown, and so is any decision that rests on it.

A user brings a fuller edition with ``--table FILE`` (``type: identity``), in the bundled format.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache

from permtable.apis import METHODS, ApiRef, parse_api, split_path
from permtable.documents import parse_document
from permtable.errors import InputError
from permtable.fields import check_keys, expect_str, expect_str_list
from permtable.model import (
    IDENTITY_TYPE,
    AccountType,
    Entry,
    LocalText,
    Mode,
    Source,
    Table,
    build_permissions,
)
from permtable.nodes import Node
from permtable.router import Router

# service:resourceType:action, the service in camel case (costCenter, businessUnitCenter).
IDENTITY_ACTION_SHAPE = r"[a-z][A-Za-z0-9-]*:[A-Za-z][A-Za-z0-9]*:[A-Za-z][A-Za-z0-9]*"
# Identity actions Huawei lists for BSS (the customer-operations SCP action page, org_20_0078,
# whose list our copy has cut, and the per-API pages): for typo warnings only, never decisions.
KNOWN_IDENTITY_ACTIONS = (
    "billing:contract:viewDiscount",
    "billing:balance:view",
    "billing:coupon:view",
    "billing:order:view",
    "billing:order:pay",
    "billing:subscription:view",
    "billing:subscription:renew",
    "billing:subscription:unsubscribe",
    "billing:resourcePackages:view",
    "billing:billDetail:view",
    "billing:billDetail:update",
    "billing:bill:view",
    "costCenter:costAnalysis:listCosts",
    "costCenter:costDetail:listCostDetails",
    "businessUnitCenter:businessUnitFinance:view",
    "businessUnitCenter:businessUnitFinance:update",
)
_KEYS = ("schema", "type", "source", "entries")
_SOURCE_KEYS = ("title", "site", "url", "language", "updated")
_ENTRY_KEYS = ("method", "path", "actions", "source")


@dataclass(frozen=True, slots=True)
class IdentityTable:
    """API -> identity actions, routed like the permission tables, each row with its page."""

    source: Source
    rows: tuple[Entry, ...]  # permissions hold the identity actions; mode is all-of
    pages: tuple[str | None, ...]  # the page documenting each row, by position
    router: Router
    by_api: dict[str, Entry] = field(compare=False, hash=False)
    table: Table = field(compare=False, hash=False)  # the same rows, for diff and validate

    def row_for(self, method: str, path: str) -> Entry | None:
        """The row documenting exactly this API template (a customer table row's API)."""
        return self.by_api.get(f"{method} {path}")

    def routed(self, ref: ApiRef) -> Entry | None:
        """The row a request routes to, for an API the customer table does not list."""
        return self.router.resolve(ref)

    def page(self, row: Entry) -> str | None:
        return self.pages[row.index - 1]


def is_identity_table(root: Node) -> bool:
    type_node = root.get("type") if root.is_map else None
    return type_node is not None and type_node.kind == "str" and type_node.value == IDENTITY_TYPE


def identity_table_text() -> str:
    """The bundled identity-action table file's text."""
    path = os.path.join(os.path.dirname(__file__), "data", "identity.yaml")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@cache
def bundled_identity() -> IdentityTable:
    """The bundled identity-action table, read on first use (never at import time)."""
    return identity_table_from_node(
        parse_document(identity_table_text(), "bundled:identity"), "bundled:identity"
    )


def identity_table_from_node(root: Node, file: str) -> IdentityTable:
    fields = check_keys(root, "identity table", _KEYS, required=_KEYS)
    schema = fields["schema"]
    if schema.kind != "int" or schema.value != 1:
        raise InputError(
            f"unsupported table schema {schema.value!r}", schema.location, "this bsscheck reads schema 1"
        )
    source = _source(fields["source"], file)
    entries = fields["entries"]
    if not entries.is_seq or not entries.value:
        raise InputError("entries must be a non-empty list", entries.location)
    rows = []
    pages = []
    seen: dict[str, int] = {}
    for index, node in enumerate(entries.value, 1):
        row, page = _row(node, index)
        if row.api in seen:
            raise InputError(
                f"entry {index} repeats the API of entry {seen[row.api]} ({row.api})", node.location
            )
        seen[row.api] = index
        rows.append(row)
        pages.append(page)
    entries_tuple = tuple(rows)
    table = Table(
        AccountType.CUSTOMER,
        Mode.ALL,
        source,
        entries_tuple,
        build_permissions(AccountType.CUSTOMER, entries_tuple),
        identity=True,
    )
    by_api = {row.api: row for row in entries_tuple}
    return IdentityTable(source, entries_tuple, tuple(pages), Router(table), by_api, table)


def _source(node: Node, file: str) -> Source:
    fields = check_keys(node, "source", _SOURCE_KEYS, required=("title", "site"))
    title_node = fields["title"]
    if title_node.is_map:
        texts = {
            lang: expect_str(value, f"source.title.{lang}")
            for lang, value in title_node.value.items()
            if lang in ("en", "zh")
        }
        title = LocalText(**texts)
    else:
        title = LocalText(en=expect_str(title_node, "source.title"))
    optional = {
        key: expect_str(fields[key], f"source.{key}")
        for key in ("url", "language", "updated")
        if key in fields
    }
    return Source(
        title,
        expect_str(fields["site"], "source.site"),
        optional.get("url"),
        optional.get("language", "en"),
        optional.get("updated"),
        file,
    )


def _row(node: Node, index: int) -> tuple[Entry, str | None]:
    what = f"entry {index}"
    fields = check_keys(node, what, _ENTRY_KEYS, required=("method", "path", "actions"))
    method = expect_str(fields["method"], f"{what} method")
    if method not in METHODS:
        raise InputError(
            f"{what}: method {method!r} is not an upper-case HTTP method", fields["method"].location
        )
    path = expect_str(fields["path"], f"{what} path")
    if not path.startswith("/") or not split_path(path):
        raise InputError(f"{what}: path {path!r} must start with /", fields["path"].location)
    parse_api(f"{method} {path}")  # the same grammar as every API a user names
    actions = expect_str_list(fields["actions"], f"{what} actions")
    if not actions:
        raise InputError(f"{what}: actions must not be empty", fields["actions"].location)
    for action, action_node in actions:
        if not re.fullmatch(IDENTITY_ACTION_SHAPE, action):
            raise InputError(
                f"{what}: {action!r} is not an identity-policy action",
                action_node.location,
                "identity actions look like billing:balance:view",
            )
    page = expect_str(fields["source"], f"{what} source") if "source" in fields else None
    empty = LocalText()
    entry = Entry(
        AccountType.CUSTOMER,
        index,
        empty,
        empty,
        empty,
        method,
        path,
        tuple(action for action, _ in actions),
        Mode.ALL,
        None,
        None,
    )
    return entry, page
