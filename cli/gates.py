"""Which findings fail the run: ``--fail-on`` and ``--exit-zero``.

The default fails the run on any API that is not callable, including near misses of a listed
API and APIs documented only for the other account type, which have kinds of their own so that
``--fail-on`` can leave them out. ``--fail-on`` narrows or widens that to chosen finding kinds
(see cli.finding_kinds); ``--exit-zero`` reports without failing. Input errors exit 2
regardless: a broken input is never a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cli import exitcodes
from cli.finding_kinds import NEAR_MISS, NOT_CALLABLE, OTHER_ACCOUNT_TYPE, OWN_KINDS, UNLISTED, result_kind
from permtable.evaluate import ApiResult, Decision

DEFAULT_FAIL_ON = (NOT_CALLABLE, NEAR_MISS, OTHER_ACCOUNT_TYPE)


def failing(result: ApiResult, fail_on: Sequence[str]) -> bool:
    """Whether one result fails the run under ``fail_on``."""
    kind = result_kind(result)
    if kind is not None and kind in fail_on:
        return True
    if NOT_CALLABLE in fail_on and not result.callable and kind not in OWN_KINDS:
        return True  # not-callable covers every other way of not being callable
    # "unlisted" means every API missing from the table, typo or not.
    return UNLISTED in fail_on and result.decision is Decision.NOT_CHECKED


def exit_code(results: Iterable[ApiResult], fail_on: Sequence[str], exit_zero: bool) -> int:
    if exit_zero:
        return exitcodes.OK
    chosen = fail_on or DEFAULT_FAIL_ON
    return exitcodes.FINDINGS if any(failing(result, chosen) for result in results) else exitcodes.OK
