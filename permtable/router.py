"""Resolving an API to its table row: a compiled trie, not a scan.

Priority follows how servers route: at each segment a literal beats a ``{placeholder}``, which
beats ``**`` (any remaining segments). The search backtracks, so the first complete match found
in that order is the most specific row. Misses get near-miss suggestions, because a typo in an
API path would otherwise read as "not listed, so callable".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from permtable.apis import ApiRef, is_placeholder, split_path
from permtable.model import Entry, Table
from permtable.textdistance import edit_distance

if TYPE_CHECKING:
    from permtable.unmatched import Suggestion

GLOB = "**"


class _TrieNode:
    """One path segment of the router: its children by kind, and the rows ending here.

    A plain class with slots: it is private, mutable while the router is built, and a
    dataclass would cost every start-up its generated methods for nothing.
    """

    __slots__ = ("entry", "glob_entry", "literals", "placeholder")

    def __init__(self) -> None:
        self.literals: dict[str, _TrieNode] = {}
        self.placeholder: _TrieNode | None = None
        self.glob_entry: Entry | None = None  # an entry whose template ends in ``**`` here
        self.entry: Entry | None = None  # an entry whose template ends exactly here


class Router:
    """Resolves ApiRefs against one table. Built once per table; lookups are trie walks."""

    def __init__(self, table: Table):
        self.table = table
        self._roots: dict[str, _TrieNode] = {}
        for entry in table.entries:
            self._insert(entry)

    def _insert(self, entry: Entry) -> None:
        node = self._roots.setdefault(entry.method, _TrieNode())
        segments = split_path(entry.path)
        for position, segment in enumerate(segments):
            if segment == GLOB and position == len(segments) - 1:
                node.glob_entry = node.glob_entry or entry
                return
            if is_placeholder(segment):
                node.placeholder = node.placeholder or _TrieNode()
                node = node.placeholder
            else:
                node = node.literals.setdefault(segment, _TrieNode())
        # Two rows with one template: the first documented wins, as a reader would take it.
        node.entry = node.entry or entry

    def resolve(self, ref: ApiRef) -> Entry | None:
        return self.resolve_segments(ref.method, ref.segments)

    def resolve_segments(self, method: str, segments: tuple[str, ...]) -> Entry | None:
        """The row of a method and an already normalised path (``ApiRef.segments``)."""
        root = self._roots.get(method)
        return _walk(root, segments, 0) if root else None

    def candidates(self, ref: ApiRef) -> tuple[Entry | None, ...]:
        """Every row a request could reach when ``ref`` has ``{holes}`` or other readings of its
        path (``ApiRef.readings``); None: an unlisted path.

        A hole stands for a value the caller did not say (``{op}``, an f-string field), so it
        may be any literal the table has at that point as well as any other value. Each choice
        is routed as the server would route it (literal, then placeholder, then ``**``). Where
        the reachable rows depend on later choices the answer may include a row more than the
        exact set: more candidates only make the decision stricter. Without holes this is
        ``(resolve(ref),)``. Rows come in table order, None last.
        """
        root = self._roots.get(ref.method)
        if root is None:
            return (None,)
        if not ref.holes and not ref.readings:
            return (_walk(root, ref.segments, 0),)
        found: set[Entry | None] = set()
        for segments in (ref.segments, *ref.readings):
            found |= _reachable(root, segments, 0)
        listed = sorted((entry for entry in found if entry is not None), key=lambda entry: entry.index)
        return (*listed, None) if None in found else tuple(listed)

    def suggestions(self, ref: ApiRef) -> list[Suggestion]:
        """Listed APIs near an unmatched one: other method, other case, a small typo."""
        from permtable.unmatched import Suggestion  # noqa: PLC0415  (only an unmatched API)

        found: list[Suggestion] = []
        seen: set[int] = set()

        def add(entry: Entry | None, reason: str) -> None:
            if entry is not None and entry.index not in seen:
                seen.add(entry.index)
                found.append(Suggestion(entry, reason))

        for method, root in self._roots.items():
            if method != ref.method:
                add(_walk(root, ref.segments, 0), f"listed for {method}, not {ref.method}")
        near: list[tuple[int, Entry, str]] = []
        for entry in self.table.entries:
            if entry.index in seen:
                continue
            missed = _near_miss(ref, entry)
            if missed:
                near.append((missed[1], entry, missed[0]))
        # The closest first (letter case, then 1 character, then 2...), table order among equals:
        # the first suggestion is the one every message names.
        for _, entry, reason in sorted(near, key=lambda item: item[0]):
            add(entry, reason)
        return found


def _walk(node: _TrieNode, segments: tuple[str, ...], position: int) -> Entry | None:
    if position == len(segments):
        # ``**`` also matches nothing more: checking a bare ".../autorenew" against the row is
        # the conservative reading (a stricter answer, never a false "not listed").
        return node.entry or node.glob_entry
    segment = segments[position]
    if not is_placeholder(segment):
        child = node.literals.get(segment)
        if child is not None:
            found = _walk(child, segments, position + 1)
            if found is not None:
                return found
    if node.placeholder is not None:
        found = _walk(node.placeholder, segments, position + 1)
        if found is not None:
            return found
    return node.glob_entry


def _reachable(node: _TrieNode, segments: tuple[str, ...], position: int) -> set[Entry | None]:
    """What ``_walk`` could return for some value of each hole (see ``Router.candidates``)."""
    if position == len(segments):
        return {node.entry or node.glob_entry}
    segment = segments[position]
    if not is_placeholder(segment):
        return _routed(node, node.literals.get(segment), segments, position)
    found: set[Entry | None] = set()
    for child in node.literals.values():  # the hole holds one of the literals written here
        found |= _routed(node, child, segments, position)
    found |= _routed(node, None, segments, position)  # ... or any other value
    return found


def _routed(
    node: _TrieNode, literal: _TrieNode | None, segments: tuple[str, ...], position: int
) -> set[Entry | None]:
    """``_walk``'s priority at one segment, over sets: the literal child, else the
    placeholder child, else the ``**`` row here (None where nothing matches)."""
    found: set[Entry | None] = set()
    fallback = True
    if literal is not None:
        deeper = _reachable(literal, segments, position + 1)
        found |= deeper - {None}
        fallback = None in deeper
    if fallback and node.placeholder is not None:
        deeper = _reachable(node.placeholder, segments, position + 1)
        found |= deeper - {None}
        fallback = None in deeper
    if fallback:
        found.add(node.glob_entry)
    return found


def _near_miss(ref: ApiRef, entry: Entry) -> tuple[str, int] | None:
    """Why ``ref`` looks like a misspelling of ``entry``, and how far it is (0: letter case or a
    missing last segment; else the characters changed, one more for another method), or None."""
    template = split_path(entry.path)
    given = ref.segments
    if template and template[-1] == GLOB:
        fixed = template[:-1]
        given = given[: len(fixed)] if len(given) >= len(fixed) else given
        template = fixed
    if len(given) == len(template) - 1 and is_placeholder(template[-1]) and given == template[:-1]:
        return f"missing the {template[-1]} segment", 0
    if len(given) != len(template):
        return None
    total = 0
    case_only = True
    for typed, documented in zip(given, template, strict=True):
        if is_placeholder(documented) or typed == documented:
            continue
        if typed.lower() == documented.lower():
            continue
        case_only = False
        distance = edit_distance(typed.lower(), documented.lower(), 3)
        total += distance
        if total > 2 or distance > max(1, len(documented) // 4):
            return None
    method_note = "" if ref.method == entry.method else f", and it is listed for {entry.method}"
    rank = total + (ref.method != entry.method)
    if case_only:
        return "differs only in letter case" + method_note, rank
    if "suscriptions" in template and "subscriptions" in given:
        return "the documented path is spelt 'suscriptions'" + method_note, rank
    return f"{total} character{'s' if total > 1 else ''} away from a listed path" + method_note, rank
