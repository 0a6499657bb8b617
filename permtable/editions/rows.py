"""Turning the page's cells into table entries, applying (and recording) the normalisations.

The bundled tables document every change they make to the page's text; an imported table does
the same, so each normalisation here is returned as a record the CLI reports and the written
file lists. Anything that cannot be read as documented (a malformed path, a code of the wrong
shape) is an input error naming the page line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from permtable.apis import METHODS, is_placeholder, split_path
from permtable.editions.page import URL_START, Cell, RawRow, language_of
from permtable.errors import InputError, Location
from permtable.model import AccountType, Entry, LocalText, Mode
from permtable.patterns import CUSTOMER_CODE_SHAPE, PARTNER_CODE_SHAPE

CODE_PATTERNS = {
    AccountType.PARTNER: re.compile(PARTNER_CODE_SHAPE),
    AccountType.CUSTOMER: re.compile(CUSTOMER_CODE_SHAPE),
}
CODE_EXAMPLES = {AccountType.PARTNER: "BPC_ITEM_SUBCUSTSERV_010100", AccountType.CUSTOMER: "bss:order:view"}

_URL = re.compile(r"(?P<method>[A-Za-z]+)(?P<space>\s*)(?P<path>/\S*)")
_CODE_SEPARATORS = re.compile(r"[|,,、;;\s]+")
# A code the page marks as being retired: "bss:order:update(待下线)", "X (to be offline)".
_NOTE = re.compile(r"\s*[((]\s*([^()()]*?)\s*[))]")
_RETIRING = re.compile(
    r"待下线|即将下线|将下线|下线中"
    r"|to be (?:taken )?offline|to be retired|to be deprecated|deprecated|offline soon",
    re.IGNORECASE,
)

# The kinds of normalisation, with the sentence the written file uses to list them.
METHOD_PATH_SPACE = "method-path-space"
METHOD_CASE = "method-case"
TRAILING_STOP = "trailing-full-stop"
WHITESPACE = "whitespace"
LIST_JOINED = "list-joined"
KIND_DESCRIPTIONS = {
    METHOD_PATH_SPACE: "method and path split into two fields although the page has no space between them",
    METHOD_CASE: "HTTP method written in upper case",
    TRAILING_STOP: "trailing full stop stripped from the permission name (one permission has one name)",
    WHITESPACE: "runs of white space in a cell collapsed to one space",
    LIST_JOINED: "a cell of several lines (a bulleted list on the page) joined with '; '",
}


@dataclass(frozen=True, slots=True)
class Normalisation:
    """One change the importer made to the page's text, so it can be reported and reviewed."""

    row: int
    line: int
    field: str
    kind: str
    documented: str
    normalised: str

    @property
    def message(self) -> str:
        if self.kind == METHOD_PATH_SPACE:
            method, _, path = self.normalised.partition(" ")
            return (
                f"row {self.row}: {self.documented!r} has no space between method and path; "
                f"read as method {method} and path {path}"
            )
        if self.kind == TRAILING_STOP:
            return (
                f"row {self.row}: trailing {self.documented[-1]!r} stripped from the permission name "
                f"{self.documented!r}"
            )
        if self.kind == METHOD_CASE:
            return f"row {self.row}: HTTP method {self.documented!r} read as {self.normalised!r}"
        if self.kind == LIST_JOINED:
            return f"row {self.row}: the lines of the {self.field.replace('_', ' ')} joined with '; '"
        field = self.field.replace("_", " ")
        return f"row {self.row}: white space collapsed in the {field}: {self.documented!r}"

    @property
    def comment(self) -> str:
        """The YAML comment the written file puts on the changed field."""
        if self.kind == METHOD_PATH_SPACE:
            return f"documented as {_quoted(self.documented)} without a space"
        if self.kind == TRAILING_STOP:
            return f"documented as {_quoted(self.documented)} (trailing {self.documented[-1]} stripped)"
        if self.kind == LIST_JOINED:
            return "documented as a list of " + str(self.documented.count("\n") + 1) + " lines"
        return f"documented as {_quoted(self.documented)}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class RowBuilder:
    """Builds the entries of one page, collecting normalisations as it goes."""

    def __init__(self, account_type: AccountType, mode: Mode, language: str, file: str):
        self.account_type = account_type
        self.mode = mode
        self.language = language
        self.file = file
        self.normalisations: list[Normalisation] = []

    def entry(self, raw: RawRow) -> Entry:
        method, path = self._url(raw)
        permissions, retiring = self._codes(raw.permissions)
        last = self._last(raw) if raw.last is not None else None
        partner = self.account_type is AccountType.PARTNER
        return Entry(
            table=self.account_type,
            index=raw.number,
            scenario=self._text(raw, raw.scenario, "scenario"),
            sub_scenario=self._text(raw, raw.sub_scenario, "sub_scenario"),
            description=self._text(raw, raw.description, "description"),
            method=method,
            path=path,
            permissions=permissions,
            mode=self.mode,
            menu_path=last if partner else None,
            permission_name=None if partner else last,
            retiring=retiring,
        )

    # ---------------------------------------------------------------- fields

    def _note(self, raw: RawRow, cell: Cell, field: str, kind: str, normalised: str) -> None:
        self.normalisations.append(Normalisation(raw.number, cell.line, field, kind, cell.text, normalised))

    def _collapsed(self, raw: RawRow, cell: Cell, field: str) -> str:
        text = " ".join(cell.text.split())
        if text != cell.text:
            self._note(raw, cell, field, WHITESPACE, text)
        return text

    def _local(self, text: str) -> LocalText:
        return LocalText(**{self.language: text})

    def _text(self, raw: RawRow, cell: Cell, field: str) -> LocalText:
        text = self._collapsed(raw, cell, field)
        self._not_misplaced(cell, text, field)
        return self._local(text)

    def _not_misplaced(self, cell: Cell, text: str, field: str) -> None:
        """A code or URL where a text belongs means the cells were read out of place."""
        if CODE_PATTERNS[self.account_type].fullmatch(text) or URL_START.match(text):
            raise InputError(
                f"{text!r} stands where the {field.replace('_', ' ')} belongs",
                Location(self.file, cell.line),
                "a cell of this row or of the row above is missing or split; compare with the page",
            )

    def _url(self, raw: RawRow) -> tuple[str, str]:
        cell = raw.url
        text = " ".join(cell.text.split())
        match = _URL.fullmatch(text)
        where = Location(self.file, cell.line)
        if match is None:
            raise InputError(
                f"cannot read {text!r} as an HTTP method and a path",
                where,
                "the URL cell looks like 'GET /v2/orders/customer-orders'",
            )
        method, path = match["method"].upper(), match["path"]
        if method not in METHODS:
            raise InputError(f"unknown HTTP method {match['method']!r}", where)
        if not match["space"]:
            self._note(raw, cell, "url", METHOD_PATH_SPACE, f"{method} {path}")
        elif method != match["method"]:
            self._note(raw, cell, "url", METHOD_CASE, method)
        elif text != cell.text:
            self._note(raw, cell, "url", WHITESPACE, text)
        check_path(path, where)
        return method, path

    def _codes(self, cell: Cell) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The codes of a permission cell, and those of them marked as to be taken offline."""
        retiring: list[str] = []
        text = cell.text
        for note in reversed(list(_NOTE.finditer(text))):
            if not _RETIRING.search(note[1]):
                raise InputError(
                    f"cannot read the note {note[0].strip()!r} in the permission cell",
                    Location(self.file, cell.line),
                    "only a code marked as to be taken offline ((待下线), (to be offline)) is understood",
                )
            before = _CODE_SEPARATORS.split(text[: note.start()].rstrip())
            if not before or not before[-1]:
                raise InputError(
                    f"the note {note[0].strip()!r} follows no permission code",
                    Location(self.file, cell.line),
                )
            retiring.insert(0, before[-1])
            text = text[: note.start()] + " " + text[note.end() :]
        codes = tuple(code for code in _CODE_SEPARATORS.split(text) if code)
        pattern = CODE_PATTERNS[self.account_type]
        for code in codes:
            if not pattern.fullmatch(code):
                raise InputError(
                    f"{code!r} is not a {self.account_type.value} permission code",
                    Location(self.file, cell.line),
                    f"{self.account_type.value} codes look like {CODE_EXAMPLES[self.account_type]}; "
                    "several codes are separated by '|'",
                )
        if not codes:
            raise InputError("the permission cell is empty", Location(self.file, cell.line))
        return codes, tuple(retiring)

    def _last(self, raw: RawRow) -> LocalText:
        cell = raw.last
        assert cell is not None
        field = "menu_path" if self.account_type is AccountType.PARTNER else "permission_name"
        if "\n" in cell.text.strip():
            # A bulleted list (two menu paths where the permission is ticked): every item is
            # kept, joined in one line, and the change is recorded like any other.
            items = [" ".join(line.split()) for line in cell.text.split("\n") if line.strip()]
            text = "; ".join(items)
            self._note(raw, cell, field, LIST_JOINED, text)
        else:
            text = self._collapsed(raw, cell, field)
        self._not_misplaced(cell, text, field)
        if self.account_type is AccountType.CUSTOMER:
            stripped = text
            if text.endswith("。") or (text.endswith(".") and language_of(text) == "en"):
                stripped = text[:-1].rstrip()
            if stripped != text and stripped:
                self.normalisations.append(
                    Normalisation(raw.number, cell.line, field, TRAILING_STOP, text, stripped)
                )
                text = stripped
        return self._local(text)


def check_path(path: str, where: Location) -> None:
    """The same rules the table loader applies, reported at the page line (a permission table's
    URL cell, an API page's URI)."""
    segments = split_path(path)
    if any(character in path for character in "?#"):
        raise InputError(f"the path {path!r} has a query or fragment", where, "a table path has neither")
    if not segments or "/" + "/".join(segments) != path:
        raise InputError(f"the path {path!r} has an empty segment or a trailing '/'", where)
    if "**" in segments[:-1] or any("*" in segment and segment != "**" for segment in segments):
        raise InputError(f"the path {path!r} has a wildcard other than a final '**'", where)
    for segment in segments:
        if ("{" in segment or "}" in segment) and not is_placeholder(segment):
            raise InputError(f"malformed placeholder {segment!r} in the path {path!r}", where)
