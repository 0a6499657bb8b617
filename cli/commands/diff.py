"""``bsscheck diff``: what a change to one account's grants gains and loses."""

from __future__ import annotations

import os

import click

from cli import exitcodes
from cli.application import Application
from cli.formats import format_names
from cli.options import evaluation_options, evaluation_policy, examples, shared_output
from permtable.apis import read_api_file
from permtable.errors import EmptyInputError, InputError, Location
from permtable.grants import Grants
from permtable.grants_diff import CHANGE_KINDS, ChangeKind, diff_grants, no_grants

DEFAULT_FAIL_ON = (ChangeKind.GAINED.value, ChangeKind.LOST.value)


@click.command(
    name="diff",
    short_help="What a grants change or a Terraform plan does to access.",
    epilog=examples(
        "bsscheck diff old.yaml new.yaml --fail-on gained",
        "bsscheck diff --terraform-plan plan.json --format markdown",
    ),
)
@click.argument("old", type=click.Path(), required=False)
@click.argument("new", type=click.Path(), required=False)
@click.option(
    "--terraform-plan",
    "plan_file",
    type=click.Path(),
    help=(
        "Compare what each IAM group, user and agency holds before and after a Terraform plan "
        "(terraform show -json PLANFILE output) instead of OLD and NEW."
    ),
)
@click.option(
    "--principal",
    "principals",
    multiple=True,
    metavar="KIND:NAME",
    help="With --terraform-plan: only this principal (group:NAME, user:NAME, agency:NAME; repeatable).",
)
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
@shared_output("diff", "terraform_diff")
def command(
    old: str | None,
    new: str | None,
    plan_file: str | None,
    principals: tuple[str, ...],
    apis_file: str | None,
    fail_on: tuple[str, ...],
    exit_zero: bool,
    assume_conditions: bool,
    all_grants: bool,
    app: Application,
) -> int:
    """Compare two versions of one account's grants, OLD and NEW (grants files of one account
    type): the APIs gained and lost, and the permission change that caused each.

    With --terraform-plan instead: what a plan changes, per IAM group, user and agency, with the
    resource addresses (and .tf lines) responsible.

    Every row of the account type's table is compared, or the APIs in --apis. Also listed: APIs
    whose answer stays the same for another reason (e.g. not granted -> blocked by a Deny).

    \b
    Exit: 0 no change selected by --fail-on (default: gained, lost), 1 such a change,
          2 usage or input error (also: OLD and NEW of different account types).
    """
    if plan_file is None and app.output_format not in format_names("diff"):
        raise click.UsageError(f"--format {app.output_format} applies to diff --terraform-plan")
    tables = app.tables()
    if plan_file is not None and (old or new):
        raise click.UsageError("give OLD and NEW, or --terraform-plan, not both")
    if plan_file is None and not (old and new):
        raise click.UsageError("give OLD and NEW grants files, or --terraform-plan PLAN.json")
    if principals and plan_file is None:
        raise click.UsageError("--principal applies to --terraform-plan")
    refs = None
    if apis_file:
        refs = read_api_file(apis_file, app.max_bytes)
        if not refs:
            raise InputError(
                "the API list has no APIs (only blank lines or comments)",
                Location("<stdin>" if apis_file == "-" else apis_file),
                "one API per line, e.g. GET /v2/orders/customer-orders",
            )
    options = evaluation_policy(False, assume_conditions, all_grants)
    selected = set(fail_on or DEFAULT_FAIL_ON)
    if plan_file is not None:
        from permtable.terraform.diff import PrincipalSelector, terraform_diff  # noqa: PLC0415

        selectors = [PrincipalSelector.parse(text) for text in principals]
        planned = terraform_diff(plan_file, tables, options, selectors, refs, app.max_bytes)
        app.writing("terraform_diff").emit(planned.record(), planned.notices)
        changes = [change for item in planned.principals for change in item.diff.changes]
    else:
        assert old is not None and new is not None
        before, after = _side(app, old), _side(app, new)
        if before is None and after is None:
            raise InputError(
                "both sides of the diff are missing or empty", Location(new), "give at least one grants file"
            )
        if before is None:
            assert after is not None
            before = no_grants(after, old, _empty_why(old))
        if after is None:
            after = no_grants(before, new, _empty_why(new))
        report = diff_grants(before, after, tables, options, refs)
        app.emit(report.record(), report.notices)
        changes = list(report.changes)
    if exit_zero:
        return exitcodes.OK
    failing = any(change.kind.value in selected for change in changes)
    return exitcodes.FINDINGS if failing else exitcodes.OK


def _side(app: Application, path: str) -> Grants | None:
    """One side's grants; None for a side that holds nothing: a file added or deleted by the
    change (``/dev/null``, a path that does not exist, an empty file or pipe). Read once: an
    empty side is told by the reader's own error for it."""
    if path == "-":
        raise InputError(
            "a side of the diff cannot be standard input: the two sides are read as files",
            Location("<stdin>"),
            "write it to a file first (git show BASE:grants.yaml > base.yaml || : > base.yaml)",
        )
    if path == os.devnull or not os.path.exists(path):
        return None
    try:
        return app.account([path])
    except EmptyInputError as error:
        if error.location.file != path:
            raise  # a policy file the grants file names is empty: that is an error
        return None


def _empty_why(path: str) -> str:
    if path == os.devnull:
        return "stands for no file"
    return "does not exist" if not os.path.exists(path) else "is empty"
