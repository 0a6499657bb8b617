"""Finding a fleet's grants files, loading each as an account (a broken file does not stop the
run), and what the fleet reports share."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from permtable.apis import ApiRef
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import Route, route
from permtable.files import DEFAULT_MAX_BYTES
from permtable.fleet.spill import SPILL_FROM, Answers
from permtable.grants import Grants, load_grants_file, review_grants
from permtable.model import AccountType, Entry
from permtable.tables import IndexedTable, TableSet

GRANTS_SUFFIXES = (".yaml", ".yml", ".json")


# --------------------------------------------------------------------------- finding the files


@dataclass(frozen=True, slots=True)
class FleetFiles:
    """The grants files of a run, in a deterministic order."""

    files: tuple[str, ...]
    # Files named directly rather than found in a directory: always accounts, even when another
    # grants file also uses them as a policy file.
    named: frozenset[str]
    notices: tuple[Notice, ...] = ()


def _key(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def expand_paths(paths: Sequence[str]) -> FleetFiles:
    """Files as given; directories searched recursively for ``*.yaml``, ``*.yml``, ``*.json``.

    Inside a directory files come in path order (sorted by name, segment by segment), hidden files
    and directories (a leading '.') are skipped and symbolic links to directories are not
    followed. A file reached twice (named and found, or under two PATHs) counts once.
    """
    if not paths:
        raise InputError("no grants file or directory given", hint="pass one with -g/--grants PATH")
    files: list[str] = []
    named: set[str] = set()
    notices: list[Notice] = []
    seen: set[str] = set()
    for path in paths:
        if not path:
            raise InputError("empty grants path", hint="pass a grants file or a directory of them")
        if os.path.isdir(path):
            found = _walk(path)
            if not found:
                notices.append(
                    Notice(
                        "no grants files (*.yaml, *.yml, *.json) in this directory",
                        Location(path),
                    )
                )
        elif os.path.lexists(path):
            found = [path]
            named.add(_key(path))
        else:
            raise InputError("no such file or directory", Location(path))
        for file in found:
            key = _key(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    if not files:
        raise InputError(
            "no grants files found",
            Location(paths[0]),
            "a directory is searched recursively for *.yaml, *.yml and *.json files",
        )
    return FleetFiles(tuple(files), frozenset(named), tuple(notices))


def _walk(directory: str) -> list[str]:
    def refuse(error: OSError) -> None:
        where = Location(getattr(error, "filename", None) or directory)
        raise InputError(f"cannot read the directory: {error.strerror or error}", where)

    found: list[tuple[tuple[str, ...], str]] = []
    for folder, subfolders, names in os.walk(directory, onerror=refuse, followlinks=False):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        relative = os.path.relpath(folder, directory)
        parts = () if relative == os.curdir else tuple(relative.split(os.sep))
        for name in names:
            if name.startswith(".") or not name.lower().endswith(GRANTS_SUFFIXES):
                continue
            found.append(((*parts, name), os.path.join(folder, name)))
    found.sort()
    return [path for _, path in found]


# --------------------------------------------------------------------------- loading each account


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """A grants file that could not be read: reported, and the run exits 2."""

    file: str
    error: InputError

    @property
    def text(self) -> str:
        """The one-line message, always naming the file."""
        return str(self.error) if self.error.location.file else f"{self.file}: {self.error}"

    def record(self) -> FailureRecord:
        location = self.error.location
        return FailureRecord(
            self.file,
            self.error.message,
            location if location.file else Location(self.file),
            self.error.hint,
            self.text,
        )


@dataclass(frozen=True, slots=True, eq=False)
class FailureRecord:
    file: str
    message: str
    location: Location
    hint: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found in a directory that is not an account of its own."""

    file: str
    reason: str


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Audited(Generic[T]):
    """One account and the answer computed for it."""

    account: str
    account_type: AccountType
    file: str
    answer: T


@dataclass(frozen=True, slots=True)
class FleetRun(Generic[T]):
    # Every account's answer, in file order; on disk for a large fleet (``spill.Answers``).
    audited: Sequence[Audited[T]]
    failures: tuple[LoadFailure, ...]
    skipped: tuple[Skipped, ...]
    notices: tuple[Notice, ...]

    # The account types present (computed as the answers came in: reading them back costs).
    types: frozenset[AccountType] = frozenset()


# Below this many files a fleet is read in this process: starting workers costs more than it saves.
PARALLEL_FROM = 1_000
# Files a worker reads per task: large enough that sending answers back is a small share of the
# work, small enough that the progress bar moves and the workers finish together.
CHUNK = 200


@dataclass(frozen=True, slots=True)
class _Work(Generic[T]):
    """What reading one file needs: handed to worker processes by fork, never pickled."""

    tables: TableSet
    answer: Callable[[Grants], T]
    max_bytes: int
    focus: Mapping[AccountType, frozenset[str]] | None
    permissions: Mapping[AccountType, Mapping[str, object]]

    def audit(self, file: str) -> tuple[str, Audited[T] | LoadFailure, list[Notice], list[str]]:
        """One file: its account's answer (or why it cannot be read), its warnings, and the
        files it uses as policy files."""
        try:
            grants = load_grants_file(file, self.max_bytes)
        except InputError as error:
            return file, LoadFailure(file, error), [], []
        used = [
            policy.location.file
            for policy in grants.policies
            if policy.location.file is not None and policy.location.file != file
        ]
        own = grants.account_type
        focus = self.focus.get(own) if self.focus is not None else None
        notices = review_grants(grants, self.permissions[own], self.permissions[own.other], focus)
        return file, Audited(grants.account, own, file, self.answer(grants)), notices, used


