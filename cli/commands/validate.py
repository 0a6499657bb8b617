"""``bsscheck validate``: check grants, policy, table and API list files without evaluating."""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.options import examples, shared_output
from permtable.validation import validate_files


@click.command(
    name="validate",
    short_help="Check grants, IAM policy and table files.",
    epilog=examples("bsscheck validate samples/customer-grants.yaml samples/huawei-export/*.json"),
)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@shared_output("validate")
def command(
    files: tuple[str, ...],
    app: Application,
) -> int:
    """Check FILES (grants files, IAM policies, table files, API lists) without evaluating:
    structure, types, unknown or misspelt permission codes, near-miss APIs.

    A file is recognised by its shape: 'type: partner|customer' is a grants file, Version and
    Statement an IAM policy, schema and entries a table; .txt, .list and .apis files are API
    lists (one API per line).

    \b
    Exit: 0 every file clean, 1 findings, 2 a file could not be read or parsed.
    """
    report = validate_files(files, app.tables(), app.max_bytes)
    app.emit(report.record())
    statuses = {check.status for check in report.checks}
    if "error" in statuses:
        return exitcodes.INPUT_ERROR
    return exitcodes.FINDINGS if "findings" in statuses else exitcodes.OK
