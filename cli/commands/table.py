"""``bsscheck table``: import a table from Huawei's page, compare two tables, check a table file.

Huawei updates the permission pages; these commands let a user follow a newer edition (or the
Europe site's) without waiting for a release: import the page, review the diff against the
bundled table, validate, then pass the file with ``--table``.
"""

from __future__ import annotations

import click

from cli import exitcodes
from cli.application import Application
from cli.groups import SingleValueGroup
from cli.messages import warn
from cli.options import examples, format_option, max_size_option, resolve_format, shared_output
from cli.output import STDOUT, emit, emit_text, write_atomically
from permtable.edition_age import utc_today
from permtable.editions.check import check_table_ref
from permtable.editions.diff import diff_tables, load_table_ref
from permtable.editions.identity_pages import import_identity_pages
from permtable.editions.page_import import import_page, merge_into, table_file_text
from permtable.errors import InputError, Location
from permtable.files import decode, read_bytes, read_text, standard_input
from permtable.model import IDENTITY_TYPE, TABLE_KINDS, AccountType

TABLE_REF = "FILE|bundled:partner|bundled:customer"


@click.group(
    name="table",
    cls=SingleValueGroup,
    short_help="Import, compare and check permission tables.",
    epilog=examples(
        "bsscheck table import page.html --type partner -o partner.yaml",
        "bsscheck table diff bundled:customer customer.yaml",
        "bsscheck table status",
    ),
)
def command() -> None:
    """Import a permission table from Huawei's page, compare two tables, check a table file.

    A table file is in the bundled format; use it everywhere with --table FILE. TABLE arguments
    are table files or bundled:partner / bundled:customer.

    \b
    Exit: import   0 written, 2 input error (a cell that cannot be placed, ...)
          diff     0 identical, 1 different, 2 input error
          validate 0 clean (info only), 1 findings, 2 unreadable
          status   0, 2 input error
    """


@command.command(name="import")
@click.argument("docs", metavar="DOC...", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--type",
    "account_type",
    type=click.Choice(TABLE_KINDS),
    required=True,
    help="Which table the page documents (identity: the identity-policy actions of API pages).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Write the table file to FILE (atomically) instead of stdout.",
)
@click.option("--site", default=None, help="The site the page is on (source.site); the page does not say.")
@click.option("--url", default=None, help="The page's address (source.url); the page does not show it.")
@click.option(
    "--merge-from",
    "merge_from",
    default=None,
    metavar=TABLE_REF,
    help="Keep this table's translations (the other language) where the documented text is unchanged.",
)
@max_size_option
def import_command(
    docs: tuple[str, ...],
    account_type: str,
    output: str | None,
    site: str | None,
    url: str | None,
    merge_from: str | None,
    max_bytes: int,
) -> int:
    """Read the permission table from DOC, Huawei's page as a browser or curl saves it (HTML) or
    its text as copied from a browser ('-' reads standard input), and write it as a table file.

    In HTML the table is found by its header cells, with rowspan and colspan written out. Text
    copies come in two layouts: one cell per line ending in ' |' (English pages) and one cell
    per paragraph (Chinese pages); spanned scenario and sub-scenario cells are carried down. The
    title and update date come from the page. Each normalisation (a missing space in 'GET/v2/...',
    a trailing '。' or '.' on a permission name) is reported on stderr and listed in the file.
    A cell that cannot be placed is an error naming its line.

    With --type identity, each DOC is the saved HTML page of one API: its URI and the
    identity-policy action its Authorization section lists become one row.

    \b
    Exit: 0 written, 2 input error.
    """
    if url is not None and not url.startswith(("https://", "http://")):
        raise InputError(f"--url {url!r} is not an http(s) address", hint="give the page's address")
    if site is not None and not site.strip():
        raise InputError("--site is empty")
    if output is not None and output in docs:
        raise InputError("-o names the page being read", Location(output), "write the table elsewhere")
    pages = [_read_page(doc, max_bytes) for doc in docs]
    if account_type == IDENTITY_TYPE:
        if merge_from:
            raise InputError("--merge-from applies to partner and customer tables", hint="drop it")
        return _write_identity(pages, site, url, output)
    if len(pages) > 1:
        raise InputError(
            f"a {account_type} table is imported from one page; {len(pages)} were given",
            Location(docs[1]),
            "several pages are read together with --type identity (one API page each)",
        )
    text, name = pages[0]
    imported = import_page(text, name, AccountType(account_type), site=site, url=url)
    if merge_from:
        imported = merge_into(imported, load_table_ref(merge_from, max_bytes), merge_from)
    table_text = table_file_text(imported)
    for note in (*imported.notes, *imported.infos):
        click.echo(f"bsscheck: note: {note}", err=True)
    warn(imported.warnings)
    table = imported.table
    summary = (
        f"{table.account_type.value} table, {len(table.entries)} rows, "
        f"{len(imported.normalisations)} normalisation(s)"
    )
    return _write_table_file(table_text, output, summary)


