"""Options and messages of the fleet commands (who-can, matrix): grants PATHs, unreadable files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from permtable.fleet.accounts import LoadFailure

F = TypeVar("F", bound=Callable[..., Any])


def fleet_grants_option(function: F) -> F:
    return click.option(
        "-g",
        "--grants",
        "paths",
        multiple=True,
        required=True,
        type=click.Path(),
        help=(
            "A grants file, or a directory searched recursively for *.yaml, *.yml and *.json "
            "grants files (hidden ones skipped). Repeatable. Each file is one account."
        ),
    )(function)


def fleet_strict_option(function: F) -> F:
    return click.option(
        "--strict", is_flag=True, help="Count an API missing from an account's table as not callable."
    )(function)


def jobs_option(function: F) -> F:
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help=(
            "Processes reading the grants files (default: every core for 1,000 files or more, "
            "else 1). The report is the same whatever the number."
        ),
    )(function)


def report_load_errors(failures: Iterable[LoadFailure]) -> None:
    """One line per unreadable grants file, as every input error is shown."""
    for failure in failures:
        click.echo(f"bsscheck: error: {failure.text}", err=True)
