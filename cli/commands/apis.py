"""``bsscheck apis``: browse the permission tables."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.options import examples, shared_output, type_option
from permtable import listing
from permtable.model import AccountType


@click.command(
    name="apis",
    short_help="List the documented APIs and their permissions.",
    epilog=examples("bsscheck apis --type customer", "bsscheck apis --format json"),
)
@type_option
@click.option(
    "--permission", help="Only APIs needing this code or pattern (bss:order:*, BPC_ITEM_FINANCE_*)."
)
@click.option(
    "--search", help="Only APIs whose path, code, scenario, description or menu path contains TEXT."
)
@shared_output("apis")
def command(
    account_type: str | None,
    permission: str | None,
    search: str | None,
    app: Application,
) -> int:
    """List the documented APIs and the permissions they need.

    \b
    Exit: 0 some API listed, 1 none matched the filters, 2 usage or input error.
    """
    tables = app.tables()
    kind = AccountType(account_type) if account_type else None
    report = listing.browse(tables, kind, permission, search)
    app.emit(report.record())
    return exitcodes.OK if report.entries else exitcodes.FINDINGS
