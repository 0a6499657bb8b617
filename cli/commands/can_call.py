"""``bsscheck can-call``: can this account call these APIs?"""

from __future__ import annotations

import click

from cli import gates
from cli.options import (
    account_check_options,
    collect_apis,
    evaluation,
    load_account,
    load_tables,
    require_apis,
    resolve_lang,
    source_apis,
)
from cli.output import emit
from permtable import queries


@click.command(name="can-call")
@account_check_options("can_call")
def command(
    grants_files: tuple[str, ...],
    apis: tuple[str, ...],
    apis_file: str | None,
    from_source: tuple[str, ...],
    strict: bool,
    assume_conditions: bool,
    fail_on: tuple[str, ...],
    exit_zero: bool,
    table_files: tuple[str, ...],
    output_format: str,
    output: str | None,
    lang: str | None,
    max_bytes: int,
) -> int:
    """Decide, per API, whether the account in GRANTS can call it.

    APIs are given as arguments or with --apis, in any of these forms: "GET /v2/x",
    "get/v2/x", "GET https://bss-intl.myhuaweicloud.com/v2/x?limit=10", a concrete id
    in place of {order_id}, or the documented template itself; or found in code with
    --from-source (each result then points at the lines that call the API).

    \b
    Exit: 0 every API callable, 1 any is not (see --fail-on, --exit-zero),
          2 usage or input error.
    """
    tables = load_tables(table_files, max_bytes)
    grants = load_account(grants_files, max_bytes)
    refs = collect_apis(apis, apis_file, max_bytes)
    scanned, notices = source_apis(from_source, max_bytes)
    if not from_source:
        require_apis(refs)
    report = queries.can_call(
        [*refs, *scanned], grants, tables, evaluation(strict, assume_conditions), notices
    )
    record = report.to_dict(resolve_lang(lang))
    emit("can_call", output_format, record, report.notices, output)
    return gates.exit_code(record["results"], fail_on, exit_zero)
