"""Which files a scan reads.

Inside a git work tree the file list comes from ``git ls-files --cached --others
--exclude-standard``: exactly the files git would consider, with every ``.gitignore``,
``.git/info/exclude`` and global exclude honoured as git itself does. Elsewhere (an unpacked
archive, no git installed, or a folder git ignores as a whole and the user named anyway) a small
reader of ``.gitignore`` files takes over: patterns, ``!`` negation, ``/`` anchoring, ``dir/``
and ``**``, in the files found under the scanned folder.

Whatever git says, virtual environments, dependency and build folders are never code of the
project (``.venv``, any folder holding ``pyvenv.cfg``, ``node_modules``, ``build``, ``dist``,
caches), and documentation is prose, not code. Files are read only when small enough and not
binary. A path the user names that does not exist is an input error; a file inside a folder
that cannot be read is skipped and reported, so one odd file cannot sink a scan.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from permtable.errors import InputError, Location
from permtable.scan.model import SkippedFile

# Folders never scanned, below the path the user gave (naming one of them scans it).
# A reason is reported in the scan's "skipped" list; None skips silently (nobody expects code there).
SKIPPED_DIRS: dict[str, str | None] = {
    ".git": None,
    ".hg": None,
    ".svn": None,
    ".venv": "virtual environment",
    "venv": "virtual environment",
    "node_modules": "installed dependencies",
    "site-packages": "installed dependencies",
    "build": "build output",
    "dist": "build output",
    "__pycache__": None,
    ".tox": "tool environments",
    ".nox": "tool environments",
    ".mypy_cache": None,
    ".pytest_cache": None,
    ".ruff_cache": None,
    ".hypothesis": None,
}
VENV_MARKER = "pyvenv.cfg"

PYTHON = "python"
LANGUAGES = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".go": "go",
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
}
DOCUMENTATION = frozenset({".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".asciidoc"})
_SHEBANG = re.compile(rb"#!\S*?(?:/env\s+)?\S*?(python|bash|zsh|sh)\d*(?:\.\d+)?\b")
BINARY_PROBE = 8192
GIT_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # as shown in reports: the user's path joined with the file's relative path
    language: str
    # The text, when ``walk``'s ``keep`` wanted it; None for a file that cannot hold a call by
    # itself (most of a large tree), which is not held in memory (``read_again`` if needed).
    text: str | None


@dataclass(frozen=True, slots=True)
class Walk:
    files: tuple[SourceFile, ...]
    skipped: tuple[SkippedFile, ...]


def walk(paths: Sequence[str], max_bytes: int, keep: Callable[[bytes], bool] | None = None) -> Walk:
    """The files to scan, in path order. ``keep``: whether a file's bytes are worth decoding and
    holding (the scan's byte search); the others are listed with no text."""
    files: dict[str, SourceFile] = {}
    skipped: dict[str, SkippedFile] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError("no such file or directory", Location(given), "give files or folders to scan")
        if path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                raise InputError("cannot read this folder", Location(given))
            for relative in _listed(path, skipped, given):
                name = _join(given, relative)
                if name not in files:
                    _read_into(name, name, _language(name), max_bytes, files, skipped, keep)
        elif path.is_file():
            language = _language(given) or "text"  # a file named on purpose is read whatever it is
            if not os.access(path, os.R_OK):
                raise InputError("cannot read this file", Location(given))
            _read_into(given, given, language, max_bytes, files, skipped, keep)
        else:
            raise InputError("not a regular file or folder", Location(given))
    ordered = tuple(sorted(files.values(), key=lambda item: item.path))
    return Walk(ordered, tuple(sorted(skipped.values(), key=lambda item: item.file)))


def _join(root: str, relative: str) -> str:
    return relative if root in (".", "./") else os.path.join(root, *relative.split("/"))


# Strings, not pathlib, from here on: a scan of 5,000 files made 25,000 Path objects, a
# quarter of its time outside reading the files.
def _language(path: str) -> str | None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in DOCUMENTATION:
        return "documentation"
    if suffix in LANGUAGES:
        return LANGUAGES[suffix]
    if suffix == "":
        try:
            with open(path, "rb") as handle:
                first = handle.readline(256)
        except OSError:
            return None
        found = _SHEBANG.match(first)
        if found:
            return PYTHON if found[1] == b"python" else "shell"
    return None


def _read_into(
    name: str,
    path: str,
    language: str | None,
    max_bytes: int,
    files: dict[str, SourceFile],
    skipped: dict[str, SkippedFile],
    keep: Callable[[bytes], bool] | None = None,
) -> None:
    if language is None:
        return
    if language == "documentation":
        skipped[name] = SkippedFile(name, "documentation (prose, not code)")
        return
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            skipped[name] = SkippedFile(name, f"larger than the size limit ({size} > {max_bytes} bytes)")
            return
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        skipped[name] = SkippedFile(name, f"cannot be read: {error.strerror or error}")
        return
    if len(data) > max_bytes:
        skipped[name] = SkippedFile(name, f"larger than the size limit ({max_bytes} bytes)")
        return
    if b"\x00" in data[:BINARY_PROBE]:
        skipped[name] = SkippedFile(name, "binary file")
        return
    if keep is not None and not keep(data):
        files[name] = SourceFile(name, language, None)
        return
    # Undecodable bytes (a Latin-1 comment) cannot hide an API path, which is ASCII.
    files[name] = SourceFile(name, language, data.decode("utf-8-sig", errors="replace"))


def read_again(source: SourceFile) -> str | None:
    """The text of a file ``walk`` did not keep (None if it can no longer be read): a module
    that turns out to import a BSS path constant from another module."""
    try:
        with open(source.path, "rb") as handle:
            return handle.read().decode("utf-8-sig", errors="replace")
    except OSError:
        return None


# --------------------------------------------------------------------------- listing a folder


def _listed(root: Path, skipped: dict[str, SkippedFile], given: str) -> list[str]:
    """Relative posix paths of the candidate files under ``root``."""
    pruned: dict[str, bool] = {}

    def prune(folder: str) -> bool:
        if folder not in pruned:
            found, why = _skipped_dir(root / folder)
            pruned[folder] = found
            if found and why is not None:
                name = _join(given, folder)
                skipped.setdefault(name, SkippedFile(name, why))
        return pruned[folder]

    listed = _git_listed(root)
    if not listed:
        # Not in a work tree, or a folder git ignores as a whole (``bsscheck scan build/``):
        # naming it asks for it, so its own .gitignore files are the rules.
        listed = _walked(root, prune)
    kept = []
    base = str(root)
    for relative in sorted(set(listed)):
        parts = relative.split("/")
        if any(prune("/".join(parts[:depth])) for depth in range(1, len(parts))):
            continue
        if os.path.isfile(os.path.join(base, relative)):
            kept.append(relative)
    return kept


def _skipped_dir(folder: Path) -> tuple[bool, str | None]:
    """Whether a folder is never scanned, and the reason to report (None: say nothing)."""
    name = folder.name
    if name in SKIPPED_DIRS:
        return True, SKIPPED_DIRS[name]
    if name.endswith(".egg-info"):
        return True, "build output"
    if (folder / VENV_MARKER).is_file():
        return True, "virtual environment"
    return False, None


def _git_listed(root: Path) -> list[str] | None:
    """The files git would consider under ``root``, or None when git cannot say."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CEILING_DIRECTORIES")
    }
    command = [
        "git",
        # A repository's own configuration could name a program to run (core.fsmonitor): never.
        "-c",
        "core.fsmonitor=false",
        "-C",
        str(root),
        "ls-files",
        "--cached",
        "--others",
        "--exclude-standard",
        "-z",
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # no git, or it hung
    if done.returncode != 0:
        return None  # not a work tree (or one git refuses to read)
    names = done.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return [name for name in names if name and not name.endswith("/")]


def _walked(root: Path, prune: Callable[[str], bool]) -> list[str]:
    """Files under ``root`` not excluded by the ``.gitignore`` files found on the way down."""
    found: list[str] = []
    rules_by_dir: dict[str, list[_Rule]] = {}

    def active(relative_dir: str) -> Iterable[_Rule]:
        parts = PurePosixPath(relative_dir).parts if relative_dir else ()
        for depth in range(len(parts) + 1):
            yield from rules_by_dir.get("/".join(parts[:depth]), ())

    for current, dirnames, filenames in os.walk(root, followlinks=False):
        relative_dir = Path(current).relative_to(root).as_posix()
        relative_dir = "" if relative_dir == "." else relative_dir
        ignore_file = Path(current) / ".gitignore"
        if ignore_file.is_file():
            rules_by_dir[relative_dir] = parse_gitignore(ignore_file, relative_dir)
        rules = list(active(relative_dir))
        kept_dirs = []
        for name in sorted(dirnames):
            relative = f"{relative_dir}/{name}" if relative_dir else name
            if not _ignored(rules, relative, True) and not prune(relative):
                kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            relative = f"{relative_dir}/{name}" if relative_dir else name
            if not _ignored(rules, relative, False):
                found.append(relative)
    return found


@dataclass(frozen=True, slots=True)
class _Rule:
    base: str  # the folder of the .gitignore, relative to the scanned root ("" for the root)
    pattern: re.Pattern[str]
    negated: bool
    directory_only: bool


def parse_gitignore(file: Path, base: str) -> list[_Rule]:
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    rules = []
    for line in lines:
        rule = gitignore_rule(line, base)
        if rule is not None:
            rules.append(rule)
    return rules


def gitignore_rule(line: str, base: str = "") -> _Rule | None:
    """One .gitignore line as a rule (None for blanks and comments)."""
    text = line.rstrip("\r")
    if text.endswith("\\ "):
        text = text[:-2].rstrip() + " "
    else:
        text = text.rstrip()
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    if text.startswith("\\"):
        text = text[1:]  # \# and \! stand for themselves
    directory_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    body = _glob_to_regex(text)
    regex = body if anchored else f"(?:.*/)?{body}"
    return _Rule(base, re.compile(regex, re.DOTALL), negated, directory_only)


def _glob_to_regex(glob: str) -> str:
    out = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif glob.startswith("/**", index) and index + 3 == len(glob):
            out.append("/.*")
            index += 3
        elif glob.startswith("**", index):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[":
            end = glob.find("]", index + 2)
            if end == -1:
                out.append(re.escape(char))
                index += 1
            else:
                inner = glob[index + 1 : end]
                if inner.startswith("!"):
                    inner = "^" + inner[1:]
                out.append(f"[{inner.replace(chr(92), chr(92) * 2)}]")
                index = end + 1
        elif char == "\\" and index + 1 < len(glob):
            out.append(re.escape(glob[index + 1]))
            index += 2
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)


def _ignored(rules: Iterable[_Rule], relative: str, is_dir: bool) -> bool:
    """Last matching rule wins, as in git. A rule matches the path relative to its folder."""
    ignored = False
    for rule in rules:
        if rule.base:
            prefix = rule.base + "/"
            if not relative.startswith(prefix):
                continue
            candidate = relative[len(prefix) :]
        else:
            candidate = relative
        if rule.directory_only and not is_dir:
            continue
        # Files under an ignored folder are never reached: the walk prunes the folder.
        if rule.pattern.fullmatch(candidate):
            ignored = not rule.negated
    return ignored