# The work of the run in progress, for the worker processes it forks.
_work: _Work[object] | None = None


def _quiet_worker() -> None:
    """A worker leaves Ctrl-C to the parent, which stops the pool and reports "Aborted." once:
    otherwise every worker prints its own KeyboardInterrupt traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _audit_chunk(
    files: list[str],
) -> list[tuple[str, Audited[object] | LoadFailure, list[Notice], list[str]]]:
    assert _work is not None  # set before the pool forks
    return [_work.audit(file) for file in files]


def workers_for(files: int, jobs: int | None) -> int:
    """How many processes read a fleet of ``files``: ``jobs`` when given, else every core for a
    fleet of ``PARALLEL_FROM`` files or more where processes can be forked, else one."""
    if jobs is not None:
        return max(1, jobs)
    if files < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def audit_files(
    fleet: FleetFiles,
    tables: TableSet,
    answer: Callable[[Grants], T],
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_file: Callable[[str], None] | None = None,
    focus: Mapping[AccountType, frozenset[str]] | None = None,
    jobs: int | None = 1,
) -> FleetRun[T]:
    """Load every file as one account and compute ``answer`` for it.

    Only the answer and a few names are kept per account, so memory stays small for thousands of
    files. ``on_file`` is called after each file (a progress bar); the library never prints.
    A file found in a directory that another grants file of the run names as a policy
    (``policies: [{file: ...}]``) is a part of that account, not an account: it is skipped.

    ``focus``: per account type, the permissions the question needs; each file's review then
    warns only about what bears on them (``review_grants``).

    ``jobs``: processes reading files (None: ``workers_for`` decides). Several are forked
    workers, each reading chunks of files; answers come back in file order, so the report is
    the same whatever the number.
    """
    permissions = {kind: tables.get(kind).table.permissions for kind in AccountType}
    work = _Work(tables, answer, max_bytes, focus, permissions)
    # Kept until the report is written: only answers (on disk for a large fleet), failures and
    # warnings, by file key; a file is known to be another account's policy file only once the
    # account that uses it has been read, which may be later.
    answers: Answers[Audited[T]] = Answers(on_disk=len(fleet.files) >= SPILL_FROM)
    failures: list[tuple[str, LoadFailure]] = []
    warned: dict[str, list[Notice]] = {}
    policy_files: dict[str, str] = {}
    types: set[AccountType] = set()
    for file, outcome, notices, used in _audited(work, fleet.files, workers_for(len(fleet.files), jobs)):
        for policy_file in used:
            policy_files.setdefault(_key(policy_file), file)
        key = _key(file)
        if isinstance(outcome, LoadFailure):
            failures.append((key, outcome))
        else:
            answers.add(key, outcome)
            types.add(outcome.account_type)
        if notices:
            warned[key] = notices
        if on_file is not None:
            on_file(file)
    parts = frozenset(key for key in policy_files if key not in fleet.named)
    answers.exclude(parts)
    # Every file of the run is an answer or a failure: the skipped ones, in file order.
    skipped = [
        Skipped(file, f"a policy file of {policy_files[key]}, not an account of its own")
        for file in (fleet.files if parts else ())
        if (key := _key(file)) in parts
    ]
    all_notices = [
        *fleet.notices,
        *(notice for key, notices in warned.items() if key not in parts for notice in notices),
    ]
    kept_types = frozenset(item.account_type for item in answers) if parts else frozenset(types)
    return FleetRun(
        answers,
        tuple(failure for key, failure in failures if key not in parts),
        tuple(skipped),
        tuple(all_notices),
        kept_types,
    )


def _audited(
    work: _Work[T], files: Sequence[str], workers: int
) -> Iterator[tuple[str, Audited[T] | LoadFailure, list[Notice], list[str]]]:
    if workers <= 1:
        for file in files:
            yield work.audit(file)
        return
    global _work  # noqa: PLW0603  (the forked workers read it; see _audit_chunk)
    _work = work  # type: ignore[assignment]
    try:
        context = multiprocessing.get_context("fork")
        chunks = [list(files[start : start + CHUNK]) for start in range(0, len(files), CHUNK)]
        with context.Pool(workers, initializer=_quiet_worker) as pool:
            for results in pool.imap(_audit_chunk, chunks):
                yield from results  # type: ignore[misc]
    finally:
        _work = None


def focused_table(indexed: IndexedTable, entries: Sequence[Entry]) -> IndexedTable:
    """The table with only the permissions ``entries`` need: an Evaluator built on it checks
    those codes and no others (the router, and so every row, stays the same)."""
    codes = {code for entry in entries for code in entry.permissions}
    table = indexed.table
    narrowed = replace(table, permissions={c: p for c, p in table.permissions.items() if c in codes})
    return IndexedTable(narrowed, indexed.router)


def route_in(ref: ApiRef, tables: TableSet, kind: AccountType) -> Route:
    return route(ref, tables.get(kind), lambda: tables.get(kind.other, answering=False))


def failure_records(run: FleetRun[T]) -> tuple[FailureRecord, ...]:
    return tuple(failure.record() for failure in run.failures)
