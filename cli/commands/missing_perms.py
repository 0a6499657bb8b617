"""``bsscheck missing-perms``: what is missing, and the smallest set of grants that fixes it."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.options import (
    account_check_options,
    collect_apis,
    evaluation,
    load_account,
    load_tables,
    resolve_lang,
)
from cli.output import emit
from permtable import queries


@click.command(name="missing-perms")
@account_check_options
def command(
    grants_files: tuple[str, ...],
    apis: tuple[str, ...],
    apis_file: str | None,
    strict: bool,
    assume_conditions: bool,
    table_files: tuple[str, ...],
    output_format: str,
    lang: str | None,
) -> int:
    """List the APIs the account in GRANTS cannot call and the smallest set of permissions
    whose grant makes all of them callable, with the console menu path (partner) or the
    permission name (customer) of each.

    With no APIs, every API of the account type's table is checked. APIs blocked by an
    explicit Deny are listed apart: an extra Allow cannot fix them.

    \b
    Exit: 0 nothing missing, 1 something is, 2 usage or input error.
    """
    tables = load_tables(table_files)
    grants = load_account(grants_files)
    refs = collect_apis(apis, apis_file) or None
    report = queries.missing_perms(refs, grants, tables, evaluation(strict, assume_conditions))
    emit("missing_perms", output_format, report.to_dict(resolve_lang(lang)), report.checked.notices)
    return exitcodes.OK if report.nothing_missing else exitcodes.FINDINGS
