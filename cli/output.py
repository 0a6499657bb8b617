"""Writing a report: warnings to stderr, the payload to stdout or, atomically, to a file."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from cli.formats import render
from cli.messages import warn
from permtable.errors import InputError, Location, Notice

if TYPE_CHECKING:
    from pathlib import Path


def emit(
    view: str,
    output_format: str,
    record: dict[str, Any],
    notices: Iterable[Notice] = (),
    output: str | None = None,
) -> None:
    warn(notices)
    if output is None:
        _to_stdout(lambda stream: render(output_format, view, record, stream))
        return
    buffer = io.StringIO()
    render(output_format, view, record, buffer)
    write_atomically(output, buffer.getvalue())
    click.echo(f"bsscheck: wrote the {output_format} report to {output}. {summary_line(record)}", err=True)


def emit_text(text: str, output: str | None = None) -> None:
    """Write finished text (an emitted policy or role) to stdout or a file."""
    if output is None:
        _to_stdout(lambda stream: stream.write(text))
    else:
        write_atomically(output, text)
        click.echo(f"bsscheck: wrote {output}", err=True)


def summary_line(record: dict[str, Any]) -> str:
    summary = record.get("summary") or {}
    if "entries" in record and "summary" not in record:  # explain
        return f"{len(record['entries'])} table row(s) matched."
    if "accounts" in record or "changes" in record:  # who-can, matrix, diff
        from cli import fleet_text  # noqa: PLC0415  (only for the fleet reports)

        if "changes" in record:
            return fleet_text.diff_summary(record) + "."
        if "api" in record:
            return fleet_text.who_can_summary(record) + "."
        return fleet_text.matrix_summary(record) + "."
    if "files_scanned" in summary:  # scan
        return (
            f"{summary['apis']} API(s) at {summary['sites']} call site(s) in {summary['files_scanned']} "
            f"file(s), {summary['unknown_method']} path(s) with no determinable method."
        )
    if "files" in record:  # validate
        findings, errors = summary["findings"], summary["errors"]
        return f"{summary['total']} file(s): {findings} with findings, {errors} unreadable."
    if "not_callable" not in summary:
        return f"{summary.get('total', 0)} API(s)."
    return (
        f"{summary['total']} API(s): {summary['callable']} callable, {summary['not_callable']} not callable."
    )


def write_atomically(path: str, text: str) -> None:
    """Write via a temporary file and a rename: a failed run never leaves a partial report."""
    import tempfile  # noqa: PLC0415  (only --output pays for these imports)
    from pathlib import Path  # noqa: PLC0415

    target = Path(path)
    if not path:
        raise InputError("--output needs a file name")
    if target.is_dir():
        raise InputError("--output is a directory", Location(path))
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("--output directory does not exist", Location(path))
    handle = None
    try:
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
            handle.write(text)
        # mkstemp creates 0600 files; a report gets the mode a plain write would give it.
        os.chmod(handle.name, _file_mode(target))
        os.replace(handle.name, target)
    except BaseException as error:
        if handle is not None and os.path.exists(handle.name):
            os.unlink(handle.name)
        if isinstance(error, OSError):
            raise InputError(f"cannot write the report: {error.strerror or error}", Location(path)) from None
        raise


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
        # still tells it; point stdout at /dev/null so the interpreter's final flush is quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
