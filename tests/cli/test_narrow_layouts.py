"""Tables at 60, 80 and 120 columns: a code, an API, a path or a URL is never cut.

Each command's table view on the bundled samples is compared with a golden file per width
(BSSCHECK_UPDATE_GOLDEN=1 rewrites them, to be reviewed), and every fact the wide view shows
(permission codes, API paths, URLs) must appear whole, as one word, at every width: either the
table fits with each column at least as wide as its longest word, or it is printed stacked.
"""

from __future__ import annotations

import io
import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from cli.table_layout import ColumnNeed, fit
from tests.cli.conftest import GOLDEN

COMMANDS = {
    "can-call": ("can-call", "-g", "samples/customer-grants.yaml", "--apis", "samples/customer-apis.txt"),
    "missing-perms": (
        "missing-perms",
        "-g",
        "samples/partner-grants.yaml",
        "--apis",
        "samples/partner-apis.txt",
    ),
    "explain-permission": ("explain", "BPC_ITEM_SUBCUSTSERV_060100"),
    "explain-wildcard": ("explain", "bss:order:*"),
    "explain-api": ("explain", "GET /v2/orders/customer-orders"),
    "apis": ("apis", "--type", "partner"),
    "who-can": ("who-can", "GET /v2/orders/customer-orders", "-g", "samples/fleet"),
    "matrix": ("matrix", "-g", "samples/fleet", "--apis", "samples/partner-apis.txt"),
    "diff": ("diff", "samples/grants-change/old.yaml", "samples/grants-change/new.yaml"),
    "scan": ("scan", "samples/billing-app"),
}
WIDTHS = (60, 80, 120)

_FACTS = re.compile(
    r"BPC_ITEM_[A-Z0-9_]+"
    r"|bss:[A-Za-z*]+:[A-Za-z*]+"
    r"|https?://[^\s│┃]+"
    r"|/v\d[^\s│┃\]),;]*"
)
# Borders and the punctuation that may touch a word in prose ("(bss:order:view)", "x;").
_WORD_EDGES = "()[],;.:'\""


def words(text: str) -> set[str]:
    found = set()
    for word in re.split(r"[\s│┃]+", text):
        found.add(word)
        found.add(word.strip(_WORD_EDGES))
    return found


def facts(text: str) -> set[str]:
    return {fact.rstrip(_WORD_EDGES) for fact in _FACTS.findall(text)}


def cut_facts(wide: str, narrow: str) -> list[str]:
    shown = words(narrow)
    return sorted(fact for fact in facts(wide) if fact not in shown)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_fact_appears_whole_at_every_width(run_cli, name):
    wide = run_cli(*COMMANDS[name], env={"COLUMNS": "400"}).stdout
    assert facts(wide), f"{name}: the wide view shows no code, path or URL to check"
    for width in WIDTHS:
        narrow = run_cli(*COMMANDS[name], env={"COLUMNS": str(width)}).stdout
        assert cut_facts(wide, narrow) == [], f"{name} at {width} columns"
        golden = GOLDEN / "layout" / f"{name}-{width}.txt"
        if os.environ.get("BSSCHECK_UPDATE_GOLDEN"):
            golden.write_text(narrow, encoding="utf-8")
        assert narrow == golden.read_text(encoding="utf-8"), (
            f"{golden.name} changed; if on purpose, rerun with BSSCHECK_UPDATE_GOLDEN=1 and review"
        )


def test_the_check_catches_a_table_that_folds_a_code():
    """Control: rich's own fitting, given no minimum widths, folds a long code at 60 columns,
    and the check above reports it."""
    wide_text = "BPC_ITEM_SUBCUSTSERV_060100 GET /v2/orders/customer-orders/details/{order_id}"
    grid = Table()
    for header in ("Permission", "Table", "Where / name", "APIs"):
        grid.add_column(header, overflow="fold")
    grid.add_row(
        "BPC_ITEM_SUBCUSTSERV_060100",
        "partner",
        "not documented by Huawei",
        "GET /v2/orders/customer-orders/details/{order_id}",
    )
    console = Console(width=60, record=True, file=io.StringIO(), color_system=None)
    console.print(grid)
    folded = console.export_text()
    assert cut_facts(wide_text, folded) != []


def test_lines_of_a_table_never_exceed_the_width(run_cli):
    for name in sorted(COMMANDS):
        for width in WIDTHS:
            out = run_cli(*COMMANDS[name], env={"COLUMNS": str(width)}).stdout
            table_lines = [line for line in out.splitlines() if line[:1] in "┏┃┡│├└"]
            assert all(len(line) <= width for line in table_lines), (name, width)


def test_a_report_file_is_drawn_wider_than_a_terminal(run_cli, tmp_path):
    report = tmp_path / "explain.txt"
    out = run_cli(
        *COMMANDS["explain-permission"], "--format", "table", "-o", str(report), env={"COLUMNS": None}
    )
    assert out.code == 0, out
    text = report.read_text(encoding="utf-8")
    assert "┃ Permission" in text  # a table, not the stacked form an 80-column file would need
    assert max(len(line) for line in text.splitlines()) == 120


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(1, 60), st.integers(0, 80)), min_size=1, max_size=8),
    available=st.integers(1, 300),
)
def test_fit_gives_every_column_its_minimum_within_the_width(pairs, available):
    needs = [ColumnNeed(minimum, minimum + extra) for minimum, extra in pairs]
    widths = fit(needs, available)
    if sum(need.minimum for need in needs) > available:
        assert widths is None
        return
    assert widths is not None
    assert all(width >= need.minimum for width, need in zip(widths, needs, strict=True))
    assert sum(widths) <= available
    if sum(need.wanted for need in needs) <= available:
        assert widths == [need.wanted for need in needs]
    else:
        assert sum(widths) == available  # every cell of the width is used
