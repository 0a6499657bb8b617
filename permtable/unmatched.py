"""What bsscheck says of an API its table does not match, and the records of it.

An API no row matches is either a near miss of a listed one (a typo, another method, another
letter case) or listed only in the other account type's table. Both are rare in a run, so these
records live here and are imported when one is made: each frozen dataclass costs start-up its
generated methods (about 4.8 M instructions, half a millisecond), which a run that matches
every API should not pay.
"""

from __future__ import annotations

from dataclasses import dataclass

from permtable.model import AccountType, Entry, LocalText, Mode


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A listed API the user probably meant, and why we think so."""

    entry: Entry
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class SuggestionRecord:
    """A listed API the user probably meant, and why."""

    api: str
    reason: str
    permissions: tuple[str, ...]
    mode: Mode
    description: LocalText

    @classmethod
    def of(cls, suggestion: Suggestion) -> SuggestionRecord:
        entry = suggestion.entry
        return cls(entry.api, suggestion.reason, entry.permissions, entry.mode, entry.description)


@dataclass(frozen=True, slots=True, eq=False)
class OtherTypeRow:
    """The other account type's row, for an API only that type's table lists."""

    type: AccountType
    api: str
    mode: Mode
    permissions: tuple[str, ...]
    description: LocalText
