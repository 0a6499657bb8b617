#!/usr/bin/env python3
"""Merge the JSON reports of one who-can or matrix question asked of several shards of a fleet.

    python samples/shard/merge_reports.py shard-*.json > fleet.json

Each shard is a bsscheck JSON report (``--format json``) of the same question: the same API
(who-can) or the same API list (matrix: pass the APIs explicitly, so that every shard has the
same columns), with the same options. The merged report is the report one run over the whole
fleet gives: the accounts in shard order (name the shards in the order of their files), the
summary counts added up, errors, skipped files and warnings put together (a warning every shard
gives, such as a near miss of the API, once). One shard is held in memory at a time, so shards of
100,000 accounts merge into a report of millions. Standard library only; nothing is scheduled
here: run the shards with GNU parallel, a CI matrix or a batch engine.

Exit: 0 merged, 2 the reports do not answer the same question (or are not bsscheck reports).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

# The keys every shard must agree on, by report kind (who-can has "api", matrix "apis", whose
# columns must agree but whose counts are added up).
SAME = ("schema_version", "options", "api", "apis", "scope")


def added(total: Any, more: Any) -> Any:
    """Counts added up, key by key (nested counts too)."""
    if isinstance(total, dict):
        return {key: added(total.get(key, 0), more.get(key, 0)) for key in dict.fromkeys([*total, *more])}
    return total + more


def _columns(report: dict[str, Any]) -> list[Any] | None:
    """A matrix's columns without their counts (which differ from shard to shard)."""
    apis = report.get("apis")
    return None if apis is None else [{k: v for k, v in api.items() if k != "cells"} for api in apis]


def _merged_header(reports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Everything of the merged report but its accounts: checked to be one question, counts
    added up, errors, skipped files and warnings put together."""
    merged: dict[str, Any] = {}
    first: dict[str, Any] | None = None
    warnings: list[Any] = []
    for report in reports:
        if first is None:
            first = report
            merged = {key: value for key, value in report.items() if key != "accounts"}
            merged["errors"], merged["skipped"] = [], []
            if "apis" in report:
                merged["apis"] = [{**api, "cells": added(api["cells"], {})} for api in report["apis"]]
        else:
            for key in SAME:
                if key == "apis":
                    mine, theirs = _columns(report), _columns(first)
                else:
                    mine, theirs = report.get(key), first.get(key)
                if mine != theirs:
                    raise ValueError(f"the shards differ in {key!r}: they do not answer the same question")
            merged["summary"] = added(merged["summary"], report["summary"])
            for column, api in zip(merged.get("apis", []), report.get("apis", []), strict=True):
                column["cells"] = added(column["cells"], api["cells"])
        merged["errors"] += report.get("errors", [])
        merged["skipped"] += report.get("skipped", [])
        for warning in report.get("warnings", []):
            if warning not in warnings:
                warnings.append(warning)
    if first is None:
        raise ValueError("no reports to merge")
    merged["warnings"] = warnings
    if "apis" in first["summary"]:
        merged["summary"]["apis"] = first["summary"]["apis"]  # the columns, the same in every shard
    return merged


def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    if not isinstance(report, dict) or "accounts" not in report or "summary" not in report:
        raise ValueError(f"{path}: not a who-can or matrix JSON report")
    return report


def write_merged(paths: list[str], out: TextIO) -> None:
    """Merge the shards in ``paths`` into ``out`` holding one shard at a time: every shard is
    read once to check the question and add up the counts, then again to copy its accounts."""
    header = _merged_header(_load(path) for path in paths)
    keys = list(_load(paths[0]))
    out.write("{")
    for number, key in enumerate(keys):
        out.write(("," if number else "") + "\n  " + json.dumps(key) + ": ")
        if key == "accounts":
            out.write("[")
            written = 0
            for path in paths:
                for account in _load(path)["accounts"]:
                    out.write(("," if written else "") + "\n    " + json.dumps(account, ensure_ascii=False))
                    written += 1
            out.write("\n  ]" if written else "]")
        else:
            out.write(json.dumps(header[key], ensure_ascii=False, indent=2).replace("\n", "\n  "))
    out.write("\n}\n")


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: merge_reports.py SHARD.json [SHARD.json ...]", file=sys.stderr)
        return 2
    try:
        # Checked before anything is written: a refused merge writes nothing.
        _merged_header(_load(path) for path in paths)
        write_merged(paths, sys.stdout)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"merge_reports.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
