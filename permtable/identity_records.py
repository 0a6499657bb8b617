"""The identity-policy side of reports: what Huawei documents as each API's identity action,
and a customer answer's identity-policy verdicts.

Kept out of ``reports`` so that accounts without identity policies (most start-ups) never build
these record classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from permtable.evaluate import ApiResult, PermissionCheck
from permtable.identity_table import IdentityTable
from permtable.model import Entry


@dataclass(frozen=True, slots=True, eq=False)
class IdentityRecord:
    """The identity-policy side of a customer answer: the identity actions Huawei documents for
    the API (none when undocumented), their verdicts, and what to add to an identity policy."""

    actions: tuple[str, ...]
    checks: tuple[PermissionCheck, ...]
    missing: tuple[str, ...]

    @classmethod
    def of(cls, result: ApiResult, limit: int | None = None) -> IdentityRecord:
        actions = result.identity_row.permissions if result.identity_row is not None else ()
        checks = tuple(check.capped(limit) for check in result.identity_checks)
        return cls(actions, checks, result.missing_identity)


@dataclass(frozen=True, slots=True, eq=False)
class IdentityActionRecord:
    """The identity-policy action Huawei documents for an API, and the page that says so."""

    api: str
    actions: tuple[str, ...]
    source: str | None

    @classmethod
    def of(cls, row: Entry, identity: IdentityTable) -> IdentityActionRecord:
        return cls(row.api, row.permissions, identity.page(row))


def identity_action_records(
    rows: Iterable[Entry], identity: IdentityTable
) -> tuple[IdentityActionRecord, ...]:
    return tuple(IdentityActionRecord.of(row, identity) for row in dict.fromkeys(rows))
