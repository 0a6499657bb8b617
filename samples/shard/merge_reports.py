#!/usr/bin/env python3
"""Merge the JSON reports of one who-can or matrix question asked of several shards of a fleet.

    python samples/shard/merge_reports.py shard-*.json > fleet.json

Each shard is a bsscheck JSON report (``--format json``) of the same question: the same API
(who-can) or the same API list (matrix: pass the APIs explicitly, so that every shard has the
same columns), with the same options. The merged report is the report one run over the whole
fleet gives: the accounts in shard order (name the shards in the order of their files), the
summary counts added up, errors, skipped files and warnings put together (a warning every shard
gives, such as a near miss of the API, once). Standard library only; nothing is scheduled here:
run the shards with GNU parallel, a CI matrix or a batch engine.

Exit: 0 merged, 2 the reports do not answer the same question (or are not bsscheck reports).
"""

from __future__ import annotations

import json
import sys
from typing import Any

# The keys every shard must agree on, by report kind (who-can has "api", matrix "apis", whose
# columns must agree but whose counts are added up).
SAME = ("schema_version", "options", "api", "apis", "scope")
LISTS = ("accounts", "errors", "skipped")


def added(total: Any, more: Any) -> Any:
    """Counts added up, key by key (nested counts too)."""
    if isinstance(total, dict):
        return {key: added(total.get(key, 0), more.get(key, 0)) for key in dict.fromkeys([*total, *more])}
    return total + more


def _columns(report: dict[str, Any]) -> list[Any] | None:
    """A matrix's columns without their counts (which differ from shard to shard)."""
    apis = report.get("apis")
    return None if apis is None else [{k: v for k, v in api.items() if k != "cells"} for api in apis]


def merge(reports: list[dict[str, Any]]) -> dict[str, Any]:
    first = reports[0]
    for report in reports[1:]:
        for key in SAME:
            mine, theirs = (
                (report.get(key), first.get(key)) if key != "apis" else (_columns(report), _columns(first))
            )
            if mine != theirs:
                raise ValueError(f"the shards differ in {key!r}: they do not answer the same question")
    merged = dict(first)
    if "apis" in first:  # matrix: each column's cell counts added up
        merged["apis"] = [{**api, "cells": added(api["cells"], {})} for api in first["apis"]]
        for report in reports[1:]:
            for column, api in zip(merged["apis"], report["apis"], strict=True):
                column["cells"] = added(column["cells"], api["cells"])
    for key in LISTS:
        merged[key] = [item for report in reports for item in report.get(key, [])]
    warnings: list[Any] = []
    for report in reports:
        for warning in report.get("warnings", []):
            if warning not in warnings:
                warnings.append(warning)
    merged["warnings"] = warnings
    summary = first["summary"]
    for report in reports[1:]:
        summary = added(summary, report["summary"])
    if "apis" in first["summary"]:
        summary["apis"] = first["summary"]["apis"]  # the columns, the same in every shard
    merged["summary"] = summary
    return merged


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: merge_reports.py SHARD.json [SHARD.json ...]", file=sys.stderr)
        return 2
    try:
        reports = []
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                reports.append(json.load(handle))
        merged = merge(reports)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"merge_reports.py: error: {error}", file=sys.stderr)
        return 2
    json.dump(merged, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
