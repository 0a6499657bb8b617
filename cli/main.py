"""The ``bsscheck`` entry point: a click group that imports only the command being run.

This module is also the error boundary: an ``InputError`` from anywhere becomes one line on
stderr and exit 2; click's usage errors also exit 2. Anything else is a bug and keeps its
traceback, so it gets reported and fixed rather than hidden.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys

import click

from cli import exitcodes
from cli.groups import SingleValueGroup
from permtable import __version__
from permtable.errors import InputError

# Command name -> module under cli.commands; each module defines ``command``.
COMMANDS = {
    "can-call": "can_call",
    "missing-perms": "missing_perms",
    "explain": "explain",
    "apis": "apis",
    "validate": "validate",
    "scan": "scan",
    "table": "table",
    "who-can": "who_can",
    "diff": "diff",
    "matrix": "matrix",
}


class BareCommand(Exception):
    """A group called with nothing to do: its help, as a usage error (exit 2, on stderr).

    Raised here rather than left to click, whose answer changed in 8.2 (help on stdout and
    exit 0 before it): the contract must not depend on the installed click.
    """

    def __init__(self, ctx: click.Context) -> None:
        super().__init__("no command given")
        self.ctx = ctx


class LazyGroup(SingleValueGroup):
    """Lists every command but imports a command's module only when it runs (fast start-up)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            raise BareCommand(ctx)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """click's, with a "did you mean" for a misspelt command (``can-cal``)."""
        name = args[0] if args else ""
        if name in COMMANDS or name.startswith("-"):
            return super().resolve_command(ctx, args)
        from permtable.textdistance import closest  # noqa: PLC0415  (only a wrong command)

        near = closest(name, COMMANDS, max_distance=3)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise click.UsageError(f"No such command {name!r}.{hint} ('bsscheck --help' lists them.)", ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"cli.commands.{module_name}")
        command: click.Command = module.command
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "-V", "--version", prog_name="bsscheck")
def main() -> None:
    """Check offline whether a Huawei Cloud account can call BSS (billing and Partner Center)
    APIs, and if not, exactly what to grant and where.

    \b
    Exit codes: 0 ok, 1 findings (not callable, missing, nothing matched),
                2 usage or input error.
    """


def run(argv: list[str] | None = None) -> None:
    """Run bsscheck and exit with its code (``SystemExit``): the whole command, in-process."""
    _stand_in_for_closed_streams()
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that cannot encode Chinese table text must not crash the report.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        code = main.main(args=argv, prog_name="bsscheck", standalone_mode=False)
    except InputError as error:
        click.echo(f"bsscheck: error: {error}", err=True)
        code = exitcodes.INPUT_ERROR
    except BareCommand as bare:
        # A bare command with nothing to check: show its help, as a usage error.
        click.echo(bare.ctx.get_help(), err=True)
        code = exitcodes.INPUT_ERROR
    except click.UsageError as error:
        error.show()
        code = exitcodes.INPUT_ERROR
    except click.ClickException as error:
        error.show()
        code = exitcodes.INPUT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = exitcodes.INPUT_ERROR
    except click.exceptions.Exit as exit_request:
        code = exit_request.exit_code
    except Exception:
        import traceback  # noqa: PLC0415  (only a bug pays for it)

        traceback.print_exc()
        click.echo("bsscheck: internal error: this is a bug in bsscheck; please report it", err=True)
        code = exitcodes.INTERNAL_ERROR
    sys.exit(code if isinstance(code, int) else exitcodes.OK)


class _ClosedOutput(io.TextIOBase):
    """Standard output started closed (``>&-``): any write fails as a closed descriptor does,
    so a report that cannot be delivered is an error (exit 2), while ``-o FILE`` still works."""

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _stand_in_for_closed_streams() -> None:
    """A process started with stdout or stderr closed gets stand-ins (Python gives None).

    Without stderr, messages are lost but the exit code is the same as with it: a warning that
    cannot be shown must not turn a clean run into a failing one, nor an input error into a
    crash. Standard input is checked where it is read (permtable.files.standard_input).
    """
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()


def console() -> None:
    """The installed ``bsscheck`` command (and ``python -m cli``): ``run``, then a quick exit.

    Tearing the interpreter down (clearing every module, freeing every object) took a one-API
    check 17 ms of its 95: longer than the check itself. A command that has said everything
    needs none of it, so once the output is flushed the process leaves with ``os._exit``. The
    normal exit runs instead when something asked for the teardown: an ``atexit`` handler (a
    coverage tool, logging) or a thread still running.

    Measured again with the value types as standard dataclasses (non-editable install, 31
    back-to-back pairs against ``python -c "import click, yaml"``): a one-API check is 1.43x the
    baseline with this exit and 1.57x to 1.61x without it, over the 1.5x start-up budget.
    """
    try:
        run()
        code: str | int | None = exitcodes.OK
    except SystemExit as done:
        code = done.code
    if not isinstance(code, int) or _teardown_wanted():
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe: what could not be written is lost either way; the code stands
    os._exit(code)


def _teardown_wanted() -> bool:
    import atexit  # noqa: PLC0415  (built in: no file to read)
    import threading  # noqa: PLC0415  (already loaded by click's imports)

    pending = getattr(atexit, "_ncallbacks", None)  # CPython's count of registered handlers
    return pending is None or pending() > 0 or threading.active_count() > 1
