"""``bsscheck matrix``: every account of a fleet by every API."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.fleet_options import fleet_grants_option, fleet_strict_option, jobs_option, report_load_errors
from cli.options import (
    apis_file_option,
    collect_apis,
    evaluation_options,
    evaluation_policy,
    examples,
    shared_output,
)
from cli.progress import file_progress
from permtable.fleet.accounts import expand_paths
from permtable.fleet.matrix import matrix


@click.command(
    name="matrix",
    short_help="Accounts by APIs: which account can call what.",
    epilog=examples(
        "bsscheck matrix -g samples/fleet",
        "bsscheck matrix -g grants/ --apis apis.txt --format csv -o matrix.csv",
    ),
)
@click.argument("apis", nargs=-1)
@fleet_grants_option
@apis_file_option
@fleet_strict_option
@jobs_option
@evaluation_options
@shared_output("matrix")
def command(
    apis: tuple[str, ...],
    paths: tuple[str, ...],
    apis_file: str | None,
    strict: bool,
    assume_conditions: bool,
    all_grants: bool,
    jobs: int | None,
    app: Application,
) -> int:
    """Accounts by APIs: for every grants file under the -g PATHs (one account each) and every
    API, whether the account can call it: callable, denied or conditional.

    The APIs are those given as arguments or with --apis; without any, every row of the tables of
    the account types present (an API listed in both tables is one column). An API that an
    account's own table does not list is callable for it (no fine-grained check), unless only the
    other type's table lists it, it is a near miss of a listed API, or --strict is given: then it
    is not callable (a "denied" cell whose decision is not_checked).

    The table and Markdown formats put the APIs down the side and the accounts across; json and
    csv give one row per account. A file that cannot be read is reported and the others are
    still shown; the exit code is then 2.

    \b
    Exit: 0 the matrix was built, 2 usage or input error, or a grants file could not be read.
    """
    refs = collect_apis(apis, apis_file, app.max_bytes)
    tables = app.tables()
    fleet = expand_paths(paths)
    with file_progress(len(fleet.files), "matrix") as tick:
        report = matrix(
            refs or None,
            fleet,
            tables,
            evaluation_policy(strict, assume_conditions, all_grants),
            app.max_bytes,
            tick,
            jobs,
        )
    record = report.record()
    report_load_errors(report.run.failures)
    app.emit(record, report.run.notices)
    return exitcodes.INPUT_ERROR if report.run.failures else exitcodes.OK
