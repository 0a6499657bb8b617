"""Generated and hostile source files: bounded memory, no path cut short, warnings counted.

Python's regex engine keeps state for every repetition of a group, so the path patterns are
bounded (MAX_SEGMENTS segments of MAX_SEGMENT_CHARS characters); a longer run is not read as a
path at all, never as the path it starts with.
"""

from __future__ import annotations

import tracemalloc

import pytest

from permtable.scan.paths import MAX_SEGMENT_CHARS, MAX_SEGMENTS, find_paths
from permtable.scan.scanner import scan_paths
from permtable.scan.text_source import scan_text

HUGE = 1_400_000


@pytest.mark.parametrize(
    "literal",
    [
        "/v2/" + "orders/" * (HUGE // 7) + "pay",
        "/v2/" + "a" * HUGE,
        "orders/" * (HUGE // 7) + "pay",
        "https://bss.myhuaweicloud.com/v2/" + "x" * HUGE,
    ],
    ids=["many-segments", "long-segment", "relative", "long-url"],
)
def test_a_huge_literal_is_read_in_bounded_memory(literal):
    text = f'const bssClient = 1;\nfetch("{literal}");\n'
    tracemalloc.start()
    try:
        found = scan_text(text, "ts")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == []
    # The text itself is 1.4 MB; the unbounded patterns took 230 to 360 MiB here.
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB"


def test_the_bounds_never_cut_a_path_short():
    within = "/v2/orders/" + "/".join(["seg"] * (MAX_SEGMENTS - 1))  # 64 after the version
    beyond = within + "/one-too-many"
    assert [found.path for found in find_paths(f'"{within}"')] == [within]
    assert list(find_paths(f'"{beyond}"')) == []
    segment = "/v2/orders/" + "x" * MAX_SEGMENT_CHARS
    assert [found.path for found in find_paths(f'"{segment}"')] == [segment]
    assert list(find_paths(f'"{segment}y"')) == []


def test_a_path_at_thousands_of_sites_is_warned_about_twenty_times_then_counted(tmp_path):
    lines = ["package billing", 'var bssClient = NewBssClient("bss.myhuaweicloud.com")', "func run() {"]
    lines += ['\tdo(c, "accounts/customer-accounts/balances")' for _ in range(1000)]
    (tmp_path / "big.go").write_text("\n".join([*lines, "}"]) + "\n", encoding="utf-8")
    report = scan_paths([str(tmp_path)])
    (api,) = report.apis
    assert api.method is None and len(api.sites) == 1000
    notices = report.unknown_method_notices()
    assert len(notices) == 21
    assert notices[-1].message.startswith("980 more site(s) of /v2/accounts/customer-accounts/balances")
    assert notices[-1].location.line == api.sites[20].location.line
