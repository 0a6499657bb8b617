"""What every command shares, as one object: the commands stop repeating the shared options.

``shared_output`` (cli.options) adds the shared options to a command and hands it one
``Application`` in their place, as hatch hands its commands an ``Application``. It knows where
the tables come from, how large an input may be, and how and where the report is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from cli.output import emit
from permtable.edition_age import DEFAULT_MAX_AGE_DAYS, stale_editions, utc_today
from permtable.errors import InputError, Location, Notice
from permtable.evaluate import EvaluationPolicy
from permtable.grants import Grants, load_boundaries, load_grants
from permtable.model import AccountType
from permtable.tables import TableSet

if TYPE_CHECKING:
    from datetime import date


class Application:
    """The shared options of one run, and the table sets it made.

    A plain class, not a record: it accumulates the table sets the run consults (their editions
    are checked for age when the report is written), and as a plain class it spares every
    start-up a frozen dataclass's generated methods (about half a millisecond).
    """

    __slots__ = (
        "_table_sets",
        "lang",
        "max_bytes",
        "max_table_age",
        "output",
        "output_format",
        "scp_files",
        "table_files",
        "verbose",
        "view",
    )

    def __init__(
        self,
        view: str,  # the report this command writes (cli.formats views)
        table_files: tuple[str, ...],
        output_format: str,
        output: str | None,  # None: standard output
        lang: str,  # resolved: the --lang given, else the environment's
        max_bytes: int,
        scp_files: tuple[str, ...] = (),  # --scp: Organizations SCPs bounding the account
        verbose: bool = False,  # -v: the table view details callable APIs too
        max_table_age: int = DEFAULT_MAX_AGE_DAYS,  # --max-table-age: warn about older editions
    ) -> None:
        self.view = view
        self.table_files = table_files
        self.output_format = output_format
        self.output = output
        self.lang = lang
        self.max_bytes = max_bytes
        self.scp_files = scp_files
        self.verbose = verbose
        self.max_table_age = max_table_age
        # The table sets this run made: the editions they answered from are checked for age.
        self._table_sets: list[TableSet] = []

    def writing(self, view: str) -> Application:
        """The same run writing another report (``diff --terraform-plan``), sharing its tables."""
        other = Application(
            view,
            self.table_files,
            self.output_format,
            self.output,
            self.lang,
            self.max_bytes,
            self.scp_files,
            self.verbose,
            self.max_table_age,
        )
        other._table_sets = self._table_sets
        return other

    def tables(self) -> TableSet:
        tables = TableSet(self.table_files, self.max_bytes)
        self._table_sets.append(tables)
        return tables

    def edition_notices(self, today: date | None = None) -> list[Notice]:
        """A warning per edition in use that is older than --max-table-age, or undated."""
        editions = {kind: source for tables in self._table_sets for kind, source in tables.used.items()}
        if not editions or self.max_table_age == 0:
            return []
        today = today or utc_today()
        return [
            Notice(stale.message, Location(stale.source.file), stale.hint)
            for stale in stale_editions(editions, today, self.max_table_age)
        ]

    def account(self, grants_files: Sequence[str]) -> Grants:
        """The one account the grants files describe together, bounded by the ``--scp`` files."""
        return self._bounded(load_grants(list(grants_files), self.max_bytes))

    def _bounded(self, grants: Grants) -> Grants:
        """``grants`` bounded by the ``--scp`` files, if any."""
        if not self.scp_files:
            return grants
        if grants.account_type is AccountType.PARTNER:
            raise InputError(
                "--scp applies to customer accounts: Partner Center roles are not bounded by SCPs",
                Location(self.scp_files[0]),
            )
        return grants.bounded_by(load_boundaries(self.scp_files, self.max_bytes))

    def checked_account(self, check: AccountCheck) -> Grants:
        """The account a check is about: its grants files, or a principal after a Terraform plan."""
        if check.terraform_plan is None:
            if not check.grants_files:
                raise click.UsageError(
                    "Missing option '-g' / '--grants' (or --terraform-plan with --principal)."
                )
            if check.principal is not None:
                raise InputError("--principal applies to --terraform-plan", Location("<argument>"))
            return self.account(check.grants_files)
        if check.grants_files:
            raise InputError(
                "give -g GRANTS or --terraform-plan, not both",
                Location("<argument>"),
                "one account per check",
            )
        if check.principal is None:
            raise InputError(
                "--terraform-plan needs --principal KIND:NAME",
                Location(check.terraform_plan),
                "e.g. --principal group:finance-ops (bsscheck diff --terraform-plan lists the principals)",
            )
        from permtable.terraform.diff import PrincipalSelector, planned_account  # noqa: PLC0415

        planned = planned_account(
            check.terraform_plan, PrincipalSelector.parse(check.principal), self.max_bytes
        )
        return self._bounded(planned.after)

    def emit(self, record: object, notices: Iterable[Notice] = ()) -> None:
        """Write the typed record of this command's report, texts in the run's language."""
        notices = [*notices, *self.edition_notices()]
        emit(self.view, self.output_format, record, notices, self.output, self.lang, self.verbose)


@dataclass(frozen=True, slots=True)
class AccountCheck:
    """What a command that checks one account against APIs is given (can-call, missing-perms):
    the account's grants files, the APIs (arguments, a list file, code to scan), how to read what
    cannot be settled offline, and which findings fail the run."""

    grants_files: tuple[str, ...]
    apis: tuple[str, ...]  # as typed; ``GET /v2/x`` in two words is rejoined when parsed
    apis_file: str | None  # --apis: a file, or "-" for standard input
    from_source: tuple[str, ...]  # --from-source: paths whose code is scanned for APIs
    policy: EvaluationPolicy
    fail_on: tuple[str, ...]
    exit_zero: bool
    # --terraform-plan and --principal: the account is what that principal holds after apply.
    terraform_plan: str | None = None
    principal: str | None = None