def _write_table_file(text: str, output: str | None, summary: str) -> int:
    """An imported table file to stdout, or atomically to ``output``, and its summary on stderr."""
    if output is None or output == STDOUT:
        emit_text(text)
        click.echo(f"bsscheck: {summary}", err=True)
    else:
        write_atomically(output, lambda stream: stream.write(text))
        click.echo(f"bsscheck: wrote {output} ({summary})", err=True)
    return exitcodes.OK


def _read_page(doc: str, max_bytes: int) -> tuple[str, str]:
    if doc == "-":
        name = "<stdin>"
        return decode(read_bytes(standard_input(), max_bytes + 1, name), name, max_bytes), name
    return read_text(doc, max_bytes), doc


def _write_identity(
    pages: list[tuple[str, str]], site: str | None, url: str | None, output: str | None
) -> int:
    imported = import_identity_pages(pages, site=site, url=url)
    for page in imported.pages:
        click.echo(
            f"bsscheck: note: {page.file}:{page.line}: {page.method} {page.path} needs "
            f"{' + '.join(page.actions)}" + (f" (updated {page.updated})" if page.updated else ""),
            err=True,
        )
        warn(page.notes)
    summary = f"identity table, {len(imported.table.rows)} row(s)"
    return _write_table_file(imported.text, output, summary)


@command.command(name="diff")
@click.argument("old", metavar="A")
@click.argument("new", metavar="B")
@click.option(
    "--all-fields",
    is_flag=True,
    help="Also compare translations and source.site / source.url, which the page does not document.",
)
@format_option("table_diff")
@max_size_option
def diff_command(old: str, new: str, all_fields: bool, output_format: str | None, max_bytes: int) -> int:
    """List the rows added, removed and changed (field by field) from table A to table B.

    A and B are table files or bundled:partner / bundled:customer / bundled:identity, two of one
    kind. Rows are matched by method and path (placeholders compared by position, not name). By
    default the fields a page documents are compared: texts in the page's language
    (source.language), path, permissions, menu path or permission name, and the table's type,
    mode, title and update date.

    \b
    Exit: 0 identical, 1 different, 2 input error.
    """
    result = diff_tables(load_table_ref(old, max_bytes), load_table_ref(new, max_bytes), all_fields)
    emit("table_diff", resolve_format(("table_diff",), output_format, None), result.record())
    return exitcodes.OK if result.identical else exitcodes.FINDINGS


@command.command(name="validate")
@click.argument("file", metavar="TABLE")
@format_option("table_validate")
@max_size_option
def validate_command(file: str, output_format: str | None, max_bytes: int) -> int:
    """Check a table file: the strict loader's rules, then consistency (letter-case duplicates,
    code shapes, a menu path or name on a row with several codes, one code with two menu paths or
    names, empty scenarios). Documented oddities are reported as info.

    \b
    Exit: 0 clean (info only), 1 findings (errors or warnings), 2 unreadable.
    """
    check = check_table_ref(file, max_bytes)
    emit("table_validate", resolve_format(("table_validate",), output_format, None), check.record())
    return exitcodes.FINDINGS if check.failing else exitcodes.OK


@command.command(name="status", short_help="The editions in use: dates, sources, age, later changes.")
@shared_output("table_status")
def status_command(app: Application) -> int:
    """Show the table editions in use (bundled, or given with --table): title, site, page,
    date and age, whether each is older than --max-table-age, and the changes Huawei's later
    editions are known to make, each with its page. The notes never change a decision; to use a
    later edition, save its page and run bsscheck table import.

    \b
    Exit: 0, 2 input error.
    """
    from permtable.editions.status import table_status  # noqa: PLC0415

    record = table_status(app.tables(), utc_today(), app.max_table_age)
    emit(app.view, app.output_format, record, (), app.output, app.lang)
    return exitcodes.OK
