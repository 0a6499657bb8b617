"""The domain: permission tables as Huawei documents them.

Everything here is a frozen dataclass: tables are loaded once and shared by every evaluation, so
nothing may change them behind another caller's back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class AccountType(str, Enum):
    """Which documentation table applies: the account's type picks it, never the API."""

    PARTNER = "partner"
    CUSTOMER = "customer"

    def __str__(self) -> str:
        return self.value

    @property
    def other(self) -> AccountType:
        """The other account type: its table is consulted for an API this one does not list."""
        return AccountType.CUSTOMER if self is AccountType.PARTNER else AccountType.PARTNER


# The third kind of table file: the identity-action table (``type: identity``), API -> the
# identity-policy actions it needs. The kinds a table file, ``bundled:KIND`` and ``table import
# --type`` name.
IDENTITY_TYPE = "identity"
TABLE_KINDS = (*(kind.value for kind in AccountType), IDENTITY_TYPE)


class Mode(str, Enum):
    """How a row's permissions combine.

    Partner rows: "The API can be accessed as long as one of its actions is supported" (any).
    Customer rows: "只要有其中一条权限项为无权限即不可调用" (all are required).
    """

    ANY = "any"
    ALL = "all"

    def __str__(self) -> str:
        return self.value


LANGUAGES = ("en", "zh")
# Identity policies and SCPs (IAM 5.0) carry this Version; policies carry "1.1", system roles "1.0".
IDENTITY_POLICY_VERSION = "5.0"


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text in both languages; one of them is the documented original."""

    en: str | None = None
    zh: str | None = None

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to the other language rather than to nothing."""
        preferred = self.zh if lang == "zh" else self.en
        fallback = self.en if lang == "zh" else self.zh
        return preferred if preferred is not None else (fallback or "")

    def __bool__(self) -> bool:
        return bool(self.en or self.zh)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a table was transcribed from, so every answer can cite it."""

    title: LocalText
    site: str
    url: str | None
    language: str
    updated: str | None
    file: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One documented row: an API and the permissions it needs."""

    table: AccountType
    index: int  # 1-based row number in the document, stable for diffs and messages
    scenario: LocalText
    sub_scenario: LocalText
    description: LocalText
    method: str
    path: str
    permissions: tuple[str, ...]
    mode: Mode
    menu_path: LocalText | None  # partner rows: where the action is ticked; None = not documented
    permission_name: LocalText | None  # customer rows: 权限项名称
    # Codes of ``permissions`` that the page marks as to be taken offline (待下线): still
    # honoured, with a warning, beside the code that replaces them (see ``replaced_by_one``).
    retiring: tuple[str, ...] = ()

    @property
    def api(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def current(self) -> tuple[str, ...]:
        return current_codes(self.permissions, self.retiring)

    @property
    def replaced_by_one(self) -> bool:
        return replaced_by_one(self.mode, self.permissions, self.retiring)


def current_codes(permissions: tuple[str, ...], retiring: tuple[str, ...]) -> tuple[str, ...]:
    """The codes to grant: those not marked to be taken offline (all, if every one is)."""
    kept = tuple(code for code in permissions if code not in retiring)
    return kept or permissions


def replaced_by_one(mode: Mode, permissions: tuple[str, ...], retiring: tuple[str, ...]) -> bool:
    """An all-of row listing one current code and the retiring code(s) it replaces: either
    satisfies it. With several current codes it cannot be told which one a retiring code stands
    for, so such a row stays all-of, retiring codes included (the stricter reading)."""
    if mode is not Mode.ALL or not retiring:
        return False
    current = current_codes(permissions, retiring)
    return len(current) == 1 and len(current) != len(permissions)


@dataclass(frozen=True, slots=True)
class Permission:
    """A permission code as the table documents it, with where or how it is granted."""

    code: str
    table: AccountType
    # Partner: the console menu path documented for this action on a row where it is the only
    # action (rows with ``A|B`` leave the path blank). None means Huawei does not document one.
    menu_path: LocalText | None
    # Customer: the 权限项名称 of the permission.
    name: LocalText | None
    apis: tuple[str, ...]  # "METHOD path" of every row listing the code, in document order


@dataclass(frozen=True, slots=True)
class Table:
    """A whole documented table for one account type."""

    account_type: AccountType
    mode: Mode
    source: Source
    entries: tuple[Entry, ...]
    permissions: dict[str, Permission] = field(hash=False, compare=False)
    # The identity-action table (API -> identity-policy actions, all of them required) has the
    # same shape; the table lifecycle (diff, validate) reads it as a table of this kind.
    identity: bool = field(default=False, compare=False)

    def permission(self, code: str) -> Permission | None:
        return self.permissions.get(code)

    @property
    def kind(self) -> str:
        """partner, customer or identity: what a table file's ``type`` says."""
        return IDENTITY_TYPE if self.identity else self.account_type.value


def build_permissions(account_type: AccountType, entries: tuple[Entry, ...]) -> dict[str, Permission]:
    """Index the codes a table uses; menu paths and names come only from rows that document them."""
    apis: dict[str, list[str]] = {}
    menu_paths: dict[str, LocalText] = {}
    names: dict[str, LocalText] = {}
    for entry in entries:
        for code in entry.permissions:
            apis.setdefault(code, []).append(entry.api)
        if len(entry.current) == 1:
            # A documented path or name belongs to the row's single code (beside codes marked as
            # to be taken offline); on ``A|B`` rows we could not tell which code it belongs to,
            # and Huawei leaves those blank anyway.
            (code,) = entry.current
            if entry.menu_path:
                menu_paths.setdefault(code, entry.menu_path)
            if entry.permission_name:
                names.setdefault(code, entry.permission_name)
    return {
        code: Permission(code, account_type, menu_paths.get(code), names.get(code), tuple(row_apis))
        for code, row_apis in apis.items()
    }
