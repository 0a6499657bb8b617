"""Running a scan: walk the files, read each in its language, group the call sites by API."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from permtable.apis import ApiRef, parse_api
from permtable.errors import Location, Notice
from permtable.files import DEFAULT_MAX_BYTES
from permtable.scan.constants import ProjectConstants, may_call_bss, module_constants
from permtable.scan.model import CallSite, ScannedApi, ScanReport
from permtable.scan.paths import canonical
from permtable.scan.python_source import scan_python
from permtable.scan.sdk_calls import scan_go, scan_java
from permtable.scan.text_source import scan_text
from permtable.scan.walker import PYTHON, SourceFile, read_again, walk

EVIDENCE_LENGTH = 120
# Languages whose SDK calls are read beside their text (Python's are read from its syntax tree).
SDK_READERS = {"go": scan_go, "java": scan_java}
# When one line holds several sites of one API (``client.pay_orders(PayOrdersRequest())``),
# the one that says most is kept.
KIND_RANK = {"sdk-call": 0, "http-call": 1, "sdk-request": 2, "string": 3, "text": 4}


@dataclass(frozen=True, slots=True)
class _Found:
    method: str | None
    path: str
    operation: str | None
    site: CallSite


def scan_paths(
    paths: Sequence[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int], Callable[[str], None] | None] | None = None,
) -> ScanReport:
    """Scan files and folders; InputError for a path that does not exist or cannot be read.

    ``progress``, given the number of files once they are listed, may return a callback the
    scan calls after each file (the command's progress bar)."""
    # Every BSS call a scan can see names a versioned path (``/v2/...``), a BSS host or an SDK
    # of BSS (``huaweicloudsdkbss``, ``services/bss/v2``, ``sdk.bss.v2``), or a constant holding
    # one: other files are not parsed at all, nor held in memory. Most files of a large tree are
    # skipped so, at the speed of a byte search.
    walked = walk(paths, max_bytes, keep=may_call_bss)
    tick = progress(len(walked.files)) if progress is not None else None
    # First, the string constants of the modules that may hold BSS paths, so that a module
    # importing one (``from .paths import BALANCES``) is read too, with those values.
    project = ProjectConstants()
    trees: dict[str, ast.Module] = {}
    for source in walked.files:
        if source.language == PYTHON and source.text is not None:
            try:
                tree = ast.parse(source.text)
            except (SyntaxError, ValueError, RecursionError):
                continue  # read (and reported) as text by the scan itself
            trees[source.path] = tree
            project.add(source.path, module_constants(tree))
    names = sorted(project.bss_names())
    importers = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b") if names else None
    found: list[_Found] = []
    warnings: list[Notice] = []
    for source in walked.files:
        found.extend(_scan_file(source, warnings, project, trees.pop(source.path, None), importers))
        if tick is not None:
            tick(source.path)
    # A constant another module imports and calls with a method is not a path without one.
    called = {canonical(None, item.path)[0] for item in found if item.method is not None}
    found = [
        item
        for item in found
        if not (
            item.method is None
            and (item.site.file, item.site.line) in project.used
            and canonical(None, item.path)[0] in called
        )
    ]
    apis = _group(found)
    return ScanReport(tuple(paths), apis, len(walked.files), walked.skipped, tuple(warnings))


def _evidence(lines: list[str], line: int) -> str:
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return text if len(text) <= EVIDENCE_LENGTH else text[: EVIDENCE_LENGTH - 1] + "…"


def _scan_file(
    source: SourceFile,
    warnings: list[Notice],
    project: ProjectConstants,
    tree: ast.Module | None,
    importers: re.Pattern[str] | None,
) -> list[_Found]:
    python = source.language == PYTHON
    text = source.text
    if text is None:
        # Nothing of its own: only a Python module importing a BSS path constant is read.
        if not (python and importers is not None):
            return []
        text = read_again(source)
        if text is None or not importers.search(text):
            return []
    lines = text.splitlines()
    found = []
    if python:
        # Only what ast.parse raises for a file it cannot read (and a nesting too deep for the
        # reader's recursion) falls back to the text reader: any other error is a bug, and
        # shows as one.
        try:
            if tree is None:
                tree = ast.parse(text)
            imported = project.imported(source.path, tree)
            for item in scan_python(text, tree, imported):
                site = CallSite(source.path, item.line, item.column, item.kind, _evidence(lines, item.line))
                found.append(_Found(item.method, item.path, item.operation, site))
            return found
        except SyntaxError as error:
            warnings.append(
                Notice(
                    f"not valid Python ({error.msg}): read as plain text instead",
                    Location(source.path, error.lineno, error.offset),
                )
            )
        except RecursionError:
            warnings.append(
                Notice(
                    "cannot be parsed as Python (nested too deeply): read as plain text instead",
                    Location(source.path),
                )
            )
        except ValueError as error:
            if tree is not None:
                raise  # the file parsed: the error is the reader's
            warnings.append(
                Notice(
                    f"cannot be parsed as Python ({error}): read as plain text instead", Location(source.path)
                )
            )
    language = "python" if source.language == PYTHON else source.language
    sdk_reader = SDK_READERS.get(language)
    if sdk_reader is not None:
        for call in sdk_reader(text):
            site = CallSite(source.path, call.line, call.column, "sdk-call", _evidence(lines, call.line))
            found.append(_Found(call.operation.method, call.operation.path, call.operation.name, site))
    for text_item in scan_text(text, language):
        site = CallSite(
            source.path, text_item.line, text_item.column, "text", _evidence(lines, text_item.line)
        )
        found.append(_Found(text_item.method, text_item.path, None, site))
    return found


def _group(found: list[_Found]) -> tuple[ScannedApi, ...]:
    best: dict[tuple[str | None, str, str, int], _Found] = {}
    for raw in found:
        path, operation = raw.path, raw.operation
        if operation is None:
            path, operation = canonical(raw.method, path)
        item = replace(raw, path=path, operation=operation)
        key = (item.method, item.path, item.site.file, item.site.line)
        known = best.get(key)
        if known is None or _rank(item) < _rank(known):
            best[key] = item
    by_api: dict[tuple[str | None, str], list[_Found]] = {}
    for item in best.values():
        by_api.setdefault((item.method, item.path), []).append(item)
    apis = []
    for (method, path), items in by_api.items():
        sites = tuple(sorted((item.site for item in items), key=CallSite.sort_key))
        operation = next((item.operation for item in items if item.operation), None)
        apis.append(ScannedApi(method, path, operation, sites))
    return tuple(sorted(apis, key=lambda api: (api.path, api.method or "~")))


def _rank(item: _Found) -> tuple[int, int]:
    return (KIND_RANK[item.site.kind], item.site.column)


def refs_from_scan(report: ScanReport) -> tuple[list[ApiRef], list[Notice]]:
    """The scanned APIs as API references located at their first call (``sites`` starts with
    it), and a warning for every site whose method is unknown: such a path is not checked."""
    refs = []
    for api in report.apis:
        if api.method is not None:
            # The line that fails is the call, not where a request object is built: a call
            # leads, the other sites follow in file order.
            primary = min(api.sites, key=lambda site: (site.kind == "sdk-request", site.sort_key()))
            sites = (primary, *(site for site in api.sites if site is not primary))
            ref = parse_api(f"{api.method} {api.path}", primary.location)
            refs.append(replace(ref, operation=api.operation, sites=sites))
    return refs, [*report.warnings, *report.unknown_method_notices("it was not checked")]
