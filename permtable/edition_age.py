"""How old the table editions in use are, so a report can say when to refresh one.

Huawei updates the permission pages; a table of the wrong edition answers with rows that have
changed or no longer exist, and lacks new ones, which read as "no check needed". bsscheck cannot
fetch the current page, but it can tell when the edition answering is older than a threshold,
or undated (the partner page shows no date): its age then cannot be checked, which is reported
too, the stricter reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from permtable.model import IDENTITY_TYPE

if TYPE_CHECKING:
    from datetime import date

    from permtable.model import Source

# Days after which an edition in use is reported as old (--max-table-age).
DEFAULT_MAX_AGE_DAYS = 365


class StaleEdition:
    """An edition in use that is older than the threshold, or undated.

    A plain class, not a frozen dataclass: every command imports this module (for the option's
    default), and making a dataclass costs 0.8 ms, a visible share of the start-up budget.
    One top-level module for the same reason: a package and a module cost two imports.
    """

    __slots__ = ("age_days", "kind", "source")

    def __init__(self, kind: str, source: Source, age_days: int | None) -> None:
        self.kind = kind  # "partner", "customer" or "identity"
        self.source = source
        self.age_days = age_days  # None: the page shows no date

    @property
    def message(self) -> str:
        title = self.source.title.get(self.source.language)
        if self.age_days is None:
            return (
                f"the {self.kind} table in use ({title}) shows no date, so its age cannot be checked: "
                "Huawei may have changed the page since"
            )
        return (
            f"the {self.kind} table in use ({title}, {self.source.updated}) is {self.age_days:,} days "
            "old: Huawei may have changed the page since"
        )

    @property
    def hint(self) -> str:
        if self.kind == IDENTITY_TYPE:
            # Built from the pages of its APIs: the reference page names no API, and importing
            # it is refused.
            save, pages = "save the page of each API (the table names each row's page)", "API_PAGE..."
        else:
            save, pages = f"save {self.source.url or 'the page it was imported from'}", "PAGE"
        return (
            f"{save}, run bsscheck table import {pages} --type {self.kind} -o FILE, pass --table FILE; "
            "--max-table-age 0 silences this"
        )


def utc_today() -> date:
    """Today's date in UTC: edition ages count whole days, the same wherever the run is."""
    from datetime import datetime, timezone  # noqa: PLC0415  (only when an edition's age is asked)

    return datetime.now(timezone.utc).date()


def edition_age(source: Source, today: date) -> int | None:
    """Days since the edition's date, or None when it has none (or an unreadable one)."""
    if not source.updated:
        return None
    from datetime import date  # noqa: PLC0415  (every command imports this module; few need dates)

    try:
        return (today - date.fromisoformat(source.updated)).days
    except ValueError:
        return None


def is_stale(age_days: int | None, max_age_days: int) -> bool:
    """Older than ``max_age_days``, or undated (its age cannot be checked: the stricter reading);
    never when ``max_age_days`` is 0."""
    return max_age_days > 0 and (age_days is None or age_days > max_age_days)


def stale_editions(editions: dict[str, Source], today: date, max_age_days: int) -> list[StaleEdition]:
    """The editions (by kind) that ``is_stale`` flags."""
    found = []
    for kind, source in editions.items():
        age = edition_age(source, today)
        if is_stale(age, max_age_days):
            found.append(StaleEdition(kind, source, age))
    return found
