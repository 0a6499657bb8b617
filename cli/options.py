"""Options shared by several commands, and turning them into library inputs.

Every command reads grants, tables and API names the same way, so the code doing it lives once
here; the commands only choose which options they take.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.application import AccountCheck, Application
from cli.finding_kinds import FINDING_KINDS
from cli.formats import format_names, format_of_file
from cli.messages import warn
from permtable.apis import METHODS, ApiRef, parse_api, read_api_file
from permtable.edition_age import DEFAULT_MAX_AGE_DAYS
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import DEFAULT_MAX_GRANTS, EvaluationPolicy
from permtable.files import DEFAULT_MAX_BYTES
from permtable.model import AccountType

F = TypeVar("F", bound=Callable[..., Any])


def default_lang() -> str:
    """Follow the locale (LC_ALL, LC_MESSAGES, LANG) like other CLIs; English otherwise."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def grants_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "-g",
        "--grants",
        "grants_files",
        multiple=True,
        required=required,
        type=click.Path(),
        help="Grants file (YAML or JSON; repeatable, merged). A bare IAM policy JSON works too.",
    )


def scp_option(function: F) -> F:
    return click.option(
        "--scp",
        "scp_files",
        multiple=True,
        type=click.Path(),
        help="Organizations SCP bounding the account (a Version 5.0 document or ShowPolicy output; "
        "repeatable: each must allow).",
    )(function)


def table_option(function: F) -> F:
    function = click.option(
        "--max-table-age",
        type=click.IntRange(min=0),
        default=DEFAULT_MAX_AGE_DAYS,
        show_default=True,
        envvar="BSSCHECK_MAX_TABLE_AGE",
        metavar="DAYS",
        help=(
            "Warn when a table edition in use is older than this many days, or undated "
            "(0: never warn). Env: BSSCHECK_MAX_TABLE_AGE."
        ),
    )(function)
    return click.option(
        "--table",
        "table_files",
        multiple=True,
        type=click.Path(),
        help="Table file in the bundled format; replaces the bundled table of its type.",
    )(function)


def examples(*commands: str) -> str:
    """A command's ``--help`` epilog: examples that run as written (``\\b`` keeps their lines)."""
    return "\b\nExamples:\n" + "".join(f"  {command}\n" for command in commands)


def format_option(view: str, *more_views: str) -> Callable[[F], F]:
    """``--format``: the formats of ``view`` (and of ``more_views``, for a command whose options
    choose among reports, as diff does with --terraform-plan)."""
    names = list(dict.fromkeys(name for shown in (view, *more_views) for name in format_names(shown)))
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(names, case_sensitive=False),
        default=None,
        help="Output format (any case)  [default: table, or what the -o file's extension names: "
        ".json, .sarif, .xml (junit), .md, .csv, .txt].",
    )


# Extensions a table may well be written to: no warning when the report has no such format.
_PLAIN_TEXT = frozenset({"text", "markdown"})


def resolve_format(views: tuple[str, ...], output_format: str | None, output: str | None) -> str:
    """The format of the run: ``--format`` as given, else the one the ``-o`` file's extension
    names when this report has it, else ``table``. Says so on stderr when the two disagree, and
    when GitHub annotations go to a file, where Actions does not read them."""
    to_file = output is not None and output not in ("", "-")  # -o - is standard output
    named = format_of_file(output) if to_file and output else None
    available = {name for view in views for name in format_names(view)}
    said: list[str] = []
    if output_format is None:
        if named is not None and named in available:
            return named
        if named is not None and named not in _PLAIN_TEXT:
            said.append(f"this report has no {named} format; writing a table (choose one with --format)")
        output_format = "table"
    elif named is not None and named != output_format and named in available:
        said.append(f"writing the {output_format} report to a file whose extension says {named}")
    if output_format == "github" and to_file:
        said.append(
            "GitHub reads workflow annotations from a step's standard output, not from a file; "
            "drop -o to have them shown"
        )
    warn(Notice(message, Location(output)) for message in said)
    return output_format


def output_option(function: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(),
        default=None,
        help="Write the report to FILE (atomically) instead of stdout; a one-line summary goes to stderr.",
    )(function)


