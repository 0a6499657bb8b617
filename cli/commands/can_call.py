"""``bsscheck can-call``: can this account call these APIs?"""

from __future__ import annotations

import click

from cli import gates
from cli.application import AccountCheck, Application
from cli.options import (
    account_check_options,
    collect_apis,
    empty_api_list,
    examples,
    require_apis,
    source_apis,
)
from permtable import queries
from permtable.grants import Grants
from permtable.reports import CanCallReport
from permtable.tables import TableSet


@click.command(
    name="can-call",
    short_help="Can the account call these APIs, and why not?",
    epilog=examples(
        "bsscheck can-call -g samples/customer-grants.yaml --apis samples/customer-apis.txt",
        "bsscheck can-call -g grants.yaml 'POST /v3/orders/customer-orders/pay' --format json",
        "bsscheck can-call -g grants.yaml --from-source src/ --format sarif -o bsscheck.sarif",
    ),
)
@account_check_options("can_call")
@click.option(
    "--unique",
    is_flag=True,
    help=(
        "Report each endpoint once, with how many inputs named it and the first; --apis is read "
        "as a stream (no --max-file-size limit), for API logs of any size."
    ),
)
def command(check: AccountCheck, app: Application, unique: bool) -> int:
    """Decide, per API, whether the account in GRANTS can call it.

    APIs are given as arguments or with --apis, in any of these forms: "GET /v2/x",
    "get/v2/x", "GET https://bss-intl.myhuaweicloud.com/v2/x?limit=10", a concrete id
    in place of {order_id}, or the documented template itself; or found in code with
    --from-source (each result then points at the lines that call the API).

    With --unique, inputs that resolve to one endpoint (one table row, else one method and
    path) are reported once, with their count and the first of them.

    \b
    Exit: 0 every API callable, 1 any is not (see --fail-on, --exit-zero),
          2 usage or input error.
    """
    tables = app.tables()
    grants = app.checked_account(check)
    if unique:
        report = _unique_report(check, grants, tables, app.max_bytes)
    else:
        refs = collect_apis(check.apis, check.apis_file, app.max_bytes)
        scanned, notices = source_apis(check.from_source, app.max_bytes)
        if not check.from_source:
            require_apis(refs)
        report = queries.can_call([*refs, *scanned], grants, tables, check.policy, notices)
    app.emit(report.record(), report.notices)
    return gates.exit_code(report.results, check.fail_on, check.exit_zero)


def _unique_report(check: AccountCheck, grants: Grants, tables: TableSet, max_bytes: int) -> CanCallReport:
    """--unique: every input counted by its endpoint, the --apis file streamed in blocks.

    The file is not held whole, so --max-file-size does not apply to it (it still applies to
    grants, tables and source files): memory grows with the distinct endpoints, not the lines.
    """
    from permtable.unique import UniqueApis  # noqa: PLC0415  (only --unique needs it)

    indexed = tables.get(grants.account_type)
    counter = UniqueApis(queries.endpoint_key(indexed), queries.quick_endpoint_key(indexed))
    for ref in collect_apis(check.apis, None, max_bytes):
        counter.add(ref)
    if check.apis_file:
        counted = counter.inputs
        counter.add_file(check.apis_file)
        if counter.inputs == counted:
            raise empty_api_list(check.apis_file)
    scanned, notices = source_apis(check.from_source, max_bytes)
    for ref in scanned:
        counter.add(ref)
    if not check.from_source and not counter.inputs:
        require_apis([])
    return queries.can_call_unique(counter.tallies(), grants, tables, check.policy, notices)
