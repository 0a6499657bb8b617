"""The smallest set of permissions whose grant makes every blocked API callable.

Customer rows need all their permissions, so each missing one is forced. Partner rows need any
one of theirs, which makes the rest a minimum hitting set: NP-hard in general, tiny here (the
tables name under twenty codes), so we search exhaustively by increasing size and take the true
optimum. Among optimal sets we prefer codes Huawei documents a console menu path (or name) for,
then codes in table order, so the answer is both actionable and stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

from permtable.evaluate import ApiResult, Decision
from permtable.model import Mode, Permission, Table

# Past this many candidate sets we fall back to a greedy answer and say it may not be minimal.
SEARCH_BUDGET = 2_000_000


@dataclass(frozen=True, slots=True)
class Fix:
    """One permission of the smallest set, and the blocked APIs its grant helps."""

    permission: Permission
    unlocks: tuple[str, ...]  # "METHOD path" of the blocked rows this grant helps unblock


@dataclass(frozen=True, slots=True)
class FixPlan:
    """What missing-perms answers: what to grant, and what no grant can fix."""

    to_grant: tuple[Fix, ...]
    blocked_by_deny: tuple[ApiResult, ...]
    unlisted: tuple[ApiResult, ...]  # not callable only because of --strict: nothing to grant
    optimal: bool


def plan_fixes(results: Sequence[ApiResult], table: Table) -> FixPlan:
    requirements: list[tuple[str, frozenset[str]]] = []  # (api, codes of which one is needed)
    blocked: list[ApiResult] = []
    unlisted: list[ApiResult] = []
    # An API with {holes} stands for every row it can reach: each of them must be fixed.
    reached = [alternative for result in results for alternative in (result, *result.alternatives)]
    for result in reached:
        if result.callable:
            continue
        if result.entry is None:
            unlisted.append(result)
        elif result.blocked_by_deny:
            blocked.append(result)
        elif result.entry.mode is Mode.ALL:
            requirements.extend((result.entry.api, frozenset({code})) for code in result.missing)
        elif result.decision is not Decision.ALLOWED:
            requirements.append((result.entry.api, frozenset(result.entry.current)))
    chosen, optimal = minimum_cover([codes for _, codes in requirements], table)
    fixes = []
    for code in chosen:
        unlocks = tuple(dict.fromkeys(api for api, codes in requirements if code in codes))
        fixes.append(Fix(table.permissions[code], unlocks))
    return FixPlan(tuple(fixes), tuple(blocked), tuple(unlisted), optimal)


def rank_key(table: Table):  # type: ignore[no-untyped-def]
    order = {code: position for position, code in enumerate(table.permissions)}

    def key(code: str) -> tuple[int, int]:
        permission = table.permissions.get(code)
        documented = permission is not None and bool(permission.menu_path or permission.name)
        return (0 if documented else 1, order.get(code, len(order)))

    return key


def minimum_cover(requirements: list[frozenset[str]], table: Table) -> tuple[list[str], bool]:
    """A minimum set hitting every requirement, best-ranked among minima; (codes, optimal)."""
    key = rank_key(table)
    chosen: set[str] = {next(iter(codes)) for codes in requirements if len(codes) == 1}
    open_sets = {codes for codes in requirements if not codes & chosen}
    # A requirement that contains another is hit whenever the smaller one is.
    open_sets = {a for a in open_sets if not any(b < a for b in open_sets)}
    if not open_sets:
        return sorted(chosen, key=key), True
    candidates = sorted(set().union(*open_sets), key=key)
    explored = 0
    for size in range(1, len(candidates) + 1):
        explored += comb(len(candidates), size)
        if explored > SEARCH_BUDGET:
            return sorted(chosen | _greedy(open_sets, key), key=key), False
        best: tuple[object, ...] | None = None
        best_set: tuple[str, ...] = ()
        for subset in combinations(candidates, size):
            picked = set(subset)
            if all(codes & picked for codes in open_sets):
                score = (sum(key(code)[0] for code in subset), tuple(key(code)[1] for code in subset))
                if best is None or score < best:
                    best, best_set = score, subset
        if best is not None:
            return sorted(chosen | set(best_set), key=key), True
    raise AssertionError("the union of all candidates always hits every requirement")


def _greedy(open_sets: set[frozenset[str]], key) -> set[str]:  # type: ignore[no-untyped-def]
    picked: set[str] = set()
    remaining = set(open_sets)
    while remaining:
        counts: dict[str, int] = {}
        for codes in remaining:
            for code in codes:
                counts[code] = counts.get(code, 0) + 1
        code = min(counts, key=lambda c: (-counts[c], key(c)))
        picked.add(code)
        remaining = {codes for codes in remaining if code not in codes}
    return picked