def gate_options(function: F) -> F:
    function = click.option(
        "--exit-zero",
        is_flag=True,
        help="Report findings but exit 0 (input errors still exit 2).",
    )(function)
    return click.option(
        "--fail-on",
        "fail_on",
        multiple=True,
        type=click.Choice(FINDING_KINDS),
        help=(
            "Findings that make the exit code 1 (repeatable). Default: not-callable, near-miss "
            "and other-account-type, i.e. any API that is not callable. not-callable: any other "
            "API that is not callable; denied: an explicit Deny; conditional: a Condition decides; "
            "unlisted: an API not in the table (typo or not); near-miss: an unlisted API a small "
            "edit away from a listed one; other-account-type: an API only the other type's table lists."
        ),
    )(function)


def lang_option(function: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default=None,
        help="Language of descriptions and names [default: from LANG, else en].",
    )(function)


def type_option(function: F) -> F:
    return click.option(
        "--type",
        "account_type",
        type=click.Choice([kind.value for kind in AccountType]),
        default=None,
        help="Only this account type's table.",
    )(function)


def evaluation_policy(strict: bool, assume_conditions: bool, all_grants: bool) -> EvaluationPolicy:
    """The evaluation options as the flags of every checking command set them."""
    return EvaluationPolicy(strict, assume_conditions, None if all_grants else DEFAULT_MAX_GRANTS)


def evaluation_options(function: F) -> F:
    function = click.option(
        "--all-grants",
        is_flag=True,
        help=(
            f"List every grant behind each answer (default: the first {DEFAULT_MAX_GRANTS} per "
            "permission, and how many more)."
        ),
    )(function)
    function = click.option(
        "--assume-conditions",
        is_flag=True,
        help=(
            "Treat IAM statements with a Condition as applying "
            "(default: such APIs are 'conditional', not callable)."
        ),
    )(function)
    return function


def api_input_options(function: F) -> F:
    function = click.option(
        "--from-source",
        "from_source",
        multiple=True,
        type=click.Path(),
        help=(
            "Check the APIs that the code in PATH calls (as bsscheck scan finds them); repeatable. "
            "Results point at the call sites."
        ),
    )(function)
    function = apis_file_option(function)
    return click.argument("apis", nargs=-1)(function)


def apis_file_option(function: F) -> F:
    return click.option(
        "--apis",
        "apis_file",
        type=click.Path(allow_dash=True),
        help="File with one API per line ('#' comments allowed); '-' reads standard input.",
    )(function)


SIZE_UNITS = MappingProxyType({"": 1, "K": 1024, "M": 1024**2, "G": 1024**3})


if TYPE_CHECKING:
    # click 8.5 made ParamType generic (value, input); older clicks, which we also support,
    # cannot subscript it at run time.
    _SizeParamType = click.ParamType[int, Any]
else:
    _SizeParamType = click.ParamType


