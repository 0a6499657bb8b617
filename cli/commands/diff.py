"""``bsscheck diff``: what a change to one account's grants gains and loses."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.options import evaluation_options, shared_output
from permtable.apis import read_api_file
from permtable.errors import InputError, Location
from permtable.evaluate import EvaluationPolicy
from permtable.grants_diff import CHANGE_KINDS, ChangeKind, diff_grants

DEFAULT_FAIL_ON = (ChangeKind.GAINED.value, ChangeKind.LOST.value)


@click.command(name="diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option(
    "--apis",
    "apis_file",
    type=click.Path(allow_dash=True),
    help="Compare only these APIs (one per line, '#' comments; '-' reads stdin). Default: the whole table.",
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    type=click.Choice(CHANGE_KINDS),
    help=(
        "Changes that make the exit code 1 (repeatable). Default: gained and lost. gained: an API "
        "callable only with NEW (a no-new-access gate); lost: an API callable only with OLD (a "
        "regression gate); changed: the same answer for another reason (not granted -> Deny)."
    ),
)
@click.option("--exit-zero", is_flag=True, help="Report changes but exit 0 (input errors still exit 2).")
@evaluation_options
@shared_output("diff")
def command(
    old: str,
    new: str,
    apis_file: str | None,
    fail_on: tuple[str, ...],
    exit_zero: bool,
    assume_conditions: bool,
    app: Application,
) -> int:
    """Compare two versions of one account's grants, OLD and NEW (grants files of one account
    type): the APIs gained and lost, and the permission change that caused each.

    Every row of the account type's table is compared, or the APIs in --apis. Also listed: APIs
    whose answer stays the same for another reason (e.g. not granted -> blocked by a Deny).

    \b
    Exit: 0 no change selected by --fail-on (default: gained, lost), 1 such a change,
          2 usage or input error (also: OLD and NEW of different account types).
    """
    tables = app.tables()
    before = app.account([old])
    after = app.account([new])
    refs = None
    if apis_file:
        refs = read_api_file(apis_file, app.max_bytes)
        if not refs:
            raise InputError(
                "the API list has no APIs (only blank lines or comments)",
                Location("<stdin>" if apis_file == "-" else apis_file),
                "one API per line, e.g. GET /v2/orders/customer-orders",
            )
    report = diff_grants(before, after, tables, EvaluationPolicy(assume_conditions=assume_conditions), refs)
    record = report.record()
    app.emit(record, report.notices)
    if exit_zero:
        return exitcodes.OK
    selected = set(fail_on or DEFAULT_FAIL_ON)
    failing = any(change.kind.value in selected for change in report.changes)
    return exitcodes.FINDINGS if failing else exitcodes.OK
