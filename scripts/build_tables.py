#!/usr/bin/env python3
"""Regenerate permtable/data/{partner,customer}.json from the reviewed YAML tables.

The YAML files are the source of truth; the JSON files hold the same values in the form
bsscheck reads at start-up (JSON parses in a fraction of the time positioned YAML takes).
Run this after editing a bundled YAML table; tests/permtable/test_tables.py fails until the
JSON files match.

    python scripts/build_tables.py          # rewrite the JSON files
    python scripts/build_tables.py --check  # exit 1 if one is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from permtable.model import AccountType  # noqa: E402
from permtable.tables import compiled_table_text  # noqa: E402


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for kind in AccountType:
        target = ROOT / "permtable" / "data" / f"{kind.value}.json"
        text = compiled_table_text(kind)
        current = target.read_text("utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(target)
        if not check:
            target.write_text(text, "utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if check and stale:
        for target in stale:
            print(f"out of date: {target.relative_to(ROOT)} (run python scripts/build_tables.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
