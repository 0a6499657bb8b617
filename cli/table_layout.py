"""Tables that never cut a code, an API, a menu path or a URL, at any width.

rich fits a table to the console by narrowing columns: it folds words in two or ends them with
an ellipsis, which is how ``BPC_ITEM_SUBCUSTSERV_060100`` became ``BPC_ITEM_SUBCUSTSERV_060…``
at 80 columns. A reader copies these tokens into a console or a policy, so a broken one is a
wrong answer. Here every column is given at least its longest word (a word is what lies between
spaces: a code, a path, a URL), the rest of the width goes to the columns that want more, and
when even the longest words do not fit side by side, the table is printed stacked: one block
per row, a line per column, each value whole (the terminal may wrap a long line; the text keeps
every token in one piece, as logs and copy-paste need).

Words of wide (CJK) characters are prose, which may break between any two characters, so they
ask only for one character's width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

# A column of prose words still gets this many cells, so it does not read as one word a line.
_PROSE_MINIMUM = 8


@dataclass(frozen=True, slots=True)
class ColumnNeed:
    """What one column asks for: the width no token may be cut below, and the width it would
    use if the page were wide enough."""

    minimum: int
    wanted: int


def plain(cell: RenderableType) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return cell if isinstance(cell, str) else str(cell)


def _word_width(word: str) -> int:
    width = cell_len(word)
    return 2 if width > len(word) else width  # wide characters: prose, breakable anywhere


def column_need(header: str, cells: Iterable[str], no_wrap: bool) -> ColumnNeed:
    minimum = max((_word_width(word) for word in header.split()), default=1)
    wanted = cell_len(header)
    for text in cells:
        for line in text.split("\n"):
            width = cell_len(line)
            wanted = max(wanted, width)
            if no_wrap:
                minimum = max(minimum, width)
            else:
                minimum = max(minimum, max((_word_width(word) for word in line.split()), default=0))
    return ColumnNeed(minimum, max(wanted, minimum))


def fit(needs: Sequence[ColumnNeed], available: int) -> list[int] | None:
    """Column widths within ``available`` cells giving each column its minimum, or None.

    Space beyond the minimums is shared in proportion to what each column still wants, so a
    long description grows before a short decision label does.
    """
    if sum(need.minimum for need in needs) > available:
        return None
    if sum(need.wanted for need in needs) <= available:
        return [need.wanted for need in needs]
    spare = available - sum(need.minimum for need in needs)
    wants = [need.wanted - need.minimum for need in needs]
    total = sum(wants)
    widths = [need.minimum + spare * want // total for need, want in zip(needs, wants, strict=True)]
    leftover = available - sum(widths)
    # Whole cells the division left over go to the columns that still want the most.
    for index in sorted(range(len(needs)), key=lambda i: widths[i] - needs[i].wanted)[:leftover]:
        widths[index] += 1
    return widths


def overhead(console: Console, grid: Table) -> int:
    """Cells a table spends on borders and padding, measured by rich itself."""
    saved = [column.width for column in grid.columns]
    for column in grid.columns:
        column.width = 1
    try:
        measured = Measurement.get(console, console.options, grid)
    finally:
        for column, width in zip(grid.columns, saved, strict=True):
            column.width = width
    return measured.maximum - len(grid.columns)


def grid_needs(grid: Table) -> list[ColumnNeed]:
    return [
        column_need(plain(column.header), (plain(cell) for cell in column.cells), column.no_wrap)
        for column in grid.columns
    ]


def widths_for(console: Console, grid: Table, needs: Sequence[ColumnNeed] | None = None) -> list[int] | None:
    """Widths that keep every word of ``grid`` whole at the console's width, or None when the
    words cannot fit side by side. ``needs`` may cover more rows than ``grid`` holds (a long
    report drawn as consecutive tables of the same widths)."""
    return fit(needs or grid_needs(grid), console.width - overhead(console, grid))


def apply_widths(grid: Table, widths: Sequence[int]) -> None:
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
        column.min_width = None
        column.max_width = None
        column.ratio = None
        column.overflow = "fold"  # no ellipsis: every word fits its column now


def print_grid(console: Console, grid: Table) -> None:
    """The table when its words fit side by side, else one block per row."""
    if grid.row_count:
        widths = widths_for(console, grid)
        if widths is None:
            print_stacked(console, grid)
            return
        apply_widths(grid, widths)
    console.print(grid)


def print_stacked(console: Console, grid: Table, first_row: int = 0) -> None:
    rows = zip(*(list(column.cells) for column in grid.columns), strict=True)
    if grid.title:
        console.print(Text(plain(grid.title), style="bold"), soft_wrap=True)
    if not grid.show_header and len(grid.columns) == 2:
        # A grid of names and values already reads as one block: the names are the headers.
        names, values = zip(*rows, strict=True)
        print_blocks(console, [plain(name) for name in names], [values], first_row)
        return
    print_blocks(console, [plain(column.header) for column in grid.columns], rows, first_row)


def print_blocks(
    console: Console, headers: Sequence[str], rows: Iterable[Sequence[RenderableType]], first_row: int = 0
) -> None:
    """Each row as ``Header: value`` lines; a value of several lines continues indented. A
    first column headed ``#`` numbers the blocks instead (``3. API: ...``)."""
    numbered = headers[0] == "#"
    keys = headers[1:] if numbered else headers
    key_width = max(cell_len(key) for key in keys) + 2
    for index, row in enumerate(rows, first_row):
        prefix = f"{plain(row[0])}. " if numbered else ""
        margin = " " * len(prefix)
        block = Text("\n" if index else "")
        shown = 0
        for key, cell in zip(keys, row[1:] if numbered else row, strict=True):
            text = cell if isinstance(cell, Text) else Text(plain(cell))
            if not text.plain:
                continue
            block.append(prefix if shown == 0 else margin)
            block.append(f"{key}:".ljust(key_width), style="bold")
            for number, line in enumerate(text.split("\n")):
                if number:
                    block.append("\n" + margin + " " * key_width)
                block.append_text(line)
            block.append("\n")
            shown += 1
        block.rstrip()
        console.print(block, soft_wrap=True)