class ByteSize(_SizeParamType):
    """A size in bytes, with an optional K, M or G suffix (powers of 1024)."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("IB").removesuffix("B")
        unit = text[-1:] if text[-1:] in "KMG" and text[-1:] else ""
        number = text[: len(text) - len(unit)]
        if not number.isdigit() or int(number) == 0:
            self.fail(f"{value!r} is not a size (examples: 500000, 64K, 20M)", param, ctx)
        return int(number) * SIZE_UNITS[unit]


def max_size_option(function: F) -> F:
    return click.option(
        "--max-file-size",
        "max_bytes",
        type=ByteSize(),
        default=str(DEFAULT_MAX_BYTES),
        help="Refuse input files larger than this (bytes, or with K/M/G)  [default: 10M].",
    )(function)


def shared_output(view: str, *more_views: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Add the options every command shares, and hand the command one ``app: Application``
    built from them in their place (cli.application)."""

    def decorate(function: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(function)
        def with_application(
            *args: Any,
            table_files: tuple[str, ...],
            output_format: str | None,
            output: str | None,
            lang: str | None,
            max_bytes: int,
            max_table_age: int,
            scp_files: tuple[str, ...] = (),
            verbose: bool = False,
            **kwargs: Any,
        ) -> int:
            app = Application(
                view,
                table_files,
                resolve_format((view, *more_views), output_format, output),
                output,
                resolve_lang(lang),
                max_bytes,
                scp_files,
                verbose,
                max_table_age,
            )
            return function(*args, app=app, **kwargs)

        return table_option(
            format_option(view, *more_views)(output_option(lang_option(max_size_option(with_application))))
        )

    return decorate


def account_check_options(view: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """The options of commands that check an account against a list of APIs, handed to the
    command as one ``check: AccountCheck`` (and the shared ones as ``app``)."""
    return lambda function: _account_check_options(view, function)


def _account_check_options(view: str, function: Callable[..., int]) -> Callable[..., int]:
    @functools.wraps(function)
    def with_check(
        *args: Any,
        grants_files: tuple[str, ...],
        apis: tuple[str, ...],
        apis_file: str | None,
        from_source: tuple[str, ...],
        strict: bool,
        assume_conditions: bool,
        all_grants: bool,
        fail_on: tuple[str, ...],
        exit_zero: bool,
        terraform_plan: str | None,
        principal: str | None,
        **kwargs: Any,
    ) -> int:
        policy = evaluation_policy(strict, assume_conditions, all_grants)
        check = AccountCheck(
            grants_files, apis, apis_file, from_source, policy, fail_on, exit_zero, terraform_plan, principal
        )
        return function(*args, check=check, **kwargs)

    wrapped = gate_options(shared_output(view)(with_check))
    wrapped = evaluation_options(wrapped)
    wrapped = click.option(
        "--strict", is_flag=True, help="Count APIs missing from the table as not callable."
    )(wrapped)
    wrapped = api_input_options(wrapped)
    wrapped = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help=(
            "Detail every API in the table view, callable ones too (what granted each). "
            "By default only the APIs that are not callable are detailed."
        ),
    )(wrapped)
    wrapped = click.option(
        "--principal",
        metavar="KIND:NAME",
        help=(
            "With --terraform-plan: the group, user or agency to check (group:NAME, user:NAME, agency:NAME)."
        ),
    )(wrapped)
    wrapped = click.option(
        "--terraform-plan",
        type=click.Path(),
        help=(
            "Check what a principal holds after this Terraform plan (terraform show -json output) "
            "instead of -g."
        ),
    )(wrapped)
    return grants_option(required=False)(scp_option(wrapped))


# --------------------------------------------------------------------------- loading inputs


def join_split_apis(arguments: Sequence[str]) -> list[tuple[int, str]]:
    """Rejoin ``GET /v2/x`` typed without quotes (two shell words) into one API name.

    Returns (argument number, text) pairs so errors still name the argument the user typed.
    """
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(arguments):
        text = arguments[index]
        following = arguments[index + 1] if index + 1 < len(arguments) else ""
        if text.strip().upper() in METHODS and following.startswith(("/", "http://", "https://")):
            joined.append((index + 1, f"{text.strip()} {following}"))
            index += 2
        else:
            joined.append((index + 1, text))
            index += 1
    return joined


def collect_apis(
    arguments: Sequence[str], apis_file: str | None, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[ApiRef]:
    refs = [parse_api(text, Location(f"<argument {number}>")) for number, text in join_split_apis(arguments)]
    if apis_file:
        from_file = read_api_file(apis_file, max_bytes)
        if not from_file:
            raise empty_api_list(apis_file)
        refs.extend(from_file)
    return refs


def empty_api_list(apis_file: str) -> InputError:
    return InputError(
        "the API list has no APIs (only blank lines or comments)",
        Location("<stdin>" if apis_file == "-" else apis_file),
        "one API per line, e.g. GET /v2/orders/customer-orders",
    )


def source_apis(
    paths: Sequence[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[ApiRef], list[Notice]]:
    """The APIs the code under ``paths`` calls, located at their first call site, and warnings:
    a path whose HTTP method the code does not state is named at each site, not checked."""
    if not paths:
        return [], []
    from cli.progress import scan_with_progress  # noqa: PLC0415
    from permtable.scan import refs_from_scan, scan_paths  # noqa: PLC0415  (only when asked for)

    report = scan_with_progress(lambda progress: scan_paths(paths, max_bytes, progress))
    refs, notices = refs_from_scan(report)
    if not refs:
        notices.append(
            Notice(
                f"no BSS API call found in {', '.join(paths)} ({report.files_scanned} file(s) scanned)",
                hint="nothing from the code to check; see bsscheck scan for what was read and skipped",
            )
        )
    return refs, notices


def require_apis(refs: list[ApiRef]) -> list[ApiRef]:
    if not refs:
        raise InputError(
            "no APIs to check",
            hint='give them as arguments ("GET /v2/orders/customer-orders") or with --apis FILE',
        )
    return refs


def resolve_lang(lang: str | None) -> str:
    return lang or default_lang()
