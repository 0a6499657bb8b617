"""``bsscheck explain``: everything documented about an API or a permission."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.options import (
    evaluation_options,
    evaluation_policy,
    examples,
    grants_option,
    scp_option,
    shared_output,
    type_option,
)
from permtable import explain as explaining
from permtable.model import AccountType


@click.command(
    name="explain",
    short_help="Explain an API, a permission code or an IAM action.",
    epilog=examples(
        "bsscheck explain 'GET /v2/orders/customer-orders'",
        "bsscheck explain BPC_ITEM_SUBCUSTSERV_060100",
        "bsscheck explain 'bss:order:*' -g grants.yaml",
    ),
)
@click.argument("target")
@grants_option(required=False)
@scp_option
@type_option
@evaluation_options
@shared_output("explain")
def command(
    target: str,
    grants_files: tuple[str, ...],
    account_type: str | None,
    assume_conditions: bool,
    all_grants: bool,
    app: Application,
) -> int:
    """Explain TARGET: an API ("GET /v2/orders/customer-orders", or a bare path), a permission
    code (BPC_ITEM_SUBCUSTSERV_060100, bss:order:view) or a pattern (bss:order:*, BPC_ITEM_*).

    For an API: its rows in both tables with every field and the source; with -g, the full
    decision trace for that account. For a permission or pattern: every API it unlocks.

    \b
    Exit: 0 something matched, 1 nothing did, 2 usage or input error.
    """
    tables = app.tables()
    grants = app.account(grants_files) if grants_files else None
    kind = AccountType(account_type) if account_type else None
    report = explaining.explain(
        target, tables, grants, kind, evaluation_policy(False, assume_conditions, all_grants)
    )
    notices = report.decision.notices if report.decision else ()
    app.emit(report.record(), notices)
    return exitcodes.OK if report.matched else exitcodes.FINDINGS
