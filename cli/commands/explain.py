"""``bsscheck explain``: everything documented about an API or a permission."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.options import (
    evaluation,
    evaluation_options,
    grants_option,
    load_account,
    load_tables,
    resolve_lang,
    shared_output,
    type_option,
)
from cli.output import emit
from permtable import explain as explaining
from permtable.model import AccountType


@click.command(name="explain")
@click.argument("target")
@grants_option(required=False)
@type_option
@evaluation_options
@shared_output("explain")
def command(
    target: str,
    grants_files: tuple[str, ...],
    account_type: str | None,
    assume_conditions: bool,
    table_files: tuple[str, ...],
    output_format: str,
    output: str | None,
    lang: str | None,
    max_bytes: int,
) -> int:
    """Explain TARGET: an API ("GET /v2/orders/customer-orders", or a bare path), a permission
    code (BPC_ITEM_SUBCUSTSERV_060100, bss:order:view) or a pattern (bss:order:*, BPC_ITEM_*).

    For an API: its rows in both tables with every field and the source; with -g, the full
    decision trace for that account. For a permission or pattern: every API it unlocks.

    \b
    Exit: 0 something matched, 1 nothing did, 2 usage or input error.
    """
    tables = load_tables(table_files, max_bytes)
    grants = load_account(grants_files, max_bytes) if grants_files else None
    kind = AccountType(account_type) if account_type else None
    report = explaining.explain(target, tables, grants, kind, evaluation(False, assume_conditions))
    notices = report.decision.notices if report.decision else ()
    emit("explain", output_format, report.to_dict(resolve_lang(lang)), notices, output)
    return exitcodes.OK if report.matched else exitcodes.FINDINGS
