"""Messages for people on stderr: warnings and notes, never mixed into the payload on stdout."""

from __future__ import annotations

from collections.abc import Iterable

import click

from permtable.errors import Notice


def warn(notices: Iterable[Notice]) -> None:
    for notice in notices:
        click.echo(f"bsscheck: warning: {notice}", err=True)
