"""Consistency checks for a table file, beyond what the strict loader refuses.

The loader (``tables.table_from_node``) rejects what would make answers wrong: bad structure,
a mode that contradicts the type, malformed paths, codes of the wrong family, two rows for one
API. A table that loads can still be suspicious: a code outside the usual shape, a menu path on
a row with several actions (which action is it for?), one permission with two names. Those are
findings for a reviewer. Documented oddities of Huawei's pages (a menu path that differs only in
letter case between rows, the sub-scenario "-") are reported as info and do not fail the check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from permtable.apis import is_placeholder, split_path
from permtable.editions.diff import table_of_root, table_ref_root
from permtable.errors import Location, one_line
from permtable.files import DEFAULT_MAX_BYTES
from permtable.model import AccountType, Entry, LocalText, Table
from permtable.nodes import Node

ERROR = "error"
WARNING = "warning"
INFO = "info"
LEVELS = (ERROR, WARNING, INFO)
CHECK_SCHEMA_VERSION = 1

_PARTNER_CODE = re.compile(r"BPC_(?:ITEM|MENU)_[A-Z]+_\d{6}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BLANK_TEXTS = {"-", "—", "–", "/", "N/A", "n/a", "无"}


@dataclass(frozen=True, slots=True)
class TableFinding:
    level: str  # error | warning | info
    rule: str
    message: str
    location: Location
    row: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.level}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return one_line(text)

    def record(self) -> TableFindingRecord:
        return TableFindingRecord(
            self.level, self.rule, self.message, self.row, self.location, self.hint, str(self)
        )


@dataclass(frozen=True, slots=True, eq=False)
class TableFindingRecord:
    level: str
    rule: str
    message: str
    row: int | None
    location: Location
    hint: str | None
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class TableCheckSummary:
    total: int
    error: int
    warning: int
    info: int


@dataclass(frozen=True, slots=True, eq=False)
class TableCheckRecord:
    """table validate as shown."""

    schema_version: int
    file: str
    type: str  # partner, customer or identity
    rows: int
    status: str  # "ok" or "findings"
    findings: tuple[TableFindingRecord, ...]
    summary: TableCheckSummary


@dataclass(frozen=True, slots=True)
class TableCheck:
    file: str
    table: Table
    findings: tuple[TableFinding, ...]

    @property
    def failing(self) -> bool:
        """Errors and warnings fail the check; info does not."""
        return any(finding.level != INFO for finding in self.findings)

    def record(self) -> TableCheckRecord:
        counts = [sum(1 for finding in self.findings if finding.level == level) for level in LEVELS]
        return TableCheckRecord(
            CHECK_SCHEMA_VERSION,
            self.file,
            self.table.kind,
            len(self.table.entries),
            "findings" if self.failing else "ok",
            tuple(finding.record() for finding in self.findings),
            TableCheckSummary(len(self.findings), *counts),
        )


def check_table_ref(ref: str, max_bytes: int = DEFAULT_MAX_BYTES) -> TableCheck:
    """Load a table file (or ``bundled:TYPE``) strictly and check it; InputError if unreadable."""
    root = table_ref_root(ref, max_bytes)
    table = table_of_root(root, ref)
    return TableCheck(ref, table, check_table(table, root))


def check_table(table: Table, root: Node | None = None) -> tuple[TableFinding, ...]:
    checker = _Checker(table, root)
    checker.run()
    order = {level: number for number, level in enumerate(LEVELS)}
    return tuple(sorted(checker.findings, key=lambda f: (f.row or 0, order[f.level])))


class _Checker:
    def __init__(self, table: Table, root: Node | None):
        self.table = table
        self.lang = table.source.language
        self.file = table.source.file
        self.root = root
        self.findings: list[TableFinding] = []

    # ---------------------------------------------------------------- locations

    def _entry_node(self, entry: Entry) -> Node | None:
        entries = self.root.get("entries") if self.root is not None else None
        if entries is None or not entries.is_seq or entry.index > len(entries.value):
            return None
        node: Node = entries.value[entry.index - 1]
        return node

    def where(self, entry: Entry | None = None, key: str | None = None) -> Location:
        node = self._entry_node(entry) if entry is not None else self.root
        if node is None:
            return Location(self.file)
        if key is not None:
            keyed = node.get(key.split(".")[0]) if node.is_map else None
            if keyed is not None:
                return keyed.location
        return node.location

    def add(
        self,
        level: str,
        rule: str,
        message: str,
        entry: Entry | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        row = entry.index if entry is not None else None
        prefix = f"row {row} ({entry.api}): " if entry is not None else ""
        self.findings.append(TableFinding(level, rule, prefix + message, self.where(entry, key), row, hint))

    # ---------------------------------------------------------------- checks

    def run(self) -> None:
        self.check_source()
        if self.table.identity:
            # Rows of API and actions: no scenario texts, menu paths or names to compare.
            for entry in self.table.entries:
                self.check_identity_actions(entry)
            self.check_near_duplicates()
            self.check_overlaps()
            return
        for entry in self.table.entries:
            self.check_texts(entry)
            self.check_codes(entry)
            self.check_last(entry)
        self.check_near_duplicates()
        self.check_overlaps()
        self.check_code_documentation()

    def check_source(self) -> None:
        source = self.table.source
        if getattr(source.title, self.lang) is None:
            self.add(WARNING, "source-title", f"source.title has no {self.lang} text (the table's language)")
        if source.updated is not None and not _DATE.fullmatch(source.updated):
            self.add(
                WARNING,
                "source-date",
                f"source.updated {source.updated!r} is not a date YYYY-MM-DD",
                hint="write the page's update date as YYYY-MM-DD, or null when the page shows none",
            )
        if source.url is not None and not source.url.startswith(("https://", "http://")):
            self.add(WARNING, "source-url", f"source.url {source.url!r} is not an http(s) address")

    def _documented(self, text: LocalText | None) -> str | None:
        if text is None:
            return None
        value: str | None = getattr(text, self.lang)
        return value

    def check_texts(self, entry: Entry) -> None:
        for field in ("scenario", "sub_scenario", "description"):
            text = self._documented(getattr(entry, field))
            label = field.replace("_", "-")
            if text is None:
                self.add(
                    ERROR if field == "scenario" else WARNING,
                    "empty-text",
                    f"the {label} has no {self.lang} text, the language the table documents",
                    entry,
                    field,
                    f"source.language is {self.lang}: every row's texts are given in it",
                )
            elif text.strip() in _BLANK_TEXTS:
                if field == "sub_scenario":
                    self.add(
                        INFO, "empty-text", f"the sub-scenario is {text!r} (as documented)", entry, field
                    )
                else:
                    self.add(
                        ERROR if field == "scenario" else WARNING,
                        "empty-text",
                        f"the {label} is empty ({text!r})",
                        entry,
                        field,
                    )

    def check_codes(self, entry: Entry) -> None:
        seen: set[str] = set()
        for code in entry.permissions:
            if code in seen:
                self.add(WARNING, "repeated-code", f"lists {code} twice", entry, "permissions")
            seen.add(code)
            if self.table.account_type is AccountType.PARTNER and not _PARTNER_CODE.fullmatch(code):
                self.add(
                    ERROR,
                    "code-shape",
                    f"{code} does not have the shape of a Partner Center action",
                    entry,
                    "permissions",
                    "partner actions look like BPC_ITEM_SUBCUSTSERV_010100 or BPC_MENU_FINANCE_100100",
                )
            if self.table.account_type is AccountType.CUSTOMER and code.split(":")[0] != "bss":
                self.add(
                    ERROR,
                    "code-shape",
                    f"{code} is not a BSS permission (service {code.split(':')[0]!r})",
                    entry,
                    "permissions",
                    "customer permissions look like bss:order:view",
                )

    def check_last(self, entry: Entry) -> None:
        partner = self.table.account_type is AccountType.PARTNER
        key = "menu_path" if partner else "permission_name"
        what = "menu path" if partner else "permission name"
        text = self._documented(entry.menu_path if partner else entry.permission_name)
        if text is not None and text.strip() in _BLANK_TEXTS:
            self.add(
                WARNING,
                "empty-text",
                f"the {what} is {text!r}",
                entry,
                key,
                f"write {key}: null where the page gives no {what}",
            )
        if text is not None and len(entry.current) > 1:
            codes = " | ".join(entry.current)
            self.add(
                WARNING,
                f"ambiguous-{key.replace('_', '-')}",
                f"a {what} on a row with several {'actions' if partner else 'permissions'} ({codes}): "
                f"it cannot be told which one it belongs to, so it is ignored",
                entry,
                key,
                "check the page; Huawei leaves it empty on such rows",
            )

    def check_identity_actions(self, entry: Entry) -> None:
        from permtable.identity_table import KNOWN_IDENTITY_ACTIONS  # noqa: PLC0415

        for action in entry.permissions:
            if action not in KNOWN_IDENTITY_ACTIONS:
                self.add(
                    INFO,
                    "unknown-identity-action",
                    f"{action} is not among the identity actions bsscheck knows for BSS",
                    entry,
                    "actions",
                    "check the page: a new action, or a typo",
                )

    def check_near_duplicates(self) -> None:
        """Two rows whose APIs differ only in letter case: one of them is probably a typo."""
        seen: dict[tuple[str, tuple[str, ...]], Entry] = {}
        for entry in self.table.entries:
            shape = tuple("{}" if is_placeholder(s) else s.lower() for s in split_path(entry.path))
            key = (entry.method, shape)
            if key in seen:
                self.add(
                    ERROR,
                    "duplicate-row",
                    f"repeats the API of row {seen[key].index} ({seen[key].api}) except for letter case",
                    entry,
                    "path",
                    "paths are case-sensitive: keep the one the page documents",
                )
            else:
                seen[key] = entry

    def check_overlaps(self) -> None:
        """A ``**`` row that also covers another row of the same method: the more specific wins."""
        for wide in self.table.entries:
            segments = split_path(wide.path)
            if not segments or segments[-1] != "**":
                continue
            prefix = segments[:-1]
            for other in self.table.entries:
                other_segments = split_path(other.path)
                if (
                    other is not wide
                    and other.method == wide.method
                    and len(other_segments) > len(prefix)
                    and _prefix_matches(prefix, other_segments)
                ):
                    self.add(
                        INFO,
                        "overlapping-rows",
                        f"{wide.path} also covers row {other.index} ({other.api}); "
                        "that row answers for its own paths",
                        wide,
                        "path",
                    )

    def check_code_documentation(self) -> None:
        """One code, one menu path (partner) or one name (customer) across its rows."""
        partner = self.table.account_type is AccountType.PARTNER
        key = "menu_path" if partner else "permission_name"
        what = "menu path" if partner else "permission name"
        variants: dict[str, dict[str, Entry]] = {}
        for entry in self.table.entries:
            if len(entry.current) != 1:
                continue
            text = self._documented(entry.menu_path if partner else entry.permission_name)
            if text is None:
                continue
            (code,) = entry.current
            known = variants.setdefault(code, {})
            if not known:
                known[text] = entry
                continue
            if text in known:
                continue  # each variant is reported once, at its first row
            earlier_text, earlier = next(iter(known.items()))
            known[text] = entry
            if text.casefold() == earlier_text.casefold():
                self.add(
                    INFO,
                    f"{key.replace('_', '-')}-case",
                    f"the {what} of {code} differs only in letter case from row {earlier.index}: "
                    f"{text!r} vs {earlier_text!r} (a documented oddity, kept as documented)",
                    entry,
                    key,
                )
            else:
                self.add(
                    WARNING,
                    f"{key.replace('_', '-')}-conflict",
                    f"{code} has the {what} {text!r} here and {earlier_text!r} on row {earlier.index}",
                    entry,
                    key,
                    f"one permission has one {what}; the first one is used",
                )


def _prefix_matches(prefix: tuple[str, ...], segments: tuple[str, ...]) -> bool:
    return all(
        a == b or is_placeholder(a) or is_placeholder(b) for a, b in zip(prefix, segments, strict=False)
    )
