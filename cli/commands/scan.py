"""``bsscheck scan``: which BSS APIs does this code call, and where?"""

from __future__ import annotations

import click

from cli import exitcodes
from cli.options import ByteSize, examples, format_option, output_option, resolve_format
from permtable.files import DEFAULT_MAX_BYTES


@click.command(
    name="scan",
    short_help="Find the BSS APIs that code calls, without running it.",
    epilog=examples("bsscheck scan samples/billing-app", "bsscheck scan src/ --format text -o apis.txt"),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@format_option("scan")
@output_option
@click.option(
    "--max-file-size",
    "max_bytes",
    type=ByteSize(),
    default=str(DEFAULT_MAX_BYTES),
    help="Skip (and list as skipped) files larger than this (bytes, or with K/M/G)  [default: 10M].",
)
def command(paths: tuple[str, ...], output_format: str | None, output: str | None, max_bytes: int) -> int:
    """Find the BSS APIs that the code in PATHS calls, without running it.

    Folders are walked respecting .gitignore (through git when they are in a work tree);
    virtual environments, node_modules, build and dist folders and documentation files are
    skipped. Python is read with its parser: SDK client methods (client.pay_orders), SDK
    request classes (PayOrdersRequest) and strings holding a BSS path handed to an HTTP call
    (requests.post, session.request("POST", ...), method="POST"). JavaScript, TypeScript, Go,
    Java, Kotlin, shell, YAML and JSON are read by patterns: "METHOD /v2/..." and BSS URLs,
    with the method their call states. A path whose method the code does not state is
    reported without one, never guessed.

    --format text writes an API list for --apis; can-call and missing-perms take
    --from-source PATH to check what the code calls directly.

    \b
    Exit: 0 the scan ran (whatever it found), 2 a path cannot be read or usage error.
    """
    from cli.output import emit  # noqa: PLC0415
    from cli.progress import scan_with_progress  # noqa: PLC0415
    from permtable.scan import scan_paths  # noqa: PLC0415

    shown = resolve_format(("scan",), output_format, output)
    report = scan_with_progress(lambda progress: scan_paths(paths, max_bytes, progress))
    emit("scan", shown, report.record(), report.notices(), output)
    return exitcodes.OK
