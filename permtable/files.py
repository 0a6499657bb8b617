"""Reading input files as text: bounded, decoded strictly, streamed when asked, and every
failure an ``InputError`` naming the file. Also the path helpers that name files as pathlib
would without importing it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from permtable.errors import InputError, Location

if TYPE_CHECKING:
    from pathlib import Path

# Hard bounds keep huge files fast to refuse.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, label: str | None = None) -> str:
    """A file's text as UTF-8 (a BOM is accepted); every failure is an InputError naming the file."""
    name = label or str(path)
    with open_binary(path, name) as handle:
        data = read_bytes(handle, max_bytes + 1, name)
    return decode(data, name, max_bytes)


# Every file this process has opened as an input, by identity (device, inode): the command
# line refuses to write a report over one of them (``--apis x -o x`` would destroy the list).
_INPUTS_READ: set[tuple[int, int]] = set()


def inputs_read() -> frozenset[tuple[int, int]]:
    """(device, inode) of every file read through ``open_binary`` so far in this process."""
    return frozenset(_INPUTS_READ)


def open_binary(path: str | Path, name: str) -> BinaryIO:
    """Open a file to read bytes; every failure is an InputError naming the file as ``name``."""
    # os.path rather than pathlib, which costs a start-up its import; "" is read as pathlib
    # reads it: the current directory.
    target = os.fspath(path) or "."
    try:
        if os.path.isdir(target):
            raise InputError("is a directory, not a file", Location(name))
        handle = open(target, "rb")
        status = os.fstat(handle.fileno())
        _INPUTS_READ.add((status.st_dev, status.st_ino))
        return handle
    except (OSError, ValueError, UnicodeError) as error:
        raise _read_error(error, name) from None


def standard_input() -> BinaryIO:
    """Standard input as bytes; closed (``<&-``) is an InputError, not a crash."""
    stream = sys.stdin
    if stream is None or getattr(stream, "closed", False):
        raise InputError(
            "standard input is closed",
            Location("<stdin>"),
            "pipe the input in (... | bsscheck ... -), or give a file name instead of -",
        )
    return stream.buffer


def read_bytes(handle: BinaryIO, size: int, name: str) -> bytes:
    """Up to ``size`` bytes (fewer only at the end); a failure is an InputError naming the file."""
    try:
        return handle.read(size)
    except (OSError, ValueError, UnicodeError) as error:
        raise _read_error(error, name) from None


def _read_error(error: Exception, name: str) -> InputError:
    where = Location(name)
    if isinstance(error, FileNotFoundError):
        return InputError("no such file", where)
    if isinstance(error, (ValueError, UnicodeError)):
        # A NUL byte or a lone surrogate in the name: no file can have it.
        return InputError("not a valid file name", where)
    if isinstance(error, PermissionError):
        return InputError("permission denied: cannot read the file", where)
    assert isinstance(error, OSError)
    return InputError(f"cannot read the file: {error.strerror or error}", where)


def _pure_parts(path: str) -> tuple[str, list[str]]:
    """A POSIX path as pathlib parses it: its root ("", "/" or "//") and its parts, without
    empty and "." parts (".." is kept: it may cross a symbolic link)."""
    root = ""
    if path.startswith("/"):
        stripped = path.lstrip("/")
        root = "//" if len(path) - len(stripped) == 2 else "/"
        path = stripped
    return root, [part for part in path.split("/") if part and part != "."]


def beside(file: str, relative: str) -> str:
    """``str(pathlib.Path(file).parent / relative)``: a path written relative to a file's folder.

    The messages name files exactly as pathlib would; pathlib itself is not imported, because
    its import costs a start-up more than the rest of a one-API check does.
    """
    if os.name != "posix":
        from pathlib import Path  # noqa: PLC0415

        return str(Path(file).parent / relative)
    root, parts = _pure_parts(relative)
    if not root:
        root, folder = _pure_parts(file)
        parts = folder[:-1] + parts
    return root + "/".join(parts) or "."


def file_stem(path: str) -> str:
    """``pathlib.Path(path).stem``, without importing pathlib (see ``beside``)."""
    if os.name != "posix":
        from pathlib import Path  # noqa: PLC0415

        return Path(path).stem
    parts = _pure_parts(path)[1]
    name = parts[-1] if parts else ""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def decode(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    where = Location(name)
    if len(data) > max_bytes:
        raise InputError(
            f"file is larger than the {max_bytes:,}-byte limit",
            where,
            "split it, or raise the limit with --max-file-size",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16; only UTF-8 is read", where, "save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        if _looks_utf16(data):
            raise InputError(
                "file looks like UTF-16 (without a BOM); only UTF-8 is read", where, "save it as UTF-8"
            )
        raise InputError("file contains NUL bytes: it looks binary, not text", where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
            Location(name, line),
            "save the file as UTF-8",
        ) from None


# Streaming (``iter_text_blocks``): how much is read at a time, and the longest line accepted,
# so that memory stays bounded whatever the file's size.
STREAM_BLOCK_BYTES = 1024 * 1024
MAX_STREAM_LINE_BYTES = 1024 * 1024


def iter_text_blocks(handle: BinaryIO, name: str) -> Iterator[str]:
    """A file's UTF-8 text in blocks of whole lines, for files too large to hold (API logs).

    The checks are ``decode``'s, with the same messages and lines (a BOM is accepted, UTF-16,
    NUL bytes and invalid UTF-8 are refused), made block by block: an error late in a file is
    found when its block is read. No size limit applies; a line longer than
    MAX_STREAM_LINE_BYTES is refused instead. Every block but the last ends with a line break,
    and no block splits a ``\r\n`` or a character.
    """
    carry = b""
    head = b""  # the file's first bytes, to tell UTF-16 from a binary file
    newlines = 0  # b"\n" before the current block: decode's line numbers count them
    started = False
    while True:
        block = read_bytes(handle, STREAM_BLOCK_BYTES, name)
        data = carry + block if carry else block
        if not started:
            if block and len(data) < 4:
                carry = data  # a pipe may give fewer bytes than a BOM needs
                continue
            started = True
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise InputError("file is UTF-16; only UTF-8 is read", Location(name), "save it as UTF-8")
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            head = data[:4096]
        if not block:
            if data:
                yield _decode_block(data, name, head, newlines)
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            cut = data.rfind(b"\r", 0, len(data) - 1)  # a final \r may be half of a \r\n
        if cut < 0:
            if len(data) > MAX_STREAM_LINE_BYTES:
                raise InputError(
                    f"line longer than {MAX_STREAM_LINE_BYTES:,} bytes", Location(name, newlines + 1)
                )
            carry = data
            continue
        part, carry = data[: cut + 1], data[cut + 1 :]
        yield _decode_block(part, name, head, newlines)
        newlines += part.count(b"\n")


def _decode_block(data: bytes, name: str, head: bytes, newlines: int) -> str:
    if b"\x00" in data:
        if _looks_utf16(head):
            raise InputError(
                "file looks like UTF-16 (without a BOM); only UTF-8 is read",
                Location(name),
                "save it as UTF-8",
            )
        raise InputError("file contains NUL bytes: it looks binary, not text", Location(name))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = newlines + data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
            Location(name, line),
            "save the file as UTF-8",
        ) from None


def _looks_utf16(data: bytes) -> bool:
    """Mostly-ASCII UTF-16 text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    odd, even = sample[1::2], sample[0::2]
    return max(odd.count(0) / len(odd), even.count(0) / max(len(even), 1)) > 0.9
