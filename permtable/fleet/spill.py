"""A fleet's answers, kept in memory for a small fleet and on disk for a large one.

A who-can or matrix report lists every account, so its answers must last until the report is
written; held in memory they grow by about 0.75 KiB an account (94 MiB at 100,000). From
``SPILL_FROM`` files on, each answer is pickled to an anonymous temporary file as it comes
(deleted by the operating system when it is closed or the process ends) and read back one at a
time, by as many readers as need it: memory then holds the answers' count, not the answers.

Each answer is filed with its file's key, so that a file found later to be another account's
policy file can still be left out when the answers are read (``exclude``).
"""

from __future__ import annotations

import pickle
import struct
import tempfile
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar, overload

T = TypeVar("T")

# From this many files, answers go to disk: below it they take a few MiB.
SPILL_FROM = 10_000
_LENGTH = struct.Struct("<I")
_BLOCK = 1 << 20


class Answers(Sequence[T], Generic[T]):
    """Answers in the order they were added, less those whose key was excluded."""

    def __init__(self, on_disk: bool) -> None:
        self._kept: list[tuple[str, T]] | None = None if on_disk else []
        self._file = tempfile.TemporaryFile() if on_disk else None
        self._added = 0
        self._excluded: frozenset[str] = frozenset()
        self._excluded_count = 0

    def add(self, key: str, item: T) -> None:
        if self._kept is not None:
            self._kept.append((key, item))
        else:
            assert self._file is not None
            data = pickle.dumps((key, item), pickle.HIGHEST_PROTOCOL)
            self._file.write(_LENGTH.pack(len(data)))
            self._file.write(data)
        self._added += 1

    def exclude(self, keys: frozenset[str]) -> None:
        """Leave out the answers filed under ``keys`` (set once, after the last ``add``)."""
        self._excluded_count = sum(1 for key, _ in self._pairs() if key in keys) if keys else 0
        self._excluded = keys

    def _pairs(self) -> Iterator[tuple[str, T]]:
        if self._kept is not None:
            yield from self._kept
            return
        assert self._file is not None
        handle = self._file
        handle.flush()
        # Each reader reads its own blocks (seeking before each): readers may take turns, and
        # a block holds hundreds of answers, so the file is read in large pieces.
        offset = 0  # where this reader's next block starts in the file
        block = b""
        position = 0
        for _ in range(self._added):
            if len(block) - position < _LENGTH.size:
                block, position, offset = self._refill(block, position, offset, _LENGTH.size)
            (length,) = _LENGTH.unpack_from(block, position)
            if len(block) - position < _LENGTH.size + length:
                block, position, offset = self._refill(block, position, offset, _LENGTH.size + length)
            start = position + _LENGTH.size
            position = start + length
            yield pickle.loads(block[start:position])  # bsscheck's own file, written in this run

    def _refill(self, block: bytes, position: int, offset: int, wanted: int) -> tuple[bytes, int, int]:
        """The rest of ``block`` followed by the file's next bytes, at least ``wanted`` long."""
        assert self._file is not None
        self._file.seek(offset)
        more = self._file.read(max(_BLOCK, wanted))
        return block[position:] + more, 0, offset + len(more)

    def __iter__(self) -> Iterator[T]:
        excluded = self._excluded
        return (item for key, item in self._pairs() if key not in excluded)

    def __len__(self) -> int:
        return self._added - self._excluded_count

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return list(self)[index]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        for number, item in enumerate(self):
            if number == position:
                return item
        raise IndexError(index)  # pragma: no cover  (the length says it is there)

    def __repr__(self) -> str:
        return f"Answers({len(self)} answers{' on disk' if self._file is not None else ''})"
