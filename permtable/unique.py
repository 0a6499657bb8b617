"""Many inputs, few endpoints: counting the APIs of a log (``can-call --unique``).

An API log has a million lines naming a few dozen endpoints. Each distinct line is parsed and
resolved once (remembered by its text), each endpoint keeps its first input and a count, and the
file is read in blocks: memory grows with the distinct endpoints, not with the file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from permtable.apis import ApiRef, iter_api_file_blocks, parse_api
from permtable.errors import Location

# Distinct line texts remembered; past this many (a log of concrete ids, say) the memory is
# emptied and refilled, which only costs re-parsing: the counts live per endpoint.
TEXT_CACHE_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Tally:
    """An endpoint, the first input that named it, and how many inputs did."""

    ref: ApiRef
    count: int


class UniqueApis:
    """Counts inputs by the endpoint they resolve to, keeping the first input of each.

    ``endpoint`` maps an API to what makes it the same endpoint (its table row, say); inputs
    with equal keys are reported once.
    """

    def __init__(
        self, endpoint: Callable[[ApiRef], Hashable], quick: Callable[[str], Hashable | None] | None = None
    ):
        """``quick``: the endpoint of a line's text when it can be told without parsing (see
        ``queries.quick_endpoint_key``), else None; it must agree with ``endpoint``."""
        self._endpoint = endpoint
        self._quick = quick
        self._slots: dict[Hashable, int] = {}  # endpoint -> its index in _first and _counts
        self._first: list[ApiRef] = []
        self._counts: list[int] = []
        self._by_text: dict[str, int] = {}  # a line's API text -> its endpoint's index

    def add(self, ref: ApiRef) -> None:
        """Count one API given otherwise (an argument, an API found in code)."""
        self._counts[self._slot(ref)] += 1

    def add_file(self, path: str) -> None:
        """Count every API of a list file (``-``: standard input), streamed."""
        for first_number, lines in iter_api_file_blocks(path):
            self.add_lines(lines, "<stdin>" if path == "-" else path, first_number)

    def add_lines(self, lines: Iterable[str], name: str, first_number: int = 1) -> None:
        """Count the APIs of list-file lines (``#`` comments and blank lines are skipped)."""
        by_text = self._by_text
        counts = self._counts
        slots = self._slots
        quick = self._quick
        for number, line in enumerate(lines, first_number):
            # As iter_api_lines reads a line; this loop runs once per line of a log.
            content = line.split("#", 1)[0].strip() if "#" in line else line.strip()
            if not content:
                continue
            slot = by_text.get(content)
            if slot is None:
                if len(by_text) >= TEXT_CACHE_LIMIT:
                    by_text.clear()
                # A fresh id in a known row: counted without parsing (the row's first input
                # was parsed, where its location and any warning were taken).
                key = quick(content) if quick is not None else None
                slot = slots.get(key) if key is not None else None
                if slot is None:
                    location = Location(name, number, len(line) - len(line.lstrip()) + 1)
                    slot = self._slot(parse_api(content, location))
                by_text[content] = slot
            counts[slot] += 1

    def _slot(self, ref: ApiRef) -> int:
        key = self._endpoint(ref)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = len(self._first)
            self._first.append(ref)
            self._counts.append(0)
        return slot

    @property
    def inputs(self) -> int:
        """How many inputs were counted."""
        return sum(self._counts)

    def tallies(self) -> list[Tally]:
        """One per endpoint, in the order of their first input."""
        return [Tally(ref, count) for ref, count in zip(self._first, self._counts, strict=True)]
