"""``bsscheck missing-perms``: what is missing, and the smallest set of grants that fixes it."""

from __future__ import annotations

import click

from cli import gates
from cli.application import AccountCheck, Application
from cli.options import (
    account_check_options,
    collect_apis,
    examples,
    source_apis,
)
from cli.output import emit_text
from permtable import missing
from permtable.emit import EMIT_KINDS, MODELS, emitted_grants


@click.command(
    name="missing-perms",
    short_help="The smallest set of permissions to grant, and where.",
    epilog=examples(
        "bsscheck missing-perms -g samples/partner-grants.yaml --apis samples/partner-apis.txt",
        "bsscheck missing-perms -g grants.yaml --apis apis.txt --emit policy -o fix.json",
    ),
)
@account_check_options("missing_perms")
@click.option(
    "--emit",
    "emit_kind",
    type=click.Choice(EMIT_KINDS),
    default=None,
    help=(
        "Instead of the report, print the fix: 'policy' an IAM policy (customer accounts), "
        "'role' a Partner Center role in grants-file YAML (partner accounts)."
    ),
)
@click.option(
    "--model",
    type=click.Choice(MODELS),
    default="policy",
    show_default=True,
    help=(
        "With --emit policy: 'policy' a Version 1.1 policy of bss: codes, 'identity' a Version 5.0 "
        "identity policy of the identity actions Huawei documents."
    ),
)
def command(check: AccountCheck, app: Application, emit_kind: str | None, model: str) -> int:
    """List the APIs the account in GRANTS cannot call and the smallest set of permissions
    whose grant makes all of them callable, with the console menu path (partner) or the
    permission name (customer) of each.

    With no APIs (and no --from-source), every API of the account type's table is checked. APIs blocked by an
    explicit Deny are listed apart: an extra Allow cannot fix them.

    \b
    Exit: 0 nothing missing, 1 something is (see --fail-on, --exit-zero),
          2 usage or input error.
    """
    tables = app.tables()
    grants = app.checked_account(check)
    refs = collect_apis(check.apis, check.apis_file, app.max_bytes)
    scanned, notices = source_apis(check.from_source, app.max_bytes)
    # No APIs named at all: the whole table. APIs from code: exactly those (maybe none).
    checked = [*refs, *scanned] if refs or check.from_source else None
    report = missing.missing_perms(checked, grants, tables, check.policy, notices)
    if emit_kind is not None:
        emitted = emitted_grants(emit_kind, report, app.lang, model, tables.identity())
        emit_text(emitted.text, app.output)
        if model == "identity":
            click.echo(f"bsscheck: {len(emitted.granted)} identity action(s) to grant", err=True)
            if emitted.uncovered:
                click.echo(
                    "bsscheck: warning: not covered (identity action not documented, or denied or "
                    f"blocked by an SCP, which no Allow fixes): {', '.join(emitted.uncovered)}",
                    err=True,
                )
        else:
            blocked = len(report.plan.blocked_by_deny)
            note = f"; {blocked} API(s) blocked by a Deny, which no grant fixes" if blocked else ""
            click.echo(f"bsscheck: {len(report.plan.to_grant)} permission(s) to grant{note}", err=True)
    else:
        app.emit(report.record(), report.checked.notices)
    # The report lists only what is not callable; gates such as --fail-on unlisted need every
    # checked API, including callable ones.
    return gates.exit_code(report.checked.results, check.fail_on, check.exit_zero)
