"""Small string-distance helpers behind every "did you mean"."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; stops early and returns ``limit + 1`` once ``limit`` is exceeded."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def closest(word: str, candidates: Iterable[str], max_distance: int | None = None) -> list[str]:
    """Candidates nearest to ``word`` (case-insensitively), best first, within a sensible distance.

    The answers are remembered: a large account repeats the same few unknown codes thousands
    of times (668 occurrences of 40 codes in one file), and each answer costs an edit distance
    to every candidate."""
    limit = max_distance if max_distance is not None else max(2, len(word) // 4)
    return list(_closest(word.lower(), tuple(candidates), limit))


@lru_cache(maxsize=4096)
def _closest(lowered: str, candidates: tuple[str, ...], limit: int) -> tuple[str, ...]:
    scored = []
    for candidate in candidates:
        distance = edit_distance(lowered, candidate.lower(), limit)
        if distance <= limit:
            scored.append((distance, candidate))
    scored.sort()
    return tuple(candidate for _, candidate in scored)
