"""Writing a report: warnings to stderr, the payload to stdout or, atomically, to a file.

Conventions (the README's Trust section states them for users):

- The exit code reports the findings, whatever happens to the payload's reader: a reader that
  closes the pipe early (``bsscheck apis | head -1``) leaves 0 a 0 and 1 a 1, so ``set -o
  pipefail`` sees bsscheck's answer. What could not be written is dropped quietly.
- Standard output that cannot take the report (a full disk, a closed descriptor, an I/O error)
  is one line on stderr and exit 2: the report was not delivered, so nothing was decided.
- ``-o -`` is standard output. ``-o PATH`` writes only a regular file or a new path, never
  through or over a link, a device, a FIFO or a socket, never over a read-only file, a file of
  another user in a world-writable folder, or one of the run's own input files; it writes a
  temporary file beside the target and renames it, so an interrupted run (Ctrl-C, SIGTERM)
  leaves the old file as it was and no temporary file behind.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from cli.formats import report_format
from cli.messages import warn
from permtable.errors import InputError, Location, Notice
from permtable.files import inputs_read

if TYPE_CHECKING:
    from pathlib import Path


def emit(
    view: str,
    output_format: str,
    record: object,
    notices: Iterable[Notice] = (),
    output: str | None = None,
    lang: str = "en",
    verbose: bool = False,
) -> None:
    """Write ``record`` (the typed record of the view's report) in ``output_format``."""
    collect_from_now_on()
    warn(notices)
    shown = report_format(output_format, view, lang, verbose)
    if output is None or output == STDOUT:
        _to_stdout(lambda stream: shown.render(view, record, stream))
        return
    # Rendered straight into the temporary file: a large report is never held whole as text.
    write_atomically(output, lambda stream: shown.render(view, record, stream))
    from cli.summaries import summary_line  # noqa: PLC0415  (only a report written to a file)

    click.echo(
        f"bsscheck: wrote the {output_format} report to {output}. {summary_line(view, record)}", err=True
    )


def emit_text(text: str, output: str | None = None) -> None:
    """Write finished text (an emitted policy or role) to stdout or a file."""
    collect_from_now_on()
    if output is None or output == STDOUT:
        _to_stdout(lambda stream: stream.write(text))
    else:
        write_atomically(output, lambda stream: stream.write(text))
        click.echo(f"bsscheck: wrote {output}", err=True)


def collect_from_now_on() -> None:
    """End the pause of the cyclic collector that importing ``cli`` began: the answer is made
    and lives to the end, so it is frozen out of the collector's reach; what writing the report
    makes (rich's renderables, the formats' pieces) is collected as usual."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


STDOUT = "-"  # -o - names standard output, as - names standard input for --apis


def write_atomically(path: str, write: Callable[[TextIO], object]) -> None:
    """``write`` into a temporary file beside ``path``, then rename it over ``path``: a run
    that fails, or is interrupted, never leaves a partial report nor its temporary file."""
    import tempfile  # noqa: PLC0415  (only --output pays for these imports)
    from pathlib import Path  # noqa: PLC0415

    if not path:
        raise InputError("--output needs a file name")
    target = Path(path)
    check_output_target(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("--output directory does not exist", Location(path))
    handle = None
    with _terminate_as_exception():
        try:
            with _signals_held():
                # A SIGTERM between the file's creation and this assignment would leave a
                # temporary nobody knows the name of: it waits until ``handle`` is set.
                handle = tempfile.NamedTemporaryFile(
                    "w",
                    encoding="utf-8",
                    errors="backslashreplace",  # undecodable bytes from arguments must not crash a report
                    dir=directory,
                    prefix=f".{target.name}.",
                    suffix=".tmp",
                    delete=False,
                )
            with handle:
                write(cast(TextIO, handle))
            # mkstemp creates 0600 files; a report gets the mode a plain write would give it.
            os.chmod(handle.name, _file_mode(target))
            os.replace(handle.name, target)
        except BaseException as error:
            if handle is not None and os.path.exists(handle.name):
                os.unlink(handle.name)
            if isinstance(error, OSError):
                raise InputError(
                    f"cannot write the report: {error.strerror or error}", Location(path)
                ) from None
            raise


def check_output_target(path: str) -> None:
    """Refuse a target that a report must not replace (see the module's docstring)."""
    import stat  # noqa: PLC0415

    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return  # a new path
    except OSError as error:
        raise InputError(f"cannot write the report: {error.strerror or error}", Location(path)) from None
    where = Location(path)
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise InputError("--output is a directory", where)
    if stat.S_ISLNK(mode):
        raise InputError(
            "--output is a symbolic link: bsscheck neither writes through a link nor replaces it",
            where,
            "name the file it points to, or a new path",
        )
    if not stat.S_ISREG(mode):
        raise InputError(
            f"--output is not a regular file ({_file_kind(mode)}): a report replaces only regular files",
            where,
            "write to standard output (-o - or no -o) and redirect it, e.g. > /dev/null",
        )
    if (status.st_dev, status.st_ino) in inputs_read():
        raise InputError(
            "--output is one of this run's input files: the report would replace it",
            where,
            "write the report to another path",
        )
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise InputError(
            "--output is a read-only file: bsscheck does not replace it",
            where,
            "make it writable first, or write the report to another path",
        )
    folder = os.path.dirname(path) or "."
    if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
        try:
            shared = os.stat(folder).st_mode & stat.S_IWOTH
        except OSError:
            shared = 0
        if shared:
            raise InputError(
                "--output belongs to another user in a world-writable folder: bsscheck does not replace it",
                where,
                "write the report to a path of your own",
            )


def _file_kind(mode: int) -> str:
    import stat  # noqa: PLC0415

    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


class _Terminated(BaseException):
    """SIGTERM while a report is being written: unwinds like Ctrl-C, so the temporary goes."""


@contextmanager
def _terminate_as_exception() -> Iterator[None]:
    import signal  # noqa: PLC0415
    import threading  # noqa: PLC0415

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    except _Terminated:
        # Cleaned up on the way here; now end as SIGTERM would have: 128 + 15.
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back (POSIX); delivered as soon as the block ends."""
    import signal  # noqa: PLC0415

    held = {signal.SIGTERM, signal.SIGINT}
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _file_mode(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _to_stdout(write: Any) -> None:
    try:
        write(sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, grep -q) stopped early. The decision is made and the exit code
        # still tells it; stdout goes to /dev/null so the interpreter's final flush is quiet.
        _silence_stdout()
    except OSError as error:
        # A full disk, an I/O error, a closed descriptor: the report did not arrive.
        _silence_stdout()
        raise InputError(
            f"cannot write the report to standard output: {error.strerror or error}", Location("<stdout>")
        ) from None


def _silence_stdout() -> None:
    """Point file descriptor 1 (if there is one) and sys.stdout at /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
    except OSError:
        pass  # descriptor 1 was never there
    finally:
        os.close(devnull)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")
