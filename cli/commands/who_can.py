"""``bsscheck who-can``: which accounts of a fleet can call this API?"""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.fleet_options import fleet_grants_option, fleet_strict_option, jobs_option, report_load_errors
from cli.options import (
    evaluation_options,
    evaluation_policy,
    examples,
    join_split_apis,
    shared_output,
)
from cli.progress import file_progress
from permtable.apis import parse_api
from permtable.errors import InputError, Location
from permtable.fleet.accounts import expand_paths
from permtable.fleet.who_can import who_can


@click.command(
    name="who-can",
    short_help="Which accounts of a fleet can call an API.",
    epilog=examples(
        "bsscheck who-can 'POST /v3/orders/customer-orders/pay' -g samples/fleet",
        "bsscheck who-can 'POST /v3/orders/customer-orders/pay' -g grants/ --fail-if-any",
    ),
)
@click.argument("api", nargs=-1, required=True)
@fleet_grants_option
@click.option(
    "--fail-if-any",
    is_flag=True,
    help="Exit 1 when any account can call the API: a guard for sensitive APIs.",
)
@fleet_strict_option
@jobs_option
@evaluation_options
@shared_output("who_can")
def command(
    api: tuple[str, ...],
    paths: tuple[str, ...],
    fail_if_any: bool,
    strict: bool,
    assume_conditions: bool,
    all_grants: bool,
    jobs: int | None,
    app: Application,
) -> int:
    """Which accounts can call API? Every grants file under the -g PATHs is one account, checked
    against its own type's table: a folder may mix partner and customer accounts.

    For each account: callable or not, the decision, and the permission and the role or policy
    statement that grants (or denies) it. An API that one account type's table does not list
    needs no fine-grained permission for that type, unless only the other type's table lists it
    or it is a near miss of a listed API: then it is not counted as callable. The report says
    which.

    A file that cannot be read is reported (one line on stderr, and in the report's errors) and
    the others are still answered; the exit code is then 2.

    \b
    Exit: 0 answered (whoever can call it), 1 with --fail-if-any when an account can call it,
          2 usage or input error, or a grants file could not be read.
    """
    joined = join_split_apis(api)
    if len(joined) != 1:
        raise InputError(
            f"who-can takes one API, got {len(joined)}",
            hint='quote it: bsscheck who-can "POST /v3/orders/customer-orders/pay" -g DIR',
        )
    number, text = joined[0]
    ref = parse_api(text, Location(f"<argument {number}>"))
    tables = app.tables()
    fleet = expand_paths(paths)
    with file_progress(len(fleet.files), "who-can") as tick:
        policy = evaluation_policy(strict, assume_conditions, all_grants)
        report = who_can(ref, fleet, tables, policy, app.max_bytes, tick, jobs)
    record = report.record()
    report_load_errors(report.run.failures)
    app.emit(record, report.run.notices)
    if report.run.failures:
        return exitcodes.INPUT_ERROR
    return exitcodes.FINDINGS if fail_if_any and report.any_callable else exitcodes.OK
